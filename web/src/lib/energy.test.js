import { describe, expect, it } from 'vitest'
import {
  carrierPieOption,
  carrierRows,
  compareCell,
  currentMonth,
  direction,
  periodOf,
  rankingOption,
  scopeTitle,
  shiftPeriod,
  tceShares,
  trendOption,
} from './energy.js'

const account = {
  period: '2025-03',
  scope: { kind: 'park' },
  carriers: [
    { carrier: 'electricity', unit: 'kWh', is_energy: true, amount: 7440, tce: 0.914376, cost_yuan: 5274.464, meters: 1, meters_with_data: 1 },
    { carrier: 'natural_gas', unit: 'm3', is_energy: true, amount: 3720, tce: 4.9476, cost_yuan: null, meters: 1, meters_with_data: 1 },
    { carrier: 'water', unit: 't', is_energy: false, amount: 120, tce: null, cost_yuan: null, meters: 1, meters_with_data: 1 },
  ],
  total: { tce: 5.861976 },
  trend: { labels: ['2025-03-01', '2025-03-02'], tce: [0.189, null] },
}
const t = (key, params) => (params ? `${key}:${JSON.stringify(params)}` : key)

describe('energy page', () => {
  it('opens on the park’s current month and keeps a valid period from the address', () => {
    // 2025-03-31T17:00Z is already April in Beijing.
    expect(currentMonth(new Date('2025-03-31T17:00:00Z'))).toBe('2025-04')
    expect(periodOf({ period: '2024-11' })).toBe('2024-11')
    expect(periodOf({ period: '2024' })).toBe('2024')
    expect(periodOf({ period: '2024-13' }, new Date('2025-01-10T00:00:00Z'))).toBe('2025-01')
    expect(periodOf({}, new Date('2025-01-10T00:00:00Z'))).toBe('2025-01')
  })

  it('steps months across years and years by one', () => {
    const cases = [
      ['2025-01', -1, '2024-12'],
      ['2024-12', 1, '2025-01'],
      ['2025-03', -12, '2024-03'],
      ['2025', -1, '2024'],
    ]
    for (const [p, by, want] of cases) expect(shiftPeriod(p, by)).toBe(want)
  })

  it('speaks of the enterprise to its user and of the park only to park staff', () => {
    expect(scopeTitle({ scope: { kind: 'enterprise', enterprise_name: '绿源原料药' } }, t)).toBe(
      'text.energy.ui.titleEnterprise:{"name":"绿源原料药"}',
    )
    expect(scopeTitle(account, t)).toBe('text.energy.ui.titlePark')
  })

  it('keeps every carrier in its own unit and prices only what has a price', () => {
    const rows = carrierRows(account, 'en')
    expect(rows.map((r) => r.amount)).toEqual(['7,440 kWh', '3,720 m³', '120 t'])
    expect(rows[0].costText).toBe('5,274 yuan')
    expect(rows[1].costText).toBeNull()
    expect(rows[2].tceText).toBe('—')
  })

  it('shares the tce among energy carriers only', () => {
    const shares = tceShares(account)
    expect(shares.map((s) => s.carrier)).toEqual(['electricity', 'natural_gas'])
    expect(shares[0].pct + shares[1].pct).toBeCloseTo(100, 9)
    const pie = carrierPieOption(shares, { electricity: '电力', natural_gas: '天然气' })
    expect(pie.series[0].data.map((d) => d.name)).toEqual(['电力', '天然气'])
  })

  it('says comparisons honestly', () => {
    const tx = (text) => `${text.code}`
    expect(direction({ change_pct: 12 })).toBe('up')
    expect(direction({ change_pct: -0.2 })).toBe('flat')
    expect(direction({ change_pct: null })).toBe('')
    const none = compareCell({ change_pct: null, text: { code: 'energy.compare.no_previous' } }, 'zh-CN', tx)
    expect(none.short).toBe('energy.compare.no_previous')
    const up = compareCell({ change_pct: 121.4, text: { code: 'energy.compare.up' } }, 'zh-CN', tx)
    expect(up).toEqual({ short: '+121%', long: 'energy.compare.up', dir: 'up' })
  })

  it('labels the trend by day and the ranking by whole enterprise names', () => {
    const trend = trendOption(account)
    expect(trend.xAxis.data).toEqual(['01', '02'])
    expect(trend.series[0].data).toEqual([0.189, null])
    const year = trendOption({ period: '2025', trend: { labels: ['2025-01', '2025-02'], tce: [1, 2] } })
    expect(year.xAxis.data).toEqual(['01', '02'])
    const ranking = rankingOption([
      { enterprise_name: '甲', tce: 3 },
      { enterprise_name: '乙', tce: null },
      { enterprise_name: '丙', tce: 5 },
    ])
    expect(ranking.yAxis.data).toEqual(['甲', '丙'])
    expect(ranking.yAxis.axisLabel.overflow).toBe('break')
  })
})
