-- Maintenance plans on an equipment type (issue 12, item 1): one enterprise's plan for every equipment of one kind
-- (the registry's equipment type), those there now and those added later. The type plan keeps the definition; each
-- equipment gets a plan of its own made from it (type_plan_id), with its own due dates, completions and work
-- orders. One plan per type plan and equipment, also when several instances apply type plans at once.
CREATE TABLE maintenance_type_plans (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  equipment_type TEXT NOT NULL,
  sensor_quantity TEXT NOT NULL DEFAULT '',  -- meter: each equipment's sensor of this quantity is counted
  definition TEXT NOT NULL,                  -- the plan's fields as POST /plans takes them (JSON), validated
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX maintenance_type_plans_kind ON maintenance_type_plans(enterprise_id, equipment_type);

ALTER TABLE maintenance_plans ADD COLUMN type_plan_id BIGINT REFERENCES maintenance_type_plans(id);
CREATE UNIQUE INDEX maintenance_plans_type_equipment ON maintenance_plans(type_plan_id, equipment_id);
