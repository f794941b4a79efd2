-- Registry (park -> enterprises -> facilities -> equipment -> sensors), users, tokens and the audit log.
-- Instants are epoch milliseconds (BIGINT); dates are 'YYYY-MM-DD' text; structured values are JSON text.
CREATE TABLE enterprises (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  credit_code TEXT NOT NULL UNIQUE,
  sector TEXT NOT NULL,
  land_area_mu REAL,
  address TEXT NOT NULL DEFAULT '',
  contacts TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX enterprises_sector ON enterprises(sector);

CREATE TABLE facilities (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  location TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (enterprise_id, name)
);

CREATE TABLE equipment (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  facility_id BIGINT NOT NULL REFERENCES facilities(id),
  tag TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  model TEXT NOT NULL DEFAULT '',
  manufacturer TEXT NOT NULL DEFAULT '',
  serial TEXT NOT NULL DEFAULT '',
  install_date TEXT,
  design_life_years REAL,
  status TEXT NOT NULL DEFAULT 'in_service',
  rated TEXT NOT NULL DEFAULT '{}',
  inspection_due_date TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (enterprise_id, tag)
);
CREATE INDEX equipment_facility ON equipment(facility_id);
CREATE INDEX equipment_type ON equipment(type);

CREATE TABLE sensors (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  equipment_id BIGINT NOT NULL REFERENCES equipment(id),
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  quantity TEXT NOT NULL,
  unit TEXT NOT NULL,
  low_limit REAL,
  high_limit REAL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX sensors_equipment ON sensors(equipment_id);
CREATE INDEX sensors_enterprise ON sensors(enterprise_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  enterprise_id BIGINT REFERENCES enterprises(id),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Login sessions and API tokens. Only a SHA-256 hash of the token is kept.
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  user_id BIGINT REFERENCES users(id),
  label TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  enterprise_id BIGINT REFERENCES enterprises(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id BIGINT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id BIGINT,
  enterprise_id BIGINT,
  before TEXT,
  after TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_at ON audit_log(at);
