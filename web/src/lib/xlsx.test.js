import { describe, expect, it } from 'vitest'
import { crc32, sheetXml, xlsxBytes, zipStored } from './xlsx.js'
import { templateRows, TEMPLATE_HEADER } from './carbon.js'

// Reads the stored entries of a ZIP back through its central directory.
function unzip(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const end = bytes.length - 22
  expect(dv.getUint32(end, true)).toBe(0x06054b50)
  const count = dv.getUint16(end + 10, true)
  let at = dv.getUint32(end + 16, true)
  const out = {}
  const dec = new TextDecoder()
  for (let i = 0; i < count; i++) {
    expect(dv.getUint32(at, true)).toBe(0x02014b50)
    const size = dv.getUint32(at + 24, true)
    const nameLen = dv.getUint16(at + 28, true)
    const crc = dv.getUint32(at + 16, true)
    const local = dv.getUint32(at + 42, true)
    const name = dec.decode(bytes.subarray(at + 46, at + 46 + nameLen))
    const localNameLen = dv.getUint16(local + 26, true)
    const data = bytes.subarray(local + 30 + localNameLen, local + 30 + localNameLen + size)
    expect(crc32(data)).toBe(crc)
    out[name] = dec.decode(data)
    at += 46 + nameLen
  }
  return out
}

describe('xlsx template', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array())).toBe(0)
  })
  it('packs files into a ZIP that reads back', () => {
    const enc = new TextEncoder()
    const files = unzip(zipStored([{ name: 'a.txt', data: enc.encode('hello') }, { name: '目录/b.xml', data: enc.encode('<x/>') }]))
    expect(files).toEqual({ 'a.txt': 'hello', '目录/b.xml': '<x/>' })
  })
  it('writes text and numbers into cells and escapes markup', () => {
    const xml = sheetXml([['a<b', 3.5, ''], ['R&D', null]])
    expect(xml).toContain('<c r="A1" t="inlineStr"><is><t xml:space="preserve">a&lt;b</t></is></c>')
    expect(xml).toContain('<c r="B1"><v>3.5</v></c>')
    expect(xml).toContain('<c r="C1" t="inlineStr">')
    expect(xml).toContain('R&amp;D')
    expect(xml).not.toContain('r="B2"')
  })
  it('is a workbook with the template in its first sheet', () => {
    const files = unzip(xlsxBytes(templateRows('91331000MA2A310762', '2025-03')))
    expect(Object.keys(files)).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml'])
    const sheet = files['xl/worksheets/sheet1.xml']
    for (const h of TEMPLATE_HEADER.split(',')) expect(sheet).toContain(`>${h}<`)
    expect(sheet).toContain('<c r="D2"><v>3300</v></c>')
    expect(files['xl/_rels/workbook.xml.rels']).toContain('worksheets/sheet1.xml')
  })
})
