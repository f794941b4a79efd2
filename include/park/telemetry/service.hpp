// The telemetry service: ingest (line protocol, JSON, MQTT payloads, HJ 212 frames), durable time-series
// storage, queries, meters, alarm rules and live push. Transport lives elsewhere: the server delivers HTTP
// requests through the router, the MQTT client and the HJ 212 TCP listener call the entry points below.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/principal.hpp"
#include "park/core/result.hpp"
#include "park/http/live.hpp"
#include "park/http/metrics.hpp"
#include "park/http/router.hpp"
#include "park/store/store.hpp"
#include "park/telemetry/line_protocol.hpp"

namespace park::telemetry {

struct Config {
  // Series that match no registry sensor: "reject" (the batch is refused, naming the series) or "register"
  // (created on first sight, scoped to the writer's enterprise).
  std::string unknown_series = "reject";
  uint32_t chunk_points = 720;              // a series' unsealed points become a chunk at this many
  int64_t seal_after_s = 3 * 3600;          // ... or when the oldest arrived this long ago
  size_t max_buffered_points = 4'000'000;   // unsealed points in memory (16 B each); above: 503 until sealed
  size_t max_pending_mib = 64;              // writes waiting for the disk; above: 429
  int raw_days = 90;                        // raw points kept this long, then 1-min rollups
  int rollup_1m_days = 365;                 // 0: forever
  int rollup_1h_days = 5 * 365;             // 0: forever; day rollups are kept forever
  int utc_offset_minutes = 8 * 60;          // local time of the park (days, months, HJ 212 timestamps)
  int64_t no_data_check_s = 10;             // how often no-data (offline) rules are checked
  std::string hj212_password;               // when set, HJ 212 packets must carry this PW
  // An HJ 212 connection is closed after this many bad frames (noise, bad length or CRC, malformed fields, wrong
  // PW, unregistered MN): junk on the port costs a few log lines, not megabytes.
  uint32_t hj212_max_bad_frames = 3;
  // false: only data loggers whose MN is registered (some sensor's key starts with "<mn>.") may store data; true:
  // an open listener, where unknown MNs follow unknown_series.
  bool hj212_accept_unregistered = false;
  // Points are accepted from this long before now to this long after it; others are refused (the whole batch over
  // HTTP, with 400). A point dated centuries ahead would stay a series' latest value for good.
  int64_t accept_past_days = 3650;
  int64_t accept_future_s = 86400;
  // New series not bound to a registry sensor, per writer (an API or session token; MQTT and HJ 212 count as one
  // writer each) per sliding hour: beyond, the batch is refused with 429. 10,000 admits a large gateway's first
  // batch (the benchmark's has 6,000 series) and stops a token that invents keys.
  uint32_t max_new_series_per_token_per_hour = 10'000;
  // All series together: beyond, batches that would register another are refused with 400 (registry sensors'
  // own series excepted). Each series costs memory (a head, a key) and rows for ever.
  size_t max_series = 100'000;
  // Webhook targets the park admin allows although they are not public addresses ("host" or "host:port"; config
  // [alarms] webhook_allow_hosts). Empty: alarm webhooks reach public addresses only (see park/core/outbound.hpp).
  std::vector<std::string> webhook_allow_hosts;
};

// A month of metered consumption or discharge for one enterprise and activity item (for the carbon accounting).
struct MeteredMonth {
  int64_t enterprise_id = 0;
  std::string item;  // activity item name: the meter's activity_item, or a pollutant ("cod", "nh3n", …)
  double amount = 0;
  std::string unit;  // as measured: the meter's unit, or "kg" for HJ 212 discharges
  std::string note;  // where it comes from: the meters' or monitoring points' keys
};

// Sends a webhook: url and JSON body; an error when delivery failed (it is retried, then logged).
using WebhookSender = std::function<Status(const std::string& url, const std::string& json_body)>;

struct WriteReport {
  size_t lines = 0;   // records or lines accepted
  size_t values = 0;  // field values stored
};

// One HJ 212 TCP connection: bytes in, replies out. Not thread-safe (one per connection).
class Hj212Connection {
 public:
  virtual ~Hj212Connection() = default;
  // Returns the bytes to send back (data replies), possibly empty; nullopt when the connection must be closed
  // (it sent [hj212] max_bad_frames bad frames; the rest of its bytes are not read).
  virtual std::optional<std::string> OnBytes(std::string_view bytes) = 0;
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> Create(store::Store& store, const Clock& clock, http::LiveHub* hub,
                                                 Config config, WebhookSender webhook = nullptr);
  ~Service();

  // /api/v1/write, /write (InfluxDB 1.x), /api/v1/telemetry, /api/v1/series…, /api/v1/meters…, /api/v1/alarms…
  void Register(http::Router& router);
  // Adds the ingest counters to /metrics (parkbrain_telemetry_*, parkbrain_hj212_*). The service must outlive
  // `metrics`' last Render.
  void RegisterMetrics(http::Metrics& metrics);

  // Starts the background work: sealing, retention, no-data checks, webhook delivery. Stop seals everything.
  void Start();
  void Stop();

  // Ingest entry points; each returns once the data is durable. Errors name the line/field and reason.
  Result<WriteReport> WriteLineProtocol(const Principal& who, std::string_view body, Precision precision);
  // `key_prefix` (e.g. from an MQTT topic segment): keys that are not series keys are tried as prefix + "." + key.
  Result<WriteReport> WriteJson(const Principal& who, std::string_view body, std::string_view key_prefix = {});
  // An MQTT message: JSON telemetry (object or array) or line protocol, with the topic's first wildcard segment as
  // the key prefix. Ingested with park-wide scope (the broker is configured by the park).
  Status WriteMqtt(std::string_view topic_segment, std::string_view payload);
  std::unique_ptr<Hj212Connection> NewHj212Connection(std::string remote_address);

  // Monthly totals ("YYYY-MM", local time) of meters bound to an activity item and of HJ 212 pollutant
  // discharges, per enterprise (all when `enterprise_id` is empty).
  Result<std::vector<MeteredMonth>> MeteredMonthTotals(std::string_view period, std::optional<int64_t> enterprise_id);

  // Seals every buffered point into chunks (tests, benchmarks, shutdown).
  Status Flush();
  // Reloads alarm rules after they were changed outside the API (the demo seeder).
  Status ReloadAlarmRules();

  struct Impl;

 private:
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace park::telemetry
