import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import AccessCheckView from './AccessCheckView.vue'
import { i18nFor, flush } from '../../test/setup.js'

function json(body, status = 200) {
  return Promise.resolve({ status, ok: status < 300, statusText: '', text: () => Promise.resolve(JSON.stringify(body)) })
}

function mountView(response, locale = 'zh-CN') {
  const fetchImpl = vi.fn(() => response)
  vi.stubGlobal('fetch', fetchImpl)
  const w = mount(AccessCheckView, { global: { plugins: [i18nFor(locale)] }, attachTo: document.body })
  return { w, fetchImpl }
}

async function fillAndSubmit(w) {
  await w.find('#ac-name').setValue('新项目')
  await w.find('#ac-added').setValue('5000')
  await w.find('[data-field="uses[0].amount"] input').setValue('2000')
  await w.find('[data-testid="access-form"]').trigger('submit')
  for (let i = 0; i < 3; i++) await flush()
}

describe('access check form', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('labels every control', () => {
    const { w } = mountView(json({}))
    for (const el of w.findAll('input, select')) {
      const id = el.attributes('id')
      const labelled = (id && w.find(`label[for="${id}"]`).exists()) || !!el.attributes('aria-label')
      expect(labelled, el.html()).toBe(true)
    }
    w.unmount()
  })

  it('sends the project and shows pass with every reasoning step', async () => {
    const { w, fetchImpl } = mountView(
      json({
        pass: true,
        intensity_t_co2_per_10k_yuan_added_value: 0.21224,
        standard_t_co2_per_10k_yuan_added_value: 1.5,
        standard_source: 'park access standard',
        total_t_co2: 1061.2,
        scope1_t_co2: 0,
        scope2_t_co2: 1061.2,
        energy_tce_equivalent: 245.8,
        energy_review_required: false,
        factor_year: 2025,
        reasons: ['electricity 2000 MWh/yr: 1061.2 tCO2', 'projected emissions', 'meets the standard', 'result: pass'],
      }),
    )
    await fillAndSubmit(w)
    const [url, init] = fetchImpl.mock.calls[0]
    expect(url).toBe('/api/v1/carbon/access-check')
    expect(JSON.parse(init.body)).toEqual({
      name: '新项目',
      kind: 'new',
      added_value_10k_yuan: 5000,
      uses: [{ item: 'electricity', amount: 2000, unit: 'MWh' }],
    })
    expect(w.find('[data-testid="access-verdict"]').text()).toBe('通过')
    expect(w.findAll('[data-testid="access-reasons"] li')).toHaveLength(4)
    expect(w.find('[data-testid="access-result"]').text()).toContain('0.212 tCO₂/万元')
    w.unmount()
  })

  it("shows the server's error beside the use it names", async () => {
    const { w } = mountView(json({ error: { code: 'invalid_argument', message: 'unit does not fit', field: 'uses[0].unit' } }, 400), 'en')
    await fillAndSubmit(w)
    expect(w.find('[data-field="uses[0].unit"] [data-testid="field-error"]').text()).toBe('unit does not fit')
    expect(w.find('[data-field="uses[0].unit"] select').attributes('aria-invalid')).toBe('true')
    expect(w.find('[data-testid="form-error"]').exists()).toBe(false)
    expect(w.find('[data-testid="access-result"]').exists()).toBe(false)
    w.unmount()
  })
})
