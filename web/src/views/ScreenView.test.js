import en from '../i18n/en.json'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import ScreenView from './ScreenView.vue'
import { i18nFor, flush } from '../test/setup.js'

const PARK = {
  name: '滨海医药化工园区',
  name_en: 'Binhai Pharma-Chemical Park',
  enterprise_count: 31,
  facility_count: 120,
  equipment_count: 412,
  sensor_count: 980,
  by_sector: [{ sector: '2710', count: 12 }],
  equipment_by_type: [{ type: 'reactor', count: 60 }],
}

class FakeSocket {
  static last = null
  constructor(url) {
    this.url = url
    FakeSocket.last = this
  }
  close() {}
}

function jsonResponse(body, status = 200) {
  return { status, ok: status < 300, statusText: '', text: () => Promise.resolve(JSON.stringify(body)) }
}

const TODAY = {
  panels: [
    {
      kind: 'energy_today',
      items: [
        { item: 'natural_gas', unit: 'Nm3', today: 9624.3, vs_yesterday: { change_pct: null }, hours: { today: [756], yesterday: [] } },
        { item: 'electricity', unit: 'kWh', today: 68057.9, vs_yesterday: { change_pct: 3.2 }, hours: { today: [5346], yesterday: [5200] } },
      ],
      emissions: { unit: 'tCO2', today: 56.921, vs_yesterday: { change_pct: null }, hours: { today: [4.47], yesterday: [] } },
    },
  ],
}

async function mountScreen(fetchImpl, url = '/screen?token=wall-token') {
  vi.stubGlobal('fetch', fetchImpl)
  vi.stubGlobal('WebSocket', FakeSocket)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/screen', component: ScreenView }, { path: '/login', component: { template: '<p/>' } }] })
  router.push(url)
  await router.isReady()
  const w = mount({ template: '<router-view />' }, { global: { plugins: [router, i18nFor('zh-CN')], stubs: { EChart: true } } })
  await flush()
  await flush()
  return w
}

describe('big screen', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('uses the token from the link for the API and the live feed, and leads with today', async () => {
    const fetchImpl = vi.fn((url) =>
      Promise.resolve(jsonResponse(url.startsWith('/api/v1/park') ? PARK : url.startsWith('/api/v1/screen/today') ? TODAY : { items: [], total: 0 })),
    )
    const w = await mountScreen(fetchImpl)
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/park')
    expect(fetchImpl.mock.calls[0][1].headers.Authorization).toBe('Bearer wall-token')
    expect(FakeSocket.last.url).toMatch(/\/api\/v1\/live\?token=wall-token$/)
    expect(w.find('[data-testid="screen-enterprises"] .kpi-value').text()).toBe('31')
    expect(w.find('[data-testid="screen-today-electricity"] .kpi-value').text()).toBe('68,058 kWh')
    expect(w.find('[data-testid="screen-today-electricity"] .kpi-sub').text()).toBe('较昨日同期 +3.2%')
    expect(w.find('[data-testid="screen-today-emissions"] .kpi-value').text()).toBe('56.9 tCO2')
    expect(w.findAll('[data-testid="screen-day"] li').map((li) => li.attributes('data-item'))).toEqual(['electricity', 'natural_gas', 'emissions'])
    expect(w.find('h1').text()).toBe('滨海医药化工园区')
    expect(localStorage.getItem('parkbrain.token')).toBe(null)
    w.unmount()
  })

  it('shows registry changes (for an admin session) and alarms from the live feed', async () => {
    // Enterprise names come from the park's plots: a screen token reads no enterprise records.
    const PLOTTED = { ...PARK, plots: [{ id: 4, name: '绿源原料药股份有限公司', sector: '2710' }] }
    const fetchImpl = vi.fn((url) => Promise.resolve(jsonResponse(url.startsWith('/api/v1/park') ? PLOTTED : { items: [], total: 0 })))
    const w = await mountScreen(fetchImpl)
    const ws = FakeSocket.last
    ws.onopen()
    await flush()
    expect(w.find('[data-testid="live-status"]').classes()).toContain('open')
    ws.onmessage({ data: JSON.stringify({ type: 'hello', user: { name: 'wall' } }) })
    ws.onmessage({
      data: JSON.stringify({
        type: 'audit',
        entry: { id: 9, at: '2026-11-25T02:00:05Z', actor_name: 'admin', action: 'create', entity: 'facility', entity_id: 77, enterprise_id: 4, after: { name: '三号罐区' } },
      }),
    })
    ws.onmessage({ data: JSON.stringify({ type: 'alarm', alarm: { message: 'R-101 压力高', at: '2026-11-25T02:01:00Z' } }) })
    ws.onmessage({ data: 'not json' })
    ws.onmessage({ data: JSON.stringify({ type: 'audit', entry: { id: 10, action: 'login', entity: 'user', entity_id: 1, actor_name: 'admin' } }) })
    await flush()
    const items = w.findAll('[data-testid="ticker"] li')
    expect(items).toHaveLength(2)
    expect(items[0].classes()).toContain('alarm')
    expect(items[0].text()).toContain('报警：R-101 压力高')
    expect(items[0].text()).toContain('10:01:00')
    expect(items[1].text()).toContain('【绿源原料药股份有限公司】admin 新建了设施 三号罐区')
    expect(items[1].text()).toContain('10:00:05')
    w.unmount()
  })

  it('shows open alarms and online counts, and streams alarms in and out live', async () => {
    const ALARM = (id, over = {}) => ({
      id,
      condition: 'high',
      state: 'active',
      severity: 'warning',
      raised_at: '2026-11-25T02:00:00Z',
      last_value: 0.35,
      trigger_value: 0.35,
      rule: '反应釜压力',
      sensor_key: 'e01.r_101.pressure',
      sensor_id: 2,
      sensor_name: 'R-101 釜压',
      unit: 'MPa',
      enterprise_id: 1,
      ...over,
    })
    const LATEST = {
      items: [
        { sensor_id: 1, equipment_id: 1, online: true },
        { sensor_id: 2, equipment_id: 1, online: false },
        { sensor_id: 3, equipment_id: 2, online: false },
      ],
      online: 1,
      total: 3,
    }
    const fetchImpl = vi.fn((url) => {
      if (url.startsWith('/api/v1/park')) return Promise.resolve(jsonResponse(PARK))
      if (url.startsWith('/api/v1/alarms')) return Promise.resolve(jsonResponse({ items: [ALARM(1)], total: 1, page: 1, page_size: 30 }))
      if (url.startsWith('/api/v1/latest')) return Promise.resolve(jsonResponse(LATEST))
      return Promise.resolve(jsonResponse({ items: [], total: 0 }))
    })
    const w = await mountScreen(fetchImpl)
    expect(fetchImpl.mock.calls.some((c) => c[0] === '/api/v1/alarms?state=open&page=1&page_size=30')).toBe(true)
    expect(w.find('[data-testid="screen-sensorsOnline"] .kpi-value').text()).toBe('1')
    expect(w.find('[data-testid="screen-sensorsOnline"] .kpi-sub').text()).toContain('离线 2')
    expect(w.find('[data-testid="screen-equipmentOnline"] .kpi-value').text()).toBe('1')
    expect(w.find('[data-testid="screen-open-alarms"] .kpi-value').text()).toBe('1')
    expect(w.findAll('[data-testid="screen-alarms"] li')).toHaveLength(1)

    const ws = FakeSocket.last
    ws.onmessage({ data: JSON.stringify({ type: 'alarm', event: 'raise', alarm: ALARM(2, { severity: 'critical', sensor_name: 'R-102 釜温', unit: 'degC', last_value: 131, raised_at: '2026-11-25T02:05:00Z' }) }) })
    await flush()
    let items = w.findAll('[data-testid="screen-alarms"] li')
    expect(items).toHaveLength(2)
    expect(items[0].classes()).toContain('sev-critical')
    expect(items[0].text()).toContain('严重')
    expect(items[0].text()).toContain('R-102 釜温')
    expect(items[0].text()).toContain('131°C')
    expect(items[0].text()).toContain('10:05')
    expect(w.find('[data-testid="screen-open-alarms"] .kpi-value').text()).toBe('2')
    expect(w.find('[data-testid="ticker"] li.alarm').text()).toContain('报警：严重 · R-102 釜温 · 超上限 · 131°C')

    ws.onmessage({ data: JSON.stringify({ type: 'alarm', event: 'clear', alarm: ALARM(1, { state: 'cleared' }) }) })
    await flush()
    items = w.findAll('[data-testid="screen-alarms"] li')
    expect(items).toHaveLength(1)
    expect(items[0].attributes('data-id')).toBe('2')
    expect(w.find('[data-testid="screen-open-alarms"] .kpi-value').text()).toBe('1')
    w.unmount()
  })

  it('takes its language from ?lang=', async () => {
    const fetchImpl = vi.fn((url) => Promise.resolve(jsonResponse(url.startsWith('/api/v1/park') ? PARK : { items: [], total: 0 })))
    const w = await mountScreen(fetchImpl, '/screen?token=t&lang=en')
    expect(w.find('.s-sub').text()).toBe('Binhai Pharma-Chemical Park')
    expect(w.find('[data-testid="screen-enterprises"] .kpi-label').text()).toBe(en.screen.enterprises)
    w.unmount()
  })

  it('says the link is no longer valid on 401', async () => {
    const fetchImpl = vi.fn(() => Promise.resolve(jsonResponse({ error: { code: 'unauthenticated', message: 'revoked' } }, 401)))
    const w = await mountScreen(fetchImpl, '/screen?token=revoked')
    expect(w.find('[role="alert"]').text()).toContain('大屏链接无效或已被吊销')
    w.unmount()
  })

  it("lists today's isotope shipments, earliest first, with where they go and the package", async () => {
    const d = new Date()
    const today = (h) => new Date(d.getFullYear(), d.getMonth(), d.getDate(), h).getTime()
    const ORDER = (id, over) => ({ id, orderer_id: 31, nuclide: 'Mo-99', dispatch_bq: 4.0e11, status: 'allocated', package: null, ...over })
    const ORDERS = {
      items: [
        ORDER(1, { dispatch_at: today(10) }),
        ORDER(2, { dispatch_at: today(8), status: 'dispatched', nuclide: 'I-131', package: { type: 'type_a', contents: [{ nuclide: 'I-131', activity_bq: 7.4e9 }] } }),
        ORDER(3, { dispatch_at: today(8) - 86400000, status: 'dispatched', package: { type: 'excepted', contents: [{ nuclide: 'Mo-99', activity_bq: 1 }] } }),
        ORDER(4, { dispatch_at: today(9), status: 'refused' }),
      ],
    }
    const fetchImpl = vi.fn((url) => {
      if (url.startsWith('/api/v1/park')) return Promise.resolve(jsonResponse(PARK))
      if (url.startsWith('/api/v1/isotopes/shipments')) return Promise.resolve(jsonResponse(ORDERS))
      if (url === '/api/v1/enterprises/31') return Promise.resolve(jsonResponse({ id: 31, name: '申江医院' }))
      return Promise.resolve(jsonResponse({ items: [], total: 0 }))
    })
    const w = await mountScreen(fetchImpl, '/screen?token=wall-token&page=isotopes&rotate=0')
    await flush()
    const rows = w.findAll('[data-testid="screen-shipments"] tbody tr')
    expect(rows.map((r) => r.attributes('data-testid'))).toEqual(['shipment-2', 'shipment-1'])
    expect(rows[0].text()).toContain('I-131')
    expect(rows[0].text()).toContain('7.400 GBq')
    expect(rows[0].text()).toContain('A 型货包')
    expect(rows[0].text()).toContain('申江医院')
    expect(rows[1].text()).toContain('400.000 GBq')
    expect(rows[1].text()).toContain('已分配')
    w.unmount()
  })
})
