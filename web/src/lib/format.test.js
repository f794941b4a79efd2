import { describe, expect, it } from 'vitest'
import {
  formatNumber,
  formatQuantity,
  unitSymbol,
  splitUnitKey,
  formatDate,
  formatDateTime,
  formatTime,
  daysUntil,
} from './format.js'

describe('formatNumber', () => {
  it('groups thousands and trims decimals', () => {
    expect(formatNumber(1234567.891, 'zh-CN')).toBe('1,234,567.89')
    expect(formatNumber(1234567.891, 'en')).toBe('1,234,567.89')
    expect(formatNumber(3, 'zh-CN')).toBe('3')
  })
  it('keeps requested digits', () => {
    expect(formatNumber(2.5, 'en', { minDigits: 2 })).toBe('2.50')
    expect(formatNumber(0.123456, 'en', { maxDigits: 4 })).toBe('0.1235')
  })
  it('shows a dash for missing or non-numeric values', () => {
    expect(formatNumber(null)).toBe('—')
    expect(formatNumber(undefined)).toBe('—')
    expect(formatNumber('')).toBe('—')
    expect(formatNumber('abc')).toBe('—')
    expect(formatNumber(Number.NaN)).toBe('—')
  })
  it('accepts numeric strings', () => {
    expect(formatNumber('42.5')).toBe('42.5')
  })
})

describe('units', () => {
  it('prints unit symbols', () => {
    expect(unitSymbol('mpa')).toBe('MPa')
    expect(unitSymbol('m3_h')).toBe('m³/h')
    expect(unitSymbol('MPa')).toBe('MPa')
    expect(unitSymbol('furlongs')).toBe('furlongs')
    expect(unitSymbol('')).toBe('')
  })
  it('translates units that have a Chinese name', () => {
    expect(unitSymbol('mu', 'zh-CN')).toBe('亩')
    expect(unitSymbol('mu', 'en')).toBe('mu')
  })
  it('formats a quantity with its unit', () => {
    expect(formatQuantity(2.5, 'mpa')).toBe('2.5 MPa')
    expect(formatQuantity(12000, 'kwh', 'en')).toBe('12,000 kWh')
    expect(formatQuantity(85, 'pct')).toBe('85%')
    expect(formatQuantity(180, 'c')).toBe('180°C')
    expect(formatQuantity(120.5, 'mu', 'zh-CN')).toBe('120.5亩')
    expect(formatQuantity(120.5, 'mu', 'en')).toBe('120.5 mu')
    expect(formatQuantity(15, 'years', 'zh-CN', { maxDigits: 0 })).toBe('15年')
  })
  it('prints the units sensors are registered with', () => {
    expect(formatQuantity(85.2, 'degC')).toBe('85.2°C')
    expect(formatQuantity(12, 'm3/h')).toBe('12 m³/h')
    expect(formatQuantity(3.5, '10^4 Nm3')).toBe('3.5 10⁴ Nm³')
    expect(formatQuantity(65, '%RH')).toBe('65%RH')
    expect(formatQuantity(0.95, '1')).toBe('0.95')
    expect(formatQuantity(270, 'deg')).toBe('270°')
    expect(unitSymbol('W/m2')).toBe('W/m²')
  })
  it('leaves missing values as a dash without a unit', () => {
    expect(formatQuantity(null, 'mpa')).toBe('—')
    expect(formatQuantity(3, '')).toBe('3')
  })
  it('splits rated-parameter keys into name and unit', () => {
    expect(splitUnitKey('pressure_mpa')).toEqual({ name: 'pressure', unit: 'mpa' })
    expect(splitUnitKey('design_temperature_c')).toEqual({ name: 'design_temperature', unit: 'c' })
    expect(splitUnitKey('flow_m3_h')).toEqual({ name: 'flow', unit: 'm3_h' })
    expect(splitUnitKey('volume_m3')).toEqual({ name: 'volume', unit: 'm3' })
    expect(splitUnitKey('medium')).toEqual({ name: 'medium', unit: '' })
  })
})

describe('dates', () => {
  it('formats calendar dates without shifting them by time zone', () => {
    expect(formatDate('2026-03-09', 'zh-CN')).toBe('2026年3月9日')
    expect(formatDate('2026-03-09', 'en')).toBe('Mar 9, 2026')
    expect(formatDate('2026-12-31', 'zh-CN')).toBe('2026年12月31日')
  })
  it('shows timestamps in park time (UTC+8)', () => {
    // 20:30 UTC on 31 Dec is already 1 January in the park.
    expect(formatDate('2026-12-31T20:30:00Z', 'zh-CN')).toBe('2027年1月1日')
    expect(formatDateTime('2026-03-09T02:05:00Z', 'zh-CN')).toBe('2026年3月9日 10:05')
    expect(formatDateTime('2026-03-09T02:05:07Z', 'zh-CN', { seconds: true })).toBe('2026年3月9日 10:05:07')
    expect(formatDateTime('2026-03-09T16:00:00Z', 'en')).toBe('Mar 10, 2026, 00:00')
    expect(formatTime('2026-03-09T02:05:07Z')).toBe('10:05:07')
  })
  it('handles missing and unparseable values', () => {
    expect(formatDate(null)).toBe('—')
    expect(formatDate('')).toBe('—')
    expect(formatDateTime(undefined)).toBe('—')
    expect(formatDate('not a date')).toBe('not a date')
  })
  it('counts days to a due date in park time', () => {
    const now = new Date('2026-11-25T18:00:00Z') // 26 Nov, 02:00 in the park
    expect(daysUntil('2026-11-26', now)).toBe(0)
    expect(daysUntil('2026-12-06', now)).toBe(10)
    expect(daysUntil('2026-11-20', now)).toBe(-6)
    expect(daysUntil(null, now)).toBe(null)
  })
})
