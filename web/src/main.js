import { createApp } from 'vue'
import App from './App.vue'
import { i18n, setLocale } from './i18n/index.js'
import { router } from './router.js'
import { cards } from './directives/cards.js'
import './styles.css'

setLocale(i18n.global.locale.value)
createApp(App).use(i18n).use(router).directive('cards', cards).mount('#app')
