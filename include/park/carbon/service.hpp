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

// A month of metered activity for one enterprise and item (from telemetry meters and HJ 212 monitors).
struct MeteredAmount {
  int64_t enterprise_id = 0;
  std::string period;  // "YYYY-MM"
  std::string item;    // activity item name, e.g. "electricity", "natural_gas", "cod"
  double amount = 0;
  std::string unit;    // as measured, e.g. "kWh"; converted to the item's canonical unit
  std::string note;    // which meters, e.g. "metered: e01.t_101.energy, e01.t_102.energy"
};
struct MeteredOutcome {
  std::vector<Json> stored;       // rows written as source "metered" (replacing earlier metered rows)
  std::vector<Json> kept_manual;  // items where a manual or imported row for the month stands
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> Create(store::Store& store, const Clock& clock, http::LiveHub* hub,
                                                 ParkSettings settings);
  ~Service();

  // An activity file (CSV text, or XLSX bytes when `xlsx`): all rows or none. Each (enterprise, month) present
  // replaces what was stored for it, audited. A scoped actor may only import its own enterprise's rows.
  Result<ImportOutcome> ImportFile(std::string_view bytes, bool xlsx, const Principal* actor);
  // Stores metered monthly amounts as activity rows with source "metered". A manual or imported row for the same
  // enterprise, month and item overrides it: the metered amount is then only recorded in the audit entry.
  // Errors: an unknown item or a unit that does not fit it (field "item"/"unit"), nothing stored.
  Result<MeteredOutcome> StoreMetered(const std::vector<MeteredAmount>& amounts, const Principal* actor);
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
