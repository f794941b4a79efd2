#include "park/telemetry/alarm.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace park::telemetry {
namespace {

using C = Condition;

TEST(AlarmTest, ThresholdWithHysteresisTable) {
  struct Case {
    const char* name;
    ThresholdRule rule;
    std::vector<double> values;
    std::vector<Condition> want;
  };
  const std::vector<Case> cases = {
      {"high raises above, clears below high - deadband",
       {.high = 80, .deadband = 2},
       {79, 80, 80.1, 79, 78.5, 78, 77.9, 80.5},
       {C::kNormal, C::kNormal, C::kHigh, C::kHigh, C::kHigh, C::kHigh, C::kNormal, C::kHigh}},
      {"low raises below, clears above low + deadband",
       {.low = 10, .deadband = 1},
       {11, 10, 9.9, 10.5, 11, 11.1, 9},
       {C::kNormal, C::kNormal, C::kLow, C::kLow, C::kLow, C::kNormal, C::kLow}},
      {"jump from high straight to low",
       {.high = 80, .low = 10, .deadband = 1},
       {90, 5, 50},
       {C::kHigh, C::kLow, C::kNormal}},
      {"NaN keeps the condition", {.high = 80}, {81, NAN, 79.99}, {C::kHigh, C::kHigh, C::kNormal}},
      {"zero deadband", {.high = 80}, {81, 80, 79.99}, {C::kHigh, C::kHigh, C::kNormal}},
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(ValidateThresholdRule(c.rule).ok()) << c.name;
    ThresholdMachine m(c.rule);
    for (size_t i = 0; i < c.values.size(); ++i) {
      EXPECT_EQ(m.Observe(c.values[i]), c.want[i]) << c.name << " step " << i;
    }
  }
}

// Every broken rule of one rule at once, each as field=code.
std::string Reasons(const Status& st) {
  if (st.ok()) return "";
  std::string out;
  for (const auto& f : st.error().fields) out += (out.empty() ? "" : " ") + f.field + "=" + f.text.code;
  return out;
}

TEST(AlarmTest, RuleValidation) {
  struct Case {
    const char* name;
    ThresholdRule rule;
    const char* want;
  };
  const Case threshold[] = {
      {"no limit", {}, "high=telemetry.rule.threshold_needs_limit"},
      {"negative deadband", {.high = 10, .deadband = -1}, "deadband=field.at_least"},
      {"bands overlap", {.high = 10, .low = 9, .deadband = 1}, "low=telemetry.rule.bands_overlap"},
      {"infinite limit", {.high = INFINITY}, "high=field.not_finite"},
      {"no limit and a negative deadband",
       {.deadband = -2},
       "high=telemetry.rule.threshold_needs_limit deadband=field.at_least"},
      {"fine", {.high = 10, .low = 5, .deadband = 1}, ""},
  };
  for (const auto& c : threshold) EXPECT_EQ(Reasons(ValidateThresholdRule(c.rule)), c.want) << c.name;
  struct RateCase {
    const char* name;
    RateRule rule;
    const char* want;
  };
  const RateCase rate[] = {
      {"zero rate", {.max_rate_per_s = 0}, "max_rate_per_s=field.greater_than"},
      {"deadband at the rate",
       {.max_rate_per_s = 1, .deadband_per_s = 1},
       "deadband_per_s=telemetry.rule.rate_deadband"},
      {"both",
       {.max_rate_per_s = -1, .deadband_per_s = -1},
       "max_rate_per_s=field.greater_than deadband_per_s=telemetry.rule.rate_deadband"},
      {"fine", {.max_rate_per_s = 1, .deadband_per_s = 0.5}, ""},
  };
  for (const auto& c : rate) EXPECT_EQ(Reasons(ValidateRateRule(c.rule)), c.want) << c.name;
  const auto st = ValidateThresholdRule({.high = 10, .low = 9, .deadband = 1});
  EXPECT_EQ(RenderText(st.error().text, Locale::kZhCN), "下限加回差必须低于上限减回差");
}

TEST(AlarmTest, RateOfChangeTable) {
  struct Step {
    int64_t ts_ms;
    double value;
    Condition want;
  };
  // Limit 1 unit/s, clears below 0.5 unit/s.
  const Step steps[] = {
      {0, 10, C::kNormal},             // first reading: no rate yet
      {10'000, 15, C::kNormal},        // 0.5/s
      {20'000, 30, C::kRateOfChange},  // 1.5/s
      {30'000, 37, C::kRateOfChange},  // 0.7/s: inside the deadband, stays
      {30'000, 99, C::kRateOfChange},  // same timestamp: ignored
      {25'000, 0, C::kRateOfChange},   // older: ignored
      {40'000, 40, C::kNormal},        // 0.3/s
      {41'000, 38, C::kRateOfChange},  // falling fast counts too
  };
  RateOfChangeMachine m({.max_rate_per_s = 1, .deadband_per_s = 0.5});
  for (const Step& s : steps) EXPECT_EQ(m.Observe(s.ts_ms, s.value), s.want) << s.ts_ms;
}

TEST(AlarmTest, NoDataUsesTheInjectedClock) {
  FixedClock clock(1'000'000);
  NoDataMachine m(60'000, clock);
  EXPECT_EQ(m.Check(), C::kNormal);
  clock.Advance(60'000);
  EXPECT_EQ(m.Check(), C::kNormal);  // exactly the timeout: not yet
  clock.Advance(1);
  EXPECT_EQ(m.Check(), C::kNoData);  // never reported since start
  m.Observe();
  EXPECT_EQ(m.Check(), C::kNormal);
  EXPECT_EQ(m.last_seen_ms(), 1'060'001);
  clock.Advance(120'000);
  EXPECT_EQ(m.Check(), C::kNoData);
}

TEST(AlarmTest, LifecycleAndDeduplication) {
  AlarmBook book;
  struct Step {
    const char* what;
    std::string series;
    Condition condition;
    double value;
    std::optional<AlarmEventKind> want_event;
    size_t want_open;
  };
  const Step steps[] = {
      {"normal, nothing open", "pump-1", C::kNormal, 70, std::nullopt, 0},
      {"raise", "pump-1", C::kHigh, 81, AlarmEventKind::kRaised, 1},
      {"repeat folded in", "pump-1", C::kHigh, 82, std::nullopt, 1},
      {"repeat folded in", "pump-1", C::kHigh, 83, std::nullopt, 1},
      {"other series, own alarm", "pump-2", C::kHigh, 90, AlarmEventKind::kRaised, 2},
      {"condition changes", "pump-1", C::kLow, 5, AlarmEventKind::kConditionChanged, 2},
      {"clear", "pump-1", C::kNormal, 50, AlarmEventKind::kCleared, 1},
      {"raise again: a new alarm", "pump-1", C::kHigh, 85, AlarmEventKind::kRaised, 2},
  };
  int64_t now = 1000;
  std::vector<uint64_t> raised_ids;
  for (const Step& s : steps) {
    auto event = book.Update("temp-high", s.series, s.condition, s.value, now++);
    ASSERT_EQ(event.has_value(), s.want_event.has_value()) << s.what;
    if (event) {
      EXPECT_EQ(event->kind, *s.want_event) << s.what;
      if (event->kind == AlarmEventKind::kRaised) raised_ids.push_back(event->alarm.id);
      if (event->kind == AlarmEventKind::kCleared) {
        EXPECT_EQ(event->alarm.state, AlarmState::kCleared);
        EXPECT_EQ(event->alarm.repeats, 2u);
        EXPECT_EQ(event->alarm.trigger_value, 81);
        EXPECT_EQ(event->alarm.last_value, 50);
      }
    }
    EXPECT_EQ(book.open_count(), s.want_open) << s.what;
  }
  EXPECT_EQ(raised_ids, (std::vector<uint64_t>{1, 2, 3}));
  // Same series under another rule: its own alarm.
  EXPECT_TRUE(book.Update("temp-rate", "pump-1", C::kRateOfChange, 85, now).has_value());
  EXPECT_EQ(book.open_count(), 3u);
}

TEST(AlarmTest, AcknowledgeThenClear) {
  AlarmBook book(100);
  const auto raised = book.Update("r", "s", C::kHigh, 1, 10);
  ASSERT_TRUE(raised.has_value());
  EXPECT_EQ(raised->alarm.id, 100u);
  auto ack = book.Acknowledge(100, "li.wei", 20);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->alarm.state, AlarmState::kAcknowledged);
  EXPECT_EQ(ack->alarm.acknowledged_by, "li.wei");
  auto again = book.Acknowledge(100, "zhang.min", 21);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().text.code, "telemetry.alarm.already_acknowledged");
  EXPECT_EQ(RenderText(again.error().text, Locale::kZhCN), "该告警已由 li.wei 确认");
  EXPECT_EQ(book.Acknowledge(999, "x", 22).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(book.Acknowledge(999, "x", 22).error().text.code, "telemetry.alarm.not_open");
  // Still abnormal while acknowledged: no new alarm.
  EXPECT_FALSE(book.Update("r", "s", C::kHigh, 2, 30).has_value());
  const auto cleared = book.Update("r", "s", C::kNormal, 0, 40);
  ASSERT_TRUE(cleared.has_value());
  EXPECT_EQ(cleared->alarm.state, AlarmState::kCleared);
  EXPECT_EQ(cleared->alarm.acknowledged_ms, 20);
  EXPECT_EQ(cleared->alarm.cleared_ms, 40);
  EXPECT_EQ(book.Acknowledge(100, "li.wei", 50).error().code, ErrorCode::kNotFound);
}

TEST(AlarmTest, RestoreAfterRestart) {
  AlarmBook book;
  Alarm a;
  a.id = 41;
  a.rule_id = "r";
  a.series_key = "s";
  a.condition = C::kNoData;
  ASSERT_TRUE(book.Restore(a).ok());
  EXPECT_EQ(book.Restore(a).error().code, ErrorCode::kConflict);
  a.state = AlarmState::kCleared;
  EXPECT_FALSE(book.Restore(a).ok());
  EXPECT_FALSE(book.Update("r", "s", C::kNoData, 0, 1).has_value());  // deduplicated against the restored one
  const auto next = book.Update("r", "other", C::kNoData, 0, 1);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->alarm.id, 42u);
  ASSERT_NE(book.FindOpen("r", "s"), nullptr);
  EXPECT_EQ(book.OpenAlarms().front().id, 41u);
}

TEST(AlarmTest, MachinesDriveTheBook) {
  // A threshold machine feeding the book: hovering at the limit raises once and clears once.
  ThresholdMachine m({.high = 80, .deadband = 2});
  AlarmBook book;
  int events = 0;
  const double values[] = {79, 80.5, 79.5, 80.5, 79.5, 80.2, 77, 76};
  int64_t now = 0;
  for (const double v : values) events += book.Update("hi", "reactor-1", m.Observe(v), v, now++).has_value();
  EXPECT_EQ(events, 2);
  EXPECT_EQ(ConditionName(C::kRateOfChange), "rate_of_change");
  EXPECT_EQ(AlarmStateName(AlarmState::kAcknowledged), "acknowledged");
}

TEST(AlarmTest, CloseWhileTheConditionHoldsRaisesAgainAtTheNextReading) {
  ThresholdMachine m({.high = 80});
  AlarmBook book;
  const auto raised = book.Update("hi", "s", m.Observe(85), 85, 10);
  ASSERT_TRUE(raised.has_value());
  const auto closed = book.Close(raised->alarm.id, 20);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->kind, AlarmEventKind::kCleared);
  EXPECT_EQ(closed->alarm.state, AlarmState::kCleared);
  EXPECT_EQ(closed->alarm.cleared_ms, 20);
  EXPECT_EQ(book.FindOpen("hi", "s"), nullptr);
  EXPECT_EQ(book.Close(raised->alarm.id, 21).error().code, ErrorCode::kNotFound);
  // Still high: the next reading is a new alarm, not a repeat of the closed one.
  const auto again = book.Update("hi", "s", m.Observe(86), 86, 30);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->kind, AlarmEventKind::kRaised);
  EXPECT_NE(again->alarm.id, raised->alarm.id);
}

TEST(AlarmTest, ClosureNamesEveryProblem) {
  EXPECT_TRUE(ValidateClosure({"sensor_fault", ""}).ok());
  EXPECT_TRUE(ValidateClosure({"other", "valve replaced by the vendor"}).ok());
  const auto bad = ValidateClosure({"bad luck", ""});
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.error().fields.size(), 1u);
  EXPECT_EQ(bad.error().fields[0].field, "cause");
  EXPECT_EQ(bad.error().fields[0].text.code, "field.one_of");
  const auto other = ValidateClosure({"other", "  "});
  ASSERT_FALSE(other.ok());
  ASSERT_EQ(other.error().fields.size(), 1u);
  EXPECT_EQ(other.error().fields[0].field, "note");
  EXPECT_EQ(other.error().fields[0].text.code, "telemetry.alarm.note_needed_for_other");
}

TEST(AlarmTest, TallyCountsEachStepAndAveragesOnlyThoseThatReachedIt) {
  constexpr int64_t kMin = 60'000;
  const std::vector<AlarmRecord> records = {
      {"A", "critical", 0, 10 * kMin, 20 * kMin, 30 * kMin},  // closed after 30 min, acknowledged after 10
      {"A", "warning", 0, 20 * kMin, 0, 90 * kMin},           // closed while the condition held
      {"A", "warning", 0, 0, 5 * kMin, 0},                    // cleared, still to close
      {"B", "info", 0, 0, 0, 0},                              // open
  };
  const auto t = TallyAlarms(records);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].group, "A");
  EXPECT_EQ(t[0].raised, 3);
  EXPECT_EQ(t[0].critical, 1);
  EXPECT_EQ(t[0].closed, 2);
  EXPECT_EQ(t[0].to_close, 1);
  EXPECT_EQ(t[0].open, 0);
  EXPECT_DOUBLE_EQ(*t[0].mean_minutes_to_acknowledge, 15);
  EXPECT_DOUBLE_EQ(*t[0].mean_minutes_to_close, 60);
  EXPECT_EQ(t[1].group, "B");
  EXPECT_EQ(t[1].open, 1);
  EXPECT_FALSE(t[1].mean_minutes_to_acknowledge.has_value());
  EXPECT_FALSE(t[1].mean_minutes_to_close.has_value());
}

}  // namespace
}  // namespace park::telemetry
