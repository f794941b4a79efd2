// GET /api/v1/reports/monthly: the monthly park report (park staff, no enterprise_id) or enterprise report (an
// enterprise user always gets its own; park staff with enterprise_id=) as JSON or, with format=xlsx, as a
// workbook in the request's language (?lang=, else Accept-Language, else zh-CN).
//
// Figures come from their owners, called in process as the caller (their role checks included): energy from the
// energy service, emissions and pollutants from carbon's GET /api/v1/carbon/park and /enterprises/{id}/carbon,
// alarm counts per enterprise and rule from telemetry's GET /api/v1/alarms/stats. Ratings are the park's list
// (GET /api/v1/carbon/ratings, park roles only): an enterprise's report reads it as the report service and keeps
// only that enterprise's own row.
#pragma once

#include "park/core/clock.hpp"
#include "park/energy/service.hpp"
#include "park/http/router.hpp"

namespace park::report {

struct Sources {
  const Clock& clock;
  const http::Router& router;
  energy::Service& energy;
  int utc_offset_minutes = 8 * 60;
};

void Register(http::Router& router, Sources sources);

}  // namespace park::report
