import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { makeRouter } from './router.js'
import { clearSession, setSession } from './lib/session.js'

function meResponse(user, status = 200) {
  const body = status === 200 ? user : { error: { code: 'unauthenticated', message: 'expired' } }
  return Promise.resolve({ status, ok: status === 200, statusText: '', text: () => Promise.resolve(JSON.stringify(body)) })
}

async function landing(path, user, status = 200) {
  vi.stubGlobal('fetch', vi.fn(() => meResponse(user, status)))
  if (user) setSession({ token: 'tok', user })
  const router = makeRouter(createMemoryHistory())
  await router.push(path)
  await router.isReady()
  return router.currentRoute.value
}

const ADMIN = { id: 1, name: 'admin', role: 'park_admin', enterprise_id: null }
const ENT = { id: 3, name: 'ent-user', role: 'enterprise_user', enterprise_id: 7 }
const TECH = { id: 4, name: 'tech', role: 'technician', enterprise_id: null }

describe('router guards', () => {
  afterEach(() => {
    clearSession()
    vi.unstubAllGlobals()
  })

  it('sends a signed-out visitor to the login page and back afterwards', async () => {
    const to = await landing('/equipment?type=reactor', null)
    expect(to.name).toBe('login')
    expect(to.query.redirect).toBe('/equipment?type=reactor')
  })

  it('lets the big screen and the login page through without a session', async () => {
    expect((await landing('/screen?token=x', null)).name).toBe('screen')
    expect((await landing('/login', null)).name).toBe('login')
  })

  it('takes an enterprise user from the enterprise list to their own enterprise', async () => {
    const to = await landing('/enterprises', ENT)
    expect(to.name).toBe('enterprises-detail')
    expect(to.params.id).toBe('7')
  })

  it('keeps admin pages for park admins', async () => {
    expect((await landing('/users', ADMIN)).name).toBe('users')
    expect((await landing('/audit', TECH)).name).toBe('overview')
    expect((await landing('/tokens', ENT)).name).toBe('overview')
  })

  it('drops a remembered token the server no longer accepts', async () => {
    const to = await landing('/facilities', ADMIN, 401)
    expect(to.name).toBe('login')
    expect(localStorage.getItem('parkbrain.token')).toBe(null)
  })

  it('shows the not-found page for unknown paths', async () => {
    expect((await landing('/no/such/page', ADMIN)).name).toBe('not-found')
  })

  it("keeps an enterprise user on their own enterprise's carbon pages and off the park's", async () => {
    const inv = await landing('/carbon/inventory/2?year=2025', ENT)
    expect(inv.name).toBe('carbon-inventory')
    expect(inv.params.id).toBe('7')
    expect(inv.query.year).toBe('2025')
    expect((await landing('/carbon/activity', ENT)).params.id).toBe('7')
    expect((await landing('/carbon/lists', ENT)).name).toBe('overview')
    expect((await landing('/carbon/ratings', ENT)).name).toBe('overview')
    expect((await landing('/carbon/park', ENT)).name).toBe('overview')
    expect((await landing('/carbon/projects', ENT)).name).toBe('carbon-projects')
  })

  it('opens every carbon page for park users and none for technicians', async () => {
    expect((await landing('/carbon/inventory/2', ADMIN)).params.id).toBe('2')
    expect((await landing('/carbon/lists', ADMIN)).name).toBe('carbon-lists')
    expect((await landing('/carbon/park', ADMIN)).name).toBe('carbon-park')
    expect((await landing('/carbon/ratings', TECH)).name).toBe('overview')
    expect((await landing('/carbon/inventory/1', TECH)).name).toBe('overview')
  })

  it('opens the telemetry pages to everyone who may read telemetry, drivers excepted', async () => {
    const DRIVER = { id: 5, name: 'drv', role: 'driver', enterprise_id: null }
    expect((await landing('/telemetry/series?sensor_id=4', ADMIN)).name).toBe('telemetry-series')
    expect((await landing('/telemetry/alarms', TECH)).name).toBe('telemetry-alarms')
    expect((await landing('/telemetry/meters', ENT)).name).toBe('telemetry-meters')
    expect((await landing('/telemetry/alarm-rules', ENT)).name).toBe('telemetry-alarm-rules')
    expect((await landing('/telemetry/alarms', DRIVER)).name).toBe('overview')
  })
})
