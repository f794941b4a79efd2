// End-to-end tests of the isotope pages and the big screen's shipments panel against a running `parkbrain demo`
// (PARKBRAIN_URL). The producer's dispatcher (iso) works on batches, orders and the decay store; each test makes
// the records it changes, so the suite can run again on the same database.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, BASE_URL, api, login, newPage, screenshot, useBrowser } from './helpers.mjs'

const chrome = useBrowser()
const ISO = { name: 'iso', password: 'iso-demo-2026' }
const HOSPITAL = { name: 'hospital', password: 'hospital-demo-2026' }
const HOUR = 3600000
const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`
const bqOf = (text) => Number(text.replace(/[^\d]/g, ''))

describe('isotope pages', { timeout: 240000 }, () => {
  it('the inventory decays batches live, exactly as A0 × 2^(−t/T½), and a producer releases a batch', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ISO)
      // A fresh batch on hold, so the release can be done again on every run.
      const code = `MO-E2E-${unique()}`
      const now = Date.now()
      const made = await api(page, 'POST', '/isotopes/batches', {
        code,
        nuclide: 'Mo-99',
        activity_bq: 5.0e13,
        reference_at: now - 2 * HOUR,
        expiry_at: now + 100 * HOUR,
        target: 'LEU',
        reactor: 'R-1',
      })
      assert.equal(made.status, 201, JSON.stringify(made.body))
      const nuclides = (await api(page, 'GET', '/isotopes/nuclides')).body.items
      const halfS = nuclides.find((n) => n.nuclide === 'Mo-99').half_life_s

      await page.locator('[data-testid="nav-iso-inventory"]').click()
      const row = page.locator(`[data-testid="batch-${code}"]`)
      await row.waitFor()
      assert.match(await row.locator('[data-testid="status"]').textContent(), /待放行/)
      const cell = row.locator('[data-testid="activity-bq"]')
      await page.waitForFunction((el) => /\d/.test(el.textContent), await cell.elementHandle())
      const t0 = Date.now()
      const first = bqOf(await cell.textContent())
      const t1 = Date.now()
      // The value shown is the decay law at a moment between the two clock reads.
      const at = (ms) => 5.0e13 * Math.pow(2, -(ms - made.body.reference_at) / 1000 / halfS)
      assert.ok(first <= at(t0 - 1500) + 1 && first >= at(t1) - 1, `${first} within [${at(t1)}, ${at(t0)}]`)
      await page.waitForTimeout(3000)
      const later = bqOf(await cell.textContent())
      assert.ok(later < first, `activity decays live: ${first} then ${later}`)

      // The explanation shows the live formula and the server's.
      await row.locator(`[data-testid="explain-${code}"]`).click()
      assert.match(await page.locator('[data-testid="batch-live-formula"]').textContent(), /2\^\(−[\d.]+ 小时 \/ 65\.94 h\)/)
      assert.match(await page.locator('[data-testid="batch-explanation"]').textContent(), /Mo-99/)

      // A time picked by the user shows the server's answer for that time (`?at=`), not the live figure.
      const picked = Math.floor((now - HOUR) / 60000) * 60000
      const local = new Date(picked + 8 * HOUR).toISOString().slice(0, 16) // the page runs in Asia/Shanghai
      await page.locator('[data-testid="inv-at"]').fill(local)
      await page.locator('[data-testid="inv-at-go"]').click()
      const server = (await api(page, 'GET', `/isotopes/batches?at=${picked}`)).body.items.find((b) => b.code === code)
      const atText = `${Math.round(server.activity_bq).toLocaleString('zh-CN')} Bq`
      await page.locator(`[data-testid="batch-${code}"] [data-testid="activity-bq"]`, { hasText: atText }).waitFor()
      assert.ok(server.activity_bq > first)
      await page.locator('[data-testid="inv-live"]').click()
      await page.locator('[data-testid="inv-live"]').waitFor({ state: 'detached' })

      // Quality release with a note.
      await row.locator(`[data-testid="release-${code}"]`).click()
      await page.locator('[data-testid="release-note"]').fill('QC-2026-E2E')
      await page.locator('[data-testid="release-confirm"]').click()
      await page.locator(`[data-testid="batch-${code}"] [data-testid="status"]`, { hasText: '已放行' }).waitFor()
      const after = (await api(page, 'GET', `/isotopes/batches/${made.body.id}`)).body
      assert.equal(after.status, 'released')
      await screenshot(page, 'isotope-inventory-zh', { fullPage: true })
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })

  it('a hospital places an order and sees the activity to dispatch with its explanation', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, HOSPITAL)
      await page.goto(`${BASE_URL}/isotopes/orders`)
      await page.locator('[data-testid="orders-table"]').waitFor()
      // A hospital sees only its own orders.
      const own = (await api(page, 'GET', '/isotopes/orders')).body.items
      const me = (await api(page, 'GET', '/auth/me')).body
      const myId = me.enterprise_id ?? (me.user && me.user.enterprise_id)
      assert.ok(own.every((o) => o.orderer_id === myId), 'only its own orders')

      await page.locator('[data-testid="order-new"]').click()
      await page.locator('[data-testid="of-nuclide"]').selectOption('Mo-99')
      await page.locator('[data-testid="of-activity"]').fill('200')
      await page.locator('[data-testid="of-margin"]').fill('10')
      await page.locator('[data-testid="of-submit"]').click()
      const created = page.locator('[data-testid="order-created"]')
      await created.waitFor()
      // Mo-99 shipped 24 h ahead of calibration (the form's defaults) with 10 % margin: 200 GBq × 2^(24/65.94) × 1.1.
      const expected = 200 * Math.pow(2, 24 / 65.94) * 1.1
      const shown = await page.locator('[data-testid="planned-dispatch"]').textContent()
      const gbq = Number(shown.replace(/[^\d.]/g, ''))
      assert.match(shown, /GBq/)
      assert.ok(Math.abs(gbq - expected) < 0.5, `planned ${shown}, expected about ${expected.toFixed(1)} GBq`)
      assert.match(await page.locator('[data-testid="planned-explanation"]').textContent(), /Mo-99.*2\^\(24 h \/ 65\.9 h\)/)
      await screenshot(page, 'isotope-order-zh', { fullPage: true })
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })

  it('the generator page draws the ingrowth curve from the last elution', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, HOSPITAL)
      await page.goto(`${BASE_URL}/isotopes/generators`)
      await page.locator('[data-testid="gen-curve"] canvas').waitFor()
      assert.match(await page.locator('[data-testid="tc99m-now"]').first().textContent(), /GBq/)
      assert.match(await page.locator('[data-testid="gen-explanation"]').textContent(), /锝|Tc-99m/)
      assert.ok((await page.locator('[data-testid="elutions-table"] tbody tr').count()) > 0)
      assert.match(await page.locator('[data-testid="breakthrough"]').first().textContent(), /未超限|超限/)
      await screenshot(page, 'isotope-generator-zh', { fullPage: true })
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })

  it('the decay store refuses to release a container before its date, with the reason', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ISO)
      const code = `WS-E2E-${unique()}`
      const made = await api(page, 'POST', '/isotopes/waste', {
        code,
        form: 'solid',
        sealed_at: Date.now() - HOUR,
        contents: [{ nuclide: 'I-131', activity_bq: 1.0e8 }],
      })
      assert.equal(made.status, 201, JSON.stringify(made.body))
      await page.goto(`${BASE_URL}/isotopes/waste`)
      const row = page.locator(`[data-testid="waste-${code}"]`)
      await row.waitFor()
      assert.match(await row.locator('[data-testid="waste-status"]').textContent(), /贮存中/)
      assert.match(await row.locator('[data-testid="deciding-rule"]').textContent(), /I-131/)
      await row.locator(`[data-testid="release-${code}"]`).click()
      const refusal = page.locator('[data-testid="waste-refusal"]')
      await refusal.waitFor()
      assert.match(await refusal.textContent(), /拒绝解控.*\d+/)
      const still = (await api(page, 'GET', '/isotopes/waste')).body.items.find((w) => w.code === code)
      assert.equal(still.status, 'storing')
      await screenshot(page, 'isotope-waste-zh', { fullPage: true })
      // The refused release is the one failed request the browser logs.
      assert.deepEqual(page.problems.filter((p) => !/status of 409/.test(p)), [])
    } finally {
      await context.close()
    }
  })

  it("the shipment plan and the big screen list today's shipments", async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      const orders = (await api(page, 'GET', '/isotopes/orders')).body.items
      const start = new Date(new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }) + 'T00:00:00+08:00').getTime()
      const today = orders.filter((o) => ['allocated', 'dispatched'].includes(o.status) && o.dispatch_at >= start && o.dispatch_at < start + 86400000)
      await page.goto(`${BASE_URL}/isotopes/shipments`)
      await page.locator('[data-testid="shipments-table"]').waitFor()
      if (today.length) await page.locator(`[data-testid="ship-${today[0].id}"]`).waitFor()
      assert.equal(await page.locator('[data-testid^="ship-"]:not([data-testid="ship-day"])').count(), today.length)
      await page.goto(`${BASE_URL}/screen?page=isotopes&rotate=0`)
      const panel = page.locator('[data-testid="screen-shipments"]')
      await panel.waitFor()
      if (today.length) await panel.locator(`[data-testid="shipment-${today[0].id}"]`).waitFor()
      assert.equal(await panel.locator('tbody tr').count(), today.length)
      await screenshot(page, 'isotope-screen-zh')
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })
})
