// libFuzzer target for the chunk codec. Corrupt chunks must be refused, never crash or allocate wildly; and points
// made from the input must survive encode -> decode bit for bit.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "park/telemetry/chunk.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace park::telemetry;
  // 1. The bytes as a chunk.
  auto decoded = DecodeChunk(std::span(data, size));
  (void)decoded;

  // 2. The bytes as points: 8 bytes of timestamp increment, 8 bytes of value.
  std::vector<Point> points;
  int64_t ts = 0;
  for (size_t at = 0; at + 16 <= size; at += 16) {
    uint64_t step = 0;
    uint64_t bits = 0;
    std::memcpy(&step, data + at, 8);
    std::memcpy(&bits, data + at + 8, 8);
    ts = static_cast<int64_t>(static_cast<uint64_t>(ts) + (step >> (step & 63)));  // mostly small steps
    if (!points.empty() && ts < points.back().timestamp_ns) ts = points.back().timestamp_ns;
    // Half the inputs become short decimals so the decimal codec gets exercised.
    const double value =
        (size & 1) ? static_cast<double>(static_cast<int32_t>(bits)) / 100.0 : std::bit_cast<double>(bits);
    points.push_back({ts, value});
  }
  auto chunk = EncodeChunk(points);
  if (!chunk.ok()) std::abort();
  auto back = DecodeChunk(*chunk);
  if (!back.ok() || back->size() != points.size()) std::abort();
  for (size_t i = 0; i < points.size(); ++i) {
    if ((*back)[i].timestamp_ns != points[i].timestamp_ns ||
        std::bit_cast<uint64_t>((*back)[i].value) != std::bit_cast<uint64_t>(points[i].value)) {
      std::abort();
    }
  }
  return 0;
}
