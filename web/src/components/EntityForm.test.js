import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import EntityForm from './EntityForm.vue'
import { coded, i18nFor, flush } from '../test/setup.js'

function mountForm(props, locale = 'zh-CN') {
  return mount(EntityForm, { props: { entity: 'enterprises', ...props }, global: { plugins: [i18nFor(locale)] }, attachTo: document.body })
}

const ENTERPRISE = {
  id: 7,
  name: '海清制药有限公司',
  credit_code: '91330000MA2ABCDE1X',
  sector: '2710',
  land_area_mu: 120.5,
  address: '园区纬三路 8 号',
  contacts: [{ name: '王敏', role: 'EHS 经理', phone: '0571-88880000', email: 'wm@example.com' }],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
}

describe('EntityForm', () => {
  it('labels every input', () => {
    const w = mountForm({ submit: vi.fn() })
    for (const input of w.findAll('input, select, textarea')) {
      const id = input.attributes('id')
      expect(id, input.html()).toBeTruthy()
      expect(w.find(`label[for="${id}"]`).exists(), id).toBe(true)
    }
    w.unmount()
  })

  it('shows the server error beside the field it names', async () => {
    const submit = vi.fn().mockRejectedValue(coded(400, 'invalid_argument', [{ field: 'credit_code', code: 'credit_code.check', params: { expected: '3' } }]))
    const w = mountForm({ submit })
    await w.find('#f-name').setValue('新企业')
    await w.find('#f-credit_code').setValue('91330000MA2ABCDE10')
    await w.find('form').trigger('submit')
    await flush()
    expect(submit).toHaveBeenCalledTimes(1)
    const body = submit.mock.calls[0][0]
    expect(body).toMatchObject({ name: '新企业', credit_code: '91330000MA2ABCDE10', land_area_mu: null, contacts: [] })
    expect(submit.mock.calls[0][1]).toBe(true)

    const field = w.find('[data-field="credit_code"]')
    expect(field.find('[data-testid="field-error"]').text()).toBe('校验位错误，应为“3”')
    expect(w.find('#f-credit_code').attributes('aria-invalid')).toBe('true')
    expect(w.find('#f-credit_code').attributes('aria-describedby')).toContain('f-credit_code-error')
    // No other field claims the error.
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(1)
    expect(w.find('[data-testid="form-error"]').text()).toBe('输入有误')
    w.unmount()
  })

  it("puts an error on a contact's phone beside that phone", async () => {
    const submit = vi.fn().mockRejectedValue(coded(400, 'invalid_argument', [{ field: 'contacts[1].phone', code: 'registry.phone_characters' }]))
    const w = mountForm({ submit, record: ENTERPRISE })
    await w.find('[data-testid="add-contact"]').trigger('click')
    await w.find('#f-contacts-1-name').setValue('李雷')
    await w.find('#f-contacts-1-phone').setValue('abc')
    await w.find('form').trigger('submit')
    await flush()
    const phone = w.find('[data-field="contacts[1].phone"]')
    expect(phone.find('[data-testid="field-error"]').text()).toBe('只能包含数字、空格和 + - ( )')
    expect(w.find('[data-field="contacts[0].phone"] [data-testid="field-error"]').exists()).toBe(false)
    w.unmount()
  })

  it('shows an error for a field the form has no input for at the top', async () => {
    const params = { count: 2, entity: { code: 'registry.entity.enterprise' }, children: { code: 'registry.children.facilities' } }
    const submit = vi.fn().mockRejectedValue(coded(409, 'conflict', [{ field: 'id', code: 'registry.has_children', params }]))
    const w = mountForm({ submit })
    await w.find('form').trigger('submit')
    await flush()
    // The entity and its children are texts too: said in Chinese, not as the server's tokens.
    expect(w.find('[data-testid="form-error"]').text()).toContain('该企业下仍有设施（2 条），请先删除')
    expect(w.find('[data-testid="form-error"]').text()).toContain('id')
    expect(w.find('[data-testid="form-error"]').text()).not.toContain('enterprise')
    w.unmount()
  })

  it('shows every bad field of one answer beside its field at once, in Chinese, and only the rest at the top', async () => {
    const submit = vi.fn().mockRejectedValue(
      coded(400, 'invalid_argument', [
        { field: 'credit_code', code: 'credit_code.length' },
        { field: 'sector', code: 'registry.sector' },
        { field: 'land_area_mu', code: 'registry.land_area', params: { max: 1000000 } },
        { field: 'contacts[0].phone', code: 'registry.phone_length', params: { min: 5, max: 20 } },
        { field: 'colour', code: 'field.unknown' },
      ]),
    )
    const w = mountForm({ submit, record: ENTERPRISE })
    await w.find('#f-name').setValue('改名企业')
    await w.find('form').trigger('submit')
    await flush()
    const at = (f) => w.find(`[data-field="${f}"] [data-testid="field-error"]`).text()
    expect(at('credit_code')).toBe('必须是 18 位（GB 32100-2015）')
    expect(at('sector')).toBe('必须是 2 至 4 位的 GB/T 4754-2017 行业代码，例如 2710')
    expect(at('land_area_mu')).toBe('必须在 0 到 1,000,000 亩之间')
    expect(at('contacts[0].phone')).toBe('长度必须为 5 到 20 个字符')
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(4)
    // The field the form has no input for is listed above it, and only that one.
    const banner = w.find('[data-testid="form-error"]').text()
    expect(banner).toContain('colour')
    expect(banner).toContain('不是可识别的字段')
    expect(banner).not.toContain('行业代码')
    w.unmount()
  })

  it('sends a merge patch of only what changed when editing', async () => {
    const submit = vi.fn().mockResolvedValue({ ...ENTERPRISE, land_area_mu: 130 })
    const w = mountForm({ submit, record: ENTERPRISE })
    expect(w.find('#f-name').element.value).toBe(ENTERPRISE.name)
    await w.find('#f-land_area_mu').setValue('130')
    await w.find('form').trigger('submit')
    await flush()
    expect(submit).toHaveBeenCalledWith({ land_area_mu: 130 }, false)
    expect(w.emitted('saved')[0][0].land_area_mu).toBe(130)
    w.unmount()
  })

  it("edits rated parameters as rows and puts a parameter's error on its row", async () => {
    const submit = vi.fn().mockRejectedValue(coded(400, 'invalid_argument', [{ field: 'rated.pressure_mpa', code: 'field.at_least', params: { min: 0 } }]))
    const record = {
      id: 3,
      enterprise_id: 1,
      facility_id: 2,
      tag: 'V-101',
      name: '溶剂储罐',
      type: 'storage_tank',
      status: 'in_service',
      model: '',
      manufacturer: '',
      serial: '',
      install_date: '2020-05-01',
      design_life_years: 20,
      inspection_due_date: null,
      rated: { volume_m3: 50, medium: 'methanol' },
    }
    const w = mountForm({ submit, entity: 'equipment', record }, 'en')
    expect(w.find('#f-rated-0-key').element.value).toBe('volume_m3')
    expect(w.find('label[for="f-rated-0-value"]').text()).toContain('(m³)')
    await w.find('[data-testid="add-parameter"]').trigger('click')
    await w.find('#f-rated-2-key').setValue('pressure_mpa')
    await w.find('#f-rated-2-value').setValue('-1')
    await w.find('#f-rated-1-value').setValue('ethanol')
    await w.find('form').trigger('submit')
    await flush()
    expect(submit).toHaveBeenCalledWith({ rated: { medium: 'ethanol', pressure_mpa: -1 } }, false)
    const row = w.find('[data-field="rated.pressure_mpa"]')
    expect(row.find('[data-testid="field-error"]').text()).toBe('must be at least 0')
    expect(w.find('#f-rated-2-value').attributes('aria-invalid')).toBe('true')
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(1)
    w.unmount()
  })

  it('sends a removed parameter as null', async () => {
    const submit = vi.fn().mockResolvedValue({ id: 3 })
    const record = { id: 3, enterprise_id: 1, facility_id: 2, tag: 'P-1', name: '泵', type: 'pump', status: 'in_service', rated: { flow_m3_h: 20, head_m: 32 } }
    const w = mountForm({ submit, entity: 'equipment', record })
    await w.find('[data-field="rated.head_m"] .remove').trigger('click')
    await w.find('form').trigger('submit')
    await flush()
    expect(submit).toHaveBeenCalledWith({ rated: { head_m: null } }, false)
    w.unmount()
  })

  it('never sends the enterprise it only used to narrow the choices', async () => {
    const submit = vi.fn().mockResolvedValue({ id: 9 })
    const w = mountForm({ submit, entity: 'equipment', preset: { enterprise_id: 4, facility_id: 12 } })
    await w.find('#f-tag').setValue('R-201')
    await w.find('#f-name').setValue('反应釜')
    await w.find('form').trigger('submit')
    await flush()
    const body = submit.mock.calls[0][0]
    expect(body).not.toHaveProperty('enterprise_id')
    expect(body).toMatchObject({ facility_id: 12, tag: 'R-201', type: 'reactor', status: 'in_service', rated: {} })
    w.unmount()
  })

  it('offers only the units the chosen quantity allows', async () => {
    const submit = vi.fn().mockResolvedValue({ id: 5 })
    const w = mountForm({ submit, entity: 'sensors', preset: { equipment_id: 3 } }, 'en')
    const units = () => w.findAll('#f-unit option').map((o) => o.element.value)
    expect(units()).toEqual(['degC', 'K'])
    expect(w.find('#f-unit option').text()).toBe('°C (degC)')
    await w.find('#f-quantity').setValue('flow')
    expect(units()).toEqual(['m3/h', 'Nm3/h', 't/h', 'L/s', 'kg/h'])
    expect(w.find('#f-unit').element.value).toBe('m3/h')
    await w.find('#f-key').setValue('ft_101')
    await w.find('#f-name').setValue('Feed flow')
    await w.find('form').trigger('submit')
    await flush()
    expect(submit.mock.calls[0][0]).toMatchObject({ equipment_id: 3, key: 'ft_101', quantity: 'flow', unit: 'm3/h', kind: 'sensor' })
    expect(submit.mock.calls[0][0]).not.toHaveProperty('enterprise_id')
    w.unmount()
  })
})
