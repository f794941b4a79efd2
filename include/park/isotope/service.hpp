// The isotope service: batches, orders, allocation and dispatch under /api/v1/isotopes/… (storage in
// migrations 0006 and 0007), with the licensed producers, generators and the waste register. A producer's users see their batches and the orders addressed to them; an ordering
// enterprise sees only its own orders; park roles see the park.
#pragma once

#include <vector>

#include "park/core/clock.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::isotope {

void Register(http::Router& router, store::Store& store, const Clock& clock);

// The demo park's isotope supply (PRODUCT.md section 6): `producer` licensed, a week of Mo-99 and I-131 batches,
// orders from `customers` (enterprise id and transit hours) allocated by the service's own allocation and the
// past ones dispatched, a generator at the first customer with its elutions, and the producer's waste store.
struct DemoCustomer {
  int64_t enterprise_id = 0;
  double transit_hours = 0;
};
Status SeedDemo(store::Store& store, const Clock& clock, int64_t producer, const std::vector<DemoCustomer>& customers);

}  // namespace park::isotope
