// The time-series engine on top of the store: durable ingest with group commit, in-memory heads per series,
// sealing into compressed chunks with 1 h / 1 day rollups, retention, and queries over chunks + heads.
//
// Write path:  Append(points) -> one log row per commit group (all concurrent callers share one transaction and
//              one fsync) -> points added to the heads -> Append returns: the points are acknowledged and durable.
// Seal path:   a head that is full (chunk_points) or old (seal_after_ms) becomes a chunk; in the same transaction
//              its rollups are merged and every log row whose points are all sealed is deleted. A crash between
//              the two leaves the points in the log, and replaying them is harmless (see de-duplication).
// De-duplication: one value per (series, timestamp); a later arrival replaces an earlier one. Heads keep
//              arrival order, sealing sorts and de-duplicates, and a head that overlaps sealed chunks is merged
//              with them (and their rollups recomputed), so a re-sent batch never counts twice.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/result.hpp"
#include "park/store/store.hpp"
#include "park/telemetry/chunk.hpp"
#include "park/telemetry/rollup.hpp"

namespace park::telemetry {

struct EngineConfig {
  uint32_t chunk_points = 720;                 // seal a series' head at this many points (2 h of 10-s data)
  int64_t seal_after_ms = 3 * 3600 * 1000;     // ... or when its oldest unsealed point arrived this long ago
  size_t max_head_points = 4'000'000;          // unsealed points held in memory (16 B each); above: seal early
  size_t max_pending_bytes = 64 << 20;         // encoded batches waiting for the group commit; above: 429
  int raw_days = 90;                           // chunks older than this are dropped (after 1-min rollups)
  int rollup_1m_days = 365;                    // 0: keep forever
  int rollup_1h_days = 5 * 365;                // 0: keep forever; 1-day rollups are kept forever
  int utc_offset_minutes = 8 * 60;             // day rollups follow local midnight (Beijing time)
};

struct SeriesPoint {
  int64_t series_id = 0;
  int64_t timestamp_ns = 0;
  double value = 0;
};

struct EngineStats {
  uint64_t appended_points = 0;   // acknowledged since start
  uint64_t commit_groups = 0;     // log transactions (each fsyncs once)
  uint64_t sealed_points = 0;
  uint64_t sealed_chunks = 0;
  uint64_t refused_batches = 0;   // 429/503 answers
  size_t head_points = 0;         // unsealed, in memory
  size_t head_series = 0;
  size_t pending_bytes = 0;
};

class Engine {
 public:
  Engine(store::Store& store, const Clock& clock, EngineConfig config);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Replays the log into the heads (after a crash or a stop without sealing). Call once before Append.
  Status Open();

  // Durable append; returns once the points are committed. Errors: kResourceExhausted when too many batches wait
  // for the disk (429), kUnavailable when the heads are full and sealing cannot keep up (503).
  Status Append(const std::vector<SeriesPoint>& points);

  // Seals heads that are full or old; `all` seals every head (shutdown, tests, benchmarks).
  Status Seal(bool all);
  // Drops chunks past raw_days (keeping their 1-min rollups) and rollups past their retention.
  Status ApplyRetention();

  // Points with from_ns <= t < to_ns, ascending, de-duplicated; at most `limit`.
  Result<std::vector<Point>> Raw(int64_t series_id, int64_t from_ns, int64_t to_ns, size_t limit);
  // Aggregates per bucket of `grid` over [from_ns, to_ns); empty buckets omitted.
  Result<std::vector<Bucket>> Buckets(int64_t series_id, int64_t from_ns, int64_t to_ns, const BucketGrid& grid);
  // The newest point of a series (by timestamp), from the heads or the last chunk.
  Result<std::optional<Point>> Latest(int64_t series_id);

  EngineStats stats() const;
  // Bytes of sealed chunk data and their point count (for bytes per value at rest).
  Result<std::pair<int64_t, int64_t>> ChunkBytes();
  const EngineConfig& config() const { return config_; }

 private:
  struct Head {
    std::vector<Point> points;  // arrival order
    int64_t first_log_id = 0;   // log row of the oldest point; 0 when empty
    int64_t first_arrival_ms = 0;
    size_t sealing = 0;         // the first `sealing` points are being written as a chunk
    int64_t next_log_id = 0;    // log row and arrival of the first point after those
    int64_t next_arrival_ms = 0;
  };
  struct Batch;
  struct Sealed {
    int64_t series_id = 0;
    std::vector<Point> points;  // a copy of the head's points being sealed, arrival order
  };

  void ApplyLocked(const std::vector<SeriesPoint>& points, int64_t log_id, int64_t now_ms);
  Status WriteSealed(std::vector<Sealed>& sealed, int64_t delete_below_log_id);
  int64_t deleted_below_ = 0;  // log rows below this are gone (under seal_mutex_)
  Status SealSeries(store::Tx& tx, Sealed& s);
  Result<std::vector<Point>> ChunkPoints(store::Tx& tx, int64_t series_id, int64_t from_ns, int64_t to_ns);
  std::vector<Point> HeadPoints(int64_t series_id, int64_t from_ns, int64_t to_ns) const;
  int64_t DayOriginNs() const;

  store::Store& store_;
  const Clock& clock_;
  EngineConfig config_;

  // Group commit.
  mutable std::mutex commit_mutex_;
  std::condition_variable commit_cv_;
  std::vector<Batch*> queue_;
  bool committing_ = false;
  size_t pending_bytes_ = 0;

  // Heads, the newest point per series and sealing state.
  mutable std::mutex heads_mutex_;
  std::unordered_map<int64_t, Head> heads_;
  std::unordered_map<int64_t, Point> latest_;
  std::unordered_map<int64_t, int64_t> sealed_end_ns_;  // newest sealed timestamp per series (loaded at Open)
  size_t head_points_ = 0;
  int64_t applied_log_id_ = 0;
  std::mutex seal_mutex_;  // one sealer at a time

  mutable std::mutex stats_mutex_;
  EngineStats stats_;
};

// The log row format, exposed for tests: per record a format byte (1) and a varint count, then per point zig-zag
// varint deltas of series id (minus one) and timestamp, and the value: varint((zigzag(m) << 3) | d) when it is
// exactly m / 10^d with d <= 3, else varint(4) and its 8 bytes (little-endian IEEE 754). About 5 bytes per value
// for gateway data instead of 16.
std::string EncodeLog(const std::vector<SeriesPoint>& points);
Result<std::vector<SeriesPoint>> DecodeLog(std::string_view data);

}  // namespace park::telemetry
