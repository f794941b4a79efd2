// GET /api/v1/home: the caller's panels, and the reads they share (other modules' routes in process, the factor
// library).
#include "park/home/service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>

#include "home/service_impl.hpp"
#include "park/core/time.hpp"

namespace park::home {
namespace {

constexpr std::string_view kFactorStamp = "SELECT COUNT(*), COALESCE(MAX(row_id), 0) FROM carbon_factors";
constexpr std::string_view kStoredFactors = "SELECT factor_id, revision, body FROM carbon_factors ORDER BY row_id";
constexpr std::string_view kEnterprise =
    "SELECT id, name, credit_code, sector, land_area_mu FROM enterprises WHERE id = $1";

// A factor revision as the park added it: the body of POST /api/v1/carbon/factors, stored once validated. Read
// with the same defaults the carbon service applies.
Result<carbon::Factor> StoredFactor(const Json& body) {
  if (!body.is_object()) return Error::Internal("a stored factor is not a JSON object");
  carbon::Factor f;
  auto text = [&](const char* key, const char* fallback) {
    const auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
  };
  f.id = text("id", "");
  const auto kind = carbon::FactorKindFromName(text("kind", ""));
  if (!kind) return Error::Internal("stored factor " + f.id + " has no known kind");
  f.kind = *kind;
  f.subject = text("subject", "");
  f.region = text("region", "national");
  f.basis = text("basis", "default");
  f.year = body.value("year", 0);
  f.value = body.value("value", 0.0);
  f.unit = text("unit", "");
  f.level = carbon::ScopeLevelFromName(text("scope_level", "national")).value_or(carbon::ScopeLevel::kNational);
  f.enterprise_code = text("enterprise_code", "");
  f.status = text("status", "ok") == "check" ? carbon::FactorStatus::kCheck : carbon::FactorStatus::kOk;
  f.source = text("source", "");
  f.document = text("document", "");
  return f;
}

Json EnterpriseJson(const store::Row& r) {
  return {{"id", r.Int(0)},
          {"name", r.Text(1)},
          {"credit_code", r.Text(2)},
          {"sector", r.Text(3)},
          {"land_area_mu", r.IsNull(4) ? Json(nullptr) : Json(r.Real(4))}};
}

Json HomeSchema() {
  return http::ObjectSchema(
      {{"role", {{"type", "string"}}},
       {"now", {{"type", "string"}, {"description", "the instant the answer was made (ISO 8601)"}}},
       {"today", {{"type", "string"}, {"description", "the park's local date, YYYY-MM-DD"}}},
       {"enterprise",
        {{"type", "object"},
         {"nullable", true},
         {"description", "the caller's enterprise (id, name, credit_code, sector, land_area_mu) when scoped"}}},
       {"panels",
        {{"type", "array"},
         {"description",
          "the role's panels in page order; each has kind, title (text), and its figures; empty (text) when it "
          "has nothing to show, error (text) when it could not be made. Kinds: alarms, inspections_due, "
          "energy_today, outlets, safety, environment, energy_month, carbon, activity_owed, appointments, "
          "loading_docks, dataflow"}}}},
      {"role", "now", "today", "panels"});
}

}  // namespace

Json OptJson(const std::optional<double>& v) { return v && std::isfinite(*v) ? Json(*v) : Json(nullptr); }

Json ChangeJson(const Change& c) { return {{"change", OptJson(c.change)}, {"change_pct", OptJson(c.change_pct)}}; }

Result<Json> ReadRoute(const http::Router& router, const Principal& who, const std::string& path,
                       std::vector<std::pair<std::string, std::string>> query) {
  const auto match = router.Find(http::Method::kGet, path);
  if (match.route == nullptr) return Error::Internal("home: no route GET " + path);
  const auto& roles = match.route->roles;
  if (match.route->authenticated && std::find(roles.begin(), roles.end(), who.role) == roles.end()) {
    return Error::Denied("home: " + std::string(RoleName(who.role)) + " may not read " + path);
  }
  http::Request req;
  req.method = http::Method::kGet;
  req.path = path;
  req.query = std::move(query);
  req.params = match.params;
  req.request_id = "home";
  req.principal = who;
  const http::Response resp = match.route->handler(req);
  Json body = Json::parse(resp.body, nullptr, false);
  if (resp.status < 200 || resp.status >= 300) {
    const std::string message = body.is_object() && body.contains("error")
                                    ? body["error"].value("message", std::string("failed"))
                                    : std::string("failed");
    return Error{resp.status == 403 ? ErrorCode::kPermissionDenied : ErrorCode::kInternal,
                 "home: GET " + path + " answered " + std::to_string(resp.status) + ": " + message};
  }
  if (body.is_discarded()) return Error::Internal("home: GET " + path + " did not answer JSON");
  return body;
}

Result<std::optional<std::pair<int64_t, double>>> LatestValue(const http::Router& router, const Principal& who,
                                                              int64_t sensor_id) {
  PARK_ASSIGN_OR_RETURN(Json latest, ReadRoute(router, who, "/api/v1/latest", {{"sensor_id", std::to_string(sensor_id)}}));
  const Json& items = latest["items"];
  if (!items.is_array() || items.empty()) return std::optional<std::pair<int64_t, double>>();
  const Json& item = items[0];
  if (!item["ts"].is_string() || !item["value"].is_number()) return std::optional<std::pair<int64_t, double>>();
  PARK_ASSIGN_OR_RETURN(int64_t ts, ParseInstantMs(item["ts"].get<std::string>(), "ts"));
  return std::optional<std::pair<int64_t, double>>(std::pair{ts, item["value"].get<double>()});
}

Result<std::shared_ptr<const carbon::FactorLibrary>> Impl::Library() {
  std::pair<int64_t, int64_t> stamp;
  std::vector<std::string> bodies;
  PARK_TRY(sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kFactorStamp));
    stamp = {row->Int(0), row->Int(1)};
    return {};
  }));
  std::lock_guard lock(library_mutex_);
  if (library_ && stamp == library_stamp_) return library_;
  PARK_ASSIGN_OR_RETURN(carbon::FactorLibrary library, carbon::DefaultFactorLibrary());
  PARK_TRY(sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kStoredFactors));
    for (const auto& r : rows) bodies.push_back(r.Text(2));
    return {};
  }));
  // The carbon service's order: each stored revision in turn, the library numbering them itself.
  for (const auto& text : bodies) {
    PARK_ASSIGN_OR_RETURN(carbon::Factor f, StoredFactor(Json::parse(text, nullptr, false)));
    if (library.Latest(f.id)) {
      PARK_TRY(library.Supersede(std::move(f)));
    } else {
      PARK_TRY(library.Add(std::move(f)));
    }
  }
  library_ = std::make_shared<const carbon::FactorLibrary>(std::move(library));
  library_stamp_ = stamp;
  return library_;
}

namespace {

// The panels `pr.who` may see, in order (only `kinds`, when given). One panel's failure (or bug) costs that panel,
// not the page: the others are still worth reading.
Json BuildPanels(const std::vector<Panel>& panels, const PanelRequest& pr, const std::string& request_id,
                 const std::vector<std::string>& kinds) {
  const Principal& who = pr.who;
  Json list = Json::array();
  for (const auto& p : panels) {
    if (std::find(p.roles.begin(), p.roles.end(), who.role) == p.roles.end()) continue;
    if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), p.kind) == kinds.end()) continue;
    Json panel;
    try {
      auto body = p.build(pr);
      if (body.ok()) {
        panel = std::move(*body);
      } else {
        spdlog::warn("home: panel {} for {}: {}", p.kind, who.name, body.error().message);
        panel = {{"error", TextJson(T("home.panel_failed"))}};
      }
    } catch (const std::exception& e) {
      spdlog::error("home: panel {} for {} ({}): {}", p.kind, who.name, request_id, e.what());
      panel = {{"error", TextJson(T("home.panel_failed"))}};
    }
    panel["kind"] = p.kind;
    if (!panel.contains("title")) panel["title"] = TextJson(T("home.panel." + p.kind));
    list.push_back(std::move(panel));
  }
  return list;
}

}  // namespace

void Register(http::Router& router, Sources sources, std::vector<Panel> extra) {
  auto impl = std::make_shared<Impl>(sources);
  auto panels = std::make_shared<std::vector<Panel>>();
  for (auto* group : {&ParkPanels, &EnterprisePanels, &WorkPanels}) {
    for (auto& p : (*group)(*impl)) panels->push_back(std::move(p));
  }
  for (auto& p : extra) panels->push_back(std::move(p));

  http::Route r;
  r.method = http::Method::kGet;
  r.pattern = "/api/v1/home";
  // People's roles: a screen (viewer) token reads only what the big screen shows, and the screen does not read this.
  for (Role role : http::AllRoles()) {
    if (role != Role::kViewer) r.roles.push_back(role);
  }
  r.doc.summary =
      "The caller's home page about today, in one answer: the panels of its role (park staff: alarms, checks due, "
      "energy and emissions, outlets; an enterprise user: its one-page file; technician, driver, integrator: their "
      "own work), scoped to its enterprise";
  r.doc.tag = "park";
  r.doc.response_schema = HomeSchema();
  r.handler = [impl, panels](const http::Request& req) {
    const Principal& who = req.Who();
    const auto started = std::chrono::steady_clock::now();
    PanelRequest pr{who, impl->sources.clock.NowMs(), LocalCalendar{impl->sources.utc_offset_minutes}};
    Json out = {{"role", RoleName(who.role)},
                {"now", FormatInstantMs(pr.now_ms)},
                {"today", pr.calendar.DateOf(pr.now_ms)},
                {"enterprise", nullptr}};
    if (who.enterprise_id) {
      auto st = impl->sources.store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kEnterprise, {*who.enterprise_id}));
        if (row) out["enterprise"] = EnterpriseJson(*row);
        return {};
      });
      if (!st.ok()) return http::Response::FromError(st.error());
    }
    out["panels"] = BuildPanels(*panels, pr, req.request_id, {});
    const auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    spdlog::debug("home: {} panels for {} in {:.1f} ms", out["panels"].size(), who.name, took);
    return http::Response::FromJson(out);
  };
  router.Add(std::move(r));

  // The big screen's figures of the day: the energy_today panel (today's energy and emissions against yesterday
  // and last year, hour by hour), for the screen's readers.
  http::Route screen;
  screen.method = http::Method::kGet;
  screen.pattern = "/api/v1/screen/today";
  screen.roles = {Role::kParkAdmin, Role::kParkStaff, Role::kViewer};
  screen.doc.summary = "The big screen's day: today's metered energy and its emissions against yesterday and last "
                       "year, with the trend hour by hour (the energy_today panel of GET /api/v1/home)";
  screen.doc.tag = "park";
  screen.handler = [impl, panels](const http::Request& req) {
    PanelRequest pr{req.Who(), impl->sources.clock.NowMs(), LocalCalendar{impl->sources.utc_offset_minutes}};
    return http::Response::FromJson({{"now", FormatInstantMs(pr.now_ms)},
                                     {"today", pr.calendar.DateOf(pr.now_ms)},
                                     {"panels", BuildPanels(*panels, pr, req.request_id, {"energy_today"})}});
  };
  router.Add(std::move(screen));
}

}  // namespace park::home
