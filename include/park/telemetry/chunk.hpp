// Compressed time-series chunks for one series, after the Gorilla design (Pelkonen et al., VLDB 2015):
// delta-of-delta timestamps and, for values, either XOR floats with leading/trailing-zero windows or, when every
// value of the chunk is a short decimal (sensor readings such as 80.25), zig-zag deltas of the scaled integers.
// Sealed chunks may instead store each timestamp delta's distance from the chunk's typical interval in a fixed
// width, which suits gateways whose timestamps jitter by a few milliseconds around their polling period.
//
// A chunk is a byte string: a fixed 64-byte header (little-endian; see ChunkHeader) followed by the bit stream.
// The format is persisted: never renumber ValueCodec or TimeCodec, or change the header layout, without bumping
// kChunkVersion. Bit streams are written most significant bit first.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "park/core/result.hpp"

namespace park::telemetry {

struct Point {
  int64_t timestamp_ns = 0;
  double value = 0;
};

// Persisted in the chunk header: do not renumber.
enum class ValueCodec : uint8_t {
  kGorillaXor = 0,    // any double, bit-exact (NaN payloads, -0.0, infinities)
  kDecimalDelta = 1,  // values v = m / 10^digits with |m| < 2^53; m stored as deltas in a per-chunk bit width
};

// Persisted in the chunk header: do not renumber.
enum class TimeCodec : uint8_t {
  kDeltaOfDelta = 0,  // Gorilla's buckets: 1 bit per regular timestamp, more for irregular ones
  kNominalDelta = 1,  // zig-zag (delta - nominal_delta) in a per-chunk bit width, with an escape for outliers
};

inline constexpr uint8_t kChunkVersion = 1;
inline constexpr size_t kChunkHeaderBytes = 64;

// What a chunk says about itself without decoding the points: enough to answer count/min/max/sum/mean/last for a
// query bucket that covers the whole chunk. min/max/sum skip NaN values (min/max are NaN and sum is 0 when no value
// is a number); sum is a plain double sum in time order.
struct ChunkHeader {
  uint8_t version = kChunkVersion;
  ValueCodec codec = ValueCodec::kGorillaXor;
  uint8_t decimal_digits = 0;    // kDecimalDelta only: values are integers / 10^decimal_digits
  uint8_t delta_width_bits = 0;  // kDecimalDelta only: bits of a zig-zag delta before the escape is needed
  int64_t time_unit_ns = 1;      // every timestamp minus first_ts_ns is a multiple of this (1, 1e3, 1e6 or 1e9)
  TimeCodec time_codec = TimeCodec::kDeltaOfDelta;
  uint8_t time_width_bits = 0;  // kNominalDelta only (the nominal delta itself opens the bit stream)
  uint32_t count = 0;           // points, NaN values included
  uint32_t nan_count = 0;       // points whose value is NaN
  int64_t first_ts_ns = 0;
  int64_t last_ts_ns = 0;
  double min = 0;
  double max = 0;
  double sum = 0;
  double last_value = 0;
};

// Out-of-range values are clamped (digits to 15, widths to 63) and an unknown time unit falls back to 1 ns; the
// chunk stays correct, only larger. EncodeChunk chooses all of these for you.
struct ChunkEncoderOptions {
  ValueCodec codec = ValueCodec::kGorillaXor;
  int64_t time_unit_ns = 1;      // 1, 1'000, 1'000'000 or 1'000'000'000
  uint8_t decimal_digits = 0;    // kDecimalDelta: 0..15
  uint8_t delta_width_bits = 0;  // kDecimalDelta: 0..63
  TimeCodec time_codec = TimeCodec::kDeltaOfDelta;
  uint64_t nominal_delta_units = 0;  // kNominalDelta: the typical interval, in time units
  uint8_t time_width_bits = 0;       // kNominalDelta: 0..63
};

// Appends points of one series in time order and produces a chunk. Streaming: memory grows with the compressed
// size only. Equal timestamps are accepted (kept in arrival order; de-duplication is the store's business);
// a timestamp older than the previous one is refused, because delta-of-delta coding needs a monotone series.
// Not thread-safe.
class ChunkEncoder {
 public:
  explicit ChunkEncoder(ChunkEncoderOptions options = {});

  // Errors: timestamp before the previous one; timestamp not on the time unit grid; with kDecimalDelta, a value
  // that is not exactly m / 10^digits; more than 2^32 - 1 points. A refused point leaves the encoder unchanged.
  Status Append(int64_t timestamp_ns, double value);

  uint32_t count() const { return header_.count; }
  // Bytes the chunk would take if finished now.
  size_t SizeBytes() const;
  // The finished chunk. The encoder may keep appending afterwards (Finish is a snapshot).
  std::vector<uint8_t> Finish() const;

 private:
  void WriteBits(uint64_t bits, int n);
  void WriteTimestamp(int64_t timestamp_ns);
  void WriteValue(double value);
  void WriteWidthCoded(uint64_t zz, int width);

  ChunkHeader header_;
  std::vector<uint8_t> bytes_;  // completed bytes of the bit stream
  uint64_t pending_ = 0;        // bits not yet in bytes_, right-aligned
  int pending_bits_ = 0;
  uint64_t prev_delta_units_ = 0;
  uint64_t nominal_delta_units_ = 0;
  uint64_t prev_value_bits_ = 0;
  int64_t prev_scaled_ = 0;
  int prev_leading_ = -1;  // -1: no XOR window yet
  int prev_trailing_ = 0;
};

// Seals a batch into the smallest chunk: picks the coarsest time unit that fits, and the decimal codec when every
// value is a short decimal (and it comes out smaller), else XOR. Same errors as ChunkEncoder::Append.
Result<std::vector<uint8_t>> EncodeChunk(std::span<const Point> points);

// Reads and checks the header (version, codec, sizes). Does not decode the points.
Result<ChunkHeader> ReadChunkHeader(std::span<const uint8_t> chunk);

// Iterates over the points of a chunk. The chunk bytes must outlive the decoder.
//   PARK_ASSIGN_OR_RETURN(auto dec, ChunkDecoder::Open(bytes));
//   Point p; while (dec.Next(p)) {...}  PARK_TRY(dec.status());
class ChunkDecoder {
 public:
  static Result<ChunkDecoder> Open(std::span<const uint8_t> chunk);

  const ChunkHeader& header() const { return header_; }
  // False at the end or on a corrupt chunk (then status() says why).
  bool Next(Point& out);
  Status status() const;

 private:
  ChunkDecoder(ChunkHeader header, std::span<const uint8_t> body) : header_(header), body_(body) {}
  bool ReadBits(int n, uint64_t& out);
  bool ReadWidthCoded(int width, uint64_t& out);
  bool Fail(const char* why);

  ChunkHeader header_;
  std::span<const uint8_t> body_;
  uint64_t bit_pos_ = 0;
  uint32_t emitted_ = 0;
  int64_t prev_ts_ = 0;
  uint64_t prev_delta_units_ = 0;
  uint64_t nominal_delta_units_ = 0;
  uint64_t prev_value_bits_ = 0;
  int64_t prev_scaled_ = 0;
  int prev_leading_ = -1;
  int prev_trailing_ = 0;
  const char* error_ = nullptr;
};

// Decodes the whole chunk.
Result<std::vector<Point>> DecodeChunk(std::span<const uint8_t> chunk);

}  // namespace park::telemetry
