import { reactive } from 'vue'
import { createClient } from '../api/client.js'

const TOKEN_KEY = 'parkbrain.token'
const USER_KEY = 'parkbrain.user'

function load(key) {
  try {
    return localStorage.getItem(key) || ''
  } catch {
    return ''
  }
}

function loadUser() {
  try {
    return JSON.parse(load(USER_KEY) || 'null')
  } catch {
    return null
  }
}

export const session = reactive({
  token: load(TOKEN_KEY),
  user: loadUser(),
  expiresAt: '',
})

let unauthenticatedHandler = null
// The router registers what "back to login" means; the client calls it on any 401.
export function onUnauthenticated(fn) {
  unauthenticatedHandler = fn
}

export const api = createClient({
  getToken: () => session.token,
  onUnauthenticated: (err) => {
    clearSession()
    if (unauthenticatedHandler) unauthenticatedHandler(err)
  },
})

export function setSession({ token, user, expires_at }) {
  session.token = token
  session.user = user
  session.expiresAt = expires_at || ''
  try {
    localStorage.setItem(TOKEN_KEY, token)
    localStorage.setItem(USER_KEY, JSON.stringify(user))
  } catch {
    /* private mode: the session lives in memory only */
  }
}

export function clearSession() {
  session.token = ''
  session.user = null
  session.expiresAt = ''
  try {
    localStorage.removeItem(TOKEN_KEY)
    localStorage.removeItem(USER_KEY)
  } catch {
    /* ignore */
  }
}

export async function login(name, password, client = api) {
  const res = await client.post('/auth/login', { name, password })
  setSession(res)
  return res.user
}

export async function logout() {
  try {
    if (session.token) await api.post('/auth/logout')
  } catch {
    /* the session is dropped locally whatever the server says */
  }
  clearSession()
}

// refreshMe checks a remembered token on start-up and picks up role changes.
export async function refreshMe() {
  if (!session.token) return null
  const user = await api.get('/auth/me')
  session.user = user
  try {
    localStorage.setItem(USER_KEY, JSON.stringify(user))
  } catch {
    /* ignore */
  }
  return user
}

export const PARK_ROLES = ['park_admin', 'park_staff']

export function isParkUser(user = session.user) {
  return !!user && PARK_ROLES.includes(user.role)
}

export function isAdmin(user = session.user) {
  return !!user && user.role === 'park_admin'
}

// Who may create, change and delete each kind of record, as the server's registry allows it. The UI uses
// this only to hide buttons people cannot use; the server decides (and scopes enterprise users).
const PERMS = {
  enterprises: {
    create: ['park_admin'],
    update: ['park_admin', 'park_staff', 'enterprise_user'],
    delete: ['park_admin'],
  },
  facilities: {
    create: ['park_admin', 'enterprise_user'],
    update: ['park_admin', 'enterprise_user'],
    delete: ['park_admin', 'enterprise_user'],
  },
  equipment: {
    create: ['park_admin', 'enterprise_user'],
    update: ['park_admin', 'enterprise_user', 'technician'],
    delete: ['park_admin', 'enterprise_user'],
  },
  sensors: {
    create: ['park_admin', 'enterprise_user', 'integrator'],
    update: ['park_admin', 'enterprise_user', 'integrator'],
    delete: ['park_admin', 'enterprise_user'],
  },
}

// Who may read each kind of record (the access table in docs/ARCHITECTURE.md): drivers see enterprises and
// facilities (loading docks), not equipment or sensors.
const READERS = {
  enterprises: ['park_admin', 'park_staff', 'enterprise_user', 'technician', 'driver', 'integrator'],
  facilities: ['park_admin', 'park_staff', 'enterprise_user', 'technician', 'driver', 'integrator'],
  equipment: ['park_admin', 'park_staff', 'enterprise_user', 'technician', 'integrator'],
  sensors: ['park_admin', 'park_staff', 'enterprise_user', 'technician', 'integrator'],
}
export function canRead(entity, user = session.user) {
  return !!user && (READERS[entity] || []).includes(user.role)
}

export function can(entity, action, user = session.user) {
  if (!user || !PERMS[entity]) return false
  return PERMS[entity][action].includes(user.role)
}

// canWrite: may create records of this kind.
export function canWrite(entity, user = session.user) {
  return can(entity, 'create', user)
}

export function canEditEnterprise(id, user = session.user) {
  if (!can('enterprises', 'update', user)) return false
  return user.role !== 'enterprise_user' || String(user.enterprise_id) === String(id)
}
