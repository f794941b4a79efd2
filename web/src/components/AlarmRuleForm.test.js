import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import AlarmRuleForm from './AlarmRuleForm.vue'
import { coded, i18nFor, flush } from '../test/setup.js'

function jsonResponse(body, status = 200) {
  return Promise.resolve({ status, ok: status < 300, statusText: '', text: () => Promise.resolve(JSON.stringify(body)) })
}

function mountForm(props, locale = 'zh-CN') {
  return mount(AlarmRuleForm, { props: { parkUser: true, ...props }, global: { plugins: [i18nFor(locale)] }, attachTo: document.body })
}

describe('AlarmRuleForm', () => {
  beforeEach(() => {
    // The reference selects (enterprises, equipment, sensors) read their options from the API.
    vi.stubGlobal('fetch', vi.fn(() => jsonResponse({ items: [{ id: 5, key: 'e01.r_101.temp', name: 'R-101 釜温' }], total: 1 })))
  })
  afterEach(() => vi.unstubAllGlobals())

  it('labels every control', () => {
    const w = mountForm({ submit: vi.fn() })
    for (const input of w.findAll('input, select')) {
      const id = input.attributes('id')
      if (id) expect(w.find(`label[for="${id}"]`).exists(), id).toBe(true)
      else expect(input.element.closest('label'), input.html()).not.toBe(null)
    }
    w.unmount()
  })

  it('sends only what the chosen kind uses', async () => {
    const submit = vi.fn().mockResolvedValue({ id: 1, name: 'x' })
    const w = mountForm({ submit, rule: { id: 3, name: '釜温高', sensor_id: 5, enterprise_id: 1, kind: 'threshold', high: 90, low: null, deadband: 1, severity: 'critical', webhook_url: '', webhook_format: 'dingtalk', enabled: true } })
    await flush()
    await w.find('form').trigger('submit')
    await flush()
    expect(submit.mock.calls[0][0]).toEqual({
      name: '釜温高',
      kind: 'threshold',
      severity: 'critical',
      webhook_url: '',
      webhook_format: 'dingtalk',
      enabled: true,
      deadband: 1,
      sensor_id: 5,
      high: 90,
    })
    await w.find('#r-kind').setValue('no_data')
    expect(w.find('#r-high').exists()).toBe(false)
    await w.find('#r-timeout_s').setValue('600')
    await w.find('form').trigger('submit')
    await flush()
    const body = submit.mock.calls[1][0]
    expect(body.timeout_s).toBe(600)
    expect(body).not.toHaveProperty('high')
    expect(body).not.toHaveProperty('deadband')
    expect(w.emitted('saved')).toHaveLength(2)
    w.unmount()
  })

  it('shows a masked webhook URL as such and sends it back unchanged, so the stored URL stays', async () => {
    const submit = vi.fn().mockResolvedValue({ id: 3 })
    const masked = 'https://oapi.dingtalk.com/robot/send?access_token=***'
    const rule = { id: 3, name: '釜温高', sensor_id: 5, enterprise_id: 1, kind: 'threshold', high: 90, deadband: 1, severity: 'critical', webhook_url: masked, webhook_url_masked: true, webhook_format: 'dingtalk', enabled: true }
    const w = mountForm({ submit, rule }, 'en')
    await flush()
    expect(w.find('[data-testid="r-webhook_url"]').element.value).toBe(masked)
    expect(w.text()).toContain('token is hidden')
    await w.find('form').trigger('submit')
    await flush()
    expect(submit.mock.calls[0][0].webhook_url).toBe(masked)
    expect(submit.mock.calls[0][0]).not.toHaveProperty('webhook_url_masked')
    await w.find('[data-testid="r-webhook_url"]').setValue('https://oapi.dingtalk.com/robot/send?access_token=new')
    expect(w.text()).not.toContain('token is hidden')
    await w.find('form').trigger('submit')
    await flush()
    expect(submit.mock.calls[1][0].webhook_url).toBe('https://oapi.dingtalk.com/robot/send?access_token=new')
    w.unmount()
  })

  it('an equipment-type rule names the type and quantity instead of a sensor', async () => {
    const submit = vi.fn().mockResolvedValue({ id: 2 })
    const w = mountForm({ submit })
    await w.find('#r-name').setValue('反应釜压力')
    await w.find('input[value="type"]').setValue(true)
    await w.find('#r-equipment_type').setValue('reactor')
    await w.find('#r-quantity').setValue('pressure')
    await w.find('#r-high').setValue('0.3')
    await w.find('form').trigger('submit')
    await flush()
    expect(submit.mock.calls[0][0]).toMatchObject({ name: '反应釜压力', equipment_type: 'reactor', quantity: 'pressure', high: 0.3 })
    expect(submit.mock.calls[0][0]).not.toHaveProperty('sensor_id')
    w.unmount()
  })

  it('shows the server error beside the field it names, or above the form for a hidden one', async () => {
    const submit = vi.fn().mockRejectedValueOnce(coded(400, 'invalid_argument', [{ field: 'low', code: 'telemetry.rule.bands_overlap' }]))
    const w = mountForm({ submit })
    await w.find('#r-name').setValue('x')
    await w.find('form').trigger('submit')
    await flush()
    expect(w.find('[data-field="low"] [data-testid="field-error"]').text()).toBe('下限加回差必须低于上限减回差')
    expect(w.find('#r-low').attributes('aria-invalid')).toBe('true')
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(1)
    expect(w.find('[data-testid="form-error"]').text()).toBe('输入有误')

    submit.mockRejectedValueOnce(coded(400, 'invalid_argument', [{ field: 'max_rate_per_s', code: 'telemetry.rule.rate_needs_max' }]))
    await w.find('form').trigger('submit')
    await flush()
    // The threshold form has no rate field: the message goes to the banner.
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(0)
    expect(w.find('[data-testid="form-error"]').text()).toContain('变化率规则必须填写最大变化率')
    w.unmount()
  })

  it('shows every bad field of one answer at once, in Chinese', async () => {
    const submit = vi.fn().mockRejectedValueOnce(
      coded(400, 'invalid_argument', [
        { field: 'name', code: 'field.required' },
        { field: 'high', code: 'field.not_number', params: { actual: 'a string' } },
        { field: 'severity', code: 'telemetry.rule.severity' },
      ]),
    )
    const w = mountForm({ submit })
    await w.find('form').trigger('submit')
    await flush()
    expect(w.find('[data-field="name"] [data-testid="field-error"]').text()).toBe('必填')
    expect(w.find('[data-field="high"] [data-testid="field-error"]').text()).toBe('必须是数字')
    expect(w.find('[data-field="severity"] [data-testid="field-error"]').text()).toBe('必须是“提示”“警告”或“严重”')
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(3)
    // Every mistake is beside its field: above the form only the summary.
    expect(w.find('[data-testid="form-error"]').text()).toBe('输入有误')
    w.unmount()
  })

  it('lists above the form, by label, only what no shown field can say', async () => {
    const submit = vi.fn().mockRejectedValueOnce(
      coded(400, 'invalid_argument', [
        { field: 'kind', code: 'telemetry.rule.kind' },
        { field: 'low', code: 'telemetry.rule.bands_overlap' },
        { field: 'timeout_s', code: 'telemetry.rule.timeout', params: { min_s: 10, max_days: 30 } },
        { field: 'sensor_id', code: 'field.no_such_record' },
      ]),
    )
    const w = mountForm({ submit })
    await w.find('#r-name').setValue('x')
    await w.find('form').trigger('submit')
    await flush()
    expect(w.find('[data-field="kind"] [data-testid="field-error"]').text()).toBe('必须是“阈值”“变化率”或“无数据超时”')
    expect(w.find('[data-field="low"] [data-testid="field-error"]').text()).toBe('下限加回差必须低于上限减回差')
    expect(w.find('[data-field="sensor_id"] [data-testid="field-error"]').text()).toBe('记录不存在，或您无权使用')
    const banner = w.find('[data-testid="form-error"]').text()
    expect(banner).toContain('无数据超时规则必须填写超时时间：10 秒至 30 天')
    expect(banner).not.toContain('timeout_s')
    expect(banner).not.toContain('下限加回差')
    w.unmount()
  })
})
