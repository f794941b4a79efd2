// Orderly power use: the allocation of a cut across enterprises, checked against cases worked by hand.
#include <gtest/gtest.h>

#include <algorithm>

#include "park/dispatch/dispatch.hpp"

namespace park::dispatch {
namespace {

TEST(OrderlyPowerUse, FirstTierTakesTheWholeCutWhenItCan) {
  // Tier 1 can shed 6 + 4 = 10 MW; a 5 MW cut takes half of each, tier 2 is untouched.
  auto a = AllocateCut(5, {{1, 1, 6, 0, std::nullopt}, {2, 1, 4, 0, std::nullopt}, {3, 2, 20, 0, std::nullopt}});
  ASSERT_TRUE(a.ok());
  EXPECT_NEAR(a->shares[0].cut_mw, 3, 1e-12);
  EXPECT_NEAR(a->shares[1].cut_mw, 2, 1e-12);
  EXPECT_EQ(a->shares[2].cut_mw, 0);
  EXPECT_NEAR(a->allocated_mw, 5, 1e-12);
  EXPECT_EQ(a->unallocated_mw, 0);
  EXPECT_EQ(a->text.code, "dispatch.order.allocated");
}

TEST(OrderlyPowerUse, NextTierOnlyForWhatTheFirstCannotShed) {
  // 12 MW: tier 1 sheds its 10 MW in full, tier 2 (8 and 2 MW cuttable) shares the last 2 MW as 1.6 and 0.4.
  auto a = AllocateCut(12, {{1, 1, 6, 0, std::nullopt}, {2, 1, 4, 0, std::nullopt}, {3, 2, 8, 0, std::nullopt},
                            {4, 2, 2, 0, std::nullopt}});
  ASSERT_TRUE(a.ok());
  EXPECT_NEAR(a->shares[0].cut_mw, 6, 1e-12);
  EXPECT_NEAR(a->shares[1].cut_mw, 4, 1e-12);
  EXPECT_NEAR(a->shares[2].cut_mw, 1.6, 1e-12);
  EXPECT_NEAR(a->shares[3].cut_mw, 0.4, 1e-12);
}

TEST(OrderlyPowerUse, ProtectedLoadLimitsTheCutAndTheRestIsReportedShort) {
  // Enterprise 1 runs 5 MW of which 4 MW are protected: only 1 MW of its 3 MW interruptible can go.
  // Enterprise 2 has 2 MW. A 5 MW cut leaves 2 MW that nobody can shed.
  auto a = AllocateCut(5, {{1, 1, 3, 4, 5.0}, {2, 3, 2, 0, std::nullopt}});
  ASSERT_TRUE(a.ok());
  EXPECT_NEAR(a->shares[0].cuttable_mw, 1, 1e-12);
  EXPECT_NEAR(a->shares[0].cut_mw, 1, 1e-12);
  EXPECT_NEAR(a->shares[1].cut_mw, 2, 1e-12);
  EXPECT_NEAR(a->allocated_mw, 3, 1e-12);
  EXPECT_NEAR(a->unallocated_mw, 2, 1e-12);
  EXPECT_EQ(a->text.code, "dispatch.order.short");
}

TEST(OrderlyPowerUse, BadInputNamesTheField) {
  auto a = AllocateCut(-1, {{1, 0, -2, 0, std::nullopt}});
  ASSERT_FALSE(a.ok());
  std::vector<std::string> fields;
  for (const auto& d : a.error().fields) fields.push_back(d.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "cut_mw"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "enterprises[0].priority_tier"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "enterprises[0].interruptible_mw"), fields.end());
}

}  // namespace
}  // namespace park::dispatch
