// The layout map's storage and routes: GET /api/v1/park/layout (every role, the big screen's viewer token
// included; names and links only within the caller's scope) and PUT (park administrators).
#pragma once

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::layout {

// Checks `doc` (ReadLayout, then every credit code and sensor key against the registry) and stores it in place
// of the current layout, with its audit entry, inside `tx`. `actor` null: the system (the demo seeder).
Status SaveLayout(store::Tx& tx, const Clock& clock, const Principal* actor, const Json& doc);

void Register(http::Router& router, store::Store& store, const Clock& clock);

}  // namespace park::layout
