// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core (installed with the
// web app's npm packages), the server's URL, the demo logins and where screenshots go.
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const repoRoot = path.resolve(here, '..', '..')

// playwright-core lives in web/node_modules (web/package.json), not beside these scripts.
const require = createRequire(path.join(repoRoot, 'web', 'package.json'))
const { chromium } = require('playwright-core')

export const BASE_URL = (process.env.PARKBRAIN_URL || 'http://127.0.0.1:8080').replace(/\/$/, '')
export const ARTIFACTS = path.resolve(process.env.PARKBRAIN_ARTIFACTS || path.join(repoRoot, 'test-artifacts'))
export const CHROMIUM = process.env.PARKBRAIN_CHROMIUM || '/usr/bin/chromium'

export const ADMIN = { name: 'admin', password: 'admin-demo-2026' }
export const ENT_USER = { name: 'ent-user', password: 'ent-demo-2026' }
// Every demo sign-in by role (src/app/demo.cpp DemoLogins).
export const DEMO_LOGINS = {
  park_admin: ADMIN,
  park_staff: { name: 'staff', password: 'staff-demo-2026' },
  enterprise_user: ENT_USER,
  technician: { name: 'tech', password: 'tech-demo-2026' },
  driver: { name: 'driver', password: 'driver-demo-2026' },
  integrator: { name: 'integrator', password: 'integrator-demo-2026' },
  gate: { name: 'gate', password: 'gate-demo-2026' },
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

// useBrowser registers a test file's hooks: before its tests, check that the server answers (saying so plainly
// when it does not, rather than failing on a browser timeout) and launch Chromium; after them, close it. Tests
// use the returned object's `browser`.
export function useBrowser() {
  const shared = { browser: null }
  before(async () => {
    try {
      const res = await fetch(`${BASE_URL}/healthz`)
      if (!res.ok) throw new Error(`GET /healthz answered ${res.status}`)
    } catch (e) {
      throw new Error(`no ParkBrain server at ${BASE_URL} (${e.message}); start \`parkbrain demo\` or set PARKBRAIN_URL`)
    }
    shared.browser = await launch()
  })
  after(async () => {
    if (shared.browser) await shared.browser.close()
  })
  return shared
}

// newPage opens a fresh context (no cookies, no localStorage) so each test starts signed out in zh-CN.
export async function newPage(browser, { viewport = { width: 1366, height: 900 }, locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport, locale, timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  const problems = []
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.problems = problems
  trackNetwork(page)
  return { context, page }
}

// trackNetwork counts the page's requests in flight (the live feed's WebSocket is not a request), so settle() can
// wait for the data a page loads instead of a fixed pause or Playwright's 500 ms 'networkidle'.
function trackNetwork(page) {
  page.inflight = 0
  page.lastNetAt = Date.now()
  const done = () => {
    page.inflight = Math.max(0, page.inflight - 1)
    page.lastNetAt = Date.now()
  }
  page.on('request', () => {
    page.inflight++
    page.lastNetAt = Date.now()
  })
  page.on('requestfinished', done)
  page.on('requestfailed', done)
}

// settle waits until the page has had no request in flight for `quietMs` (the answers are rendered by then: Vue
// renders on the next tick), at most `maxMs` (a page that polls never goes quiet; it is checked as it is).
export async function settle(page, { quietMs = 200, maxMs = 5000 } = {}) {
  await page.waitForLoadState('load').catch(() => {})
  const until = Date.now() + maxMs
  while (Date.now() < until) {
    if (page.inflight === 0 && Date.now() - page.lastNetAt >= quietMs) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function screenshot(page, name, opts = {}) {
  mkdirSync(ARTIFACTS, { recursive: true })
  const file = path.join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path: file, ...opts })
  return file
}

// Sign-ins take turns: the server hashes one password per client address at a time and answers a second one 429
// (the login-flood guard), and tests that walk in parallel all come from 127.0.0.1.
let signingIn = Promise.resolve()

export async function login(page, { name, password }) {
  const turn = signingIn.then(async () => {
    await page.goto(`${BASE_URL}/login`)
    await page.locator('#login-name').fill(name)
    await page.locator('#login-password').fill(password)
    await page.locator('[data-testid="login-form"] button[type="submit"]').click()
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  })
  signingIn = turn.catch(() => {})
  await turn
  await page.locator('[data-testid="logout"]').waitFor()
}

// api calls the REST API from inside the page with the page's own session token.
export async function api(page, method, apiPath, body) {
  return page.evaluate(
    async ({ method, apiPath, body }) => {
      const token = localStorage.getItem('parkbrain.token')
      const res = await fetch(`/api/v1${apiPath}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : null }
    },
    { method, apiPath, body },
  )
}

// writeLines posts InfluxDB line protocol (ms timestamps) with the page's session and expects it accepted.
export async function writeLines(page, lines) {
  const status = await page.evaluate(async (body) => {
    const res = await fetch('/api/v1/write?precision=ms', {
      method: 'POST',
      headers: { Authorization: `Bearer ${localStorage.getItem('parkbrain.token')}`, 'Content-Type': 'text/plain' },
      body,
    })
    return res.status
  }, lines.join('\n'))
  assert.equal(status, 204, 'write accepted')
}

// Alarms of their own: a sensor no simulator writes to, a rule on it, and the end of both.
// makeSensor adds a temperature sensor to the enterprise's first piece of equipment.
export async function makeSensor(page, enterpriseId, label) {
  const eq = await api(page, 'GET', `/equipment?enterprise_id=${enterpriseId}&page=1&page_size=1`)
  assert.equal(eq.status, 200)
  const equipment = eq.body.items[0]
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`
  const res = await api(page, 'POST', '/sensors', {
    equipment_id: equipment.id,
    key: `e2e.t${stamp}.temp`,
    name: `E2E ${label} ${stamp.slice(-5)}`,
    kind: 'sensor',
    quantity: 'temperature',
    unit: 'degC',
    low_limit: 0,
    high_limit: 100,
  })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return { ...res.body, equipment }
}

export async function makeRule(page, sensor, severity = 'critical') {
  const res = await api(page, 'POST', '/alarm-rules', {
    name: `E2E ${sensor.name} 过高`,
    sensor_id: sensor.id,
    kind: 'threshold',
    high: 80,
    deadband: 1,
    severity,
  })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

// endAlarm clears the alarm with a normal value and disables the rule.
export async function endAlarm(page, sensor, rule) {
  await writeLines(page, [`${sensor.key} value=20 ${Date.now()}`]).catch(() => {})
  if (rule) await api(page, 'DELETE', `/alarm-rules/${rule.id}`)
}
