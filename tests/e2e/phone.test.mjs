// Phones (issue 11, item 7): every demo role walks every page of its menu at 390×844. Nothing may scroll sideways
// (tables become cards; numbers never hide off-screen), drop-downs show whole names, and the three lists start
// folded. Screenshots of a few pages go to test-artifacts/phone-*.png.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, DEMO_LOGINS, login, newPage, screenshot, settle, useBrowser } from './helpers.mjs'

const chrome = useBrowser()
const PHONE = { width: 390, height: 844 }
const SHOTS = new Set(['/telemetry/alarms', '/carbon/ratings', '/telemetry/meters', '/audit', '/carbon/lists'])

// What sticks out of the viewport: the page itself, or a table cell whose text is cut off.
async function overflow(page) {
  return page.evaluate(() => {
    const out = []
    const extra = document.documentElement.scrollWidth - window.innerWidth
    if (extra > 1) out.push(`the page is ${extra}px wider than the screen`)
    for (const td of document.querySelectorAll('table td')) {
      const r = td.getBoundingClientRect()
      if (r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1)) {
        out.push(`a cell reaches past the screen: “${td.textContent.trim().slice(0, 40)}”`)
        break
      }
    }
    return out
  })
}

// Roles walk three at a time, each in its own context (a walk mostly waits for the server).
describe('Every page on a phone', { timeout: 600000, concurrency: 3 }, () => {
  for (const [role, who] of Object.entries(DEMO_LOGINS)) {
    it(`${role}: every menu page fits 390 px`, async () => {
      const { context, page } = await newPage(chrome.browser, { viewport: PHONE })
      try {
        await login(page, who)
        const links = await page.locator('#main-nav a[href]').evaluateAll((as) =>
          [...new Set(as.filter((a) => a.target !== '_blank').map((a) => new URL(a.href).pathname))],
        )
        assert.ok(links.length > 0, 'the menu has pages')
        const problems = []
        for (const path of links) {
          await page.goto(`${BASE_URL}${path}`)
          await page.locator('main h1, main h2').first().waitFor()
          await settle(page) // data and charts settle
          for (const p of await overflow(page)) problems.push(`${path}: ${p}`)
          if (path === '/carbon/lists') {
            const height = await page.evaluate(() => document.documentElement.scrollHeight)
            assert.ok(height < 3000, `the three lists are ${height}px long on a phone; they should start folded`)
          }
          if (SHOTS.has(path)) await screenshot(page, `phone-${role}${path.replace(/\//g, '-')}`, { fullPage: true })
        }
        assert.deepEqual(problems, [])
      } finally {
        await context.close()
      }
    })
  }
})
