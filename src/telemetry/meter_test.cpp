#include "park/telemetry/meter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace park::telemetry {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
// 2024-03-01T00:00:00+08:00 (Beijing midnight).
constexpr int64_t kMarch1Ms = 1709222400000;

std::vector<MeterReading> Readings(std::initializer_list<std::pair<int64_t, double>> minutes_and_values) {
  std::vector<MeterReading> out;
  for (const auto& [minute, value] : minutes_and_values) out.push_back({kMarch1Ms + minute * kMinuteMs, value});
  return out;
}

TEST(MeterTest, ConsumptionTable) {
  const MeterOptions rollover{.rollover_at = 100000};
  const MeterOptions reset{.reset_near_zero = 5};
  const MeterOptions drop_late{.out_of_order = MeterOptions::OutOfOrder::kDrop};
  struct Case {
    const char* name;
    std::vector<MeterReading> readings;
    MeterOptions options;
    double want_total;
    std::vector<double> want_intervals;
    std::vector<MeterNoteKind> want_notes;
  };
  const std::vector<Case> cases = {
      {"steady", Readings({{0, 100}, {15, 110}, {30, 125}}), {}, 25, {10, 15}, {}},
      {"single reading", Readings({{0, 100}}), {}, 0, {}, {}},
      {"empty", {}, {}, 0, {}, {}},
      {"flat", Readings({{0, 100}, {15, 100}}), {}, 0, {0}, {}},
      {"out of order sorted",
       Readings({{0, 100}, {30, 130}, {15, 110}}),
       {},
       30,
       {10, 20},
       {MeterNoteKind::kOutOfOrder}},
      {"out of order dropped",
       Readings({{0, 100}, {30, 130}, {15, 110}}),
       drop_late,
       30,
       {30},
       {MeterNoteKind::kOutOfOrder}},
      {"duplicate", Readings({{0, 100}, {15, 110}, {15, 110}}), {}, 10, {10}, {MeterNoteKind::kDuplicate}},
      {"conflicting duplicate",
       Readings({{0, 100}, {15, 110}, {15, 111}}),
       {},
       10,
       {10},
       {MeterNoteKind::kConflictingDuplicate}},
      {"NaN dropped", Readings({{0, 100}, {15, NAN}, {30, 120}}), {}, 20, {20}, {MeterNoteKind::kInvalidValue}},
      {"rollover", Readings({{0, 99990}, {15, 5}, {30, 15}}), rollover, 25, {15, 10}, {MeterNoteKind::kRollover}},
      {"reset to zero", Readings({{0, 500}, {15, 2}, {30, 10}}), reset, 10, {2, 8}, {MeterNoteKind::kReset}},
      {"glitch dip dropped", Readings({{0, 500}, {15, 300}, {30, 510}}), {}, 10, {10}, {MeterNoteKind::kGlitchDropped}},
      {"meter replaced", Readings({{0, 500}, {15, 300}, {30, 310}}), {}, 10, {0, 10}, {MeterNoteKind::kRebaselined}},
      {"two dips then back",
       Readings({{0, 500}, {15, 300}, {30, 200}, {45, 520}}),
       {},
       20,
       {20},
       {MeterNoteKind::kGlitchDropped, MeterNoteKind::kGlitchDropped}},
      {"unconfirmed drop at the end",
       Readings({{0, 500}, {15, 510}, {30, 300}}),
       {},
       10,
       {10},
       {MeterNoteKind::kUnconfirmedDrop}},
      {"drop without rollover config is not a rollover",
       Readings({{0, 99990}, {15, 5}, {30, 15}}),
       {},
       10,
       {0, 10},
       {MeterNoteKind::kRebaselined}},
      {"gap marked, consumption kept",
       Readings({{0, 100}, {15, 110}, {15 + 24 * 60, 400}}),
       MeterOptions{.max_gap_ms = kHourMs},
       300,
       {10, 290},
       {MeterNoteKind::kGap}},
  };
  for (const Case& c : cases) {
    const ConsumptionResult r = ComputeConsumption(c.readings, c.options);
    EXPECT_DOUBLE_EQ(r.total, c.want_total) << c.name;
    ASSERT_EQ(r.intervals.size(), c.want_intervals.size()) << c.name;
    for (size_t i = 0; i < c.want_intervals.size(); ++i) {
      EXPECT_DOUBLE_EQ(r.intervals[i].consumption, c.want_intervals[i]) << c.name << " interval " << i;
    }
    ASSERT_EQ(r.notes.size(), c.want_notes.size()) << c.name;
    for (size_t i = 0; i < c.want_notes.size(); ++i) EXPECT_EQ(r.notes[i].kind, c.want_notes[i]) << c.name;
  }
}

TEST(MeterTest, RolloverIntervalCarriesItsNote) {
  const auto r = ComputeConsumption(Readings({{0, 99990}, {15, 5}}), {.rollover_at = 100000});
  ASSERT_EQ(r.intervals.size(), 1u);
  EXPECT_EQ(r.intervals[0].note, MeterNoteKind::kRollover);
  EXPECT_EQ(r.intervals[0].start_ms, kMarch1Ms);
  EXPECT_EQ(r.intervals[0].end_ms, kMarch1Ms + 15 * kMinuteMs);
}

TEST(MeterTest, DailyAndMonthlyTotalsSplitAtLocalMidnight) {
  // 2024-02-29 22:00 to 2024-03-01 02:00 Beijing time, 10 units per hour, then March 31 to April 1.
  std::vector<MeterReading> readings;
  for (int h = -2; h <= 2; ++h) readings.push_back({kMarch1Ms + h * kHourMs, 1000.0 + 10 * (h + 2)});
  constexpr int64_t kApril1Ms = kMarch1Ms + 31LL * 24 * kHourMs;
  readings.push_back({kApril1Ms - kHourMs, 1100});
  readings.push_back({kApril1Ms + kHourMs, 1130});
  const ConsumptionResult r = ComputeConsumption(readings, {});
  ASSERT_DOUBLE_EQ(r.total, 130);

  const auto days = DailyTotals(r.intervals, 8 * 60);
  struct Want {
    const char* day;
    double consumption;
  };
  // The 2024-03-01 02:00 -> 03-31 23:00 interval (60 units over 741 h) spreads by time over each day in between.
  ASSERT_EQ(days.size(), 33u);
  const Want want[] = {{"2024-02-29", 20}, {"2024-03-01", 20 + 60.0 * 22 / 741}, {"2024-04-01", 15}};
  EXPECT_EQ(days[0].period, want[0].day);
  EXPECT_DOUBLE_EQ(days[0].consumption, want[0].consumption);
  EXPECT_EQ(days[0].start_ms, kMarch1Ms - 24 * kHourMs);
  EXPECT_EQ(days[1].period, want[1].day);
  EXPECT_NEAR(days[1].consumption, want[1].consumption, 1e-9);
  EXPECT_EQ(days.back().period, want[2].day);
  EXPECT_DOUBLE_EQ(days.back().consumption, want[2].consumption);

  const auto months = MonthlyTotals(r.intervals, 8 * 60);
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[0].period, "2024-02");
  EXPECT_DOUBLE_EQ(months[0].consumption, 20);
  EXPECT_EQ(months[1].period, "2024-03");
  EXPECT_NEAR(months[1].consumption, 20 + 60 + 15, 1e-9);
  EXPECT_EQ(months[1].start_ms, kMarch1Ms);
  EXPECT_EQ(months[2].period, "2024-04");
  EXPECT_NEAR(months[2].consumption, 15, 1e-9);

  // In UTC the same data falls on other days.
  const auto utc_days = DailyTotals(r.intervals, 0);
  EXPECT_EQ(utc_days.front().period, "2024-02-29");
}

TEST(MeterTest, AbsurdIntervalsDoNotSpreadOverCenturies) {
  const std::vector<ConsumptionInterval> iv = {
      {0, 4'102'444'800'000LL * 10, 7, std::nullopt},  // 1970 to ~2400
      {std::numeric_limits<int64_t>::max() - 1, std::numeric_limits<int64_t>::max(), 1, std::nullopt},
  };
  const auto days = DailyTotals(iv, 8 * 60);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].consumption, 7);
}

TEST(MeterTest, DatesBeforeTheEpochAndLeapDays) {
  const std::vector<ConsumptionInterval> iv = {{-2 * 86'400'000LL, -86'400'000LL, 5, std::nullopt}};
  const auto days = DailyTotals(iv, 0);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].period, "1969-12-30");
}

}  // namespace
}  // namespace park::telemetry
