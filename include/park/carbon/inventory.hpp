// Carbon, energy and pollutant inventories per enterprise, month and year, and for the whole park.
//
// Scope 1   = Σ fuel (amount × NCV × CC × OF × 44/12) + process CO2 − CO2 recovered and supplied to others
//             (negative when more CO2 is recovered than emitted; reported as computed, never clamped)
// Scope 2   location-based = electricity × grid factor (the year's national average or a configured region)
//                            + heat × heat factor
//           market-based   = (electricity − certificated green power) × factor excluding market green power
//                            + heat × heat factor
// Energy    = Σ fuel amount × standard-coal coefficient + electricity × 0.1229 kgce/kWh (equivalent basis) or × the
//             year's equal-value coefficient + heat × 0.03412 kgce/MJ. Feedstock counts neither as combustion nor
//             as energy. Water is reported but not counted as energy.
// Every figure can be explained: Explain() lists the formula, the factor revisions used and the input rows.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "park/carbon/activity.hpp"
#include "park/carbon/factors.hpp"
#include "park/core/result.hpp"

namespace park::carbon {

// Every figure of an inventory. Names (MetricName) are the API's JSON keys; persisted by name, never by number.
enum class Metric : uint8_t {
  kCombustionTCo2,
  kProcessTCo2,
  kRecoveredTCo2,
  kScope1TCo2,
  kScope2LocationTCo2,
  kScope2MarketTCo2,
  kTotalTCo2,        // scope 1 + location-based scope 2 (the headline total)
  kTotalMarketTCo2,  // scope 1 + market-based scope 2
  kEnergyTceEquivalent,
  kEnergyTceEqualValue,
  kElectricityMwh,
  kGreenElectricityMwh,
  kHeatGj,
  kOutputValue10kYuan,
  kAddedValue10kYuan,
  kWaterT,
  kCodT,
  kNh3nT,
  kTnT,
  kTpT,
  kSo2T,
  kNoxT,
  kPmT,
  kVocsT,
  // Ratios; undefined (nullopt) when the denominator is zero.
  kIntensityTCo2Per10kYuanOutput,
  kIntensityTCo2Per10kYuanAddedValue,
  kEnergyIntensityTcePer10kYuanOutput,      // equivalent basis
  kEnergyIntensityTcePer10kYuanAddedValue,  // equivalent basis
  kCodTPer10kYuanOutput,
  kNh3nTPer10kYuanOutput,
  kTnTPer10kYuanOutput,
  kTpTPer10kYuanOutput,
  kSo2TPer10kYuanOutput,
  kNoxTPer10kYuanOutput,
  kPmTPer10kYuanOutput,
  kVocsTPer10kYuanOutput,
  kCount
};
inline constexpr int kMetricCount = static_cast<int>(Metric::kCount);
std::string_view MetricName(Metric metric);
std::string_view MetricUnit(Metric metric);
std::optional<Metric> MetricFromName(std::string_view name);
// The discharge metric of a pollutant item (kCodT for Item::kCod) and its intensity metric.
Metric PollutantMetric(Item pollutant);
Metric PollutantIntensityMetric(Item pollutant);
bool IsRatioMetric(Metric metric);

// The figures of one enterprise (or the park, or a sector) for one month or one year.
struct PeriodValues {
  std::array<double, kMetricCount> values{};  // NaN marks an undefined ratio
  double& operator[](Metric m) { return values[static_cast<size_t>(m)]; }
  double operator[](Metric m) const { return values[static_cast<size_t>(m)]; }
  // nullopt for an undefined ratio.
  std::optional<double> Get(Metric m) const;
};
// Adds the additive metrics of `from` into `into` (ratios are left alone; call FinishPeriod after).
void AddPeriod(PeriodValues& into, const PeriodValues& from);
// Computes scope 1, totals and all ratios from the additive metrics.
void FinishPeriod(PeriodValues& period);

struct EnterpriseInfo {
  std::string code;  // the enterprise_code used in activity rows
  std::string name;
  std::string sector;  // national industry classification code (GB/T 4754), e.g. "2710"
  double land_area_mu = 0;
  bool designated_key_energy_unit = false;  // designated by a ministry or province (lower key-energy threshold)
};

struct CalcConfig {
  int year = 0;
  std::string province;                         // region key for provincial factors; empty: none
  std::string electricity_region = "national";  // grid region or province for the location-based factor
  std::string electricity_location_basis = "average";
  std::string electricity_market_basis = "excluding_market_green_power";
  size_t sector_prefix_length = 2;  // park totals by sector group on this many leading code characters
};

// year 1990..2100, electricity bases and region not empty.
Status ValidateCalcConfig(const CalcConfig& config);

// How one activity row was counted.
enum class LineRule : uint8_t {
  kCombustion,
  kFeedstock,
  kElectricity,
  kGreenElectricity,
  kHeat,
  kProcessCo2,
  kCo2Recovered,
  kQuantity
};

// One activity row's contribution, with the factor revisions it used. The factor pointers borrow from the
// FactorLibrary the inventory was computed with, which must outlive the inventory.
struct LineResult {
  int64_t row_id = 0;
  int line = 0;
  int month = 0;
  Item item = Item::kRawCoal;
  Use use = Use::kFuel;
  LineRule rule = LineRule::kQuantity;
  double amount_canonical = 0;  // in InfoOf(item).canonical_unit
  double fuel_energy_gj = 0;    // combustion: amount × NCV (not purchased heat)
  double scope1_t_co2 = 0;      // combustion or process (+), recovered (−)
  double scope2_location_t_co2 = 0;
  double scope2_market_t_co2 = 0;  // green power lines are negative
  double energy_tce_equivalent = 0;
  double energy_tce_equal_value = 0;
  bool tce_from_ncv = false;  // no standard-coal coefficient: tce = fuel_energy_gj / 29.3076
  // combustion: NCV, carbon content or emission factor, oxidation, standard coal;
  // electricity: location factor, market factor, equivalent coefficient, equal-value coefficient;
  // green electricity: market factor; heat: heat factor, standard coal. Unused slots are nullptr.
  std::array<const Factor*, 4> factors{};
};

struct EnterpriseInventory {
  EnterpriseInfo info;
  int year = 0;
  std::array<PeriodValues, 13> periods{};  // [0] the whole year, [1..12] the months
  std::vector<LineResult> lines;           // in input order
  const PeriodValues& Year() const { return periods[0]; }
};

// Computes one enterprise's inventory for config.year from its activity rows (rows of other enterprises or years
// are ignored). Errors: an invalid config, a factor missing or not convertible for an item used (kNotFound /
// kInvalidArgument naming the item), or green power above electricity in a month.
// All computation functions are pure: concurrent calls sharing one const FactorLibrary are safe.
Result<EnterpriseInventory> ComputeEnterprise(const FactorLibrary& library, const CalcConfig& config,
                                              const EnterpriseInfo& enterprise, std::span<const ActivityRow> rows);

struct EnterpriseFailure {
  std::string enterprise_code;
  Error error;
};

struct ParkInventory {
  int year = 0;
  std::vector<EnterpriseInventory> enterprises;   // in the order of the enterprise list
  std::vector<EnterpriseFailure> failures;        // enterprises that could not be computed, and unknown codes
  std::array<PeriodValues, 13> park{};            // sums over the computed enterprises; ratios of the sums
  std::map<std::string, PeriodValues> by_sector;  // year figures by sector code prefix
  const EnterpriseInventory* Find(std::string_view code) const;
};

// Computes every enterprise; one enterprise's failure does not hide the others (see failures). With an invalid
// config every enterprise fails with that error.
ParkInventory ComputePark(const FactorLibrary& library, const CalcConfig& config,
                          std::span<const EnterpriseInfo> enterprises, std::span<const ActivityRow> rows);

// ---- explanations ----

struct FactorUse {
  std::string id;
  int revision = 0;
  std::string kind;
  std::string subject;
  std::string region;
  std::string basis;
  int year = 0;
  double value = 0;
  std::string unit;
  std::string scope_level;
  std::string status;
  std::string source;
  std::string document;
  std::string source_code;    // catalogue codes of the citation (Factor::source_code), empty for a park's own
  std::string document_code;
};

struct InputUse {
  int64_t row_id = 0;
  int line = 0;
  std::string period;
  std::string item;
  std::string use;
  double amount = 0;  // canonical unit
  std::string unit;
  double contribution = 0;  // to the explained figure (0 for rows shown for context, e.g. feedstock)
  Text formula;  // carbon.line.*, with the numbers: "1000 t × 20.908 GJ/t × 0.02637 tC/GJ × OF 0.94 × 44/12 = …"
  std::string part;  // ratio figures: the metric (numerator or denominator) this row feeds; empty otherwise
};

struct Explanation {
  std::string figure;  // metric name
  std::string period;  // "2023" or "2023-04"
  std::optional<double> value;
  std::string unit;
  Text formula;                                       // carbon.formula.*: in words and symbols
  std::vector<FactorUse> factors;                     // each revision once
  std::vector<InputUse> inputs;                       // enterprise figures: the rows that fed it
  std::vector<std::pair<std::string, double>> parts;  // park figures: enterprise code -> its value
  std::vector<Text> notes;  // carbon.explain.*
};

// month 0 explains the year figure.
Explanation Explain(const EnterpriseInventory& inventory, Metric metric, int month = 0);
Explanation ExplainPark(const ParkInventory& park, Metric metric, int month = 0);
// A year figure of ParkInventory::by_sector; `sector` is its key (the sector code prefix).
Explanation ExplainSector(const ParkInventory& park, std::string_view sector, Metric metric);

// ---- year on year ----

struct YearOnYear {
  Metric metric = Metric::kTotalTCo2;
  std::optional<double> previous;
  std::optional<double> current;
  std::optional<double> change;      // current − previous
  std::optional<double> change_pct;  // relative to previous; undefined when previous is 0 or undefined
};
std::vector<YearOnYear> CompareYears(const PeriodValues& previous, const PeriodValues& current);

// Year-on-year change of the park, of each sector and of each enterprise computed in `current`. An enterprise or
// sector absent from `previous` has no previous values (changes undefined).
struct ParkComparison {
  std::vector<YearOnYear> park;
  std::map<std::string, std::vector<YearOnYear>> by_sector;
  std::map<std::string, std::vector<YearOnYear>> by_enterprise;
};
ParkComparison CompareParks(const ParkInventory& previous, const ParkInventory& current);

}  // namespace park::carbon
