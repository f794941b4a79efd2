import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import AppointmentsPanel from './AppointmentsPanel.vue'
import { i18nFor, flush } from '../../test/setup.js'
import { addDays, parkDay, parkMidnight } from '../../views/logistics/logistics.js'

const TODAY = parkDay(Date.now())
const at = (day, hour) => parkMidnight(day) + hour * 3_600_000

function item(over) {
  return {
    booking_id: 1,
    plate: '苏B4N780',
    operation: 'loading',
    slot_start: at(TODAY, 10),
    slot_end: at(TODAY, 11),
    status: 'scheduled',
    labels: ['3'],
    called: false,
    called_at: null,
    inside: false,
    dock_id: 11,
    dock_name: '一号装卸台',
    enterprise_name: '海澳化工有限公司',
    zone_name: null,
    ...over,
  }
}

async function render(panel, locale = 'zh-CN') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p />' } }] })
  router.push('/')
  await router.isReady()
  const w = mount(AppointmentsPanel, { props: { panel: { kind: 'appointments', title: { code: 'home.panel.appointments' }, ...panel } }, global: { plugins: [router, i18nFor(locale)] } })
  await flush()
  return w
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('AppointmentsPanel', () => {
  it("lists the driver's appointments with where, when and the status in words", async () => {
    const w = await render({
      count: 2,
      called: 0,
      items: [item({}), item({ booking_id: 2, status: 'requested', slot_start: at(addDays(TODAY, 1), 10), slot_end: at(addDays(TODAY, 1), 11), operation: 'unloading' })],
    })
    const rows = w.findAll('[data-testid="appointment-items"] li')
    expect(rows.map((r) => r.attributes('data-id'))).toEqual(['1', '2'])
    expect(rows[0].text()).toContain('已预约')
    expect(rows[0].text()).toContain('海澳化工有限公司 · 一号装卸台')
    expect(rows[0].text()).toContain('今天')
    expect(rows[0].text()).toContain('10:00–11:00')
    expect(rows[1].text()).toContain('待审批')
    expect(rows[1].text()).toContain('明天')
    expect(rows[1].text()).toContain('卸货')
    expect(w.find('[data-testid="appointments-called"]').exists()).toBe(false)
    expect(w.get('[data-testid="panel-appointments-link"]').attributes('href')).toBe('/logistics/my')
    expect(w.find('[data-testid="appointments-book"]').exists()).toBe(false)
  })

  it('shows the call and the lot zone of a vehicle inside, and where to go', async () => {
    const w = await render({ count: 1, called: 1, items: [item({ status: 'arrived', inside: true, called: true, called_at: Date.now(), zone_name: 'A区' })] }, 'en')
    expect(w.get('[data-testid="appointments-called"]').text()).toContain('You are called!')
    expect(w.get('[data-testid="appointments-called"]').text()).toContain('一号装卸台')
    expect(w.get('[data-testid="appointments-go"]').attributes('href')).toBe('/logistics/now')
    const row = w.get('[data-testid="appointment-items"] li')
    expect(row.text()).toContain('Zone: A区')
    expect(row.get('a').attributes('href')).toBe('/logistics/now')
  })

  it('with nothing ahead, says so and offers to book', async () => {
    const w = await render({ count: 0, called: 0, items: [], empty: { code: 'home.empty.appointments' } })
    expect(w.get('[data-testid="panel-appointments-empty"]').text()).toBe('今天及以后几天您没有预约。')
    expect(w.get('[data-testid="appointments-book"]').attributes('href')).toBe('/logistics/book')
  })
})
