// GET /api/v1/reports/monthly: gathers a month's figures from the modules that own them (each called in process as
// the caller) and answers with JSON or an XLSX workbook made from that same JSON.
#include "park/report/service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/report/report.hpp"

namespace park::report {
namespace {

const std::vector<Role> kReportReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};

// Another module's GET route, called in process as `who`: the route's roles are checked first, as the server
// checks them, then its handler runs. Errors: kPermissionDenied when the role may not call it, the route's own error
// (with its code and text) otherwise.
Result<Json> ReadRoute(const http::Router& router, const Principal& who, const std::string& path,
                       std::vector<std::pair<std::string, std::string>> query = {}) {
  const auto match = router.Find(http::Method::kGet, path);
  if (match.route == nullptr) return Error::Internal("report: no route GET " + path);
  const auto& roles = match.route->roles;
  if (match.route->authenticated && std::find(roles.begin(), roles.end(), who.role) == roles.end()) {
    return Error::Denied("report: " + std::string(RoleName(who.role)) + " may not read " + path);
  }
  http::Request req;
  req.method = http::Method::kGet;
  req.path = path;
  req.query = std::move(query);
  req.params = match.params;
  req.request_id = "report";
  req.principal = who;
  const http::Response resp = match.route->handler(req);
  Json body = Json::parse(resp.body, nullptr, false);
  if (resp.status < 200 || resp.status >= 300) {
    const Json err = body.is_object() && body.contains("error") ? body["error"] : Json::object();
    ErrorCode code = resp.status == 403 ? ErrorCode::kPermissionDenied
                     : resp.status == 404 ? ErrorCode::kNotFound
                     : resp.status == 400 ? ErrorCode::kInvalidArgument
                                          : ErrorCode::kInternal;
    return Error{code, err.value("message", std::string("GET ") + path + " failed"), err.value("field", std::string())};
  }
  if (body.is_discarded()) return Error::Internal("report: GET " + path + " did not answer JSON");
  return body;
}

Json Pick(const Json& from, const std::vector<std::string>& keys) {
  Json out = Json::object();
  for (const auto& k : keys) out[k] = from.is_object() && from.contains(k) ? from[k] : Json(nullptr);
  return out;
}

// The energy part of a report from the energy account.
Json EnergyPart(const Json& account) {
  Json carriers = Json::array();
  for (const auto& c : account["carriers"]) {
    carriers.push_back({{"carrier", c["carrier"]},
                        {"unit", c["unit"]},
                        {"is_energy", c["is_energy"]},
                        {"amount", c["amount"]},
                        {"tce", c["tce"]},
                        {"cost_yuan", c["cost_yuan"]},
                        {"cost_basis", c["cost_basis"]},
                        {"previous", c["previous"]},
                        {"last_year", c["last_year"]}});
  }
  const Json& t = account["total"];
  return {{"tce", t["tce"]},
          {"tce_equal_value", t["tce_equal_value"]},
          {"cost_yuan", t["cost_yuan"]},
          {"unpriced", t["unpriced"]},
          {"previous", t["previous"]},
          {"last_year", t["last_year"]},
          {"carriers", std::move(carriers)},
          {"apart", account["apart"].size()}};
}

Json AlarmRows(const Json& rows, const char* id_key) {
  Json out = Json::array();
  for (const auto& r : rows) {
    out.push_back({{id_key, r[id_key]},
                   {"name", r["name"]},
                   {"raised", r["raised"]},
                   {"critical", r["critical"]},
                   {"open", r["open"]},
                   {"closed", r["closed"]},
                   {"mean_minutes_to_close", r["mean_minutes_to_close"]}});
  }
  return out;
}

Json RatingRow(const Json& r) {
  return {{"credit_code", r["credit_code"]}, {"name", r.value("name", std::string())}, {"class", r["class"]}, {"score", r["score"]}};
}

// The rating class order that needs action first: D, C, B, A.
int ClassRank(const Json& r) {
  const std::string c = r.value("class", std::string());
  return c == "D" ? 0 : c == "C" ? 1 : c == "B" ? 2 : c == "A" ? 3 : 4;
}

// How many activity rows (entered, imported or metered) an enterprise has for the month: without any, the month's
// inventory is "no data", not zero.
Result<int> ActivityRows(const Sources& src, const Principal& who, int64_t enterprise, const energy::Period& period) {
  PARK_ASSIGN_OR_RETURN(Json rows, ReadRoute(src.router, who, fmt::format("/api/v1/enterprises/{}/activity", enterprise),
                                             {{"year", std::to_string(period.year)}}));
  int n = 0;
  for (const auto& r : rows["items"]) n += r.value("period", std::string()) == period.Label() ? 1 : 0;
  return n;
}

Json NullAll(const std::vector<std::string>& keys) {
  Json out = Json::object();
  for (const auto& k : keys) out[k] = nullptr;
  return out;
}

struct Report {
  const Sources& src;
  const Principal& who;
  energy::Period period;
  std::optional<int64_t> enterprise;

  std::string Date(int64_t ms) const {
    return FormatDateMs(ms + static_cast<int64_t>(src.utc_offset_minutes) * 60'000);
  }

  Result<Json> Build() {
    const int offset = src.utc_offset_minutes;
    const std::string from = Date(period.FromMs(offset)), to = Date(period.ToMs(offset));
    const std::string year = std::to_string(period.year);
    const int rating_year = period.year - 1;
    Json notes = Json::array();

    // Energy: the energy service, in the caller's scope.
    PARK_ASSIGN_OR_RETURN(Json account, src.energy.AccountJson(who, period, enterprise));
    Json out = {{"kind", enterprise ? "enterprise" : "park"},
                {"period", period.Label()},
                {"from", from},
                {"to", to},
                {"generated_at", FormatInstantMs(src.clock.NowMs())},
                {"energy", EnergyPart(account)}};

    // Alarms raised in the month, per enterprise and rule (telemetry's statistics).
    std::vector<std::pair<std::string, std::string>> alarm_query = {{"from", from}, {"to", to}};
    if (enterprise) alarm_query.emplace_back("enterprise_id", std::to_string(*enterprise));
    PARK_ASSIGN_OR_RETURN(Json alarms, ReadRoute(src.router, who, "/api/v1/alarms/stats", alarm_query));
    out["alarms"] = {{"total", alarms["total"]}, {"by_rule", AlarmRows(alarms["by_rule"], "rule_id")}};

    // Ratings are a year's: the last full year before the month. The list is the park's; an enterprise's report
    // reads it as the report service and keeps only its own row.
    Principal service;
    service.name = "report";
    service.role = Role::kParkStaff;
    const Principal& rater = enterprise ? service : who;
    PARK_ASSIGN_OR_RETURN(Json ratings, ReadRoute(src.router, rater, "/api/v1/carbon/ratings",
                                                  {{"year", std::to_string(rating_year)}}));
    notes.push_back(TextJson(T("report.note.rating_year", {{"year", std::to_string(rating_year)}})));

    if (enterprise) {
      PARK_ASSIGN_OR_RETURN(Json inv, ReadRoute(src.router, who, fmt::format("/api/v1/enterprises/{}/carbon", *enterprise),
                                                {{"year", year}}));
      const Json& month = inv["months"][static_cast<size_t>(period.month - 1)];
      out["enterprise"] = {{"id", *enterprise}, {"name", inv["name"]}, {"credit_code", inv["credit_code"]},
                           {"sector", inv["sector"]}};
      out["title"] = TextJson(T("report.title.enterprise", {{"name", inv.value("name", std::string())},
                                                            {"period", period.Label()}}));
      PARK_ASSIGN_OR_RETURN(int rows, ActivityRows(src, who, *enterprise, period));
      out["emissions"] = rows > 0 ? Pick(month, EmissionMetrics()) : NullAll(EmissionMetrics());
      out["pollutants"] = rows > 0 ? Pick(month, PollutantMetrics()) : NullAll(PollutantMetrics());
      out["activity_rows"] = rows;
      if (rows == 0) notes.push_back(TextJson(T("report.note.no_activity", {{"period", period.Label()}})));
      Json items = Json::array();
      for (const auto& r : ratings["items"]) {
        if (r["credit_code"] == inv["credit_code"]) items.push_back(RatingRow(r));
      }
      out["ratings"] = {{"year", rating_year}, {"items", std::move(items)}};
    } else {
      out["enterprise"] = nullptr;
      out["title"] = TextJson(T("report.title.park", {{"period", period.Label()}}));
      PARK_ASSIGN_OR_RETURN(Json park, ReadRoute(src.router, who, "/api/v1/carbon/park", {{"year", year}}));
      const Json& month = park["months"][static_cast<size_t>(period.month - 1)];
      out["emissions"] = Pick(month, EmissionMetrics());
      out["pollutants"] = Pick(month, PollutantMetrics());
      out["alarms"]["by_enterprise"] = AlarmRows(alarms["by_enterprise"], "enterprise_id");
      Json items = Json::array();
      for (const auto& r : ratings["items"]) items.push_back(RatingRow(r));
      std::stable_sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
        if (ClassRank(a) != ClassRank(b)) return ClassRank(a) < ClassRank(b);
        return a.value("score", 0.0) < b.value("score", 0.0);
      });
      std::map<std::string, std::string> class_by_code;
      for (const auto& r : items) class_by_code[r.value("credit_code", std::string())] = r.value("class", std::string());
      out["ratings"] = {{"year", rating_year}, {"items", std::move(items)}};

      // Every enterprise: its energy (from the account's ranking), its month's inventory and its alarms.
      std::map<int64_t, Json> alarms_by_enterprise;
      for (const auto& a : alarms["by_enterprise"]) {
        if (a["enterprise_id"].is_number_integer()) alarms_by_enterprise[a["enterprise_id"].get<int64_t>()] = a;
      }
      Json enterprises = Json::array();
      int reported = 0;
      for (const auto& e : account["enterprises"]) {
        const int64_t id = e["enterprise_id"].get<int64_t>();
        PARK_ASSIGN_OR_RETURN(Json inv, ReadRoute(src.router, who, fmt::format("/api/v1/enterprises/{}/carbon", id),
                                                  {{"year", year}}));
        PARK_ASSIGN_OR_RETURN(int rows, ActivityRows(src, who, id, period));
        reported += rows > 0 ? 1 : 0;
        const Json m = rows > 0 ? inv["months"][static_cast<size_t>(period.month - 1)] : Json::object();
        const auto a = alarms_by_enterprise.find(id);
        const std::string code = inv.value("credit_code", std::string());
        enterprises.push_back({{"enterprise_id", id},
                               {"name", e["enterprise_name"]},
                               {"credit_code", code},
                               {"tce", e["tce"]},
                               {"cost_yuan", e["cost_yuan"]},
                               {"total_t_co2", m.value("total_t_co2", Json(nullptr))},
                               {"cod_t", m.value("cod_t", Json(nullptr))},
                               {"nh3n_t", m.value("nh3n_t", Json(nullptr))},
                               {"alarms_raised", a == alarms_by_enterprise.end() ? Json(0) : a->second["raised"]},
                               {"rating_class", class_by_code.contains(code) ? Json(class_by_code[code]) : Json(nullptr)}});
      }
      const int total = static_cast<int>(enterprises.size());
      out["enterprises"] = std::move(enterprises);
      out["activity_enterprises"] = reported;
      notes.push_back(TextJson(T("report.note.activity_coverage",
                                 {{"period", period.Label()}, {"count", reported}, {"total", total}})));
      if (reported == 0) {
        out["emissions"] = NullAll(EmissionMetrics());
        out["pollutants"] = NullAll(PollutantMetrics());
      }
    }
    out["notes"] = std::move(notes);
    return out;
  }
};

}  // namespace

void Register(http::Router& router, Sources sources) {
  auto src = std::make_shared<Sources>(sources);
  auto r = http::MakeRoute(
      "reports", http::Method::kGet, "/api/v1/reports/monthly", kReportReaders,
      "A monthly report: the park's (park roles) or an enterprise's (its users; park roles with enterprise_id): "
      "energy, emissions, pollutants, alarms and ratings, as JSON or as an XLSX workbook in the request's language",
      [src](const http::Request& req) -> http::Response {
        auto enterprise = http::EnterpriseScope(req);
        if (!enterprise.ok()) return http::Response::FromError(enterprise.error());
        energy::Period period;
        if (auto p = req.Query("period")) {
          auto parsed = energy::ParsePeriod(*p);
          if (!parsed.ok()) return http::Response::FromError(parsed.error());
          if (parsed->is_year()) return http::Response::FromError(Error::Invalid("period", T("report.month_only")));
          period = *parsed;
        } else {
          // The last whole month.
          const int64_t local = src->clock.NowMs() + static_cast<int64_t>(src->utc_offset_minutes) * 60'000;
          period = energy::ParsePeriod(FormatDateMs(local).substr(0, 7))->Previous();
        }
        const std::string format(req.Query("format").value_or("json"));
        if (format != "json" && format != "xlsx") {
          return http::Response::FromError(Error::Invalid("format", T("report.format")));
        }
        Report report{*src, req.Who(), period, *enterprise};
        auto out = report.Build();
        if (!out.ok()) return http::Response::FromError(out.error());
        if (format == "json") return http::Response::FromJson(*out);
        // Texts and headers in the request's language: ?lang=, else Accept-Language, else zh-CN.
        const Locale lang = req.Query("lang") ? ParseLocale(*req.Query("lang"))
                                              : LocaleFromAcceptLanguage(req.Header("accept-language").value_or(""));
        http::Response resp = http::Response::Text(xlsx::Write(MonthlySheets(*out, lang)), std::string(xlsx::kMimeType));
        resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + FileName(*out) + "\"");
        return resp;
      });
  r.doc.query = {{"period", "string", "YYYY-MM, local time; default the last whole month", false},
                 {"enterprise_id", "integer", "an enterprise's report (park roles); an enterprise user always gets its own", false},
                 {"format", "string", "json (default) or xlsx", false},
                 {"lang", "string", "zh-CN or en for the workbook's texts (default: Accept-Language, else zh-CN)", false}};
  r.doc.response_schema = http::ObjectSchema(
      {{"kind", {{"type", "string"}, {"description", "park or enterprise"}}},
       {"period", {{"type", "string"}}},
       {"title", {{"type", "object"}, {"description", "text"}}},
       {"enterprise", {{"type", "object"}, {"nullable", true}}},
       {"energy", {{"type", "object"}, {"description", "tce, cost_yuan, comparisons, carriers (from the energy account)"}}},
       {"emissions", {{"type", "object"}, {"description", "the month's inventory figures (tCO2, tce)"}}},
       {"pollutants", {{"type", "object"}, {"description", "the month's discharges, t"}}},
       {"alarms", {{"type", "object"}, {"description", "raised in the month: total, by_rule, by_enterprise (park)"}}},
       {"ratings", {{"type", "object"}, {"description", "the year before's ratings: every enterprise (park, D first) or its own"}}},
       {"enterprises", {{"type", "array"}, {"description", "park report: every enterprise's month"}}},
       {"notes", {{"type", "array"}}}},
      {"kind", "period", "title", "energy", "emissions", "pollutants", "alarms", "ratings"});
  router.Add(std::move(r));
}

}  // namespace park::report
