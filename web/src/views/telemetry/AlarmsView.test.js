import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import AlarmsView from './AlarmsView.vue'
import { clearSession, setSession } from '../../lib/session.js'
import { i18nFor, flush } from '../../test/setup.js'

class FakeSocket {
  static last = null
  constructor(url) {
    this.url = url
    FakeSocket.last = this
  }
  close() {}
}

const alarm = (id, over = {}) => ({
  id,
  rule_id: 1,
  series_id: 4,
  enterprise_id: 1,
  condition: 'high',
  state: 'active',
  severity: 'warning',
  raised_at: `2026-11-25T02:0${id}:00Z`,
  acknowledged_at: null,
  acknowledged_by: '',
  cleared_at: null,
  trigger_value: 91.5,
  last_value: 92,
  repeats: 0,
  rule: 'R-102 釜温过高',
  sensor_key: 'e01.r_102.temp',
  sensor_id: 4,
  sensor_name: 'R-102 釜温',
  unit: 'degC',
  ...over,
})

function jsonResponse(body, status = 200) {
  return Promise.resolve({ status, ok: status < 300, statusText: '', text: () => Promise.resolve(JSON.stringify(body)) })
}

async function mountAlarms(user, handler) {
  setSession({ token: 'tok', user })
  const fetchImpl = vi.fn(handler)
  vi.stubGlobal('fetch', fetchImpl)
  vi.stubGlobal('WebSocket', FakeSocket)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/telemetry/alarms', component: AlarmsView },
      { path: '/:p(.*)*', component: { template: '<p/>' } },
    ],
  })
  router.push('/telemetry/alarms')
  await router.isReady()
  const w = mount({ template: '<router-view />' }, { global: { plugins: [router, i18nFor('zh-CN')], stubs: { RefSelect: true } } })
  await flush()
  await flush()
  return { w, fetchImpl }
}

const ENT = { id: 3, name: 'ent-user', role: 'enterprise_user', enterprise_id: 1 }

describe('alarms page', () => {
  afterEach(() => {
    clearSession()
    vi.unstubAllGlobals()
  })

  it('lists open alarms, adds a raised one live at the top and updates a changed one', async () => {
    const { w, fetchImpl } = await mountAlarms(ENT, () => jsonResponse({ items: [alarm(1)], page: 1, page_size: 20, total: 1 }))
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/alarms?state=open&page=1&page_size=20')
    expect(w.findAll('tbody tr[data-id]')).toHaveLength(1)
    expect(w.find('tbody tr[data-id="1"]').text()).toContain('超上限')
    expect(w.find('tbody tr[data-id="1"]').text()).toContain('91.5°C')

    const ws = FakeSocket.last
    ws.onopen()
    ws.onmessage({ data: JSON.stringify({ type: 'alarm', event: 'raise', alarm: alarm(2, { severity: 'critical', sensor_name: 'R-105 釜压' }) }) })
    ws.onmessage({ data: JSON.stringify({ type: 'alarm', event: 'acknowledge', alarm: alarm(1, { state: 'acknowledged', acknowledged_by: 'tech' }) }) })
    // A raised alarm whose state does not match the filter (cleared at once) is not added.
    ws.onmessage({ data: JSON.stringify({ type: 'alarm', event: 'clear', alarm: alarm(3, { state: 'cleared' }) }) })
    await flush()
    const rows = w.findAll('tbody tr[data-id]')
    expect(rows.map((r) => r.attributes('data-id'))).toEqual(['2', '1'])
    expect(rows[0].find('.badge.sev').classes()).toContain('sev-critical')
    expect(rows[0].find('.badge.sev').text()).toBe('严重')
    expect(rows[1].find('[data-testid="alarm-state"]').text()).toBe('已确认')
    expect(rows[1].text()).toContain('确认人: tech')
    expect(w.find('[data-testid="al-announce"]').text()).toContain('新告警：严重 · R-105 釜压 · 超上限')
    expect(w.find('.pager').text()).toContain('共 2 条')
    w.unmount()
  })

  it('acknowledges an active alarm', async () => {
    const { w, fetchImpl } = await mountAlarms(ENT, (url, opts) =>
      opts && opts.method === 'POST'
        ? jsonResponse(alarm(1, { state: 'acknowledged', acknowledged_by: 'ent-user' }))
        : jsonResponse({ items: [alarm(1)], page: 1, page_size: 20, total: 1 }),
    )
    const ack = w.find('[data-testid="ack"]')
    expect(ack.attributes('aria-label')).toBe('确认告警 R-102 釜温')
    await ack.trigger('click')
    await flush()
    expect(fetchImpl.mock.calls.at(-1)[0]).toBe('/api/v1/alarms/1/acknowledge')
    expect(w.find('[data-testid="alarm-state"]').text()).toBe('已确认')
    expect(w.find('[data-testid="ack"]').exists()).toBe(false)
    expect(w.find('[data-testid="al-notice"]').text()).toBe('已确认告警 R-102 釜温')
    w.unmount()
  })

  it('offers no acknowledge button to a role that may not', async () => {
    const { w } = await mountAlarms({ id: 9, name: 'gw', role: 'integrator' }, () => jsonResponse({ items: [alarm(1)], page: 1, page_size: 20, total: 1 }))
    expect(w.findAll('tbody tr[data-id]')).toHaveLength(1)
    expect(w.find('[data-testid="ack"]').exists()).toBe(false)
    w.unmount()
  })
})
