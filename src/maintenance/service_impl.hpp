// Private to the maintenance service: shared state and helpers of service*.cpp.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "park/core/json.hpp"
#include "park/http/http.hpp"
#include "park/maintenance/plan.hpp"
#include "park/maintenance/service.hpp"
#include "park/maintenance/statutory.hpp"

namespace park::maintenance {

// Readers of plans and work orders: the live events "maintenance" follow GET /api/v1/maintenance/plans.
inline const std::vector<Role> kReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser,
                                           Role::kTechnician};
// Managers create plans, work orders and stock.
inline const std::vector<Role> kManagers = {Role::kParkAdmin, Role::kEnterpriseUser};
// Those who work orders: the library decides each step's roles.
inline const std::vector<Role> kWorkers = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser,
                                           Role::kTechnician};
inline const std::vector<Role> kHands = {Role::kParkAdmin, Role::kEnterpriseUser, Role::kTechnician};

constexpr std::string_view kPlanCols =
    "id, enterprise_id, equipment_id, name, kind, unit, every_n, anchor, start_date, lead_by, basis, sensor_id, "
    "threshold, counted_from, alarm_rule_id, priority, last_done_at, reminded_for, opened_for, created_at, webhook_url, "
    "type_plan_id";
constexpr std::string_view kOrderCols =
    "id, enterprise_id, equipment_id, title, description, priority, state, due_date, assignee, plan_id, alarm_id, "
    "note, done_by, done_signature, done_at, verified_by, verified_signature, verified_at, created_by, created_at, "
    "updated_at";

// A plan's next due, derived now.
struct PlanDue {
  std::string key;       // identifies this due (the due date, or the completion a meter counts from)
  bool remind = false;
  bool due_now = false;
  int64_t overdue_days = 0;
  std::optional<std::string> due_date;  // calendar plans
  Json json;             // as GET shows it
};

struct Service::Impl {
  explicit Impl(ServiceSources s) : src(s) {}
  ServiceSources src;
  std::vector<StatutoryRule> rules;

  // The job and the alarm hook.
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::deque<Json> raised;  // alarm rows raised, waiting for the worker
  uint64_t subscription = 0;
  std::thread worker;

  Principal System() const;
  // Samples of a series from `from_ms` to now through telemetry's points route (empty when there is none).
  Result<std::vector<Sample>> Points(int64_t series_id, int64_t from_ms, int64_t to_ms) const;
  // Hourly means of a series (for trends), each at the middle of its hour.
  Result<std::vector<Sample>> HourlyMeans(int64_t series_id, int64_t from_ms, int64_t to_ms) const;
  // Means per bucket of `width` ("10m", "1h"), each at its bucket's start; empty buckets left out.
  Result<std::vector<Sample>> Means(int64_t series_id, int64_t from_ms, int64_t to_ms, const std::string& width) const;
  Result<PlanDue> Due(const store::Row& plan) const;
  // `who` decides whether the webhook URL is shown whole or masked (park admins and the plan's enterprise).
  Json PlanJson(const store::Row& plan, const PlanDue& due, const Principal* who = nullptr) const;
  // Opens work orders for condition plans' alarms that have none yet (raises the hook missed: a restart).
  Status SweepAlarms();
  // Posts a plan's reminder to its webhook (on the worker thread; a failure is logged).
  void SendReminder(const store::Row& plan, const PlanDue& due);

  // Opens a work order in `tx` and audits it; returns its id.
  Result<int64_t> OpenOrder(store::Tx& tx, const Principal* who, int64_t enterprise_id, int64_t equipment_id,
                            const std::string& title, const std::string& description, const std::string& priority,
                            std::optional<std::string> due_date, std::optional<int64_t> plan_id,
                            std::optional<int64_t> alarm_id);
  void PublishOrder(std::string_view event, const Json& order) const;

  Status HandleRaised(const Json& alarm);
  Status Run();   // one pass of the job
  void Loop();    // the worker thread

  void RegisterPlans(http::Router& router);
  void RegisterOrders(http::Router& router);
  void RegisterStock(http::Router& router);
  void RegisterRegulated(http::Router& router);
  void RegisterHealth(http::Router& router);
  void RegisterScreen(http::Router& router);       // service_screen.cpp: the big screen's maintenance panel
  void RegisterTypePlans(http::Router& router);    // service_type_plans.cpp: plans on an equipment type
  // Gives every equipment of a type plan's kind and enterprise its own plan (those added since, too); only the type
  // plan `only` when set. Returns the ids of the plans made. From Run and when a type plan is stored.
  Result<std::vector<int64_t>> ApplyTypePlans(store::Tx& tx, std::optional<int64_t> only) const;
  // How a plan made from a type plan was derived (nullopt for a plan on one equipment).
  std::optional<Json> TypeOrigin(const store::Row& plan) const;
  // Health of the equipment in `scope` (one when `only` is set) that `who` may see, each with its terms:
  // {"items": [...], "mean_score"} as GET /health answers it (trends only `with_trends`).
  Result<Json> HealthOf(const Principal& who, std::optional<int64_t> scope, std::optional<int64_t> only,
                        bool with_trends) const;
  void RegisterPerformance(http::Router& router);  // service_performance.cpp
  void RegisterRounds(http::Router& router);       // service_rounds.cpp: inspection routes, rounds, findings
  void RegisterFiles(http::Router& router);        // service_files.cpp: work-order and round attachments
  // From Run: publishes "round_missed" once for each window that ended with no round started in it.
  Status FlagMissedRounds();
  // A turbine's, array's or battery's performance over [from, to) as GET /performance/{id} answers it.
  Result<Json> Assess(const Principal& who, int64_t equipment_id, int64_t from, int64_t to) const;
  // The assessment of the 24 h before `at`, its figure written to the equipment's performance sensor (quantity
  // "performance") at `at` through the telemetry write route, so alarm rules and condition plans act on it.
  // nullopt when the equipment has no performance sensor.
  Result<std::optional<Json>> RecordPerformance(int64_t equipment_id, int64_t at) const;
  // From Run: every equipment with a performance sensor once an hour; one without a figure yet (no data: a demo
  // still backfilling) is tried again a minute later.
  Status AssessPerformance();
  std::map<int64_t, int64_t> assessed_hour;  // equipment id -> the hour its figure was recorded for

  // Meter plans' counts carried forward (plan id -> memo): a read adds only the readings after the last one counted
  // instead of reading the series from the last completion again. A memo is dropped when the plan's counting
  // changes (completion, sensor, threshold) and recounted whole once it is an hour old, which takes in readings
  // that arrived late for a time already counted. Guarded by meter_mutex (GET handlers and the job share it).
  struct MeterMemo {
    int64_t series = 0;
    int64_t from = 0;
    double threshold = 0;
    std::string basis;
    MeterProgress progress;
    int64_t counted_whole_at = 0;
  };
  static constexpr int64_t kMeterRecountMs = 3'600'000;
  mutable std::mutex meter_mutex;
  mutable std::map<int64_t, MeterMemo> meter_memo;
  // Type plan id -> (equipment type, sensor quantity), read once (type plans are never changed). Under meter_mutex.
  mutable std::map<int64_t, std::pair<std::string, std::string>> type_plan_kinds;
  int64_t last_assessment_ms = 0;
};

// A plan's fields but its equipment (and, for a plan on an equipment type, its sensor), as POST /plans reads them.
struct PlanSpec {
  std::string name, kind, priority, webhook_url;
  CalendarPlan cal;
  MeterPlan met;
  std::optional<int64_t> sensor;        // meter, one equipment: the sensor counted
  double threshold = 0.5;               // meter: run hours and starts
  std::optional<int64_t> counted_from;  // meter: counting starts here (default: when stored)
  std::optional<int64_t> rule;          // condition: the alarm rule
};
// Reads a plan's fields from `in`, recording every failure there. `by_type`: a plan on an equipment type, whose
// meter sensor is chosen per equipment (by quantity, read by the caller), so sensor_id is not read.
PlanSpec ReadPlanSpec(JsonReader& in, const OutboundPolicy& webhook_policy, bool by_type);
// The spec as a request body ReadPlanSpec reads back (stored as a type plan's definition).
Json PlanSpecJson(const PlanSpec& spec);
// A condition plan's rule must be the enterprise's own or park-wide; else 400 naming alarm_rule_id.
Status CheckPlanRule(store::Tx& tx, int64_t rule_id, int64_t enterprise_id);
// Stores one equipment's plan (not audited: the caller audits with its actor); returns its id.
Result<int64_t> InsertPlan(store::Tx& tx, const Clock& clock, const PlanSpec& spec, int64_t enterprise_id,
                           int64_t equipment_id, std::optional<int64_t> sensor_id, std::optional<int64_t> type_plan_id);

Json OrderJson(const store::Row& r);
http::Response Fail(const Error& e);
http::RouteDoc Doc(std::string summary, Json request, Json response, int status = 200);
Json Obj(Json properties = Json::object(), std::vector<std::string> required = {});
// The equipment (enterprise id) if `who` may see it, else a 400 naming `field`.
Result<int64_t> EquipmentEnterprise(store::Tx& tx, const Principal& who, int64_t equipment_id, const char* field);
Result<std::optional<int64_t>> QueryInt(const http::Request& req, const char* key);

}  // namespace park::maintenance
