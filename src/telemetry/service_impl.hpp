// Internals of the telemetry service shared by its source files (ingest, routes, alarms, meters).
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "park/telemetry/alarm.hpp"
#include "park/telemetry/service.hpp"
#include "telemetry/engine.hpp"

namespace park::telemetry {

// What a series is bound to.
struct SeriesInfo {
  int64_t id = 0;
  std::string key;
  std::optional<int64_t> sensor_id;
  std::optional<int64_t> enterprise_id;
};

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Maps what arrives (line-protocol keys, JSON keys, HJ 212 codes) to series, registering them when allowed.
class SeriesResolver {
 public:
  SeriesResolver(store::Store& store, const Clock& clock, bool register_unknown)
      : store_(store), clock_(clock), register_unknown_(register_unknown) {}
  Status Load();

  // The series for a key, bound to the sensor with that key if there is one. nullptr with an error when the key is
  // unknown and may not be registered. `enterprise_id`: the writer's scope, for registering.
  // `always_register`: register an unknown key whatever the policy (series of a registered HJ 212 monitor).
  Result<SeriesInfo> ForKey(std::string_view key, std::optional<int64_t> enterprise_id, std::string_view source,
                            bool always_register = false);
  // Many keys at once, registering the unknown ones (when allowed) in one transaction: a gateway's first batch
  // can bring thousands of new series. Same order as `keys`.
  Result<std::vector<SeriesInfo>> ForKeys(const std::vector<std::string>& keys, std::optional<int64_t> enterprise_id,
                                          std::string_view source);
  // The enterprise of the registered monitoring point whose sensors' keys start with "<mn>.", if any.
  std::optional<std::optional<int64_t>> Monitor(std::string_view mn);
  // A sensor's key, or nullopt when no sensor has it.
  std::optional<SeriesInfo> SensorSeries(std::string_view key, std::optional<int64_t> enterprise_id);
  std::optional<SeriesInfo> Find(int64_t series_id) const;
  // The series with this key if one exists (never registers: for reads).
  std::optional<SeriesInfo> FindKey(std::string_view key) const;

  // Line-protocol fast path: the raw "measurement,tags" text of a line -> per field, the series.
  struct LineEntry {
    std::vector<std::pair<std::string, SeriesInfo>> fields;
    // The series of a field; `position` (its place on the line) is tried first, since a gateway sends its
    // fields in the same order on every line.
    const SeriesInfo* Find(std::string_view field, size_t position) const;
  };
  // Callers hold mutex() shared while they use the entry.
  const LineEntry* CachedLine(std::string_view prefix) const;
  void CacheLineField(std::string_view prefix, std::string_view field, const SeriesInfo& info);

  std::shared_mutex& mutex() const { return mutex_; }

 private:
  Result<SeriesInfo> Insert(std::string_view key, std::optional<int64_t> sensor_id,
                            std::optional<int64_t> enterprise_id, std::string_view source);
  store::Store& store_;
  const Clock& clock_;
  bool register_unknown_;
  mutable std::shared_mutex mutex_;
  std::mutex register_mutex_;  // held while registering many series (ForKeys)
  std::unordered_map<std::string, SeriesInfo, TransparentHash, std::equal_to<>> by_key_;
  std::unordered_map<int64_t, std::string> key_by_id_;
  std::unordered_map<std::string, LineEntry, TransparentHash, std::equal_to<>> lines_;
  // Keys recently found not to be sensor keys (forgotten every minute, so new sensors are found).
  std::unordered_map<std::string, int64_t, TransparentHash, std::equal_to<>> not_sensors_;
  int64_t not_sensors_since_ms_ = 0;
};

// Alarm rules and open alarms (alarms.cpp).
class AlarmEngine;

struct Service::Impl {
  Impl(store::Store& s, const Clock& c, http::LiveHub* h, Config cfg, WebhookSender w);
  ~Impl();

  store::Store& store;
  const Clock& clock;
  http::LiveHub* hub;
  Config config;
  WebhookSender webhook;
  Engine engine;
  SeriesResolver resolver;
  std::unique_ptr<AlarmEngine> alarms;

  // Background work.
  std::mutex bg_mutex;
  std::condition_variable bg_cv;
  bool stopping = false;
  std::thread worker;
  std::atomic<uint64_t> hj212_frames{0}, hj212_rejected{0};

  // After a durable write: alarms and the live feed.
  void AfterWrite(const std::vector<SeriesPoint>& points);
  Result<WriteReport> Store(std::vector<SeriesPoint>& points, size_t records);
  void Loop();
};

// Who may read telemetry (series, latest values, meters, alarms): every role that reads the park's assets.
inline const std::vector<Role> kTelemetryReaders = {Role::kParkAdmin,  Role::kParkStaff,  Role::kEnterpriseUser,
                                                    Role::kViewer,     Role::kTechnician, Role::kIntegrator};

// Checks that a principal may write to a series (device tokens only to their enterprise's series).
Status CheckWriteScope(const Principal& who, const SeriesInfo& s, std::string_view where);

EngineConfig ToEngineConfig(const Config& c);

}  // namespace park::telemetry
