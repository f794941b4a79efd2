-- Isotope stores (issue 15): the licensed producers (only they record batches and receive orders), the batch's
-- end of irradiation and purification, Tc-99m generators with their elution log, and the decay-in-storage waste
-- register with its surveys. Activities are stored with the instant they refer to; reads decay-correct them.
-- The registry learns organisations outside the park (kind 'external'), such as the hospitals that order
-- isotopes and sign in to see their orders; park-wide figures count only the park's enterprises.
ALTER TABLE enterprises ADD COLUMN kind TEXT NOT NULL DEFAULT 'enterprise';
CREATE TABLE isotope_producers (
  enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises(id),
  licence_no TEXT NOT NULL,
  licence_expiry_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

ALTER TABLE isotope_batches ADD COLUMN eoi_at BIGINT;
ALTER TABLE isotope_batches ADD COLUMN purification TEXT NOT NULL DEFAULT '';

CREATE TABLE isotope_generators (
  id INTEGER PRIMARY KEY,
  owner_id BIGINT NOT NULL REFERENCES enterprises(id),
  code TEXT NOT NULL,
  batch_id BIGINT REFERENCES isotope_batches(id),
  mo99_bq DOUBLE PRECISION NOT NULL,
  reference_at BIGINT NOT NULL,
  expiry_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX isotope_generators_owner ON isotope_generators(owner_id);

CREATE TABLE isotope_elutions (
  id INTEGER PRIMARY KEY,
  generator_id BIGINT NOT NULL REFERENCES isotope_generators(id),
  eluted_at BIGINT NOT NULL,
  tc99m_bq DOUBLE PRECISION NOT NULL,
  mo99_bq DOUBLE PRECISION NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX isotope_elutions_generator ON isotope_elutions(generator_id, eluted_at);

CREATE TABLE isotope_waste (
  id INTEGER PRIMARY KEY,
  owner_id BIGINT NOT NULL REFERENCES enterprises(id),
  code TEXT NOT NULL,
  batch_id BIGINT REFERENCES isotope_batches(id),
  form TEXT NOT NULL,
  sealed_at BIGINT NOT NULL,
  contents TEXT NOT NULL,
  release_at BIGINT NOT NULL,
  released_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX isotope_waste_owner ON isotope_waste(owner_id);

CREATE TABLE isotope_waste_surveys (
  id INTEGER PRIMARY KEY,
  waste_id BIGINT NOT NULL REFERENCES isotope_waste(id),
  surveyed_at BIGINT NOT NULL,
  dose_rate_usv_h DOUBLE PRECISION NOT NULL,
  background_usv_h DOUBLE PRECISION NOT NULL,
  surface_bq_cm2 DOUBLE PRECISION,
  pass INTEGER NOT NULL
);
CREATE INDEX isotope_waste_surveys_waste ON isotope_waste_surveys(waste_id, surveyed_at);
