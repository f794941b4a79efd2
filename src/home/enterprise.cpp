// An enterprise user's home page: its one-page file (一企一档). Safety (equipment and the statutory checks due),
// environment (its outlets against their limits, its open alarms), energy this month against last month and the
// same month last year, carbon (last full year's inventory and rating), and the activity data it still owes.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>

#include "home/service_impl.hpp"
#include "park/carbon/activity.hpp"
#include "park/carbon/inventory.hpp"
#include "park/carbon/rating.hpp"

namespace park::home {
namespace {

constexpr std::string_view kEquipmentCounts =
    "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'in_service' THEN 1 ELSE 0 END), 0) AS BIGINT), "
    "CAST(COALESCE(SUM(CASE WHEN inspection_due_date IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) FROM equipment "
    "WHERE enterprise_id = $1 AND status <> 'retired'";
constexpr std::string_view kEnterprise =
    "SELECT id, credit_code, name, sector, land_area_mu FROM enterprises WHERE id = $1";
// Activity rows as the carbon service reads them (its inventory is computed from exactly these columns).
constexpr std::string_view kActivityRows =
    "SELECT a.id, e.credit_code, a.period, a.item, a.amount, a.unit, a.amount_canonical, a.use_kind, a.note, a.line "
    "FROM carbon_activity a JOIN enterprises e ON e.id = a.enterprise_id "
    "WHERE a.enterprise_id = $1 AND a.period >= $2 AND a.period <= $3 ORDER BY a.id";
constexpr std::string_view kMonthTotals =
    "SELECT period, item, SUM(amount_canonical), MIN(source), MAX(source) FROM carbon_activity "
    "WHERE enterprise_id = $1 AND (period = $2 OR period = $3) GROUP BY period, item";
constexpr std::string_view kItemMonths =
    "SELECT DISTINCT period, item FROM carbon_activity WHERE enterprise_id = $1 AND period >= $2 AND period <= $3";

constexpr int kOwedLookbackMonths = 12;

Result<int64_t> EnterpriseOf(const PanelRequest& req) {
  if (!req.who.enterprise_id) return Error::Internal("home: an enterprise panel for a principal without enterprise");
  return *req.who.enterprise_id;
}

// Energy carriers and water: what "energy this month" lists (green power is a part of electricity, not more of it).
bool IsEnergyItem(carbon::Item item) {
  const auto c = carbon::InfoOf(item).item_class;
  return c == carbon::ItemClass::kFuel || c == carbon::ItemClass::kElectricity || c == carbon::ItemClass::kHeat ||
         c == carbon::ItemClass::kWater;
}

// Where an activity row came from, as the page says it: "api" (entered), "import" (a CSV or XLSX file, stored as
// "import:csv"…) or "metered".
std::string SourceKind(const std::string& source) { return source.rfind("import", 0) == 0 ? "import" : source; }

carbon::ActivityRow RowOf(const store::Row& r) {
  carbon::ActivityRow a;
  a.id = r.Int(0);
  a.enterprise_code = r.Text(1);
  const std::string period = r.Text(2);
  a.year = std::stoi(period.substr(0, 4));
  a.month = std::stoi(period.substr(5, 2));
  a.item = carbon::ItemFromName(r.Text(3)).value_or(carbon::Item::kWater);
  a.amount = r.Real(4);
  a.unit = r.Text(5);
  a.amount_canonical = r.Real(6);
  a.use = carbon::UseFromName(r.Text(7)).value_or(carbon::Use::kFuel);
  a.note = r.Text(8);
  a.line = static_cast<int>(r.Int(9));
  return a;
}

Result<Json> Safety(Impl& impl, const PanelRequest& req) {
  PARK_ASSIGN_OR_RETURN(int64_t ent, EnterpriseOf(req));
  Json out = {{"title", TextJson(T("home.panel.safety"))}};
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kEquipmentCounts, {ent}));
    out["equipment"] = row->Int(0);
    out["in_service"] = row->Int(1);
    out["regulated"] = row->Int(2);
    return {};
  }));
  PARK_ASSIGN_OR_RETURN(out["due"], DueSummary(impl, req, ent, 6));
  return out;
}

Result<Json> Environment(Impl& impl, const PanelRequest& req) {
  PARK_ASSIGN_OR_RETURN(int64_t ent, EnterpriseOf(req));
  Json out = {{"title", TextJson(T("home.panel.environment"))}};
  PARK_ASSIGN_OR_RETURN(out["outlets"], OutletSummary(impl, req, ent));
  PARK_ASSIGN_OR_RETURN(out["alarms"], AlarmSummary(impl, ent, 5, req.who.user_id));
  return out;
}

Result<Json> EnergyMonth(Impl& impl, const PanelRequest& req) {
  PARK_ASSIGN_OR_RETURN(int64_t ent, EnterpriseOf(req));
  const MonthWindows w = MonthWindowsAt(req.now_ms, req.calendar);
  struct Row {
    std::optional<double> this_month, last_month, last_year;
    std::string last_month_source, last_year_source;
  };
  std::map<carbon::Item, Row> rows;
  // Earlier months from the activity data (reported, imported or metered rows).
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto totals, tx.Query(kMonthTotals, {ent, w.last_month, w.last_year_month}));
    for (const auto& r : totals) {
      const auto item = carbon::ItemFromName(r.Text(1));
      if (!item || !IsEnergyItem(*item)) continue;
      // One source, or "mixed" when rows of several sources add up (a metered and a manual line).
      const std::string source = SourceKind(r.Text(3)) == SourceKind(r.Text(4)) ? SourceKind(r.Text(3)) : "mixed";
      if (r.Text(0) == w.last_month) {
        rows[*item].last_month = r.Real(2);
        rows[*item].last_month_source = source;
      } else {
        rows[*item].last_year = r.Real(2);
        rows[*item].last_year_source = source;
      }
    }
    return {};
  }));
  // This month from the meters, up to their newest reading.
  PARK_ASSIGN_OR_RETURN(auto metered, impl.sources.telemetry.MeteredMonthTotals(w.this_month, ent));
  for (const auto& m : metered) {
    const auto item = carbon::ItemFromName(m.item);
    if (!item || !IsEnergyItem(*item)) continue;
    auto canonical = carbon::ToCanonical(*item, m.amount, m.unit);
    if (!canonical.ok()) continue;  // a meter in a unit the accounting does not convert
    rows[*item].this_month = rows[*item].this_month.value_or(0) + *canonical;
  }
  auto per_day = [](const std::optional<double>& v, double days) -> std::optional<double> {
    if (!v || days <= 0) return std::nullopt;
    return *v / days;
  };
  Json items = Json::array();
  for (const auto& [item, r] : rows) {
    const auto a = per_day(r.this_month, w.elapsed_days);
    const auto b = per_day(r.last_month, w.last_month_days);
    const auto c = per_day(r.last_year, w.last_year_month_days);
    items.push_back({{"item", carbon::ItemName(item)},
                     {"unit", carbon::InfoOf(item).canonical_unit},
                     {"this_month", OptJson(r.this_month)},
                     {"last_month", OptJson(r.last_month)},
                     {"last_year_month", OptJson(r.last_year)},
                     {"last_month_source", r.last_month_source.empty() ? Json(nullptr) : Json(r.last_month_source)},
                     {"last_year_month_source", r.last_year_source.empty() ? Json(nullptr) : Json(r.last_year_source)},
                     {"this_month_per_day", OptJson(a)},
                     {"last_month_per_day", OptJson(b)},
                     {"last_year_month_per_day", OptJson(c)},
                     {"vs_last_month", ChangeJson(Compare(a, b))},
                     {"vs_last_year", ChangeJson(Compare(a, c))}});
  }
  Json out = {{"title", TextJson(T("home.panel.energy_month"))},
              {"this_month", w.this_month},
              {"last_month", w.last_month},
              {"last_year_month", w.last_year_month},
              {"elapsed_days", w.elapsed_days},
              {"items", std::move(items)},
              {"notes", Json::array({TextJson(T("home.month.basis"))})}};
  if (out["items"].empty()) out["empty"] = TextJson(T("home.empty.energy_month"));
  return out;
}

Json Figures(const carbon::PeriodValues& v) {
  return {{"total_t_co2", OptJson(v.Get(carbon::Metric::kTotalTCo2))},
          {"intensity_t_co2_per_10k_yuan_output", OptJson(v.Get(carbon::Metric::kIntensityTCo2Per10kYuanOutput))},
          {"intensity_t_co2_per_10k_yuan_added_value",
           OptJson(v.Get(carbon::Metric::kIntensityTCo2Per10kYuanAddedValue))},
          {"energy_tce", OptJson(v.Get(carbon::Metric::kEnergyTceEquivalent))}};
}

Result<Json> Carbon(Impl& impl, const PanelRequest& req) {
  PARK_ASSIGN_OR_RETURN(int64_t ent, EnterpriseOf(req));
  const int year = std::stoi(req.calendar.DateOf(req.now_ms).substr(0, 4)) - 1;  // the last full year
  carbon::EnterpriseInfo info;
  std::vector<carbon::ActivityRow> rows;
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto e, tx.QueryOne(kEnterprise, {ent}));
    if (!e) return Error::NotFound("no such enterprise");
    info.code = e->Text(1);
    info.name = e->Text(2);
    info.sector = e->Text(3);
    info.land_area_mu = e->Real(4);
    PARK_ASSIGN_OR_RETURN(auto found, tx.Query(kActivityRows, {ent, fmt::format("{:04d}-01", year - 1),
                                                               fmt::format("{:04d}-12", year)}));
    for (const auto& r : found) rows.push_back(RowOf(r));
    return {};
  }));
  PARK_ASSIGN_OR_RETURN(auto library, impl.Library());
  // The same computation as the carbon service's inventory and ratings, for this one enterprise (a class depends
  // only on the enterprise's own figures against its sector's benchmarks).
  auto compute = [&](int y) {
    carbon::CalcConfig calc = impl.sources.carbon.calc;
    calc.year = y;
    const std::vector<carbon::EnterpriseInfo> infos = {info};
    return carbon::ComputePark(*library, calc, infos, rows);
  };
  const carbon::ParkInventory current = compute(year);
  const carbon::ParkInventory previous = compute(year - 1);
  Json out = {{"title", TextJson(T("home.panel.carbon", {{"year", std::to_string(year)}}))},
              {"year", std::to_string(year)},
              {"previous_year", std::to_string(year - 1)},
              {"rating", nullptr}};
  const carbon::EnterpriseInventory* now = current.Find(info.code);
  const bool has_rows =
      std::any_of(rows.begin(), rows.end(), [&](const carbon::ActivityRow& r) { return r.year == year; });
  if (!now || !has_rows) {
    for (const auto& f : current.failures) spdlog::warn("home: carbon {} {}: {}", info.code, year, f.error.message);
    out["empty"] = TextJson(T("home.empty.carbon", {{"year", std::to_string(year)}}));
    return out;
  }
  out.update(Figures(now->Year()));
  const carbon::EnterpriseInventory* before = previous.Find(info.code);
  const bool had_rows =
      std::any_of(rows.begin(), rows.end(), [&](const carbon::ActivityRow& r) { return r.year == year - 1; });
  if (before && had_rows) {
    out["previous"] = Figures(before->Year());
    out["vs_previous"] = {
        {"total_t_co2", ChangeJson(Compare(now->Year().Get(carbon::Metric::kTotalTCo2),
                                           before->Year().Get(carbon::Metric::kTotalTCo2)))},
        {"intensity_t_co2_per_10k_yuan_output",
         ChangeJson(Compare(now->Year().Get(carbon::Metric::kIntensityTCo2Per10kYuanOutput),
                            before->Year().Get(carbon::Metric::kIntensityTCo2Per10kYuanOutput)))}};
  }
  auto ratings = carbon::RateEnterprises(current, had_rows ? &previous : nullptr, impl.sources.carbon.rating);
  if (ratings.ok()) {
    for (const auto& r : *ratings) {
      if (r.enterprise_code != info.code) continue;
      out["rating"] = {{"class", carbon::RatingClassName(r.rating_class)}, {"score", r.score}};
    }
  } else {
    spdlog::warn("home: rating {} {}: {}", info.code, year, ratings.error().message);
  }
  return out;
}

Result<Json> ActivityOwed(Impl& impl, const PanelRequest& req) {
  PARK_ASSIGN_OR_RETURN(int64_t ent, EnterpriseOf(req));
  const std::string month = MonthWindowsAt(req.now_ms, req.calendar).last_month;
  std::vector<ItemMonth> rows;
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto found, tx.Query(kItemMonths, {ent, ShiftMonth(month, -kOwedLookbackMonths), month}));
    for (const auto& r : found) rows.push_back({r.Text(0), r.Text(1)});
    return {};
  }));
  Json owed = Json::array();
  for (const auto& item : OwedItems(rows, month, kOwedLookbackMonths)) owed.push_back(item);
  Json reported = Json::array();
  for (const auto& r : rows) {
    if (r.period == month) reported.push_back(r.item);
  }
  Json out = {{"title", TextJson(T("home.panel.activity_owed", {{"period", month}}))},
              {"period", month},
              {"lookback_months", kOwedLookbackMonths},
              {"owed", std::move(owed)},
              {"reported", std::move(reported)}};
  if (out["owed"].empty()) out["empty"] = TextJson(T("home.empty.activity_owed", {{"period", month}}));
  return out;
}

}  // namespace

std::vector<Panel> EnterprisePanels(Impl& impl) {
  Impl* p = &impl;
  const std::vector<Role> ent = {Role::kEnterpriseUser};
  return {
      {"safety", ent, [p](const PanelRequest& req) { return Safety(*p, req); }},
      {"environment", ent, [p](const PanelRequest& req) { return Environment(*p, req); }},
      {"energy_month", ent, [p](const PanelRequest& req) { return EnergyMonth(*p, req); }},
      {"carbon", ent, [p](const PanelRequest& req) { return Carbon(*p, req); }},
      {"activity_owed", ent, [p](const PanelRequest& req) { return ActivityOwed(*p, req); }},
  };
}

}  // namespace park::home
