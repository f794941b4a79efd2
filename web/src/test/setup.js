import { makeI18n } from '../i18n/index.js'

// A fresh i18n instance per test, in the language asked for.
export function i18nFor(locale = 'zh-CN') {
  return makeI18n(locale)
}

export function flush() {
  return new Promise((r) => setTimeout(r, 0))
}
