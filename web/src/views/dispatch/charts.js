// The chart types only the dispatch pages draw (Sankey, gauge) and the band areas behind the plan, added to the
// app's ECharts build. Import this module from a page before its charts mount: the shared chart component loads
// the same ECharts instance, so what is registered here is there when it draws.
import { GaugeChart, SankeyChart } from 'echarts/charts'
import { MarkAreaComponent } from 'echarts/components'
import { echarts } from '../../lib/echarts.js'

echarts.use([GaugeChart, SankeyChart, MarkAreaComponent])

export { echarts }
