import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { makeRouter } from '../../router.js'
import { clearSession, setSession } from '../../lib/session.js'

// Which role reaches which vehicle appointment page (the router's guard; the server checks every route again).
async function landing(path, user) {
  vi.stubGlobal('fetch', vi.fn(() => Promise.resolve({ status: 200, ok: true, statusText: '', text: () => Promise.resolve(JSON.stringify(user)) })))
  setSession({ token: 'tok', user })
  const router = makeRouter(createMemoryHistory())
  await router.push(path)
  await router.isReady()
  return router.currentRoute.value.name
}
const user = (role, enterprise_id = null) => ({ id: 9, name: role, role, enterprise_id })

describe('vehicle appointment pages by role', () => {
  afterEach(() => {
    clearSession()
    vi.unstubAllGlobals()
  })

  it('gives drivers their booking pages and nothing of the enterprises or the gate', async () => {
    expect(await landing('/logistics/book', user('driver'))).toBe('log-book')
    expect(await landing('/logistics/now', user('driver'))).toBe('log-now')
    expect(await landing('/logistics/approvals', user('driver'))).toBe('overview')
    expect(await landing('/logistics/gate', user('driver'))).toBe('overview')
  })

  it('sends a gate guard home to the gate and keeps them off the docks', async () => {
    expect(await landing('/', user('gate'))).toBe('log-gate')
    expect(await landing('/logistics/lot', user('gate'))).toBe('log-lot')
    expect(await landing('/logistics/docks', user('gate'))).toBe('log-gate')
  })

  it('lets an enterprise approve and run its docks but not stand at the gate', async () => {
    expect(await landing('/logistics/approvals', user('enterprise_user', 4))).toBe('log-approvals')
    expect(await landing('/logistics/gantt', user('enterprise_user', 4))).toBe('log-gantt')
    expect(await landing('/logistics/gate', user('enterprise_user', 4))).toBe('overview')
    expect(await landing('/logistics/book', user('park_staff'))).toBe('overview')
  })
})
