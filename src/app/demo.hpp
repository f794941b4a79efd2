// Private to the app: the demo park of PRODUCT.md section 6.
#pragma once

#include <map>
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
  std::string enterprise;    // an enterprise user's enterprise, by name ("" for park roles)
};

// True when the database has no enterprises yet.
Result<bool> IsEmpty(store::Store& store);
// Seeds the registry (one transaction) and one user per role; returns the logins to print.
Result<std::vector<DemoLogin>> SeedDemo(store::Store& store, const Clock& clock, auth::Service& auth);
// Two years (2024, 2025) of monthly activity data for every demo enterprise, through the CSV import, and the
// reduction projects of PRODUCT.md section 6. The API maker's carbon intensity falls from 0.93 to 0.54 t per
// 10,000 yuan of output value, as the published case it is modelled on.
Status SeedCarbonDemo(store::Store& store, const Clock& clock, carbon::Service& carbon);
// The isotope supply (issue 15): hospitals in four cities as registry organisations (after the layout, so they get
// no plot in the park), the isotope producer licensed, a week of batches, orders, a generator and the waste store,
// and the producer's and a hospital's logins.
Status SeedIsotopeDemo(store::Store& store, const Clock& clock, auth::Service& auth);
// Creates the demo logins whose enterprise is in `enterprise_ids` (by name); the park roles' logins with the park
// (when the first demo enterprise is there).
Status CreateDemoUsers(auth::Service& auth, const std::map<std::string, int64_t>& enterprise_ids);
// The logins the demo creates (printed again on later starts).
std::vector<DemoLogin> DemoLogins();

}  // namespace park::app
