import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import ActivityView from './ActivityView.vue'
import { clearSession, setSession } from '../../lib/session.js'
import { i18nFor, flush } from '../../test/setup.js'

const ROWS = [
  { id: 1, period: '2025-01', item: 'electricity', amount: 3300, unit: 'MWh', use: 'fuel', note: 'demo', amount_canonical: 3300, canonical_unit: 'MWh' },
  { id: 2, period: '2025-01', item: 'natural_gas', amount: 13.09, unit: '10^4 Nm3', use: 'fuel', note: '', amount_canonical: 13.09, canonical_unit: '10^4 Nm3' },
]

function json(body, status = 200) {
  return Promise.resolve({ status, ok: status < 300, statusText: '', text: () => Promise.resolve(JSON.stringify(body)) })
}

async function mountView(handler) {
  const fetchImpl = vi.fn(handler)
  vi.stubGlobal('fetch', fetchImpl)
  setSession({ token: 'tok', user: { id: 3, role: 'enterprise_user', enterprise_id: 1 } })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/carbon/activity/:id', component: ActivityView, props: (r) => ({ id: r.params.id }) }],
  })
  router.push('/carbon/activity/1?year=2025')
  await router.isReady()
  const w = mount({ template: '<router-view />' }, { global: { plugins: [router, i18nFor('zh-CN')], stubs: { RefSelect: true } }, attachTo: document.body })
  for (let i = 0; i < 4; i++) await flush()
  return { w, fetchImpl }
}

function routes(extra = {}) {
  return (url, init = {}) => {
    const method = init.method || 'GET'
    for (const [key, fn] of Object.entries(extra)) if (`${method} ${url}`.startsWith(key)) return fn(url, init)
    if (url.startsWith('/api/v1/enterprises/1/activity')) return json({ year: 2025, items: ROWS })
    if (url.startsWith('/api/v1/enterprises/1')) return json({ id: 1, name: '绿源原料药股份有限公司', credit_code: '91331000MA2A310762' })
    return json({ error: { code: 'not_found', message: 'no' } }, 404)
  }
}

describe('activity data page', () => {
  afterEach(() => {
    clearSession()
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it("loads the month's rows into the entry form", async () => {
    const { w } = await mountView(routes())
    const rows = w.findAll('[data-testid="entry-form"] tbody tr[data-row]')
    expect(rows).toHaveLength(2)
    expect(w.find('[data-field="rows[0].amount"] input').element.value).toBe('3300')
    expect(w.find('[data-field="rows[1].unit"] select').element.value).toBe('10^4 Nm3')
    w.unmount()
  })

  it("puts the server's error beside the row and field it names and sends the month as rows", async () => {
    const { w, fetchImpl } = await mountView(
      routes({
        'PUT /api/v1/enterprises/1/activity/2025-01': () =>
          json({ error: { code: 'invalid_argument', message: 'is negative', field: 'rows[1].amount' } }, 400),
      }),
    )
    await w.find('[data-field="rows[1].amount"] input').setValue('-2')
    await w.find('[data-testid="entry-form"]').trigger('submit')
    for (let i = 0; i < 3; i++) await flush()
    const put = fetchImpl.mock.calls.find(([, init]) => init && init.method === 'PUT')
    expect(JSON.parse(put[1].body)).toEqual({
      rows: [
        { item: 'electricity', amount: 3300, unit: 'MWh', use: 'fuel', note: 'demo' },
        { item: 'natural_gas', amount: -2, unit: '10^4 Nm3', use: 'fuel' },
      ],
    })
    expect(w.find('[data-field="rows[1].amount"] [data-testid="field-error"]').text()).toBe('is negative')
    expect(w.find('[data-field="rows[1].amount"] input').attributes('aria-invalid')).toBe('true')
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(1)
    w.unmount()
  })

  it('lists every bad row of a refused import', async () => {
    const { w, fetchImpl } = await mountView(
      routes({
        'POST /api/v1/carbon/import': () =>
          json(
            {
              error: { code: 'invalid_argument', message: '2 problems in the file; nothing was imported.', field: 'line 3.item' },
              rows: [
                { line: 3, field: 'item', reason: 'unknown item "coal"' },
                { line: 4, field: 'period', reason: '"2025-13" is not a month' },
              ],
            },
            400,
          ),
      }),
    )
    const file = new File(['enterprise_code,period,item,amount,unit,use,note\n'], 'bad.csv', { type: 'text/csv' })
    if (!file.text) file.text = () => Promise.resolve('enterprise_code,period,item,amount,unit,use,note\n')
    const input = w.find('[data-testid="import-file"]')
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await w.find('[data-testid="import-form"]').trigger('submit')
    for (let i = 0; i < 4; i++) await flush()
    const post = fetchImpl.mock.calls.find(([url]) => url === '/api/v1/carbon/import')
    expect(post[1].headers['Content-Type']).toBe('text/csv')
    const rows = w.findAll('[data-testid="import-errors"] tbody tr')
    expect(rows).toHaveLength(2)
    expect(rows[0].text()).toContain('3')
    expect(rows[0].text()).toContain('unknown item "coal"')
    expect(rows[1].text()).toContain('period')
    expect(w.find('[data-testid="import-error"]').text()).toContain('未导入任何数据')
    w.unmount()
  })
})
