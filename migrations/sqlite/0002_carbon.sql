-- Carbon, energy and pollutant accounting: park-added factor revisions, activity data, reduction projects.
-- The shipped default factors are compiled into the binary; this table holds only what the park adds or
-- supersedes, never edited in place (a new revision is a new row).
CREATE TABLE carbon_factors (
  row_id INTEGER PRIMARY KEY,
  factor_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (factor_id, revision)
);

-- One row per activity item per enterprise and month, in the unit it was entered in and in the item's canonical
-- unit. source: api, import or metered.
CREATE TABLE carbon_activity (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  period TEXT NOT NULL,
  item TEXT NOT NULL,
  amount REAL NOT NULL,
  unit TEXT NOT NULL,
  amount_canonical REAL NOT NULL,
  use_kind TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  line INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX carbon_activity_period ON carbon_activity(period, enterprise_id);

CREATE TABLE reduction_projects (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  baseline_t_co2_per_yr REAL NOT NULL,
  after_t_co2_per_yr REAL NOT NULL,
  investment_10k_yuan REAL NOT NULL,
  annual_benefit_10k_yuan REAL NOT NULL,
  annual_om_cost_10k_yuan REAL,
  lifetime_years REAL NOT NULL,
  achieved_t_co2_per_yr REAL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX reduction_projects_enterprise ON reduction_projects(enterprise_id);
