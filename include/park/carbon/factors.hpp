// The factor library: emission factors, calorific values and standard-coal coefficients, each with its source,
// document, year, unit, revision and status. Factors are never edited in place: a correction is a new revision of
// the same id, and results keep pointing at the revision they used.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "park/carbon/csv_import.hpp"
#include "park/core/result.hpp"

namespace park::carbon {

// Persisted by name (FactorKindName), never by number.
enum class FactorKind : uint8_t {
  kFuelNcv,                // net calorific value, GJ per amount unit ("GJ/t", "GJ/10^4 Nm3")
  kFuelCarbonContent,      // carbon content per unit of heat, "tC/GJ" (China's guidelines)
  kFuelEmissionFactor,     // CO2 per unit of heat, "kgCO2/TJ" (IPCC 2006 Table 2.2); an alternative to the above
  kFuelOxidation,          // carbon oxidation rate, fraction "1"
  kElectricityCo2,         // grid CO2 factor, "tCO2/MWh"; keyed by year, region and basis
  kHeatCo2,                // purchased heat, "tCO2/GJ"
  kStandardCoal,           // standard-coal coefficient, "kgce/<amount unit>" (GB/T 2589)
  kElectricityEqualValue,  // electricity on the equal-value basis, "kgce/kWh", per year
};
std::string_view FactorKindName(FactorKind kind);
std::optional<FactorKind> FactorKindFromName(std::string_view name);

// Who set the value. Lookup falls back in this order (persisted by name, never by number).
enum class ScopeLevel : uint8_t { kMeasured, kEnterprise, kProvincial, kNational, kIpcc };
inline constexpr int kScopeLevelCount = 5;
std::string_view ScopeLevelName(ScopeLevel level);
std::optional<ScopeLevel> ScopeLevelFromName(std::string_view name);

enum class FactorStatus : uint8_t {
  kOk,     // read in the named source
  kCheck,  // a well-known value still to be confirmed against the official text; show its source
};
std::string_view FactorStatusName(FactorStatus status);

struct Factor {
  std::string id;    // stable across revisions, e.g. "cn.ncv.raw_coal"
  int revision = 1;  // 1, 2, ... ; the highest is in force
  FactorKind kind = FactorKind::kFuelNcv;
  std::string subject;              // what it applies to: an item name ("raw_coal"), "electricity", "heat", or a
                                    // GB/T 2589 energy name ("natural_gas_oilfield", "electricity_equivalent")
  std::string region = "national";  // "national", a grid region ("east") or a province ("shandong")
  std::string basis = "default";    // electricity: "average", "excluding_market_green_power", "ets_compliance", ...
  int year = 0;                     // 0 = any year
  double value = 0;
  std::string unit;
  ScopeLevel level = ScopeLevel::kNational;
  std::string enterprise_code;  // required for measured and enterprise levels, empty otherwise
  FactorStatus status = FactorStatus::kOk;
  std::string source;    // where the value was read (required)
  std::string document;  // document number or title
  // The shipped rows' citations as catalogue codes (carbon.source.<code>, carbon.document.<code>), whose English
  // text is `source` and `document`: a Chinese page cites them in Chinese. Empty for the factors a park adds, whose
  // citation is the park's own text.
  std::string source_code;
  std::string document_code;
};

// Checks the fields of one factor (id, unit against kind, value range, level against enterprise code, source).
Status ValidateFactor(const Factor& factor);

// An in-memory, append-only set of factor revisions. Not thread-safe for writes; concurrent const use is safe.
// Pointers returned stay valid for the library's lifetime (revisions are never removed or moved), which is what
// lets inventories keep pointing at the revision they used.
class FactorLibrary {
 public:
  FactorLibrary() = default;
  FactorLibrary(FactorLibrary&&) = default;
  FactorLibrary& operator=(FactorLibrary&&) = default;
  FactorLibrary(const FactorLibrary&) = delete;
  FactorLibrary& operator=(const FactorLibrary&) = delete;

  // Adds a factor revision. A new id starts at any revision >= 1; an existing id needs a higher revision than its
  // latest and the same key (kind, subject, region, basis, year, level, enterprise). Two ids may not share a key:
  // that is kConflict (supersede the existing id instead).
  Status Add(Factor factor);
  // Adds `factor` as the next revision of its id (which must exist); returns the revision number given.
  Result<int> Supersede(Factor factor);

  struct Query {
    FactorKind kind = FactorKind::kFuelNcv;
    std::string_view subject;
    int year = 0;
    std::string_view region = "national";  // tried first; "national" is always tried after it
    std::string_view basis = "default";
    std::string_view enterprise_code;  // for measured and enterprise factors
  };
  // The latest revision of the best factor for the query: scope levels in fallback order (measured, enterprise,
  // provincial, national, IPCC); within a level the query's region before "national"; then the exact year, then
  // "any year", then the newest earlier year. nullptr when nothing fits.
  const Factor* Find(const Query& query) const;
  // Find, or kNotFound naming what was looked for.
  Result<const Factor*> Lookup(const Query& query) const;

  const Factor* Latest(std::string_view id) const;
  const Factor* Revision(std::string_view id, int revision) const;
  // Every revision of an id, oldest first.
  std::vector<const Factor*> History(std::string_view id) const;
  // The revision in force of every factor, ordered by id.
  std::vector<const Factor*> Current() const;
  size_t revision_count() const { return revisions_.size(); }

 private:
  std::deque<Factor> revisions_;
  std::unordered_map<std::string, std::vector<const Factor*>> by_id_;
  // kind|subject|basis -> ids that may answer such a query.
  std::unordered_map<std::string, std::vector<std::string>> by_key_;
};

struct FactorCsv {
  std::vector<Factor> factors;
  std::vector<RowError> errors;
  bool ok() const { return errors.empty(); }
};
// Parses the library CSV layout of data/carbon/factors.csv ('#' lines are comments):
//   id,kind,subject,region,basis,year,value,unit,scope_level,enterprise_code,revision,status,source,document
// optionally followed by source_code,document_code (the shipped file has them).
FactorCsv ParseFactorsCsv(std::string_view text);
// Parses and adds every row; the first problem is returned as an error naming the line.
Result<FactorLibrary> LoadFactorLibrary(std::string_view csv_text);

// The shipped reference data, compiled in from data/carbon/ at build time.
std::string_view DefaultFactorsCsv();
std::string_view DefaultThreeListRulesCsv();
// LoadFactorLibrary(DefaultFactorsCsv()).
Result<FactorLibrary> DefaultFactorLibrary();

}  // namespace park::carbon
