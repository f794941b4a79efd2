// A park layout drawn as SVG (a CAD export, a drawing tool) turned into the GeoJSON the server stores: the
// browser reads the file, this keeps only plain shapes with their data-* attributes, and the server checks the
// result as it checks any uploaded GeoJSON (park::layout::ReadLayout). Nothing of the SVG itself is stored or
// shown, so a script or an external reference in it goes nowhere.
//
// Conventions, one shape per feature:
//   <rect>, <polygon>, <path> (M, L, H, V, Z, absolute or relative)   → Polygon (closed) or LineString (open path)
//   <polyline>, <line>                                             → LineString
//   <circle>, <ellipse>                                            → Point at its centre
//   data-kind: plot, outlet, monitor, gate, dock, parking, building, road, boundary, water, green, label
//   data-name, data-credit-code (plots), data-sensor-key (outlets, monitors)
// Shapes without data-kind are skipped (backgrounds, decorations); a transform other than translate() is refused
// so that nothing lands somewhere else than drawn. SVG's y grows downwards; the layout's grows upwards.

const SHAPES = ['rect', 'polygon', 'polyline', 'line', 'path', 'circle', 'ellipse']

function num(el, name) {
  const v = Number.parseFloat(el.getAttribute(name) || '0')
  return Number.isFinite(v) ? v : Number.NaN
}

function points(text) {
  const n = String(text || '')
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number)
  const out = []
  for (let i = 0; i + 1 < n.length; i += 2) out.push([n[i], n[i + 1]])
  return out
}

// The straight-line subset of path data. Returns {rings: [[x, y]…]…, closed} or null for curves and arcs.
export function parsePath(d) {
  const tokens = String(d || '').match(/[MmLlHhVvZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g)
  if (!tokens || /[CcSsQqTtAa]/.test(String(d))) return null
  const rings = []
  let ring = null
  let closed = false
  let cmd = null
  let x = 0
  let y = 0
  let i = 0
  const next = () => Number(tokens[i++])
  while (i < tokens.length) {
    if (/[A-Za-z]/.test(tokens[i])) cmd = tokens[i++]
    if (cmd === null) return null
    switch (cmd) {
      case 'M':
      case 'm': {
        const nx = next()
        const ny = next()
        x = cmd === 'm' ? x + nx : nx
        y = cmd === 'm' ? y + ny : ny
        ring = [[x, y]]
        rings.push(ring)
        cmd = cmd === 'm' ? 'l' : 'L' // further pairs are line-tos
        break
      }
      case 'L':
      case 'l': {
        const nx = next()
        const ny = next()
        x = cmd === 'l' ? x + nx : nx
        y = cmd === 'l' ? y + ny : ny
        if (!ring) return null
        ring.push([x, y])
        break
      }
      case 'H':
      case 'h':
        x = cmd === 'h' ? x + next() : next()
        if (!ring) return null
        ring.push([x, y])
        break
      case 'V':
      case 'v':
        y = cmd === 'v' ? y + next() : next()
        if (!ring) return null
        ring.push([x, y])
        break
      case 'Z':
      case 'z':
        closed = true
        if (ring && ring.length) [x, y] = ring[0]
        cmd = null
        break
      default:
        return null
    }
    if ([x, y].some((v) => !Number.isFinite(v))) return null
  }
  return rings.length ? { rings, closed } : null
}

// translate(tx[, ty]) only; anything else (scale, rotate, matrix) is refused.
function translation(el) {
  let tx = 0
  let ty = 0
  for (let node = el; node && node.getAttribute; node = node.parentNode) {
    const t = node.getAttribute('transform')
    if (!t) continue
    const m = t.trim().match(/^translate\(\s*([-+\d.eE]+)(?:[\s,]+([-+\d.eE]+))?\s*\)$/)
    if (!m) return null
    tx += Number(m[1])
    ty += Number(m[2] || 0)
  }
  return [tx, ty]
}

function close(ring) {
  const [a, b] = [ring[0], ring[ring.length - 1]]
  return a[0] === b[0] && a[1] === b[1] ? ring : [...ring, a]
}

// svgText → {layout: FeatureCollection, skipped: n, problems: [{element, reason}]}; reasons are catalogue keys
// (layout.svg.*) for the page to say.
export function svgToLayout(svgText, parser = new DOMParser()) {
  const doc = parser.parseFromString(String(svgText || ''), 'image/svg+xml')
  const root = doc.documentElement
  if (!root || root.nodeName.toLowerCase() !== 'svg' || doc.getElementsByTagName('parsererror').length) {
    return { layout: null, skipped: 0, problems: [{ element: '', reason: 'notSvg' }] }
  }
  const box = (root.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number)
  const height = box.length === 4 && box.every(Number.isFinite) ? box[1] + box[3] : num(root, 'height') || 0
  const flip = ([x, y]) => [x, height - y]
  const features = []
  const problems = []
  let skipped = 0
  for (const tag of SHAPES) {
    for (const el of Array.from(doc.getElementsByTagName(tag))) {
      const kind = el.getAttribute('data-kind')
      if (!kind) {
        skipped++
        continue
      }
      const where = `<${tag}${el.getAttribute('id') ? ` id="${el.getAttribute('id')}"` : ''}>`
      const shift = translation(el)
      if (!shift) {
        problems.push({ element: where, reason: 'transform' })
        continue
      }
      const at = ([x, y]) => flip([x + shift[0], y + shift[1]])
      let geometry = null
      if (tag === 'rect') {
        const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => num(el, a))
        if ([x, y, w, h].every(Number.isFinite) && w > 0 && h > 0) {
          geometry = { type: 'Polygon', coordinates: [close([[x, y], [x + w, y], [x + w, y + h], [x, y + h]].map(at))] }
        }
      } else if (tag === 'polygon') {
        const p = points(el.getAttribute('points'))
        if (p.length >= 3) geometry = { type: 'Polygon', coordinates: [close(p.map(at))] }
      } else if (tag === 'polyline') {
        const p = points(el.getAttribute('points'))
        if (p.length >= 2) geometry = { type: 'LineString', coordinates: p.map(at) }
      } else if (tag === 'line') {
        const p = [[num(el, 'x1'), num(el, 'y1')], [num(el, 'x2'), num(el, 'y2')]]
        if (p.flat().every(Number.isFinite)) geometry = { type: 'LineString', coordinates: p.map(at) }
      } else if (tag === 'circle' || tag === 'ellipse') {
        const c = [num(el, 'cx'), num(el, 'cy')]
        if (c.every(Number.isFinite)) geometry = { type: 'Point', coordinates: at(c) }
      } else if (tag === 'path') {
        const parsed = parsePath(el.getAttribute('d'))
        if (parsed && parsed.closed && parsed.rings.every((r) => r.length >= 3)) {
          geometry = { type: 'Polygon', coordinates: parsed.rings.map((r) => close(r.map(at))) }
        } else if (parsed && !parsed.closed && parsed.rings.length === 1 && parsed.rings[0].length >= 2) {
          geometry = { type: 'LineString', coordinates: parsed.rings[0].map(at) }
        } else if (!parsed) {
          problems.push({ element: where, reason: 'curve' })
          continue
        }
      }
      if (!geometry) {
        problems.push({ element: where, reason: 'shape' })
        continue
      }
      const properties = { kind }
      for (const [attr, key] of [
        ['data-name', 'name'],
        ['data-credit-code', 'credit_code'],
        ['data-sensor-key', 'sensor_key'],
      ]) {
        const v = el.getAttribute(attr)
        if (v) properties[key] = v
      }
      features.push({ type: 'Feature', geometry, properties })
    }
  }
  return { layout: { type: 'FeatureCollection', features }, skipped, problems }
}
