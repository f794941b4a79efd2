import { formatDate, formatNumber, formatQuantity, daysUntil, unitSymbol } from './format.js'
import { nameOf } from './names.js'

// cellText turns one field of a registry record into what a person reads, in the current language.
export function cellText(entity, key, rec, t, locale) {
  const v = rec[key]
  switch (key) {
    case 'enterprise_id':
      return nameOf('enterprises', v)
    case 'facility_id':
      return nameOf('facilities', v)
    case 'equipment_id':
      return nameOf('equipment', v)
    case 'kind':
      if (!v) return '—'
      if (entity === 'enterprises') return t(`enterprise.kinds.${v}`)
      return t(entity === 'facilities' ? `facility.kinds.${v}` : `sensor.kinds.${v}`)
    case 'type':
      return v ? t(`equipment.types.${v}`) : '—'
    case 'quantity': {
      if (!v) return '—'
      const k = `sensor.quantities.${v}`
      const name = t(k)
      return name === k ? String(v) : name
    }
    case 'unit':
      return v ? unitSymbol(v, locale) || String(v) : '—'
    case 'status':
      return v ? t(`equipment.statuses.${v}`) : '—'
    case 'sector':
      return sectorText(v, t)
    case 'land_area_mu':
      return formatQuantity(v, 'mu', locale)
    case 'design_life_years':
      return formatQuantity(v, 'years', locale, { maxDigits: 0 })
    case 'install_date':
    case 'inspection_due_date':
      return formatDate(v, locale)
    case 'low_limit':
    case 'high_limit':
      return formatQuantity(v, rec.unit, locale, { maxDigits: 3 })
    case 'limits':
      return limitsText(rec, locale)
    default:
      if (typeof v === 'number') return formatNumber(v, locale, { maxDigits: 3 })
      return v === null || v === undefined || v === '' ? '—' : String(v)
  }
}

// An activity item's name (carbon.items.*), or its key when the catalogue has none.
export function itemText(item, t, te) {
  return te(`carbon.items.${item}`) ? t(`carbon.items.${item}`) : item
}

export function sectorText(code, t) {
  if (!code) return '—'
  const key = `sectors.${code}`
  const name = t(key)
  return name === key ? String(code) : `${code} ${name}`
}

function limitsText(rec, locale) {
  const lo = rec.low_limit
  const hi = rec.high_limit
  if ((lo === null || lo === undefined) && (hi === null || hi === undefined)) return '—'
  const f = (x) => (x === null || x === undefined ? '…' : formatNumber(x, locale, { maxDigits: 3 }))
  return `${f(lo)} – ${f(hi)}${rec.unit ? ` ${unitSymbol(rec.unit, locale)}` : ''}`
}

// dueBadge describes an inspection due date: overdue, due soon (≤ 30 days) or fine.
export function dueBadge(dateStr, t, now = new Date()) {
  if (!dateStr) return null
  const d = daysUntil(dateStr, now)
  if (d === null) return null
  if (d < 0) return { cls: 'badge-danger', text: t('equipment.overdue', { days: -d }) }
  if (d === 0) return { cls: 'badge-warn', text: t('equipment.dueToday') }
  if (d <= 30) return { cls: 'badge-warn', text: t('equipment.dueIn', { days: d }) }
  return null
}
