#include "park/maintenance/plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "park/core/time.hpp"
#include "park/telemetry/meter.hpp"

namespace park::maintenance {
namespace {

constexpr int64_t kDayMs = 86400000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 back to a date (H. Hinnant's civil_from_days).
LocalDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return {static_cast<int>(y), m, d};
}

int64_t DaysOf(const LocalDate& d) { return DaysFromCivil(d.year, d.month, d.day); }

}  // namespace

Result<LocalDate> ParseLocalDate(std::string_view text, std::string_view field) {
  if (!IsValidDate(text)) {
    return Error::Invalid(std::string(field), T("maintenance.field.date", {{"value", std::string(text)}}));
  }
  const std::string s(text);
  return LocalDate{std::stoi(s.substr(0, 4)), static_cast<unsigned>(std::stoi(s.substr(5, 2))),
                   static_cast<unsigned>(std::stoi(s.substr(8, 2)))};
}

std::string FormatLocalDate(const LocalDate& date) {
  if (date.year < 0 || date.year > 9999) {  // outside ISO 8601's four digits: rare, so the slow way
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", date.year, date.month, date.day);
    return buf;
  }
  // By hand: next-due lists format hundreds of thousands of dates, and snprintf dominated them.
  std::string out = "0000-00-00";
  unsigned y = static_cast<unsigned>(date.year);
  for (int i = 3; i >= 0; --i, y /= 10) out[static_cast<size_t>(i)] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + date.month / 10 % 10);
  out[6] = static_cast<char>('0' + date.month % 10);
  out[8] = static_cast<char>('0' + date.day / 10 % 10);
  out[9] = static_cast<char>('0' + date.day % 10);
  return out;
}

LocalDate LocalDateOf(int64_t epoch_ms, int utc_offset_minutes) {
  return CivilFromDays(FloorDiv(epoch_ms + int64_t{utc_offset_minutes} * 60000, kDayMs));
}

int64_t LocalMidnightMs(const LocalDate& date, int utc_offset_minutes) {
  return DaysOf(date) * kDayMs - int64_t{utc_offset_minutes} * 60000;
}

int64_t DaysBetween(const LocalDate& from, const LocalDate& to) { return DaysOf(to) - DaysOf(from); }

LocalDate AddDays(const LocalDate& date, int64_t days) { return CivilFromDays(DaysOf(date) + days); }

std::string_view CalendarUnitName(CalendarUnit unit) {
  switch (unit) {
    case CalendarUnit::kDay: return "day";
    case CalendarUnit::kWeek: return "week";
    case CalendarUnit::kMonth: return "month";
    case CalendarUnit::kYear: return "year";
  }
  return "day";
}

std::optional<CalendarUnit> ParseCalendarUnit(std::string_view name) {
  for (CalendarUnit u : {CalendarUnit::kDay, CalendarUnit::kWeek, CalendarUnit::kMonth, CalendarUnit::kYear}) {
    if (CalendarUnitName(u) == name) return u;
  }
  return std::nullopt;
}

std::string_view AnchorName(Anchor anchor) { return anchor == Anchor::kFixed ? "fixed" : "floating"; }

std::optional<Anchor> ParseAnchor(std::string_view name) {
  if (name == "fixed") return Anchor::kFixed;
  if (name == "floating") return Anchor::kFloating;
  return std::nullopt;
}

LocalDate AddIntervals(const LocalDate& start, CalendarUnit unit, int64_t every, int64_t count) {
  switch (unit) {
    case CalendarUnit::kDay: return AddDays(start, every * count);
    case CalendarUnit::kWeek: return AddDays(start, 7 * every * count);
    case CalendarUnit::kMonth:
    case CalendarUnit::kYear: {
      const int64_t months = every * count * (unit == CalendarUnit::kYear ? 12 : 1);
      const int64_t index = int64_t{start.year} * 12 + (start.month - 1) + months;
      const int64_t y = FloorDiv(index, 12);
      const unsigned m = static_cast<unsigned>(index - y * 12 + 1);
      return {static_cast<int>(y), m, std::min(start.day, DaysInMonth(y, m))};
    }
  }
  return start;
}

LocalDate FirstOccurrenceOnOrAfter(const CalendarPlan& plan, const LocalDate& day) {
  if (day <= plan.start || plan.every < 1) return plan.start;
  // An estimate from the interval's shortest length, then forward to the first on or after the day (month ends
  // make the exact count uneven).
  const int64_t span_days = DaysBetween(plan.start, day);
  const int64_t shortest = plan.unit == CalendarUnit::kDay    ? plan.every
                           : plan.unit == CalendarUnit::kWeek ? 7 * plan.every
                           : plan.unit == CalendarUnit::kMonth ? 28 * plan.every
                                                               : 365 * plan.every;
  int64_t k = std::max<int64_t>(0, span_days / shortest - 1);
  while (k > 0 && AddIntervals(plan.start, plan.unit, plan.every, k) >= day) --k;
  while (AddIntervals(plan.start, plan.unit, plan.every, k) < day) ++k;
  return AddIntervals(plan.start, plan.unit, plan.every, k);
}

Status ValidateCalendarPlan(const CalendarPlan& plan) {
  std::vector<FieldError> errors;
  if (plan.every < 1 || plan.every > 1000) {
    errors.push_back({"every", T("maintenance.field.every_range", {{"min", 1}, {"max", 1000}})});
  }
  if (plan.lead_days < 0 || plan.lead_days > 365) {
    errors.push_back({"lead_days", T("maintenance.field.lead_days_range", {{"min", 0}, {"max", 365}})});
  }
  if (plan.start.year < 1900 || plan.start.year > 9999) {
    errors.push_back({"start", T("maintenance.field.date", {{"value", FormatLocalDate(plan.start)}})});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Status::Ok();
}

CalendarDue NextCalendarDue(const CalendarPlan& plan, std::optional<int64_t> last_done_ms, int64_t now_ms,
                            int utc_offset_minutes) {
  CalendarDue out;
  std::optional<LocalDate> done;
  if (last_done_ms) done = LocalDateOf(*last_done_ms, utc_offset_minutes);

  if (!done) {
    out.due = plan.start;
    out.derivation = T("maintenance.due.first", {{"start", FormatLocalDate(plan.start)}});
  } else if (plan.anchor == Anchor::kFloating) {
    out.due = AddIntervals(*done, plan.unit, plan.every, 1);
    out.derivation = T("maintenance.due.floating", {{"done", FormatLocalDate(*done)},
                                                    {"every", std::to_string(plan.every)},
                                                    {"unit", TextRef{"maintenance.unit." + std::string(CalendarUnitName(plan.unit))}},
                                                    {"due", FormatLocalDate(out.due)}});
  } else {
    // The first occurrence after done + lead.
    const LocalDate covered = AddDays(*done, plan.lead_days);
    int64_t k = 0;
    if (covered >= plan.start) {
      // k from whole days (days, weeks) or whole months (months, years), then at most a step either way.
      if (plan.unit == CalendarUnit::kDay || plan.unit == CalendarUnit::kWeek) {
        k = DaysBetween(plan.start, covered) / (plan.every * (plan.unit == CalendarUnit::kWeek ? 7 : 1));
      } else {
        const int64_t months = (int64_t{covered.year} - plan.start.year) * 12 + covered.month - plan.start.month;
        k = months / (plan.every * (plan.unit == CalendarUnit::kYear ? 12 : 1));
      }
      while (k > 0 && AddIntervals(plan.start, plan.unit, plan.every, k) > covered) --k;
      while (AddIntervals(plan.start, plan.unit, plan.every, k) <= covered) ++k;
    }
    out.occurrence = k;
    out.due = AddIntervals(plan.start, plan.unit, plan.every, k);
    out.derivation = T("maintenance.due.fixed", {{"start", FormatLocalDate(plan.start)},
                                                 {"every", std::to_string(plan.every)},
                                                 {"unit", TextRef{"maintenance.unit." + std::string(CalendarUnitName(plan.unit))}},
                                                 {"k", std::to_string(k)},
                                                 {"done", FormatLocalDate(*done)},
                                                 {"lead_days", std::to_string(plan.lead_days)},
                                                 {"due", FormatLocalDate(out.due)}});
  }
  out.due_at_ms = LocalMidnightMs(out.due, utc_offset_minutes);
  out.remind_on = AddDays(out.due, -plan.lead_days);
  out.remind_at_ms = LocalMidnightMs(out.remind_on, utc_offset_minutes);
  out.remind = now_ms >= out.remind_at_ms;
  out.due_now = now_ms >= out.due_at_ms;
  const LocalDate today = LocalDateOf(now_ms, utc_offset_minutes);
  out.overdue_days = std::max<int64_t>(0, DaysBetween(out.due, today));
  return out;
}

// ---- meters ----

std::string_view MeterBasisName(MeterBasis basis) {
  switch (basis) {
    case MeterBasis::kRunHours: return "run_hours";
    case MeterBasis::kStarts: return "starts";
    case MeterBasis::kCounter: return "counter";
  }
  return "run_hours";
}

std::optional<MeterBasis> ParseMeterBasis(std::string_view name) {
  for (MeterBasis b : {MeterBasis::kRunHours, MeterBasis::kStarts, MeterBasis::kCounter}) {
    if (MeterBasisName(b) == name) return b;
  }
  return std::nullopt;
}

namespace {

// The count over readings already sorted by time; `tail` (if given) receives the readings a continuation must
// replay first.
MeterCount CountSorted(MeterBasis basis, const std::vector<Sample>& sorted, const MeterCountOptions& options,
                       std::vector<Sample>* tail) {
  MeterCount out;
  out.samples = static_cast<int64_t>(sorted.size());
  if (tail) tail->clear();
  if (basis == MeterBasis::kCounter) {
    std::vector<telemetry::MeterReading> readings;
    readings.reserve(sorted.size());
    for (const Sample& s : sorted) readings.push_back({s.timestamp_ms, s.value});
    telemetry::MeterOptions mo;
    mo.rollover_at = options.rollover_at;
    mo.reset_near_zero = options.reset_near_zero;
    const telemetry::ConsumptionResult r = telemetry::ComputeConsumption(readings, mo);
    out.used = r.total;
    for (const auto& iv : r.intervals) {
      if (iv.note == telemetry::MeterNoteKind::kReset || iv.note == telemetry::MeterNoteKind::kRollover) {
        ++out.resets;
      }
    }
    if (tail && !sorted.empty()) {
      // Every difference ends at the reading that becomes the next base: the last interval's end, or the first
      // reading when there is none yet. A drop still unconfirmed at the end is judged against it next time.
      const int64_t base_ms = r.intervals.empty() ? sorted.front().timestamp_ms : r.intervals.back().end_ms;
      const auto base = std::find_if(sorted.begin(), sorted.end(),
                                     [&](const Sample& s) { return s.timestamp_ms == base_ms; });
      if (base != sorted.end()) tail->push_back(*base);
      if (!r.notes.empty() && r.notes.back().kind == telemetry::MeterNoteKind::kUnconfirmedDrop) {
        tail->push_back({r.notes.back().timestamp_ms, r.notes.back().value});
      }
    }
    return out;
  }
  bool have_prev = false;
  Sample prev;
  for (const Sample& s : sorted) {
    if (have_prev && s.timestamp_ms == prev.timestamp_ms) continue;  // a duplicate timestamp: the first wins
    const bool running = s.value >= options.threshold;
    if (have_prev) {
      const bool was_running = prev.value >= options.threshold;
      if (basis == MeterBasis::kRunHours && was_running) {
        const int64_t gap = s.timestamp_ms - prev.timestamp_ms;
        if (options.max_gap_ms > 0 && gap > options.max_gap_ms) {
          ++out.gaps;
        } else {
          out.used += static_cast<double>(gap) / 3600000.0;
        }
      }
      if (basis == MeterBasis::kStarts && running && !was_running) out.used += 1;
    }
    prev = s;
    have_prev = true;
  }
  if (tail && have_prev) tail->push_back(prev);
  return out;
}

// The finite samples at or after from_ms, in time order.
std::vector<Sample> SortedFrom(std::span<const Sample> samples, int64_t from_ms) {
  std::vector<Sample> sorted;
  sorted.reserve(samples.size());
  for (const Sample& s : samples) {
    if (s.timestamp_ms >= from_ms && std::isfinite(s.value)) {
      sorted.push_back(s);
    }
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Sample& a, const Sample& b) { return a.timestamp_ms < b.timestamp_ms; });
  return sorted;
}

}  // namespace

MeterCount CountMeter(MeterBasis basis, std::span<const Sample> samples, int64_t from_ms,
                      const MeterCountOptions& options) {
  return CountSorted(basis, SortedFrom(samples, from_ms), options, nullptr);
}

MeterProgress AdvanceMeter(MeterBasis basis, MeterProgress progress, std::span<const Sample> samples, int64_t from_ms,
                           const MeterCountOptions& options) {
  // Only samples after the kept tail's last are new. (A plain bound, not an optional: GCC -O2 reports a
  // maybe-uninitialized optional here, which -Werror turns into a broken release build.)
  int64_t first_new = from_ms;
  if (!progress.tail.empty()) {
    const int64_t last = progress.tail.back().timestamp_ms;
    if (last == std::numeric_limits<int64_t>::max()) return progress;
    first_new = std::max(first_new, last + 1);
  }
  std::vector<Sample> fresh = SortedFrom(samples, first_new);
  if (fresh.empty()) return progress;
  const int64_t fresh_count = static_cast<int64_t>(fresh.size());
  fresh.insert(fresh.begin(), progress.tail.begin(), progress.tail.end());
  std::vector<Sample> tail;
  const MeterCount step = CountSorted(basis, fresh, options, &tail);
  progress.count.used += step.used;
  progress.count.samples += fresh_count;
  progress.count.resets += step.resets;
  progress.count.gaps += step.gaps;
  progress.tail = std::move(tail);
  return progress;
}

Status ValidateMeterPlan(const MeterPlan& plan) {
  std::vector<FieldError> errors;
  if (!std::isfinite(plan.every) || plan.every <= 0) {
    errors.push_back({"every", T("maintenance.field.every_positive")});
  }
  if (!std::isfinite(plan.lead) || plan.lead < 0 || (std::isfinite(plan.every) && plan.lead >= plan.every)) {
    errors.push_back({"lead", T("maintenance.field.lead_below_every")});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Status::Ok();
}

MeterDue NextMeterDue(const MeterPlan& plan, const MeterCount& count) {
  MeterDue out;
  out.used = count.used;
  out.remaining = plan.every - count.used;
  out.due_now = count.used >= plan.every;
  out.remind = count.used >= plan.every - plan.lead;
  out.derivation = T("maintenance.due.meter",
                     {{"basis", TextRef{"maintenance.basis." + std::string(MeterBasisName(plan.basis))}},
                      {"used", count.used},
                      {"every", plan.every},
                      {"lead", plan.lead},
                      {"remaining", out.remaining},
                      {"samples", count.samples},
                      {"resets", count.resets},
                      {"gaps", count.gaps}});
  return out;
}

}  // namespace park::maintenance
