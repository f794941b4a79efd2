import { describe, expect, it } from 'vitest'
import {
  answerKey,
  buildSheet,
  createRoundBook,
  findingOf,
  isRetryable,
  localStore,
  missingItems,
  photoStore,
} from './roundBook.js'

const ROUTE = {
  id: 7,
  enterprise_id: 1,
  name: '每日设备巡检',
  checkpoints: [
    {
      equipment_id: 11,
      items: [
        { key: 'surface_temp', label: '表面温度', kind: 'number', low: 0, high: 70, unit: '°C', required: true },
        { key: 'no_leaks', label: '无跑冒滴漏', kind: 'pass_fail', required: true },
      ],
    },
    {
      equipment_id: 12,
      items: [
        { key: 'note', label: '备注', kind: 'text', required: false },
        { key: 'gauge', label: '压力表照片', kind: 'photo', required: true },
      ],
    },
  ],
}

// A Storage with getItem/setItem over a Map, shared between books as localStorage is between page loads.
function memoryStorage() {
  const m = new Map()
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)) }
}

function apiError(status, code) {
  return Object.assign(new Error(code), { status, code })
}

// The server's side of a round as service_rounds.cpp keeps it: started by the phone's id, photos attached to the
// round, one sheet per id (the same sheet again is 200, another is 409). `offline` makes every call fail as fetch
// does with no network; `dropNextResponse` does the work but loses the answer.
function fakeServer() {
  const s = { offline: false, dropNextResponse: false, rounds: new Map(), uploads: 0, submits: [], nextId: 100 }
  const answer = (v) => {
    if (s.dropNextResponse) {
      s.dropNextResponse = false
      throw apiError(0, 'unavailable')
    }
    return v
  }
  const begin = (body) => {
    let r = s.rounds.get(body.id)
    if (!r) {
      r = { id: s.nextId++, client_id: body.id, started_at: body.started_at, attachments: [], sheet: null }
      s.rounds.set(body.id, r)
    }
    return r
  }
  s.api = {
    async post(path, body) {
      if (s.offline) throw apiError(0, 'unavailable')
      if (path === '/maintenance/rounds') return answer({ ...begin(body), status: 201 })
      if (path === '/maintenance/rounds/submit') {
        s.submits.push(JSON.stringify(body))
        if (body.answers.some((a) => a.item === 'surface_temp' && a.value > 1000)) throw apiError(400, 'invalid_argument')
        const r = begin(body)
        const sheet = JSON.stringify(body.answers)
        if (r.sheet !== null && r.sheet !== sheet) throw apiError(409, 'conflict')
        const first = r.sheet === null
        r.sheet = sheet
        const findings = body.answers.filter((a) => a.item === 'surface_temp' && a.value > 70).map((a, i) => ({ id: i + 1, item: a.item }))
        return answer({ id: r.id, client_id: r.client_id, submitted_at: 'now', findings, created: first })
      }
      throw apiError(404, 'not_found')
    },
    async upload(path, blob, type) {
      if (s.offline) throw apiError(0, 'unavailable')
      const m = /^\/maintenance\/rounds\/(\d+)\/attachments\?filename=(.+)$/.exec(path)
      const r = [...s.rounds.values()].find((x) => x.id === Number(m[1]))
      s.uploads++
      const a = { id: 500 + s.uploads, filename: decodeURIComponent(m[2]), content_type: type, size_bytes: blob.size }
      r.attachments.push(a)
      return answer(a)
    },
  }
  return s
}

function fill(book, id) {
  book.setAnswer(id, 11, 'surface_temp', { value: '85.5' })
  book.setAnswer(id, 11, 'no_leaks', { value: true })
  book.setAnswer(id, 12, 'note', { value: '  油位正常 ' })
}

describe('answers and findings', () => {
  const num = ROUTE.checkpoints[0].items[0]
  it('flags a number outside its inclusive limits as the server words it', () => {
    expect(findingOf(num, { value: '70' })).toBe(null)
    expect(findingOf(num, { value: '0' })).toBe(null)
    expect(findingOf(num, { value: '70.1' })).toEqual({
      code: 'maintenance.round.finding.above_high',
      params: { item: '表面温度', value: 70.1, limit: 70, unit: '°C' },
    })
    expect(findingOf(num, { value: '-3' }).code).toBe('maintenance.round.finding.below_low')
    expect(findingOf(num, { value: '' })).toBe(null)
    expect(findingOf(ROUTE.checkpoints[0].items[1], { value: false, remark: '法兰渗漏' })).toEqual({
      code: 'maintenance.round.finding.failed',
      params: { item: '无跑冒滴漏', remark: '法兰渗漏' },
    })
  })

  it('builds the sheet in walking order with each kind as the server takes it', () => {
    const answers = {
      [answerKey(12, 'gauge')]: { photo: { type: 'image/jpeg', size: 3 } },
      [answerKey(11, 'no_leaks')]: { value: false, remark: ' 渗漏 ' },
      [answerKey(11, 'surface_temp')]: { value: '42' },
      [answerKey(12, 'note')]: { value: '' },
    }
    expect(buildSheet(ROUTE, answers, { [answerKey(12, 'gauge')]: 9 })).toEqual([
      { equipment_id: 11, item: 'surface_temp', value: 42 },
      { equipment_id: 11, item: 'no_leaks', value: false, remark: '渗漏' },
      { equipment_id: 12, item: 'gauge', value: 9 },
    ])
    expect(missingItems(ROUTE, answers)).toEqual([])
    expect(missingItems(ROUTE, {}).map((m) => m.item.key)).toEqual(['surface_temp', 'no_leaks', 'gauge'])
  })

  it('retries what the network or a busy server failed, not what the server refused', () => {
    expect(isRetryable(apiError(0, 'unavailable'))).toBe(true)
    expect(isRetryable(apiError(503, 'unavailable'))).toBe(true)
    expect(isRetryable(apiError(429, 'resource_exhausted'))).toBe(true)
    expect(isRetryable(apiError(400, 'invalid_argument'))).toBe(false)
    expect(isRetryable(apiError(409, 'conflict'))).toBe(false)
  })
})

describe('the round book', () => {
  it('keeps every answer on the phone as it is entered', () => {
    const storage = memoryStorage()
    const server = fakeServer()
    const book = createRoundBook({ api: server.api, store: localStore(storage), photos: photoStore(null) })
    const d = book.start({ user: 'tech', route: ROUTE, slot: '2026-12-05T08:00' })
    book.setAnswer(d.id, 11, 'surface_temp', { value: '55' })
    // A reload reads the same draft back.
    const again = createRoundBook({ api: server.api, store: localStore(storage), photos: photoStore(null) })
    expect(again.forWindow('tech', 7, '2026-12-05T08:00').answers[answerKey(11, 'surface_temp')]).toEqual({ value: '55' })
    expect(again.forWindow('other', 7, '2026-12-05T08:00')).toBe(null)
  })

  it('refuses to queue a round with required items unanswered', async () => {
    const server = fakeServer()
    const book = createRoundBook({ api: server.api, store: localStore(memoryStorage()), photos: photoStore(null) })
    const d = book.start({ user: 'tech', route: ROUTE, slot: 's' })
    fill(book, d.id)
    expect(book.queue(d.id).map((m) => m.item.key)).toEqual(['gauge'])
    expect(book.drafts[d.id].state).toBe('draft')
  })

  it('queues a round offline and sends the same sheet once the network is back', async () => {
    const storage = memoryStorage()
    const server = fakeServer()
    const photos = photoStore(null)
    const book = createRoundBook({ api: server.api, store: localStore(storage), photos })
    const d = book.start({ user: 'tech', route: ROUTE, slot: 's' })
    fill(book, d.id)
    await book.setPhoto(d.id, 12, 'gauge', new Blob(['\xff\xd8\xffjpeg'], { type: 'image/jpeg' }))
    expect(book.queue(d.id)).toEqual([])

    server.offline = true
    expect(await book.flush('tech')).toBe(0)
    expect(book.drafts[d.id].state).toBe('queued')
    expect(book.drafts[d.id].error.status).toBe(0)
    expect(book.pending('tech')).toBe(1)

    // The page is reloaded while offline: the queue is still there.
    const reloaded = createRoundBook({ api: server.api, store: localStore(storage), photos })
    server.offline = false
    expect(await reloaded.flush('tech')).toBe(1)
    const sent = reloaded.drafts[d.id]
    expect(sent.state).toBe('sent')
    expect(sent.round.findings).toEqual([{ id: 1, item: 'surface_temp' }])
    expect(server.uploads).toBe(1)
    const body = JSON.parse(server.submits[0])
    expect(body).toMatchObject({ id: d.id, route_id: 7, started_at: d.started_at })
    expect(body.answers).toEqual([
      { equipment_id: 11, item: 'surface_temp', value: 85.5 },
      { equipment_id: 11, item: 'no_leaks', value: true },
      { equipment_id: 12, item: 'note', value: '油位正常' },
      { equipment_id: 12, item: 'gauge', value: 501 },
    ])
    // Nothing is sent twice.
    expect(await reloaded.flush('tech')).toBe(0)
    expect(server.submits.length).toBe(1)
  })

  it('uploads a photo once even when the answer to its upload was lost', async () => {
    const server = fakeServer()
    const book = createRoundBook({ api: server.api, store: localStore(memoryStorage()), photos: photoStore(null) })
    const d = book.start({ user: 'tech', route: ROUTE, slot: 's' })
    fill(book, d.id)
    await book.setPhoto(d.id, 12, 'gauge', new Blob(['\x89PNG'], { type: 'image/png' }))
    book.queue(d.id)
    const upload = server.api.upload
    server.api.upload = async (...args) => {
      server.dropNextResponse = true
      return upload(...args)
    }
    expect(await book.flush('tech')).toBe(0)
    expect(book.drafts[d.id].state).toBe('queued')
    expect(server.uploads).toBe(1)
    // The retry finds the photo on the round by its name.
    expect(await book.flush('tech')).toBe(1)
    expect(server.uploads).toBe(1)
    expect(JSON.parse(server.submits[0]).answers.at(-1)).toEqual({ equipment_id: 12, item: 'gauge', value: 501 })
  })

  it('sends the identical sheet again when the answer to a submit was lost, and the server takes it as the same round', async () => {
    const server = fakeServer()
    const book = createRoundBook({ api: server.api, store: localStore(memoryStorage()), photos: photoStore(null) })
    const route = { ...ROUTE, checkpoints: [ROUTE.checkpoints[0]] }
    const d = book.start({ user: 'tech', route, slot: 's' })
    book.setAnswer(d.id, 11, 'surface_temp', { value: '71' })
    book.setAnswer(d.id, 11, 'no_leaks', { value: true })
    book.queue(d.id)
    server.dropNextResponse = true
    expect(await book.flush('tech')).toBe(0)
    expect(book.drafts[d.id].state).toBe('queued')
    expect(await book.flush('tech')).toBe(1)
    expect(server.submits.length).toBe(2)
    expect(new Set(server.submits).size).toBe(1)
    expect(book.drafts[d.id].state).toBe('sent')
    expect(book.drafts[d.id].round.created).toBe(false)
    expect(book.drafts[d.id].round.findings.length).toBe(1)
  })

  it('shows a refused round as refused, and lets it be fixed and queued again', async () => {
    const server = fakeServer()
    const book = createRoundBook({ api: server.api, store: localStore(memoryStorage()), photos: photoStore(null) })
    const route = { ...ROUTE, checkpoints: [ROUTE.checkpoints[0]] }
    const d = book.start({ user: 'tech', route, slot: 's' })
    book.setAnswer(d.id, 11, 'surface_temp', { value: '5000' })
    book.setAnswer(d.id, 11, 'no_leaks', { value: true })
    book.queue(d.id)
    await book.flush('tech')
    expect(book.drafts[d.id].state).toBe('rejected')
    expect(book.drafts[d.id].error.status).toBe(400)
    book.reopen(d.id)
    book.setAnswer(d.id, 11, 'surface_temp', { value: '50' })
    book.queue(d.id)
    expect(await book.flush('tech')).toBe(1)
    expect(book.drafts[d.id].round.findings).toEqual([])
  })

  it('remembers the last list and its routes per user, for a round started offline', () => {
    const storage = memoryStorage()
    const make = () => createRoundBook({ api: fakeServer().api, store: localStore(storage), cache: localStore(storage, 'cache'), photos: photoStore(null), now: () => 1000 })
    make().remember('tech', [{ route_id: 7, slot: 's', status: 'due' }], [{ route: ROUTE, names: { 11: 'P-101 泵' } }])
    const again = make()
    expect(again.remembered('tech')).toMatchObject({ at: 1000, windows: [{ route_id: 7, slot: 's', status: 'due' }] })
    expect(again.rememberedRoute('tech', 7).names[11]).toBe('P-101 泵')
    expect(again.rememberedRoute('tech', 8)).toBe(null)
    expect(again.remembered('other')).toBe(null)
  })

  it('sends a round queued after a flush that found nothing to send', async () => {
    const server = fakeServer()
    const book = createRoundBook({ api: server.api, store: localStore(memoryStorage()), photos: photoStore(null) })
    expect(await book.flush('tech')).toBe(0)
    const route = { ...ROUTE, checkpoints: [ROUTE.checkpoints[0]] }
    const d = book.start({ user: 'tech', route, slot: 's' })
    book.setAnswer(d.id, 11, 'surface_temp', { value: '20' })
    book.setAnswer(d.id, 11, 'no_leaks', { value: true })
    book.queue(d.id)
    expect(await book.flush('tech')).toBe(1)
  })

  it('makes one more pass when asked while a failing pass runs (the network came back meanwhile)', async () => {
    const server = fakeServer()
    const book = createRoundBook({ api: server.api, store: localStore(memoryStorage()), photos: photoStore(null) })
    const route = { ...ROUTE, checkpoints: [ROUTE.checkpoints[0]] }
    const d = book.start({ user: 'tech', route, slot: 's' })
    book.setAnswer(d.id, 11, 'surface_temp', { value: '20' })
    book.setAnswer(d.id, 11, 'no_leaks', { value: true })
    book.queue(d.id)
    server.offline = true
    const first = book.flush('tech')
    // The 'online' event arrives while the offline try is still failing.
    server.offline = false
    const second = book.flush('tech')
    expect(second).toBe(first)
    expect(await second).toBe(1)
    expect(book.drafts[d.id].state).toBe('sent')
  })

  it('sends only the signed-in user\'s rounds', async () => {
    const server = fakeServer()
    const book = createRoundBook({ api: server.api, store: localStore(memoryStorage()), photos: photoStore(null) })
    const route = { ...ROUTE, checkpoints: [ROUTE.checkpoints[0]] }
    for (const user of ['tech', 'tech2']) {
      const d = book.start({ user, route, slot: user })
      book.setAnswer(d.id, 11, 'surface_temp', { value: '20' })
      book.setAnswer(d.id, 11, 'no_leaks', { value: true })
      book.queue(d.id)
    }
    expect(await book.flush('tech')).toBe(1)
    expect(book.pending('tech2')).toBe(1)
  })
})
