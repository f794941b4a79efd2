import { describe, expect, it } from 'vitest'
import { makeI18n } from '../i18n/index.js'
import { errorItems, fieldError, renderText, textParams } from './text.js'
import { formatTextNumber } from './format.js'

function composer(locale) {
  const i18n = makeI18n(locale)
  return { t: i18n.global.t, te: i18n.global.te, locale: i18n.global.locale }
}

describe('server texts', () => {
  it('rounds numbers as the server does', () => {
    const cases = [
      [53731.9, '53,732'], [63.9205, '63.9'], [8.1, '8.1'], [0.02637, '0.0264'], [0, '0'], [-1234.5, '-1,235'],
      [99.96, '100'], [1e6, '1,000,000'], [0.000123456, '0.000123'],
    ]
    for (const [v, s] of cases) expect(formatTextNumber(v), String(v)).toBe(s)
    expect(textParams({ a: 53731.9, b: '2026' })).toEqual({ a: '53,732', b: '2026' })
  })
  it('renders a code in either language and falls back to the English message', () => {
    const text = { code: 'field.too_long', params: { max_chars: 200 }, message: 'must be at most 200 characters' }
    expect(renderText(composer('zh-CN'), text)).toBe('最多 200 个字符')
    expect(renderText(composer('en'), text)).toBe('must be at most 200 characters')
    const unknown = { code: 'x.unknown', params: {}, message: 'English only' }
    expect(renderText(composer('en'), unknown)).toBe('English only')
    expect(renderText(composer('zh-CN'), unknown)).toBe('x.unknown')
  })
  it('lists every bad field of an error', () => {
    const error = {
      code: 'invalid_argument',
      message: 'is required',
      field: 'name',
      reason: 'field.required',
      errors: [
        { field: 'name', code: 'field.required', params: {} },
        { field: 'high', code: 'field.not_number', params: { actual: 'a string' } },
      ],
    }
    const zh = composer('zh-CN')
    expect(errorItems(zh, error)).toEqual([
      { field: 'name', text: '必填' },
      { field: 'high', text: '必须是数字' },
    ])
    expect(fieldError(zh, error, 'high')).toBe('必须是数字')
    expect(fieldError(zh, error, 'low')).toBe('')
    // No code: the category in Chinese, with the server's words only in English.
    const bare = { code: 'unavailable', message: 'database is down', field: '' }
    expect(errorItems(zh, bare)[0].text).toBe('服务暂时不可用')
    expect(errorItems(composer('en'), bare)[0].text).toBe('Service unavailable: database is down')
  })
})
