import { describe, expect, it } from 'vitest'
import { mergePatch, rootField, ENTITIES } from './entities.js'
import zhCN from '../i18n/zh-CN.json'

describe('mergePatch', () => {
  it('sends only changed fields', () => {
    expect(mergePatch({ name: 'A', sector: '2710' }, { name: 'B', sector: '2710' })).toEqual({ name: 'B' })
    expect(mergePatch({ name: 'A' }, { name: 'A' })).toEqual({})
  })
  it('replaces arrays whole', () => {
    const before = { contacts: [{ name: 'Li', phone: '1' }] }
    const after = { contacts: [{ name: 'Li', phone: '2' }] }
    expect(mergePatch(before, after)).toEqual(after)
  })
  it('sends removed nested members as null and keeps unchanged ones out', () => {
    const before = { rated: { pressure_mpa: 2.5, volume_m3: 10 } }
    const after = { rated: { pressure_mpa: 3, temperature_c: 180 } }
    expect(mergePatch(before, after)).toEqual({ rated: { pressure_mpa: 3, temperature_c: 180, volume_m3: null } })
  })
  it('treats a cleared value as null', () => {
    expect(mergePatch({ inspection_due_date: '2027-01-01' }, { inspection_due_date: null })).toEqual({ inspection_due_date: null })
    expect(mergePatch({}, { inspection_due_date: null })).toEqual({})
  })
})

describe('rootField', () => {
  it('finds the top-level field of an error path', () => {
    expect(rootField('contacts[0].phone')).toBe('contacts')
    expect(rootField('rated.pressure_mpa')).toBe('rated')
    expect(rootField('credit_code')).toBe('credit_code')
    expect(rootField('')).toBe('')
  })
})

describe('entity definitions', () => {
  it('every field and enum option has a label', () => {
    for (const cfg of Object.values(ENTITIES)) {
      const section = zhCN[cfg.i18n]
      for (const f of cfg.fields) {
        if (f.type === 'contacts') continue
        expect(section.fields[f.key], `${cfg.i18n}.fields.${f.key}`).toBeTruthy()
        if (f.options) {
          const [sec, sub] = f.label.split('.')
          for (const o of f.options) expect(zhCN[sec][sub][o], `${f.label}.${o}`).toBeTruthy()
        }
      }
    }
  })
})
