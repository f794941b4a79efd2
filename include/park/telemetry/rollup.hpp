// Bucketed aggregates of one series: count, sum, min, max, mean and last per bucket, at 1 min / 1 h / 1 day or any
// width. Partial aggregates merge exactly (count, sum, min, max) so rollups can be built per chunk and combined,
// and coarse rollups built from fine ones.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "park/core/result.hpp"
#include "park/telemetry/chunk.hpp"

namespace park::telemetry {

inline constexpr int64_t kMinuteNs = 60'000'000'000;
inline constexpr int64_t kHourNs = 60 * kMinuteNs;
inline constexpr int64_t kDayNs = 24 * kHourNs;

// NaN values are skipped (they are gaps, not numbers); infinities count.
struct Aggregate {
  uint64_t count = 0;
  double sum = 0;
  double min = 0;  // meaningful only when count > 0
  double max = 0;
  double last = 0;  // value of the latest point (ties: the one added or merged last)
  int64_t last_ts_ns = 0;

  void Add(int64_t timestamp_ns, double value);
  void Merge(const Aggregate& other);
  double mean() const;  // NaN when empty
};

struct Bucket {
  int64_t start_ns = 0;  // inclusive; the bucket covers [start_ns, start_ns + width)
  Aggregate aggregate;
};

// Where bucket boundaries fall: start = origin + k * width. An origin of -8 h (in ns) makes day buckets follow
// Beijing midnight instead of UTC midnight.
struct BucketGrid {
  int64_t width_ns = kMinuteNs;
  int64_t origin_ns = 0;

  int64_t StartOf(int64_t timestamp_ns) const;  // floor, also for timestamps before the origin
};

Status ValidateGrid(const BucketGrid& grid);

// Accumulates points (any order) into buckets; buckets come out sorted by start. Empty buckets are omitted.
class Rollup {
 public:
  explicit Rollup(BucketGrid grid) : grid_(grid) {}

  void Add(int64_t timestamp_ns, double value);
  void Add(std::span<const Point> points);
  // Adds a pre-aggregated bucket (from a finer grid whose buckets nest in this one, or a chunk header's summary
  // when the chunk lies inside one bucket). `start_ns` is any instant inside the target bucket.
  void Merge(int64_t start_ns, const Aggregate& aggregate);
  std::vector<Bucket> Finish() const;

 private:
  BucketGrid grid_;
  std::vector<Bucket> buckets_;                // in order of first appearance
  std::unordered_map<int64_t, size_t> index_;  // bucket start -> index in buckets_
  size_t last_index_ = 0;
  // The range of buckets_[last_index_], so in-order points skip the division: [current_start_ns_, + width).
  int64_t current_start_ns_ = 0;
  bool has_current_ = false;
  Bucket& BucketFor(int64_t start_ns);
};

// Re-buckets finer buckets into a coarser grid. Errors when the fine buckets do not nest (the coarse width must be a
// multiple of the fine width and the origins must line up).
Result<std::vector<Bucket>> Coarsen(std::span<const Bucket> fine, const BucketGrid& fine_grid,
                                    const BucketGrid& coarse_grid);

// The chunk's own summary as an aggregate (no decoding). When header.last_value is NaN the chunk's last number is
// unknown from the header alone (last is NaN then): decode such a chunk if `last` matters.
Aggregate AggregateOf(const ChunkHeader& header);

}  // namespace park::telemetry
