#include "park/layout/layout.hpp"

#include <gtest/gtest.h>

namespace park::layout {
namespace {

Json Square(double x, double y, double size = 10) {
  return {{"type", "Polygon"},
          {"coordinates", {{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}}}};
}

Json Feature(Json geometry, Json properties) {
  return {{"type", "Feature"}, {"geometry", std::move(geometry)}, {"properties", std::move(properties)}};
}

Json Collection(Json features) { return {{"type", "FeatureCollection"}, {"features", std::move(features)}}; }

TEST(ReadLayout, KeepsKnownPropertiesAndDropsTheRest) {
  const Json doc = Collection(
      {Feature(Square(0, 0), {{"kind", "plot"}, {"name", "绿源"}, {"credit_code", "91331000MA2A3107XX"},
                              {"fill", "#ff0000"}, {"qgis_id", 7}}),
       Feature({{"type", "Point"}, {"coordinates", {5, 5}}}, {{"kind", "outlet"}, {"sensor_key", "ww.cod"}}),
       Feature({{"type", "LineString"}, {"coordinates", {{0, 0}, {100, 0}}}}, {{"kind", "road"}})});
  auto layout = ReadLayout(doc);
  ASSERT_TRUE(layout.ok()) << layout.error().message;
  const Json& f = (*layout)["features"];
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0]["properties"], (Json{{"kind", "plot"}, {"name", "绿源"}, {"credit_code", "91331000MA2A3107XX"}}));
  EXPECT_EQ(f[1]["properties"]["sensor_key"], "ww.cod");
  EXPECT_EQ(ReadLayout(*layout).value(), *layout) << "reading is idempotent";
}

TEST(ReadLayout, ReportsEveryBadPlaceAtOnce) {
  Json open_ring = Square(0, 0);
  open_ring["coordinates"][0].erase(4);
  const Json doc = Collection({
      Feature(open_ring, {{"kind", "plot"}, {"credit_code", "X"}}),                         // ring not closed
      Feature({{"type", "Point"}, {"coordinates", {1, "2"}}}, {{"kind", "monitor"}}),       // bad coordinate
      Feature(Square(0, 0), {{"kind", "factory"}}),                                          // unknown kind
      Feature({{"type", "Point"}, {"coordinates", {1, 2}}}, {{"kind", "plot"}}),             // plot as a point
      Feature({{"type", "Circle"}, {"coordinates", {1, 2}}}, {{"kind", "label"}}),           // unknown geometry
      Feature({{"type", "Point"}, {"coordinates", {1, 2}}}, {{"kind", "outlet"}}),           // outlet without sensor
      Json{{"type", "Thing"}},                                                               // not a feature
  });
  auto layout = ReadLayout(doc);
  ASSERT_FALSE(layout.ok());
  struct Want {
    const char* field;
    const char* code;
  } want[] = {
      {"features[0].geometry.coordinates[0]", "layout.ring_open"},
      {"features[1].geometry.coordinates", "layout.coordinate"},
      {"features[2].properties.kind", "layout.kind"},
      {"features[3].geometry.type", "layout.plot_area"},
      {"features[3].properties.credit_code", "layout.plot_enterprise"},
      {"features[4].geometry.type", "layout.geometry_type"},
      {"features[5].properties.sensor_key", "layout.outlet_sensor"},
      {"features[6]", "layout.not_feature"},
  };
  const auto& got = layout.error().fields;
  ASSERT_EQ(got.size(), std::size(want));
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].field, want[i].field) << i;
    EXPECT_EQ(got[i].text.code, want[i].code) << i;
  }
}

TEST(ReadLayout, BoundsAndShape) {
  EXPECT_EQ(ReadLayout(Json{{"type", "Feature"}}).error().text.code, "layout.not_collection");
  EXPECT_EQ(ReadLayout(Json{{"type", "FeatureCollection"}}).error().text.code, "field.required");
  Limits small;
  small.max_features = 2;
  const Json three = Collection({Feature(Square(0, 0), {{"kind", "green"}}), Feature(Square(0, 0), {{"kind", "green"}}),
                                 Feature(Square(0, 0), {{"kind", "green"}})});
  EXPECT_EQ(ReadLayout(three, small).error().text.code, "layout.too_many_features");
  small.max_features = 10;
  small.max_positions = 9;
  EXPECT_EQ(ReadLayout(three, small).error().text.code, "layout.too_many_positions");
  const Json far = Collection({Feature({{"type", "Point"}, {"coordinates", {1e8, 0}}}, {{"kind", "label"}})});
  EXPECT_EQ(ReadLayout(far).error().text.code, "layout.coordinate");
  const Json control =
      Collection({Feature({{"type", "Point"}, {"coordinates", {1, 0}}}, {{"kind", "label"}, {"name", "a\x01"}})});
  EXPECT_EQ(ReadLayout(control).error().text.code, "field.control_character");
  Limits few;
  few.max_errors = 3;
  Json many = Json::array();
  for (int i = 0; i < 10; ++i) many.push_back(Json{{"type", "x"}});
  EXPECT_EQ(ReadLayout(Collection(many), few).error().fields.size(), 3u);
}

}  // namespace
}  // namespace park::layout
