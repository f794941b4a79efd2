// The demo park's hazardous-goods vehicles (issue 13): which docks and which driver login, handed to the logistics
// service's own seeding.
#pragma once

#include "park/core/clock.hpp"
#include "park/logistics/service.hpp"
#include "park/store/store.hpp"

namespace park::app {

// Docks at the storage terminal, the bromine plant and 绿源原料药 (whose enterprise login approves its bookings),
// then the intermediates makers; the `driver` login mapped to the first driver record. After SeedDemo.
Status SeedLogisticsDemo(store::Store& store, const Clock& clock, logistics::Service& service);

}  // namespace park::app
