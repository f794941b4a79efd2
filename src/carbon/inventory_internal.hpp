// Shared between inventory.cpp, explain.cpp and access.cpp. Private to the module.
#pragma once

#include <array>
#include <optional>

#include "park/carbon/inventory.hpp"

namespace park::carbon::internal {

// 1 tce = 29,307.6 MJ (GB/T 2589-2020: 1 kgce = 29,307.6 kJ).
inline constexpr double kGjPerTce = 29.3076;
// Molar mass ratio CO2 / C.
inline constexpr double kCo2PerC = 44.0 / 12.0;

// The factors of one item for one enterprise and year, reduced to multipliers per canonical unit.
struct ItemFactors {
  LineRule rule = LineRule::kQuantity;
  std::array<const Factor*, 4> factors{};
  double gj_per_unit = 0;  // combustion: NCV in GJ per canonical unit
  double scope1_t_co2_per_unit = 0;
  double location_t_co2_per_unit = 0;
  double market_t_co2_per_unit = 0;
  double tce_equivalent_per_unit = 0;
  double tce_equal_value_per_unit = 0;
  bool tce_from_ncv = false;
};

// Resolves the factors of `item` used as `use` for an enterprise (its code selects measured and enterprise factors).
Result<ItemFactors> ResolveItem(const FactorLibrary& library, const CalcConfig& config,
                                std::string_view enterprise_code, Item item, Use use);

// Applies resolved factors to one amount.
LineResult ApplyFactors(const ItemFactors& f, Item item, Use use, double amount_canonical);

}  // namespace park::carbon::internal
