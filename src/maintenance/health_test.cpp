#include <gtest/gtest.h>

#include "park/maintenance/health.hpp"

namespace park::maintenance {
namespace {

constexpr int64_t kDay = 86400000;

std::vector<Sample> Line(double start, double per_day, int days) {
  std::vector<Sample> s;
  for (int d = 0; d <= days; ++d) s.push_back({int64_t{d} * kDay, start + per_day * d});
  return s;
}

const HealthTerm& Term(const Health& h, const std::string& name) {
  for (const auto& t : h.terms) {
    if (t.term == name) return t;
  }
  throw std::runtime_error("no term " + name);
}

TEST(Health, WorkedCaseWithEveryTerm) {
  HealthInput in;
  in.age_years = 10;
  in.design_life_years = 20;  // p = 0.5
  in.open_critical = 1;
  in.open_warning = 1;        // p = (1 + 0.4) / 2 = 0.7
  in.overdue_days = {10, 5};  // p = 15 / 30 = 0.5
  // Bearing temperature 50 → 70 °C over 10 days (2 °C/day), limit 100: 15 days left, p = (90 − 15) / 83.
  in.trends = {{"bearing_temp", Line(50, 2, 10), 100.0, std::nullopt}};
  const Health h = ComputeHealth(in);
  const double expected = 100 * (1 - (0.25 * 0.5 + 0.30 * 0.7 + 0.25 * 0.5 + 0.20 * 75.0 / 83.0));
  EXPECT_NEAR(h.score, expected, 1e-9);
  EXPECT_NEAR(h.score, 35.9277, 1e-4);
  EXPECT_DOUBLE_EQ(Term(h, "age").penalty, 0.5);
  EXPECT_DOUBLE_EQ(Term(h, "alarms").penalty, 0.7);
  EXPECT_DOUBLE_EQ(Term(h, "overdue").penalty, 0.5);
  EXPECT_NEAR(Term(h, "trend").penalty, 75.0 / 83.0, 1e-12);
  EXPECT_NEAR(Term(h, "alarms").points, 21, 1e-9);
  double points = 0;
  for (const auto& t : h.terms) {
    EXPECT_TRUE(t.scored) << t.term;
    EXPECT_TRUE(HasText(t.formula.code)) << t.formula.code;
    EXPECT_TRUE(HasText(t.inputs.code)) << t.inputs.code;
    points += t.points;
  }
  EXPECT_NEAR(100 - points, h.score, 1e-9);  // the terms add up to the score
  ASSERT_TRUE(h.remaining_days);
  EXPECT_NEAR(*h.remaining_days, 15, 1e-9);
  ASSERT_EQ(h.trends.size(), 1u);
  EXPECT_NEAR(h.trends[0].slope_per_day, 2, 1e-12);
  EXPECT_NEAR(h.trends[0].fitted_now, 70, 1e-9);
  EXPECT_TRUE(HasText(h.summary.code));
  EXPECT_EQ(RenderText(Term(h, "age").inputs), "10 years old of a 20-year design life");
}

TEST(Health, TermsWithoutInputsAreLeftOutAndTheWeightsRenormalised) {
  HealthInput in;
  Health h = ComputeHealth(in);
  EXPECT_DOUBLE_EQ(h.score, 100);
  EXPECT_FALSE(Term(h, "age").scored);
  EXPECT_EQ(Term(h, "age").inputs.code, "maintenance.health.not_scored.age");
  EXPECT_FALSE(Term(h, "trend").scored);
  in.open_critical = 1;  // p = 0.5 on weight 0.30 of 0.55
  h = ComputeHealth(in);
  EXPECT_NEAR(h.score, 100 * (1 - 0.15 / 0.55), 1e-9);
  in.open_critical = 5;  // capped at 1
  in.overdue_days = {400};
  h = ComputeHealth(in);
  EXPECT_DOUBLE_EQ(h.score, 0);
  in = {};
  in.age_years = 30;
  in.design_life_years = 20;  // past its design life: capped at 1
  EXPECT_DOUBLE_EQ(Term(ComputeHealth(in), "age").penalty, 1);
}

TEST(Health, TrendsTowardAndAwayFromLimits) {
  HealthInput in;
  // Falling toward a low limit: 100 → 90 over 10 days, low 20: 70 days left, p = (90 − 70) / 83.
  in.trends = {{"pressure", Line(100, -1, 10), std::nullopt, 20.0},
               // Falling away from its high limit: no time to limit, no penalty.
               {"vibration", Line(5, -0.1, 10), 10.0, std::nullopt},
               // Already beyond its limit.
               {"oil_temp", Line(80, 1, 10), 85.0, std::nullopt},
               // One sample: no trend.
               {"flow", {{0, 3}}, 10.0, 1.0}};
  const Health h = ComputeHealth(in);
  ASSERT_EQ(h.trends.size(), 4u);
  EXPECT_NEAR(*h.trends[0].days_to_limit, 70, 1e-9);
  EXPECT_NEAR(h.trends[0].penalty, 20.0 / 83.0, 1e-12);
  EXPECT_FALSE(h.trends[1].days_to_limit);
  EXPECT_DOUBLE_EQ(h.trends[1].penalty, 0);
  EXPECT_TRUE(h.trends[2].beyond_limit);
  EXPECT_DOUBLE_EQ(h.trends[2].penalty, 1);
  EXPECT_FALSE(h.trends[3].days_to_limit);
  EXPECT_DOUBLE_EQ(Term(h, "trend").penalty, 1);
  EXPECT_DOUBLE_EQ(*h.remaining_days, 0);
  EXPECT_EQ(RenderText(Term(h, "trend").inputs).rfind("oil_temp:", 0), 0u);
}

TEST(Health, FitTrendIsLeastSquares) {
  // Points (0, 1), (1, 3), (2, 2): slope 0.5, mean 2, fitted at day 2 = 2 + 0.5 × (2 − 1) = 2.5.
  const std::vector<Sample> s = {{2 * kDay, 2}, {0, 1}, {kDay, 3}};
  const auto t = FitTrend(s);
  ASSERT_TRUE(t);
  EXPECT_NEAR(t->slope_per_day, 0.5, 1e-12);
  EXPECT_NEAR(t->fitted_last, 2.5, 1e-12);
  EXPECT_FALSE(FitTrend(std::vector<Sample>{{kDay, 1}, {kDay, 2}}));
}

}  // namespace
}  // namespace park::maintenance
