import { describe, expect, it, vi } from 'vitest'
import { createClient, queryString, liveUrl } from './client.js'

function response(status, body) {
  return {
    status,
    ok: status >= 200 && status < 300,
    statusText: '',
    text: () => Promise.resolve(body === undefined ? '' : JSON.stringify(body)),
  }
}

describe('api client', () => {
  it('sends the bearer token and the query', async () => {
    const fetchImpl = vi.fn().mockResolvedValue(response(200, { items: [], total: 0 }))
    const c = createClient({ getToken: () => 'abc', fetchImpl })
    await c.get('/enterprises', { page: 2, q: '制药', sector: '' })
    const [url, init] = fetchImpl.mock.calls[0]
    expect(url).toBe(`/api/v1/enterprises?page=2&q=${encodeURIComponent('制药')}`)
    expect(init.headers.Authorization).toBe('Bearer abc')
  })

  it('turns the error shape into an ApiError with its field', async () => {
    const fetchImpl = vi.fn().mockResolvedValue(
      response(400, { error: { code: 'invalid_argument', message: 'bad phone', field: 'contacts[0].phone' } }),
    )
    const c = createClient({ fetchImpl })
    await expect(c.post('/enterprises', {})).rejects.toMatchObject({
      status: 400,
      code: 'invalid_argument',
      message: 'bad phone',
      field: 'contacts[0].phone',
    })
  })

  it('calls back on 401', async () => {
    const onUnauthenticated = vi.fn()
    const c = createClient({ onUnauthenticated, fetchImpl: vi.fn().mockResolvedValue(response(401, { error: { code: 'unauthenticated', message: 'expired' } })) })
    await expect(c.get('/park')).rejects.toMatchObject({ status: 401 })
    expect(onUnauthenticated).toHaveBeenCalledTimes(1)
  })

  it('maps a status without a JSON body to a code', async () => {
    const c = createClient({ fetchImpl: vi.fn().mockResolvedValue({ status: 503, ok: false, statusText: 'Service Unavailable', text: () => Promise.resolve('<html>') }) })
    await expect(c.get('/park')).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('returns null for 204', async () => {
    const c = createClient({ fetchImpl: vi.fn().mockResolvedValue(response(204)) })
    expect(await c.del('/tokens/1')).toBe(null)
  })

  it('builds query strings and live URLs', () => {
    expect(queryString({})).toBe('')
    expect(queryString({ a: 1, b: null, c: 'x y' })).toBe('?a=1&c=x+y')
    expect(liveUrl('t/1', { protocol: 'https:', host: 'park.example' })).toBe('wss://park.example/api/v1/live?token=t%2F1')
    expect(liveUrl('t', { protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/api/v1/live?token=t')
  })

  it('keeps the row errors of a refused import', async () => {
    const body = {
      error: { code: 'invalid_argument', message: '1 problem in the file', field: 'line 3.item' },
      rows: [{ line: 3, field: 'item', reason: 'unknown item "x"' }],
    }
    const fetchImpl = vi.fn().mockResolvedValue(response(400, body))
    const c = createClient({ getToken: () => 't', fetchImpl })
    const err = await c.upload('/carbon/import', 'a,b\n', 'text/csv').catch((e) => e)
    expect(err.rows).toEqual(body.rows)
    const [url, init] = fetchImpl.mock.calls[0]
    expect(url).toBe('/api/v1/carbon/import')
    expect(init.method).toBe('POST')
    expect(init.headers['Content-Type']).toBe('text/csv')
    expect(init.body).toBe('a,b\n')
  })

  it('downloads a file with the name the server gives it', async () => {
    const blob = { size: 3 }
    const fetchImpl = vi.fn().mockResolvedValue({
      status: 200,
      ok: true,
      headers: { get: (h) => (h === 'Content-Disposition' ? 'attachment; filename="lists-2025.csv"' : null) },
      blob: () => Promise.resolve(blob),
    })
    const c = createClient({ getToken: () => 't', fetchImpl })
    const res = await c.download('/carbon/export/lists', { year: 2025, format: 'csv' })
    expect(res).toEqual({ blob, filename: 'lists-2025.csv' })
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/carbon/export/lists?year=2025&format=csv')
    expect(fetchImpl.mock.calls[0][1].headers.Authorization).toBe('Bearer t')
  })
})
