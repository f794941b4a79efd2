#include "park/home/home.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "park/core/time.hpp"

namespace park::home {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

struct Civil {
  int64_t y = 1970;
  unsigned m = 1, d = 1;
};

// A date written YYYY-MM-DD (already valid) as numbers.
Civil ParseDate(std::string_view date) {
  Civil c;
  c.y = std::stoll(std::string(date.substr(0, 4)));
  c.m = static_cast<unsigned>(std::stoi(std::string(date.substr(5, 2))));
  c.d = static_cast<unsigned>(std::stoi(std::string(date.substr(8, 2))));
  return c;
}

int DaysInMonth(int64_t y, unsigned m) {
  const int64_t first = DaysFromCivil(y, m, 1);
  const int64_t next = m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
  return static_cast<int>(next - first);
}

std::string MonthText(int64_t y, unsigned m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u", static_cast<long long>(y), m);
  return buf;
}

std::string DateText(int64_t y, unsigned m, unsigned d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

}  // namespace

int64_t LocalCalendar::DayStartMs(int64_t instant_ms) const {
  return FloorDiv(instant_ms + OffsetMs(), kDayMs) * kDayMs - OffsetMs();
}

std::string LocalCalendar::DateOf(int64_t instant_ms) const { return FormatDateMs(instant_ms + OffsetMs()); }

int64_t LocalCalendar::StartOfDateMs(int64_t year, unsigned month, unsigned day) const {
  return DaysFromCivil(year, month, day) * kDayMs - OffsetMs();
}

DayWindows DayWindowsAt(int64_t now_ms, const LocalCalendar& calendar) {
  DayWindows w;
  const int64_t midnight = calendar.DayStartMs(now_ms);
  const int64_t elapsed = now_ms - midnight;
  w.today = calendar.DateOf(now_ms);
  w.yesterday = calendar.DateOf(midnight - 1);
  w.today_so_far = {midnight, now_ms};
  w.yesterday_same_time = {midnight - kDayMs, now_ms - kDayMs};
  w.yesterday_whole = {midnight - kDayMs, midnight};
  const Civil today = ParseDate(w.today);
  const unsigned day = std::min<unsigned>(today.d, static_cast<unsigned>(DaysInMonth(today.y - 1, today.m)));
  w.last_year = DateText(today.y - 1, today.m, day);
  const int64_t ly_midnight = calendar.StartOfDateMs(today.y - 1, today.m, day);
  w.last_year_same_time = {ly_midnight, ly_midnight + elapsed};
  return w;
}

MonthWindows MonthWindowsAt(int64_t now_ms, const LocalCalendar& calendar) {
  MonthWindows w;
  const Civil today = ParseDate(calendar.DateOf(now_ms));
  const int64_t y = today.y;
  const unsigned m = today.m;
  const int64_t ly = m == 1 ? y - 1 : y;
  const unsigned lm = m == 1 ? 12 : m - 1;
  w.this_month = MonthText(y, m);
  w.last_month = MonthText(ly, lm);
  w.last_year_month = MonthText(y - 1, m);
  w.this_month_days = DaysInMonth(y, m);
  w.last_month_days = DaysInMonth(ly, lm);
  w.last_year_month_days = DaysInMonth(y - 1, m);
  const int64_t start = calendar.StartOfDateMs(y, m, 1);
  w.this_month_so_far = {start, now_ms};
  w.elapsed_days = static_cast<double>(now_ms - start) / static_cast<double>(kDayMs);
  w.last_month_whole = {calendar.StartOfDateMs(ly, lm, 1), start};
  const int64_t ly_start = calendar.StartOfDateMs(y - 1, m, 1);
  w.last_year_month_whole = {ly_start, ly_start + static_cast<int64_t>(w.last_year_month_days) * kDayMs};
  return w;
}

Change Compare(std::optional<double> current, std::optional<double> baseline) {
  Change c{current, baseline, std::nullopt, std::nullopt};
  if (current && baseline) {
    c.change = *current - *baseline;
    if (*baseline != 0) c.change_pct = (*current - *baseline) / std::fabs(*baseline) * 100.0;
  }
  return c;
}

std::optional<double> UseIn(std::span<const telemetry::ConsumptionInterval> intervals, const Window& window) {
  std::optional<double> out;
  for (const auto& iv : intervals) {
    const int64_t from = std::max(iv.start_ms, window.from_ms);
    const int64_t to = std::min(iv.end_ms, window.to_ms);
    if (iv.end_ms <= iv.start_ms) {
      // A zero-length interval (two readings at one instant) counts when its instant lies in the window.
      if (iv.end_ms >= window.from_ms && iv.end_ms < window.to_ms) out = out.value_or(0) + iv.consumption;
      continue;
    }
    if (to <= from) continue;
    const double share = static_cast<double>(to - from) / static_cast<double>(iv.end_ms - iv.start_ms);
    out = out.value_or(0) + iv.consumption * share;
  }
  return out;
}

DayUse MeterDayUse(std::span<const telemetry::MeterReading> readings, const DayWindows& windows) {
  telemetry::MeterOptions opts;
  opts.max_gap_ms = 6LL * 3600 * 1000;  // as the meter endpoints mark gaps
  const auto result = telemetry::ComputeConsumption(readings, opts);
  DayUse u;
  u.today = UseIn(result.intervals, windows.today_so_far);
  u.yesterday_same_time = UseIn(result.intervals, windows.yesterday_same_time);
  u.yesterday = UseIn(result.intervals, windows.yesterday_whole);
  u.last_year_same_time = UseIn(result.intervals, windows.last_year_same_time);
  u.meters_today = u.today ? 1 : 0;
  u.meters_yesterday = u.yesterday_same_time ? 1 : 0;
  u.meters_last_year = u.last_year_same_time ? 1 : 0;
  constexpr int64_t kHour = 3'600'000;
  const int64_t midnight = windows.today_so_far.from_ms;
  for (int64_t h = midnight; h < windows.today_so_far.to_ms; h += kHour) {
    u.today_hours.push_back(UseIn(result.intervals, {h, std::min(h + kHour, windows.today_so_far.to_ms)}));
  }
  for (int64_t h = windows.yesterday_whole.from_ms; h < windows.yesterday_whole.to_ms; h += kHour) {
    u.yesterday_hours.push_back(UseIn(result.intervals, {h, h + kHour}));
  }
  return u;
}

void AddDayUse(DayUse& into, const DayUse& meter) {
  auto add = [](std::optional<double>& a, const std::optional<double>& b) {
    if (b) a = a.value_or(0) + *b;
  };
  add(into.today, meter.today);
  add(into.yesterday_same_time, meter.yesterday_same_time);
  add(into.yesterday, meter.yesterday);
  add(into.last_year_same_time, meter.last_year_same_time);
  for (auto [sum, part] : {std::pair{&into.today_hours, &meter.today_hours}, std::pair{&into.yesterday_hours, &meter.yesterday_hours}}) {
    if (sum->size() < part->size()) sum->resize(part->size());
    for (size_t i = 0; i < part->size(); ++i) add((*sum)[i], (*part)[i]);
  }
  into.meters_today += meter.meters_today;
  into.meters_yesterday += meter.meters_yesterday;
  into.meters_last_year += meter.meters_last_year;
}

std::vector<DueItem> DueList(std::span<const DueInput> checks, std::string_view today, int within_days) {
  std::vector<DueItem> out;
  if (!IsValidDate(today)) return out;
  const Civil t = ParseDate(today);
  const int64_t today_days = DaysFromCivil(t.y, t.m, t.d);
  for (const auto& c : checks) {
    if (c.due_date.size() != 10 || !IsValidDate(c.due_date)) continue;
    const Civil d = ParseDate(c.due_date);
    const int64_t left = DaysFromCivil(d.y, d.m, d.d) - today_days;
    if (left > within_days) continue;
    DueItem item{c.id, c.due_date, static_cast<int>(left), DueState::kDueSoon};
    if (left < 0) item.state = DueState::kOverdue;
    if (left == 0) item.state = DueState::kDueToday;
    out.push_back(std::move(item));
  }
  std::sort(out.begin(), out.end(), [](const DueItem& a, const DueItem& b) {
    return a.days_left != b.days_left ? a.days_left < b.days_left : a.id < b.id;
  });
  return out;
}

Text DueText(const DueItem& item) {
  switch (item.state) {
    case DueState::kOverdue:
      return item.days_left == -1 ? T("home.due.overdue_one_day") : T("home.due.overdue", {{"days", -item.days_left}});
    case DueState::kDueToday: return T("home.due.today");
    case DueState::kDueSoon: break;
  }
  return item.days_left == 1 ? T("home.due.tomorrow") : T("home.due.in_days", {{"days", item.days_left}});
}

std::string ShiftMonth(std::string_view month, int months) {
  const int64_t y = std::stoll(std::string(month.substr(0, 4)));
  const int64_t m = std::stoll(std::string(month.substr(5, 2)));
  const int64_t index = y * 12 + (m - 1) + months;
  return MonthText(FloorDiv(index, 12), static_cast<unsigned>(index - FloorDiv(index, 12) * 12 + 1));
}

std::vector<std::string> OwedItems(std::span<const ItemMonth> rows, std::string_view month, int lookback_months) {
  if (!IsValidMonth(month) || lookback_months < 1) return {};
  const std::string first = ShiftMonth(month, -lookback_months);
  std::set<std::string> usual, present;
  for (const auto& r : rows) {
    if (r.period == month) {
      present.insert(r.item);
    } else if (r.period >= first && r.period < month) {  // YYYY-MM compares as text
      usual.insert(r.item);
    }
  }
  std::vector<std::string> out;
  for (const auto& item : usual) {
    if (!present.contains(item)) out.push_back(item);
  }
  return out;
}

bool IsPollutantConcentration(std::string_view quantity, std::string_view unit) {
  // A concentration in mass per volume (mg/L in water, mg/m3 in flue gas) or ppm; per cent is oxygen or moisture
  // in flue gas, a combustion figure rather than a discharge.
  return quantity == "concentration" && unit != "%";
}

std::string_view OutletStateName(OutletState state) {
  switch (state) {
    case OutletState::kNoData: return "no_data";
    case OutletState::kStale: return "stale";
    case OutletState::kOk: return "ok";
    case OutletState::kNear: return "near";
    case OutletState::kOver: return "over";
  }
  return "no_data";
}

OutletCheck CheckOutlet(std::optional<double> value, std::optional<int64_t> value_ms, double high_limit, int64_t now_ms,
                        int64_t stale_after_ms, double near_fraction) {
  OutletCheck c;
  if (!value || !value_ms || !std::isfinite(*value)) return c;
  if (high_limit > 0) c.ratio = *value / high_limit;
  if (now_ms - *value_ms > stale_after_ms) {
    c.state = OutletState::kStale;
  } else if (*value > high_limit) {
    c.state = OutletState::kOver;
  } else if (c.ratio && *c.ratio >= near_fraction) {
    c.state = OutletState::kNear;
  } else {
    c.state = OutletState::kOk;
  }
  return c;
}

Text OutletText(const OutletCheck& check, std::optional<int64_t> value_ms, int64_t now_ms) {
  const double pct = check.ratio ? *check.ratio * 100.0 : 0.0;
  switch (check.state) {
    case OutletState::kNoData: return T("home.outlet.no_data");
    case OutletState::kStale:
      return T("home.outlet.stale", {{"minutes", static_cast<double>((now_ms - value_ms.value_or(now_ms)) / 60'000)}});
    case OutletState::kOver: return T("home.outlet.over", {{"percent", pct}});
    case OutletState::kNear: return T("home.outlet.near", {{"percent", pct}});
    case OutletState::kOk: break;
  }
  return T("home.outlet.ok", {{"percent", pct}});
}

}  // namespace park::home
