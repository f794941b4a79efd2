-- Hazardous-chemical vehicle appointments (issue 13): the park's rules (one row, JSON) and its waiting-lot zones,
-- carriers, vehicles, drivers and escorts with their documents (expiry dates as YYYY-MM-DD), the loading docks
-- (registry facilities of kind loading_dock with their hours, capacity and accepted labels), the goods the park
-- added to the shipped UN table, bookings with their goods and every time stamp of the visit, the status history,
-- gate events with their decision, warnings raised, acknowledged and closed like alarms, violations on record and
-- the blacklist. Reasons are catalogue codes with parameters (JSON text). lock_seq columns exist to be updated at
-- the start of a booking's transaction: the row lock that serialises capacity checks on PostgreSQL.
CREATE TABLE logistics_settings (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  lock_seq BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);

-- The defaults of the library's ParkRules until the park admin changes them.
INSERT INTO logistics_settings (id, body, updated_at) VALUES (1, '{}', 0);

CREATE TABLE logistics_zones (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  capacity BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE logistics_carriers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  licence_no TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE logistics_vehicles (
  id INTEGER PRIMARY KEY,
  plate TEXT NOT NULL UNIQUE,
  carrier_id BIGINT NOT NULL REFERENCES logistics_carriers(id),
  tank BIGINT NOT NULL DEFAULT 1,
  permit_no TEXT NOT NULL,
  permit_expires TEXT NOT NULL,
  tank_cert_no TEXT NOT NULL DEFAULT '',
  tank_cert_expires TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE logistics_people (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  carrier_id BIGINT NOT NULL REFERENCES logistics_carriers(id),
  qualification_no TEXT NOT NULL,
  qualification_expires TEXT NOT NULL,
  user_id BIGINT UNIQUE REFERENCES users(id),
  phone TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE logistics_docks (
  facility_id BIGINT PRIMARY KEY REFERENCES facilities(id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  open_minute BIGINT NOT NULL,
  close_minute BIGINT NOT NULL,
  slot_minutes BIGINT NOT NULL,
  parallel_capacity BIGINT NOT NULL,
  labels TEXT NOT NULL,
  loading_minutes BIGINT NOT NULL,
  unloading_minutes BIGINT NOT NULL,
  requires_approval BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE logistics_goods (
  un_number TEXT PRIMARY KEY,
  name_en TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  labels TEXT NOT NULL,
  packing_group TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);

CREATE TABLE logistics_bookings (
  id INTEGER PRIMARY KEY,
  plate TEXT NOT NULL,
  vehicle_id BIGINT REFERENCES logistics_vehicles(id),
  carrier_id BIGINT NOT NULL REFERENCES logistics_carriers(id),
  driver_id BIGINT NOT NULL REFERENCES logistics_people(id),
  escort_id BIGINT REFERENCES logistics_people(id),
  dock_id BIGINT NOT NULL REFERENCES logistics_docks(facility_id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  operation TEXT NOT NULL,
  slot_start BIGINT NOT NULL,
  slot_end BIGINT NOT NULL,
  service_end BIGINT NOT NULL,
  goods TEXT NOT NULL,
  labels TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  walk_in BIGINT NOT NULL DEFAULT 0,
  zone_id BIGINT REFERENCES logistics_zones(id),
  gate_in_at BIGINT,
  called_at BIGINT,
  dock_start_at BIGINT,
  dock_end_at BIGINT,
  gate_out_at BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX logistics_bookings_slot ON logistics_bookings(dock_id, slot_start);
CREATE INDEX logistics_bookings_plate ON logistics_bookings(plate, slot_start);
CREATE INDEX logistics_bookings_time ON logistics_bookings(slot_start);
CREATE INDEX logistics_bookings_driver ON logistics_bookings(driver_id);

CREATE TABLE logistics_booking_history (
  id INTEGER PRIMARY KEY,
  booking_id BIGINT NOT NULL REFERENCES logistics_bookings(id),
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  by_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX logistics_booking_history_booking ON logistics_booking_history(booking_id);

CREATE TABLE logistics_gate_events (
  id INTEGER PRIMARY KEY,
  plate TEXT NOT NULL,
  direction TEXT NOT NULL,
  gate TEXT NOT NULL,
  at BIGINT NOT NULL,
  decision TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  booking_id BIGINT REFERENCES logistics_bookings(id),
  zone_id BIGINT REFERENCES logistics_zones(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX logistics_gate_events_at ON logistics_gate_events(at);

CREATE TABLE logistics_warnings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  cause TEXT NOT NULL UNIQUE,
  booking_id BIGINT REFERENCES logistics_bookings(id),
  enterprise_id BIGINT,
  plate TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  since BIGINT NOT NULL,
  status TEXT NOT NULL,
  raised_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by TEXT NOT NULL DEFAULT '',
  closed_at BIGINT,
  closed_by TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX logistics_warnings_status ON logistics_warnings(status);

CREATE TABLE logistics_violations (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  booking_id BIGINT REFERENCES logistics_bookings(id),
  UNIQUE (subject, subject_id, kind, booking_id)
);

CREATE TABLE logistics_blacklist (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  until_at BIGINT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
