import { describe, expect, it } from 'vitest'
import { parsePath, svgToLayout } from './svgLayout.js'

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 500">
  <rect width="1000" height="500" fill="#eee"/>
  <script>alert(1)</script>
  <rect id="p1" x="10" y="20" width="100" height="50" data-kind="plot" data-name="晶华酶催化" data-credit-code="91320000MA1X2Y3Z4A"/>
  <g transform="translate(200, 0)">
    <polygon points="0,0 50,0 50,40" data-kind="building" data-name="仓库"/>
    <circle cx="5" cy="490" r="4" data-kind="outlet" data-name="DW001" data-sensor-key="e01.dw001.cod"/>
  </g>
  <path d="M 0 250 H 1000" data-kind="road" data-name="园区大道"/>
  <path d="m 600 100 l 100 0 l 0 100 z" data-kind="green"/>
  <path d="M0 0 C 10 10 20 20 30 30" data-kind="water"/>
  <rect x="0" y="0" width="10" height="10" transform="rotate(45)" data-kind="dock"/>
</svg>`

describe('an SVG layout becomes GeoJSON', () => {
  it('keeps only shapes with a data-kind, flips y, applies translate(), and names what it cannot take', () => {
    const { layout, skipped, problems } = svgToLayout(SVG)
    expect(skipped).toBe(1)
    const kinds = layout.features.map((f) => f.properties.kind)
    expect(kinds).toEqual(['plot', 'building', 'road', 'green', 'outlet'])
    const plot = layout.features[0]
    expect(plot.properties).toEqual({ kind: 'plot', name: '晶华酶催化', credit_code: '91320000MA1X2Y3Z4A' })
    // y flipped against the viewBox height (500): the rect's top edge y=20 is at 480.
    expect(plot.geometry.coordinates[0]).toEqual([[10, 480], [110, 480], [110, 430], [10, 430], [10, 480]])
    const outlet = layout.features.find((f) => f.properties.kind === 'outlet')
    expect(outlet.geometry).toEqual({ type: 'Point', coordinates: [205, 10] })
    expect(outlet.properties.sensor_key).toBe('e01.dw001.cod')
    expect(layout.features.find((f) => f.properties.kind === 'road').geometry).toEqual({ type: 'LineString', coordinates: [[0, 250], [1000, 250]] })
    expect(layout.features.find((f) => f.properties.kind === 'green').geometry.coordinates[0]).toEqual([[600, 400], [700, 400], [700, 300], [600, 400]])
    expect(problems).toEqual([
      { element: '<rect>', reason: 'transform' },
      { element: '<path>', reason: 'curve' },
    ])
    // Nothing of the SVG beyond the shapes' numbers and data-* texts is carried over.
    expect(JSON.stringify(layout)).not.toMatch(/script|alert|fill/)
  })
  it('refuses what is not SVG', () => {
    expect(svgToLayout('{"type":"FeatureCollection"}').problems[0].reason).toBe('notSvg')
    expect(svgToLayout('<html><body/></html>').problems[0].reason).toBe('notSvg')
  })
  it('reads the straight-line subset of path data', () => {
    expect(parsePath('M1 2 L3 4 l1 1 h2 v-1 Z')).toEqual({ rings: [[[1, 2], [3, 4], [4, 5], [6, 5], [6, 4]]], closed: true })
    expect(parsePath('M0,0 10,0 10,10')).toEqual({ rings: [[[0, 0], [10, 0], [10, 10]]], closed: false })
    expect(parsePath('M0 0 A 5 5 0 0 1 10 10')).toBeNull()
    expect(parsePath('')).toBeNull()
  })
})
