// The park's layout map: a GeoJSON FeatureCollection the park uploads (enterprise plots, outlets, monitoring
// points, gates, docks, roads) and the big screen draws, lighting a plot while its enterprise has an open alarm.
//
// Pure library: reading and checking an uploaded layout. Storage and routes are in src/layout/service.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "park/core/json.hpp"
#include "park/core/result.hpp"

namespace park::layout {

// What a feature is. Persisted in the stored GeoJSON as properties.kind: do not rename.
//   plot      an enterprise's land (Polygon/MultiPolygon), properties.credit_code names the enterprise
//   outlet    a discharge outlet (Point), properties.sensor_key names its online monitor's sensor
//   monitor   an ambient or boundary monitoring point (Point), properties.sensor_key optional
//   gate, dock, parking   access points and loading docks (Point or Polygon), for the vehicle modules
//   building, road, boundary, water, green   background shapes
//   label     a text placed on the map (Point)
const std::vector<std::string>& FeatureKinds();

struct Limits {
  size_t max_features = 2000;
  size_t max_positions = 200000;  // coordinate pairs in all geometries together
  size_t max_errors = 50;         // bad places reported in one answer
};

// Reads an uploaded layout and returns it normalised: a FeatureCollection whose features keep only
// {type, geometry, properties{kind, name, credit_code, sensor_key}}; other members (crs, styling properties of
// GIS tools) are dropped. Every bad place is reported at once (up to max_errors), each naming its JSON path,
// e.g. features[3].geometry.coordinates[0]. Coordinates may be longitude/latitude or any planar metres; they
// must be finite and within ±10,000,000.
Result<Json> ReadLayout(const Json& doc, const Limits& limits = {});

}  // namespace park::layout
