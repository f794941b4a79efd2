// The home page's helpers: figures with units at a sensible precision, changes against a baseline, and the
// page's title per role. Pure functions, tested in home.test.js.
import { formatNumber, formatQuantity, unitSymbol } from './format.js'

// Digits for an amount: whole numbers from 100, one decimal from 10, two below, three significant below 1
// (the rule the server's texts follow, so a figure reads the same in a sentence and in a cell).
export function amountDigits(value) {
  const a = Math.abs(Number(value))
  if (!Number.isFinite(a) || a >= 100) return 0
  if (a >= 10) return 1
  if (a >= 1) return 2
  if (a === 0) return 0
  return Math.min(6, 2 - Math.floor(Math.log10(a)))
}

// formatAmount(12345.6, 'kWh') → "12,346 kWh"; no value → "—". Units as the API spells them ("Nm3", "10^4 Nm3").
export function formatAmount(value, unit, locale = 'zh-CN') {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return '—'
  const digits = amountDigits(value)
  if (unit === 'tCO2') return `${formatNumber(value, locale, { maxDigits: digits })} tCO₂`
  return formatQuantity(value, unit, locale, { maxDigits: digits })
}

export function unitText(unit, locale = 'zh-CN') {
  return unit === 'tCO2' ? 'tCO₂' : unitSymbol(unit, locale) || unit || ''
}

// A change in per cent as a person reads it: "+3.2%", "−12%", "±0%"; none → "".
export function formatChange(pct, locale = 'zh-CN') {
  if (pct === null || pct === undefined || !Number.isFinite(Number(pct))) return ''
  const v = Number(pct)
  const digits = Math.abs(v) >= 10 ? 0 : 1
  const shown = formatNumber(Math.abs(v), locale, { maxDigits: digits })
  if (shown === '0') return '±0%'
  return `${v > 0 ? '+' : '−'}${shown}%`
}

// 'up', 'down' or 'flat' (within half a per cent), or '' for no comparison: for the arrow and the colour. For
// energy and emissions a rise is the bad direction.
export function changeDirection(pct) {
  if (pct === null || pct === undefined || !Number.isFinite(Number(pct))) return ''
  const v = Number(pct)
  if (Math.abs(v) < 0.5) return 'flat'
  return v > 0 ? 'up' : 'down'
}

// The page title's message key per role.
export function homeTitleKey(role) {
  switch (role) {
    case 'park_admin':
    case 'park_staff':
    case 'viewer':
      return 'home.title.park'
    case 'enterprise_user':
      return 'home.title.enterprise'
    case 'technician':
      return 'home.title.technician'
    case 'driver':
      return 'home.title.driver'
    case 'integrator':
      return 'home.title.integrator'
    default:
      return 'home.title.park'
  }
}

// Severities in the order a person should read them.
export const SEVERITY_ORDER = ['critical', 'warning', 'info']

// The badge class of an outlet's or a check's state.
export function stateBadge(state) {
  switch (state) {
    case 'over':
    case 'overdue':
      return 'badge-danger'
    case 'near':
    case 'due_today':
    case 'stale':
      return 'badge-warn'
    case 'ok':
      return 'badge-ok'
    default:
      return ''
  }
}

// ratio (value / limit) as the width of a bar, capped so that an excursion still fits: 0..100 %.
export function limitBarWidth(ratio) {
  if (ratio === null || ratio === undefined || !Number.isFinite(Number(ratio))) return 0
  return Math.max(0, Math.min(100, Number(ratio) * 100 / 1.5))
}
