import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import LiveValues from './LiveValues.vue'
import { clearSession, setSession } from '../lib/session.js'
import { i18nFor, flush } from '../test/setup.js'

class FakeSocket {
  static last = null
  constructor(url) {
    this.url = url
    FakeSocket.last = this
  }
  close() {}
}

const LATEST = {
  items: [
    { sensor_id: 1, key: 'e01.r_101.temp', name: 'R-101 釜温', unit: 'degC', kind: 'sensor', equipment_id: 9, low_limit: -10, high_limit: 120, series_id: 1, ts: '2026-11-25T02:00:00Z', value: 81.2, online: true },
    { sensor_id: 2, key: 'e01.r_101.pressure', name: 'R-101 釜压', unit: 'MPa', kind: 'sensor', equipment_id: 9, low_limit: 0, high_limit: 0.3, ts: null, value: null, online: false },
  ],
  online: 1,
  total: 2,
}

async function mountLive(locale = 'zh-CN') {
  setSession({ token: 'tok', user: { id: 1, name: 'tech', role: 'technician' } })
  const fetchImpl = vi.fn(() => Promise.resolve({ status: 200, ok: true, statusText: '', text: () => Promise.resolve(JSON.stringify(LATEST)) }))
  vi.stubGlobal('fetch', fetchImpl)
  vi.stubGlobal('WebSocket', FakeSocket)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p/>' } }] })
  const w = mount(LiveValues, { props: { equipmentId: 9 }, global: { plugins: [router, i18nFor(locale)] } })
  await flush()
  await flush()
  return { w, fetchImpl }
}

describe('LiveValues', () => {
  afterEach(() => {
    clearSession()
    vi.unstubAllGlobals()
  })

  it('lists the latest values with online status, limits and a link to the chart', async () => {
    const { w, fetchImpl } = await mountLive()
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/latest?equipment_id=9')
    const tiles = w.findAll('[data-testid="live-tile"]')
    expect(tiles).toHaveLength(2)
    expect(tiles[0].find('[data-testid="live-value"]').text()).toBe('81.2°C')
    expect(tiles[0].find('[data-testid="live-online"]').text()).toBe('在线')
    expect(tiles[1].find('[data-testid="live-online"]').text()).toBe('离线')
    expect(tiles[1].text()).toContain('从未上报')
    expect(tiles[0].text()).toContain('-10 – 120 °C')
    expect(tiles[0].find('a').attributes('href')).toBe('/telemetry/series?sensor_id=1&range=24h')
    expect(tiles[0].find('a').attributes('aria-label')).toBe('查看 R-101 釜温 的曲线')
    expect(w.text()).toContain('1 / 2 个测点在线')
    w.unmount()
  })

  it('updates from the live feed and marks a value out of its limits', async () => {
    const { w } = await mountLive('en')
    FakeSocket.last.onopen()
    FakeSocket.last.onmessage({
      data: JSON.stringify({ type: 'telemetry', values: [{ sensor_id: 2, series_id: 2, key: 'e01.r_101.pressure', ts: '2026-11-25T02:00:05Z', value: 0.35 }] }),
    })
    await flush()
    const tile = w.findAll('[data-testid="live-tile"]')[1]
    expect(tile.find('[data-testid="live-value"]').text()).toContain('0.35 MPa')
    expect(tile.find('[data-testid="live-out"]').text()).toBe('Above high limit')
    expect(tile.find('[data-testid="live-online"]').text()).toBe('Online')
    expect(tile.classes()).toContain('out')
    expect(w.text()).toContain('2 of 2 sensors online')
    w.unmount()
  })
})
