-- Hazmat appointments (issue 13): every gate event and every call reads the vehicles inside the park (checked in,
-- not yet out). A partial index holds only those rows, so that read stays a few rows long however many years of
-- bookings the table keeps, instead of a scan of the whole history.
CREATE INDEX logistics_bookings_inside ON logistics_bookings(dock_id, gate_in_at)
  WHERE gate_in_at IS NOT NULL AND gate_out_at IS NULL;
