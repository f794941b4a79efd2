-- Telemetry: series, the ingest log, compressed chunks, rollups, alarm rules and alarms.
-- Instants of points are epoch nanoseconds (BIGINT); other instants are epoch milliseconds as elsewhere.

-- What a meter counts for the carbon accounting (an activity item such as "electricity"); empty: nothing.
ALTER TABLE sensors ADD COLUMN activity_item TEXT;

-- One row per time series. A series bound to a registry sensor has the sensor's key; others (auto-registered
-- gateway data) have the canonical line-protocol key "measurement,tag=value,... field".
CREATE TABLE telemetry_series (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  sensor_id BIGINT REFERENCES sensors(id) ON DELETE SET NULL,
  enterprise_id BIGINT REFERENCES enterprises(id),
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX telemetry_series_sensor ON telemetry_series(sensor_id);

-- Acknowledged points not yet sealed into chunks: one row per committed ingest group (binary, see engine.cpp).
CREATE TABLE telemetry_log (
  id INTEGER PRIMARY KEY,
  received_at BIGINT NOT NULL,
  points BIGINT NOT NULL,
  data BLOB NOT NULL
);

-- Sealed, compressed points of one series (park::telemetry chunk format).
CREATE TABLE telemetry_chunks (
  id INTEGER PRIMARY KEY,
  series_id BIGINT NOT NULL,
  start_ns BIGINT NOT NULL,
  end_ns BIGINT NOT NULL,
  points BIGINT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX telemetry_chunks_series ON telemetry_chunks(series_id, end_ns);

-- Aggregates per series and bucket: width is 60 (1 min), 3600 (1 h) or 86400 (1 day) seconds.
CREATE TABLE telemetry_rollups (
  series_id BIGINT NOT NULL,
  width_s BIGINT NOT NULL,
  start_ns BIGINT NOT NULL,
  count BIGINT NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  last REAL NOT NULL,
  last_ns BIGINT NOT NULL,
  PRIMARY KEY (series_id, width_s, start_ns)
) WITHOUT ROWID;

-- Alarm rules: for one sensor, or for every sensor of an equipment kind and quantity (optionally in one enterprise).
CREATE TABLE alarm_rules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  enterprise_id BIGINT REFERENCES enterprises(id),
  sensor_id BIGINT REFERENCES sensors(id),
  equipment_kind TEXT NOT NULL DEFAULT '',
  quantity TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  high REAL,
  low REAL,
  deadband REAL NOT NULL DEFAULT 0,
  max_rate_per_s REAL,
  timeout_s BIGINT,
  severity TEXT NOT NULL,
  webhook_url TEXT NOT NULL DEFAULT '',
  webhook_format TEXT NOT NULL DEFAULT 'dingtalk',
  enabled BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE alarms (
  id INTEGER PRIMARY KEY,
  rule_id BIGINT NOT NULL REFERENCES alarm_rules(id),
  series_id BIGINT NOT NULL REFERENCES telemetry_series(id),
  enterprise_id BIGINT REFERENCES enterprises(id),
  condition TEXT NOT NULL,
  state TEXT NOT NULL,
  severity TEXT NOT NULL,
  raised_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by TEXT NOT NULL DEFAULT '',
  cleared_at BIGINT,
  trigger_value REAL NOT NULL,
  last_value REAL NOT NULL,
  repeats BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX alarms_state ON alarms(state, raised_at);
CREATE INDEX alarms_enterprise ON alarms(enterprise_id, raised_at);
