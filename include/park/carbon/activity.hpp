// Activity data of carbon, energy and pollutant accounting: what an enterprise used, emitted or produced in a
// month, and the unit conversions that bring every amount to one canonical unit per item.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"

namespace park::carbon {

// Every accounted item. Persisted by name (ItemName), never by number.
enum class Item : uint8_t {
  // Fuels (amounts by mass, natural gas by volume).
  kRawCoal,
  kWashedCoal,
  kCoke,
  kAnthracite,
  kBituminousCoal,
  kSubBituminousCoal,
  kCrudeOil,
  kFuelOil,
  kGasoline,
  kKerosene,
  kDiesel,
  kLpg,
  kNaturalGas,
  kElectricity,       // purchased electricity, MWh (green power included)
  kGreenElectricity,  // certificated green power, MWh; a part of kElectricity, not in addition to it
  kHeat,              // purchased heat or steam, GJ
  kProcessCo2,        // process emissions, t CO2
  kCo2Recovered,      // CO2 captured and supplied to others, t CO2
  kOutputValue,       // gross industrial output value, 10^4 yuan
  kAddedValue,        // industrial added value, 10^4 yuan
  kWater,             // water use, t
  // Pollutant discharges, t.
  kCod,
  kNh3n,
  kTn,
  kTp,
  kSo2,
  kNox,
  kPm,
  kVocs,
  kCount
};
inline constexpr int kItemCount = static_cast<int>(Item::kCount);
inline constexpr int kPollutantCount = 8;

enum class ItemClass : uint8_t {
  kFuel,
  kElectricity,
  kGreenElectricity,
  kHeat,
  kProcessCo2,
  kCo2Recovered,
  kOutputValue,
  kAddedValue,
  kWater,
  kPollutant
};

// What an amount measures; units convert only within one dimension.
enum class Dimension : uint8_t { kMass, kGasVolume, kElectricity, kHeat, kMoney, kWater };

enum class Use : uint8_t {
  kFuel,       // burnt for energy: counted in combustion emissions and energy totals
  kFeedstock,  // raw material: counted neither as combustion nor in energy totals
};

struct ItemInfo {
  Item item;
  std::string_view name;     // "raw_coal"; the template and API spelling
  std::string_view name_zh;  // "原煤"
  ItemClass item_class;
  Dimension dimension;
  std::string_view canonical_unit;  // what ActivityRow::amount_canonical is in, e.g. "t", "MWh", "10^4 Nm3"
};

const ItemInfo& InfoOf(Item item);
std::string_view ItemName(Item item);
std::optional<Item> ItemFromName(std::string_view name);
bool IsFuel(Item item);
bool IsPollutant(Item item);
// 0..kPollutantCount-1 for a pollutant item, in enum order (cod first).
int PollutantIndex(Item item);
Item PollutantAt(int index);
std::string_view UseName(Use use);
std::optional<Use> UseFromName(std::string_view name);  // "fuel", "feedstock"; empty means fuel

// Converts `amount` from `from_unit` to `to_unit` within one dimension. Units are spelled as in the template
// ("t", "kg", "10^4 t", "m3", "Nm3", "10^4 m3", "10^4 Nm3", "kWh", "MWh", "GWh", "10^4 kWh", "MJ", "GJ", "TJ",
// "Gcal", "yuan", "10^4 yuan", "10^8 yuan"; water also "m3", "10^4 m3"), with a few Chinese aliases ("吨", "千克",
// "万千瓦时", "万元", ...). An unknown unit is an error on field "unit".
Result<double> ConvertUnit(Dimension dimension, double amount, std::string_view from_unit, std::string_view to_unit);
// Converts an amount of `item` given in `unit` to the item's canonical unit.
Result<double> ToCanonical(Item item, double amount, std::string_view unit);
bool IsKnownUnit(Dimension dimension, std::string_view unit);

// One line of activity data: one item of one enterprise in one month.
struct ActivityRow {
  int64_t id = 0;  // store id; 0 until stored
  int line = 0;    // line in the imported file (1 = header); 0 when entered by API
  std::string enterprise_code;
  int year = 0;
  int month = 0;  // 1..12
  Item item = Item::kRawCoal;
  double amount = 0;            // as entered, in `unit`
  std::string unit;             // as entered
  double amount_canonical = 0;  // in InfoOf(item).canonical_unit
  Use use = Use::kFuel;
  std::string note;
};

// "2024-03".
std::string PeriodText(int year, int month);

// How much activity data a year has: the months with any row, and per enterprise the most months one has.
struct YearCoverage {
  int year = 0;
  int months = 0;               // distinct months with data, any enterprise
  int enterprises = 0;          // enterprises with data that year
  int complete_enterprises = 0; // enterprises with all 12 months
};
// The year a carbon page opens on: the latest year in which at least one enterprise reported all twelve months
// (a year under way, with only this month's metered rows, would show a park nearly empty), else the latest year
// with any data; nullopt when there is none.
std::optional<int> DefaultReportingYear(const std::vector<YearCoverage>& years);

// Activity as typed by a person, before validation (the CSV template's columns).
struct ActivityInput {
  std::string enterprise_code;
  std::string period;  // YYYY-MM
  std::string item;
  std::string amount;  // text, so that "12,5" or "1e999" can be refused with a reason
  std::string unit;
  std::string use;  // "fuel" (default when empty) or "feedstock"
  std::string note;
  std::optional<double> amount_number = std::nullopt;  // a JSON number from the API; when set, `amount` is not read
};

// Errors are park::FieldError: the field and the reason as a text code with parameters (carbon.activity.*).

// Validates every field and converts the amount. Returns the row, or every field error found (at least one).
// Rules: enterprise_code 1..64 printable characters; period a real YYYY-MM; item and unit known and matching;
// amount a finite decimal number >= 0 and at most 10^12 in the canonical unit; use only "fuel" or "feedstock", and
// "feedstock" only for fuels; note at most 500 characters.
std::optional<ActivityRow> BuildActivityRow(const ActivityInput& input, std::vector<FieldError>& errors);
// The same for API callers: the first error as a park::Error naming the field.
Result<ActivityRow> MakeActivityRow(const ActivityInput& input);

}  // namespace park::carbon
