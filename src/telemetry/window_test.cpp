#include "park/telemetry/window.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace park::telemetry {
namespace {

constexpr int64_t kNowMs = 1'764'892'800'000;  // 2025-12-05T00:00:00Z
constexpr int64_t kDayMs = 86'400'000;

TEST(AcceptWindow, Milliseconds) {
  const AcceptWindow w;  // defaults: 3650 days back, 1 day ahead
  struct Case {
    int64_t at_ms;
    bool ok;
    const char* says;  // part of the message when refused
  };
  const Case cases[] = {
      {kNowMs, true, ""},
      {kNowMs - 3650 * kDayMs, true, ""},                        // the far edge of the past
      {kNowMs - 3650 * kDayMs - 1, false, "3650 days in the past"},
      {kNowMs + kDayMs, true, ""},                                // the edge of the future
      {kNowMs + kDayMs + 1, false, "in the future"},
      {kNowMs + 3 * kDayMs, false, "3 days in the future"},
      {0, false, "1970-01-01T00:00:00Z is 20427 days in the past"},
      {253'402'300'799'000, false, "outside 1900..2199"},         // 9999-12-31T23:59:59Z
      {std::numeric_limits<int64_t>::max(), false, "outside 1900..2199"},
      {std::numeric_limits<int64_t>::min(), false, "outside 1900..2199"},
  };
  for (const auto& c : cases) {
    auto st = CheckPointTimeMs(c.at_ms, kNowMs, w, "[0].ts");
    EXPECT_EQ(st.ok(), c.ok) << c.at_ms;
    if (!st.ok()) {
      EXPECT_EQ(st.error().field, "[0].ts");
      EXPECT_NE(st.error().message.find(c.says), std::string::npos) << st.error().message;
      EXPECT_NE(st.error().message.find("accept_past_days"), std::string::npos) << st.error().message;
    }
  }
}

TEST(AcceptWindow, NanosecondsNeverOverflow) {
  AcceptWindow w;
  w.past_ms = 30 * kDayMs;
  w.future_ms = 60'000;
  struct Case {
    int64_t at_ns;
    bool ok;
  };
  const Case cases[] = {
      {kNowMs * 1'000'000, true},
      {(kNowMs + 60'000) * 1'000'000, true},
      {(kNowMs + 60'000) * 1'000'000 + 1'000'000, false},
      {(kNowMs - 30 * kDayMs) * 1'000'000, true},
      {(kNowMs - 30 * kDayMs) * 1'000'000 - 1, false},  // floor: 1 ns earlier is the ms before the edge
      {std::numeric_limits<int64_t>::max(), false},      // 2262-04-11: would stay "latest" for good
      {std::numeric_limits<int64_t>::min(), false},
      {-1, false},
  };
  for (const auto& c : cases) EXPECT_EQ(CheckPointTimeNs(c.at_ns, kNowMs, w, "line 1").ok(), c.ok) << c.at_ns;
}

TEST(QueryBounds, RepresentableRangeOnly) {
  struct Case {
    int64_t at_ms;
    bool ok;
  };
  const Case cases[] = {
      {0, true},
      {kMinInstantMs, true},
      {kMinInstantMs - 1, false},
      {kMaxInstantMs - 1, true},
      {kMaxInstantMs, false},
      {253'402'300'799'000, false},  // 9999-12-31T23:59:59Z: its nanoseconds overflow int64
      {-62'135'596'800'000, false},  // 0001-01-01
  };
  for (const auto& c : cases) {
    auto ns = QueryBoundNs(c.at_ms, "from");
    EXPECT_EQ(ns.ok(), c.ok) << c.at_ms;
    if (ns.ok()) {
      EXPECT_EQ(*ns, c.at_ms * 1'000'000);
    } else {
      EXPECT_EQ(ns.error().field, "from");
    }
  }
}

}  // namespace
}  // namespace park::telemetry
