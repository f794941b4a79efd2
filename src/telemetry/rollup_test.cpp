#include "park/telemetry/rollup.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace park::telemetry {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;

TEST(RollupTest, GridStartsFloorForAnyTimestamp) {
  struct Case {
    BucketGrid grid;
    int64_t ts;
    int64_t want;
  };
  const Case cases[] = {
      {{kMinuteNs, 0}, 0, 0},
      {{kMinuteNs, 0}, 59 * kSecondNs, 0},
      {{kMinuteNs, 0}, 60 * kSecondNs, kMinuteNs},
      {{kMinuteNs, 0}, -1, -kMinuteNs},
      {{kMinuteNs, 0}, -kMinuteNs, -kMinuteNs},
      {{kDayNs, -8 * kHourNs}, 0, -8 * kHourNs},             // 08:00 Beijing on 1970-01-01
      {{kDayNs, -8 * kHourNs}, 16 * kHourNs, 16 * kHourNs},  // Beijing midnight of 1970-01-02
      {{7 * kSecondNs, 3}, 10, 3},
      {{7 * kSecondNs, 3}, 2, 3 - 7 * kSecondNs},
      {{kDayNs, 0}, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min()},
  };
  for (const Case& c : cases) EXPECT_EQ(c.grid.StartOf(c.ts), c.want) << c.ts;
}

TEST(RollupTest, MinuteBucketsOfTenSecondData) {
  Rollup rollup({kMinuteNs, 0});
  for (int i = 0; i < 12; ++i) rollup.Add(i * 10 * kSecondNs, i);
  rollup.Add(125 * kSecondNs, std::nan(""));  // skipped
  const std::vector<Bucket> b = rollup.Finish();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].start_ns, 0);
  EXPECT_EQ(b[0].aggregate.count, 6u);
  EXPECT_EQ(b[0].aggregate.sum, 15);
  EXPECT_EQ(b[0].aggregate.min, 0);
  EXPECT_EQ(b[0].aggregate.max, 5);
  EXPECT_EQ(b[0].aggregate.last, 5);
  EXPECT_DOUBLE_EQ(b[0].aggregate.mean(), 2.5);
  EXPECT_EQ(b[1].start_ns, kMinuteNs);
  EXPECT_EQ(b[1].aggregate.last, 11);
  EXPECT_TRUE(std::isnan(Aggregate{}.mean()));
}

TEST(RollupTest, OutOfOrderPointsLandInTheirBuckets) {
  Rollup rollup({kHourNs, 0});
  rollup.Add(2 * kHourNs + 5, 7);
  rollup.Add(5, 1);
  rollup.Add(2 * kHourNs + 1, 9);  // older than the 7 in the same bucket: not the last
  rollup.Add(10, 3);
  const auto b = rollup.Finish();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].aggregate.last, 3);
  EXPECT_EQ(b[1].aggregate.last, 7);
  EXPECT_EQ(b[1].aggregate.max, 9);
}

TEST(RollupTest, CoarseningMinutesEqualsDirectHours) {
  std::mt19937 rng(1);
  std::vector<Point> points;
  for (int i = 0; i < 5000; ++i) points.push_back({i * 10 * kSecondNs + 3, static_cast<double>(rng() % 1000) / 10});
  Rollup minutes({kMinuteNs, 0});
  minutes.Add(points);
  Rollup hours({kHourNs, 0});
  hours.Add(points);
  auto coarse = Coarsen(minutes.Finish(), {kMinuteNs, 0}, {kHourNs, 0});
  ASSERT_TRUE(coarse.ok());
  const auto direct = hours.Finish();
  ASSERT_EQ(coarse->size(), direct.size());
  for (size_t i = 0; i < direct.size(); ++i) {
    EXPECT_EQ((*coarse)[i].start_ns, direct[i].start_ns);
    EXPECT_EQ((*coarse)[i].aggregate.count, direct[i].aggregate.count);
    EXPECT_NEAR((*coarse)[i].aggregate.sum, direct[i].aggregate.sum, 1e-9);
    EXPECT_EQ((*coarse)[i].aggregate.min, direct[i].aggregate.min);
    EXPECT_EQ((*coarse)[i].aggregate.max, direct[i].aggregate.max);
    EXPECT_EQ((*coarse)[i].aggregate.last, direct[i].aggregate.last);
  }
  EXPECT_FALSE(Coarsen({}, {7 * kSecondNs, 0}, {kMinuteNs, 0}).ok());
  EXPECT_FALSE(Coarsen({}, {kMinuteNs, 0}, {kHourNs, kSecondNs}).ok());
  EXPECT_FALSE(Coarsen({}, {0, 0}, {kHourNs, 0}).ok());
}

TEST(RollupTest, ChunkHeaderMergesLikeItsPoints) {
  std::vector<Point> points;
  for (int i = 0; i < 360; ++i) points.push_back({i * 10 * kSecondNs, 20 + (i % 7) * 0.25});
  auto chunk = EncodeChunk(points);
  ASSERT_TRUE(chunk.ok());
  Rollup from_header({kDayNs, 0});
  from_header.Merge(points.front().timestamp_ns, AggregateOf(*ReadChunkHeader(*chunk)));
  Rollup from_points({kDayNs, 0});
  from_points.Add(points);
  const auto a = from_header.Finish();
  const auto b = from_points.Finish();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].aggregate.count, b[0].aggregate.count);
  EXPECT_DOUBLE_EQ(a[0].aggregate.sum, b[0].aggregate.sum);
  EXPECT_EQ(a[0].aggregate.min, b[0].aggregate.min);
  EXPECT_EQ(a[0].aggregate.max, b[0].aggregate.max);
  EXPECT_EQ(a[0].aggregate.last, b[0].aggregate.last);
}

TEST(RollupTest, MergeKeepsTheLatestLast) {
  Aggregate a;
  a.Add(10, 1);
  Aggregate b;
  b.Add(5, 2);
  Aggregate merged = a;
  merged.Merge(b);
  EXPECT_EQ(merged.last, 1);
  b.Merge(a);
  EXPECT_EQ(b.last, 1);
  EXPECT_EQ(b.count, 2u);
  Aggregate empty;
  empty.Merge(Aggregate{});
  EXPECT_EQ(empty.count, 0u);
}

}  // namespace
}  // namespace park::telemetry
