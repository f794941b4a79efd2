-- Energy dispatch (issue 14): tariffs as dated data, forecasts per 15 minutes, the park's metered load history,
-- hourly year profiles for sizing, plans with their steps and the problem they solved (for the MPS file), grid
-- instructions, orderly power use (enterprise parameters, orders and their allocations) and battery setpoints sent
-- over MQTT with their acknowledgement. Instants are epoch milliseconds; dates are the park's local YYYY-MM-DD.
CREATE TABLE dispatch_tariffs (
  id INTEGER PRIMARY KEY,
  province TEXT NOT NULL,
  category TEXT NOT NULL,
  voltage_class TEXT NOT NULL DEFAULT '',
  months TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  bands TEXT NOT NULL,
  demand_charge_yuan_per_kw_month DOUBLE PRECISION NOT NULL,
  export_price_yuan_per_kwh DOUBLE PRECISION NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);

CREATE TABLE dispatch_forecasts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  date TEXT NOT NULL,
  step_minutes BIGINT NOT NULL,
  values_mw TEXT NOT NULL,
  source TEXT NOT NULL,
  method TEXT NOT NULL,
  mape DOUBLE PRECISION,
  evaluated_days BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX dispatch_forecasts_date ON dispatch_forecasts(date, kind);

CREATE TABLE dispatch_load_history (
  at BIGINT PRIMARY KEY,
  mw DOUBLE PRECISION NOT NULL
);

CREATE TABLE dispatch_profiles (
  year BIGINT PRIMARY KEY,
  hours BIGINT NOT NULL,
  load_mw TEXT NOT NULL,
  pv_mw TEXT NOT NULL,
  wind_mw TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE dispatch_plans (
  id INTEGER PRIMARY KEY,
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  parent_id BIGINT REFERENCES dispatch_plans(id),
  tariff_id BIGINT NOT NULL REFERENCES dispatch_tariffs(id),
  start_at BIGINT NOT NULL,
  total_yuan DOUBLE PRECISION NOT NULL,
  met BIGINT NOT NULL,
  summary TEXT NOT NULL,
  steps TEXT NOT NULL,
  problem TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX dispatch_plans_date ON dispatch_plans(date, id);

CREATE TABLE dispatch_instructions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  limit_mw DOUBLE PRECISION NOT NULL,
  from_at BIGINT NOT NULL,
  to_at BIGINT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  plan_id BIGINT REFERENCES dispatch_plans(id),
  met BIGINT NOT NULL DEFAULT 0,
  shortfall TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX dispatch_instructions_window ON dispatch_instructions(from_at);

CREATE TABLE dispatch_enterprise_params (
  enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises(id),
  priority_tier BIGINT NOT NULL,
  interruptible_mw DOUBLE PRECISION NOT NULL,
  protected_mw DOUBLE PRECISION NOT NULL,
  protected_reason TEXT NOT NULL DEFAULT '',
  webhook_url TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);

CREATE TABLE dispatch_orders (
  id INTEGER PRIMARY KEY,
  cut_mw DOUBLE PRECISION NOT NULL,
  from_at BIGINT NOT NULL,
  to_at BIGINT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  allocated_mw DOUBLE PRECISION NOT NULL,
  unallocated_mw DOUBLE PRECISION NOT NULL,
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE dispatch_allocations (
  order_id BIGINT NOT NULL REFERENCES dispatch_orders(id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  priority_tier BIGINT NOT NULL,
  cut_mw DOUBLE PRECISION NOT NULL,
  cuttable_mw DOUBLE PRECISION NOT NULL,
  notified_at BIGINT,
  PRIMARY KEY (order_id, enterprise_id)
);
CREATE INDEX dispatch_allocations_enterprise ON dispatch_allocations(enterprise_id);

CREATE TABLE dispatch_setpoints (
  id INTEGER PRIMARY KEY,
  plan_id BIGINT NOT NULL REFERENCES dispatch_plans(id),
  step BIGINT NOT NULL,
  device TEXT NOT NULL,
  topic TEXT NOT NULL,
  power_mw DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  acked_at BIGINT
);
CREATE INDEX dispatch_setpoints_plan ON dispatch_setpoints(plan_id, step);
