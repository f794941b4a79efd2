// Rating and differentiated policy: A/B/C/D classes from configurable weighted indicators, a policy table per class
// (electricity, water, gas, land, credit), and the reasons behind each enterprise's class.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "park/carbon/inventory.hpp"
#include "park/core/result.hpp"

namespace park::carbon {

enum class RatingClass : uint8_t { kA, kB, kC, kD };
std::string_view RatingClassName(RatingClass c);  // "A".."D"

enum class Indicator : uint8_t {
  kCarbonIntensity,     // tCO2 per 10^4 yuan output vs the sector benchmark (lower is better)
  kEnergyIntensity,     // tce (equivalent) per 10^4 yuan output vs the sector benchmark (lower is better)
  kPollutantIntensity,  // mean over pollutants with a benchmark of t per 10^4 yuan output vs benchmark (lower is
                        // better)
  kOutputPerMu,         // 10^4 yuan output per mu of land vs the sector benchmark (higher is better)
  kYoyImprovement,      // % fall of carbon intensity against the previous year (higher is better)
};
std::string_view IndicatorName(Indicator indicator);

// Piecewise-linear score 0..100 over an x value; points sorted by x; flat beyond the ends.
struct ScoreCurve {
  std::vector<std::pair<double, double>> points;
  double Score(double x) const;
};

struct WeightedIndicator {
  Indicator indicator;
  double weight;     // relative; weights of indicators that cannot be scored are spread over the others
  ScoreCurve curve;  // x: actual/benchmark for intensities and output per mu; % improvement for year on year
};

// Benchmarks for a sector: the longest matching code prefix wins; "*" matches every sector.
struct SectorBenchmark {
  std::string sector_prefix;
  std::optional<double> carbon_intensity_t_co2_per_10k_yuan;
  std::optional<double> energy_intensity_tce_per_10k_yuan;
  std::optional<double> output_per_mu_10k_yuan;
  std::array<std::optional<double>, kPollutantCount> pollutant_t_per_10k_yuan{};
};

struct ClassPolicy {
  RatingClass rating_class;
  std::string electricity;
  std::string water;
  std::string gas;
  std::string land;
  std::string credit;
};

struct RatingConfig {
  std::vector<WeightedIndicator> indicators;
  std::vector<SectorBenchmark> benchmarks;
  // Minimum score for A, B and C; below the last is D.
  double min_score_a = 85;
  double min_score_b = 70;
  double min_score_c = 55;
  std::array<ClassPolicy, 4> policies;
};

// Default weights, curves, class bounds and policy wording. They are a starting point chosen by ParkBrain, not
// taken from a regulation: a park configures its own. Benchmarks are empty: the park must supply them.
RatingConfig DefaultRatingConfig();
// Sector benchmarks from CSV (sector_prefix, carbon_t_co2_per_10k_yuan, energy_tce_per_10k_yuan,
// output_10k_yuan_per_mu, source, status); errors name the line and column.
Result<std::vector<SectorBenchmark>> ParseSectorBenchmarksCsv(std::string_view text);
// The shipped data/carbon/sector_benchmarks.csv (the demo park's own values, marked "check").
std::string_view DefaultSectorBenchmarksCsv();
Status ValidateRatingConfig(const RatingConfig& config);

struct IndicatorScore {
  Indicator indicator;
  double weight = 0;            // as configured
  double effective_weight = 0;  // after spreading the weights of unscored indicators
  std::optional<double> actual;
  std::optional<double> benchmark;
  std::optional<double> x;      // the curve's input
  std::optional<double> score;  // nullopt: not scored (reason says why)
  Text reason;  // how it was scored, or why not (carbon.rating.*)
};

struct EnterpriseRating {
  std::string enterprise_code;
  double score = 0;
  RatingClass rating_class = RatingClass::kD;
  std::vector<IndicatorScore> indicators;
  std::vector<Text> reasons;  // the class and its drivers, worst indicators first (carbon.rating.*)
  ClassPolicy policy;
};

// Rates every computed enterprise of `current`; `previous` (may be null) gives the year-on-year indicator.
// An enterprise with no scorable indicator is class D with the reason stated (nothing can be shown).
Result<std::vector<EnterpriseRating>> RateEnterprises(const ParkInventory& current, const ParkInventory* previous,
                                                      const RatingConfig& config);

}  // namespace park::carbon
