// The demo park's energy dispatch (issue 14): a year of hourly load, PV and wind for planning and sizing, eight
// weeks of metered load, today's forecasts (load from that history, PV and wind by model over the park's own arrays
// and turbines), enterprises' priority tiers and interruptible loads, the plan for today, an afternoon
// demand-response instruction with its re-plan, and an orderly-power-use order with its allocations.
#pragma once

#include "park/core/clock.hpp"
#include "park/dispatch/service.hpp"
#include "park/store/store.hpp"

namespace park::app {

// After SeedDemo (the registry with its battery, arrays and turbines).
Status SeedDispatchDemo(store::Store& store, const Clock& clock, dispatch::Service& service);

}  // namespace park::app
