// The demo park's layout map: four blocks either side of the main road, each cut into enterprise plots, with the
// wastewater outlet's online monitor, the boundary monitoring points, the two gates, the hazmat waiting lot and
// the loading docks of the storage company. Planar metres (x east, y north), as a park's CAD export would be.
#include <map>

#include <fmt/format.h>

#include "app/simulator.hpp"
#include "park/layout/service.hpp"

namespace park::app {
namespace {

constexpr std::string_view kEnterprisesInOrder = "SELECT id, credit_code, name FROM enterprises ORDER BY id";
constexpr std::string_view kOutletSensors =
    "SELECT s.key, s.enterprise_id FROM sensors s JOIN equipment e ON e.id = s.equipment_id "
    "WHERE e.type = 'online_monitor' AND s.high_limit IS NOT NULL ORDER BY s.id";

Json Rect(double x0, double y0, double x1, double y1) {
  return {{"type", "Polygon"}, {"coordinates", {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}};
}
Json Point(double x, double y) { return {{"type", "Point"}, {"coordinates", {x, y}}}; }
Json Line(double x0, double y0, double x1, double y1) {
  return {{"type", "LineString"}, {"coordinates", {{x0, y0}, {x1, y1}}}};
}
Json Feature(Json geometry, Json properties) {
  return {{"type", "Feature"}, {"geometry", std::move(geometry)}, {"properties", std::move(properties)}};
}

}  // namespace

Status SeedLayoutDemo(store::Store& store, const Clock& clock) {
  return store.Write([&](store::Tx& tx) -> Status {
    Json features = Json::array();
    features.push_back(Feature(Rect(0, 0, 2600, 1500), {{"kind", "boundary"}, {"name", "滨海医药化工园区"}}));
    features.push_back(Feature(Line(0, 750, 2600, 750), {{"kind", "road"}, {"name", "园区大道"}}));
    const char* kAvenues[] = {"经一路", "经二路", "经三路"};
    for (int i = 0; i < 3; ++i) {
      const double x = 650 + 650 * i;
      features.push_back(Feature(Line(x, 0, x, 1500), {{"kind", "road"}, {"name", kAvenues[i]}}));
    }
    features.push_back(Feature(Rect(2380, 1380, 2580, 1480), {{"kind", "water"}, {"name", "应急事故池"}}));
    features.push_back(Feature(Rect(20, 1380, 260, 1480), {{"kind", "green"}, {"name", "防护绿带"}}));

    // Eight blocks (4 columns × 2 rows), each cut into 2 × 2 plots, filled in registration order.
    PARK_ASSIGN_OR_RETURN(auto enterprises, tx.Query(kEnterprisesInOrder));
    std::map<int64_t, std::pair<double, double>> plot_centre;  // enterprise id -> centre
    size_t next = 0;
    for (int row = 1; row >= 0 && next < enterprises.size(); --row) {
      for (int col = 0; col < 4 && next < enterprises.size(); ++col) {
        const double bx = 30 + 650 * col, by = row == 1 ? 790 : 40;
        for (int j = 0; j < 4 && next < enterprises.size(); ++j, ++next) {
          const double x0 = bx + (j % 2) * 300, y0 = by + (j < 2 ? 340 : 0);
          const auto& e = enterprises[next];
          features.push_back(Feature(Rect(x0, y0, x0 + 280, y0 + 320),
                                     {{"kind", "plot"}, {"name", e.Text(2)}, {"credit_code", e.Text(1)}}));
          plot_centre[e.Int(0)] = {x0 + 140, y0 + 160};
        }
      }
    }
    // The online monitors of wastewater outlets, at the edge of their enterprise's plot.
    PARK_ASSIGN_OR_RETURN(auto outlets, tx.Query(kOutletSensors));
    int placed = 0;
    for (const auto& s : outlets) {
      const auto c = plot_centre.find(s.OptInt(1).value_or(0));
      if (c == plot_centre.end()) continue;
      features.push_back(Feature(Point(c->second.first + 120 - 20 * placed, c->second.second - 150),
                                 {{"kind", "outlet"}, {"name", "DW001"}, {"sensor_key", s.Text(0)}}));
      ++placed;
    }
    features.push_back(Feature(Point(40, 1460), {{"kind", "monitor"}, {"name", "西北界监测点"}}));
    features.push_back(Feature(Point(2560, 40), {{"kind", "monitor"}, {"name", "东南界监测点"}}));
    features.push_back(Feature(Point(1300, 0), {{"kind", "gate"}, {"name", "南门（危化品车辆）"}}));
    features.push_back(Feature(Point(1300, 1500), {{"kind", "gate"}, {"name", "北门"}}));
    features.push_back(Feature(Rect(1340, -180, 1700, -20), {{"kind", "parking"}, {"name", "危化品车辆待检停车场"}}));
    features.push_back(Feature(Point(2380, 200), {{"kind", "dock"}, {"name", "装卸台 1"}}));
    features.push_back(Feature(Point(2440, 200), {{"kind", "dock"}, {"name", "装卸台 2"}}));
    const Json layout = {{"type", "FeatureCollection"}, {"features", std::move(features)}};
    return layout::SaveLayout(tx, clock, nullptr, layout);
  });
}

}  // namespace park::app
