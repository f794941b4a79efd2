// An equipment health score (0 worst … 100 best) that explains itself like a carbon figure: each term with its
// weight, its penalty (0 … 1), its inputs and the formula code; terms without inputs are left out and the
// remaining weights renormalised (and said so).
//
//   score = 100 × (1 − Σ wᵢ·pᵢ / Σ wᵢ) over the terms that could be scored
//   age:      p = min(1, age / design life)                                   w = 0.25
//   alarms:   p = min(1, (1·critical + 0.4·warning + 0.1·info) / 2)  (open)   w = 0.30
//   overdue:  p = min(1, Σ overdue days of overdue plans / 30)                w = 0.25
//   trend:    p = max over key readings of the time-to-limit penalty:         w = 0.20
//             beyond its limit 1; trending to it in ≤ 7 days 1, in ≥ 90 days 0, linear between; else 0
// The trend of a reading is the least-squares slope over its samples; the remaining time to its limit is
// (limit − latest fitted value) / slope when the slope points at the limit.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "park/core/text.hpp"
#include "park/maintenance/plan.hpp"

namespace park::maintenance {

struct TrendInput {
  std::string sensor_key;
  std::vector<Sample> samples;  // the reading over the window (e.g. 30 days)
  std::optional<double> high;   // its limits
  std::optional<double> low;
};

struct HealthInput {
  std::optional<double> age_years;           // from commissioning to now
  std::optional<double> design_life_years;
  int64_t open_critical = 0;
  int64_t open_warning = 0;
  int64_t open_info = 0;
  std::vector<int64_t> overdue_days;         // one entry per plan of this equipment that is overdue
  std::vector<TrendInput> trends;
};

struct TrendResult {
  std::string sensor_key;
  double slope_per_day = 0;
  double fitted_now = 0;
  std::optional<double> limit;               // the limit it trends toward
  std::optional<double> days_to_limit;       // when it trends toward a limit
  bool beyond_limit = false;
  double penalty = 0;
};

struct HealthTerm {
  std::string term;      // "age", "alarms", "overdue", "trend"
  bool scored = false;
  double weight = 0;     // as configured
  double penalty = 0;    // 0 … 1
  double points = 0;     // points taken off the 100 (after renormalisation)
  Text formula;          // maintenance.health.formula.<term> with the inputs
  Text inputs;           // maintenance.health.inputs.<term> or maintenance.health.not_scored.<term>
};

struct Health {
  double score = 100;
  std::vector<HealthTerm> terms;
  std::vector<TrendResult> trends;
  std::optional<double> remaining_days;  // the soonest time to a limit over the key readings
  Text summary;                          // maintenance.health.summary
};

Health ComputeHealth(const HealthInput& input);

// The least-squares line through the samples (time in days): slope per day and the value it gives at the last
// sample's time; std::nullopt with fewer than two distinct timestamps.
struct Trend {
  double slope_per_day = 0;
  double fitted_last = 0;
};
std::optional<Trend> FitTrend(std::span<const Sample> samples);

}  // namespace park::maintenance
