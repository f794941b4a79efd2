import { describe, expect, it } from 'vitest'
import { anchorOf, bounds, pathOf, projection, shortName } from './layout.js'

const square = { type: 'Polygon', coordinates: [[[0, 0], [100, 0], [100, 50], [0, 50], [0, 0]]] }
const layout = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: square, properties: { kind: 'plot' } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [50, 25] }, properties: { kind: 'outlet' } },
  ],
}

describe('layout map', () => {
  it('finds the bounds and projects with y up, keeping the aspect ratio', () => {
    const b = bounds(layout)
    expect(b).toEqual({ minX: 0, minY: 0, maxX: 100, maxY: 50 })
    const p = projection(b, 220, 120, 10)
    expect(p.point([0, 50])).toEqual([10, 10]) // north-west corner at the top left
    expect(p.point([100, 0])).toEqual([210, 110])
    expect(pathOf(square, p)).toBe('M10.0 110.0L210.0 110.0L210.0 10.0L10.0 10.0L10.0 110.0Z')
    expect(anchorOf(square, p)).toEqual({ at: [110, 60], size: [200, 100] })
    expect(anchorOf(layout.features[1].geometry, p).at).toEqual([110, 60])
    expect(bounds({ features: [] })).toBe(null)
  })
  it('stretches longitude by the cosine of the latitude', () => {
    const p = projection({ minX: 121, minY: 60, maxX: 121.5, maxY: 60.5 }, 1000, 1000, 0)
    const [x0] = p.point([121, 60])
    const [x1] = p.point([121.5, 60])
    expect(Math.round(x1 - x0)).toBe(Math.round(1000 * Math.cos((60.25 * Math.PI) / 180)))
  })
  it('shortens names to fit a plot', () => {
    expect(shortName('绿源原料药股份有限公司', 8)).toBe('绿源原料药')
    expect(shortName('禾生聚乳酸生物材料有限公司', 6)).toBe('禾生聚乳酸…')
  })
})
