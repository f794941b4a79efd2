// The carbon module's service: stores activity data and park-added factor revisions, computes inventories, the
// three lists, ratings, access checks and the abatement cost curve on demand, and serves them over HTTP. The
// calculations themselves are the pure functions in the other headers of this folder.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "park/carbon/access.hpp"
#include "park/carbon/csv_import.hpp"
#include "park/carbon/inventory.hpp"
#include "park/carbon/lists.hpp"
#include "park/carbon/projects.hpp"
#include "park/carbon/rating.hpp"
#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/http/live.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"

namespace park::carbon {

// Park-level choices (the park's config file sets them; see config/parkbrain.toml [carbon]).
struct ParkSettings {
  CalcConfig calc;           // year is set per request; province and grid region here
  AccessStandard access;     // the park's access standard for new projects
  ThreeListRules lists;      // defaults from data/carbon/three_lists_rules.csv
  RatingConfig rating;       // weights, curves, class bounds, policies, sector benchmarks
  AbatementConfig abatement;
};
Result<ParkSettings> DefaultParkSettings();

struct ImportOutcome {
  std::vector<RowError> errors;  // non-empty: nothing was imported
  size_t rows = 0;
  std::vector<std::string> periods;  // "credit_code/YYYY-MM" pairs replaced
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> Create(store::Store& store, const Clock& clock, http::LiveHub* hub,
                                                 ParkSettings settings);
  ~Service();

  // An activity file (CSV text, or XLSX bytes when `xlsx`): all rows or none. Each (enterprise, month) present
  // replaces what was stored for it, audited. A scoped actor may only import its own enterprise's rows.
  Result<ImportOutcome> ImportFile(std::string_view bytes, bool xlsx, const Principal* actor);
  // The enterprise's inventory for a year (by credit code), optionally with every figure explained.
  Result<Json> EnterpriseReport(std::string_view credit_code, int year, bool explain);

  // /api/v1/carbon/*, /api/v1/enterprises/{id}/carbon and /activity, /api/v1/lists.
  void Register(http::Router& router);

  struct Impl;

 private:
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace park::carbon
