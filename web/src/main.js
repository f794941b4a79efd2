import { createApp } from 'vue'
import App from './App.vue'
import { i18n, setLocale } from './i18n/index.js'
import { router } from './router.js'
import { cards } from './directives/cards.js'
import './styles.css'

setLocale(i18n.global.locale.value)
createApp(App).use(i18n).use(router).directive('cards', cards).mount('#app')

// The app is kept on the phone by a service worker (public/sw.js) so a round can be finished where the network
// does not reach; browsers allow one only on https or on this machine.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => navigator.serviceWorker.register('/sw.js').catch(() => {}))
}
