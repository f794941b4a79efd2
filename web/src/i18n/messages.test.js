import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN.json'
import en from './en.json'

function flatKeys(obj, prefix = '') {
  const out = []
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') out.push(...flatKeys(v, key))
    else out.push(key)
  }
  return out.sort()
}

function placeholders(s) {
  return [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}

function get(obj, key) {
  return key.split('.').reduce((o, k) => o[k], obj)
}

describe('messages', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(flatKeys(en)).toEqual(flatKeys(zhCN))
  })
  it('every message is a non-empty string', () => {
    for (const key of flatKeys(zhCN)) {
      expect(typeof get(zhCN, key), key).toBe('string')
      expect(get(zhCN, key).trim(), key).not.toBe('')
      expect(typeof get(en, key), key).toBe('string')
      expect(get(en, key).trim(), key).not.toBe('')
    }
  })
  it('both languages use the same placeholders', () => {
    for (const key of flatKeys(zhCN)) {
      expect(placeholders(get(en, key)), key).toEqual(placeholders(get(zhCN, key)))
    }
  })
  it('no message uses characters vue-i18n would read as syntax', () => {
    for (const key of flatKeys(zhCN)) {
      for (const msgs of [zhCN, en]) {
        const s = get(msgs, key)
        expect(/[|@$]/.test(s), `${key}: ${s}`).toBe(false)
      }
    }
  })
})
