import { liveUrl } from './client.js'

// connectLive keeps a WebSocket to /api/v1/live open, reconnecting with backoff, and hands every parsed
// message to onMessage. Returns a function that closes it for good.
export function connectLive(token, { onMessage, onStatus, WebSocketImpl } = {}) {
  const WS = WebSocketImpl || globalThis.WebSocket
  let ws = null
  let closed = false
  let delay = 1000
  let timer = null

  function open() {
    if (closed || !token) return
    onStatus && onStatus('connecting')
    try {
      ws = new WS(liveUrl(token))
    } catch {
      schedule()
      return
    }
    ws.onopen = () => {
      delay = 1000
      onStatus && onStatus('open')
    }
    ws.onmessage = (ev) => {
      let msg
      try {
        msg = JSON.parse(ev.data)
      } catch {
        return
      }
      onMessage && onMessage(msg)
    }
    ws.onclose = () => {
      onStatus && onStatus('closed')
      schedule()
    }
    ws.onerror = () => {
      try {
        ws.close()
      } catch {
        /* already closing */
      }
    }
  }
  function schedule() {
    if (closed) return
    clearTimeout(timer)
    timer = setTimeout(open, delay)
    delay = Math.min(delay * 2, 30000)
  }
  open()
  return () => {
    closed = true
    clearTimeout(timer)
    if (ws) {
      ws.onclose = null
      try {
        ws.close()
      } catch {
        /* ignore */
      }
    }
  }
}
