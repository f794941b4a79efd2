import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ExplainPanel from './ExplainPanel.vue'
import { i18nFor } from '../test/setup.js'

const EXPLAIN = {
  figure: 'intensity_t_co2_per_10k_yuan_output',
  period: '2025',
  value: 0.5399999793457957,
  unit: 'tCO2/10^4 yuan',
  formula: {
    code: 'carbon.formula.ratio',
    params: {
      metric: { code: 'carbon.metric.intensity_t_co2_per_10k_yuan_output' },
      numerator: { code: 'carbon.metric.total_t_co2' },
      denominator: { code: 'carbon.metric.output_value_10k_yuan' },
    },
    message: 'Carbon intensity (per output value) = Total emissions / Industrial output value',
  },
  factors: [
    {
      id: 'grid.2023.national.average',
      revision: 1,
      year: 2023,
      value: 0.5306,
      unit: 'tCO2/MWh',
      source: 'MEE/NBS announcement of 2023 electricity CO2 emission factors',
      document: 'MEE/NBS 2023 electricity CO2 factors',
      source_text: { code: 'carbon.source.mee_nbs_2023_factors', params: {}, message: 'MEE/NBS announcement of 2023 electricity CO2 emission factors' },
      document_text: { code: 'carbon.document.mee_nbs_2023', params: {}, message: 'MEE/NBS 2023 electricity CO2 factors' },
      status: 'ok',
    },
    // A factor the park added cites in its own words.
    { id: 'cn.cc.coke', revision: 2, year: 0, value: 0.0294, unit: 'tC/GJ', source: 'lab report 2025-014', document: '', status: 'check' },
  ],
  inputs: [
    { row_id: 169, line: 170, period: '2025-01', item: 'electricity', amount: 3300, unit: 'MWh', use: 'fuel', part: 'total_t_co2',
      formula: {
        code: 'carbon.line.product',
        params: { amount: 3300, unit: 'MWh', factor: '0.5306', factor_unit: 'tCO2/MWh', result: 1750.98, result_unit: 'tCO2' },
        message: '3,300 MWh × 0.5306 tCO2/MWh = 1,751 tCO2',
      },
    },
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
    expect(w.find('[data-testid="explain-formula"]').text()).toBe('碳排放强度（按工业总产值） = 碳排放总量 / 工业总产值（分母为 0 时无法计算）')
    const factors = w.findAll('[data-testid="explain-factors"] tbody tr')
    expect(factors).toHaveLength(2)
    expect(factors[0].text()).toContain('grid.2023.national.average')
    expect(factors[0].text()).toContain('第 1 版')
    expect(factors[0].text()).toContain('0.5306 tCO₂/MWh')
    // A shipped citation in Chinese; the park's own as typed, marked as data.
    expect(factors[0].text()).toContain('生态环境部、国家统计局关于发布 2023 年电力二氧化碳排放因子的公告')
    expect(factors[0].text()).toContain('（生态环境部、国家统计局 2023 年电力二氧化碳排放因子）'.replace('（', '(').replace('）', ')'))
    expect(factors[1].find('[data-raw]').text()).toBe('lab report 2025-014')
    expect(factors[0].text()).toContain('已核实')
    expect(factors[1].text()).toContain('待核实')
    const inputs = w.findAll('[data-testid="explain-inputs"] tbody tr')
    expect(inputs).toHaveLength(1)
    expect(inputs[0].text()).toContain('电力')
    expect(inputs[0].text()).toContain('3,300 MWh')
    expect(inputs[0].text()).toContain('碳排放总量：3,300 MWh × 0.5306 tCO2/MWh = 1,751 tCO2')
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
