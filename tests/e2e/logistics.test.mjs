// End-to-end tests of the hazardous-chemical vehicle appointment pages (issue 13) against a running `parkbrain demo`
// (PARKBRAIN_URL): a driver books a dock on a phone and sees the appointment, a refusal shows the server's reason,
// and the gate guard checks a booked plate in (and sees its zone) and a refused plate (and sees why). Each test makes
// the records it changes and undoes what would block a second run (the booking is cancelled, the vehicle leaves).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, BASE_URL, DEMO_LOGINS, api, login, newPage, screenshot, useBrowser } from './helpers.mjs'

const chrome = useBrowser()
const PHONE = { width: 390, height: 844 }
const DRIVER = DEMO_LOGINS.driver
const GATE = { name: 'gate', password: 'gate-demo-2026' }
const MIN = 60_000
const DAY = 86_400_000
const PARK_OFFSET = 8 * 60 * MIN // the demo park runs on China Standard Time

const parkDay = (ms) => new Date(ms + PARK_OFFSET).toISOString().slice(0, 10)
const hhmm = (ms) => new Date(ms + PARK_OFFSET).toISOString().slice(11, 16).replace(':', '')
// A dock entry admits a label when equal or when it is the label's class ("2" admits "2.3"), as the server decides.
const admits = (entry, label) => entry === label || label.split('+')[0].split('.')[0] === entry
const accepts = (dock, goods) => goods.labels.every((l) => (dock.labels || []).some((e) => admits(e, l)))
const validOn = (date, day) => !date || date >= day
// A plate of our own, new on every run: 鲁 + office letter + five digits.
const newPlate = () => `鲁E${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`

describe('vehicle appointment pages', { timeout: 240000 }, () => {
  it('a driver books a slot on a phone, sees the appointment and a refusal with its reason, then cancels', async () => {
    const { context, page } = await newPage(chrome.browser, { viewport: PHONE })
    try {
      await login(page, DRIVER)
      // Pick, from what the driver may read, a dock, goods it accepts and goods it refuses, and a vehicle whose
      // documents are valid two days ahead (past the next-day cutoff whatever the hour).
      const day = parkDay(Date.now() + 2 * DAY)
      const docks = (await api(page, 'GET', '/logistics/docks')).body.items
      const goods = (await api(page, 'GET', '/logistics/goods')).body.items
      const vehicles = (await api(page, 'GET', '/logistics/vehicles')).body.items
      const vehicle = vehicles.find(
        (v) => !v.blacklisted_until && validOn(v.permit_expires, day) && (!v.tank || validOn(v.tank_cert_expires, day)),
      )
      assert.ok(vehicle, `the demo driver has a vehicle with valid documents: ${JSON.stringify(vehicles)}`)
      let dock = null
      let good = null
      let refused = null
      for (const d of docks.filter((x) => !x.requires_approval && (x.labels || []).length)) {
        const ok = goods.find((g) => g.labels.length && accepts(d, g))
        const no = goods.find((g) => g.labels.length && !accepts(d, g) && !g.labels.some((l) => l.startsWith('1')))
        if (ok && no) {
          ;[dock, good, refused] = [d, ok, no]
          break
        }
      }
      assert.ok(dock, 'a dock without approval that accepts some goods and not others')

      await page.goto(`${BASE_URL}/logistics/book`)
      await page.locator(`[data-testid="bk-ent-${dock.enterprise_id}"]`).click()
      const dockButton = page.locator(`[data-testid="bk-dock-${dock.id}"]`)
      if ((await dockButton.getAttribute('aria-checked')) !== 'true') await dockButton.click()
      await page.locator(`[data-testid="bk-day-${day}"]`).click()
      const slot = page.locator('[data-testid="bk-slots"] button[data-bookable="1"]').first()
      await slot.waitFor()
      const slotTestId = await slot.getAttribute('data-testid')
      await slot.click()
      await page.locator('[data-testid="bk-plate"]').fill(vehicle.plate)
      await page.locator('[data-testid="bk-op-unloading"]').click()

      // Goods the dock does not take: refused, the reason says which label and what the dock accepts; nothing is
      // stored (one booking more at the end, not two).
      const before = new Set((await api(page, 'GET', '/logistics/me')).body.bookings.map((b) => b.id))
      await page.locator('[data-testid="bk-un-0"]').fill(refused.un_number)
      await page.locator('[data-testid="bk-kg-0"]').fill('1000')
      await page.locator('[data-testid="bk-submit"]').click()
      const refusal = page.locator('[data-testid="bk-refusal"] [data-testid="error-box"]')
      await refusal.waitFor()
      const refusalText = await refusal.textContent()
      assert.match(refusalText, /不接收/, refusalText)
      assert.ok(refusalText.includes(refused.un_number), `the refusal names ${refused.un_number}: ${refusalText}`)
      assert.ok(refusalText.includes('货物 1'), `the refusal names the goods line: ${refusalText}`)
      await screenshot(page, 'logistics-book-refused-phone', { fullPage: true })

      // Goods the dock accepts: booked.
      await page.locator('[data-testid="bk-un-0"]').fill(good.un_number.replace(/^UN/, ''))
      await page.locator('[data-testid="bk-submit"]').click()
      const booked = page.locator('[data-testid="booked"]')
      await booked.waitFor()
      assert.equal(await booked.getAttribute('data-status'), 'scheduled')
      assert.match(await booked.textContent(), /预约成功/)
      const mine = (await api(page, 'GET', '/logistics/me')).body.bookings
      const fresh = mine.filter((b) => !before.has(b.id))
      assert.equal(fresh.length, 1, 'one booking more: the refused one was not stored')
      const made = fresh.find((b) => b.plate === vehicle.plate && parkDay(b.slot_start) === day && `bk-slot-${hhmm(b.slot_start)}` === slotTestId)
      assert.ok(made, 'the booking is stored for the slot picked')
      assert.deepEqual(made.goods.map((g) => g.un_number), [good.un_number])
      await screenshot(page, 'logistics-booked-phone', { fullPage: true })

      // My appointments shows it, scheduled, and nothing on the page runs off the phone's screen.
      await page.locator('[data-testid="booked"] a[href="/logistics/my"]').click()
      const card = page.locator(`[data-testid="booking-${made.id}"]`)
      await card.waitFor()
      assert.equal(await card.getAttribute('data-status'), 'scheduled')
      assert.match(await card.locator('[data-testid="booking-status"]').textContent(), /已预约/)
      const extra = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(extra <= 1, `the page is ${extra}px wider than the phone`)

      // Cancelled from the phone: the place is given back and the reason is shown.
      await page.locator(`[data-testid="cancel-${made.id}"]`).click()
      await page.locator(`[data-testid="cancel-yes-${made.id}"]`).click()
      await page.locator(`[data-testid="booking-${made.id}"][data-status="cancelled"]`).waitFor()
      assert.match(await page.locator(`[data-testid="booking-${made.id}"] [data-testid="booking-reason"]`).textContent(), /驾驶员/)
      assert.deepEqual(page.problems.filter((p) => !/status of (400|409)/.test(p)), [])
    } finally {
      await context.close()
    }
  })

  it('the gate guard checks a booked plate in and sees its zone, and sees why an unknown plate is refused', async () => {
    const admin = await newPage(chrome.browser)
    const guard = await newPage(chrome.browser, { viewport: PHONE })
    let plate = null
    try {
      // A vehicle and a booking of its own for today, made by the park (who may book for any driver).
      await login(admin.page, ADMIN)
      const booking = await bookToday(admin.page)
      plate = booking.plate

      await login(guard.page, GATE)
      await guard.page.goto(`${BASE_URL}/logistics/gate`)
      await guard.page.locator('[data-testid="gate-plate"]').fill(plate)
      await guard.page.locator('[data-testid="gate-dir-in"]').click()
      await guard.page.locator('[data-testid="gate-submit"]').click()
      const decision = guard.page.locator('[data-testid="gate-decision"]')
      await decision.waitFor()
      assert.equal(await decision.getAttribute('data-decision'), 'checked_in', await decision.textContent())
      assert.match(await decision.textContent(), /已登记入园/)
      const zoneShown = (await guard.page.locator('[data-testid="gate-zone"]').textContent()).trim()
      const stored = (await api(admin.page, 'GET', `/logistics/bookings/${booking.id}`)).body
      assert.equal(stored.status, 'arrived')
      assert.ok(stored.zone_name && zoneShown.includes(stored.zone_name), `zone ${stored.zone_name} shown: ${zoneShown}`)
      // The vehicle is listed inside the park.
      await guard.page.locator('[data-testid="gate-inside"] .mono', { hasText: plate }).first().waitFor()
      await screenshot(guard.page, 'logistics-gate-checked-in-phone', { fullPage: true })

      // A plate with no booking: refused, with the reason.
      const stranger = newPlate()
      await guard.page.locator('[data-testid="gate-plate"]').fill(stranger)
      await guard.page.locator('[data-testid="gate-submit"]').click()
      await guard.page.locator('[data-testid="gate-decision"][data-decision="refused"]').waitFor()
      const why = await guard.page.locator('[data-testid="gate-reason"]').textContent()
      assert.ok(why.trim().length > 0 && !/logistics\./.test(why), `a reason in words: ${why}`)
      assert.match(await guard.page.locator('[data-testid="gate-decision"]').textContent(), /拒绝入园/)

      // A plate that is not a plate: the field and the reason, nothing recorded.
      await guard.page.locator('[data-testid="gate-plate"]').fill('XYZ')
      await guard.page.locator('[data-testid="gate-submit"]').click()
      const bad = guard.page.locator('[data-testid="error-box"]')
      await bad.waitFor()
      assert.match(await bad.textContent(), /车牌号/)
      await screenshot(guard.page, 'logistics-gate-refused-phone', { fullPage: true })
      assert.deepEqual(guard.page.problems.filter((p) => !/status of (400|409)/.test(p)), [])
    } finally {
      // The vehicle leaves, so nothing of this run stays in the park's lot.
      if (plate) await api(admin.page, 'POST', '/logistics/gate/events', { plate, direction: 'out', gate: 'E2E' }).catch(() => {})
      await admin.context.close()
      await guard.context.close()
    }
  })
})

// A booking for today at a dock that accepts its goods, for a new vehicle and driver of a demo carrier. Today's
// slots must still lie ahead by the park's lead time: the test's own dock is opened round the clock with short
// slots, and the lead time is lifted for the booking and put back after it.
async function bookToday(page) {
  const carriers = (await api(page, 'GET', '/logistics/carriers')).body.items
  assert.ok(carriers.length, 'the demo has carriers')
  const carrier = carriers[0]
  const far = parkDay(Date.now() + 365 * DAY)
  const plate = newPlate()
  const v = await api(page, 'POST', '/logistics/vehicles', {
    plate,
    carrier_id: carrier.id,
    tank: false,
    permit_no: `E2E-${plate.slice(2)}`,
    permit_expires: far,
  })
  assert.equal(v.status, 201, JSON.stringify(v.body))
  const person = async (kind) => {
    const r = await api(page, 'POST', '/logistics/people', {
      kind,
      name: `E2E ${kind} ${plate.slice(2)}`,
      carrier_id: carrier.id,
      qualification_no: `Q-${kind}-${plate.slice(2)}`,
      qualification_expires: far,
    })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    return r.body
  }
  const driver = await person('driver')
  const escort = await person('escort')

  const dock = await roundTheClockDock(page)
  const goods = (await api(page, 'GET', '/logistics/goods')).body.items
  const settings = (await api(page, 'GET', '/logistics/settings')).body
  const good = goods.find((g) => g.labels.length === 1 && g.labels[0] === '3')
  try {
    assert.equal((await api(page, 'PUT', '/logistics/settings', { lead_time_min: 0 })).status, 200)
    // The next five-minute slot that has not begun, a minute of margin.
    const slot = Math.ceil((Date.now() + MIN) / (5 * MIN)) * 5 * MIN
    const b = await api(page, 'POST', '/logistics/bookings', {
      plate,
      dock_id: dock.id,
      slot_start: slot,
      operation: 'unloading',
      goods: [{ un_number: good.un_number, quantity_kg: 5000 }],
      driver_id: driver.id,
      escort_id: escort.id,
    })
    assert.equal(b.status, 201, JSON.stringify(b.body))
    assert.equal(parkDay(b.body.slot_start), parkDay(Date.now()), 'booked for today')
    return b.body
  } finally {
    await api(page, 'PUT', '/logistics/settings', { lead_time_min: settings.lead_time_min })
  }
}

// The tests' own loading dock (a registry facility of the first enterprise), open round the clock with five-minute
// slots for flammable liquids (label 3); made on the first run, found again on the next.
const TEST_DOCK = 'E2E 全天装卸台'
async function roundTheClockDock(page) {
  let dock = (await api(page, 'GET', '/logistics/docks')).body.items.find((d) => d.name === TEST_DOCK)
  if (!dock) {
    const ent = (await api(page, 'GET', '/enterprises?page=1&page_size=1')).body.items[0]
    const f = await api(page, 'POST', '/facilities', { enterprise_id: ent.id, name: TEST_DOCK, kind: 'loading_dock' })
    assert.equal(f.status, 201, JSON.stringify(f.body))
    dock = { id: f.body.id }
  }
  const put = await api(page, 'PUT', `/logistics/docks/${dock.id}`, {
    open: '00:00',
    close: '23:55',
    slot_minutes: 5,
    parallel_capacity: 20,
    labels: ['3'],
    loading_minutes: 30,
    unloading_minutes: 30,
    requires_approval: false,
  })
  assert.equal(put.status, 200, JSON.stringify(put.body))
  return put.body
}
