// The app's one book of inspection rounds on this phone (roundBook.js) and when its queue is sent: at once, when
// the browser says the network is back (`online`), every RETRY_MS while something waits, and on the next visit
// (the app shell starts this on every page load of a signed-in user).
import { api, session } from '../../lib/session.js'
import { createRoundBook } from './roundBook.js'

const RETRY_MS = 30_000

let book = null
export function roundBook() {
  return (book ||= createRoundBook({ api }))
}

let started = false
let timer = null

export function sendQueuedRounds() {
  const user = session.user && session.user.name
  if (!user) return Promise.resolve(0)
  const b = roundBook()
  return b.flush(user).finally(() => {
    clearTimeout(timer)
    timer = b.pending(user) ? setTimeout(sendQueuedRounds, RETRY_MS) : null
  })
}

export function startRoundSync() {
  if (started || typeof window === 'undefined') return
  started = true
  window.addEventListener('online', () => sendQueuedRounds())
  sendQueuedRounds()
}
