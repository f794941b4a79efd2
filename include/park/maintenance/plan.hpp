// Maintenance plans and when they fall due: pure arithmetic, no storage. A plan runs by the calendar (every N
// days, weeks, months or years, fixed to its schedule or floating from the last completion) or by a meter (run
// hours, starts, or a counter's throughput). Every answer says how it was derived, as codes with parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"

namespace park::maintenance {

// A day on the park's calendar.
struct LocalDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  bool operator==(const LocalDate&) const = default;
  auto operator<=>(const LocalDate&) const = default;
};

// "YYYY-MM-DD", checked for a real day; `field` names the input in the error.
Result<LocalDate> ParseLocalDate(std::string_view text, std::string_view field);
std::string FormatLocalDate(const LocalDate& date);
// The park-local calendar day of an instant (utc_offset_minutes: +480 for China Standard Time).
LocalDate LocalDateOf(int64_t epoch_ms, int utc_offset_minutes);
// Local midnight at the start of `date`, as an instant.
int64_t LocalMidnightMs(const LocalDate& date, int utc_offset_minutes);
int64_t DaysBetween(const LocalDate& from, const LocalDate& to);  // to − from, in days
LocalDate AddDays(const LocalDate& date, int64_t days);

enum class CalendarUnit { kDay, kWeek, kMonth, kYear };
enum class Anchor {
  kFixed,     // due on the schedule start + k × interval, whenever the work was done
  kFloating,  // due one interval after the last completion
};
std::string_view CalendarUnitName(CalendarUnit unit);  // "day", "week", "month", "year"
std::optional<CalendarUnit> ParseCalendarUnit(std::string_view name);
std::string_view AnchorName(Anchor anchor);  // "fixed", "floating"
std::optional<Anchor> ParseAnchor(std::string_view name);

// `count` intervals after `start`. Months and years keep start's day of month where the month has it and
// otherwise fall on the month's last day (31 Jan + 1 month = 28/29 Feb; + 2 months = 31 Mar; 29 Feb 2024 + 1
// year = 28 Feb 2025).
LocalDate AddIntervals(const LocalDate& start, CalendarUnit unit, int64_t every, int64_t count);

struct CalendarPlan {
  CalendarUnit unit = CalendarUnit::kMonth;
  int64_t every = 1;        // 1 .. 1000
  Anchor anchor = Anchor::kFixed;
  LocalDate start;          // the first due date
  int64_t lead_days = 0;    // the reminder comes this many days before the due date (0 .. 365)
};

// The first date of the plan's schedule (start + k × interval, k >= 0) on or after `day`: where an equipment that
// joins a plan on an equipment type later falls into its siblings' schedule.
LocalDate FirstOccurrenceOnOrAfter(const CalendarPlan& plan, const LocalDate& day);

// Checks every field; errors name "unit"-style fields of the plan ("every", "lead_days").
Status ValidateCalendarPlan(const CalendarPlan& plan);

// When a plan is next due, and how that was derived.
struct CalendarDue {
  LocalDate due;                 // the park-local due date
  int64_t due_at_ms = 0;         // its local midnight
  LocalDate remind_on;           // due − lead
  int64_t remind_at_ms = 0;
  int64_t occurrence = 0;        // fixed: the k of start + k × interval; floating: 0
  bool remind = false;           // now is on or after the reminder
  bool due_now = false;          // now is on or after the due date
  int64_t overdue_days = 0;      // whole local days past the due date (0 when not overdue)
  Text derivation;               // maintenance.due.* code with its inputs
};

// `last_done_ms`: the last completion, if any. A fixed plan's completion covers every occurrence up to its local
// day plus the lead (work done early, inside the reminder window, counts for the coming occurrence); the next due
// is the first occurrence after that. A floating plan is due one interval after the completion's local day.
CalendarDue NextCalendarDue(const CalendarPlan& plan, std::optional<int64_t> last_done_ms, int64_t now_ms,
                            int utc_offset_minutes);

// ---- meters ----

// One reading of a telemetry series.
struct Sample {
  int64_t timestamp_ms = 0;
  double value = 0;
};

enum class MeterBasis {
  kRunHours,  // time the series spends at or above `threshold` (a running-state sensor: 1/0, threshold 0.5)
  kStarts,    // rises from below to at or above `threshold`
  kCounter,   // a cumulative counter (cycles, throughput): its increase, resets and rollovers handled as meters
};
std::string_view MeterBasisName(MeterBasis basis);  // "run_hours", "starts", "counter"
std::optional<MeterBasis> ParseMeterBasis(std::string_view name);

struct MeterCountOptions {
  double threshold = 0.5;       // run hours and starts
  int64_t max_gap_ms = 3600000; // run hours: a silence longer than this counts nothing (the state is unknown)
  std::optional<double> rollover_at;  // counter
  double reset_near_zero = 0;         // counter
};

struct MeterCount {
  double used = 0;          // hours, starts or counter units since `from_ms`
  int64_t samples = 0;      // readings that were used
  int64_t resets = 0;       // counter resets and rollovers crossed
  int64_t gaps = 0;         // run hours: silences not counted
};

// What the series counts from `from_ms` (the last completion, or the plan's start) on. Samples need not be
// sorted; non-finite values are ignored.
MeterCount CountMeter(MeterBasis basis, std::span<const Sample> samples, int64_t from_ms,
                      const MeterCountOptions& options);

// A count carried forward: what was counted so far and the readings the next step must see again (a run-state's
// last reading; a counter's base reading and a drop still awaiting confirmation), so new readings are added
// without reading the history again.
struct MeterProgress {
  MeterCount count;
  std::vector<Sample> tail;
};

// `progress` advanced by the samples after its last reading (those at or before it are ignored: a reading that
// arrives late for a time already counted is only counted by a fresh CountMeter). Advancing step by step over a
// series gives the used amount, resets and gaps CountMeter gives over the whole of it.
MeterProgress AdvanceMeter(MeterBasis basis, MeterProgress progress, std::span<const Sample> samples, int64_t from_ms,
                           const MeterCountOptions& options);

struct MeterPlan {
  MeterBasis basis = MeterBasis::kRunHours;
  double every = 0;  // > 0: hours, starts or counter units between services
  double lead = 0;   // 0 <= lead < every: the reminder comes this much before
};

Status ValidateMeterPlan(const MeterPlan& plan);

struct MeterDue {
  double used = 0;
  double remaining = 0;  // every − used (negative when past)
  bool remind = false;   // used >= every − lead
  bool due_now = false;  // used >= every
  Text derivation;
};

MeterDue NextMeterDue(const MeterPlan& plan, const MeterCount& count);

}  // namespace park::maintenance
