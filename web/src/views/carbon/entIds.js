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
