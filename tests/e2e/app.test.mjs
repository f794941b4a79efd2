// End-to-end tests of the web app against a running `parkbrain demo` (PARKBRAIN_URL, default
// http://127.0.0.1:8080). Run: node --test tests/e2e/
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, BASE_URL, ENT_USER, api, login, newPage, screenshot, useBrowser } from './helpers.mjs'

const chrome = useBrowser()

describe('ParkBrain web app', { timeout: 120000 }, () => {
  it('park admin signs in and sees the park and its enterprises', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      // Home: the park today, with real figures (statutory checks due from the demo's equipment).
      const due = page.locator('[data-testid="panel-inspections_due"] [data-testid="due-total"] .home-figure-value')
      await due.waitFor()
      const count = Number((await due.textContent()).replace(/[^\d]/g, ''))
      assert.ok(count > 0, `${count} checks due`)
      await screenshot(page, 'overview-admin-zh', { fullPage: true })

      await page.locator('[data-testid="nav-enterprises"]').click()
      await page.waitForURL(/\/enterprises$/)
      const rows = page.locator('[data-testid="enterprises-table"] tbody tr[data-id]')
      await rows.first().waitFor()
      assert.ok((await rows.count()) > 1, 'more than one enterprise listed')
      await screenshot(page, 'enterprises-admin-zh', { fullPage: true })

      // Search narrows the list; the first enterprise's page opens from it.
      const firstName = (await rows.first().locator('td').first().textContent()).trim()
      await page.locator('[data-testid="search"]').fill(firstName)
      await page.locator('form[role="search"] button[type="submit"]').click()
      await page.waitForURL(/q=/)
      await page.locator('[data-testid="enterprises-table"] tbody tr[data-id]').first().waitFor()
      await page.locator('[data-testid="enterprises-table"] tbody tr[data-id] a').first().click()
      await page.locator('[data-testid="detail-title"]').waitFor()
      assert.equal((await page.locator('[data-testid="detail-title"]').textContent()).trim(), firstName)
      await screenshot(page, 'enterprise-detail-admin-zh', { fullPage: true })
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })

  it('a bad credit code is shown beside its field', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      await page.goto(`${BASE_URL}/enterprises/new`)
      await page.locator('#f-name').fill('端到端测试企业')
      await page.locator('#f-credit_code').fill('91330000MA2ABCDE1Z')
      await page.locator('#f-sector').fill('2710')
      await page.locator('[data-testid="save"]').click()
      const err = page.locator('[data-field="credit_code"] [data-testid="field-error"]')
      await err.waitFor()
      assert.ok((await err.textContent()).trim().length > 0)
      assert.equal(await page.locator('#f-credit_code').getAttribute('aria-invalid'), 'true')
      assert.match(page.url(), /\/enterprises\/new$/)
      await screenshot(page, 'enterprise-form-field-error', { fullPage: true })

      // Every control on the registry forms has a label a screen reader can read.
      for (const form of ['/enterprises/new', '/equipment/new', '/sensors/new', '/facilities/new']) {
        await page.goto(`${BASE_URL}${form}`)
        await page.locator('[data-testid="save"]').waitFor()
        const unlabelled = await page.evaluate(() =>
          [...document.querySelectorAll('main input, main select, main textarea')]
            .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map((el) => el.id || el.name || el.outerHTML.slice(0, 60)),
        )
        assert.deepEqual(unlabelled, [], `unlabelled controls on ${form}`)
      }
    } finally {
      await context.close()
    }
  })

  it('an enterprise user sees only their own enterprise', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ENT_USER)
      // No park-wide enterprise list in the navigation; "my enterprise" instead.
      assert.equal(await page.locator('[data-testid="nav-enterprises"]').count(), 0)
      assert.equal(await page.locator('[data-testid="nav-users"]').count(), 0)
      await page.locator('[data-testid="nav-my-enterprise"]').waitFor()

      const me = await api(page, 'GET', '/auth/me')
      assert.equal(me.status, 200)
      assert.equal(me.body.role, 'enterprise_user')
      const list = await api(page, 'GET', '/enterprises?page=1&page_size=100')
      assert.equal(list.status, 200)
      assert.equal(list.body.total, 1, 'the enterprise list holds one enterprise')
      assert.equal(String(list.body.items[0].id), String(me.body.enterprise_id))

      // The enterprises URL lands on their own enterprise's page.
      await page.goto(`${BASE_URL}/enterprises`)
      await page.waitForURL(new RegExp(`/enterprises/${me.body.enterprise_id}$`))
      await page.locator('[data-testid="detail-title"]').waitFor()
      assert.equal((await page.locator('[data-testid="detail-title"]').textContent()).trim(), list.body.items[0].name)

      // The park figures are scoped to the enterprise, and another enterprise's record is refused.
      const park = await api(page, 'GET', '/park')
      assert.equal(park.body.enterprise_count, 1)
      if (/^\d+$/.test(String(me.body.enterprise_id))) {
        const other = Number(me.body.enterprise_id) === 1 ? 2 : 1
        const res = await api(page, 'GET', `/enterprises/${other}`)
        assert.ok([403, 404].includes(res.status), `another enterprise answered ${res.status}`)
      }
      await screenshot(page, 'enterprise-user-zh', { fullPage: true })

      // Equipment the user sees all belongs to the enterprise.
      const eq = await api(page, 'GET', '/equipment?page=1&page_size=100')
      assert.equal(eq.status, 200)
      for (const item of eq.body.items) assert.equal(String(item.enterprise_id), String(me.body.enterprise_id))
    } finally {
      await context.close()
    }
  })

  it('switches to English and remembers it', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await page.goto(`${BASE_URL}/login`)
      assert.equal((await page.locator('#login-title').textContent()).trim(), '登录')
      await page.locator('[data-testid="lang-switch"]').click()
      assert.equal((await page.locator('#login-title').textContent()).trim(), 'Sign in')
      assert.equal(await page.locator('html').getAttribute('lang'), 'en')
      await login(page, ADMIN)
      await page.locator('[data-testid="nav-enterprises"]').waitFor()
      assert.equal((await page.locator('[data-testid="nav-enterprises"]').textContent()).trim(), 'Enterprises')
      assert.equal((await page.locator('[data-testid="nav-overview"]').textContent()).trim(), 'Park overview')
      assert.equal((await page.locator('[data-testid="logout"]').textContent()).trim(), 'Sign out')
      await page.reload()
      await page.locator('[data-testid="nav-equipment"]').waitFor()
      assert.equal((await page.locator('[data-testid="nav-equipment"]').textContent()).trim(), 'Equipment')
      await page.locator('[data-testid="nav-equipment"]').click()
      await page.locator('[data-testid="equipment-table"] tbody tr[data-id]').first().waitFor()
      await screenshot(page, 'equipment-admin-en', { fullPage: true })

      // Sign out returns to the login page, still in English.
      await page.locator('[data-testid="logout"]').click()
      await page.waitForURL(/\/login/)
      assert.equal((await page.locator('#login-title').textContent()).trim(), 'Sign in')
    } finally {
      await context.close()
    }
  })

  it('works at phone size with a menu button', async () => {
    const { context, page } = await newPage(chrome.browser, { viewport: { width: 390, height: 844 } })
    try {
      await login(page, ADMIN)
      const nav = page.locator('#main-nav')
      assert.equal(await nav.isVisible(), false, 'navigation is folded away on a phone')
      await page.locator('.menu-btn').click()
      await page.locator('[data-testid="nav-facilities"]').waitFor({ state: 'visible' })
      await page.waitForTimeout(400) // the drawer slides in
      await screenshot(page, 'phone-menu-zh')
      await page.locator('[data-testid="nav-facilities"]').click()
      await page.waitForURL(/\/facilities$/)
      await page.locator('[data-testid="facilities-table"] tbody tr[data-id]').first().waitFor()
      // The page itself does not scroll sideways; wide tables scroll in their own box.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 1, `page overflows by ${overflow}px`)
      await screenshot(page, 'phone-facilities-zh', { fullPage: true })
    } finally {
      await context.close()
    }
  })

  it('a park admin makes a big-screen link with one click beside 数据大屏, and it opens the screen', async () => {
    const { context, page } = await newPage(chrome.browser)
    const { context: wallCtx, page: wall } = await newPage(chrome.browser, { viewport: { width: 1920, height: 1080 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    try {
      await login(page, ADMIN)
      await page.locator('[data-testid="screen-link"]').click()
      const input = page.locator('[data-testid="screen-link-result"] input')
      await input.waitFor()
      const link = await input.inputValue()
      assert.match(link, /\/screen\?token=/)
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the link is on the clipboard')
      await screenshot(page, 'screen-link-zh')
      await wall.goto(link)
      await wall.locator('[data-testid="park-map"] [data-testid^="plot-"]').first().waitFor()
      // The link is an ordinary viewer token, listed and revocable on the tokens page.
      const tokens = await api(page, 'GET', '/tokens?page_size=200')
      const made = (tokens.body.items || tokens.body)
        .filter((x) => x.role === 'viewer' && x.label.startsWith('大屏链接'))
        .sort((a, b) => b.id - a.id)[0]
      assert.ok(made, 'the screen link is a listed viewer token')
      await api(page, 'DELETE', `/tokens/${made.id}`)
      assert.deepEqual(page.problems, [])
      assert.deepEqual(wall.problems, [])
    } finally {
      await wallCtx.close()
      await context.close()
    }
  })

  it('the big screen runs from a read-only link and shows live events', async () => {
    // A park admin creates a revocable viewer token; the screen opens with it in a context with no session.
    const { context: adminCtx, page: admin } = await newPage(chrome.browser)
    const { context, page } = await newPage(chrome.browser, { viewport: { width: 1920, height: 1080 } })
    let tokenId = null
    try {
      await login(admin, ADMIN)
      const issued = await api(admin, 'POST', '/tokens', { label: `e2e wall ${Date.now()}`, role: 'viewer', expires_in_days: 1 })
      assert.equal(issued.status, 201, JSON.stringify(issued.body))
      tokenId = issued.body.id
      const token = issued.body.token
      const started = Date.now()
      const dayAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/screen/today') && r.ok())
      await page.goto(`${BASE_URL}/screen?token=${encodeURIComponent(token)}`)
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid="screen-enterprises"] .kpi-value')
        return el && /\d/.test(el.textContent)
      })
      const loadMs = Date.now() - started
      await page.locator('[data-testid="park-map"] [data-testid^="plot-"]').first().waitFor()
      const mapMs = Date.now() - started
      // Today's energy: shown as soon as the server answers (this suite serves the park without its simulator, so
      // there may be no reading today; when there is one, its figure must be on the wall).
      const dayBody = await (await dayAnswer).json()
      const elecToday = (dayBody.panels || []).flatMap((p) => p.items || []).find((i) => i.item === 'electricity')?.today
      if (typeof elecToday === 'number') {
        await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="screen-today-electricity"] .kpi-value')?.textContent || ''))
      }
      const dayMs = Date.now() - started
      assert.equal(await page.evaluate(() => localStorage.getItem('parkbrain.token')), null, 'the link token is not stored')
      await page.waitForFunction(() => document.querySelector('[data-testid="live-status"]')?.classList.contains('open'))

      // An alarm raised elsewhere arrives on the ticker without a click; registry changes (audit events) are the
      // audit log's readers' business and never reach a screen token.
      const sensors = await api(admin, 'GET', '/sensors?page=1&page_size=1')
      const sensor = sensors.body.items[0]
      const rule = await api(admin, 'POST', '/alarm-rules', {
        name: `E2E 大屏告警 ${Date.now()}`,
        sensor_id: sensor.id,
        kind: 'threshold',
        high: 1e6,
        severity: 'critical',
      })
      assert.equal(rule.status, 201, JSON.stringify(rule.body))
      const device = await api(admin, 'POST', '/tokens', { label: `e2e screen device ${Date.now()}`, role: 'device', expires_in_days: 1 })
      const auditName = `E2E 大屏审计 ${Date.now()}`
      const created = await api(admin, 'POST', '/facilities', { enterprise_id: sensor.enterprise_id, name: auditName, kind: 'office' })
      try {
        const write = await page.evaluate(
          async ({ t, key }) => {
            const res = await fetch('/api/v1/write?precision=s', {
              method: 'POST',
              headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'text/plain' },
              body: `${key} value=2000000 ${Math.floor(Date.now() / 1000)}`,
            })
            return res.status
          },
          { t: device.body.token, key: sensor.key },
        )
        assert.equal(write, 204)
        await page.locator('[data-testid="ticker"] li.alarm').first().waitFor({ timeout: 10000 })
        assert.equal(await page.locator('[data-testid="ticker"] li', { hasText: auditName }).count(), 0, 'an audit event reached the screen')
      } finally {
        await api(admin, 'DELETE', `/facilities/${created.body.id}`)
        await api(admin, 'DELETE', `/alarm-rules/${rule.body.id}`)
        await api(admin, 'DELETE', `/tokens/${device.body.id}`)
      }
      await page.waitForTimeout(500)
      await screenshot(page, 'big-screen')
      console.log(`big screen showed its counts ${loadMs} ms, its layout map ${mapMs} ms and today's energy ${dayMs} ms after navigation`)
      assert.deepEqual(page.problems, [])
      // The link reads but cannot write.
      const write = await page.evaluate(async (t) => {
        const res = await fetch('/api/v1/enterprises/1', {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ address: 'x' }),
        })
        return res.status
      }, token)
      assert.equal(write, 403)
    } finally {
      if (tokenId) await api(admin, 'DELETE', `/tokens/${tokenId}`)
      await context.close()
      await adminCtx.close()
    }
  })

  it('admin pages: users, audit log and a token shown once', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      await page.locator('[data-testid="nav-users"]').click()
      await page.locator('[data-testid="users-table"] tbody tr td.mono').first().waitFor()
      await page.locator('[data-testid="nav-audit"]').click()
      await page.locator('[data-testid="audit-table"] tbody tr').first().waitFor()
      await screenshot(page, 'audit-zh', { fullPage: true })

      await page.locator('[data-testid="nav-tokens"]').click()
      await page.locator('[data-testid="create"]').click()
      const label = `e2e-${Date.now()}`
      await page.locator('#t-label').fill(label)
      await page.locator('[data-testid="token-form"] button[type="submit"]').click()
      const value = page.locator('[data-testid="token-value"]')
      await value.waitFor()
      assert.ok((await value.inputValue()).length >= 16, 'the new token is shown')
      const row = page.locator('[data-testid="tokens-table"] tbody tr', { hasText: label })
      await row.waitFor()
      page.once('dialog', (d) => d.accept())
      await row.locator('button').click()
      // A revoked token stays listed, marked revoked, with no revoke button.
      await row.locator('[data-testid="token-revoked"]').waitFor()
      assert.equal(await row.locator('button').count(), 0)
      await screenshot(page, 'tokens-zh', { fullPage: true })
    } finally {
      await context.close()
    }
  })
})
