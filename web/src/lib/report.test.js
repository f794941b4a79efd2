import { describe, expect, it } from 'vitest'
import { reportPeriod, reportQuery } from './report.js'

describe('monthly report page', () => {
  it('opens on the last whole month of the park’s calendar', () => {
    // 2025-03-31T17:00Z is already 1 April in Beijing: the last whole month is March.
    expect(reportPeriod({}, new Date('2025-03-31T17:00:00Z'))).toBe('2025-03')
    expect(reportPeriod({}, new Date('2025-01-15T00:00:00Z'))).toBe('2024-12')
    expect(reportPeriod({ period: '2024-07' })).toBe('2024-07')
    expect(reportPeriod({ period: '2024' }, new Date('2025-01-15T00:00:00Z'))).toBe('2024-12')
  })

  it('asks for an enterprise only when one is chosen', () => {
    expect(reportQuery('2025-03')).toEqual({ period: '2025-03' })
    expect(reportQuery('2025-03', '7')).toEqual({ period: '2025-03', enterprise_id: '7' })
    expect(reportQuery('2025-03', '7;drop')).toEqual({ period: '2025-03' })
  })
})
