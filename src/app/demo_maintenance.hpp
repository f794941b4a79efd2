// Private to the app: the demo park's maintenance (issue 12).
#pragma once

#include "park/core/clock.hpp"
#include "park/store/store.hpp"

namespace park::app {

// For every demo enterprise: calendar plans on its equipment (some overdue, some in their reminder window, some
// ahead), work orders in every state (the technician "tech" works them, park staff verify), a spare-parts store
// with one part below its reorder point, and its pressure vessels, reactors and safety valves registered as
// regulated equipment with statutory dues (some overdue). Dates follow the clock, so the demo stays current.
Status SeedMaintenanceDemo(store::Store& store, const Clock& clock);

}  // namespace park::app
