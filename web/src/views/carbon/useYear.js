import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { defaultYear } from '../../lib/carbon.js'

// The year a carbon page shows lives in the URL (?year=2025), so a link or a reload keeps it.
export function useYear() {
  const route = useRoute()
  const router = useRouter()
  return computed({
    get: () => {
      const y = Number(route.query.year)
      return Number.isInteger(y) && y > 1900 ? y : defaultYear()
    },
    set: (y) => router.replace({ query: { ...route.query, year: String(y) } }),
  })
}
