// The telemetry service's life cycle: creation, the background worker (sealing, retention, no-data checks,
// webhook delivery) and what follows every durable write (alarms, the live feed).
#include <spdlog/spdlog.h>

#include <map>

#include "park/core/outbound.hpp"
#include "park/core/time.hpp"
#include "telemetry/alarms.hpp"
#include "telemetry/service_impl.hpp"

namespace park::telemetry {

EngineConfig ToEngineConfig(const Config& c) {
  EngineConfig e;
  e.chunk_points = c.chunk_points;
  e.seal_after_ms = c.seal_after_s * 1000;
  e.max_head_points = c.max_buffered_points;
  e.max_pending_bytes = c.max_pending_mib << 20;
  e.raw_days = c.raw_days;
  e.rollup_1m_days = c.rollup_1m_days;
  e.rollup_1h_days = c.rollup_1h_days;
  e.utc_offset_minutes = c.utc_offset_minutes;
  return e;
}

Service::Impl::Impl(store::Store& s, const Clock& c, http::LiveHub* h, Config cfg, WebhookSender w)
    : store(s),
      clock(c),
      hub(h),
      config(std::move(cfg)),
      webhook(std::move(w)),
      engine(s, c, ToEngineConfig(config)),
      resolver(s, c, config.unknown_series == "register",
               SeriesCaps{config.max_new_series_per_token_per_hour, config.max_series}),
      alarms(std::make_unique<AlarmEngine>(*this)) {}

Service::Impl::~Impl() = default;

Result<std::unique_ptr<Service>> Service::Create(store::Store& store, const Clock& clock, http::LiveHub* hub,
                                                 Config config, WebhookSender webhook) {
  if (config.unknown_series != "reject" && config.unknown_series != "register") {
    return Error::Invalid("telemetry.unknown_series", "must be \"reject\" or \"register\"");
  }
  auto impl = std::make_unique<Impl>(store, clock, hub, std::move(config), std::move(webhook));
  PARK_TRY(impl->resolver.Load());
  PARK_TRY(impl->engine.Open());
  PARK_TRY(impl->alarms->Load());
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Service::~Service() { Stop(); }

void Service::Start() {
  Impl& s = *impl_;
  std::lock_guard lk(s.bg_mutex);
  if (s.worker.joinable()) return;
  s.stopping = false;
  s.worker = std::thread([&s] { s.Loop(); });
}

void Service::Stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lk(s.bg_mutex);
    if (!s.worker.joinable()) return;
    s.stopping = true;
  }
  s.bg_cv.notify_all();
  s.worker.join();
  if (auto st = s.engine.Seal(true); !st.ok()) {
    spdlog::error("telemetry: sealing at shutdown failed ({}); the points stay in the log", st.error().message);
  }
}

void Service::Impl::Loop() {
  int64_t last_retention = 0;
  int64_t last_no_data = 0;
  for (;;) {
    {
      std::unique_lock lk(bg_mutex);
      bg_cv.wait_for(lk, std::chrono::seconds(1), [&] { return stopping; });
      if (stopping) return;
    }
    const int64_t now = clock.NowMs();
    if (auto st = engine.Seal(false); !st.ok()) spdlog::error("telemetry: sealing failed: {}", st.error().message);
    if (now - last_no_data >= config.no_data_check_s * 1000) {
      last_no_data = now;
      alarms->CheckNoData();
    }
    if (now - last_retention >= 3600 * 1000) {
      last_retention = now;
      if (auto st = engine.ApplyRetention(); !st.ok()) {
        spdlog::error("telemetry: retention failed: {}", st.error().message);
      }
    }
    for (auto& d : alarms->TakeDeliveries()) {
      if (!webhook) break;
      if (auto st = webhook(d.url, d.body); !st.ok()) {
        // The log shows the URL masked: its query holds the robot's access token.
        const auto code = st.error().code;
        if (code == ErrorCode::kInvalidArgument || code == ErrorCode::kPermissionDenied) {
          // A refused target (not a public address, and not allowed in [alarms] webhook_allow_hosts) stays refused.
          spdlog::warn("alarms: webhook {} refused, dropped: {}", MaskUrlSecrets(d.url), st.error().message);
        } else if (++d.attempts < 5) {
          alarms->Requeue(std::move(d));
        } else {
          spdlog::warn("alarms: webhook {} failed 5 times, dropped: {}", MaskUrlSecrets(d.url), st.error().message);
        }
      }
    }
  }
}

// After a durable write: alarm rules see the points, and the live feed gets the newest value of each sensor.
void Service::Impl::AfterWrite(const std::vector<SeriesPoint>& points) {
  alarms->Observe(points);
  if (!hub || hub->size() == 0) return;
  std::map<int64_t, const SeriesPoint*> newest;
  for (const auto& p : points) {
    auto& n = newest[p.series_id];
    if (!n || p.timestamp_ns >= n->timestamp_ns) n = &p;
  }
  std::map<std::optional<int64_t>, Json> by_enterprise;
  for (const auto& [id, p] : newest) {
    auto info = resolver.Find(id);
    if (!info || !info->sensor_id) continue;  // only registry sensors are pushed live
    auto& list = by_enterprise[info->enterprise_id];
    if (list.is_null()) list = Json::array();
    if (list.size() >= 1000) continue;
    list.push_back({{"sensor_id", *info->sensor_id},
                    {"series_id", id},
                    {"key", info->key},
                    {"ts", FormatInstantMs(p->timestamp_ns / 1'000'000)},
                    {"value", p->value}});
  }
  for (auto& [enterprise, list] : by_enterprise) hub->Publish("telemetry", {{"values", list}}, enterprise, kScreenTelemetryReaders);
}

}  // namespace park::telemetry
