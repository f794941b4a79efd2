import { makeI18n } from '../i18n/index.js'
import { ApiError } from '../api/client.js'

// A fresh i18n instance per test, in the language asked for.
export function i18nFor(locale = 'zh-CN') {
  return makeI18n(locale)
}

export function flush() {
  return new Promise((r) => setTimeout(r, 0))
}

// An ApiError as the server sends it: a category, and every bad field with its reason code and parameters
// (errors: [{field, code, params?}]; the first is also the top-level reason).
export function coded(status, category, errors) {
  const first = errors[0]
  return new ApiError(status, category, first.message || first.code, first.field, null, {
    reason: first.code,
    params: first.params || {},
    errors: errors.map((e) => ({ params: {}, message: e.code, ...e })),
  })
}
