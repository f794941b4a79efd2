// The park's panels (alarms, checks due, energy and emissions today, outlets) and the panels of technicians,
// drivers and integrators. Registry, alarm and rollup rows are read with the read-only SQL below; the newest values
// (still in telemetry's memory) through GET /api/v1/latest as the caller.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "home/service_impl.hpp"
#include "park/carbon/activity.hpp"
#include "park/carbon/inventory.hpp"
#include "park/core/time.hpp"

namespace park::home {
namespace {


// ---- alarms ----

constexpr std::string_view kAlarmCounts =
    "SELECT severity, state, COUNT(*) FROM alarms WHERE state <> 'cleared' AND ($1 = 0 OR enterprise_id = $1) "
    "GROUP BY severity, state";
// What is left for people: alarms assigned to the caller and not closed, and alarms whose condition ended that
// nobody has closed yet.
constexpr std::string_view kAlarmWork =
    "SELECT COALESCE(SUM(CASE WHEN assignee_id = $2 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN state = 'cleared' THEN 1 ELSE 0 END), 0) FROM alarms "
    "WHERE closed_at IS NULL AND ($1 = 0 OR enterprise_id = $1) AND (assignee_id = $2 OR state = 'cleared')";
constexpr std::string_view kNewestAlarms =
    "SELECT a.id, a.severity, a.state, a.condition, a.raised_at, a.last_value, a.enterprise_id, e.name, r.name, "
    "t.sensor_id, s.name, s.unit FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id "
    "JOIN telemetry_series t ON t.id = a.series_id LEFT JOIN sensors s ON s.id = t.sensor_id "
    "LEFT JOIN enterprises e ON e.id = a.enterprise_id "
    "WHERE a.state <> 'cleared' AND ($1 = 0 OR a.enterprise_id = $1) ORDER BY a.raised_at DESC, a.id DESC LIMIT $2";

// ---- statutory checks ----

constexpr std::string_view kDueCounts =
    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN inspection_due_date < $3 THEN 1 ELSE 0 END), 0) FROM equipment "
    "WHERE ($1 = 0 OR enterprise_id = $1) AND status <> 'retired' AND inspection_due_date IS NOT NULL "
    "AND inspection_due_date <= $2";
constexpr std::string_view kDueRows =
    "SELECT q.id, q.tag, q.name, q.type, q.inspection_due_date, q.enterprise_id, e.name, f.name FROM equipment q "
    "JOIN enterprises e ON e.id = q.enterprise_id JOIN facilities f ON f.id = q.facility_id "
    "WHERE ($1 = 0 OR q.enterprise_id = $1) AND q.status <> 'retired' AND q.inspection_due_date IS NOT NULL "
    "AND q.inspection_due_date <= $2 ORDER BY q.inspection_due_date, q.id LIMIT $3";

// ---- meters ----

// Meters that count an activity item (purchased electricity, natural gas, steam, water): consumption, not the
// park's own generation (PV and wind meters have no activity item) and not run hours.
constexpr std::string_view kConsumptionMeters =
    "SELECT s.id, s.name, s.unit, s.activity_item, s.enterprise_id, t.id FROM sensors s "
    "LEFT JOIN telemetry_series t ON t.sensor_id = s.id "
    "WHERE s.kind = 'meter' AND s.activity_item IS NOT NULL AND s.activity_item <> '' "
    "AND ($1 = 0 OR s.enterprise_id = $1) ORDER BY s.id LIMIT 2000";
// A counter's reading at the end of each sealed hour (the hour's last point and its instant).
constexpr std::string_view kHourlyReadings =
    "SELECT last_ns, last FROM telemetry_rollups WHERE series_id = $1 AND width_s = 3600 AND start_ns >= $2 "
    "AND start_ns < $3 ORDER BY start_ns";

// ---- outlets ----

constexpr std::string_view kOutletSensors =
    "SELECT s.id, s.name, s.quantity, s.unit, s.high_limit, s.enterprise_id, e.name, q.tag FROM sensors s "
    "JOIN enterprises e ON e.id = s.enterprise_id JOIN equipment q ON q.id = s.equipment_id "
    "WHERE s.kind = 'sensor' AND s.quantity = 'concentration' AND s.high_limit IS NOT NULL "
    "AND ($1 = 0 OR s.enterprise_id = $1) ORDER BY s.enterprise_id, s.id LIMIT 100";

// ---- driver and integrator ----

// A driver's bookings still ahead or under way (the logistics tables, through the driver record linked to the
// login): requested or scheduled from today's local midnight on (a late one of today included), and any vehicle
// arrived, at its dock, or done there but not yet out of the gate. Earliest slot first.
constexpr std::string_view kDriverBookings =
    "SELECT b.id, b.plate, b.operation, b.slot_start, b.slot_end, b.status, b.labels, b.called_at, b.gate_in_at, "
    "b.gate_out_at, b.dock_id, f.name, e.name, z.name FROM logistics_bookings b "
    "JOIN logistics_people p ON p.id = b.driver_id JOIN facilities f ON f.id = b.dock_id "
    "JOIN enterprises e ON e.id = b.enterprise_id LEFT JOIN logistics_zones z ON z.id = b.zone_id "
    "WHERE p.user_id = $1 AND p.kind = 'driver' AND ((b.status IN ('requested', 'scheduled') AND b.slot_start >= $2) "
    "OR b.status IN ('arrived', 'in_progress') OR (b.status = 'completed' AND b.gate_in_at IS NOT NULL "
    "AND b.gate_out_at IS NULL)) ORDER BY b.slot_start, b.id LIMIT 100";

constexpr std::string_view kDocks =
    "SELECT f.id, f.name, f.location, e.id, e.name FROM facilities f JOIN enterprises e ON e.id = f.enterprise_id "
    "WHERE f.kind = 'loading_dock' AND ($1 = 0 OR f.enterprise_id = $1) ORDER BY e.id, f.id LIMIT 200";
constexpr std::string_view kSeriesBySource =
    "SELECT source, COUNT(*), CAST(COALESCE(SUM(CASE WHEN sensor_id IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT) "
    "FROM telemetry_series WHERE ($1 = 0 OR enterprise_id = $1) GROUP BY source ORDER BY source";
// Points of today's local day already sealed into chunks (day rollups start at local midnight).
constexpr std::string_view kPointsSealedToday =
    "SELECT CAST(COALESCE(SUM((SELECT r.count FROM telemetry_rollups r WHERE r.series_id = t.id "
    "AND r.width_s = 86400 AND r.start_ns = $1)), 0) AS BIGINT) FROM telemetry_series t "
    "WHERE ($2 = 0 OR t.enterprise_id = $2)";
// Writes refused for the series caps (telemetry audits them, one entry per logged refusal with the count since the
// entry before).
constexpr std::string_view kRefusedToday =
    "SELECT after FROM audit_log WHERE action = 'series_refused' AND at >= $1 AND ($2 = 0 OR enterprise_id = $2) "
    "LIMIT 10000";
constexpr std::string_view kEnterpriseNames = "SELECT id, name FROM enterprises WHERE $1 = 0 OR id = $1";

constexpr int kDueWithinDays = 30;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kNsPerMs = 1'000'000;

Json Nullable(const store::Row& r, size_t i) { return r.IsNull(i) ? Json(nullptr) : Json(r.Text(i)); }
Json NullableId(const store::Row& r, size_t i) { return r.IsNull(i) ? Json(nullptr) : Json(r.Int(i)); }

int YearOf(std::string_view date) { return std::stoi(std::string(date.substr(0, 4))); }

// ---- energy and emissions today ----

struct MeterData {
  int64_t id = 0;
  std::string name, unit, item;
  int64_t enterprise_id = 0;
  std::optional<int64_t> series_id;
  std::vector<telemetry::MeterReading> readings;
  std::optional<int64_t> latest_ms;
};

// tCO2 (location-based total) of one unit of an activity item in a year, and the factor revisions used: the
// carbon accounting's own formula applied to an amount of 1.
struct UnitEmission {
  double t_co2 = 0;
  Json factors = Json::array();
};
std::optional<UnitEmission> EmissionPerUnit(const carbon::FactorLibrary& library, const carbon::CalcConfig& base,
                                            const std::string& item, const std::string& unit, int year) {
  carbon::ActivityInput in;
  in.enterprise_code = "home";
  in.period = fmt::format("{:04d}-01", year);
  in.item = item;
  in.unit = unit;
  in.amount_number = 1.0;
  auto row = carbon::MakeActivityRow(in);
  if (!row.ok()) return std::nullopt;  // not an item the accounting knows in this unit
  carbon::CalcConfig calc = base;
  calc.year = year;
  carbon::EnterpriseInfo info;
  info.code = "home";
  info.name = "home";
  const std::vector<carbon::ActivityRow> rows = {*row};
  auto inv = carbon::ComputeEnterprise(library, calc, info, rows);
  if (!inv.ok() || inv->lines.empty()) return std::nullopt;  // e.g. no factor for the item
  UnitEmission out;
  out.t_co2 = inv->Year()[carbon::Metric::kTotalTCo2];
  // The factors of the CO2 figure only: not the standard-coal coefficients, and for electricity the location-based
  // grid factor (slot 0), not the market-based one.
  const auto& line = inv->lines.front();
  for (size_t i = 0; i < line.factors.size(); ++i) {
    const carbon::Factor* f = line.factors[i];
    if (f == nullptr || f->kind == carbon::FactorKind::kStandardCoal ||
        f->kind == carbon::FactorKind::kElectricityEqualValue || (line.rule == carbon::LineRule::kElectricity && i > 0)) {
      continue;
    }
    out.factors.push_back({{"id", f->id},
                           {"revision", f->revision},
                           {"kind", carbon::FactorKindName(f->kind)},
                           {"value", f->value},
                           {"unit", f->unit},
                           {"year", f->year},
                           {"source", f->source}});
  }
  if (out.t_co2 == 0 && out.factors.empty()) return std::nullopt;  // water: no emissions
  return out;
}

// Order of items on the page: the accounting's order (fuels, electricity, heat, water).
int ItemRank(const std::string& item) {
  const auto parsed = carbon::ItemFromName(item);
  return parsed ? static_cast<int>(*parsed) : carbon::kItemCount;
}

// The trend of the day: {"today": [per local hour from midnight], "yesterday": [24 hours]}, null for no data.
Json HoursJson(const DayUse& use) {
  Json out = {{"today", Json::array()}, {"yesterday", Json::array()}};
  for (const auto& h : use.today_hours) out["today"].push_back(OptJson(h));
  for (const auto& h : use.yesterday_hours) out["yesterday"].push_back(OptJson(h));
  return out;
}

Result<Json> EnergyToday(Impl& impl, const PanelRequest& req) {
  const Sources& src = impl.sources;
  const int64_t scope = ScopeOf(req.who);
  const DayWindows w = DayWindowsAt(req.now_ms, req.calendar);
  std::vector<MeterData> meters;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kConsumptionMeters, {scope}));
    for (const auto& r : rows) {
      MeterData m;
      m.id = r.Int(0);
      m.name = r.Text(1);
      m.unit = r.Text(2);
      m.item = r.Text(3);
      m.enterprise_id = r.Int(4);
      m.series_id = r.OptInt(5);
      if (m.series_id) {
        // Sealed hourly readings: from a day before yesterday (a reading before each window starts) to now, and
        // around the same day last year.
        for (const Window& span : {Window{w.yesterday_whole.from_ms - kDayMs, req.now_ms + 1},
                                   Window{w.last_year_same_time.from_ms - kDayMs, w.last_year_same_time.to_ms + kDayMs}}) {
          PARK_ASSIGN_OR_RETURN(auto readings, tx.Query(kHourlyReadings, {*m.series_id, span.from_ms * kNsPerMs,
                                                                          span.to_ms * kNsPerMs}));
          for (const auto& p : readings) m.readings.push_back({p.Int(0) / kNsPerMs, p.Real(1)});
        }
      }
      meters.push_back(std::move(m));
    }
    return {};
  }));
  // The newest reading, not sealed yet, closes today's last interval.
  for (auto& m : meters) {
    if (!m.series_id) continue;
    PARK_ASSIGN_OR_RETURN(auto latest, LatestValue(src.router, req.who, m.id));
    if (!latest) continue;
    m.latest_ms = latest->first;
    if (m.readings.empty() || latest->first > m.readings.back().timestamp_ms) {
      m.readings.push_back({latest->first, latest->second});
    }
  }
  struct Group {
    std::string item, unit;
    DayUse use;
    int meters = 0;
    int silent = 0;  // no reading in the last hour
  };
  std::map<std::pair<int, std::string>, Group> groups;  // (item rank, item|unit)
  for (const auto& m : meters) {
    auto& g = groups[{ItemRank(m.item), m.item + "|" + m.unit}];
    g.item = m.item;
    g.unit = m.unit;
    ++g.meters;
    if (!m.latest_ms || req.now_ms - *m.latest_ms > kHourMs) ++g.silent;
    AddDayUse(g.use, MeterDayUse(m.readings, w));
  }

  PARK_ASSIGN_OR_RETURN(auto library, impl.Library());
  const int this_year = YearOf(w.today), yesterday_year = YearOf(w.yesterday), last_year = YearOf(w.last_year);
  Json items = Json::array();
  Json emission_items = Json::array();
  DayUse emissions;  // tCO2
  int silent = 0;
  for (const auto& [key, g] : groups) {
    silent += g.silent;
    items.push_back({{"item", g.item},
                     {"unit", g.unit},
                     {"meters", g.meters},
                     {"meters_today", g.use.meters_today},
                     {"today", OptJson(g.use.today)},
                     {"yesterday_same_time", OptJson(g.use.yesterday_same_time)},
                     {"yesterday", OptJson(g.use.yesterday)},
                     {"last_year_same_time", OptJson(g.use.last_year_same_time)},
                     {"vs_yesterday", ChangeJson(Compare(g.use.today, g.use.yesterday_same_time))},
                     {"vs_last_year", ChangeJson(Compare(g.use.today, g.use.last_year_same_time))},
                     {"hours", HoursJson(g.use)}});
    const auto now_factor = EmissionPerUnit(*library, src.carbon.calc, g.item, g.unit, this_year);
    if (!now_factor) continue;
    const auto yesterday_factor = yesterday_year == this_year
                                      ? now_factor
                                      : EmissionPerUnit(*library, src.carbon.calc, g.item, g.unit, yesterday_year);
    const auto old_factor = EmissionPerUnit(*library, src.carbon.calc, g.item, g.unit, last_year);
    auto times = [](const std::optional<double>& use, const std::optional<UnitEmission>& f) -> std::optional<double> {
      if (!use || !f) return std::nullopt;
      return *use * f->t_co2;
    };
    DayUse e;
    for (const auto& h : g.use.today_hours) e.today_hours.push_back(times(h, now_factor));
    for (const auto& h : g.use.yesterday_hours) e.yesterday_hours.push_back(times(h, yesterday_factor));
    e.today = times(g.use.today, now_factor);
    e.yesterday_same_time = times(g.use.yesterday_same_time, yesterday_factor);
    e.yesterday = times(g.use.yesterday, yesterday_factor);
    e.last_year_same_time = times(g.use.last_year_same_time, old_factor);
    AddDayUse(emissions, e);
    emission_items.push_back({{"item", g.item},
                              {"unit", g.unit},
                              {"today_t_co2", OptJson(e.today)},
                              {"t_co2_per_unit", now_factor->t_co2},
                              {"factors", now_factor->factors},
                              {"t_co2_per_unit_last_year", old_factor ? Json(old_factor->t_co2) : Json(nullptr)}});
  }
  Json notes = Json::array();
  notes.push_back(TextJson(T("home.energy.basis", {{"last_year", w.last_year}})));
  if (silent > 0) notes.push_back(TextJson(T("home.energy.silent", {{"count", silent}})));
  Json out = {{"title", TextJson(T("home.panel.energy_today"))},
              {"today", w.today},
              {"yesterday", w.yesterday},
              {"last_year", w.last_year},
              {"from", FormatInstantMs(w.today_so_far.from_ms)},
              {"to", FormatInstantMs(w.today_so_far.to_ms)},
              {"items", std::move(items)},
              {"notes", std::move(notes)},
              {"emissions",
               {{"unit", "tCO2"},
                {"today", OptJson(emissions.today)},
                {"yesterday_same_time", OptJson(emissions.yesterday_same_time)},
                {"yesterday", OptJson(emissions.yesterday)},
                {"last_year_same_time", OptJson(emissions.last_year_same_time)},
                {"vs_yesterday", ChangeJson(Compare(emissions.today, emissions.yesterday_same_time))},
                {"vs_last_year", ChangeJson(Compare(emissions.today, emissions.last_year_same_time))},
                {"items", std::move(emission_items)},
                {"hours", HoursJson(emissions)},
                {"basis", TextJson(T("home.emissions.basis"))}}}};
  if (out["items"].empty()) out["empty"] = TextJson(T("home.empty.energy"));
  return out;
}

// ---- driver ----

constexpr size_t kAppointmentsShown = 5;

Result<Json> Appointments(Impl& impl, const PanelRequest& req) {
  Json items = Json::array();
  size_t count = 0, called = 0;
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kDriverBookings, {req.who.user_id, req.calendar.DayStartMs(req.now_ms)}));
    count = rows.size();
    for (const auto& r : rows) {
      // Called in and not yet at its dock: the driver has to drive now.
      const bool is_called = !r.IsNull(7) && r.Text(5) == "arrived";
      if (is_called) ++called;
      if (items.size() >= kAppointmentsShown) continue;
      const bool inside = !r.IsNull(8) && r.IsNull(9);
      const Json labels = Json::parse(r.Text(6), nullptr, false);
      items.push_back({{"booking_id", r.Int(0)},
                       {"plate", r.Text(1)},
                       {"operation", r.Text(2)},
                       {"slot_start", r.Int(3)},
                       {"slot_end", r.Int(4)},
                       {"status", r.Text(5)},
                       {"labels", labels.is_array() ? labels : Json::array()},
                       {"called", !r.IsNull(7)},
                       {"called_at", r.IsNull(7) ? Json(nullptr) : Json(r.Int(7))},  // epoch ms, as the logistics routes
                       {"inside", inside},
                       {"dock_id", r.Int(10)},
                       {"dock_name", r.Text(11)},
                       {"enterprise_name", r.Text(12)},
                       {"zone_name", inside && !r.IsNull(13) ? Json(r.Text(13)) : Json(nullptr)}});
    }
    return {};
  }));
  Json out = {{"title", TextJson(T("home.panel.appointments"))},
              {"count", count},
              {"called", called},
              {"items", std::move(items)}};
  if (count > kAppointmentsShown) {
    out["notes"] = Json::array({TextJson(T("home.appointments.more", {{"count", count - kAppointmentsShown}}))});
  }
  if (count == 0) out["empty"] = TextJson(T("home.empty.appointments"));
  return out;
}

Result<Json> LoadingDocks(Impl& impl, const PanelRequest& req) {
  Json items = Json::array();
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kDocks, {ScopeOf(req.who)}));
    for (const auto& r : rows) {
      items.push_back({{"facility_id", r.Int(0)},
                       {"name", r.Text(1)},
                       {"location", r.Text(2)},
                       {"enterprise_id", r.Int(3)},
                       {"enterprise_name", r.Text(4)}});
    }
    return {};
  }));
  Json out = {{"title", TextJson(T("home.panel.loading_docks"))}, {"count", items.size()}, {"items", std::move(items)}};
  if (out["items"].empty()) out["empty"] = TextJson(T("home.empty.docks"));
  return out;
}

// ---- integrator ----

// The device or gateway a series comes from: the first segment of its key (an HJ 212 data logger's MN, a
// gateway's prefix such as "e01", a line-protocol measurement).
std::string GatewayOf(std::string_view key) { return std::string(key.substr(0, key.find('.'))); }

Result<Json> DataFlow(Impl& impl, const PanelRequest& req) {
  const int64_t scope = ScopeOf(req.who);
  const int64_t midnight = req.calendar.DayStartMs(req.now_ms);
  Json sources = Json::array();
  int64_t series = 0, bound = 0, sealed_today = 0, refused = 0;
  std::map<int64_t, std::string> names;
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSeriesBySource, {scope}));
    for (const auto& r : rows) {
      sources.push_back({{"source", r.Text(0)}, {"series", r.Int(1)}, {"bound_to_sensors", r.Int(2)}});
      series += r.Int(1);
      bound += r.Int(2);
    }
    PARK_ASSIGN_OR_RETURN(auto points, tx.QueryOne(kPointsSealedToday, {midnight * kNsPerMs, scope}));
    sealed_today = points->Int(0);
    PARK_ASSIGN_OR_RETURN(auto audits, tx.Query(kRefusedToday, {midnight, scope}));
    for (const auto& a : audits) {
      const Json after = Json::parse(a.Text(0), nullptr, false);
      refused += after.is_object() ? after.value("refused_since_last_entry", int64_t{1}) : 1;
    }
    PARK_ASSIGN_OR_RETURN(auto ents, tx.Query(kEnterpriseNames, {scope}));
    for (const auto& e : ents) names[e.Int(0)] = e.Text(1);
    return {};
  }));
  // Sensors' newest values (in memory until sealed) by gateway.
  PARK_ASSIGN_OR_RETURN(Json latest, ReadRoute(impl.sources.router, req.who, "/api/v1/latest"));
  struct Gateway {
    int sensors = 0, reporting = 0, online = 0;
    std::optional<int64_t> last_ms;
    std::set<int64_t> enterprises;
  };
  std::map<std::string, Gateway> gateways;
  int64_t sensors_online = 0, sensors_total = 0;
  for (const auto& item : latest["items"]) {
    auto& g = gateways[GatewayOf(item.value("key", std::string()))];
    ++g.sensors;
    ++sensors_total;
    if (item["enterprise_id"].is_number_integer()) g.enterprises.insert(item["enterprise_id"].get<int64_t>());
    if (item.value("online", false)) {
      ++g.online;
      ++sensors_online;
    }
    if (!item["ts"].is_string()) continue;
    auto ts = ParseInstantMs(item["ts"].get<std::string>(), "ts");
    if (!ts.ok()) continue;
    ++g.reporting;
    if (!g.last_ms || *ts > *g.last_ms) g.last_ms = *ts;
  }
  std::vector<std::pair<std::string, Gateway>> ordered(gateways.begin(), gateways.end());
  // The quietest first: a gateway that stopped is what an integrator looks for.
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.second.last_ms.value_or(0) < b.second.last_ms.value_or(0);
  });
  Json list = Json::array();
  for (const auto& [name, g] : ordered) {
    if (list.size() >= 12) break;
    Json j = {{"gateway", name},
              {"sensors", g.sensors},
              {"online", g.online},
              {"reporting", g.reporting},
              {"last_value_at", g.last_ms ? Json(FormatInstantMs(*g.last_ms)) : Json(nullptr)},
              {"enterprise_id", nullptr},
              {"enterprise_name", nullptr}};
    if (g.enterprises.size() == 1) {
      j["enterprise_id"] = *g.enterprises.begin();
      if (const auto n = names.find(*g.enterprises.begin()); n != names.end()) j["enterprise_name"] = n->second;
    }
    list.push_back(std::move(j));
  }
  Json notes = Json::array();
  notes.push_back(TextJson(T("home.dataflow.sealed_basis")));
  if (refused > 0) notes.push_back(TextJson(T("home.dataflow.refused", {{"count", refused}})));
  Json out = {{"title", TextJson(T("home.panel.dataflow"))},
              {"series", series},
              {"series_bound_to_sensors", bound},
              {"by_source", std::move(sources)},
              {"sensors", sensors_total},
              {"sensors_online", sensors_online},
              {"points_sealed_today", sealed_today},
              {"refused_writes_today", refused},
              {"gateways", std::move(list)},
              {"gateways_total", gateways.size()},
              {"notes", std::move(notes)}};
  if (series == 0) out["empty"] = TextJson(T("home.empty.series"));
  return out;
}

int OutletRank(OutletState s) {
  switch (s) {
    case OutletState::kOver: return 0;
    case OutletState::kNear: return 1;
    case OutletState::kOk: return 2;
    case OutletState::kStale: return 3;
    case OutletState::kNoData: return 4;
  }
  return 5;
}

}  // namespace

Result<Json> AlarmSummary(Impl& impl, int64_t scope, size_t newest, int64_t user_id) {
  Json by_severity = {{"critical", 0}, {"warning", 0}, {"info", 0}};
  int64_t open = 0, unacknowledged = 0, assigned_to_me = 0, to_close = 0;
  Json items = Json::array();
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto counts, tx.Query(kAlarmCounts, {scope}));
    for (const auto& r : counts) {
      const std::string severity = r.Text(0);
      by_severity[severity] = by_severity.value(severity, int64_t{0}) + r.Int(2);
      open += r.Int(2);
      if (r.Text(1) == "active") unacknowledged += r.Int(2);
    }
    PARK_ASSIGN_OR_RETURN(auto work, tx.QueryOne(kAlarmWork, {scope, user_id > 0 ? user_id : int64_t{-1}}));
    assigned_to_me = work->Int(0);
    to_close = work->Int(1);
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kNewestAlarms, {scope, static_cast<int64_t>(newest)}));
    for (const auto& r : rows) {
      items.push_back({{"id", r.Int(0)},
                       {"severity", r.Text(1)},
                       {"state", r.Text(2)},
                       {"condition", r.Text(3)},
                       {"raised_at", FormatInstantMs(r.Int(4))},
                       {"value", r.Real(5)},
                       {"enterprise_id", NullableId(r, 6)},
                       {"enterprise_name", Nullable(r, 7)},
                       {"rule_name", r.Text(8)},
                       {"sensor_id", NullableId(r, 9)},
                       {"sensor_name", Nullable(r, 10)},
                       {"unit", Nullable(r, 11)}});
    }
    return {};
  }));
  Json out = {{"open", open},
              {"unacknowledged", unacknowledged},
              {"assigned_to_me", assigned_to_me},
              {"to_close", to_close},
              {"by_severity", std::move(by_severity)},
              {"items", std::move(items)}};
  if (open == 0 && assigned_to_me == 0 && to_close == 0) out["empty"] = TextJson(T("home.empty.alarms"));
  return out;
}

Result<Json> DueSummary(Impl& impl, const PanelRequest& req, int64_t scope, size_t shown) {
  const std::string today = req.calendar.DateOf(req.now_ms);
  const std::string horizon = req.calendar.DateOf(req.now_ms + kDueWithinDays * kDayMs);
  int64_t due = 0, overdue = 0;
  std::vector<DueInput> checks;
  struct Detail {
    std::string tag, name, type, facility, enterprise_name;
    int64_t enterprise_id = 0;
  };
  std::map<int64_t, Detail> details;
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto counts, tx.QueryOne(kDueCounts, {scope, horizon, today}));
    due = counts->Int(0);
    overdue = counts->Int(1);
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kDueRows, {scope, horizon, int64_t{500}}));
    for (const auto& r : rows) {
      checks.push_back({r.Int(0), r.Text(4)});
      details[r.Int(0)] = {r.Text(1), r.Text(2), r.Text(3), r.Text(7), r.Text(6), r.Int(5)};
    }
    return {};
  }));
  Json items = Json::array();
  for (const auto& d : DueList(checks, today, kDueWithinDays)) {
    if (items.size() >= shown) break;
    const Detail& x = details[d.id];
    const char* state = d.state == DueState::kOverdue ? "overdue" : d.state == DueState::kDueToday ? "due_today" : "due_soon";
    items.push_back({{"equipment_id", d.id},
                     {"tag", x.tag},
                     {"name", x.name},
                     {"type", x.type},
                     {"facility_name", x.facility},
                     {"enterprise_id", x.enterprise_id},
                     {"enterprise_name", x.enterprise_name},
                     {"due_date", d.due_date},
                     {"days_left", d.days_left},
                     {"state", state},
                     {"text", TextJson(DueText(d))}});
  }
  Json out = {{"within_days", kDueWithinDays}, {"due", due}, {"overdue", overdue}, {"items", std::move(items)}};
  if (due == 0) out["empty"] = TextJson(T("home.empty.due", {{"days", kDueWithinDays}}));
  return out;
}

Result<Json> OutletSummary(Impl& impl, const PanelRequest& req, int64_t scope) {
  struct Outlet {
    int64_t id = 0, enterprise_id = 0;
    std::string name, quantity, unit, enterprise_name, tag;
    double high_limit = 0;
    std::optional<std::pair<int64_t, double>> latest;
    OutletCheck check;
  };
  std::vector<Outlet> outlets;
  PARK_TRY(impl.sources.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kOutletSensors, {scope}));
    for (const auto& r : rows) {
      if (!IsPollutantConcentration(r.Text(2), r.Text(3))) continue;
      Outlet o;
      o.id = r.Int(0);
      o.name = r.Text(1);
      o.quantity = r.Text(2);
      o.unit = r.Text(3);
      o.high_limit = r.Real(4);
      o.enterprise_id = r.Int(5);
      o.enterprise_name = r.Text(6);
      o.tag = r.Text(7);
      outlets.push_back(std::move(o));
    }
    return {};
  }));
  int64_t over = 0, near = 0;
  for (auto& o : outlets) {
    PARK_ASSIGN_OR_RETURN(o.latest, LatestValue(impl.sources.router, req.who, o.id));
    o.check = CheckOutlet(o.latest ? std::optional<double>(o.latest->second) : std::nullopt,
                          o.latest ? std::optional<int64_t>(o.latest->first) : std::nullopt, o.high_limit, req.now_ms);
    if (o.check.state == OutletState::kOver) ++over;
    if (o.check.state == OutletState::kNear) ++near;
  }
  std::stable_sort(outlets.begin(), outlets.end(),
                   [](const Outlet& a, const Outlet& b) { return OutletRank(a.check.state) < OutletRank(b.check.state); });
  Json items = Json::array();
  for (const auto& o : outlets) {
    items.push_back({{"sensor_id", o.id},
                     {"name", o.name},
                     {"equipment_tag", o.tag},
                     {"enterprise_id", o.enterprise_id},
                     {"enterprise_name", o.enterprise_name},
                     {"quantity", o.quantity},
                     {"unit", o.unit},
                     {"high_limit", o.high_limit},
                     {"value", o.latest ? Json(o.latest->second) : Json(nullptr)},
                     {"ts", o.latest ? Json(FormatInstantMs(o.latest->first)) : Json(nullptr)},
                     {"ratio", OptJson(o.check.ratio)},
                     {"state", OutletStateName(o.check.state)},
                     {"text", TextJson(OutletText(o.check, o.latest ? std::optional<int64_t>(o.latest->first)
                                                                    : std::nullopt, req.now_ms))}});
  }
  Json out = {{"over", over}, {"near", near}, {"items", std::move(items)}};
  if (out["items"].empty()) out["empty"] = TextJson(T("home.empty.outlets"));
  return out;
}

std::vector<Panel> ParkPanels(Impl& impl) {
  Impl* p = &impl;
  return {
      {"alarms",
       {Role::kParkAdmin, Role::kParkStaff, Role::kTechnician, Role::kViewer},
       [p](const PanelRequest& req) -> Result<Json> {
         PARK_ASSIGN_OR_RETURN(Json out, AlarmSummary(*p, ScopeOf(req.who), 5, req.who.user_id));
         out["title"] = TextJson(T("home.panel.alarms"));
         return out;
       }},
      {"inspections_due",
       {Role::kParkAdmin, Role::kParkStaff, Role::kTechnician},
       [p](const PanelRequest& req) -> Result<Json> {
         PARK_ASSIGN_OR_RETURN(Json out, DueSummary(*p, req, ScopeOf(req.who), 8));
         out["title"] = TextJson(T("home.panel.inspections_due"));
         return out;
       }},
      {"energy_today",
       {Role::kParkAdmin, Role::kParkStaff, Role::kViewer},
       [p](const PanelRequest& req) { return EnergyToday(*p, req); }},
      {"outlets",
       {Role::kParkAdmin, Role::kParkStaff, Role::kViewer},
       [p](const PanelRequest& req) -> Result<Json> {
         PARK_ASSIGN_OR_RETURN(Json out, OutletSummary(*p, req, ScopeOf(req.who)));
         out["title"] = TextJson(T("home.panel.outlets"));
         return out;
       }},
  };
}

std::vector<Panel> WorkPanels(Impl& impl) {
  Impl* p = &impl;
  return {
      {"appointments", {Role::kDriver}, [p](const PanelRequest& req) { return Appointments(*p, req); }},
      {"loading_docks", {Role::kDriver}, [p](const PanelRequest& req) { return LoadingDocks(*p, req); }},
      {"dataflow", {Role::kIntegrator}, [p](const PanelRequest& req) { return DataFlow(*p, req); }},
  };
}

}  // namespace park::home
