import { describe, expect, it } from 'vitest'
import { unplacedError } from './formErrors.js'
import { ratedName } from './rated.js'
import { i18nFor } from '../test/setup.js'

describe('unplacedError', () => {
  const shown = (f) => ['name', 'kind'].includes(f)
  it('keeps only the bad fields no input shows', () => {
    const e = { code: 'invalid_argument', errors: [{ field: 'name', code: 'field.required' }, { field: 'timeout_s', code: 'telemetry.rule.timeout' }] }
    expect(unplacedError(e, shown)).toEqual({ code: 'invalid_argument', errors: [{ field: 'timeout_s', code: 'telemetry.rule.timeout' }] })
  })
  it('is null when every bad field is beside its input, and the whole error when none is', () => {
    const placed = { code: 'invalid_argument', errors: [{ field: 'name' }, { field: 'kind' }] }
    expect(unplacedError(placed, shown)).toBe(null)
    const conflict = { code: 'conflict', field: '', reason: 'registry.has_children' }
    expect(unplacedError(conflict, shown)).toBe(conflict)
    expect(unplacedError(null, shown)).toBe(null)
  })
})

describe('ratedName', () => {
  it('names a known parameter in the current language, its unit split off', () => {
    const zh = i18nFor('zh-CN').global
    expect(ratedName(zh, 'pressure_mpa')).toEqual({ label: '压力', unit: 'mpa', known: true })
    expect(ratedName(zh, 'temp_max_c').label).toBe('最高温度')
    expect(ratedName(zh, 'steam_th')).toEqual({ label: '蒸发量（t/h）', unit: '', known: true })
    expect(ratedName(i18nFor('en').global, 'set_pressure_mpa').label).toBe('Set pressure')
  })
  it('keeps a name nobody catalogued as typed', () => {
    expect(ratedName(i18nFor('zh-CN').global, 'widget_mpa')).toEqual({ label: 'widget', unit: 'mpa', known: false })
  })
})
