// Only the ECharts parts the app draws with, so the bundle carries no unused chart types.
import * as echarts from 'echarts/core'
import { BarChart, CustomChart, PieChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent, TitleComponent, AriaComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, CustomChart, PieChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, AriaComponent, CanvasRenderer])

export { echarts }
