// The park's registry: enterprises → facilities → equipment → sensors and meters. Every record is validated
// field by field, scoped to its enterprise, and audited.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/http/live.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::registry {

struct ParkInfo {
  std::string name = "滨海绿色医药化工园区";  // shown on the big screen; zh-CN (config [park] name)
  std::string name_en = "Binhai Green Pharmaceutical & Chemical Park";
};

// Registers /api/v1/park, /api/v1/enterprises, /api/v1/facilities, /api/v1/equipment and /api/v1/sensors.
void Register(http::Router& router, store::Store& store, const Clock& clock, http::LiveHub& hub, ParkInfo park);

// Creates one record inside the caller's transaction with the same validation and audit as the API.
// entity: "enterprise", "facility", "equipment" or "sensor". `actor` null: the system (demo seeder, imports).
Result<int64_t> Create(store::Tx& tx, const Clock& clock, std::string_view entity, const Json& body,
                       const Principal* actor);

}  // namespace park::registry
