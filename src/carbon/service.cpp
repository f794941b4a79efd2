#include <cmath>
#include <set>

#include <fmt/format.h>

#include "carbon/service_impl.hpp"
#include "park/core/time.hpp"
#include "park/store/audit.hpp"

namespace park::carbon {
namespace {

constexpr std::string_view kSelectStoredFactors =
    "SELECT factor_id, revision, body FROM carbon_factors ORDER BY row_id";
constexpr std::string_view kSelectEnterprises =
    "SELECT id, credit_code, name, sector, land_area_mu FROM enterprises WHERE kind = 'enterprise' ORDER BY id";
constexpr std::string_view kSelectYearRows =
    "SELECT a.id, e.credit_code, a.period, a.item, a.amount, a.unit, a.amount_canonical, a.use_kind, a.note, a.line "
    "FROM carbon_activity a JOIN enterprises e ON e.id = a.enterprise_id "
    "WHERE a.period >= $1 AND a.period <= $2 ORDER BY a.id";
constexpr std::string_view kSelectEnterpriseYearRows =
    "SELECT a.id, e.credit_code, a.period, a.item, a.amount, a.unit, a.amount_canonical, a.use_kind, a.note, a.line "
    "FROM carbon_activity a JOIN enterprises e ON e.id = a.enterprise_id "
    "WHERE a.enterprise_id = $3 AND a.period >= $1 AND a.period <= $2 ORDER BY a.id";
constexpr std::string_view kCountPeriod =
    "SELECT COUNT(*) FROM carbon_activity WHERE enterprise_id = $1 AND period = $2";
constexpr std::string_view kDeletePeriod = "DELETE FROM carbon_activity WHERE enterprise_id = $1 AND period = $2";
// Metered rows (source "metered") and the manual ones (api, import:*) that override them, per item and month.
constexpr std::string_view kManualItemRow =
    "SELECT amount, unit, source FROM carbon_activity WHERE enterprise_id = $1 AND period = $2 AND item = $3 "
    "AND source <> 'metered' LIMIT 1";
constexpr std::string_view kMeteredItemRow =
    "SELECT amount, unit FROM carbon_activity WHERE enterprise_id = $1 AND period = $2 AND item = $3 "
    "AND source = 'metered' LIMIT 1";
constexpr std::string_view kDeleteMeteredItem =
    "DELETE FROM carbon_activity WHERE enterprise_id = $1 AND period = $2 AND item = $3 AND source = 'metered'";
constexpr std::string_view kInsertRow =
    "INSERT INTO carbon_activity (enterprise_id, period, item, amount, unit, amount_canonical, use_kind, note, source, "
    "line, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

ActivityRow RowFromDb(const store::Row& r) {
  ActivityRow a;
  a.id = r.Int(0);
  a.enterprise_code = r.Text(1);
  const std::string period = r.Text(2);
  a.year = std::atoi(period.substr(0, 4).c_str());
  a.month = std::atoi(period.substr(5, 2).c_str());
  a.item = ItemFromName(r.Text(3)).value_or(Item::kWater);
  a.amount = r.Real(4);
  a.unit = r.Text(5);
  a.amount_canonical = r.Real(6);
  a.use = UseFromName(r.Text(7)).value_or(Use::kFuel);
  a.note = r.Text(8);
  a.line = static_cast<int>(r.Int(9));
  return a;
}

Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

}  // namespace

std::vector<EnterpriseInfo> YearData::Infos() const {
  std::vector<EnterpriseInfo> out;
  out.reserve(enterprises.size());
  for (const auto& e : enterprises) out.push_back(e.info);
  return out;
}

const EnterpriseRef* YearData::ById(int64_t id) const {
  for (const auto& e : enterprises) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

// A shipped factor's citation as catalogue texts (source_text, document_text) beside the English source and
// document, so that a page cites it in its language; a park's own factor has only its own text.
void AddCitation(Json& j, std::string_view source_code, std::string_view document_code) {
  if (!source_code.empty()) j["source_text"] = TextJson(T("carbon.source." + std::string(source_code)));
  if (!document_code.empty()) j["document_text"] = TextJson(T("carbon.document." + std::string(document_code)));
}

Json FactorJson(const Factor& f) {
  Json j{{"id", f.id},           {"revision", f.revision},
         {"kind", FactorKindName(f.kind)}, {"subject", f.subject},
         {"region", f.region},   {"basis", f.basis},
         {"year", f.year},       {"value", f.value},
         {"unit", f.unit},       {"scope_level", ScopeLevelName(f.level)},
         {"enterprise_code", f.enterprise_code}, {"status", FactorStatusName(f.status)},
         {"source", f.source},   {"document", f.document}};
  AddCitation(j, f.source_code, f.document_code);
  return j;
}

Result<Factor> FactorFromJson(const Json& body) {
  JsonReader r(body);
  Factor f;
  r.ReadOnly("revision");
  f.id = r.String("id", JsonReader::kRequired, 100).value_or("");
  if (auto kind = r.String("kind", JsonReader::kRequired, 40)) {
    if (auto k = FactorKindFromName(*kind)) {
      f.kind = *k;
    } else {
      r.Fail("kind", T("carbon.factor.kind"));
    }
  }
  f.subject = r.String("subject", JsonReader::kRequired, 64).value_or("");
  f.region = r.String("region", JsonReader::kOptional, 64).value_or("national");
  f.basis = r.String("basis", JsonReader::kOptional, 64).value_or("default");
  f.year = static_cast<int>(r.Integer("year", JsonReader::kOptional).value_or(0));
  f.value = r.Number("value", JsonReader::kRequired).value_or(0);
  f.unit = r.String("unit", JsonReader::kRequired, 40).value_or("");
  if (auto level = r.String("scope_level", JsonReader::kOptional, 20)) {
    if (auto l = ScopeLevelFromName(*level)) {
      f.level = *l;
    } else {
      r.Fail("scope_level", T("carbon.factor.scope_level"));
    }
  }
  f.enterprise_code = r.String("enterprise_code", JsonReader::kOptional, 64).value_or("");
  if (auto status = r.String("status", JsonReader::kOptional, 10)) {
    if (*status == "ok") {
      f.status = FactorStatus::kOk;
    } else if (*status == "check") {
      f.status = FactorStatus::kCheck;
    } else {
      r.Fail("status", T("carbon.factor.status"));
    }
  }
  f.source = r.String("source", JsonReader::kRequired, 500).value_or("");
  f.document = r.String("document", JsonReader::kOptional, 500).value_or("");
  PARK_TRY(r.Finish());
  PARK_TRY(ValidateFactor(f));
  return f;
}

Json ValuesJson(const PeriodValues& v) {
  Json j = Json::object();
  for (int m = 0; m < kMetricCount; ++m) j[std::string(MetricName(static_cast<Metric>(m)))] = Number(v.values[m]);
  return j;
}

Json ExplanationJson(const Explanation& e) {
  Json factors = Json::array();
  for (const auto& f : e.factors) {
    Json j{{"id", f.id}, {"revision", f.revision}, {"kind", f.kind}, {"subject", f.subject},
           {"region", f.region}, {"basis", f.basis}, {"year", f.year}, {"value", f.value},
           {"unit", f.unit}, {"scope_level", f.scope_level}, {"status", f.status},
           {"source", f.source}, {"document", f.document}};
    AddCitation(j, f.source_code, f.document_code);
    factors.push_back(std::move(j));
  }
  Json inputs = Json::array();
  for (const auto& i : e.inputs) {
    inputs.push_back({{"row_id", i.row_id}, {"line", i.line}, {"period", i.period}, {"item", i.item},
                      {"use", i.use}, {"amount", i.amount}, {"unit", i.unit}, {"contribution", i.contribution},
                      {"formula", TextJson(i.formula)}, {"part", i.part}});
  }
  Json parts = Json::array();
  for (const auto& [code, value] : e.parts) parts.push_back({{"enterprise_code", code}, {"value", Number(value)}});
  return Json{{"figure", e.figure},   {"period", e.period},   {"value", e.value ? Number(*e.value) : Json(nullptr)},
              {"unit", e.unit},       {"formula", TextJson(e.formula)}, {"factors", factors},
              {"inputs", inputs},     {"parts", parts},       {"notes", TextListJson(e.notes)}};
}

Json YoyJson(const std::vector<YearOnYear>& yoy) {
  Json j = Json::object();
  auto opt = [](const std::optional<double>& v) { return v ? Number(*v) : Json(nullptr); };
  for (const auto& y : yoy) {
    j[std::string(MetricName(y.metric))] = {{"previous", opt(y.previous)}, {"current", opt(y.current)},
                                            {"change", opt(y.change)}, {"change_pct", opt(y.change_pct)}};
  }
  return j;
}

Json ActivityJson(const ActivityRow& r) {
  return Json{{"id", r.id},           {"period", PeriodText(r.year, r.month)},
              {"item", ItemName(r.item)}, {"amount", r.amount},
              {"unit", r.unit},       {"amount_canonical", r.amount_canonical},
              {"canonical_unit", InfoOf(r.item).canonical_unit}, {"use", UseName(r.use)},
              {"note", r.note},       {"line", r.line}};
}

Status Service::Impl::LoadStoredFactors() {
  std::vector<std::tuple<std::string, int, std::string>> stored;
  PARK_TRY(store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectStoredFactors));
    for (const auto& r : rows) stored.emplace_back(r.Text(0), static_cast<int>(r.Int(1)), r.Text(2));
    return {};
  }));
  std::unique_lock lock(library_mutex);
  for (const auto& [id, revision, body] : stored) {
    Json json = Json::parse(body, nullptr, false);
    json.erase("revision");  // the library numbers revisions itself, in the order they were stored
    PARK_ASSIGN_OR_RETURN(Factor f, FactorFromJson(json));
    if (library.Latest(id)) {
      PARK_TRY(library.Supersede(std::move(f)));
    } else {
      PARK_TRY(library.Add(std::move(f)));
    }
  }
  return {};
}

CalcConfig Service::Impl::CalcFor(int year) const {
  CalcConfig c = settings.calc;
  c.year = year;
  return c;
}

Result<Service::Impl::ParkYears> Service::Impl::ComputeParkYears(int year, bool with_previous) const {
  PARK_ASSIGN_OR_RETURN(YearData data, LoadYear(year));
  YearData prev;
  if (with_previous) {
    PARK_ASSIGN_OR_RETURN(prev, LoadYear(year - 1));  // a multi-statement macro: keep the braces
  }
  ParkYears out{std::shared_lock(library_mutex), {}, {}};
  const auto infos = data.Infos();
  out.current = ComputePark(library, CalcFor(year), infos, data.rows);
  if (with_previous) {
    const auto prev_infos = prev.Infos();
    out.previous = ComputePark(library, CalcFor(year - 1), prev_infos, prev.rows);
  }
  return out;
}

Result<YearData> Service::Impl::LoadYear(int year) const {
  YearData data;
  PARK_TRY(store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto ents, tx.Query(kSelectEnterprises));
    for (const auto& r : ents) {
      EnterpriseRef e;
      e.id = r.Int(0);
      e.info.code = r.Text(1);
      e.info.name = r.Text(2);
      e.info.sector = r.Text(3);
      e.info.land_area_mu = r.Real(4);
      data.enterprises.push_back(std::move(e));
    }
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectYearRows, {fmt::format("{:04d}-01", year),
                                                                fmt::format("{:04d}-12", year)}));
    data.rows.reserve(rows.size());
    for (const auto& r : rows) data.rows.push_back(RowFromDb(r));
    return {};
  }));
  return data;
}

Result<std::vector<ActivityRow>> Service::Impl::LoadEnterpriseRows(int64_t enterprise_id, int year) const {
  std::vector<ActivityRow> out;
  PARK_TRY(store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectEnterpriseYearRows, {fmt::format("{:04d}-01", year),
                                                                          fmt::format("{:04d}-12", year),
                                                                          enterprise_id}));
    for (const auto& r : rows) out.push_back(RowFromDb(r));
    return {};
  }));
  return out;
}

Result<ImportOutcome> Service::Impl::Store(std::vector<ActivityRow> rows, const Principal* actor,
                                           std::string_view source, std::optional<int64_t> only_enterprise) {
  ImportOutcome out;
  std::map<std::string, int64_t> ids;  // credit code -> enterprise id
  PARK_TRY(store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto ents, tx.Query(kSelectEnterprises));
    for (const auto& r : ents) ids[r.Text(1)] = r.Int(0);
    return {};
  }));
  std::vector<int64_t> enterprise_of(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto it = ids.find(rows[i].enterprise_code);
    if (it == ids.end()) {
      out.errors.push_back({rows[i].line, "enterprise_code", "no enterprise in the park has this credit code"});
      continue;
    }
    if ((actor && !actor->CanSeeEnterprise(it->second)) || (only_enterprise && *only_enterprise != it->second)) {
      out.errors.push_back({rows[i].line, "enterprise_code", "is not an enterprise you may enter data for"});
      continue;
    }
    enterprise_of[i] = it->second;
  }
  if (!out.errors.empty()) return out;
  // (enterprise, period) -> rows, so that each month is replaced as a whole.
  std::map<std::pair<int64_t, std::string>, std::vector<size_t>> groups;
  for (size_t i = 0; i < rows.size(); ++i) {
    groups[{enterprise_of[i], PeriodText(rows[i].year, rows[i].month)}].push_back(i);
  }
  std::vector<Json> audits;
  PARK_TRY(store.Write([&](store::Tx& tx) -> Status {
    const int64_t now = clock.NowMs();
    std::map<int64_t, std::pair<Json, Json>> per_enterprise;  // before/after row counts by period
    for (const auto& [key, members] : groups) {
      const auto& [enterprise_id, period] = key;
      PARK_ASSIGN_OR_RETURN(auto count, tx.QueryOne(kCountPeriod, {enterprise_id, period}));
      auto& [before, after] = per_enterprise[enterprise_id];
      before[period] = count->Int(0);
      after[period] = static_cast<int64_t>(members.size());
      PARK_TRY(tx.Exec(kDeletePeriod, {enterprise_id, period}));
      for (size_t i : members) {
        const ActivityRow& r = rows[i];
        PARK_TRY(tx.Exec(kInsertRow, {enterprise_id, period, std::string(ItemName(r.item)), r.amount, r.unit,
                                      r.amount_canonical, std::string(UseName(r.use)), r.note, std::string(source),
                                      int64_t{r.line}, now}));
      }
      out.periods.push_back(rows[members.front()].enterprise_code + "/" + period);
    }
    for (const auto& [enterprise_id, counts] : per_enterprise) {
      PARK_ASSIGN_OR_RETURN(Json entry, store::AppendAudit(tx, clock, actor,
                                                           {"import", "carbon_activity", std::nullopt, enterprise_id,
                                                            Json{{"rows_by_period", counts.first}},
                                                            Json{{"rows_by_period", counts.second},
                                                                 {"source", source}}}));
      audits.push_back(std::move(entry));
    }
    return {};
  }));
  out.rows = rows.size();
  if (hub) {
    for (const auto& entry : audits) {
      hub->Publish("audit", Json{{"entry", entry}}, entry["enterprise_id"].get<int64_t>(), http::AuditReaders());
    }
  }
  return out;
}

Result<Json> Service::Impl::Report(const YearData& data, const EnterpriseRef& e, int year, bool explain) const {
  std::vector<ActivityRow> rows;
  for (const auto& r : data.rows) {
    if (r.enterprise_code == e.info.code) rows.push_back(r);
  }
  std::shared_lock lock(library_mutex);
  PARK_ASSIGN_OR_RETURN(EnterpriseInventory inv, ComputeEnterprise(library, CalcFor(year), e.info, rows));
  Json out = {{"enterprise_id", e.id}, {"credit_code", e.info.code}, {"name", e.info.name},
              {"sector", e.info.sector}, {"year", year}, {"activity_rows", rows.size()}};
  out.update(ValuesJson(inv.Year()));
  Json units = Json::object();
  for (int m = 0; m < kMetricCount; ++m) {
    units[std::string(MetricName(static_cast<Metric>(m)))] = MetricUnit(static_cast<Metric>(m));
  }
  out["units"] = units;
  Json months = Json::array();
  for (int m = 1; m <= 12; ++m) {
    Json month = ValuesJson(inv.periods[static_cast<size_t>(m)]);
    month["period"] = PeriodText(year, m);
    months.push_back(std::move(month));
  }
  out["months"] = months;
  if (explain) {
    Json ex = Json::object();
    for (int m = 0; m < kMetricCount; ++m) {
      const auto metric = static_cast<Metric>(m);
      ex[std::string(MetricName(metric))] = ExplanationJson(Explain(inv, metric, 0));
    }
    out["explain"] = ex;
  }
  return out;
}

Result<ParkSettings> DefaultParkSettings() {
  ParkSettings s;
  PARK_ASSIGN_OR_RETURN(s.lists, DefaultThreeListRules());
  s.rating = DefaultRatingConfig();
  PARK_ASSIGN_OR_RETURN(s.rating.benchmarks, ParseSectorBenchmarksCsv(DefaultSectorBenchmarksCsv()));
  s.access.max_t_co2_per_10k_yuan_added_value = 1.5;
  s.access.source = "";  // the demo's standard: the reasons say so, in the reader's language
  return s;
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() = default;

Result<std::unique_ptr<Service>> Service::Create(store::Store& store, const Clock& clock, http::LiveHub* hub,
                                                 ParkSettings settings) {
  auto impl = std::make_unique<Impl>(store, clock, hub, std::move(settings));
  PARK_ASSIGN_OR_RETURN(impl->library, DefaultFactorLibrary());
  PARK_TRY(impl->LoadStoredFactors());
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Result<MeteredOutcome> Service::StoreMetered(const std::vector<MeteredAmount>& amounts, const Principal* actor) {
  Impl& s = *impl_;
  struct Row {
    const MeteredAmount* in;
    Item item;
    double canonical;
  };
  std::vector<Row> rows;
  for (const auto& a : amounts) {
    const auto item = ItemFromName(a.item);
    if (!item) return Error::Invalid("item", T("carbon.activity.item", {{"value", a.item}}));
    if (!IsValidMonth(a.period)) return Error::Invalid("period", T("time.month_format", {{"value", a.period}}));
    PARK_ASSIGN_OR_RETURN(double canonical, ToCanonical(*item, a.amount, a.unit));
    rows.push_back({&a, *item, canonical});
  }
  MeteredOutcome out;
  std::vector<Json> audits;
  PARK_TRY(s.store.Write([&](store::Tx& tx) -> Status {
    const int64_t now = s.clock.NowMs();
    for (const Row& r : rows) {
      const MeteredAmount& a = *r.in;
      const std::string name(ItemName(r.item));
      Json entry = {{"enterprise_id", a.enterprise_id}, {"period", a.period},  {"item", name},
                    {"amount", a.amount},               {"unit", a.unit},      {"amount_canonical", r.canonical},
                    {"canonical_unit", InfoOf(r.item).canonical_unit},       {"note", a.note}};
      PARK_ASSIGN_OR_RETURN(auto manual, tx.QueryOne(kManualItemRow, {a.enterprise_id, a.period, name}));
      if (manual) {
        entry["manual_amount"] = manual->Real(0);
        entry["manual_unit"] = manual->Text(1);
        entry["manual_source"] = manual->Text(2);
        PARK_ASSIGN_OR_RETURN(Json audit,
                              store::AppendAudit(tx, s.clock, actor,
                                                 {"metered_overridden", "carbon_activity", std::nullopt,
                                                  a.enterprise_id, nullptr,
                                                  Json{{"metered", entry},
                                                       {"why", "a manual or imported row for this month and item "
                                                               "stands; the metered amount is kept here only"}}}));
        audits.push_back(std::move(audit));
        out.kept_manual.push_back(std::move(entry));
        continue;
      }
      PARK_ASSIGN_OR_RETURN(auto old, tx.QueryOne(kMeteredItemRow, {a.enterprise_id, a.period, name}));
      PARK_TRY(tx.Exec(kDeleteMeteredItem, {a.enterprise_id, a.period, name}));
      PARK_TRY(tx.Exec(kInsertRow, {a.enterprise_id, a.period, name, a.amount, a.unit, r.canonical,
                                    std::string(UseName(Use::kFuel)), a.note, std::string("metered"), int64_t{0}, now}));
      PARK_ASSIGN_OR_RETURN(Json audit,
                            store::AppendAudit(tx, s.clock, actor,
                                               {"metered", "carbon_activity", std::nullopt, a.enterprise_id,
                                                old ? Json{{"amount", old->Real(0)}, {"unit", old->Text(1)}} : Json(nullptr),
                                                entry}));
      audits.push_back(std::move(audit));
      out.stored.push_back(std::move(entry));
    }
    return {};
  }));
  if (s.hub) {
    for (const auto& entry : audits) {
      s.hub->Publish("audit", Json{{"entry", entry}}, entry["enterprise_id"].get<int64_t>(), http::AuditReaders());
    }
  }
  return out;
}

Result<ImportOutcome> Service::ImportFile(std::string_view bytes, bool xlsx, const Principal* actor) {
  std::string csv;
  if (xlsx) {
    PARK_ASSIGN_OR_RETURN(csv, XlsxToCsv(bytes));
    bytes = csv;
  }
  ActivityImport parsed = ParseActivityCsv(bytes);
  if (!parsed.ok()) {
    ImportOutcome out;
    out.errors = std::move(parsed.errors);
    return out;
  }
  return impl_->Store(std::move(parsed.rows), actor, xlsx ? "import:xlsx" : "import:csv", std::nullopt);
}

Result<Json> Service::EnterpriseReport(std::string_view credit_code, int year, bool explain) {
  PARK_ASSIGN_OR_RETURN(YearData data, impl_->LoadYear(year));
  for (const auto& e : data.enterprises) {
    if (e.info.code == credit_code) return impl_->Report(data, e, year, explain);
  }
  return Error::NotFound(T("carbon.no_enterprise_code", {{"credit_code", std::string(credit_code)}}));
}

}  // namespace park::carbon
