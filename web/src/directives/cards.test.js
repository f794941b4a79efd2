import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { nextTick, ref } from 'vue'
import { cards } from './cards.js'

const Table = {
  directives: { cards },
  props: ['rows', 'head'],
  template: `<table v-cards><thead><tr><th>{{ head }}</th><th>数量</th><th>操作</th></tr></thead>
    <tbody><tr v-for="r in rows" :key="r.id"><td>{{ r.name }}</td><td class="num">{{ r.n }}</td><td data-label="">x</td></tr>
    <tr><td colspan="3">合计</td></tr></tbody></table>`,
}

describe('v-cards', () => {
  it('gives each cell its column name, keeps template labels, and follows new rows and headers', async () => {
    const rows = ref([{ id: 1, name: '反应釜', n: 3 }])
    const head = ref('名称')
    const w = mount(Table, { props: { rows: rows.value, head: head.value }, attachTo: document.body })
    const table = w.find('table')
    expect(table.classes()).toContain('cards-on-phone')
    const cells = () => w.findAll('tbody tr:first-child td').map((td) => td.attributes('data-label'))
    expect(cells()).toEqual(['名称', '数量', ''])
    expect(w.find('td[colspan]').attributes('data-label')).toBeUndefined()
    await w.setProps({ rows: [...rows.value, { id: 2, name: '离心机', n: 1 }], head: 'Name' })
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
    expect(w.findAll('tbody tr')[1].findAll('td').map((td) => td.attributes('data-label'))).toEqual(['Name', '数量', ''])
    expect(cells()[0]).toBe('Name')
    w.unmount()
  })
})
