// Internals of the home service shared by its source files: the panels' common reads and the factor library.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "park/carbon/factors.hpp"
#include "park/home/service.hpp"

namespace park::home {

struct Impl {
  explicit Impl(Sources s) : sources(s) {}
  Sources sources;

  // The carbon accounting's factor library as the carbon service holds it: the shipped defaults and every
  // revision the park added (carbon_factors), rebuilt when that table changes.
  Result<std::shared_ptr<const carbon::FactorLibrary>> Library();

 private:
  std::mutex library_mutex_;
  std::pair<int64_t, int64_t> library_stamp_{-1, -1};  // (rows, highest row id) of carbon_factors
  std::shared_ptr<const carbon::FactorLibrary> library_;
};

// Calls another module's GET route in process, as `who`: the route's roles are checked first, as the server
// checks them, then its handler runs and its JSON answer is parsed. Errors: kPermissionDenied when the role may
// not call it, the route's own error otherwise.
Result<Json> ReadRoute(const http::Router& router, const Principal& who, const std::string& path,
                       std::vector<std::pair<std::string, std::string>> query = {});

// The newest value of a sensor from GET /api/v1/latest: (epoch ms, value), or nullopt when it never reported.
Result<std::optional<std::pair<int64_t, double>>> LatestValue(const http::Router& router, const Principal& who,
                                                              int64_t sensor_id);

// 0 for a principal who sees the whole park, else its enterprise: the `$n = 0 OR enterprise_id = $n` filter.
inline int64_t ScopeOf(const Principal& who) { return who.enterprise_id.value_or(0); }

// Panel parts used by several roles' panels (panels.cpp).
// Open alarms: counts by severity, the newest few, and the caller's work (assigned to `user_id` and not closed;
// ended but not closed).
Result<Json> AlarmSummary(Impl& impl, int64_t scope, size_t newest, int64_t user_id);
Result<Json> DueSummary(Impl& impl, const PanelRequest& req, int64_t scope, size_t shown);
Result<Json> OutletSummary(Impl& impl, const PanelRequest& req, int64_t scope);

// The built-in panels, in page order (panels.cpp for the park, technicians, drivers and integrators;
// enterprise.cpp for an enterprise's own file).
std::vector<Panel> ParkPanels(Impl& impl);
std::vector<Panel> EnterprisePanels(Impl& impl);
std::vector<Panel> WorkPanels(Impl& impl);

// JSON of a Change (park/home/home.hpp): {"change", "change_pct"}, nulls where undefined.
Json ChangeJson(const Change& c);
Json OptJson(const std::optional<double>& v);

}  // namespace park::home
