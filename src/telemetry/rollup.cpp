#include "park/telemetry/rollup.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace park::telemetry {

void Aggregate::Add(int64_t timestamp_ns, double value) {
  if (std::isnan(value)) return;
  if (count == 0) {
    min = max = value;
  } else {
    min = std::min(min, value);
    max = std::max(max, value);
  }
  ++count;
  sum += value;
  if (count == 1 || timestamp_ns >= last_ts_ns) {
    last_ts_ns = timestamp_ns;
    last = value;
  }
}

void Aggregate::Merge(const Aggregate& other) {
  if (other.count == 0) return;
  if (count == 0) {
    *this = other;
    return;
  }
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  count += other.count;
  sum += other.sum;
  if (other.last_ts_ns >= last_ts_ns) {
    last_ts_ns = other.last_ts_ns;
    last = other.last;
  }
}

double Aggregate::mean() const {
  return count == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(count);
}

int64_t BucketGrid::StartOf(int64_t timestamp_ns) const {
  // Work in __int128 so that timestamps near the int64 limits and any origin cannot overflow.
  const __int128 offset = static_cast<__int128>(timestamp_ns) - origin_ns;
  __int128 k = offset / width_ns;
  if (offset % width_ns != 0 && offset < 0) --k;
  const __int128 start = k * width_ns + origin_ns;
  if (start < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(start);
}

Status ValidateGrid(const BucketGrid& grid) {
  if (grid.width_ns <= 0) return Error::Invalid("width", "bucket width must be positive");
  return Status::Ok();
}

Bucket& Rollup::BucketFor(int64_t start_ns) {
  // Points of a series mostly arrive in time order: the current bucket is the usual answer.
  if (has_current_ && current_start_ns_ == start_ns) return buckets_[last_index_];
  const auto [it, inserted] = index_.try_emplace(start_ns, buckets_.size());
  if (inserted) buckets_.push_back({start_ns, {}});
  last_index_ = it->second;
  current_start_ns_ = start_ns;
  has_current_ = true;
  return buckets_[last_index_];
}

void Rollup::Add(int64_t timestamp_ns, double value) {
  if (std::isnan(value)) return;
  // Unsigned distance: no overflow whatever the two timestamps are.
  if (has_current_ && timestamp_ns >= current_start_ns_ &&
      static_cast<uint64_t>(timestamp_ns) - static_cast<uint64_t>(current_start_ns_) <
          static_cast<uint64_t>(grid_.width_ns)) {
    buckets_[last_index_].aggregate.Add(timestamp_ns, value);
    return;
  }
  BucketFor(grid_.StartOf(timestamp_ns)).aggregate.Add(timestamp_ns, value);
}

void Rollup::Add(std::span<const Point> points) {
  for (const Point& p : points) Add(p.timestamp_ns, p.value);
}

void Rollup::Merge(int64_t start_ns, const Aggregate& aggregate) {
  if (aggregate.count == 0) return;
  BucketFor(grid_.StartOf(start_ns)).aggregate.Merge(aggregate);
}

std::vector<Bucket> Rollup::Finish() const {
  std::vector<Bucket> out = buckets_;
  std::sort(out.begin(), out.end(), [](const Bucket& a, const Bucket& b) { return a.start_ns < b.start_ns; });
  return out;
}

Result<std::vector<Bucket>> Coarsen(std::span<const Bucket> fine, const BucketGrid& fine_grid,
                                    const BucketGrid& coarse_grid) {
  PARK_TRY(ValidateGrid(fine_grid));
  PARK_TRY(ValidateGrid(coarse_grid));
  if (coarse_grid.width_ns % fine_grid.width_ns != 0) {
    return Error::Invalid("width", "the coarse width must be a multiple of the fine width");
  }
  if (fine_grid.StartOf(coarse_grid.origin_ns) != coarse_grid.origin_ns) {
    return Error::Invalid("origin", "the coarse grid's boundaries must be fine boundaries too");
  }
  Rollup rollup(coarse_grid);
  for (const Bucket& b : fine) rollup.Merge(b.start_ns, b.aggregate);
  return rollup.Finish();
}

Aggregate AggregateOf(const ChunkHeader& header) {
  Aggregate a;
  a.count = header.count - header.nan_count;
  if (a.count == 0) return Aggregate{};
  a.sum = header.sum;
  a.min = header.min;
  a.max = header.max;
  // The header's last value may be NaN (then it is not the last number); callers needing `last` exactly for such
  // chunks must decode. Keep the timestamp so merges order correctly.
  a.last = header.last_value;
  a.last_ts_ns = header.last_ts_ns;
  return a;
}

}  // namespace park::telemetry
