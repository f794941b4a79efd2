// Alarm rules applied to incoming points, the open alarms, their storage, audit, live events and webhooks.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "park/core/json.hpp"
#include "park/http/live.hpp"
#include "park/http/router.hpp"
#include "park/telemetry/alarm.hpp"
#include "telemetry/service_impl.hpp"

namespace park::telemetry {

struct AlarmRule {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> enterprise_id;
  std::optional<int64_t> sensor_id;
  std::string equipment_type;  // with quantity: every sensor of this equipment type (and enterprise, when set)
  std::string quantity;
  std::string kind;            // "threshold", "rate" or "no_data"
  std::optional<double> high, low;
  double deadband = 0;
  std::optional<double> max_rate_per_s;
  std::optional<int64_t> timeout_s;
  std::string severity;        // "info", "warning", "critical"
  std::string webhook_url;
  std::string webhook_format;  // "dingtalk", "wecom" or "json"
  bool enabled = true;
};

// The whole rule, webhook URL included: for the audit log (park admins only) and RuleJsonFor.
Json RuleJson(const AlarmRule& r);
// Whether `who` may see the rule's full webhook URL (a DingTalk/WeCom robot URL carries the token that lets anyone
// post into the group): park admins, and enterprise users of the rule's own enterprise. Everyone else sees it
// through MaskUrlSecrets.
bool SeesWebhookUrl(const AlarmRule& r, const Principal& who);
// The rule as `who` may see it: RuleJson with "webhook_url" masked unless SeesWebhookUrl, and
// "webhook_url_masked" telling which (a form then knows not to offer the masked text as a URL).
Json RuleJsonFor(const AlarmRule& r, const Principal& who);
// A rule from a row of kRuleColumns (in that order).
AlarmRule RuleFromRow(const store::Row& r);
inline constexpr std::string_view kRuleColumns =
    "id, name, enterprise_id, sensor_id, equipment_kind, quantity, kind, high, low, deadband, max_rate_per_s, "
    "timeout_s, severity, webhook_url, webhook_format, enabled";

// The stored alarm as the API shows it: with its rule, sensor, equipment, location, enterprise and handling.
// `kAlarmSelect` ends before WHERE; AlarmRowJson reads its columns. A screen (viewer) sees what is wrong where,
// without the park's assets or people (equipment, location, notes, assignee).
extern const std::string kAlarmSelect;
Json AlarmRowJson(const store::Row& row, bool screen);
Result<std::optional<store::Row>> ReadAlarmRow(store::Tx& tx, int64_t id);
// Tells the live feed: the full row to the REST twin's readers, the screen's shape to screen tokens.
void PublishAlarm(http::LiveHub* hub, std::string_view event, const store::Row& row);
// GET /api/v1/alarms, …/stats, …/{id}, …/{id}/assignees; POST …/{id}/acknowledge, assign, comments, close.
void RegisterAlarmRoutes(Service::Impl& s, http::Router& router);

class AlarmEngine {
 public:
  AlarmEngine(Service::Impl& service) : s_(service) {}
  // Loads the rules, the sensors they cover and the open alarms.
  Status Load();
  // Feeds durable points (sensor series only; others are ignored quickly).
  void Observe(const std::vector<SeriesPoint>& points);
  // Checks no-data rules; called periodically.
  void CheckNoData();
  // `note` (may be empty) is kept in the audit entry: what was done about it.
  Result<Json> Acknowledge(int64_t alarm_id, const Principal& who, const std::string& note);
  // A person finishes the alarm with a cause; one whose condition still holds leaves the open book too.
  // Errors: kNotFound (not visible to `who`), kConflict (already closed).
  Result<Json> Close(int64_t alarm_id, const Principal& who, const Closure& closure);
  // Webhook deliveries waiting; the worker drains them.
  struct Delivery {
    std::string url;
    std::string body;
    int attempts = 0;
  };
  std::vector<Delivery> TakeDeliveries();
  void Requeue(Delivery d);
  size_t open_count() const;

 private:
  struct Watch {  // one rule on one series
    const AlarmRule* rule = nullptr;
    int64_t series_id = 0;
    int64_t sensor_id = 0;
    std::optional<int64_t> enterprise_id;
    std::string sensor_key;
    std::string sensor_name;
    std::string unit;
    std::optional<ThresholdMachine> threshold;
    std::optional<RateOfChangeMachine> rate;
    std::optional<NoDataMachine> no_data;
  };
  void Handle(Watch& w, Condition c, double value, int64_t now_ms);
  // Returns the stored row as the API shows it (nullopt when it could not be stored).
  std::optional<store::Row> Persist(const AlarmEvent& e, const Watch& w, const Principal* actor = nullptr,
                                    const std::string& note = {});
  Json AlarmJson(const Alarm& a, const Watch* w) const;
  // Who may act on the alarm: its enterprise and whether it is closed. kNotFound when `who` may not see it.
  Status CheckHandler(int64_t alarm_id, const Principal& who, std::optional<int64_t>& enterprise, std::string& state);

  Service::Impl& s_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<AlarmRule>> rules_;
  std::vector<std::unique_ptr<Watch>> watches_;
  std::unordered_map<int64_t, std::vector<Watch*>> by_series_;
  std::map<std::pair<int64_t, int64_t>, Watch*> by_rule_series_;
  AlarmBook book_;
  std::deque<Delivery> deliveries_;
};

}  // namespace park::telemetry
