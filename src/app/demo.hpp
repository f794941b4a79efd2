// Private to the app: the demo park of PRODUCT.md section 6.
#pragma once

#include <string>
#include <vector>

#include "park/auth/auth.hpp"
#include "park/carbon/service.hpp"
#include "park/core/clock.hpp"
#include "park/store/store.hpp"

namespace park::app {

struct DemoLogin {
  std::string name;
  std::string password;
  std::string role;
  std::string display_name;  // shown in the web app
  std::string note;          // printed in the terminal
};

// True when the database has no enterprises yet.
Result<bool> IsEmpty(store::Store& store);
// Seeds the registry (one transaction) and one user per role; returns the logins to print.
Result<std::vector<DemoLogin>> SeedDemo(store::Store& store, const Clock& clock, auth::Service& auth);
// Two years (2024, 2025) of monthly activity data for every demo enterprise, through the CSV import, and the
// reduction projects of PRODUCT.md section 6. The API maker's carbon intensity falls from 0.93 to 0.54 t per
// 10,000 yuan of output value, as the published case it is modelled on.
Status SeedCarbonDemo(store::Store& store, const Clock& clock, carbon::Service& carbon);
// The logins the demo creates (printed again on later starts).
std::vector<DemoLogin> DemoLogins();

}  // namespace park::app
