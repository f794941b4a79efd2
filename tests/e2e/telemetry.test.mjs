// End-to-end tests of the telemetry pages against a running `parkbrain demo` (PARKBRAIN_URL): the series
// explorer, live alarms on the big screen and the alarms page, and live values on an equipment page.
// Each test makes its own sensor (a key no simulator writes to), so its alarms stay until it ends them.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, BASE_URL, ENT_USER, api, endAlarm, login, makeRule, makeSensor, newPage, screenshot, useBrowser, writeLines } from './helpers.mjs'

const TECH = { name: 'tech', password: 'tech-demo-2026' }
const chrome = useBrowser()


async function enterpriseIdOf(page) {
  const me = await api(page, 'GET', '/auth/me')
  return me.body.enterprise_id
}

describe('ParkBrain telemetry pages', { timeout: 180000 }, () => {
  it('park admin picks a sensor in the series explorer and sees its chart, zooms, and reads the raw table', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      const ents = await api(page, 'GET', '/enterprises?page=1&page_size=1')
      const ent = ents.body.items[0]
      const sensor = await makeSensor(page, ent.id, '曲线')
      // Two hours of a wave, one point a minute, written through the line-protocol endpoint.
      const now = Date.now()
      const lines = []
      for (let i = 120; i >= 0; i--) lines.push(`gw ${sensor.key}=${(50 + 20 * Math.sin(i / 10)).toFixed(3)} ${now - i * 60_000}`)
      await writeLines(page, lines)

      await page.locator('[data-testid="nav-series"]').click()
      await page.waitForURL(/\/telemetry\/series/)
      await page.locator('#sx-enterprise').selectOption(String(ent.id))
      await page.locator('#sx-equipment').selectOption(String(sensor.equipment.id))
      await page.locator('#sx-sensor').selectOption(String(sensor.id))
      await page.waitForURL(new RegExp(`sensor_id=${sensor.id}`))
      const chart = page.locator('[data-testid="sx-chart"] canvas')
      await chart.first().waitFor()
      assert.match(await page.locator('[data-testid="sx-chart-card"] h2').textContent(), new RegExp(sensor.key.replace(/\./g, '\\.')))

      // The 1-hour preset re-queries; a wheel zoom asks the server for the zoomed window in detail.
      const oneHour = page.waitForRequest((r) => r.url().includes(`/series/`) && r.url().includes('/buckets'))
      await page.locator('[data-testid="preset-1h"]').click()
      await oneHour
      await chart.first().waitFor()
      const box = await page.locator('[data-testid="sx-chart"]').boundingBox()
      const zoomed = page.waitForRequest((r) => r.url().includes('/buckets'), { timeout: 10000 })
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -300)
      await zoomed
      await page.locator('[data-testid="sx-reset-zoom"]').waitFor()

      await page.locator('[data-testid="sx-raw-toggle"]').click()
      const rows = page.locator('[data-testid="sx-raw-table"] tbody tr')
      await rows.first().waitFor()
      assert.ok((await rows.count()) > 1, 'raw points are listed')
      await page.waitForTimeout(400)
      await screenshot(page, 'series-explorer', { fullPage: true })

      // The equipment page shows the sensor's latest value, online, with a link back to the explorer.
      await page.goto(`${BASE_URL}/equipment/${sensor.equipment.id}`)
      const tile = page.locator(`[data-testid="live-tile"][data-sensor="${sensor.id}"]`)
      await tile.waitFor()
      assert.match(await tile.locator('[data-testid="live-value"]').textContent(), /°C/)
      assert.equal((await tile.locator('[data-testid="live-online"]').textContent()).trim(), '在线')
      // A value over the sensor's high limit arrives live and is marked.
      await writeLines(page, [`${sensor.key} value=123.4 ${Date.now()}`])
      await tile.locator('[data-testid="live-out"]').waitFor({ timeout: 10000 })
      assert.match(await tile.locator('[data-testid="live-value"]').textContent(), /123\.4/)
      await screenshot(page, 'equipment-live-values', { fullPage: true })
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })

  it('the big screen shows an alarm arriving live, with online counts, from a read-only link', async () => {
    const { context: adminCtx, page: admin } = await newPage(chrome.browser)
    const { context, page } = await newPage(chrome.browser, { viewport: { width: 1920, height: 1080 } })
    let tokenId = null
    let sensor = null
    let rule = null
    try {
      await login(admin, ADMIN)
      const issued = await api(admin, 'POST', '/tokens', { label: `e2e alarm wall ${Date.now()}`, role: 'viewer', expires_in_days: 1 })
      assert.equal(issued.status, 201, JSON.stringify(issued.body))
      tokenId = issued.body.id
      const ents = await api(admin, 'GET', '/enterprises?page=1&page_size=1')
      sensor = await makeSensor(admin, ents.body.items[0].id, '大屏')
      rule = await makeRule(admin, sensor, 'critical')

      await page.goto(`${BASE_URL}/screen?token=${encodeURIComponent(issued.body.token)}`)
      await page.waitForFunction(() => document.querySelector('[data-testid="live-status"]')?.classList.contains('open'))
      await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="screen-sensorsOnline"] .kpi-value')?.textContent || ''))
      assert.equal(await page.locator(`[data-testid="screen-alarms"] li`, { hasText: sensor.name }).count(), 0)

      await writeLines(admin, [`${sensor.key} value=95.5 ${Date.now()}`])
      const item = page.locator('[data-testid="screen-alarms"] li', { hasText: sensor.name })
      await item.waitFor({ timeout: 10000 })
      assert.ok((await item.getAttribute('class')).includes('sev-critical'))
      // The alarm names its enterprise, and the enterprise's plot on the layout map lights up.
      const enterprise = ents.body.items[0]
      assert.match(await item.textContent(), new RegExp(enterprise.name.slice(0, 4)))
      await page.locator(`[data-testid="park-map"] [data-testid="plot-${enterprise.id}"][data-alarm="critical"]`).waitFor({ timeout: 10000 })
      // Newest first.
      assert.match(await page.locator('[data-testid="screen-alarms"] li').first().textContent(), new RegExp(sensor.name))
      await page.locator('[data-testid="ticker"] li.alarm', { hasText: sensor.name }).first().waitFor()
      await page.waitForTimeout(500)
      await screenshot(page, 'big-screen-alarms')

      // The alarm clears when the value comes back, and leaves the panel without a click.
      await writeLines(admin, [`${sensor.key} value=20 ${Date.now()}`])
      await item.waitFor({ state: 'detached', timeout: 10000 })
      assert.deepEqual(page.problems, [])
    } finally {
      if (rule) await api(admin, 'DELETE', `/alarm-rules/${rule.id}`)
      if (tokenId) await api(admin, 'DELETE', `/tokens/${tokenId}`)
      await context.close()
      await adminCtx.close()
    }
  })

  it("an enterprise user's alarms page shows only their enterprise, and a new alarm arrives without reload", async () => {
    const { context: adminCtx, page: admin } = await newPage(chrome.browser)
    const { context, page } = await newPage(chrome.browser)
    const made = []
    try {
      await login(admin, ADMIN)
      await login(page, ENT_USER)
      const own = await enterpriseIdOf(page)
      assert.ok(own, 'the enterprise user has an enterprise')
      const other = Number(own) === 1 ? 2 : 1
      // An alarm in another enterprise first, so there is something the user must not see.
      const foreign = await makeSensor(admin, other, '他企')
      made.push([foreign, await makeRule(admin, foreign, 'warning')])
      await writeLines(admin, [`${foreign.key} value=99 ${Date.now()}`])

      await page.locator('[data-testid="nav-alarms"]').click()
      await page.waitForURL(/\/telemetry\/alarms/)
      await page.locator('#al-state').selectOption('')
      await page.locator('[data-testid="alarms-live"].open').waitFor()

      // Their own alarm arrives live.
      const mine = await makeSensor(admin, own, '本企')
      made.push([mine, await makeRule(admin, mine, 'critical')])
      await writeLines(admin, [`${mine.key} value=97 ${Date.now()}`])
      const row = page.locator('[data-testid="alarms-table"] tbody tr[data-id]', { hasText: mine.name })
      await row.waitFor({ timeout: 10000 })

      const enterprises = await page.locator('[data-testid="alarms-table"] tbody tr[data-id]').evaluateAll((trs) => trs.map((tr) => tr.dataset.enterprise))
      assert.ok(enterprises.length >= 1)
      for (const e of enterprises) assert.equal(String(e), String(own))
      assert.equal(await page.locator('[data-testid="alarms-table"] tbody tr', { hasText: foreign.name }).count(), 0)
      assert.deepEqual(page.problems, [])
      const res = await api(page, 'GET', `/alarms?enterprise_id=${other}`)
      assert.equal(res.status, 403, "another enterprise's alarms are refused")
      await screenshot(page, 'alarms-enterprise-user-zh', { fullPage: true })
    } finally {
      for (const [s, r] of made) await endAlarm(admin, s, r)
      await context.close()
      await adminCtx.close()
    }
  })

  it('park admin acknowledges an alarm on the alarms page, then edits rules with a server error beside its field', async () => {
    const { context, page } = await newPage(chrome.browser)
    let sensor = null
    let rule = null
    try {
      await login(page, ADMIN)
      const ents = await api(page, 'GET', '/enterprises?page=1&page_size=1')
      sensor = await makeSensor(page, ents.body.items[0].id, '确认')
      rule = await makeRule(page, sensor, 'warning')
      await writeLines(page, [`${sensor.key} value=88.8 ${Date.now()}`])

      await page.goto(`${BASE_URL}/telemetry/alarms`)
      const row = page.locator('[data-testid="alarms-table"] tbody tr[data-id]', { hasText: sensor.name })
      await row.waitFor()
      assert.equal((await row.locator('[data-testid="alarm-state"]').textContent()).trim(), '告警中')
      await row.locator('[data-testid="ack"]').click()
      await page.locator('[data-testid="al-notice"]').waitFor()
      assert.equal((await row.locator('[data-testid="alarm-state"]').textContent()).trim(), '已确认')
      assert.equal(await row.locator('[data-testid="ack"]').count(), 0)
      assert.match(await row.textContent(), /admin/)
      await screenshot(page, 'alarms-page', { fullPage: true })

      // The server says acknowledged too.
      const list = await api(page, 'GET', '/alarms?state=acknowledged&page=1&page_size=50')
      assert.ok(list.body.items.some((a) => a.sensor_id === sensor.id && a.acknowledged_by))

      // Alarm rules: a threshold whose low is above its high is refused, shown at the field.
      await page.locator('[data-testid="to-rules"]').click()
      await page.waitForURL(/alarm-rules/)
      await page.locator('[data-testid="create"]').click()
      await page.locator('#r-name').fill(`E2E 规则 ${Date.now()}`)
      await page.locator('#r-enterprise_id').selectOption(String(ents.body.items[0].id))
      await page.locator('#r-equipment_id').selectOption(String(sensor.equipment.id))
      await page.locator('#r-sensor_id').selectOption(String(sensor.id))
      await page.locator('#r-high').fill('10')
      await page.locator('#r-low').fill('50')
      await page.locator('[data-testid="save"]').click()
      const err = page.locator('[data-field="low"] [data-testid="field-error"], [data-field="high"] [data-testid="field-error"]')
      await err.first().waitFor()
      await screenshot(page, 'alarm-rule-field-error', { fullPage: true })
      await page.locator('#r-low').fill('')
      await page.locator('[data-testid="save"]').click()
      await page.locator('[data-testid="rule-saved"]').waitFor()
      const rules = await api(page, 'GET', '/alarm-rules')
      const created = rules.body.items.find((r) => r.sensor_id === sensor.id && r.high === 10 && r.id !== rule.id)
      assert.ok(created, 'the rule was created')
      await api(page, 'DELETE', `/alarm-rules/${created.id}`)
      assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [])
    } finally {
      if (sensor) await endAlarm(page, sensor, rule)
      await context.close()
    }
  })

  it('a technician acknowledges on a phone: alarms and live values fit without sideways scrolling', async () => {
    const { context: adminCtx, page: admin } = await newPage(chrome.browser)
    const { context, page } = await newPage(chrome.browser, { viewport: { width: 390, height: 844 } })
    let sensor = null
    let rule = null
    try {
      await login(admin, ADMIN)
      const ents = await api(admin, 'GET', '/enterprises?page=1&page_size=1')
      sensor = await makeSensor(admin, ents.body.items[0].id, '手机')
      rule = await makeRule(admin, sensor, 'critical')
      await writeLines(admin, [`${sensor.key} value=91 ${Date.now()}`])

      await login(page, TECH)
      await page.goto(`${BASE_URL}/telemetry/alarms`)
      const row = page.locator('[data-testid="alarms-table"] tbody tr[data-id]', { hasText: sensor.name })
      await row.waitFor()
      let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 1, `alarms page overflows by ${overflow}px`)
      const ack = row.locator('[data-testid="ack"]')
      const size = await ack.boundingBox()
      assert.ok(size.height >= 40, `the acknowledge button is ${size.height}px tall`)
      await screenshot(page, 'phone-alarms-zh', { fullPage: true })
      await ack.click()
      await page.locator('[data-testid="al-notice"]').waitFor()

      await page.goto(`${BASE_URL}/equipment/${sensor.equipment.id}`)
      await page.locator(`[data-testid="live-tile"][data-sensor="${sensor.id}"]`).waitFor()
      overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 1, `equipment page overflows by ${overflow}px`)
      await screenshot(page, 'phone-equipment-live-zh', { fullPage: true })
    } finally {
      if (sensor) await endAlarm(admin, sensor, rule)
      await context.close()
      await adminCtx.close()
    }
  })

  it('meters in English: per-meter chart, totals and notes', async () => {
    const { context, page } = await newPage(chrome.browser, { locale: 'en' })
    try {
      await login(page, ADMIN)
      await page.evaluate(() => localStorage.setItem('parkbrain.locale', 'en'))
      // A meter with readings over the last days, one of them a reset, written through the API.
      const meters = await api(page, 'GET', '/sensors?kind=meter&page=1&page_size=1')
      const meter = meters.body.items[0]
      const now = Date.now()
      const lines = []
      let v = 1000
      for (let h = 72; h >= 0; h--) {
        v = h === 30 ? 5 : v + 10
        lines.push(`${meter.key} value=${v} ${now - h * 3600_000}`)
      }
      await writeLines(page, lines)
      await page.goto(`${BASE_URL}/telemetry/meters`)
      await page.locator('h1', { hasText: 'Meters' }).waitFor()
      await page.locator(`[data-testid="meters-table"] tr[data-id="${meter.id}"] button`).click()
      const detail = page.locator('[data-testid="meter-detail"]')
      await detail.locator('canvas').waitFor()
      await detail.locator('[data-testid="meter-notes"]').waitFor()
      assert.match(await detail.locator('[data-testid="meter-notes"]').textContent(), /Reset|Re-baselined|Glitch|Gap|Rollover|Unconfirmed drop/)
      await page.locator('[data-testid="meters-park"] .figure').first().waitFor()
      await screenshot(page, 'meters-en', { fullPage: true })
      assert.deepEqual(page.problems, [])
    } finally {
      await context.close()
    }
  })
})
