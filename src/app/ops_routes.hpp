#pragma once

#include <string>

#include "park/http/live.hpp"
#include "park/http/metrics.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::app {

// /healthz, /metrics and /api/openapi.json. `router` must outlive the server (the document is built from it).
void RegisterOps(http::Router& router, store::Store& store, http::Metrics& metrics, http::LiveHub& hub,
                 std::string version);

}  // namespace park::app
