// Private to the app: the demo park of PRODUCT.md section 6.
#pragma once

#include <string>
#include <vector>

#include "park/auth/auth.hpp"
#include "park/core/clock.hpp"
#include "park/store/store.hpp"

namespace park::app {

struct DemoLogin {
  std::string name;
  std::string password;
  std::string role;
  std::string note;
};

// True when the database has no enterprises yet.
Result<bool> IsEmpty(store::Store& store);
// Seeds the registry (one transaction) and one user per role; returns the logins to print.
Result<std::vector<DemoLogin>> SeedDemo(store::Store& store, const Clock& clock, auth::Service& auth);
// The logins the demo creates (printed again on later starts).
std::vector<DemoLogin> DemoLogins();

}  // namespace park::app
