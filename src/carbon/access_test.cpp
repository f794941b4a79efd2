#include "park/carbon/access.hpp"

#include <gtest/gtest.h>

namespace park::carbon {
namespace {

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lib = DefaultFactorLibrary();
    ASSERT_TRUE(lib.ok());
    library_ = std::move(*lib);
    config_.year = 2023;
  }
  FactorLibrary library_;
  CalcConfig config_;
  ThreeListRules rules_;
};

TEST_F(AccessTest, PassOrFailAgainstTheStandard) {
  AccessProject project;
  project.name = "PLA line 2";
  project.kind = ProjectKind::kExpanded;
  project.uses = {{Item::kElectricity, 10000, "MWh", Use::kFuel},
                  {Item::kRawCoal, 1000, "t", Use::kFuel},
                  {Item::kNaturalGas, 100, "10^4 Nm3", Use::kFeedstock}};
  project.added_value_10k_yuan = 10000;
  const double total = 5306 + 1000 * 20.908 * 0.02637 * 0.94 * 44 / 12.0;  // 7,206.3 t
  struct Case {
    double standard;
    std::optional<double> energy_standard;
    bool pass;
  } cases[] = {{0.8, std::nullopt, true}, {0.72, std::nullopt, false}, {0.8, 0.2, true}, {0.8, 0.15, false}};
  for (const Case& c : cases) {
    AccessStandard standard{c.standard, c.energy_standard, "park access standard 2023"};
    auto d = CheckAccess(library_, config_, project, standard, rules_);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_NEAR(d->total_t_co2, total, 1e-9);
    EXPECT_NEAR(d->intensity_t_co2_per_10k_yuan_added_value, total / 10000, 1e-12);
    EXPECT_NEAR(d->energy_tce_equivalent, 1229 + 714.3, 1e-9);  // feedstock gas is not energy use
    EXPECT_EQ(d->pass, c.pass) << c.standard;
    EXPECT_TRUE(d->energy_review_required);  // 1,943.3 tce ≥ 1,000
    EXPECT_EQ(d->reasons.back().code, c.pass ? "carbon.access.pass" : "carbon.access.fail");
    bool names_factor = false;
    for (const auto& reason : d->reasons) {
      const std::string en = RenderText(reason, Locale::kEn);
      names_factor = names_factor || en.find("grid.2023.national.average r1") != std::string::npos;
      EXPECT_EQ(en.find("excluding_market_green_power"), std::string::npos) << "market factors do not apply";
    }
    EXPECT_TRUE(names_factor);
  }
}

TEST_F(AccessTest, SmallProjectIsExemptFromEnergyReview) {
  AccessProject project;
  project.uses = {{Item::kElectricity, 1'000'000, "kWh", Use::kFuel}};
  project.added_value_10k_yuan = 1000;
  auto d = CheckAccess(library_, config_, project, {0.6, std::nullopt, ""}, rules_);
  ASSERT_TRUE(d.ok());
  EXPECT_NEAR(d->intensity_t_co2_per_10k_yuan_added_value, 0.5306, 1e-12);
  EXPECT_TRUE(d->pass);
  EXPECT_FALSE(d->energy_review_required);
}

TEST_F(AccessTest, Errors) {
  AccessProject good;
  good.uses = {{Item::kElectricity, 1, "MWh", Use::kFuel}};
  good.added_value_10k_yuan = 1;
  const AccessStandard standard{1, std::nullopt, ""};
  struct Case {
    const char* name;
    AccessProject project;
    AccessStandard standard;
    const char* field;
  };
  std::vector<Case> cases;
  {
    AccessProject p = good;
    p.added_value_10k_yuan = 0;
    cases.push_back({"no added value", p, standard, "added_value_10k_yuan"});
  }
  cases.push_back({"no standard", good, {0, std::nullopt, ""}, "max_t_co2_per_10k_yuan_added_value"});
  {
    AccessProject p = good;
    p.uses.clear();
    cases.push_back({"no uses", p, standard, "uses"});
  }
  {
    AccessProject p = good;
    p.uses.push_back({Item::kDiesel, 1, "m3", Use::kFuel});
    cases.push_back({"bad unit", p, standard, "uses[1].unit"});
  }
  {
    AccessProject p = good;
    p.uses.push_back({Item::kCod, 1, "t", Use::kFuel});
    cases.push_back({"not energy", p, standard, "uses[1].item"});
  }
  {
    AccessProject p = good;
    p.uses.push_back({Item::kWashedCoal, 1, "t", Use::kFuel});
    cases.push_back({"no factor", p, standard, "uses[1].item"});
  }
  {
    AccessProject p = good;
    p.uses.push_back({Item::kDiesel, -1, "t", Use::kFuel});
    cases.push_back({"negative", p, standard, "uses[1].amount"});
  }
  for (const Case& c : cases) {
    auto d = CheckAccess(library_, config_, c.project, c.standard, rules_);
    ASSERT_FALSE(d.ok()) << c.name;
    EXPECT_EQ(d.error().field, c.field) << c.name;
  }
}

}  // namespace
}  // namespace park::carbon
