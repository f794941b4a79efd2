import { describe, expect, it } from 'vitest'
import {
  bandAreas,
  bandRuns,
  energyFlows,
  hoursOf,
  initialSoc,
  msToParkInput,
  parkDate,
  parkDayStart,
  parkInputToMs,
  planOption,
  sankeyData,
  savingsRows,
  stepLabels,
  tariffBody,
  tariffStrip,
} from './dispatch.js'

// 2026-03-02 00:00 in the park (UTC+8).
const MIDNIGHT = Date.UTC(2026, 2, 1, 16, 0)

describe('plan chart', () => {
  it('labels steps on the park clock, with one label more for the end of the last step', () => {
    expect(stepLabels({ start_at: MIDNIGHT, step_minutes: 15 }, 3)).toEqual(['00:00', '00:15', '00:30', '00:45'])
    expect(stepLabels({ start_minute: 23 * 60 + 30, step_hours: 0.5 }, 2)).toEqual(['23:30', '00:00', '00:30'])
    // Without start_at, the first step's `at` says when the plan starts.
    expect(stepLabels({ steps: [{ at: MIDNIGHT + 3600000 }], step_minutes: 60 })).toEqual(['01:00', '02:00'])
  })

  it('groups runs of equal bands and turns them into areas from the first step to the step after the last', () => {
    const bands = ['valley', 'valley', 'peak', 'peak', 'peak', 'valley']
    expect(bandRuns(bands)).toEqual([
      { band: 'valley', from: 0, to: 2 },
      { band: 'peak', from: 2, to: 5 },
      { band: 'valley', from: 5, to: 6 },
    ])
    const labels = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
    const areas = bandAreas(bands, labels, (b) => `<${b}>`)
    expect(areas.map(([s, e]) => [s.name, s.xAxis, e.xAxis])).toEqual([
      ['<valley>', 0, 2],
      ['<peak>', 2, 5],
      ['<valley>', 5, 6],
    ])
    expect(areas[1][0].itemStyle.color).toBe('rgba(233,162,59,0.14)')
    expect(bandRuns([])).toEqual([])
  })

  it('stacks supply above the axis and use below it, with the state of charge in % on the second axis', () => {
    const plan = {
      start_at: MIDNIGHT,
      step_minutes: 15,
      battery: { energy_mwh: 200 },
      steps: [
        { load: 30, pv: 0, wind: 5, charge: 10, discharge: 0, import_mw: 35, export_mw: 0, soc_mwh: 100, soc: 0.5, curtailment: 0, band: 'valley' },
        { load: 30, pv: 10, wind: 5, charge: 0, discharge: 15, import_mw: 0, export_mw: 0, soc_mwh: 80, soc: 0.4, curtailment: 2, band: 'peak' },
      ],
    }
    const opt = planOption(plan, { names: { pv: 'PV', load: 'L' }, bandName: (b) => b })
    const byName = Object.fromEntries(opt.series.map((s) => [s.name, s]))
    expect(byName.PV.stack).toBe('supply')
    expect(byName.PV.data).toEqual([0, 10])
    expect(byName.L.stack).toBe('use')
    expect(byName.L.data).toEqual([-30, -30])
    expect(byName.import_mw.data).toEqual([35, 0])
    expect(byName.charge.data).toEqual([-10, -0])
    expect(byName.curtailment.data).toEqual([0, 2])
    expect(byName.soc.yAxisIndex).toBe(1)
    expect(byName.soc.data).toEqual([50, 40])
    expect(opt.yAxis[1].max).toBe(100)
    // Each step's supply equals its use.
    for (let i = 0; i < 2; i++) {
      const up = opt.series.filter((s) => s.stack === 'supply').reduce((a, s) => a + s.data[i], 0)
      const down = opt.series.filter((s) => s.stack === 'use').reduce((a, s) => a + s.data[i], 0)
      expect(up + down).toBeCloseTo(0, 9)
    }
    const areas = opt.series[0].markArea.data
    expect(areas.map(([s, e]) => [s.name, s.xAxis, e.xAxis])).toEqual([
      ['valley', 0, 1],
      ['peak', 1, 2],
    ])
    expect(opt.xAxis.data).toHaveLength(3)
  })

  it('shades the bands from the steps even when the plan also lists its band runs', () => {
    const steps = [{ band: 'valley' }, { band: 'peak' }]
    const opt = planOption({ steps, bands: [{ from_step: 0, to_step: 0, band: 'valley' }, { from_step: 1, to_step: 1, band: 'peak' }] })
    expect(opt.series[0].markArea.data.map(([s]) => s.name)).toEqual(['valley', 'peak'])
  })

  it('leaves out the curtailment line when nothing is curtailed', () => {
    const opt = planOption({ steps: [{ load: 1, import_mw: 1 }] })
    expect(opt.series.some((s) => s.name === 'curtailment')).toBe(false)
  })
})

describe('energy flows', () => {
  // One hour steps, a battery of 100 MWh starting at 50 MWh with 0.9 both ways.
  const plan = {
    step_minutes: 60,
    soc_initial: 0.5,
    battery: { energy_mwh: 100, charge_efficiency: 0.9, discharge_efficiency: 0.9 },
    steps: [
      // Sunny hour: 40 PV + 10 wind; 20 load, 20 charge, 8 export, 2 curtailed.
      { load: 20, pv: 40, wind: 10, charge: 20, discharge: 0, import_mw: 0, export_mw: 8, curtailment: 2, soc_mwh: 68 },
      // Evening: battery 18 to load, grid 12.
      { load: 30, pv: 0, wind: 0, charge: 0, discharge: 18, import_mw: 12, export_mw: 0, curtailment: 0, soc_mwh: 48 },
      // Night: grid charges 5 and serves 25.
      { load: 25, pv: 0, wind: 0, charge: 5, discharge: 0, import_mw: 30, export_mw: 0, curtailment: 0, soc_mwh: 52.5 },
    ],
  }

  it('allocates each step in merit order and closes the battery balance with its losses', () => {
    const f = energyFlows(plan)
    expect(f.pv_load).toBeCloseTo(16, 6)
    expect(f.wind_load).toBeCloseTo(4, 6)
    expect(f.pv_battery).toBeCloseTo(16, 6)
    expect(f.wind_battery).toBeCloseTo(4, 6)
    expect(f.pv_export).toBeCloseTo(6.4, 6)
    expect(f.wind_export).toBeCloseTo(1.6, 6)
    expect(f.pv_curtailed + f.wind_curtailed).toBeCloseTo(2, 6)
    expect(f.battery_load).toBeCloseTo(18, 6)
    expect(f.grid_load).toBeCloseTo(12 + 25, 6)
    expect(f.grid_battery).toBeCloseTo(5, 6)
    // charged 25, discharged 18, stored 52.5 - 50 = 2.5: losses 4.5.
    expect(f.battery_losses).toBeCloseTo(4.5, 6)
    expect(f.battery_storage).toBeCloseTo(2.5, 6)
    expect(f.storage_battery).toBe(0)
    // What enters the battery node leaves it.
    const into = f.pv_battery + f.wind_battery + f.grid_battery + f.storage_battery
    const out = f.battery_load + f.battery_export + f.battery_losses + f.battery_storage
    expect(into).toBeCloseTo(out, 6)
  })

  it('works back the initial energy from the first step when the plan does not give it', () => {
    const p = { ...plan, soc_initial: undefined, battery: { ...plan.battery } }
    // 68 - 20 × 0.9 = 50.
    expect(initialSoc(p)).toBeCloseTo(50, 9)
  })

  it('draws energy taken from storage as a source when the battery ends lower than it started', () => {
    const p = { step_minutes: 60, soc_initial: 0.5, battery: { energy_mwh: 100, discharge_efficiency: 1 }, steps: [{ load: 10, discharge: 10, soc_mwh: 40 }] }
    const f = energyFlows(p)
    expect(f.storage_battery).toBeCloseTo(10, 9)
    expect(f.battery_losses).toBe(0)
  })

  it('builds Sankey nodes and links only for flows that carry energy', () => {
    const names = { pv: '光伏', load: '负荷' }
    const d = sankeyData(energyFlows(plan), names)
    expect(d.links).toContainEqual({ source: '光伏', target: '负荷', value: 16 })
    expect(d.links.some((l) => l.target === 'losses' && l.value === 4.5)).toBe(true)
    expect(d.links.some((l) => l.source === 'storage')).toBe(false)
    const names2 = d.nodes.map((n) => n.name)
    expect(names2).toEqual(['光伏', 'wind', 'grid', 'battery', '负荷', 'export', 'curtailed', 'losses', 'stored'])
    // Every link's ends are nodes; no link goes back (the Sankey must be acyclic).
    for (const l of d.links) {
      expect(names2).toContain(l.source)
      expect(names2.indexOf(l.target)).toBeGreaterThan(names2.indexOf(l.source))
    }
  })
})

describe('tariff strip', () => {
  it('puts every hour of the day in its band, a band without hours taking the rest, across midnight', () => {
    const strip = tariffStrip({
      bands: [
        { band: 'critical_peak', hours: [{ from: 9, to: 11 }], price_yuan_per_kwh: 1.2 },
        { band: 'peak', hours: '08-09;13-15;17-22', price_yuan_per_kwh: 1.0 },
        { band: 'flat', hours: [], price_yuan_per_kwh: 0.66 },
        { band: 'valley', hours: [{ from: 22, to: 8 }], price_yuan_per_kwh: 0.33 },
      ],
    })
    expect(strip).toHaveLength(24)
    expect(strip.map((c) => c.band[0]).join('')).toBe('vvvvvvvvpccffppffpppppvv')
    expect(strip[11]).toEqual({ hour: 11, band: 'flat', price: 0.66 })
    expect(strip[23].price).toBe(0.33)
  })

  it('reads hour ranges that wrap past midnight', () => {
    expect(hoursOf({ from: 22, to: 2 })).toEqual([22, 23, 0, 1])
    expect(hoursOf({ from: 0, to: 0 })).toHaveLength(24)
  })
})

describe('tariff form', () => {
  it('sends typed hours as ranges, leaves out untouched bands and says which row each sent band is', () => {
    const { body, rows, bad } = tariffBody({
      province: ' zhejiang ',
      category: 'large_industry',
      months: '6;7, 8',
      effective_from: '2026-07-01',
      demand_charge_yuan_per_kw_month: '',
      export_price_yuan_per_kwh: '0.4153',
      bands: [
        { band: 'critical_peak', hours: '', price: '' },
        { band: 'peak', hours: '08-11；13-15', price: '1.0' },
        { band: 'flat', hours: '', price: '0.6' },
        { band: 'valley', hours: '22-08;7pm', price: '0.3' },
      ],
    })
    expect(body.province).toBe('zhejiang')
    expect(body.months).toEqual([6, 7, 8])
    expect(body.demand_charge_yuan_per_kw_month).toBe(0)
    expect(body.export_price_yuan_per_kwh).toBe(0.4153)
    expect(body.bands).toEqual([
      { band: 'peak', hours: [{ from: 8, to: 11 }, { from: 13, to: 15 }], price_yuan_per_kwh: 1 },
      { band: 'flat', hours: [], price_yuan_per_kwh: 0.6 },
      { band: 'valley', hours: [{ from: 22, to: 8 }], price_yuan_per_kwh: 0.3 },
    ])
    expect(rows).toEqual([1, 2, 3])
    expect(bad).toEqual([{ row: 3, value: '7pm' }])
    expect('source' in body).toBe(false)
  })
})

describe('savings and times', () => {
  it('compares the plan with each baseline', () => {
    const rows = savingsRows({
      costs: { total_yuan: 900 },
      emissions_t: 10,
      comparisons: {
        rule_based: { costs: { total_yuan: 1000 }, emissions_t: 12 },
        no_battery: { costs: { total_yuan: 1200 }, emissions_t: 11 },
        saving_vs_rule_based_yuan: 100,
        saving_vs_no_battery_yuan: 300,
      },
    })
    expect(rows.map((r) => [r.key, r.saving_yuan, r.saving_pct, r.emissions_saved_t])).toEqual([
      ['rule_based', 100, 10, 2],
      ['no_battery', 300, 25, 1],
    ])
    expect(savingsRows({})).toEqual([])
  })

  it('converts the park clock to epoch ms and back, whatever the browser zone', () => {
    expect(parkInputToMs('2026-03-02T00:00')).toBe(MIDNIGHT)
    expect(msToParkInput(MIDNIGHT + 18 * 3600000)).toBe('2026-03-02T18:00')
    expect(parkDayStart(MIDNIGHT + 23 * 3600000)).toBe(MIDNIGHT)
    expect(parkDate(MIDNIGHT)).toBe('2026-03-02')
    expect(parkInputToMs('nonsense')).toBe(null)
  })
})
