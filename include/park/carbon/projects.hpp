// Reduction projects: abatement, benefit, cost per tonne abated, the park's marginal abatement cost curve (MACC)
// and planned vs achieved reduction.
//
// Cost per tonne (yuan/tCO2) = (annualised investment + annual O&M cost − annual benefit) / annual abatement, with
// annualised investment = investment × CRF, CRF = r(1+r)^n / ((1+r)^n − 1) for discount rate r and lifetime n
// years (investment / n when r = 0). A negative cost means the project pays for itself.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"

namespace park::carbon {

struct ReductionProject {
  std::string id;
  std::string enterprise_code;
  std::string name;
  double baseline_t_co2_per_yr = 0;  // emissions of the affected process before
  double after_t_co2_per_yr = 0;     // and after (planned)
  double investment_10k_yuan = 0;
  double annual_benefit_10k_yuan = 0;  // savings and revenue per year
  double annual_om_cost_10k_yuan = 0;  // extra operating cost per year
  int lifetime_years = 10;
  std::optional<double> achieved_t_co2_per_yr;  // measured abatement once running
};

struct AbatementConfig {
  // Real discount rate for annualising investment. A ParkBrain default, not a regulation: set the park's own.
  double discount_rate = 0.08;
};

struct ProjectEvaluation {
  std::string id;
  std::string enterprise_code;
  std::string name;
  double abatement_t_co2_per_yr = 0;  // planned: baseline − after
  double crf = 0;                     // capital recovery factor used
  double annualised_investment_10k_yuan = 0;
  double net_annual_cost_10k_yuan = 0;        // annualised investment + O&M − benefit
  std::optional<double> cost_yuan_per_t_co2;  // undefined when abatement is not above 0
  std::optional<double> achieved_t_co2_per_yr;
  std::optional<double> achieved_fraction;  // achieved / planned
  Text explanation;                         // carbon.project.explanation*: the arithmetic with the numbers
};

// Validates the project fields (field names the problem) and evaluates it.
Result<ProjectEvaluation> EvaluateProject(const ReductionProject& project, const AbatementConfig& config);

struct MaccStep {
  ProjectEvaluation project;
  double cumulative_abatement_t_co2_per_yr = 0;  // this and every cheaper project
  double start_t_co2_per_yr = 0;                 // where the bar starts on the x axis
};

struct Macc {
  std::vector<MaccStep> steps;                                // cheapest first (ties: larger abatement first, then id)
  std::vector<std::pair<std::string, Text>> excluded;  // project id -> reason (carbon.project.no_abatement)
  double total_planned_t_co2_per_yr = 0;
  double total_achieved_t_co2_per_yr = 0;        // over projects that report achievement
  double planned_of_reporting_t_co2_per_yr = 0;  // planned abatement of those same projects
  double total_investment_10k_yuan = 0;
  double total_annual_benefit_10k_yuan = 0;
};

// Builds the park's curve. The first invalid project is an error naming it (projects[i].field).
Result<Macc> BuildMacc(const std::vector<ReductionProject>& projects, const AbatementConfig& config);

}  // namespace park::carbon
