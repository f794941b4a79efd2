// The home page: GET /api/v1/home answers, in one request, the panels of the caller's role about today, scoped to
// the caller's enterprise. Park staff see open alarms, statutory checks due, today's metered energy and its
// emissions, and the outlets against their limits; an enterprise user its one-page file (safety, environment,
// energy this month, carbon and rating, activity data still owed); a technician the checks due and the alarms; a
// driver the appointments to come; an integrator its data flow. Every label and reason is a Text.
//
// Later modules add panels (work orders, appointments, dispatch) by passing their own Panel to Register; the web
// app picks a panel's view by its kind and shows any other kind by its title and texts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "park/carbon/service.hpp"
#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/home/home.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"
#include "park/telemetry/service.hpp"

namespace park::home {

// What the home page reads. Everything is owned by the application and outlives the routes.
struct Sources {
  store::Store& store;
  const Clock& clock;
  // Telemetry keeps the newest points in memory until they are sealed; their latest values are read through
  // telemetry's own GET routes, called in process as the caller (the route's role check included), so a panel
  // never shows what its reader could not fetch from the API itself.
  const http::Router& router;
  telemetry::Service& telemetry;       // this month's metered totals
  const carbon::ParkSettings& carbon;  // the accounting's grid region and the rating configuration
  int utc_offset_minutes = 8 * 60;     // [telemetry] utc_offset_minutes: the park's local day
};

// What a panel is built for: who asks, and when.
struct PanelRequest {
  const Principal& who;
  int64_t now_ms = 0;
  LocalCalendar calendar;
};

struct Panel {
  std::string kind;         // stable API: "alarms", "inspections_due", "energy_today", …
  std::vector<Role> roles;  // whose home shows it
  // The panel's body, {"title": Text, …}; "kind" is added. A failure leaves the panel on the page with an error
  // text (and the detail in the log) rather than failing the whole page.
  std::function<Result<Json>(const PanelRequest&)> build;
};

// GET /api/v1/home for every signed-in role, with the built-in panels and then `extra` ones, in that order.
void Register(http::Router& router, Sources sources, std::vector<Panel> extra = {});

}  // namespace park::home
