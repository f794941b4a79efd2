import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import DockGantt from './DockGantt.vue'
import { i18nFor } from '../../test/setup.js'

const MIN = 60_000
// Park-local midnight of 2026-12-05 at UTC+8.
const MIDNIGHT = Date.parse('2026-12-04T16:00:00Z')
const at = (h, m = 0) => MIDNIGHT + (h * 60 + m) * MIN
const DOCKS = [{ id: 7, name: '一号装卸台', open: '08:00', close: '12:00', slot_minutes: 60, parallel_capacity: 1 }]
const BOOKINGS = [
  { id: 1, dock_id: 7, plate: '鲁A12345', status: 'scheduled', slot_start: at(9), service_end: at(10) },
  { id: 2, dock_id: 7, plate: '鲁B23456', status: 'arrived', slot_start: at(9), service_end: at(9, 30) },
  { id: 3, dock_id: 7, plate: '鲁C34567', status: 'cancelled', slot_start: at(10), slot_end: at(11) },
]

function render(locale = 'zh-CN') {
  return mount(DockGantt, { props: { docks: DOCKS, bookings: BOOKINGS, day: '2026-12-05' }, global: { plugins: [i18nFor(locale)] } })
}

describe('DockGantt', () => {
  it('draws each booking where its slot lies, by status, with the overbooking marked', () => {
    const w = render()
    const first = w.get('[data-testid="gantt-bar-1"]')
    expect(first.attributes('style')).toContain('left: 25%')
    expect(first.attributes('style')).toContain('width: 25%')
    expect(first.classes()).toContain('st-scheduled')
    // Two vehicles in one place at 09:00: the second is over the dock's capacity.
    expect(w.get('[data-testid="gantt-bar-2"]').classes()).toContain('over')
    expect(w.get('[data-testid="gantt-bar-1"]').classes()).not.toContain('over')
    // The cancelled one lies below the places and is not an overbooking.
    expect(w.get('[data-testid="gantt-bar-3"]').classes()).not.toContain('over')
    expect(w.get('[data-testid="gantt-bar-3"]').attributes('title')).toContain('已取消')
    expect(w.findAll('.g-tick').map((t) => t.text())).toEqual(['08:00', '09:00', '10:00', '11:00', '12:00'])
  })

  it('tells which booking was picked', async () => {
    const w = render('en')
    await w.get('[data-testid="gantt-bar-2"]').trigger('click')
    expect(w.emitted('select')[0][0].id).toBe(2)
    expect(w.get('[data-testid="gantt-bar-2"]').attributes('title')).toBe('鲁B23456 · 09:00–09:30 · in the lot')
  })
})
