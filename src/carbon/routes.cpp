// HTTP endpoints of the carbon module. Handlers parse and check the request, load the year's data, call the pure
// calculations and write JSON (or CSV/XLSX for exports).
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "carbon/service_impl.hpp"
#include "carbon/text.hpp"
#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/store/audit.hpp"
#include "park/xlsx/xlsx.hpp"

namespace park::carbon {
namespace {

constexpr const char* kTag = "carbon";  // OpenAPI tag of these routes

using http::Method;
using http::Request;
using http::Response;

constexpr std::string_view kEnterpriseExists = "SELECT credit_code FROM enterprises WHERE id = $1";
constexpr std::string_view kInsertFactor =
    "INSERT INTO carbon_factors (factor_id, revision, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kSelectProjects =
    "SELECT p.id, e.credit_code, p.name, p.baseline_t_co2_per_yr, p.after_t_co2_per_yr, p.investment_10k_yuan, "
    "p.annual_benefit_10k_yuan, p.annual_om_cost_10k_yuan, p.lifetime_years, p.achieved_t_co2_per_yr, p.status, "
    "p.enterprise_id, e.name FROM reduction_projects p JOIN enterprises e ON e.id = p.enterprise_id "
    "WHERE p.status <> 'cancelled' AND ($1 = 0 OR p.enterprise_id = $1) ORDER BY p.id";

// Activity data per year and enterprise ($1: one enterprise, 0: all): months reported.
constexpr std::string_view kYearCoverage =
    "SELECT substr(period, 1, 4), enterprise_id, COUNT(DISTINCT period) FROM carbon_activity "
    "WHERE ($1 = 0 OR enterprise_id = $1) GROUP BY substr(period, 1, 4), enterprise_id";
constexpr std::string_view kYearMonths =
    "SELECT substr(period, 1, 4), COUNT(DISTINCT period) FROM carbon_activity WHERE ($1 = 0 OR enterprise_id = $1) "
    "GROUP BY substr(period, 1, 4)";

const std::vector<Role> kPark = {Role::kParkAdmin, Role::kParkStaff};
// Park-level figures a wall display shows: park roles and read-only screen tokens.
const std::vector<Role> kParkReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kViewer};
const std::vector<Role> kParkAndEnterprise = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};

Result<int> YearParam(const Request& req) {
  auto q = req.Query("year");
  if (!q) return Error::Invalid("year", T("field.required"));
  int year = 0;
  const auto [ptr, ec] = std::from_chars(q->data(), q->data() + q->size(), year);
  if (ec != std::errc() || ptr != q->data() + q->size() || year < 1990 || year > 2100) {
    return Error::Invalid("year", T("time.year_range", {{"min", "1990"}, {"max", "2100"}}));
  }
  return year;
}

Result<Metric> MetricParam(const Request& req) {
  auto q = req.Query("metric");
  if (!q) return Error::Invalid("metric", T("field.required"));
  auto m = MetricFromName(*q);
  if (!m) return Error::Invalid("metric", T("carbon.metric_unknown"));
  return *m;
}

Response Fail(const Error& e) { return Response::FromError(e); }

// 400 with the one error shape plus every bad row:
// {"error":{…},"rows":[{"line","field","reason","code","params","message","content"}]}. `reason` is the English
// message (kept for scripts written against the first version), `code`/`params` say it in any language, and
// `content` is the row as it was in the file. Accepted values (units, items) travel in the params.
Response RowErrors(const std::vector<RowError>& errors) {
  Response r = Response::FromError(SummariseRowErrors(errors));
  Json body = Json::parse(r.body);
  Json rows = Json::array();
  for (const auto& e : errors) {
    Json row = {{"line", e.line}, {"field", e.field}, {"reason", e.reason}, {"content", e.content}};
    if (!e.text.empty()) {
      row["code"] = e.text.code;
      row["params"] = TextParamsJson(e.text);
    }
    row["message"] = e.reason;
    rows.push_back(std::move(row));
  }
  body["rows"] = rows;
  r.body = body.dump();
  return r;
}

// Export cells: empty where a figure is undefined.
std::string Fmt(double v) { return std::isfinite(v) ? FormatNumber(v) : std::string(); }

// XLSX cells are written as numbers or inline strings, never as formulas, so they need no neutralising; the CSV
// marks `numeric_columns` as numbers and neutralises every other cell (TableToCsv).
Response TableResponse(const Table& table, const std::vector<bool>& numeric_columns, std::string_view format,
                       const std::string& name) {
  if (format == "xlsx") {
    Response r = Response::Text(xlsx::Write({{name, table}}), std::string(xlsx::kMimeType));
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".xlsx\"");
    return r;
  }
  Response r = Response::Text(TableToCsv(table, numeric_columns), "text/csv; charset=utf-8");
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  return r;
}

const std::vector<http::QueryParamDoc> kYearDoc = {{"year", "integer", "the accounting year", true}};

Json ListJson(const std::vector<ListedUnit>& units) {
  Json out = Json::array();
  for (const auto& u : units) {
    out.push_back({{"credit_code", u.enterprise_code}, {"name", u.enterprise_name}, {"value", u.value},
                   {"criteria", TextListJson(u.criteria)}});
  }
  return out;
}

Json RatingJson(const EnterpriseRating& r) {
  Json indicators = Json::array();
  auto opt = [](const std::optional<double>& v) { return v && std::isfinite(*v) ? Json(*v) : Json(nullptr); };
  for (const auto& i : r.indicators) {
    indicators.push_back({{"indicator", IndicatorName(i.indicator)}, {"weight", i.weight},
                          {"effective_weight", i.effective_weight}, {"actual", opt(i.actual)},
                          {"benchmark", opt(i.benchmark)}, {"x", opt(i.x)}, {"score", opt(i.score)},
                          {"reason", TextJson(i.reason)}});
  }
  return Json{{"credit_code", r.enterprise_code},
              {"score", r.score},
              {"class", RatingClassName(r.rating_class)},
              {"reasons", TextListJson(r.reasons)},
              {"indicators", indicators},
              {"policy",
               {{"electricity", r.policy.electricity}, {"water", r.policy.water}, {"gas", r.policy.gas},
                {"land", r.policy.land}, {"credit", r.policy.credit}}}};
}

}  // namespace

void Service::Register(http::Router& router) {
  Impl* s = impl_.get();
  Service* self = this;

  // Resolves {id} to an enterprise the caller may see (others are not found).
  auto enterprise = [s](const Request& req) -> Result<std::pair<int64_t, std::string>> {
    PARK_ASSIGN_OR_RETURN(int64_t id, req.IdParam());
    std::string code;
    PARK_TRY(s->store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kEnterpriseExists, {id}));
      if (row) code = row->Text(0);
      return {};
    }));
    if (code.empty() || !req.Who().CanSeeEnterprise(id)) {
      return Error::NotFound(T("registry.not_found", {{"entity", "enterprise"}, {"id", std::to_string(id)}}));
    }
    return std::make_pair(id, code);
  };

  {
    auto r = http::MakeRoute(kTag, 
        Method::kGet, "/api/v1/enterprises/{id}/carbon", kParkAndEnterprise,
        "An enterprise's emissions, energy and pollutant inventory for a year, by month; explain=1 adds how each "
        "year figure was computed (formula, factors with source and revision, input rows)",
        [s, enterprise](const Request& req) {
          auto e = enterprise(req);
          if (!e.ok()) return Fail(e.error());
          auto year = YearParam(req);
          if (!year.ok()) return Fail(year.error());
          auto data = s->LoadYear(*year);
          if (!data.ok()) return Fail(data.error());
          const EnterpriseRef* ref = data->ById(e->first);
          auto report = s->Report(*data, *ref, *year, req.Query("explain").value_or("0") == "1");
          return report.ok() ? Response::FromJson(*report) : Fail(report.error());
        });
    r.doc.query = {{"year", "integer", "the accounting year", true},
                   {"explain", "integer", "1: add the explanation of every year figure", false}};
    r.doc.response_schema = {{"type", "object"},
                             {"description", "scope1_t_co2, scope2_location_t_co2, scope2_market_t_co2, total_t_co2, "
                                             "energy_tce_equivalent, energy_tce_equal_value, intensities, pollutants, "
                                             "units, months[], explain{}"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kGet, "/api/v1/enterprises/{id}/carbon/explain", kParkAndEnterprise,
        "How one figure of an enterprise's inventory was computed (month 0 or absent: the year)",
        [s, enterprise](const Request& req) {
          auto e = enterprise(req);
          if (!e.ok()) return Fail(e.error());
          auto year = YearParam(req);
          if (!year.ok()) return Fail(year.error());
          auto metric = MetricParam(req);
          if (!metric.ok()) return Fail(metric.error());
          const int month = std::atoi(std::string(req.Query("month").value_or("0")).c_str());
          if (month < 0 || month > 12) return Fail(Error::Invalid("month", T("carbon.month_range")));
          auto rows = s->LoadEnterpriseRows(e->first, *year);
          if (!rows.ok()) return Fail(rows.error());
          auto data = s->LoadYear(*year);
          if (!data.ok()) return Fail(data.error());
          std::shared_lock lock(s->library_mutex);
          auto inv = ComputeEnterprise(s->library, s->CalcFor(*year), data->ById(e->first)->info, *rows);
          if (!inv.ok()) return Fail(inv.error());
          return Response::FromJson(ExplanationJson(Explain(*inv, *metric, month)));
        });
    r.doc.query = {{"year", "integer", "the accounting year", true},
                   {"metric", "string", "a figure name such as total_t_co2", true},
                   {"month", "integer", "1-12, or 0 for the year", false}};
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/enterprises/{id}/activity", kParkAndEnterprise,
                       "An enterprise's activity data for a year (as entered, and in canonical units)",
                       [s, enterprise](const Request& req) {
                         auto e = enterprise(req);
                         if (!e.ok()) return Fail(e.error());
                         auto year = YearParam(req);
                         if (!year.ok()) return Fail(year.error());
                         auto rows = s->LoadEnterpriseRows(e->first, *year);
                         if (!rows.ok()) return Fail(rows.error());
                         Json items = Json::array();
                         for (const auto& row : *rows) items.push_back(ActivityJson(row));
                         return Response::FromJson({{"year", *year}, {"items", items}});
                       });
    r.doc.query = kYearDoc;
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kPut, "/api/v1/enterprises/{id}/activity/{period}", kParkAndEnterprise,
        "Replace one month of an enterprise's activity data (all rows valid, or nothing changes; audited)",
        [s, enterprise](const Request& req) {
          auto e = enterprise(req);
          if (!e.ok()) return Fail(e.error());
          const std::string period(req.Param("period"));
          if (!IsValidMonth(period)) return Fail(Error::Invalid("period", T("time.month_format", {{"value", period}})));
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader rd(*body);
          const Json* rows_json = rd.Array("rows", JsonReader::kRequired);
          if (auto st = rd.Finish(); !st.ok()) return Fail(st.error());
          if (rows_json->size() > 500) return Fail(Error::Invalid("rows", T("carbon.activity.too_many_rows", {{"max", 500}})));
          std::vector<ActivityRow> rows;
          std::vector<FieldError> bad;  // every bad field of every row, reported in one answer
          for (size_t i = 0; i < rows_json->size(); ++i) {
            const Json& item = (*rows_json)[i];
            const std::string at = "rows[" + std::to_string(i) + "]";
            if (!item.is_object()) {
              bad.push_back({at, T("field.not_object", {{"actual", "another type"}})});
              continue;
            }
            JsonReader ir(item, at);
            ActivityInput in;
            in.enterprise_code = e->second;
            in.period = period;
            in.item = ir.String("item", JsonReader::kRequired, 40).value_or("");
            in.amount_number = ir.Number("amount", JsonReader::kRequired);
            in.unit = ir.String("unit", JsonReader::kRequired, 20).value_or("");
            in.use = ir.String("use", JsonReader::kOptional, 20).value_or("");
            in.note = ir.String("note", JsonReader::kOptional, 500).value_or("");
            if (auto st = ir.Finish(); !st.ok()) {
              for (const auto& f : st.error().fields) bad.push_back(f);
              continue;
            }
            std::vector<FieldError> row_errors;
            auto row = BuildActivityRow(in, row_errors);
            for (auto& f : row_errors) bad.push_back({at + "." + f.field, std::move(f.text)});
            if (row) rows.push_back(std::move(*row));
          }
          if (!bad.empty()) return Fail(Error::Invalid(std::move(bad)));
          Result<ImportOutcome> out = Error::Internal("not run");
          if (rows.empty()) {
            // An empty month clears it: store nothing but still audit the removal.
            out = s->Store({}, &req.Who(), "api", e->first);
          } else {
            out = s->Store(std::move(rows), &req.Who(), "api", e->first);
          }
          if (!out.ok()) return Fail(out.error());
          if (!out->errors.empty()) return RowErrors(out->errors);
          return Response::FromJson({{"period", period}, {"rows", out->rows}});
        });
    r.doc.request_schema = http::ObjectSchema(
        {{"rows", {{"type", "array"},
                   {"items", http::ObjectSchema({{"item", {{"type", "string"}}},
                                                 {"amount", {{"type", "number"}}},
                                                 {"unit", {{"type", "string"}}},
                                                 {"use", {{"type", "string"}, {"enum", {"fuel", "feedstock"}}}},
                                                 {"note", {{"type", "string"}}}},
                                                {"item", "amount", "unit"})}}}},
        {"rows"});
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  auto import_route = [self](std::string pattern, bool xlsx) {
    auto r = http::MakeRoute(kTag, 
        Method::kPost, std::move(pattern), kParkAndEnterprise,
        std::string("Import activity data from ") + (xlsx ? "an XLSX workbook (first sheet)" : "CSV") +
            " with the columns enterprise_code,period,item,amount,unit,use,note: every row or none; each "
            "(enterprise, month) present replaces what was stored; a 400 lists every bad row with its line",
        [self, xlsx](const Request& req) {
          auto out = self->ImportFile(req.body, xlsx, &req.Who());
          if (!out.ok()) return Fail(out.error());
          if (!out->errors.empty()) return RowErrors(out->errors);
          return Response::FromJson({{"rows", out->rows}, {"periods", out->periods}});
        });
    r.doc.request_content_type = xlsx ? std::string(xlsx::kMimeType) : "text/csv";
    r.doc.request_schema = {{"type", "string"}, {"format", xlsx ? "binary" : "text"}};
    r.doc.response_schema = {{"type", "object"}};
    return r;
  };
  router.Add(import_route("/api/v1/carbon/import", false));
  router.Add(import_route("/api/v1/carbon/import/xlsx", true));
  {
    auto r = http::MakeRoute(
        kTag, Method::kGet, "/api/v1/carbon/years", kParkAndEnterprise,
        "The years with activity data (months reported, enterprises, enterprises with all twelve months) and the "
        "year a carbon page opens on: the latest that someone reported in full, else the latest with data",
        [s](const Request& req) {
          auto scope = http::EnterpriseScope(req);
          if (!scope.ok()) return Fail(scope.error());
          std::map<int, YearCoverage> by_year;
          auto st = s->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto months, tx.Query(kYearMonths, {scope->value_or(0)}));
            for (const auto& row : months) {
              const int y = std::atoi(row.Text(0).c_str());
              by_year[y].year = y;
              by_year[y].months = static_cast<int>(row.Int(1));
            }
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kYearCoverage, {scope->value_or(0)}));
            for (const auto& row : rows) {
              YearCoverage& c = by_year[std::atoi(row.Text(0).c_str())];
              ++c.enterprises;
              if (row.Int(2) >= 12) ++c.complete_enterprises;
            }
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          std::vector<YearCoverage> years;
          Json items = Json::array();
          for (auto it = by_year.rbegin(); it != by_year.rend(); ++it) {
            years.push_back(it->second);
            items.push_back({{"year", it->second.year},
                             {"months", it->second.months},
                             {"enterprises", it->second.enterprises},
                             {"complete_enterprises", it->second.complete_enterprises}});
          }
          const auto chosen = DefaultReportingYear(years);
          return Response::FromJson({{"items", std::move(items)}, {"default_year", chosen ? Json(*chosen) : Json(nullptr)}});
        });
    r.doc.query = {{"enterprise_id", "integer", "this enterprise's data (enterprise users: always their own)", false}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kGet, "/api/v1/carbon/park", kParkReaders,
        "The park's year: totals, by sector, every enterprise's headline figures, and year-on-year change",
        [s](const Request& req) {
          auto year = YearParam(req);
          if (!year.ok()) return Fail(year.error());
          auto years = s->ComputeParkYears(*year, true);
          if (!years.ok()) return Fail(years.error());
          const ParkInventory& park = years->current;
          const ParkComparison cmp = CompareParks(years->previous, park);
          Json enterprises = Json::array();
          for (const auto& e : park.enterprises) {
            const auto& y = e.Year();
            enterprises.push_back({{"credit_code", e.info.code}, {"name", e.info.name}, {"sector", e.info.sector},
                                   {"total_t_co2", ValuesJson(y)["total_t_co2"]},
                                   {"energy_tce_equivalent", ValuesJson(y)["energy_tce_equivalent"]},
                                   {"intensity_t_co2_per_10k_yuan_output",
                                    ValuesJson(y)["intensity_t_co2_per_10k_yuan_output"]}});
          }
          Json sectors = Json::object();
          for (const auto& [code, values] : park.by_sector) sectors[code] = ValuesJson(values);
          Json failures = Json::array();
          for (const auto& f : park.failures) {
            failures.push_back({{"credit_code", f.enterprise_code}, {"reason", f.error.message}});
          }
          Json months = Json::array();
          for (int m = 1; m <= 12; ++m) {
            Json month = ValuesJson(park.park[static_cast<size_t>(m)]);
            month["period"] = PeriodText(*year, m);
            months.push_back(std::move(month));
          }
          Json out = {{"year", *year}, {"park", ValuesJson(park.park[0])}, {"months", months},
                      {"by_sector", sectors}, {"enterprises", enterprises}, {"yoy", YoyJson(cmp.park)},
                      {"failures", failures}};
          return Response::FromJson(out);
        });
    r.doc.query = kYearDoc;
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/lists", kParkReaders,
                       "The three lists for a year: key carbon-emission, key energy-using and key pollutant-discharge "
                       "units, each with the criterion that listed it",
                       [s](const Request& req) {
                         auto year = YearParam(req);
                         if (!year.ok()) return Fail(year.error());
                         auto years = s->ComputeParkYears(*year, false);
                         if (!years.ok()) return Fail(years.error());
                         auto lists = BuildThreeLists(years->current, s->settings.lists);
                         if (!lists.ok()) return Fail(lists.error());
                         return Response::FromJson({{"year", *year},
                                                    {"key_carbon_emission_units", ListJson(lists->key_carbon)},
                                                    {"key_energy_using_units", ListJson(lists->key_energy)},
                                                    {"key_pollutant_discharge_units", ListJson(lists->key_pollutant)},
                                                    {"notes", TextListJson(lists->notes)}});
                       });
    r.doc.query = kYearDoc;
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/carbon/ratings", kParkReaders,
                       "A/B/C/D rating of every enterprise for a year, with the indicators, the reasons and the "
                       "differentiated policy of its class",
                       [s](const Request& req) {
                         auto year = YearParam(req);
                         if (!year.ok()) return Fail(year.error());
                         auto years = s->ComputeParkYears(*year, true);
                         if (!years.ok()) return Fail(years.error());
                         const ParkInventory& park = years->current;
                         auto ratings = RateEnterprises(park, &years->previous, s->settings.rating);
                         if (!ratings.ok()) return Fail(ratings.error());
                         Json items = Json::array();
                         for (const auto& rating : *ratings) {
                           Json j = RatingJson(rating);
                           if (const auto* e = park.Find(rating.enterprise_code)) j["name"] = e->info.name;
                           items.push_back(std::move(j));
                         }
                         return Response::FromJson({{"year", *year}, {"items", items}});
                       });
    r.doc.query = kYearDoc;
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kPost, "/api/v1/carbon/access-check", kParkAndEnterprise,
        "Access check for a new, rebuilt or expanded project: projected carbon intensity per 10,000 yuan of "
        "added value against the park's standard, with every step of the reasoning",
        [s](const Request& req) {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          JsonReader rd(*body);
          AccessProject p;
          p.name = rd.String("name", JsonReader::kRequired, 200).value_or("");
          p.enterprise_code = rd.String("enterprise_code", JsonReader::kOptional, 64).value_or("");
          const std::string kind = rd.String("kind", JsonReader::kOptional, 20).value_or("new");
          if (kind == "new") {
            p.kind = ProjectKind::kNew;
          } else if (kind == "rebuilt") {
            p.kind = ProjectKind::kRebuilt;
          } else if (kind == "expanded") {
            p.kind = ProjectKind::kExpanded;
          } else {
            rd.Fail("kind", T("carbon.access.kind"));
          }
          p.added_value_10k_yuan = rd.Number("added_value_10k_yuan", JsonReader::kRequired).value_or(0);
          auto year = rd.Integer("year", JsonReader::kOptional);
          const Json* uses = rd.Array("uses", JsonReader::kRequired);
          if (auto st = rd.Finish(); !st.ok()) return Fail(st.error());
          for (size_t i = 0; i < uses->size(); ++i) {
            const std::string at = "uses[" + std::to_string(i) + "]";
            if (!(*uses)[i].is_object()) return Fail(Error::Invalid(at, T("field.not_object", {{"actual", "another type"}})));
            JsonReader ur((*uses)[i], at);
            ExpectedUse u;
            const std::string item = ur.String("item", JsonReader::kRequired, 40).value_or("");
            u.amount = ur.Number("amount", JsonReader::kRequired).value_or(0);
            u.unit = ur.String("unit", JsonReader::kRequired, 20).value_or("");
            const std::string use = ur.String("use", JsonReader::kOptional, 20).value_or("fuel");
            if (auto st = ur.Finish(); !st.ok()) return Fail(st.error());
            auto it = ItemFromName(item);
            if (!it) return Fail(Error::Invalid(at + ".item", T("carbon.activity.item", {{"value", item}})));
            u.item = *it;
            auto uu = UseFromName(use);
            if (!uu) return Fail(Error::Invalid(at + ".use", T("carbon.activity.use")));
            u.use = *uu;
            p.uses.push_back(std::move(u));
          }
          if (req.Who().enterprise_id && !p.enterprise_code.empty()) {
            // Scoped callers may only use their own enterprise's measured factors.
            std::string own;
            (void)s->store.Read([&](store::Tx& tx) -> Status {
              PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kEnterpriseExists, {*req.Who().enterprise_id}));
              if (row) own = row->Text(0);
              return {};
            });
            if (own != p.enterprise_code) return Fail(Error::Invalid("enterprise_code", T("telemetry.own_enterprise")));
          }
          const int y = static_cast<int>(year.value_or(std::stoi(FormatDateMs(s->clock.NowMs()).substr(0, 4)) - 1));
          std::shared_lock lock(s->library_mutex);
          auto d = CheckAccess(s->library, s->CalcFor(y), p, s->settings.access, s->settings.lists);
          if (!d.ok()) return Fail(d.error());
          return Response::FromJson({{"pass", d->pass},
                                     {"scope1_t_co2", d->scope1_t_co2},
                                     {"scope2_t_co2", d->scope2_t_co2},
                                     {"total_t_co2", d->total_t_co2},
                                     {"energy_tce_equivalent", d->energy_tce_equivalent},
                                     {"electricity_mwh", d->electricity_mwh},
                                     {"intensity_t_co2_per_10k_yuan_added_value",
                                      d->intensity_t_co2_per_10k_yuan_added_value},
                                     {"energy_intensity_tce_per_10k_yuan_added_value",
                                      d->energy_intensity_tce_per_10k_yuan_added_value},
                                     {"standard_t_co2_per_10k_yuan_added_value",
                                      s->settings.access.max_t_co2_per_10k_yuan_added_value},
                                     {"standard_source", s->settings.access.source},
                                     {"energy_review_required", d->energy_review_required},
                                     {"factor_year", y},
                                     {"reasons", TextListJson(d->reasons)}});
        });
    r.doc.request_schema = http::ObjectSchema(
        {{"name", {{"type", "string"}}},
         {"enterprise_code", {{"type", "string"}}},
         {"kind", {{"type", "string"}, {"enum", {"new", "rebuilt", "expanded"}}}},
         {"added_value_10k_yuan", {{"type", "number"}}},
         {"year", {{"type", "integer"}, {"description", "factor year (default: last year)"}}},
         {"uses", {{"type", "array"}, {"items", {{"type", "object"}}}}}},
        {"name", "added_value_10k_yuan", "uses"});
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kGet, "/api/v1/carbon/macc", kParkAndEnterprise,
        "Marginal abatement cost curve of the reduction projects (cheapest first), with cost per tonne and planned "
        "vs achieved reduction; enterprise users see their own projects",
        [s](const Request& req) {
          std::vector<ReductionProject> projects;
          std::map<std::string, Json> extra;
          auto st = s->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectProjects, {req.Who().enterprise_id.value_or(0)}));
            for (const auto& row : rows) {
              ReductionProject p;
              p.id = std::to_string(row.Int(0));
              p.enterprise_code = row.Text(1);
              p.name = row.Text(2);
              p.baseline_t_co2_per_yr = row.Real(3);
              p.after_t_co2_per_yr = row.Real(4);
              p.investment_10k_yuan = row.Real(5);
              p.annual_benefit_10k_yuan = row.Real(6);
              p.annual_om_cost_10k_yuan = row.Real(7);
              p.lifetime_years = static_cast<int>(row.Real(8));
              p.achieved_t_co2_per_yr = row.OptReal(9);
              extra[p.id] = {{"status", row.Text(10)}, {"enterprise_id", row.Int(11)}, {"enterprise_name", row.Text(12)}};
              projects.push_back(std::move(p));
            }
            return {};
          });
          if (!st.ok()) return Fail(st.error());
          auto macc = BuildMacc(projects, s->settings.abatement);
          if (!macc.ok()) return Fail(macc.error());
          auto opt = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
          Json steps = Json::array();
          for (const auto& step : macc->steps) {
            const auto& p = step.project;
            Json j = {{"id", std::stoll(p.id)}, {"credit_code", p.enterprise_code}, {"name", p.name},
                      {"abatement_t_co2_per_yr", p.abatement_t_co2_per_yr}, {"crf", p.crf},
                      {"annualised_investment_10k_yuan", p.annualised_investment_10k_yuan},
                      {"net_annual_cost_10k_yuan", p.net_annual_cost_10k_yuan},
                      {"cost_yuan_per_t_co2", opt(p.cost_yuan_per_t_co2)},
                      {"achieved_t_co2_per_yr", opt(p.achieved_t_co2_per_yr)},
                      {"achieved_fraction", opt(p.achieved_fraction)}, {"explanation", TextJson(p.explanation)},
                      {"start_t_co2_per_yr", step.start_t_co2_per_yr},
                      {"cumulative_abatement_t_co2_per_yr", step.cumulative_abatement_t_co2_per_yr}};
            j.update(extra[p.id]);
            steps.push_back(std::move(j));
          }
          Json excluded = Json::array();
          for (const auto& [id, reason] : macc->excluded) excluded.push_back({{"id", std::stoll(id)}, {"reason", TextJson(reason)}});
          return Response::FromJson({{"steps", steps},
                                     {"excluded", excluded},
                                     {"discount_rate", s->settings.abatement.discount_rate},
                                     {"total_planned_t_co2_per_yr", macc->total_planned_t_co2_per_yr},
                                     {"total_achieved_t_co2_per_yr", macc->total_achieved_t_co2_per_yr},
                                     {"planned_of_reporting_t_co2_per_yr", macc->planned_of_reporting_t_co2_per_yr},
                                     {"total_investment_10k_yuan", macc->total_investment_10k_yuan},
                                     {"total_annual_benefit_10k_yuan", macc->total_annual_benefit_10k_yuan}});
        });
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, Method::kGet, "/api/v1/carbon/factors", kParkAndEnterprise,
                       "The factor library in force (id=… gives every revision of one factor, newest last)",
                       [s](const Request& req) {
                         std::shared_lock lock(s->library_mutex);
                         Json items = Json::array();
                         if (auto id = req.Query("id")) {
                           for (const Factor* f : s->library.History(*id)) items.push_back(FactorJson(*f));
                           if (items.empty()) return Fail(Error::NotFound(T("carbon.factor.not_found")));
                         } else {
                           for (const Factor* f : s->library.Current()) items.push_back(FactorJson(*f));
                         }
                         return Response::FromJson({{"items", items}});
                       });
    r.doc.query = {{"id", "string", "one factor's revisions", false}};
    r.doc.response_schema = {{"type", "object"}};
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kPost, "/api/v1/carbon/factors", {Role::kParkAdmin},
        "Add a factor, or supersede one with a new revision (revisions are never edited; results name the "
        "revision they used)",
        [s](const Request& req) {
          auto body = ParseJsonObject(req.body);
          if (!body.ok()) return Fail(body.error());
          auto f = FactorFromJson(*body);
          if (!f.ok()) return Fail(f.error());
          std::unique_lock lock(s->library_mutex);
          const Factor* before = s->library.Latest(f->id);
          f->revision = before ? before->revision + 1 : 1;
          Json after = FactorJson(*f);
          Json before_json = before ? FactorJson(*before) : Json(nullptr);
          // Check it against the library's rules before storing: a refused factor changes nothing.
          Status added = before ? Status() : s->library.Add(*f);
          if (before) {
            auto rev = s->library.Supersede(*f);
            if (!rev.ok()) added = rev.error();
          }
          if (!added.ok()) return Fail(added.error());
          auto st = s->store.Write([&](store::Tx& tx) -> Status {
            PARK_TRY(tx.Exec(kInsertFactor, {f->id, int64_t{f->revision}, after.dump(), s->clock.NowMs(),
                                             req.Who().name}));
            PARK_TRY(store::AppendAudit(tx, s->clock, &req.Who(),
                                        {before ? "supersede" : "create", "carbon_factor", std::nullopt, std::nullopt,
                                         before_json, after}));
            return {};
          });
          if (!st.ok()) return Fail(st.error());  // the in-memory revision stays; reloaded from the store at start
          return Response::FromJson(after, 201);
        });
    r.doc.request_schema = {{"type", "object"},
                            {"description", "id, kind, subject, region, basis, year, value, unit, scope_level, "
                                            "enterprise_code, status, source, document"}};
    r.doc.response_schema = {{"type", "object"}};
    r.doc.success_status = 201;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(kTag, 
        Method::kGet, "/api/v1/carbon/export/{table}", kPark,
        "Export a year as CSV or XLSX: table is inventory, lists or ratings; format=csv (default) or xlsx",
        [s](const Request& req) {
          auto year = YearParam(req);
          if (!year.ok()) return Fail(year.error());
          const std::string table(req.Param("table"));
          const std::string format(req.Query("format").value_or("csv"));
          if (format != "csv" && format != "xlsx") return Fail(Error::Invalid("format", T("carbon.export.format")));
          // Texts and headers in the request's language: ?lang=, else Accept-Language, else zh-CN.
          const Locale lang = req.Query("lang") ? ParseLocale(*req.Query("lang"))
                                                : LocaleFromAcceptLanguage(req.Header("accept-language").value_or(""));
          auto say = [lang](const std::string& code) { return RenderText(T(code), lang); };
          auto joined = [lang](const std::vector<Text>& texts) {
            std::string out;
            for (const auto& x : texts) out += (out.empty() ? "" : "; ") + RenderText(x, lang);
            return out;
          };
          auto years = s->ComputeParkYears(*year, table == "ratings");
          if (!years.ok()) return Fail(years.error());
          const ParkInventory& park = years->current;
          Table t;
          std::vector<bool> numeric;  // which columns hold numbers we formatted (Fmt); the rest is text
          if (table == "inventory") {
            numeric.assign(3, false);
            numeric.resize(static_cast<size_t>(3 + kMetricCount), true);
            std::vector<std::string> header = {say("carbon.export.credit_code"), say("carbon.export.name"),
                                               say("carbon.export.sector")};
            for (int m = 0; m < kMetricCount; ++m) {
              const std::string name(MetricName(static_cast<Metric>(m)));
              header.push_back(say("carbon.metric." + name) + " (" + std::string(MetricUnit(static_cast<Metric>(m))) + ")");
            }
            t.push_back(header);
            for (const auto& e : park.enterprises) {
              std::vector<std::string> row = {e.info.code, e.info.name, e.info.sector};
              for (int m = 0; m < kMetricCount; ++m) row.push_back(Fmt(e.Year().values[static_cast<size_t>(m)]));
              t.push_back(std::move(row));
            }
          } else if (table == "lists") {
            auto lists = BuildThreeLists(park, s->settings.lists);
            if (!lists.ok()) return Fail(lists.error());
            t.push_back({say("carbon.export.list"), say("carbon.export.credit_code"), say("carbon.export.name"),
                         say("carbon.export.value"), say("carbon.export.criteria")});
            numeric = {false, false, false, true, false};
            auto add = [&](std::string_view list, const std::vector<ListedUnit>& units) {
              for (const auto& u : units) {
                t.push_back({say("carbon.list." + std::string(list)), u.enterprise_code, u.enterprise_name, Fmt(u.value),
                             joined(u.criteria)});
              }
            };
            add("key_carbon_emission_unit", lists->key_carbon);
            add("key_energy_using_unit", lists->key_energy);
            add("key_pollutant_discharge_unit", lists->key_pollutant);
          } else if (table == "ratings") {
            auto ratings = RateEnterprises(park, &years->previous, s->settings.rating);
            if (!ratings.ok()) return Fail(ratings.error());
            t.push_back({say("carbon.export.credit_code"), say("carbon.export.name"), say("carbon.export.class"),
                         say("carbon.export.score"), say("carbon.export.reasons"), say("carbon.export.electricity"),
                         say("carbon.export.water"), say("carbon.export.gas"), say("carbon.export.land"),
                         say("carbon.export.credit")});
            numeric = {false, false, false, true};
            for (const auto& r : *ratings) {
              const auto* e = park.Find(r.enterprise_code);
              t.push_back({r.enterprise_code, e ? e->info.name : "", std::string(RatingClassName(r.rating_class)),
                           Fmt(r.score), joined(r.reasons), r.policy.electricity, r.policy.water, r.policy.gas,
                           r.policy.land, r.policy.credit});
            }
          } else {
            return Fail(Error::NotFound(T("carbon.export.unknown")));
          }
          return TableResponse(t, numeric, format, fmt::format("{}-{}", table, *year));
        });
    r.doc.query = {{"year", "integer", "the accounting year", true},
                   {"format", "string", "csv (default) or xlsx", false},
                   {"lang", "string", "zh-CN or en for headers and texts (default: Accept-Language, else zh-CN)", false}};
    r.doc.response_content_type = "text/csv";
    r.doc.response_schema = {{"type", "string"}};
    router.Add(std::move(r));
  }
}

}  // namespace park::carbon
