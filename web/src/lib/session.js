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

// canWrite mirrors the server's rules closely enough to hide buttons people cannot use; the server decides.
export function canWrite(entity, user = session.user) {
  if (!user) return false
  if (PARK_ROLES.includes(user.role)) return true
  if (user.role === 'enterprise_user') return entity !== 'enterprises'
  return false
}

export function canEditEnterprise(id, user = session.user) {
  if (!user) return false
  if (PARK_ROLES.includes(user.role)) return true
  return user.role === 'enterprise_user' && String(user.enterprise_id) === String(id)
}
