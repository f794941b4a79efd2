// Pure helpers of the vehicle appointment pages (issue 13): park-local time, the ADR danger labels' colours, the
// booking statuses' badges and the Gantt layout of a dock's day. No Vue, no requests: tested in logistics.test.js.

export const MINUTE_MS = 60_000
export const DAY_MS = 86_400_000
// China Standard Time; the server says its park's offset (utc_offset_min) where it knows better.
export const DEFAULT_UTC_OFFSET_MIN = 480

// ---- Park-local time ---------------------------------------------------------------------------------------
// The pages show slots in the park's time whatever the phone's time zone is, as the server counts them.
function pad(n) {
  return String(n).padStart(2, '0')
}
// "2026-12-05" of an instant, in the park's day.
export function parkDay(ms, offsetMin = DEFAULT_UTC_OFFSET_MIN) {
  return new Date(ms + offsetMin * MINUTE_MS).toISOString().slice(0, 10)
}
// The instant of park-local midnight starting `day` ("2026-12-05"); NaN for something that is not a date.
export function parkMidnight(day, offsetMin = DEFAULT_UTC_OFFSET_MIN) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day || '')) return NaN
  return Date.parse(`${day}T00:00:00Z`) - offsetMin * MINUTE_MS
}
// "HH:MM" of an instant in the park's time.
export function parkTime(ms, offsetMin = DEFAULT_UTC_OFFSET_MIN) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  return new Date(ms + offsetMin * MINUTE_MS).toISOString().slice(11, 16)
}
// Minutes after midnight of "HH:MM" (a dock's opening hours as the server writes them); NaN for anything else.
export function minuteOf(hhmm) {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(hhmm || ''))
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN
}
// "HH:MM" of minutes after midnight.
export function minuteText(min) {
  if (!Number.isFinite(min)) return '—'
  return `${pad(Math.floor(min / 60))}:${pad(min % 60)}`
}
// The day `n` days after `day`.
export function addDays(day, n) {
  const ms = Date.parse(`${day}T00:00:00Z`)
  return new Date(ms + n * DAY_MS).toISOString().slice(0, 10)
}

// ---- Danger labels (ADR 5.2.2.2.2) ----------------------------------------------------------------------
// Each label's look, drawn as a diamond: the background, the lower half where it differs, stripes (4.1, 9), and
// the text colour. Divisions of class 1 share its orange; an unknown label is grey.
const LABEL_LOOKS = {
  1: { bg: '#f7941d', fg: '#000' },
  2.1: { bg: '#d71920', fg: '#fff' },
  2.2: { bg: '#00a651', fg: '#fff' },
  2.3: { bg: '#ffffff', fg: '#000' },
  3: { bg: '#d71920', fg: '#fff' },
  4.1: { bg: '#ffffff', fg: '#000', stripes: '#d71920' },
  4.2: { bg: '#ffffff', fg: '#000', lower: '#d71920' },
  4.3: { bg: '#0072bc', fg: '#fff' },
  5.1: { bg: '#ffd200', fg: '#000' },
  5.2: { bg: '#d71920', fg: '#000', lower: '#ffd200' },
  6.1: { bg: '#ffffff', fg: '#000' },
  6.2: { bg: '#ffffff', fg: '#000' },
  7: { bg: '#ffd200', fg: '#000', lower: '#ffffff' },
  8: { bg: '#ffffff', fg: '#fff', lower: '#000000' },
  9: { bg: '#ffffff', fg: '#000', stripes: '#000000' },
}
// "2.3" -> its look; "1.4" -> class 1's; "4.1+1" -> 4.1's; "2" -> 2.2's (a gas of no stated division).
export function labelLook(label) {
  const s = String(label || '').split('+')[0].trim()
  if (LABEL_LOOKS[s]) return LABEL_LOOKS[s]
  const klass = s.split('.')[0]
  if (klass === '1') return LABEL_LOOKS[1]
  if (klass === '2') return LABEL_LOOKS[2.2]
  if (LABEL_LOOKS[klass]) return LABEL_LOOKS[klass]
  return { bg: '#9aa5b1', fg: '#000' }
}
// The CSS background of a label's diamond.
export function labelBackground(label) {
  const l = labelLook(label)
  if (l.stripes) return `repeating-linear-gradient(90deg, ${l.stripes} 0 4px, ${l.bg} 4px 8px)`
  if (l.lower) return `linear-gradient(to bottom, ${l.bg} 0 50%, ${l.lower} 50% 100%)`
  return l.bg
}
// The class of a label ("2.3" -> "2"), for grouping on the lot map and the big screen.
export function classOf(label) {
  return String(label || '').split('+')[0].split('.')[0]
}
// Every label of a vehicle's goods, once each, in the order first seen.
export function labelsOf(goods = []) {
  const out = []
  for (const g of goods || []) for (const l of g.labels || []) if (!out.includes(l)) out.push(l)
  return out
}

// ---- Booking statuses -----------------------------------------------------------------------------------
export const STATUSES = ['requested', 'scheduled', 'arrived', 'in_progress', 'completed', 'no_show', 'cancelled', 'refused']
export const STATUS_BADGE = {
  requested: 'badge-warn',
  scheduled: '',
  arrived: 'badge-ok',
  in_progress: 'badge-ok',
  completed: '',
  no_show: 'badge-danger',
  cancelled: '',
  refused: 'badge-danger',
}
// Whether a booking in this status holds its place in the slot (as the server's HoldsPlace).
export function holdsPlace(status) {
  return ['requested', 'scheduled', 'arrived', 'in_progress'].includes(status)
}
// Whether a driver may still cancel it.
export function cancellable(status) {
  return ['requested', 'scheduled'].includes(status)
}
// Bookings a driver still has ahead: not ended, earliest first; then the rest, newest first.
export function sortAppointments(items = []) {
  const open = items.filter((b) => holdsPlace(b.status)).sort((a, b) => a.slot_start - b.slot_start)
  const done = items.filter((b) => !holdsPlace(b.status)).sort((a, b) => b.slot_start - a.slot_start)
  return [...open, ...done]
}

// ---- Gantt ----------------------------------------------------------------------------------------------
// Lays out one park day of docks and their bookings for a Gantt chart drawn with CSS: a shared time window (the
// earliest opening to the latest closing, whole hours), hour ticks, and per dock its slot columns and its bookings
// in lanes. Bookings that hold a place take lanes first (interval partitioning, earliest first), so a dock's first
// `parallel_capacity` lanes are its places and a lane beyond them shows an overbooking; ended bookings (cancelled,
// refused, no-show) go on lanes below those, where they never push a live booking down.
// Positions are percentages of the window. Docks and bookings as GET /logistics/docks and /bookings give them
// (open/close "HH:MM"; slot_start, service_end, slot_end in ms): a booking lasts from its slot start to its service
// end (else its slot end, else one slot).
export function ganttLayout(docks = [], bookings = [], day, offsetMin = DEFAULT_UTC_OFFSET_MIN) {
  const midnight = parkMidnight(day, offsetMin)
  const hours = docks.map((d) => ({ open: minuteOf(d.open), close: minuteOf(d.close) })).filter((h) => h.open < h.close)
  const open = hours.length ? Math.min(...hours.map((h) => h.open)) : 8 * 60
  const close = hours.length ? Math.max(...hours.map((h) => h.close)) : 18 * 60
  const from = Math.floor(open / 60) * 60
  const to = Math.max(from + 60, Math.ceil(close / 60) * 60)
  const span = to - from
  const pct = (min) => Math.round(((min - from) / span) * 10000) / 100
  const at = (ms) => (ms - midnight) / MINUTE_MS
  const ticks = []
  for (let m = from; m <= to; m += 60) ticks.push({ minute: m, label: minuteText(m), left: pct(m) })

  const rows = docks.map((dock) => {
    const dOpen = minuteOf(dock.open)
    const dClose = minuteOf(dock.close)
    const mine = bookings.filter((b) => String(b.dock_id) === String(dock.id))
    const slots = []
    if (dock.slot_minutes > 0 && dOpen < dClose) {
      for (let m = dOpen; m + dock.slot_minutes <= dClose; m += dock.slot_minutes) {
        slots.push({ minute: m, left: pct(m), width: pct(m + dock.slot_minutes) - pct(m) })
      }
    }
    const bars = []
    const place = (list, firstLane) => {
      const ends = []
      for (const b of [...list].sort((x, y) => x.slot_start - y.slot_start || String(x.id).localeCompare(String(y.id)))) {
        const start = b.slot_start
        const end = b.service_end || b.slot_end || start + (dock.slot_minutes || 60) * MINUTE_MS
        let lane = ends.findIndex((e) => e <= start)
        if (lane < 0) {
          lane = ends.length
          ends.push(end)
        } else ends[lane] = end
        const s = Math.max(from, at(start))
        const e = Math.min(to, at(end))
        bars.push({
          booking: b,
          lane: firstLane + lane,
          left: pct(s),
          width: Math.max(0.5, pct(e) - pct(s)),
          outside: at(start) < from || at(end) > to,
          overbooked: holdsPlace(b.status) && firstLane + lane >= (dock.parallel_capacity || 1),
        })
      }
      return ends.length
    }
    const live = place(mine.filter((b) => holdsPlace(b.status)), 0)
    const placeLanes = Math.max(live, dock.parallel_capacity || 1)
    const ended = place(mine.filter((b) => !holdsPlace(b.status)), placeLanes)
    return { dock, slots, bars, lanes: placeLanes + ended, placeLanes, openLeft: pct(Number.isFinite(dOpen) ? dOpen : from), closeLeft: pct(Number.isFinite(dClose) ? dClose : to) }
  })
  return { from, to, ticks, rows }
}
