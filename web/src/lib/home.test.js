import { describe, expect, it } from 'vitest'
import { amountDigits, changeDirection, formatAmount, formatChange, homeTitleKey, limitBarWidth, stateBadge } from './home.js'

describe('home figures', () => {
  it('rounds amounts by magnitude, as the server texts do', () => {
    const cases = [
      [12345.6, 0],
      [100, 0],
      [63.92, 1],
      [8.123, 2],
      [0.02637, 4], // three significant digits: 0.0264
      [0, 0],
      [-250, 0],
    ]
    for (const [v, digits] of cases) expect(amountDigits(v), String(v)).toBe(digits)
  })

  it('writes amounts with their units in both languages', () => {
    expect(formatAmount(12345.6, 'kWh', 'en')).toBe('12,346 kWh')
    expect(formatAmount(1520.4, 'Nm3', 'zh-CN')).toBe('1,520 Nm³')
    expect(formatAmount(3.14159, 'tCO2', 'en')).toBe('3.14 tCO₂')
    expect(formatAmount(28.25, '10^4 Nm3', 'en')).toBe('28.3 10⁴ Nm³')
    expect(formatAmount(null, 'kWh', 'en')).toBe('—')
  })

  it('shows changes with a sign and a direction', () => {
    const cases = [
      [3.21, '+3.2%', 'up'],
      [-12.4, '−12%', 'down'],
      [0.2, '+0.2%', 'flat'],
      [0.01, '±0%', 'flat'],
      [null, '', ''],
      [undefined, '', ''],
    ]
    for (const [pct, text, dir] of cases) {
      expect(formatChange(pct, 'en')).toBe(text)
      expect(changeDirection(pct)).toBe(dir)
    }
  })

  it('titles the page per role and colours states', () => {
    expect(homeTitleKey('park_staff')).toBe('home.title.park')
    expect(homeTitleKey('enterprise_user')).toBe('home.title.enterprise')
    expect(homeTitleKey('driver')).toBe('home.title.driver')
    expect(stateBadge('over')).toBe('badge-danger')
    expect(stateBadge('overdue')).toBe('badge-danger')
    expect(stateBadge('near')).toBe('badge-warn')
    expect(stateBadge('ok')).toBe('badge-ok')
    expect(stateBadge('no_data')).toBe('')
  })

  it('keeps an excursion bar inside its track', () => {
    expect(limitBarWidth(0.75)).toBe(50)
    expect(limitBarWidth(3)).toBe(100)
    expect(limitBarWidth(null)).toBe(0)
  })
})
