// End-to-end test of an alarm handled to closure (issue 11, item 5): park staff on a desktop acknowledge with a
// note, assign it to the technician and comment; the technician on a phone finds it under "assigned to me", is
// told what a closure needs, and closes it with a cause; the history tells the whole story and the open list
// no longer shows it. The alarm names its enterprise and equipment, and its current value follows the live feed.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, BASE_URL, DEMO_LOGINS, api, endAlarm, login, makeRule, makeSensor, newPage, screenshot, useBrowser, writeLines } from './helpers.mjs'

const chrome = useBrowser()

describe('Alarms handled to closure', { timeout: 180000 }, () => {
  it('acknowledge with a note, assign, comment on a desktop; close with a cause on a phone', async () => {
    const { context: adminCtx, page: admin } = await newPage(chrome.browser)
    const { context: staffCtx, page: staff } = await newPage(chrome.browser, { viewport: { width: 1366, height: 900 } })
    const { context: techCtx, page: tech } = await newPage(chrome.browser, { viewport: { width: 390, height: 844 } })
    let sensor = null
    let rule = null
    try {
      await login(admin, ADMIN)
      const ents = await api(admin, 'GET', '/enterprises?page=1&page_size=3')
      const enterprise = ents.body.items[2]
      sensor = await makeSensor(admin, enterprise.id, '闭环')
      rule = await makeRule(admin, sensor, 'critical')
      await writeLines(admin, [`${sensor.key} value=91.5 ${Date.now()}`])

      // Park staff: the alarm names its enterprise and equipment.
      await login(staff, DEMO_LOGINS.park_staff)
      await staff.goto(`${BASE_URL}/telemetry/alarms`)
      const row = staff.locator('[data-testid="alarms-table"] tbody tr[data-id]', { hasText: sensor.name })
      await row.waitFor()
      assert.equal((await row.locator('[data-testid="alarm-enterprise"]').textContent()).trim(), enterprise.name)
      assert.match(await row.locator('[data-testid="alarm-place"]').textContent(), new RegExp(sensor.equipment.name))
      // The current value follows the live feed.
      await staff.locator('[data-testid="alarms-live"].open').waitFor()
      await writeLines(admin, [`${sensor.key} value=93.25 ${Date.now()}`])
      await staff.waitForFunction(
        (name) => [...document.querySelectorAll('[data-testid="alarms-table"] tbody tr')].some((tr) => tr.textContent.includes(name) && /93\.25/.test(tr.querySelector('[data-testid="alarm-now"]')?.textContent || '')),
        sensor.name,
        { timeout: 10000 },
      )
      await row.locator('[data-testid="handle"]').click()
      await staff.waitForURL(/\/telemetry\/alarms\/\d+$/)
      const alarmId = staff.url().match(/(\d+)$/)[1]
      assert.equal((await staff.locator('[data-testid="ad-enterprise"]').textContent()).trim(), enterprise.name)

      await staff.locator('[data-testid="ack-note"]').fill('已通知车间值班长到现场查看')
      await staff.locator('[data-testid="ack-submit"]').click()
      await staff.locator('[data-testid="ad-notice"]', { hasText: '已确认告警' }).waitFor()
      const people = await api(staff, 'GET', `/alarms/${alarmId}/assignees`)
      const techUser = people.body.items.find((p) => p.name === DEMO_LOGINS.technician.name)
      await staff.locator(`[data-testid="assignee"] option[value="${techUser.id}"]`).waitFor({ state: 'attached' })
      await staff.locator('[data-testid="assignee"]').selectOption(String(techUser.id))
      await staff.locator('[data-testid="assign-submit"]').click()
      await staff.locator('[data-testid="ad-notice"]', { hasText: '已指派给' }).waitFor()
      await staff.locator('[data-testid="comment-body"]').fill('冷却水流量偏低，怀疑阀门卡滞')
      await staff.locator('[data-testid="comment-submit"]').click()
      await staff.locator('[data-testid="ad-notice"]', { hasText: '已添加备注' }).waitFor()
      await staff.locator('[data-testid="ad-history"] li[data-action="comment"]').waitFor()
      await screenshot(staff, 'alarm-handling-desktop', { fullPage: true })

      // The technician, on a phone: "assigned to me", then close. A closure needs a cause; "other" needs a note.
      await login(tech, DEMO_LOGINS.technician)
      await tech.goto(`${BASE_URL}/telemetry/alarms?assignee=me`)
      const mine = tech.locator(`[data-testid="alarms-table"] tbody tr[data-id="${alarmId}"]`)
      await mine.waitFor()
      await mine.locator('[data-testid="handle"]').click()
      await tech.waitForURL(new RegExp(`/telemetry/alarms/${alarmId}$`))
      await tech.locator('[data-testid="still-abnormal"]').waitFor()
      await tech.locator('[data-testid="close-cause"]').selectOption('other')
      await tech.locator('[data-testid="close-submit"]').click()
      const noteError = tech.locator('[data-field="note"] [data-testid="field-error"]').last()
      await noteError.waitFor()
      assert.match(await noteError.textContent(), /其他/)
      await tech.locator('[data-testid="close-cause"]').selectOption('equipment_fault')
      await tech.locator('[data-testid="close-note"]').fill('更换冷却水阀，流量恢复')
      await tech.locator('[data-testid="close-submit"]').click()
      await tech.locator('[data-testid="ad-closed"]').waitFor()
      assert.match(await tech.locator('[data-testid="ad-closed"]').textContent(), /设备故障/)
      const steps = await tech.locator('[data-testid="ad-history"] li').evaluateAll((lis) => lis.map((li) => li.dataset.action))
      assert.deepEqual(steps, ['raise', 'acknowledge', 'assign', 'comment', 'close'])
      const overflow = await tech.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px on a phone`)
      await screenshot(tech, 'alarm-closed-phone', { fullPage: true })

      // The open list no longer shows it; the closed filter does, with its cause.
      await tech.goto(`${BASE_URL}/telemetry/alarms`)
      await tech.locator('[data-testid="alarms-table"]').waitFor()
      await tech.waitForTimeout(300)
      assert.equal(await tech.locator(`[data-testid="alarms-table"] tbody tr[data-id="${alarmId}"]`).count(), 0)
      await tech.locator('[data-testid="al-state"]').selectOption('closed')
      await tech.locator(`[data-testid="alarms-table"] tbody tr[data-id="${alarmId}"] [data-testid="alarm-closed"]`).waitFor()
      for (const p of [staff, tech]) assert.deepEqual(p.problems.filter((x) => !/status of 400/.test(x)), [])
    } finally {
      if (sensor) await endAlarm(admin, sensor, rule)
      await techCtx.close()
      await staffCtx.close()
      await adminCtx.close()
    }
  })
})
