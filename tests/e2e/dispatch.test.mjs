// End-to-end tests of the dispatch pages (issue 14) against a running `parkbrain demo` (PARKBRAIN_URL): the plan
// with its tariff bands, state of charge and savings; a grid instruction no plan can meet, answered in numbers; and
// orderly power use, where an enterprise user sees its own share only. The park admin signs in once for the file;
// each test makes the plan, instruction or order it looks at, so the suite can run again on the same database.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, BASE_URL, ENT_USER, api, login, newPage, screenshot, useBrowser } from './helpers.mjs'
import { formatTextNumber } from '../../web/src/lib/format.js'

const chrome = useBrowser()
const HOUR = 3600000
const PARK_OFFSET = 8 * HOUR
const parkDate = (ms) => new Date(ms + PARK_OFFSET).toISOString().slice(0, 10)
const parkInput = (ms) => new Date(ms + PARK_OFFSET).toISOString().slice(0, 16)
const zh = (v, digits) => v.toLocaleString('zh-CN', { maximumFractionDigits: digits })

// A plan for today, made through the API (forecasts from the server's models first when the day has none).
async function makePlan(page, date, body = {}) {
  let res = await api(page, 'POST', '/dispatch/plans', { date, soc_initial: 0.5, ...body })
  if (res.status === 409) {
    for (const kind of ['load', 'pv', 'wind']) {
      const f = await api(page, 'POST', '/dispatch/forecasts/model', { date, kind })
      assert.equal(f.status, 201, JSON.stringify(f.body))
    }
    res = await api(page, 'POST', '/dispatch/plans', { date, soc_initial: 0.5, ...body })
  }
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

// Pixels of the chart's canvas near a colour (r, g, b within `tol`, alpha within [amin, amax]: the canvas is
// transparent, so a translucent band keeps its own colour at a low alpha), counted in the page.
async function pixelsNear(page, selector, [r, g, b], tol, [amin, amax] = [200, 255]) {
  return page.evaluate(
    ({ selector, r, g, b, tol, amin, amax }) => {
      const canvas = document.querySelector(`${selector} canvas`)
      const ctx = canvas.getContext('2d')
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
      let n = 0
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) <= tol && Math.abs(data[i + 1] - g) <= tol && Math.abs(data[i + 2] - b) <= tol && data[i + 3] >= amin && data[i + 3] <= amax) n++
      }
      return n
    },
    { selector, r, g, b, tol, amin, amax },
  )
}

describe('dispatch pages', { timeout: 240000 }, () => {
  let admin = null
  before(async () => {
    admin = await newPage(chrome.browser)
    await login(admin.page, ADMIN)
  })
  after(async () => {
    if (admin) await admin.context.close()
  })

  it('the plan page draws the balance with the tariff bands behind and the state of charge, and the savings', async () => {
    const { page } = admin
    const date = parkDate(Date.now())
    const plan = await makePlan(page, date)
    const steps = (await api(page, 'GET', `/dispatch/plans/${plan.id}/steps`)).body.items
    assert.ok(steps.length > 0)

    await page.goto(`${BASE_URL}/dispatch/plan?date=${date}&plan=${plan.id}`)
    await page.locator('[data-testid="plan-chart"] canvas').waitFor()
    assert.equal(await page.locator('[data-testid="plan-select"]').inputValue(), String(plan.id))

    // The bands of the day are named with their prices, and the step table says each step's band and SOC as the
    // server planned them.
    const bands = [...new Set(steps.map((s) => s.band))]
    const keys = await page.locator('[data-testid="plan-bands"] li').evaluateAll((lis) => lis.map((li) => li.dataset.band))
    assert.deepEqual([...keys].sort(), [...bands].sort())
    await page.locator('[data-testid="plan-steps"] summary').click()
    const rows = page.locator('[data-testid="plan-steps"] tbody tr')
    assert.equal(await rows.count(), steps.length)
    const last = steps.length - 1
    assert.equal(await rows.nth(last).getAttribute('data-band'), steps[last].band)
    assert.equal((await rows.nth(last).locator('[data-testid="step-soc"]').textContent()).trim(), `${zh(100 * steps[last].soc, 1)}%`)

    // Drawn, not only listed: the peak band's tint behind the bars and the SOC line's colour are on the canvas.
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid="plan-chart"] canvas')
      return c && c.width > 100
    })
    const chart = '[data-testid="plan-chart"]'
    if (bands.includes('peak')) {
      // #e9a23b at 14 % behind the bars.
      assert.ok((await pixelsNear(page, chart, [233, 162, 59], 6, [20, 60])) > 500, 'the peak band is shaded')
    }
    assert.ok((await pixelsNear(page, chart, [27, 110, 99], 24)) > 100, 'the state of charge is drawn')

    // Figures and savings, as the server computed them.
    const full = (await api(page, 'GET', `/dispatch/plans/${plan.id}`)).body
    assert.equal((await page.locator('[data-testid="plan-cost"] .stat-value').textContent()).trim(), `${zh(full.costs.total_yuan, 0)} 元`)
    for (const key of ['rule_based', 'no_battery']) {
      const row = page.locator(`[data-testid="saving-${key}"]`)
      await row.waitFor()
      const saving = full.comparisons[`saving_vs_${key}_yuan`]
      assert.match(await row.locator('[data-testid="saving-yuan"]').textContent(), new RegExp(`${zh(saving, 0)} 元`))
      await row.locator('summary').click()
      assert.match(await row.locator('[data-testid="saving-text"]').textContent(), /节省|元/)
    }
    // The Sankey of the day and the server's explanation of the cost.
    await page.locator('[data-testid="plan-sankey"] canvas').waitFor()
    assert.ok((await page.locator('[data-testid="flow-list"] li').count()) > 0)
    const explained = full.explanation.filter((e) => !e.code.startsWith('dispatch.saving.')).length
    assert.ok(explained > 0)
    assert.equal(await page.locator('[data-testid="plan-explanation"] li.formula').count(), explained)
    // The LP downloads as MPS.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="plan-mps"]').click()])
    assert.match(download.suggestedFilename(), /\.mps$/)
    await screenshot(page, 'dispatch-plan-zh', { fullPage: true })
    assert.deepEqual(page.problems, [])
  })

  it('a grid instruction that no plan can meet is answered with the shortfall in numbers and the closest plan', async () => {
    const { page } = admin
    // Hold import at 1 MW for the next twelve hours: far more energy than the battery holds.
    const from = Math.ceil((Date.now() + HOUR) / (15 * 60000)) * 15 * 60000
    const to = from + 12 * HOUR
    await page.goto(`${BASE_URL}/dispatch/instructions`)
    await page.locator('[data-testid="instr-kind"]').selectOption('import_limit')
    await page.locator('[data-testid="instr-limit"]').fill('1')
    await page.locator('[data-testid="instr-from"]').fill(parkInput(from))
    await page.locator('[data-testid="instr-to"]').fill(parkInput(to))
    await page.locator('[data-testid="instr-ref"]').fill(`E2E-${Date.now()}`)
    await page.locator('[data-testid="instr-submit"]').click()
    const short = page.locator('[data-testid="instr-short"]')
    await short.waitFor()

    const listed = (await api(page, 'GET', `/dispatch/instructions?date=${parkDate(from)}`)).body.items
    const mine = listed.reduce((a, b) => (b.id > a.id ? b : a))
    assert.equal(mine.met, false)
    assert.ok(mine.shortfall.mwh_short > 0)
    // The sentence says the numbers, and the figures are the server's.
    const sentence = await short.textContent()
    assert.match(sentence, /MWh/)
    assert.ok(sentence.includes(formatTextNumber(mine.shortfall.mwh_short)), `${sentence} names ${mine.shortfall.mwh_short} MWh`)
    assert.equal((await page.locator('[data-testid="instr-mwh-short"]').textContent()).trim(), `${zh(mine.shortfall.mwh_short, 1)} MWh`)
    assert.equal((await page.locator('[data-testid="instr-max-over"]').textContent()).trim(), `${zh(mine.shortfall.max_over_mw, 2)} MW`)
    // The closest plan is there to open, and it says it does not meet the instruction.
    await page.locator('[data-testid="instr-plan-link"]').click()
    await page.locator('[data-testid="plan-shortfalls"]').waitFor()
    assert.match(await page.locator('[data-testid="plan-shortfall"]').first().textContent(), /MWh/)
    await screenshot(page, 'dispatch-instruction-zh', { fullPage: true })
    assert.deepEqual(page.problems, [])
  })

  it('an enterprise user sees only its own share of an order to cut load', async () => {
    const { page } = admin
    // Every enterprise with interruptible load takes part when the cut is as large as all of it together.
    const params = (await api(page, 'GET', '/dispatch/enterprises')).body.items
    const me = await newPage(chrome.browser)
    try {
      await login(me.page, ENT_USER)
      const user = (await api(me.page, 'GET', '/auth/me')).body
      const myId = user.enterprise_id ?? (user.user && user.user.enterprise_id)
      const mine = params.find((p) => p.enterprise_id === myId)
      assert.ok(mine, 'the enterprise has orderly-use parameters')
      if (!(mine.interruptible_mw > 0)) {
        const put = await api(page, 'PUT', `/dispatch/enterprises/${myId}`, { priority_tier: mine.priority_tier || 1, interruptible_mw: 2, protected_mw: mine.protected_mw || 0 })
        assert.equal(put.status, 200, JSON.stringify(put.body))
        mine.interruptible_mw = 2
      }
      const total = params.reduce((a, p) => a + (p.enterprise_id === myId ? mine.interruptible_mw : p.interruptible_mw || 0), 0)
      const from = Date.now() + 2 * HOUR
      const order = await api(page, 'POST', '/dispatch/orders', { cut_mw: Math.round(total * 10) / 10, from, to: from + 3 * HOUR, reference: `E2E-${Date.now()}` })
      assert.equal(order.status, 201, JSON.stringify(order.body))
      const others = order.body.allocations.filter((a) => a.enterprise_id !== myId && a.cut_mw > 0)
      assert.ok(others.length > 0, 'other enterprises share the cut too')

      await me.page.goto(`${BASE_URL}/dispatch/orderly`)
      await me.page.locator(`[data-testid="order-open-${order.body.id}"]`).click()
      const shares = me.page.locator('[data-testid="shares"] tbody tr')
      await me.page.locator(`[data-testid="share-${myId}"]`).waitFor()
      assert.equal(await shares.count(), 1, 'one row: its own')
      const own = order.body.allocations.find((a) => a.enterprise_id === myId)
      assert.equal((await me.page.locator(`[data-testid="share-${myId}"] [data-testid="share-cut"]`).textContent()).trim(), `${zh(own.cut_mw, 2)} MW`)
      const text = await me.page.locator('main').textContent()
      for (const o of others) assert.ok(!text.includes(o.enterprise_name), `${o.enterprise_name} is not shown`)
      // No park totals, no order form, and only its own parameters.
      assert.equal(await me.page.locator('[data-testid="order-form"]').count(), 0)
      assert.equal(await me.page.locator('[data-testid="order-allocated"]').count(), 0)
      assert.equal(await me.page.locator('[data-testid="params-table"] tbody tr').count(), 1)
      // The API agrees: its own allocation only, the order's totals hidden.
      const seen = (await api(me.page, 'GET', `/dispatch/orders/${order.body.id}`)).body
      assert.deepEqual(seen.allocations.map((a) => a.enterprise_id), [myId])
      assert.equal(seen.cut_mw, null)
      await screenshot(me.page, 'dispatch-orderly-enterprise-zh', { fullPage: true })
      assert.deepEqual(me.page.problems, [])
    } finally {
      await me.context.close()
    }
  })
})
