import { reactive } from 'vue'
import { api } from './session.js'
import { ENTITIES } from './entities.js'

// A small cache of display names for records that lists refer to by id (an equipment row's enterprise,
// a sensor's equipment). Each id is fetched once per page load.
const names = reactive({})
const pending = new Map()

export function nameOf(entity, id) {
  if (id === null || id === undefined || id === '') return ''
  const key = `${entity}:${id}`
  if (key in names) return names[key]
  if (!pending.has(key)) {
    const p = api
      .get(`${ENTITIES[entity].path}/${encodeURIComponent(id)}`)
      .then((rec) => {
        names[key] = ENTITIES[entity].title(rec)
      })
      .catch(() => {
        names[key] = `#${id}`
      })
    pending.set(key, p)
  }
  return `#${id}`
}

export function rememberNames(entity, records) {
  for (const r of records || []) names[`${entity}:${r.id}`] = ENTITIES[entity].title(r)
}
