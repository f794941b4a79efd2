#include "park/logistics/monitor.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace park::logistics {
namespace {

using S = BookingStatus;

double Minutes(int64_t ms) { return static_cast<double>(ms) / static_cast<double>(kMsPerMinute); }

TextRef DocName(DocumentKind k) { return {"logistics.document.kind." + std::string(DocumentKindName(k))}; }

bool NotYetArrived(S s) { return s == S::kRequested || s == S::kScheduled; }

}  // namespace

std::string_view WarningKindName(WarningKind kind) {
  switch (kind) {
    case WarningKind::kOverstay: return "overstay";
    case WarningKind::kLateArrival: return "late_arrival";
    case WarningKind::kNoShow: return "no_show";
    case WarningKind::kDocumentExpired: return "document_expired";
    case WarningKind::kIncompatibleZone: return "incompatible_zone";
    case WarningKind::kBlacklist: return "blacklist";
  }
  return "overstay";
}

// ---- Warnings ---------------------------------------------------------------------------------------------

std::vector<Warning> Warnings(const std::vector<Visit>& visits, const std::vector<Zone>& zones,
                              const MixingMatrix& matrix, const ParkRules& rules, const Clock& clock) {
  const int64_t now = clock.NowMs();
  const int64_t today = DayOf(now, rules.utc_offset_min);
  std::vector<Warning> out;
  auto add = [&](WarningKind kind, const std::string& booking, std::string detail, int64_t since, Text text) {
    std::string key = std::string(WarningKindName(kind)) + ":" + booking;
    if (!detail.empty()) key += ":" + detail;
    out.push_back({kind, booking, std::move(key), since, std::move(text)});
  };
  for (const auto& v : visits) {
    if (v.arrived_ms && !v.departed_ms) {
      const int64_t limit = rules.overstay_min * kMsPerMinute;
      if (now - *v.arrived_ms > limit) {
        add(WarningKind::kOverstay, v.booking_id, "", *v.arrived_ms + limit,
            T("logistics.warning.overstay", {{"plate", v.plate},
                                             {"hours", Minutes(now - *v.arrived_ms) / 60.0},
                                             {"limit_h", rules.overstay_min / 60.0}}));
      }
    }
    if (!v.walk_in && NotYetArrived(v.status) && !v.arrived_ms) {
      const int64_t late_at = v.slot_start_ms + rules.late_grace_min * kMsPerMinute;
      const int64_t no_show_at = v.slot_start_ms + rules.no_show_grace_min * kMsPerMinute;
      if (now > no_show_at) {
        add(WarningKind::kNoShow, v.booking_id, "", no_show_at,
            T("logistics.warning.no_show", {{"plate", v.plate}, {"grace_min", rules.no_show_grace_min}}));
      } else if (now > late_at) {
        add(WarningKind::kLateArrival, v.booking_id, "", late_at,
            T("logistics.warning.late", {{"plate", v.plate}, {"minutes", std::floor(Minutes(now - v.slot_start_ms))}}));
      }
    }
    if (v.status == S::kScheduled || v.status == S::kArrived || v.status == S::kInProgress) {
      for (const auto& d : v.documents) {
        if (d.expires_day < today) {
          // The document counts as renewed when another of its kind is valid today.
          const bool renewed = std::any_of(v.documents.begin(), v.documents.end(), [&](const Document& o) {
            return o.kind == d.kind && o.expires_day >= today;
          });
          if (renewed) continue;
          add(WarningKind::kDocumentExpired, v.booking_id, std::string(DocumentKindName(d.kind)),
              DayStartMs(d.expires_day + 1, rules.utc_offset_min),
              T("logistics.warning.document_expired",
                {{"plate", v.plate}, {"kind", DocName(d.kind)}, {"expired_on", FormatDay(d.expires_day)}}));
        }
      }
    }
  }
  for (const auto& z : zones) {
    for (const auto& c : ZoneConflicts(matrix, z)) {
      std::string plate_a, plate_b;
      for (const auto& p : z.vehicles) {
        if (p.booking_id == c.booking_a) plate_a = p.plate;
        if (p.booking_id == c.booking_b) plate_b = p.plate;
      }
      add(WarningKind::kIncompatibleZone, c.booking_a, c.booking_b, now,
          T("logistics.warning.incompatible_zone", {{"zone", z.id},
                                                    {"plate_a", plate_a},
                                                    {"plate_b", plate_b},
                                                    {"label_a", c.pair.label_a},
                                                    {"label_b", c.pair.label_b}}));
    }
  }
  return out;
}

std::optional<BlacklistDecision> DecideBlacklist(const std::vector<Violation>& violations, std::string_view subject,
                                                 std::string_view id, const ParkRules& rules, const Clock& clock) {
  const int64_t now = clock.NowMs();
  const int64_t from = now - rules.violation_window_days * kMsPerDay;
  int count = 0;
  int64_t last = 0;
  for (const auto& v : violations) {
    if (v.subject != subject || v.id != id || v.at_ms < from || v.at_ms > now) continue;
    ++count;
    last = std::max(last, v.at_ms);
  }
  if (count < rules.violations_for_blacklist) return std::nullopt;
  BlacklistDecision d;
  d.entry = {std::string(subject), std::string(id), last + rules.blacklist_days * kMsPerDay};
  d.count = count;
  d.text = T("logistics.warning.blacklist", {{"subject", TextRef{"logistics.subject." + std::string(subject)}},
                                             {"id", std::string(id)},
                                             {"count", count},
                                             {"window_days", rules.violation_window_days},
                                             {"until", FormatDay(DayOf(d.entry.until_ms, rules.utc_offset_min))}});
  return d;
}

// ---- Prediction --------------------------------------------------------------------------------------------

std::vector<DockHourWait> PredictWaits(const std::vector<Visit>& visits, const std::vector<Dock>& docks,
                                       const Clock& clock, WaitModel* model) {
  const int64_t now = clock.NowMs();
  // What the day has shown so far: how late booked vehicles come, how long each dock takes.
  double lateness_sum = 0;
  int lateness_n = 0;
  std::map<std::string, std::pair<double, int>> service;  // dock -> (sum min, n)
  for (const auto& v : visits) {
    if (!v.walk_in && v.arrived_ms) {
      lateness_sum += Minutes(*v.arrived_ms - v.slot_start_ms);
      ++lateness_n;
    }
    if (v.dock_start_ms && v.dock_end_ms && *v.dock_end_ms >= *v.dock_start_ms) {
      auto& s = service[v.dock_id];
      s.first += Minutes(*v.dock_end_ms - *v.dock_start_ms);
      ++s.second;
    }
  }
  const double lateness_min = lateness_n > 0 ? lateness_sum / lateness_n : 0.0;
  if (model != nullptr) {
    model->mean_lateness_min = lateness_min;
    model->service_min.clear();
  }

  std::vector<DockHourWait> out;
  for (const auto& dock : docks) {
    const auto seen = service.find(dock.id);
    auto service_ms = [&](const Visit& v) {
      const double min = seen != service.end() ? seen->second.first / seen->second.second
                                               : static_cast<double>(dock.service_minutes(v.operation));
      return static_cast<int64_t>(std::llround(min * static_cast<double>(kMsPerMinute)));
    };
    if (model != nullptr && seen != service.end()) {
      model->service_min.emplace_back(dock.id, seen->second.first / seen->second.second);
    }
    // Places: busy until the vehicles being served finish (not before now).
    std::vector<int64_t> free_at(static_cast<size_t>(std::max(1, dock.parallel_capacity)), now);
    size_t busy = 0;
    struct Arrival {
      int64_t at;
      int64_t appointment;
      bool walk_in;
      const Visit* v;
    };
    std::vector<Arrival> queue;
    for (const auto& v : visits) {
      if (v.dock_id != dock.id) continue;
      if (v.status == S::kInProgress) {
        const int64_t start = v.dock_start_ms.value_or(now);
        if (busy < free_at.size()) free_at[busy++] = std::max(now, start + service_ms(v));
      } else if (v.status == S::kArrived || (NotYetArrived(v.status) && !v.departed_ms)) {
        int64_t at = v.arrived_ms
                         ? *v.arrived_ms
                         : v.slot_start_ms + static_cast<int64_t>(lateness_min * static_cast<double>(kMsPerMinute));
        if (!v.arrived_ms) at = std::max(at, now);
        queue.push_back({at, v.slot_start_ms, v.walk_in, &v});
      }
    }
    // Served in the calling order among those present: by arrival, booked before walk-ins at the same time.
    std::sort(queue.begin(), queue.end(), [](const Arrival& a, const Arrival& b) {
      if (a.at != b.at) return a.at < b.at;
      if (a.walk_in != b.walk_in) return !a.walk_in;
      return a.appointment < b.appointment;
    });
    std::map<int64_t, DockHourWait> by_hour;
    for (const auto& a : queue) {
      auto place = std::min_element(free_at.begin(), free_at.end());
      const int64_t start = std::max(a.at, *place);
      *place = start + service_ms(*a.v);
      const double wait = Minutes(start - a.at);
      const int64_t hour = a.at - ((a.at % kMsPerHour) + kMsPerHour) % kMsPerHour;
      auto& row = by_hour[hour];
      row.dock_id = dock.id;
      row.hour_start_ms = hour;
      row.mean_wait_min += wait;  // a sum until the end
      row.max_wait_min = std::max(row.max_wait_min, wait);
      ++row.vehicles;
    }
    for (auto& [hour, row] : by_hour) {
      row.mean_wait_min /= row.vehicles;
      out.push_back(row);
    }
  }
  return out;
}

// ---- Risk -----------------------------------------------------------------------------------------------------

namespace {

int LabelPoints(std::string_view label) {
  if (label == "1" || label.starts_with("1.")) return 40;
  if (label == "2.3") return 35;
  if (label == "7") return 25;
  if (label == "2.1" || label.starts_with("4") || label.starts_with("5") || label == "6.1") return 20;
  if (label == "3") return 15;
  if (label == "8") return 10;
  return 5;
}

}  // namespace

Risk RiskScore(const RiskInput& input, const ParkRules& rules, const Clock& clock) {
  Risk risk;
  // The most dangerous label carried.
  int best = 0;
  std::string best_un, best_label;
  double kg = 0;
  for (const auto& [g, qty] : input.goods) {
    kg += qty;
    if (g == nullptr) continue;
    for (const auto& l : g->labels) {
      const int p = LabelPoints(l);
      if (p > best) {
        best = p;
        best_un = g->un_number;
        best_label = l;
      }
    }
  }
  if (best > 0) {
    risk.terms.push_back(
        {best, T("logistics.risk.goods", {{"un_number", best_un}, {"label", best_label}, {"points", best}})});
  }
  const int tonnes_points = std::min(20, static_cast<int>(kg / 1000.0));
  if (tonnes_points > 0) {
    risk.terms.push_back(
        {tonnes_points, T("logistics.risk.quantity", {{"tonnes", kg / 1000.0}, {"points", tonnes_points}})});
  }
  if (input.violations > 0) {
    const int p = std::min(30, 10 * input.violations);
    risk.terms.push_back({p, T("logistics.risk.violations", {{"count", input.violations}, {"points", p}})});
  }
  if (input.no_shows > 0) {
    const int p = std::min(15, 5 * input.no_shows);
    risk.terms.push_back({p, T("logistics.risk.no_shows", {{"count", input.no_shows}, {"points", p}})});
  }
  const int64_t today = DayOf(clock.NowMs(), rules.utc_offset_min);
  for (const auto& e : ExpiringDocuments(input.documents, today, rules.document_warning_days)) {
    const bool renewed = std::any_of(input.documents.begin(), input.documents.end(), [&](const Document& o) {
      return o.kind == e.kind && o.expires_day - today > rules.document_warning_days;
    });
    if (renewed) continue;
    if (e.days_left < 0) {
      risk.terms.push_back(
          {30, T("logistics.risk.document_expired",
                 {{"kind", DocName(e.kind)}, {"expired_on", FormatDay(e.expires_day)}, {"points", 30}})});
    } else {
      risk.terms.push_back({10, T("logistics.risk.document_expiring",
                                  {{"kind", DocName(e.kind)}, {"days", e.days_left}, {"points", 10}})});
    }
  }
  int score = 0;
  for (const auto& t : risk.terms) score += t.points;
  risk.score = std::min(100, score);
  risk.level = risk.score < 30 ? "low" : risk.score < 60 ? "medium" : "high";
  return risk;
}

// ---- KPIs -------------------------------------------------------------------------------------------------------

std::vector<KpiRow> Kpis(const std::vector<Visit>& visits, const std::vector<Dock>& docks, KpiGroup group,
                         int64_t from_day, int64_t to_day, const ParkRules& rules) {
  std::map<std::string, const Dock*> dock_by_id;
  for (const auto& d : docks) dock_by_id[d.id] = &d;
  auto key_of = [&](const Visit& v) -> std::string {
    switch (group) {
      case KpiGroup::kDock: return v.dock_id;
      case KpiGroup::kEnterprise: {
        const auto it = dock_by_id.find(v.dock_id);
        return it == dock_by_id.end() ? std::string() : it->second->enterprise_id;
      }
      case KpiGroup::kCarrier: return v.carrier_id;
    }
    return {};
  };
  struct Acc {
    KpiRow row;
    double dwell = 0, turn = 0, booked_min = 0;
    int dwell_n = 0, turn_n = 0, on_time = 0, booked_arrived = 0;
  };
  std::map<std::string, Acc> acc;
  // Every group that has docks is listed, even with no visits (its utilisation is then 0).
  if (group != KpiGroup::kCarrier) {
    for (const auto& d : docks) {
      const std::string k = group == KpiGroup::kDock ? d.id : d.enterprise_id;
      acc[k].row.key = k;
    }
  }
  for (const auto& v : visits) {
    const int64_t day = DayOf(v.slot_start_ms, rules.utc_offset_min);
    if (day < from_day || day > to_day) continue;
    if (v.status == S::kCancelled || v.status == S::kRefused) continue;
    const std::string k = key_of(v);
    if (k.empty()) continue;
    auto& a = acc[k];
    a.row.key = k;
    if (!v.walk_in) ++a.row.bookings;
    if (v.arrived_ms) ++a.row.arrived;
    if (v.status == S::kCompleted) ++a.row.completed;
    if (v.status == S::kNoShow) ++a.row.no_shows;
    if (v.arrived_ms && v.departed_ms) {
      a.dwell += Minutes(*v.departed_ms - *v.arrived_ms);
      ++a.dwell_n;
    }
    if (v.dock_start_ms && v.departed_ms) {
      a.turn += Minutes(*v.departed_ms - *v.dock_start_ms);
      ++a.turn_n;
    }
    if (!v.walk_in && v.arrived_ms) {
      ++a.booked_arrived;
      if (*v.arrived_ms <= v.slot_start_ms + rules.on_time_tolerance_min * kMsPerMinute) ++a.on_time;
    }
    if (!v.walk_in && HoldsPlace(v.status)) {
      const auto it = dock_by_id.find(v.dock_id);
      if (it != dock_by_id.end()) a.booked_min += it->second->slot_minutes;
    }
  }
  const int64_t days = to_day - from_day + 1;
  std::vector<KpiRow> out;
  for (auto& [k, a] : acc) {
    KpiRow r = a.row;
    if (a.dwell_n > 0) r.mean_dwell_min = a.dwell / a.dwell_n;
    if (a.turn_n > 0) r.mean_turn_min = a.turn / a.turn_n;
    if (a.booked_arrived > 0) r.on_time_rate = static_cast<double>(a.on_time) / a.booked_arrived;
    const int due = a.booked_arrived + r.no_shows;
    if (due > 0) r.no_show_rate = static_cast<double>(r.no_shows) / due;
    if (group != KpiGroup::kCarrier) {
      double capacity_min = 0;
      for (const auto& d : docks) {
        if ((group == KpiGroup::kDock ? d.id : d.enterprise_id) != k) continue;
        capacity_min += static_cast<double>(days) * (d.close_minute - d.open_minute) * d.parallel_capacity;
      }
      if (capacity_min > 0) r.utilisation = a.booked_min / capacity_min;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace park::logistics
