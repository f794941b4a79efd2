// A small fetch wrapper for the ParkBrain REST API: bearer token, JSON in and out, and the one error shape
// {"error":{"code","message","field"}} turned into an ApiError that forms can show beside the named field.

export class ApiError extends Error {
  constructor(status, code, message, field = '') {
    super(message || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field || ''
  }
}

const codeByStatus = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'resource_exhausted',
  503: 'unavailable',
}

export function queryString(params = {}) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

// createClient lets the big screen use its own token (from ?token=) while the app uses the session's.
export function createClient({ getToken, onUnauthenticated, fetchImpl } = {}) {
  async function request(method, path, { body, query } = {}) {
    const headers = { Accept: 'application/json' }
    const token = getToken ? getToken() : ''
    if (token) headers.Authorization = `Bearer ${token}`
    let payload
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    const doFetch = fetchImpl || globalThis.fetch
    let res
    try {
      res = await doFetch(`/api/v1${path}${queryString(query)}`, { method, headers, body: payload })
    } catch (e) {
      throw new ApiError(0, 'unavailable', e && e.message ? e.message : 'network error')
    }
    if (res.status === 204) return null
    const text = await res.text()
    let data = null
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = null
      }
    }
    if (!res.ok) {
      const err = data && data.error ? data.error : {}
      const apiErr = new ApiError(
        res.status,
        err.code || codeByStatus[res.status] || 'internal',
        err.message || res.statusText || `HTTP ${res.status}`,
        err.field || '',
      )
      if (res.status === 401 && onUnauthenticated) onUnauthenticated(apiErr)
      throw apiErr
    }
    return data
  }
  return {
    request,
    get: (path, query) => request('GET', path, { query }),
    post: (path, body) => request('POST', path, { body }),
    patch: (path, body) => request('PATCH', path, { body }),
    del: (path) => request('DELETE', path),
  }
}

// liveUrl builds the WebSocket address of the live feed on the same host the app was served from.
export function liveUrl(token, loc = globalThis.location) {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${loc.host}/api/v1/live?token=${encodeURIComponent(token)}`
}
