#include "park/home/home.hpp"

#include <gtest/gtest.h>

#include "park/core/time.hpp"

namespace park::home {
namespace {

// An instant from a UTC civil time: the tests' fixed clock.
int64_t Utc(int64_t y, unsigned m, unsigned d, int h = 0, int mi = 0) {
  return DaysFromCivil(y, m, d) * kDayMs + (h * 60LL + mi) * 60'000;
}
constexpr int64_t kHourMs = 3'600'000;
const LocalCalendar kShanghai{8 * 60};

TEST(LocalCalendar, DaysFollowTheParksClockNotUtc) {
  struct Case {
    int64_t now;
    const char* date;
    int64_t midnight;
  } cases[] = {
      // 23:30 UTC is 07:30 the next morning in the park.
      {Utc(2026, 12, 4, 23, 30), "2026-12-05", Utc(2026, 12, 4, 16)},
      // 15:59 UTC is 23:59 local: still the same day; 16:00 UTC is the next local midnight.
      {Utc(2026, 12, 4, 15, 59), "2026-12-04", Utc(2026, 12, 3, 16)},
      {Utc(2026, 12, 4, 16, 0), "2026-12-05", Utc(2026, 12, 4, 16)},
      {Utc(2024, 2, 28, 17, 0), "2024-02-29", Utc(2024, 2, 28, 16)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(kShanghai.DateOf(c.now), c.date) << c.now;
    EXPECT_EQ(kShanghai.DayStartMs(c.now), c.midnight) << c.now;
  }
}

TEST(DayWindows, TodayAgainstTheSameHoursOfYesterdayAndLastYear) {
  struct Case {
    int64_t now;
    const char* today;
    const char* yesterday;
    const char* last_year;
  } cases[] = {
      {Utc(2026, 12, 5, 2, 5), "2026-12-05", "2026-12-04", "2025-12-05"},
      {Utc(2026, 1, 1, 1, 0), "2026-01-01", "2025-12-31", "2025-01-01"},      // 09:00 on New Year's Day
      {Utc(2028, 2, 29, 4, 0), "2028-02-29", "2028-02-28", "2027-02-28"},     // a leap day compares with the 28th
      {Utc(2026, 3, 1, 15, 59), "2026-03-01", "2026-02-28", "2025-03-01"},    // one minute before local midnight
  };
  for (const auto& c : cases) {
    const DayWindows w = DayWindowsAt(c.now, kShanghai);
    EXPECT_EQ(w.today, c.today);
    EXPECT_EQ(w.yesterday, c.yesterday);
    EXPECT_EQ(w.last_year, c.last_year);
    const int64_t midnight = kShanghai.DayStartMs(c.now);
    EXPECT_EQ(w.today_so_far.from_ms, midnight);
    EXPECT_EQ(w.today_so_far.to_ms, c.now);
    EXPECT_EQ(w.yesterday_same_time.from_ms, midnight - kDayMs);
    EXPECT_EQ(w.yesterday_same_time.length_ms(), c.now - midnight);
    EXPECT_EQ(w.yesterday_whole.length_ms(), kDayMs);
    EXPECT_EQ(w.yesterday_whole.to_ms, midnight);
    EXPECT_EQ(kShanghai.DateOf(w.last_year_same_time.from_ms), c.last_year);
    EXPECT_EQ(w.last_year_same_time.from_ms, kShanghai.DayStartMs(w.last_year_same_time.from_ms));
    EXPECT_EQ(w.last_year_same_time.length_ms(), c.now - midnight);
  }
}

TEST(MonthWindows, AMonthUnderWayAgainstLastMonthAndLastYear) {
  struct Case {
    int64_t now;
    const char* this_month;
    const char* last_month;
    const char* last_year_month;
    double elapsed_days;
    int days, last_days, last_year_days;
  } cases[] = {
      {Utc(2026, 12, 4, 16), "2026-12", "2026-11", "2025-12", 4.0, 31, 30, 31},  // local midnight of the 5th
      {Utc(2026, 1, 10, 4), "2026-01", "2025-12", "2025-01", 9.5, 31, 31, 31},   // noon of the 10th
      {Utc(2028, 3, 1, 4), "2028-03", "2028-02", "2027-03", 0.5, 31, 29, 31},    // after a leap February
  };
  for (const auto& c : cases) {
    const MonthWindows w = MonthWindowsAt(c.now, kShanghai);
    EXPECT_EQ(w.this_month, c.this_month);
    EXPECT_EQ(w.last_month, c.last_month);
    EXPECT_EQ(w.last_year_month, c.last_year_month);
    EXPECT_DOUBLE_EQ(w.elapsed_days, c.elapsed_days);
    EXPECT_EQ(w.this_month_days, c.days);
    EXPECT_EQ(w.last_month_days, c.last_days);
    EXPECT_EQ(w.last_year_month_days, c.last_year_days);
    EXPECT_EQ(w.last_month_whole.to_ms, w.this_month_so_far.from_ms);
    EXPECT_EQ(w.last_month_whole.length_ms(), c.last_days * kDayMs);
    EXPECT_EQ(w.last_year_month_whole.length_ms(), c.last_year_days * kDayMs);
  }
}

TEST(Compare, ChangeAndPercentOnlyWhenBothSidesAreKnown) {
  struct Case {
    std::optional<double> current, baseline, change, pct;
  } cases[] = {
      {120.0, 100.0, 20.0, 20.0},
      {80.0, 100.0, -20.0, -20.0},
      {5.0, 0.0, 5.0, std::nullopt},    // from nothing: no percentage
      {std::nullopt, 100.0, std::nullopt, std::nullopt},
      {100.0, std::nullopt, std::nullopt, std::nullopt},  // no data last year is not a 100 % rise
      {-50.0, -100.0, 50.0, 50.0},      // a negative baseline (net recovery) keeps the sign of the change
  };
  for (const auto& c : cases) {
    const Change got = Compare(c.current, c.baseline);
    EXPECT_EQ(got.change, c.change);
    ASSERT_EQ(got.change_pct.has_value(), c.pct.has_value());
    if (c.pct) {
      EXPECT_DOUBLE_EQ(*got.change_pct, *c.pct);
    }
  }
}

TEST(UseIn, IntervalsCountWithTheirShareOfTheWindow) {
  using telemetry::ConsumptionInterval;
  const std::vector<ConsumptionInterval> ivs = {
      {0, 10, 100, std::nullopt},   // 100 over [0, 10)
      {10, 20, 50, std::nullopt},   // 50 over [10, 20)
      {30, 30, 7, std::nullopt},    // a zero-length interval at 30
  };
  struct Case {
    Window w;
    std::optional<double> use;
  } cases[] = {
      {{0, 20}, 150.0}, {{5, 15}, 75.0}, {{0, 5}, 50.0}, {{20, 30}, std::nullopt},
      {{25, 31}, 7.0},  {{40, 50}, std::nullopt},        {{-10, 100}, 157.0},
  };
  for (const auto& c : cases) {
    const auto got = UseIn(ivs, c.w);
    ASSERT_EQ(got.has_value(), c.use.has_value()) << c.w.from_ms << ".." << c.w.to_ms;
    if (c.use) {
      EXPECT_DOUBLE_EQ(*got, *c.use) << c.w.from_ms << ".." << c.w.to_ms;
    }
  }
}

TEST(MeterDayUse, HourlyReadingsGiveTodayYesterdayAndLastYear) {
  // 10:00 in the park on 5 December 2026; a meter counting 100 kWh an hour, read every hour, for the last two
  // days, and for a few hours around the same morning a year ago at 50 kWh an hour.
  const int64_t now = Utc(2026, 12, 5, 2);
  const DayWindows w = DayWindowsAt(now, kShanghai);
  std::vector<telemetry::MeterReading> readings;
  double counter = 10'000;
  for (int64_t t = w.yesterday_whole.from_ms - 2 * kHourMs; t <= now; t += kHourMs) {
    readings.push_back({t, counter});
    counter += 100;
  }
  double old = 500;
  for (int64_t t = w.last_year_same_time.from_ms - kHourMs; t <= w.last_year_same_time.to_ms + kHourMs; t += kHourMs) {
    readings.push_back({t, old});
    old += 50;
  }
  const DayUse u = MeterDayUse(readings, w);
  ASSERT_TRUE(u.today && u.yesterday_same_time && u.yesterday && u.last_year_same_time);
  EXPECT_NEAR(*u.today, 1000, 1e-9);  // 10 hours since midnight
  EXPECT_NEAR(*u.yesterday_same_time, 1000, 1e-9);
  EXPECT_NEAR(*u.yesterday, 2400, 1e-9);
  EXPECT_NEAR(*u.last_year_same_time, 500, 1e-9);
  // The year between has no readings: the interval that spans it is a gap, but it does not reach into today.
  EXPECT_EQ(u.meters_today, 1);
  // Hour by hour: ten whole hours today, 24 yesterday, each 100 kWh.
  ASSERT_EQ(u.today_hours.size(), 10u);
  ASSERT_EQ(u.yesterday_hours.size(), 24u);
  for (const auto& h : u.today_hours) EXPECT_NEAR(h.value_or(-1), 100, 1e-9);
  for (const auto& h : u.yesterday_hours) EXPECT_NEAR(h.value_or(-1), 100, 1e-9);

  // Summing two meters; a meter with no data in a window leaves "no data" for it alone.
  DayUse sum;
  AddDayUse(sum, u);
  DayUse only_today;
  only_today.today = 5;
  only_today.meters_today = 1;
  AddDayUse(sum, only_today);
  EXPECT_NEAR(*sum.today, 1005, 1e-9);
  EXPECT_EQ(sum.meters_today, 2);
  DayUse early;  // a meter that reported only in the first hour
  early.today_hours = {7.5};
  AddDayUse(sum, early);
  EXPECT_NEAR(sum.today_hours[0].value_or(-1), 107.5, 1e-9);
  EXPECT_NEAR(sum.today_hours[9].value_or(-1), 100, 1e-9);
  EXPECT_EQ(sum.meters_last_year, 1);
  DayUse none;
  AddDayUse(none, only_today);
  EXPECT_FALSE(none.yesterday.has_value());
}

TEST(MeterDayUse, AResetCountsFromZeroInsteadOfANegativeUse) {
  const int64_t now = Utc(2026, 12, 5, 2);  // 10:00 local
  const DayWindows w = DayWindowsAt(now, kShanghai);
  const int64_t m = w.today_so_far.from_ms;
  const std::vector<telemetry::MeterReading> readings = {
      {m - kHourMs, 900}, {m, 1000}, {m + 3 * kHourMs, 1300}, {m + 4 * kHourMs, 0}, {m + 5 * kHourMs, 40}};
  const DayUse u = MeterDayUse(readings, w);
  ASSERT_TRUE(u.today);
  EXPECT_NEAR(*u.today, 300 + 0 + 40, 1e-9);  // the replaced meter starts again from 0
  EXPECT_FALSE(u.last_year_same_time.has_value());
}

TEST(DueList, OverdueFirstThenSoonestWithinTheHorizon) {
  const std::vector<DueInput> checks = {
      {1, "2026-12-20"}, {2, "2026-11-30"}, {3, "2027-02-01"}, {4, "2026-12-05"},
      {5, "2026-12-04"}, {6, "not a date"}, {7, "2026-02-30"}, {8, "2027-01-04"}, {9, "2026-12-06"},
  };
  const auto got = DueList(checks, "2026-12-05", 30);
  struct Want {
    int64_t id;
    int days;
    DueState state;
    const char* text;
  } want[] = {
      {2, -5, DueState::kOverdue, "overdue by 5 days"},
      {5, -1, DueState::kOverdue, "overdue by 1 day"},
      {4, 0, DueState::kDueToday, "due today"},
      {9, 1, DueState::kDueSoon, "due tomorrow"},
      {1, 15, DueState::kDueSoon, "due in 15 days"},
      {8, 30, DueState::kDueSoon, "due in 30 days"},  // the horizon is inclusive; 2027-02-01 is beyond it
  };
  ASSERT_EQ(got.size(), std::size(want));
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, want[i].id) << i;
    EXPECT_EQ(got[i].days_left, want[i].days) << i;
    EXPECT_EQ(got[i].state, want[i].state) << i;
    EXPECT_EQ(RenderText(DueText(got[i]), Locale::kEn), want[i].text) << i;
  }
  EXPECT_EQ(RenderText(DueText(got[0]), Locale::kZhCN), "已逾期 5 天");
  EXPECT_TRUE(DueList(checks, "bad", 30).empty());
}

TEST(OwedItems, WhatWasReportedBeforeButNotForTheMonth) {
  const std::vector<ItemMonth> rows = {
      {"2026-10", "electricity"}, {"2026-10", "heat"},   {"2026-09", "water"},      {"2025-11", "raw_coal"},
      {"2026-11", "electricity"}, {"2026-11", "cod"},    {"2026-12", "natural_gas"}, {"2025-10", "diesel"},
  };
  struct Case {
    const char* month;
    int lookback;
    std::vector<std::string> owed;
  } cases[] = {
      {"2026-11", 12, {"heat", "raw_coal", "water"}},  // diesel was last reported 13 months before
      {"2026-11", 1, {"heat"}},
      {"2026-12", 2, {"cod", "electricity", "heat"}},
      {"2027-01", 1, {"natural_gas"}},
      {"2026-13", 12, {}},
  };
  for (const auto& c : cases) EXPECT_EQ(OwedItems(rows, c.month, c.lookback), c.owed) << c.month << " " << c.lookback;
}

TEST(ShiftMonth, AcrossYears) {
  EXPECT_EQ(ShiftMonth("2026-01", -1), "2025-12");
  EXPECT_EQ(ShiftMonth("2026-12", 1), "2027-01");
  EXPECT_EQ(ShiftMonth("2026-11", -12), "2025-11");
  EXPECT_EQ(ShiftMonth("2026-11", -23), "2024-12");
}

TEST(Outlets, TheLatestValueAgainstTheLimit) {
  const int64_t now = Utc(2026, 12, 5, 2);
  struct Case {
    std::optional<double> value;
    std::optional<int64_t> at;
    double limit;
    OutletState state;
    const char* text;
  } cases[] = {
      {58.2, now - 60'000, 100, OutletState::kOk, "58.2 % of the limit"},
      {85, now - 60'000, 100, OutletState::kNear, "85 % of the limit: close to it"},
      {112, now - 60'000, 100, OutletState::kOver, "over the limit: 112 % of it"},
      {100, now, 100, OutletState::kNear, "100 % of the limit: close to it"},  // at the limit is not over it
      {112, now - 2 * kHourMs, 100, OutletState::kStale, "no value for 120 minutes"},
      {std::nullopt, std::nullopt, 15, OutletState::kNoData, "no value yet"},
  };
  for (const auto& c : cases) {
    const OutletCheck got = CheckOutlet(c.value, c.at, c.limit, now);
    EXPECT_EQ(got.state, c.state) << c.text;
    EXPECT_EQ(RenderText(OutletText(got, c.at, now), Locale::kEn), c.text);
  }
  EXPECT_TRUE(IsPollutantConcentration("concentration", "mg/L"));
  EXPECT_TRUE(IsPollutantConcentration("concentration", "mg/m3"));
  EXPECT_FALSE(IsPollutantConcentration("concentration", "%"));  // flue-gas oxygen
  EXPECT_FALSE(IsPollutantConcentration("ph", "pH"));
}

}  // namespace
}  // namespace park::home
