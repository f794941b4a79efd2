// A small fetch wrapper for the ParkBrain REST API: bearer token, JSON in and out, and the one error shape
// {"error":{"code","message","field","reason","params","errors"}} turned into an ApiError that forms can show
// beside each named field, in the user's language (see lib/text.js).

export class ApiError extends Error {
  constructor(status, code, message, field = '', rows = null, detail = {}) {
    super(message || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field || ''
    // Imports name every bad row: [{line, field, code, params, message, content}].
    this.rows = Array.isArray(rows) ? rows : []
    // The reason as a catalogue code with parameters (text.<reason>), and every bad field:
    // [{field, code, params, message}].
    this.reason = detail.reason || ''
    this.params = detail.params || {}
    this.errors = Array.isArray(detail.errors) ? detail.errors : []
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
  async function request(method, path, { body, query, raw, contentType, blob } = {}) {
    const headers = { Accept: blob ? '*/*' : 'application/json' }
    const token = getToken ? getToken() : ''
    if (token) headers.Authorization = `Bearer ${token}`
    let payload
    if (raw !== undefined) {
      // A file sent as it is (CSV text or XLSX bytes) with its own content type.
      headers['Content-Type'] = contentType
      payload = raw
    } else if (body !== undefined) {
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
    if (blob && res.ok) {
      const disposition = (res.headers && res.headers.get && res.headers.get('Content-Disposition')) || ''
      const m = /filename="?([^";]+)"?/.exec(disposition)
      return { blob: await res.blob(), filename: m ? m[1] : '' }
    }
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
        (data && data.rows) || err.rows,
        err,
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
    put: (path, body) => request('PUT', path, { body }),
    del: (path) => request('DELETE', path),
    upload: (path, raw, contentType) => request('POST', path, { raw, contentType }),
    download: (path, query) => request('GET', path, { query, blob: true }),
  }
}

// liveUrl builds the WebSocket address of the live feed on the same host the app was served from.
export function liveUrl(token, loc = globalThis.location) {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${loc.host}/api/v1/live?token=${encodeURIComponent(token)}`
}
