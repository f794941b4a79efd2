// The big screen's day: today's energy and emissions against yesterday, and the trend hour by hour, from
// GET /api/v1/screen/today (the home page's energy_today panel).
import { PALETTE } from './charts.js'

// The items of the panel the screen leads with: electricity first, then the other carriers, each {item, unit,
// today, pct} where pct is the change against the same hours of yesterday (null when it cannot be said).
export function todayFigures(panel) {
  if (!panel || !Array.isArray(panel.items)) return { items: [], emissions: null }
  const pct = (c) => (c && typeof c.change_pct === 'number' && Number.isFinite(c.change_pct) ? c.change_pct : null)
  const items = panel.items
    .filter((i) => typeof i.today === 'number')
    .map((i) => ({ item: i.item, unit: i.unit, today: i.today, pct: pct(i.vs_yesterday) }))
    .sort((a, b) => (a.item === 'electricity' ? -1 : b.item === 'electricity' ? 1 : 0))
  const e = panel.emissions
  const emissions = e && typeof e.today === 'number' ? { unit: e.unit || 'tCO2', today: e.today, pct: pct(e.vs_yesterday) } : null
  return { items, emissions }
}

// Hour by hour: today's electricity (bars) against yesterday's (a line), and today's emissions on a second axis.
// `labels`: {today, yesterday, emissions, electricityUnit, emissionsUnit}.
export function dayTrendOption(panel, labels, { dark = true } = {}) {
  const text = dark ? '#cfe3ff' : '#29374a'
  const grid = dark ? 'rgba(120,170,230,0.15)' : '#e6e9ee'
  const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`)
  const elec = (panel?.items || []).find((i) => i.item === 'electricity' && i.hours)
  const pad = (list, scale = 10) => hours.map((_, h) => (list && typeof list[h] === 'number' ? Math.round(list[h] * scale) / scale : null))
  const em = panel?.emissions?.hours
  const series = []
  if (elec) {
    series.push({ name: labels.today, type: 'bar', data: pad(elec.hours.today), barMaxWidth: 18, itemStyle: { color: '#3fa7ff' } })
    series.push({ name: labels.yesterday, type: 'line', data: pad(elec.hours.yesterday), symbol: 'none', lineStyle: { type: 'dashed', color: '#8fb3d9' }, itemStyle: { color: '#8fb3d9' } })
  }
  if (em) {
    series.push({ name: labels.emissions, type: 'line', yAxisIndex: 1, data: pad(em.today, 1000), symbol: 'circle', symbolSize: 5, itemStyle: { color: PALETTE[2] } })
  }
  const axis = (name) => ({
    type: 'value',
    name,
    nameTextStyle: { color: text, fontSize: dark ? 14 : 12, align: 'left' },
    axisLabel: { color: text, fontSize: dark ? 14 : 12 },
    splitLine: { lineStyle: { color: grid } },
  })
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: text, fontSize: dark ? 15 : 12 } },
    grid: { left: 8, right: 8, top: 48, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: hours, axisLabel: { color: text, fontSize: dark ? 13 : 11, interval: 2 }, axisLine: { lineStyle: { color: grid } } },
    yAxis: [axis(labels.electricityUnit), { ...axis(labels.emissionsUnit), nameTextStyle: { color: text, fontSize: dark ? 14 : 12, align: 'right' }, splitLine: { show: false } }],
    series,
  }
}
