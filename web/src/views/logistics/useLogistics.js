// Shared by the vehicle appointment pages: their UI strings (text.logistics.ui.*), server texts, park-local times,
// the goods table and docks (read once per page load) and the live feed's logistics events.
import { onBeforeUnmount, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { api, session } from '../../lib/session.js'
import { connectLive } from '../../api/live.js'
import { renderText } from '../../lib/text.js'
import { formatDateTime } from '../../lib/format.js'
import { DEFAULT_UTC_OFFSET_MIN, parkDay, parkTime } from './logistics.js'

export const STAFF = ['park_admin', 'park_staff']

export function useLogistics() {
  const i18n = useI18n()
  const u = (key, params) => i18n.t(`text.logistics.ui.${key}`, params || {})
  const tx = (text) => renderText(i18n, text)
  const hm = (ms) => parkTime(ms, DEFAULT_UTC_OFFSET_MIN)
  const when = (ms) => (ms === null || ms === undefined ? '—' : formatDateTime(ms, i18n.locale.value))
  // A goods row's name in the page's language.
  const goodsName = (g) => (i18n.locale.value === 'en' ? g.name_en || g.name_zh : g.name_zh || g.name_en) || ''
  const statusText = (s) => u(`status.${s}`)
  const role = () => session.user?.role || ''
  return { ...i18n, u, tx, hm, when, goodsName, statusText, role }
}

export function today() {
  return parkDay(Date.now(), DEFAULT_UTC_OFFSET_MIN)
}

// Field names of the booking form and the other forms, for the error box.
export function fieldLabels(u) {
  return {
    plate: u('field.plate'),
    dock_id: u('field.dock'),
    slot_start: u('field.slot'),
    goods: u('field.goods'),
    driver_id: u('field.driver'),
    escort_id: u('field.escort'),
    carrier_id: u('field.carrier'),
    operation: u('field.operation'),
    direction: u('field.direction'),
    gate: u('field.gate'),
    zone_id: u('field.zone'),
    reason: u('field.reason'),
    status: u('field.status'),
    open: u('docks.open'),
    close: u('docks.close'),
    slot_minutes: u('docks.slotMinutes'),
    parallel_capacity: u('docks.capacity'),
    labels: u('docks.labels'),
    loading_minutes: u('docks.loadingMinutes'),
    unloading_minutes: u('docks.unloadingMinutes'),
    'documents.road_transport_permit': u('field.documents'),
    'documents.tank_inspection': u('field.documents'),
    'documents.driver_qualification': u('field.documents'),
    'documents.escort_qualification': u('field.documents'),
  }
}

// The goods table (GET /logistics/goods), once per page load.
const goods = ref([])
let goodsLoading = null
export function useGoods() {
  if (!goodsLoading) {
    goodsLoading = api
      .get('/logistics/goods')
      .then((r) => {
        goods.value = r.items || []
      })
      .catch(() => {
        goodsLoading = null
      })
  }
  return goods
}

// The docks (GET /logistics/docks).
export async function loadDocks() {
  return (await api.get('/logistics/docks')).items || []
}

// Logistics events of the live feed (logistics.booking, .gate, .call, .warning) for as long as the page is open.
// status: 'connecting' | 'open' | 'closed'.
export function useLogisticsLive(onEvent) {
  const status = ref('closed')
  let close = null
  if (session.token) {
    close = connectLive(session.token, {
      onMessage: (msg) => {
        if (msg && typeof msg.type === 'string' && msg.type.startsWith('logistics.')) onEvent(msg)
      },
      onStatus: (s) => (status.value = s),
    })
  }
  onBeforeUnmount(() => {
    if (close) close()
  })
  return status
}

// Whether an error is the network's (no answer: a retry may help) rather than the server's answer.
export function isNetworkError(e) {
  return !!e && (e.status === 0 || e.status === 502 || e.status === 503 || e.status === 504)
}

// The driver's own record, bookings and call (GET /logistics/me), kept fresh: on the live feed's call event at once,
// otherwise every minute and whenever the phone shows the page again (a phone on a bad network drops its socket).
export function useDriverMe() {
  const me = ref(null)
  const error = ref(null)
  const loading = ref(false)
  const call = ref(null)
  async function load() {
    loading.value = true
    try {
      const r = await api.get('/logistics/me')
      me.value = r
      error.value = null
      const c = r.call
      call.value = c ? { booking_id: c.id, plate: c.plate, dock_id: c.dock_id, dock_name: c.dock_name, zone_name: c.zone_name, reason: c.reason || null } : null
    } catch (e) {
      error.value = e
    } finally {
      loading.value = false
    }
  }
  const live = useLogisticsLive((msg) => {
    if (msg.type !== 'logistics.call' || !msg.booking_id) return
    call.value = { booking_id: msg.booking_id, plate: msg.plate, dock_id: msg.dock_id, dock_name: msg.dock_name, reason: msg.reason || null }
    try {
      if (navigator.vibrate) navigator.vibrate([300, 150, 300])
    } catch {
      /* no vibration */
    }
    load()
  })
  const timer = setInterval(load, 60_000)
  const onVisible = () => {
    if (document.visibilityState === 'visible') load()
  }
  document.addEventListener('visibilitychange', onVisible)
  onBeforeUnmount(() => {
    clearInterval(timer)
    document.removeEventListener('visibilitychange', onVisible)
  })
  load()
  return { me, error, loading, call, live, load }
}
