#include "park/core/validate.hpp"

#include <gtest/gtest.h>

namespace park {
namespace {

struct CreditCase {
  const char* code;
  bool valid;
  const char* reason;  // the text code
};

TEST(CreditCode, Table) {
  const CreditCase cases[] = {
      {"91350100M000100Y43", true, ""},                      // the example printed in GB 32100-2015 guidance
      {"91110000600037341L", true, ""},                      // a real enterprise's code (check char L)
      {"91350100M000100Y44", false, "credit_code.check"},    // last character altered
      {"91350100M000100Y4", false, "credit_code.length"},
      {"91350100M000100Y433", false, "credit_code.length"},
      {"91350100M0001O0Y43", false, "credit_code.character"},  // letter O is not in the set
      {"91350100m000100Y43", false, "credit_code.character"},  // lower case
      {"X1350100M000100Y43", false, "credit_code.authority"},
      {"9A350100M000100Y43", false, "credit_code.authority"},
      {"913501A0M000100Y43", false, "credit_code.division"},
      {"", false, "credit_code.length"},
  };
  for (const auto& c : cases) {
    const Text reason = CheckCreditCode(c.code);
    EXPECT_EQ(reason.code, c.reason) << c.code;
  }
  EXPECT_EQ(RenderText(CheckCreditCode("91350100M000100Y44"), Locale::kZhCN), "校验位错误，应为“3”");
}

TEST(CreditCode, CheckCharRoundTrip) {
  EXPECT_EQ(CreditCodeCheckChar("91350100M000100Y4"), '3');
  EXPECT_EQ(CreditCodeCheckChar("91110000600037341"), 'L');
}

TEST(OrgCode, CheckChar) {
  EXPECT_EQ(OrgCodeCheckChar("60003734"), '1');  // 600037341 inside the code above
  EXPECT_EQ(OrgCodeCheckChar("M000100Y"), '4');  // M000100Y4 inside the first example
}

}  // namespace
}  // namespace park
