-- Equipment maintenance (issue 12): plans on equipment (calendar, meter or condition), work orders with their
-- time log and parts, spare-part stock per store, and regulated (special) equipment's registration. Due dates
-- are never stored as truth: they are derived on every read from the plan and its last completion.
CREATE TABLE maintenance_plans (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  equipment_id BIGINT NOT NULL REFERENCES equipment(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,                      -- calendar, meter, condition (persisted: do not rename)
  unit TEXT NOT NULL DEFAULT '',           -- calendar: day, week, month, year
  every_n DOUBLE PRECISION NOT NULL DEFAULT 0,
  anchor TEXT NOT NULL DEFAULT '',         -- calendar: fixed, floating
  start_date TEXT,                         -- calendar: the first due date (YYYY-MM-DD)
  lead_by DOUBLE PRECISION NOT NULL DEFAULT 0,  -- calendar: days; meter: meter units
  basis TEXT NOT NULL DEFAULT '',          -- meter: run_hours, starts, counter
  sensor_id BIGINT REFERENCES sensors(id),
  threshold DOUBLE PRECISION NOT NULL DEFAULT 0.5,
  counted_from BIGINT NOT NULL DEFAULT 0,  -- meter: counting starts here before any completion (epoch ms)
  alarm_rule_id BIGINT REFERENCES alarm_rules(id),  -- condition: the rule whose alarms open work orders
  priority TEXT NOT NULL DEFAULT 'normal',
  webhook_url TEXT NOT NULL DEFAULT '',   -- reminders are also posted here (DingTalk/WeCom text)
  last_done_at BIGINT,
  reminded_for TEXT NOT NULL DEFAULT '',   -- the due (date or completion) whose reminder was published
  opened_for TEXT NOT NULL DEFAULT '',     -- the due whose work order was opened
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX maintenance_plans_equipment ON maintenance_plans(equipment_id);
CREATE INDEX maintenance_plans_rule ON maintenance_plans(alarm_rule_id);

CREATE TABLE work_orders (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  equipment_id BIGINT NOT NULL REFERENCES equipment(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  priority TEXT NOT NULL,                  -- low, normal, high, urgent
  state TEXT NOT NULL,                     -- open, assigned, in_progress, on_hold, done, verified, cancelled
  due_date TEXT,
  assignee TEXT,
  plan_id BIGINT REFERENCES maintenance_plans(id),
  alarm_id BIGINT REFERENCES alarms(id),
  note TEXT NOT NULL DEFAULT '',           -- the last hold, cancel or send-back reason
  done_by TEXT NOT NULL DEFAULT '',
  done_signature TEXT NOT NULL DEFAULT '',
  done_at BIGINT,
  verified_by TEXT NOT NULL DEFAULT '',
  verified_signature TEXT NOT NULL DEFAULT '',
  verified_at BIGINT,
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX work_orders_enterprise ON work_orders(enterprise_id, state);
CREATE INDEX work_orders_plan ON work_orders(plan_id);
CREATE INDEX work_orders_alarm ON work_orders(alarm_id);

CREATE TABLE work_order_time (
  id INTEGER PRIMARY KEY,
  work_order_id BIGINT NOT NULL REFERENCES work_orders(id),
  person TEXT NOT NULL,
  minutes BIGINT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  logged_at BIGINT NOT NULL
);
CREATE INDEX work_order_time_order ON work_order_time(work_order_id);

-- Stock can never go below zero: issues decrement with a guarded UPDATE, and the CHECK holds the line.
CREATE TABLE spare_parts (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  store TEXT NOT NULL,
  part_no TEXT NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL DEFAULT 'pcs',
  quantity DOUBLE PRECISION NOT NULL CHECK (quantity >= 0),
  reorder_point DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (enterprise_id, store, part_no)
);

CREATE TABLE work_order_parts (
  id INTEGER PRIMARY KEY,
  work_order_id BIGINT NOT NULL REFERENCES work_orders(id),
  part_id BIGINT NOT NULL REFERENCES spare_parts(id),
  quantity DOUBLE PRECISION NOT NULL,
  issued_by TEXT NOT NULL,
  issued_at BIGINT NOT NULL
);
CREATE INDEX work_order_parts_order ON work_order_parts(work_order_id);

-- Regulated (special) equipment: one row per registered equipment; kinds as in statutory_inspections.csv.
CREATE TABLE regulated_equipment (
  equipment_id BIGINT PRIMARY KEY REFERENCES equipment(id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  kind TEXT NOT NULL,
  registration_no TEXT NOT NULL,
  grade BIGINT,
  entered_service TEXT NOT NULL,
  last_inspection TEXT,
  next_due_recorded TEXT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX regulated_equipment_enterprise ON regulated_equipment(enterprise_id);
