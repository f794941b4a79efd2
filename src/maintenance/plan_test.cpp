#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "park/core/time.hpp"
#include "park/maintenance/plan.hpp"

namespace park::maintenance {
namespace {

constexpr int kBeijing = 8 * 60;
constexpr int64_t kHour = 3600000;

LocalDate D(int y, unsigned m, unsigned d) { return {y, m, d}; }
int64_t At(const char* iso) { return ParseInstantMs(iso, "t").value(); }

TEST(Calendar, MonthsKeepTheDayOrFallOnTheMonthsLastDay) {
  EXPECT_EQ(AddIntervals(D(2024, 1, 31), CalendarUnit::kMonth, 1, 1), D(2024, 2, 29));  // leap year
  EXPECT_EQ(AddIntervals(D(2023, 1, 31), CalendarUnit::kMonth, 1, 1), D(2023, 2, 28));
  EXPECT_EQ(AddIntervals(D(2024, 1, 31), CalendarUnit::kMonth, 1, 2), D(2024, 3, 31));  // not 29 Mar
  EXPECT_EQ(AddIntervals(D(2024, 1, 31), CalendarUnit::kMonth, 1, 3), D(2024, 4, 30));
  EXPECT_EQ(AddIntervals(D(2024, 12, 15), CalendarUnit::kMonth, 1, 1), D(2025, 1, 15));
  EXPECT_EQ(AddIntervals(D(2024, 11, 30), CalendarUnit::kMonth, 3, 1), D(2025, 2, 28));
  EXPECT_EQ(AddIntervals(D(2024, 2, 29), CalendarUnit::kYear, 1, 1), D(2025, 2, 28));
  EXPECT_EQ(AddIntervals(D(2024, 2, 29), CalendarUnit::kYear, 1, 4), D(2028, 2, 29));
  EXPECT_EQ(AddIntervals(D(2100, 2, 28), CalendarUnit::kDay, 1, 1), D(2100, 3, 1));  // 2100 is not leap
  EXPECT_EQ(AddIntervals(D(2000, 2, 28), CalendarUnit::kDay, 1, 1), D(2000, 2, 29));  // 2000 is
  EXPECT_EQ(AddIntervals(D(2024, 12, 30), CalendarUnit::kWeek, 2, 1), D(2025, 1, 13));
}

TEST(Calendar, TheParksTimeZoneDecidesTheDay) {
  EXPECT_EQ(LocalDateOf(At("2024-02-28T16:30:00Z"), kBeijing), D(2024, 2, 29));  // 00:30 in Beijing
  EXPECT_EQ(LocalDateOf(At("2024-02-28T15:59:59Z"), kBeijing), D(2024, 2, 28));
  EXPECT_EQ(LocalDateOf(At("2024-02-28T16:30:00Z"), 0), D(2024, 2, 28));
  EXPECT_EQ(LocalDateOf(At("1969-12-31T23:00:00Z"), 0), D(1969, 12, 31));
  EXPECT_EQ(LocalMidnightMs(D(2024, 3, 1), kBeijing), At("2024-02-29T16:00:00Z"));
  EXPECT_EQ(FormatLocalDate(D(2024, 3, 1)), "2024-03-01");
  EXPECT_EQ(FormatLocalDate(D(987, 12, 31)), "0987-12-31");
  EXPECT_EQ(FormatLocalDate(D(2031, 10, 9)), "2031-10-09");
  EXPECT_EQ(ParseLocalDate("2024-02-29", "start").value(), D(2024, 2, 29));
  const auto bad = ParseLocalDate("2023-02-29", "start");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "start");
  EXPECT_EQ(bad.error().text.code, "maintenance.field.date");
}

TEST(CalendarDue, NeverDoneIsDueOnTheFirstDate) {
  const CalendarPlan plan{CalendarUnit::kMonth, 1, Anchor::kFixed, D(2024, 3, 10), 3};
  // 7 March 00:00 in Beijing is the reminder; a second before, no reminder yet.
  auto due = NextCalendarDue(plan, std::nullopt, At("2024-03-06T16:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 3, 10));
  EXPECT_EQ(due.remind_on, D(2024, 3, 7));
  EXPECT_TRUE(due.remind);
  EXPECT_FALSE(due.due_now);
  EXPECT_EQ(due.derivation.code, "maintenance.due.first");
  due = NextCalendarDue(plan, std::nullopt, At("2024-03-06T15:59:59Z"), kBeijing);
  EXPECT_FALSE(due.remind);
  due = NextCalendarDue(plan, std::nullopt, At("2024-03-15T04:00:00Z"), kBeijing);
  EXPECT_TRUE(due.due_now);
  EXPECT_EQ(due.overdue_days, 5);
  EXPECT_EQ(due.due_at_ms, At("2024-03-09T16:00:00Z"));
}

TEST(CalendarDue, FixedStaysOnTheScheduleWhateverTheCompletion) {
  CalendarPlan plan{CalendarUnit::kMonth, 1, Anchor::kFixed, D(2024, 1, 31), 0};
  // Done late on 10 Feb: the next occurrence is 29 Feb (k = 1), not 10 Mar.
  auto due = NextCalendarDue(plan, At("2024-02-10T02:00:00Z"), At("2024-02-10T02:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 2, 29));
  EXPECT_EQ(due.occurrence, 1);
  EXPECT_EQ(due.derivation.code, "maintenance.due.fixed");
  // With a 20-day lead, work done on 10 Feb is inside 29 Feb's reminder window and covers it.
  plan.lead_days = 20;
  due = NextCalendarDue(plan, At("2024-02-10T02:00:00Z"), At("2024-02-10T02:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 3, 31));
  EXPECT_EQ(due.occurrence, 2);
  // Done on the due day itself: the next one.
  plan.lead_days = 0;
  due = NextCalendarDue(plan, At("2024-02-29T01:00:00Z"), At("2024-02-29T01:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 3, 31));
}

TEST(CalendarDue, FixedFindsFarOccurrences) {
  const CalendarPlan quarterly{CalendarUnit::kMonth, 3, Anchor::kFixed, D(2020, 1, 31), 0};
  // ... 2024-01-31 (k 16), 2024-04-30 (k 17), 2024-07-31 (k 18)
  auto due = NextCalendarDue(quarterly, At("2024-05-01T04:00:00Z"), At("2024-05-01T04:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 7, 31));
  EXPECT_EQ(due.occurrence, 18);
  const CalendarPlan yearly{CalendarUnit::kYear, 1, Anchor::kFixed, D(2000, 2, 29), 0};
  due = NextCalendarDue(yearly, At("2023-03-01T04:00:00Z"), At("2023-03-01T04:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 2, 29));
  EXPECT_EQ(due.occurrence, 24);
  due = NextCalendarDue(yearly, At("2024-03-01T04:00:00Z"), At("2024-03-01T04:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2025, 2, 28));
  const CalendarPlan daily{CalendarUnit::kDay, 1, Anchor::kFixed, D(2000, 1, 1), 0};
  due = NextCalendarDue(daily, At("2024-06-15T04:00:00Z"), At("2024-06-15T04:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 6, 16));
  // A completion before the schedule starts covers nothing.
  const CalendarPlan later{CalendarUnit::kWeek, 2, Anchor::kFixed, D(2025, 1, 6), 0};
  due = NextCalendarDue(later, At("2024-12-20T04:00:00Z"), At("2024-12-20T04:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2025, 1, 6));
  EXPECT_EQ(due.occurrence, 0);
}

TEST(CalendarDue, FloatingCountsFromTheCompletionsLocalDay) {
  const CalendarPlan plan{CalendarUnit::kMonth, 1, Anchor::kFloating, D(2023, 1, 1), 7};
  auto due = NextCalendarDue(plan, At("2024-01-31T03:00:00Z"), At("2024-02-01T00:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 2, 29));
  EXPECT_EQ(due.remind_on, D(2024, 2, 22));
  EXPECT_EQ(due.derivation.code, "maintenance.due.floating");
  // 17:00 UTC on 31 Jan is already 1 Feb in Beijing: due 1 Mar there, 29 Feb in UTC.
  due = NextCalendarDue(plan, At("2024-01-31T17:00:00Z"), At("2024-02-01T00:00:00Z"), kBeijing);
  EXPECT_EQ(due.due, D(2024, 3, 1));
  due = NextCalendarDue(plan, At("2024-01-31T17:00:00Z"), At("2024-02-01T00:00:00Z"), 0);
  EXPECT_EQ(due.due, D(2024, 2, 29));
}

TEST(Calendar, AJoiningEquipmentFallsIntoTheSchedule) {
  const auto d = [](const char* text) { return *ParseLocalDate(text, "d"); };
  struct Case {
    CalendarUnit unit;
    int64_t every;
    const char* start;
    const char* day;
    const char* want;
  } cases[] = {
      {CalendarUnit::kMonth, 1, "2024-01-31", "2024-01-15", "2024-01-31"},  // before the start: the start
      {CalendarUnit::kMonth, 1, "2024-01-31", "2024-02-10", "2024-02-29"},  // a leap February's last day
      {CalendarUnit::kMonth, 1, "2024-01-31", "2024-03-01", "2024-03-31"},
      {CalendarUnit::kMonth, 3, "2023-11-30", "2025-02-28", "2025-02-28"},  // on the day itself
      {CalendarUnit::kWeek, 2, "2024-01-01", "2024-01-16", "2024-01-29"},
      {CalendarUnit::kDay, 10, "2020-01-01", "2026-12-06", "2026-12-15"},
      {CalendarUnit::kYear, 1, "2020-02-29", "2025-03-01", "2026-02-28"},
  };
  for (const auto& c : cases) {
    CalendarPlan p;
    p.unit = c.unit;
    p.every = c.every;
    p.start = d(c.start);
    EXPECT_EQ(FormatLocalDate(FirstOccurrenceOnOrAfter(p, d(c.day))), c.want) << c.start << " " << c.day;
  }
}

TEST(CalendarPlanCheck, NamesEachBadField) {
  EXPECT_TRUE(ValidateCalendarPlan({CalendarUnit::kDay, 1, Anchor::kFixed, D(2024, 1, 1), 0}).ok());
  const auto st = ValidateCalendarPlan({CalendarUnit::kDay, 0, Anchor::kFixed, D(2024, 1, 1), 400});
  ASSERT_FALSE(st.ok());
  ASSERT_EQ(st.error().fields.size(), 2u);
  EXPECT_EQ(st.error().fields[0].field, "every");
  EXPECT_EQ(st.error().fields[1].field, "lead_days");
  EXPECT_EQ(ParseCalendarUnit("month"), CalendarUnit::kMonth);
  EXPECT_EQ(ParseCalendarUnit("fortnight"), std::nullopt);
  EXPECT_EQ(ParseAnchor("floating"), Anchor::kFloating);
}

TEST(Meter, RunHoursCountTimeAtOrAboveTheThresholdAndSkipSilences) {
  const int64_t t0 = At("2024-05-01T00:00:00Z");
  const std::vector<Sample> s = {{t0 + 3 * kHour, 1}, {t0, 1},  // out of order on purpose
                                 {t0 + kHour, 1},     {t0 + 2 * kHour, 0},
                                 {t0 + 7 * kHour / 2, 1}, {t0 + 10 * kHour, 1}};
  MeterCountOptions o;
  o.max_gap_ms = kHour;
  // 0–1 h and 1–2 h running, 2–3 h stopped, 3–3.5 h running; 3.5–10 h is a silence of 6.5 h: unknown.
  MeterCount c = CountMeter(MeterBasis::kRunHours, s, t0, o);
  EXPECT_DOUBLE_EQ(c.used, 2.5);
  EXPECT_EQ(c.gaps, 1);
  EXPECT_EQ(c.samples, 6);
  c = CountMeter(MeterBasis::kRunHours, s, t0 + kHour, o);  // counted from the last service
  EXPECT_DOUBLE_EQ(c.used, 1.5);
  c = CountMeter(MeterBasis::kStarts, s, t0, o);
  EXPECT_DOUBLE_EQ(c.used, 1);
  // An analogue value above a threshold: a pump's current above 5 A means it runs.
  const std::vector<Sample> amps = {{t0, 12}, {t0 + kHour, 3}, {t0 + 2 * kHour, 8}, {t0 + 3 * kHour, 9}};
  o.threshold = 5;
  EXPECT_DOUBLE_EQ(CountMeter(MeterBasis::kRunHours, amps, t0, o).used, 2);
  EXPECT_DOUBLE_EQ(CountMeter(MeterBasis::kStarts, amps, t0, o).used, 1);
}

TEST(Meter, CounterIncreaseHandlesResetsAndRollovers) {
  const int64_t t0 = At("2024-05-01T00:00:00Z");
  MeterCountOptions o;
  o.reset_near_zero = 10;
  const std::vector<Sample> cycles = {{t0, 100}, {t0 + kHour, 150}, {t0 + 2 * kHour, 200},
                                      {t0 + 3 * kHour, 5}, {t0 + 4 * kHour, 30}};
  MeterCount c = CountMeter(MeterBasis::kCounter, cycles, t0, o);
  EXPECT_DOUBLE_EQ(c.used, 50 + 50 + 5 + 25);
  EXPECT_EQ(c.resets, 1);
  o.rollover_at = 1000;
  const std::vector<Sample> wraps = {{t0, 950}, {t0 + kHour, 990}, {t0 + 2 * kHour, 20}};
  c = CountMeter(MeterBasis::kCounter, wraps, t0, o);
  EXPECT_DOUBLE_EQ(c.used, 40 + 30);
  EXPECT_EQ(c.resets, 1);
}

TEST(Meter, AdvancingStepByStepCountsWhatTheWholeHistoryCounts) {
  const int64_t t0 = At("2024-05-01T00:00:00Z");
  constexpr int64_t kMin = 60'000;
  MeterCountOptions o;
  o.max_gap_ms = 30 * kMin;
  o.reset_near_zero = 10;
  o.rollover_at = 1000;
  // Readings every 10 minutes with a silence, stops and starts (state), or a counter that climbs, glitches down and
  // recovers (dropped), drops and stays (rebaselined), resets near zero and rolls over.
  std::vector<Sample> state, counter;
  double total = 100;
  for (int i = 0; i < 200; ++i) {
    const int64_t at = t0 + (i < 100 ? i : i + 5) * 10 * kMin;  // 50 min silent after the 100th reading
    state.push_back({at, (i / 7) % 3 == 0 ? 0.0 : 1.0});
    total += 3;
    double value = total;
    if (i == 40) value = total - 50;           // a glitch: the next reading is back above the base
    if (i == 80) value = total -= 30;   // a drop that the next reading confirms
    if (i == 120) value = total = 4;    // a reset near zero
    if (i == 150) value = total = 998;
    if (i == 151) value = total = 2;    // a rollover at 1000
    if (i == 199) value = total - 100;         // the last reading: a drop still unconfirmed
    counter.push_back({at, std::fmod(value, 1000)});
  }
  const struct {
    MeterBasis basis;
    const std::vector<Sample>* samples;
  } cases[] = {{MeterBasis::kRunHours, &state}, {MeterBasis::kStarts, &state}, {MeterBasis::kCounter, &counter}};
  for (const auto& c : cases) {
    const int64_t from = t0 + 25 * kMin;  // the first readings belong to the last service
    const MeterCount whole = CountMeter(c.basis, *c.samples, from, o);
    EXPECT_GT(whole.used, 0) << MeterBasisName(c.basis);
    // Every way of cutting the history into two, three or more steps gives the same count.
    for (size_t step : {1u, 2u, 3u, 7u, 40u, 199u}) {
      MeterProgress p;
      for (size_t i = 0; i < c.samples->size(); i += step) {
        const size_t end = std::min(c.samples->size(), i + step);
        // Each step also sees readings it has seen already (the job asks from the last one counted, inclusive).
        const size_t begin = i > 0 ? i - 1 : 0;
        p = AdvanceMeter(c.basis, std::move(p), std::span(*c.samples).subspan(begin, end - begin), from, o);
      }
      EXPECT_NEAR(p.count.used, whole.used, 1e-9) << MeterBasisName(c.basis) << " in steps of " << step;
      EXPECT_EQ(p.count.samples, whole.samples) << MeterBasisName(c.basis) << " in steps of " << step;
      EXPECT_EQ(p.count.resets, whole.resets) << MeterBasisName(c.basis) << " in steps of " << step;
      EXPECT_EQ(p.count.gaps, whole.gaps) << MeterBasisName(c.basis) << " in steps of " << step;
    }
  }
  // The counter's worked figures: the resets and the rollover are counted, the glitch is not.
  EXPECT_EQ(CountMeter(MeterBasis::kCounter, counter, t0 + 25 * kMin, o).resets, 2);
  // Nothing new: the progress is returned as it was.
  MeterProgress p = AdvanceMeter(MeterBasis::kRunHours, {}, state, t0, o);
  const MeterProgress again = AdvanceMeter(MeterBasis::kRunHours, p, std::span(state).subspan(150), t0, o);
  EXPECT_EQ(again.count.used, p.count.used);
  EXPECT_EQ(again.count.samples, p.count.samples);
}

TEST(Meter, DueAndReminderFromTheCount) {
  const MeterPlan plan{MeterBasis::kRunHours, 500, 50};
  ASSERT_TRUE(ValidateMeterPlan(plan).ok());
  MeterCount c;
  c.used = 449;
  MeterDue d = NextMeterDue(plan, c);
  EXPECT_FALSE(d.remind);
  c.used = 460;
  d = NextMeterDue(plan, c);
  EXPECT_TRUE(d.remind);
  EXPECT_FALSE(d.due_now);
  EXPECT_DOUBLE_EQ(d.remaining, 40);
  EXPECT_EQ(d.derivation.code, "maintenance.due.meter");
  c.used = 512;
  d = NextMeterDue(plan, c);
  EXPECT_TRUE(d.due_now);
  EXPECT_DOUBLE_EQ(d.remaining, -12);

  const auto st = ValidateMeterPlan({MeterBasis::kStarts, 0, 0});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "every");
  const auto lead = ValidateMeterPlan({MeterBasis::kStarts, 100, 100});
  ASSERT_FALSE(lead.ok());
  EXPECT_EQ(lead.error().field, "lead");
  EXPECT_EQ(ParseMeterBasis("starts"), MeterBasis::kStarts);
  EXPECT_EQ(ParseMeterBasis("hours"), std::nullopt);
}

TEST(PlanTexts, EveryCodeIsInBothCatalogues) {
  for (const char* code :
       {"maintenance.field.date", "maintenance.field.every_range", "maintenance.field.lead_days_range",
        "maintenance.field.every_positive", "maintenance.field.lead_below_every", "maintenance.due.first",
        "maintenance.due.floating", "maintenance.due.fixed", "maintenance.due.meter", "maintenance.unit.day",
        "maintenance.unit.week", "maintenance.unit.month", "maintenance.unit.year", "maintenance.basis.run_hours",
        "maintenance.basis.starts", "maintenance.basis.counter"}) {
    EXPECT_TRUE(HasText(code)) << code;
  }
  const CalendarPlan plan{CalendarUnit::kMonth, 1, Anchor::kFixed, D(2024, 1, 31), 0};
  const auto due = NextCalendarDue(plan, At("2024-02-10T02:00:00Z"), At("2024-02-10T02:00:00Z"), kBeijing);
  EXPECT_EQ(RenderText(due.derivation),
            "fixed schedule: 2024-01-31 + 1 × 1 month(s) = 2024-02-29, the first date after the last completion "
            "2024-02-10 plus the 0-day lead");
}

}  // namespace
}  // namespace park::maintenance
