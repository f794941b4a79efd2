// Private to src/dispatch: the dispatch service's state and the helpers its route files share.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "park/core/json.hpp"
#include "park/dispatch/dispatch.hpp"
#include "park/dispatch/service.hpp"

namespace park::dispatch {

inline constexpr int kStepsPerDay = 96;
inline constexpr int64_t kStepMs = 15 * 60'000;
inline constexpr int64_t kMsPerHour = 3'600'000;
inline constexpr int64_t kMsPerDay = 24 * kMsPerHour;

// A stored tariff with its id.
struct StoredTariff {
  int64_t id = 0;
  Tariff tariff;
  std::string source;
  int64_t created_at = 0;
};

// The registry's flow battery and what telemetry last said of it.
struct BatteryState {
  int64_t equipment_id = 0;
  std::string tag;
  double energy_mwh = 0;
  std::optional<double> rated_power_mw, rated_soc_min, rated_soc_max;  // the nameplate, where it says
  std::optional<double> soc;  // fraction
  std::optional<int64_t> soc_at;
  std::string soc_sensor;
  std::optional<double> power_mw;  // positive: discharging
  std::optional<int64_t> power_at;
};

// What a plan is asked for.
struct PlanRequest {
  std::string date;
  int first_step = 0;  // 0: the whole day; else from this step of the day to midnight
  std::string kind = "day";  // day, instruction, rolling
  Text reason;
  std::optional<int64_t> parent_id;
  std::optional<double> soc_initial;
  std::optional<double> carbon_price, import_max, export_max;
  Json battery_overrides = Json::object();
};

struct Service::Impl {
  explicit Impl(ServiceSources s) : src(std::move(s)) {}
  ServiceSources src;

  // Job
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::thread worker;
  int64_t last_replan_ms = 0;
  std::unique_ptr<mqtt::Subscriber> acks;
  std::mutex publish_mutex;
  std::unique_ptr<mqtt::Publisher> publisher;

  Principal System() const;
  int64_t OffsetMs() const { return static_cast<int64_t>(src.utc_offset_minutes) * 60'000; }
  int64_t DayStart(const std::string& date) const;  // the instant of local midnight
  std::string DateOf(int64_t at) const;
  std::string Clock(int64_t at) const;  // HH:MM local

  // In-process GET of another module's route as the system.
  Result<Json> Get(const std::string& path, std::vector<std::pair<std::string, std::string>> query) const;

  Result<std::vector<StoredTariff>> Tariffs(store::Tx& tx) const;  // the defaults stored on first use
  Result<StoredTariff> TariffOn(store::Tx& tx, const std::string& date) const;
  Result<BatteryState> Battery() const;

  // Makes, stores and publishes a plan; returns its JSON (as GET /plans/{id}).
  Result<Json> MakePlan(const PlanRequest& req);
  Result<Json> PublishSetpoint(int64_t plan_id, std::optional<int> step);
  Status Job();
  void Loop();
  Status OnAck(const mqtt::Message& m);
  void Notify(int64_t order_id, int64_t enterprise_id, double cut_mw, int64_t from, int64_t to,
              const std::string& webhook_url);
};

// Problem <-> JSON (the stored form a plan's MPS is made from again).
Json ProblemJson(const Problem& p);
Result<Problem> ProblemFromJson(const Json& j);
Json TariffJson(const StoredTariff& t);
Result<Tariff> TariffFromJson(const Json& body);
Json BatteryJson(const struct Battery& b);

void RegisterRoutes(Service::Impl& s, http::Router& router);

}  // namespace park::dispatch
