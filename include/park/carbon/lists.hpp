// The "three lists" of a park for one year: key carbon-emission units, key energy-using units and key
// pollutant-discharge units, from configurable rules. Every listed unit carries the criteria that listed it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "park/carbon/activity.hpp"
#include "park/carbon/inventory.hpp"
#include "park/core/result.hpp"

namespace park::carbon {

struct ThreeListRules {
  // Key carbon-emission units: annual emissions of `carbon_basis` at or above the threshold.
  double carbon_threshold_t_co2e = 26000;
  Metric carbon_basis = Metric::kTotalTCo2;  // or kTotalMarketTCo2, kScope1TCo2
  // Key energy-using units: annual energy at or above the threshold, or the lower one when designated.
  double energy_threshold_tce = 10000;
  double energy_designated_threshold_tce = 5000;
  Metric energy_basis = Metric::kEnergyTceEquivalent;  // or kEnergyTceEqualValue
  // Key pollutant-discharge units: per pollutant, the largest dischargers that together reach this share of the
  // park's load; plus every unit whose sector code starts with one of `listed_sectors`.
  double pollutant_cover_fraction = 0.65;
  std::vector<Item> pollutants = {Item::kCod, Item::kNh3n, Item::kTn, Item::kTp,
                                  Item::kSo2, Item::kNox,  Item::kPm, Item::kVocs};
  std::vector<std::string> listed_sectors = {"26", "2710", "3360"};
  // New-project energy review (used by the access check): exempt below both.
  double review_exempt_below_tce = 1000;
  double review_exempt_below_electricity_mwh = 5000;
};

// Reads data/carbon/three_lists_rules.csv (list,parameter,value,unit,source,status). Parameters not in the file
// keep their defaults; an unknown list/parameter pair or a bad value is an error naming the line.
Result<ThreeListRules> ParseThreeListRulesCsv(std::string_view text);
// ParseThreeListRulesCsv(DefaultThreeListRulesCsv()).
Result<ThreeListRules> DefaultThreeListRules();
Status ValidateThreeListRules(const ThreeListRules& rules);

enum class ListKind : uint8_t { kKeyCarbon, kKeyEnergy, kKeyPollutant };
std::string_view ListKindName(ListKind kind);  // "key_carbon_emission_unit", ...

struct ListedUnit {
  std::string enterprise_code;
  std::string enterprise_name;
  double value = 0;                   // the list's main figure: tCO2e, tce, or the largest pollutant share
  std::vector<Text> criteria;  // why it is listed, with the numbers (carbon.lists.*)
};

struct ThreeLists {
  int year = 0;
  std::vector<ListedUnit> key_carbon;  // by value, largest first
  std::vector<ListedUnit> key_energy;
  std::vector<ListedUnit> key_pollutant;
  std::vector<Text> notes;  // e.g. enterprises left out because their inventory could not be computed
};

// Builds the lists from a park inventory (enterprises that failed to compute are not considered).
Result<ThreeLists> BuildThreeLists(const ParkInventory& park, const ThreeListRules& rules);

}  // namespace park::carbon
