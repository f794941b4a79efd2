#include "park/carbon/projects.hpp"
#include "carbon/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace park::carbon {
namespace {

bool NonNegative(double v) { return std::isfinite(v) && v >= 0; }

const Text kAtLeastZero = T("field.at_least", {{"min", 0}});

}  // namespace

Result<ProjectEvaluation> EvaluateProject(const ReductionProject& p, const AbatementConfig& config) {
  if (p.id.empty()) return Error::Invalid("id", T("field.required"));
  if (!NonNegative(p.baseline_t_co2_per_yr)) return Error::Invalid("baseline_t_co2_per_yr", kAtLeastZero);
  if (!NonNegative(p.after_t_co2_per_yr)) return Error::Invalid("after_t_co2_per_yr", kAtLeastZero);
  if (!NonNegative(p.investment_10k_yuan)) return Error::Invalid("investment_10k_yuan", kAtLeastZero);
  if (!NonNegative(p.annual_benefit_10k_yuan)) return Error::Invalid("annual_benefit_10k_yuan", kAtLeastZero);
  if (!NonNegative(p.annual_om_cost_10k_yuan)) return Error::Invalid("annual_om_cost_10k_yuan", kAtLeastZero);
  if (p.lifetime_years < 1 || p.lifetime_years > 100) {
    return Error::Invalid("lifetime_years", T("field.integer_range", {{"min", 1}, {"max", 100}}));
  }
  if (p.achieved_t_co2_per_yr && !std::isfinite(*p.achieved_t_co2_per_yr)) {
    return Error::Invalid("achieved_t_co2_per_yr", T("field.not_finite"));
  }
  const double r = config.discount_rate;
  if (!(r >= 0 && r < 1)) return Error::Invalid("discount_rate", T("carbon.project.discount_rate"));

  ProjectEvaluation e;
  e.id = p.id;
  e.enterprise_code = p.enterprise_code;
  e.name = p.name;
  e.abatement_t_co2_per_yr = p.baseline_t_co2_per_yr - p.after_t_co2_per_yr;
  const int n = p.lifetime_years;
  e.crf = r == 0 ? 1.0 / n : r * std::pow(1 + r, n) / (std::pow(1 + r, n) - 1);
  e.annualised_investment_10k_yuan = p.investment_10k_yuan * e.crf;
  e.net_annual_cost_10k_yuan = e.annualised_investment_10k_yuan + p.annual_om_cost_10k_yuan - p.annual_benefit_10k_yuan;
  std::vector<TextParam> params = {{"baseline", p.baseline_t_co2_per_yr},
                                    {"after", p.after_t_co2_per_yr},
                                    {"abatement", e.abatement_t_co2_per_yr},
                                    {"investment", p.investment_10k_yuan},
                                    {"rate_pct", r * 100},
                                    {"years", std::to_string(n)},
                                    {"crf", e.crf},
                                    {"annualised", e.annualised_investment_10k_yuan},
                                    {"om", p.annual_om_cost_10k_yuan},
                                    {"benefit", p.annual_benefit_10k_yuan},
                                    {"net", e.net_annual_cost_10k_yuan}};
  if (e.abatement_t_co2_per_yr > 0) {
    e.cost_yuan_per_t_co2 = e.net_annual_cost_10k_yuan * 1e4 / e.abatement_t_co2_per_yr;
    params.emplace_back("cost", *e.cost_yuan_per_t_co2);
    e.explanation = T("carbon.project.explanation", std::move(params));
  } else {
    e.explanation = T("carbon.project.explanation_no_abatement", std::move(params));
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
      macc.excluded.emplace_back(e->id, T("carbon.project.no_abatement", {{"abatement", e->abatement_t_co2_per_yr}}));
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
