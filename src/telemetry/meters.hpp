// Meters: cumulative counters turned into consumption per day and month, per meter, enterprise and park.
#pragma once
#include "park/http/router.hpp"
#include "telemetry/service_impl.hpp"

namespace park::telemetry {

// GET /api/v1/meters/{id}/consumption and GET /api/v1/meters/consumption.
void RegisterMeterRoutes(Service::Impl& s, http::Router& router);

}  // namespace park::telemetry
