// v-cards: a data table whose rows become cards on a phone (styles.css, table.cards-on-phone). Each cell is given
// its column's name (data-label, from the header cell above it) so that a card says what each number is; the
// labels follow when rows are added or the language changes. A cell that already has a data-label keeps it.
const observers = new WeakMap()

function headerLabels(table) {
  const row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1]
  if (!row) return []
  const out = []
  for (const th of row.cells) {
    const text = (th.textContent || '').replace(/\s+/g, ' ').trim()
    for (let i = 0; i < (th.colSpan || 1); i++) out.push(text)
  }
  return out
}

export function labelCells(table) {
  const labels = headerLabels(table)
  for (const body of table.tBodies) {
    for (const tr of body.rows) {
      let col = 0
      for (const td of tr.cells) {
        const label = labels[col]
        if (td.dataset.cardsLabel !== undefined || !td.hasAttribute('data-label')) {
          // Labels this directive set are refreshed; labels set in the template are left alone.
          if (label && td.colSpan <= 1) {
            td.setAttribute('data-label', label)
            td.dataset.cardsLabel = ''
          }
        }
        col += td.colSpan || 1
      }
    }
  }
}

export const cards = {
  mounted(table) {
    table.classList.add('cards-on-phone')
    labelCells(table)
    const observer = new MutationObserver(() => labelCells(table))
    observer.observe(table, { childList: true, subtree: true, characterData: true })
    observers.set(table, observer)
  },
  unmounted(table) {
    const o = observers.get(table)
    if (o) o.disconnect()
    observers.delete(table)
  },
}
