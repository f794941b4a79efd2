#include "park/carbon/projects.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace park::carbon {
namespace {

ReductionProject Project(std::string id, double baseline, double after, double investment, double benefit,
                         double om = 0, int lifetime = 10) {
  ReductionProject p;
  p.id = std::move(id);
  p.enterprise_code = "E001";
  p.name = p.id;
  p.baseline_t_co2_per_yr = baseline;
  p.after_t_co2_per_yr = after;
  p.investment_10k_yuan = investment;
  p.annual_benefit_10k_yuan = benefit;
  p.annual_om_cost_10k_yuan = om;
  p.lifetime_years = lifetime;
  return p;
}

TEST(ProjectsTest, CostPerTonne) {
  // CRF(8 %, 10 yr) = 0.08 × 1.08^10 / (1.08^10 − 1) = 0.1490294887.
  const double crf = 0.08 * std::pow(1.08, 10) / (std::pow(1.08, 10) - 1);
  EXPECT_NEAR(crf, 0.1490294887, 1e-10);
  struct Case {
    const char* name;
    ReductionProject project;
    double discount_rate;
    double abatement;
    double cost_yuan_per_t;
  } cases[] = {
      // Solvent recovery: 2,143 t/yr and 191 × 10^4 yuan/yr benefit (demo park facts); investment assumed 1,000.
      {"solvent recovery", Project("p1", 10000, 7857, 1000, 191), 0.08, 2143, (1000 * crf - 191) * 1e4 / 2143},
      {"no discounting", Project("p1", 10000, 7857, 1000, 191), 0.0, 2143, (100 - 191) * 1e4 / 2143},
      // 500 invested over 5 years at 0 %, 20 O&M, no benefit, 100 t: (100 + 20) × 10^4 / 100 = 12,000 yuan/t.
      {"costly", Project("p2", 100, 0, 500, 0, 20, 5), 0.0, 100, 12000},
  };
  for (const Case& c : cases) {
    auto e = EvaluateProject(c.project, {c.discount_rate});
    ASSERT_TRUE(e.ok()) << c.name;
    EXPECT_NEAR(e->abatement_t_co2_per_yr, c.abatement, 1e-9) << c.name;
    ASSERT_TRUE(e->cost_yuan_per_t_co2.has_value());
    EXPECT_NEAR(*e->cost_yuan_per_t_co2, c.cost_yuan_per_t, 1e-6) << c.name;
    EXPECT_EQ(e->explanation.code, "carbon.project.explanation");
    EXPECT_NE(RenderText(e->explanation).find("CRF"), std::string::npos);
  }
}

TEST(ProjectsTest, MaccOrdersCheapestFirstWithCumulativeAbatement) {
  std::vector<ReductionProject> projects = {
      Project("expensive", 1000, 0, 5000, 0, 0, 10),      // high cost
      Project("pays-back", 3000, 1000, 100, 400, 0, 10),  // negative cost
      Project("middle", 500, 0, 200, 10, 0, 10),
      Project("no-abatement", 100, 100, 10, 0),
  };
  projects[1].achieved_t_co2_per_yr = 1500;
  auto macc = BuildMacc(projects, {});
  ASSERT_TRUE(macc.ok());
  ASSERT_EQ(macc->steps.size(), 3u);
  EXPECT_EQ(macc->steps[0].project.id, "pays-back");
  EXPECT_EQ(macc->steps[1].project.id, "middle");
  EXPECT_EQ(macc->steps[2].project.id, "expensive");
  EXPECT_LT(*macc->steps[0].project.cost_yuan_per_t_co2, 0);
  EXPECT_DOUBLE_EQ(macc->steps[0].start_t_co2_per_yr, 0);
  EXPECT_DOUBLE_EQ(macc->steps[0].cumulative_abatement_t_co2_per_yr, 2000);
  EXPECT_DOUBLE_EQ(macc->steps[1].start_t_co2_per_yr, 2000);
  EXPECT_DOUBLE_EQ(macc->steps[2].cumulative_abatement_t_co2_per_yr, 3500);
  ASSERT_EQ(macc->excluded.size(), 1u);
  EXPECT_EQ(macc->excluded[0].first, "no-abatement");
  EXPECT_EQ(macc->excluded[0].second.code, "carbon.project.no_abatement");
  EXPECT_DOUBLE_EQ(macc->total_planned_t_co2_per_yr, 3500);
  // Planned vs achieved: the one reporting project achieved 1,500 of its 2,000 t.
  EXPECT_DOUBLE_EQ(macc->total_achieved_t_co2_per_yr, 1500);
  EXPECT_DOUBLE_EQ(macc->planned_of_reporting_t_co2_per_yr, 2000);
  EXPECT_DOUBLE_EQ(*macc->steps[0].project.achieved_fraction, 0.75);
  EXPECT_DOUBLE_EQ(macc->total_investment_10k_yuan, 5310);
}

TEST(ProjectsTest, InvalidProjectsNameTheField) {
  struct Case {
    const char* name;
    ReductionProject project;
    const char* field;
  };
  std::vector<Case> cases;
  {
    auto p = Project("x", 1, 0, 1, 1);
    p.id.clear();
    cases.push_back({"id", p, "projects[0].id"});
  }
  cases.push_back({"baseline", Project("x", -1, 0, 1, 1), "projects[0].baseline_t_co2_per_yr"});
  cases.push_back({"investment", Project("x", 1, 0, NAN, 1), "projects[0].investment_10k_yuan"});
  cases.push_back({"lifetime", Project("x", 1, 0, 1, 1, 0, 0), "projects[0].lifetime_years"});
  for (const Case& c : cases) {
    auto macc = BuildMacc({c.project}, {});
    ASSERT_FALSE(macc.ok()) << c.name;
    EXPECT_EQ(macc.error().field, c.field) << c.name;
  }
  EXPECT_EQ(EvaluateProject(Project("x", 1, 0, 1, 1), {1.5}).error().field, "discount_rate");
}

}  // namespace
}  // namespace park::carbon
