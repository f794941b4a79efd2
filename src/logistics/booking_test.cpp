#include "park/logistics/booking.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace park::logistics {
namespace {

using S = BookingStatus;

// Park-local time: day 0 is 2026-12-05 in China.
const int64_t kDay0 = *ParseDay("2026-12-05", "d");
int64_t At(int day, int hour, int minute = 0) {
  return DayStartMs(kDay0 + day, kChinaUtcOffsetMin) + (hour * 60 + minute) * kMsPerMinute;
}

const GoodsTable& Table() {
  static const GoodsTable kTable = GoodsTable::Default();
  return kTable;
}

// Docks are named as people call them ("D1" is "1号装卸台"): texts name a dock by its name, never by its id.
Dock D(std::string id, int capacity, std::vector<std::string> labels, bool approval = false) {
  Dock d;
  d.name = id.substr(1) + "号装卸台";
  d.id = std::move(id);
  d.enterprise_id = "e1";
  d.open_minute = 8 * 60;
  d.close_minute = 18 * 60;
  d.slot_minutes = 60;
  d.parallel_capacity = capacity;
  d.allowed_labels = std::move(labels);
  d.loading_minutes = 45;
  d.unloading_minutes = 90;
  d.requires_approval = approval;
  return d;
}

DocumentCheckInput GoodDocs(bool tank = true) {
  DocumentCheckInput in;
  in.tank_vehicle = tank;
  for (auto k : {DocumentKind::kRoadTransportPermit, DocumentKind::kTankInspection, DocumentKind::kDriverQualification,
                 DocumentKind::kEscortQualification}) {
    in.documents.push_back({k, "N-1", std::nullopt, kDay0 + 365});
  }
  return in;
}

BookingRequest Req(std::string plate, std::string dock, int64_t slot, std::vector<GoodsLine> goods) {
  BookingRequest r;
  r.plate = std::move(plate);
  r.carrier_id = "c1";
  r.driver_id = "d1";
  r.escort_id = "s1";
  r.dock_id = std::move(dock);
  r.slot_start_ms = slot;
  r.goods = std::move(goods);
  r.documents = GoodDocs();
  return r;
}

// A text's string parameter, or "" when it has none.
std::string Param(const Text& text, std::string_view name) {
  const auto* v = text.Find(name);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string();
}

ParkRules Rules() {
  ParkRules r;
  r.class_caps = {{"2.3", 2}, {"1", 0}};
  return r;
}

class BookingTest : public ::testing::Test {
 protected:
  Scheduler s{Table(),
              MixingMatrix::Default(),
              Rules(),
              {D("D1", 2, {"3", "8", "6.1"}), D("D2", 3, {"2", "5.1", "8"}, true), D("D3", 5, {"2.3", "8", "5.1"})}};
  const int64_t now = At(0, 9);  // 09:00 on day 0
};

TEST_F(BookingTest, AValidBookingIsScheduledOrRequestedWhenTheDockApproves) {
  auto b = s.Book(Req("鲁A12345", "D1", At(1, 10), {{"UN1230", 20000}, {"UN1789", 5000}}), now);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->status, S::kScheduled);
  EXPECT_EQ(b->plate.text, "鲁A12345");
  EXPECT_EQ(b->labels, (std::vector<std::string>{"3", "6.1", "8"}));
  EXPECT_EQ(b->slot_end_ms, At(1, 11));
  EXPECT_EQ(b->service_end_ms, At(1, 10, 45));
  EXPECT_EQ(s.Taken("D1", At(1, 10)), 1);
  auto r = s.Book(Req("鲁A12346", "D2", At(1, 10), {{"UN1017", 1000}}), now);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, S::kRequested);
}

TEST_F(BookingTest, EachRefusalNamesItsFieldAndReason) {
  struct Case {
    const char* what;
    BookingRequest req;
    const char* field;
    const char* code;
    const char* dock = "";  // the dock named in the text, when it names one
  };
  auto with_docs = [&](BookingRequest r, int64_t tank_expiry) {
    r.documents.documents[1].expires_day = tank_expiry;
    return r;
  };
  const std::vector<Case> cases = {
      {"not a plate", Req("ABC", "D1", At(1, 10), {{"UN1230", 1}}), "plate", "logistics.plate.province"},
      {"unknown dock", Req("鲁A12345", "D9", At(1, 10), {{"UN1230", 1}}), "dock_id", "logistics.dock.unknown", "D9"},
      {"no goods", Req("鲁A12345", "D1", At(1, 10), {}), "goods", "logistics.goods.missing"},
      {"unknown UN", Req("鲁A12345", "D1", At(1, 10), {{"UN9999", 1}}), "goods[0].un_number", "logistics.un.unknown"},
      {"bad quantity", Req("鲁A12345", "D1", At(1, 10), {{"UN1230", 0}}), "goods[0].quantity_kg",
       "logistics.goods.quantity"},
      {"class not allowed", Req("鲁A12345", "D1", At(1, 10), {{"UN1017", 1}}), "goods[0].un_number",
       "logistics.dock.class_not_allowed", "1号装卸台"},
      {"mixed load", Req("鲁A12345", "D1", At(1, 10), {{"UN1230", 1}, {"UN3105", 1}}), "goods[1].un_number",
       "logistics.dock.class_not_allowed", "1号装卸台"},
      {"before opening", Req("鲁A12345", "D1", At(1, 7), {{"UN1230", 1}}), "slot_start",
       "logistics.slot.outside_hours", "1号装卸台"},
      {"last slot overruns", Req("鲁A12345", "D1", At(1, 17, 30), {{"UN1230", 1}}), "slot_start",
       "logistics.slot.outside_hours", "1号装卸台"},
      {"off the grid", Req("鲁A12345", "D1", At(1, 10, 30), {{"UN1230", 1}}), "slot_start",
       "logistics.slot.misaligned", "1号装卸台"},
      {"past", Req("鲁A12345", "D1", At(0, 8), {{"UN1230", 1}}), "slot_start", "logistics.slot.past"},
      {"lead time", Req("鲁A12345", "D1", At(0, 10), {{"UN1230", 1}}), "slot_start", "logistics.slot.lead_time"},
      {"too far", Req("鲁A12345", "D1", At(8, 10), {{"UN1230", 1}}), "slot_start", "logistics.slot.too_far"},
      {"expired tank certificate", with_docs(Req("鲁A12345", "D1", At(1, 10), {{"UN1230", 1}}), kDay0),
       "documents.tank_inspection", "logistics.document.expired"},
  };
  for (const auto& c : cases) {
    auto r = s.Check(c.req, now);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.what;
    EXPECT_EQ(r.error().field, c.field) << c.what;
    EXPECT_EQ(r.error().text.code, c.code) << c.what;
    EXPECT_EQ(Param(r.error().text, "dock"), c.dock) << c.what;
  }
  // Nothing was taken by the refusals.
  EXPECT_EQ(s.Taken("D1", At(1, 10)), 0);
}

TEST_F(BookingTest, GoodsThatMayNotShareALoadAreRefused) {
  Scheduler wide{Table(), MixingMatrix::Default(), Rules(), {D("W", 2, {"1", "2", "3", "4", "5", "6", "8", "9"})}};
  auto r = wide.Check(Req("鲁A12345", "W", At(1, 10), {{"UN1230", 1}, {"UN0336", 1}}), now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "goods");
  EXPECT_EQ(r.error().text.code, "logistics.goods.mixed_load");
  EXPECT_EQ(RenderText(r.error().text),
            "UN1230 and UN0336 may not travel in one load: labels 3 and 1.4 (class 1 is kept apart from everything)");
  // Several problems are listed together.
  auto many = wide.Check(Req("X", "W", At(0, 7), {{"UN9999", -1}}), now);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().fields.size(), 5u);  // plate, UN number, quantity, hours, past
}

TEST_F(BookingTest, TheNextDayClosesAtTheCutoff) {
  EXPECT_TRUE(s.Check(Req("鲁A12345", "D1", At(1, 8), {{"UN1230", 1}}), At(0, 15, 59)).ok());
  auto r = s.Check(Req("鲁A12345", "D1", At(1, 8), {{"UN1230", 1}}), At(0, 16));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().text.code, "logistics.slot.cutoff");
  EXPECT_EQ(RenderText(r.error().text), "bookings for tomorrow close at 16:00 today");
  // The day after tomorrow is still open.
  EXPECT_TRUE(s.Check(Req("鲁A12345", "D1", At(2, 8), {{"UN1230", 1}}), At(0, 16)).ok());
  // Lead time: 2 h.
  EXPECT_TRUE(s.Check(Req("鲁A12345", "D1", At(0, 11), {{"UN1230", 1}}), At(0, 9)).ok());
  EXPECT_FALSE(s.Check(Req("鲁A12345", "D1", At(0, 11), {{"UN1230", 1}}), At(0, 9, 1)).ok());
}

TEST_F(BookingTest, TheSlotsParallelCapacityIsNeverExceeded) {
  ASSERT_TRUE(s.Book(Req("鲁A10001", "D1", At(1, 10), {{"UN1230", 1}}), now).ok());
  ASSERT_TRUE(s.Book(Req("鲁A10002", "D1", At(1, 10), {{"UN1230", 1}}), now).ok());
  auto third = s.Book(Req("鲁A10003", "D1", At(1, 10), {{"UN1230", 1}}), now);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kConflict);
  EXPECT_EQ(third.error().field, "slot_start");
  EXPECT_EQ(third.error().text.code, "logistics.slot.full");
  EXPECT_EQ(RenderText(third.error().text),
            "the slot at dock “1号装卸台” is fully booked (2 vehicles at once)");  // named, not "D1"
  EXPECT_EQ(s.Taken("D1", At(1, 10)), 2);
  // The next slot is free; a cancellation gives the place back.
  EXPECT_TRUE(s.Check(Req("鲁A10003", "D1", At(1, 11), {{"UN1230", 1}}), now).ok());
  auto first = s.Check(Req("鲁A10001", "D1", At(1, 11), {{"UN1230", 1}}), now);
  ASSERT_TRUE(first.ok());
  CheckedBooking held = *first;
  held.slot_start_ms = At(1, 10);
  held.slot_end_ms = At(1, 11);
  s.Release(held);
  EXPECT_TRUE(s.Book(Req("鲁A10003", "D1", At(1, 10), {{"UN1230", 1}}), now).ok());
}

TEST_F(BookingTest, ParkWideCapsPerClassCountEveryLabelAcrossDocks) {
  // Cap: two vehicles with 2.3 (toxic gas) in the park at once. Chlorine (2.3+5.1+8) at D3 and D2.
  ASSERT_TRUE(s.Book(Req("鲁A20001", "D3", At(1, 10), {{"UN1017", 1000}}), now).ok());
  ASSERT_TRUE(s.Book(Req("鲁A20002", "D2", At(1, 10), {{"UN1005", 1000}}), now).ok());  // ammonia 2.3+8
  EXPECT_EQ(s.CapCount("2.3", At(1, 10), At(1, 11)), 2);
  auto r = s.Book(Req("鲁A20003", "D3", At(1, 10), {{"UN1017", 1000}}), now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "goods");
  EXPECT_EQ(r.error().text.code, "logistics.cap.class_full");
  // Other classes at the same time, and 2.3 in the next hour, are fine.
  EXPECT_TRUE(s.Book(Req("鲁A20004", "D3", At(1, 10), {{"UN1830", 1000}}), now).ok());
  EXPECT_TRUE(s.Book(Req("鲁A20003", "D3", At(1, 11), {{"UN1017", 1000}}), now).ok());
}

TEST_F(BookingTest, TheBlacklistRefusesPlateDriverEscortAndCarrierUntilItEnds) {
  s.SetBlacklist({{"plate", "鲁a 66666", At(30, 0)}, {"driver", "d9", At(1, 0)}});
  auto r = s.Check(Req("鲁A·66666", "D1", At(1, 10), {{"UN1230", 1}}), now);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().field, "plate");
  EXPECT_EQ(r.error().text.code, "logistics.blacklisted");
  auto req = Req("鲁A12345", "D1", At(2, 10), {{"UN1230", 1}});
  req.driver_id = "d9";
  EXPECT_EQ(s.Check(req, now).error().field, "driver_id");
  EXPECT_TRUE(s.Check(req, At(1, 0)).ok());  // the entry has run out
}

TEST_F(BookingTest, DocksAdmitDivisionsOfTheirClasses) {
  EXPECT_TRUE(D("x", 1, {"2"}).Accepts("2.3"));
  EXPECT_FALSE(D("x", 1, {"2.1"}).Accepts("2.3"));
  EXPECT_TRUE(D("x", 1, {"4.1"}).Accepts("4.1+1"));
  EXPECT_FALSE(D("x", 1, {"6"}).Accepts("8"));
  EXPECT_TRUE(D("x", 1, {"1"}).Accepts("1.4"));
}

// Every pair of statuses: exactly the allowed steps pass, the others are refused listing the allowed ones.
TEST(BookingStatusMachine, EveryTransition) {
  const std::map<std::pair<S, S>, bool> allowed = {
      {{S::kRequested, S::kScheduled}, true}, {{S::kRequested, S::kRefused}, true},
      {{S::kRequested, S::kCancelled}, true}, {{S::kScheduled, S::kArrived}, true},
      {{S::kScheduled, S::kNoShow}, true},    {{S::kScheduled, S::kCancelled}, true},
      {{S::kArrived, S::kInProgress}, true},  {{S::kArrived, S::kRefused}, true},
      {{S::kArrived, S::kCancelled}, true},   {{S::kInProgress, S::kCompleted}, true}};
  int passed = 0;
  for (S from : AllStatuses()) {
    for (S to : AllStatuses()) {
      const auto st = CheckTransition(from, to, T("logistics.reason.driver_request"));
      const bool ok = allowed.contains({from, to});
      EXPECT_EQ(st.ok(), ok) << StatusName(from) << " -> " << StatusName(to);
      if (!ok) {
        EXPECT_EQ(st.error().field, "status");
        EXPECT_EQ(st.error().text.code, "logistics.status.transition");
      }
      passed += st.ok();
    }
  }
  EXPECT_EQ(passed, 10);
  EXPECT_EQ(RenderText(CheckTransition(S::kScheduled, S::kCompleted, {}).error().text),
            "a booking cannot go from scheduled to completed; allowed: arrived, no_show, cancelled");
  EXPECT_EQ(RenderText(CheckTransition(S::kCompleted, S::kCancelled, {}).error().text),
            "a booking cannot go from completed to cancelled; allowed: -");
  // Ending a booking early needs a reason.
  for (auto [from, to] :
       {std::pair{S::kScheduled, S::kNoShow}, {S::kRequested, S::kRefused}, {S::kArrived, S::kCancelled}}) {
    const auto st = CheckTransition(from, to, {});
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().field, "reason");
    EXPECT_EQ(st.error().text.code, "logistics.status.reason_required");
  }
  EXPECT_TRUE(CheckTransition(S::kRequested, S::kScheduled, {}).ok());
  for (S s : AllStatuses()) EXPECT_EQ(ParseStatus(StatusName(s)), s);
  EXPECT_FALSE(ParseStatus("done").has_value());
  EXPECT_FALSE(HoldsPlace(S::kCancelled));
  EXPECT_TRUE(HoldsPlace(S::kArrived));
}

TEST(Calling, BookedVehiclesFirstInAppointmentOrderThenWalkIns) {
  const std::vector<Waiting> lot = {
      {"w1", "D1", true, 0, At(0, 7)},             // walk-in, came first of all
      {"b2", "D1", false, At(0, 10), At(0, 8)},    // booked for 10:00
      {"b1", "D1", false, At(0, 9), At(0, 9, 5)},  // booked for 09:00, came later
      {"w2", "D1", true, 0, At(0, 8, 30)},
      {"x1", "D2", false, At(0, 8), At(0, 7)},  // another dock
  };
  const auto order = CallingOrder(lot, "D1");
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order[0].booking_id, "b1");
  EXPECT_EQ(order[1].booking_id, "b2");
  EXPECT_EQ(order[2].booking_id, "w1");
  EXPECT_EQ(order[3].booking_id, "w2");

  auto call = NextToCall(lot, "D1", {5, 30, 0, 1, "1号装卸台"});
  EXPECT_EQ(call.booking_id, "b1");
  EXPECT_EQ(call.reason.code, "logistics.call.booked");
  EXPECT_EQ(Param(call.reason, "dock"), "1号装卸台");  // named as people know it
  // Only walk-ins left: they are called in arrival order.
  const std::vector<Waiting> walkins = {lot[3], lot[0]};
  call = NextToCall(walkins, "D1", {5, 30, 0, 1, "1号装卸台"});
  EXPECT_EQ(call.booking_id, "w1");
  EXPECT_EQ(call.reason.code, "logistics.call.walk_in");
  // At the park's cap, or with the dock busy, nobody is called.
  call = NextToCall(lot, "D1", {30, 30, 0, 1, "1号装卸台"});
  EXPECT_FALSE(call.booking_id.has_value());
  EXPECT_EQ(call.reason.code, "logistics.call.park_full");
  call = NextToCall(lot, "D1", {5, 30, 2, 2, "1号装卸台"});
  EXPECT_EQ(call.reason.code, "logistics.call.dock_busy");
  EXPECT_EQ(Param(call.reason, "dock"), "1号装卸台");
  call = NextToCall(lot, "D3", {5, 30, 0, 1, ""});
  EXPECT_EQ(call.reason.code, "logistics.call.nobody_waiting");
  EXPECT_EQ(Param(call.reason, "dock"), "D3");  // a dock with no name given: its id
}

}  // namespace
}  // namespace park::logistics
