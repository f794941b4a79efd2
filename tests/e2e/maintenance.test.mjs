// Maintenance on a phone (issue 12, item 9): the park opens a work order and assigns it to the demo technician, who
// on a 390 px phone starts it, logs time and signs it off as done; then the pages of the maintenance menu for the
// park: the board, the plans with their derivation, the regulated equipment due list and the health overview, and
// a turbine's performance. Screenshots go to test-artifacts/maintenance-*.png.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, BASE_URL, DEMO_LOGINS, api, login, newPage, screenshot, useBrowser } from './helpers.mjs'

const chrome = useBrowser()
const PHONE = { width: 390, height: 844 }

describe('Maintenance', { timeout: 300000 }, () => {
  it('a technician works a work order from a phone', async () => {
    const admin = await newPage(chrome.browser)
    let orderId
    try {
      await login(admin.page, ADMIN)
      const eq = await api(admin.page, 'GET', '/equipment?enterprise_id=1&type=pump&page_size=1')
      assert.equal(eq.status, 200)
      const title = `机封泄漏检查 ${Date.now() % 100000}`
      const made = await api(admin.page, 'POST', '/maintenance/work-orders', {
        equipment_id: eq.body.items[0].id,
        title,
        description: '泵体机封处有渗漏',
        priority: 'high',
      })
      assert.equal(made.status, 201, JSON.stringify(made.body))
      orderId = made.body.id
      const assigned = await api(admin.page, 'POST', `/maintenance/work-orders/${orderId}/transition`, { to: 'assigned', assignee: 'tech' })
      assert.equal(assigned.status, 200, JSON.stringify(assigned.body))
    } finally {
      await admin.context.close()
    }

    const { context, page } = await newPage(chrome.browser, { viewport: PHONE })
    try {
      await login(page, DEMO_LOGINS.technician)
      await page.goto(`${BASE_URL}/maintenance/work-orders`)
      await page.locator('[data-testid="wo-table"]').waitFor()
      await page.locator(`a[href="/maintenance/work-orders/${orderId}"]`).first().click()
      const badge = page.locator('[data-testid="wo-state-badge"]')
      await badge.waitFor()
      assert.equal(await badge.getAttribute('data-state'), 'assigned')

      await page.locator('[data-testid="wo-to-in_progress"]').check()
      await page.locator('[data-testid="wo-submit"]').click()
      await page.locator('[data-testid="wo-state-badge"][data-state="in_progress"]').waitFor()

      await page.locator('[data-testid="wo-time-minutes"]').fill('45')
      await page.locator('[data-testid="wo-time-note"]').fill('更换机封，试车正常')
      await page.locator('[data-testid="wo-time-submit"]').click()
      await page.locator('[data-testid="wo-minutes"]', { hasText: '45' }).waitFor()

      await page.locator('[data-testid="wo-to-done"]').check()
      await page.locator('[data-testid="wo-signature"]').fill('张工')
      await page.locator('[data-testid="wo-submit"]').click()
      await page.locator('[data-testid="wo-state-badge"][data-state="done"]').waitFor()
      const width = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(width <= 1, `the work order fits the phone (${width}px too wide)`)
      await screenshot(page, 'maintenance-work-order-phone', { fullPage: true })
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }

    // The park sees it signed: the technician cannot verify their own work, a park user can.
    const again = await newPage(chrome.browser)
    try {
      await login(again.page, ADMIN)
      const got = await api(again.page, 'GET', `/maintenance/work-orders/${orderId}`)
      assert.equal(got.body.state, 'done')
      assert.equal(got.body.done_signature, '张工')
      assert.equal(got.body.minutes_total, 45)
    } finally {
      await again.context.close()
    }
  })

  it('the park reads the board, plans, regulated dues, health and performance', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      await page.goto(`${BASE_URL}/maintenance/work-orders`)
      await page.locator('[data-testid="wo-columns"] a.order').first().waitFor()
      assert.ok((await page.locator('[data-testid="wo-columns"] a.order').count()) > 0, 'the board shows the demo orders')

      await page.goto(`${BASE_URL}/maintenance/plans`)
      await page.locator('[data-testid="plans-table"] tbody tr').first().waitFor()
      const overdue = await page.locator('[data-testid="plans-table"] .badge-danger').count()
      assert.ok(overdue > 0, 'the demo has overdue plans, shown first')

      await page.goto(`${BASE_URL}/maintenance/regulated`)
      await page.locator('[data-testid="reg-enterprises"] .tile').first().waitFor()
      assert.ok((await page.locator('tr[data-status="overdue"]').count()) > 0, 'overdue statutory inspections listed')
      await screenshot(page, 'maintenance-regulated', { fullPage: true })

      await page.goto(`${BASE_URL}/maintenance/health`)
      await page.locator('[data-testid="health-mean"]').waitFor()

      const wtg = await api(page, 'GET', '/equipment?type=wind_turbine&page_size=10')
      const id = wtg.body.items.find((e) => e.tag === 'WTG-103').id
      await page.goto(`${BASE_URL}/maintenance/performance?equipment=${id}`)
      await page.locator('[data-testid="perf-tiles"]').waitFor()
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })
})
