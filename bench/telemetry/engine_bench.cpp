// The time-series engine end to end on a real SQLite file (synchronous=FULL, on /var/tmp, a real disk):
//   - BM_EngineQueryYear: 1 year of 10-second data for one series (3,153,600 points) stored through the engine
//     (log, heads, 720-point chunks, rollups), then queried into 1,000 buckets through the store
//     (PRODUCT.md section 5: < 50 ms); also bytes per value at rest.
//   - BM_EngineAppend: durable appends of gateway batches (15,000 values over 6,000 series), without HTTP.
// Run a Release build: build/release/bench/telemetry/bench_telemetry_engine.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <unistd.h>

#include "park/core/clock.hpp"
#include "park/store/store.hpp"
#include "sensor_data.hpp"
#include "telemetry/engine.hpp"

namespace park::telemetry::bench {
namespace {

struct TempStore {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  TempStore() {
    dir = std::filesystem::path("/var/tmp") / ("parkbrain-engine-bench-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(counter++));
    std::filesystem::create_directories(dir);
    auto opened = store::Store::Open((dir / "park.db").string());
    store = std::move(opened.value());
    (void)store->Migrate();
  }
  ~TempStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  static inline int counter = 0;
};

void BM_EngineQueryYear(benchmark::State& state) {
  TempStore ts;
  SystemClock clock;
  Engine engine(*ts.store, clock, EngineConfig{});
  (void)engine.Open();
  const std::vector<Point> year = SensorSeries(11, 365 * 8640, 2);
  std::vector<SeriesPoint> batch;
  for (size_t at = 0; at < year.size(); at += 8640) {
    batch.clear();
    for (size_t i = at; i < std::min(year.size(), at + 8640); ++i) batch.push_back({1, year[i].timestamp_ns, year[i].value});
    (void)engine.Append(batch);
    (void)engine.Seal(false);
  }
  (void)engine.Seal(true);
  const int64_t from = year.front().timestamp_ns;
  const int64_t to = year.back().timestamp_ns + 1;
  const int64_t width = (to - from + 999) / 1000;
  size_t buckets = 0;
  for (auto _ : state) {
    auto r = engine.Buckets(1, from, to, BucketGrid{width, from});
    buckets = r->size();
    benchmark::DoNotOptimize(r);
  }
  auto bytes = engine.ChunkBytes();
  state.counters["buckets"] = static_cast<double>(buckets);
  state.counters["chunk_bytes_per_value"] = static_cast<double>(bytes->first) / static_cast<double>(bytes->second);
  state.counters["file_bytes_per_value"] =
      static_cast<double>(std::filesystem::file_size(ts.dir / "park.db")) / static_cast<double>(bytes->second);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * year.size()));
}
BENCHMARK(BM_EngineQueryYear)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_EngineAppend(benchmark::State& state) {
  TempStore ts;
  SystemClock clock;
  Engine engine(*ts.store, clock, EngineConfig{});
  (void)engine.Open();
  constexpr int kSeries = 6000;
  std::vector<SeriesPoint> batch(15'000);
  int64_t tick = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i] = {static_cast<int64_t>(i % kSeries) + 1, 1'700'000'000'000'000'000 + (tick + static_cast<int64_t>(i / kSeries)) * 10'000'000'000,
                  20.0 + static_cast<double>((tick + static_cast<int64_t>(i)) % 400) / 100};
    }
    tick += 3;
    if (!engine.Append(batch).ok()) state.SkipWithError("append failed");
    // The server's background sealer runs every second; here every 50 batches, inside the timing.
    if (tick % 150 == 0 && !engine.Seal(false).ok()) state.SkipWithError("seal failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
  state.SetLabel("durable, one fsync per batch, sealing included");
}
BENCHMARK(BM_EngineAppend)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
}  // namespace park::telemetry::bench
BENCHMARK_MAIN();
