// Energy accounting from meters, as pure functions: which energy carrier a meter counts (and which meters count
// none: run hours, counts, meters not linked to an activity item), consumption per local hour, conversion to
// tonnes of standard coal equivalent (tce) with the carbon factor library's GB/T 2589 coefficients, and
// comparisons with earlier periods. No HTTP, SQL or clock: the service (park/energy/service.hpp) reads the meters
// and their readings and passes the period.
//
// Units never mix: a carrier's amounts are summed in its own reporting unit (kWh, m3, t, GJ), and only tce adds
// carriers together. Water is a carrier people pay for but not an energy (as in the carbon accounting): it is shown,
// priced when a price is set, and left out of the tce total.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "park/carbon/factors.hpp"
#include "park/core/result.hpp"
#include "park/core/text.hpp"
#include "park/telemetry/meter.hpp"

namespace park::energy {

inline constexpr int64_t kHourMs = 3'600'000;
inline constexpr int64_t kDayMs = 86'400'000;

// Persisted and sent by name (CarrierName), never by number. Issue 14 (dispatch) adds its own flows beside these.
enum class Carrier : uint8_t { kElectricity, kNaturalGas, kSteam, kHeat, kRawCoal, kDiesel, kLpg, kWater };
inline constexpr int kCarrierCount = 8;

struct CarrierInfo {
  Carrier carrier;
  std::string_view name;              // "electricity"; texts: energy.carrier.<name>
  std::string_view unit;              // the reporting unit amounts are summed in: "kWh", "m3", "t", "GJ"
  std::string_view coal_subject;      // the GB/T 2589 row in the factor library ("" : none)
  bool is_energy = true;              // false: not counted in tce (water)
};
const CarrierInfo& InfoOf(Carrier carrier);
std::string_view CarrierName(Carrier carrier);
std::optional<Carrier> CarrierFromName(std::string_view name);

// A meter as the registry describes it.
struct MeterInfo {
  int64_t id = 0;
  std::string key, name;
  std::string quantity;       // registry quantity: energy, gas_volume, steam_mass, heat, water_volume, run_hours, count
  std::string unit;           // as registered: kWh, MWh, m3, Nm3, 10^4 Nm3, t, kg, GJ, MJ, h, 1
  std::string activity_item;  // the carbon activity item it measures, or "" (generation, sub-meters)
  int64_t enterprise_id = 0;
};

// What a meter counts toward: a carrier (its amounts × to_carrier_unit are in the carrier's unit), or nothing and
// why (apart: listed on its own, never summed).
struct MeterClass {
  std::optional<Carrier> carrier;
  double to_carrier_unit = 1;
  Text apart;  // energy.apart.*: set exactly when carrier is empty
};
MeterClass ClassifyMeter(const MeterInfo& meter);

// Consumption per local hour of [from_ms, from_ms + hours h): each counter interval counts with the share of its
// time inside each hour (an interval across an hour boundary is split in proportion to time). nullopt for an hour
// that no interval touches (no data, which is not 0). `from_ms` should be a local hour boundary.
std::vector<std::optional<double>> HourlyUse(std::span<const telemetry::ConsumptionInterval> intervals, int64_t from_ms,
                                             size_t hours);

// A month ("2025-03") or a year ("2025") of the park's local calendar.
struct Period {
  int year = 0;
  int month = 0;  // 1..12; 0 for a whole year
  bool is_year() const { return month == 0; }
  std::string Label() const;  // "2025-03" or "2025"
  // Instants of its local bounds [from, to).
  int64_t FromMs(int utc_offset_minutes) const;
  int64_t ToMs(int utc_offset_minutes) const;
  size_t Hours() const;  // hours in it (no daylight saving time in the park's fixed offset)
  Period Previous() const;      // the month before, or the year before
  Period SameLastYear() const;  // the same month (or the year) a year earlier
  bool operator==(const Period&) const = default;
};
// "YYYY-MM" or "YYYY" (1900..2199). Errors on field `field` (energy.period_format).
Result<Period> ParsePeriod(std::string_view text, std::string_view field = "period");

// A coefficient used by a conversion, as the factor library holds it (id, revision, source).
struct CoefficientUse {
  std::string id;
  int revision = 0;
  std::string kind;  // standard_coal, electricity_equal_value
  std::string subject;
  int year = 0;
  double value = 0;
  std::string unit;  // e.g. "kgce/kWh"
  std::string status;
  std::string source;
  std::string document;
};

// An amount of a carrier in tce. Electricity has two bases: the equivalent (calorific, 0.1229 kgce/kWh, the
// headline) and the equal-value (the year's thermal coal rate); other carriers have one figure on both.
struct TceConversion {
  Carrier carrier = Carrier::kElectricity;
  double amount = 0;                          // in the carrier's unit
  std::optional<double> tce;                  // equivalent basis; nullopt: not an energy or no coefficient
  std::optional<double> tce_equal_value;      // equal-value basis
  double tce_per_unit = 0, tce_equal_value_per_unit = 0;
  std::vector<CoefficientUse> coefficients;   // what the figures used
  Text formula;                               // energy.formula.*: the computation with its numbers
};
// Converts `amount` (in the carrier's unit) with the library's coefficients in force for `year`. Water (not an
// energy) converts to nullopt with its note; a missing coefficient is kNotFound naming the carrier.
Result<TceConversion> ToTce(const carbon::FactorLibrary& library, Carrier carrier, double amount, int year);

// A figure against the same figure of an earlier period. change_pct is relative to the earlier figure, undefined
// when it is 0 or missing. `text` says it in words: energy.compare.{up,down,same,no_previous,no_current,zero_previous}.
struct Comparison {
  std::optional<double> value, previous, change, change_pct;
  Text text;
};
Comparison Compare(std::optional<double> value, std::optional<double> previous, const Period& previous_period);

}  // namespace park::energy
