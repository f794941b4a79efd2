// End-to-end tests of the carbon pages against a running `parkbrain demo` (PARKBRAIN_URL, default
// http://127.0.0.1:8080). Run: node --test tests/e2e/
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { ADMIN, ARTIFACTS, BASE_URL, ENT_USER, api, login, newPage, screenshot, useBrowser } from './helpers.mjs'

const chrome = useBrowser()

// The API maker of the demo park (PRODUCT.md section 6): its intensity fell to 0.54 t per 10,000 yuan.
const API_MAKER = 1
const YEAR = 2025

describe('carbon pages', { timeout: 180000 }, () => {
  it("park admin opens the API maker's inventory and one figure's explanation", async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      await page.locator('[data-testid="nav-carbon-inventory"]').click()
      // Opened from the menu, the page shows an enterprise and the latest year someone reported in full.
      await page.waitForURL(/\/carbon\/inventory\/\d+\?year=2025$/)
      await page.goto(`${BASE_URL}/carbon/inventory/${API_MAKER}?year=${YEAR}`)
      const intensity = page.locator('[data-testid="fig-intensity_t_co2_per_10k_yuan_output"] .fig-value')
      await intensity.waitFor()
      assert.equal((await intensity.textContent()).trim(), '0.54')
      // Every headline figure is shown with its unit.
      for (const k of ['scope1_t_co2', 'scope2_location_t_co2', 'scope2_market_t_co2', 'total_t_co2', 'energy_tce_equivalent', 'energy_tce_equal_value', 'intensity_t_co2_per_10k_yuan_added_value']) {
        const fig = page.locator(`[data-testid="fig-${k}"]`)
        assert.match((await fig.locator('.fig-value').textContent()).trim(), /\d/, k)
        assert.ok((await fig.locator('.fig-unit').textContent()).trim().length > 0, `${k} has a unit`)
      }
      await page.locator('canvas').first().waitFor()
      await screenshot(page, 'carbon-inventory-zh', { fullPage: true })

      // One click shows how the intensity was computed: formula, factors with revision and source, input rows.
      await page.locator('[data-testid="explain-intensity_t_co2_per_10k_yuan_output"]').click()
      const explain = page.locator('[data-testid="explain"]')
      await explain.waitFor()
      assert.match(await explain.locator('[data-testid="explain-formula"]').textContent(), /碳排放总量 \/ 工业总产值/)
      const factors = explain.locator('[data-testid="explain-factors"] tbody tr')
      assert.ok((await factors.count()) > 0, 'factors listed')
      assert.match(await factors.first().textContent(), /第 \d+ 版/)
      // Sources are cited in Chinese.
      assert.doesNotMatch(await explain.locator('[data-testid="explain-factors"]').textContent(), /guidelines|announcement|Appendix/)
      const inputs = explain.locator('[data-testid="explain-inputs"] tbody tr')
      assert.ok((await inputs.count()) > 0, 'input rows listed')
      assert.match(await inputs.first().textContent(), /=/)
      await screenshot(page, 'carbon-inventory-explained-zh', { fullPage: true })
      await explain.screenshot({ path: path.join(ARTIFACTS, 'carbon-explain-zh.png') })

      // A month's figure explains itself too, from the monthly table.
      await page.locator('[data-testid="explain-close"]').click()
      await page.locator('details:has([data-testid="months-table"]) summary').click()
      await page.locator('[data-testid="months-table"] tbody tr').nth(2).locator('td button').nth(2).click()
      await page.locator('[data-testid="explain"] h3', { hasText: `${YEAR}-03` }).waitFor()
      assert.match(await page.locator('[data-testid="explain-formula"]').textContent(), /碳排放总量 = /)
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })

  it('a CSV with a bad row shows the row error and imports nothing', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      const before = await api(page, 'GET', `/enterprises/${API_MAKER}/activity?year=${YEAR}`)
      assert.equal(before.status, 200)
      const ent = await api(page, 'GET', `/enterprises/${API_MAKER}`)
      const code = ent.body.credit_code
      await page.goto(`${BASE_URL}/carbon/activity/${API_MAKER}?year=${YEAR}`)
      await page.locator('[data-testid="import-form"]').waitFor()
      const csv = [
        'enterprise_code,period,item,amount,unit,use,note',
        `${code},${YEAR}-03,electricity,10,MWh,fuel,e2e`,
        `${code},${YEAR}-03,unobtainium,5,t,fuel,e2e`,
        '',
      ].join('\n')
      await page.locator('[data-testid="import-file"]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
      await page.locator('[data-testid="import-submit"]').click()
      const rows = page.locator('[data-testid="import-errors"] tbody tr')
      await rows.first().waitFor()
      assert.equal(await rows.count(), 1)
      const cells = await rows.first().locator('td').allTextContents()
      assert.equal(cells[0].trim(), '3')
      assert.equal(cells[1].trim(), 'item')
      assert.match(cells[2], /unobtainium/)
      await screenshot(page, 'carbon-import-error-zh', { fullPage: true })
      const afterImport = await api(page, 'GET', `/enterprises/${API_MAKER}/activity?year=${YEAR}`)
      assert.deepEqual(afterImport.body.items, before.body.items, 'nothing was imported')

      // The XLSX template downloads; the same bad row in a workbook is refused the same way.
      const [tpl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="template-xlsx"]').click()])
      assert.equal(tpl.suggestedFilename(), 'activity-template.xlsx')
      const workbook = await readFile(await tpl.path())
      assert.equal(workbook.subarray(0, 2).toString(), 'PK')
      const { xlsxBytes } = await import('../../web/src/lib/xlsx.js')
      const bad = xlsxBytes([
        ['enterprise_code', 'period', 'item', 'amount', 'unit', 'use', 'note'],
        [code, `${YEAR}-03`, 'electricity', 10, 'MWh', 'fuel', 'e2e'],
        [code, `${YEAR}-03`, 'electricity', 'abc', 'MWh', 'fuel', 'e2e'],
      ])
      await page.locator('[data-testid="import-file"]').setInputFiles({
        name: 'bad.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: Buffer.from(bad),
      })
      await page.locator('[data-testid="import-submit"]').click()
      await page.locator('[data-testid="import-errors"] tbody tr', { hasText: 'abc' }).waitFor()
      const xrow = await page.locator('[data-testid="import-errors"] tbody tr').first().locator('td').allTextContents()
      assert.equal(xrow[0].trim(), '3')
      assert.equal(xrow[1].trim(), 'amount')
      const afterXlsx = await api(page, 'GET', `/enterprises/${API_MAKER}/activity?year=${YEAR}`)
      assert.deepEqual(afterXlsx.body.items, before.body.items, 'nothing was imported from the workbook')

      // Entering a month: the server's error appears beside the row and field it names, and nothing changes.
      await page.locator('[data-testid="period"]').selectOption(`${YEAR}-03`)
      await page.locator('[data-testid="entry-form"] tr[data-row="0"]').waitFor()
      await page.locator('[data-testid="entry-form"] tr[data-row="0"] [data-field="rows[0].amount"] input').fill('-5')
      await page.locator('[data-testid="save-month"]').click()
      const fieldErr = page.locator('[data-field="rows[0].amount"] [data-testid="field-error"]')
      await fieldErr.waitFor()
      assert.ok((await fieldErr.textContent()).trim().length > 0)
      await screenshot(page, 'carbon-activity-entry-error-zh', { fullPage: true })
      const afterEntry = await api(page, 'GET', `/enterprises/${API_MAKER}/activity?year=${YEAR}`)
      assert.deepEqual(afterEntry.body.items, before.body.items, 'a refused month changes nothing')
      // The browser logs the refused requests (400); nothing else may go wrong.
      assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [])
    } finally {
      await context.close()
    }
  })

  it('park pages: overview, the three lists with their criteria, ratings, access check and the MACC', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      await page.locator('[data-testid="nav-carbon-park"]').click()
      await page.locator('[data-testid="park-enterprises"] tbody tr').first().waitFor()
      assert.ok((await page.locator('[data-testid="park-enterprises"] tbody tr').count()) > 1)
      await page.locator('canvas').first().waitFor()
      await screenshot(page, 'carbon-park-zh', { fullPage: true })

      await page.locator('[data-testid="nav-carbon-lists"]').click()
      for (const l of ['key_carbon_emission_units', 'key_energy_using_units', 'key_pollutant_discharge_units']) {
        const rows = page.locator(`[data-testid="list-${l}"] tbody tr`)
        await rows.first().waitFor()
        assert.ok((await rows.first().locator('[data-testid="criteria"] li').count()) > 0, `${l} shows a criterion`)
      }
      const carbon = await page.locator('[data-testid="list-key_carbon_emission_units"]').textContent()
      // The criterion is said in Chinese, with the numbers rounded and the unit shown.
      assert.match(carbon, /达到 26,000 tCO₂e 的门槛/)
      await screenshot(page, 'carbon-lists-zh', { fullPage: true })
      // Exports arrive as files under the server's names.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-lists-csv"]').click()])
      assert.equal(csv.suggestedFilename(), `lists-${YEAR}.csv`)
      // In the page's language: list names, headers and criteria in Chinese.
      assert.match(await readFile(await csv.path(), 'utf8'), /重点碳排放单位.*达到 26,000 tCO₂e 的门槛/)

      await page.locator('[data-testid="nav-carbon-ratings"]').click()
      await page.locator('[data-testid="ratings-table"] [data-testid="rating-class"]').first().waitFor()
      await page.locator('[data-testid="rating-details"]').first().click()
      const detail = page.locator('[data-testid="rating-detail"]')
      await detail.waitFor()
      assert.ok((await detail.locator('dd').count()) >= 5, 'the policy of the class is shown')
      await screenshot(page, 'carbon-ratings-zh', { fullPage: true })
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-ratings-xlsx"]').click()])
      assert.equal(xlsx.suggestedFilename(), `ratings-${YEAR}.xlsx`)
      assert.equal((await readFile(await xlsx.path())).subarray(0, 2).toString(), 'PK', 'an XLSX is a ZIP')

      await page.locator('[data-testid="nav-carbon-access"]').click()
      await page.locator('#ac-name').fill('端到端测试项目')
      await page.locator('#ac-added').fill('5000')
      await page.locator('[data-field="uses[0].amount"] input').fill('2000')
      await page.locator('[data-testid="access-submit"]').click()
      await page.locator('[data-testid="access-result"]').waitFor()
      assert.equal((await page.locator('[data-testid="access-verdict"]').textContent()).trim(), '通过')
      assert.ok((await page.locator('[data-testid="access-reasons"] li').count()) >= 3)
      await screenshot(page, 'carbon-access-check-zh', { fullPage: true })

      await page.locator('[data-testid="nav-carbon-projects"]').click()
      await page.locator('[data-testid="macc-table"] tbody tr[data-id]').first().waitFor()
      await page.locator('canvas').first().waitFor()
      await screenshot(page, 'carbon-projects-macc-zh', { fullPage: true })

      await page.locator('[data-testid="nav-carbon-factors"]').click()
      await page.locator('[data-testid="factors-table"] tbody tr td.mono').first().waitFor()
      await page.locator('[data-testid="factor-search"]').fill('grid')
      assert.match(await page.locator('[data-testid="factors-table"] tbody tr').first().textContent(), /grid\./)
      await screenshot(page, 'carbon-factors-zh', { fullPage: true })
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })

  it('reduction projects: create with the server error beside a field, edit, and delete', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      await page.goto(`${BASE_URL}/carbon/projects`)
      await page.locator('[data-testid="macc-table"] tbody tr[data-id]').first().waitFor()
      await page.locator('[data-testid="create"]').click()
      const form = page.locator('[data-testid="project-form"]')
      await form.waitFor()
      const name = `E2E 减排项目 ${Date.now()}`
      await form.locator('#f-enterprise_id').selectOption(String(API_MAKER))
      await form.locator('#f-name').fill(name)
      await form.locator('#f-baseline_t_co2_per_yr').fill('1000')
      await form.locator('#f-after_t_co2_per_yr').fill('400')
      await form.locator('#f-investment_10k_yuan').fill('100')
      await form.locator('#f-annual_benefit_10k_yuan').fill('30')
      // The economic life is left out: the server names the field and the form shows it there.
      await form.locator('[data-testid="save"]').click()
      await form.locator('[data-field="lifetime_years"] [data-testid="field-error"]').waitFor()
      await screenshot(page, 'carbon-project-form-error-zh', { fullPage: true })
      await form.locator('#f-lifetime_years').fill('10')
      await form.locator('[data-testid="save"]').click()
      const row = page.locator('[data-testid="macc-table"] tbody tr', { hasText: name })
      await row.waitFor()
      const id = await row.getAttribute('data-id')
      try {
        assert.match(await row.textContent(), /600/)
        await row.locator(`[data-testid="edit-${id}"]`).click()
        await page.locator('[data-testid="project-form"] #f-achieved_t_co2_per_yr').fill('550')
        await page.locator('[data-testid="project-form"] [data-testid="save"]').click()
        await page.locator('[data-testid="project-form"]').waitFor({ state: 'detached' })
        const rec = await api(page, 'GET', `/reduction-projects/${id}`)
        assert.equal(rec.body.achieved_t_co2_per_yr, 550)
      } finally {
        await api(page, 'DELETE', `/reduction-projects/${id}`)
      }
      assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [])
    } finally {
      await context.close()
    }
  })

  it('an enterprise user sees only their own inventory and no park-level carbon pages', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ENT_USER)
      const me = await api(page, 'GET', '/auth/me')
      for (const k of ['carbon-park', 'carbon-lists', 'carbon-ratings']) {
        assert.equal(await page.locator(`[data-testid="nav-${k}"]`).count(), 0, `no ${k} in the navigation`)
      }
      await page.locator('[data-testid="nav-carbon-inventory"]').click()
      await page.waitForURL(new RegExp(`/carbon/inventory/${me.body.enterprise_id}`))
      await page.locator('[data-testid="fig-total_t_co2"] .fig-value').waitFor()
      assert.equal(await page.locator('[data-testid="enterprise-select"]').count(), 0, 'no enterprise picker')
      await screenshot(page, 'carbon-inventory-enterprise-user-zh', { fullPage: true })

      // Another enterprise's inventory URL lands on their own; park pages go back to the overview.
      const other = Number(me.body.enterprise_id) === 1 ? 2 : 1
      await page.goto(`${BASE_URL}/carbon/inventory/${other}?year=${YEAR}`)
      await page.waitForURL(new RegExp(`/carbon/inventory/${me.body.enterprise_id}`))
      for (const p of ['/carbon/park', '/carbon/lists', '/carbon/ratings']) {
        await page.goto(`${BASE_URL}${p}`)
        await page.waitForURL((u) => u.pathname === '/')
      }
      const res = await api(page, 'GET', `/enterprises/${other}/carbon?year=${YEAR}`)
      assert.ok([403, 404].includes(res.status), `another enterprise's inventory answered ${res.status}`)
      assert.equal((await api(page, 'GET', `/lists?year=${YEAR}`)).status, 403)
    } finally {
      await context.close()
    }
  })

  it('carbon pages fit a phone without sideways scrolling', async () => {
    const { context, page } = await newPage(chrome.browser, { viewport: { width: 390, height: 844 } })
    try {
      await login(page, ADMIN)
      const pages = [
        [`/carbon/inventory/${API_MAKER}?year=${YEAR}`, '[data-testid="fig-total_t_co2"]'],
        [`/carbon/activity/${API_MAKER}?year=${YEAR}`, '[data-testid="entry-form"]'],
        [`/carbon/park?year=${YEAR}`, '[data-testid="park-enterprises"]'],
        [`/carbon/lists?year=${YEAR}`, '[data-testid="list-key_carbon_emission_units"]'],
        [`/carbon/ratings?year=${YEAR}`, '[data-testid="ratings-table"]'],
        ['/carbon/access-check', '[data-testid="access-form"]'],
        ['/carbon/projects', '[data-testid="macc-table"]'],
      ]
      for (const [p, sel] of pages) {
        await page.goto(`${BASE_URL}${p}`)
        await page.locator(sel).waitFor()
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        assert.ok(overflow <= 1, `${p} overflows by ${overflow}px`)
      }
      await page.goto(`${BASE_URL}/carbon/inventory/${API_MAKER}?year=${YEAR}`)
      await page.locator('[data-testid="fig-total_t_co2"]').waitFor()
      await screenshot(page, 'carbon-inventory-phone-zh', { fullPage: true })
    } finally {
      await context.close()
    }
  })

  it('the inventory in English', async () => {
    const { context, page } = await newPage(chrome.browser, { locale: 'en' })
    try {
      await page.goto(`${BASE_URL}/login`)
      await page.locator('[data-testid="lang-switch"]').click()
      await login(page, ADMIN)
      await page.goto(`${BASE_URL}/carbon/inventory/${API_MAKER}?year=${YEAR}`)
      await page.locator('[data-testid="fig-intensity_t_co2_per_10k_yuan_output"] .fig-value').waitFor()
      assert.match(await page.locator('[data-testid="fig-intensity_t_co2_per_10k_yuan_output"] .fig-unit').textContent(), /10⁴ yuan/)
      assert.equal((await page.locator('[data-testid="nav-carbon-lists"]').textContent()).trim(), 'Three lists')
      await page.locator('canvas').first().waitFor()
      await screenshot(page, 'carbon-inventory-en', { fullPage: true })
    } finally {
      await context.close()
    }
  })
})
