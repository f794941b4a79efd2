// Shared by the maintenance pages: the UI strings (text.maintenance.ui.*), and the states and priorities in the
// order the work-order state machine walks them.
import { useI18n } from 'vue-i18n'
import { api } from '../../lib/session.js'
import { rememberNames } from '../../lib/names.js'
import { formatNumber } from '../../lib/format.js'

export const STATES = ['open', 'assigned', 'in_progress', 'on_hold', 'done', 'verified', 'cancelled']
export const PRIORITIES = ['urgent', 'high', 'normal', 'low']
export const PRIORITY_BADGE = { urgent: 'badge-danger', high: 'badge-warn', normal: '', low: '' }
export const STATE_BADGE = { open: 'badge-warn', on_hold: 'badge-warn', done: 'badge-ok', verified: 'badge-ok' }

export function useMaint() {
  const i18n = useI18n()
  const u = (key, params) => i18n.t(`text.maintenance.ui.${key}`, params || {})
  return { ...i18n, u }
}

// Names of all the equipment in the caller's scope, fetched a page of 200 at a time, so that a list of hundreds of
// work orders does not ask for each one's equipment by itself.
export async function loadEquipmentNames() {
  for (let page = 1; page <= 20; page++) {
    const r = await api.get('/equipment', { page, page_size: 200 })
    rememberNames('equipment', r.items || [])
    if (!r.items || r.items.length < 200) break
  }
}

// A file's size for people: bytes below 1 KiB, then KiB and MiB with one decimal.
export function sizeText(bytes, locale) {
  if (bytes < 1024) return `${formatNumber(bytes, locale, { maxDigits: 0 })} B`
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, locale, { maxDigits: 1 })} KiB`
  return `${formatNumber(bytes / (1024 * 1024), locale, { maxDigits: 1 })} MiB`
}
