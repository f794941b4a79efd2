// Alarm rules as pure state machines, and the alarm lifecycle active -> acknowledged -> cleared.
//
// A rule machine watches one series and says which condition holds (normal, high, low, rate of change, no data);
// the AlarmBook turns condition changes into alarms, one open alarm per rule and series (deduplicated), and emits
// the events that notifications, the WebSocket feed and the audit log need. Nothing here knows about storage or
// transport; time comes from the caller or an injected Clock. Not thread-safe: one owner per rule set.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/clock.hpp"
#include "park/core/result.hpp"

namespace park::telemetry {

// Persisted with alarms: do not renumber.
enum class Condition : uint8_t { kNormal = 0, kHigh = 1, kLow = 2, kRateOfChange = 3, kNoData = 4 };
std::string_view ConditionName(Condition c);

// Raise above `high`, clear below `high - deadband`; raise below `low`, clear above `low + deadband`. The deadband
// keeps a value hovering at the limit from raising and clearing on every reading.
struct ThresholdRule {
  std::optional<double> high = std::nullopt;
  std::optional<double> low = std::nullopt;
  double deadband = 0;  // in the series' unit, >= 0
};

Status ValidateThresholdRule(const ThresholdRule& rule);

class ThresholdMachine {
 public:
  explicit ThresholdMachine(ThresholdRule rule) : rule_(rule) {}
  // The condition after this value. NaN leaves the condition unchanged (a gap is not a reading).
  Condition Observe(double value);
  Condition condition() const { return condition_; }

 private:
  ThresholdRule rule_;
  Condition condition_ = Condition::kNormal;
};

// Raise when |dv/dt| between consecutive readings exceeds max_rate_per_s; clear when it falls below
// max_rate_per_s - deadband_per_s.
struct RateRule {
  double max_rate_per_s = 0;  // > 0, in the series' unit per second
  double deadband_per_s = 0;  // >= 0
};

Status ValidateRateRule(const RateRule& rule);

class RateOfChangeMachine {
 public:
  explicit RateOfChangeMachine(RateRule rule) : rule_(rule) {}
  // Readings not newer than the previous one, and NaN values, are ignored (condition unchanged).
  Condition Observe(int64_t timestamp_ms, double value);
  Condition condition() const { return condition_; }

 private:
  RateRule rule_;
  Condition condition_ = Condition::kNormal;
  std::optional<std::pair<int64_t, double>> previous_;
};

// Offline when nothing arrived for longer than timeout_ms. Arrival time is the clock's, not the reading's
// timestamp: device clocks drift and back-filled data is not a sign of life now.
class NoDataMachine {
 public:
  // The silence counts from construction, so a device that never reports goes offline too.
  NoDataMachine(int64_t timeout_ms, const Clock& clock)
      : timeout_ms_(timeout_ms), clock_(clock), last_seen_ms_(clock.NowMs()) {}
  void Observe() { last_seen_ms_ = clock_.NowMs(); }
  Condition Check() const {
    return clock_.NowMs() - last_seen_ms_ > timeout_ms_ ? Condition::kNoData : Condition::kNormal;
  }
  int64_t last_seen_ms() const { return last_seen_ms_; }

 private:
  int64_t timeout_ms_;
  const Clock& clock_;
  int64_t last_seen_ms_;
};

// Persisted: do not renumber.
enum class AlarmState : uint8_t { kActive = 0, kAcknowledged = 1, kCleared = 2 };
std::string_view AlarmStateName(AlarmState s);

struct Alarm {
  uint64_t id = 0;
  std::string rule_id;
  std::string series_key;
  Condition condition = Condition::kNormal;  // the latest abnormal condition
  AlarmState state = AlarmState::kActive;
  int64_t raised_ms = 0;
  int64_t acknowledged_ms = 0;  // 0 until acknowledged
  std::string acknowledged_by;
  int64_t cleared_ms = 0;    // 0 until cleared
  double trigger_value = 0;  // the value that raised it
  double last_value = 0;     // the latest value seen while open
  uint32_t repeats = 0;      // abnormal readings folded into this alarm after the first (deduplication)
};

enum class AlarmEventKind : uint8_t { kRaised, kConditionChanged, kAcknowledged, kCleared };

struct AlarmEvent {
  AlarmEventKind kind = AlarmEventKind::kRaised;
  Alarm alarm;  // the alarm after the change
};

// Open alarms, at most one per (rule, series). Cleared alarms leave the book (the event carries them to storage).
class AlarmBook {
 public:
  explicit AlarmBook(uint64_t next_id = 1) : next_id_(next_id) {}

  // Feeds what a rule machine says about a series. Returns an event when an alarm was raised, changed condition
  // (e.g. high -> low) or cleared; nothing when the state stays (a repeated abnormal reading only counts a repeat).
  std::optional<AlarmEvent> Update(std::string_view rule_id, std::string_view series_key, Condition condition,
                                   double value, int64_t now_ms);
  // Errors: kNotFound (no open alarm with this id), kConflict (already acknowledged).
  Result<AlarmEvent> Acknowledge(uint64_t alarm_id, std::string_view user, int64_t now_ms);
  // Re-opens alarms loaded from storage after a restart. Errors: kConflict when one is already open for the key.
  Status Restore(Alarm alarm);
  // A person closes an alarm whose condition may still hold: it leaves the book as cleared now. If the condition
  // still holds, the next abnormal reading raises a new alarm. Errors: kNotFound (no open alarm with this id).
  Result<AlarmEvent> Close(uint64_t alarm_id, int64_t now_ms);

  const Alarm* FindOpen(std::string_view rule_id, std::string_view series_key) const;
  std::vector<Alarm> OpenAlarms() const;  // by id
  size_t open_count() const { return open_.size(); }

 private:
  static std::string Key(std::string_view rule_id, std::string_view series_key);
  uint64_t next_id_;
  std::map<std::string, Alarm, std::less<>> open_;  // Key() -> alarm
};

// Handling an alarm to closure. "Cleared" says the condition ended; "closed" says a person finished the alarm, with
// a cause. Causes are persisted by name: do not rename.
inline constexpr std::array<std::string_view, 6> kCloseCauses = {
    "equipment_fault", "process_upset", "sensor_fault", "maintenance", "false_alarm", "other"};
inline constexpr size_t kMaxHandlingNote = 1000;  // characters, for notes and comments

struct Closure {
  std::string cause;  // one of kCloseCauses
  std::string note;   // required for "other"
};
// Every problem at once: an unknown cause (with the allowed ones), a missing note for "other". The note's length
// is checked where it is read.
Status ValidateClosure(const Closure& closure);

// One alarm as the statistics see it (times in ms; 0 when it has not happened).
struct AlarmRecord {
  std::string group;  // what it is counted under: an enterprise, a rule
  std::string severity;
  int64_t raised_ms = 0;
  int64_t acknowledged_ms = 0;
  int64_t cleared_ms = 0;
  int64_t closed_ms = 0;
};

struct AlarmTally {
  std::string group;
  int64_t raised = 0;
  int64_t critical = 0;
  int64_t open = 0;       // the condition still holds and nobody closed it
  int64_t to_close = 0;   // the condition ended, nobody closed it yet
  int64_t closed = 0;
  // Means over the alarms that reached the step; nullopt when none did.
  std::optional<double> mean_minutes_to_acknowledge;
  std::optional<double> mean_minutes_to_close;
};

// Per group, most raised first (ties by name).
std::vector<AlarmTally> TallyAlarms(const std::vector<AlarmRecord>& records);

}  // namespace park::telemetry
