// Routes of the dispatch service under /api/v1/dispatch/…; see include/park/dispatch/service.hpp.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/maintenance/wind.hpp"
#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::dispatch {
namespace {

using http::Method;
using http::Request;
using http::Response;

const std::vector<Role> kManagers = {Role::kParkAdmin, Role::kParkStaff};
const std::vector<Role> kWithEnterprises = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};
const std::vector<Role> kScreen = {Role::kParkAdmin, Role::kParkStaff, Role::kViewer};
constexpr const char* kTag = "dispatch";

Response Fail(const Error& e) { return Response::FromError(e); }

Status Audit(store::Tx& tx, const Clock& clock, const Principal* who, const store::AuditEntry& entry) {
  PARK_TRY(store::AppendAudit(tx, clock, who, entry));
  return Status::Ok();
}
Json Obj() { return {{"type", "object"}}; }

http::Route Route(Method m, std::string pattern, std::vector<Role> roles, std::string summary, http::Handler h,
                  Json request = nullptr, int status = 200) {
  auto r = http::MakeRoute(kTag, m, std::move(pattern), std::move(roles), std::move(summary), std::move(h));
  r.doc.request_schema = std::move(request);
  r.doc.response_schema = Obj();
  r.doc.success_status = status;
  return r;
}

Result<std::string> DateQuery(const Request& req, const Service::Impl& s, const char* key = "date") {
  auto q = req.Query(key);
  if (!q) return s.DateOf(s.src.clock.NowMs());
  if (!IsValidDate(*q)) return Error::Invalid(key, T("dispatch.tariff.date_invalid", {{"value", std::string(*q)}}));
  return std::string(*q);
}

Result<std::string> DateField(const Json& body, const Service::Impl& s, const char* key = "date") {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return s.DateOf(s.src.clock.NowMs());
  if (!it->is_string() || !IsValidDate(it->get<std::string>())) {
    return Error::Invalid(key, T("dispatch.tariff.date_invalid", {{"value", it->is_string() ? it->get<std::string>() : it->dump()}}));
  }
  return it->get<std::string>();
}

Result<double> NumberField(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return Error::Invalid(key, T("field.required"));
  if (!it->is_number() || !std::isfinite(it->get<double>())) return Error::Invalid(key, T("field.not_number"));
  return it->get<double>();
}

Result<std::optional<double>> OptNumber(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<double>();
  if (!it->is_number() || !std::isfinite(it->get<double>())) return Error::Invalid(key, T("field.not_number"));
  return std::optional<double>(it->get<double>());
}

Result<int64_t> InstantField(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return Error::Invalid(key, T("field.required"));
  if (!it->is_number_integer()) return Error::Invalid(key, T("field.not_number"));
  return it->get<int64_t>();
}

std::string Str(const Json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Json> Body(const Request& req) { return ParseJsonObject(req.body.empty() ? "{}" : req.body); }

// 96 values for a local day: every value a number not below zero; the first bad step named.
Status CheckDay(const std::vector<double>& v, const char* field) {
  if (static_cast<int>(v.size()) != kStepsPerDay) {
    return Error::Invalid(field, T("dispatch.series_length", {{"expected", kStepsPerDay}, {"actual", static_cast<double>(v.size())}}));
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || v[i] < 0) return Error::Invalid(fmt::format("{}[{}]", field, i), T("dispatch.value_negative"));
  }
  return Status::Ok();
}

std::string StepTime(int step) { return fmt::format("{:02d}:{:02d}", step / 4, (step % 4) * 15); }

// CSV of `time,mw` lines (a header line is allowed): every 15-minute step of the day exactly once.
Result<std::vector<double>> ParseForecastCsv(std::string_view text) {
  std::vector<double> v(kStepsPerDay, std::nan(""));
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const size_t comma = line.find(',');
    const std::string field = fmt::format("csv.line[{}]", line_no);
    if (comma == std::string_view::npos) return Error::Invalid(field, T("dispatch.forecast.time_invalid", {{"value", std::string(line)}}));
    const std::string time(line.substr(0, comma));
    const std::string value(line.substr(comma + 1));
    if (line_no == 1 && time == "time") continue;
    int h = -1, m = -1;
    if (time.size() != 5 || time[2] != ':' || std::sscanf(time.c_str(), "%2d:%2d", &h, &m) != 2 || h < 0 || h > 23 ||
        m < 0 || m > 59 || m % 15 != 0) {
      return Error::Invalid(field, T("dispatch.forecast.time_invalid", {{"value", time}}));
    }
    char* stop = nullptr;
    const double mw = std::strtod(value.c_str(), &stop);
    if (value.empty() || stop != value.c_str() + value.size() || !std::isfinite(mw)) {
      return Error::Invalid(field, T("dispatch.csv.number_invalid", {{"value", value}}));
    }
    if (mw < 0) return Error::Invalid(field, T("dispatch.value_negative"));
    v[static_cast<size_t>(h * 4 + m / 15)] = mw;
  }
  for (int i = 0; i < kStepsPerDay; ++i) {
    if (std::isnan(v[static_cast<size_t>(i)])) {
      return Error::Invalid(fmt::format("csv.step[{}]", i), T("dispatch.forecast.step_missing", {{"time", StepTime(i)}}));
    }
  }
  return v;
}

Json ForecastJson(const store::Row& r) {
  return {{"id", r.Int(0)},
          {"kind", r.Text(1)},
          {"date", r.Text(2)},
          {"step_minutes", r.Int(3)},
          {"values_mw", Json::parse(r.Text(4), nullptr, false)},
          {"source", r.Text(5)},
          {"method", Json::parse(r.Text(6), nullptr, false)},
          {"mape", r.IsNull(7) ? Json(nullptr) : Json(r.Real(7))},
          {"evaluated_days", r.IsNull(8) ? Json(nullptr) : Json(r.Int(8))},
          {"created_at", r.Int(9)}};
}
constexpr std::string_view kForecastCols =
    "id, kind, date, step_minutes, values_mw, source, method, mape, evaluated_days, created_at";

Result<Json> StoreForecast(Service::Impl& s, const std::string& kind, const std::string& date,
                           const std::vector<double>& v, const std::string& source, const Text& method,
                           std::optional<double> mape, std::optional<int> evaluated_days) {
  Json out;
  PARK_TRY(s.src.store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO dispatch_forecasts (kind, date, step_minutes, values_mw, source, method, mape, evaluated_days, "
        "created_at) VALUES ($1, $2, 15, $3, $4, $5, $6, $7, $8) RETURNING id",
        {kind, date, Json(v).dump(), source, TextJson(method).dump(), mape ? store::Value(*mape) : store::Value(nullptr),
         evaluated_days ? store::Value(int64_t{*evaluated_days}) : store::Value(nullptr), s.src.clock.NowMs()}));
    PARK_ASSIGN_OR_RETURN(auto r, tx.QueryOne(fmt::format("SELECT {} FROM dispatch_forecasts WHERE id = $1", kForecastCols),
                                              {row->Int(0)}));
    out = ForecastJson(*r);
    return Status::Ok();
  }));
  return out;
}

bool IsKind(const std::string& k) { return k == "load" || k == "pv" || k == "wind"; }

// The registry's equipment of a type with its nameplate.
Result<std::vector<Json>> Equipment(Service::Impl& s, const char* type) {
  std::vector<Json> out;
  PARK_TRY(s.src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, tag, rated FROM equipment WHERE type = $1 ORDER BY id", {std::string(type)}));
    for (const auto& r : rows) {
      Json rated = Json::parse(r.Text(2).empty() ? "{}" : r.Text(2), nullptr, false);
      out.push_back({{"id", r.Int(0)}, {"tag", r.Text(1)}, {"rated", rated.is_object() ? rated : Json::object()}});
    }
    return Status::Ok();
  }));
  return out;
}

double Rated(const Json& e, const char* key, double fallback) {
  const Json& r = e["rated"];
  return r.contains(key) && r[key].is_number() ? r[key].get<double>() : fallback;
}

Result<std::vector<double>> DayArray(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_array()) return Error::Invalid(key, T("field.required"));
  std::vector<double> v;
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_number()) return Error::Invalid(fmt::format("{}[{}]", key, i), T("field.not_number"));
    v.push_back((*it)[i].get<double>());
  }
  PARK_TRY(CheckDay(v, key));
  return v;
}

Result<Json> ModelForecast(Service::Impl& s, const Json& body) {
  PARK_ASSIGN_OR_RETURN(std::string date, DateField(body, s));
  const std::string kind = Str(body, "kind");
  if (!IsKind(kind)) return Error::Invalid("kind", T("dispatch.forecast.kind_invalid", {{"value", kind}}));
  const int64_t day = (s.DayStart(date) + s.OffsetMs()) / kMsPerDay;
  if (kind == "pv") {
    PARK_ASSIGN_OR_RETURN(auto arrays, Equipment(s, "pv_array"));
    if (arrays.empty()) return Error::Coded(ErrorCode::kFailedPrecondition, T("dispatch.forecast.no_equipment", {{"type", "pv_array"}}), "kind");
    PvSite site;
    for (const auto& a : arrays) site.capacity_mw += Rated(a, "peak_kw", 0) / 1000.0;
    std::vector<double> cloud(kStepsPerDay, 0.0);
    if (body.contains("cloud")) {
      auto it = body.find("cloud");
      if (!it->is_array()) return Error::Invalid("cloud", T("field.required"));
      cloud.clear();
      for (size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_number()) return Error::Invalid(fmt::format("cloud[{}]", i), T("field.not_number"));
        cloud.push_back((*it)[i].get<double>());
      }
    } else {
      PARK_ASSIGN_OR_RETURN(auto c, OptNumber(body, "cloud_factor"));
      if (c) cloud.assign(kStepsPerDay, *c);
    }
    PARK_ASSIGN_OR_RETURN(auto v, ForecastPv(site, day, 0.25, cloud));
    return StoreForecast(s, kind, date, v, "model",
                         T("dispatch.forecast.pv_model", {{"arrays", static_cast<double>(arrays.size())},
                                                          {"capacity_mw", site.capacity_mw},
                                                          {"performance_ratio", site.performance_ratio}}),
                         std::nullopt, std::nullopt);
  }
  if (kind == "wind") {
    PARK_ASSIGN_OR_RETURN(auto turbines, Equipment(s, "wind_turbine"));
    if (turbines.empty()) return Error::Coded(ErrorCode::kFailedPrecondition, T("dispatch.forecast.no_equipment", {{"type", "wind_turbine"}}), "kind");
    PARK_ASSIGN_OR_RETURN(auto speed, DayArray(body, "speed_ms"));
    const Json& t = turbines.front();
    const double rated_kw = Rated(t, "rated_kw", 5000), cut_in = Rated(t, "cut_in_ms", 3), rated_ms = Rated(t, "rated_ms", 10.5),
                 cut_out = Rated(t, "cut_out_ms", 25);
    PARK_ASSIGN_OR_RETURN(auto curve, maintenance::NameplateCurve(rated_kw, cut_in, rated_ms, cut_out));
    std::vector<PowerCurvePoint> points;
    for (const auto& p : curve.points) points.push_back({p.wind_ms, p.power_kw / 1000.0});
    PARK_ASSIGN_OR_RETURN(auto v, ForecastWind(points, static_cast<int>(turbines.size()), speed));
    return StoreForecast(s, kind, date, v, "model",
                         T("dispatch.forecast.wind_model", {{"turbines", static_cast<double>(turbines.size())},
                                                            {"rated_kw", rated_kw}, {"cut_in_ms", cut_in},
                                                            {"rated_ms", rated_ms}, {"cut_out_ms", cut_out}}),
                         std::nullopt, std::nullopt);
  }
  int weeks = 4;
  if (auto it = body.find("weeks"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer()) return Error::Invalid("weeks", T("field.not_number"));
    weeks = it->get<int>();
  }
  std::vector<LoadSample> history;
  const int64_t from = s.DayStart(date) - static_cast<int64_t>(weeks + 3) * 7 * kMsPerDay;
  PARK_TRY(s.src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT at, mw FROM dispatch_load_history WHERE at >= $1 AND at < $2 ORDER BY at",
                                              {from, s.DayStart(date)}));
    for (const auto& r : rows) history.push_back({(r.Int(0) + s.OffsetMs()) / 60'000, r.Real(1)});
    return Status::Ok();
  }));
  PARK_ASSIGN_OR_RETURN(auto f, ForecastLoad(history, day, weeks, 2));
  return StoreForecast(s, kind, date, f.mw, "model", f.method, f.mape, f.evaluated_days);
}

Result<PlanRequest> PlanRequestOf(Service::Impl& s, const Json& body) {
  PlanRequest r;
  PARK_ASSIGN_OR_RETURN(r.date, DateField(body, s));
  const int64_t now = s.src.clock.NowMs();
  const bool whole_day = body.value("whole_day", false);
  if (r.date < s.DateOf(now)) return Error::Invalid("date", T("dispatch.instruction.window"));
  if (r.date == s.DateOf(now) && !whole_day) r.first_step = static_cast<int>((now - s.DayStart(r.date)) / kStepMs);
  PARK_ASSIGN_OR_RETURN(r.soc_initial, OptNumber(body, "soc_initial"));
  PARK_ASSIGN_OR_RETURN(r.carbon_price, OptNumber(body, "carbon_price_yuan_per_t"));
  PARK_ASSIGN_OR_RETURN(r.import_max, OptNumber(body, "import_max_mw"));
  PARK_ASSIGN_OR_RETURN(r.export_max, OptNumber(body, "export_max_mw"));
  if (auto it = body.find("battery"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return Error::Invalid("battery", T("field.required"));
    r.battery_overrides = *it;
  }
  r.reason = T("dispatch.plan.reason_requested");
  return r;
}

Json SummaryOf(const store::Row& r) {
  Json j = Json::parse(r.Text(1), nullptr, false);
  j["id"] = r.Int(0);
  j["created_at"] = r.Int(2);
  for (const char* heavy : {"explanation", "inputs", "bands", "battery", "comparisons", "shortfalls", "costs"}) j.erase(heavy);
  return j;
}

Result<Json> PlanJson(store::Tx& tx, int64_t id) {
  PARK_ASSIGN_OR_RETURN(auto r, tx.QueryOne("SELECT id, summary, created_at, steps FROM dispatch_plans WHERE id = $1", {id}));
  if (!r) return Error::NotFound(T("dispatch.plan.not_found", {{"id", std::to_string(id)}}));
  Json j = Json::parse(r->Text(1), nullptr, false);
  j["id"] = r->Int(0);
  j["created_at"] = r->Int(2);
  j["steps"] = Json::parse(r->Text(3), nullptr, false);
  return j;
}

Json InstructionJson(const store::Row& r) {
  return {{"id", r.Int(0)},       {"kind", r.Text(1)},      {"limit_mw", r.Real(2)},
          {"from", r.Int(3)},     {"to", r.Int(4)},         {"reference", r.Text(5)},
          {"plan_id", r.IsNull(6) ? Json(nullptr) : Json(r.Int(6))},
          {"met", r.Int(7) != 0}, {"shortfall", r.Text(8).empty() ? Json(nullptr) : Json::parse(r.Text(8), nullptr, false)},
          {"created_at", r.Int(9)}};
}
constexpr std::string_view kInstructionCols = "id, kind, limit_mw, from_at, to_at, reference, plan_id, met, shortfall, created_at";

Json ParamsJson(const store::Row& r) {
  return {{"enterprise_id", r.Int(0)},     {"enterprise_name", r.Text(1)}, {"priority_tier", r.Int(2)},
          {"interruptible_mw", r.Real(3)}, {"protected_mw", r.Real(4)},    {"protected_reason", r.Text(5)},
          {"webhook_url", r.Text(6)},      {"updated_at", r.Int(7)}};
}
constexpr std::string_view kParamsSelect =
    "SELECT p.enterprise_id, e.name, p.priority_tier, p.interruptible_mw, p.protected_mw, p.protected_reason, "
    "p.webhook_url, p.updated_at FROM dispatch_enterprise_params p JOIN enterprises e ON e.id = p.enterprise_id";

// An order as `who` may see it: an enterprise user only its own share, and not the park's totals.
Result<std::optional<Json>> OrderJson(store::Tx& tx, int64_t id, const Principal& who) {
  PARK_ASSIGN_OR_RETURN(auto o, tx.QueryOne(
      "SELECT id, cut_mw, from_at, to_at, reference, allocated_mw, unallocated_mw, text, created_at FROM dispatch_orders "
      "WHERE id = $1", {id}));
  if (!o) return std::optional<Json>();
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
      "SELECT a.enterprise_id, e.name, a.priority_tier, a.cut_mw, a.cuttable_mw, a.notified_at FROM dispatch_allocations a "
      "JOIN enterprises e ON e.id = a.enterprise_id WHERE a.order_id = $1 ORDER BY a.priority_tier, a.enterprise_id", {id}));
  Json allocations = Json::array();
  for (const auto& r : rows) {
    if (!who.CanSeeEnterprise(r.Int(0))) continue;
    allocations.push_back({{"enterprise_id", r.Int(0)}, {"enterprise_name", r.Text(1)}, {"priority_tier", r.Int(2)},
                           {"cut_mw", r.Real(3)}, {"interruptible_mw", r.Real(4)},
                           {"notified_at", r.IsNull(5) ? Json(nullptr) : Json(r.Int(5))}});
  }
  const bool scoped = who.enterprise_id.has_value();
  if (scoped && allocations.empty()) return std::optional<Json>();
  Json j = {{"id", o->Int(0)},
            {"cut_mw", scoped ? Json(nullptr) : Json(o->Real(1))},
            {"from", o->Int(2)},
            {"to", o->Int(3)},
            {"reference", o->Text(4)},
            {"allocated_mw", scoped ? Json(nullptr) : Json(o->Real(5))},
            {"unallocated_mw", scoped ? Json(nullptr) : Json(o->Real(6))},
            {"text", scoped ? Json(nullptr) : Json::parse(o->Text(7), nullptr, false)},
            {"created_at", o->Int(8)},
            {"allocations", allocations}};
  return std::optional<Json>(j);
}

// The mean power of an enterprise's energy meters over [from, to): the counters' increase in kWh over the hours.
Result<std::pair<std::optional<double>, std::vector<std::string>>> MeanLoad(Service::Impl& s, int64_t enterprise_id,
                                                                          int64_t from, int64_t to) {
  std::vector<std::pair<int64_t, std::string>> series;
  PARK_TRY(s.src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
        "SELECT t.id, s.key FROM sensors s JOIN telemetry_series t ON t.sensor_id = s.id WHERE s.enterprise_id = $1 AND "
        "s.kind = 'meter' AND s.quantity = 'energy' ORDER BY s.id", {enterprise_id}));
    for (const auto& r : rows) series.push_back({r.Int(0), r.Text(1)});
    return Status::Ok();
  }));
  double kwh = 0;
  bool any = false;
  std::vector<std::string> used;
  for (const auto& [id, key] : series) {
    PARK_ASSIGN_OR_RETURN(Json body, s.Get(fmt::format("/api/v1/series/{}/points", id),
                                           {{"from", FormatInstantMs(from)}, {"to", FormatInstantMs(to)}, {"limit", "100000"}}));
    if (!body.is_object() || !body["points"].is_array() || body["points"].size() < 2) continue;
    const Json& pts = body["points"];
    const double first = pts.front()["value"].get<double>(), last = pts.back()["value"].get<double>();
    auto t0 = ParseInstantMs(pts.front()["ts"].get<std::string>(), "ts");
    auto t1 = ParseInstantMs(pts.back()["ts"].get<std::string>(), "ts");
    if (!t0.ok() || !t1.ok() || *t1 <= *t0 || last < first) continue;
    // Scaled to the whole window from the span the readings cover.
    kwh += (last - first) * static_cast<double>(to - from) / static_cast<double>(*t1 - *t0);
    any = true;
    used.push_back(key);
  }
  const double hours = static_cast<double>(to - from) / kMsPerHour;
  return std::make_pair(any ? std::optional<double>(kwh / hours / 1000.0) : std::nullopt, used);
}

Result<Json> Compliance(Service::Impl& s, const Json& order, const Principal& who) {
  Json rows = Json::array();
  const int64_t from = order["from"].get<int64_t>(), to = order["to"].get<int64_t>();
  const int64_t now = s.src.clock.NowMs();
  for (const auto& a : order["allocations"]) {
    const int64_t e = a["enterprise_id"].get<int64_t>();
    if (!who.CanSeeEnterprise(e)) continue;
    const double required = a["cut_mw"].get<double>();
    Json row = {{"enterprise_id", e}, {"enterprise_name", a["enterprise_name"]}, {"required_mw", required},
                {"baseline_mw", nullptr}, {"actual_mw", nullptr}, {"reduction_mw", nullptr}, {"compliant", nullptr},
                {"basis", nullptr}};
    if (now > from) {
      const int64_t until = std::min(now, to);
      PARK_ASSIGN_OR_RETURN(auto baseline, MeanLoad(s, e, from - kMsPerDay, until - kMsPerDay));
      PARK_ASSIGN_OR_RETURN(auto actual, MeanLoad(s, e, from, until));
      if (baseline.first && actual.first) {
        const double reduction = *baseline.first - *actual.first;
        std::string meters;
        for (const auto& k : actual.second) meters += (meters.empty() ? "" : ", ") + k;
        row["baseline_mw"] = *baseline.first;
        row["actual_mw"] = *actual.first;
        row["reduction_mw"] = reduction;
        // Judged once the window is over; until then the figures so far.
        row["compliant"] = now >= to ? Json(reduction + 1e-9 >= required) : Json(nullptr);
        row["basis"] = TextJson(T("dispatch.order.compliance_basis",
                                  {{"baseline_mw", *baseline.first}, {"actual_mw", *actual.first}, {"meters", meters}}));
      } else {
        row["basis"] = TextJson(T("dispatch.order.no_meters"));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// The order named by the request's {id} as the caller may see it (404 otherwise), with its compliance rows.
Result<std::pair<Json, Json>> OrderWithCompliance(Service::Impl& s, const Request& req) {
  auto id = req.IdParam();
  if (!id.ok()) return id.error();
  std::optional<Json> order;
  PARK_TRY(s.src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(order, OrderJson(tx, *id, req.Who()));
    return Status::Ok();
  }));
  if (!order) return Error::NotFound(T("dispatch.order.not_found", {{"id", std::to_string(*id)}}));
  PARK_ASSIGN_OR_RETURN(Json c, Compliance(s, *order, req.Who()));
  return std::pair<Json, Json>{std::move(*order), std::move(c)};
}

}  // namespace

void RegisterRoutes(Service::Impl& s, http::Router& router) {
  Service::Impl* sp = &s;
  // ----- tariffs
  router.Add(Route(Method::kGet, "/api/v1/dispatch/tariffs", kManagers,
                   "Time-of-use tariffs as dated data (the shipped example until the park records its own), newest first",
                   [sp](const Request&) {
                     Json items = Json::array();
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto all, sp->Tariffs(tx));
                       for (const auto& t : all) items.push_back(TariffJson(t));
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
                   }));
  router.Add(Route(Method::kPost, "/api/v1/dispatch/tariffs", kManagers,
                   "Record a tariff from its start date: bands must cover every hour of the day exactly once (an "
                   "overlap or a gap is 400 naming the band and the hour); plans already made keep their tariff",
                   [sp](const Request& req) {
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     auto t = TariffFromJson(*body);
                     if (!t.ok()) return Fail(t.error());
                     const std::string source = Str(*body, "source");
                     if (source.size() > 500) return Fail(Error::Invalid("source", T("field.too_long", {{"max_chars", 500}})));
                     Json out;
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       PARK_TRY(sp->Tariffs(tx));  // the shipped example first, so it keeps the older id
                       StoredTariff s{0, *t, source, sp->src.clock.NowMs()};
                       Json j = TariffJson(s);
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
                           "INSERT INTO dispatch_tariffs (province, category, voltage_class, months, effective_from, bands, "
                           "demand_charge_yuan_per_kw_month, export_price_yuan_per_kwh, source, created_at) VALUES "
                           "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                           {t->province, t->category, t->voltage_class, j["months"].dump(), t->effective_from,
                            j["bands"].dump(), t->demand_charge_yuan_per_kw_month, t->export_price_yuan_per_kwh, source,
                            s.created_at}));
                       s.id = row->Int(0);
                       out = TariffJson(s);
                       return Audit(tx, sp->src.clock, &req.Who(),
                                                 {"create", "dispatch_tariff", s.id, std::nullopt, nullptr, out});
                     });
                     return st.ok() ? Response::FromJson(out, 201) : Fail(st.error());
                   },
                   Obj(), 201));
  {
    auto r = Route(Method::kGet, "/api/v1/dispatch/tariffs/in-force", kManagers,
                   "The park's tariff in force on a date (default today)", [sp](const Request& req) {
                     auto date = DateQuery(req, *sp);
                     if (!date.ok()) return Fail(date.error());
                     Json out;
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto t, sp->TariffOn(tx, *date));
                       out = TariffJson(t);
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson(out) : Fail(st.error());
                   });
    r.doc.query = {{"date", "string", "local date YYYY-MM-DD (default today)"}};
    router.Add(std::move(r));
  }
  // ----- forecasts
  {
    auto r = Route(Method::kGet, "/api/v1/dispatch/forecasts", kManagers,
                   "The latest load, PV and wind forecasts stored for a local date, 96 steps of 15 minutes each",
                   [sp](const Request& req) {
                     auto date = DateQuery(req, *sp);
                     if (!date.ok()) return Fail(date.error());
                     Json out = {{"date", *date}};
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       for (const char* kind : {"load", "pv", "wind"}) {
                         PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(fmt::format(
                             "SELECT {} FROM dispatch_forecasts WHERE date = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
                             kForecastCols), {*date, std::string(kind)}));
                         out[kind] = row ? ForecastJson(*row) : Json(nullptr);
                       }
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson(out) : Fail(st.error());
                   });
    r.doc.query = {{"date", "string", "local date YYYY-MM-DD (default today)"}};
    router.Add(std::move(r));
  }
  {
    auto r = Route(Method::kPost, "/api/v1/dispatch/forecasts", kManagers,
                   "Upload a forecast for a day: JSON {kind, date, values_mw[96]} or CSV lines time,mw (text/csv with "
                   "kind and date in the query); a missing step is 400 naming it, nothing stored",
                   [sp](const Request& req) {
                     const auto ct = req.Header("content-type");
                     std::string kind, date;
                     std::vector<double> values;
                     if (ct && http::MediaTypeIs(*ct, "text/csv")) {
                       kind = std::string(req.Query("kind").value_or(""));
                       date = std::string(req.Query("date").value_or(""));
                       if (!IsKind(kind)) return Fail(Error::Invalid("kind", T("dispatch.forecast.kind_invalid", {{"value", kind}})));
                       if (!IsValidDate(date)) return Fail(Error::Invalid("date", T("dispatch.tariff.date_invalid", {{"value", date}})));
                       auto v = ParseForecastCsv(req.body);
                       if (!v.ok()) return Fail(v.error());
                       values = std::move(*v);
                     } else {
                       auto body = Body(req);
                       if (!body.ok()) return Fail(body.error());
                       kind = Str(*body, "kind");
                       if (!IsKind(kind)) return Fail(Error::Invalid("kind", T("dispatch.forecast.kind_invalid", {{"value", kind}})));
                       auto d = DateField(*body, *sp);
                       if (!d.ok()) return Fail(d.error());
                       date = *d;
                       auto v = DayArray(*body, "values_mw");
                       if (!v.ok()) return Fail(v.error());
                       values = std::move(*v);
                     }
                     auto out = StoreForecast(*sp, kind, date, values, "upload", T("dispatch.forecast.uploaded"),
                                              std::nullopt, std::nullopt);
                     return out.ok() ? Response::FromJson(*out, 201) : Fail(out.error());
                   },
                   Obj(), 201);
    r.doc.also_accepted_content_types = {"text/csv"};
    r.doc.query = {{"kind", "string", "CSV upload: load, pv or wind"}, {"date", "string", "CSV upload: local date YYYY-MM-DD"}};
    router.Add(std::move(r));
  }
  router.Add(Route(Method::kPost, "/api/v1/dispatch/forecasts/model", kManagers,
                   "Forecast a day by model: load from the metered history (same weekday and season, its error on the "
                   "last weeks), PV clear-sky with a cloud factor over the registry's arrays, wind through the "
                   "turbines' power curve",
                   [sp](const Request& req) {
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     auto out = ModelForecast(*sp, *body);
                     return out.ok() ? Response::FromJson(*out, 201) : Fail(out.error());
                   },
                   Obj(), 201));
  router.Add(Route(Method::kPost, "/api/v1/dispatch/load-history", kManagers,
                   "Store the park's metered load per 15 minutes (samples of at, mw); a later value for an instant replaces it",
                   [sp](const Request& req) {
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     const Json& samples = (*body)["samples"];
                     if (!samples.is_array()) return Fail(Error::Invalid("samples", T("field.required")));
                     for (size_t i = 0; i < samples.size(); ++i) {
                       const Json& x = samples[i];
                       if (!x.is_object() || !x["at"].is_number_integer() || x["at"].get<int64_t>() % kStepMs != 0) {
                         return Fail(Error::Invalid(fmt::format("samples[{}].at", i), T("dispatch.forecast.history_invalid")));
                       }
                       if (!x["mw"].is_number() || x["mw"].get<double>() < 0) {
                         return Fail(Error::Invalid(fmt::format("samples[{}].mw", i), T("dispatch.value_negative")));
                       }
                     }
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       for (const auto& x : samples) {
                         PARK_TRY(tx.Exec("DELETE FROM dispatch_load_history WHERE at = $1", {x["at"].get<int64_t>()}));
                         PARK_TRY(tx.Exec("INSERT INTO dispatch_load_history (at, mw) VALUES ($1, $2)",
                                          {x["at"].get<int64_t>(), x["mw"].get<double>()}));
                       }
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"stored", samples.size()}}) : Fail(st.error());
                   },
                   Obj()));
  // ----- plans
  {
    auto r = Route(Method::kGet, "/api/v1/dispatch/plans", kManagers, "Plans of a local date, newest first",
                   [sp](const Request& req) {
                     auto date = DateQuery(req, *sp);
                     if (!date.ok()) return Fail(date.error());
                     Json items = Json::array();
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
                           "SELECT id, summary, created_at FROM dispatch_plans WHERE date = $1 ORDER BY id DESC", {*date}));
                       for (const auto& row : rows) items.push_back(SummaryOf(row));
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
                   });
    r.doc.query = {{"date", "string", "local date YYYY-MM-DD (default today)"}};
    router.Add(std::move(r));
  }
  router.Add(Route(Method::kPost, "/api/v1/dispatch/plans", kManagers,
                   "Plan a day at 15 minutes (today: from the current step, unless whole_day) from the stored forecasts, "
                   "the battery's measured state of charge and the tariff in force: the optimal plan, the rule-based "
                   "and no-battery baselines, costs, emissions and the explanation",
                   [sp](const Request& req) {
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     auto r = PlanRequestOf(*sp, *body);
                     if (!r.ok()) return Fail(r.error());
                     auto plan = sp->MakePlan(*r);
                     return plan.ok() ? Response::FromJson(*plan, 201) : Fail(plan.error());
                   },
                   Obj(), 201));
  router.Add(Route(Method::kGet, "/api/v1/dispatch/plans/{id}", kManagers, "One plan with its steps and explanation",
                   [sp](const Request& req) {
                     auto id = req.IdParam();
                     if (!id.ok()) return Fail(id.error());
                     Json out;
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(out, PlanJson(tx, *id));
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson(out) : Fail(st.error());
                   }));
  router.Add(Route(Method::kGet, "/api/v1/dispatch/plans/{id}/steps", kManagers, "A plan's steps",
                   [sp](const Request& req) {
                     auto id = req.IdParam();
                     if (!id.ok()) return Fail(id.error());
                     Json out;
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(Json plan, PlanJson(tx, *id));
                       out = {{"items", plan["steps"]}};
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson(out) : Fail(st.error());
                   }));
  {
    auto r = Route(Method::kGet, "/api/v1/dispatch/plans/{id}/mps", kManagers,
                   "The plan's linear program as a free-format MPS file, for any solver to check",
                   [sp](const Request& req) {
                     auto id = req.IdParam();
                     if (!id.ok()) return Fail(id.error());
                     std::string problem;
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT problem FROM dispatch_plans WHERE id = $1", {*id}));
                       if (!row) return Error::NotFound(T("dispatch.plan.not_found", {{"id", std::to_string(*id)}}));
                       problem = row->Text(0);
                       return Status::Ok();
                     });
                     if (!st.ok()) return Fail(st.error());
                     auto p = ProblemFromJson(Json::parse(problem, nullptr, false));
                     if (!p.ok()) return Fail(p.error());
                     auto mps = ToMps(*p);
                     return mps.ok() ? Response::Text(*mps, "text/plain; charset=utf-8") : Fail(mps.error());
                   });
    r.doc.response_schema = {{"type", "string"}};
    r.doc.response_content_type = "text/plain";
    router.Add(std::move(r));
  }
  router.Add(Route(Method::kGet, "/api/v1/dispatch/plans/{id}/actual", kManagers,
                   "Plan against actual per step: the battery's planned power (discharge - charge) and its measured "
                   "15-minute mean, with the setpoint sent for the step",
                   [sp](const Request& req) {
                     auto id = req.IdParam();
                     if (!id.ok()) return Fail(id.error());
                     Json plan;
                     std::map<int64_t, Json> setpoints;
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(plan, PlanJson(tx, *id));
                       PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
                           "SELECT step, status, sent_at, acked_at FROM dispatch_setpoints WHERE plan_id = $1 ORDER BY id", {*id}));
                       for (const auto& r : rows) {
                         setpoints[r.Int(0)] = {{"status", r.Text(1)}, {"sent_at", r.Int(2)},
                                                {"acked_at", r.IsNull(3) ? Json(nullptr) : Json(r.Int(3))}};
                       }
                       return Status::Ok();
                     });
                     if (!st.ok()) return Fail(st.error());
                     auto battery = sp->Battery();
                     if (!battery.ok()) return Fail(battery.error());
                     std::map<int64_t, double> actual;
                     const int64_t from = plan["start_at"].get<int64_t>();
                     const int64_t to = from + static_cast<int64_t>(plan["steps"].size()) * kStepMs;
                     std::optional<int64_t> power_series;
                     auto st2 = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
                           "SELECT t.id FROM sensors s JOIN telemetry_series t ON t.sensor_id = s.id WHERE s.equipment_id = $1 "
                           "AND s.key LIKE '%.power' ORDER BY s.id LIMIT 1", {battery->equipment_id}));
                       if (row) power_series = row->Int(0);
                       return Status::Ok();
                     });
                     if (!st2.ok()) return Fail(st2.error());
                     if (power_series && sp->src.clock.NowMs() > from) {
                       auto body = sp->Get(fmt::format("/api/v1/series/{}/points", *power_series),
                                           {{"from", FormatInstantMs(from)}, {"to", FormatInstantMs(std::min(to, sp->src.clock.NowMs()))},
                                            {"limit", "100000"}});
                       if (!body.ok()) return Fail(body.error());
                       std::map<int64_t, std::pair<double, int>> sums;
                       if (body->is_object() && (*body)["points"].is_array()) {
                         for (const auto& p : (*body)["points"]) {
                           auto ts = ParseInstantMs(p["ts"].get<std::string>(), "ts");
                           if (!ts.ok() || !p["value"].is_number()) continue;
                           auto& [sum, n] = sums[(*ts - from) / kStepMs];
                           sum += p["value"].get<double>();
                           ++n;
                         }
                       }
                       for (const auto& [k, v] : sums) actual[k] = v.first / v.second;
                     }
                     Json items = Json::array();
                     int64_t k = 0;
                     for (const auto& s : plan["steps"]) {
                       const int64_t step = s["step"].get<int64_t>();
                       items.push_back({{"step", step}, {"at", s["at"]},
                                        {"planned_mw", s["discharge"].get<double>() - s["charge"].get<double>()},
                                        {"actual_mw", actual.count(k) ? Json(actual[k]) : Json(nullptr)},
                                        {"setpoint", setpoints.count(step) ? setpoints[step] : Json(nullptr)}});
                       ++k;
                     }
                     return Response::FromJson({{"plan_id", *id}, {"device", battery->tag}, {"items", items}});
                   }));
  router.Add(Route(Method::kPost, "/api/v1/dispatch/plans/{id}/setpoints", kManagers,
                   "Publish the battery PCS's setpoint of a step (default the current one) over MQTT at QoS 1; the PCS "
                   "acknowledges on <prefix>/<tag>/ack",
                   [sp](const Request& req) {
                     auto id = req.IdParam();
                     if (!id.ok()) return Fail(id.error());
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     std::optional<int> step;
                     if (auto it = body->find("step"); it != body->end() && !it->is_null()) {
                       if (!it->is_number_integer()) return Fail(Error::Invalid("step", T("field.not_number")));
                       step = it->get<int>();
                     }
                     auto out = sp->PublishSetpoint(*id, step);
                     return out.ok() ? Response::FromJson(*out, 201) : Fail(out.error());
                   },
                   Obj(), 201));
  router.Add(Route(Method::kGet, "/api/v1/dispatch/plans/{id}/setpoints", kManagers,
                   "Setpoints sent for a plan: sent, acked, missing (no ack in time) or failed",
                   [sp](const Request& req) {
                     auto id = req.IdParam();
                     if (!id.ok()) return Fail(id.error());
                     Json items = Json::array();
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
                           "SELECT id, step, device, topic, power_mw, status, sent_at, acked_at FROM dispatch_setpoints "
                           "WHERE plan_id = $1 ORDER BY step, id", {*id}));
                       for (const auto& r : rows) {
                         items.push_back({{"id", r.Int(0)}, {"step", r.Int(1)}, {"device", r.Text(2)}, {"topic", r.Text(3)},
                                          {"power_mw", r.Real(4)}, {"status", r.Text(5)}, {"sent_at", r.Int(6)},
                                          {"acked_at", r.IsNull(7) ? Json(nullptr) : Json(r.Int(7))}});
                       }
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
                   }));
  // ----- grid instructions
  router.Add(Route(Method::kPost, "/api/v1/dispatch/instructions", kManagers,
                   "A grid instruction (import at most limit_mw from `from` to `to`, or a peak-shaving target): the "
                   "day is re-planned at once; when no plan meets it, met is false and the shortfall says by how much",
                   [sp](const Request& req) {
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     std::string kind = Str(*body, "kind");
                     if (kind.empty()) kind = "import_limit";
                     if (kind != "import_limit" && kind != "peak_shaving") {
                       return Fail(Error::Invalid("kind", T("dispatch.instruction.kind_invalid", {{"value", kind}})));
                     }
                     auto limit = NumberField(*body, "limit_mw");
                     if (!limit.ok()) return Fail(limit.error());
                     if (*limit < 0) return Fail(Error::Invalid("limit_mw", T("dispatch.value_negative")));
                     auto from = InstantField(*body, "from");
                     if (!from.ok()) return Fail(from.error());
                     auto to = InstantField(*body, "to");
                     if (!to.ok()) return Fail(to.error());
                     const std::string date = sp->DateOf(*from);
                     const int64_t now = sp->src.clock.NowMs();
                     if (*to <= *from || *to <= now || *to > sp->DayStart(date) + kMsPerDay) {
                       return Fail(Error::Invalid("to", T("dispatch.instruction.window")));
                     }
                     const std::string reference = Str(*body, "reference");
                     if (reference.size() > 200) return Fail(Error::Invalid("reference", T("field.too_long", {{"max_chars", 200}})));
                     int64_t id = 0;
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
                           "INSERT INTO dispatch_instructions (kind, limit_mw, from_at, to_at, reference, created_at) VALUES "
                           "($1, $2, $3, $4, $5, $6) RETURNING id", {kind, *limit, *from, *to, reference, now}));
                       id = row->Int(0);
                       return Audit(tx, sp->src.clock, &req.Who(),
                                                 {"create", "dispatch_instruction", id, std::nullopt, nullptr, *body});
                     });
                     if (!st.ok()) return Fail(st.error());
                     PlanRequest r;
                     r.date = date;
                     if (date == sp->DateOf(now)) r.first_step = static_cast<int>((now - sp->DayStart(date)) / kStepMs);
                     r.kind = "instruction";
                     r.reason = T("dispatch.plan.reason_instruction", {{"id", std::to_string(id)}});
                     auto plan = sp->MakePlan(r);
                     if (!plan.ok()) {
                       // Nothing to plan with: the instruction is not kept without its answer.
                       (void)sp->src.store.Write([&](store::Tx& tx) -> Status {
                         PARK_TRY(tx.Exec("DELETE FROM dispatch_instructions WHERE id = $1", {id}));
                         return Status::Ok();
                       });
                       return Fail(plan.error());
                     }
                     Json instruction;
                     auto st2 = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(fmt::format(
                           "SELECT {} FROM dispatch_instructions WHERE id = $1", kInstructionCols), {id}));
                       instruction = InstructionJson(*row);
                       return Status::Ok();
                     });
                     if (!st2.ok()) return Fail(st2.error());
                     if (instruction["met"].get<bool>()) {
                       instruction["text"] = TextJson(T("dispatch.instruction.met", {{"limit_mw", *limit}, {"from", sp->Clock(*from)},
                                                                                     {"to", sp->Clock(*to)}}));
                     } else {
                       instruction["text"] = instruction["shortfall"]["text"];
                     }
                     if (sp->src.hub) {
                       sp->src.hub->Publish("dispatch.instruction", {{"id", id}, {"met", instruction["met"]}, {"plan_id", (*plan)["id"]}},
                                            std::nullopt, kManagers);
                     }
                     Json summary = *plan;
                     for (const char* heavy : {"steps", "explanation", "inputs", "bands", "battery"}) summary.erase(heavy);
                     return Response::FromJson({{"instruction", instruction}, {"plan", summary}}, 201);
                   },
                   Obj(), 201));
  {
    auto r = Route(Method::kGet, "/api/v1/dispatch/instructions", kManagers, "Grid instructions of a local date",
                   [sp](const Request& req) {
                     auto date = DateQuery(req, *sp);
                     if (!date.ok()) return Fail(date.error());
                     Json items = Json::array();
                     const int64_t from = sp->DayStart(*date);
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format(
                           "SELECT {} FROM dispatch_instructions WHERE from_at < $1 AND to_at > $2 ORDER BY from_at, id",
                           kInstructionCols), {from + kMsPerDay, from}));
                       for (const auto& row : rows) items.push_back(InstructionJson(row));
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
                   });
    r.doc.query = {{"date", "string", "local date YYYY-MM-DD (default today)"}};
    router.Add(std::move(r));
  }
  // ----- orderly power use
  router.Add(Route(Method::kGet, "/api/v1/dispatch/enterprises", kWithEnterprises,
                   "Enterprises' orderly-power-use parameters (priority tier, interruptible and protected load); an "
                   "enterprise user sees its own",
                   [sp](const Request& req) {
                     Json items = Json::array();
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kParamsSelect) + " ORDER BY p.priority_tier, p.enterprise_id"));
                       for (const auto& r : rows) {
                         if (req.Who().CanSeeEnterprise(r.Int(0))) items.push_back(ParamsJson(r));
                       }
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
                   }));
  router.Add(Route(Method::kPut, "/api/v1/dispatch/enterprises/{id}", kManagers,
                   "Set an enterprise's priority tier (1 is cut first), interruptible and protected load and its webhook",
                   [sp](const Request& req) {
                     auto id = req.IdParam();
                     if (!id.ok()) return Fail(id.error());
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     std::vector<FieldError> e;
                     const Json& tier = (*body)["priority_tier"];
                     if (!tier.is_number_integer() || tier.get<int64_t>() < 1 || tier.get<int64_t>() > 99) {
                       e.push_back({"priority_tier", T("dispatch.order.tier_invalid", {{"value", tier.dump()}})});
                     }
                     double values[2] = {0, 0};
                     int k = 0;
                     for (const char* f : {"interruptible_mw", "protected_mw"}) {
                       const Json& v = (*body)[f];
                       if (!v.is_number() || v.get<double>() < 0 || !std::isfinite(v.get<double>())) e.push_back({f, T("dispatch.value_negative")});
                       else values[k] = v.get<double>();
                       ++k;
                     }
                     const std::string reason = Str(*body, "protected_reason"), url = Str(*body, "webhook_url");
                     if (reason.size() > 500) e.push_back({"protected_reason", T("field.too_long", {{"max_chars", 500}})});
                     if (!url.empty()) {
                       if (auto ok = CheckOutboundUrl(url, sp->src.webhook_policy, "webhook_url"); !ok.ok()) {
                         e.push_back({"webhook_url", ok.error().text});
                       }
                     }
                     if (!e.empty()) return Fail(Error::Invalid(std::move(e)));
                     Json out;
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto ent, tx.QueryOne("SELECT id FROM enterprises WHERE id = $1", {*id}));
                       if (!ent) return Error::NotFound(T("dispatch.enterprise.not_found", {{"id", std::to_string(*id)}}));
                       PARK_TRY(tx.Exec("DELETE FROM dispatch_enterprise_params WHERE enterprise_id = $1", {*id}));
                       PARK_TRY(tx.Exec("INSERT INTO dispatch_enterprise_params (enterprise_id, priority_tier, interruptible_mw, "
                                        "protected_mw, protected_reason, webhook_url, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                        {*id, tier.get<int64_t>(), values[0], values[1], reason, url, sp->src.clock.NowMs()}));
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string(kParamsSelect) + " WHERE p.enterprise_id = $1", {*id}));
                       out = ParamsJson(*row);
                       return Audit(tx, sp->src.clock, &req.Who(),
                                                 {"update", "dispatch_enterprise_params", *id, *id, nullptr, out});
                     });
                     return st.ok() ? Response::FromJson(out) : Fail(st.error());
                   },
                   Obj()));
  router.Add(Route(Method::kPost, "/api/v1/dispatch/orders", kManagers,
                   "An orderly-power-use order (cut cut_mw from `from` to `to`): allocated across enterprises by "
                   "priority tier within their interruptible load, each notified on the live feed and its webhook",
                   [sp](const Request& req) {
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     auto cut = NumberField(*body, "cut_mw");
                     if (!cut.ok()) return Fail(cut.error());
                     auto from = InstantField(*body, "from");
                     if (!from.ok()) return Fail(from.error());
                     auto to = InstantField(*body, "to");
                     if (!to.ok()) return Fail(to.error());
                     if (*to <= *from || *to - *from > kMsPerDay) return Fail(Error::Invalid("to", T("dispatch.instruction.window")));
                     const std::string reference = Str(*body, "reference");
                     if (reference.size() > 200) return Fail(Error::Invalid("reference", T("field.too_long", {{"max_chars", 200}})));
                     const int64_t now = sp->src.clock.NowMs();
                     int64_t id = 0;
                     std::vector<std::tuple<int64_t, double, std::string>> notify;
                     Json out;
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kParamsSelect) + " ORDER BY p.enterprise_id"));
                       std::vector<EnterpriseCut> enterprises;
                       for (const auto& r : rows) {
                         enterprises.push_back({r.Int(0), static_cast<int>(r.Int(2)), r.Real(3), r.Real(4), std::nullopt});
                       }
                       PARK_ASSIGN_OR_RETURN(CutAllocation a, AllocateCut(*cut, enterprises));
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
                           "INSERT INTO dispatch_orders (cut_mw, from_at, to_at, reference, allocated_mw, unallocated_mw, text, "
                           "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                           {*cut, *from, *to, reference, a.allocated_mw, a.unallocated_mw, TextJson(a.text).dump(), now}));
                       id = row->Int(0);
                       for (size_t i = 0; i < a.shares.size(); ++i) {
                         const CutShare& s = a.shares[i];
                         if (s.cut_mw <= 1e-9) continue;
                         PARK_TRY(tx.Exec("INSERT INTO dispatch_allocations (order_id, enterprise_id, priority_tier, cut_mw, "
                                          "cuttable_mw, notified_at) VALUES ($1, $2, $3, $4, $5, $6)",
                                          {id, s.enterprise_id, int64_t{s.priority_tier}, s.cut_mw, s.cuttable_mw, now}));
                         notify.emplace_back(s.enterprise_id, s.cut_mw, rows[i].Text(6));
                       }
                       PARK_ASSIGN_OR_RETURN(auto j, OrderJson(tx, id, req.Who()));
                       out = *j;
                       return Audit(tx, sp->src.clock, &req.Who(),
                                                 {"create", "dispatch_order", id, std::nullopt, nullptr, *body});
                     });
                     if (!st.ok()) return Fail(st.error());
                     for (const auto& [e, mw, url] : notify) sp->Notify(id, e, mw, *from, *to, url);
                     return Response::FromJson(out, 201);
                   },
                   Obj(), 201));
  router.Add(Route(Method::kGet, "/api/v1/dispatch/orders", kWithEnterprises,
                   "Orderly-power-use orders, newest first; an enterprise user sees the orders it has a share in, its "
                   "own share only",
                   [sp](const Request& req) {
                     Json items = Json::array();
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM dispatch_orders ORDER BY id DESC LIMIT 200"));
                       for (const auto& r : rows) {
                         PARK_ASSIGN_OR_RETURN(auto j, OrderJson(tx, r.Int(0), req.Who()));
                         if (j) items.push_back(*j);
                       }
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
                   }));
  router.Add(Route(Method::kGet, "/api/v1/dispatch/orders/{id}", kWithEnterprises,
                   "One order with each enterprise's compliance from its meters (mean load in the window against the "
                   "same window the day before); an enterprise user sees its own share only",
                   [sp](const Request& req) {
                     auto oc = OrderWithCompliance(*sp, req);
                     if (!oc.ok()) return Fail(oc.error());
                     auto& [order, c] = *oc;
                     order["compliance"] = c;
                     return Response::FromJson(order);
                   }));
  router.Add(Route(Method::kGet, "/api/v1/dispatch/orders/{id}/report", kManagers,
                   "The compliance report of an order: every enterprise's required cut, baseline, actual and verdict",
                   [sp](const Request& req) {
                     auto oc = OrderWithCompliance(*sp, req);
                     if (!oc.ok()) return Fail(oc.error());
                     auto& [order, c] = *oc;
                     int compliant = 0;
                     double reduction = 0;
                     for (const auto& row : c) {
                       if (row["compliant"].is_boolean() && row["compliant"].get<bool>()) ++compliant;
                       if (row["reduction_mw"].is_number()) reduction += row["reduction_mw"].get<double>();
                     }
                     return Response::FromJson({{"order", order}, {"compliance", c}, {"compliant_count", compliant},
                                                {"total_reduction_mw", reduction}});
                   }));
  // ----- battery and the big screen
  router.Add(Route(Method::kGet, "/api/v1/dispatch/battery", kManagers,
                   "The flow battery: energy and its latest measured state of charge and power",
                   [sp](const Request&) {
                     auto b = sp->Battery();
                     if (!b.ok()) return Fail(b.error());
                     return Response::FromJson({{"equipment_id", b->equipment_id}, {"tag", b->tag}, {"energy_mwh", b->energy_mwh},
                                                {"soc", b->soc ? Json(*b->soc) : Json(nullptr)},
                                                {"soc_at", b->soc_at ? Json(*b->soc_at) : Json(nullptr)},
                                                {"power_mw", b->power_mw ? Json(*b->power_mw) : Json(nullptr)},
                                                {"power_at", b->power_at ? Json(*b->power_at) : Json(nullptr)}});
                   }));
  router.Add(Route(Method::kGet, "/api/v1/dispatch/screen", kScreen,
                   "The big screen's view: today's latest plan per step (PV, wind, charge, discharge, state of charge, "
                   "import, load) with its cost and savings, and the battery's state; park-level figures only",
                   [sp](const Request&) {
                     const std::string today = sp->DateOf(sp->src.clock.NowMs());
                     Json plan = nullptr;
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
                           "SELECT id FROM dispatch_plans WHERE date = $1 ORDER BY id DESC LIMIT 1", {today}));
                       if (!row) return Status::Ok();
                       PARK_ASSIGN_OR_RETURN(Json full, PlanJson(tx, row->Int(0)));
                       Json steps = Json::array();
                       for (const auto& s : full["steps"]) {
                         steps.push_back({{"at", s["at"]}, {"pv", s["pv"]}, {"wind", s["wind"]}, {"charge", s["charge"]},
                                          {"discharge", s["discharge"]}, {"soc", s["soc"]}, {"import_mw", s["import_mw"]},
                                          {"load", s["load"]}});
                       }
                       plan = {{"id", full["id"]},
                               {"total_yuan", full["total_yuan"]},
                               {"saving_vs_rule_based_yuan", full["comparisons"]["saving_vs_rule_based_yuan"]},
                               {"saving_vs_no_battery_yuan", full["comparisons"]["saving_vs_no_battery_yuan"]},
                               {"renewable_self_consumption", full["renewable_self_consumption"]},
                               {"steps", steps}};
                       return Status::Ok();
                     });
                     if (!st.ok()) return Fail(st.error());
                     Json battery = nullptr;
                     if (auto b = sp->Battery(); b.ok()) {
                       battery = {{"energy_mwh", b->energy_mwh}, {"soc", b->soc ? Json(*b->soc) : Json(nullptr)},
                                  {"soc_at", b->soc_at ? Json(*b->soc_at) : Json(nullptr)},
                                  {"power_mw", b->power_mw ? Json(*b->power_mw) : Json(nullptr)}};
                     }
                     return Response::FromJson({{"date", today}, {"battery", battery}, {"plan", plan}});
                   }));
  // ----- year profiles and sizing
  router.Add(Route(Method::kGet, "/api/v1/dispatch/profiles", kManagers, "Hourly year profiles stored for sizing",
                   [sp](const Request&) {
                     Json items = Json::array();
                     auto st = sp->src.store.Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT year, hours, created_at FROM dispatch_profiles ORDER BY year"));
                       for (const auto& r : rows) items.push_back({{"year", r.Int(0)}, {"hours", r.Int(1)}, {"created_at", r.Int(2)}});
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
                   }));
  router.Add(Route(Method::kPut, "/api/v1/dispatch/profiles/{year}", kManagers,
                   "Store a year of hourly load, PV and wind (MW) for planning and sizing",
                   [sp](const Request& req) {
                     auto year = req.IdParam("year");
                     if (!year.ok()) return Fail(year.error());
                     if (*year < 1900 || *year > 2199) return Fail(Error::Invalid("year", T("field.not_number")));
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     const bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
                     const size_t hours = leap ? 8784 : 8760;
                     for (const char* f : {"load_mw", "pv_mw", "wind_mw"}) {
                       const Json& v = (*body)[f];
                       if (!v.is_array()) return Fail(Error::Invalid(f, T("field.required")));
                       if (v.size() != hours) {
                         return Fail(Error::Invalid(f, T("dispatch.profile.length", {{"expected", static_cast<double>(hours)},
                                                                                    {"actual", static_cast<double>(v.size())}})));
                       }
                       for (size_t i = 0; i < v.size(); ++i) {
                         if (!v[i].is_number() || v[i].get<double>() < 0) {
                           return Fail(Error::Invalid(fmt::format("{}[{}]", f, i), T("dispatch.value_negative")));
                         }
                       }
                     }
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       PARK_TRY(tx.Exec("DELETE FROM dispatch_profiles WHERE year = $1", {*year}));
                       PARK_TRY(tx.Exec("INSERT INTO dispatch_profiles (year, hours, load_mw, pv_mw, wind_mw, created_at) VALUES "
                                        "($1, $2, $3, $4, $5, $6)",
                                        {*year, static_cast<int64_t>(hours), (*body)["load_mw"].dump(), (*body)["pv_mw"].dump(),
                                         (*body)["wind_mw"].dump(), sp->src.clock.NowMs()}));
                       return Status::Ok();
                     });
                     return st.ok() ? Response::FromJson({{"year", *year}, {"hours", hours}}) : Fail(st.error());
                   },
                   Obj()));
  router.Add(Route(Method::kPost, "/api/v1/dispatch/sizing", kManagers,
                   "Plan a stored year hourly with the park's battery and with each variant (battery energy, extra PV "
                   "or wind): the year's cost, emissions and the saving of each variant",
                   [sp](const Request& req) {
                     auto body = Body(req);
                     if (!body.ok()) return Fail(body.error());
                     const Json& variants = (*body)["variants"];
                     if (!variants.is_array() || variants.empty() || variants.size() > 4) {
                       return Fail(Error::Invalid("variants", T("dispatch.profile.variants_empty")));
                     }
                     std::optional<int64_t> year;
                     if ((*body).contains("year")) {
                       if (!(*body)["year"].is_number_integer()) return Fail(Error::Invalid("year", T("field.not_number")));
                       year = (*body)["year"].get<int64_t>();
                     }
                     Json profile;
                     StoredTariff tariff;
                     auto st = sp->src.store.Write([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto row, year ? tx.QueryOne("SELECT year, load_mw, pv_mw, wind_mw FROM dispatch_profiles WHERE year = $1", {*year})
                                                            : tx.QueryOne("SELECT year, load_mw, pv_mw, wind_mw FROM dispatch_profiles ORDER BY year DESC LIMIT 1"));
                       if (!row) return Error::NotFound(T("dispatch.profile.not_found", {{"year", year ? std::to_string(*year) : std::string("-")}}));
                       profile = {{"year", row->Int(0)}, {"load_mw", Json::parse(row->Text(1))}, {"pv_mw", Json::parse(row->Text(2))},
                                  {"wind_mw", Json::parse(row->Text(3))}};
                       PARK_ASSIGN_OR_RETURN(tariff, sp->TariffOn(tx, fmt::format("{}-01-01", row->Int(0))));
                       return Status::Ok();
                     });
                     if (!st.ok()) return Fail(st.error());
                     auto battery = sp->Battery();
                     if (!battery.ok()) return Fail(battery.error());
                     auto pv_arrays = Equipment(*sp, "pv_array");
                     auto turbines = Equipment(*sp, "wind_turbine");
                     if (!pv_arrays.ok()) return Fail(pv_arrays.error());
                     if (!turbines.ok()) return Fail(turbines.error());
                     double pv_cap = 0, wind_cap = 0;
                     for (const auto& a : *pv_arrays) pv_cap += Rated(a, "peak_kw", 0) / 1000.0;
                     for (const auto& t : *turbines) wind_cap += Rated(t, "rated_kw", 0) / 1000.0;
                     Problem base;
                     base.step_hours = 1;
                     base.load_mw = profile["load_mw"].get<std::vector<double>>();
                     base.pv_available_mw = profile["pv_mw"].get<std::vector<double>>();
                     base.wind_available_mw = profile["wind_mw"].get<std::vector<double>>();
                     base.import_max_mw = sp->src.import_max_mw;
                     base.export_max_mw = sp->src.export_max_mw;
                     base.carbon_price_yuan_per_t = sp->src.carbon_price_yuan_per_t;
                     base.battery = DefaultVanadiumBattery(battery->energy_mwh, 0.5);
                     ApplyTariff(tariff.tariff, base);
                     if (pv_cap <= 0) pv_cap = *std::max_element(base.pv_available_mw.begin(), base.pv_available_mw.end());
                     if (wind_cap <= 0) wind_cap = *std::max_element(base.wind_available_mw.begin(), base.wind_available_mw.end());
                     auto solve = [](const Problem& p) -> Result<std::pair<Plan, double>> {
                       const auto t0 = std::chrono::steady_clock::now();
                       PARK_ASSIGN_OR_RETURN(Plan plan, Optimise(p));
                       const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                       return std::make_pair(std::move(plan), ms);
                     };
                     auto base_plan = solve(base);
                     if (!base_plan.ok()) return Fail(base_plan.error());
                     auto figures = [](const std::string& name, const Plan& p, double ms) {
                       return Json{{"name", name}, {"total_yuan", p.costs.total_yuan}, {"costs", {{"energy_yuan", p.costs.energy_yuan},
                                    {"demand_yuan", p.costs.demand_yuan}, {"carbon_yuan", p.costs.carbon_yuan},
                                    {"export_revenue_yuan", p.costs.export_revenue_yuan}, {"throughput_yuan", p.costs.throughput_yuan}}},
                                   {"emissions_t", p.emissions_t}, {"renewable_self_consumption", p.renewable_self_consumption},
                                   {"peak_import_mw", p.peak_import_mw}, {"solve_ms", ms}};
                     };
                     Json out_variants = Json::array();
                     for (size_t i = 0; i < variants.size(); ++i) {
                       const Json& v = variants[i];
                       const std::string prefix = fmt::format("variants[{}]", i);
                       Problem p = base;
                       const std::string name = Str(v, "name");
                       double energy = battery->energy_mwh, extra_pv = 0, extra_wind = 0;
                       for (auto [f, target] : {std::pair{"battery_energy_mwh", &energy}, std::pair{"extra_pv_mw", &extra_pv},
                                                std::pair{"extra_wind_mw", &extra_wind}}) {
                         if (!v.contains(f) || v[f].is_null()) continue;
                         if (!v[f].is_number() || v[f].get<double>() < 0) return Fail(Error::Invalid(prefix + "." + f, T("dispatch.value_negative")));
                         *target = v[f].get<double>();
                       }
                       p.battery = DefaultVanadiumBattery(energy, 0.5);
                       if (pv_cap > 0) for (double& x : p.pv_available_mw) x *= (pv_cap + extra_pv) / pv_cap;
                       if (wind_cap > 0) for (double& x : p.wind_available_mw) x *= (wind_cap + extra_wind) / wind_cap;
                       auto r = solve(p);
                       if (!r.ok()) return Fail(r.error());
                       Json f = figures(name, r->first, r->second);
                       f["battery_energy_mwh"] = energy;
                       f["extra_pv_mw"] = extra_pv;
                       f["extra_wind_mw"] = extra_wind;
                       f["saving_yuan"] = base_plan->first.costs.total_yuan - r->first.costs.total_yuan;
                       out_variants.push_back(std::move(f));
                     }
                     Json b = figures("base", base_plan->first, base_plan->second);
                     b["battery_energy_mwh"] = battery->energy_mwh;
                     return Response::FromJson({{"year", profile["year"]}, {"hours", base.load_mw.size()}, {"tariff_id", tariff.id},
                                                {"pv_capacity_mw", pv_cap}, {"wind_capacity_mw", wind_cap},
                                                {"base", b}, {"variants", out_variants}});
                   },
                   Obj()));
}

}  // namespace park::dispatch
