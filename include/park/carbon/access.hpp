// Access check for a new, rebuilt or expanded project: its expected annual energy use by kind and its expected
// added value give a projected carbon intensity per 10^4 yuan of added value, compared with the park's standard.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "park/carbon/activity.hpp"
#include "park/carbon/inventory.hpp"
#include "park/carbon/lists.hpp"
#include "park/core/result.hpp"

namespace park::carbon {

enum class ProjectKind : uint8_t { kNew, kRebuilt, kExpanded };
std::string_view ProjectKindName(ProjectKind kind);

struct ExpectedUse {
  Item item = Item::kElectricity;  // a fuel, electricity, green_electricity, heat, process_co2 or co2_recovered
  double amount = 0;               // per year, in `unit`
  std::string unit;
  Use use = Use::kFuel;
};

struct AccessProject {
  std::string name;
  std::string enterprise_code;  // selects measured and enterprise factors; may be empty
  ProjectKind kind = ProjectKind::kNew;
  // For a rebuilt or expanded project: the change the project brings (the increment), not the plant's total.
  std::vector<ExpectedUse> uses;
  double added_value_10k_yuan = 0;  // expected annual industrial added value
};

struct AccessStandard {
  // The park's access standard: the highest projected tCO2 per 10^4 yuan of added value admitted.
  double max_t_co2_per_10k_yuan_added_value = 0;
  // Optional second bar on energy intensity (equivalent basis).
  std::optional<double> max_tce_per_10k_yuan_added_value;
  std::string source;  // the park document that sets the standard
};

struct AccessDecision {
  bool pass = false;
  double scope1_t_co2 = 0;
  double scope2_t_co2 = 0;  // location-based
  double total_t_co2 = 0;
  double energy_tce_equivalent = 0;
  double electricity_mwh = 0;
  double intensity_t_co2_per_10k_yuan_added_value = 0;
  double energy_intensity_tce_per_10k_yuan_added_value = 0;
  bool energy_review_required = true;  // the fixed-asset energy-saving review (rules: exempt below both bars)
  std::vector<Text> reasons;    // each step of the reasoning, with numbers and factors (carbon.access.*)
};

// Projects the project's annual emissions with the same factors and rules as the inventory (config.year selects
// the grid factor). Errors: invalid amounts or units (field names the use), added value not above 0, a standard
// not above 0, or a missing factor.
Result<AccessDecision> CheckAccess(const FactorLibrary& library, const CalcConfig& config, const AccessProject& project,
                                   const AccessStandard& standard, const ThreeListRules& rules);

}  // namespace park::carbon
