#include "park/telemetry/meter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "park/core/time.hpp"

namespace park::telemetry {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxSpreadDays = 36'525;  // 100 years

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

// Days since 1970-01-01 to a proleptic Gregorian date (the inverse of DaysFromCivil), by 400-year eras.
Civil CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

}  // namespace

ConsumptionResult ComputeConsumption(std::span<const MeterReading> input, const MeterOptions& options) {
  ConsumptionResult result;
  auto note = [&](const MeterReading& r, MeterNoteKind kind) {
    result.notes.push_back({r.timestamp_ms, kind, r.value});
  };

  // 1. Valid values, in time order.
  std::vector<MeterReading> readings;
  readings.reserve(input.size());
  int64_t latest_ms = 0;
  for (const MeterReading& r : input) {
    if (!std::isfinite(r.value)) {
      note(r, MeterNoteKind::kInvalidValue);
      continue;
    }
    if (!readings.empty() && r.timestamp_ms < latest_ms) {
      note(r, MeterNoteKind::kOutOfOrder);
      if (options.out_of_order == MeterOptions::OutOfOrder::kDrop) continue;
    }
    latest_ms = readings.empty() ? r.timestamp_ms : std::max(latest_ms, r.timestamp_ms);
    readings.push_back(r);
  }
  std::stable_sort(readings.begin(), readings.end(),
                   [](const MeterReading& a, const MeterReading& b) { return a.timestamp_ms < b.timestamp_ms; });

  // 2. One reading per timestamp.
  std::vector<MeterReading> unique;
  unique.reserve(readings.size());
  for (const MeterReading& r : readings) {
    if (!unique.empty() && unique.back().timestamp_ms == r.timestamp_ms) {
      note(r, r.value == unique.back().value ? MeterNoteKind::kDuplicate : MeterNoteKind::kConflictingDuplicate);
      continue;
    }
    unique.push_back(r);
  }
  if (unique.empty()) return result;

  // 3. Differences.
  auto emit = [&](const MeterReading& from, const MeterReading& to, double consumption,
                  std::optional<MeterNoteKind> kind) {
    if (!kind && options.max_gap_ms > 0 && to.timestamp_ms - from.timestamp_ms > options.max_gap_ms) {
      kind = MeterNoteKind::kGap;
      note(to, MeterNoteKind::kGap);
    }
    result.intervals.push_back({from.timestamp_ms, to.timestamp_ms, consumption, kind});
    result.total += consumption;
  };
  MeterReading base = unique.front();
  // A drop awaiting confirmation. A flag and a value rather than std::optional: GCC 12 misreads the optional as
  // maybe-uninitialized in release builds.
  bool has_suspect = false;
  MeterReading suspect;
  for (size_t i = 1; i < unique.size(); ++i) {
    const MeterReading& r = unique[i];
    if (has_suspect) {
      if (r.value >= base.value) {
        note(suspect, MeterNoteKind::kGlitchDropped);
        has_suspect = false;
      } else if (r.value >= suspect.value) {
        note(suspect, MeterNoteKind::kRebaselined);
        emit(base, suspect, 0, MeterNoteKind::kRebaselined);
        base = suspect;
        has_suspect = false;
      } else {
        // Lower again: the earlier suspect cannot be confirmed by a reading below it; judge the new one next.
        note(suspect, MeterNoteKind::kGlitchDropped);
        suspect = r;
        has_suspect = true;
        continue;
      }
    }
    const double delta = r.value - base.value;
    if (delta >= 0) {
      emit(base, r, delta, std::nullopt);
    } else if (options.rollover_at && *options.rollover_at > 0 &&
               base.value >= *options.rollover_at * (1 - options.rollover_window_fraction) &&
               r.value <= *options.rollover_at * options.rollover_window_fraction && r.value >= 0) {
      note(r, MeterNoteKind::kRollover);
      emit(base, r, *options.rollover_at - base.value + r.value, MeterNoteKind::kRollover);
    } else if (r.value >= 0 && r.value <= options.reset_near_zero) {
      note(r, MeterNoteKind::kReset);
      emit(base, r, r.value, MeterNoteKind::kReset);
    } else {
      suspect = r;
      has_suspect = true;
      continue;
    }
    base = r;
  }
  if (has_suspect) note(suspect, MeterNoteKind::kUnconfirmedDrop);
  return result;
}

std::vector<PeriodTotal> DailyTotals(std::span<const ConsumptionInterval> intervals, int utc_offset_minutes) {
  const int64_t offset_ms = static_cast<int64_t>(utc_offset_minutes) * 60'000;
  std::map<int64_t, double> by_day;  // local day number -> consumption
  for (const ConsumptionInterval& iv : intervals) {
    int64_t start = 0;  // local milliseconds
    int64_t end = 0;
    if (__builtin_add_overflow(iv.start_ms, offset_ms, &start) || __builtin_add_overflow(iv.end_ms, offset_ms, &end)) {
      continue;  // hundreds of millions of years away: not a meter reading
    }
    // Zero-length intervals, and absurd ones over a century (a reading stamped 1970 by a device that lost its
    // clock), go to the end day whole rather than being spread over tens of thousands of days.
    if (end <= start || FloorDiv(end, kDayMs) - FloorDiv(start, kDayMs) > kMaxSpreadDays) {
      by_day[FloorDiv(end, kDayMs)] += iv.consumption;
      continue;
    }
    const double length = static_cast<double>(end - start);
    for (int64_t day = FloorDiv(start, kDayMs); day * kDayMs < end; ++day) {
      const int64_t from = std::max(start, day * kDayMs);
      const int64_t to = std::min(end, (day + 1) * kDayMs);
      if (to > from) by_day[day] += iv.consumption * static_cast<double>(to - from) / length;
    }
  }
  std::vector<PeriodTotal> out;
  out.reserve(by_day.size());
  for (const auto& [day, consumption] : by_day) {
    const Civil c = CivilFromDays(day);
    char label[16];
    std::snprintf(label, sizeof label, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
    out.push_back({label, day * kDayMs - offset_ms, consumption});
  }
  return out;
}

std::vector<PeriodTotal> MonthlyTotals(std::span<const ConsumptionInterval> intervals, int utc_offset_minutes) {
  std::vector<PeriodTotal> out;
  for (const PeriodTotal& day : DailyTotals(intervals, utc_offset_minutes)) {
    const std::string month = day.period.substr(0, 7);
    if (out.empty() || out.back().period != month) {
      const int64_t offset_ms = static_cast<int64_t>(utc_offset_minutes) * 60'000;
      const Civil c = CivilFromDays(FloorDiv(day.start_ms + offset_ms, kDayMs));
      const int64_t first_day = DaysFromCivil(c.year, c.month, 1);
      out.push_back({month, first_day * kDayMs - offset_ms, 0});
    }
    out.back().consumption += day.consumption;
  }
  return out;
}

}  // namespace park::telemetry
