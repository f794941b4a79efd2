// End-to-end test of the park layout page (issue 11, item 4): a park admin uploads the park's drawing as SVG,
// sees what it became and which shapes it could not take, saves it, and sees the plots matched to enterprises.
// The demo layout is put back afterwards, since the big-screen tests light its plots.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, BASE_URL, api, login, newPage, screenshot, useBrowser } from './helpers.mjs'

const chrome = useBrowser()

describe('Park layout', { timeout: 120000 }, () => {
  it('a park admin uploads an SVG drawing, previews it and saves it; plots match enterprises by credit code', async () => {
    const { context, page } = await newPage(chrome.browser)
    let original = null
    try {
      await login(page, ADMIN)
      original = (await api(page, 'GET', '/park/layout')).body.layout
      const ents = (await api(page, 'GET', '/enterprises?page=1&page_size=2')).body.items
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 400">
        <rect width="800" height="400" fill="#f4f4f4"/>
        <rect x="0" y="0" width="800" height="400" data-kind="boundary" data-name="园区边界" fill="none"/>
        <rect x="40" y="40" width="200" height="120" data-kind="plot" data-name="${ents[0].name}" data-credit-code="${ents[0].credit_code}"/>
        <polygon points="300,40 500,40 500,160 300,160" data-kind="plot" data-name="${ents[1].name}" data-credit-code="${ents[1].credit_code}"/>
        <rect x="560" y="40" width="200" height="120" data-kind="plot" data-name="待入驻地块" data-credit-code="91000000000000000X"/>
        <path d="M 0 200 H 800" data-kind="road" data-name="园区大道"/>
        <circle cx="400" cy="390" r="6" data-kind="gate" data-name="南门"/>
        <path d="M 10 10 Q 50 50 90 10" data-kind="water"/>
      </svg>`
      await page.goto(`${BASE_URL}/park-layout`)
      await page.locator('h1', { hasText: '园区布局' }).waitFor()
      await page.locator('[data-testid="layout-file"]').setInputFiles({ name: 'park.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) })
      await page.locator('[data-testid="layout-problems"]').waitFor()
      assert.match(await page.locator('[data-testid="layout-problems"]').textContent(), /曲线/)
      // A credit code no enterprise has is refused, and the error names the feature by number and name. The vacant
      // plot is then drawn as a building (a plot always names its enterprise).
      await page.locator('[data-testid="layout-save"]').click()
      await page.locator('[data-testid="error-box"]').waitFor()
      assert.match(await page.locator('[data-testid="error-box"]').textContent(), /第 3 个要素（待入驻地块）的信用代码/)
      await page.locator('[data-testid="layout-file"]').setInputFiles({
        name: 'park-fixed.svg',
        mimeType: 'image/svg+xml',
        buffer: Buffer.from(svg.replace('data-kind="plot" data-name="待入驻地块" data-credit-code="91000000000000000X"', 'data-kind="building" data-name="待入驻地块"')),
      })
      await page.locator('[data-testid="layout-save"]').click()
      await page.locator('[data-testid="layout-notice"], [data-testid="error-box"]').first().waitFor()
      assert.equal(await page.locator('[data-testid="error-box"]').count(), 0)
      assert.match(await page.locator('[data-testid="layout-notice"]').textContent(), /6 个要素/)
      assert.match(await page.locator('[data-testid="layout-counts"]').textContent(), /地块 2 个/)
      assert.equal(await page.locator('[data-testid="layout-unmatched"]').count(), 0)
      const stored = (await api(page, 'GET', '/park/layout')).body.layout
      const plots = stored.features.filter((f) => f.properties.kind === 'plot')
      assert.deepEqual(plots.map((f) => f.properties.enterprise_id ?? null), [ents[0].id, ents[1].id])
      await page.locator('[data-testid="park-map"]').waitFor()
      await screenshot(page, 'park-layout-svg', { fullPage: true })
      assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [])
    } finally {
      if (original) await api(page, 'PUT', '/park/layout', original)
      await context.close()
    }
  })
})
