// The demo park's hazardous-goods vehicles: the loading docks of the chemical enterprises and the driver login,
// then the logistics service's own seeding (carriers, vehicles, drivers, a day of bookings and gate events).
#include "app/demo_logistics.hpp"

#include <fmt/format.h>

namespace park::app {
namespace {

// In this order: dock 0 takes the most classes, dock 2 (the API maker's) needs approval.
constexpr const char* kDockOwners[] = {"港区危险品仓储有限公司", "海溴化工有限公司", "绿源原料药股份有限公司",
                                       "恒瑞医药中间体有限公司", "天宇精细化工有限公司", "海泰医药化工有限公司"};

}  // namespace

Status SeedLogisticsDemo(store::Store& store, const Clock& clock, logistics::Service& service) {
  std::vector<int64_t> docks;
  int64_t driver_user = 0;
  PARK_TRY(store.Read([&](store::Tx& tx) -> Status {
    for (const char* owner : kDockOwners) {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
          "SELECT f.id FROM facilities f JOIN enterprises e ON e.id = f.enterprise_id WHERE e.name = $1 AND "
          "f.kind = 'loading_dock' ORDER BY f.id", {std::string(owner)}));
      if (!row) return Error::Internal(fmt::format("the demo park has no loading dock at {}", owner));
      docks.push_back(row->Int(0));
    }
    PARK_ASSIGN_OR_RETURN(auto user, tx.QueryOne("SELECT id FROM users WHERE name = 'driver'"));
    if (user) driver_user = user->Int(0);
    return Status::Ok();
  }));
  return logistics::SeedDemo(service, store, clock, driver_user, docks);
}

}  // namespace park::app
