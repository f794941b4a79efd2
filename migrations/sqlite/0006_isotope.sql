-- Isotope production and supply (issue 15): batches with their reference activity and quality release, and
-- orders from hospitals and firms with the activity needed at calibration, the batch allocated, the refusal
-- reason (a catalogue code with parameters) and the package classification at dispatch. Activities are stored
-- only with the instant they refer to; every read decay-corrects them.
CREATE TABLE isotope_batches (
  id INTEGER PRIMARY KEY,
  producer_id BIGINT NOT NULL REFERENCES enterprises(id),
  code TEXT NOT NULL,
  nuclide TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  reactor TEXT NOT NULL DEFAULT '',
  activity_bq DOUBLE PRECISION NOT NULL,
  reference_at BIGINT NOT NULL,
  expiry_at BIGINT NOT NULL,
  released_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX isotope_batches_producer ON isotope_batches(producer_id, nuclide);

CREATE TABLE isotope_orders (
  id INTEGER PRIMARY KEY,
  orderer_id BIGINT NOT NULL REFERENCES enterprises(id),
  producer_id BIGINT NOT NULL REFERENCES enterprises(id),
  nuclide TEXT NOT NULL,
  activity_bq DOUBLE PRECISION NOT NULL,
  calibration_at BIGINT NOT NULL,
  dispatch_at BIGINT NOT NULL,
  margin DOUBLE PRECISION NOT NULL,
  dispatch_bq DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,
  batch_id BIGINT REFERENCES isotope_batches(id),
  refusal TEXT NOT NULL DEFAULT '',
  package TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX isotope_orders_orderer ON isotope_orders(orderer_id);
CREATE INDEX isotope_orders_producer ON isotope_orders(producer_id, status);
