#include "park/logistics/monitor.hpp"

#include <gtest/gtest.h>

#include "park/core/time.hpp"

namespace park::logistics {
namespace {

using S = BookingStatus;

const int64_t kDay0 = *ParseDay("2026-12-05", "d");
int64_t At(int hour, int minute = 0, int day = 0) {
  return DayStartMs(kDay0 + day, kChinaUtcOffsetMin) + (hour * 60 + minute) * kMsPerMinute;
}

Visit V(std::string id, S status, int64_t slot, std::string dock = "D1") {
  Visit v;
  v.booking_id = id;
  v.plate = "鲁A" + id;
  v.carrier_id = "c1";
  v.dock_id = std::move(dock);
  v.status = status;
  v.slot_start_ms = slot;
  return v;
}

TEST(Warnings, OverstayAfterSixHoursInThePark) {
  FixedClock clock(At(15));
  Visit v = V("10001", S::kInProgress, At(8));
  v.arrived_ms = At(9);
  const ParkRules rules;
  EXPECT_TRUE(Warnings({v}, {}, MixingMatrix::Default(), rules, clock).empty());  // exactly 6 h: not yet
  clock.Advance(kMsPerMinute);
  auto w = Warnings({v}, {}, MixingMatrix::Default(), rules, clock);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].kind, WarningKind::kOverstay);
  EXPECT_EQ(w[0].since_ms, At(15));
  EXPECT_EQ(w[0].key, "overstay:10001");
  EXPECT_EQ(RenderText(w[0].text), "鲁A10001 has been in the park 6.02 h, over the 6 h limit");
  // Gone out: no warning.
  v.departed_ms = At(15);
  EXPECT_TRUE(Warnings({v}, {}, MixingMatrix::Default(), rules, clock).empty());
}

TEST(Warnings, LateThenNoShowAfterTheGracePeriods) {
  const ParkRules rules;  // late after 15 min, no-show after 60 min
  const Visit v = V("10002", S::kScheduled, At(10));
  struct Case {
    int64_t now;
    std::optional<WarningKind> kind;
  } cases[] = {{At(10), std::nullopt},
               {At(10, 15), std::nullopt},
               {At(10, 16), WarningKind::kLateArrival},
               {At(11), WarningKind::kLateArrival},
               {At(11, 1), WarningKind::kNoShow}};
  for (const auto& c : cases) {
    FixedClock clock(c.now);
    const auto w = Warnings({v}, {}, MixingMatrix::Default(), rules, clock);
    if (!c.kind) {
      EXPECT_TRUE(w.empty()) << FormatInstantMs(c.now);
      continue;
    }
    ASSERT_EQ(w.size(), 1u) << FormatInstantMs(c.now);
    EXPECT_EQ(w[0].kind, *c.kind);
  }
  FixedClock clock(At(10, 40));
  EXPECT_EQ(RenderText(Warnings({v}, {}, MixingMatrix::Default(), rules, clock)[0].text),
            "鲁A10002 is 40 minutes late for its slot");
  // Arrived, or a walk-in, or cancelled: never late.
  Visit arrived = v;
  arrived.status = S::kArrived;
  arrived.arrived_ms = At(10, 30);
  Visit cancelled = v;
  cancelled.status = S::kCancelled;
  FixedClock later(At(12));
  EXPECT_TRUE(Warnings({arrived, cancelled}, {}, MixingMatrix::Default(), rules, later).empty());
}

TEST(Warnings, ExpiredDocumentsAndIncompatibleZones) {
  ParkRules rules;
  FixedClock clock(At(9));
  Visit v = V("10003", S::kScheduled, At(14));
  v.documents = {{DocumentKind::kTankInspection, "T1", std::nullopt, kDay0 - 1},
                 {DocumentKind::kRoadTransportPermit, "R1", std::nullopt, kDay0 - 3},
                 {DocumentKind::kRoadTransportPermit, "R2", std::nullopt, kDay0 + 300}};  // renewed
  auto w = Warnings({v}, {}, MixingMatrix::Default(), rules, clock);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].kind, WarningKind::kDocumentExpired);
  EXPECT_EQ(w[0].key, "document_expired:10003:tank_inspection");
  EXPECT_EQ(w[0].since_ms, At(0));
  EXPECT_EQ(RenderText(w[0].text), "鲁A10003: the tank inspection certificate expired on 2026-12-04");
  EXPECT_EQ(RenderText(w[0].text, Locale::kZhCN), "鲁A10003：罐体检验合格证已于 2026-12-04 过期");

  Zone z{"A", 4, {{"b1", "鲁A11111", {"3"}}, {"b2", "鲁A22222", {"1.4"}}}};
  w = Warnings({}, {z}, MixingMatrix::Default(), rules, clock);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].kind, WarningKind::kIncompatibleZone);
  EXPECT_EQ(w[0].key, "incompatible_zone:b1:b2");
}

TEST(Blacklist, ThreeViolationsWithinAYearBlacklistForAYear) {
  const ParkRules rules;
  FixedClock clock(At(12, 0, 0));
  std::vector<Violation> vs = {{"plate", "鲁A66666", WarningKind::kOverstay, At(10, 0, -400)},  // outside the window
                               {"plate", "鲁A66666", WarningKind::kNoShow, At(10, 0, -200)},
                               {"plate", "鲁A77777", WarningKind::kNoShow, At(10, 0, -100)},
                               {"plate", "鲁A66666", WarningKind::kOverstay, At(10, 0, -10)}};
  EXPECT_FALSE(DecideBlacklist(vs, "plate", "鲁A66666", rules, clock).has_value());
  vs.push_back({"plate", "鲁A66666", WarningKind::kOverstay, At(11)});
  auto d = DecideBlacklist(vs, "plate", "鲁A66666", rules, clock);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->count, 3);
  EXPECT_EQ(d->entry.until_ms, At(11) + 365 * kMsPerDay);
  EXPECT_EQ(RenderText(d->text),
            "vehicle 鲁A66666 broke park rules 3 times within 365 days: blacklisted until 2027-12-05");
  // A year and a day after the second violation it falls out of the window again.
  clock.Set(At(10, 1, 166));
  EXPECT_FALSE(DecideBlacklist(vs, "plate", "鲁A66666", rules, clock).has_value());
}

TEST(Prediction, WaitsPerDockAndHourFromBookingsServiceTimesAndArrivals) {
  Dock d;
  d.id = "D1";
  d.parallel_capacity = 1;
  d.loading_minutes = 60;
  FixedClock clock(At(8));
  // Three vehicles booked for 09:00 at a dock that serves one at a time for an hour: waits 0, 60, 120 min.
  std::vector<Visit> visits = {V("1", S::kScheduled, At(9)), V("2", S::kScheduled, At(9)),
                               V("3", S::kScheduled, At(9))};
  auto w = PredictWaits(visits, {d}, clock);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].hour_start_ms, At(9));
  EXPECT_EQ(w[0].vehicles, 3);
  EXPECT_DOUBLE_EQ(w[0].mean_wait_min, 60);
  EXPECT_DOUBLE_EQ(w[0].max_wait_min, 120);
  // Observed: vehicles come 30 min late on average, and the dock takes 40 min.
  Visit done = V("0", S::kCompleted, At(7));
  done.arrived_ms = At(7, 30);
  done.dock_start_ms = At(7, 30);
  done.dock_end_ms = At(8, 10);
  done.departed_ms = At(8, 20);
  visits.push_back(done);
  WaitModel model;
  w = PredictWaits(visits, {d}, clock, &model);
  EXPECT_DOUBLE_EQ(model.mean_lateness_min, 30);
  ASSERT_EQ(model.service_min.size(), 1u);
  EXPECT_DOUBLE_EQ(model.service_min[0].second, 40);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].hour_start_ms, At(9));      // expected at 09:30
  EXPECT_DOUBLE_EQ(w[0].mean_wait_min, 40);  // 0, 40, 80
  // A vehicle at the dock since 07:50 keeps the only place until 08:50; one waiting in the lot since 08:00 waits 50.
  Visit busy = V("4", S::kInProgress, At(7));
  busy.arrived_ms = At(7, 40);
  busy.dock_start_ms = At(7, 50);
  Visit lot = V("5", S::kArrived, At(8));
  lot.arrived_ms = At(8);
  w = PredictWaits({busy, lot}, {d}, clock);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].hour_start_ms, At(8));
  EXPECT_DOUBLE_EQ(w[0].mean_wait_min, 50);
}

TEST(Risk, ScoreWithItsReasons) {
  const auto table = GoodsTable::Default();
  FixedClock clock(At(9));
  ParkRules rules;
  RiskInput in;
  in.goods = {{table.Find("UN1017"), 25000}};  // chlorine 2.3+5.1+8, 25 t
  in.violations = 1;
  in.documents = {{DocumentKind::kTankInspection, "T", std::nullopt, kDay0 + 10}};
  const Risk r = RiskScore(in, rules, clock);
  // 35 (2.3) + 20 (25 t, capped) + 10 (one violation) + 10 (certificate expiring in 10 days).
  EXPECT_EQ(r.score, 75);
  EXPECT_EQ(r.level, "high");
  ASSERT_EQ(r.terms.size(), 4u);
  EXPECT_EQ(RenderText(r.terms[0].reason), "UN1017 carries label 2.3: +35");
  EXPECT_EQ(RenderText(r.terms[3].reason), "the tank inspection certificate expires in 10 days: +10");
  RiskInput low;
  low.goods = {{table.Find("UN1824"), 3000}};  // sodium hydroxide solution, 8
  const Risk l = RiskScore(low, rules, clock);
  EXPECT_EQ(l.score, 13);
  EXPECT_EQ(l.level, "low");
  RiskInput worst = in;
  worst.goods.push_back({table.Find("UN0336"), 1000});
  worst.no_shows = 9;
  worst.documents.push_back({DocumentKind::kRoadTransportPermit, "R", std::nullopt, kDay0 - 1});
  EXPECT_EQ(RiskScore(worst, rules, clock).score, 100);
}

TEST(Kpis, DwellTurnOnTimeNoShowAndUtilisation) {
  ParkRules rules;
  Dock d1;
  d1.id = "D1";
  d1.enterprise_id = "E1";
  d1.open_minute = 8 * 60;
  d1.close_minute = 18 * 60;  // 600 open minutes
  d1.slot_minutes = 60;
  d1.parallel_capacity = 2;  // 1,200 place-minutes a day
  Dock d2 = d1;
  d2.id = "D2";
  Visit a = V("1", S::kCompleted, At(9));
  a.arrived_ms = At(9, 10);  // on time (tolerance 15)
  a.dock_start_ms = At(9, 30);
  a.dock_end_ms = At(10, 30);
  a.departed_ms = At(10, 40);  // dwell 90, turn 70
  Visit b = V("2", S::kCompleted, At(10));
  b.carrier_id = "c2";
  b.arrived_ms = At(10, 20);  // late
  b.dock_start_ms = At(10, 40);
  b.dock_end_ms = At(11, 20);
  b.departed_ms = At(11, 30);  // dwell 70, turn 50
  Visit c = V("3", S::kNoShow, At(11));
  Visit e = V("4", S::kCancelled, At(12));
  Visit f = V("5", S::kScheduled, At(9, 0, 1));  // another day
  Visit g = V("6", S::kScheduled, At(13), "D2");
  const std::vector<Visit> visits = {a, b, c, e, f, g};
  const auto rows = Kpis(visits, {d1, d2}, KpiGroup::kDock, kDay0, kDay0, rules);
  ASSERT_EQ(rows.size(), 2u);
  const auto& r = rows[0];
  EXPECT_EQ(r.key, "D1");
  EXPECT_EQ(r.bookings, 3);
  EXPECT_EQ(r.completed, 2);
  EXPECT_EQ(r.no_shows, 1);
  EXPECT_DOUBLE_EQ(*r.mean_dwell_min, 80);
  EXPECT_DOUBLE_EQ(*r.mean_turn_min, 60);
  EXPECT_DOUBLE_EQ(*r.on_time_rate, 0.5);
  EXPECT_DOUBLE_EQ(*r.no_show_rate, 1.0 / 3);
  EXPECT_DOUBLE_EQ(*r.utilisation, 120.0 / 1200);  // two completed slots hold their place; the no-show gave it back
  EXPECT_DOUBLE_EQ(*rows[1].utilisation, 60.0 / 1200);
  EXPECT_FALSE(rows[1].mean_dwell_min.has_value());

  const auto ent = Kpis(visits, {d1, d2}, KpiGroup::kEnterprise, kDay0, kDay0 + 1, rules);
  ASSERT_EQ(ent.size(), 1u);
  EXPECT_EQ(ent[0].bookings, 5);
  EXPECT_DOUBLE_EQ(*ent[0].utilisation, 240.0 / 4800);  // 2 days × 2 docks
  const auto car = Kpis(visits, {d1, d2}, KpiGroup::kCarrier, kDay0, kDay0, rules);
  ASSERT_EQ(car.size(), 2u);
  EXPECT_EQ(car[1].key, "c2");
  EXPECT_DOUBLE_EQ(*car[1].on_time_rate, 0.0);
  EXPECT_FALSE(car[1].utilisation.has_value());
}

}  // namespace
}  // namespace park::logistics
