// End-to-end tests of the home page (issue 11 item 3): every demo role opens its home at a desktop size
// (1366x900) and on a phone (390x844), sees real figures of its own panels, and nothing is wider than the screen.
// Screenshots: test-artifacts/home-<role>-<desktop|phone>.png.
//
// The e2e server runs the demo without its simulator, so the test first gives the park a day of meter readings
// (enough points that telemetry seals them at once), an overheating reactor and an outlet over its limit.
import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, DEMO_LOGINS, api, login, newPage, screenshot, useBrowser, writeLines } from './helpers.mjs'

const chrome = useBrowser()

const ROLES = Object.entries(DEMO_LOGINS).map(([role, login]) => ({ role, login }))
const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1366, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]


// A number shown in an element (digits with grouping and decimals), or NaN.
async function numberIn(locator) {
  const text = (await locator.first().textContent()) || ''
  const m = /-?[\d,]+(\.\d+)?/.exec(text)
  return m ? Number(m[0].replace(/,/g, '')) : NaN
}

// Elements whose right edge lies beyond the viewport (the off-canvas menu and visually hidden text excepted), and
// whether the page scrolls sideways.
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const wide = []
    for (const el of document.querySelectorAll('main *')) {
      if (el.closest('.visually-hidden')) continue
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      if (r.right > width + 1) wide.push(`${el.tagName.toLowerCase()}.${el.className} → ${Math.round(r.right)} px`)
    }
    return { wide: wide.slice(0, 5), scrolls: document.documentElement.scrollWidth > width + 1 }
  })
}

async function openHome(page) {
  await page.locator('[data-testid="home-panels"]').waitFor()
  await page.waitForLoadState('networkidle').catch(() => {})
}

// What each role must see, with real figures.
const CHECKS = {
  async park(page) {
    assert.ok((await numberIn(page.locator('[data-testid="alarms-open"]'))) >= 1, 'open alarms counted')
    assert.ok((await page.locator('[data-testid="alarm-items"] li').count()) >= 1, 'the newest alarms are listed')
    assert.ok((await numberIn(page.locator('[data-testid="panel-inspections_due"] [data-testid="due-total"]'))) >= 1, 'checks due')
    const href = await page.locator('[data-testid="due-items"] a').first().getAttribute('href')
    assert.match(href, /^\/equipment\/\d+$/, 'a check links to its equipment')
    const water = page.locator('[data-testid="energy-item"][data-item="water"] [data-testid="energy-today"]')
    assert.ok((await numberIn(water)) > 0, 'water metered today')
    assert.match(await water.textContent(), /m³/, 'with its unit')
    assert.ok((await numberIn(page.locator('[data-testid="emissions-today"]'))) > 0, 'emissions today')
    assert.equal(await page.locator('[data-testid="panel-outlets"] li[data-state="over"]').count(), 1, 'the COD outlet is over its limit')
  },
  async enterprise(page) {
    assert.match((await page.locator('[data-testid="carbon-rating"] .home-figure-value').textContent()).trim(), /^[ABCD]$/, 'rating class')
    assert.ok((await numberIn(page.locator('[data-testid="carbon-total"] .home-figure-value'))) > 0, 'last year total')
    assert.ok((await page.locator('[data-testid="owed-items"] li').count()) >= 1, 'activity still owed')
    assert.equal(await page.locator('[data-testid="panel-environment"] li[data-state="over"]').count(), 1, 'own outlet over its limit')
    assert.ok((await numberIn(page.locator('[data-testid="safety-equipment"] .home-figure-value'))) > 0, 'own equipment')
    assert.ok((await numberIn(page.locator('[data-testid="month-item"][data-item="water"] [data-testid="month-this"]'))) > 0, 'water this month')
    assert.equal(await page.locator('[data-testid="panel-energy_today"]').count(), 0, "no park panels on an enterprise's file")
  },
  async technician(page) {
    assert.ok((await page.locator('[data-testid="alarm-items"] li').count()) >= 1, 'alarms to attend')
    assert.ok((await page.locator('[data-testid="due-items"] li').count()) >= 1, 'checks to do')
  },
  async driver(page) {
    // The demo driver's own appointments to come (its trip today, tomorrow's awaiting approval), as its own page has
    // them: requested or scheduled from today on, or under way; earliest first, at most five.
    const me = (await api(page, 'GET', '/logistics/me')).body
    const midnight = Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000
    const ahead = me.bookings
      .filter((b) => ['arrived', 'in_progress'].includes(b.status) || (['requested', 'scheduled'].includes(b.status) && b.slot_start >= midnight))
      .sort((a, b) => a.slot_start - b.slot_start || a.id - b.id)
    assert.ok(ahead.length >= 1, 'the demo seeds appointments for the driver login')
    const rows = page.locator('[data-testid="appointment-items"] li')
    await rows.first().waitFor()
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => Number(e.dataset.id))), ahead.slice(0, 5).map((b) => b.id))
    assert.ok((await page.locator('[data-testid="appointment-plate"]').allTextContents()).includes('苏B4N780'), "the driver's truck")
    const first = rows.first()
    assert.equal(await first.getAttribute('data-status'), ahead[0].status)
    assert.ok((await first.locator('[data-testid="appointment-status"]').textContent()).trim().length > 0, 'its status in words')
    assert.equal(await page.locator('[data-testid="panel-appointments-link"]').getAttribute('href'), '/logistics/my')
    assert.equal(await page.locator('[data-testid="panel-appointments-empty"]').count(), 0)
    assert.ok((await page.locator('[data-testid="dock-items"] li').count()) >= 1, 'loading docks listed')
    assert.equal(await page.locator('[data-testid="panel-alarms"]').count(), 0, 'no alarms for a driver')
  },
  async integrator(page) {
    assert.ok((await numberIn(page.locator('[data-testid="dataflow-series"] .home-figure-value'))) > 0, 'series')
    assert.ok((await numberIn(page.locator('[data-testid="dataflow-points"] .home-figure-value'))) > 0, 'points stored today')
    assert.ok((await page.locator('[data-testid="gateway-items"] li').count()) >= 1, 'gateways')
  },
}
const CHECK_OF = {
  park_admin: CHECKS.park,
  park_staff: CHECKS.park,
  enterprise_user: CHECKS.enterprise,
  technician: CHECKS.technician,
  driver: CHECKS.driver,
  integrator: CHECKS.integrator,
}

describe('home page per role', { timeout: 300000 }, () => {
  before(async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      const me = await api(page, 'GET', '/users?page_size=50')
      const entUser = me.body.items.find((u) => u.name === 'ent-user')
      const eq = await api(page, 'GET', `/equipment?enterprise_id=${entUser.enterprise_id}&page_size=1`)
      const stamp = `${Date.now()}`.slice(-9)
      const meters = []
      for (const [item, quantity, unit] of [
        ['water', 'water_volume', 'm3'],
        ['electricity', 'energy', 'kWh'],
      ]) {
        const res = await api(page, 'POST', '/sensors', {
          equipment_id: eq.body.items[0].id,
          key: `e2ehome${stamp}.${item}`,
          name: item === 'water' ? '首页测试水表' : '首页测试电表',
          kind: 'meter',
          quantity,
          unit,
          activity_item: item,
        })
        assert.equal(res.status, 201, JSON.stringify(res.body))
        meters.push(res.body)
      }
      // 800 readings five minutes apart up to now: more than a chunk (720), so telemetry seals them within a second.
      const now = Date.now()
      const lines = []
      for (const m of meters) {
        for (let i = 799; i >= 0; i--) lines.push(`${m.key} value=${(5000 + (800 - i) * 8.5).toFixed(2)} ${now - i * 300_000}`)
      }
      await writeLines(page, lines)
      await writeLines(page, [`e01.r_101.temp value=125.5 ${Date.now()}`, `33030400000001.w01018-rtd value=112 ${Date.now()}`])
      // Until the readings are sealed the home page knows only the newest one.
      for (let i = 0; i < 40; i++) {
        const home = await api(page, 'GET', '/home')
        const water = home.body.panels.find((p) => p.kind === 'energy_today')?.items.find((x) => x.item === 'water')
        if (water && water.today > 0) break
        await page.waitForTimeout(500)
      }
    } finally {
      await context.close()
    }
  })

  for (const { role, login: cred } of ROLES) {
    for (const { name, viewport } of VIEWPORTS) {
      it(`${role} on a ${name}`, async () => {
        const { context, page } = await newPage(chrome.browser, { viewport })
        try {
          await login(page, cred)
          if (role === 'gate') {
            // A gate guard's home is the gate: the plate form, ready to type into.
            await page.locator('[data-testid="gate-form"]').waitFor()
            assert.equal(new URL(page.url()).pathname, '/logistics/gate')
            const o = await overflow(page)
            assert.deepEqual(o.wide, [], `nothing wider than the ${viewport.width} px screen`)
            assert.equal(o.scrolls, false, 'no sideways scrolling')
            assert.deepEqual(page.problems, [])
            return
          }
          await openHome(page)
          assert.equal(await page.locator('[data-testid="home"]').getAttribute('data-role'), role)
          await CHECK_OF[role](page)
          const o = await overflow(page)
          assert.deepEqual(o.wide, [], `nothing wider than the ${viewport.width} px screen`)
          assert.equal(o.scrolls, false, 'no sideways scrolling')
          await screenshot(page, `home-${role}-${name}`, { fullPage: true })
          assert.deepEqual(page.problems, [])
        } finally {
          await context.close()
        }
      })
    }
  }

  it('speaks English on request, with the server texts in English too', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await page.addInitScript(() => localStorage.setItem('parkbrain.locale', 'en'))
      await login(page, DEMO_LOGINS.park_staff)
      await openHome(page)
      assert.equal((await page.locator('[data-testid="home-title"]').textContent()).trim(), 'The park today')
      assert.equal((await page.locator('#home-alarms').textContent()).trim(), 'Open alarms')
      assert.match(await page.locator('[data-testid="panel-outlets"] li[data-state="over"] .badge').textContent(), /over the limit/)
      await screenshot(page, 'home-park_staff-desktop-en', { fullPage: true })
    } finally {
      await context.close()
    }
  })
})
