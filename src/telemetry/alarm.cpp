#include "park/telemetry/alarm.hpp"

#include <algorithm>
#include <cmath>

namespace park::telemetry {

std::string_view ConditionName(Condition c) {
  switch (c) {
    case Condition::kNormal: return "normal";
    case Condition::kHigh: return "high";
    case Condition::kLow: return "low";
    case Condition::kRateOfChange: return "rate_of_change";
    case Condition::kNoData: return "no_data";
  }
  return "unknown";
}

std::string_view AlarmStateName(AlarmState s) {
  switch (s) {
    case AlarmState::kActive: return "active";
    case AlarmState::kAcknowledged: return "acknowledged";
    case AlarmState::kCleared: return "cleared";
  }
  return "unknown";
}

// Every broken rule at once, each at the field it names.
Status ValidateThresholdRule(const ThresholdRule& rule) {
  std::vector<FieldError> bad;
  if (!rule.high && !rule.low) bad.push_back({"high", T("telemetry.rule.threshold_needs_limit")});
  const bool deadband_ok = rule.deadband >= 0 && std::isfinite(rule.deadband);
  if (!deadband_ok) bad.push_back({"deadband", T("field.at_least", {{"min", 0}})});
  const bool high_ok = !rule.high || std::isfinite(*rule.high);
  const bool low_ok = !rule.low || std::isfinite(*rule.low);
  if (!high_ok) bad.push_back({"high", T("field.not_finite")});
  if (!low_ok) bad.push_back({"low", T("field.not_finite")});
  // The clear bands must not overlap, or a value could clear one limit straight into the other's clear band.
  if (rule.high && rule.low && high_ok && low_ok && deadband_ok &&
      *rule.low + rule.deadband >= *rule.high - rule.deadband) {
    bad.push_back({"low", T("telemetry.rule.bands_overlap")});
  }
  if (!bad.empty()) return Error::Invalid(std::move(bad));
  return Status::Ok();
}

Condition ThresholdMachine::Observe(double value) {
  if (std::isnan(value)) return condition_;
  if (condition_ == Condition::kHigh && value < *rule_.high - rule_.deadband) condition_ = Condition::kNormal;
  if (condition_ == Condition::kLow && value > *rule_.low + rule_.deadband) condition_ = Condition::kNormal;
  if (condition_ == Condition::kNormal) {
    if (rule_.high && value > *rule_.high) {
      condition_ = Condition::kHigh;
    } else if (rule_.low && value < *rule_.low) {
      condition_ = Condition::kLow;
    }
  }
  return condition_;
}

Status ValidateRateRule(const RateRule& rule) {
  std::vector<FieldError> bad;
  const bool max_ok = rule.max_rate_per_s > 0 && std::isfinite(rule.max_rate_per_s);
  if (!max_ok) bad.push_back({"max_rate_per_s", T("field.greater_than", {{"min", 0}})});
  if (!(rule.deadband_per_s >= 0) || !std::isfinite(rule.deadband_per_s) ||
      (max_ok && rule.deadband_per_s >= rule.max_rate_per_s)) {
    bad.push_back({"deadband_per_s", T("telemetry.rule.rate_deadband")});
  }
  if (!bad.empty()) return Error::Invalid(std::move(bad));
  return Status::Ok();
}

Condition RateOfChangeMachine::Observe(int64_t timestamp_ms, double value) {
  if (std::isnan(value)) return condition_;
  if (previous_ && timestamp_ms <= previous_->first) return condition_;
  if (previous_) {
    // In double: the int64 difference of two arbitrary timestamps could overflow.
    const double dt_s = (static_cast<double>(timestamp_ms) - static_cast<double>(previous_->first)) / 1000.0;
    const double rate = std::fabs(value - previous_->second) / dt_s;
    if (condition_ == Condition::kNormal && rate > rule_.max_rate_per_s) {
      condition_ = Condition::kRateOfChange;
    } else if (condition_ == Condition::kRateOfChange && rate < rule_.max_rate_per_s - rule_.deadband_per_s) {
      condition_ = Condition::kNormal;
    }
  }
  previous_ = {timestamp_ms, value};
  return condition_;
}

std::string AlarmBook::Key(std::string_view rule_id, std::string_view series_key) {
  std::string key;
  key.reserve(rule_id.size() + series_key.size() + 1);
  key.append(rule_id).push_back('\0');  // neither id contains NUL, so the pair maps to one key only
  key.append(series_key);
  return key;
}

std::optional<AlarmEvent> AlarmBook::Update(std::string_view rule_id, std::string_view series_key, Condition condition,
                                            double value, int64_t now_ms) {
  const std::string key = Key(rule_id, series_key);
  const auto it = open_.find(key);
  if (condition == Condition::kNormal) {
    if (it == open_.end()) return std::nullopt;
    Alarm alarm = std::move(it->second);
    open_.erase(it);
    alarm.state = AlarmState::kCleared;
    alarm.cleared_ms = now_ms;
    alarm.last_value = value;
    return AlarmEvent{AlarmEventKind::kCleared, std::move(alarm)};
  }
  if (it != open_.end()) {
    Alarm& alarm = it->second;
    alarm.last_value = value;
    if (alarm.condition != condition) {
      alarm.condition = condition;
      return AlarmEvent{AlarmEventKind::kConditionChanged, alarm};
    }
    ++alarm.repeats;
    return std::nullopt;
  }
  Alarm alarm;
  alarm.id = next_id_++;
  alarm.rule_id = std::string(rule_id);
  alarm.series_key = std::string(series_key);
  alarm.condition = condition;
  alarm.state = AlarmState::kActive;
  alarm.raised_ms = now_ms;
  alarm.trigger_value = value;
  alarm.last_value = value;
  const auto [inserted, ok] = open_.emplace(key, std::move(alarm));
  (void)ok;
  return AlarmEvent{AlarmEventKind::kRaised, inserted->second};
}

Result<AlarmEvent> AlarmBook::Acknowledge(uint64_t alarm_id, std::string_view user, int64_t now_ms) {
  for (auto& [key, alarm] : open_) {
    if (alarm.id != alarm_id) continue;
    if (alarm.state == AlarmState::kAcknowledged) {
      return Error::Conflict(T("telemetry.alarm.already_acknowledged", {{"by", alarm.acknowledged_by}}));
    }
    alarm.state = AlarmState::kAcknowledged;
    alarm.acknowledged_ms = now_ms;
    alarm.acknowledged_by = std::string(user);
    return AlarmEvent{AlarmEventKind::kAcknowledged, alarm};
  }
  return Error::NotFound(T("telemetry.alarm.not_open", {{"id", std::to_string(alarm_id)}}));
}

Status AlarmBook::Restore(Alarm alarm) {
  if (alarm.state == AlarmState::kCleared) return Error::Invalid("state", "a cleared alarm is not open");
  const std::string key = Key(alarm.rule_id, alarm.series_key);
  if (open_.contains(key)) return Error::Conflict("an alarm is already open for this rule and series");
  next_id_ = std::max(next_id_, alarm.id + 1);
  open_.emplace(key, std::move(alarm));
  return Status::Ok();
}

Result<AlarmEvent> AlarmBook::Close(uint64_t alarm_id, int64_t now_ms) {
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    if (it->second.id != alarm_id) continue;
    Alarm alarm = std::move(it->second);
    open_.erase(it);
    alarm.state = AlarmState::kCleared;
    alarm.cleared_ms = now_ms;
    return AlarmEvent{AlarmEventKind::kCleared, std::move(alarm)};
  }
  return Error::NotFound(T("telemetry.alarm.not_open", {{"id", std::to_string(alarm_id)}}));
}

const Alarm* AlarmBook::FindOpen(std::string_view rule_id, std::string_view series_key) const {
  const auto it = open_.find(Key(rule_id, series_key));
  return it == open_.end() ? nullptr : &it->second;
}

std::vector<Alarm> AlarmBook::OpenAlarms() const {
  std::vector<Alarm> out;
  out.reserve(open_.size());
  for (const auto& [key, alarm] : open_) out.push_back(alarm);
  std::sort(out.begin(), out.end(), [](const Alarm& a, const Alarm& b) { return a.id < b.id; });
  return out;
}

Status ValidateClosure(const Closure& closure) {
  std::vector<FieldError> bad;
  if (std::find(kCloseCauses.begin(), kCloseCauses.end(), closure.cause) == kCloseCauses.end()) {
    std::string allowed;
    for (auto c : kCloseCauses) allowed += (allowed.empty() ? "" : ", ") + std::string(c);
    bad.push_back({"cause", T("field.one_of", {{"allowed", allowed}})});
  }
  if (closure.cause == "other" && closure.note.find_first_not_of(" \t\r\n") == std::string::npos) {
    bad.push_back({"note", T("telemetry.alarm.note_needed_for_other")});
  }
  if (!bad.empty()) return Error::Invalid(std::move(bad));
  return Status::Ok();
}

std::vector<AlarmTally> TallyAlarms(const std::vector<AlarmRecord>& records) {
  struct Sums {
    AlarmTally tally;
    double ack_minutes = 0, close_minutes = 0;
    int64_t acked = 0;
  };
  std::map<std::string, Sums> by_group;
  for (const auto& r : records) {
    Sums& s = by_group[r.group];
    s.tally.group = r.group;
    ++s.tally.raised;
    if (r.severity == "critical") ++s.tally.critical;
    if (r.closed_ms) {
      ++s.tally.closed;
      s.close_minutes += static_cast<double>(r.closed_ms - r.raised_ms) / 60'000.0;
    } else if (r.cleared_ms) {
      ++s.tally.to_close;
    } else {
      ++s.tally.open;
    }
    if (r.acknowledged_ms) {
      ++s.acked;
      s.ack_minutes += static_cast<double>(r.acknowledged_ms - r.raised_ms) / 60'000.0;
    }
  }
  std::vector<AlarmTally> out;
  out.reserve(by_group.size());
  for (auto& [group, s] : by_group) {
    if (s.acked) s.tally.mean_minutes_to_acknowledge = s.ack_minutes / static_cast<double>(s.acked);
    if (s.tally.closed) s.tally.mean_minutes_to_close = s.close_minutes / static_cast<double>(s.tally.closed);
    out.push_back(std::move(s.tally));
  }
  std::stable_sort(out.begin(), out.end(), [](const AlarmTally& a, const AlarmTally& b) { return a.raised > b.raised; });
  return out;
}

}  // namespace park::telemetry
