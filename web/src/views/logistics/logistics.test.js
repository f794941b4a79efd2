import { describe, expect, it } from 'vitest'
import {
  addDays,
  classOf,
  ganttLayout,
  labelBackground,
  labelLook,
  labelsOf,
  minuteOf,
  minuteText,
  parkDay,
  parkMidnight,
  parkTime,
  sortAppointments,
} from './logistics.js'

const MIN = 60_000
const DAY = '2026-12-05'
// Park-local midnight of 2026-12-05 at UTC+8 is 2026-12-04T16:00Z.
const MIDNIGHT = Date.parse('2026-12-04T16:00:00Z')
const at = (hhmm) => MIDNIGHT + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * MIN

describe('park-local time', () => {
  it('counts days and times in the park, not the browser', () => {
    expect(parkMidnight(DAY)).toBe(MIDNIGHT)
    expect(parkDay(MIDNIGHT)).toBe(DAY)
    expect(parkDay(MIDNIGHT - 1)).toBe('2026-12-04')
    expect(parkTime(at('09:30'))).toBe('09:30')
    expect(parkTime(at('09:30'), 0)).toBe('01:30')
    expect(parkTime(null)).toBe('—')
    expect(minuteText(8 * 60 + 5)).toBe('08:05')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(parkMidnight('5 Dec')).toBeNaN()
    expect(minuteOf('09:30')).toBe(570)
    expect(minuteOf('9h')).toBeNaN()
  })
})

describe('danger labels', () => {
  const cases = [
    ['3', '#d71920'],
    ['2.1', '#d71920'],
    ['2.2', '#00a651'],
    ['2', '#00a651'],
    ['1.4', '#f7941d'],
    ['4.3', '#0072bc'],
    ['5.1', '#ffd200'],
    ['4.1+1', '#ffffff'],
    ['X', '#9aa5b1'],
  ]
  for (const [label, bg] of cases) {
    it(`label ${label} is ${bg}`, () => expect(labelLook(label).bg).toBe(bg))
  }
  it('draws stripes for 4.1 and 9 and two halves for 8', () => {
    expect(labelBackground('4.1')).toMatch(/repeating-linear-gradient/)
    expect(labelBackground('9')).toMatch(/#000000/)
    expect(labelBackground('8')).toMatch(/linear-gradient\(to bottom, #ffffff 0 50%, #000000/)
    expect(labelBackground('3')).toBe('#d71920')
  })
  it('groups by class and lists every label once', () => {
    expect(classOf('2.3')).toBe('2')
    expect(classOf('5.2+1')).toBe('5')
    expect(labelsOf([{ labels: ['3', '6.1'] }, { labels: ['6.1', '8'] }, {}])).toEqual(['3', '6.1', '8'])
  })
})

describe('appointments', () => {
  it('puts the open ones first, earliest first, then the ended ones newest first', () => {
    const items = [
      { id: 1, status: 'completed', slot_start: 100 },
      { id: 2, status: 'scheduled', slot_start: 500 },
      { id: 3, status: 'requested', slot_start: 300 },
      { id: 4, status: 'cancelled', slot_start: 200 },
    ]
    expect(sortAppointments(items).map((b) => b.id)).toEqual([3, 2, 4, 1])
  })
})

describe('Gantt layout', () => {
  const docks = [
    { id: 'a', open: '08:00', close: '12:00', slot_minutes: 60, parallel_capacity: 2 },
    { id: 'b', open: '09:30', close: '17:30', slot_minutes: 30, parallel_capacity: 1 },
  ]
  const booking = (id, dock, start, minutes, status = 'scheduled') => ({
    id,
    dock_id: dock,
    status,
    slot_start: at(start),
    service_end: at(start) + minutes * MIN,
  })

  it('spans whole hours from the earliest opening to the latest closing', () => {
    const g = ganttLayout(docks, [], DAY)
    expect(g.from).toBe(8 * 60)
    expect(g.to).toBe(18 * 60)
    expect(g.ticks.map((t) => t.label)).toEqual(['08:00', '09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00', '17:00', '18:00'])
    expect(g.ticks[0].left).toBe(0)
    expect(g.ticks.at(-1).left).toBe(100)
    // Dock a: four hourly slots, each a tenth of the window; dock b opens at 09:30, 15 % in.
    expect(g.rows[0].slots.map((s) => s.width)).toEqual([10, 10, 10, 10])
    expect(g.rows[1].openLeft).toBe(15)
    expect(g.rows[1].slots).toHaveLength(16)
  })

  it('puts overlapping bookings on separate lanes and marks more than the capacity as overbooked', () => {
    const g = ganttLayout(
      docks,
      [booking(1, 'a', '08:00', 90), booking(2, 'a', '08:00', 60), booking(3, 'a', '09:00', 60), booking(4, 'a', '09:00', 60)],
      DAY,
    )
    const bars = Object.fromEntries(g.rows[0].bars.map((b) => [b.booking.id, b]))
    // 1 runs to 09:30, so at 09:00 only the lane 2 freed is there: 3 takes it and 4 needs a third lane.
    expect([bars[1].lane, bars[2].lane, bars[3].lane, bars[4].lane]).toEqual([0, 1, 1, 2])
    expect(bars[4].overbooked).toBe(true)
    expect(bars[3].overbooked).toBe(false)
    expect(g.rows[0].lanes).toBe(3)
    expect(bars[1].left).toBe(0)
    expect(bars[1].width).toBe(15)
  })

  it('keeps ended bookings below the places so they never push a live one down', () => {
    const g = ganttLayout(docks, [booking(1, 'b', '10:00', 30, 'cancelled'), booking(2, 'b', '10:00', 30), booking(3, 'b', '10:00', 30, 'no_show')], DAY)
    const row = g.rows[1]
    const lane = Object.fromEntries(row.bars.map((b) => [b.booking.id, b.lane]))
    expect(lane).toEqual({ 1: 1, 2: 0, 3: 2 })
    expect(row.placeLanes).toBe(1)
    expect(row.lanes).toBe(3)
    expect(row.bars.some((b) => b.overbooked)).toBe(false)
  })

  it('clips a booking running past the window and says so', () => {
    const g = ganttLayout(docks, [booking(1, 'b', '17:30', 60)], DAY)
    const bar = g.rows[1].bars[0]
    expect(bar.left).toBe(95)
    expect(bar.width).toBe(5)
    expect(bar.outside).toBe(true)
  })

  it('falls back to the slot length without a service end', () => {
    const g = ganttLayout(docks, [{ id: 9, dock_id: 'b', status: 'arrived', slot_start: at('12:00') }], DAY)
    expect(g.rows[1].bars[0].width).toBe(5)
  })
})
