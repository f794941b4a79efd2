#include "park/core/log_limit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace park {
namespace {

TEST(LogLimiter, LetsNLinesPerIntervalAndReportsTheRest) {
  // One key, 2 lines per 1000 ms; each step: advance the clock, ask, expect (speak?, suppressed count reported).
  struct Step {
    int64_t advance_ms;
    bool speaks;
    uint64_t reported;
  };
  const Step steps[] = {
      {0, true, 0},     {10, true, 0},    {10, false, 0},  {10, false, 0},  // 2 pass, 2 suppressed
      {970, true, 2},                                                        // new interval: reports the 2
      {0, true, 0},     {0, false, 0},                                       // full again
      {5000, true, 1},                                                       // long quiet: reports the 1
  };
  FixedClock clock(1'000'000);
  LogLimiter limiter(clock, 2, 1000);
  int i = 0;
  for (const Step& s : steps) {
    clock.Advance(s.advance_ms);
    auto got = limiter.Allow("k");
    EXPECT_EQ(got.has_value(), s.speaks) << "step " << i;
    if (got && s.speaks) {
      EXPECT_EQ(*got, s.reported) << "step " << i;
    }
    ++i;
  }
  EXPECT_EQ(limiter.suppressed_total(), 3u);
}

TEST(LogLimiter, KeysAreIndependent) {
  FixedClock clock(0);
  LogLimiter limiter(clock, 1, 1000);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("b"));
  EXPECT_FALSE(limiter.Allow("b"));
}

TEST(LogLimiter, KeyTableIsBounded) {
  FixedClock clock(0);
  LogLimiter limiter(clock, 1, 1000, /*max_keys=*/4);
  for (int k = 0; k < 4; ++k) EXPECT_TRUE(limiter.Allow("key" + std::to_string(k)));
  // The table is full of live keys: new keys share one overflow bucket (one line per interval between them).
  EXPECT_TRUE(limiter.Allow("new1"));
  EXPECT_FALSE(limiter.Allow("new2"));
  EXPECT_FALSE(limiter.Allow("new3"));
  // Once the intervals have ended, idle keys are forgotten and a new key gets its own window.
  clock.Advance(1000);
  EXPECT_TRUE(limiter.Allow("fresh"));
}

TEST(LogLimiter, ThreadSafeCounting) {
  FixedClock clock(0);
  LogLimiter limiter(clock, 10, 1'000'000);
  std::atomic<int> spoke{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int n = 0; n < 1000; ++n) {
        if (limiter.Allow("same")) spoke.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(spoke.load(), 10);
  EXPECT_EQ(limiter.suppressed_total(), 3990u);
}

TEST(LogLimiter, SuppressedNote) {
  EXPECT_EQ(Suppressed(0), "");
  EXPECT_EQ(Suppressed(1), " (1 similar line suppressed)");
  EXPECT_EQ(Suppressed(42), " (42 similar lines suppressed)");
}

}  // namespace
}  // namespace park
