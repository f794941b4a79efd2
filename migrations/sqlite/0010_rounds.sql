-- Inspection rounds and attachments (issue 12 items 2 and 4). A route's checkpoints and their checklist items are
-- kept as the JSON the API shows (validated by the library before they are stored). A round is identified by the
-- id its client generated, so a phone's retry finds the round it already submitted; its answers are stored as
-- submitted (canonical JSON) to tell a retry from a different sheet. Attachments are stored in the database.
CREATE TABLE inspection_routes (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  name TEXT NOT NULL,
  schedule_kind TEXT NOT NULL,             -- daily, shift (persisted: do not rename)
  starts TEXT NOT NULL,                    -- local start times, "08:00,20:00"
  checkpoints TEXT NOT NULL,               -- JSON: [{"equipment_id", "items": [{"key", "label", "kind", ...}]}]
  active_from BIGINT NOT NULL,             -- windows are counted from here (epoch ms)
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX inspection_routes_enterprise ON inspection_routes(enterprise_id);

CREATE TABLE inspection_rounds (
  id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL UNIQUE,
  route_id BIGINT NOT NULL REFERENCES inspection_routes(id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  slot TEXT NOT NULL,                      -- the window's local start, "YYYY-MM-DDTHH:MM"
  window_end BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  started_by TEXT NOT NULL DEFAULT '',
  submitted_at BIGINT,
  submitted_by TEXT NOT NULL DEFAULT '',
  answers TEXT,                            -- canonical JSON of the submitted sheet
  status TEXT NOT NULL,                    -- in_progress, done, late (as last evaluated)
  UNIQUE (route_id, slot)
);

CREATE TABLE inspection_findings (
  id INTEGER PRIMARY KEY,
  round_id BIGINT NOT NULL REFERENCES inspection_rounds(id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  equipment_id BIGINT NOT NULL REFERENCES equipment(id),
  item TEXT NOT NULL,
  reason TEXT NOT NULL,                    -- JSON: the text code with its parameters
  work_order_id BIGINT REFERENCES work_orders(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX inspection_findings_round ON inspection_findings(round_id);

-- Windows already announced as missed on the live feed (once each).
CREATE TABLE inspection_missed (
  route_id BIGINT NOT NULL REFERENCES inspection_routes(id),
  slot TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (route_id, slot)
);

CREATE TABLE maintenance_attachments (
  id INTEGER PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  work_order_id BIGINT REFERENCES work_orders(id),
  round_id BIGINT REFERENCES inspection_rounds(id),
  kind TEXT NOT NULL,                      -- photo, document
  content_type TEXT NOT NULL,              -- as detected from the bytes
  filename TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  data BLOB NOT NULL,
  uploaded_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX maintenance_attachments_order ON maintenance_attachments(work_order_id);
CREATE INDEX maintenance_attachments_round ON maintenance_attachments(round_id);
