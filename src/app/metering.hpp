// Metered carbon activity: telemetry's monthly meter and discharge totals become the carbon accounting's
// activity rows (source "metered"). The two modules do not know each other; the app joins them here.
#pragma once
#include <condition_variable>
#include <mutex>
#include <thread>

#include "park/carbon/service.hpp"
#include "park/core/clock.hpp"
#include "park/http/router.hpp"
#include "park/telemetry/service.hpp"

namespace park::app {

// One month ("YYYY-MM") for one enterprise or all: telemetry totals → carbon StoreMetered.
Result<carbon::MeteredOutcome> SyncMetered(telemetry::Service& telemetry, carbon::Service& carbon,
                                           std::string_view period, std::optional<int64_t> enterprise_id,
                                           const Principal* actor);

// The current and the previous month (local time) for the whole park, logged.
void SyncRecentMonths(telemetry::Service& telemetry, carbon::Service& carbon, const Clock& clock,
                      int utc_offset_minutes);

// POST /api/v1/carbon/metered?period=YYYY-MM[&enterprise_id=N]
void RegisterMeteringRoute(http::Router& router, telemetry::Service& telemetry, carbon::Service& carbon);

// Every hour: the current and the previous month (local time) for the whole park.
class MeteringJob {
 public:
  MeteringJob(telemetry::Service& telemetry, carbon::Service& carbon, const Clock& clock, int utc_offset_minutes)
      : telemetry_(telemetry), carbon_(carbon), clock_(clock), utc_offset_minutes_(utc_offset_minutes) {}
  ~MeteringJob() { Stop(); }
  void Start();
  void Stop();
  void RunOnce();

 private:
  telemetry::Service& telemetry_;
  carbon::Service& carbon_;
  const Clock& clock_;
  int utc_offset_minutes_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace park::app
