// Telemetry core benchmarks: line-protocol parsing (field values/s), chunk encode/decode (points/s, bytes/value),
// the one-year query (PRODUCT.md section 5: 1 year of 10-second data -> 1,000 buckets in < 50 ms), HJ 212 and
// JSON parsing. Run a Release build: build/h-telemetry-rel/bench/telemetry/bench_telemetry.
// PARK_LP_FILE=path parses that file instead of the built-in gen_lines.py-shaped data.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <span>
#include <sstream>

#include "park/telemetry/chunk.hpp"
#include "park/telemetry/hj212.hpp"
#include "park/telemetry/json_telemetry.hpp"
#include "park/telemetry/line_protocol.hpp"
#include "park/telemetry/rollup.hpp"
#include "sensor_data.hpp"

namespace park::telemetry::bench {
namespace {

const std::string& LineBody() {
  static const std::string body = [] {
    if (const char* path = std::getenv("PARK_LP_FILE")) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    }
    return SensorLines(2000, 25);  // 50,000 lines, 150,000 field values: ten 5,000-line gateway batches
  }();
  return body;
}

void BM_ParseLineProtocol(benchmark::State& state) {
  const std::string& body = LineBody();
  size_t fields = 0;
  for (auto _ : state) {
    LpBatch batch = ParseLineProtocol(body, {});
    fields = batch.fields.size();
    if (batch.error_count != 0) state.SkipWithError("parse errors");
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * fields));  // field values
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseLineProtocol)->Unit(benchmark::kMillisecond);

// The server's unit of work: one 5,000-line gateway batch per request, as ../shared/bench/peers/post_lines.py sends.
void BM_ParseLineProtocol5000LineBatches(benchmark::State& state) {
  const std::string& body = LineBody();
  std::vector<std::string_view> batches;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = start;
    for (int n = 0; n < 5000 && end != std::string::npos && end < body.size(); ++n) end = body.find('\n', end) + 1;
    if (end == 0 || end == std::string::npos) end = body.size();
    batches.push_back(std::string_view(body).substr(start, end - start));
    start = end;
  }
  size_t fields = 0;
  for (auto _ : state) {
    fields = 0;
    for (const std::string_view batch_body : batches) {
      LpBatch batch = ParseLineProtocol(batch_body, {});
      fields += batch.fields.size();
      benchmark::DoNotOptimize(batch);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * fields));
}
BENCHMARK(BM_ParseLineProtocol5000LineBatches)->Unit(benchmark::kMillisecond);

// Parsing plus the canonical series key per line: what the ingest path needs to find each series.
void BM_ParseLineProtocolWithSeriesKeys(benchmark::State& state) {
  const std::string& body = LineBody();
  size_t fields = 0;
  for (auto _ : state) {
    LpBatch batch = ParseLineProtocol(body, {});
    fields = batch.fields.size();
    size_t key_bytes = 0;
    for (const LpLine& line : batch.lines) key_bytes += SeriesKey(batch, line).size();
    benchmark::DoNotOptimize(key_bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * fields));
}
BENCHMARK(BM_ParseLineProtocolWithSeriesKeys)->Unit(benchmark::kMillisecond);

constexpr int kDayPoints = 8640;  // one day of 10-second readings

void BM_EncodeChunkSealed(benchmark::State& state) {
  const std::vector<Point> points = SensorSeries(7, kDayPoints, static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    auto chunk = EncodeChunk(points);
    bytes = chunk->size();
    benchmark::DoNotOptimize(chunk);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * points.size()));
  state.counters["bytes_per_value"] = static_cast<double>(bytes) / static_cast<double>(points.size());
}
BENCHMARK(BM_EncodeChunkSealed)->Arg(2)->Arg(3)->Unit(benchmark::kMicrosecond);

void BM_EncodeGorillaXorStreaming(benchmark::State& state) {
  const std::vector<Point> points = SensorSeries(7, kDayPoints, static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    ChunkEncoder encoder({.codec = ValueCodec::kGorillaXor, .time_unit_ns = 1'000'000'000});
    for (const Point& p : points) (void)encoder.Append(p.timestamp_ns, p.value);
    bytes = encoder.SizeBytes();
    benchmark::DoNotOptimize(encoder);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * points.size()));
  state.counters["bytes_per_value"] = static_cast<double>(bytes) / static_cast<double>(points.size());
}
BENCHMARK(BM_EncodeGorillaXorStreaming)->Arg(2)->Arg(3)->Unit(benchmark::kMicrosecond);

void BM_DecodeChunk(benchmark::State& state) {
  const std::vector<Point> points = SensorSeries(7, kDayPoints, 2);
  std::vector<uint8_t> chunk;
  if (state.range(0) == 0) {
    chunk = *EncodeChunk(points);  // decimal codec
  } else {
    ChunkEncoder encoder({.codec = ValueCodec::kGorillaXor, .time_unit_ns = 1'000'000'000});
    for (const Point& p : points) (void)encoder.Append(p.timestamp_ns, p.value);
    chunk = encoder.Finish();
  }
  for (auto _ : state) {
    auto decoder = ChunkDecoder::Open(chunk);
    Point p;
    double sum = 0;
    while (decoder->Next(p)) sum += p.value;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * points.size()));
  state.SetLabel(state.range(0) == 0 ? "decimal" : "xor");
}
BENCHMARK(BM_DecodeChunk)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// One year of 10-second data for one series (3,153,600 points), stored as chunks of range(1) points (8,640 = one
// day, 720 = two hours), queried into 1,000 buckets (8.76 h each). With range(0) == 1, chunks that fall inside one
// bucket are answered from their headers and only the others are decoded.
void BM_QueryYearInto1000Buckets(benchmark::State& state) {
  const bool use_headers = state.range(0) == 1;
  const auto chunk_points = static_cast<size_t>(state.range(1));
  std::vector<Point> year = SensorSeries(11, 365 * kDayPoints, 2);
  std::vector<std::vector<uint8_t>> chunks;
  for (size_t at = 0; at < year.size(); at += chunk_points) {
    chunks.push_back(*EncodeChunk(std::span(year.data() + at, std::min(chunk_points, year.size() - at))));
  }
  const int64_t first_ns = year.front().timestamp_ns;
  const int64_t last_ns = year.back().timestamp_ns;
  year.clear();
  const int64_t width = (last_ns - first_ns) / 1000 + 1;
  size_t buckets = 0;
  for (auto _ : state) {
    Rollup rollup({width, first_ns});
    const BucketGrid grid{width, first_ns};
    for (const std::vector<uint8_t>& chunk : chunks) {
      auto decoder = ChunkDecoder::Open(chunk);
      const ChunkHeader& h = decoder->header();
      if (use_headers && grid.StartOf(h.first_ts_ns) == grid.StartOf(h.last_ts_ns) && h.nan_count == 0) {
        rollup.Merge(h.first_ts_ns, AggregateOf(h));
        continue;
      }
      Point p;
      while (decoder->Next(p)) rollup.Add(p.timestamp_ns, p.value);
    }
    auto result = rollup.Finish();
    buckets = result.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["buckets"] = static_cast<double>(buckets);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 365 * kDayPoints));
  state.SetLabel(use_headers ? "header shortcuts" : "decode all");
}
BENCHMARK(BM_QueryYearInto1000Buckets)
    ->Args({0, kDayPoints})
    ->Args({1, kDayPoints})
    ->Args({0, 720})
    ->Args({1, 720})
    ->Unit(benchmark::kMillisecond);

void BM_Hj212ParseFrame(benchmark::State& state) {
  hj212::Packet p;
  p.qn = "20240301080000123";
  p.st = "32";
  p.cn = "2051";
  p.pw = "123456";
  p.mn = "010000A8900016F000169DC0";
  p.flag = 5;
  p.data_time = "20240301080000";
  for (const char* code : {"w01018", "w21003", "w21011", "w21001", "w00000", "w01001"}) {
    hj212::Measurement m;
    m.code = code;
    m.avg = 23.5;
    m.min = 20.25;
    m.max = 30.5;
    m.cou = 1.875;
    m.flag = "N";
    p.measurements.push_back(m);
  }
  const std::string frame = hj212::BuildFrame(hj212::BuildDataSegment(p));
  for (auto _ : state) {
    auto packet = hj212::ParseFrame(frame);
    auto reply = hj212::BuildDataReply(*packet);
    benchmark::DoNotOptimize(reply);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));  // frames
}
BENCHMARK(BM_Hj212ParseFrame);

void BM_JsonTelemetry(benchmark::State& state) {
  std::string body = "[";
  for (int i = 0; i < 100; ++i) {
    body += (i ? "," : "") + std::string(R"({"ts":)") + std::to_string(1700000000000 + i * 10000) +
            R"(,"values":{"temp":81.25,"pressure":0.412,"vibration":2.31,"running":true}})";
  }
  body += "]";
  for (auto _ : state) {
    auto records = ParseJsonTelemetry(body, {});
    benchmark::DoNotOptimize(records);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 400));  // values
}
BENCHMARK(BM_JsonTelemetry);

}  // namespace
}  // namespace park::telemetry::bench

BENCHMARK_MAIN();
