#include "park/maintenance/rounds.hpp"

#include <gtest/gtest.h>

#include "park/core/time.hpp"

namespace park::maintenance {
namespace {

constexpr int kBeijing = 8 * 60;
int64_t At(const char* iso) { return ParseInstantMs(iso, "t").value(); }

RoundSchedule TwoShifts() { return {ScheduleKind::kShift, {8 * 60, 20 * 60}}; }  // 08:00 and 20:00 local

InspectionRoute BoilerRoute() {
  InspectionRoute r;
  r.name = "Boiler house";
  ChecklistItem pressure{"pressure", "Drum pressure", ItemKind::kNumber, 0.8, 1.25, "MPa", true};
  ChecklistItem leaks{"no_leaks", "No leaks at the flanges", ItemKind::kPassFail, std::nullopt, std::nullopt, "", true};
  ChecklistItem note{"note", "Remarks", ItemKind::kText, std::nullopt, std::nullopt, "", false};
  r.checkpoints.push_back({11, {pressure, leaks, note}});
  return r;
}

TEST(Schedule, TheNightShiftRunsAcrossMidnightInTheParksTimeZone) {
  // 2026-03-01T02:30+08:00 is 2026-02-28T18:30Z: inside the night shift that began on 28 Feb at 20:00 local.
  const RoundWindow w = WindowAt(TwoShifts(), At("2026-02-28T18:30:00Z"), kBeijing);
  EXPECT_EQ(w.slot, "2026-02-28T20:00");
  EXPECT_EQ(w.shift, 1);
  EXPECT_EQ(w.start_ms, At("2026-02-28T12:00:00Z"));  // 20:00 local
  EXPECT_EQ(w.end_ms, At("2026-03-01T00:00:00Z"));    // 08:00 local on 1 March
  // The day shift of 1 March begins exactly at its end.
  const RoundWindow day = WindowAt(TwoShifts(), At("2026-03-01T00:00:00Z"), kBeijing);
  EXPECT_EQ(day.slot, "2026-03-01T08:00");
  EXPECT_EQ(day.end_ms, At("2026-03-01T12:00:00Z"));
}

TEST(Schedule, ADailyRoundTilesTheLocalDays) {
  const RoundSchedule daily{ScheduleKind::kDaily, {0}};
  const auto ws = WindowsBetween(daily, At("2026-12-01T15:00:00Z"), At("2026-12-03T16:00:00Z"), kBeijing);
  ASSERT_EQ(ws.size(), 3u);  // the local days 1, 2 and 3 December (3 Dec 00:00 local = 2 Dec 16:00Z)
  EXPECT_EQ(ws[0].slot, "2026-12-01T00:00");
  EXPECT_EQ(ws[0].start_ms, At("2026-11-30T16:00:00Z"));
  EXPECT_EQ(ws[2].slot, "2026-12-03T00:00");
  EXPECT_EQ(ws[1].end_ms, ws[2].start_ms);
}

TEST(Schedule, StartsAreCheckedWithTheFieldNamed) {
  EXPECT_TRUE(ValidateSchedule(TwoShifts()).ok());
  auto one = ValidateSchedule({ScheduleKind::kShift, {480}});
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().field, "schedule.starts");
  auto order = ValidateSchedule({ScheduleKind::kShift, {480, 480}});
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.error().field, "schedule.starts[1]");
  EXPECT_EQ(*ParseClock("20:00", "s"), 1200);
  EXPECT_FALSE(ParseClock("24:00", "s").ok());
  EXPECT_EQ(FormatClock(75), "01:15");
}

TEST(Status, AWindowNobodyStartedIsMissedOnceItEnds) {
  const RoundWindow w = WindowAt(TwoShifts(), At("2026-03-01T02:00:00Z"), kBeijing);  // 10:00 local, day shift
  EXPECT_EQ(StatusOf(w, std::nullopt, std::nullopt, At("2026-03-01T02:00:00Z")), RoundStatus::kDue);
  EXPECT_EQ(StatusOf(w, std::nullopt, std::nullopt, w.end_ms - 1), RoundStatus::kDue);
  EXPECT_EQ(StatusOf(w, std::nullopt, std::nullopt, w.end_ms), RoundStatus::kMissed);
  EXPECT_EQ(StatusOf(w, std::nullopt, std::nullopt, w.start_ms - 1), RoundStatus::kUpcoming);
  // Started only after the window ended: still missed.
  EXPECT_EQ(StatusOf(w, w.end_ms + 5, w.end_ms + 10, w.end_ms + 20), RoundStatus::kMissed);
}

TEST(Status, ARoundSubmittedAfterItsWindowIsLate) {
  const RoundWindow w = WindowAt(TwoShifts(), At("2026-03-01T02:00:00Z"), kBeijing);
  const int64_t started = w.end_ms - 600'000;  // ten minutes before the shift change
  EXPECT_EQ(StatusOf(w, started, std::nullopt, w.end_ms - 1), RoundStatus::kInProgress);
  EXPECT_EQ(StatusOf(w, started, w.end_ms, w.end_ms + 1), RoundStatus::kDone);  // on the last instant: in time
  EXPECT_EQ(StatusOf(w, started, w.end_ms + 1, w.end_ms + 2), RoundStatus::kLate);
  EXPECT_EQ(StatusOf(w, started, std::nullopt, w.end_ms + 1), RoundStatus::kLate);  // still open after the end
}

Answer Num(double v) { return {11, "pressure", v, std::nullopt, "", std::nullopt}; }
Answer Pass(bool ok) { return {11, "no_leaks", std::nullopt, ok, "", std::nullopt}; }

TEST(Evaluate, LimitsAreInclusiveAndAFindingNamesTheItem) {
  const auto route = BoilerRoute();
  ASSERT_TRUE(ValidateRoute(route).ok());
  auto inside = Evaluate(route, {Num(1.25), Pass(true)});  // exactly on the high limit: inside
  ASSERT_TRUE(inside.ok());
  EXPECT_TRUE(inside->empty());
  auto low_edge = Evaluate(route, {Num(0.8), Pass(true)});
  ASSERT_TRUE(low_edge.ok());
  EXPECT_TRUE(low_edge->empty());

  auto above = Evaluate(route, {Num(1.2501), Pass(true)});
  ASSERT_TRUE(above.ok());
  ASSERT_EQ(above->size(), 1u);
  EXPECT_EQ((*above)[0].item, "pressure");
  EXPECT_EQ((*above)[0].reason.code, "maintenance.round.finding.above_high");
  EXPECT_EQ(std::get<double>(*(*above)[0].reason.Find("limit")), 1.25);
  EXPECT_EQ(std::get<std::string>(*(*above)[0].reason.Find("item")), "Drum pressure");

  auto below = Evaluate(route, {Num(0.79), Pass(false)});
  ASSERT_TRUE(below.ok());
  ASSERT_EQ(below->size(), 2u);
  EXPECT_EQ((*below)[0].reason.code, "maintenance.round.finding.below_low");
  EXPECT_EQ((*below)[1].reason.code, "maintenance.round.finding.failed");
  EXPECT_EQ((*below)[1].item, "no_leaks");
}

TEST(Evaluate, AnIncompleteOrWrongSheetIsRefusedNamingTheField) {
  const auto route = BoilerRoute();
  auto missing = Evaluate(route, {Num(1.0)});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "answers");
  EXPECT_EQ(missing.error().text.code, "maintenance.round.unanswered");

  Answer unknown = Pass(true);
  unknown.item = "vibration";
  auto bad = Evaluate(route, {Num(1.0), Pass(true), unknown});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "answers[2].item");

  auto twice = Evaluate(route, {Num(1.0), Pass(true), Num(1.1)});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "answers[2].item");
}

TEST(Evaluate, AnswersAreReadByTheItemsKind) {
  const auto route = BoilerRoute();
  Json sheet = Json::array({{{"equipment_id", 11}, {"item", "pressure"}, {"value", "high"}},
                            {{"equipment_id", 11}, {"item", "no_leaks"}, {"value", true}}});
  auto bad = AnswersFromJson(sheet, route);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "answers[0].value");
  sheet[0]["value"] = 1.1;
  auto good = AnswersFromJson(sheet, route);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*(*good)[0].number, 1.1);
  EXPECT_EQ(*(*good)[1].passed, true);
}

TEST(Route, LimitsAndKeysAreValidatedWithTheirPath) {
  Json j = {
      {"name", "Tank farm"},
      {"checkpoints",
       Json::array(
           {{{"equipment_id", 5},
             {"items",
              Json::array(
                  {{{"key", "level"}, {"label", "Level"}, {"kind", "number"}, {"low", 80}, {"high", 20}, {"unit", "%"}},
                   {{"key", "Bad Key"}, {"label", "Seal"}, {"kind", "pass_fail"}}})}}})}};
  auto r = RouteFromJson(j);
  ASSERT_FALSE(r.ok());
  std::vector<std::string> fields;
  for (const auto& f : r.error().fields) fields.push_back(f.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "checkpoints[0].items[0].high"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "checkpoints[0].items[1].key"), fields.end());
  j["checkpoints"][0]["items"][0]["low"] = 20;
  j["checkpoints"][0]["items"][0]["high"] = 80;
  j["checkpoints"][0]["items"][1]["key"] = "seal_ok";
  auto ok = RouteFromJson(j);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(CheckpointsJson(ok->checkpoints)[0]["items"][0]["unit"], "%");
}

}  // namespace
}  // namespace park::maintenance
