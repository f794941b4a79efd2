import { api } from '../../lib/session.js'

// Carbon tables name enterprises by credit code; links need their ids. One listing per page load.
let cache = null
export async function enterpriseIdsByCode() {
  if (cache) return cache
  const map = {}
  let page = 1
  for (;;) {
    const res = await api.get('/enterprises', { page, page_size: 100 })
    for (const e of res.items || []) map[e.credit_code] = e.id
    if (!res.items || res.items.length < 100 || page * 100 >= (res.total || 0)) break
    page++
  }
  cache = map
  return map
}

// A page about one enterprise opened without one (from the menu) shows the first enterprise rather than nothing.
export async function openFirstEnterprise(router, path, query) {
  try {
    const res = await api.get('/enterprises', { page: 1, page_size: 1 })
    const first = res.items && res.items[0]
    if (first) router.replace({ path: `${path}/${first.id}`, query })
  } catch {
    /* the page keeps its enterprise picker */
  }
}
