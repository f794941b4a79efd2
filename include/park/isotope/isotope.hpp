// Isotope production and supply, pure domain code (no HTTP, no SQL): nuclide data, exact chain decay,
// shipment planning, allocation of orders to batches, transport classification of packages, Tc-99m
// generators and waste decay-in-storage. Instants are milliseconds since the Unix epoch; activities in Bq.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"

namespace park::isotope {

constexpr double kSecondsPerHour = 3600.0;
constexpr int64_t kMsPerHour = 3'600'000;
constexpr int64_t kMsPerDay = 24 * kMsPerHour;

struct Nuclide {
  std::string name;              // "Mo-99"
  double half_life_s = 0;        // seconds
  double half_life_value = 0;    // as the data file states it, with half_life_unit
  std::string half_life_unit;    // "min", "h", "d", "y"
  std::string decay_mode;
  std::vector<std::pair<std::string, double>> progeny;  // daughter, branching fraction
  double a1_tbq = 0;
  double a2_tbq = 0;
  double exempt_conc_bq_per_g = 0;
  double exempt_consignment_bq = 0;
  std::string note;  // data-file note; contains "a" / "b" flags (see data/isotope/SOURCE.md)
  bool a2_includes_short_daughters = false;  // note a
  bool secular_equilibrium = false;          // note b

  double lambda_per_s() const;  // ln 2 / T½
};

class NuclideTable {
 public:
  // The data file's CSV (comment lines start with '#'). Errors name the line; machine-facing (a data file).
  static Result<NuclideTable> Parse(std::string_view csv);
  // The shipped table (data/isotope/nuclides.csv compiled in).
  static const NuclideTable& Default();

  const Nuclide* Find(std::string_view name) const;
  const std::vector<Nuclide>& all() const { return nuclides_; }
  // The source statement of the file (its comment lines).
  const std::string& source() const { return source_; }

 private:
  std::vector<Nuclide> nuclides_;
  std::string source_;
};

std::string_view DefaultNuclidesCsv();

// Activity of one nuclide.
struct Amount {
  std::string nuclide;
  double bq = 0;
};

// Fraction of a single nuclide left after dt seconds (dt may be negative: decay back in time).
double DecayFactor(double half_life_s, double dt_s);

// Divided difference of z ↦ exp(z·t) at the points z (all ≤ 0), computed accurately also for equal and
// nearly equal points (Taylor series on clusters, recurrence only across well-separated points).
double DividedDifferenceExp(std::vector<double> z, double t);

// The exact activities after dt_s ≥ 0 seconds of a mixture and all its radioactive progeny listed in the
// table (the triangular chain's matrix exponential, summed over decay paths). Output: one entry per member
// present or grown in, parents before daughters. Unknown nuclide or negative activity/time: Invalid naming
// "nuclide"/"activity_bq"/"dt".
Result<std::vector<Amount>> Decay(const NuclideTable& table, const std::vector<Amount>& initial, double dt_s);

// ---- Shipment planning -------------------------------------------------------------------------------
struct DispatchNeed {
  double at_dispatch_bq = 0;  // activity of the ordered nuclide to put in the package at dispatch
  double decay_factor = 0;    // 2^(Δt/T½)
  double transit_h = 0;       // Δt = calibration − dispatch
  Text formula;               // isotope.formula.dispatch with its inputs
};
// activity at dispatch = activity at calibration × 2^(Δt/T½) × (1 + margin). Calibration must not be before
// dispatch ("calibration_at"), activity must be positive ("activity_bq"), margin in [0, 1] ("margin").
Result<DispatchNeed> PlanDispatch(const NuclideTable& table, std::string_view nuclide, double activity_at_cal_bq,
                                  int64_t dispatch_ms, int64_t calibration_ms, double margin);

// What a package holds at dispatch when it carries `parent_bq_at_dispatch` of a batch purified (progeny
// removed) at `purified_ms`: the parent with the progeny grown in since, so that classification counts them.
// Dispatch before purification: Invalid "dispatch_at".
Result<std::vector<Amount>> ContentsAtDispatch(const NuclideTable& table, std::string_view parent,
                                               double parent_bq_at_dispatch, int64_t purified_ms, int64_t dispatch_ms);

// ---- Allocation -------------------------------------------------------------------------------------
struct Batch {
  std::string id;
  std::string nuclide;
  double activity_bq = 0;  // at reference_ms
  int64_t reference_ms = 0;
  std::optional<int64_t> released_ms;  // quality release; nullopt: on hold
  int64_t expiry_ms = 0;
};
struct Order {
  std::string id;
  std::string nuclide;
  double at_dispatch_bq = 0;  // from PlanDispatch
  int64_t dispatch_ms = 0;
  int64_t calibration_ms = 0;
};
struct Allocation {
  std::string order_id;
  std::string batch_id;
  double bq_at_dispatch = 0;
};
struct Refusal {
  std::string order_id;
  Text reason;  // isotope.refusal.*
};
struct AllocationPlan {
  std::vector<Allocation> allocations;
  std::vector<Refusal> refusals;
  // Activity left in the batches, referred to each batch's expiry: what decays unused.
  double unused_bq_at_expiry = 0;
};
// Each order is filled from one batch. Eligible batches: same nuclide, released by dispatch, referenced
// (produced) by dispatch, not expired at calibration, enough activity left. Orders are taken largest
// first (activity referred to a common epoch) and each goes to the eligible batch that expires first, then
// the one whose remainder is smallest: old batches are used before they decay away.
AllocationPlan Allocate(const NuclideTable& table, const std::vector<Batch>& batches, std::vector<Order> orders);

// ---- Transport -------------------------------------------------------------------------------------
enum class Form { kSolid, kLiquid };
enum class PackageType { kExcepted, kTypeA, kTypeBRequired };
struct Classification {
  PackageType type = PackageType::kExcepted;
  std::string un_number;   // UN2910 excepted (limited quantity), UN2915 Type A
  double sum_a2 = 0;       // Σ A_i / A2_i (counted nuclides)
  double excepted_limit_fraction = 0;  // 1e-3 solids, 1e-4 liquids
  std::vector<std::string> counted;    // nuclides counted (daughters covered by a parent's A2 left out)
  std::optional<double> transport_index;  // from the dose rate at 1 m
  std::string label;                       // I-WHITE, II-YELLOW, III-YELLOW, or "" for excepted
  std::vector<std::string> documents;      // document codes
  Text explanation;
};
// dose rates in mSv/h (nullopt when not measured: no TI, no label). Unknown nuclide: Invalid "contents".
Result<Classification> ClassifyPackage(const NuclideTable& table, const std::vector<Amount>& contents, Form form,
                                       std::optional<double> dose_rate_1m_msv_h,
                                       std::optional<double> surface_dose_msv_h);

// ---- Generators -----------------------------------------------------------------------------------
// Time of the daughter's maximum after a full elution: ln(λd/λp)/(λd − λp), in hours.
double PeakIngrowthHours(const Nuclide& parent, const Nuclide& daughter);
// Tc-99m in the generator `since_elution_s` after an elution that left `residual_tc_bq`, with Mo-99
// `mo99_at_elution_bq` on the column.
Result<double> GeneratorTc99m(const NuclideTable& table, double mo99_at_elution_bq, double residual_tc_bq,
                              double since_elution_s);
struct Breakthrough {
  double kbq_mo_per_mbq_tc = 0;  // at administration
  bool ok = false;               // ≤ 0.15
  Text explanation;
};
constexpr double kBreakthroughLimit = 0.15;  // kBq Mo-99 per MBq Tc-99m
Result<Breakthrough> CheckBreakthrough(const NuclideTable& table, double eluate_mo99_bq, double eluate_tc99m_bq,
                                       double until_administration_s);
// How long after elution an eluate stays within the breakthrough limit: Tc-99m decays faster than Mo-99, so
// the ratio grows as r(t) = r0 · 2^(t/T½(Tc) − t/T½(Mo)). 0 when it is over the limit already; +inf when
// the eluate holds no Mo-99.
double BreakthroughUsableHours(const NuclideTable& table, double eluate_mo99_bq, double eluate_tc99m_bq);

// ---- Waste decay-in-storage -----------------------------------------------------------------------
struct ReleaseRule {
  std::string nuclide;
  int64_t hold_ms = 0;
  Text reason;  // isotope.waste.rule_*
};
struct ReleaseDate {
  int64_t release_ms = 0;
  std::vector<ReleaseRule> rules;  // one per nuclide; the longest decides
};
// At least 10 half-lives, and at least 30 days for T½ < 24 h, 180 days for I-131.
Result<ReleaseDate> WasteReleaseDate(const NuclideTable& table, const std::vector<std::string>& nuclides,
                                     int64_t sealed_ms);
// A container may leave the store only after its date and with a survey at background (≤ 1.0 × background,
// within `tolerance`). Refusals are Conflict codes.
Status CheckWasteRelease(int64_t now_ms, int64_t release_ms, std::optional<double> survey_usv_h,
                         double background_usv_h);

// A release survey of a container: the contact dose rate against the store's background and, when measured, the
// beta surface contamination. Clearance needs the dose rate at background and less than 0.8 Bq/cm² beta surface
// contamination (HJ 1188-2021, clearance of decay-stored solid waste from nuclear medicine).
constexpr double kSurfaceBetaLimitBqCm2 = 0.8;
struct Survey {
  double dose_rate_usv_h = 0;
  double background_usv_h = 0;
  std::optional<double> surface_bq_cm2;
};
struct SurveyResult {
  bool pass = false;
  Text explanation;  // isotope.waste.survey_pass / survey_above / surface_above
};
// Bad figures (a negative dose rate, a background that is not above zero) are Invalid naming the field.
Result<SurveyResult> EvaluateSurvey(const Survey& s);
// Release check against the last survey taken on or after the release date (nullopt: none yet).
Status CheckWasteRelease(int64_t now_ms, int64_t release_ms, const std::optional<Survey>& survey);

}  // namespace park::isotope
