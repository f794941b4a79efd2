// GET /api/v1/energy/account and /tariff: reads the meters of the caller's scope and their readings (read-only SQL
// on the registry and telemetry's hourly rollups, and telemetry's points route for what is not sealed yet), and
// answers with the pure account of park/energy/account.hpp.
#include "park/energy/service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "park/core/time.hpp"
#include "park/energy/account.hpp"
#include "park/http/route_builder.hpp"

namespace park::energy {
namespace {

constexpr std::string_view kMeters =
    "SELECT s.id, s.key, s.name, s.quantity, s.unit, COALESCE(s.activity_item, ''), s.enterprise_id, t.id "
    "FROM sensors s LEFT JOIN telemetry_series t ON t.sensor_id = s.id "
    "WHERE s.kind = 'meter' AND ($1 = 0 OR s.enterprise_id = $1) ORDER BY s.enterprise_id, s.id";
// A counter's reading at the end of each sealed hour (the hour's last point and its instant), for every meter of
// the scope at once.
constexpr std::string_view kHourlyReadings =
    "SELECT r.series_id, r.last_ns, r.last FROM telemetry_rollups r "
    "JOIN telemetry_series t ON t.id = r.series_id JOIN sensors s ON s.id = t.sensor_id "
    "WHERE s.kind = 'meter' AND ($1 = 0 OR s.enterprise_id = $1) AND r.width_s = 3600 "
    "AND r.start_ns >= $2 AND r.start_ns < $3 ORDER BY r.series_id, r.start_ns";
constexpr std::string_view kEnterprises = "SELECT id, name FROM enterprises WHERE kind = 'enterprise' AND ($1 = 0 OR id = $1) ORDER BY id";
constexpr std::string_view kFactorStamp = "SELECT COUNT(*), COALESCE(MAX(row_id), 0) FROM carbon_factors";
constexpr std::string_view kStoredFactors = "SELECT body FROM carbon_factors ORDER BY row_id";

constexpr int64_t kNsPerMs = 1'000'000;
const std::vector<Role> kEnergyReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};

Json Opt(const std::optional<double>& v) { return v && std::isfinite(*v) ? Json(*v) : Json(nullptr); }

// A factor revision as the park added it (the body of POST /api/v1/carbon/factors, stored validated), read with
// the carbon service's defaults.
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

std::string HoursText(const TariffBand& b) {
  std::string out;
  for (const auto& [a, z] : b.hours) out += fmt::format("{}{:02d}-{:02d}", out.empty() ? "" : ";", a, z);
  return out;
}

Json TariffJson(const Tariff& t) {
  Json bands = Json::array();
  for (size_t i = 0; i < t.bands.size(); ++i) {
    const auto& b = t.bands[i];
    int hours = 0;
    for (int h : t.band_of_hour) hours += h == static_cast<int>(i) ? 1 : 0;
    bands.push_back({{"band", b.name},
                     {"name_zh", b.name_zh},
                     {"hours", HoursText(b)},
                     {"hour_count", hours},
                     {"price_yuan_per_kwh", b.price_yuan_per_kwh},
                     {"status", b.status},
                     {"scheduled", b.scheduled}});
  }
  Json by_hour = Json::array();
  for (int h : t.band_of_hour) by_hour.push_back(h < 0 ? Json(nullptr) : Json(t.bands[static_cast<size_t>(h)].name));
  return {{"province", t.province},
          {"category", t.category},
          {"effective_from", t.effective_from},
          {"source", t.source},
          {"bands", std::move(bands)},
          {"band_of_hour", std::move(by_hour)}};
}

Json ComparisonJson(const Comparison& c) {
  return {{"value", Opt(c.value)},
          {"previous", Opt(c.previous)},
          {"change", Opt(c.change)},
          {"change_pct", Opt(c.change_pct)},
          {"text", TextJson(c.text)}};
}

Json CoefficientJson(const CoefficientUse& c) {
  return {{"id", c.id},         {"revision", c.revision}, {"kind", c.kind},         {"subject", c.subject},
          {"year", c.year},     {"value", c.value},       {"unit", c.unit},         {"status", c.status},
          {"source", c.source}, {"document", c.document}};
}

std::optional<double> CarrierAmount(const Account& a, Carrier c) {
  const CarrierAccount* x = a.Find(c);
  if (x == nullptr || x->meters_with_data == 0) return std::nullopt;
  return x->amount;
}

// The day (month period) or month (year period) each hour of the period falls in: labels and bucket per hour.
struct Buckets {
  std::vector<std::string> labels;
  std::vector<size_t> of_hour;
};
Buckets BucketsOf(const Period& p, int utc_offset_minutes) {
  Buckets b;
  const int64_t from = p.FromMs(utc_offset_minutes);
  const int64_t offset_ms = static_cast<int64_t>(utc_offset_minutes) * 60'000;
  for (size_t h = 0; h < p.Hours(); ++h) {
    const std::string date = FormatDateMs(from + static_cast<int64_t>(h) * kHourMs + offset_ms);
    const std::string label = p.is_year() ? date.substr(0, 7) : date;
    if (b.labels.empty() || b.labels.back() != label) b.labels.push_back(label);
    b.of_hour.push_back(b.labels.size() - 1);
  }
  return b;
}

}  // namespace

struct Service::Impl {
  Impl(Sources s, Settings st) : sources(s), settings(std::move(st)) {}
  Sources sources;
  Settings settings;

  std::mutex library_mutex;
  std::pair<int64_t, int64_t> library_stamp{-1, -1};
  std::shared_ptr<const carbon::FactorLibrary> library;

  // The carbon accounting's factor library as the carbon service holds it: the shipped defaults and every
  // revision the park added (carbon_factors), rebuilt when that table changes.
  Result<std::shared_ptr<const carbon::FactorLibrary>> Library() {
    std::pair<int64_t, int64_t> stamp;
    std::vector<std::string> bodies;
    PARK_TRY(sources.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kFactorStamp));
      stamp = {row->Int(0), row->Int(1)};
      return {};
    }));
    std::lock_guard lock(library_mutex);
    if (library && stamp == library_stamp) return library;
    PARK_ASSIGN_OR_RETURN(carbon::FactorLibrary lib, carbon::DefaultFactorLibrary());
    PARK_TRY(sources.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kStoredFactors));
      for (const auto& r : rows) bodies.push_back(r.Text(0));
      return {};
    }));
    for (const auto& text : bodies) {
      PARK_ASSIGN_OR_RETURN(carbon::Factor f, StoredFactor(Json::parse(text, nullptr, false)));
      if (lib.Latest(f.id)) {
        PARK_TRY(lib.Supersede(std::move(f)));
      } else {
        PARK_TRY(lib.Add(std::move(f)));
      }
    }
    library = std::make_shared<const carbon::FactorLibrary>(std::move(lib));
    library_stamp = stamp;
    return library;
  }

  // Telemetry's raw points of a series in [from_ms, to_ms), through its GET route as `who` (paged).
  Result<std::vector<telemetry::MeterReading>> Points(const Principal& who, int64_t series_id, int64_t from_ms,
                                                      int64_t to_ms) {
    std::vector<telemetry::MeterReading> out;
    const std::string path = fmt::format("/api/v1/series/{}/points", series_id);
    const auto match = sources.router.Find(http::Method::kGet, path);
    if (match.route == nullptr) return Error::Internal("energy: no route GET " + path);
    const auto& roles = match.route->roles;
    if (std::find(roles.begin(), roles.end(), who.role) == roles.end()) {
      return Error::Denied("energy: " + std::string(RoleName(who.role)) + " may not read " + path);
    }
    for (int page = 0; page < 1000 && from_ms < to_ms; ++page) {
      http::Request req;
      req.method = http::Method::kGet;
      req.path = path;
      req.query = {{"from", FormatInstantMs(from_ms)}, {"to", FormatInstantMs(to_ms)}, {"limit", "100000"}};
      req.params = match.params;
      req.request_id = "energy";
      req.principal = who;
      const http::Response resp = match.route->handler(req);
      if (resp.status == 404) return out;  // a series outside the caller's scope reads as absent
      const Json body = Json::parse(resp.body, nullptr, false);
      if (resp.status != 200 || !body.is_object() || !body["points"].is_array()) {
        return Error::Internal(fmt::format("energy: GET {} answered {}", path, resp.status));
      }
      for (const auto& p : body["points"]) {
        PARK_ASSIGN_OR_RETURN(int64_t ts, ParseInstantMs(p["ts"].get<std::string>(), "ts"));
        out.push_back({ts, p["value"].get<double>()});
      }
      if (!body.value("truncated", false) || out.empty()) break;
      from_ms = out.back().timestamp_ms + 1;
    }
    return out;
  }

  struct Loaded {
    std::vector<MeterReadings> meters;
    std::map<int64_t, std::string> enterprises;
  };

  // The meters of the scope (0: the park) with their readings from a day before `period` to a day after it.
  Result<Loaded> Load(const Principal& who, int64_t scope, const Period& period) {
    const int offset = sources.utc_offset_minutes;
    const int64_t from_ms = period.FromMs(offset) - kDayMs, to_ms = period.ToMs(offset) + kDayMs;
    Loaded out;
    std::map<int64_t, size_t> by_series;  // series id -> index in out.meters
    PARK_TRY(sources.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kMeters, {scope}));
      for (const auto& r : rows) {
        MeterReadings m;
        m.meter = {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6)};
        if (auto series = r.OptInt(7)) by_series[*series] = out.meters.size();
        out.meters.push_back(std::move(m));
      }
      PARK_ASSIGN_OR_RETURN(auto readings, tx.Query(kHourlyReadings, {scope, from_ms * kNsPerMs, to_ms * kNsPerMs}));
      for (const auto& p : readings) {
        const auto it = by_series.find(p.Int(0));
        if (it != by_series.end()) out.meters[it->second].readings.push_back({p.Int(1) / kNsPerMs, p.Real(2)});
      }
      PARK_ASSIGN_OR_RETURN(auto ents, tx.Query(kEnterprises, {scope}));
      for (const auto& e : ents) out.enterprises[e.Int(0)] = e.Text(1);
      return {};
    }));
    // What is not sealed yet: the points after the last sealed hourly reading.
    for (const auto& [series, index] : by_series) {
      auto& m = out.meters[index];
      const int64_t after = m.readings.empty() ? from_ms : m.readings.back().timestamp_ms + 1;
      if (after >= to_ms) continue;
      PARK_ASSIGN_OR_RETURN(auto tail, Points(who, series, after, to_ms));
      m.readings.insert(m.readings.end(), tail.begin(), tail.end());
    }
    return out;
  }

  Result<Account> Build(const carbon::FactorLibrary& lib, const Period& period, std::span<const MeterReadings> meters) {
    AccountSettings as{sources.utc_offset_minutes, settings.tariffs, &settings.prices};
    return BuildAccount(lib, period, meters, as);
  }

  Result<Json> AccountJson(const Principal& who, const Period& period, std::optional<int64_t> asked) {
    if (who.enterprise_id && asked && *asked != *who.enterprise_id) return Error::Denied(T("auth.own_enterprise_only"));
    const std::optional<int64_t> enterprise = who.enterprise_id ? who.enterprise_id : asked;
    const int64_t scope = enterprise.value_or(0);
    PARK_ASSIGN_OR_RETURN(auto lib, Library());
    PARK_ASSIGN_OR_RETURN(Loaded now, Load(who, scope, period));
    if (enterprise && !now.enterprises.contains(*enterprise)) return Error::NotFound(T("energy.no_enterprise"));
    PARK_ASSIGN_OR_RETURN(Account account, Build(*lib, period, now.meters));

    const Period last_year_period = period.SameLastYear();
    PARK_ASSIGN_OR_RETURN(Loaded ly, Load(who, scope, last_year_period));
    PARK_ASSIGN_OR_RETURN(Account last_year, Build(*lib, last_year_period, ly.meters));
    std::optional<Account> previous;
    const Period previous_period = period.Previous();
    if (!period.is_year()) {
      PARK_ASSIGN_OR_RETURN(Loaded pm, Load(who, scope, previous_period));
      PARK_ASSIGN_OR_RETURN(previous, Build(*lib, previous_period, pm.meters));
    }

    // Carriers: amounts, tce with the coefficient, cost, and the comparisons.
    std::map<int64_t, std::string> meter_enterprise;
    Json carriers = Json::array();
    for (const auto& c : account.carriers) {
      const CarrierInfo& info = InfoOf(c.carrier);
      const std::optional<double> amount = c.meters_with_data > 0 ? std::optional<double>(c.amount) : std::nullopt;
      Json inputs = Json::array();
      for (const auto& m : account.meters) {
        if (std::find(c.meter_ids.begin(), c.meter_ids.end(), m.meter.id) == c.meter_ids.end()) continue;
        inputs.push_back({{"meter_id", m.meter.id},
                          {"key", m.meter.key},
                          {"name", m.meter.name},
                          {"unit", m.meter.unit},
                          {"enterprise_id", m.meter.enterprise_id},
                          {"amount", Opt(m.amount)}});
      }
      Json coefficients = Json::array();
      for (const auto& k : c.conversion.coefficients) coefficients.push_back(CoefficientJson(k));
      Json bands = Json::array();
      if (c.electricity_cost) {
        for (const auto& b : c.electricity_cost->bands) {
          bands.push_back({{"band", b.band}, {"kwh", b.kwh}, {"price_yuan_per_kwh", b.price_yuan_per_kwh}, {"yuan", b.yuan}});
        }
      }
      Json j = {{"carrier", info.name},
                {"unit", info.unit},
                {"is_energy", info.is_energy},
                {"meters", c.meters},
                {"meters_with_data", c.meters_with_data},
                {"amount", Opt(amount)},
                {"tce", amount ? Opt(c.conversion.tce) : Json(nullptr)},
                {"tce_equal_value", amount ? Opt(c.conversion.tce_equal_value) : Json(nullptr)},
                {"cost_yuan", Opt(c.cost_yuan)},
                {"cost_basis", TextJson(c.cost_basis)},
                {"cost_bands", std::move(bands)},
                {"last_year", ComparisonJson(Compare(amount, CarrierAmount(last_year, c.carrier), last_year_period))},
                {"previous", previous ? ComparisonJson(Compare(amount, CarrierAmount(*previous, c.carrier), previous_period))
                                      : Json(nullptr)},
                {"explain",
                 {{"formula", TextJson(c.conversion.formula)},
                  {"tce_per_unit", c.conversion.tce_per_unit},
                  {"tce_equal_value_per_unit", c.conversion.tce_equal_value_per_unit},
                  {"coefficients", std::move(coefficients)},
                  {"meters", std::move(inputs)}}}};
      carriers.push_back(std::move(j));
    }

    Json apart = Json::array();
    for (const auto& m : account.meters) {
      if (m.apart.empty()) continue;
      apart.push_back({{"meter_id", m.meter.id},
                       {"key", m.meter.key},
                       {"name", m.meter.name},
                       {"quantity", m.meter.quantity},
                       {"unit", m.meter.unit},
                       {"enterprise_id", m.meter.enterprise_id},
                       {"enterprise_name", now.enterprises.contains(m.meter.enterprise_id) ? Json(now.enterprises[m.meter.enterprise_id]) : Json(nullptr)},
                       {"amount", Opt(m.amount)},
                       {"reason", TextJson(m.apart)}});
    }

    // The trend: tce and each carrier's amount per day (a month) or per month (a year).
    const Buckets buckets = BucketsOf(period, sources.utc_offset_minutes);
    Json trend_carriers = Json::object();
    std::vector<std::optional<double>> trend_tce(buckets.labels.size());
    for (const auto& c : account.carriers) {
      std::vector<std::optional<double>> amounts(buckets.labels.size());
      for (size_t h = 0; h < c.hourly.size() && h < buckets.of_hour.size(); ++h) {
        if (!c.hourly[h]) continue;
        auto& slot = amounts[buckets.of_hour[h]];
        slot = slot.value_or(0) + *c.hourly[h];
        if (c.conversion.tce) {
          auto& t = trend_tce[buckets.of_hour[h]];
          t = t.value_or(0) + *c.hourly[h] * c.conversion.tce_per_unit;
        }
      }
      Json a = Json::array();
      for (const auto& v : amounts) a.push_back(Opt(v));
      trend_carriers[std::string(CarrierName(c.carrier))] = std::move(a);
    }
    Json tce_series = Json::array();
    for (const auto& v : trend_tce) tce_series.push_back(Opt(v));

    Json unpriced = Json::array();
    for (Carrier c : account.unpriced) unpriced.push_back(CarrierName(c));
    Json tce_parts = Json::array();
    for (const auto& c : account.carriers) {
      if (c.meters_with_data > 0 && c.conversion.tce) {
        tce_parts.push_back({{"carrier", CarrierName(c.carrier)}, {"tce", *c.conversion.tce}});
      }
    }
    Json total = {{"tce", Opt(account.tce)},
                  {"tce_equal_value", Opt(account.tce_equal_value)},
                  {"cost_yuan", Opt(account.cost_yuan)},
                  {"unpriced", std::move(unpriced)},
                  {"last_year", ComparisonJson(Compare(account.tce, last_year.tce, last_year_period))},
                  {"previous", previous ? ComparisonJson(Compare(account.tce, previous->tce, previous_period)) : Json(nullptr)},
                  {"cost_last_year", ComparisonJson(Compare(account.cost_yuan, last_year.cost_yuan, last_year_period))},
                  {"cost_previous",
                   previous ? ComparisonJson(Compare(account.cost_yuan, previous->cost_yuan, previous_period)) : Json(nullptr)},
                  {"explain", {{"formula", TextJson(T("energy.formula.total"))}, {"parts", std::move(tce_parts)}}}};

    Json notes = Json::array();
    notes.push_back(TextJson(T("energy.note.basis")));
    for (const auto& n : account.notes) notes.push_back(TextJson(n));

    const int offset = sources.utc_offset_minutes;
    const int64_t offset_ms = static_cast<int64_t>(offset) * 60'000;
    Json out = {{"period", period.Label()},
                {"kind", period.is_year() ? "year" : "month"},
                {"from", FormatDateMs(period.FromMs(offset) + offset_ms)},
                {"to", FormatDateMs(period.ToMs(offset) + offset_ms)},
                {"previous_period", period.is_year() ? Json(nullptr) : Json(previous_period.Label())},
                {"last_year_period", last_year_period.Label()},
                {"carriers", std::move(carriers)},
                {"total", std::move(total)},
                {"apart", std::move(apart)},
                {"trend", {{"labels", buckets.labels}, {"tce", std::move(tce_series)}, {"carriers", std::move(trend_carriers)}}},
                {"notes", std::move(notes)}};
    if (enterprise) {
      out["scope"] = {{"kind", "enterprise"}, {"enterprise_id", *enterprise}, {"enterprise_name", now.enterprises[*enterprise]}};
    } else {
      out["scope"] = {{"kind", "park"}};
      // Park staff: every enterprise, the largest first.
      std::map<int64_t, std::vector<MeterReadings>> per;
      for (const auto& m : now.meters) per[m.meter.enterprise_id].push_back(m);
      struct Row {
        int64_t id;
        Account account;
      };
      std::vector<Row> rows;
      for (auto& [id, meters] : per) {
        PARK_ASSIGN_OR_RETURN(Account a, Build(*lib, period, meters));
        rows.push_back({id, std::move(a)});
      }
      std::stable_sort(rows.begin(), rows.end(),
                       [](const Row& a, const Row& b) { return a.account.tce.value_or(-1) > b.account.tce.value_or(-1); });
      Json ranking = Json::array();
      for (const auto& r : rows) {
        std::optional<double> share;
        if (r.account.tce && account.tce && *account.tce > 0) share = *r.account.tce / *account.tce * 100.0;
        ranking.push_back({{"enterprise_id", r.id},
                           {"enterprise_name", now.enterprises[r.id]},
                           {"tce", Opt(r.account.tce)},
                           {"tce_equal_value", Opt(r.account.tce_equal_value)},
                           {"share_pct", Opt(share)},
                           {"cost_yuan", Opt(r.account.cost_yuan)},
                           {"electricity_kwh", Opt(CarrierAmount(r.account, Carrier::kElectricity))}});
      }
      out["enterprises"] = std::move(ranking);
    }
    if (const Tariff* t = TariffOn(settings.tariffs, FormatDateMs(period.FromMs(offset) + offset_ms));
        t != nullptr || !settings.tariffs.empty()) {
      out["tariff"] = TariffJson(t != nullptr ? *t : settings.tariffs.front());
    } else {
      out["tariff"] = nullptr;
    }
    return out;
  }
};

Result<Settings> DefaultSettings() {
  Settings s;
  PARK_ASSIGN_OR_RETURN(s.tariffs, ParseTariffCsv(DefaultTariffCsv()));
  return s;
}

Service::Service(Sources sources, Settings settings) : impl_(std::make_unique<Impl>(sources, std::move(settings))) {}
Service::~Service() = default;

Result<Json> Service::AccountJson(const Principal& who, const Period& period, std::optional<int64_t> enterprise_id) {
  return impl_->AccountJson(who, period, enterprise_id);
}

void Service::Register(http::Router& router) {
  Impl* s = impl_.get();
  {
    auto r = http::MakeRoute(
        "energy", http::Method::kGet, "/api/v1/energy/account", kEnergyReaders,
        "Energy of the park or an enterprise for a month or a year: by carrier, in tce (with the coefficients), "
        "against the month before and the same period a year earlier, with its cost under the tariff; meters of no "
        "energy carrier listed apart",
        [s](const http::Request& req) -> http::Response {
          auto enterprise = http::EnterpriseScope(req);
          if (!enterprise.ok()) return http::Response::FromError(enterprise.error());
          Period period;
          if (auto p = req.Query("period")) {
            auto parsed = ParsePeriod(*p);
            if (!parsed.ok()) return http::Response::FromError(parsed.error());
            period = *parsed;
          } else {
            const int64_t local = s->sources.clock.NowMs() + static_cast<int64_t>(s->sources.utc_offset_minutes) * 60'000;
            const std::string today = FormatDateMs(local);
            period = *ParsePeriod(today.substr(0, 7));
          }
          auto out = s->AccountJson(req.Who(), period, *enterprise);
          if (!out.ok()) return http::Response::FromError(out.error());
          return http::Response::FromJson(*out);
        });
    r.doc.query = {{"period", "string", "YYYY-MM (a month) or YYYY (a year), local time; default this month", false},
                   {"enterprise_id", "integer", "one enterprise (park roles); an enterprise user always gets its own", false}};
    r.doc.response_schema = http::ObjectSchema(
        {{"period", {{"type", "string"}}},
         {"kind", {{"type", "string"}, {"description", "month or year"}}},
         {"scope", {{"type", "object"}, {"description", "kind park, or kind enterprise with enterprise_id and name"}}},
         {"carriers",
          {{"type", "array"},
           {"description",
            "per carrier: amount in its unit, tce and tce_equal_value, cost_yuan (null: not priced) and cost_basis "
            "(text), previous and last_year comparisons, explain (formula, coefficients with source and revision, "
            "meters)"}}},
         {"total", {{"type", "object"}, {"description", "tce, tce_equal_value, cost_yuan, unpriced carriers, comparisons"}}},
         {"apart", {{"type", "array"}, {"description", "meters of no energy carrier (run hours, counts, unlinked), never summed"}}},
         {"enterprises", {{"type", "array"}, {"description", "park scope only: every enterprise, the largest tce first"}}},
         {"trend", {{"type", "object"}, {"description", "labels (days or months), tce and each carrier's amount"}}},
         {"tariff", {{"type", "object"}, {"nullable", true}, {"description", "the electricity tariff used, with its source"}}},
         {"notes", {{"type", "array"}}}},
        {"period", "kind", "scope", "carriers", "total", "apart"});
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute("energy", http::Method::kGet, "/api/v1/energy/tariff", kEnergyReaders,
                             "The electricity time-of-use tariffs (bands, hours, prices, source) and the prices set "
                             "for other carriers",
                             [s](const http::Request&) -> http::Response {
                               Json tariffs = Json::array();
                               for (const auto& t : s->settings.tariffs) tariffs.push_back(TariffJson(t));
                               Json prices = Json::array();
                               for (const auto& [c, p] : s->settings.prices) {
                                 prices.push_back({{"carrier", CarrierName(c)},
                                                   {"unit", InfoOf(c).unit},
                                                   {"yuan_per_unit", p.yuan_per_unit},
                                                   {"source", p.source}});
                               }
                               return http::Response::FromJson({{"tariffs", std::move(tariffs)}, {"prices", std::move(prices)}});
                             });
    r.doc.response_schema = http::ObjectSchema({{"tariffs", {{"type", "array"}}}, {"prices", {{"type", "array"}}}},
                                               {"tariffs", "prices"});
    router.Add(std::move(r));
  }
}

}  // namespace park::energy
