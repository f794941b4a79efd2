// End-to-end tests of the monthly report (issue 11 item 8): park staff and an enterprise user open the printable
// report in zh-CN at a desktop size (1366x900) and on a phone (390x844); it shows the month's sections, nothing is
// wider than the screen, and printing (A4) shows the report alone, without the menu or the toolbar.
// Screenshots: test-artifacts/report-<park|enterprise>-<desktop|phone>.png and report-park-print.png.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, DEMO_LOGINS, api, login, newPage, screenshot, useBrowser } from './helpers.mjs'

const chrome = useBrowser()

const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1366, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]
const WHO = [
  { name: 'park', login: DEMO_LOGINS.park_staff },
  { name: 'enterprise', login: DEMO_LOGINS.enterprise_user },
]

// Elements of the report whose right edge lies beyond the viewport, and whether the page scrolls sideways.
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

describe('monthly report', () => {
  for (const who of WHO) {
    for (const vp of VIEWPORTS) {
      it(`${who.name} report in zh-CN on ${vp.name}`, async () => {
        const { context, page } = await newPage(chrome.browser, { viewport: vp.viewport })
        try {
          await login(page, who.login)
          await page.goto(`${BASE_URL}/reports/monthly`)
          await page.locator('[data-testid="report"]').waitFor()
          const title = (await page.locator('[data-testid="report-title"]').textContent()) || ''
          const answer = await api(page, 'GET', '/reports/monthly')
          assert.equal(answer.status, 200, JSON.stringify(answer.body))
          const report = answer.body
          if (who.name === 'park') {
            assert.match(title, /^园区月报 \d{4}-\d{2}$/, title)
            assert.equal(report.kind, 'park')
            await page.locator('[data-testid="report-enterprises"] tbody tr').first().waitFor()
            assert.equal(await page.locator('[data-testid="report-enterprises"] tbody tr').count(), report.enterprises.length)
          } else {
            // An enterprise user's report is about its enterprise, never the park's totals.
            assert.equal(report.kind, 'enterprise')
            assert.ok(title.startsWith(report.enterprise.name) && title.endsWith('月报'), title)
            assert.ok(!title.includes('园区'), title)
            assert.equal(await page.locator('[data-testid="report-enterprises"]').count(), 0)
            assert.ok(report.ratings.items.length <= 1)
          }
          for (const part of ['report-carriers', 'report-emissions', 'report-pollutants']) {
            assert.ok(await page.locator(`[data-testid="${part}"]`).isVisible(), part)
          }
          // The page's figures are the API's: the month's CO2 in the emissions table.
          const co2 = (await page.locator('[data-testid="report-emissions"] tr').first().locator('td').textContent()) || ''
          if (report.emissions.total_t_co2 === null) assert.equal(co2.trim(), '—')
          else assert.match(co2, /\d/)
          const o = await overflow(page)
          assert.ok(!o.scrolls && o.wide.length === 0, `${who.name} ${vp.name}: wider than the screen: ${o.wide.join('; ')}`)
          await screenshot(page, `report-${who.name}-${vp.name}`, { fullPage: true })

          if (vp.name === 'desktop') {
            // The XLSX the button downloads is a workbook.
            const head = await page.evaluate(async () => {
              const token = localStorage.getItem('parkbrain.token')
              const res = await fetch('/api/v1/reports/monthly?format=xlsx&lang=zh-CN', { headers: { Authorization: `Bearer ${token}` } })
              const bytes = new Uint8Array(await res.arrayBuffer())
              return { status: res.status, type: res.headers.get('content-type'), magic: String.fromCharCode(bytes[0], bytes[1]) }
            })
            assert.equal(head.status, 200)
            assert.equal(head.magic, 'PK')
          }
          if (who.name === 'park' && vp.name === 'desktop') {
            // Printing: the report alone on A4, no menu, top bar or toolbar.
            await page.emulateMedia({ media: 'print' })
            for (const sel of ['.topbar', '.sidenav', '.no-print']) {
              assert.equal(await page.locator(sel).first().isVisible(), false, `${sel} prints`)
            }
            assert.ok(await page.locator('[data-testid="report"]').isVisible())
            await page.setViewportSize({ width: 794, height: 1123 }) // A4 at 96 dpi
            await screenshot(page, 'report-park-print', { fullPage: true })
            const pdf = await page.pdf({ format: 'A4', printBackground: true })
            assert.ok(pdf.length > 1000)
          }
          assert.deepEqual(page.problems, [])
        } finally {
          await context.close()
        }
      })
    }
  }
})
