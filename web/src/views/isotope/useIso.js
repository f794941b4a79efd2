// Shared by the isotope pages: their UI strings (text.isotope.ui.*), activities in readable units, the live
// decay correction and the nuclide table.
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { api } from '../../lib/session.js'
import { formatDateTime, formatNumber } from '../../lib/format.js'

export const ISO_ROLES = ['park_admin', 'park_staff', 'enterprise_user']

export function useIso() {
  const i18n = useI18n()
  const u = (key, params) => i18n.t(`text.isotope.ui.${key}`, params || {})
  const when = (ms) => (ms === null || ms === undefined ? '—' : formatDateTime(ms, i18n.locale.value))
  const bq = (v) => formatBq(v, i18n.locale.value)
  return { ...i18n, u, when, bq }
}

// An activity in Bq shown with the SI prefix that keeps three significant digits readable (kBq … PBq).
const PREFIXES = [
  [1e15, 'PBq'],
  [1e12, 'TBq'],
  [1e9, 'GBq'],
  [1e6, 'MBq'],
  [1e3, 'kBq'],
]
export function formatBq(v, locale = 'zh-CN') {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  const a = Math.abs(v)
  for (const [f, unit] of PREFIXES) {
    if (a >= f) return `${formatNumber(v / f, locale, { maxDigits: 3, minDigits: 3 })} ${unit}`
  }
  return `${formatNumber(v, locale, { maxDigits: 2 })} Bq`
}

// Activity `ms` after the reference: A = A0 × 2^(−t / T½), exactly as the server's library computes it.
export function decayed(a0, halfLifeS, fromMs, toMs) {
  return a0 * Math.pow(2, -(toMs - fromMs) / 1000 / halfLifeS)
}

// The nuclide table (GET /isotopes/nuclides), read once per page load.
const nuclides = ref({})
let loading = null
export function useNuclides() {
  if (!loading) {
    loading = api
      .get('/isotopes/nuclides')
      .then((r) => {
        const m = {}
        for (const n of r.items || []) m[n.nuclide] = n
        nuclides.value = m
      })
      .catch(() => {
        loading = null
      })
  }
  return nuclides
}

// <input type="datetime-local"> values in the browser's time zone and back to epoch milliseconds.
export function toLocalInput(ms) {
  const d = new Date(ms)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}
export function fromLocalInput(s) {
  const ms = new Date(s).getTime()
  return Number.isFinite(ms) ? ms : null
}

// Producers (GET /isotopes/producers), for names and the order form.
export async function loadProducers() {
  const r = await api.get('/isotopes/producers')
  return r.items || []
}
