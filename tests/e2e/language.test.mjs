// The language test (issue 11): every page a role can open speaks the user's language. In zh-CN no English word
// may show outside an allow-list (units, standards, product and protocol names, data the park typed in); in
// English no sentence of the zh-CN catalogue may show. Each role walks every page of its menu, the first record
// of each list, and the forms' error answers (an empty save shows every bad field at once).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { BASE_URL, DEMO_LOGINS, login, newPage, repoRoot, screenshot, settle, useBrowser } from './helpers.mjs'

const chrome = useBrowser()

const ROLES = Object.values(DEMO_LOGINS)

// Latin words a Chinese page may show: units, standards and formats, product, protocol and pollutant names.
// Data is exempt by markup instead: <code>, .mono (keys, ids, URLs), inputs, [data-raw] cells, and text marked as
// another language (lang="en", such as the language switch's own "English"). E-mail addresses and URLs are data.
const ALLOWED = new Set(
  `ParkBrain API CSV XLSX JSON PDF URL ID IP MN HJ GB GBT T CNAS ISO IEC CO2 CO2e tCO2e tCO₂e tCO tC kgCO2e
  kWh MWh GWh kW MW kVA MVA kV V A Hz MPa kPa Pa bar K t h kg g mg m m2 m3 Nm3 Nm mm km L min s d ms
  tce GJ TJ MJ kJ ppm pH mu COD BOD NH3 N NOx SO2 PM2 PM10 VOCs TN TP SS Hg Cd Pb Cr As yr
  MQTT Modbus TCP RTU WebSocket DingTalk WeCom webhook TLS HTTPS HTTP
  PV BESS SOC SoC VRFB Mo Tc Bq GBq TBq MBq kBq mSv Sv UN ADR JT
  A B C D E R LNG LPG CNG UTC CST YYYY MM DD hh YYYYMMDD
  Chromium Excel GeoJSON SVG Webhook MACC MWp VPSA CO kgCO IPCC MEE NBS NDRC GHG kgce`.split(/\s+/).filter(Boolean),
)

// Everything the user can read: text nodes outside data markup, plus placeholders, titles and labels.
function visibleWords() {
  const skip = (el) =>
    el.closest('code, .mono, [data-raw], [lang]:not(html), script, style, noscript, svg, canvas, input, textarea') ||
    (el.closest('.echart') && el !== el.closest('.echart'))
  const out = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement
    if (!el || skip(el)) continue
    const style = getComputedStyle(el)
    if (style.display === 'none' || style.visibility === 'hidden') continue
    if (!el.getClientRects().length && !el.closest('.visually-hidden')) continue
    const s = n.textContent.trim()
    if (s) out.push(s)
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (skip(el) && el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA') continue
    for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a))
  }
  return out
}

function englishWords(texts) {
  const bad = []
  for (const raw of texts) {
    const s = raw.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ').replace(/https?:\/\/\S*/g, ' ')
    for (const m of s.matchAll(/[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z]{2,}/g)) {
      const word = m[0]
      const parts = word.split(/[._-]/).filter(Boolean)
      // A word is allowed if it is listed or is a code-like token made only of listed parts and digits.
      if (ALLOWED.has(word)) continue
      if (parts.every((p) => ALLOWED.has(p) || /^\d+$/.test(p) || ALLOWED.has(p.replace(/\d+$/, '')))) continue
      // Identifiers typed by the park (equipment tags R-101, plate numbers, credit codes) mix digits in.
      if (/\d/.test(word) && /^[A-Z0-9-]+$/.test(word)) continue
      // Keys of sensors and series (e01.r_101.temp) are identifiers too.
      if (/\d/.test(word) && /[._]/.test(word)) continue
      bad.push(`${word}  ←  “${raw.slice(0, 80)}”`)
    }
  }
  return bad
}

// zh-CN catalogue sentences (page texts and server texts) that must not show on an English page.
function zhSentences() {
  const out = new Set()
  const walk = (o) => {
    for (const v of Object.values(o)) {
      if (v && typeof v === 'object') walk(v)
      else if (typeof v === 'string' && /[\u4e00-\u9fff]{3,}/.test(v) && !v.includes('{')) out.add(v)
    }
  }
  walk(JSON.parse(readFileSync(path.join(repoRoot, 'web/src/i18n/zh-CN.json'), 'utf8')))
  const dir = path.join(repoRoot, 'web/src/i18n/text')
  for (const f of readdirSync(dir)) if (f.endsWith('.zh-CN.json')) walk(JSON.parse(readFileSync(path.join(dir, f), 'utf8')))
  return [...out]
}

// The pages a role reaches from its menu, and from each list its first record.
async function pagesOf(page) {
  const links = await page.$$eval('#main-nav a[href]', (as) => as.map((a) => a.getAttribute('href')))
  const out = new Set(links.filter((h) => h && h.startsWith('/')))
  out.add('/account')
  return [...out]
}

async function checkPage(page, locale, url, problems, zh) {
  await page.goto(`${BASE_URL}${url}`)
  await settle(page)
  await checkHere(page, locale, url, problems, zh)
}

async function checkHere(page, locale, url, problems, zh) {
  const texts = await page.evaluate(visibleWords)
  if (locale === 'zh-CN') {
    for (const w of englishWords(texts)) problems.push(`${url}: ${w}`)
  } else {
    const joined = texts.join('\n')
    for (const s of zh) if (joined.includes(s)) problems.push(`${url}: zh-CN text “${s}”`)
  }
}

// Each role in each language is a walk of its own in its own browser context; three walk at once, since a walk
// spends most of its time waiting for the server's answers.
describe('every page speaks the user\'s language', { timeout: 600000, concurrency: 3 }, () => {
  const zhCatalogue = zhSentences()
  for (const locale of ['zh-CN', 'en']) {
    const zh = locale === 'en' ? zhCatalogue : []
    for (const role of ROLES) {
      it(`${role.name} in ${locale}`, async () => {
        const { context, page } = await newPage(chrome.browser, { locale })
        try {
          await page.addInitScript((l) => localStorage.setItem('parkbrain.locale', l), locale)
          await login(page, role)
          const problems = []
          for (const url of await pagesOf(page)) {
            await checkPage(page, locale, url, problems, zh)
            // The first record of a list, and an empty save of a new-record form.
            const first = page.locator('table tbody tr[data-id] a[href]').first()
            if (await first.count()) {
              const href = await first.getAttribute('href')
              if (href && href.startsWith('/')) await checkPage(page, locale, href, problems, zh)
              await page.goto(`${BASE_URL}${url}`)
              await settle(page)
            }
            const create = page.locator('[data-testid="create"], a[href$="/new"]').first()
            if (await create.count()) {
              await create.click()
              await settle(page)
              const save = page.locator('[data-testid="save"], form button[type="submit"]').first()
              if (await save.count()) {
                await save.click()
                await settle(page)
                await checkHere(page, locale, `${page.url().replace(BASE_URL, '')} (empty save)`, problems, zh)
              }
            }
          }
          await screenshot(page, `language-${role.name}-${locale}`, { fullPage: false })
          assert.deepEqual([...new Set(problems)], [], `${role.name} in ${locale}`)
          // An empty save is answered 400 on purpose; nothing else may fail.
          assert.deepEqual(page.problems.filter((p) => !/status of 400/.test(p)), [])
        } finally {
          await context.close()
        }
      })
    }
  }
})
