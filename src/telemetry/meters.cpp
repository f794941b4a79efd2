#include "telemetry/meters.hpp"

#include <map>
#include <tuple>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/telemetry/meter.hpp"

namespace park::telemetry {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr std::string_view kMeter =
    "SELECT s.id, s.key, s.name, s.unit, s.quantity, s.enterprise_id, s.kind, s.activity_item FROM sensors s "
    "WHERE s.id = $1";
constexpr std::string_view kMeters =
    "SELECT s.id, s.key, s.name, s.unit, s.quantity, s.enterprise_id, s.kind, s.activity_item FROM sensors s "
    "WHERE s.kind = 'meter' AND ($1 = 0 OR s.enterprise_id = $1) ORDER BY s.enterprise_id, s.id";

struct MeterRow {
  int64_t id = 0;
  std::string key, name, unit, quantity, activity_item;
  int64_t enterprise_id = 0;
};

MeterRow MeterOf(const store::Row& r) {
  return {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(7), r.Int(5)};
}

std::string_view NoteName(MeterNoteKind k) {
  switch (k) {
    case MeterNoteKind::kOutOfOrder: return "out_of_order";
    case MeterNoteKind::kDuplicate: return "duplicate";
    case MeterNoteKind::kConflictingDuplicate: return "conflicting_duplicate";
    case MeterNoteKind::kInvalidValue: return "invalid_value";
    case MeterNoteKind::kRollover: return "rollover";
    case MeterNoteKind::kReset: return "reset";
    case MeterNoteKind::kGlitchDropped: return "glitch_dropped";
    case MeterNoteKind::kRebaselined: return "rebaselined";
    case MeterNoteKind::kUnconfirmedDrop: return "unconfirmed_drop";
    case MeterNoteKind::kGap: return "gap";
  }
  return "note";
}

struct Consumption {
  std::vector<PeriodTotal> periods;
  std::vector<MeterNote> notes;
  double total = 0;
};

// Readings from a day before `from` to a day after `to` (so the intervals across both ends are whole),
// consumption split into local periods, and only the periods that start inside [from, to) kept. Long ranges read the hourly rollups' last values as
// readings (a counter's reading at each hour's end) instead of every point.
Result<Consumption> Compute(Service::Impl& s, const MeterRow& m, int64_t from_ms, int64_t to_ms, bool monthly) {
  auto series = s.resolver.FindKey(m.key);  // a meter that never reported has no series yet
  Consumption out;
  if (!series) return out;
  const int64_t lead_ms = 24LL * 3600 * 1000;
  std::vector<MeterReading> readings;
  const int64_t span_ms = to_ms - from_ms;
  if (span_ms > 3LL * 24 * 3600 * 1000) {
    PARK_ASSIGN_OR_RETURN(auto buckets, s.engine.Buckets(series->id, (from_ms - lead_ms) * 1'000'000,
                                                         (to_ms + lead_ms) * 1'000'000, BucketGrid{kHourNs, 0}));
    for (const auto& b : buckets) readings.push_back({b.aggregate.last_ts_ns / 1'000'000, b.aggregate.last});
  } else {
    PARK_ASSIGN_OR_RETURN(auto points, s.engine.Raw(series->id, (from_ms - lead_ms) * 1'000'000,
                                                    (to_ms + lead_ms) * 1'000'000, 5'000'000));
    for (const auto& p : points) readings.push_back({p.timestamp_ns / 1'000'000, p.value});
  }
  MeterOptions opts;
  opts.max_gap_ms = 6LL * 3600 * 1000;
  auto result = ComputeConsumption(readings, opts);
  auto totals = monthly ? MonthlyTotals(result.intervals, s.config.utc_offset_minutes)
                        : DailyTotals(result.intervals, s.config.utc_offset_minutes);
  for (auto& t : totals) {
    if (t.start_ms < from_ms || t.start_ms >= to_ms) continue;
    out.total += t.consumption;
    out.periods.push_back(std::move(t));
  }
  for (const auto& n : result.notes) {
    if (n.timestamp_ms >= from_ms && n.timestamp_ms < to_ms) out.notes.push_back(n);
  }
  return out;
}

struct Window {
  int64_t from_ms, to_ms;
  bool monthly;
};

// from/to as dates (local days) or instants; period day (default) or month. Default: the last 7 days.
Result<Window> WindowOf(const Request& req, const Service::Impl& s) {
  const int64_t offset_ms = static_cast<int64_t>(s.config.utc_offset_minutes) * 60'000;
  auto parse = [&](std::string_view text, std::string_view field) -> Result<int64_t> {
    if (text.size() == 10 && IsValidDate(text)) {
      const int64_t days = DaysFromCivil(std::stoi(std::string(text.substr(0, 4))),
                                         static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2)))),
                                         static_cast<unsigned>(std::stoi(std::string(text.substr(8, 2)))));
      return days * 86'400'000 - offset_ms;
    }
    return ParseInstantMs(text, field);
  };
  Window w{};
  const std::string period(req.Query("period").value_or("day"));
  if (period != "day" && period != "month") return Error::Invalid("period", T("telemetry.meter_period"));
  w.monthly = period == "month";
  const int64_t now = s.clock.NowMs();
  const int64_t today = ((now + offset_ms) / 86'400'000) * 86'400'000 - offset_ms;
  w.to_ms = today + 86'400'000;
  if (auto t = req.Query("to")) {
    PARK_ASSIGN_OR_RETURN(w.to_ms, parse(*t, "to"));
  }
  w.from_ms = w.to_ms - 7 * 86'400'000LL;
  if (auto f = req.Query("from")) {
    PARK_ASSIGN_OR_RETURN(w.from_ms, parse(*f, "from"));
  }
  // Readings are read in nanoseconds, a day beyond each bound: outside 1900..2199 that would overflow.
  PARK_TRY(CheckQueryBoundMs(w.to_ms, "to"));
  PARK_TRY(CheckQueryBoundMs(w.from_ms, "from"));
  if (w.from_ms >= w.to_ms) return Error::Invalid("from", T("time.from_before_to"));
  if (w.to_ms - w.from_ms > 400LL * 86'400'000) return Error::Invalid("from", T("time.range_too_long", {{"max_days", 400}}));
  return w;
}

Json PeriodsJson(const std::vector<PeriodTotal>& periods) {
  Json a = Json::array();
  for (const auto& p : periods) a.push_back({{"period", p.period}, {"consumption", p.consumption}});
  return a;
}

// HJ 212 codes of the pollutants the carbon accounting lists, as its activity items.
constexpr std::pair<std::string_view, std::string_view> kPollutantItems[] = {
    {"w01018", "cod"}, {"w21003", "nh3n"}, {"w21001", "tn"}, {"w21011", "tp"},
    {"a21026", "so2"}, {"a21002", "nox"},  {"a34013", "pm"}, {"a24088", "vocs"}};

constexpr std::string_view kActivityMeters =
    "SELECT s.id, s.key, s.name, s.unit, s.quantity, s.enterprise_id, s.kind, s.activity_item FROM sensors s "
    "WHERE s.kind = 'meter' AND s.activity_item IS NOT NULL AND s.activity_item <> '' "
    "AND ($1 = 0 OR s.enterprise_id = $1) ORDER BY s.id";
constexpr std::string_view kDischargeSeries =
    "SELECT id, key, enterprise_id FROM telemetry_series WHERE source = 'hj212' AND key LIKE '%-kg' "
    "AND enterprise_id IS NOT NULL AND ($1 = 0 OR enterprise_id = $1) ORDER BY id";

}  // namespace

Result<std::vector<MeteredMonth>> Service::MeteredMonthTotals(std::string_view period,
                                                              std::optional<int64_t> enterprise_id) {
  Impl& s = *impl_;
  if (!IsValidMonth(period)) return Error::Invalid("period", T("time.month_format", {{"value", period}}));
  const int year = std::stoi(std::string(period.substr(0, 4)));
  const int month = std::stoi(std::string(period.substr(5, 2)));
  const int64_t offset_ms = static_cast<int64_t>(s.config.utc_offset_minutes) * 60'000;
  const int64_t from_ms = DaysFromCivil(year, static_cast<unsigned>(month), 1) * 86'400'000 - offset_ms;
  const int64_t to_ms = DaysFromCivil(month == 12 ? year + 1 : year, static_cast<unsigned>(month == 12 ? 1 : month + 1), 1) *
                            86'400'000 - offset_ms;
  std::vector<MeterRow> meters;
  std::vector<store::Row> discharges;
  PARK_TRY(s.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kActivityMeters, {enterprise_id.value_or(0)}));
    for (const auto& r : rows) meters.push_back(MeterOf(r));
    PARK_ASSIGN_OR_RETURN(discharges, tx.Query(kDischargeSeries, {enterprise_id.value_or(0)}));
    return {};
  }));
  std::map<std::tuple<int64_t, std::string, std::string>, MeteredMonth> totals;  // (enterprise, item, unit)
  for (const auto& m : meters) {
    PARK_ASSIGN_OR_RETURN(auto c, Compute(s, m, from_ms, to_ms, true));
    if (c.periods.empty()) continue;  // no readings this month: nothing to say
    auto& t = totals[{m.enterprise_id, m.activity_item, m.unit}];
    t.enterprise_id = m.enterprise_id;
    t.item = m.activity_item;
    t.unit = m.unit;
    t.amount += c.total;
    t.note += (t.note.empty() ? "metered: " : ", ") + m.key;
  }
  for (const auto& r : discharges) {
    const std::string key = r.Text(1);
    const auto dot = key.find('.');
    const std::string code = dot == std::string::npos ? "" : key.substr(dot + 1, key.size() - dot - 1 - 3);
    std::string_view item;
    for (const auto& [c, i] : kPollutantItems) {
      if (c == code) item = i;
    }
    if (item.empty()) continue;
    PARK_ASSIGN_OR_RETURN(auto pts, s.engine.Raw(r.Int(0), from_ms * 1'000'000, to_ms * 1'000'000, 10'000'000));
    if (pts.empty()) continue;
    double kg = 0;
    for (const auto& p : pts) kg += p.value;
    auto& t = totals[{r.Int(2), std::string(item), "kg"}];
    t.enterprise_id = r.Int(2);
    t.item = std::string(item);
    t.unit = "kg";
    t.amount += kg;
    t.note += (t.note.empty() ? "HJ 212 hourly discharges: " : ", ") + key;
  }
  std::vector<MeteredMonth> out;
  for (auto& [k, v] : totals) out.push_back(std::move(v));
  return out;
}

void RegisterMeterRoutes(Service::Impl& s, http::Router& router) {
  Service::Impl* sp = &s;
  const std::vector<http::QueryParamDoc> window_doc = {
      {"from", "string", "first local day YYYY-MM-DD (or an instant), 1900..2199; default 7 days before to", false},
      {"to", "string", "local day after the last (or an instant), 1900..2199; default tomorrow", false},
      {"period", "string", "day (default) or month", false}};
  {
    auto r = http::MakeRoute(
        "telemetry", Method::kGet, "/api/v1/meters/{id}/consumption", kTelemetryReaders,
        "A meter's consumption per local day or month, with every reset, rollover and gap noted",
        [sp](const Request& req) -> Response {
          auto id = req.IdParam();
          if (!id.ok()) return Response::FromError(id.error());
          auto w = WindowOf(req, *sp);
          if (!w.ok()) return Response::FromError(w.error());
          std::optional<MeterRow> m;
          auto st = sp->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kMeter, {*id}));
            if (row && row->Text(6) == "meter") m = MeterOf(*row);
            return {};
          });
          if (!st.ok()) return Response::FromError(st.error());
          if (!m || !req.Who().CanSeeEnterprise(m->enterprise_id)) {
            return Response::FromError(Error::NotFound(T("telemetry.no_meter")));
          }
          auto c = Compute(*sp, *m, w->from_ms, w->to_ms, w->monthly);
          if (!c.ok()) return Response::FromError(c.error());
          Json notes = Json::array();
          for (const auto& n : c->notes) {
            notes.push_back({{"ts", FormatInstantMs(n.timestamp_ms)}, {"kind", NoteName(n.kind)}, {"value", n.value}});
          }
          return Response::FromJson({{"meter_id", m->id},
                                     {"key", m->key},
                                     {"name", m->name},
                                     {"unit", m->unit},
                                     {"quantity", m->quantity},
                                     {"enterprise_id", m->enterprise_id},
                                     {"activity_item", m->activity_item},
                                     {"total", c->total},
                                     {"periods", PeriodsJson(c->periods)},
                                     {"notes", std::move(notes)}});
        });
    r.doc.query = window_doc;
    router.Add(std::move(r));
  }
  {
    auto r = http::MakeRoute(
        "telemetry", Method::kGet, "/api/v1/meters/consumption", kTelemetryReaders,
        "Consumption of every meter per local day or month, with totals per enterprise and for the park by unit",
        [sp](const Request& req) -> Response {
          auto enterprise = http::EnterpriseScope(req);
          if (!enterprise.ok()) return Response::FromError(enterprise.error());
          const int64_t scope = enterprise->value_or(0);
          auto w = WindowOf(req, *sp);
          if (!w.ok()) return Response::FromError(w.error());
          std::vector<MeterRow> meters;
          auto st = sp->store.Read([&](store::Tx& tx) -> Status {
            PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kMeters, {scope}));
            for (const auto& r : rows) meters.push_back(MeterOf(r));
            return {};
          });
          if (!st.ok()) return Response::FromError(st.error());
          Json items = Json::array();
          std::map<std::pair<int64_t, std::string>, double> by_enterprise;  // (enterprise, unit) -> total
          std::map<std::string, std::map<std::string, double>> park;         // unit -> period -> total
          for (const auto& m : meters) {
            auto c = Compute(*sp, m, w->from_ms, w->to_ms, w->monthly);
            if (!c.ok()) return Response::FromError(c.error());
            by_enterprise[{m.enterprise_id, m.unit}] += c->total;
            for (const auto& p : c->periods) park[m.unit][p.period] += p.consumption;
            items.push_back({{"meter_id", m.id},
                             {"key", m.key},
                             {"name", m.name},
                             {"unit", m.unit},
                             {"quantity", m.quantity},
                             {"enterprise_id", m.enterprise_id},
                             {"total", c->total},
                             {"notes", c->notes.size()},
                             {"periods", PeriodsJson(c->periods)}});
          }
          Json enterprises = Json::array();
          for (const auto& [k, total] : by_enterprise) {
            enterprises.push_back({{"enterprise_id", k.first}, {"unit", k.second}, {"total", total}});
          }
          Json park_json = Json::array();
          for (const auto& [unit, periods] : park) {
            Json ps = Json::array();
            double total = 0;
            for (const auto& [period, v] : periods) {
              ps.push_back({{"period", period}, {"consumption", v}});
              total += v;
            }
            park_json.push_back({{"unit", unit}, {"total", total}, {"periods", std::move(ps)}});
          }
          return Response::FromJson(
              {{"meters", std::move(items)}, {"enterprises", std::move(enterprises)}, {"park", std::move(park_json)}});
        });
    auto doc = window_doc;
    doc.push_back({"enterprise_id", "integer", "only this enterprise's meters", false});
    r.doc.query = doc;
    router.Add(std::move(r));
  }
}

}  // namespace park::telemetry
