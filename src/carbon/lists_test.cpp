#include "park/carbon/lists.hpp"

#include <gtest/gtest.h>

namespace park::carbon {
namespace {

// Texts are compared as their English rendering, which is what the catalogue says.
std::string En(const Text& t) { return RenderText(t, Locale::kEn); }

ActivityRow Row(std::string code, Item item, double amount, std::string unit) {
  auto row = MakeActivityRow(
      {std::move(code), "2023-05", std::string(ItemName(item)), std::to_string(amount), std::move(unit), "", ""});
  EXPECT_TRUE(row.ok());
  return *row;
}

class ListsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lib = DefaultFactorLibrary();
    ASSERT_TRUE(lib.ok());
    library_ = std::move(*lib);
    auto rules = DefaultThreeListRules();
    ASSERT_TRUE(rules.ok()) << rules.error().message;
    rules_ = *rules;
    CalcConfig config;
    config.year = 2023;
    const std::vector<EnterpriseInfo> enterprises = {
        {"A", "Coal boiler API maker", "2710", 200, false}, {"B", "Electrolyser", "3841", 100, true},
        {"C", "Small chemicals", "2614", 50, true},         {"D", "Plating shop", "3360", 5, false},
        {"F", "Clean assembler", "4011", 30, false},
    };
    const std::vector<ActivityRow> rows = {
        Row("A", Item::kRawCoal, 15000, "t"),        // 28,504.5 tCO2; 10,714.5 tce
        Row("B", Item::kElectricity, 50000, "MWh"),  // 26,530 tCO2; 6,145 tce (designated)
        Row("C", Item::kElectricity, 40000, "MWh"),  // 21,224 tCO2; 4,916 tce (designated, below 5,000)
        Row("A", Item::kCod, 50, "t"),
        Row("B", Item::kCod, 30, "t"),
        Row("C", Item::kCod, 15, "t"),
        Row("D", Item::kCod, 5, "t"),
        Row("A", Item::kSo2, 65, "t"),
        Row("B", Item::kSo2, 35, "t"),
        Row("C", Item::kNox, 10, "t"),
        Row("F", Item::kWater, 10, "t"),
    };
    park_ = ComputePark(library_, config, enterprises, rows);
    ASSERT_TRUE(park_.failures.empty());
  }

  static const ListedUnit* FindUnit(const std::vector<ListedUnit>& list, const std::string& code) {
    for (const auto& u : list) {
      if (u.enterprise_code == code) return &u;
    }
    return nullptr;
  }

  FactorLibrary library_;
  ThreeListRules rules_;
  ParkInventory park_;
};

TEST_F(ListsTest, DefaultRulesComeFromTheShippedFile) {
  EXPECT_DOUBLE_EQ(rules_.carbon_threshold_t_co2e, 26000);
  EXPECT_EQ(rules_.carbon_basis, Metric::kTotalTCo2);
  EXPECT_DOUBLE_EQ(rules_.energy_threshold_tce, 10000);
  EXPECT_DOUBLE_EQ(rules_.energy_designated_threshold_tce, 5000);
  EXPECT_EQ(rules_.energy_basis, Metric::kEnergyTceEquivalent);
  EXPECT_DOUBLE_EQ(rules_.pollutant_cover_fraction, 0.65);
  EXPECT_EQ(rules_.pollutants.size(), 8u);
  EXPECT_EQ(rules_.listed_sectors, (std::vector<std::string>{"26", "2710", "3360"}));
  EXPECT_DOUBLE_EQ(rules_.review_exempt_below_tce, 1000);
  EXPECT_DOUBLE_EQ(rules_.review_exempt_below_electricity_mwh, 5000);
}

TEST_F(ListsTest, KeyCarbonAndEnergyUnits) {
  auto lists = BuildThreeLists(park_, rules_);
  ASSERT_TRUE(lists.ok());
  ASSERT_EQ(lists->key_carbon.size(), 2u);
  EXPECT_EQ(lists->key_carbon[0].enterprise_code, "A");  // largest first
  EXPECT_EQ(lists->key_carbon[1].enterprise_code, "B");
  EXPECT_NE(En(lists->key_carbon[0].criteria[0]).find("≥ threshold 26,000"), std::string::npos);

  ASSERT_EQ(lists->key_energy.size(), 2u);
  EXPECT_EQ(lists->key_energy[0].enterprise_code, "A");
  EXPECT_NEAR(lists->key_energy[0].value, 10714.5, 1e-6);
  EXPECT_EQ(lists->key_energy[1].enterprise_code, "B");
  EXPECT_NE(En(lists->key_energy[1].criteria[0]).find("designated"), std::string::npos);

  // On the equal-value basis C (40,000 MWh × 0.3 kgce/kWh = 12,000 tce) becomes a key energy unit.
  ThreeListRules equal_value = rules_;
  equal_value.energy_basis = Metric::kEnergyTceEqualValue;
  auto ev = BuildThreeLists(park_, equal_value);
  ASSERT_TRUE(ev.ok());
  EXPECT_NE(FindUnit(ev->key_energy, "C"), nullptr);

  // Market basis: B's 50,000 MWh × 0.6096 = 30,480 t, still listed; raising the bar drops both.
  ThreeListRules strict = rules_;
  strict.carbon_threshold_t_co2e = 40000;
  EXPECT_TRUE(BuildThreeLists(park_, strict)->key_carbon.empty());
}

TEST_F(ListsTest, KeyPollutantUnitsCoverTheLoadAndListedSectors) {
  auto lists = BuildThreeLists(park_, rules_);
  ASSERT_TRUE(lists.ok());
  // COD 100 t: A 50 % < 65 %, A+B 80 % ≥ 65 %: A and B. SO2 100 t: A alone 65 % reaches the cover exactly.
  // NOx: C alone. Sector rules: A (2710), C (2614 in 26), D (3360). F is on no list.
  const ListedUnit* a = FindUnit(lists->key_pollutant, "A");
  const ListedUnit* b = FindUnit(lists->key_pollutant, "B");
  const ListedUnit* c = FindUnit(lists->key_pollutant, "C");
  const ListedUnit* d = FindUnit(lists->key_pollutant, "D");
  ASSERT_TRUE(a && b && c && d);
  EXPECT_EQ(FindUnit(lists->key_pollutant, "F"), nullptr);
  EXPECT_EQ(lists->key_pollutant.size(), 4u);
  ASSERT_EQ(a->criteria.size(), 3u);  // cod, so2, sector
  EXPECT_NE(En(a->criteria[0]).find("COD: rank 1"), std::string::npos);
  EXPECT_NE(En(a->criteria[1]).find("SO₂: rank 1"), std::string::npos);
  EXPECT_NE(En(a->criteria[2]).find("listed sector 2710"), std::string::npos);
  ASSERT_EQ(b->criteria.size(), 1u);
  EXPECT_NE(En(b->criteria[0]).find("COD: rank 2"), std::string::npos);
  EXPECT_NE(En(b->criteria[0]).find("cover 80 %"), std::string::npos);
  ASSERT_EQ(c->criteria.size(), 2u);
  EXPECT_NE(En(c->criteria[0]).find("NOx: rank 1"), std::string::npos);
  ASSERT_EQ(d->criteria.size(), 1u);
  EXPECT_NE(En(d->criteria[0]).find("sector 3360"), std::string::npos);

  // A 90 % cover pulls C into the COD list too (A+B+C = 95 %).
  ThreeListRules wide = rules_;
  wide.pollutant_cover_fraction = 0.9;
  wide.listed_sectors.clear();
  auto wide_lists = BuildThreeLists(park_, wide);
  ASSERT_TRUE(wide_lists.ok());
  EXPECT_NE(En(FindUnit(wide_lists->key_pollutant, "C")->criteria[0]).find("COD: rank 3"), std::string::npos);
  EXPECT_EQ(FindUnit(wide_lists->key_pollutant, "D"), nullptr);
}

TEST_F(ListsTest, FailedEnterprisesAreNoted) {
  ParkInventory park = park_;
  park.failures.push_back({"G", Error::NotFound("no factor fuel_cc for washed_coal")});
  auto lists = BuildThreeLists(park, rules_);
  ASSERT_TRUE(lists.ok());
  ASSERT_EQ(lists->notes.size(), 1u);
  EXPECT_NE(En(lists->notes[0]).find("enterprise G is not considered"), std::string::npos);
}

TEST_F(ListsTest, RulesFileErrors) {
  struct Case {
    const char* text;
    const char* field;
  } cases[] = {
      {"bad,header\n", "line 1"},
      {"list,parameter,value,unit,source,status\nkey_carbon_emission_unit,threshold,lots,,s,ok\n", "line 2.value"},
      {"list,parameter,value,unit,source,status\nkey_carbon_emission_unit,colour,1,,s,ok\n", "line 2"},
      {"list,parameter,value,unit,source,status\nkey_pollutant_discharge_unit,pollutants,cod;co2,,s,ok\n",
       "line 2.value"},
      {"list,parameter,value,unit,source,status\nkey_pollutant_discharge_unit,cover_fraction,1.5,,s,ok\n",
       "pollutant_cover_fraction"},
      {"list,parameter,value,unit,source,status\nkey_energy_using_unit,designated_threshold,20000,,s,ok\n",
       "energy_designated_threshold_tce"},
  };
  for (const Case& c : cases) {
    auto r = ParseThreeListRulesCsv(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().field, c.field) << c.text;
  }
}

}  // namespace
}  // namespace park::carbon
