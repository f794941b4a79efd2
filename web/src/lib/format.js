// Formatting shared by every page: numbers with units and dates as people in the park read them.
// Times are shown in the park's time zone (China Standard Time) whatever the browser's zone is, so a
// report read in Berlin and one read in the park show the same clock.

export const PARK_TIME_ZONE = 'Asia/Shanghai'

function intlLocale(locale) {
  return locale === 'en' ? 'en-US' : 'zh-CN'
}

export function formatNumber(value, locale = 'zh-CN', { maxDigits = 2, minDigits = 0 } = {}) {
  if (value === null || value === undefined || value === '') return '—'
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isFinite(n)) return '—'
  return new Intl.NumberFormat(intlLocale(locale), {
    maximumFractionDigits: maxDigits,
    minimumFractionDigits: minDigits,
  }).format(n)
}

// A number inside a server text, rounded as src/core/text.cpp rounds it: |v| ≥ 100 with no decimals, ≥ 10
// with one, ≥ 1 with two, below 1 with three significant digits; digits grouped in thousands.
export function formatTextNumber(value) {
  const n = Number(value)
  if (!Number.isFinite(n)) return '—'
  const a = Math.abs(n)
  let digits = 0
  if (a >= 100) digits = 0
  else if (a >= 10) digits = 1
  else if (a >= 1) digits = 2
  else if (a > 0) digits = Math.min(8, 2 - Math.floor(Math.log10(a)))
  const scale = 10 ** digits
  const rounded = Math.round(Math.abs(n) * scale) / scale
  const s = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, useGrouping: true }).format(rounded)
  return n < 0 && rounded !== 0 ? `-${s}` : s
}

// Units as they should be printed; keys are the lower-case unit suffixes used in API field names.
const UNIT_SYMBOLS = {
  mpa: 'MPa',
  kpa: 'kPa',
  pa: 'Pa',
  bar: 'bar',
  c: '°C',
  degc: '°C',
  k: 'K',
  m3: 'm³',
  m3_h: 'm³/h',
  nm3_h: 'Nm³/h',
  l: 'L',
  l_h: 'L/h',
  t: 't',
  t_h: 't/h',
  kg: 'kg',
  kg_h: 'kg/h',
  kw: 'kW',
  mw: 'MW',
  kwh: 'kWh',
  mwh: 'MWh',
  kva: 'kVA',
  mva: 'MVA',
  kv: 'kV',
  v: 'V',
  a: 'A',
  hz: 'Hz',
  rpm: 'r/min',
  m: 'm',
  mm: 'mm',
  m2: 'm²',
  pct: '%',
  percent: '%',
  ph: 'pH',
  mg_l: 'mg/L',
  mg_m3: 'mg/m³',
  ppm: 'ppm',
  m_s: 'm/s',
  w_m2: 'W/m²',
  s: 's',
  h: 'h',
  tco2e: 'tCO₂e',
  tce: 'tce',
  // Units as the API writes them in sensors' "unit" field.
  'm3/h': 'm³/h',
  'nm3/h': 'Nm³/h',
  'l/s': 'L/s',
  'kg/h': 'kg/h',
  'mm/s': 'mm/s',
  um: 'µm',
  ka: 'kA',
  kvar: 'kvar',
  mvar: 'Mvar',
  'mg/m3': 'mg/m³',
  'mg/l': 'mg/L',
  '%rh': '%RH',
  '%': '%',
  'm/s': 'm/s',
  deg: '°',
  'w/m2': 'W/m²',
  nm3: 'Nm³',
  '10^4 nm3': '10⁴ Nm³',
  gj: 'GJ',
  mj: 'MJ',
  1: '',
}

// Units whose name differs by language.
const LOCAL_UNITS = {
  mu: { 'zh-CN': '亩', en: 'mu' },
  years: { 'zh-CN': '年', en: 'years' },
  yuan: { 'zh-CN': '元', en: 'yuan' },
}

export function unitSymbol(unit, locale = 'zh-CN') {
  if (!unit) return ''
  const key = String(unit).toLowerCase()
  if (LOCAL_UNITS[key]) return LOCAL_UNITS[key][locale === 'en' ? 'en' : 'zh-CN']
  return key in UNIT_SYMBOLS ? UNIT_SYMBOLS[key] : String(unit)
}

// formatQuantity(2.5, 'mpa') → "2.5 MPa"; percent and degrees attach without a space, Chinese units too.
export function formatQuantity(value, unit, locale = 'zh-CN', opts = {}) {
  const num = formatNumber(value, locale, opts)
  if (num === '—' || !unit) return num
  const sym = unitSymbol(unit, locale)
  if (!sym) return num
  const tight = sym.startsWith('%') || sym.startsWith('°') || /^[\u4e00-\u9fff]/.test(sym)
  return tight ? `${num}${sym}` : `${num} ${sym}`
}

// splitUnitKey('pressure_mpa') → { name: 'pressure', unit: 'mpa' }: rated parameters carry the unit in the
// key. The longest known unit suffix wins, so 'flow_m3_h' is m³/h and not h.
export function splitUnitKey(key) {
  const parts = String(key).split('_')
  for (let i = 1; i < parts.length; i++) {
    const suffix = parts.slice(i).join('_').toLowerCase()
    if (UNIT_SYMBOLS[suffix] || LOCAL_UNITS[suffix]) {
      return { name: parts.slice(0, i).join('_'), unit: suffix }
    }
  }
  return { name: String(key), unit: '' }
}

function pad(n) {
  return String(n).padStart(2, '0')
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function civilDate(value) {
  // A plain "YYYY-MM-DD" is a calendar date: no time zone applies.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value))
  if (!m) return null
  return { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) }
}

function zonedParts(value, timeZone = PARK_TIME_ZONE) {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) return null
  const parts = {}
  for (const p of new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(date)) {
    parts[p.type] = p.value
  }
  return {
    y: Number(parts.year),
    mo: Number(parts.month),
    d: Number(parts.day),
    h: Number(parts.hour) % 24,
    mi: Number(parts.minute),
    s: Number(parts.second),
  }
}

function dateText(p, locale) {
  if (locale === 'en') return `${EN_MONTHS[p.mo - 1]} ${p.d}, ${p.y}`
  return `${p.y}年${p.mo}月${p.d}日`
}

// formatDate('2026-03-09') → "2026年3月9日" (zh-CN) or "Mar 9, 2026" (en). Accepts timestamps too.
export function formatDate(value, locale = 'zh-CN', timeZone = PARK_TIME_ZONE) {
  if (value === null || value === undefined || value === '') return '—'
  const p = civilDate(value) || zonedParts(value, timeZone)
  if (!p) return String(value)
  return dateText(p, locale)
}

// formatDateTime('2026-03-09T02:05:00Z') → "2026年3月9日 10:05" in park time.
export function formatDateTime(value, locale = 'zh-CN', { seconds = false, timeZone = PARK_TIME_ZONE } = {}) {
  if (value === null || value === undefined || value === '') return '—'
  const p = zonedParts(value, timeZone)
  if (!p) return String(value)
  const time = `${pad(p.h)}:${pad(p.mi)}${seconds ? `:${pad(p.s)}` : ''}`
  return locale === 'en' ? `${dateText(p, locale)}, ${time}` : `${dateText(p, locale)} ${time}`
}

export function formatTime(value, { seconds = true, timeZone = PARK_TIME_ZONE } = {}) {
  const p = zonedParts(value, timeZone)
  if (!p) return ''
  return `${pad(p.h)}:${pad(p.mi)}${seconds ? `:${pad(p.s)}` : ''}`
}

// daysUntil('2026-12-01', now) → whole calendar days from today in the park to that date (negative: overdue).
export function daysUntil(dateStr, now = new Date(), timeZone = PARK_TIME_ZONE) {
  const target = civilDate(dateStr)
  const today = zonedParts(now, timeZone)
  if (!target || !today) return null
  const a = Date.UTC(target.y, target.mo - 1, target.d)
  const b = Date.UTC(today.y, today.mo - 1, today.d)
  return Math.round((a - b) / 86400000)
}
