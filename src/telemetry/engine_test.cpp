// The time-series engine on both backends: durable appends, replay after a restart, sealing, de-duplication of
// re-sent data, rollups, bucket queries, retention and concurrent writers.
#include "telemetry/engine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/testing.hpp"

namespace park::telemetry {
namespace {

using store::Backend;

constexpr int64_t kT0 = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z
constexpr int64_t kSec = 1'000'000'000;

class EngineTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres && store::testing::TestPgUrl().empty()) {
      if (store::testing::PgRequired()) FAIL() << "PARKBRAIN_TEST_PG is not set";
      GTEST_SKIP() << "PARKBRAIN_TEST_PG not set";
    }
    auto s = store::testing::OpenFreshStore(GetParam(), dir_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    // Series rows are referenced by alarms only; the engine needs just ids.
    Reopen();
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    engine_ = std::make_unique<Engine>(*store_, clock_, config_);
    auto st = engine_->Open();
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  static std::vector<SeriesPoint> Ramp(int64_t series, int64_t start_ns, int n, double base = 20.0) {
    std::vector<SeriesPoint> v;
    for (int i = 0; i < n; ++i) v.push_back({series, start_ns + i * 10 * kSec, base + 0.25 * (i % 40)});
    return v;
  }
  std::vector<Point> All(int64_t series) {
    auto r = engine_->Raw(series, 0, std::numeric_limits<int64_t>::max(), 10'000'000);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<Point>{};
  }

  FixedClock clock_{kT0 / 1'000'000};
  EngineConfig config_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Engine> engine_;
};

TEST(EngineLog, RoundTripsEveryValue) {
  std::vector<SeriesPoint> in = {{1, kT0, 1.5},      {7, kT0 - 5, -0.0},  {7, INT64_MIN, 1e308},
                                 {2, INT64_MAX, NAN}, {1, 0, -273.15}, {9'000'000'000, 1, 0.1},
                                 {3, 2, 80.25},       {4, 3, 1e-300},  {5, 4, -1234567.891}, {6, 5, 0.1 + 0.2},
                                 {6, 6, INFINITY},    {6, 7, 9.007199254740993e15}};
  auto out = DecodeLog(EncodeLog(in) + EncodeLog({{3, 4, 5}}));
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), in.size() + 1);
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ((*out)[i].series_id, in[i].series_id);
    EXPECT_EQ((*out)[i].timestamp_ns, in[i].timestamp_ns);
    EXPECT_EQ(std::memcmp(&(*out)[i].value, &in[i].value, sizeof(double)), 0) << i;
  }
  EXPECT_FALSE(DecodeLog(EncodeLog(in).substr(0, 10)).ok());
  std::vector<SeriesPoint> gateway;
  for (int i = 0; i < 6000; ++i) gateway.push_back({i + 1, kT0, 20 + (i % 400) / 100.0});
  EXPECT_LT(EncodeLog(gateway).size(), 6000u * 6) << "short decimals of consecutive series take a few bytes";
}

TEST_P(EngineTest, AcknowledgedPointsSurviveARestartWithoutSealing) {
  ASSERT_TRUE(engine_->Append(Ramp(1, kT0, 100)).ok());
  ASSERT_TRUE(engine_->Append(Ramp(2, kT0, 50, 80)).ok());
  Reopen();  // as after kill -9: nothing was sealed, the log is replayed
  EXPECT_EQ(All(1).size(), 100u);
  EXPECT_EQ(All(2).size(), 50u);
  auto latest = engine_->Latest(2);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->timestamp_ns, kT0 + 49 * 10 * kSec);
}

TEST_P(EngineTest, SealingWritesChunksAndEmptiesTheLog) {
  ASSERT_TRUE(engine_->Append(Ramp(1, kT0, 1000)).ok());
  ASSERT_TRUE(engine_->Seal(true).ok());
  EXPECT_EQ(engine_->stats().head_points, 0u);
  int64_t log_rows = -1;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto r, tx.QueryOne("SELECT COUNT(*) FROM telemetry_log"));
                       log_rows = r->Int(0);
                       return {};
                     })
                  .ok());
  EXPECT_EQ(log_rows, 0);
  auto bytes = engine_->ChunkBytes();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->second, 1000);
  EXPECT_LT(static_cast<double>(bytes->first) / 1000.0, 2.0) << "bytes per value at rest";
  Reopen();
  auto pts = All(1);
  ASSERT_EQ(pts.size(), 1000u);
  EXPECT_DOUBLE_EQ(pts[999].value, 20.0 + 0.25 * (999 % 40));
}

TEST_P(EngineTest, FullHeadsSealByThemselves) {
  config_.chunk_points = 100;
  Reopen();
  ASSERT_TRUE(engine_->Append(Ramp(1, kT0, 250)).ok());
  ASSERT_TRUE(engine_->Append(Ramp(2, kT0, 10)).ok());
  ASSERT_TRUE(engine_->Seal(false).ok());
  EXPECT_EQ(engine_->stats().head_points, 10u) << "series 2 is neither full nor old";
  clock_.Advance(config_.seal_after_ms);
  ASSERT_TRUE(engine_->Seal(false).ok());
  EXPECT_EQ(engine_->stats().head_points, 0u);
  EXPECT_EQ(All(2).size(), 10u);
}

TEST_P(EngineTest, ResentBatchesCountOnce) {
  auto batch = Ramp(1, kT0, 360);
  ASSERT_TRUE(engine_->Append(batch).ok());
  ASSERT_TRUE(engine_->Append(batch).ok());  // a gateway retrying after a lost acknowledgement
  EXPECT_EQ(All(1).size(), 360u);
  ASSERT_TRUE(engine_->Seal(true).ok());
  ASSERT_TRUE(engine_->Append(batch).ok());  // and once more after sealing
  auto hour = engine_->Buckets(1, kT0 - kT0 % kHourNs, kT0 - kT0 % kHourNs + 3 * kHourNs, {kHourNs, 0});
  ASSERT_TRUE(hour.ok());
  uint64_t n = 0;
  for (const auto& b : *hour) n += b.aggregate.count;
  EXPECT_EQ(n, 360u) << "unsealed duplicates of sealed points do not count twice";
  ASSERT_TRUE(engine_->Seal(true).ok());
  EXPECT_EQ(All(1).size(), 360u);
  auto again = engine_->Buckets(1, kT0 - kT0 % kHourNs, kT0 - kT0 % kHourNs + 3 * kHourNs, {kHourNs, 0});
  ASSERT_TRUE(again.ok());
  n = 0;
  for (const auto& b : *again) n += b.aggregate.count;
  EXPECT_EQ(n, 360u) << "stored hourly rollups were rebuilt, not added to";
}

TEST_P(EngineTest, ALaterValueForTheSameInstantWins) {
  ASSERT_TRUE(engine_->Append({{1, kT0, 1.0}}).ok());
  ASSERT_TRUE(engine_->Seal(true).ok());
  ASSERT_TRUE(engine_->Append({{1, kT0, 2.0}, {1, kT0 + kSec, 3.0}}).ok());
  auto pts = All(1);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[0].value, 2.0);
  ASSERT_TRUE(engine_->Seal(true).ok());
  pts = All(1);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[0].value, 2.0);
}

TEST_P(EngineTest, BucketsAgreeAcrossChunksRollupsAndHeads) {
  config_.chunk_points = 500;
  Reopen();
  const int64_t start = kT0 - kT0 % kDayNs;
  ASSERT_TRUE(engine_->Append(Ramp(1, start, 3 * 8640)).ok());  // three days of 10-s data
  ASSERT_TRUE(engine_->Seal(false).ok());                          // full chunks sealed, the rest in the head
  const int64_t end = start + 3 * kDayNs;
  // Reference: every point through one rollup.
  Rollup ref(BucketGrid{kHourNs, 0});
  ref.Add(All(1));
  const auto expected = ref.Finish();
  auto hourly = engine_->Buckets(1, start, end, {kHourNs, 0});  // stored rollups + head
  ASSERT_TRUE(hourly.ok());
  ASSERT_EQ(hourly->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ((*hourly)[i].aggregate.count, expected[i].aggregate.count) << i;
    EXPECT_NEAR((*hourly)[i].aggregate.sum, expected[i].aggregate.sum, 1e-6) << i;
    EXPECT_EQ((*hourly)[i].aggregate.max, expected[i].aggregate.max) << i;
  }
  // An odd width (7 min, not on the rollup grid) goes through chunk summaries and decoding.
  auto odd = engine_->Buckets(1, start + 123 * kSec, end, {7 * kMinuteNs, start + 123 * kSec});
  ASSERT_TRUE(odd.ok());
  uint64_t n = 0;
  double sum = 0;
  for (const auto& b : *odd) {
    n += b.aggregate.count;
    sum += b.aggregate.sum;
  }
  uint64_t want_n = 0;
  double want_sum = 0;
  for (const auto& p : All(1)) {
    if (p.timestamp_ns >= start + 123 * kSec) {
      ++want_n;
      want_sum += p.value;
    }
  }
  EXPECT_EQ(n, want_n);
  EXPECT_NEAR(sum, want_sum, 1e-6);
}

TEST_P(EngineTest, RetentionKeepsMinuteRollupsOfDroppedChunks) {
  config_.raw_days = 1;
  Reopen();
  ASSERT_TRUE(engine_->Append(Ramp(1, kT0 - kT0 % kMinuteNs, 360)).ok());  // one hour from a whole minute
  ASSERT_TRUE(engine_->Seal(true).ok());
  clock_.Advance(2 * 86'400'000);
  ASSERT_TRUE(engine_->ApplyRetention().ok());
  EXPECT_TRUE(All(1).empty());
  int64_t minutes = 0;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(
                           auto r, tx.QueryOne("SELECT COUNT(*), SUM(count) FROM telemetry_rollups WHERE width_s = 60"));
                       minutes = r->Int(0);
                       EXPECT_EQ(r->Int(1), 360);
                       return {};
                     })
                  .ok());
  EXPECT_EQ(minutes, 60);
}

TEST_P(EngineTest, ConcurrentWritersShareCommitsAndLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kBatches = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        auto st = engine_->Append(Ramp(t + 1, kT0 + b * 100 * 10 * kSec, 100));
        EXPECT_TRUE(st.ok()) << st.error().message;
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto stats = engine_->stats();
  EXPECT_EQ(stats.appended_points, static_cast<uint64_t>(kThreads * kBatches * 100));
  EXPECT_LE(stats.commit_groups, static_cast<uint64_t>(kThreads * kBatches));
  Reopen();
  for (int t = 1; t <= kThreads; ++t) EXPECT_EQ(All(t).size(), static_cast<size_t>(kBatches * 100)) << t;
}

TEST_P(EngineTest, AFullBufferRefusesInsteadOfGrowing) {
  config_.max_head_points = 100;
  Reopen();
  ASSERT_TRUE(engine_->Append(Ramp(1, kT0, 200)).ok());  // one batch may overshoot
  auto st = engine_->Append(Ramp(1, kT0 + kDayNs, 10));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(engine_->Seal(false).ok());  // pressure sealing frees the buffer
  EXPECT_TRUE(engine_->Append(Ramp(1, kT0 + kDayNs, 10)).ok());
  EXPECT_EQ(All(1).size(), 210u);
}

// While a commit waits for the disk, batches queue behind it up to max_pending_bytes; one more is refused with
// kResourceExhausted (429) rather than buffered. The disk is held up for real: another transaction holds the
// database's write lock.
TEST_P(EngineTest, WritesWaitingForTheDiskAreBoundedAndRefusedBeyond) {
  config_.max_pending_bytes = 2000;
  Reopen();
  std::mutex m;
  std::condition_variable cv;
  bool locked = false;
  bool release = false;
  std::thread holder([&] {
    auto st = store_->Write([&](store::Tx& tx) -> Status {
      if (store_->backend() == Backend::kPostgres) PARK_TRY(tx.Exec("LOCK TABLE telemetry_log IN EXCLUSIVE MODE"));
      std::unique_lock lk(m);
      locked = true;
      cv.notify_all();
      cv.wait(lk, [&] { return release; });
      return {};
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
  });
  {
    std::unique_lock lk(m);
    cv.wait(lk, [&] { return locked; });
  }
  // Two writers: one leads a commit that now waits for the lock, the other queues behind it.
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] { EXPECT_TRUE(engine_->Append(Ramp(w + 1, kT0, 100)).ok()); });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (engine_->stats().pending_bytes == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const size_t queued = engine_->stats().pending_bytes;
  ASSERT_GT(queued, 0u) << "a batch should be queued behind the blocked commit";
  ASSERT_LT(queued, config_.max_pending_bytes);
  // A third batch would take the queue past its bound.
  const auto refused = engine_->Append(Ramp(3, kT0, 1000));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(engine_->stats().refused_batches, 1u);
  {
    std::lock_guard lk(m);
    release = true;
  }
  cv.notify_all();
  holder.join();
  for (auto& w : writers) w.join();
  EXPECT_EQ(engine_->stats().pending_bytes, 0u);
  EXPECT_EQ(All(1).size(), 100u);
  EXPECT_EQ(All(2).size(), 100u);
  EXPECT_EQ(All(3).size(), 0u);
  EXPECT_TRUE(engine_->Append(Ramp(3, kT0, 1000)).ok()) << "accepted again once the queue has drained";
  Reopen();
  EXPECT_EQ(All(1).size() + All(2).size() + All(3).size(), 1200u);
}

TEST_P(EngineTest, PressureSealingKeepsEveryPoint) {
  config_.max_head_points = 1000;
  config_.chunk_points = 100000;
  Reopen();
  std::vector<SeriesPoint> a, b;
  for (int i = 0; i < 2000; ++i) a.push_back({1, kT0 + i * kSec, static_cast<double>(i % 50)});
  for (int i = 2000; i < 3000; ++i) b.push_back({1, kT0 + i * kSec, static_cast<double>(i % 50)});
  ASSERT_TRUE(engine_->Append({a.begin(), a.begin() + 1000}).ok());
  ASSERT_TRUE(engine_->Append({a.begin() + 1000, a.end()}).ok());
  ASSERT_TRUE(engine_->Seal(false).ok());
  ASSERT_TRUE(engine_->Append(b).ok());
  EXPECT_EQ(All(1).size(), 3000u);
  Reopen();
  EXPECT_EQ(All(1).size(), 3000u);
}

INSTANTIATE_TEST_SUITE_P(Backends, EngineTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "sqlite" : "postgres"; });

}  // namespace
}  // namespace park::telemetry
