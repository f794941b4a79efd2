// ECharts options shared by the overview page and the big screen.
export const PALETTE = ['#0b5cad', '#2a9d8f', '#e9a23b', '#c8553d', '#6a4c93', '#1982c4', '#8ac926', '#ff595e', '#5f6c7b', '#3d5a80']

export function barOption(rows, { dark = false, horizontal = true, nameLabel = '', valueLabel = '' } = {}) {
  const text = dark ? '#cfe3ff' : '#29374a'
  const grid = dark ? 'rgba(120,170,230,0.15)' : '#e6e9ee'
  const names = rows.map((r) => r.name)
  const values = rows.map((r) => r.value)
  const catAxis = {
    type: 'category',
    data: names,
    name: nameLabel,
    axisLabel: { color: text, fontSize: dark ? 16 : 12, width: dark ? 220 : 140, overflow: 'truncate' },
    axisLine: { lineStyle: { color: grid } },
  }
  const valAxis = {
    type: 'value',
    name: valueLabel,
    minInterval: 1,
    axisLabel: { color: text, fontSize: dark ? 14 : 12 },
    splitLine: { lineStyle: { color: grid } },
  }
  return {
    color: PALETTE,
    aria: { enabled: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: horizontal ? valAxis : catAxis,
    yAxis: horizontal ? { ...catAxis, inverse: true } : valAxis,
    series: [
      {
        type: 'bar',
        data: values,
        barMaxWidth: dark ? 26 : 22,
        itemStyle: { color: dark ? '#3fa7ff' : '#0b5cad', borderRadius: horizontal ? [0, 4, 4, 0] : [4, 4, 0, 0] },
        label: { show: true, position: horizontal ? 'right' : 'top', color: text, fontSize: dark ? 16 : 12 },
      },
    ],
  }
}

export function pieOption(rows, { dark = false } = {}) {
  const text = dark ? '#cfe3ff' : '#29374a'
  return {
    color: PALETTE,
    aria: { enabled: true },
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: {
      type: 'scroll',
      orient: 'vertical',
      right: 0,
      top: 'middle',
      // Long sector names are cut so the legend never runs into the ring.
      textStyle: { color: text, fontSize: dark ? 16 : 12, width: dark ? 220 : 160, overflow: 'truncate' },
      pageTextStyle: { color: text },
    },
    series: [
      {
        type: 'pie',
        radius: dark ? ['36%', '62%'] : ['42%', '70%'],
        center: [dark ? '23%' : '32%', '50%'],
        data: rows.map((r) => ({ name: r.name, value: r.value })),
        label: { show: false },
        itemStyle: { borderColor: dark ? '#0a1a2f' : '#fff', borderWidth: 2 },
      },
    ],
  }
}
