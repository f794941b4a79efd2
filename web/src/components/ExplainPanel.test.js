import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ExplainPanel from './ExplainPanel.vue'
import { i18nFor } from '../test/setup.js'

const EXPLAIN = {
  figure: 'intensity_t_co2_per_10k_yuan_output',
  period: '2025',
  value: 0.5399999793457957,
  unit: 'tCO2/10^4 yuan',
  formula: 'intensity_t_co2_per_10k_yuan_output = total_t_co2 / output_value_10k_yuan',
  factors: [
    {
      id: 'grid.2023.national.average',
      revision: 1,
      year: 2023,
      value: 0.5306,
      unit: 'tCO2/MWh',
      source: 'MEE/NBS announcement of 2023 electricity CO2 emission factors',
      document: 'MEE/NBS 2023',
      status: 'ok',
    },
    { id: 'cn.cc.coke', revision: 2, year: 0, value: 0.0294, unit: 'tC/GJ', source: 'NDRC', document: '', status: 'check' },
  ],
  inputs: [
    { row_id: 169, line: 170, period: '2025-01', item: 'electricity', amount: 3300, unit: 'MWh', use: 'fuel', formula: 'total_t_co2: 3300 MWh × 0.5306 tCO2/MWh = 1750.98 tCO2' },
  ],
  parts: [],
  notes: ['factor grid.2023.national.average is for 2023'],
}

function mountPanel(locale = 'zh-CN', explain = EXPLAIN) {
  return mount(ExplainPanel, { props: { explain }, global: { plugins: [i18nFor(locale)] } })
}

describe('ExplainPanel', () => {
  it('shows the value with its unit, the formula, each factor and each input row', () => {
    const w = mountPanel()
    expect(w.find('h3').text()).toContain('碳排放强度（按工业总产值）')
    expect(w.find('[data-testid="explain-value"]').text()).toBe('0.54 tCO₂/万元')
    expect(w.find('[data-testid="explain-formula"]').text()).toBe(EXPLAIN.formula)
    const factors = w.findAll('[data-testid="explain-factors"] tbody tr')
    expect(factors).toHaveLength(2)
    expect(factors[0].text()).toContain('grid.2023.national.average')
    expect(factors[0].text()).toContain('r1')
    expect(factors[0].text()).toContain('0.5306 tCO₂/MWh')
    expect(factors[0].text()).toContain('MEE/NBS announcement')
    expect(factors[0].text()).toContain('已核实')
    expect(factors[1].text()).toContain('待核实')
    const inputs = w.findAll('[data-testid="explain-inputs"] tbody tr')
    expect(inputs).toHaveLength(1)
    expect(inputs[0].text()).toContain('电力')
    expect(inputs[0].text()).toContain('3,300 MWh')
    expect(inputs[0].text()).toContain('= 1750.98 tCO2')
    expect(w.find('[data-testid="explain-notes"]').text()).toContain('2023')
  })

  it('speaks English and says when a figure uses no factors', async () => {
    const w = mountPanel('en', { ...EXPLAIN, figure: 'cod_t', unit: 't', value: 7.56, factors: [], notes: [] })
    expect(w.find('h3').text()).toContain('COD discharged')
    expect(w.find('[data-testid="explain-value"]').text()).toBe('7.56 t')
    expect(w.text()).toContain('No factors are used for this figure.')
    await w.find('[data-testid="explain-close"]').trigger('click')
    expect(w.emitted('close')).toHaveLength(1)
  })
})
