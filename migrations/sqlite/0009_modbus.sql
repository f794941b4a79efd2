-- Modbus TCP polling (issue 12, item 8): devices with their register maps. The register map is stored as the JSON
-- array the API takes ([{table, address, type, order, scale, offset, sensor_key}]; table, type and order are
-- persisted by name: do not rename), validated by park_modbus before it is written.
CREATE TABLE modbus_devices (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  host TEXT NOT NULL,                      -- a numeric address, canonical form
  port INTEGER NOT NULL,
  unit_id INTEGER NOT NULL,
  poll_interval_ms BIGINT NOT NULL,
  timeout_ms BIGINT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  enterprise_id BIGINT REFERENCES enterprises(id),  -- set when every register feeds that enterprise's sensors
  registers TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
