#include <gtest/gtest.h>

#include "park/maintenance/statutory.hpp"

namespace park::maintenance {
namespace {

LocalDate D(int y, unsigned m, unsigned d) { return {y, m, d}; }

const std::vector<StatutoryRule>& Rules() {
  static const std::vector<StatutoryRule> rules = ParseStatutoryRules(DefaultStatutoryCsv()).value();
  return rules;
}

TEST(Statutory, TheShippedFileParses) {
  const auto& rules = Rules();
  ASSERT_EQ(rules.size(), 11u);
  EXPECT_EQ(rules[0].equipment_kind, "pressure_vessel");
  EXPECT_TRUE(rules[0].first_after_service);
  EXPECT_EQ(rules[0].months, 36);
  EXPECT_EQ(rules[1].grades, (std::vector<int>{1, 2}));
  EXPECT_EQ(rules[1].months, 72);
  EXPECT_EQ(rules[2].months, 36);  // "3-6 years": the shorter bound
  EXPECT_TRUE(rules[4].out_of_use);
  EXPECT_EQ(rules[7].equipment_kind, "pressure_gauge");
  EXPECT_EQ(rules[7].months, 6);
  for (const auto& r : rules) {
    EXPECT_FALSE(r.source.empty()) << r.equipment_kind;
    EXPECT_EQ(r.status, "check") << r.equipment_kind;
  }
}

TEST(Statutory, BadFilesNameTheLine) {
  auto bad = ParseStatutoryRules("# c\nequipment_kind,inspection,interval,condition,source,status\nx,y,often,,s,ok\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "line 3");
  bad = ParseStatutoryRules("kind,interval\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "line 1");
  bad = ParseStatutoryRules("equipment_kind,inspection,interval,condition,source,status\nx,y,1 year,,s\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "line 2");
}

TEST(Statutory, ANewVesselIsFirstInspectedThreeYearsAfterEnteringService) {
  RegulatedEquipment v{"pressure_vessel", std::nullopt, D(2023, 2, 28), std::nullopt, std::nullopt};
  const auto dues = ComputeStatutoryDue(Rules(), v, D(2025, 12, 1), 30);
  ASSERT_EQ(dues.size(), 2u);  // the first periodic inspection and the user's annual one
  EXPECT_EQ(dues[0].inspection, "first periodic inspection");
  EXPECT_EQ(dues[0].due, D(2026, 2, 28));
  EXPECT_EQ(dues[0].days_left, 89);
  EXPECT_EQ(dues[0].status, StatutoryStatus::kOk);
  EXPECT_EQ(dues[0].derivation.code, "maintenance.statutory.from_service");
  EXPECT_EQ(dues[1].inspection, "annual inspection (by the user)");
  EXPECT_EQ(dues[1].due, D(2024, 2, 28));
  EXPECT_EQ(dues[1].status, StatutoryStatus::kOverdue);
  EXPECT_EQ(dues[1].days_left, -642);
}

TEST(Statutory, GradedVesselsFollowTheirReport) {
  // Grade 2 inspected 29 Feb 2020: six years on is 28 Feb 2026, inside a 90-day lead on 1 Dec 2025.
  RegulatedEquipment v{"pressure_vessel", 2, D(2014, 5, 1), D(2020, 2, 29), std::nullopt};
  auto dues = ComputeStatutoryDue(Rules(), v, D(2025, 12, 1), 90);
  ASSERT_EQ(dues.size(), 2u);
  EXPECT_EQ(dues[0].inspection, "periodic inspection");
  EXPECT_EQ(dues[0].due, D(2026, 2, 28));
  EXPECT_EQ(dues[0].status, StatutoryStatus::kDueSoon);
  EXPECT_EQ(dues[0].derivation.code, "maintenance.statutory.from_last");
  EXPECT_EQ(RenderText(dues[0].derivation),
            "last inspection 2020-02-29 + 6 years (72 months) = 2026-02-28 (TSG 21-2016 8.1.6)");
  // The report's own date wins for the periodic inspection, not for the user's annual one.
  v.grade = 3;
  v.next_due_recorded = D(2024, 8, 31);
  dues = ComputeStatutoryDue(Rules(), v, D(2025, 12, 1), 90);
  ASSERT_EQ(dues.size(), 2u);
  EXPECT_EQ(dues[0].due, D(2024, 8, 31));
  EXPECT_EQ(dues[0].status, StatutoryStatus::kOverdue);
  EXPECT_EQ(dues[0].derivation.code, "maintenance.statutory.recorded");
  EXPECT_EQ(dues[1].due, D(2021, 2, 28));
  // Grade 5: out of use.
  v.grade = 5;
  dues = ComputeStatutoryDue(Rules(), v, D(2025, 12, 1), 90);
  ASSERT_EQ(dues.size(), 2u);
  EXPECT_EQ(dues[0].status, StatutoryStatus::kOutOfUse);
  EXPECT_FALSE(dues[0].due);
}

TEST(Statutory, ValvesAndGaugesAndUnknownKinds) {
  RegulatedEquipment gauge{"pressure_gauge", std::nullopt, D(2025, 1, 1), D(2025, 8, 31), std::nullopt};
  auto dues = ComputeStatutoryDue(Rules(), gauge, D(2025, 12, 1), 30);
  ASSERT_EQ(dues.size(), 1u);
  EXPECT_EQ(dues[0].due, D(2026, 2, 28));  // 31 Aug + 6 months
  RegulatedEquipment valve{"safety_valve", std::nullopt, D(2024, 1, 1), D(2024, 12, 5), D(2025, 12, 5)};
  dues = ComputeStatutoryDue(Rules(), valve, D(2025, 12, 1), 30);
  ASSERT_EQ(dues.size(), 1u);
  EXPECT_EQ(dues[0].due, D(2025, 12, 5));
  EXPECT_EQ(dues[0].status, StatutoryStatus::kDueSoon);
  EXPECT_TRUE(ComputeStatutoryDue(Rules(), {"boiler_x", 1, D(2020, 1, 1), {}, {}}, D(2025, 1, 1), 30).empty());
  for (const char* code : {"maintenance.statutory.out_of_use", "maintenance.statutory.recorded",
                           "maintenance.statutory.from_last", "maintenance.statutory.from_service"}) {
    EXPECT_TRUE(HasText(code)) << code;
  }
  for (auto s : {StatutoryStatus::kOk, StatutoryStatus::kDueSoon, StatutoryStatus::kOverdue,
                 StatutoryStatus::kOutOfUse}) {
    EXPECT_TRUE(HasText("maintenance.statutory.status." + std::string(StatutoryStatusName(s))));
  }
}

}  // namespace
}  // namespace park::maintenance
