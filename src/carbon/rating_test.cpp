#include "park/carbon/rating.hpp"

#include <gtest/gtest.h>

namespace park::carbon {
namespace {

EnterpriseInventory Inventory(std::string code, std::string sector, double land_mu, double total_t_co2,
                              double energy_tce, double output_10k_yuan, double cod_t = 0) {
  EnterpriseInventory inv;
  inv.info = {std::move(code), "", std::move(sector), land_mu, false};
  inv.year = 2023;
  PeriodValues& y = inv.periods[0];
  y[Metric::kCombustionTCo2] = total_t_co2;
  y[Metric::kEnergyTceEquivalent] = energy_tce;
  y[Metric::kOutputValue10kYuan] = output_10k_yuan;
  y[Metric::kCodT] = cod_t;
  FinishPeriod(y);
  return inv;
}

RatingConfig CarbonOnly() {
  RatingConfig c = DefaultRatingConfig();
  c.indicators = {{Indicator::kCarbonIntensity, 1, {{{0.5, 100}, {1.0, 60}, {1.5, 0}}}}};
  c.benchmarks = {{"27", 1.0, std::nullopt, std::nullopt, {}}};
  return c;
}

TEST(RatingTest, ScoreCurve) {
  const ScoreCurve curve{{{0.5, 100}, {1.0, 60}, {1.5, 0}}};
  struct Case {
    double x;
    double score;
  } cases[] = {{0.1, 100}, {0.5, 100}, {0.75, 80}, {1.0, 60}, {1.25, 30}, {1.5, 0}, {9, 0}};
  for (const Case& c : cases) EXPECT_DOUBLE_EQ(curve.Score(c.x), c.score) << c.x;
}

TEST(RatingTest, ClassesFromCarbonIntensity) {
  struct Case {
    double intensity;  // tCO2 per 10^4 yuan; benchmark 1.0
    double score;
    RatingClass rating_class;
  } cases[] = {{0.5, 100, RatingClass::kA}, {0.6, 92, RatingClass::kA}, {0.75, 80, RatingClass::kB},
               {1.0, 60, RatingClass::kC},  {1.1, 48, RatingClass::kD}, {2.0, 0, RatingClass::kD}};
  for (const Case& c : cases) {
    ParkInventory park;
    park.year = 2023;
    park.enterprises.push_back(Inventory("E1", "2710", 10, c.intensity * 1000, 0, 1000));
    auto ratings = RateEnterprises(park, nullptr, CarbonOnly());
    ASSERT_TRUE(ratings.ok());
    ASSERT_EQ(ratings->size(), 1u);
    const EnterpriseRating& r = ratings->front();
    EXPECT_NEAR(r.score, c.score, 1e-9) << c.intensity;
    EXPECT_EQ(r.rating_class, c.rating_class) << c.intensity;
    EXPECT_EQ(r.policy.rating_class, c.rating_class);
    EXPECT_EQ(r.reasons.front().code, "carbon.rating.class");
    EXPECT_EQ(std::get<std::string>(*r.reasons.front().Find("class")), RatingClassName(c.rating_class));
  }
}

TEST(RatingTest, WeightedIndicatorsAndUnscoredWeightsSpread) {
  RatingConfig config = DefaultRatingConfig();
  SectorBenchmark bench;
  bench.sector_prefix = "27";
  bench.carbon_intensity_t_co2_per_10k_yuan = 1.0;
  bench.energy_intensity_tce_per_10k_yuan = 0.5;
  bench.output_per_mu_10k_yuan = 100;
  bench.pollutant_t_per_10k_yuan[static_cast<size_t>(PollutantIndex(Item::kCod))] = 0.001;
  config.benchmarks = {bench, {"*", 9.0, std::nullopt, std::nullopt, {}}};

  ParkInventory previous;
  previous.year = 2022;
  previous.enterprises.push_back(Inventory("E1", "2710", 10, 930, 0, 1000));  // 0.93 in 2022
  ParkInventory current;
  current.year = 2023;
  // carbon 0.54/1.0 → 96.8; energy 0.25/0.5 → 100; cod 0.0005/0.001 → 100; output/mu 100/100 → 60;
  // intensity fell (0.93 − 0.54)/0.93 = 41.9 % → 100.
  current.enterprises.push_back(Inventory("E1", "2710", 10, 540, 250, 1000, 0.5));
  current.enterprises.push_back(Inventory("E2", "4011", 0, 100, 0, 0));  // no output: nothing scorable
  auto ratings = RateEnterprises(current, &previous, config);
  ASSERT_TRUE(ratings.ok());
  const EnterpriseRating& r = (*ratings)[0];
  const double expected = (30 * 96.8 + 20 * 100 + 20 * 100 + 20 * 60 + 10 * 100) / 100.0;
  EXPECT_NEAR(r.score, expected, 1e-9);
  EXPECT_EQ(r.rating_class, RatingClass::kA);
  ASSERT_EQ(r.indicators.size(), 5u);
  EXPECT_NEAR(*r.indicators[4].x, (0.93 - 0.54) / 0.93 * 100, 1e-9);
  // The worst indicator is named first among the drivers.
  EXPECT_EQ(r.reasons[1].code, "carbon.rating.indicator_scored");
  EXPECT_EQ(std::get<TextRef>(*r.reasons[1].Find("indicator")).code, "carbon.indicator.output_per_mu");
  EXPECT_EQ(r.reasons[2].code, "carbon.rating.versus_benchmark") << "each score is followed by how it was reached";

  const EnterpriseRating& none = (*ratings)[1];
  EXPECT_EQ(none.rating_class, RatingClass::kD);
  EXPECT_EQ(none.reasons.front().code, "carbon.rating.nothing_scored");

  // Without a previous year and with no land area, the remaining weights are spread.
  current.enterprises[0].info.land_area_mu = 0;
  auto spread = RateEnterprises(current, nullptr, config);
  ASSERT_TRUE(spread.ok());
  const double spread_expected = (30 * 96.8 + 20 * 100 + 20 * 100) / 70.0;
  EXPECT_NEAR((*spread)[0].score, spread_expected, 1e-9);
  EXPECT_NEAR((*spread)[0].indicators[0].effective_weight, 30.0 / 70.0, 1e-12);
}

TEST(RatingTest, InvalidConfig) {
  RatingConfig c = DefaultRatingConfig();
  c.min_score_b = 90;
  EXPECT_EQ(RateEnterprises(ParkInventory{}, nullptr, c).error().field, "min_score_a");
  c = DefaultRatingConfig();
  c.indicators[1].curve.points = {{1, 50}, {0, 60}};
  EXPECT_EQ(RateEnterprises(ParkInventory{}, nullptr, c).error().field, "indicators[1].curve");
  c = DefaultRatingConfig();
  c.indicators.clear();
  EXPECT_FALSE(RateEnterprises(ParkInventory{}, nullptr, c).ok());
}

}  // namespace
}  // namespace park::carbon

namespace park::carbon {
namespace {

TEST(SectorBenchmarks, ShippedFileLoadsAndBadLinesAreNamed) {
  auto shipped = ParseSectorBenchmarksCsv(DefaultSectorBenchmarksCsv());
  ASSERT_TRUE(shipped.ok()) << shipped.error().field << " " << shipped.error().message;
  EXPECT_GE(shipped->size(), 10u);
  EXPECT_TRUE(ValidateRatingConfig([&] {
                RatingConfig c = DefaultRatingConfig();
                c.benchmarks = *shipped;
                return c;
              }()).ok());
  struct Case {
    const char* text;
    const char* field;
  };
  const Case cases[] = {
      {"sector,x\n", "line 1"},
      {"sector_prefix,a,b,c,source,status\n27,0.6,0.2,150,src,check\n27,zero,0.2,150,src,check\n", "line 3.carbon"},
      {"sector_prefix,a,b,c,source,status\n27,0.6,0.2,-1,src,check\n", "line 2.output_per_mu"},
      {"sector_prefix,a,b,c,source,status\n27,0.6,0.2,1,,check\n", "line 2.source"},
      {"sector_prefix,a,b,c,source,status\n27,0.6\n", "line 2"},
  };
  for (const auto& c : cases) {
    auto r = ParseSectorBenchmarksCsv(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().field, c.field) << c.text;
  }
}

}  // namespace
}  // namespace park::carbon
