// Shared by the dispatch pages: their UI strings (text.dispatch.ui.*), figures in the units the energy manager
// reads (MW, MWh, yuan, t CO2, %), the names of bands, series and flows in the page's language, and who may do what
// (the server's roles: park admins and staff plan and answer the grid; park admins set tariffs and run sizing).
import { computed, onMounted, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { formatDateTime, formatNumber } from '../../lib/format.js'
import { session } from '../../lib/session.js'
import { useText } from '../../lib/text.js'

export const MANAGERS = ['park_admin', 'park_staff']
export const ADMINS = ['park_admin']
export const ORDERLY_READERS = ['park_admin', 'park_staff', 'enterprise_user']

export function useDispatch() {
  const i18n = useI18n()
  const { t, te, locale } = i18n
  const tx = useText()
  const u = (key, params) => t(`text.dispatch.ui.${key}`, params || {})
  const fmt = (v, digits = 1) => formatNumber(v, locale.value, { maxDigits: digits })
  const mw = (v) => (v === null || v === undefined ? '—' : `${fmt(v, 2)} MW`)
  const mwh = (v) => (v === null || v === undefined ? '—' : `${fmt(v, 1)} MWh`)
  const yuan = (v) => (v === null || v === undefined ? '—' : u('units.yuan', { v: fmt(v, 0) }))
  const tco2 = (v) => (v === null || v === undefined ? '—' : `${fmt(v, 2)} tCO₂`)
  const pct = (fraction, digits = 1) => (fraction === null || fraction === undefined ? '—' : `${fmt(100 * fraction, digits)}%`)
  const when = (ms) => (ms === null || ms === undefined ? '—' : formatDateTime(ms, locale.value))
  const bandName = (b) => (b && te(`text.dispatch.ui.bands.${b}`) ? u(`bands.${b}`) : b || '—')
  const seriesNames = computed(() => {
    const out = {}
    for (const k of ['pv', 'wind', 'discharge', 'import_mw', 'load', 'charge', 'export_mw', 'curtailment', 'soc']) out[k] = u(`series.${k}`)
    return out
  })
  const flowNames = computed(() => {
    const out = {}
    for (const k of ['pv', 'wind', 'grid', 'storage', 'battery', 'load', 'export', 'curtailed', 'losses', 'stored']) out[k] = u(`flows.${k}`)
    return out
  })
  const role = computed(() => session.user && session.user.role)
  const isManager = computed(() => MANAGERS.includes(role.value))
  const isAdminUser = computed(() => ADMINS.includes(role.value))
  return { ...i18n, tx, u, fmt, mw, mwh, yuan, tco2, pct, when, bandName, seriesNames, flowNames, role, isManager, isAdminUser }
}

// The park's date today, YYYY-MM-DD (UTC+8).
export function parkToday(now = Date.now()) {
  return new Date(now + 8 * 3600000).toISOString().slice(0, 10)
}

// True once the dispatch chart types (Sankey, gauge, band areas) are registered with ECharts. They load with
// ECharts itself, on first use, so a page only waits for them when it draws; render the charts under v-if.
export function useDispatchCharts() {
  const ready = ref(false)
  onMounted(async () => {
    await import('./charts.js')
    ready.value = true
  })
  return ready
}
