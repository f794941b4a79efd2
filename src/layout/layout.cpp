#include "park/layout/layout.hpp"

#include <algorithm>
#include <cmath>

namespace park::layout {
namespace {

constexpr double kMaxCoordinate = 1e7;

class Checker {
 public:
  explicit Checker(const Limits& limits) : limits_(limits) {}

  void Fail(std::string field, Text why) {
    if (errors_.size() < limits_.max_errors) errors_.push_back({std::move(field), std::move(why)});
  }
  bool Full() const { return errors_.size() >= limits_.max_errors; }
  std::vector<FieldError>& errors() { return errors_; }

  // A position: [x, y] or [x, y, z] of finite numbers.
  bool Position(const Json& p, const std::string& at) {
    if (!p.is_array() || p.size() < 2 || p.size() > 3) {
      Fail(at, T("layout.position"));
      return false;
    }
    for (const auto& c : p) {
      if (!c.is_number() || !std::isfinite(c.get<double>()) || std::fabs(c.get<double>()) > kMaxCoordinate) {
        Fail(at, T("layout.coordinate", {{"max", kMaxCoordinate}}));
        return false;
      }
    }
    if (++positions_ > limits_.max_positions) {
      if (positions_ == limits_.max_positions + 1) Fail(at, T("layout.too_many_positions", {{"max", limits_.max_positions}}));
      return false;
    }
    return true;
  }

  // An array of positions, at least `min` long; closed (first == last) when `ring`.
  bool Positions(const Json& a, const std::string& at, size_t min, bool ring) {
    if (!a.is_array() || a.size() < min) {
      Fail(at, ring ? T("layout.ring", {{"min", min}}) : T("layout.line", {{"min", min}}));
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < a.size() && ok; ++i) ok = Position(a[i], at + "[" + std::to_string(i) + "]");
    if (ok && ring && a.front() != a.back()) {
      Fail(at, T("layout.ring_open"));
      return false;
    }
    return ok;
  }

  bool Polygon(const Json& rings, const std::string& at) {
    if (!rings.is_array() || rings.empty()) {
      Fail(at, T("layout.polygon"));
      return false;
    }
    for (size_t i = 0; i < rings.size(); ++i) {
      if (!Positions(rings[i], at + "[" + std::to_string(i) + "]", 4, true)) return false;
    }
    return true;
  }

  // The geometry checked; its type returned ("" when bad).
  std::string Geometry(const Json& g, const std::string& at) {
    if (!g.is_object() || !g.contains("type") || !g["type"].is_string()) {
      Fail(at, T("layout.geometry"));
      return {};
    }
    const std::string type = g["type"].get<std::string>();
    const auto c = g.find("coordinates");
    if (c == g.end()) {
      Fail(at + ".coordinates", T("field.required"));
      return {};
    }
    const std::string cat = at + ".coordinates";
    bool ok = false;
    if (type == "Point") {
      ok = Position(*c, cat);
    } else if (type == "LineString") {
      ok = Positions(*c, cat, 2, false);
    } else if (type == "Polygon") {
      ok = Polygon(*c, cat);
    } else if (type == "MultiPolygon") {
      ok = c->is_array() && !c->empty();
      if (!ok) Fail(cat, T("layout.polygon"));
      for (size_t i = 0; ok && i < c->size(); ++i) ok = Polygon((*c)[i], cat + "[" + std::to_string(i) + "]");
    } else {
      Fail(at + ".type", T("layout.geometry_type", {{"type", type.substr(0, 40)}}));
      return {};
    }
    return ok ? type : std::string();
  }

 private:
  const Limits& limits_;
  std::vector<FieldError> errors_;
  size_t positions_ = 0;
};

bool IsArea(std::string_view geometry) { return geometry == "Polygon" || geometry == "MultiPolygon"; }

}  // namespace

const std::vector<std::string>& FeatureKinds() {
  static const std::vector<std::string> kKinds = {"plot",     "outlet", "monitor", "gate",     "dock",  "parking",
                                                  "building", "road",   "boundary", "water",   "green", "label"};
  return kKinds;
}

Result<Json> ReadLayout(const Json& doc, const Limits& limits) {
  if (!doc.is_object() || doc.value("type", Json()) != "FeatureCollection") {
    return Error::Invalid("type", T("layout.not_collection"));
  }
  const auto features = doc.find("features");
  if (features == doc.end() || features->is_null()) return Error::Invalid("features", T("field.required"));
  if (!features->is_array()) return Error::Invalid("features", T("layout.features_array"));
  if (features->size() > limits.max_features) {
    return Error::Invalid("features", T("layout.too_many_features", {{"max", limits.max_features}}));
  }
  Checker check(limits);
  Json out = Json::array();
  for (size_t i = 0; i < features->size() && !check.Full(); ++i) {
    const std::string at = "features[" + std::to_string(i) + "]";
    const Json& f = (*features)[i];
    if (!f.is_object() || f.value("type", Json()) != "Feature") {
      check.Fail(at, T("layout.not_feature"));
      continue;
    }
    const std::string geometry = check.Geometry(f.value("geometry", Json()), at + ".geometry");
    const Json props = f.value("properties", Json::object());
    if (!props.is_object()) {
      check.Fail(at + ".properties", T("layout.properties_object"));
      continue;
    }
    Json kept = Json::object();
    const Json kind = props.value("kind", Json());
    const auto& kinds = FeatureKinds();
    if (!kind.is_string() || std::find(kinds.begin(), kinds.end(), kind.get<std::string>()) == kinds.end()) {
      check.Fail(at + ".properties.kind", T("layout.kind"));
      continue;
    }
    kept["kind"] = kind;
    // Text properties: strings of bounded length, no control characters (they end up on a wall display).
    auto text = [&](const char* key, size_t max_chars) {
      const auto it = props.find(key);
      if (it == props.end() || it->is_null()) return;
      if (!it->is_string()) {
        check.Fail(at + ".properties." + key, T("layout.property_text"));
        return;
      }
      const auto& s = it->get_ref<const std::string&>();
      if (Utf8Length(s) > max_chars) {
        check.Fail(at + ".properties." + key, T("field.too_long", {{"max_chars", max_chars}}));
        return;
      }
      if (std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
        check.Fail(at + ".properties." + key, T("field.control_character", {{"code_point", "U+0000..U+001F"}}));
        return;
      }
      kept[key] = s;
    };
    text("name", 100);
    text("credit_code", 18);
    text("sensor_key", 128);
    const std::string k = kind.get<std::string>();
    if (!geometry.empty()) {
      if (k == "plot" && !IsArea(geometry)) check.Fail(at + ".geometry.type", T("layout.plot_area"));
      if ((k == "outlet" || k == "monitor" || k == "label") && geometry != "Point") {
        check.Fail(at + ".geometry.type", T("layout.point_kind"));
      }
    }
    if (k == "plot" && !kept.contains("credit_code")) check.Fail(at + ".properties.credit_code", T("layout.plot_enterprise"));
    if (k == "outlet" && !kept.contains("sensor_key")) check.Fail(at + ".properties.sensor_key", T("layout.outlet_sensor"));
    if (geometry.empty()) continue;
    out.push_back({{"type", "Feature"}, {"geometry", f["geometry"]}, {"properties", std::move(kept)}});
  }
  if (!check.errors().empty()) return Error::Invalid(std::move(check.errors()));
  return Json{{"type", "FeatureCollection"}, {"features", std::move(out)}};
}

}  // namespace park::layout
