// The monthly report page's logic: which month it shows and what it asks the server for. Pure, tested in
// report.test.js.
import { currentMonth, shiftPeriod } from './energy.js'

// A month from the page's query ('YYYY-MM'), else the last whole month (the server's default too).
export function reportPeriod(query, now = new Date()) {
  const p = String((query && query.period) || '')
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(p)) return p
  return shiftPeriod(currentMonth(now), -1)
}

// The query of GET /api/v1/reports/monthly: an enterprise's report only when one is chosen (park staff).
export function reportQuery(period, enterpriseId = '') {
  const q = { period }
  if (enterpriseId && /^\d+$/.test(String(enterpriseId))) q.enterprise_id = String(enterpriseId)
  return q
}
