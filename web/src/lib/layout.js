// Drawing the park's layout map (GET /park/layout, a GeoJSON FeatureCollection) as SVG: the bounds, the
// projection into a viewBox (y up in the data, down on screen), paths for polygons and lines, and centres for
// labels. Pure functions, so the map is tested without a browser.

export function forEachPosition(geometry, fn) {
  if (!geometry) return
  const c = geometry.coordinates
  switch (geometry.type) {
    case 'Point':
      fn(c)
      break
    case 'LineString':
      c.forEach(fn)
      break
    case 'Polygon':
      c.forEach((ring) => ring.forEach(fn))
      break
    case 'MultiPolygon':
      c.forEach((poly) => poly.forEach((ring) => ring.forEach(fn)))
      break
    default:
  }
}

export function bounds(layout) {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const f of (layout && layout.features) || []) {
    forEachPosition(f.geometry, ([x, y]) => {
      minX = Math.min(minX, x)
      minY = Math.min(minY, y)
      maxX = Math.max(maxX, x)
      maxY = Math.max(maxY, y)
    })
  }
  if (!Number.isFinite(minX)) return null
  return { minX, minY, maxX, maxY }
}

// A projection of the layout into a width × height box with a margin, keeping the aspect ratio. Data that looks
// like longitude/latitude (within ±180/±90 and spanning under 1°, as a park does) is stretched east-west by
// cos(latitude) so that plots keep their shape; anything else is taken as planar metres.
export function projection(b, width, height, margin = 16) {
  const lonLat =
    b.minX >= -180 && b.maxX <= 180 && b.minY >= -90 && b.maxY <= 90 && b.maxX - b.minX < 1 && b.maxY - b.minY < 1
  const kx = lonLat ? Math.cos((((b.minY + b.maxY) / 2) * Math.PI) / 180) : 1
  const w = Math.max((b.maxX - b.minX) * kx, 1e-9)
  const h = Math.max(b.maxY - b.minY, 1e-9)
  const s = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h)
  const ox = margin + (width - 2 * margin - w * s) / 2
  const oy = margin + (height - 2 * margin - h * s) / 2
  return {
    scale: s * kx,
    point: ([x, y]) => [ox + (x - b.minX) * kx * s, oy + (b.maxY - y) * s],
  }
}

function ringPath(ring, p) {
  return ring.map((pos, i) => `${i ? 'L' : 'M'}${p.point(pos).map((v) => v.toFixed(1)).join(' ')}`).join('') + 'Z'
}

export function pathOf(geometry, p) {
  const c = geometry.coordinates
  switch (geometry.type) {
    case 'Polygon':
      return c.map((r) => ringPath(r, p)).join('')
    case 'MultiPolygon':
      return c.map((poly) => poly.map((r) => ringPath(r, p)).join('')).join('')
    case 'LineString':
      return c.map((pos, i) => `${i ? 'L' : 'M'}${p.point(pos).map((v) => v.toFixed(1)).join(' ')}`).join('')
    default:
      return ''
  }
}

// Where a label or marker of the feature goes: a point itself, else the centre of its bounding box, and its size
// on screen ([w, h]) so that labels can be fitted.
export function anchorOf(geometry, p) {
  if (geometry.type === 'Point') return { at: p.point(geometry.coordinates), size: [0, 0] }
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  forEachPosition(geometry, (pos) => {
    const [x, y] = p.point(pos)
    minX = Math.min(minX, x)
    minY = Math.min(minY, y)
    maxX = Math.max(maxX, x)
    maxY = Math.max(maxY, y)
  })
  return { at: [(minX + maxX) / 2, (minY + maxY) / 2], size: [maxX - minX, maxY - minY] }
}

// An enterprise's name short enough for its plot: the legal-form suffix dropped, then cut to fit.
const SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '公司', ' Co., Ltd.', ' Ltd.']
export function shortName(name, maxChars) {
  let s = String(name || '')
  for (const suffix of SUFFIXES) {
    if (s.endsWith(suffix) && s.length > suffix.length) {
      s = s.slice(0, -suffix.length)
      break
    }
  }
  return s.length > maxChars ? `${s.slice(0, Math.max(1, maxChars - 1))}…` : s
}
