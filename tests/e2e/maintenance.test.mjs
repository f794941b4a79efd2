// Maintenance on a phone (issue 12, item 9): the park opens a work order and assigns it to the demo technician, who
// on a 390 px phone starts it, logs time and signs it off as done; then the pages of the maintenance menu for the
// park: the board, the plans with their derivation, the regulated equipment due list and the health overview, and
// a turbine's performance. An inspector walks a round on a phone that loses the network before submitting: the
// round is kept on the phone and sent when the network is back, and its out-of-limit reading becomes a finding on
// the server that opens a work order. The Modbus page lists the demo's device and names a bad field of a new one;
// the spare parts page receives stock. Screenshots go to test-artifacts/maintenance-*.png.
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
  it('an inspector walks a round on a phone that goes offline, and it is sent when the network is back', async () => {
    // The park sets up a route of every kind of check, walked daily from midnight, so its window is due now.
    const admin = await newPage(chrome.browser)
    let route
    let eqTag
    try {
      await login(admin.page, ADMIN)
      const eq = (await api(admin.page, 'GET', '/equipment?enterprise_id=2&page_size=2')).body.items
      const made = await api(admin.page, 'POST', '/maintenance/inspection-routes', {
        name: `储罐区巡检 ${Date.now() % 100000}`,
        schedule: { kind: 'daily', starts: ['00:00'] },
        checkpoints: [
          {
            equipment_id: eq[0].id,
            items: [
              { key: 'pressure', label: '罐顶压力', kind: 'number', low: 0, high: 0.2, unit: 'MPa' },
              { key: 'no_leaks', label: '无跑冒滴漏', kind: 'pass_fail' },
            ],
          },
          {
            equipment_id: eq[1].id,
            items: [
              { key: 'level', label: '液位', kind: 'number', low: 10, high: 90, unit: '%' },
              { key: 'gauge', label: '压力表照片', kind: 'photo' },
              { key: 'note', label: '备注', kind: 'text', required: false },
            ],
          },
        ],
      })
      assert.equal(made.status, 201, JSON.stringify(made.body))
      route = made.body
      eqTag = eq[0].tag
    } finally {
      await admin.context.close()
    }

    const { context, page } = await newPage(chrome.browser, { viewport: PHONE })
    try {
      await login(page, DEMO_LOGINS.technician)
      const due = (await api(page, 'GET', '/maintenance/rounds?days=1&status=due')).body.items
      const slot = due.find((w) => w.route_id === route.id).slot

      await page.goto(`${BASE_URL}/maintenance/rounds`)
      // The app keeps itself on the phone (a service worker) once it has been opened with the network.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true))
      await page.reload()
      await page.locator(`[data-testid="round-${route.id}-${slot}"][data-status="due"]`).waitFor()
      // Ready for the field: the phone keeps the due routes (and has the round page) for working offline.
      await page.waitForFunction(
        (id) => Object.values(JSON.parse(localStorage.getItem('parkbrain.rounds.offline.v1') || '{}')).some((c) => c.routes && c.routes[id]),
        route.id,
      )

      // The network goes before the round is started: the phone walks it from what it kept.
      await context.setOffline(true)
      await page.locator(`[data-testid="round-${route.id}-${slot}"] [data-testid="round-start-${route.id}"]`).click()
      await page.locator('[data-testid="round-start"]').click()
      await page.locator('[data-testid="round-sheet"]').waitFor()
      assert.ok((await page.locator('legend').first().textContent()).includes(eqTag), 'the checkpoint is named offline')

      // Every check answered; the first limited reading above its upper limit shows a finding at once.
      let over = null
      for (const cp of route.checkpoints) {
        for (const item of cp.items) {
          const at = `${cp.equipment_id}-${item.key}`
          if (item.kind === 'number') {
            const high = item.high ?? null
            const low = item.low ?? null
            const outside = !over && high !== null
            const value = outside ? high + 15 : low !== null && high !== null ? (low + high) / 2 : (low ?? high ?? 1)
            await page.locator(`[data-testid="answer-${at}"]`).fill(String(value))
            if (outside) {
              over = { equipment_id: cp.equipment_id, item: item.key }
              await page.locator(`[data-testid="finding-${at}"]`).waitFor()
            } else {
              assert.equal(await page.locator(`[data-testid="finding-${at}"]`).count(), 0, `${at} within limits has no finding`)
            }
          } else if (item.kind === 'pass_fail') {
            await page.locator(`[data-testid="pass-${at}"]`).check()
          } else if (item.kind === 'text') {
            await page.locator(`[data-testid="answer-${at}"]`).fill('正常')
          } else if (item.kind === 'photo') {
            const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9])
            await page.locator(`[data-testid="photo-${at}"]`).setInputFiles({ name: 'gauge.jpg', mimeType: 'image/jpeg', buffer: jpeg })
            await page.locator(`[data-testid="item-${at}"] [data-testid="photo-kept"]`).waitFor()
          }
        }
      }
      const total = route.checkpoints.reduce((n, cp) => n + cp.items.length, 0)
      await page.locator('[data-testid="round-progress"]', { hasText: `${total} / ${total}` }).or(page.locator('[data-testid="round-progress"]', { hasText: `${total} of ${total}` })).waitFor()

      // Submitted without the network, the round is kept on the phone.
      await page.locator('[data-testid="round-submit"]').click()
      await page.locator('[data-testid="round-queued"]').waitFor()
      const kept = await page.evaluate(() => Object.values(JSON.parse(localStorage.getItem('parkbrain.rounds.v1') || '{}')))
      const mine = kept.find((d) => d.route_id === route.id && d.slot === slot)
      assert.equal(mine.state, 'queued', 'the round waits on the phone')
      await screenshot(page, 'maintenance-round-queued-phone', { fullPage: true })
      // Still offline, the list shows what the phone kept, with the round waiting to be sent.
      await page.locator('main a[href="/maintenance/rounds"]').click()
      await page.locator('[data-testid="rounds-offline"]').waitFor()
      await page.locator(`[data-testid="round-${route.id}-${slot}"] [data-testid="round-local-${route.id}"]`).waitFor()
      await page.locator('[data-testid="rounds-pending"]').waitFor()
      await page.locator(`[data-testid="round-open-${route.id}"]`).click()
      await page.locator('[data-testid="round-queued"]').waitFor()
      // The phone's browser reloads the page with no network at all: the app comes from the phone, and the round
      // still waits to be sent.
      await page.reload()
      await page.locator('[data-testid="round-queued"]').waitFor()

      // The network comes back: the phone sends the round by itself.
      await context.setOffline(false)
      await page.locator('[data-testid="round-sent"]').waitFor()
      const sentStatus = await page.locator('[data-testid="round-sent"]').getAttribute('data-status')
      assert.ok(['done', 'late'].includes(sentStatus), `submitted as ${sentStatus}`)
      const finding = page.locator('[data-testid="round-findings"] li').first()
      await finding.waitFor()
      await finding.locator('button').click()
      await finding.locator('a[href^="/maintenance/work-orders/"]').waitFor()
      const width = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(width <= 1, `the round fits the phone (${width}px too wide)`)
      await screenshot(page, 'maintenance-round-sent-phone', { fullPage: true })

      // The server has the round once, submitted, with the finding and its work order.
      const done = (await api(page, 'GET', `/maintenance/rounds?days=1&status=${sentStatus}`)).body.items
      const w = done.find((x) => x.route_id === route.id && x.slot === slot)
      assert.ok(w && w.round_id, 'the window shows its round')
      assert.equal(w.client_id, mine.id)
      const round = (await api(page, 'GET', `/maintenance/rounds/${w.round_id}`)).body
      assert.ok(round.submitted_at)
      // The photo taken offline was uploaded to the round once and is the photo item's answer.
      assert.equal(round.attachments.length, 1)
      assert.equal(round.attachments[0].content_type, 'image/jpeg')
      const photo = round.answers.answers.find((a) => a.item === 'gauge')
      assert.equal(photo.value, round.attachments[0].id)
      const f = round.findings.find((x) => x.equipment_id === over.equipment_id && x.item === over.item)
      assert.ok(f, 'the out-of-limit reading is a finding on the server')
      assert.equal(f.reason.code, 'maintenance.round.finding.above_high')
      assert.ok(f.work_order_id, 'the finding opened a work order')

      // The list shows the round as submitted on this phone.
      await page.goto(`${BASE_URL}/maintenance/rounds`)
      await page.locator(`[data-testid="round-${route.id}-${slot}"][data-status="${sentStatus}"]`).waitFor()
      assert.deepEqual(page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(p)), [])
    } finally {
      await context.close()
    }
  })

  it('the Modbus page lists the demo device and names a bad field; spare parts receive stock', async () => {
    const { context, page } = await newPage(chrome.browser)
    try {
      await login(page, ADMIN)
      const before = (await api(page, 'GET', '/modbus/devices')).body.items
      const demo = before.find((d) => d.port === 1502)
      assert.ok(demo, 'the demo seeds a Modbus device')
      await page.goto(`${BASE_URL}/modbus/devices`)
      const card = page.locator(`[data-testid="modbus-device-${demo.id}"]`)
      await card.waitFor()
      assert.ok((await card.locator('h2').textContent()).includes(demo.name))
      assert.equal(await card.locator(`[data-testid="modbus-registers-${demo.id}"] tbody tr`).count(), demo.registers.length)
      assert.ok(['polling', 'unreachable', 'starting'].includes(await card.getAttribute('data-state')))

      // A host name is refused by the server, named beside its field, and nothing is stored.
      await page.locator('[data-testid="create"]').click()
      await page.locator('[data-testid="modbus-name"]').fill('冷却塔风机 VFD')
      await page.locator('[data-testid="modbus-host"]').fill('plc.example')
      await page.locator('[data-testid="modbus-reg-0-address"]').fill('3')
      await page.locator('[data-testid="modbus-reg-0-type"]').selectOption('uint16')
      await page.locator('[data-testid="modbus-reg-0-sensor"]').fill(demo.registers[0].sensor_key)
      await page.locator('[data-testid="save"]').click()
      await page.locator('[data-testid="modbus-form"] .field-error').first().waitFor()
      const hostError = await page.locator('[data-testid="modbus-host"] + .field-error').textContent()
      assert.ok(hostError.includes('IP'), `the host's error names what is wrong: ${hostError}`)
      assert.equal((await api(page, 'GET', '/modbus/devices')).body.items.length, before.length)
      await screenshot(page, 'maintenance-modbus', { fullPage: true })

      const parts = (await api(page, 'GET', '/maintenance/parts')).body.items
      const low = parts.find((p) => p.reorder)
      assert.ok(low, 'the demo has parts below their reorder point')
      await page.goto(`${BASE_URL}/maintenance/parts`)
      const row = page.locator(`[data-testid="part-${low.id}"]`)
      await row.waitFor()
      assert.equal(await row.getAttribute('data-reorder'), 'yes')
      const add = Math.ceil(low.reorder_point - low.quantity) + 5
      await page.locator(`[data-testid="part-receive-${low.id}"]`).fill(String(add))
      await page.locator(`[data-testid="part-receive-go-${low.id}"]`).click()
      await page.locator(`[data-testid="part-${low.id}"][data-reorder="no"]`).waitFor()
      const after = (await api(page, 'GET', '/maintenance/parts')).body.items.find((p) => p.id === low.id)
      assert.equal(after.quantity, low.quantity + add)

      await page.goto(`${BASE_URL}/maintenance/inspection-routes`)
      await page.locator('[data-testid="routes-tiles"]').waitFor()
      assert.ok(Number(await page.locator('[data-testid="routes-missed"]').textContent()) > 0, 'the demo has missed rounds')
      assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [])
    } finally {
      await context.close()
    }
  })
  it("the big screen's equipment page shows the park's health and open work orders to a wall token", async () => {
    const admin = await newPage(chrome.browser)
    let tokenId = null
    try {
      await login(admin.page, ADMIN)
      const issued = await api(admin.page, 'POST', '/tokens', { label: `e2e maintenance wall ${Date.now()}`, role: 'viewer', expires_in_days: 1 })
      assert.equal(issued.status, 201, JSON.stringify(issued.body))
      tokenId = issued.body.id
      const panel = (await api(admin.page, 'GET', '/maintenance/screen')).body
      const { context, page } = await newPage(chrome.browser, { viewport: { width: 1920, height: 1080 } })
      try {
        await page.goto(`${BASE_URL}/screen?page=equipment&rotate=0&token=${encodeURIComponent(issued.body.token)}`)
        const mean = page.locator('[data-testid="screen-health-mean"] .big')
        await mean.waitFor()
        assert.equal(await mean.textContent(), String(Math.round(panel.health.mean_score)))
        assert.equal(await page.locator('[data-testid="screen-orders-open"] .big').textContent(), String(panel.work_orders.open))
        assert.equal(await page.locator('[data-testid="screen-health-lowest"] li').count(), panel.health.lowest.length)
        assert.equal(await page.locator('[data-testid="screen-orders-oldest"] li').count(), panel.work_orders.oldest.length)
        await screenshot(page, 'maintenance-screen-zh')
        assert.deepEqual(page.problems, [])
      } finally {
        await context.close()
      }
    } finally {
      if (tokenId) await api(admin.page, 'DELETE', `/tokens/${tokenId}`)
      await admin.context.close()
    }
  })
})
