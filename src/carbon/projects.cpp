#include "park/carbon/projects.hpp"
#include "carbon/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace park::carbon {
namespace {

bool NonNegative(double v) { return std::isfinite(v) && v >= 0; }

}  // namespace

Result<ProjectEvaluation> EvaluateProject(const ReductionProject& p, const AbatementConfig& config) {
  if (p.id.empty()) return Error::Invalid("id", "is required");
  if (!NonNegative(p.baseline_t_co2_per_yr)) return Error::Invalid("baseline_t_co2_per_yr", "must be >= 0");
  if (!NonNegative(p.after_t_co2_per_yr)) return Error::Invalid("after_t_co2_per_yr", "must be >= 0");
  if (!NonNegative(p.investment_10k_yuan)) return Error::Invalid("investment_10k_yuan", "must be >= 0");
  if (!NonNegative(p.annual_benefit_10k_yuan)) return Error::Invalid("annual_benefit_10k_yuan", "must be >= 0");
  if (!NonNegative(p.annual_om_cost_10k_yuan)) return Error::Invalid("annual_om_cost_10k_yuan", "must be >= 0");
  if (p.lifetime_years < 1 || p.lifetime_years > 100) return Error::Invalid("lifetime_years", "must be 1..100");
  if (p.achieved_t_co2_per_yr && !std::isfinite(*p.achieved_t_co2_per_yr)) {
    return Error::Invalid("achieved_t_co2_per_yr", "must be a finite number");
  }
  const double r = config.discount_rate;
  if (!(r >= 0 && r < 1)) return Error::Invalid("discount_rate", "must be in [0, 1)");

  ProjectEvaluation e;
  e.id = p.id;
  e.enterprise_code = p.enterprise_code;
  e.name = p.name;
  e.abatement_t_co2_per_yr = p.baseline_t_co2_per_yr - p.after_t_co2_per_yr;
  const int n = p.lifetime_years;
  e.crf = r == 0 ? 1.0 / n : r * std::pow(1 + r, n) / (std::pow(1 + r, n) - 1);
  e.annualised_investment_10k_yuan = p.investment_10k_yuan * e.crf;
  e.net_annual_cost_10k_yuan = e.annualised_investment_10k_yuan + p.annual_om_cost_10k_yuan - p.annual_benefit_10k_yuan;
  e.explanation = "abatement = " + FormatNumber(p.baseline_t_co2_per_yr) + " − " + FormatNumber(p.after_t_co2_per_yr) + " = " +
                  FormatNumber(e.abatement_t_co2_per_yr) + " tCO2/yr; annualised investment = " + FormatNumber(p.investment_10k_yuan) +
                  " × CRF(" + FormatNumber(r * 100) + " %, " + std::to_string(n) + " yr) " + FormatNumber(e.crf) + " = " +
                  FormatNumber(e.annualised_investment_10k_yuan) +
                  " × 10^4 yuan/yr; net annual cost = " + FormatNumber(e.annualised_investment_10k_yuan) + " + O&M " +
                  FormatNumber(p.annual_om_cost_10k_yuan) + " − benefit " + FormatNumber(p.annual_benefit_10k_yuan) + " = " +
                  FormatNumber(e.net_annual_cost_10k_yuan) + " × 10^4 yuan/yr";
  if (e.abatement_t_co2_per_yr > 0) {
    e.cost_yuan_per_t_co2 = e.net_annual_cost_10k_yuan * 1e4 / e.abatement_t_co2_per_yr;
    e.explanation += "; cost = " + FormatNumber(e.net_annual_cost_10k_yuan) + " × 10^4 yuan / " + FormatNumber(e.abatement_t_co2_per_yr) +
                     " t = " + FormatNumber(*e.cost_yuan_per_t_co2) + " yuan/tCO2";
  } else {
    e.explanation += "; no abatement, so no cost per tonne";
  }
  e.achieved_t_co2_per_yr = p.achieved_t_co2_per_yr;
  if (p.achieved_t_co2_per_yr && e.abatement_t_co2_per_yr > 0) {
    e.achieved_fraction = *p.achieved_t_co2_per_yr / e.abatement_t_co2_per_yr;
  }
  return e;
}

Result<Macc> BuildMacc(const std::vector<ReductionProject>& projects, const AbatementConfig& config) {
  Macc macc;
  std::vector<ProjectEvaluation> ranked;
  for (size_t i = 0; i < projects.size(); ++i) {
    auto e = EvaluateProject(projects[i], config);
    if (!e.ok()) {
      Error err = e.take_error();
      err.field = "projects[" + std::to_string(i) + "]." + err.field;
      return err;
    }
    macc.total_investment_10k_yuan += projects[i].investment_10k_yuan;
    macc.total_annual_benefit_10k_yuan += projects[i].annual_benefit_10k_yuan;
    if (e->achieved_t_co2_per_yr) {
      macc.total_achieved_t_co2_per_yr += *e->achieved_t_co2_per_yr;
      macc.planned_of_reporting_t_co2_per_yr += std::max(0.0, e->abatement_t_co2_per_yr);
    }
    if (!e->cost_yuan_per_t_co2) {
      macc.excluded.emplace_back(e->id, "abatement " + FormatNumber(e->abatement_t_co2_per_yr) +
                                            " tCO2/yr is not above 0: a MACC bar needs a positive width");
      continue;
    }
    macc.total_planned_t_co2_per_yr += e->abatement_t_co2_per_yr;
    ranked.push_back(std::move(*e));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const ProjectEvaluation& a, const ProjectEvaluation& b) {
    if (*a.cost_yuan_per_t_co2 != *b.cost_yuan_per_t_co2) return *a.cost_yuan_per_t_co2 < *b.cost_yuan_per_t_co2;
    if (a.abatement_t_co2_per_yr != b.abatement_t_co2_per_yr) {
      return a.abatement_t_co2_per_yr > b.abatement_t_co2_per_yr;
    }
    return a.id < b.id;
  });
  double cumulative = 0;
  for (ProjectEvaluation& e : ranked) {
    MaccStep step;
    step.start_t_co2_per_yr = cumulative;
    cumulative += e.abatement_t_co2_per_yr;
    step.cumulative_abatement_t_co2_per_yr = cumulative;
    step.project = std::move(e);
    macc.steps.push_back(std::move(step));
  }
  return macc;
}

}  // namespace park::carbon
