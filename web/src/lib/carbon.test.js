import { describe, expect, it } from 'vitest'
import {
  ITEMS,
  defaultYear,
  reportingYear,
  sortRatings,
  hasUse,
  ITEM_UNITS,
  TEMPLATE_HEADER,
  carbonUnit,
  changePct,
  formatExact,
  formatFigure,
  formatPct,
  formatWithUnit,
  maccBars,
  maccRange,
  maccOption,
  monthlyOption,
  periodsOf,
  rowFieldOf,
  templateCsv,
} from './carbon.js'
import zhCN from '../i18n/zh-CN.json'
import en from '../i18n/en.json'

describe('carbon units', () => {
  it('prints the API units as people read them', () => {
    expect(carbonUnit('tCO2/10^4 yuan', 'zh-CN')).toBe('tCO₂/万元')
    expect(carbonUnit('tCO2/10^4 yuan', 'en')).toBe('tCO₂/10⁴ yuan')
    expect(carbonUnit('10^4 Nm3', 'en')).toBe('10⁴ Nm³')
    expect(carbonUnit('tCO2e')).toBe('tCO₂e')
    expect(carbonUnit('tce/10^4 yuan', 'zh-CN')).toBe('tce/万元')
    expect(carbonUnit('1')).toBe('')
    expect(carbonUnit('')).toBe('')
  })
  it('formats figures from tens of thousands of tonnes to millionths', () => {
    expect(formatFigure(0.5399999793457957)).toBe('0.54')
    expect(formatFigure(36287.99861203747)).toBe('36,288')
    expect(formatFigure(3396.2386)).toBe('3,396.2')
    expect(formatFigure(1.9999999235)).toBe('2')
    expect(formatFigure(0.00011250000000000001)).toBe('0.000113')
    expect(formatFigure(-25417.44, 'en')).toBe('-25,417.4')
    expect(formatFigure(0)).toBe('0')
    expect(formatFigure(null)).toBe('—')
    expect(formatFigure('x')).toBe('—')
  })
  it('shows factors and amounts as recorded', () => {
    expect(formatExact(0.5306)).toBe('0.5306')
    expect(formatExact(0.0153)).toBe('0.0153')
    expect(formatExact(13.0895, 'en')).toBe('13.0895')
    expect(formatExact(3300)).toBe('3,300')
    expect(formatExact(undefined)).toBe('—')
  })
  it('joins a figure and its unit', () => {
    expect(formatWithUnit(0.54, 'tCO2/10^4 yuan', 'zh-CN')).toBe('0.54 tCO₂/万元')
    expect(formatWithUnit(10640.88553, 'tce', 'en')).toBe('10,640.9 tce')
    expect(formatWithUnit(null, 'tce')).toBe('—')
  })
  it('shows year-on-year change with its sign', () => {
    expect(formatPct(-12.50478846503667)).toBe('−12.5%')
    expect(formatPct(5.59, 'en')).toBe('+5.6%')
    expect(formatPct(0)).toBe('0%')
    expect(formatPct(-0.04)).toBe('0%')
    expect(formatPct(null)).toBe('—')
    expect(changePct(0.54, 0.93)).toBeCloseTo(-41.935, 2)
    expect(changePct(5, 0)).toBe(null)
    expect(changePct(null, 3)).toBe(null)
  })
})

describe('activity entry', () => {
  it('finds the row and field a server error names', () => {
    expect(rowFieldOf('rows[2].amount')).toEqual({ row: 2, field: 'amount' })
    expect(rowFieldOf('rows[0].item')).toEqual({ row: 0, field: 'item' })
    expect(rowFieldOf('period')).toBe(null)
    expect(rowFieldOf('')).toBe(null)
  })
  it('lists the twelve months of a year', () => {
    const ps = periodsOf(2025)
    expect(ps).toHaveLength(12)
    expect(ps[0]).toBe('2025-01')
    expect(ps[11]).toBe('2025-12')
  })
  it('writes a template with the import header and the enterprise credit code', () => {
    const csv = templateCsv('91331000MA2A310762', '2025-03')
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe(TEMPLATE_HEADER)
    expect(lines[1].startsWith('91331000MA2A310762,2025-03,electricity,')).toBe(true)
    for (const l of lines.filter(Boolean)) expect(l.split(',')).toHaveLength(7)
  })
  it('names every item and gives it units in both languages', () => {
    for (const item of ITEMS) {
      expect(zhCN.carbon.items[item], item).toBeTruthy()
      expect(en.carbon.items[item], item).toBeTruthy()
      expect(ITEM_UNITS[item].length, item).toBeGreaterThan(0)
    }
  })
})

describe('charts', () => {
  const steps = [
    { id: 3, name: 'C', abatement_t_co2_per_yr: 30000, cost_yuan_per_t_co2: 123.66 },
    { id: 1, name: 'A', abatement_t_co2_per_yr: 300, cost_yuan_per_t_co2: -25417.4 },
    { id: 2, name: 'B', abatement_t_co2_per_yr: 4200, cost_yuan_per_t_co2: -646.5 },
    { id: 4, name: 'D', abatement_t_co2_per_yr: 22000, cost_yuan_per_t_co2: 689.4 },
  ]
  it('lays MACC bars side by side, cheapest first, as wide as their abatement', () => {
    const bars = maccBars(steps)
    expect(bars.map((b) => b.id)).toEqual([1, 2, 3, 4])
    expect(bars[0]).toMatchObject({ x0: 0, x1: 300, cost: -25417.4 })
    expect(bars[1]).toMatchObject({ x0: 300, x1: 4500 })
    expect(bars[3].x1).toBe(56500)
  })
  it('cuts the cost axis short of a far outlier', () => {
    const r = maccRange(steps.map((s) => s.cost_yuan_per_t_co2))
    expect(r.min).toBe(-900)
    expect(r.max).toBe(700)
    expect(maccRange([-10, 5, 8])).toEqual({ min: -10, max: 8 })
    expect(maccRange([])).toEqual({ min: 0, max: 1 })
    const opt = maccOption(steps)
    expect(opt.xAxis.max).toBe(56500)
    expect(opt.series[0].data[0][2]).toBeCloseTo(r.min, 6)
  })
  it('names each bar wide enough to carry its name', () => {
    const opt = maccOption(steps)
    // A stand-in for ECharts' api: one unit of abatement is 0.01 px, one yuan 0.1 px.
    const api = { coord: ([x, y]) => [x / 100, 300 - y / 10] }
    const wide = opt.series[0].renderItem({ dataIndex: 3 }, api).children.filter((c) => c.type === 'text')
    expect(wide.map((c) => c.style.text)).toContain(maccBars(steps)[3].name)
    const narrow = opt.series[0].renderItem({ dataIndex: 0 }, api).children.filter((c) => c.type === 'text' && c.style.overflow)
    expect(narrow).toEqual([])
  })
  it('stacks the monthly scopes by month', () => {
    const opt = monthlyOption(
      [
        { period: '2025-01', scope1_t_co2: 283.02, scope2_location_t_co2: 2740.98 },
        { period: '2025-02', scope1_t_co2: 294.34, scope2_location_t_co2: null },
      ],
      ['scope1_t_co2', 'scope2_location_t_co2'],
      { names: { scope1_t_co2: 'S1' } },
    )
    expect(opt.xAxis.data).toEqual(['01', '02'])
    expect(opt.series[0]).toMatchObject({ name: 'S1', stack: 'total', data: [283, 294.3] })
    expect(opt.series[1].data).toEqual([2741, null])
  })
})

describe('the year carbon pages open on', () => {
  it('asks the server once per user and forgets a failed answer', async () => {
    const calls = []
    const client = { get: (path) => (calls.push(path), Promise.resolve({ default_year: 2025 })) }
    expect(await reportingYear(client, { id: 901 })).toBe(2025)
    expect(await reportingYear(client, { id: 901 })).toBe(2025)
    expect(calls).toEqual(['/carbon/years'])
    const failing = { get: () => Promise.reject(new Error('offline')) }
    expect(await reportingYear(failing, { id: 902 })).toBeNull()
    expect(await reportingYear(client, { id: 902 })).toBe(2025)
    expect(defaultYear(new Date(2026, 11, 5))).toBe(2025)
  })
})

describe('ratings', () => {
  it('put the D grades first, the lowest score first within a grade', () => {
    const items = [
      { name: '甲', class: 'A', score: 92 },
      { name: '乙', class: 'D', score: 41 },
      { name: '丙', class: 'C', score: 66 },
      { name: '丁', class: 'D', score: 35 },
      { name: '戊', class: 'B', score: 80 },
    ]
    expect(sortRatings(items).map((r) => r.name)).toEqual(['丁', '乙', '丙', '戊', '甲'])
    expect(items[0].name).toBe('甲')
  })
})

describe('用途 (use)', () => {
  it('is asked only of fuels', () => {
    expect(hasUse('diesel')).toBe(true)
    expect(hasUse('natural_gas')).toBe(true)
    for (const item of ['output_value', 'water', 'cod', 'electricity', 'heat']) expect(hasUse(item)).toBe(false)
  })
})
