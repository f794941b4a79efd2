// The isotope service: batches, orders, allocation and dispatch under /api/v1/isotopes/… (storage in
// migrations 0006). A producer's users see their batches and the orders addressed to them; an ordering
// enterprise sees only its own orders; park roles see the park.
#pragma once

#include "park/core/clock.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::isotope {

void Register(http::Router& router, store::Store& store, const Clock& clock);

}  // namespace park::isotope
