import { describe, expect, it } from 'vitest'
import { dayTrendOption, todayFigures } from './screen.js'

const panel = {
  items: [
    { item: 'natural_gas', unit: 'Nm3', today: 756, vs_yesterday: { change: 6, change_pct: 0.8 }, hours: { today: [756], yesterday: [750] } },
    { item: 'electricity', unit: 'kWh', today: 5346.04, vs_yesterday: { change: null, change_pct: null }, hours: { today: [5346.04, 12.26], yesterday: [5000] } },
    { item: 'water', unit: 't', today: null, vs_yesterday: {}, hours: { today: [], yesterday: [] } },
  ],
  emissions: { unit: 'tCO2', today: 4.471, vs_yesterday: { change_pct: -2.5 }, hours: { today: [4.4712, 0.01], yesterday: [4] } },
}

describe('the big screen day', () => {
  it('leads with electricity, skips carriers with no data today, and says the change only when it is known', () => {
    const f = todayFigures(panel)
    expect(f.items.map((i) => i.item)).toEqual(['electricity', 'natural_gas'])
    expect(f.items[0].pct).toBeNull()
    expect(f.items[1].pct).toBe(0.8)
    expect(f.emissions).toEqual({ unit: 'tCO2', today: 4.471, pct: -2.5 })
    expect(todayFigures(null)).toEqual({ items: [], emissions: null })
  })
  it('charts 24 hours: today so far, yesterday whole, emissions on the second axis', () => {
    const labels = { today: '今日', yesterday: '昨日', emissions: '碳排放', electricityUnit: 'kWh', emissionsUnit: 'tCO2' }
    const o = dayTrendOption(panel, labels)
    expect(o.xAxis.data).toHaveLength(24)
    expect(o.series.map((s) => s.name)).toEqual(['今日', '昨日', '碳排放'])
    expect(o.series[0].data.slice(0, 3)).toEqual([5346, 12.3, null])
    expect(o.series[2].yAxisIndex).toBe(1)
    expect(o.series[2].data[0]).toBe(4.471)
    expect(dayTrendOption({}, labels).series).toEqual([])
  })
})
