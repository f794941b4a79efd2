import { describe, expect, it } from 'vitest'
import { cellText, dueBadge, sectorText } from './display.js'
import { makeI18n } from '../i18n/index.js'

describe('registry cells', () => {
  const zh = makeI18n('zh-CN').global.t
  const en = makeI18n('en').global.t
  it('shows sensor limits with the unit', () => {
    expect(cellText('sensors', 'limits', { low_limit: 0.1, high_limit: 2.4, unit: 'MPa' }, zh, 'zh-CN')).toBe('0.1 – 2.4 MPa')
    expect(cellText('sensors', 'limits', { low_limit: null, high_limit: 80, unit: 'c' }, en, 'en')).toBe('… – 80 °C')
    expect(cellText('sensors', 'limits', { low_limit: null, high_limit: null }, en, 'en')).toBe('—')
  })
  it('names enum values and sectors in the current language', () => {
    expect(cellText('equipment', 'type', { type: 'distillation_tower' }, zh, 'zh-CN')).toBe('精馏塔')
    expect(cellText('equipment', 'type', { type: 'distillation_tower' }, en, 'en')).toBe('Distillation tower')
    expect(cellText('facilities', 'kind', { kind: 'tank_farm' }, zh, 'zh-CN')).toBe('罐区')
    expect(sectorText('2710', zh)).toBe('2710 化学药品原料药制造')
    expect(sectorText('9999', en)).toBe('9999')
    expect(cellText('enterprises', 'land_area_mu', { land_area_mu: 1200 }, zh, 'zh-CN')).toBe('1,200亩')
  })
  it('flags inspection dates that are overdue or close', () => {
    const now = new Date('2026-11-25T04:00:00Z')
    expect(dueBadge('2026-11-20', zh, now)).toEqual({ cls: 'badge-danger', text: '已逾期 5 天' })
    expect(dueBadge('2026-12-05', en, now)).toEqual({ cls: 'badge-warn', text: 'due in 10 days' })
    expect(dueBadge('2027-06-01', en, now)).toBe(null)
    expect(dueBadge(null, en, now)).toBe(null)
  })
})
