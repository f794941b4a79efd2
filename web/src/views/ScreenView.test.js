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

  it('uses the token from the link for the API and the live feed', async () => {
    const fetchImpl = vi.fn((url) => Promise.resolve(jsonResponse(url.startsWith('/api/v1/park') ? PARK : { items: [], total: 0 })))
    const w = await mountScreen(fetchImpl)
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/park')
    expect(fetchImpl.mock.calls[0][1].headers.Authorization).toBe('Bearer wall-token')
    expect(FakeSocket.last.url).toMatch(/\/api\/v1\/live\?token=wall-token$/)
    expect(w.find('[data-testid="screen-enterprises"] .kpi-value').text()).toBe('31')
    expect(w.find('[data-testid="screen-equipment"] .kpi-value').text()).toBe('412')
    expect(w.find('h1').text()).toBe('滨海医药化工园区')
    expect(localStorage.getItem('parkbrain.token')).toBe(null)
    w.unmount()
  })

  it('shows registry changes and alarms from the live feed', async () => {
    const ENTS = { items: [{ id: 4, name: '绿源原料药股份有限公司', sector: '2710' }], total: 1 }
    const fetchImpl = vi.fn((url) => Promise.resolve(jsonResponse(url.startsWith('/api/v1/park') ? PARK : ENTS)))
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

  it('takes its language from ?lang=', async () => {
    const fetchImpl = vi.fn((url) => Promise.resolve(jsonResponse(url.startsWith('/api/v1/park') ? PARK : { items: [], total: 0 })))
    const w = await mountScreen(fetchImpl, '/screen?token=t&lang=en')
    expect(w.find('.s-sub').text()).toBe('Binhai Pharma-Chemical Park')
    expect(w.find('[data-testid="screen-sensors"] .kpi-label').text()).toBe('Sensors and meters')
    w.unmount()
  })

  it('says the link is no longer valid on 401', async () => {
    const fetchImpl = vi.fn(() => Promise.resolve(jsonResponse({ error: { code: 'unauthenticated', message: 'revoked' } }, 401)))
    const w = await mountScreen(fetchImpl, '/screen?token=revoked')
    expect(w.find('[role="alert"]').text()).toContain('大屏链接无效或已被吊销')
    w.unmount()
  })
})
