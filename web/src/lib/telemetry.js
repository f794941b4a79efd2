// Telemetry helpers shared by the series explorer, meters, alarms, the equipment page and the big screen:
// labels for alarm states and conditions, durations, readings with their unit, time ranges in park time,
// and the transform of the server's buckets into chart series. Pure functions, tested in telemetry.test.js.
import { formatNumber, formatQuantity, formatTime, PARK_TIME_ZONE } from './format.js'
import { PALETTE } from './charts.js'

export const ALARM_STATES = ['active', 'acknowledged', 'cleared']
// The alarm list's filter: "open" is active or acknowledged (the server's default view of work to do).
// List filters, as the server takes them: open (the condition holds, not closed), to_close (ended, nobody closed
// it yet), closed, the raw states, and '' for all.
export const ALARM_FILTERS = ['open', 'to_close', 'closed', 'active', 'acknowledged', 'cleared', '']
// Why an alarm was closed, as the server stores it.
export const CLOSE_CAUSES = ['equipment_fault', 'process_upset', 'sensor_fault', 'maintenance', 'false_alarm', 'other']
export const ALARM_CONDITIONS = ['high', 'low', 'rate_of_change', 'no_data']
export const SEVERITIES = ['info', 'warning', 'critical']
export const RULE_KINDS = ['threshold', 'rate', 'no_data']
export const WEBHOOK_FORMATS = ['dingtalk', 'wecom', 'json']
export const METER_NOTES = [
  'out_of_order',
  'duplicate',
  'conflicting_duplicate',
  'invalid_value',
  'rollover',
  'reset',
  'glitch_dropped',
  'rebaselined',
  'unconfirmed_drop',
  'gap',
]
// Who may acknowledge alarms and edit rules, as the server allows it (the UI only hides what cannot work).
export const ACKNOWLEDGERS = ['park_admin', 'park_staff', 'enterprise_user', 'technician']
export const RULE_EDITORS = ['park_admin', 'park_staff', 'enterprise_user']

// A label from the messages, or the raw code when the server sends one the app does not know yet.
function known(t, key, code) {
  if (code === null || code === undefined || code === '') return '—'
  const s = t(key)
  return s === key ? String(code) : s
}
export const alarmStateLabel = (t, state) => known(t, `telemetry.alarmStates.${state}`, state)
export const conditionLabel = (t, cond) => known(t, `telemetry.conditions.${cond}`, cond)
export const severityLabel = (t, sev) => known(t, `telemetry.severities.${sev}`, sev)
export const noteLabel = (t, kind) => known(t, `telemetry.notes.${kind}`, kind)
export const ruleKindLabel = (t, kind) => known(t, `telemetry.ruleKinds.${kind}`, kind)

// CSS class for a severity: the same three colours on every page and the big screen.
export function severityClass(severity) {
  return SEVERITIES.includes(severity) ? `sev-${severity}` : 'sev-warning'
}

// formatDuration(200000, 'zh-CN') → "3分20秒"; 'en' → "3 min 20 s". Two largest units only.
export function formatDuration(ms, locale = 'zh-CN') {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return '—'
  let s = Math.max(0, Math.floor(Number(ms) / 1000))
  const units = [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ]
  const parts = []
  for (const [u, n] of units) {
    const v = Math.floor(s / n)
    s -= v * n
    if (v > 0 || (parts.length === 0 && u === 's')) parts.push([u, v])
    if (parts.length === 2) break
    if (parts.length === 1 && v === 0) break
  }
  const zh = { d: '天', h: '小时', min: '分', s: '秒' }
  if (locale === 'en') return parts.map(([u, v]) => `${v} ${u}`).join(' ')
  return parts.map(([u, v]) => `${v}${zh[u]}`).join('')
}

// formatReading(81.234, 'degC') → "81.23°C"; no value → "—". Meters keep up to 2 decimals, sensors 3.
export function formatReading(value, unit, locale = 'zh-CN', { maxDigits = 3 } = {}) {
  if (value === null || value === undefined || value === '') return '—'
  return formatQuantity(value, unit === '1' ? '' : unit, locale, { maxDigits })
}

// limitState(value, low, high) → 'high' | 'low' | 'ok' | '' (no value).
export function limitState(value, low, high) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return ''
  const v = Number(value)
  if (high !== null && high !== undefined && v > high) return 'high'
  if (low !== null && low !== undefined && v < low) return 'low'
  return 'ok'
}

// Time ranges. Presets end now; custom ranges are typed as park-time wall clock (datetime-local).
export const RANGE_PRESETS = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 }

export function presetRange(preset, now = Date.now()) {
  const span = RANGE_PRESETS[preset] || RANGE_PRESETS['24h']
  return { from: now - span, to: now }
}

// China has had no daylight saving since 1991: park time is UTC+8 all year.
const PARK_OFFSET_MS = 8 * 3600e3

// parseParkLocal('2026-11-25T08:00') → ms of that wall-clock time in the park; NaN when malformed.
export function parseParkLocal(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(text || ''))
  if (!m) return Number.NaN
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)) - PARK_OFFSET_MS
}

// toParkLocal(ms) → 'YYYY-MM-DDTHH:mm' for a datetime-local input showing park time.
export function toParkLocal(ms) {
  const d = new Date(ms + PARK_OFFSET_MS)
  return d.toISOString().slice(0, 16)
}

// parkDay(ms) → 'YYYY-MM-DD' of that instant in the park; addDays('2026-11-30', 1) → '2026-12-01'.
export function parkDay(ms = Date.now()) {
  return new Date(ms + PARK_OFFSET_MS).toISOString().slice(0, 10)
}
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

export function isoUtc(ms) {
  return new Date(ms).toISOString()
}

// bucketSeries turns the server's buckets into the chart's three series: mean, min, and the max−min band
// stacked on min. Buckets without data are simply absent from the answer; a hole much longer than the
// usual step breaks the lines (a null point) instead of drawing a straight line over missing data.
export function bucketSeries(buckets, widthS = 0) {
  const rows = (buckets || [])
    .filter((b) => b && b.count > 0)
    .map((b) => ({ ts: Date.parse(b.start), min: b.min, max: b.max, mean: b.mean }))
    .filter((b) => Number.isFinite(b.ts))
    .sort((a, b) => a.ts - b.ts)
  const deltas = []
  for (let i = 1; i < rows.length; i++) deltas.push(rows[i].ts - rows[i - 1].ts)
  const sorted = [...deltas].sort((a, b) => a - b)
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0
  const gapMs = Math.max(median * 3, widthS * 1000 * 2)
  const mean = []
  const min = []
  const band = []
  rows.forEach((r, i) => {
    if (i > 0 && gapMs > 0 && r.ts - rows[i - 1].ts > gapMs) {
      const mid = rows[i - 1].ts + 1
      mean.push([mid, null])
      min.push([mid, null])
      band.push([mid, null])
    }
    mean.push([r.ts, r.mean])
    min.push([r.ts, r.min])
    band.push([r.ts, r.max - r.min])
  })
  return { mean, min, band, count: rows.length }
}

// mergeBuckets replaces the coarse buckets inside [fromMs, toMs) with finer ones of a zoomed query, so the
// overview keeps its context around the zoomed window.
export function mergeBuckets(coarse, fine, fromMs, toMs) {
  const inside = (b) => {
    const ts = Date.parse(b.start)
    return ts >= fromMs && ts < toMs
  }
  return [...(coarse || []).filter((b) => !inside(b)), ...(fine || [])].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
}

// Axis and tooltip labels in park time: dates matter over long ranges, seconds over short ones.
export function timeLabel(ms, spanMs) {
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: PARK_TIME_ZONE,
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms))
  if (spanMs > 2 * 86400e3) return `${p} ${formatTime(ms, { seconds: false })}`
  if (spanMs > 3600e3) return formatTime(ms, { seconds: false })
  return formatTime(ms)
}

// seriesOption builds the explorer's chart: min/max band, mean line, the sensor's limits as dashed lines,
// and a dataZoom (wheel and slider) whose window the page keeps across data updates.
export function seriesOption(data, { unit = '', locale = 'zh-CN', labels = {}, range, zoom, low = null, high = null } = {}) {
  const sym = unit && unit !== '1' ? formatQuantity(0, unit, locale).replace(/^0\s?/, '') : ''
  const span = zoom ? zoom.to - zoom.from : range ? range.to - range.from : 86400e3
  const few = data.count < 60
  const limitLines = []
  if (high !== null && high !== undefined) limitLines.push({ yAxis: high, name: labels.high || 'high' })
  if (low !== null && low !== undefined) limitLines.push({ yAxis: low, name: labels.low || 'low' })
  return {
    color: [PALETTE[0]],
    aria: { enabled: true },
    animation: false,
    grid: { left: 8, right: 24, top: 36, bottom: 64, containLabel: true },
    legend: { top: 0, data: [labels.mean || 'mean', labels.band || 'min–max'] },
    tooltip: {
      trigger: 'axis',
      formatter: (items) => {
        if (!items || !items.length) return ''
        const ts = items[0].value[0]
        const by = {}
        for (const it of items) by[it.seriesName] = it.value[1]
        const lo = by[labels.min || 'min']
        const mean = by[labels.mean || 'mean']
        const bandV = by[labels.band || 'min–max']
        const f = (v) => formatNumber(v, locale, { maxDigits: 3 })
        const lines = [timeLabel(ts, 0)]
        if (mean !== undefined && mean !== null) lines.push(`${labels.mean || 'mean'}: ${f(mean)} ${sym}`)
        if (lo !== undefined && lo !== null && bandV !== undefined && bandV !== null) {
          lines.push(`${labels.band || 'min–max'}: ${f(lo)} – ${f(lo + bandV)} ${sym}`)
        }
        return lines.join('<br/>')
      },
    },
    xAxis: {
      type: 'time',
      min: range ? range.from : undefined,
      max: range ? range.to : undefined,
      axisLabel: { formatter: (v) => timeLabel(v, span), hideOverlap: true },
    },
    yAxis: { type: 'value', scale: true, name: sym, splitLine: { lineStyle: { color: '#e6e9ee' } } },
    dataZoom: [
      { type: 'inside', filterMode: 'none', startValue: zoom ? zoom.from : undefined, endValue: zoom ? zoom.to : undefined },
      { type: 'slider', filterMode: 'none', height: 24, bottom: 8, startValue: zoom ? zoom.from : undefined, endValue: zoom ? zoom.to : undefined, labelFormatter: (v) => timeLabel(v, span) },
    ],
    series: [
      {
        name: labels.min || 'min',
        type: 'line',
        data: data.min,
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        tooltip: { show: true },
        silent: true,
      },
      {
        name: labels.band || 'min–max',
        type: 'line',
        data: data.band,
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: 'rgba(11, 92, 173, 0.18)' },
        itemStyle: { color: 'rgba(11, 92, 173, 0.35)' },
        silent: true,
      },
      {
        name: labels.mean || 'mean',
        type: 'line',
        data: data.mean,
        showSymbol: few,
        symbolSize: 5,
        lineStyle: { width: 1.6 },
        markLine: limitLines.length
          ? { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#b42318' }, label: { formatter: '{b}' }, data: limitLines }
          : undefined,
      },
    ],
  }
}

// periodsOption: a meter's (or the park's) consumption per period as bars.
export function periodsOption(periods, { unit = '', locale = 'zh-CN', name = '' } = {}) {
  const sym = unit ? formatQuantity(0, unit, locale).replace(/^0\s?/, '') : ''
  return {
    color: [PALETTE[1]],
    aria: { enabled: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v) => `${formatNumber(v, locale)} ${sym}`,
    },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: (periods || []).map((p) => p.period), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: sym },
    series: [{ name: name || sym, type: 'bar', data: (periods || []).map((p) => p.consumption), barMaxWidth: 28 }],
  }
}

// applyAlarmEvent folds a live alarm event into a list shown newest first. `filter` is the list's state
// filter; an alarm that no longer matches it stays (marked with its new state) so a row does not vanish
// under the reader's eyes, but a new alarm is only added when it matches. Returns the new list and whether
// the alarm was new to it.
export function applyAlarmEvent(list, alarm, filter = 'open', { max = 0 } = {}) {
  if (!alarm || alarm.id === undefined) return { list, added: false }
  const i = list.findIndex((a) => a.id === alarm.id)
  if (i >= 0) {
    const merged = { ...list[i], ...alarm }
    // A row that no longer matches the filter leaves it: "open" really hides cleared and closed alarms.
    if (!matchesFilter(merged, filter)) return { list: list.filter((a) => a.id !== alarm.id), added: false, removed: true }
    const next = [...list]
    next[i] = merged
    return { list: next, added: false }
  }
  if (!matchesFilter(alarm, filter)) return { list, added: false }
  const next = [alarm, ...list].sort((a, b) => Date.parse(b.raised_at || 0) - Date.parse(a.raised_at || 0) || b.id - a.id)
  if (max && next.length > max) next.length = max
  return { list: next, added: true }
}

// Whether an alarm ({state, closed_at}) belongs in a list filtered as the server filters.
export function matchesFilter(alarm, filter) {
  if (!filter) return true
  const closed = !!alarm.closed_at
  if (filter === 'closed') return closed
  if (filter === 'open') return !closed && (alarm.state === 'active' || alarm.state === 'acknowledged')
  if (filter === 'to_close') return !closed && alarm.state === 'cleared'
  if (filter === 'cleared') return alarm.state === 'cleared'
  return !closed && alarm.state === filter
}

// applyAlarmValues gives open alarm rows the live value of their series (from a "telemetry" message): `current`
// and `current_ts`, so a row shows what the value is now, not only what raised it.
export function applyAlarmValues(items, values) {
  const by = new Map()
  for (const v of values || []) if (v && v.series_id !== undefined) by.set(v.series_id, v)
  if (!by.size) return items
  let changed = false
  const next = items.map((a) => {
    const v = by.get(a.series_id)
    if (!v || a.state === 'cleared' || a.closed_at) return a
    if (a.current_ts && Date.parse(v.ts) < Date.parse(a.current_ts)) return a
    changed = true
    return { ...a, current: v.value, current_ts: v.ts }
  })
  return changed ? next : items
}

// Where an alarm is, in words the park uses: equipment (tag), facility and its location.
export function alarmPlace(a) {
  const parts = []
  if (a.equipment_name) parts.push(a.equipment_tag ? `${a.equipment_name} (${a.equipment_tag})` : a.equipment_name)
  if (a.facility_name) parts.push(a.facility_name)
  if (a.location) parts.push(a.location)
  return parts.join(' · ')
}

// applyTelemetry updates latest-value rows (by sensor_id) from a live "telemetry" message's values.
export function applyTelemetry(items, values) {
  const by = new Map()
  for (const v of values || []) if (v && v.sensor_id !== undefined && v.sensor_id !== null) by.set(v.sensor_id, v)
  if (!by.size) return items
  return items.map((it) => {
    const v = by.get(it.sensor_id)
    if (!v) return it
    const newer = !it.ts || Date.parse(v.ts) >= Date.parse(it.ts)
    return newer ? { ...it, value: v.value, ts: v.ts, online: true, series_id: it.series_id ?? v.series_id } : it
  })
}

// onlineCounts: sensors online/offline, and equipment online when any of its sensors is.
export function onlineCounts(items) {
  const eq = new Map()
  let online = 0
  for (const it of items || []) {
    if (it.online) online++
    if (it.equipment_id !== undefined && it.equipment_id !== null) eq.set(it.equipment_id, (eq.get(it.equipment_id) || false) || !!it.online)
  }
  const eqOnline = [...eq.values()].filter(Boolean).length
  const total = (items || []).length
  return {
    sensors: { online, offline: total - online, total },
    equipment: { online: eqOnline, offline: eq.size - eqOnline, total: eq.size },
  }
}
