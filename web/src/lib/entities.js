// What the registry pages need to know about each kind of record: API path, list columns, filters and
// form fields. The generic list, detail and form views read this, so a new kind is a few lines here.

export const FACILITY_KINDS = [
  'workshop',
  'tank_farm',
  'loading_dock',
  'parking_lot',
  'warehouse',
  'utility',
  'laboratory',
  'office',
]

export const EQUIPMENT_TYPES = [
  'reactor',
  'pressure_vessel',
  'storage_tank',
  'valve',
  'safety_valve',
  'pump',
  'compressor',
  'boiler',
  'distillation_tower',
  'heat_exchanger',
  'electrolyser',
  'transformer',
  'pv_array',
  'wind_turbine',
  'flow_battery',
  'dryer',
  'centrifuge',
  'online_monitor',
  'other',
]

export const EQUIPMENT_STATUSES = ['in_service', 'standby', 'retired']
// In the park, or an organisation outside it that uses the platform (a hospital ordering isotopes).
export const ENTERPRISE_KINDS = ['enterprise', 'external']

// What a sensor or meter may measure and the units the server accepts for each (meters count up, so only
// the cumulative quantities suit them).
export const QUANTITY_UNITS = {
  temperature: ['degC', 'K'],
  pressure: ['MPa', 'kPa', 'Pa', 'bar'],
  level: ['m', 'mm', '%'],
  flow: ['m3/h', 'Nm3/h', 't/h', 'L/s', 'kg/h'],
  vibration: ['mm/s', 'um', 'g'],
  current: ['A', 'kA'],
  voltage: ['V', 'kV'],
  power: ['kW', 'MW'],
  reactive_power: ['kvar', 'Mvar'],
  power_factor: ['1'],
  frequency: ['Hz'],
  speed: ['rpm'],
  concentration: ['mg/m3', 'mg/L', 'ppm', '%'],
  ph: ['pH'],
  humidity: ['%RH'],
  wind_speed: ['m/s'],
  direction: ['deg'],
  irradiance: ['W/m2'],
  state_of_charge: ['%'],
  performance: ['%'],
  state: ['1'],
  energy: ['kWh', 'MWh'],
  gas_volume: ['m3', 'Nm3', '10^4 Nm3'],
  water_volume: ['m3', 't'],
  steam_mass: ['t', 'kg'],
  heat: ['GJ', 'MJ'],
  run_hours: ['h'],
  count: ['1'],
}
export const CUMULATIVE_QUANTITIES = ['energy', 'gas_volume', 'water_volume', 'steam_mass', 'heat', 'run_hours', 'count']
export const QUANTITIES = Object.keys(QUANTITY_UNITS)
export const SENSOR_KINDS = ['sensor', 'meter']
export const ROLES = ['park_admin', 'park_staff', 'enterprise_user', 'technician', 'driver', 'integrator', 'gate']

// Field types: text, number, date, enum (options + i18n prefix), ref (another entity), contacts, json,
// unit (a select of the units the chosen quantity allows). `helper` fields are never sent: they only
// narrow another choice (equipment and sensors take their enterprise from their facility or equipment).
export const ENTITIES = {
  enterprises: {
    path: '/enterprises',
    i18n: 'enterprise',
    audit: 'enterprise',
    title: (r) => r.name,
    columns: ['name', 'credit_code', 'sector', 'kind', 'land_area_mu'],
    filters: [
      { key: 'sector', type: 'text' },
      { key: 'kind', type: 'enum', options: ENTERPRISE_KINDS, label: 'enterprise.kinds' },
    ],
    fields: [
      { key: 'name', type: 'text', required: true, autocomplete: 'organization' },
      { key: 'credit_code', type: 'text', required: true, maxlength: 18, hint: true, mono: true },
      { key: 'sector', type: 'text', required: true, hint: true, inputmode: 'numeric' },
      { key: 'land_area_mu', type: 'number', step: 'any', min: 0, unit: 'mu' },
      { key: 'address', type: 'text', wide: true, autocomplete: 'street-address' },
      { key: 'contacts', type: 'contacts', wide: true },
      { key: 'kind', type: 'enum', options: ENTERPRISE_KINDS, label: 'enterprise.kinds', required: true, hint: true },
    ],
    empty: () => ({ name: '', credit_code: '', sector: '', land_area_mu: null, address: '', contacts: [], kind: 'enterprise' }),
  },
  facilities: {
    path: '/facilities',
    i18n: 'facility',
    audit: 'facility',
    title: (r) => r.name,
    columns: ['name', 'kind', 'enterprise_id', 'location'],
    filters: [
      { key: 'enterprise_id', type: 'ref', ref: 'enterprises', parkOnly: true },
      { key: 'kind', type: 'enum', options: FACILITY_KINDS, label: 'facility.kinds' },
    ],
    fields: [
      { key: 'enterprise_id', type: 'ref', ref: 'enterprises', required: true },
      { key: 'name', type: 'text', required: true },
      { key: 'kind', type: 'enum', options: FACILITY_KINDS, label: 'facility.kinds', required: true },
      { key: 'location', type: 'text', wide: true },
    ],
    empty: () => ({ enterprise_id: null, name: '', kind: 'workshop', location: '' }),
    children: [{ entity: 'equipment', by: 'facility_id' }],
  },
  equipment: {
    path: '/equipment',
    i18n: 'equipment',
    audit: 'equipment',
    title: (r) => (r.tag ? `${r.tag} ${r.name}` : r.name),
    columns: ['tag', 'name', 'type', 'enterprise_id', 'status', 'inspection_due_date'],
    filters: [
      { key: 'enterprise_id', type: 'ref', ref: 'enterprises', parkOnly: true },
      { key: 'type', type: 'enum', options: EQUIPMENT_TYPES, label: 'equipment.types' },
      { key: 'status', type: 'enum', options: EQUIPMENT_STATUSES, label: 'equipment.statuses' },
    ],
    // Filters reached from a parent's page, shown as a removable chip rather than a control.
    linkFilters: [{ key: 'facility_id', ref: 'facilities' }],
    fields: [
      { key: 'enterprise_id', type: 'ref', ref: 'enterprises', helper: true, hint: true },
      { key: 'facility_id', type: 'ref', ref: 'facilities', dependsOn: 'enterprise_id', required: true },
      { key: 'tag', type: 'text', required: true, mono: true },
      { key: 'name', type: 'text', required: true },
      { key: 'type', type: 'enum', options: EQUIPMENT_TYPES, label: 'equipment.types', required: true },
      { key: 'status', type: 'enum', options: EQUIPMENT_STATUSES, label: 'equipment.statuses', required: true },
      { key: 'model', type: 'text' },
      { key: 'manufacturer', type: 'text' },
      { key: 'serial', type: 'text', mono: true },
      { key: 'install_date', type: 'date' },
      { key: 'design_life_years', type: 'number', step: 1, min: 0, unit: 'years' },
      { key: 'inspection_due_date', type: 'date', hint: true, nullable: true },
      { key: 'rated', type: 'json', wide: true, hint: true },
    ],
    empty: () => ({
      enterprise_id: null,
      facility_id: null,
      tag: '',
      name: '',
      type: 'reactor',
      status: 'in_service',
      model: '',
      manufacturer: '',
      serial: '',
      install_date: '',
      design_life_years: null,
      inspection_due_date: null,
      rated: {},
    }),
    children: [{ entity: 'sensors', by: 'equipment_id' }],
  },
  sensors: {
    path: '/sensors',
    i18n: 'sensor',
    audit: 'sensor',
    title: (r) => r.name || r.key,
    columns: ['key', 'name', 'kind', 'equipment_id', 'quantity', 'unit', 'limits'],
    filters: [
      { key: 'enterprise_id', type: 'ref', ref: 'enterprises', parkOnly: true },
      { key: 'kind', type: 'enum', options: SENSOR_KINDS, label: 'sensor.kinds' },
      { key: 'quantity', type: 'enum', options: QUANTITIES, label: 'sensor.quantities' },
    ],
    linkFilters: [{ key: 'equipment_id', ref: 'equipment' }],
    fields: [
      { key: 'enterprise_id', type: 'ref', ref: 'enterprises', helper: true, hint: true },
      { key: 'equipment_id', type: 'ref', ref: 'equipment', dependsOn: 'enterprise_id', required: true },
      { key: 'key', type: 'text', required: true, mono: true, hint: true },
      { key: 'name', type: 'text', required: true },
      { key: 'kind', type: 'enum', options: SENSOR_KINDS, label: 'sensor.kinds', required: true },
      { key: 'quantity', type: 'enum', options: QUANTITIES, label: 'sensor.quantities', required: true },
      { key: 'unit', type: 'unit', of: 'quantity', required: true },
      { key: 'low_limit', type: 'number', step: 'any', nullable: true },
      { key: 'high_limit', type: 'number', step: 'any', nullable: true },
    ],
    empty: () => ({
      enterprise_id: null,
      equipment_id: null,
      key: '',
      name: '',
      kind: 'sensor',
      quantity: 'temperature',
      unit: 'degC',
      low_limit: null,
      high_limit: null,
    }),
  },
}

// Reduction projects (carbon module): edited with the same form, listed on the carbon projects page.
export const PROJECT_STATUSES = ['planned', 'in_progress', 'operating', 'cancelled']
ENTITIES.projects = {
  path: '/reduction-projects',
  i18n: 'project',
  audit: 'reduction_project',
  title: (r) => r.name,
  columns: ['name', 'enterprise_id', 'status'],
  filters: [],
  fields: [
    { key: 'enterprise_id', type: 'ref', ref: 'enterprises', required: true },
    { key: 'name', type: 'text', required: true, wide: true },
    { key: 'status', type: 'enum', options: PROJECT_STATUSES, label: 'project.statuses', required: true },
    { key: 'baseline_t_co2_per_yr', type: 'number', step: 'any', min: 0, required: true },
    { key: 'after_t_co2_per_yr', type: 'number', step: 'any', min: 0, required: true },
    { key: 'achieved_t_co2_per_yr', type: 'number', step: 'any', min: 0, nullable: true, hint: true },
    { key: 'investment_10k_yuan', type: 'number', step: 'any', min: 0, required: true },
    { key: 'annual_benefit_10k_yuan', type: 'number', step: 'any', required: true, hint: true },
    { key: 'annual_om_cost_10k_yuan', type: 'number', step: 'any', min: 0, nullable: true },
    { key: 'lifetime_years', type: 'number', step: 'any', min: 0, required: true },
    { key: 'description', type: 'text', wide: true, hint: true },
  ],
  empty: () => ({
    enterprise_id: null,
    name: '',
    status: 'planned',
    baseline_t_co2_per_yr: null,
    after_t_co2_per_yr: null,
    achieved_t_co2_per_yr: null,
    investment_10k_yuan: null,
    annual_benefit_10k_yuan: null,
    annual_om_cost_10k_yuan: null,
    lifetime_years: null,
    description: '',
  }),
}

// Children shown on an enterprise's page.
ENTITIES.enterprises.children = [
  { entity: 'facilities', by: 'enterprise_id' },
  { entity: 'equipment', by: 'enterprise_id' },
]

// mergePatch computes an RFC 7396 JSON merge patch that turns `before` into `after` for the fields the form
// edits: changed members, arrays replaced whole, and inside nested objects (rated parameters) a removed
// member sent as null. Top-level fields absent from `after` (id, timestamps) are left alone.
export function mergePatch(before, after, nested = false) {
  const patch = {}
  const b = before || {}
  for (const [k, v] of Object.entries(after)) {
    const old = b[k]
    if (isPlainObject(v) && isPlainObject(old)) {
      const sub = mergePatch(old, v, true)
      if (Object.keys(sub).length) patch[k] = sub
    } else if (JSON.stringify(v) !== JSON.stringify(old === undefined ? null : old)) {
      patch[k] = v
    }
  }
  if (nested) for (const k of Object.keys(b)) if (!(k in after)) patch[k] = null
  return patch
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

// rootField tells whether a server error's field path belongs to a form field ('contacts[0].phone'
// belongs to 'contacts'; 'rated.pressure_mpa' to 'rated').
export function rootField(path) {
  if (!path) return ''
  const m = /^[^.[]+/.exec(path)
  return m ? m[0] : path
}
