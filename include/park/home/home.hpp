// The home page's arithmetic, as pure functions: the park's local day and month, "today so far" against the same
// hours of yesterday and of the same day last year, a meter's use inside such a window, the list of statutory
// checks due, the activity data an enterprise still owes for a month, and an outlet's latest value against its
// limit. No HTTP, SQL or clock in here: the service (park/home/service.hpp) reads the data and passes "now".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/text.hpp"
#include "park/telemetry/meter.hpp"

namespace park::home {

inline constexpr int64_t kDayMs = 86'400'000;

// The park's local calendar: a fixed offset from UTC ([telemetry] utc_offset_minutes; China keeps no daylight
// saving time, so one offset holds all year).
struct LocalCalendar {
  int utc_offset_minutes = 8 * 60;

  int64_t OffsetMs() const { return static_cast<int64_t>(utc_offset_minutes) * 60'000; }
  // The instant of local midnight at the start of the local day that holds `instant_ms`.
  int64_t DayStartMs(int64_t instant_ms) const;
  // "YYYY-MM-DD": the local date of an instant.
  std::string DateOf(int64_t instant_ms) const;
  // The instant of local midnight starting a (valid) civil date.
  int64_t StartOfDateMs(int64_t year, unsigned month, unsigned day) const;
};

// A half-open span of instants [from_ms, to_ms), epoch milliseconds.
struct Window {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int64_t length_ms() const { return to_ms - from_ms; }
};

// Today so far and what it is compared with: the same hours of yesterday (a fair comparison at any time of day),
// the whole of yesterday, and the same hours of the same date a year ago (29 February compares with 28 February).
struct DayWindows {
  std::string today, yesterday, last_year;  // local dates YYYY-MM-DD
  Window today_so_far;                      // local midnight → now
  Window yesterday_same_time;               // yesterday's midnight → now − 24 h
  Window yesterday_whole;
  Window last_year_same_time;
};
DayWindows DayWindowsAt(int64_t now_ms, const LocalCalendar& calendar);

// This month so far and the months it is compared with, with their lengths in days so that a month under way can
// be compared per day rather than as a part against a whole.
struct MonthWindows {
  std::string this_month, last_month, last_year_month;  // YYYY-MM
  Window this_month_so_far, last_month_whole, last_year_month_whole;
  double elapsed_days = 0;  // of this month, with the fraction of today
  int this_month_days = 0, last_month_days = 0, last_year_month_days = 0;
};
MonthWindows MonthWindowsAt(int64_t now_ms, const LocalCalendar& calendar);

// `current` against `baseline`. change = current − baseline; change_pct is relative to |baseline| and undefined
// when either side is missing or the baseline is 0.
struct Change {
  std::optional<double> current, baseline, change, change_pct;
};
Change Compare(std::optional<double> current, std::optional<double> baseline);

// What one meter (or a sum of meters of one item and unit) used in each window of DayWindows. nullopt: no reading
// interval touches the window ("no data", which is not 0).
struct DayUse {
  std::optional<double> today, yesterday_same_time, yesterday, last_year_same_time;
  int meters_today = 0, meters_yesterday = 0, meters_last_year = 0;  // meters that had data in each window
  // The trend of the day: the use in each local hour from midnight, today up to the hour under way (partly) and
  // yesterday's 24; nullopt for an hour no interval touches.
  std::vector<std::optional<double>> today_hours, yesterday_hours;
};
// The use of counter intervals inside `window`: each interval counts with the share of its time inside the window
// (intervals are a meter's readings apart; a reading every hour or less splits midnight to within that). nullopt
// when no interval overlaps the window.
std::optional<double> UseIn(std::span<const telemetry::ConsumptionInterval> intervals, const Window& window);
// One meter: its readings (any order; resets, rollovers and glitches handled by telemetry::ComputeConsumption)
// → its use in each window.
DayUse MeterDayUse(std::span<const telemetry::MeterReading> readings, const DayWindows& windows);
// Adds a meter's use into a sum: a window (or an hour) with data in either has data in the sum.
void AddDayUse(DayUse& into, const DayUse& meter);

// A statutory check (a pressure vessel's periodic inspection, a safety valve's calibration) due on a date.
struct DueInput {
  int64_t id = 0;
  std::string due_date;  // YYYY-MM-DD; anything else is skipped
};
enum class DueState { kOverdue, kDueToday, kDueSoon };
struct DueItem {
  int64_t id = 0;
  std::string due_date;
  int days_left = 0;  // negative: overdue by that many days
  DueState state = DueState::kDueSoon;
};
// Checks overdue or due within `within_days` of `today` (YYYY-MM-DD): overdue first, the longest overdue first, then
// the soonest due; ties by id. Later checks and unreadable dates are left out.
std::vector<DueItem> DueList(std::span<const DueInput> checks, std::string_view today, int within_days);
// "overdue by 3 days", "due today", "due in 12 days" (home.due.*).
Text DueText(const DueItem& item);

// An activity item present in a month (one row of carbon_activity, reduced to what matters here).
struct ItemMonth {
  std::string period;  // YYYY-MM
  std::string item;
};
// The items an enterprise reported in any of the `lookback_months` months before `month` that have no row for
// `month`: what it still owes. Sorted by name, each once.
std::vector<std::string> OwedItems(std::span<const ItemMonth> rows, std::string_view month, int lookback_months);
// "YYYY-MM" shifted by `months` (negative: earlier).
std::string ShiftMonth(std::string_view month, int months);

// An outlet's online monitor: a pollutant concentration with an upper limit (the discharge permit's).
bool IsPollutantConcentration(std::string_view quantity, std::string_view unit);
enum class OutletState { kNoData, kStale, kOk, kNear, kOver };
std::string_view OutletStateName(OutletState state);  // "no_data", "stale", "ok", "near", "over"
struct OutletCheck {
  OutletState state = OutletState::kNoData;
  std::optional<double> ratio;  // value / high_limit
};
// The latest value against the limit: over it, near it (≥ `near_fraction` of it), within it; stale when the value
// is older than `stale_after_ms` (it still says how it stood); no data without a value.
OutletCheck CheckOutlet(std::optional<double> value, std::optional<int64_t> value_ms, double high_limit, int64_t now_ms,
                        int64_t stale_after_ms = 30 * 60'000, double near_fraction = 0.8);
Text OutletText(const OutletCheck& check, std::optional<int64_t> value_ms, int64_t now_ms);

}  // namespace park::home
