// Ingest: what arrives (line protocol, JSON telemetry, MQTT payloads, HJ 212 frames) becomes series points, bound
// to registry sensors, checked against the writer's scope, and handed to the engine in one durable append.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <cmath>

#include "park/core/log_limit.hpp"
#include "park/http/metrics.hpp"
#include "park/store/audit.hpp"
#include "park/telemetry/hj212.hpp"
#include "park/telemetry/json_telemetry.hpp"
#include "park/telemetry/window.hpp"
#include "telemetry/alarms.hpp"
#include "telemetry/service_impl.hpp"

namespace park::telemetry {
namespace {

constexpr std::string_view kLoadSeries = "SELECT id, key, sensor_id, enterprise_id FROM telemetry_series";
constexpr std::string_view kSensorByKey = "SELECT id, enterprise_id FROM sensors WHERE key = $1";
constexpr std::string_view kInsertSeries =
    "INSERT INTO telemetry_series (key, sensor_id, enterprise_id, source, created_at) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (key) DO NOTHING";
constexpr std::string_view kInsertSeriesReturning =
    "INSERT INTO telemetry_series (key, sensor_id, enterprise_id, source, created_at) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (key) DO NOTHING RETURNING id, key, sensor_id, enterprise_id";
constexpr std::string_view kSeriesByKey = "SELECT id, key, sensor_id, enterprise_id FROM telemetry_series WHERE key = $1";
// $1 is "<mn>.%" with LIKE's wildcards in the MN escaped: an MN of "%" must not match every sensor.
constexpr std::string_view kMonitorByPrefix =
    "SELECT enterprise_id FROM sensors WHERE key LIKE $1 ESCAPE '\\' LIMIT 1";
constexpr std::string_view kAuditSeriesCap = "series_refused";

SeriesInfo InfoOf(const store::Row& r) {
  return SeriesInfo{r.Int(0), r.Text(1), r.OptInt(2), r.OptInt(3)};
}

bool Within(std::string_view body, std::string_view part) {
  return part.data() >= body.data() && part.data() + part.size() <= body.data() + body.size();
}

// The raw "measurement,tag=value,..." text of a line when it sits in the body unescaped; else the canonical key.
std::string_view RawPrefix(std::string_view body, const LpBatch& batch, const LpLine& line, std::string& scratch) {
  std::string_view first = line.measurement;
  std::string_view last = line.tag_count ? batch.tags[line.first_tag + line.tag_count - 1].value : line.measurement;
  if (Within(body, first) && Within(body, last) && last.data() >= first.data()) {
    return {first.data(), static_cast<size_t>(last.data() + last.size() - first.data())};
  }
  scratch = SeriesKey(batch, line);
  scratch.insert(0, "\x01");  // never equal to a raw prefix
  return scratch;
}

Result<double> NumberOf(const LpField& f, uint32_t line) {
  switch (f.type) {
    case ValueType::kFloat: return f.float_value;
    case ValueType::kInteger: return static_cast<double>(f.int_value);
    case ValueType::kUnsigned: return static_cast<double>(f.uint_value);
    case ValueType::kBoolean: return f.bool_value ? 1.0 : 0.0;
    case ValueType::kString: break;
  }
  return Error::Invalid("line " + std::to_string(line),
                        "field '" + std::string(f.key) + "' is a string; ParkBrain stores numbers and booleans");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string LikeEscaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The per-writer cap's key: the token for HTTP writers, the name for MQTT ("mqtt") and HJ 212 ("hj212 MN …").
std::string WriterKey(const Principal& who) {
  return who.token_id ? "token " + std::to_string(who.token_id) : who.name;
}

constexpr int64_t kHourMs = 3'600'000;

}  // namespace

Status CheckWriteScope(const Principal& who, const SeriesInfo& s, std::string_view where) {
  if (!who.enterprise_id) return {};
  if (s.enterprise_id && *s.enterprise_id == *who.enterprise_id) return {};
  return Error{ErrorCode::kPermissionDenied,
               std::string(where) + ": series '" + s.key + "' belongs to another enterprise; this token may write only "
               "to enterprise " + std::to_string(*who.enterprise_id),
               std::string(where)};
}

// --- SeriesResolver ------------------------------------------------------------------------------------------------

Status SeriesResolver::Load() {
  return store_.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kLoadSeries));
    std::unique_lock lk(mutex_);
    for (const auto& r : rows) {
      SeriesInfo s = InfoOf(r);
      key_by_id_[s.id] = s.key;
      by_key_[s.key] = std::move(s);
    }
    return {};
  });
}

Result<SeriesInfo> SeriesResolver::Insert(std::string_view key, std::optional<int64_t> sensor_id,
                                          std::optional<int64_t> enterprise_id, std::string_view source) {
  SeriesInfo out;
  PARK_TRY(store_.Write([&](store::Tx& tx) -> Status {
    store::Params p;
    p.reserve(5);
    p.emplace_back(std::string(key));
    p.emplace_back(store::OrNull(sensor_id));
    p.emplace_back(store::OrNull(enterprise_id));
    p.emplace_back(std::string(source));
    p.emplace_back(clock_.NowMs());
    PARK_TRY(tx.Exec(kInsertSeries, p));
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSeriesByKey, {std::string(key)}));
    out = InfoOf(*row);
    return {};
  }));
  std::unique_lock lk(mutex_);
  key_by_id_[out.id] = out.key;
  by_key_[out.key] = out;
  return out;
}

size_t SeriesResolver::series_count() const {
  std::shared_lock lk(mutex_);
  return by_key_.size();
}

Status SeriesResolver::AdmitNew(const Principal& who, size_t count, std::string_view first_key) {
  const int64_t now = clock_.NowMs();
  const std::string writer = WriterKey(who);
  // Forget what lies an hour back, for every writer: the map holds only writers active in the last hour.
  for (auto it = registered_by_writer_.begin(); it != registered_by_writer_.end();) {
    auto& q = it->second;
    while (!q.empty() && now - q.front().first >= kHourMs) q.pop_front();
    it = q.empty() && it->first != writer ? registered_by_writer_.erase(it) : std::next(it);
  }
  auto& mine = registered_by_writer_[writer];
  uint64_t last_hour = 0;
  for (const auto& [at, n] : mine) last_hour += n;
  std::optional<Error> refusal;
  std::string limit;
  const size_t total = series_count();
  if (total + count > caps_.total) {
    ++refused_total_;
    limit = "max_series";
    refusal = Error::Invalid(
        std::string(first_key),
        fmt::format("{} new series refused: the park has {} series and [telemetry] max_series is {}; write to "
                    "existing series or registry sensors, or raise the limit",
                    count, total, caps_.total));
  } else if (last_hour + count > caps_.per_writer_per_hour) {
    ++refused_rate_;
    limit = "max_new_series_per_token_per_hour";
    refusal = Error{ErrorCode::kResourceExhausted,
                    fmt::format("{} new series refused: this writer registered {} series in the last hour and "
                                "[telemetry] max_new_series_per_token_per_hour is {}; retry later",
                                count, last_hour, caps_.per_writer_per_hour),
                    std::string(first_key)};
  }
  if (!refusal) {
    if (count > 0) mine.emplace_back(now, static_cast<uint32_t>(count));
    return {};
  }
  if (mine.empty()) registered_by_writer_.erase(writer);
  // One log line and one audit entry per writer and limit while it is let through: a refused writer retrying in a
  // loop costs a few lines a minute, not one per request.
  if (auto suppressed = log_limit_.Allow(limit + " " + writer)) {
    spdlog::warn("telemetry: {} ({}): {}{}", writer, who.name, refusal->message, Suppressed(*suppressed));
    Json after = {{"limit", limit}, {"writer", writer}, {"new_series", count}, {"first_key", first_key},
                  {"refused_since_last_entry", *suppressed + 1}};
    auto st = store_.Write([&](store::Tx& tx) -> Status {
      PARK_TRY(store::AppendAudit(tx, clock_, &who,
                                  {std::string(kAuditSeriesCap), "telemetry_series", std::nullopt, who.enterprise_id,
                                   nullptr, std::move(after)}));
      return {};
    });
    if (!st.ok()) spdlog::error("telemetry: cannot audit a series refusal: {}", st.error().message);
  }
  return *refusal;
}

static bool LooksLikeSensorKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
          c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

std::optional<SeriesInfo> SeriesResolver::SensorSeries(std::string_view key, std::optional<int64_t>) {
  if (!LooksLikeSensorKey(key)) return std::nullopt;
  {
    std::shared_lock lk(mutex_);
    if (auto it = by_key_.find(key); it != by_key_.end() && it->second.sensor_id) return it->second;
    if (not_sensors_.count(key) && clock_.NowMs() - not_sensors_since_ms_ < 60'000) return std::nullopt;
  }
  std::optional<std::pair<int64_t, std::optional<int64_t>>> sensor;
  auto st = store_.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kSensorByKey, {std::string(key)}));
    if (row) sensor = std::pair{row->Int(0), row->OptInt(1)};
    return {};
  });
  if (st.ok() && !sensor) {
    std::unique_lock lk(mutex_);
    const int64_t now = clock_.NowMs();
    if (now - not_sensors_since_ms_ >= 60'000 || not_sensors_.size() > 100'000) {
      not_sensors_.clear();
      not_sensors_since_ms_ = now;
    }
    not_sensors_.emplace(std::string(key), now);
  }
  if (!st.ok() || !sensor) return std::nullopt;
  auto s = Insert(key, sensor->first, sensor->second, "sensor");
  if (!s.ok()) return std::nullopt;
  return *s;
}

Result<SeriesInfo> SeriesResolver::ForKey(std::string_view key, const Principal& who, std::string_view source,
                                          bool always_register) {
  {
    std::shared_lock lk(mutex_);
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  }
  if (auto s = SensorSeries(key, who.enterprise_id)) return *s;
  if (!register_unknown_ && !always_register) {
    return Error::Invalid(std::string(key), "is not the key of a registry sensor; register the sensor (or set "
                                            "[telemetry] unknown_series = \"register\")");
  }
  if (key.size() > 512) return Error::Invalid(std::string(key.substr(0, 64)), "series keys are at most 512 bytes");
  std::lock_guard registering(register_mutex_);
  {
    std::shared_lock lk(mutex_);
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  }
  PARK_TRY(AdmitNew(who, 1, key));
  return Insert(key, std::nullopt, who.enterprise_id, source);
}

Result<std::vector<SeriesInfo>> SeriesResolver::ForKeys(const std::vector<std::string>& keys, const Principal& who,
                                                        std::string_view source) {
  const std::optional<int64_t> enterprise_id = who.enterprise_id;
  std::vector<SeriesInfo> out(keys.size());
  std::vector<size_t> unknown;
  {
    std::shared_lock lk(mutex_);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (auto it = by_key_.find(keys[i]); it != by_key_.end()) {
        out[i] = it->second;
      } else {
        unknown.push_back(i);
      }
    }
  }
  if (unknown.empty()) return out;
  // One registrar at a time: concurrent first batches of a new gateway carry the same keys, and after waiting
  // here the later ones find them registered instead of writing them again.
  std::lock_guard registering(register_mutex_);
  {
    std::shared_lock lk(mutex_);
    std::vector<size_t> still;
    for (size_t i : unknown) {
      if (auto it = by_key_.find(keys[i]); it != by_key_.end()) {
        out[i] = it->second;
      } else {
        still.push_back(i);
      }
    }
    unknown.swap(still);
  }
  if (unknown.empty()) return out;
  if (!register_unknown_) {
    return Error::Invalid(keys[unknown.front()], "is not the key of a registry sensor; register the sensor (or set "
                                                 "[telemetry] unknown_series = \"register\")");
  }
  for (size_t i : unknown) {
    if (keys[i].size() > 512) return Error::Invalid(keys[i].substr(0, 64), "series keys are at most 512 bytes");
  }
  PARK_TRY(AdmitNew(who, unknown.size(), keys[unknown.front()]));
  // PostgreSQL answers an INSERT ... RETURNING in one round trip. SQLite builds an ephemeral table for every
  // RETURNING: a new gateway's first batch (6,000 series) took 87-102 ms with it, 56-71 ms with a plain insert and
  // a lookup by key.
  const bool returning = store_.backend() == store::Backend::kPostgres;
  PARK_TRY(store_.Write([&](store::Tx& tx) -> Status {
    const int64_t now = clock_.NowMs();
    store::Params p(5);  // key, sensor_id (none: not a sensor), enterprise_id, source, created_at
    for (size_t i : unknown) {
      p[0] = keys[i];
      p[1] = nullptr;
      p[2] = store::OrNull(enterprise_id);
      p[3] = std::string(source);
      p[4] = now;
      std::optional<store::Row> row;
      if (returning) {
        PARK_ASSIGN_OR_RETURN(row, tx.QueryOne(kInsertSeriesReturning, p));
      } else {
        PARK_TRY(tx.Exec(kInsertSeries, p));
      }
      // Without RETURNING, or when registered meanwhile by another instance sharing the database.
      if (!row) {
        PARK_ASSIGN_OR_RETURN(row, tx.QueryOne(kSeriesByKey, {keys[i]}));
      }
      out[i] = InfoOf(*row);
    }
    return {};
  }));
  std::unique_lock lk(mutex_);
  for (size_t i : unknown) {
    key_by_id_[out[i].id] = out[i].key;
    by_key_[out[i].key] = out[i];
  }
  return out;
}

std::optional<std::optional<int64_t>> SeriesResolver::Monitor(std::string_view mn) {
  std::optional<std::optional<int64_t>> out;
  (void)store_.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kMonitorByPrefix, {LikeEscaped(mn) + ".%"}));
    if (row) out = row->OptInt(0);
    return {};
  });
  return out;
}

std::optional<SeriesInfo> SeriesResolver::Find(int64_t series_id) const {
  std::shared_lock lk(mutex_);
  auto it = key_by_id_.find(series_id);
  if (it == key_by_id_.end()) return std::nullopt;
  return by_key_.find(it->second)->second;
}

std::optional<SeriesInfo> SeriesResolver::FindKey(std::string_view key) const {
  std::shared_lock lk(mutex_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

const SeriesResolver::LineEntry* SeriesResolver::CachedLine(std::string_view prefix) const {
  auto it = lines_.find(prefix);
  return it == lines_.end() ? nullptr : &it->second;
}

const SeriesInfo* SeriesResolver::LineEntry::Find(std::string_view field, size_t position) const {
  if (position < fields.size() && fields[position].first == field) return &fields[position].second;
  for (const auto& [name, info] : fields) {
    if (name == field) return &info;
  }
  return nullptr;
}

void SeriesResolver::CacheLineField(std::string_view prefix, std::string_view field, const SeriesInfo& info) {
  std::unique_lock lk(mutex_);
  if (lines_.size() > 1'000'000) lines_.clear();  // bounded: a gateway inventing keys cannot grow it forever
  auto it = lines_.find(prefix);
  if (it == lines_.end()) {
    it = lines_.emplace(std::string(prefix), LineEntry{}).first;
    it->second.fields.reserve(4);  // a gateway's line has a few fields; no regrowth copying their keys
  }
  it->second.fields.emplace_back(std::string(field), info);
}

// --- Writes --------------------------------------------------------------------------------------------------------

AcceptWindow Service::Impl::window() const {
  return AcceptWindow{config.accept_past_days * 86'400'000, config.accept_future_s * 1000};
}

Status Service::Impl::CheckTimeMs(int64_t at_ms, std::string_view field, size_t points) {
  auto st = CheckPointTimeMs(at_ms, clock.NowMs(), window(), field);
  if (!st.ok()) points_outside_window += points;
  return st;
}

Status Service::Impl::CheckTimeNs(int64_t at_ns, std::string_view field, size_t points) {
  auto st = CheckPointTimeNs(at_ns, clock.NowMs(), window(), field);
  if (!st.ok()) points_outside_window += points;
  return st;
}

Result<WriteReport> Service::Impl::Store(std::vector<SeriesPoint>& points, size_t records) {
  PARK_TRY(engine.Append(points));
  AfterWrite(points);
  return WriteReport{records, points.size()};
}

Result<WriteReport> Service::WriteLineProtocol(const Principal& who, std::string_view body, Precision precision) {
  Impl& s = *impl_;
  LpOptions opts;
  opts.precision = precision;
  opts.default_timestamp_ns = s.clock.NowMs() * 1'000'000;
  LpBatch batch = ParseLineProtocol(body, opts);
  if (batch.error_count > 0) return BatchError(batch);
  // Points outside the accepted time window refuse the whole batch, as other bad lines do, before any series is
  // registered for it. Bounds in ns once (now +- at most 100 years fits), the message only for the first line.
  {
    const AcceptWindow w = s.window();
    const int64_t now_ms = s.clock.NowMs();
    const int64_t earliest_ns = (now_ms - w.past_ms) * 1'000'000, latest_ns = (now_ms + w.future_ms) * 1'000'000;
    const LpLine* first = nullptr;
    size_t lines = 0, outside = 0;
    for (const LpLine& line : batch.lines) {
      if (line.timestamp_ns >= earliest_ns && line.timestamp_ns <= latest_ns) continue;
      if (!first) first = &line;
      ++lines;
      outside += line.field_count;
    }
    if (first) {
      s.points_outside_window += outside;
      Status st = CheckPointTimeNs(first->timestamp_ns, now_ms, w, "line " + std::to_string(first->line_number));
      Error e = st.error();
      if (lines > 1) e.message += " (and " + std::to_string(lines - 1) + " more lines outside the window)";
      return e;
    }
  }
  std::vector<SeriesPoint> points(batch.fields.size());
  struct Miss {
    uint32_t line;
    uint32_t field;
  };
  std::vector<Miss> misses;
  std::string scratch;
  {
    std::shared_lock lk(s.resolver.mutex());
    for (uint32_t li = 0; li < batch.lines.size(); ++li) {
      const LpLine& line = batch.lines[li];
      const SeriesResolver::LineEntry* entry = s.resolver.CachedLine(RawPrefix(body, batch, line, scratch));
      for (uint32_t fi = line.first_field; fi < line.first_field + line.field_count; ++fi) {
        const LpField& f = batch.fields[fi];
        PARK_ASSIGN_OR_RETURN(double v, NumberOf(f, line.line_number));
        points[fi].timestamp_ns = line.timestamp_ns;
        points[fi].value = v;
        const SeriesInfo* info = entry ? entry->Find(f.key, fi - line.first_field) : nullptr;
        if (info == nullptr) {
          misses.push_back({li, fi});
          continue;
        }
        if (who.enterprise_id) PARK_TRY(CheckWriteScope(who, *info, "line " + std::to_string(line.line_number)));
        points[fi].series_id = info->id;
      }
    }
  }
  // A field named after a sensor, or a line named after a sensor with field "value", is that sensor's series;
  // anything else is the canonical "measurement,tags field" series, registered in one go when allowed.
  struct Canonical {
    const Miss* miss;
    size_t key;  // index into keys
  };
  std::vector<Canonical> canonical;
  std::vector<std::string> keys;
  std::unordered_map<std::string, size_t> key_index;
  for (const Miss& m : misses) {
    const LpLine& line = batch.lines[m.line];
    const LpField& f = batch.fields[m.field];
    std::optional<SeriesInfo> info = s.resolver.SensorSeries(f.key, who.enterprise_id);
    if (!info && f.key == "value") info = s.resolver.SensorSeries(line.measurement, who.enterprise_id);
    if (info) {
      PARK_TRY(CheckWriteScope(who, *info, "line " + std::to_string(line.line_number)));
      s.resolver.CacheLineField(RawPrefix(body, batch, line, scratch), f.key, *info);
      points[m.field].series_id = info->id;
      continue;
    }
    std::string key = SeriesKey(batch, line);
    key += ' ';
    key += f.key;
    const auto [it, added] = key_index.emplace(key, keys.size());
    if (added) keys.push_back(std::move(key));
    canonical.push_back({&m, it->second});
  }
  if (!keys.empty()) {
    auto infos = s.resolver.ForKeys(keys, who, "line");
    if (!infos.ok()) {
      // Name the first line that uses the refused series (keeping the code: a writer over its cap gets 429).
      for (const Canonical& c : canonical) {
        if (keys[c.key] == infos.error().field) {
          return Error{infos.error().code, "series '" + keys[c.key] + "': " + infos.error().message,
                       "line " + std::to_string(batch.lines[c.miss->line].line_number)};
        }
      }
      return infos.error();
    }
    for (const Canonical& c : canonical) {
      const LpLine& line = batch.lines[c.miss->line];
      const SeriesInfo& info = (*infos)[c.key];
      PARK_TRY(CheckWriteScope(who, info, "line " + std::to_string(line.line_number)));
      s.resolver.CacheLineField(RawPrefix(body, batch, line, scratch), batch.fields[c.miss->field].key, info);
      points[c.miss->field].series_id = info.id;
    }
  }
  return s.Store(points, batch.lines.size());
}

Result<WriteReport> Service::WriteJson(const Principal& who, std::string_view body, std::string_view key_prefix) {
  Impl& s = *impl_;
  JsonTelemetryOptions opts;
  opts.default_timestamp_ms = s.clock.NowMs();
  PARK_ASSIGN_OR_RETURN(auto records, ParseJsonTelemetry(body, opts));
  // Points outside the accepted time window refuse the whole batch before any series is registered for it.
  {
    const AcceptWindow w = s.window();
    const int64_t now_ms = s.clock.NowMs();
    std::optional<Error> first;
    size_t outside = 0;
    for (size_t ri = 0; ri < records.size(); ++ri) {
      const std::string where = records.size() > 1 ? "[" + std::to_string(ri) + "].ts" : "ts";
      Status here = CheckPointTimeMs(records[ri].timestamp_ms, now_ms, w, where);
      if (here.ok()) continue;
      outside += records[ri].values.size();
      if (!first) first = here.error();
    }
    if (first) {
      s.points_outside_window += outside;
      return *first;
    }
  }
  std::vector<SeriesPoint> points;
  struct Pending {
    size_t point;  // index into points
    size_t key;    // index into keys
    std::string where;
  };
  std::vector<Pending> pending;
  std::vector<std::string> keys;
  std::unordered_map<std::string, size_t> key_index;
  for (size_t ri = 0; ri < records.size(); ++ri) {
    const auto& rec = records[ri];
    for (const auto& v : rec.values) {
      const std::string where = records.size() > 1 ? "[" + std::to_string(ri) + "]." + v.key : v.key;
      double value = 0;
      switch (v.type) {
        case ValueType::kFloat: value = v.float_value; break;
        case ValueType::kInteger: value = static_cast<double>(v.int_value); break;
        case ValueType::kUnsigned: value = static_cast<double>(v.uint_value); break;
        case ValueType::kBoolean: value = v.bool_value ? 1 : 0; break;
        case ValueType::kString: return Error::Invalid(where, "is a string; ParkBrain stores numbers and booleans");
      }
      if (!std::isfinite(value)) return Error::Invalid(where, "must be a finite number");
      // A sensor's key (tried bare first when a prefix is given), an existing series, or a new key registered
      // below with the batch's other new keys, all or none (the caps admit a batch whole or refuse it).
      std::string key = key_prefix.empty() ? v.key : std::string(key_prefix) + "." + v.key;
      std::optional<SeriesInfo> info;
      if (!key_prefix.empty()) info = s.resolver.SensorSeries(v.key, who.enterprise_id);
      if (!info) info = s.resolver.FindKey(key);
      if (!info) info = s.resolver.SensorSeries(key, who.enterprise_id);
      if (info) {
        PARK_TRY(CheckWriteScope(who, *info, where));
        points.push_back({info->id, rec.timestamp_ms * 1'000'000, value});
        continue;
      }
      const auto [it, added] = key_index.emplace(key, keys.size());
      if (added) keys.push_back(std::move(key));
      pending.push_back({points.size(), it->second, where});
      points.push_back({0, rec.timestamp_ms * 1'000'000, value});
    }
  }
  if (!keys.empty()) {
    auto infos = s.resolver.ForKeys(keys, who, "json");
    if (!infos.ok()) {
      // Name the first value that uses the refused key; the code is kept (a writer over its hourly cap gets 429).
      for (const Pending& p : pending) {
        if (keys[p.key] == infos.error().field) return Error{infos.error().code, infos.error().message, p.where};
      }
      return infos.error();
    }
    for (const Pending& p : pending) {
      const SeriesInfo& info = (*infos)[p.key];
      PARK_TRY(CheckWriteScope(who, info, p.where));
      points[p.point].series_id = info.id;
    }
  }
  return s.Store(points, records.size());
}

Status Service::WriteMqtt(std::string_view topic_segment, std::string_view payload) {
  Principal system;
  system.name = "mqtt";
  system.role = Role::kDevice;
  size_t i = 0;
  while (i < payload.size() && std::isspace(static_cast<unsigned char>(payload[i]))) ++i;
  if (i < payload.size() && (payload[i] == '{' || payload[i] == '[')) {
    PARK_TRY(WriteJson(system, payload, topic_segment));
  } else {
    PARK_TRY(WriteLineProtocol(system, payload, Precision::kNanoseconds));
  }
  return {};
}

Status Service::Flush() { return impl_->engine.Seal(true); }

Status Service::ReloadAlarmRules() { return impl_->alarms->Load(); }

// --- HJ 212 --------------------------------------------------------------------------------------------------------

namespace {

class Hj212Session final : public Hj212Connection {
 public:
  Hj212Session(Service::Impl& impl, std::string remote)
      : impl_(impl), remote_(std::move(remote)), host_(remote_.substr(0, remote_.rfind(':'))), assembler_(impl.clock) {
    writer_.role = Role::kDevice;
  }

  std::optional<std::string> OnBytes(std::string_view bytes) override {
    std::string replies;
    splitter_.Append(bytes);
    while (auto item = splitter_.Next()) {
      if (!item->error.empty()) {
        if (!Bad(item->error)) return std::nullopt;
        continue;
      }
      ++impl_.hj212_frames;
      auto packet = hj212::ParseFrame(item->frame);
      if (!packet.ok()) {
        if (!Bad((packet.error().field.empty() ? "" : packet.error().field + ": ") + packet.error().message)) {
          return std::nullopt;
        }
        continue;
      }
      if (!impl_.config.hj212_password.empty() && packet->pw != impl_.config.hj212_password) {
        if (!Bad("MN " + packet->mn + ": wrong PW")) return std::nullopt;
        continue;
      }
      const std::string mn = Lower(packet->mn);
      if (mn != monitor_mn_) {
        monitor_ = impl_.resolver.Monitor(mn);
        monitor_mn_ = mn;
      }
      if (!monitor_ && !impl_.config.hj212_accept_unregistered) {
        ++impl_.hj212_unregistered;
        if (!Bad("MN " + packet->mn + " is not a registered monitoring point (no sensor key starts with \"" + mn +
                 ".\"; or set [hj212] accept_unregistered = true)",
                 "unregistered")) {
          return std::nullopt;
        }
        continue;
      }
      auto whole = assembler_.Add(std::move(*packet));
      if (!whole.ok()) {
        if (!Bad(whole.error().message)) return std::nullopt;
        continue;
      }
      if (!whole->has_value()) continue;
      const hj212::Packet& p = **whole;
      if (p.cn.size() != 4 || p.cn[0] != '2') continue;  // not a data upload: nothing to store
      if (auto st = StorePacket(p); !st.ok()) {
        // Not counted toward closing: the frame was well formed (a logger with a wrong clock, a full disk).
        Reject("MN " + p.mn + " CN " + p.cn + ": " + st.error().message, "store");
        continue;  // no reply: the logger sends it again
      }
      if (auto reply = hj212::BuildDataReply(p)) replies += *reply;
    }
    return replies;
  }

 private:
  // Logs a refused frame (rate-limited per kind and peer host: a flood costs a few lines a minute).
  void Reject(const std::string& why, std::string_view kind) {
    ++impl_.hj212_rejected;
    if (auto suppressed = impl_.log_limit.Allow("hj212 " + std::string(kind) + " " + host_)) {
      spdlog::warn("hj212 {}: rejected: {}{}", remote_, why, Suppressed(*suppressed));
    }
  }

  // A bad frame: rejected and counted toward [hj212] max_bad_frames. False when the connection must close now.
  bool Bad(const std::string& why, std::string_view kind = "bad_frame") {
    Reject(why, kind);
    ++impl_.hj212_bad_frames;
    if (++bad_frames_ < impl_.config.hj212_max_bad_frames) return true;
    ++impl_.hj212_closed_bad_frames;
    if (auto suppressed = impl_.log_limit.Allow("hj212 closed " + host_)) {
      spdlog::warn("hj212 {}: closed after {} bad frames ([hj212] max_bad_frames){}", remote_, bad_frames_,
                   Suppressed(*suppressed));
    }
    return false;
  }

  Status StorePacket(const hj212::Packet& p) {
    PARK_ASSIGN_OR_RETURN(int64_t at_ms, hj212::PacketTimeMs(p, impl_.config.utc_offset_minutes));
    const std::string mn = Lower(p.mn);
    const auto values = hj212::Flatten(p);
    PARK_TRY(impl_.CheckTimeMs(at_ms, "DataTime", values.size()));
    // A monitoring point is registered by giving its sensors keys "<mn>.<code>-<statistic>" (at least one); the
    // other statistics of a registered point are registered with it. Unknown points (only when the listener is
    // open: [hj212] accept_unregistered) follow the series policy.
    const bool known = monitor_.has_value();
    writer_.enterprise_id = known ? *monitor_ : std::nullopt;
    writer_.name = "hj212 MN " + mn;  // the per-writer series cap counts each data logger
    std::vector<SeriesPoint> points;
    for (const auto& v : values) {
      const std::string key = mn + "." + std::string(v.code) + "-" + Lower(v.statistic);
      auto info = impl_.resolver.ForKey(key, writer_, "hj212", known);
      if (!info.ok()) {
        return Error{info.error().code,
                     known ? info.error().message
                           : "MN " + p.mn + " is not a registered monitoring point: " + info.error().message,
                     key};
      }
      points.push_back({info->id, at_ms * 1'000'000, v.value});
    }
    // Hourly uploads also give each pollutant's mass for the hour (kg), the basis of monthly discharge totals.
    if (p.cn == hj212::kCnHourData) {
      for (const auto& d : hj212::Discharges(p).discharges) {
        const std::string key = mn + "." + std::string(d.code) + "-kg";
        auto info = impl_.resolver.ForKey(key, writer_, "hj212", known);
        if (!info.ok()) return Error{info.error().code, info.error().message, key};
        points.push_back({info->id, at_ms * 1'000'000, d.kg});
      }
    }
    if (points.empty()) return {};
    PARK_TRY(impl_.Store(points, 1));
    return {};
  }

  Service::Impl& impl_;
  std::string remote_;
  std::string host_;  // the peer's address without the port: the log limiter's key
  Principal writer_;  // who registers this connection's new series (per MN)
  uint32_t bad_frames_ = 0;
  std::string monitor_mn_;
  std::optional<std::optional<int64_t>> monitor_;
  hj212::FrameSplitter splitter_;
  hj212::SplitAssembler assembler_;
};

}  // namespace

std::unique_ptr<Hj212Connection> Service::NewHj212Connection(std::string remote_address) {
  return std::make_unique<Hj212Session>(*impl_, std::move(remote_address));
}

void Service::RegisterMetrics(http::Metrics& metrics) {
  metrics.AddCollector([&s = *impl_](std::string& out) {
    out += fmt::format(
        "# HELP parkbrain_telemetry_points_refused_total Points refused for their time, outside [telemetry] "
        "accept_past_days / accept_future_s of now.\n"
        "# TYPE parkbrain_telemetry_points_refused_total counter\n"
        "parkbrain_telemetry_points_refused_total{{reason=\"time_window\"}} {}\n"
        "# HELP parkbrain_telemetry_series_refused_total Writes refused because they would register series beyond a "
        "cap: the writer's hourly one or the park's total.\n"
        "# TYPE parkbrain_telemetry_series_refused_total counter\n"
        "parkbrain_telemetry_series_refused_total{{limit=\"max_new_series_per_token_per_hour\"}} {}\n"
        "parkbrain_telemetry_series_refused_total{{limit=\"max_series\"}} {}\n"
        "# HELP parkbrain_telemetry_series Series known (registry sensors' and registered ones).\n"
        "# TYPE parkbrain_telemetry_series gauge\nparkbrain_telemetry_series {}\n"
        "# HELP parkbrain_hj212_frames_total HJ 212 frames received.\n"
        "# TYPE parkbrain_hj212_frames_total counter\nparkbrain_hj212_frames_total {}\n"
        "# HELP parkbrain_hj212_rejected_total HJ 212 frames or bytes refused for any reason (nothing stored).\n"
        "# TYPE parkbrain_hj212_rejected_total counter\nparkbrain_hj212_rejected_total {}\n"
        "# HELP parkbrain_hj212_bad_frames_total Noise, malformed frames, wrong PW or unregistered MN: what counts "
        "toward [hj212] max_bad_frames.\n"
        "# TYPE parkbrain_hj212_bad_frames_total counter\nparkbrain_hj212_bad_frames_total {}\n"
        "# HELP parkbrain_hj212_unregistered_total HJ 212 frames from data loggers (MN) that are not registered.\n"
        "# TYPE parkbrain_hj212_unregistered_total counter\nparkbrain_hj212_unregistered_total {}\n"
        "# HELP parkbrain_hj212_connections_closed_total HJ 212 connections closed by the listener, by reason.\n"
        "# TYPE parkbrain_hj212_connections_closed_total counter\n"
        "parkbrain_hj212_connections_closed_total{{reason=\"bad_frames\"}} {}\n",
        s.points_outside_window.load(), s.resolver.refused_rate(), s.resolver.refused_total(),
        s.resolver.series_count(), s.hj212_frames.load(), s.hj212_rejected.load(), s.hj212_bad_frames.load(),
        s.hj212_unregistered.load(), s.hj212_closed_bad_frames.load());
  });
}

}  // namespace park::telemetry
