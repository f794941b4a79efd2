// Cumulative meter counters (kWh, m3, t of steam) turned into consumption per interval, then per day and month.
//
// What real meters do, and what happens here:
//   - readings arrive out of order     -> sorted into place (or dropped, by option), with a note
//   - the same timestamp twice         -> the first kept; a different value is noted as a conflict
//   - the counter wraps at its maximum -> consumption = (max - previous) + current, when the previous reading was in
//                                         the top window and the new one in the bottom window
//   - the counter resets (restart, replacement starting from 0) -> consumption = current, when current is near zero
//   - any other drop                   -> held as suspect: if the next reading is back at or above the previous
//                                         level the dip was a glitch and is dropped; if the next reading continues
//                                         from the lower level the meter was re-based (replaced, re-read): the
//                                         interval to the suspect gets 0 (unknown) and counting resumes from it
//   - a long silence                   -> the interval is kept (a counter still knows the total) and marked as a gap
// Every such decision is a note, so a person can see why a day's figure is what it is.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace park::telemetry {

struct MeterReading {
  int64_t timestamp_ms = 0;
  double value = 0;  // the counter, in the meter's unit
};

struct MeterOptions {
  enum class OutOfOrder { kSort, kDrop };
  OutOfOrder out_of_order = OutOfOrder::kSort;
  std::optional<double> rollover_at = std::nullopt;  // the counter shows 0 again when it would reach this (e.g. 100000)
  double rollover_window_fraction = 0.1;  // "top window" = last 10 % before rollover_at, "bottom" = first 10 %
  double reset_near_zero = 0;             // a drop to a value <= this is a reset to zero (in the meter's unit)
  int64_t max_gap_ms = 0;                 // intervals longer than this are marked as gaps; 0: never
};

// Persisted with the notes: do not renumber.
enum class MeterNoteKind : uint8_t {
  kOutOfOrder = 0,            // sorted into place (or dropped with OutOfOrder::kDrop)
  kDuplicate = 1,             // same timestamp and value as the previous reading: dropped
  kConflictingDuplicate = 2,  // same timestamp, another value: the later arrival dropped
  kInvalidValue = 3,          // NaN or infinite: dropped
  kRollover = 4,
  kReset = 5,
  kGlitchDropped = 6,    // a dip below the previous reading that the next reading did not confirm
  kRebaselined = 7,      // a confirmed drop: the interval into it is unknown (0)
  kUnconfirmedDrop = 8,  // the last reading dropped below the previous one and nothing confirms it yet: held back
  kGap = 9,
};

struct MeterNote {
  int64_t timestamp_ms = 0;  // of the reading concerned
  MeterNoteKind kind = MeterNoteKind::kGap;
  double value = 0;  // the reading concerned
};

struct ConsumptionInterval {
  int64_t start_ms = 0;  // previous reading
  int64_t end_ms = 0;    // this reading
  double consumption = 0;
  std::optional<MeterNoteKind> note;  // kRollover, kReset, kRebaselined or kGap when the interval needed one
};

struct ConsumptionResult {
  std::vector<ConsumptionInterval> intervals;  // in time order, contiguous except where readings were dropped
  std::vector<MeterNote> notes;
  double total = 0;
};

ConsumptionResult ComputeConsumption(std::span<const MeterReading> readings, const MeterOptions& options);

struct PeriodTotal {
  std::string period;  // "2024-03-01" (day) or "2024-03" (month), in local time
  int64_t start_ms = 0;
  double consumption = 0;
};

// Consumption per local calendar day / month. An interval that crosses midnight is split in proportion to time
// (a meter read every 15 minutes gives exact days; a gap of two days spreads its consumption evenly). An interval
// longer than 100 years is not spread: it all goes to its end day.
std::vector<PeriodTotal> DailyTotals(std::span<const ConsumptionInterval> intervals, int utc_offset_minutes);
std::vector<PeriodTotal> MonthlyTotals(std::span<const ConsumptionInterval> intervals, int utc_offset_minutes);

}  // namespace park::telemetry
