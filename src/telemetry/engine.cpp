#include "telemetry/engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace park::telemetry {
namespace {

constexpr std::string_view kInsertLog =
    "INSERT INTO telemetry_log (received_at, points, data) VALUES ($1, $2, $3) RETURNING id";
constexpr std::string_view kSelectLog = "SELECT id, data FROM telemetry_log ORDER BY id";
constexpr std::string_view kDeleteLog = "DELETE FROM telemetry_log WHERE id < $1";
constexpr std::string_view kSealedEnds = "SELECT series_id, MAX(end_ns) FROM telemetry_chunks GROUP BY series_id";
constexpr std::string_view kInsertChunk =
    "INSERT INTO telemetry_chunks (series_id, start_ns, end_ns, points, data) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kOverlappingChunks =
    "SELECT id, data FROM telemetry_chunks WHERE series_id = $1 AND end_ns >= $2 AND start_ns < $3 ORDER BY id";
constexpr std::string_view kDeleteChunk = "DELETE FROM telemetry_chunks WHERE id = $1";
constexpr std::string_view kLastChunk =
    "SELECT data FROM telemetry_chunks WHERE series_id = $1 ORDER BY end_ns DESC, id DESC LIMIT 1";
constexpr std::string_view kChunkBytes = "SELECT COALESCE(SUM(LENGTH(data)), 0), COALESCE(SUM(points), 0) FROM telemetry_chunks";
constexpr std::string_view kChunkBytesPg =
    "SELECT COALESCE(SUM(OCTET_LENGTH(data)), 0)::BIGINT, COALESCE(SUM(points), 0)::BIGINT FROM telemetry_chunks";
constexpr std::string_view kMergeRollup =
    "INSERT INTO telemetry_rollups (series_id, width_s, start_ns, count, sum, min, max, last, last_ns) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (series_id, width_s, start_ns) DO UPDATE SET "
    "count = telemetry_rollups.count + excluded.count, sum = telemetry_rollups.sum + excluded.sum, "
    "min = CASE WHEN excluded.min < telemetry_rollups.min THEN excluded.min ELSE telemetry_rollups.min END, "
    "max = CASE WHEN excluded.max > telemetry_rollups.max THEN excluded.max ELSE telemetry_rollups.max END, "
    "last = CASE WHEN excluded.last_ns >= telemetry_rollups.last_ns THEN excluded.last ELSE telemetry_rollups.last END, "
    "last_ns = CASE WHEN excluded.last_ns >= telemetry_rollups.last_ns THEN excluded.last_ns "
    "ELSE telemetry_rollups.last_ns END";
constexpr std::string_view kDeleteRollups =
    "DELETE FROM telemetry_rollups WHERE series_id = $1 AND width_s = $2 AND start_ns >= $3 AND start_ns < $4";
constexpr std::string_view kSelectRollups =
    "SELECT start_ns, count, sum, min, max, last, last_ns FROM telemetry_rollups "
    "WHERE series_id = $1 AND width_s = $2 AND start_ns >= $3 AND start_ns < $4 ORDER BY start_ns";
constexpr std::string_view kExpiredChunks = "SELECT id, series_id, data FROM telemetry_chunks WHERE end_ns < $1 LIMIT 500";
constexpr std::string_view kExpireRollups = "DELETE FROM telemetry_rollups WHERE width_s = $1 AND start_ns < $2";

constexpr int64_t kSecondNs = 1'000'000'000;

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view data, size_t& pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= data.size()) return false;
    const auto byte = static_cast<uint8_t>(data[pos++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Sorts by time and keeps the last arrival of each timestamp.
void SortUnique(std::vector<Point>& points) {
  if (!std::is_sorted(points.begin(), points.end(),
                      [](const Point& a, const Point& b) { return a.timestamp_ns < b.timestamp_ns; })) {
    std::stable_sort(points.begin(), points.end(),
                     [](const Point& a, const Point& b) { return a.timestamp_ns < b.timestamp_ns; });
  }
  size_t out = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    if (out > 0 && points[out - 1].timestamp_ns == points[i].timestamp_ns) {
      points[out - 1] = points[i];
    } else {
      points[out++] = points[i];
    }
  }
  points.resize(out);
}

store::Params RollupParams(int64_t series_id, int64_t width_s, const Bucket& b) {
  store::Params p;
  p.reserve(9);
  p.emplace_back(series_id);
  p.emplace_back(width_s);
  p.emplace_back(b.start_ns);
  p.emplace_back(static_cast<int64_t>(b.aggregate.count));
  p.emplace_back(b.aggregate.sum);
  p.emplace_back(b.aggregate.min);
  p.emplace_back(b.aggregate.max);
  p.emplace_back(b.aggregate.last);
  p.emplace_back(b.aggregate.last_ts_ns);
  return p;
}

int64_t CeilTo(int64_t v, const BucketGrid& g) {
  const int64_t s = g.StartOf(v);
  return s == v ? v : s + g.width_ns;
}

}  // namespace

namespace {

constexpr double kPow10[] = {1, 10, 100, 1000};
constexpr uint8_t kLogFormat = 1;

// A value as varint((zigzag(m) << 3) | d) when it is exactly m / 10^d for d <= 3 (sensor readings such as 80.25
// take 2-3 bytes), else varint(4) and its 8 bytes.
void PutValue(std::string& out, double v) {
  for (int d = 0; d < 4; ++d) {
    const double scaled = v * kPow10[d];
    if (!(std::fabs(scaled) < 1e15)) break;
    const auto m = static_cast<int64_t>(std::llround(scaled));
    const double back = static_cast<double>(m) / kPow10[d];
    if (std::memcmp(&back, &v, sizeof v) == 0) {
      PutVarint(out, (ZigZag(m) << 3) | static_cast<uint64_t>(d));
      return;
    }
  }
  PutVarint(out, 4);
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
}

bool GetValue(std::string_view data, size_t& pos, double& v) {
  uint64_t tag = 0;
  if (!GetVarint(data, pos, tag)) return false;
  const uint64_t code = tag & 7;
  if (code < 4) {
    v = static_cast<double>(UnZigZag(tag >> 3)) / kPow10[code];
    return true;
  }
  if (code != 4 || pos + 8 > data.size()) return false;
  uint64_t bits = 0;
  for (int b = 0; b < 8; ++b) bits |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + b])) << (8 * b);
  pos += 8;
  std::memcpy(&v, &bits, sizeof v);
  return true;
}

}  // namespace

std::string EncodeLog(const std::vector<SeriesPoint>& points) {
  std::string out;
  out.reserve(points.size() * 6 + 16);
  out.push_back(static_cast<char>(kLogFormat));
  PutVarint(out, points.size());
  int64_t prev_series = 0;
  int64_t prev_ts = 0;
  for (const auto& p : points) {
    PutVarint(out, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(p.series_id) - static_cast<uint64_t>(prev_series) - 1)));
    PutVarint(out, ZigZag(static_cast<int64_t>(static_cast<uint64_t>(p.timestamp_ns) - static_cast<uint64_t>(prev_ts))));
    PutValue(out, p.value);
    prev_series = p.series_id;
    prev_ts = p.timestamp_ns;
  }
  return out;
}

Result<std::vector<SeriesPoint>> DecodeLog(std::string_view data) {
  std::vector<SeriesPoint> points;
  size_t pos = 0;
  while (pos < data.size()) {
    if (static_cast<uint8_t>(data[pos++]) != kLogFormat) return Error::Internal("telemetry log: unknown record format");
    uint64_t n = 0;
    if (!GetVarint(data, pos, n) || n > data.size()) return Error::Internal("telemetry log: bad record header");
    points.reserve(points.size() + n);
    int64_t series = 0;
    int64_t ts = 0;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t ds = 0;
      uint64_t dt = 0;
      double v = 0;
      if (!GetVarint(data, pos, ds) || !GetVarint(data, pos, dt) || !GetValue(data, pos, v)) {
        return Error::Internal("telemetry log: truncated record");
      }
      series = static_cast<int64_t>(static_cast<uint64_t>(series) + static_cast<uint64_t>(UnZigZag(ds)) + 1);
      ts = static_cast<int64_t>(static_cast<uint64_t>(ts) + static_cast<uint64_t>(UnZigZag(dt)));
      points.push_back({series, ts, v});
    }
  }
  return points;
}

struct Engine::Batch {
  const std::vector<SeriesPoint>* points = nullptr;
  std::string encoded;
  Status status;
  bool done = false;
};

Engine::Engine(store::Store& store, const Clock& clock, EngineConfig config)
    : store_(store), clock_(clock), config_(config) {
  config_.chunk_points = std::max<uint32_t>(config_.chunk_points, 2);
}

int64_t Engine::DayOriginNs() const { return -static_cast<int64_t>(config_.utc_offset_minutes) * 60 * kSecondNs; }

Status Engine::Open() {
  std::vector<std::pair<int64_t, std::string>> rows;
  PARK_TRY(store_.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto ends, tx.Query(kSealedEnds));
    std::lock_guard lk(heads_mutex_);
    for (const auto& r : ends) sealed_end_ns_[r.Int(0)] = r.Int(1);
    PARK_ASSIGN_OR_RETURN(auto log, tx.Query(kSelectLog));
    for (const auto& r : log) rows.emplace_back(r.Int(0), std::string(r.Blob(1)));
    return {};
  }));
  size_t replayed = 0;
  const int64_t now = clock_.NowMs();
  for (const auto& [id, data] : rows) {
    PARK_ASSIGN_OR_RETURN(auto points, DecodeLog(data));
    std::lock_guard lk(heads_mutex_);
    ApplyLocked(points, id, now);
    replayed += points.size();
  }
  if (replayed > 0) spdlog::info("telemetry: replayed {} unsealed points from {} log rows", replayed, rows.size());
  return {};
}

void Engine::ApplyLocked(const std::vector<SeriesPoint>& points, int64_t log_id, int64_t now_ms) {
  Head* head = nullptr;
  int64_t head_id = std::numeric_limits<int64_t>::min();
  Point* latest = nullptr;
  for (const auto& p : points) {
    if (p.series_id != head_id) {
      head_id = p.series_id;
      head = &heads_[p.series_id];
      latest = &latest_[p.series_id];
      if (head->points.empty()) {
        head->first_log_id = log_id;
        head->next_log_id = 0;
        head->first_arrival_ms = now_ms;
        if (head->points.capacity() == 0) head->points.reserve(std::min<size_t>(config_.chunk_points, 64));
      }
    }
    if (head->sealing > 0 && head->points.size() == head->sealing) {
      head->next_log_id = log_id;
      head->next_arrival_ms = now_ms;
    }
    head->points.push_back({p.timestamp_ns, p.value});
    if (p.timestamp_ns >= latest->timestamp_ns) *latest = {p.timestamp_ns, p.value};
  }
  head_points_ += points.size();
  applied_log_id_ = std::max(applied_log_id_, log_id);
}

Status Engine::Append(const std::vector<SeriesPoint>& points) {
  if (points.empty()) return {};
  {
    std::lock_guard lk(heads_mutex_);
    if (head_points_ > config_.max_head_points + config_.max_head_points / 4) {
      std::lock_guard sl(stats_mutex_);
      ++stats_.refused_batches;
      return Error{ErrorCode::kUnavailable, "the telemetry buffer is full while older data is being sealed; retry shortly",
                   {}};
    }
  }
  Batch batch;
  batch.points = &points;
  batch.encoded = EncodeLog(points);
  std::unique_lock lk(commit_mutex_);
  if (pending_bytes_ + batch.encoded.size() > config_.max_pending_bytes && pending_bytes_ > 0) {
    lk.unlock();
    std::lock_guard sl(stats_mutex_);
    ++stats_.refused_batches;
    return Error{ErrorCode::kResourceExhausted, "too many telemetry writes are waiting for the disk; retry shortly", {}};
  }
  queue_.push_back(&batch);
  pending_bytes_ += batch.encoded.size();
  while (!batch.done) {
    if (committing_) {
      commit_cv_.wait(lk);
      continue;
    }
    committing_ = true;
    std::vector<Batch*> group;
    group.swap(queue_);
    size_t bytes = 0;
    int64_t count = 0;
    for (auto* b : group) {
      bytes += b->encoded.size();
      count += static_cast<int64_t>(b->points->size());
    }
    pending_bytes_ -= bytes;
    lk.unlock();

    std::string data;
    data.reserve(bytes);
    for (auto* b : group) data += b->encoded;
    int64_t log_id = 0;
    const int64_t now = clock_.NowMs();
    Status st = store_.Write([&](store::Tx& tx) -> Status {
      store::Params p;
      p.reserve(3);
      p.emplace_back(now);
      p.emplace_back(count);
      p.emplace_back(store::Bytes{std::move(data)});
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kInsertLog, p));
      log_id = row->Int(0);
      return {};
    });
    if (st.ok()) {
      std::lock_guard hl(heads_mutex_);
      for (auto* b : group) ApplyLocked(*b->points, log_id, now);
    }
    {
      std::lock_guard sl(stats_mutex_);
      if (st.ok()) {
        stats_.appended_points += static_cast<uint64_t>(count);
        ++stats_.commit_groups;
      }
    }
    lk.lock();
    for (auto* b : group) {
      b->status = st;
      b->done = true;
    }
    committing_ = false;
    commit_cv_.notify_all();
  }
  return batch.status;
}

Status Engine::Seal(bool all) {
  std::lock_guard seal_lock(seal_mutex_);
  const int64_t now = clock_.NowMs();
  std::vector<Sealed> sealed;
  int64_t delete_below = 0;
  {
    std::lock_guard lk(heads_mutex_);
    // The points being sealed stay in their heads (marked by `sealing`) until their chunk is committed, so every
    // query sees them in one place or the other; points arriving meanwhile queue behind the mark.
    auto take = [&](int64_t id, Head& h) {
      h.sealing = h.points.size();
      sealed.push_back({id, h.points});
    };
    // Under memory pressure the biggest heads go first, until we are back under half the limit.
    std::unordered_map<int64_t, bool> taken;
    if (head_points_ > config_.max_head_points && !all) {
      std::vector<std::pair<size_t, int64_t>> by_size;
      for (auto& [id, h] : heads_) by_size.emplace_back(h.points.size(), id);
      std::sort(by_size.rbegin(), by_size.rend());
      size_t freed = 0;
      for (auto& [n, id] : by_size) {
        if (head_points_ - freed <= config_.max_head_points / 2) break;
        freed += n;
        take(id, heads_[id]);
        taken[id] = true;
      }
    }
    for (auto& [id, h] : heads_) {
      if (h.points.empty() || taken.count(id)) continue;
      if (all || h.points.size() >= config_.chunk_points || now - h.first_arrival_ms >= config_.seal_after_ms) {
        take(id, h);
      }
    }
    // Log rows below the oldest row that still feeds an unsealed point (and not past what the heads have seen)
    // hold only sealed points once this seal commits.
    delete_below = applied_log_id_ + 1;
    for (const auto& [id, h] : heads_) {
      if (h.sealing == 0) {
        if (!h.points.empty()) delete_below = std::min(delete_below, h.first_log_id);
      } else if (h.points.size() > h.sealing) {
        delete_below = std::min(delete_below, h.next_log_id);
      }
    }
  }
  if (sealed.empty() && delete_below <= deleted_below_) return {};
  const Status st = WriteSealed(sealed, delete_below);
  std::lock_guard lk(heads_mutex_);
  for (const auto& s : sealed) {
    auto it = heads_.find(s.series_id);
    if (it == heads_.end()) continue;
    Head& h = it->second;
    if (st.ok()) {
      h.points.erase(h.points.begin(), h.points.begin() + static_cast<std::ptrdiff_t>(h.sealing));
      head_points_ -= h.sealing;
      h.first_log_id = h.next_log_id;
      h.first_arrival_ms = h.next_arrival_ms;
      if (!s.points.empty()) {
        auto& end = sealed_end_ns_[s.series_id];
        end = std::max(end, s.points.back().timestamp_ns);
      }
    }
    h.sealing = 0;  // on failure the points simply stay in the head (and in the log) for the next try
    if (h.points.empty()) heads_.erase(it);
  }
  if (st.ok()) deleted_below_ = std::max(deleted_below_, delete_below);
  if (st.ok() && all) return store_.ReleaseFreeSpace();
  return st;
}

Status Engine::WriteSealed(std::vector<Sealed>& sealed, int64_t delete_below_log_id) {
  size_t points = 0;
  size_t chunks = 0;
  PARK_TRY(store_.Write([&](store::Tx& tx) -> Status {
    points = 0;
    chunks = 0;
    for (auto& s : sealed) {
      PARK_TRY(SealSeries(tx, s));
      points += s.points.size();
      ++chunks;
    }
    if (delete_below_log_id > 1) PARK_TRY(tx.Exec(kDeleteLog, {delete_below_log_id}));
    return {};
  }));
  std::lock_guard sl(stats_mutex_);
  stats_.sealed_points += points;
  stats_.sealed_chunks += chunks;
  return {};
}

// Writes one series' sealed points as a chunk with its rollups. When they overlap chunks already sealed (late or
// re-sent data), those chunks are merged in and the rollups of the days concerned are rebuilt.
Status Engine::SealSeries(store::Tx& tx, Sealed& s) {
  SortUnique(s.points);
  if (s.points.empty()) return {};
  int64_t sealed_end = std::numeric_limits<int64_t>::min();
  {
    std::lock_guard lk(heads_mutex_);
    if (auto it = sealed_end_ns_.find(s.series_id); it != sealed_end_ns_.end()) sealed_end = it->second;
  }
  const BucketGrid hour{kHourNs, 0};
  const BucketGrid day{kDayNs, DayOriginNs()};
  const bool overlaps = s.points.front().timestamp_ns <= sealed_end;
  std::vector<Point> merged;
  if (overlaps) {
    PARK_ASSIGN_OR_RETURN(auto old, tx.Query(kOverlappingChunks, {s.series_id, s.points.front().timestamp_ns,
                                                                  s.points.back().timestamp_ns + 1}));
    for (const auto& r : old) {
      const std::string_view blob = r.Blob(1);
      PARK_ASSIGN_OR_RETURN(auto pts, DecodeChunk({reinterpret_cast<const uint8_t*>(blob.data()), blob.size()}));
      merged.insert(merged.end(), pts.begin(), pts.end());
      PARK_TRY(tx.Exec(kDeleteChunk, {r.Int(0)}));
    }
  }
  const bool rebuild = !merged.empty();
  if (rebuild) {
    merged.insert(merged.end(), s.points.begin(), s.points.end());  // old first: the new arrival wins a tie
    SortUnique(merged);
    s.points = std::move(merged);
  }
  // At most chunk_points per chunk (a head sealed late, or merged with old chunks, can hold more): small chunks
  // let bucket queries answer whole chunks from their headers.
  for (size_t at = 0; at < s.points.size(); at += config_.chunk_points) {
    const std::span<const Point> part(s.points.data() + at, std::min<size_t>(config_.chunk_points, s.points.size() - at));
    PARK_ASSIGN_OR_RETURN(auto chunk, EncodeChunk(part));
    store::Params p;
    p.reserve(5);
    p.emplace_back(s.series_id);
    p.emplace_back(part.front().timestamp_ns);
    p.emplace_back(part.back().timestamp_ns);
    p.emplace_back(static_cast<int64_t>(part.size()));
    p.emplace_back(store::Bytes{std::string(chunk.begin(), chunk.end())});
    PARK_TRY(tx.Exec(kInsertChunk, p));
  }
  for (const auto& [grid, width_s] : {std::pair{hour, int64_t{3600}}, std::pair{day, int64_t{86400}}}) {
    if (!rebuild) {
      Rollup r(grid);
      r.Add(s.points);
      for (const auto& b : r.Finish()) PARK_TRY(tx.Exec(kMergeRollup, RollupParams(s.series_id, width_s, b)));
      continue;
    }
    // Rebuild the buckets touched from every chunk point in them (the merged chunk is already written).
    const int64_t from = grid.StartOf(s.points.front().timestamp_ns);
    const int64_t to = CeilTo(s.points.back().timestamp_ns + 1, grid);
    PARK_TRY(tx.Exec(kDeleteRollups, {s.series_id, width_s, from, to}));
    PARK_ASSIGN_OR_RETURN(auto pts, ChunkPoints(tx, s.series_id, from, to));
    Rollup r(grid);
    r.Add(pts);
    for (const auto& b : r.Finish()) PARK_TRY(tx.Exec(kMergeRollup, RollupParams(s.series_id, width_s, b)));
  }
  return {};
}

Result<std::vector<Point>> Engine::ChunkPoints(store::Tx& tx, int64_t series_id, int64_t from_ns, int64_t to_ns) {
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kOverlappingChunks, {series_id, from_ns, to_ns}));
  std::vector<Point> out;
  bool ordered = true;
  int64_t prev_end = std::numeric_limits<int64_t>::min();
  for (const auto& r : rows) {
    const std::string_view blob = r.Blob(1);
    PARK_ASSIGN_OR_RETURN(auto dec, ChunkDecoder::Open({reinterpret_cast<const uint8_t*>(blob.data()), blob.size()}));
    if (dec.header().first_ts_ns <= prev_end) ordered = false;
    prev_end = dec.header().last_ts_ns;
    Point p;
    while (dec.Next(p)) {
      if (p.timestamp_ns >= from_ns && p.timestamp_ns < to_ns) out.push_back(p);
    }
    PARK_TRY(dec.status());
  }
  if (!ordered) SortUnique(out);
  return out;
}

std::vector<Point> Engine::HeadPoints(int64_t series_id, int64_t from_ns, int64_t to_ns) const {
  std::vector<Point> out;
  std::lock_guard lk(heads_mutex_);
  auto it = heads_.find(series_id);
  if (it == heads_.end()) return out;
  for (const auto& p : it->second.points) {
    if (p.timestamp_ns >= from_ns && p.timestamp_ns < to_ns) out.push_back(p);
  }
  return out;
}

Result<std::vector<Point>> Engine::Raw(int64_t series_id, int64_t from_ns, int64_t to_ns, size_t limit) {
  // The head first, then the chunks: a seal committing in between leaves its points in both (de-duplicated
  // below), never in neither.
  auto head = HeadPoints(series_id, from_ns, to_ns);
  std::vector<Point> out;
  PARK_TRY(store_.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(out, ChunkPoints(tx, series_id, from_ns, to_ns));
    return {};
  }));
  if (!head.empty()) {
    out.insert(out.end(), head.begin(), head.end());  // after the chunks: a re-sent value replaces the sealed one
    SortUnique(out);
  }
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<std::vector<Bucket>> Engine::Buckets(int64_t series_id, int64_t from_ns, int64_t to_ns, const BucketGrid& grid) {
  PARK_TRY(ValidateGrid(grid));
  auto head = HeadPoints(series_id, from_ns, to_ns);
  SortUnique(head);  // a re-sent batch not yet sealed counts once
  Rollup rollup(grid);
  // Stored rollups answer buckets that are whole hours or days on their grid; otherwise the chunks do, using each
  // chunk's own summary when it lies inside one bucket and decoding only the others.
  const BucketGrid day{kDayNs, DayOriginNs()};
  const BucketGrid hour{kHourNs, 0};
  std::optional<std::pair<BucketGrid, int64_t>> stored;
  for (const auto& [g, w] : {std::pair{day, int64_t{86400}}, std::pair{hour, int64_t{3600}}}) {
    if (grid.width_ns % g.width_ns == 0 && ((grid.origin_ns - g.origin_ns) % g.width_ns) == 0 &&
        g.StartOf(from_ns) == from_ns && g.StartOf(to_ns) == to_ns) {
      stored = std::pair{g, w};
      break;
    }
  }
  PARK_TRY(store_.Read([&](store::Tx& tx) -> Status {
    if (stored) {
      PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectRollups, {series_id, stored->second, from_ns, to_ns}));
      for (const auto& r : rows) {
        Aggregate a;
        a.count = static_cast<uint64_t>(r.Int(1));
        a.sum = r.Real(2);
        a.min = r.Real(3);
        a.max = r.Real(4);
        a.last = r.Real(5);
        a.last_ts_ns = r.Int(6);
        rollup.Merge(r.Int(0), a);
      }
      return {};
    }
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kOverlappingChunks, {series_id, from_ns, to_ns}));
    for (const auto& r : rows) {
      const std::string_view blob = r.Blob(1);
      const std::span<const uint8_t> bytes{reinterpret_cast<const uint8_t*>(blob.data()), blob.size()};
      PARK_ASSIGN_OR_RETURN(auto header, ReadChunkHeader(bytes));
      const bool inside = header.first_ts_ns >= from_ns && header.last_ts_ns < to_ns &&
                          grid.StartOf(header.first_ts_ns) == grid.StartOf(header.last_ts_ns) &&
                          !std::isnan(header.last_value);
      if (inside) {
        rollup.Merge(header.first_ts_ns, AggregateOf(header));
        continue;
      }
      PARK_ASSIGN_OR_RETURN(auto dec, ChunkDecoder::Open(bytes));
      Point p;
      while (dec.Next(p)) {
        if (p.timestamp_ns >= from_ns && p.timestamp_ns < to_ns) rollup.Add(p.timestamp_ns, p.value);
      }
      PARK_TRY(dec.status());
    }
    return {};
  }));
  // Head points at or before the newest sealed point (late or re-sent values, or a seal that committed while we
  // read) may repeat sealed ones: then the exact path, point by point.
  int64_t sealed_end = std::numeric_limits<int64_t>::min();
  {
    std::lock_guard lk(heads_mutex_);
    if (auto it = sealed_end_ns_.find(series_id); it != sealed_end_ns_.end()) sealed_end = it->second;
  }
  if (!head.empty() && head.front().timestamp_ns <= sealed_end) {
    Rollup exact(grid);
    PARK_ASSIGN_OR_RETURN(auto pts, Raw(series_id, from_ns, to_ns, std::numeric_limits<size_t>::max()));
    exact.Add(pts);
    return exact.Finish();
  }
  rollup.Add(head);
  return rollup.Finish();
}

Result<std::optional<Point>> Engine::Latest(int64_t series_id) {
  {
    std::lock_guard lk(heads_mutex_);
    if (auto it = latest_.find(series_id); it != latest_.end()) return std::optional<Point>(it->second);
  }
  std::optional<Point> out;
  PARK_TRY(store_.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kLastChunk, {series_id}));
    if (!row) return {};
    const std::string_view blob = row->Blob(0);
    PARK_ASSIGN_OR_RETURN(auto header,
                          ReadChunkHeader({reinterpret_cast<const uint8_t*>(blob.data()), blob.size()}));
    out = Point{header.last_ts_ns, header.last_value};
    return {};
  }));
  if (out) {
    std::lock_guard lk(heads_mutex_);
    auto& l = latest_[series_id];
    if (out->timestamp_ns >= l.timestamp_ns) l = *out;
    return std::optional<Point>(l);
  }
  return out;
}

Status Engine::ApplyRetention() {
  std::lock_guard seal_lock(seal_mutex_);
  const int64_t now_ns = clock_.NowMs() * 1'000'000;
  if (config_.raw_days > 0) {
    const int64_t cutoff = now_ns - config_.raw_days * kDayNs;
    const BucketGrid minute{kMinuteNs, 0};
    for (;;) {
      bool more = false;
      PARK_TRY(store_.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kExpiredChunks, {cutoff}));
        more = rows.size() == 500;
        for (const auto& r : rows) {
          const std::string_view blob = r.Blob(2);
          PARK_ASSIGN_OR_RETURN(auto pts, DecodeChunk({reinterpret_cast<const uint8_t*>(blob.data()), blob.size()}));
          Rollup ru(minute);
          ru.Add(pts);
          for (const auto& b : ru.Finish()) PARK_TRY(tx.Exec(kMergeRollup, RollupParams(r.Int(1), 60, b)));
          PARK_TRY(tx.Exec(kDeleteChunk, {r.Int(0)}));
        }
        return {};
      }));
      if (!more) break;
    }
  }
  PARK_TRY(store_.Write([&](store::Tx& tx) -> Status {
    if (config_.rollup_1m_days > 0) PARK_TRY(tx.Exec(kExpireRollups, {int64_t{60}, now_ns - config_.rollup_1m_days * kDayNs}));
    if (config_.rollup_1h_days > 0) {
      PARK_TRY(tx.Exec(kExpireRollups, {int64_t{3600}, now_ns - config_.rollup_1h_days * kDayNs}));
    }
    return {};
  }));
  return store_.ReleaseFreeSpace();
}

EngineStats Engine::stats() const {
  EngineStats s;
  {
    std::lock_guard sl(stats_mutex_);
    s = stats_;
  }
  {
    std::lock_guard lk(heads_mutex_);
    s.head_points = head_points_;
    s.head_series = heads_.size();
  }
  {
    std::lock_guard lk(commit_mutex_);
    s.pending_bytes = pending_bytes_;
  }
  return s;
}

Result<std::pair<int64_t, int64_t>> Engine::ChunkBytes() {
  std::pair<int64_t, int64_t> out{0, 0};
  PARK_TRY(store_.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row,
                          tx.QueryOne(store_.backend() == store::Backend::kPostgres ? kChunkBytesPg : kChunkBytes));
    out = {row->Int(0), row->Int(1)};
    return {};
  }));
  return out;
}

}  // namespace park::telemetry
