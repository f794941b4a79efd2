// The energy service: GET /api/v1/energy/account answers, for a month or a year, the energy of the caller's scope
// (the park and every enterprise for park staff, its own enterprise for an enterprise user) by carrier, in tce,
// against the month before and the same period a year earlier, and what it cost under the tariff. The figures come
// from the meters (registry sensors of kind meter with their activity item) and their readings, read-only: sealed
// hourly readings from telemetry's rollups and the newest, unsealed ones through telemetry's own GET route, called
// in process as the caller. Issue 14 (dispatch, tariffs, forecasts) adds its routes to this module.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/energy/energy.hpp"
#include "park/energy/tariff.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::energy {

// The park's choices (config [energy]).
struct Settings {
  std::vector<Tariff> tariffs;  // default: data/energy/tou_tariff.csv
  CarrierPrices prices;         // carriers other than electricity; none by default (shown as not priced)
  std::string price_source;     // who set the prices (shown with every priced figure)
};
Result<Settings> DefaultSettings();

// What the service reads. Everything is owned by the application and outlives the routes.
struct Sources {
  store::Store& store;
  const Clock& clock;
  const http::Router& router;      // telemetry's GET /api/v1/series/{id}/points, called as the caller
  int utc_offset_minutes = 8 * 60;  // [telemetry] utc_offset_minutes: the park's local calendar
};

class Service {
 public:
  Service(Sources sources, Settings settings);
  ~Service();

  // The account of `who`'s scope for `period` (the JSON of GET /api/v1/energy/account): `enterprise_id` narrows a
  // park principal to one enterprise; a scoped principal asking for another enterprise is refused.
  Result<Json> AccountJson(const Principal& who, const Period& period, std::optional<int64_t> enterprise_id);

  // GET /api/v1/energy/account and GET /api/v1/energy/tariff.
  void Register(http::Router& router);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace park::energy
