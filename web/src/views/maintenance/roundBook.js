// Inspection rounds kept on the phone until the server has them (issue 12, items 4 and 9). A round is a draft in
// localStorage from the moment the inspector starts it: every answer is saved as it is typed, photos go to
// IndexedDB (they are too large for localStorage). Submitting queues the round; the queue is sent now if the
// network lets it, else on the browser's `online` event, on a timer while something waits, and on the next visit.
//
// Sending is safe to repeat. The server's round is named by the id the phone generated (POST /maintenance/rounds
// answers 200 with the round it already has); a photo is uploaded once under a file name made of the round's id
// and the item, and looked up by that name before uploading again; the answer sheet is built once, when it is
// queued (photo ids filled in as they are uploaded), and the same sheet is sent on every retry, so
// POST /maintenance/rounds/submit answers 200 with the stored round instead of 409.
//
// States of a draft: draft (being filled in), queued (waiting to be sent), sent (the server has it: `round` is the
// server's round with its findings), rejected (the server refused it: `error` says why; the inspector can fix the
// answers and queue it again).
import { reactive } from 'vue'

export const STORE_KEY = 'parkbrain.rounds.v1'
// The last list of rounds and the routes that were due, per user, so that a round can be started offline.
export const CACHE_KEY = 'parkbrain.rounds.offline.v1'
// A photo item takes what the server takes (web/src/i18n/text/maintenance: attachment.too_large).
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024
// Sent rounds stay listed on the phone for a day, then are forgotten.
const KEEP_SENT_MS = 86_400_000

export function answerKey(equipmentId, item) {
  return `${equipmentId}|${item}`
}

// A round id the server accepts: 8 to 64 letters, digits, '-' and '_' (a UUID where the browser makes one).
export function newClientId(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl && typeof cryptoImpl.randomUUID === 'function') return cryptoImpl.randomUUID()
  const bytes = new Uint8Array(16)
  if (cryptoImpl && typeof cryptoImpl.getRandomValues === 'function') cryptoImpl.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

// Whether a failed send should be tried again later (no network, the server down or busy) rather than shown as
// refused: anything the server answered with a 4xx other than 408 and 429 is its considered answer.
export function isRetryable(err) {
  const status = err && typeof err.status === 'number' ? err.status : 0
  return status === 0 || status === 408 || status === 429 || status >= 500
}

// Every checklist item of a route in walking order: [{checkpoint, equipment_id, item}].
export function routeItems(route) {
  const out = []
  for (const [ci, cp] of (route?.checkpoints || []).entries()) {
    for (const item of cp.items || []) out.push({ checkpoint: ci, equipment_id: cp.equipment_id, item })
  }
  return out
}

// Whether an answer holds something for its item's kind.
export function answered(item, a) {
  if (!a) return false
  if (item.kind === 'number') return a.value !== '' && a.value !== null && a.value !== undefined && Number.isFinite(Number(a.value))
  if (item.kind === 'pass_fail') return a.value === true || a.value === false
  if (item.kind === 'text') return typeof a.value === 'string' && a.value.trim() !== ''
  if (item.kind === 'photo') return Boolean(a.photo)
  return false
}

// Required items without an answer (what the server would refuse as maintenance.round.unanswered).
export function missingItems(route, answers) {
  return routeItems(route).filter(({ equipment_id, item }) => item.required !== false && !answered(item, answers[answerKey(equipment_id, item.key)]))
}

// What an answer will be found to be, said the way the server says it (maintenance.round.finding.*): a number
// outside its inclusive limits, a failed check. null when the answer is fine or not given.
export function findingOf(item, a) {
  if (!answered(item, a)) return null
  if (item.kind === 'number') {
    const v = Number(a.value)
    const unit = item.unit || ''
    if (item.low !== undefined && item.low !== null && v < item.low) {
      return { code: 'maintenance.round.finding.below_low', params: { item: item.label, value: v, limit: item.low, unit } }
    }
    if (item.high !== undefined && item.high !== null && v > item.high) {
      return { code: 'maintenance.round.finding.above_high', params: { item: item.label, value: v, limit: item.high, unit } }
    }
    return null
  }
  if (item.kind === 'pass_fail' && a.value === false) {
    return { code: 'maintenance.round.finding.failed', params: { item: item.label, remark: a.remark || '' } }
  }
  return null
}

// Every finding the sheet will raise, in walking order.
export function localFindings(route, answers) {
  const out = []
  for (const { equipment_id, item } of routeItems(route)) {
    const f = findingOf(item, answers[answerKey(equipment_id, item.key)])
    if (f) out.push({ equipment_id, item: item.key, reason: f })
  }
  return out
}

// The answer sheet as the server takes it, in walking order (the order is part of what makes a retry the same
// sheet). Photo answers carry the attachment id from `photoIds` (answerKey → id); unanswered items are left out.
export function buildSheet(route, answers, photoIds = {}) {
  const out = []
  for (const { equipment_id, item } of routeItems(route)) {
    const key = answerKey(equipment_id, item.key)
    const a = answers[key]
    if (!answered(item, a)) continue
    let value
    if (item.kind === 'number') value = Number(a.value)
    else if (item.kind === 'pass_fail') value = a.value
    else if (item.kind === 'text') value = a.value.trim()
    else value = photoIds[key] ?? null
    const row = { equipment_id, item: item.key, value }
    if (a.remark && a.remark.trim()) row.remark = a.remark.trim()
    out.push(row)
  }
  return out
}

// The name a photo is uploaded under: the round's id and the item, so a retry finds an upload that went through.
export function photoFilename(draftId, equipmentId, itemKey, type = '') {
  const ext = { 'image/png': 'png', 'image/webp': 'webp' }[type] || 'jpg'
  return `${draftId}-${equipmentId}-${itemKey}.${ext}`
}

// localStorage as the drafts' home (an object of drafts by id, JSON). A storage that throws (private mode, full)
// keeps the drafts in memory for this page's life.
export function localStore(storage = globalThis.localStorage, key = STORE_KEY) {
  let memory = {}
  return {
    load() {
      try {
        const v = JSON.parse(storage.getItem(key) || '{}')
        return v && typeof v === 'object' ? v : {}
      } catch {
        return memory
      }
    },
    save(drafts) {
      memory = drafts
      try {
        storage.setItem(key, JSON.stringify(drafts))
        return true
      } catch {
        return false
      }
    },
  }
}

// Photos by key in IndexedDB (database parkbrain-rounds, store photos); without IndexedDB, in memory.
export function photoStore(idb = globalThis.indexedDB) {
  const memory = new Map()
  if (!idb) {
    return {
      put: async (k, blob) => void memory.set(k, blob),
      get: async (k) => memory.get(k) || null,
      del: async (k) => void memory.delete(k),
    }
  }
  let opened = null
  const db = () =>
    (opened ||= new Promise((resolve, reject) => {
      const req = idb.open('parkbrain-rounds', 1)
      req.onupgradeneeded = () => req.result.createObjectStore('photos')
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    }))
  const run = async (mode, fn) => {
    const d = await db()
    return new Promise((resolve, reject) => {
      const tx = d.transaction('photos', mode)
      const req = fn(tx.objectStore('photos'))
      tx.oncomplete = () => resolve(req.result)
      tx.onerror = () => reject(tx.error)
    })
  }
  return {
    put: (k, blob) => run('readwrite', (s) => s.put(blob, k)),
    get: async (k) => (await run('readonly', (s) => s.get(k))) || null,
    del: (k) => run('readwrite', (s) => s.delete(k)),
  }
}

// The book of rounds on this phone. `api` is the app's client (post, upload), `store` keeps the drafts, `photos`
// the photo blobs, `now` the clock. drafts is reactive: pages show it as it changes.
export function createRoundBook({
  api,
  store = localStore(),
  photos = photoStore(),
  cache = localStore(globalThis.localStorage, CACHE_KEY),
  now = () => Date.now(),
} = {}) {
  const drafts = reactive(store.load())
  const status = reactive({ sending: false, lastTry: 0 })
  let running = null
  let again = false

  function persist() {
    return store.save(JSON.parse(JSON.stringify(drafts)))
  }

  // Sent rounds older than a day are dropped, with their photos.
  function prune() {
    for (const d of Object.values(drafts)) {
      if (d.state === 'sent' && now() - (d.sent_at || 0) > KEEP_SENT_MS) remove(d.id)
    }
  }

  function mine(user) {
    return Object.values(drafts).filter((d) => d.user === user)
  }

  function forWindow(user, routeId, slot) {
    return mine(user).find((d) => d.route_id === routeId && d.slot === slot) || null
  }

  // Starts a round of `route` for the window `slot` (as the server listed it) now.
  function start({ user, route, slot, names = {} }) {
    const id = newClientId()
    drafts[id] = {
      id,
      user,
      route_id: route.id,
      enterprise_id: route.enterprise_id,
      route: JSON.parse(JSON.stringify(route)),
      slot,
      names,
      started_at: new Date(now()).toISOString(),
      answers: {},
      photo_ids: {},
      state: 'draft',
      sheet: null,
      round: null,
      error: null,
      tries: 0,
    }
    persist()
    return drafts[id]
  }

  function setAnswer(id, equipmentId, itemKey, patch) {
    const d = drafts[id]
    if (!d || (d.state !== 'draft' && d.state !== 'rejected')) return
    const key = answerKey(equipmentId, itemKey)
    d.answers[key] = { ...(d.answers[key] || {}), ...patch }
    persist()
  }

  async function setPhoto(id, equipmentId, itemKey, blob) {
    const key = answerKey(equipmentId, itemKey)
    await photos.put(`${id}/${key}`, blob)
    delete drafts[id].photo_ids[key]
    setAnswer(id, equipmentId, itemKey, { photo: { type: blob.type, size: blob.size, name: blob.name || '' } })
  }

  function getPhoto(id, equipmentId, itemKey) {
    return photos.get(`${id}/${answerKey(equipmentId, itemKey)}`)
  }

  // Queues a filled-in round; the sheet is frozen here. Returns the required items still unanswered (nothing is
  // queued then).
  function queue(id) {
    const d = drafts[id]
    if (!d) return []
    const missing = missingItems(d.route, d.answers)
    if (missing.length) return missing
    d.sheet = buildSheet(d.route, d.answers, d.photo_ids)
    d.state = 'queued'
    d.error = null
    d.queued_at = now()
    persist()
    return []
  }

  // A refused round goes back to being edited (its sheet is rebuilt when it is queued again).
  function reopen(id) {
    const d = drafts[id]
    if (!d || d.state !== 'rejected') return
    d.state = 'draft'
    d.sheet = null
    persist()
  }

  function remove(id) {
    const d = drafts[id]
    if (!d) return
    for (const key of Object.keys(d.answers)) if (d.answers[key]?.photo) photos.del(`${id}/${key}`).catch(() => {})
    delete drafts[id]
    persist()
  }

  // One round to the server: start it (or find it), upload its photos, submit the sheet.
  async function send(d) {
    const body = { id: d.id, route_id: d.route_id, started_at: d.started_at }
    const needsPhotos = d.sheet.some((row) => row.value === null)
    if (needsPhotos) {
      const round = await api.post('/maintenance/rounds', body)
      const have = new Map((round.attachments || []).map((a) => [a.filename, a.id]))
      for (const row of d.sheet) {
        if (row.value !== null) continue
        const key = answerKey(row.equipment_id, row.item)
        const blob = await photos.get(`${d.id}/${key}`)
        const name = photoFilename(d.id, row.equipment_id, row.item, blob ? blob.type : '')
        let photoId = have.get(name)
        if (photoId === undefined) {
          if (!blob) throw Object.assign(new Error('photo missing on this phone'), { status: 400, code: 'invalid_argument', field: key })
          const up = await api.upload(`/maintenance/rounds/${round.id}/attachments?filename=${encodeURIComponent(name)}`, blob, blob.type)
          photoId = up.id
        }
        row.value = photoId
        d.photo_ids[key] = photoId
        persist()
      }
    }
    return api.post('/maintenance/rounds/submit', { ...body, answers: d.sheet })
  }

  // Sends every queued round of `user`, one at a time; a second call while one runs waits for it. Returns how
  // many were sent.
  function flush(user) {
    // Asked again while a pass runs (the network came back while the last try was failing): one more pass after it,
    // or the round would wait for the next timer.
    if (running) {
      again = true
      return running
    }
    // Cleared once the promise is stored (an empty queue would otherwise finish before `running` is set).
    running = (async () => {
      let sent = 0
      do {
        again = false
        sent += await sendAll(user)
      } while (again)
      return sent
    })().finally(() => {
      running = null
    })
    return running
  }

  async function sendAll(user) {
    status.sending = true
    let sent = 0
    try {
      prune()
      for (const d of mine(user)) {
        if (d.state !== 'queued') continue
        d.tries = (d.tries || 0) + 1
        status.lastTry = now()
        try {
          d.round = await send(d)
          d.state = 'sent'
          d.sent_at = now()
          d.error = null
          sent++
        } catch (e) {
          d.error = { status: e.status || 0, code: e.code || 'unavailable', message: e.message || '', field: e.field || '', reason: e.reason || '', params: e.params || {}, errors: e.errors || [] }
          if (!isRetryable(e)) d.state = 'rejected'
        }
        persist()
      }
    } finally {
      status.sending = false
    }
    return sent
  }

  // What the phone knew when it was last online: the windows listed and the routes (with their equipment's names)
  // of those that could be started. routes: [{route, names}].
  function remember(user, windows, routes) {
    const all = cache.load()
    all[user] = { at: now(), windows, routes: Object.fromEntries(routes.map((r) => [r.route.id, r])) }
    cache.save(all)
  }

  function remembered(user) {
    return cache.load()[user] || null
  }

  function rememberedRoute(user, routeId) {
    const r = remembered(user)
    return (r && r.routes && r.routes[routeId]) || null
  }

  function pending(user) {
    return mine(user).filter((d) => d.state === 'queued').length
  }

  return {
    drafts,
    status,
    mine,
    forWindow,
    start,
    setAnswer,
    setPhoto,
    getPhoto,
    queue,
    reopen,
    remove,
    flush,
    pending,
    remember,
    remembered,
    rememberedRoute,
  }
}
