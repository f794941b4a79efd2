// Performance of the park's renewable assets and its battery from their telemetry (issue 12, item 7): a wind
// turbine against its power curve (10-minute means, as IEC 61400-12-1 bins them), a PV array's performance ratio
// per day (IEC 61724-1, temperature-corrected when the array has a module temperature sensor), the battery's
// round-trip efficiency and capacity from its metered power and state of charge. The arithmetic is the library's
// (wind.hpp, pv.hpp, battery.hpp); this file only gathers the readings and answers.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/maintenance/battery.hpp"
#include "park/maintenance/pv.hpp"
#include "park/maintenance/wind.hpp"
#include "service_impl.hpp"

namespace park::maintenance {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int64_t kTenMinutesMs = 600'000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxWindowMs = 400 * kDayMs;  // a year of 10-minute data and some
constexpr size_t kMaxScatter = 1500;            // points of the scatter sent to the browser

struct Equipment {
  int64_t id = 0;
  std::string type, tag;
  Json rated;
  std::map<std::string, int64_t> series;  // sensor key suffix -> series id
};

double RatedOr(const Json& rated, const char* key, double fallback) {
  const auto it = rated.find(key);
  return it != rated.end() && it->is_number() ? it->get<double>() : fallback;
}

// Readings of several series aligned on their 10-minute buckets: bucket start -> suffix -> mean.
using Aligned = std::map<int64_t, std::map<std::string, double>>;

Json WindJson(const Equipment& e, const Aligned& rows) {
  auto curve = NameplateCurve(RatedOr(e.rated, "rated_kw", 0), RatedOr(e.rated, "cut_in_ms", 0),
                              RatedOr(e.rated, "rated_ms", 0), RatedOr(e.rated, "cut_out_ms", 0));
  if (!curve.ok()) return {{"error", TextJson(curve.error().text)}, {"field", curve.error().field}};
  std::vector<TurbineSample> samples;
  Json scatter = Json::array();
  const size_t stride = std::max<size_t>(1, rows.size() / kMaxScatter + 1);
  size_t i = 0;
  for (const auto& [at, v] : rows) {
    const auto ws = v.find("wind_speed"), p = v.find("power");
    if (ws == v.end() || p == v.end()) continue;
    TurbineSample s{ws->second, p->second, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    if (auto d = v.find("wind_direction"); d != v.end()) s.wind_direction_deg = d->second;
    if (auto n = v.find("nacelle_direction"); n != v.end()) s.nacelle_deg = n->second;
    if (auto t = v.find("air_temp"); t != v.end()) s.temperature_c = t->second;
    if (auto q = v.find("air_pressure"); q != v.end()) s.pressure_hpa = q->second;
    samples.push_back(s);
    if (i++ % stride == 0) scatter.push_back({{"at", at}, {"wind_ms", s.wind_ms}, {"power_kw", s.power_kw}});
  }
  const TurbineAnalysis a = AnalyseTurbine(*curve, samples, kTenMinutesMs / 1000.0);
  Json bins = Json::array();
  for (const auto& b : a.bins) {
    bins.push_back({{"wind_from_ms", b.wind_from_ms}, {"count", b.count}, {"mean_measured_kw", b.mean_measured_kw},
                    {"mean_expected_kw", b.mean_expected_kw}});
  }
  Json expected = Json::array();
  for (const auto& p : curve->points) expected.push_back({{"wind_ms", p.wind_ms}, {"power_kw", p.power_kw}});
  return {{"kind", "wind"},
          {"samples", a.samples},
          {"density_corrected", a.density_corrected},
          {"expected_kwh", a.expected_kwh},
          {"measured_kwh", a.measured_kwh},
          {"lost_kwh", a.lost_kwh},
          {"performance_pct", a.performance_pct},
          {"yaw_misalignment_deg", a.yaw_misalignment_deg ? Json(*a.yaw_misalignment_deg) : Json(nullptr)},
          {"yaw_samples", a.yaw_samples},
          {"bins", bins},
          {"curve", expected},
          {"curve_source", TextJson(T("maintenance.performance.curve_nameplate",
                                      {{"rated_kw", RatedOr(e.rated, "rated_kw", 0)},
                                       {"cut_in_ms", RatedOr(e.rated, "cut_in_ms", 0)},
                                       {"rated_ms", RatedOr(e.rated, "rated_ms", 0)},
                                       {"cut_out_ms", RatedOr(e.rated, "cut_out_ms", 0)}}))},
          {"scatter", scatter},
          {"explanation", TextJson(a.explanation)}};
}

// The performance ratio per park day and over the window.
Json PvJson(const Equipment& e, const Aligned& rows, int utc_offset_minutes) {
  PvArray array{RatedOr(e.rated, "peak_kw", 0), RatedOr(e.rated, "gamma_per_c", -0.004)};
  if (auto st = ValidatePvArray(array); !st.ok()) {
    return {{"error", TextJson(st.error().text)}, {"field", st.error().field}};
  }
  const double interval_s = kTenMinutesMs / 1000.0;
  std::map<std::string, std::vector<PvSample>> by_day;
  std::vector<PvSample> all;
  for (const auto& [at, v] : rows) {
    const auto g = v.find("irradiance"), p = v.find("power");
    if (g == v.end() || p == v.end()) continue;
    PvSample s{g->second, p->second * interval_s / 3600.0, std::nullopt};
    if (auto t = v.find("module_temp"); t != v.end()) s.cell_temperature_c = t->second;
    by_day[FormatLocalDate(LocalDateOf(at, utc_offset_minutes))].push_back(s);
    all.push_back(s);
  }
  auto pr_json = [&](const PerformanceRatio& r) {
    return Json{{"energy_kwh", r.energy_kwh},
                {"irradiation_kwh_m2", r.irradiation_kwh_m2},
                {"final_yield_h", r.final_yield_h},
                {"reference_yield_h", r.reference_yield_h},
                {"pr", r.pr ? Json(*r.pr) : Json(nullptr)},
                {"pr_temperature_corrected", r.pr_temperature_corrected ? Json(*r.pr_temperature_corrected) : Json(nullptr)},
                {"samples", r.samples},
                {"temperature_samples", r.temperature_samples},
                {"explanation", TextJson(r.explanation)}};
  };
  Json days = Json::array();
  for (const auto& [day, samples] : by_day) {
    Json d = pr_json(ComputePerformanceRatio(array, samples, interval_s));
    d["date"] = day;
    days.push_back(std::move(d));
  }
  Json out = pr_json(ComputePerformanceRatio(array, all, interval_s));
  out["kind"] = "pv";
  out["days"] = std::move(days);
  return out;
}

Json BatteryJson(const Equipment& e, const Aligned& rows) {
  const double interval_h = kTenMinutesMs / 3.6e6;
  std::vector<BatteryInterval> intervals;
  std::optional<double> soc_start;
  for (const auto& [at, v] : rows) {
    const auto soc = v.find("soc"), p = v.find("power");
    if (soc == v.end() || p == v.end()) continue;
    if (!soc_start) {
      soc_start = soc->second / 100;
      continue;  // the first bucket only sets where the window starts
    }
    const double kw = p->second * 1000;  // the sensor reports MW; positive discharges
    intervals.push_back({std::max(0.0, -kw) * interval_h, std::max(0.0, kw) * interval_h, soc->second / 100});
  }
  const double nominal = RatedOr(e.rated, "energy_kwh", 0);
  const BatteryPerformance b = ComputeBatteryPerformance(nominal, soc_start.value_or(0), intervals);
  auto opt = [](const std::optional<double>& x) { return x ? Json(*x) : Json(nullptr); };
  return {{"kind", "battery"},
          {"nominal_kwh", nominal},
          {"charged_kwh", b.charged_kwh},
          {"discharged_kwh", b.discharged_kwh},
          {"soc_start", b.soc_start},
          {"soc_end", b.soc_end},
          {"round_trip_efficiency", opt(b.round_trip_efficiency)},
          {"capacity_kwh", opt(b.capacity_kwh)},
          {"capacity_pct", opt(b.capacity_pct)},
          {"discharge_runs", b.discharge_runs},
          {"efficiency_explanation", TextJson(b.efficiency_explanation)},
          {"capacity_explanation", TextJson(b.capacity_explanation)}};
}

// The figure an assessment is judged by, in %: a turbine's measured over expected energy, an array's performance
// ratio (temperature-corrected when it could be), the battery's round-trip efficiency; nullopt when undefined.
std::optional<double> PerformanceFigure(const Json& a) {
  const std::string kind = a.value("kind", "");
  auto pct = [&](const char* key) -> std::optional<double> {
    if (!a.contains(key) || !a[key].is_number()) return std::nullopt;
    return a[key].get<double>() * 100;
  };
  if (kind == "wind") return a.value("expected_kwh", 0.0) > 0 ? std::optional<double>(a["performance_pct"].get<double>()) : std::nullopt;
  if (kind == "pv") return a.value("temperature_samples", 0) > 0 ? pct("pr_temperature_corrected") : pct("pr");
  if (kind == "battery") return pct("round_trip_efficiency");
  return std::nullopt;
}

Result<int64_t> InstantQuery(const Request& req, const char* key, int64_t fallback) {
  const auto q = req.Query(key);
  if (!q) return fallback;
  return ParseInstantMs(*q, key);
}

}  // namespace

Result<Json> Service::Impl::Assess(const Principal& who, int64_t equipment_id, int64_t from, int64_t to) const {
  Equipment e;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_TRY(EquipmentEnterprise(tx, who, equipment_id, "id"));
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id, type, tag, rated FROM equipment WHERE id = $1", {equipment_id}));
    e.id = row->Int(0);
    e.type = row->Text(1);
    e.tag = row->Text(2);
    e.rated = Json::parse(row->Text(3).empty() ? "{}" : row->Text(3), nullptr, false);
    if (!e.rated.is_object()) e.rated = Json::object();
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
        "SELECT s.key, t.id, s.quantity FROM sensors s JOIN telemetry_series t ON t.sensor_id = s.id "
        "WHERE s.equipment_id = $1 ORDER BY s.id", {equipment_id}));
    for (const auto& r : rows) {
      if (r.Text(2) == "performance") continue;  // the assessment's own output
      e.series[r.Text(0).substr(r.Text(0).rfind('.') + 1)] = r.Int(1);
    }
    return Status::Ok();
  }));
  if (e.type != "wind_turbine" && e.type != "pv_array" && e.type != "flow_battery") {
    return Error::Invalid("id", T("maintenance.performance.not_assessed", {{"type", e.type}}));
  }
  Aligned rows;
  for (const auto& [suffix, series] : e.series) {
    PARK_ASSIGN_OR_RETURN(auto means, Means(series, from, to, "10m"));
    for (const auto& m : means) rows[m.timestamp_ms][suffix] = m.value;
  }
  Json out = e.type == "wind_turbine" ? WindJson(e, rows)
             : e.type == "pv_array"   ? PvJson(e, rows, src.utc_offset_minutes)
                                      : BatteryJson(e, rows);
  if (out.contains("error")) {
    return Error::Coded(ErrorCode::kFailedPrecondition, T("maintenance.performance.rated_incomplete"),
                        "rated." + out["field"].get<std::string>());
  }
  out["equipment_id"] = e.id;
  out["tag"] = e.tag;
  out["from"] = from;
  out["to"] = to;
  const auto figure = PerformanceFigure(out);
  out["figure_pct"] = figure ? Json(*figure) : Json(nullptr);
  return out;
}

Result<std::optional<Json>> Service::Impl::RecordPerformance(int64_t equipment_id, int64_t at) const {
  std::optional<std::string> key;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "SELECT key FROM sensors WHERE equipment_id = $1 AND quantity = 'performance' ORDER BY id", {equipment_id}));
    if (row) key = row->Text(0);
    return Status::Ok();
  }));
  if (!key) return std::optional<Json>();
  PARK_ASSIGN_OR_RETURN(auto a, Assess(System(), equipment_id, at - kDayMs, at));
  if (!a["figure_pct"].is_number()) return std::optional<Json>(std::move(a));
  const auto match = src.router.Find(Method::kPost, "/api/v1/write");
  if (match.route == nullptr) return Error::Internal("maintenance: no route POST /api/v1/write");
  Request req;
  req.method = Method::kPost;
  req.path = "/api/v1/write";
  req.query = {{"precision", "ms"}};
  req.body = fmt::format("{} value={} {}", *key, a["figure_pct"].get<double>(), at);
  req.request_id = "maintenance-performance";
  req.principal = System();
  const Response resp = match.route->handler(req);
  if (resp.status != 204) return Error::Internal(fmt::format("maintenance: writing {} answered {}", *key, resp.status));
  a["recorded"] = {{"key", *key}, {"at", at}};
  return std::optional<Json>(std::move(a));
}

Status Service::Impl::AssessPerformance() {
  const int64_t now = src.clock.NowMs();
  if (now - last_assessment_ms < 60'000) return Status::Ok();
  last_assessment_ms = now;
  const int64_t hour = now / 3'600'000 * 3'600'000;
  std::vector<int64_t> ids;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
        "SELECT DISTINCT equipment_id FROM sensors WHERE quantity = 'performance' AND equipment_id IS NOT NULL "
        "ORDER BY equipment_id"));
    for (const auto& r : rows) ids.push_back(r.Int(0));
    return Status::Ok();
  }));
  for (int64_t id : ids) {
    if (assessed_hour[id] == hour) continue;
    auto done = RecordPerformance(id, hour);
    if (!done.ok()) {
      spdlog::warn("maintenance: performance of equipment {}: {}", id, done.error().message);
    } else if (*done && (**done).contains("recorded")) {
      assessed_hour[id] = hour;
    }
  }
  return Status::Ok();
}

void Service::Impl::RegisterPerformance(http::Router& router) {
  Impl* s = this;
  auto r = http::MakeRoute(
      "maintenance", Method::kGet, "/api/v1/maintenance/performance/{id}", kReaders,
      "Performance of a wind turbine (10-minute means against its power curve at the measured, density-corrected "
      "wind speed: energy expected, measured and lost, the binned curve and a scatter, yaw misalignment), a PV array "
      "(performance ratio per day and over the window, temperature-corrected with a module temperature) or the "
      "battery (round-trip efficiency and capacity from metered power and state of charge), over from..to "
      "(default the last 24 h), with the formula and inputs",
      [s](const Request& req) -> Response {
        auto id = req.IdParam();
        if (!id.ok()) return Fail(id.error());
        const int64_t now = s->src.clock.NowMs();
        auto to = InstantQuery(req, "to", now);
        if (!to.ok()) return Fail(to.error());
        auto from = InstantQuery(req, "from", *to - kDayMs);
        if (!from.ok()) return Fail(from.error());
        if (*from >= *to) return Fail(Error::Invalid("from", T("maintenance.performance.window_order")));
        if (*to - *from > kMaxWindowMs) {
          return Fail(Error::Invalid("from", T("maintenance.performance.window_long", {{"max_days", 400}})));
        }
        auto out = s->Assess(req.Who(), *id, *from, *to);
        if (!out.ok()) return Fail(out.error());
        return Response::FromJson(*out);
      });
  r.doc = Doc(r.doc.summary, nullptr, Obj());
  r.doc.query = {{"from", "string", "ISO 8601 instant (default: 24 h before to)"},
                 {"to", "string", "ISO 8601 instant (default: now)"}};
  router.Add(std::move(r));

  auto w = http::MakeRoute(
      "maintenance", Method::kPost, "/api/v1/maintenance/performance/{id}/record", kManagers,
      "Assess the last 24 h now and write the figure (turbine % of expected energy, array performance ratio %, battery "
      "round trip %) to the equipment's performance sensor, as the hourly job does: an alarm rule on that sensor "
      "raises an alarm and a condition plan opens a work order when it falls below the rule's low limit",
      [s](const Request& req) -> Response {
        auto id = req.IdParam();
        if (!id.ok()) return Fail(id.error());
        auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
          return EquipmentEnterprise(tx, req.Who(), *id, "id").ok() ? Status::Ok()
                                                                     : Status(Error::NotFound(T("field.no_such_record")));
        });
        if (!st.ok()) return Fail(st.error());
        auto out = s->RecordPerformance(*id, s->src.clock.NowMs());
        if (!out.ok()) return Fail(out.error());
        if (!*out) return Fail(Error::Coded(ErrorCode::kFailedPrecondition, T("maintenance.performance.no_sensor"), "id"));
        return Response::FromJson(**out);
      });
  w.doc = Doc(w.doc.summary, Obj(), Obj());
  router.Add(std::move(w));
}

}  // namespace park::maintenance
