// The demo park's hazardous-goods traffic (issue 13), seeded through the service's own operations so that every
// booking passed the library's checks and every gate event got its decision: see SeedDemo in
// include/park/logistics/service.hpp. Times are relative to the clock's now.
#include <spdlog/spdlog.h>

#include <algorithm>

#include <fmt/format.h>

#include "park/logistics/service.hpp"
#include "park/logistics/vehicle.hpp"

namespace park::logistics {
namespace {

struct DemoVehicle {
  const char* plate;
  int carrier;
  bool tank;
  int tank_expires_in_days;  // negative: expired that many days ago
};
constexpr DemoVehicle kVehicles[] = {
    {"浙B3K571", 0, true, 200}, {"浙B6M209", 0, true, 150}, {"苏E7T318", 1, true, 90},  {"鲁A8J662", 1, true, 300},
    {"浙B2Q905", 2, true, 120}, {"沪D5R117", 0, true, 60},  {"浙C9L436", 2, false, 0}, {"苏B4N780", 1, true, 25},
    {"浙B7H352", 2, true, 400}, {"皖A1P624", 1, true, -3},
};
constexpr const char* kCarriers[] = {"顺达危险品运输有限公司", "安行化工物流有限公司", "海港危货运输有限公司"};
constexpr const char* kDrivers[] = {"王建国", "李志强", "张伟", "刘洋", "陈军", "杨帆", "赵磊", "周涛"};
constexpr const char* kEscorts[] = {"吴敏", "徐静", "孙丽娟", "马超", "朱琳", "胡斌", "郭芳", "何勇"};

std::string Date(int64_t day) { return FormatDay(day); }

}  // namespace

Status SeedDemo(Service& service, store::Store& store, const Clock& clock, int64_t driver_user_id,
                const std::vector<int64_t>& dock_facilities) {
  (void)store;
  if (dock_facilities.size() < 3) return Error::Internal("the demo park needs three loading docks for logistics");
  const int64_t now = clock.NowMs();
  const int off = kChinaUtcOffsetMin;
  const int64_t today = DayOf(now, off);
  const int64_t hour = now - now % kMsPerHour;  // the hour under way (park-local hours fall on UTC hours)
  const int64_t M = kMsPerMinute, H = kMsPerHour;

  PARK_TRY(service.UpdateSettings(nullptr, {{"class_caps", {{{"label", "2.3"}, {"cap", 4}}, {{"label", "1"}, {"cap", 2}}}},
                                            {"park_vehicle_cap", 12}}));
  for (auto [name, capacity] : {std::pair{"A", 6}, std::pair{"B", 6}, std::pair{"C", 4}}) {
    PARK_TRY(service.Create(nullptr, "zone", {{"name", std::string(name) + "区"}, {"capacity", capacity}}));
  }
  // The park's own goods row: an organic peroxide with an explosive subsidiary label, kept apart from everything.
  PARK_TRY(service.Create(nullptr, "goods", {{"un_number", "UN3101"},
                                             {"name_en", "Organic peroxide type B, liquid"},
                                             {"name_zh", "B型液态有机过氧化物"},
                                             {"labels", {"5.2", "1"}}}));
  std::vector<int64_t> carriers, vehicles, drivers, escorts;
  for (int i = 0; i < 3; ++i) {
    PARK_ASSIGN_OR_RETURN(Json c, service.Create(nullptr, "carrier", {{"name", kCarriers[i]},
                                                                      {"licence_no", fmt::format("浙交运管许可危字33020{:04d}", 711 + i * 37)},
                                                                      {"phone", fmt::format("0574-8{:07d}", 6620031 + i * 1103)}}));
    carriers.push_back(c["id"].get<int64_t>());
  }
  for (const auto& v : kVehicles) {
    Json body = {{"plate", v.plate},
                 {"carrier_id", carriers[v.carrier]},
                 {"tank", v.tank},
                 {"permit_no", fmt::format("浙交运{}", 330200100000 + (&v - kVehicles) * 7919)},
                 {"permit_expires", Date(today + 240)}};
    if (v.tank) {
      body["tank_cert_no"] = fmt::format("TJ{}-{:05d}", FormatDay(today).substr(0, 4), 1207 + (&v - kVehicles) * 31);
      body["tank_cert_expires"] = Date(today + v.tank_expires_in_days);
    }
    PARK_ASSIGN_OR_RETURN(Json j, service.Create(nullptr, "vehicle", body));
    vehicles.push_back(j["id"].get<int64_t>());
  }
  for (int i = 0; i < 8; ++i) {
    Json d = {{"kind", "driver"},
              {"name", kDrivers[i]},
              {"carrier_id", carriers[i % 3]},
              {"qualification_no", fmt::format("3302{:014d}", 19800101000 + i * 7717)},
              {"qualification_expires", Date(today + (i == 4 ? 20 : 500))},
              {"phone", fmt::format("138{:08d}", 57420011 + i * 1931)}};
    if (i == 0 && driver_user_id > 0) d["user_id"] = driver_user_id;
    PARK_ASSIGN_OR_RETURN(Json p, service.Create(nullptr, "person", d));
    drivers.push_back(p["id"].get<int64_t>());
    PARK_ASSIGN_OR_RETURN(Json e, service.Create(nullptr, "person", {{"kind", "escort"},
                                                                     {"name", kEscorts[i]},
                                                                     {"carrier_id", carriers[i % 3]},
                                                                     {"qualification_no", fmt::format("YY3302{:08d}", 4410 + i * 613)},
                                                                     {"qualification_expires", Date(today + 400)}}));
    escorts.push_back(e["id"].get<int64_t>());
  }
  // Docks: three round the clock (the chemical plants load day and night), one by day that needs approval.
  const Json labels_all = {"1", "2", "3", "5", "6.1", "8"};
  const std::vector<Json> docks = {
      {{"open", "00:00"}, {"close", "24:00"}, {"slot_minutes", 60}, {"parallel_capacity", 1}, {"labels", labels_all},
       {"loading_minutes", 50}, {"unloading_minutes", 40}, {"requires_approval", false}},
      {{"open", "00:00"}, {"close", "24:00"}, {"slot_minutes", 60}, {"parallel_capacity", 2},
       {"labels", {"3", "6.1", "8"}}, {"loading_minutes", 45}, {"unloading_minutes", 40}, {"requires_approval", false}},
      {{"open", "08:00"}, {"close", "20:00"}, {"slot_minutes", 60}, {"parallel_capacity", 2},
       {"labels", {"2", "3", "8"}}, {"loading_minutes", 60}, {"unloading_minutes", 45}, {"requires_approval", true}},
  };
  for (size_t i = 0; i < docks.size(); ++i) PARK_TRY(service.ConfigureDock(nullptr, dock_facilities[i], docks[i]));
  for (size_t i = 3; i < dock_facilities.size(); ++i) PARK_TRY(service.ConfigureDock(nullptr, dock_facilities[i], docks[1]));

  // Bookings, each made at 09:00 the day before its slot (so lead time and cutoff are met, as in real life).
  auto book = [&](int v, int d, int dock, int64_t slot, const char* un, double kg, const char* op) -> Result<int64_t> {
    const Json body = {{"plate", kVehicles[v].plate},
                       {"dock_id", dock_facilities[dock]},
                       {"slot_start", slot},
                       {"operation", op},
                       {"goods", {{{"un_number", un}, {"quantity_kg", kg}}}},
                       {"driver_id", drivers[d]},
                       {"escort_id", escorts[d]}};
    const int64_t made = DayStartMs(DayOf(slot, off) - 1, off) + 9 * H;
    PARK_ASSIGN_OR_RETURN(Json b, service.Book(nullptr, body, made));
    return b["id"].get<int64_t>();
  };
  // Arrivals a little before the slot, but on the slot's day (the gate looks for today's appointment).
  auto on_day = [&](int64_t at, int64_t slot) { return std::max(at, DayStartMs(DayOf(slot, off), off) + M); };
  auto gate = [&](int v, const char* direction, int64_t at) -> Result<Json> {
    PARK_ASSIGN_OR_RETURN(Json d, service.GateEvent(nullptr, {{"plate", kVehicles[v].plate}, {"direction", direction},
                                                              {"gate", "1号门"}, {"at", at}}, at));
    const std::string want = std::string(direction) == "in" ? "checked_in" : "checked_out";
    if (d["decision"] != want) return Error::Internal(fmt::format("demo: gate {} {}: {}", kVehicles[v].plate, direction, d.dump()));
    return d;
  };
  PARK_ASSIGN_OR_RETURN(int64_t b1, book(0, 1, 0, hour - 8 * H, "UN1203", 20000, "loading"));
  PARK_ASSIGN_OR_RETURN(int64_t b2, book(1, 2, 1, hour - 7 * H, "UN1830", 25000, "unloading"));
  PARK_ASSIGN_OR_RETURN(int64_t b3, book(2, 3, 1, hour - 8 * H, "UN1090", 18000, "loading"));
  PARK_TRY(book(3, 4, 0, hour - 3 * H, "UN1824", 22000, "unloading"));  // never comes: a no-show
  PARK_ASSIGN_OR_RETURN(int64_t b5, book(4, 5, 0, hour - 1 * H, "UN1789", 16000, "loading"));
  PARK_TRY(book(5, 6, 0, hour, "UN1203", 24000, "loading"));
  PARK_TRY(book(6, 7, 0, hour + H, "UN3101", 3000, "unloading"));
  PARK_TRY(book(7, 0, 1, hour + 3 * H, "UN1230", 21000, "loading"));  // the driver login's trip today
  PARK_TRY(book(8, 2, 1, DayStartMs(today + 1, off) + 9 * H, "UN2031", 20000, "unloading"));
  PARK_TRY(book(0, 1, 0, DayStartMs(today + 1, off) + 10 * H, "UN1017", 15000, "unloading"));
  PARK_TRY(book(7, 0, 2, DayStartMs(today + 1, off) + 10 * H, "UN1005", 12000, "unloading"));  // requested
  // The tank inspection certificate of 皖A1P624 expired three days ago: the booking is refused, nothing is stored.
  auto refused = book(9, 3, 1, DayStartMs(today + 1, off) + 11 * H, "UN1294", 20000, "loading");
  if (refused.ok()) return Error::Internal("demo: a booking with an expired tank certificate was accepted");
  spdlog::info("demo: logistics refused {}'s booking: {}", kVehicles[9].plate, refused.error().message);

  // The day so far, in time order.
  PARK_TRY(gate(2, "in", on_day(hour - 8 * H - 12 * M, hour - 8 * H)));  // stays in the park: overstay
  PARK_TRY(gate(0, "in", on_day(hour - 8 * H - 10 * M, hour - 8 * H)));
  PARK_TRY(service.DockStart(nullptr, b3, hour - 7 * H - 58 * M));
  PARK_TRY(service.DockStart(nullptr, b1, hour - 7 * H - 55 * M));
  PARK_TRY(gate(1, "in", on_day(hour - 7 * H - 10 * M, hour - 7 * H)));
  PARK_TRY(service.DockFinish(nullptr, b3, hour - 7 * H - 5 * M));
  PARK_TRY(service.DockFinish(nullptr, b1, hour - 7 * H));
  PARK_TRY(service.DockStart(nullptr, b2, hour - 6 * H - 58 * M));
  PARK_TRY(gate(0, "out", hour - 6 * H - 45 * M));
  PARK_TRY(service.DockFinish(nullptr, b2, hour - 6 * H - 15 * M));
  PARK_TRY(gate(1, "out", hour - 6 * H));
  PARK_TRY(gate(4, "in", on_day(hour - 70 * M, hour - H)));
  PARK_TRY(service.DockStart(nullptr, b5, hour - 55 * M));
  // Gasoline and an organic peroxide with an explosive subsidiary label wait for the busy dock: never one zone.
  PARK_ASSIGN_OR_RETURN(Json g6, gate(5, "in", on_day(now - 25 * M, hour)));
  PARK_ASSIGN_OR_RETURN(Json g7, gate(6, "in", on_day(now - 15 * M, hour + H)));
  if (g6["zone_id"] == g7["zone_id"]) return Error::Internal("demo: incompatible goods were parked in one zone");
  // The warnings job at now: the overstay and the no-show.
  PARK_TRY(service.RunOnce());
  spdlog::info("demo: logistics seeded 10 vehicles, 16 drivers and escorts, 11 bookings and the day's gate events");
  return Status::Ok();
}

}  // namespace park::logistics
