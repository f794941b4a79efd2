// Carbon pages: the inventory's figures, their units as people read them, activity items and units, the
// monthly and MACC charts, and the small helpers for imports, exports and server error fields.
import { PALETTE } from './charts.js'

// The headline figures of an inventory, in the order the page shows them.
export const HEADLINE = [
  'scope1_t_co2',
  'scope2_location_t_co2',
  'scope2_market_t_co2',
  'total_t_co2',
  'energy_tce_equivalent',
  'energy_tce_equal_value',
  'intensity_t_co2_per_10k_yuan_output',
  'intensity_t_co2_per_10k_yuan_added_value',
]

export const POLLUTANTS = ['cod', 'nh3n', 'tn', 'tp', 'so2', 'nox', 'pm', 'vocs']

// Other figures of the inventory worth a second look (each explains itself too).
export const DETAIL = [
  'combustion_t_co2',
  'process_t_co2',
  'co2_recovered_t_co2',
  'total_market_t_co2',
  'electricity_mwh',
  'green_electricity_mwh',
  'heat_gj',
  'water_t',
  'output_value_10k_yuan',
  'added_value_10k_yuan',
  'energy_intensity_tce_per_10k_yuan_output',
  'energy_intensity_tce_per_10k_yuan_added_value',
]

// Activity items the server knows (issue 3), grouped for the entry form, with the units it converts.
const MASS = ['t', 'kg', '10^4 t']
const ELECTRICITY = ['MWh', 'kWh', '10^4 kWh', 'GWh']
const MONEY = ['10^4 yuan', 'yuan', '10^8 yuan']
export const ITEM_UNITS = {
  raw_coal: MASS,
  washed_coal: MASS,
  coke: MASS,
  anthracite: MASS,
  bituminous_coal: MASS,
  sub_bituminous_coal: MASS,
  crude_oil: MASS,
  fuel_oil: MASS,
  gasoline: MASS,
  kerosene: MASS,
  diesel: MASS,
  lpg: MASS,
  natural_gas: ['10^4 Nm3', 'Nm3', '10^4 m3', 'm3', '10^8 m3'],
  electricity: ELECTRICITY,
  green_electricity: ELECTRICITY,
  heat: ['GJ', 'MJ', 'TJ', 'Gcal'],
  process_co2: MASS,
  co2_recovered: MASS,
  output_value: MONEY,
  added_value: MONEY,
  water: ['t', 'm3', '10^4 t', '10^4 m3'],
  cod: MASS,
  nh3n: MASS,
  tn: MASS,
  tp: MASS,
  so2: MASS,
  nox: MASS,
  pm: MASS,
  vocs: MASS,
}
export const ITEMS = Object.keys(ITEM_UNITS)
// Fuels, the only items burnt or used as feedstock (carbon::IsFuel): only they have a 用途 (use) to ask for.
export const FUEL_ITEMS = ITEMS.slice(0, ITEMS.indexOf('natural_gas') + 1)
export const hasUse = (item) => FUEL_ITEMS.includes(item)

export const TEMPLATE_HEADER = 'enterprise_code,period,item,amount,unit,use,note'

// The import template with example rows for the enterprise (its credit code) and month given. Each row ends
// in a note: the server's XLSX reader drops trailing empty cells and then counts the row short.
export function templateCsv(creditCode = '', period = '') {
  const code = creditCode || '91330000XXXXXXXXXX'
  const month = period || '2025-01'
  return [
    TEMPLATE_HEADER,
    `${code},${month},electricity,3300,MWh,fuel,example`,
    `${code},${month},natural_gas,13.09,10^4 Nm3,fuel,example`,
    `${code},${month},output_value,5600,10^4 yuan,,example`,
    '',
  ].join('\r\n')
}

// The template as rows of cells, for the XLSX template (numbers stay numbers).
export function templateRows(creditCode = '', period = '') {
  return templateCsv(creditCode, period)
    .split('\r\n')
    .filter(Boolean)
    .map((line, i) => line.split(',').map((v) => (i > 0 && v !== '' && Number.isFinite(Number(v)) ? Number(v) : v)))
}

// carbonUnit('tCO2/10^4 yuan', 'zh-CN') → 'tCO₂/万元'. The API writes units in ASCII.
export function carbonUnit(unit, locale = 'zh-CN') {
  if (!unit || unit === '1') return ''
  let s = String(unit)
  s = s.replace(/10\^4 yuan/g, locale === 'en' ? '10⁴ yuan' : '万元')
  s = s.replace(/10\^4 /g, '10⁴ ').replace(/10\^8 /g, '10⁸ ')
  s = s.replace(/CO2e/g, 'CO₂e').replace(/CO2(?!e)/g, 'CO₂')
  s = s.replace(/m3/g, 'm³')
  return s
}

// Numbers in the inventory span tonnes in the tens of thousands and intensities in the millionths.
export function formatFigure(value, locale = 'zh-CN') {
  if (value === null || value === undefined || value === '') return '—'
  const n = Number(value)
  if (!Number.isFinite(n)) return '—'
  const a = Math.abs(n)
  const loc = locale === 'en' ? 'en-US' : 'zh-CN'
  if (a !== 0 && a < 0.01) return new Intl.NumberFormat(loc, { maximumSignificantDigits: 3 }).format(n)
  const digits = a >= 1000 ? 1 : a >= 1 ? 2 : 3
  return new Intl.NumberFormat(loc, { maximumFractionDigits: digits }).format(n)
}

// Factors and input amounts are shown as recorded (up to 6 decimals), since people check them against sources.
export function formatExact(value, locale = 'zh-CN') {
  if (value === null || value === undefined || value === '') return '—'
  const n = Number(value)
  if (!Number.isFinite(n)) return '—'
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 6 }).format(n)
}

export function formatWithUnit(value, unit, locale = 'zh-CN') {
  const num = formatFigure(value, locale)
  const u = carbonUnit(unit, locale)
  return num === '—' || !u ? num : `${num} ${u}`
}

// A year-on-year change as "−12.5 %"; null when there was nothing the year before.
export function formatPct(pct, locale = 'zh-CN') {
  if (pct === null || pct === undefined || !Number.isFinite(Number(pct))) return '—'
  const n = Math.round(Number(pct) * 10) / 10
  const text = new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 1 }).format(Math.abs(n))
  const sign = n > 0 ? '+' : n < 0 ? '−' : ''
  return `${sign}${text}%`
}

export function changePct(current, previous) {
  if (current === null || current === undefined || previous === null || previous === undefined) return null
  const c = Number(current)
  const p = Number(previous)
  if (!Number.isFinite(c) || !Number.isFinite(p) || p === 0) return null
  return ((c - p) / Math.abs(p)) * 100
}

// rowFieldOf('rows[2].amount') → { row: 2, field: 'amount' }: where the server put an entry error.
export function rowFieldOf(field) {
  const m = /^rows\[(\d+)\]\.(\w+)$/.exec(String(field || ''))
  return m ? { row: Number(m[1]), field: m[2] } : null
}

export function periodsOf(year) {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`)
}

// The years the demo holds, newest first, plus the current one.
export function yearOptions(now = new Date()) {
  const y = now.getUTCFullYear()
  const out = []
  for (let i = y; i >= 2020; i--) out.push(i)
  return out
}

// Until the server has said which year has data (GET /carbon/years), last year is the best guess.
export function defaultYear(now = new Date()) {
  return now.getFullYear() - 1
}

// The year carbon pages open on, asked once per signed-in user: the latest year someone reported in full, else
// the latest with any data; null when there is none or the answer failed (the page then uses defaultYear()).
const yearAnswers = new Map()
export function reportingYear(client, user) {
  const key = user ? `${user.id}` : ''
  if (!yearAnswers.has(key)) {
    yearAnswers.set(
      key,
      client.get('/carbon/years').then(
        (r) => r.default_year || null,
        () => {
          yearAnswers.delete(key)
          return null
        },
      ),
    )
  }
  return yearAnswers.get(key)
}

export function monthlyOption(months, metrics, { names = {}, unit = '' } = {}) {
  const labels = (months || []).map((m) => String(m.period || '').slice(5))
  return {
    color: PALETTE,
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', name: unit },
    series: metrics.map((k) => ({
      name: names[k] || k,
      type: 'bar',
      stack: 'total',
      data: (months || []).map((m) => (m[k] === null || m[k] === undefined ? null : Math.round(m[k] * 10) / 10)),
    })),
  }
}

// The marginal abatement cost curve: each project a bar as wide as its abatement and as high as its cost
// per tonne, cheapest first, side by side along the cumulative abatement.
export function maccBars(steps) {
  const sorted = [...(steps || [])].sort((a, b) => a.cost_yuan_per_t_co2 - b.cost_yuan_per_t_co2)
  let x = 0
  return sorted.map((s) => {
    const w = Number(s.abatement_t_co2_per_yr) || 0
    const bar = { id: s.id, name: s.name, x0: x, x1: x + w, cost: Number(s.cost_yuan_per_t_co2) || 0, abatement: w }
    x += w
    return bar
  })
}

// maccRange keeps the cost axis readable when one project is far cheaper (or dearer) than the rest: the axis
// stops a little beyond the second-largest cost and the bar that runs past it is drawn cut, with its value.
export function maccRange(costs) {
  const vals = (costs || []).filter((c) => Number.isFinite(c))
  if (!vals.length) return { min: 0, max: 1 }
  const min = Math.min(0, ...vals)
  const max = Math.max(0, ...vals)
  const mags = vals.map(Math.abs).sort((a, b) => b - a)
  if (mags.length < 3 || mags[0] <= 3 * mags[1]) return { min, max }
  const ref = niceCeil(mags[1] * 1.2)
  return { min: Math.max(min, -ref), max: Math.min(niceCeil(max), ref) }
}

// niceCeil(896.2) → 900: an axis end people can read.
function niceCeil(x) {
  if (x <= 0) return 0
  const step = 10 ** Math.floor(Math.log10(x))
  return Math.ceil(x / step) * step
}

export function maccOption(steps, { xName = '', yName = '', dark = false, locale = 'zh-CN' } = {}) {
  const bars = maccBars(steps)
  const text = dark ? '#cfe3ff' : '#29374a'
  const range = maccRange(bars.map((b) => b.cost))
  const cut = (c) => Math.min(range.max, Math.max(range.min, c))
  return {
    aria: { enabled: true },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const b = bars[p.dataIndex]
        // The axis names say the quantity and its unit in the page's language.
        return b ? `${b.name}<br/>${xName}: ${formatFigure(b.abatement, locale)}<br/>${yName}: ${formatFigure(b.cost, locale)}` : ''
      },
    },
    grid: { left: 8, right: 24, top: 40, bottom: 36, containLabel: true },
    xAxis: {
      type: 'value',
      name: xName,
      nameLocation: 'middle',
      nameGap: 28,
      min: 0,
      max: bars.length ? bars[bars.length - 1].x1 : 1,
      axisLabel: { color: text, formatter: (v) => formatFigure(v, locale) },
    },
    yAxis: {
      type: 'value',
      name: yName,
      min: range.min,
      max: range.max,
      axisLabel: { color: text, formatter: (v) => formatFigure(v, locale) },
    },
    series: [
      {
        type: 'custom',
        renderItem: (params, api) => {
          const i = params.dataIndex
          const b = bars[i]
          const start = api.coord([b.x0, 0])
          const end = api.coord([b.x1, cut(b.cost)])
          const children = [
            {
              type: 'rect',
              shape: { x: start[0], y: Math.min(start[1], end[1]), width: Math.max(1, end[0] - start[0] - 1), height: Math.abs(end[1] - start[1]) },
              style: { fill: PALETTE[i % PALETTE.length], stroke: '#fff' },
            },
          ]
          // Each bar says which project it is, cut to its width (the tooltip and the table below give the rest).
          const width = end[0] - start[0] - 1
          if (width >= 28) {
            const above = b.cost >= 0
            children.push({
              type: 'text',
              style: {
                text: b.name,
                x: start[0] + 2,
                y: above ? Math.min(start[1], end[1]) - 15 : Math.max(start[1], end[1]) + 3,
                width: width - 4,
                overflow: 'truncate',
                fill: text,
                fontSize: 11,
              },
            })
          }
          if (cut(b.cost) !== b.cost) {
            children.push({
              type: 'text',
              style: { text: `${formatFigure(b.cost, locale)} ✂`, x: start[0] + 4, y: end[1] + (b.cost < 0 ? -16 : 4), fill: text, fontSize: 12 },
            })
          }
          return { type: 'group', children }
        },
        encode: { x: [0, 1], y: 2 },
        data: bars.map((b) => [b.x0, b.x1, cut(b.cost)]),
      },
    ],
  }
}

// saveBlob hands a downloaded file to the browser under its name.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

// Ratings to act on first: D, then C, B, A; within a class the lowest score first; then by name.
const CLASS_ORDER = { D: 0, C: 1, B: 2, A: 3 }
export function sortRatings(items) {
  const rank = (c) => (c in CLASS_ORDER ? CLASS_ORDER[c] : 4)
  return [...(items || [])].sort(
    (a, b) => rank(a.class) - rank(b.class) || (a.score ?? Infinity) - (b.score ?? Infinity) || String(a.name).localeCompare(String(b.name)),
  )
}
