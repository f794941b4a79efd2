// The dispatch service (issue 14) under /api/v1/dispatch/…, storage in migration 0012: tariffs as dated data,
// forecasts per 15 minutes (uploaded or modelled from the registry's PV arrays and turbines and the metered load),
// the day's battery plan solved by the pure library with its baselines and explanation, grid instructions that
// re-plan at once, orderly power use shared across enterprises by priority tier, the battery's setpoints over MQTT
// with acknowledgement, a rolling re-plan job and the big screen's summary. Energy managers are the park roles;
// an enterprise user reads its own enterprise's parameters and its own share of an order, nothing else.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/outbound.hpp"
#include "park/http/live.hpp"
#include "park/http/router.hpp"
#include "park/mqtt/mqtt.hpp"
#include "park/store/store.hpp"

namespace park::dispatch {

struct ServiceSources {
  store::Store& store;
  const Clock& clock;
  // Telemetry's routes are read through this router, in process, as the service itself (battery, meters).
  const http::Router& router;
  http::LiveHub* hub = nullptr;
  int utc_offset_minutes = 8 * 60;
  // An order's share is also posted to the enterprise's webhook_url (DingTalk/WeCom text); none: not sent.
  std::function<Status(const std::string& url, const std::string& json_body)> webhook = nullptr;
  OutboundPolicy webhook_policy{};
  // The battery PCS's setpoints: published when a broker is configured (mqtt_enabled).
  bool mqtt_enabled = false;
  mqtt::Options mqtt{};
  std::string topic_prefix = "parkbrain/dispatch";
  int64_t ack_timeout_ms = 60'000;
  // The periodic job: sends the current step's setpoint, marks unacknowledged ones missing and re-plans today
  // from the measured state of charge every replan_interval_ms.
  int64_t job_interval_ms = 15'000;
  int64_t replan_interval_ms = 3'600'000;
  // Which tariff applies to the park.
  std::string province = "zhejiang";
  std::string category = "large_industry";
  std::string voltage_class = "1-10kV";
  double import_max_mw = 300;
  double export_max_mw = 50;
  double carbon_price_yuan_per_t = 60;
};

class Service {
 public:
  explicit Service(ServiceSources sources);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void Register(http::Router& router);
  // The MQTT ack subscription and the periodic job. Stop waits for both.
  void Start();
  void Stop();
  // One pass of the job.
  Status RunOnce();

  struct Impl;
  // The service's state, for its own demo seeding (service_demo.cpp).
  Impl* impl_for_demo() { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

std::unique_ptr<Service> Register(http::Router& router, ServiceSources sources);

// The demo park's dispatch data (src/app/demo_dispatch.cpp drives it through these): stored as the system.
struct DemoInputs {
  int year = 0;
  std::vector<double> year_load_mw, year_pv_mw, year_wind_mw;  // hourly
  std::string date;                                             // today, local
  std::vector<double> cloud, speed_ms;                          // today's weather, 96 steps
  std::vector<double> load_mw;  // today's load, uploaded when the history has no day of today's season yet
  std::vector<std::pair<int64_t, double>> load_history;         // (instant ms, MW) per 15 min, weeks before today
  struct Tier {
    int64_t enterprise_id = 0;
    int priority_tier = 1;
    double interruptible_mw = 0, protected_mw = 0;
    std::string protected_reason;
  };
  std::vector<Tier> tiers;
  double instruction_limit_mw = 0;
  int64_t instruction_from = 0, instruction_to = 0;
  double order_cut_mw = 0;
  int64_t order_from = 0, order_to = 0;
};
Status SeedDemo(Service& service, const DemoInputs& inputs);

}  // namespace park::dispatch
