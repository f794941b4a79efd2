#include "park/telemetry/chunk.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace park::telemetry {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;
constexpr int64_t kStartNs = 1'700'000'000 * kSecondNs;

// Bit-exact comparison: NaN payloads and -0.0 must survive.
void ExpectSamePoints(const std::vector<Point>& want, const std::vector<Point>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].timestamp_ns, got[i].timestamp_ns) << "point " << i;
    EXPECT_EQ(std::bit_cast<uint64_t>(want[i].value), std::bit_cast<uint64_t>(got[i].value))
        << "point " << i << ": " << want[i].value << " vs " << got[i].value;
  }
}

std::vector<Point> RoundTripStreaming(const std::vector<Point>& points, ChunkEncoderOptions options = {}) {
  ChunkEncoder encoder(options);
  for (const Point& p : points) EXPECT_TRUE(encoder.Append(p.timestamp_ns, p.value).ok());
  const std::vector<uint8_t> bytes = encoder.Finish();
  EXPECT_EQ(bytes.size(), encoder.SizeBytes());
  auto decoded = DecodeChunk(bytes);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.error().message);
  return decoded.ok() ? *decoded : std::vector<Point>{};
}

std::vector<Point> RoundTripSealed(const std::vector<Point>& points) {
  auto bytes = EncodeChunk(points);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().message);
  if (!bytes.ok()) return {};
  auto decoded = DecodeChunk(*bytes);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.error().message);
  return decoded.ok() ? *decoded : std::vector<Point>{};
}

TEST(ChunkTest, EmptyChunkRoundTrips) {
  EXPECT_TRUE(RoundTripStreaming({}).empty());
  EXPECT_TRUE(RoundTripSealed({}).empty());
  auto header = ReadChunkHeader(ChunkEncoder().Finish());
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->count, 0u);
  EXPECT_TRUE(std::isnan(header->min));
}

TEST(ChunkTest, SpecialValuesRoundTripBitExact) {
  const double nan_payload = std::bit_cast<double>(0x7ff8000000001234ULL);
  const std::vector<Point> points = {
      {kStartNs, 1.5},
      {kStartNs + 10 * kSecondNs, std::numeric_limits<double>::quiet_NaN()},
      {kStartNs + 20 * kSecondNs, std::numeric_limits<double>::infinity()},
      {kStartNs + 30 * kSecondNs, -std::numeric_limits<double>::infinity()},
      {kStartNs + 40 * kSecondNs, -0.0},
      {kStartNs + 50 * kSecondNs, 0.0},
      {kStartNs + 60 * kSecondNs, nan_payload},
      {kStartNs + 70 * kSecondNs, std::numeric_limits<double>::denorm_min()},
      {kStartNs + 80 * kSecondNs, std::numeric_limits<double>::max()},
      {kStartNs + 90 * kSecondNs, -std::numeric_limits<double>::lowest()},
  };
  ExpectSamePoints(points, RoundTripStreaming(points));
  ExpectSamePoints(points, RoundTripSealed(points));
}

TEST(ChunkTest, EqualTimestampsAreKeptInOrder) {
  const std::vector<Point> points = {{kStartNs, 1}, {kStartNs, 2}, {kStartNs, 2}, {kStartNs + 1, 3}, {kStartNs + 1, 4}};
  ExpectSamePoints(points, RoundTripStreaming(points));
  ExpectSamePoints(points, RoundTripSealed(points));
}

TEST(ChunkTest, OlderTimestampIsRefusedAndLeavesEncoderUnchanged) {
  ChunkEncoder encoder;
  ASSERT_TRUE(encoder.Append(kStartNs, 1).ok());
  const Status s = encoder.Append(kStartNs - 1, 2);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "timestamp_ns");
  EXPECT_EQ(encoder.count(), 1u);
  ASSERT_TRUE(encoder.Append(kStartNs + 5, 3).ok());
  ExpectSamePoints({{kStartNs, 1}, {kStartNs + 5, 3}}, *DecodeChunk(encoder.Finish()));
  EXPECT_FALSE(EncodeChunk(std::vector<Point>{{10, 1}, {9, 1}}).ok());
}

TEST(ChunkTest, HugeGapsAndExtremeTimestamps) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<Point> points = {{kMin, 1}, {kMin + 1, 2}, {-1, 3}, {0, 4}, {kMax - 1, 5}, {kMax, 6}};
  ExpectSamePoints(points, RoundTripStreaming(points));
  ExpectSamePoints(points, RoundTripSealed(points));
}

TEST(ChunkTest, TimeUnitGridIsEnforced) {
  ChunkEncoder encoder({.time_unit_ns = 1'000'000});
  ASSERT_TRUE(encoder.Append(5, 1).ok());
  EXPECT_TRUE(encoder.Append(1'000'005, 1).ok());
  EXPECT_FALSE(encoder.Append(1'500'005, 1).ok());
}

TEST(ChunkTest, DecimalCodecRefusesValuesWithMoreDigits) {
  ChunkEncoder encoder({.codec = ValueCodec::kDecimalDelta, .decimal_digits = 2, .delta_width_bits = 8});
  EXPECT_TRUE(encoder.Append(0, 80.25).ok());
  EXPECT_FALSE(encoder.Append(1, 80.255).ok());
  EXPECT_FALSE(encoder.Append(1, -0.0).ok());
  EXPECT_FALSE(encoder.Append(1, std::nan("")).ok());
  EXPECT_TRUE(encoder.Append(1, -12).ok());
  ExpectSamePoints({{0, 80.25}, {1, -12}}, *DecodeChunk(encoder.Finish()));
}

TEST(ChunkTest, RandomSeriesRoundTrip) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<Point> points;
    int64_t ts = static_cast<int64_t>(rng() % 1'000'000'000'000ULL);
    const int n = static_cast<int>(rng() % 500);
    for (int i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0: ts += 10 * kSecondNs; break;
        case 1: ts += static_cast<int64_t>(rng() % 1000); break;
        case 2: break;
        default: ts += static_cast<int64_t>(rng() % (1ULL << 40)); break;
      }
      double v = 0;
      switch (trial % 3) {
        case 0: v = std::bit_cast<double>(rng()); break;                                 // anything, NaNs included
        case 1: v = static_cast<double>(static_cast<int>(rng() % 100000)) / 100; break;  // short decimals
        default: v = std::sin(i * 0.01) * 100; break;
      }
      points.push_back({ts, v});
    }
    ExpectSamePoints(points, RoundTripStreaming(points));
    ExpectSamePoints(points, RoundTripSealed(points));
  }
}

TEST(ChunkTest, DecimalDigitsGrowingPastTheExactRangeFallsBackToXor) {
  // 1e14 is an exact integer with 0 digits but not with 2 (1e16 > 2^53); 0.25 needs 2 digits.
  const std::vector<Point> points = {{0, 1e14}, {1, 0.25}};
  auto bytes = EncodeChunk(points);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(ReadChunkHeader(*bytes)->codec, ValueCodec::kGorillaXor);
  ExpectSamePoints(points, *DecodeChunk(*bytes));
}

TEST(ChunkTest, HeaderCarriesAggregates) {
  const std::vector<Point> points = {{0, 3}, {1, std::nan("")}, {2, -1}, {3, 5}};
  auto bytes = EncodeChunk(points);
  ASSERT_TRUE(bytes.ok());
  auto header = ReadChunkHeader(*bytes);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->count, 4u);
  EXPECT_EQ(header->nan_count, 1u);
  EXPECT_EQ(header->first_ts_ns, 0);
  EXPECT_EQ(header->last_ts_ns, 3);
  EXPECT_EQ(header->min, -1);
  EXPECT_EQ(header->max, 5);
  EXPECT_EQ(header->sum, 7);
  EXPECT_EQ(header->last_value, 5);
}

TEST(ChunkTest, SealedChunkPicksCompactCodecForSensorData) {
  // 10-second readings with two decimals, slowly varying: the decimal codec and the coarse time unit apply.
  std::vector<Point> points;
  std::mt19937 rng(7);
  int64_t centi = 8000;
  for (int i = 0; i < 8640; ++i) {
    centi += static_cast<int>(rng() % 61) - 30;
    points.push_back({kStartNs + i * 10 * kSecondNs, centi / 100.0});
  }
  auto bytes = EncodeChunk(points);
  ASSERT_TRUE(bytes.ok());
  auto header = ReadChunkHeader(*bytes);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->codec, ValueCodec::kDecimalDelta);
  EXPECT_EQ(header->decimal_digits, 2);
  EXPECT_EQ(header->time_unit_ns, kSecondNs);
  EXPECT_LT(static_cast<double>(bytes->size()) / points.size(), 1.2);
  ExpectSamePoints(points, *DecodeChunk(*bytes));
}

TEST(ChunkTest, JitteryTimestampsUseTheNominalDeltaCodec) {
  // A gateway polling every 10 s that stamps readings in milliseconds, a few ms late or early, with one outage.
  std::mt19937 rng(3);
  std::vector<Point> points;
  for (int i = 0; i < 2000; ++i) {
    const int64_t jitter_ms = static_cast<int64_t>(rng() % 11) - 5;
    const int64_t outage_ms = i >= 1000 ? 3'600'000 : 0;
    points.push_back({kStartNs + (i * 10'000 + jitter_ms + outage_ms) * 1'000'000, (i % 50) / 4.0});
  }
  auto bytes = EncodeChunk(points);
  ASSERT_TRUE(bytes.ok());
  auto header = ReadChunkHeader(*bytes);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->time_codec, TimeCodec::kNominalDelta);
  EXPECT_EQ(header->time_unit_ns, 1'000'000);
  ExpectSamePoints(points, *DecodeChunk(*bytes));

  // The same points through the streaming encoder's Gorilla buckets take more room.
  ChunkEncoder dod({.time_unit_ns = 1'000'000});
  for (const Point& p : points) ASSERT_TRUE(dod.Append(p.timestamp_ns, p.value).ok());
  EXPECT_LT(bytes->size(), dod.SizeBytes());
}

TEST(ChunkTest, NominalDeltaStreamingHandlesOutliersAndExtremes) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<Point> points = {{kMin, 1}, {kMin + 10, 2}, {kMin + 19, 3}, {kMin + 19, 4}, {-5, 5}, {kMax, 6}};
  ExpectSamePoints(
      points, RoundTripStreaming(
                  points, {.time_codec = TimeCodec::kNominalDelta, .nominal_delta_units = 10, .time_width_bits = 3}));
  ExpectSamePoints(points, RoundTripStreaming(points, {.codec = ValueCodec::kDecimalDelta,
                                                       .time_codec = TimeCodec::kNominalDelta,
                                                       .nominal_delta_units = 0,
                                                       .time_width_bits = 0}));
}

TEST(ChunkTest, CorruptChunksAreRefusedNotCrashed) {
  std::vector<Point> points;
  for (int i = 0; i < 100; ++i) points.push_back({i * kSecondNs, i * 0.37});
  const std::vector<uint8_t> good = *EncodeChunk(points);
  // Truncations.
  for (size_t len = 0; len < good.size(); ++len) {
    auto decoded = DecodeChunk(std::span(good.data(), len));
    EXPECT_FALSE(decoded.ok()) << "length " << len;
  }
  // A count the body cannot hold.
  std::vector<uint8_t> bad = good;
  bad[8] = 0xff;
  bad[9] = 0xff;
  bad[10] = 0xff;
  EXPECT_FALSE(ReadChunkHeader(bad).ok());
  bad = good;
  bad[0] = 9;
  EXPECT_FALSE(ReadChunkHeader(bad).ok());
  bad = good;
  bad[5] = 2;  // unknown time codec
  EXPECT_FALSE(ReadChunkHeader(bad).ok());
  bad = good;
  bad[6] = 3;  // a time width without the nominal-delta codec
  EXPECT_FALSE(ReadChunkHeader(bad).ok());
}

}  // namespace
}  // namespace park::telemetry
