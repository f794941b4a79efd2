// The energy page's logic (GET /api/v1/energy/account): the period asked for, the rows of the carrier table, the
// comparisons as a person reads them, and the charts' options. Pure functions, tested in energy.test.js.
import { PALETTE } from './charts.js'
import { PARK_TIME_ZONE } from './format.js'
import { formatAmount, formatChange } from './home.js'

// 'YYYY-MM' of the park's local month now.
export function currentMonth(now = new Date(), timeZone = PARK_TIME_ZONE) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now)
  const y = parts.find((p) => p.type === 'year').value
  const m = parts.find((p) => p.type === 'month').value
  return `${y}-${m}`
}

// A period from the page's query: 'YYYY-MM' or 'YYYY', else this month.
export function periodOf(query, now = new Date()) {
  const p = String((query && query.period) || '')
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(p) || /^\d{4}$/.test(p)) return p
  return currentMonth(now)
}

export function isYear(period) {
  return /^\d{4}$/.test(String(period))
}

// The month before, or the year before.
export function shiftPeriod(period, by) {
  if (isYear(period)) return String(Number(period) + by)
  const [y, m] = period.split('-').map(Number)
  const total = y * 12 + (m - 1) + by
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`
}

// The page speaks of the park only to park staff; an enterprise user reads about its own enterprise.
export function scopeTitle(data, t) {
  if (!data || !data.scope) return t('text.energy.ui.title')
  if (data.scope.kind === 'enterprise') return t('text.energy.ui.titleEnterprise', { name: data.scope.enterprise_name || '' })
  return t('text.energy.ui.titlePark')
}

// 'up', 'down', 'flat', or '' when there is nothing to compare with.
export function direction(cmp) {
  if (!cmp || cmp.change_pct === null || cmp.change_pct === undefined) return ''
  if (Math.abs(cmp.change_pct) < 0.5) return 'flat'
  return cmp.change_pct > 0 ? 'up' : 'down'
}

// A comparison cell: "+12%" with the server's sentence as the title; "no data" comparisons say so.
export function compareCell(cmp, locale, tx) {
  if (!cmp) return { short: '', long: '', dir: '' }
  const long = tx(cmp.text)
  const short = formatChange(cmp.change_pct, locale)
  return { short: short || long, long, dir: direction(cmp) }
}

// The carrier table: one row per carrier with its amount in its own unit. Never a sum across units.
export function carrierRows(data, locale = 'zh-CN') {
  return ((data && data.carriers) || []).map((c) => ({
    carrier: c.carrier,
    unit: c.unit,
    amount: formatAmount(c.amount, c.unit, locale),
    tce: c.tce === null || c.tce === undefined ? null : c.tce,
    tceText: formatAmount(c.tce, 'tce', locale),
    cost: c.cost_yuan,
    costText: c.cost_yuan === null || c.cost_yuan === undefined ? null : formatAmount(c.cost_yuan, 'yuan', locale),
    isEnergy: c.is_energy,
    meters: c.meters,
    metersWithData: c.meters_with_data,
    raw: c,
  }))
}

// Shares of the total tce by carrier (energy carriers with data only).
export function tceShares(data) {
  const total = data && data.total && data.total.tce
  return ((data && data.carriers) || [])
    .filter((c) => c.is_energy && c.tce !== null && c.tce !== undefined)
    .map((c) => ({ carrier: c.carrier, tce: c.tce, pct: total ? (c.tce / total) * 100 : null }))
}

const round = (v, digits = 2) => (v === null || v === undefined ? null : Math.round(v * 10 ** digits) / 10 ** digits)

// tce per day (a month) or per month (a year) as bars; labels shortened to the day or the month.
export function trendOption(data, { name = 'tce', locale = 'zh-CN' } = {}) {
  const labels = ((data && data.trend && data.trend.labels) || []).map((l) => (isYear(data.period) ? l.slice(5) : l.slice(8)))
  const values = ((data && data.trend && data.trend.tce) || []).map((v) => round(v, 3))
  return {
    color: PALETTE,
    aria: { enabled: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : formatAmount(v, 'tce', locale)) },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name, nameTextStyle: { align: 'left' } },
    series: [{ name, type: 'bar', data: values, barMaxWidth: 18 }],
  }
}

// The tce by carrier, named in the page's language, with the share in the labels.
export function carrierPieOption(shares, names) {
  return {
    color: PALETTE,
    aria: { enabled: true },
    tooltip: { trigger: 'item', formatter: '{b}: {c} tce ({d}%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        type: 'pie',
        radius: ['38%', '64%'],
        center: ['50%', '44%'],
        data: shares.map((s) => ({ name: names[s.carrier] || s.carrier, value: round(s.tce, 3) })),
        label: { show: true, formatter: '{b}\n{d}%', fontSize: 12 },
      },
    ],
  }
}

// The largest enterprises by tce, names whole where there is room (the axis wraps them rather than clipping).
export function rankingOption(enterprises, { limit = 10, name = 'tce' } = {}) {
  const rows = (enterprises || []).filter((e) => e.tce !== null && e.tce !== undefined && e.tce > 0).slice(0, limit)
  return {
    color: PALETTE,
    aria: { enabled: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 48, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((e) => e.enterprise_name),
      axisLabel: { width: 180, overflow: 'break', fontSize: 12 },
    },
    series: [{ type: 'bar', data: rows.map((e) => round(e.tce, 2)), barMaxWidth: 20, label: { show: true, position: 'right' } }],
  }
}
