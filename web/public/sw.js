// ParkBrain's service worker: keeps the app itself on the phone, so that an inspector who loses the network in a
// plant can reload or reopen the round page and finish the round (the answers are kept by the page; see
// src/views/maintenance/roundBook.js). It never touches the API, the live feed or anything of another origin.
//
// - Pages (navigations): the network first, the last app page seen when there is none.
// - Built files under /assets/ carry their content hash in the name and never change: from the cache once seen.
// - Other files of the app (the icon): the network first, the cache when there is none.
const CACHE = 'parkbrain-app-1'
const PAGE = '/index.html'

// Installed, it keeps the app's page and the files the page loads first; the pages' own files are kept as they
// are first loaded.
self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      try {
        const cache = await caches.open(CACHE)
        const res = await fetch(PAGE, { cache: 'no-cache' })
        if (res.ok) {
          const html = await res.clone().text()
          await cache.put(PAGE, res)
          const files = [...new Set(html.match(/\/assets\/[\w.-]+/g) || [])]
          await cache.addAll(files)
        }
      } catch {
        // No network while installing: the files are kept as they are loaded instead.
      }
      await self.skipWaiting()
    })(),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name)
      await self.clients.claim()
    })(),
  )
})

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE)
  try {
    const res = await fetch(request)
    if (res.ok) await cache.put(key, res.clone())
    return res
  } catch (e) {
    const hit = await cache.match(key)
    if (hit) return hit
    throw e
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE)
  const hit = await cache.match(request)
  if (hit) return hit
  const res = await fetch(request)
  if (res.ok) await cache.put(request, res.clone())
  return res
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz' || url.pathname === '/metrics') return
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, PAGE))
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request))
  } else if (url.pathname !== '/sw.js') {
    event.respondWith(networkFirst(request, url.pathname))
  }
})
