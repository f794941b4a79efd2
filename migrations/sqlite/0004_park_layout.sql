-- The park's layout map (GeoJSON FeatureCollection, checked by park::layout::ReadLayout), one per park.
CREATE TABLE park_layout (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  body TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
