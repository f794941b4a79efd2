// Server texts in the user's language. The API sends every reason, criterion, note and error as a stable code
// with parameters ({code, params, message}); the catalogues in i18n/text/ say it, with numbers rounded as the
// server rounds them. The English `message` is only a fallback for a code this build does not know.
//
// `i18n` is what useI18n() returns (t, te and locale).
import { useI18n } from 'vue-i18n'
import { formatTextNumber } from './format.js'

// Numbers rounded as the server rounds them; a parameter that is itself a text ({code}) said in the same language.
export function textParams(params = {}, i18n = null) {
  const out = {}
  for (const [k, v] of Object.entries(params || {})) {
    if (typeof v === 'number') out[k] = formatTextNumber(v)
    else if (v && typeof v === 'object' && typeof v.code === 'string') out[k] = i18n ? renderText(i18n, { code: v.code, params: {} }) : v.code
    else out[k] = v
  }
  return out
}

function localeOf(i18n) {
  const l = i18n.locale
  return l && typeof l === 'object' && 'value' in l ? l.value : l
}

// In a component's setup: tx(text) says a server text in the page's language.
export function useText() {
  const i18n = useI18n()
  return (text) => renderText(i18n, text)
}

// text: {code, params, message}, or a plain string from an older server.
export function renderText(i18n, text) {
  if (text === null || text === undefined) return ''
  if (typeof text === 'string') return text
  const key = `text.${text.code}`
  if (text.code && i18n.te(key)) return i18n.t(key, textParams(text.params, i18n))
  if (localeOf(i18n) === 'en') return text.message || text.code || ''
  return text.code || ''
}

// An error with no code of its own (only machines were meant to see it): the category, and in English the
// server's message too.
export function categoryText(i18n, error) {
  const category = i18n.t(`errors.${error.code || 'internal'}`)
  if (!error.message || localeOf(i18n) !== 'en') return category
  return `${category}: ${error.message}`
}

// Every bad field of an ApiError as [{field, text}], rendered; one entry for an error that names no list.
export function errorItems(i18n, error) {
  if (!error) return []
  if (Array.isArray(error.errors) && error.errors.length) {
    return error.errors.map((e) => ({ field: e.field || '', text: renderText(i18n, e) }))
  }
  if (error.reason) {
    return [{ field: error.field || '', text: renderText(i18n, { code: error.reason, params: error.params, message: error.message }) }]
  }
  return [{ field: error.field || '', text: categoryText(i18n, error) }]
}

// The message for one form field, or ''. Every bad field is reported at once, so several fields can show one.
export function fieldError(i18n, error, path) {
  for (const item of errorItems(i18n, error)) if (item.field === path) return item.text
  return ''
}
