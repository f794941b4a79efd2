#include "park/telemetry/chunk.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace park::telemetry {
namespace {

// Header layout (little-endian):
//   0 version u8 | 1 codec u8 | 2 decimal_digits u8 | 3 delta_width_bits u8 | 4 time unit code u8
//   5 time codec u8 | 6 time_width_bits u8 | 7 zero
//   8 count u32 | 12 nan_count u32 | 16 first_ts i64 | 24 last_ts i64 | 32 min f64 | 40 max f64 | 48 sum f64
//   56 last_value f64
constexpr std::array<int64_t, 4> kTimeUnitsNs = {1, 1'000, 1'000'000, 1'000'000'000};
constexpr int kMaxDecimalDigits = 15;
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

constexpr std::array<double, kMaxDecimalDigits + 1> kPow10 = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                              1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
int BitLength(uint64_t v) { return v == 0 ? 0 : 64 - std::countl_zero(v); }

// The scaled integer m with value == m / 10^digits exactly (bit for bit), if there is one.
bool ScaleExactly(double value, int digits, int64_t& scaled) {
  const double p = kPow10[digits];
  const double x = value * p;
  if (!(std::fabs(x) < kMaxExactInteger)) return false;  // also refuses NaN and infinities
  const auto m = static_cast<int64_t>(std::llround(x));
  const double back = static_cast<double>(m) / p;
  if (std::bit_cast<uint64_t>(back) != std::bit_cast<uint64_t>(value)) return false;  // -0.0 lands here too
  scaled = m;
  return true;
}

int TimeUnitCode(int64_t unit_ns) {
  for (size_t i = 0; i < kTimeUnitsNs.size(); ++i) {
    if (kTimeUnitsNs[i] == unit_ns) return static_cast<int>(i);
  }
  return -1;
}

template <typename T>
void PutLe(uint8_t* out, T value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(T));
  for (size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<uint8_t>(bits >> (8 * i));
}

template <typename T>
T GetLe(const uint8_t* in) {
  uint64_t bits = 0;
  for (size_t i = 0; i < sizeof(T); ++i) bits |= static_cast<uint64_t>(in[i]) << (8 * i);
  T value;
  std::memcpy(&value, &bits, sizeof(T));
  return value;
}

// Timestamp delta-of-delta buckets, by the zig-zag value: '0' for 0, then prefix 10, 110, 1110, 11110, 11111 with
// 7, 9, 12, 32 and 64 payload bits. Gorilla's buckets, widened with a 64-bit escape because nanosecond deltas
// (10 s = 1e10 ns) do not fit its 32 bits.
struct DodBucket {
  uint64_t prefix;
  int prefix_bits;
  int payload_bits;
};
constexpr std::array<DodBucket, 5> kDodBuckets = {
    {{0b10, 2, 7}, {0b110, 3, 9}, {0b1110, 4, 12}, {0b11110, 5, 32}, {0b11111, 5, 64}}};

// The width w that minimises the width-coded stream for numbers of these bit lengths: each costs 1 + w bits when it
// fits, 7 + its length when it escapes. Returns {w, total bits}.
std::pair<int, uint64_t> BestWidth(const std::array<uint64_t, 65>& histogram) {
  uint64_t best_cost = std::numeric_limits<uint64_t>::max();
  int best_width = 0;
  for (int w = 0; w < 64; ++w) {
    uint64_t cost = 0;
    for (int len = 0; len <= 64; ++len) cost += histogram[len] * static_cast<uint64_t>(len <= w ? 1 + w : 7 + len);
    if (cost < best_cost) {
      best_cost = cost;
      best_width = w;
    }
  }
  return {best_width, best_cost};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Encoder

ChunkEncoder::ChunkEncoder(ChunkEncoderOptions options) {
  header_.codec = options.codec;
  header_.time_unit_ns = TimeUnitCode(options.time_unit_ns) >= 0 ? options.time_unit_ns : 1;
  header_.decimal_digits = std::min<uint8_t>(options.decimal_digits, kMaxDecimalDigits);
  header_.delta_width_bits = std::min<uint8_t>(options.delta_width_bits, 63);
  if (header_.codec != ValueCodec::kDecimalDelta) {
    header_.decimal_digits = 0;
    header_.delta_width_bits = 0;
  }
  header_.time_codec = options.time_codec;
  if (header_.time_codec == TimeCodec::kNominalDelta) {
    header_.time_width_bits = std::min<uint8_t>(options.time_width_bits, 63);
    nominal_delta_units_ = options.nominal_delta_units;
  }
  header_.min = std::numeric_limits<double>::quiet_NaN();
  header_.max = std::numeric_limits<double>::quiet_NaN();
  header_.sum = 0;
}

void ChunkEncoder::WriteBits(uint64_t bits, int n) {
  if (n == 0) return;
  if (n > 32) {
    WriteBits(bits >> 32, n - 32);
    WriteBits(bits & 0xffffffffULL, 32);
    return;
  }
  bits &= (n == 64 ? ~0ULL : (1ULL << n) - 1);
  pending_ = (pending_ << n) | bits;  // pending_bits_ < 8 here, so at most 39 bits are in use
  pending_bits_ += n;
  while (pending_bits_ >= 8) {
    pending_bits_ -= 8;
    bytes_.push_back(static_cast<uint8_t>(pending_ >> pending_bits_));
  }
  pending_ &= (1ULL << pending_bits_) - 1;
}

Status ChunkEncoder::Append(int64_t timestamp_ns, double value) {
  if (header_.count == std::numeric_limits<uint32_t>::max()) {
    return Error::Invalid("points", "a chunk holds at most 4294967295 points");
  }
  if (header_.count > 0) {
    if (timestamp_ns < header_.last_ts_ns) {
      return Error::Invalid("timestamp_ns", "point at " + std::to_string(timestamp_ns) +
                                                " ns is older than the previous point at " +
                                                std::to_string(header_.last_ts_ns) + " ns; append in time order");
    }
    const uint64_t since_first = static_cast<uint64_t>(timestamp_ns) - static_cast<uint64_t>(header_.first_ts_ns);
    if (since_first % static_cast<uint64_t>(header_.time_unit_ns) != 0) {
      return Error::Invalid("timestamp_ns", "timestamp is not a multiple of the chunk's time unit of " +
                                                std::to_string(header_.time_unit_ns) + " ns");
    }
  }
  int64_t scaled = 0;
  if (header_.codec == ValueCodec::kDecimalDelta && !ScaleExactly(value, header_.decimal_digits, scaled)) {
    return Error::Invalid("value", "value is not a decimal with " + std::to_string(header_.decimal_digits) +
                                       " digits; use the XOR codec");
  }

  if (header_.count == 0) {
    header_.first_ts_ns = timestamp_ns;
    if (header_.time_codec == TimeCodec::kNominalDelta) WriteBits(nominal_delta_units_, 64);
    if (header_.codec == ValueCodec::kDecimalDelta) {
      WriteBits(static_cast<uint64_t>(scaled), 64);
    } else {
      WriteBits(std::bit_cast<uint64_t>(value), 64);
    }
  } else {
    WriteTimestamp(timestamp_ns);
    if (header_.codec == ValueCodec::kDecimalDelta) {
      WriteWidthCoded(ZigZag(scaled - prev_scaled_), header_.delta_width_bits);  // |both| < 2^53: no overflow
    } else {
      WriteValue(value);
    }
  }
  prev_scaled_ = scaled;
  prev_value_bits_ = std::bit_cast<uint64_t>(value);
  header_.last_ts_ns = timestamp_ns;
  header_.last_value = value;
  ++header_.count;
  if (std::isnan(value)) {
    ++header_.nan_count;
  } else {
    if (!(value >= header_.min)) header_.min = value;  // NaN min (nothing yet) compares false
    if (!(value <= header_.max)) header_.max = value;
    header_.sum += value;
  }
  return Status::Ok();
}

void ChunkEncoder::WriteTimestamp(int64_t timestamp_ns) {
  // Unsigned arithmetic: the difference of two int64 values always fits in uint64, and the delta-of-delta is taken
  // modulo 2^64, which the decoder undoes exactly. Huge gaps therefore cost 69 bits, never a wrong timestamp.
  const uint64_t delta = (static_cast<uint64_t>(timestamp_ns) - static_cast<uint64_t>(header_.last_ts_ns)) /
                         static_cast<uint64_t>(header_.time_unit_ns);
  if (header_.time_codec == TimeCodec::kNominalDelta) {
    WriteWidthCoded(ZigZag(static_cast<int64_t>(delta - nominal_delta_units_)), header_.time_width_bits);
    return;
  }
  const uint64_t zz = ZigZag(static_cast<int64_t>(delta - prev_delta_units_));
  prev_delta_units_ = delta;
  if (zz == 0) {
    WriteBits(0, 1);
    return;
  }
  for (const DodBucket& b : kDodBuckets) {
    if (b.payload_bits == 64 || zz < (1ULL << b.payload_bits)) {
      WriteBits(b.prefix, b.prefix_bits);
      WriteBits(zz, b.payload_bits);
      return;
    }
  }
}

// '0' + `width` bits when the value fits, else '1' + 6 bits of (length - 1) + the value's significant bits.
void ChunkEncoder::WriteWidthCoded(uint64_t zz, int width) {
  const int len = BitLength(zz);
  if (len <= width) {
    WriteBits(0, 1);
    WriteBits(zz, width);
  } else {
    WriteBits(1, 1);
    WriteBits(static_cast<uint64_t>(len - 1), 6);
    WriteBits(zz, len);
  }
}

void ChunkEncoder::WriteValue(double value) {
  const uint64_t bits = std::bit_cast<uint64_t>(value);
  const uint64_t x = bits ^ prev_value_bits_;
  if (x == 0) {
    WriteBits(0, 1);
    return;
  }
  const int leading = std::min(std::countl_zero(x), 31);  // 5 bits
  const int trailing = std::countr_zero(x);
  if (prev_leading_ >= 0 && leading >= prev_leading_ && trailing >= prev_trailing_) {
    // Fits the previous window: reuse it.
    WriteBits(0b10, 2);
    WriteBits(x >> prev_trailing_, 64 - prev_leading_ - prev_trailing_);
    return;
  }
  const int meaningful = 64 - leading - trailing;  // 1..64, stored as meaningful - 1 in 6 bits
  WriteBits(0b11, 2);
  WriteBits(static_cast<uint64_t>(leading), 5);
  WriteBits(static_cast<uint64_t>(meaningful - 1), 6);
  WriteBits(x >> trailing, meaningful);
  prev_leading_ = leading;
  prev_trailing_ = trailing;
}

size_t ChunkEncoder::SizeBytes() const { return kChunkHeaderBytes + bytes_.size() + (pending_bits_ > 0 ? 1 : 0); }

std::vector<uint8_t> ChunkEncoder::Finish() const {
  std::vector<uint8_t> out(kChunkHeaderBytes, 0);
  out.reserve(SizeBytes());
  uint8_t* h = out.data();
  h[0] = header_.version;
  h[1] = static_cast<uint8_t>(header_.codec);
  h[2] = header_.decimal_digits;
  h[3] = header_.delta_width_bits;
  h[4] = static_cast<uint8_t>(TimeUnitCode(header_.time_unit_ns));
  h[5] = static_cast<uint8_t>(header_.time_codec);
  h[6] = header_.time_width_bits;
  PutLe<uint32_t>(h + 8, header_.count);
  PutLe<uint32_t>(h + 12, header_.nan_count);
  PutLe<int64_t>(h + 16, header_.first_ts_ns);
  PutLe<int64_t>(h + 24, header_.last_ts_ns);
  PutLe<double>(h + 32, header_.min);
  PutLe<double>(h + 40, header_.max);
  PutLe<double>(h + 48, header_.sum);
  PutLe<double>(h + 56, header_.last_value);
  out.insert(out.end(), bytes_.begin(), bytes_.end());
  if (pending_bits_ > 0) out.push_back(static_cast<uint8_t>(pending_ << (8 - pending_bits_)));
  return out;
}

Result<std::vector<uint8_t>> EncodeChunk(std::span<const Point> points) {
  ChunkEncoderOptions xor_options;
  if (!points.empty()) {
    // Coarsest time unit on which every timestamp lies (relative to the first).
    for (size_t u = kTimeUnitsNs.size(); u-- > 0;) {
      const auto unit = static_cast<uint64_t>(kTimeUnitsNs[u]);
      const bool fits = std::all_of(points.begin(), points.end(), [&](const Point& p) {
        return (static_cast<uint64_t>(p.timestamp_ns) - static_cast<uint64_t>(points[0].timestamp_ns)) % unit == 0;
      });
      if (fits) {
        xor_options.time_unit_ns = kTimeUnitsNs[u];
        break;
      }
    }
  }

  // Timestamps: Gorilla's delta-of-delta buckets, or distances from the median interval in the cheapest fixed
  // width, whichever makes the smaller stream (the second wins on jittery gateway timestamps).
  if (points.size() > 2) {
    const auto unit = static_cast<uint64_t>(xor_options.time_unit_ns);
    std::vector<uint64_t> deltas(points.size() - 1);
    for (size_t i = 1; i < points.size(); ++i) {
      deltas[i - 1] =
          (static_cast<uint64_t>(points[i].timestamp_ns) - static_cast<uint64_t>(points[i - 1].timestamp_ns)) / unit;
    }
    uint64_t dod_bits = 0;
    uint64_t prev = 0;
    for (const uint64_t d : deltas) {
      const uint64_t zz = ZigZag(static_cast<int64_t>(d - prev));
      prev = d;
      if (zz == 0) {
        dod_bits += 1;
        continue;
      }
      for (const DodBucket& b : kDodBuckets) {
        if (b.payload_bits == 64 || zz < (1ULL << b.payload_bits)) {
          dod_bits += static_cast<uint64_t>(b.prefix_bits + b.payload_bits);
          break;
        }
      }
    }
    std::vector<uint64_t> sorted = deltas;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const uint64_t nominal = sorted[sorted.size() / 2];
    std::array<uint64_t, 65> histogram{};
    for (const uint64_t d : deltas) ++histogram[BitLength(ZigZag(static_cast<int64_t>(d - nominal)))];
    const auto [width, width_bits] = BestWidth(histogram);
    if (width_bits + 64 < dod_bits) {
      xor_options.time_codec = TimeCodec::kNominalDelta;
      xor_options.nominal_delta_units = nominal;
      xor_options.time_width_bits = static_cast<uint8_t>(width);
    }
  }

  // Decimal codec: the fewest digits that make every value an exact integer, then the delta width that minimises
  // the stream (deltas wider than it pay a 7-bit escape).
  bool decimal = !points.empty();
  int digits = 0;
  std::vector<int64_t> scaled(decimal ? points.size() : 0);
  for (size_t i = 0; decimal && i < points.size(); ++i) {
    while (!ScaleExactly(points[i].value, digits, scaled[i])) {
      if (++digits > kMaxDecimalDigits) {
        decimal = false;
        break;
      }
    }
  }
  if (decimal && digits > 0) {
    // Values seen before `digits` grew were scaled with fewer digits; rescale them all. A large value can leave
    // the exact-integer range at more digits (1e14 is fine with 0 digits, not with 2): then XOR it is.
    for (size_t i = 0; decimal && i < points.size(); ++i) decimal = ScaleExactly(points[i].value, digits, scaled[i]);
  }

  if (decimal) {
    std::array<uint64_t, 65> histogram{};
    for (size_t i = 1; i < scaled.size(); ++i) ++histogram[BitLength(ZigZag(scaled[i] - scaled[i - 1]))];
    const auto [best_width, best_cost] = BestWidth(histogram);
    ChunkEncoderOptions options = xor_options;
    options.codec = ValueCodec::kDecimalDelta;
    options.decimal_digits = static_cast<uint8_t>(digits);
    options.delta_width_bits = static_cast<uint8_t>(best_width);
    ChunkEncoder encoder(options);
    for (const Point& p : points) PARK_TRY(encoder.Append(p.timestamp_ns, p.value));
    // Wide deltas (noisy data with many digits) can make XOR the better choice; only then pay for both.
    if (best_cost <= 20 * points.size()) return encoder.Finish();
    ChunkEncoder xor_encoder(xor_options);
    for (const Point& p : points) PARK_TRY(xor_encoder.Append(p.timestamp_ns, p.value));
    return xor_encoder.SizeBytes() < encoder.SizeBytes() ? xor_encoder.Finish() : encoder.Finish();
  }
  ChunkEncoder encoder(xor_options);
  for (const Point& p : points) PARK_TRY(encoder.Append(p.timestamp_ns, p.value));
  return encoder.Finish();
}

// ---------------------------------------------------------------------------------------------------------------
// Decoder

Result<ChunkHeader> ReadChunkHeader(std::span<const uint8_t> chunk) {
  if (chunk.size() < kChunkHeaderBytes) return Error::Invalid("chunk", "chunk is shorter than its header");
  const uint8_t* h = chunk.data();
  ChunkHeader header;
  header.version = h[0];
  if (header.version != kChunkVersion) {
    return Error::Invalid("chunk", "unknown chunk version " + std::to_string(header.version));
  }
  if (h[1] > static_cast<uint8_t>(ValueCodec::kDecimalDelta)) return Error::Invalid("chunk", "unknown value codec");
  header.codec = static_cast<ValueCodec>(h[1]);
  header.decimal_digits = h[2];
  header.delta_width_bits = h[3];
  if (header.decimal_digits > kMaxDecimalDigits || header.delta_width_bits > 63) {
    return Error::Invalid("chunk", "decimal parameters out of range");
  }
  if (h[4] >= kTimeUnitsNs.size() || h[5] > static_cast<uint8_t>(TimeCodec::kNominalDelta) || h[6] > 63 ||
      (h[5] == 0 && h[6] != 0) || h[7] != 0) {
    return Error::Invalid("chunk", "bad time unit, time codec or reserved bytes");
  }
  header.time_codec = static_cast<TimeCodec>(h[5]);
  header.time_width_bits = h[6];
  header.time_unit_ns = kTimeUnitsNs[h[4]];
  header.count = GetLe<uint32_t>(h + 8);
  header.nan_count = GetLe<uint32_t>(h + 12);
  header.first_ts_ns = GetLe<int64_t>(h + 16);
  header.last_ts_ns = GetLe<int64_t>(h + 24);
  header.min = GetLe<double>(h + 32);
  header.max = GetLe<double>(h + 40);
  header.sum = GetLe<double>(h + 48);
  header.last_value = GetLe<double>(h + 56);
  if (header.nan_count > header.count) return Error::Invalid("chunk", "more NaN values than points");
  if (header.count > 0 && header.last_ts_ns < header.first_ts_ns) {
    return Error::Invalid("chunk", "last timestamp before the first");
  }
  // Every point after the first takes at least 2 bits and the first 64: refuse counts the body cannot hold, so a
  // corrupt header cannot make a reader allocate gigabytes.
  const uint64_t body_bits = static_cast<uint64_t>(chunk.size() - kChunkHeaderBytes) * 8;
  if (header.count > 0 && body_bits < 64 + 2 * (static_cast<uint64_t>(header.count) - 1)) {
    return Error::Invalid("chunk", "chunk body is too short for its point count");
  }
  return header;
}

Result<ChunkDecoder> ChunkDecoder::Open(std::span<const uint8_t> chunk) {
  PARK_ASSIGN_OR_RETURN(ChunkHeader header, ReadChunkHeader(chunk));
  return ChunkDecoder(header, chunk.subspan(kChunkHeaderBytes));
}

bool ChunkDecoder::Fail(const char* why) {
  error_ = why;
  emitted_ = header_.count;
  return false;
}

Status ChunkDecoder::status() const {
  if (error_ != nullptr) return Error::Invalid("chunk", std::string("corrupt chunk: ") + error_);
  return Status::Ok();
}

bool ChunkDecoder::ReadBits(int n, uint64_t& out) {
  if (n == 0) {
    out = 0;
    return true;
  }
  const uint64_t total_bits = static_cast<uint64_t>(body_.size()) * 8;
  if (bit_pos_ + static_cast<uint64_t>(n) > total_bits) return false;
  if (n > 56) {
    uint64_t high = 0;
    uint64_t low = 0;
    ReadBits(n - 32, high);
    ReadBits(32, low);
    out = (high << 32) | low;
    return true;
  }
  const size_t byte = static_cast<size_t>(bit_pos_ >> 3);
  const int offset = static_cast<int>(bit_pos_ & 7);
  uint64_t word = 0;
  if (byte + 8 <= body_.size()) {
    std::memcpy(&word, body_.data() + byte, 8);  // one unaligned load; the stream is big-endian (MSB first)
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
  } else {
    for (size_t i = 0; i < 8; ++i) word = (word << 8) | (byte + i < body_.size() ? body_[byte + i] : 0);
  }
  out = (word << offset) >> (64 - n);
  bit_pos_ += static_cast<uint64_t>(n);
  return true;
}

bool ChunkDecoder::ReadWidthCoded(int width, uint64_t& out) {
  uint64_t escape = 0;
  if (!ReadBits(1, escape)) return false;
  if (escape == 0) return ReadBits(width, out);
  uint64_t len_minus_one = 0;
  if (!ReadBits(6, len_minus_one)) return false;
  return ReadBits(static_cast<int>(len_minus_one) + 1, out);
}

bool ChunkDecoder::Next(Point& out) {
  if (emitted_ >= header_.count) return false;
  uint64_t bits = 0;
  if (emitted_ == 0) {
    if (header_.time_codec == TimeCodec::kNominalDelta && !ReadBits(64, nominal_delta_units_)) {
      return Fail("truncated nominal interval");
    }
    if (!ReadBits(64, bits)) return Fail("truncated first value");
    prev_ts_ = header_.first_ts_ns;
    if (header_.codec == ValueCodec::kDecimalDelta) {
      prev_scaled_ = static_cast<int64_t>(bits);
      if (!(std::fabs(static_cast<double>(prev_scaled_)) < kMaxExactInteger)) return Fail("decimal out of range");
      prev_value_bits_ = std::bit_cast<uint64_t>(static_cast<double>(prev_scaled_) / kPow10[header_.decimal_digits]);
    } else {
      prev_value_bits_ = bits;
    }
  } else {
    uint64_t zz = 0;
    if (header_.time_codec == TimeCodec::kNominalDelta) {
      if (!ReadWidthCoded(header_.time_width_bits, zz)) return Fail("truncated timestamp");
      prev_delta_units_ = nominal_delta_units_ + static_cast<uint64_t>(UnZigZag(zz));
    } else {
      // Count the prefix ones (at most 5), then read the bucket's payload.
      int ones = 0;
      while (ones < 5) {
        if (!ReadBits(1, bits)) return Fail("truncated timestamp");
        if (bits == 0) break;
        ++ones;
      }
      if (ones > 0) {
        const DodBucket& b = kDodBuckets[ones - 1];
        if (!ReadBits(b.payload_bits, zz)) return Fail("truncated timestamp");
      }
      prev_delta_units_ += static_cast<uint64_t>(UnZigZag(zz));
    }
    prev_ts_ = static_cast<int64_t>(static_cast<uint64_t>(prev_ts_) +
                                    prev_delta_units_ * static_cast<uint64_t>(header_.time_unit_ns));

    if (header_.codec == ValueCodec::kDecimalDelta) {
      if (!ReadWidthCoded(header_.delta_width_bits, zz)) return Fail("truncated value");
      const int64_t delta = UnZigZag(zz);
      const int64_t next = static_cast<int64_t>(static_cast<uint64_t>(prev_scaled_) + static_cast<uint64_t>(delta));
      if (!(std::fabs(static_cast<double>(next)) < kMaxExactInteger)) return Fail("decimal out of range");
      prev_scaled_ = next;
      prev_value_bits_ = std::bit_cast<uint64_t>(static_cast<double>(next) / kPow10[header_.decimal_digits]);
    } else {
      if (!ReadBits(1, bits)) return Fail("truncated value");
      if (bits == 1) {
        if (!ReadBits(1, bits)) return Fail("truncated value");
        if (bits == 1) {
          uint64_t leading = 0;
          uint64_t meaningful = 0;
          if (!ReadBits(5, leading) || !ReadBits(6, meaningful)) return Fail("truncated value");
          const int m = static_cast<int>(meaningful) + 1;
          if (static_cast<int>(leading) + m > 64) return Fail("XOR window wider than 64 bits");
          prev_leading_ = static_cast<int>(leading);
          prev_trailing_ = 64 - prev_leading_ - m;
        } else if (prev_leading_ < 0) {
          return Fail("XOR window reused before one was set");
        }
        uint64_t x = 0;
        if (!ReadBits(64 - prev_leading_ - prev_trailing_, x)) return Fail("truncated value");
        prev_value_bits_ ^= x << prev_trailing_;
      }
    }
  }
  ++emitted_;
  if (emitted_ == header_.count && prev_ts_ != header_.last_ts_ns) return Fail("last timestamp does not match header");
  out.timestamp_ns = prev_ts_;
  out.value = std::bit_cast<double>(prev_value_bits_);
  return true;
}

Result<std::vector<Point>> DecodeChunk(std::span<const uint8_t> chunk) {
  PARK_ASSIGN_OR_RETURN(ChunkDecoder decoder, ChunkDecoder::Open(chunk));
  std::vector<Point> points;
  points.reserve(decoder.header().count);
  Point p;
  while (decoder.Next(p)) points.push_back(p);
  PARK_TRY(decoder.status());
  return points;
}

}  // namespace park::telemetry
