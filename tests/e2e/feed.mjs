// Feeds a running `parkbrain demo` with telemetry through /api/v1/write until the demo simulator lands:
// a back-fill of the last N days for some enterprises' sensors and meters, then (with --live) a value for
// every one of their sensors every few seconds. Used by hand while developing the web app and by the
// telemetry e2e tests (backfill only).
//
//   node tests/e2e/feed.mjs [--url http://127.0.0.1:8080] [--enterprises 1,2,3] [--days 30] [--step 600] [--live 5]
import { pathToFileURL } from 'node:url'

export async function loginToken(base, name = 'admin', password = 'admin-demo-2026') {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password }),
  })
  if (!res.ok) throw new Error(`login answered ${res.status}`)
  return (await res.json()).token
}

export async function apiJson(base, token, method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

// writeLines posts line protocol (seconds precision) and throws unless the server answers 204.
export async function writeLines(base, token, lines) {
  const res = await fetch(`${base}/api/v1/write?precision=s`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
    body: lines.join('\n'),
  })
  if (res.status !== 204) throw new Error(`write answered ${res.status}: ${await res.text()}`)
}

export async function sensorsOf(base, token, enterpriseId) {
  const out = []
  for (let page = 1; ; page++) {
    const r = await apiJson(base, token, 'GET', `/sensors?enterprise_id=${enterpriseId}&page=${page}&page_size=200`)
    if (r.status !== 200) throw new Error(`sensors answered ${r.status}`)
    out.push(...r.body.items)
    if (out.length >= r.body.total || !r.body.items.length) return out
  }
}

// A plausible value for a sensor at time t (s): inside its limits, a daily wave and some noise.
export function valueAt(s, t) {
  const lo = s.low_limit ?? 0
  const hi = s.high_limit ?? (lo + 100)
  const mid = (lo + hi) / 2
  const amp = (hi - lo) * 0.25
  const phase = (s.id * 0.7) % (2 * Math.PI)
  const v = mid + amp * Math.sin((2 * Math.PI * t) / 86400 + phase) + amp * 0.2 * Math.sin(t / 97 + s.id)
  return Math.round(v * 1000) / 1000
}

// Meters count up: a rate per second that follows the working day, with a reset to zero 3 days ago.
export function meterAt(s, t, now) {
  const rate = 0.05 + (s.id % 7) * 0.02
  const reset = now - 3 * 86400
  const base = t < reset ? t - (now - 60 * 86400) : t - reset
  return Math.round(rate * base * 100) / 100
}

export async function backfill(base, token, sensors, { days = 30, step = 600, now = Math.floor(Date.now() / 1000) } = {}) {
  const start = now - days * 86400
  let lines = []
  let n = 0
  for (let t = start - (start % step); t <= now; t += step) {
    const fields = sensors.map((s) => `${s.key}=${s.kind === 'meter' ? meterAt(s, t, now) : valueAt(s, t)}`)
    lines.push(`gw ${fields.join(',')} ${t}`)
    n += fields.length
    if (lines.length >= 500) {
      await writeLines(base, token, lines)
      lines = []
    }
  }
  if (lines.length) await writeLines(base, token, lines)
  return n
}

async function main() {
  const args = Object.fromEntries(
    process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
  )
  const base = (args.url || process.env.PARKBRAIN_URL || 'http://127.0.0.1:8080').replace(/\/$/, '')
  const ents = String(args.enterprises || '1,2,3').split(',').map(Number)
  const token = await loginToken(base)
  const sensors = []
  for (const e of ents) sensors.push(...(await sensorsOf(base, token, e)))
  const n = await backfill(base, token, sensors, { days: Number(args.days || 30), step: Number(args.step || 600) })
  console.log(`back-filled ${n} values for ${sensors.length} sensors`)
  if (!args.live) return
  const every = Number(args.live) * 1000
  const now0 = Math.floor(Date.now() / 1000)
  for (;;) {
    const t = Math.floor(Date.now() / 1000)
    await writeLines(base, token, [`gw ${sensors.map((s) => `${s.key}=${s.kind === 'meter' ? meterAt(s, t, now0) : valueAt(s, t)}`).join(',')} ${t}`])
    await new Promise((r) => setTimeout(r, every))
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e.message)
    process.exit(1)
  })
}
