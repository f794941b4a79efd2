import { createRouter, createWebHistory, START_LOCATION } from 'vue-router'
import { session, onUnauthenticated, isParkUser, refreshMe, clearSession, api } from './lib/session.js'
import { reportingYear } from './lib/carbon.js'

import AppShell from './components/AppShell.vue'
import LoginView from './views/LoginView.vue'
import OverviewView from './views/OverviewView.vue'
import RegistryList from './views/RegistryList.vue'
import RegistryDetail from './views/RegistryDetail.vue'
import RegistryForm from './views/RegistryForm.vue'
import NotFoundView from './views/NotFoundView.vue'

// Pages used daily load with the shell; admin pages and the big screen load on demand.
const UsersView = () => import('./views/UsersView.vue')
const AuditView = () => import('./views/AuditView.vue')
const TokensView = () => import('./views/TokensView.vue')
const ScreenView = () => import('./views/ScreenView.vue')
const AccountView = () => import('./views/AccountView.vue')
const ParkLayoutView = () => import('./views/ParkLayoutView.vue')
// Carbon pages (issue 3) load on demand.
const CarbonPark = () => import('./views/carbon/ParkView.vue')
const CarbonInventory = () => import('./views/carbon/InventoryView.vue')
const CarbonActivity = () => import('./views/carbon/ActivityView.vue')
const CarbonLists = () => import('./views/carbon/ListsView.vue')
const CarbonRatings = () => import('./views/carbon/RatingsView.vue')
const CarbonAccess = () => import('./views/carbon/AccessCheckView.vue')
const CarbonProjects = () => import('./views/carbon/ProjectsView.vue')
const CarbonFactors = () => import('./views/carbon/FactorsView.vue')
// Telemetry pages (issue 4) load on demand.
const TelemetrySeries = () => import('./views/telemetry/SeriesView.vue')
const TelemetryMeters = () => import('./views/telemetry/MetersView.vue')
const TelemetryAlarms = () => import('./views/telemetry/AlarmsView.vue')
const TelemetryRules = () => import('./views/telemetry/AlarmRulesView.vue')
const TelemetryAlarm = () => import('./views/telemetry/AlarmDetailView.vue')
const TelemetryAlarmStats = () => import('./views/telemetry/AlarmStatsView.vue')
// Energy pages (issue 11; dispatch joins with issue 14) load on demand.
const EnergyAccount = () => import('./views/energy/EnergyView.vue')
const MonthlyReport = () => import('./views/report/MonthlyReportView.vue')
// Dispatch pages (issue 14): the plan, grid instructions, orderly power use, sizing and tariffs.
const DispatchPlan = () => import('./views/dispatch/PlanView.vue')
const DispatchInstructions = () => import('./views/dispatch/InstructionsView.vue')
const DispatchOrderly = () => import('./views/dispatch/OrderlyView.vue')
const DispatchSizing = () => import('./views/dispatch/SizingView.vue')
const DispatchTariffs = () => import('./views/dispatch/TariffsView.vue')
// Isotope pages (issue 15) load on demand.
const IsoInventory = () => import('./views/isotope/InventoryView.vue')
const IsoBatch = () => import('./views/isotope/BatchView.vue')
const IsoOrders = () => import('./views/isotope/OrdersView.vue')
const IsoShipments = () => import('./views/isotope/ShipmentsView.vue')
const IsoGenerators = () => import('./views/isotope/GeneratorsView.vue')
const IsoWaste = () => import('./views/isotope/WasteView.vue')
// Hazardous-chemical vehicle appointment pages (issue 13) load on demand.
const LogBook = () => import('./views/logistics/BookView.vue')
const LogMy = () => import('./views/logistics/MyBookingsView.vue')
const LogNow = () => import('./views/logistics/NowView.vue')
const LogApprovals = () => import('./views/logistics/ApprovalsView.vue')
const LogDocks = () => import('./views/logistics/DocksView.vue')
const LogGate = () => import('./views/logistics/GateView.vue')
const LogLot = () => import('./views/logistics/LotView.vue')
const LogGantt = () => import('./views/logistics/GanttView.vue')
const LogPredict = () => import('./views/logistics/PredictionView.vue')
// Maintenance pages (issue 12) load on demand.
const MaintOrders = () => import('./views/maintenance/WorkOrdersView.vue')
const MaintOrder = () => import('./views/maintenance/WorkOrderView.vue')
const MaintPlans = () => import('./views/maintenance/PlansView.vue')
const MaintRegulated = () => import('./views/maintenance/RegulatedView.vue')
const MaintHealth = () => import('./views/maintenance/HealthView.vue')
const MaintPerformance = () => import('./views/maintenance/PerformanceView.vue')
const MaintRounds = () => import('./views/maintenance/RoundsView.vue')
const MaintRoundWalk = () => import('./views/maintenance/RoundWalkView.vue')
const MaintRound = () => import('./views/maintenance/RoundView.vue')
const MaintRoutes = () => import('./views/maintenance/InspectionRoutesView.vue')
const MaintParts = () => import('./views/maintenance/PartsView.vue')
const ModbusDevices = () => import('./views/maintenance/ModbusView.vue')

const ADMIN = ['park_admin']
const PARK = ['park_admin', 'park_staff']
const CARBON = ['park_admin', 'park_staff', 'enterprise_user']
// Who works with maintenance (the server's readers); regulated equipment's dues are not a technician's list.
const MAINT = ['park_admin', 'park_staff', 'enterprise_user', 'technician']
const MAINT_MANAGERS = ['park_admin', 'park_staff', 'enterprise_user']
// Who reads Modbus devices (the server's readers of /api/v1/modbus/devices).
const MODBUS = ['park_admin', 'park_staff', 'integrator']
// Who may read telemetry (the server's readers, less the wall-display viewer, which has no app login).
const TELEMETRY = ['park_admin', 'park_staff', 'enterprise_user', 'technician', 'integrator']
// Vehicle appointments: who books, who approves and runs docks, who stands at the gate and watches the lot.
const LOG_DOCKS = ['park_admin', 'park_staff', 'enterprise_user']
const LOG_GATE = ['park_admin', 'park_staff', 'gate']

function registryRoutes(entity, titleKey) {
  return [
    { path: entity, name: `${entity}-list`, component: RegistryList, props: { entity }, meta: { title: titleKey } },
    {
      path: `${entity}/new`,
      name: `${entity}-new`,
      component: RegistryForm,
      props: { entity },
      meta: { title: titleKey },
    },
    {
      path: `${entity}/:id`,
      name: `${entity}-detail`,
      component: RegistryDetail,
      props: (r) => ({ entity, id: r.params.id }),
      meta: { title: titleKey },
    },
    {
      path: `${entity}/:id/edit`,
      name: `${entity}-edit`,
      component: RegistryForm,
      props: (r) => ({ entity, id: r.params.id }),
      meta: { title: titleKey },
    },
  ]
}

export const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'auth.title' } },
  { path: '/screen', name: 'screen', component: ScreenView, meta: { public: true, title: 'nav.screen' } },
  {
    path: '/',
    component: AppShell,
    children: [
      { path: '', name: 'overview', component: OverviewView, meta: { title: 'nav.overview' } },
      ...registryRoutes('enterprises', 'nav.enterprises'),
      ...registryRoutes('facilities', 'nav.facilities'),
      ...registryRoutes('equipment', 'nav.equipment'),
      ...registryRoutes('sensors', 'nav.sensors'),
      { path: 'users', name: 'users', component: UsersView, meta: { roles: ADMIN, title: 'nav.users' } },
      { path: 'audit', name: 'audit', component: AuditView, meta: { roles: ADMIN, title: 'nav.audit' } },
      { path: 'tokens', name: 'tokens', component: TokensView, meta: { roles: ADMIN, title: 'nav.tokens' } },
      { path: 'account', name: 'account', component: AccountView, meta: { title: 'nav.password' } },
      { path: 'carbon/park', name: 'carbon-park', component: CarbonPark, meta: { roles: PARK, title: 'nav.carbonPark', year: true } },
      {
        path: 'carbon/inventory/:id?',
        name: 'carbon-inventory',
        component: CarbonInventory,
        props: (r) => ({ id: r.params.id || '' }),
        meta: { roles: CARBON, title: 'nav.carbonInventory', ownEnterprise: true, year: true },
      },
      {
        path: 'carbon/activity/:id?',
        name: 'carbon-activity',
        component: CarbonActivity,
        props: (r) => ({ id: r.params.id || '' }),
        meta: { roles: CARBON, title: 'nav.carbonActivity', ownEnterprise: true, year: true },
      },
      { path: 'carbon/lists', name: 'carbon-lists', component: CarbonLists, meta: { roles: PARK, title: 'nav.carbonLists', year: true } },
      { path: 'carbon/ratings', name: 'carbon-ratings', component: CarbonRatings, meta: { roles: PARK, title: 'nav.carbonRatings', year: true } },
      { path: 'carbon/access-check', name: 'carbon-access', component: CarbonAccess, meta: { roles: CARBON, title: 'nav.carbonAccess' } },
      { path: 'carbon/projects', name: 'carbon-projects', component: CarbonProjects, meta: { roles: CARBON, title: 'nav.carbonProjects' } },
      { path: 'carbon/factors', name: 'carbon-factors', component: CarbonFactors, meta: { roles: CARBON, title: 'nav.carbonFactors' } },
      { path: 'maintenance/work-orders', name: 'maint-orders', component: MaintOrders, meta: { roles: MAINT, title: 'text.maintenance.ui.nav.orders' } },
      {
        path: 'maintenance/work-orders/:id(\\d+)',
        name: 'maint-order',
        component: MaintOrder,
        meta: { roles: MAINT, title: 'text.maintenance.ui.nav.orders' },
      },
      { path: 'maintenance/plans', name: 'maint-plans', component: MaintPlans, meta: { roles: MAINT, title: 'text.maintenance.ui.nav.plans' } },
      { path: 'maintenance/regulated', name: 'maint-regulated', component: MaintRegulated, meta: { roles: MAINT_MANAGERS, title: 'text.maintenance.ui.nav.regulated' } },
      { path: 'maintenance/health', name: 'maint-health', component: MaintHealth, meta: { roles: MAINT, title: 'text.maintenance.ui.nav.health' } },
      { path: 'maintenance/performance', name: 'maint-performance', component: MaintPerformance, meta: { roles: MAINT, title: 'text.maintenance.ui.nav.performance' } },
      { path: 'maintenance/rounds', name: 'maint-rounds', component: MaintRounds, meta: { roles: MAINT, title: 'text.maintenance.ui.nav.rounds' } },
      {
        path: 'maintenance/rounds/walk/:routeId(\\d+)',
        name: 'maint-round-walk',
        component: MaintRoundWalk,
        meta: { roles: MAINT, title: 'text.maintenance.ui.nav.rounds' },
      },
      { path: 'maintenance/rounds/:id(\\d+)', name: 'maint-round', component: MaintRound, meta: { roles: MAINT, title: 'text.maintenance.ui.nav.rounds' } },
      { path: 'maintenance/inspection-routes', name: 'maint-routes', component: MaintRoutes, meta: { roles: MAINT, title: 'text.maintenance.ui.nav.routes' } },
      { path: 'maintenance/parts', name: 'maint-parts', component: MaintParts, meta: { roles: MAINT, title: 'text.maintenance.ui.nav.parts' } },
      { path: 'modbus/devices', name: 'modbus-devices', component: ModbusDevices, meta: { roles: MODBUS, title: 'text.maintenance.ui.nav.modbus' } },
      { path: 'telemetry/series', name: 'telemetry-series', component: TelemetrySeries, meta: { roles: TELEMETRY, title: 'nav.series' } },
      { path: 'telemetry/meters', name: 'telemetry-meters', component: TelemetryMeters, meta: { roles: TELEMETRY, title: 'nav.meters' } },
      { path: 'telemetry/alarms', name: 'telemetry-alarms', component: TelemetryAlarms, meta: { roles: TELEMETRY, title: 'nav.alarms' } },
      {
        path: 'telemetry/alarms/:id(\\d+)',
        name: 'telemetry-alarm',
        component: TelemetryAlarm,
        meta: { roles: TELEMETRY, title: 'nav.alarms' },
      },
      {
        path: 'telemetry/alarm-stats',
        name: 'telemetry-alarm-stats',
        component: TelemetryAlarmStats,
        meta: { roles: TELEMETRY, title: 'nav.alarms' },
      },
      { path: 'isotopes/inventory', name: 'iso-inventory', component: IsoInventory, meta: { roles: CARBON, title: 'text.isotope.ui.nav.inventory' } },
      {
        path: 'isotopes/batches/:id(\\d+)',
        name: 'iso-batch',
        component: IsoBatch,
        props: true,
        meta: { roles: CARBON, title: 'text.isotope.ui.nav.inventory' },
      },
      { path: 'isotopes/orders', name: 'iso-orders', component: IsoOrders, meta: { roles: CARBON, title: 'text.isotope.ui.nav.orders' } },
      { path: 'isotopes/shipments', name: 'iso-shipments', component: IsoShipments, meta: { roles: CARBON, title: 'text.isotope.ui.nav.shipments' } },
      { path: 'isotopes/generators', name: 'iso-generators', component: IsoGenerators, meta: { roles: CARBON, title: 'text.isotope.ui.nav.generators' } },
      { path: 'isotopes/waste', name: 'iso-waste', component: IsoWaste, meta: { roles: CARBON, title: 'text.isotope.ui.nav.waste' } },
      { path: 'logistics/book', name: 'log-book', component: LogBook, meta: { roles: ['driver'], title: 'text.logistics.ui.nav.book' } },
      { path: 'logistics/my', name: 'log-my', component: LogMy, meta: { roles: ['driver'], title: 'text.logistics.ui.nav.my' } },
      { path: 'logistics/now', name: 'log-now', component: LogNow, meta: { roles: ['driver'], title: 'text.logistics.ui.nav.now' } },
      { path: 'logistics/approvals', name: 'log-approvals', component: LogApprovals, meta: { roles: LOG_DOCKS, title: 'text.logistics.ui.nav.approvals' } },
      { path: 'logistics/docks', name: 'log-docks', component: LogDocks, meta: { roles: LOG_DOCKS, title: 'text.logistics.ui.nav.docks' } },
      { path: 'logistics/gate', name: 'log-gate', component: LogGate, meta: { roles: LOG_GATE, title: 'text.logistics.ui.nav.gate' } },
      { path: 'logistics/lot', name: 'log-lot', component: LogLot, meta: { roles: [...LOG_DOCKS, 'gate'], title: 'text.logistics.ui.nav.lot' } },
      { path: 'logistics/gantt', name: 'log-gantt', component: LogGantt, meta: { roles: LOG_DOCKS, title: 'text.logistics.ui.nav.gantt' } },
      { path: 'logistics/prediction', name: 'log-predict', component: LogPredict, meta: { roles: LOG_DOCKS, title: 'text.logistics.ui.nav.predict' } },
      { path: 'energy', name: 'energy', component: EnergyAccount, meta: { roles: CARBON, title: 'text.energy.ui.nav' } },
      { path: 'dispatch/plan', name: 'dispatch-plan', component: DispatchPlan, meta: { roles: PARK, title: 'text.dispatch.ui.nav.plan' } },
      { path: 'dispatch/instructions', name: 'dispatch-instructions', component: DispatchInstructions, meta: { roles: PARK, title: 'text.dispatch.ui.nav.instructions' } },
      { path: 'dispatch/orderly', name: 'dispatch-orderly', component: DispatchOrderly, meta: { roles: CARBON, title: 'text.dispatch.ui.nav.orderly' } },
      { path: 'dispatch/sizing', name: 'dispatch-sizing', component: DispatchSizing, meta: { roles: PARK, title: 'text.dispatch.ui.nav.sizing' } },
      { path: 'dispatch/tariffs', name: 'dispatch-tariffs', component: DispatchTariffs, meta: { roles: PARK, title: 'text.dispatch.ui.nav.tariffs' } },
      { path: 'reports/monthly', name: 'report-monthly', component: MonthlyReport, meta: { roles: CARBON, title: 'text.report.ui.nav' } },
      { path: 'park-layout', name: 'park-layout', component: ParkLayoutView, meta: { roles: ['park_admin'], title: 'nav.layout' } },
      {
        path: 'telemetry/alarm-rules',
        name: 'telemetry-alarm-rules',
        component: TelemetryRules,
        meta: { roles: TELEMETRY, title: 'nav.alarmRules' },
      },
      { path: ':pathMatch(.*)*', name: 'not-found', component: NotFoundView, meta: { title: 'common.notFound' } },
    ],
  },
]

export function makeRouter(history = createWebHistory()) {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: () => ({ top: 0 }),
  })

  // A remembered token is checked once per page load (it may have expired or been revoked, or the
  // user's role changed); until then the cached user drives the navigation.
  let checked = false
  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    if (session.token && !checked) {
      checked = true
      try {
        await refreshMe()
      } catch (e) {
        if (e.status === 401) clearSession()
      }
    }
    if (!session.token || !session.user) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    const user = session.user
    if (to.meta.roles && !to.meta.roles.includes(user.role)) return { name: 'overview' }
    // An enterprise user's carbon pages are their own enterprise's.
    if (to.meta.ownEnterprise && !isParkUser(user) && user.enterprise_id && to.params.id !== String(user.enterprise_id)) {
      return { name: to.name, params: { id: String(user.enterprise_id) }, query: to.query }
    }
    // A carbon page without a year opens on the latest year with data (someone reported all of it, if anyone did).
    if (to.meta.year && !to.query.year) {
      const year = await reportingYear(api, user)
      if (year) return { path: to.path, query: { ...to.query, year: String(year) }, hash: to.hash, replace: true }
    }
    // A gate guard's home is the gate.
    if (to.name === 'overview' && user.role === 'gate') return { name: 'log-gate' }
    // An enterprise user has one enterprise: the list is their enterprise's page.
    if (to.name === 'enterprises-list' && !isParkUser(user) && user.enterprise_id) {
      return { name: 'enterprises-detail', params: { id: String(user.enterprise_id) } }
    }
    return true
  })

  onUnauthenticated(() => {
    const current = router.currentRoute.value
    // During the first navigation the guard itself sends the user to the login page.
    if (current === START_LOCATION || current.meta.public) return
    router.push({ name: 'login', query: { redirect: current.fullPath, expired: '1' } })
  })
  return router
}

export const router = makeRouter()
