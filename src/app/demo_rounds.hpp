// Private to the app: the demo park's inspection rounds (issue 12 item 4).
#pragma once

#include "park/core/clock.hpp"
#include "park/store/store.hpp"

namespace park::app {

// For every demo enterprise: a daily inspection route (08:00 park time) over its first pieces of equipment, and the
// week of rounds before now: most done in time, some missed, one submitted late, findings where a temperature was
// over its limit or a check failed, and one finding that opened a work order. Dates follow the clock.
Status SeedRoundsDemo(store::Store& store, const Clock& clock);

}  // namespace park::app
