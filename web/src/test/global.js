// Run before every web unit test: what main.js registers on the app, registered for mounted components too.
import { config } from '@vue/test-utils'
import { cards } from '../directives/cards.js'

config.global.directives = { ...(config.global.directives || {}), cards }
