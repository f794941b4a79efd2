import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN.json'
import en from './en.json'

// The texts the server speaks in (codes with parameters): web/src/i18n/text/<module>.<locale>.json, under
// `text.` here. The server compiles the same files in for its English messages and its exports.
const textFiles = import.meta.glob('./text/*.json', { eager: true, import: 'default' })

export function textCatalogue(locale) {
  const out = {}
  for (const [path, messages] of Object.entries(textFiles)) {
    const m = /\/([\w-]+)\.([A-Za-z-]+)\.json$/.exec(path)
    if (m && m[2] === locale) Object.assign(out, messages)
  }
  return out
}

export const LOCALES = ['zh-CN', 'en']
export const LOCALE_KEY = 'parkbrain.locale'

export function savedLocale() {
  try {
    const v = localStorage.getItem(LOCALE_KEY)
    return LOCALES.includes(v) ? v : 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export function makeI18n(locale = savedLocale()) {
  return createI18n({
    legacy: false,
    globalInjection: true,
    locale,
    fallbackLocale: 'zh-CN',
    messages: {
      'zh-CN': { ...zhCN, text: textCatalogue('zh-CN') },
      en: { ...en, text: textCatalogue('en') },
    },
  })
}

export const i18n = makeI18n()

export function setLocale(locale, instance = i18n) {
  if (!LOCALES.includes(locale)) return
  instance.global.locale.value = locale
  try {
    localStorage.setItem(LOCALE_KEY, locale)
  } catch {
    /* not remembered in private mode */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}
