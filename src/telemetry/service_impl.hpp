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

#include "park/core/log_limit.hpp"
#include "park/telemetry/alarm.hpp"
#include "park/telemetry/service.hpp"
#include "park/telemetry/window.hpp"
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

// Limits on registering series that no registry sensor stands for (config [telemetry]).
struct SeriesCaps {
  uint32_t per_writer_per_hour = 10'000;  // max_new_series_per_token_per_hour
  size_t total = 100'000;                 // max_series
};

// Maps what arrives (line-protocol keys, JSON keys, HJ 212 codes) to series, registering them when allowed.
// Registering is capped per writer and in total (SeriesCaps); a refusal registers none of the batch's keys, is
// counted (refused_rate(), refused_total()), logged (rate-limited) and audited once per logged line.
class SeriesResolver {
 public:
  SeriesResolver(store::Store& store, const Clock& clock, bool register_unknown, SeriesCaps caps = {})
      : store_(store), clock_(clock), register_unknown_(register_unknown), caps_(caps), log_limit_(clock, 5, 60'000) {}
  Status Load();

  // The series for a key, bound to the sensor with that key if there is one. nullptr with an error when the key is
  // unknown and may not be registered. `who`: the writer, whose enterprise scopes a new series and whose token
  // (or name, for MQTT and HJ 212) the per-writer cap counts. `always_register`: register an unknown key whatever
  // the policy (series of a registered HJ 212 monitor). Errors: kInvalidArgument (not registrable, or the total
  // cap reached: 400), kResourceExhausted (the writer's hourly cap: 429).
  Result<SeriesInfo> ForKey(std::string_view key, const Principal& who, std::string_view source,
                            bool always_register = false);
  // Many keys at once, registering the unknown ones (when allowed) in one transaction: a gateway's first batch
  // can bring thousands of new series. Same order as `keys`. All or none: when the caps do not admit every new
  // key, none is registered.
  Result<std::vector<SeriesInfo>> ForKeys(const std::vector<std::string>& keys, const Principal& who,
                                          std::string_view source);
  uint64_t refused_rate() const { return refused_rate_.load(); }
  uint64_t refused_total() const { return refused_total_.load(); }
  size_t series_count() const;
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
  // Whether `who` may register `count` new series now; records them when it may. Caller holds register_mutex_.
  Status AdmitNew(const Principal& who, size_t count, std::string_view first_key);
  store::Store& store_;
  const Clock& clock_;
  bool register_unknown_;
  const SeriesCaps caps_;
  LogLimiter log_limit_;
  // Per writer ("token <id>" or the writer's name): when it registered how many series in the last hour, oldest
  // first. Guarded by register_mutex_; writers with nothing in the last hour are dropped.
  std::unordered_map<std::string, std::deque<std::pair<int64_t, uint32_t>>> registered_by_writer_;
  std::atomic<uint64_t> refused_rate_{0}, refused_total_{0};
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
  std::atomic<uint64_t> hj212_bad_frames{0};          // counted toward closing the connection
  std::atomic<uint64_t> hj212_closed_bad_frames{0};   // connections closed at [hj212] max_bad_frames
  std::atomic<uint64_t> hj212_unregistered{0};        // frames of MNs that are not registered (nothing stored)
  std::atomic<uint64_t> points_outside_window{0};     // points refused for their time ([telemetry] accept_*)
  LogLimiter log_limit{clock, 10, 60'000};            // ingest warnings: 10 per kind and peer per minute

  // The accepted time window from the config; Check*: the window check that also counts `points` refusals.
  AcceptWindow window() const;
  Status CheckTimeMs(int64_t at_ms, std::string_view field, size_t points = 1);
  Status CheckTimeNs(int64_t at_ns, std::string_view field, size_t points = 1);

  // After a durable write: alarms and the live feed.
  void AfterWrite(const std::vector<SeriesPoint>& points);
  Result<WriteReport> Store(std::vector<SeriesPoint>& points, size_t records);
  void Loop();
};

// Who may read telemetry (series, points, buckets, meters, alarm rules): every role that reads the park's assets.
inline const std::vector<Role> kTelemetryReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser,
                                                    Role::kTechnician, Role::kIntegrator};
// Latest values and alarms are also what the big screen shows, so screen (viewer) tokens read them too. The live
// feed's "telemetry" and "alarm" events go to exactly these roles, the readers of their REST twins.
inline const std::vector<Role> kScreenTelemetryReaders = {Role::kParkAdmin,  Role::kParkStaff,  Role::kEnterpriseUser,
                                                          Role::kTechnician, Role::kIntegrator, Role::kViewer};

// Checks that a principal may write to a series (device tokens only to their enterprise's series).
Status CheckWriteScope(const Principal& who, const SeriesInfo& s, std::string_view where);

EngineConfig ToEngineConfig(const Config& c);

}  // namespace park::telemetry
