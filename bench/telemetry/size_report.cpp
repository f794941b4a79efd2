// Bytes per stored value for a line-protocol file (e.g. ../shared/bench/peers/gen_lines.py output): every
// (series, field) becomes one series of points, sealed into chunks of N points (default 8,640 = one day of
// 10-second readings) with EncodeChunk; prints bytes per value including chunk headers, per codec.
//   bench_telemetry_size FILE [points_per_chunk [jitter_ms]]
// jitter_ms > 0 moves every timestamp by a pseudo-random whole number of milliseconds in [-jitter_ms, +jitter_ms],
// as gateways that stamp readings when they poll do; gen_lines.py itself writes exact 10-second steps.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "park/telemetry/chunk.hpp"
#include "park/telemetry/line_protocol.hpp"

int main(int argc, char** argv) {
  using namespace park::telemetry;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE.lp [points_per_chunk]\n", argv[0]);
    return 2;
  }
  const size_t per_chunk = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 8640;
  const int64_t jitter_ms = argc > 3 ? std::strtoll(argv[3], nullptr, 10) : 0;
  uint64_t lcg = 12345;
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();

  const auto t0 = std::chrono::steady_clock::now();
  const LpBatch batch = ParseLineProtocol(body, {});
  const auto t1 = std::chrono::steady_clock::now();
  if (batch.error_count > 0) {
    std::fprintf(stderr, "%s\n", BatchError(batch).message.c_str());
    return 1;
  }
  std::map<std::string, std::vector<Point>> series;
  for (const LpLine& line : batch.lines) {
    const std::string key = SeriesKey(batch, line);
    int64_t ts = line.timestamp_ns;
    if (jitter_ms > 0) {
      lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
      ts += (static_cast<int64_t>((lcg >> 33) % static_cast<uint64_t>(2 * jitter_ms + 1)) - jitter_ms) * 1'000'000;
    }
    for (uint32_t k = 0; k < line.field_count; ++k) {
      const LpField& f = batch.fields[line.first_field + k];
      if (f.type != ValueType::kFloat) continue;
      series[key + " " + std::string(f.key)].push_back({ts, f.float_value});
    }
  }
  size_t values = 0, bytes = 0, chunks = 0, decimal_chunks = 0;
  const auto t2 = std::chrono::steady_clock::now();
  for (auto& [key, points] : series) {
    for (size_t at = 0; at < points.size(); at += per_chunk) {
      const size_t n = std::min(per_chunk, points.size() - at);
      auto chunk = EncodeChunk(std::span(points.data() + at, n));
      if (!chunk.ok()) {
        std::fprintf(stderr, "%s: %s\n", key.c_str(), chunk.error().message.c_str());
        return 1;
      }
      values += n;
      bytes += chunk->size();
      ++chunks;
      decimal_chunks += ReadChunkHeader(*chunk)->codec == ValueCodec::kDecimalDelta;
    }
  }
  const auto t3 = std::chrono::steady_clock::now();
  const double parse_s = std::chrono::duration<double>(t1 - t0).count();
  const double encode_s = std::chrono::duration<double>(t3 - t2).count();
  std::printf(
      "lines=%zu field_values=%zu series=%zu chunks=%zu (decimal codec: %zu) points_per_chunk=%zu "
      "jitter_ms=%lld\n",
      batch.lines.size(), batch.fields.size(), series.size(), chunks, decimal_chunks, per_chunk,
      static_cast<long long>(jitter_ms));
  std::printf("bytes=%zu bytes_per_value=%.3f (raw 16 bytes/point: %.1fx smaller)\n", bytes,
              static_cast<double>(bytes) / static_cast<double>(values),
              16.0 * static_cast<double>(values) / static_cast<double>(bytes));
  std::printf("parse: %.3f s, %.0f field values/s (one core); encode: %.0f values/s\n", parse_s,
              static_cast<double>(batch.fields.size()) / parse_s, static_cast<double>(values) / encode_s);
  return 0;
}
