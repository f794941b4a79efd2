import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import BookView from './BookView.vue'
import { clearSession, setSession } from '../../lib/session.js'
import { i18nFor, flush } from '../../test/setup.js'
import { addDays, parkDay, parkMidnight } from './logistics.js'

const DAY = addDays(parkDay(Date.now()), 2)
const SLOT = parkMidnight(DAY) + 9 * 3600_000
const DOCK = { id: 11, name: '一号装卸台', enterprise_id: 2, enterprise_name: '绿源化工', open: '08:00', close: '18:00', slot_minutes: 60, parallel_capacity: 2, labels: ['3'], requires_approval: false }
const GOODS = [{ un_number: 'UN1203', name_zh: '汽油', name_en: 'Petrol', labels: ['3'] }]
const BOOKED = { id: 99, plate: '鲁A12345', dock_id: 11, dock_name: '一号装卸台', slot_start: SLOT, slot_end: SLOT + 3600_000, status: 'scheduled', goods: [] }

function json(body, status = 200) {
  return Promise.resolve({ status, ok: status < 300, statusText: '', text: () => Promise.resolve(JSON.stringify(body)) })
}

// The server as the contract describes it; `post` answers POST /logistics/bookings, `me` GET /logistics/me, `people`
// GET /logistics/people (a driver: its carrier's drivers and escorts).
function server({ post, me, people = [] }) {
  return (url, init = {}) => {
    const method = init.method || 'GET'
    if (method === 'POST' && url === '/api/v1/logistics/bookings') return post(JSON.parse(init.body))
    if (url.startsWith('/api/v1/logistics/me')) return json(me())
    if (url.startsWith('/api/v1/logistics/docks/11/slots')) return json({ items: [{ start: SLOT, end: SLOT + 3600_000, capacity: 2, taken: 0, free: 2, bookable: true, reason: null }] })
    if (url.startsWith('/api/v1/logistics/docks')) return json({ items: [DOCK] })
    if (url.startsWith('/api/v1/logistics/goods')) return json({ items: GOODS, classes: [] })
    if (url.startsWith('/api/v1/logistics/settings')) return json({ max_days_ahead: 7 })
    if (url.startsWith('/api/v1/logistics/vehicles')) return json({ items: [{ id: 1, plate: '鲁A12345' }] })
    if (url.startsWith('/api/v1/logistics/people')) return json({ items: people })
    return json({ error: { code: 'not_found', message: 'no' } }, 404)
  }
}

async function fillAndSubmit(handler) {
  const fetchImpl = vi.fn(handler)
  vi.stubGlobal('fetch', fetchImpl)
  vi.stubGlobal('WebSocket', class { close() {} })
  setSession({ token: 'tok', user: { id: 5, role: 'driver' } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/logistics/book', component: BookView }, { path: '/logistics/my', component: { template: '<p />' } }] })
  router.push('/logistics/book')
  await router.isReady()
  const w = mount({ template: '<router-view />' }, { global: { plugins: [router, i18nFor('zh-CN')] }, attachTo: document.body })
  for (let i = 0; i < 4; i++) await flush()
  // The only enterprise and its only dock are picked by themselves.
  await w.get(`[data-testid="bk-day-${DAY}"]`).trigger('click')
  for (let i = 0; i < 3; i++) await flush()
  await w.get('[data-testid="bk-slot-0900"]').trigger('click')
  await w.get('[data-testid="bk-plate"]').setValue('鲁A12345')
  await w.get('[data-testid="bk-un-0"]').setValue('1203')
  await w.get('[data-testid="bk-kg-0"]').setValue('2000')
  await w.get('[data-testid="book-form"]').trigger('submit')
  for (let i = 0; i < 4; i++) await flush()
  return { w, fetchImpl }
}
const posts = (fetchImpl) => fetchImpl.mock.calls.filter(([u, i]) => u === '/api/v1/logistics/bookings' && i && i.method === 'POST')

afterEach(() => {
  vi.unstubAllGlobals()
  clearSession()
  document.body.innerHTML = ''
})

describe('BookView', () => {
  it('sends the slot, the plate and the goods by normalised UN number', async () => {
    const { w, fetchImpl } = await fillAndSubmit(server({ post: () => json(BOOKED, 201), me: () => ({ person: {}, bookings: [], call: null }) }))
    const body = JSON.parse(posts(fetchImpl)[0][1].body)
    expect(body).toEqual({ plate: '鲁A12345', dock_id: 11, slot_start: SLOT, operation: 'unloading', goods: [{ un_number: 'UN1203', quantity_kg: 2000 }] })
    expect(w.get('[data-testid="booked"]').text()).toContain('预约成功')
  })

  it('shows each refusal with the field it names, in words', async () => {
    const refusal = {
      error: {
        code: 'invalid_argument',
        message: 'invalid',
        field: 'goods[0].un_number',
        reason: 'logistics.dock.class_not_allowed',
        params: { dock: '一号装卸台', un_number: 'UN1203', label: '3', allowed: '8' },
        errors: [
          { field: 'goods[0].un_number', code: 'logistics.dock.class_not_allowed', params: { dock: '一号装卸台', un_number: 'UN1203', label: '3', allowed: '8' } },
          { field: 'documents.tank_inspection', code: 'logistics.document.expired', params: { kind: { code: 'logistics.document.kind.tank_inspection' }, expired_on: '2026-11-30', day: DAY } },
        ],
      },
    }
    const { w } = await fillAndSubmit(server({ post: () => json(refusal, 400), me: () => ({ person: {}, bookings: [], call: null }) }))
    const text = w.get('[data-testid="bk-refusal"]').text()
    expect(text).toContain('货物 1：联合国编号')
    expect(text).toContain('装卸台“一号装卸台”不接收 UN1203 的 3 类标志')
    expect(text).toContain('罐体检验合格证')
    expect(w.find('[data-testid="booked"]').exists()).toBe(false)
  })

  it("offers the carrier's escorts with their qualification, an expired one not to be picked, and sends the one chosen", async () => {
    const people = [
      { id: 7, kind: 'escort', name: '王押运', carrier_id: 3, qualification_no: 'YY1', qualification_expires: '2099-12-31' },
      { id: 8, kind: 'escort', name: '赵押运', carrier_id: 3, qualification_no: 'YY2', qualification_expires: addDays(DAY, -1) },
    ]
    let sent = null
    const handler = server({
      post: (b) => {
        sent = b
        return json(BOOKED, 201)
      },
      me: () => ({ person: {}, bookings: [], call: null }),
      people,
    })
    vi.stubGlobal('fetch', vi.fn(handler))
    vi.stubGlobal('WebSocket', class { close() {} })
    setSession({ token: 'tok', user: { id: 5, role: 'driver' } })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/logistics/book', component: BookView }, { path: '/logistics/my', component: { template: '<p />' } }] })
    router.push('/logistics/book')
    await router.isReady()
    const w = mount({ template: '<router-view />' }, { global: { plugins: [router, i18nFor('zh-CN')] }, attachTo: document.body })
    for (let i = 0; i < 4; i++) await flush()
    await w.get(`[data-testid="bk-day-${DAY}"]`).trigger('click')
    for (let i = 0; i < 3; i++) await flush()
    await w.get('[data-testid="bk-slot-0900"]').trigger('click')
    const valid = w.get('[data-testid="bk-escort-7"]')
    const expired = w.get('[data-testid="bk-escort-8"]')
    expect(valid.text()).toBe('王押运 · 资格证有效至 2099-12-31')
    expect(valid.attributes('disabled')).toBeUndefined()
    expect(expired.text()).toContain('已于')
    expect(expired.attributes('disabled')).toBeDefined()
    await w.get('[data-testid="bk-escort"]').setValue(7)
    await w.get('[data-testid="bk-plate"]').setValue('鲁A12345')
    await w.get('[data-testid="bk-un-0"]').setValue('1203')
    await w.get('[data-testid="bk-kg-0"]').setValue('2000')
    await w.get('[data-testid="book-form"]').trigger('submit')
    for (let i = 0; i < 4; i++) await flush()
    expect(sent.escort_id).toBe(7)
  })

  it('after an answer lost on the way, looks at the bookings before sending again', async () => {
    let sent = 0
    let stored = []
    const handler = server({
      post: () => {
        sent++
        stored = [BOOKED]
        return Promise.reject(new TypeError('Failed to fetch'))
      },
      me: () => ({ person: {}, bookings: stored, call: null }),
    })
    const { w, fetchImpl } = await fillAndSubmit(handler)
    expect(w.get('[data-testid="bk-submit"]').text()).toBe('重试')
    await w.get('[data-testid="book-form"]').trigger('submit')
    for (let i = 0; i < 4; i++) await flush()
    expect(sent).toBe(1)
    expect(posts(fetchImpl)).toHaveLength(1)
    expect(w.get('[data-testid="booked"]').attributes('data-status')).toBe('scheduled')
  })
})
