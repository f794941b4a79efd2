// The dispatch pages' logic (issue 14): a plan as the charts draw it (the stacked balance per step with the
// tariff bands behind it and the state of charge on a second axis), the day's energy flows for the Sankey, the
// tariff's bands as a 24-hour strip, and the figures people compare. Pure functions, tested in dispatch.test.js.
import { PARK_TIME_ZONE } from '../../lib/format.js'

// Bands from dearest to cheapest, each with the colour it has on every chart and strip.
export const BANDS = ['critical_peak', 'peak', 'flat', 'valley', 'deep_valley']
export const BAND_COLORS = {
  critical_peak: '#c8553d',
  peak: '#e9a23b',
  flat: '#8fb3d9',
  valley: '#2a9d8f',
  deep_valley: '#1b6e63',
}
// The balance's series: supply above the axis, use below it (drawn negative), each with its colour.
export const SUPPLY = ['pv', 'wind', 'discharge', 'import_mw']
export const USE = ['load', 'charge', 'export_mw']
export const SERIES_COLORS = {
  pv: '#f2c14e',
  wind: '#5fa8d3',
  discharge: '#6a4c93',
  import_mw: '#5f6c7b',
  load: '#0b5cad',
  charge: '#9b72cf',
  export_mw: '#8ac926',
  curtailment: '#c8553d',
  soc: '#2ee59d',
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const round = (v, digits = 3) => {
  const f = 10 ** digits
  return Math.round(v * f) / f
}

// One step as the library names it (load, pv, wind, charge, discharge, soc_mwh, import_mw, export_mw,
// curtailment, flexible), whatever spelling of import/export the answer used.
export function normaliseStep(s) {
  return {
    load: num(s.load ?? s.load_mw),
    pv: num(s.pv ?? s.pv_mw),
    wind: num(s.wind ?? s.wind_mw),
    charge: num(s.charge ?? s.charge_mw),
    discharge: num(s.discharge ?? s.discharge_mw),
    soc_mwh: num(s.soc_mwh),
    soc: typeof s.soc === 'number' && Number.isFinite(s.soc) ? s.soc : null,
    import_mw: num(s.import_mw ?? s.import),
    export_mw: num(s.export_mw ?? s.export),
    curtailment: num(s.curtailment ?? s.curtailment_mw),
    flexible: num(s.flexible ?? s.flexible_mw),
  }
}

// 'HH:MM' in the park's time zone at epoch milliseconds, or at minutes after the local midnight.
export function clockAt(ms) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: PARK_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms))
}
export function clockOfMinute(minute) {
  const m = ((Math.round(minute) % 1440) + 1440) % 1440
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

// Hours per step: the plan's `step_minutes` (15 for a day plan), else `step_hours`, else a quarter hour.
export function stepHours(plan) {
  if (num(plan.step_minutes) > 0) return plan.step_minutes / 60
  return num(plan.step_hours) || 0.25
}

// The start of each step as a clock label, plus one more for the end of the last step (band areas end there).
// The plan gives its first step as epoch ms (`start_at`, or the first step's `at`) or as minutes after the
// local midnight (`start_minute`).
export function stepLabels(plan, count) {
  const stepH = stepHours(plan)
  const n = count ?? (plan.steps || []).length
  const first = (plan.steps || [])[0]
  const start = typeof plan.start_at === 'number' ? plan.start_at : first && typeof first.at === 'number' ? first.at : null
  const out = []
  for (let i = 0; i <= n; i++) {
    if (start !== null) out.push(clockAt(start + i * stepH * 3600000))
    else out.push(clockOfMinute(num(plan.start_minute) + i * stepH * 60))
  }
  return out
}

// Runs of equal bands: [{band, from, to}] with `to` exclusive, in step indices.
export function bandRuns(bands) {
  const out = []
  for (let i = 0; i < (bands || []).length; i++) {
    const b = bands[i]
    if (out.length && out[out.length - 1].band === b) out[out.length - 1].to = i + 1
    else out.push({ band: b, from: i, to: i + 1 })
  }
  return out
}

// The tariff bands as ECharts markArea data on a category axis of steps: each run from its first step to the
// step after its last one (the axis has one category more than the plan has steps, for the end of the day),
// given as category indices (labels repeat when a plan wraps past midnight), translucent in the band's colour and
// named in the page's language.
export function bandAreas(bands, labels, bandName = (b) => b, { dark = false } = {}) {
  const last = Math.max(0, labels.length - 1)
  return bandRuns(bands).map((r) => [
    {
      name: bandName(r.band),
      xAxis: r.from,
      itemStyle: { color: rgba(BAND_COLORS[r.band] || '#999999', dark ? 0.2 : 0.14) },
      label: { color: dark ? '#cfe3ff' : '#55606e', fontSize: dark ? 13 : 11, position: 'insideTop' },
    },
    { xAxis: Math.min(r.to, last) },
  ])
}

// '#rrggbb' with an alpha, as ECharts draws it on a transparent canvas.
export function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`
}

// The plan chart: supply stacked above the axis (PV, wind, discharge, import), use below it (load, charge,
// export), curtailment as a dashed line, the state of charge in % on the right axis, the bands behind.
// `names`: series key -> label; `bandName`: band -> label; `axis`: {power, soc}.
export function planOption(plan, { names = {}, bandName, axis = {}, dark = false } = {}) {
  const steps = (plan.steps || []).map(normaliseStep)
  const labels = stepLabels(plan, steps.length)
  // Each step's band (the plan's `bands` list describes runs for other readers).
  const bands = (plan.steps || []).map((s) => s.band)
  const energy = num(plan.battery && plan.battery.energy_mwh)
  const socInPct = energy > 0 || steps.some((s) => s.soc !== null)
  const text = dark ? '#cfe3ff' : '#29374a'
  const grid = dark ? 'rgba(120,170,230,0.15)' : '#e6e9ee'
  const series = []
  for (const key of SUPPLY) {
    series.push({
      name: names[key] || key,
      type: 'bar',
      stack: 'supply',
      barCategoryGap: '8%',
      data: steps.map((s) => round(s[key])),
      itemStyle: { color: SERIES_COLORS[key] },
    })
  }
  for (const key of USE) {
    series.push({
      name: names[key] || key,
      type: 'bar',
      stack: 'use',
      barCategoryGap: '8%',
      data: steps.map((s) => round(-s[key])),
      itemStyle: { color: SERIES_COLORS[key] },
    })
  }
  if (steps.some((s) => s.curtailment > 1e-6)) {
    series.push({
      name: names.curtailment || 'curtailment',
      type: 'line',
      step: 'middle',
      symbol: 'none',
      data: steps.map((s) => round(s.curtailment)),
      lineStyle: { type: 'dashed', color: SERIES_COLORS.curtailment },
      itemStyle: { color: SERIES_COLORS.curtailment },
    })
  }
  series.push({
    name: names.soc || 'soc',
    type: 'line',
    yAxisIndex: 1,
    symbol: 'none',
    smooth: false,
    data: steps.map((s) => (s.soc !== null ? round(100 * s.soc, 1) : energy > 0 ? round((100 * s.soc_mwh) / energy, 1) : round(s.soc_mwh))),
    lineStyle: { width: 3, color: dark ? SERIES_COLORS.soc : '#1b6e63' },
    itemStyle: { color: dark ? SERIES_COLORS.soc : '#1b6e63' },
  })
  // The bands ride on the first series, so they are drawn once, behind the bars.
  if (bands.some(Boolean)) series[0].markArea = { silent: true, data: bandAreas(bands, labels, bandName, { dark }) }
  const valueAxis = (name, extra = {}) => ({
    type: 'value',
    name,
    nameTextStyle: { color: text },
    axisLabel: { color: text, fontSize: dark ? 14 : 12 },
    splitLine: { lineStyle: { color: grid } },
    ...extra,
  })
  return {
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, type: 'scroll', textStyle: { color: text, fontSize: dark ? 15 : 12 } },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: labels.slice(0, steps.length + 1),
      axisLabel: { color: text, fontSize: dark ? 13 : 11, interval: Math.max(0, Math.round(steps.length / 12) - 1) },
      axisLine: { lineStyle: { color: grid } },
    },
    yAxis: [
      valueAxis(axis.power || 'MW'),
      valueAxis(axis.soc || (socInPct ? '%' : 'MWh'), { min: 0, max: socInPct ? 100 : undefined, splitLine: { show: false } }),
    ],
    series,
  }
}

// Energy of the day (MWh) per flow, allocated step by step in merit order: renewables serve the load first,
// then charge the battery, then are exported; the battery serves the load, then exports; the grid serves what
// load is left, then charges. Curtailed renewables and the battery's losses are flows of their own.
// Battery losses = charged − discharged − (stored at the end − stored at the start).
export function energyFlows(plan) {
  const stepH = stepHours(plan)
  const steps = (plan.steps || []).map(normaliseStep)
  const f = {
    pv_load: 0, pv_battery: 0, pv_export: 0, pv_curtailed: 0,
    wind_load: 0, wind_battery: 0, wind_export: 0, wind_curtailed: 0,
    grid_load: 0, grid_battery: 0,
    battery_load: 0, battery_export: 0, battery_losses: 0,
    storage_battery: 0, battery_storage: 0,
  }
  let charged = 0
  let discharged = 0
  for (const s of steps) {
    let load = s.load
    let charge = s.charge
    let exp = s.export_mw
    let ren = s.pv + s.wind
    const pvShare = ren > 0 ? s.pv / ren : 0
    let dis = s.discharge
    let grid = s.import_mw
    const take = (avail, need) => Math.max(0, Math.min(avail, need))
    const renLoad = take(ren, load)
    load -= renLoad
    ren -= renLoad
    const disLoad = take(dis, load)
    load -= disLoad
    dis -= disLoad
    const gridLoad = take(grid, load)
    load -= gridLoad
    grid -= gridLoad
    const renCharge = take(ren, charge)
    charge -= renCharge
    ren -= renCharge
    const gridCharge = take(grid, charge)
    charge -= gridCharge
    grid -= gridCharge
    const renExport = take(ren, exp)
    exp -= renExport
    ren -= renExport
    const disExport = take(dis, exp)
    exp -= disExport
    f.pv_load += renLoad * pvShare * stepH
    f.wind_load += renLoad * (1 - pvShare) * stepH
    f.pv_battery += renCharge * pvShare * stepH
    f.wind_battery += renCharge * (1 - pvShare) * stepH
    f.pv_export += renExport * pvShare * stepH
    f.wind_export += renExport * (1 - pvShare) * stepH
    const curtailed = s.curtailment
    // Curtailment per source is not in the plan: shared as the available renewables are.
    f.pv_curtailed += curtailed * pvShare * stepH
    f.wind_curtailed += curtailed * (1 - pvShare) * stepH
    f.grid_load += gridLoad * stepH
    f.grid_battery += gridCharge * stepH
    f.battery_load += disLoad * stepH
    f.battery_export += disExport * stepH
    charged += s.charge * stepH
    discharged += s.discharge * stepH
  }
  const socStart = initialSoc(plan, steps)
  const socEnd = steps.length ? steps[steps.length - 1].soc_mwh : socStart
  const stored = socEnd - socStart
  f.battery_losses = Math.max(0, charged - discharged - stored)
  if (stored > 0) f.battery_storage = stored
  else f.storage_battery = -stored
  for (const k of Object.keys(f)) f[k] = round(f[k], 4)
  return f
}

// The energy in the battery before the first step: given by the plan, else worked back from the first step.
export function initialSoc(plan, steps = (plan.steps || []).map(normaliseStep)) {
  const b = plan.battery || {}
  const initial = typeof plan.soc_initial === 'number' ? plan.soc_initial : b.soc_initial
  if (typeof initial === 'number' && typeof b.energy_mwh === 'number') return initial * b.energy_mwh
  if (!steps.length) return 0
  const stepH = stepHours(plan)
  const ec = num(b.charge_efficiency) || 1
  const ed = num(b.discharge_efficiency) || 1
  return steps[0].soc_mwh - (steps[0].charge * ec - steps[0].discharge / ed) * stepH
}

// The Sankey's nodes and links from the flows: only flows above `minMwh`, only nodes that carry one.
// `names`: node key -> label (pv, wind, grid, battery, storage, load, export, curtailed, losses).
export function sankeyData(flows, names = {}, minMwh = 1e-3) {
  const links = []
  const add = (source, target, value) => {
    if (value > minMwh) links.push({ source: names[source] || source, target: names[target] || target, value: round(value, 3) })
  }
  add('pv', 'load', flows.pv_load)
  add('pv', 'battery', flows.pv_battery)
  add('pv', 'export', flows.pv_export)
  add('pv', 'curtailed', flows.pv_curtailed)
  add('wind', 'load', flows.wind_load)
  add('wind', 'battery', flows.wind_battery)
  add('wind', 'export', flows.wind_export)
  add('wind', 'curtailed', flows.wind_curtailed)
  add('grid', 'load', flows.grid_load)
  add('grid', 'battery', flows.grid_battery)
  add('storage', 'battery', flows.storage_battery)
  add('battery', 'load', flows.battery_load)
  add('battery', 'export', flows.battery_export)
  add('battery', 'losses', flows.battery_losses)
  add('battery', 'stored', flows.battery_storage)
  const used = new Set(links.flatMap((l) => [l.source, l.target]))
  const order = ['pv', 'wind', 'grid', 'storage', 'battery', 'load', 'export', 'curtailed', 'losses', 'stored']
  const nodes = order.filter((k) => used.has(names[k] || k)).map((k) => ({ name: names[k] || k, itemStyle: { color: NODE_COLORS[k] } }))
  return { nodes, links }
}
const NODE_COLORS = {
  pv: SERIES_COLORS.pv,
  wind: SERIES_COLORS.wind,
  grid: SERIES_COLORS.import_mw,
  storage: '#9b72cf',
  battery: SERIES_COLORS.discharge,
  load: SERIES_COLORS.load,
  export: SERIES_COLORS.export_mw,
  curtailed: SERIES_COLORS.curtailment,
  losses: '#b0b7c3',
  stored: '#9b72cf',
}

export function sankeyOption(data, { unit = 'MWh', dark = false } = {}) {
  const text = dark ? '#cfe3ff' : '#29374a'
  return {
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'item', valueFormatter: (v) => `${round(v, 2)} ${unit}` },
    series: [
      {
        type: 'sankey',
        data: data.nodes,
        links: data.links,
        left: 8,
        right: 110,
        top: 8,
        bottom: 8,
        nodeGap: 14,
        emphasis: { focus: 'adjacency' },
        label: { color: text, fontSize: dark ? 15 : 12 },
        lineStyle: { color: 'gradient', opacity: 0.45, curveness: 0.5 },
      },
    ],
  }
}

// An hour range of a tariff band: "08-11" or {from, to}; to <= from wraps past midnight.
export function parseHourRange(r) {
  if (r && typeof r === 'object') return { from: num(r.from), to: num(r.to) }
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(String(r || '').trim())
  return m ? { from: Number(m[1]), to: Number(m[2]) } : null
}
export function hoursOf(range) {
  const out = []
  if (!range) return out
  let h = range.from % 24
  do {
    out.push(h)
    h = (h + 1) % 24
  } while (h !== range.to % 24)
  return out
}
// A band's hours as a list of ranges, from an array of {from,to} / "08-11" strings or one "08-11;13-15" string.
export function bandRanges(hours) {
  const list = Array.isArray(hours) ? hours : String(hours || '').split(';')
  return list.map(parseHourRange).filter(Boolean)
}

// The 24 hours of a tariff, each {hour, band, price}. A band with no hours listed takes the hours no other band
// has (the CSV's way of writing "flat: the rest of the day"), if the tariff leaves any.
export function tariffStrip(tariff) {
  const out = Array.from({ length: 24 }, (_, hour) => ({ hour, band: null, price: null }))
  const bands = (tariff && tariff.bands) || []
  const rest = []
  for (const b of bands) {
    const ranges = bandRanges(b.hours)
    if (!ranges.length) {
      rest.push(b)
      continue
    }
    for (const r of ranges) for (const h of hoursOf(r)) out[h] = { hour: h, band: b.band, price: b.price_yuan_per_kwh }
  }
  const free = out.filter((c) => c.band === null)
  if (free.length && rest.length === 1) for (const c of free) Object.assign(c, { band: rest[0].band, price: rest[0].price_yuan_per_kwh })
  return out
}

// The tariff form as the API's body: bands with hours typed as "08-11;13-15" become [{from, to}] ranges; a band
// with neither hours nor price is left out. `rows` says which form row each sent band came from (the server names
// bands[i] by the body's order); `bad` lists the hour pieces that are not ranges, as {row, value}.
export function tariffBody(form) {
  const bands = []
  const rows = []
  const bad = []
  const blank = (v) => v === '' || v === null || v === undefined
  ;(form.bands || []).forEach((b, row) => {
    const hours = String(b.hours || '').trim()
    if (!hours && blank(b.price)) return
    const ranges = []
    for (const piece of hours.split(/[;,，；]/).map((x) => x.trim()).filter(Boolean)) {
      const r = parseHourRange(piece)
      if (r && r.from >= 0 && r.from <= 24 && r.to >= 0 && r.to <= 24) ranges.push(r)
      else bad.push({ row, value: piece })
    }
    rows.push(row)
    bands.push({ band: b.band, hours: ranges, price_yuan_per_kwh: blank(b.price) ? null : Number(b.price) })
  })
  const months = String(form.months || '')
    .split(/[;,，；\s]+/)
    .filter(Boolean)
    .map(Number)
  const body = {
    province: String(form.province || '').trim(),
    category: String(form.category || '').trim(),
    voltage_class: String(form.voltage_class || '').trim(),
    months,
    effective_from: form.effective_from || '',
    bands,
    demand_charge_yuan_per_kw_month: blank(form.demand_charge_yuan_per_kw_month) ? 0 : Number(form.demand_charge_yuan_per_kw_month),
    export_price_yuan_per_kwh: blank(form.export_price_yuan_per_kwh) ? 0 : Number(form.export_price_yuan_per_kwh),
  }
  if (form.source) body.source = String(form.source).trim()
  return { body, rows, bad }
}

// Savings rows: the plan against each baseline (the plan's `comparisons`), with the difference and its share of
// the baseline's cost, and each side's costs, emissions, peak import and self-consumption as the inputs.
export function savingsRows(plan) {
  const cmp = plan && plan.comparisons
  if (!cmp) return []
  const planCost = num(plan.costs ? plan.costs.total_yuan : plan.total_yuan)
  const rows = []
  for (const key of ['rule_based', 'no_battery']) {
    const b = cmp[key]
    if (!b) continue
    const base = num(b.costs && b.costs.total_yuan)
    const given = cmp[`saving_vs_${key}_yuan`]
    const saving = typeof given === 'number' ? given : base - planCost
    rows.push({
      key,
      baseline: b,
      baseline_yuan: base,
      plan_yuan: planCost,
      saving_yuan: saving,
      saving_pct: base !== 0 ? (100 * saving) / Math.abs(base) : null,
      emissions_saved_t: num(b.emissions_t) - num(plan.emissions_t),
    })
  }
  return rows
}

// A file name for the plan's MPS download: plan-<id or date>.mps, only safe characters.
export function mpsFileName(plan) {
  const tag = String((plan && (plan.id ?? plan.date)) || 'plan').replace(/[^\w.-]+/g, '_')
  return `dispatch-${tag}.mps`
}

// A local 'YYYY-MM-DDTHH:MM' (the park's clock) and the day it starts as epoch ms, in the park's zone (UTC+8,
// no daylight saving).
const PARK_OFFSET_MS = 8 * 3600000
export function parkDayStart(ms) {
  return Math.floor((ms + PARK_OFFSET_MS) / 86400000) * 86400000 - PARK_OFFSET_MS
}
export function parkDate(ms) {
  return new Date(ms + PARK_OFFSET_MS).toISOString().slice(0, 10)
}
export function parkInputToMs(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(String(s || ''))
  if (!m) return null
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - PARK_OFFSET_MS
}
export function msToParkInput(ms) {
  return new Date(ms + PARK_OFFSET_MS).toISOString().slice(0, 16)
}
