#include "telemetry/alarms.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "park/core/outbound.hpp"
#include "park/core/time.hpp"
#include "park/store/audit.hpp"

namespace park::telemetry {
namespace {

const std::string kSelectRules =
    "SELECT " + std::string(kRuleColumns) + " FROM alarm_rules WHERE enabled = 1 ORDER BY id";
constexpr std::string_view kSensorById =
    "SELECT id, key, name, unit, enterprise_id FROM sensors WHERE id = $1";
constexpr std::string_view kSensorsByType =
    "SELECT s.id, s.key, s.name, s.unit, s.enterprise_id FROM sensors s JOIN equipment e ON e.id = s.equipment_id "
    "WHERE e.type = $1 AND s.quantity = $2 AND ($3 = 0 OR s.enterprise_id = $3) ORDER BY s.id";
constexpr std::string_view kOpenAlarms =
    "SELECT id, rule_id, series_id, condition, state, raised_at, acknowledged_at, acknowledged_by, trigger_value, "
    "last_value, repeats FROM alarms WHERE state <> 'cleared'";
constexpr std::string_view kMaxAlarmId = "SELECT COALESCE(MAX(id), 0) FROM alarms";
constexpr std::string_view kUpsertAlarm =
    "INSERT INTO alarms (id, rule_id, series_id, enterprise_id, condition, state, severity, raised_at, "
    "acknowledged_at, acknowledged_by, cleared_at, trigger_value, last_value, repeats) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO UPDATE SET "
    "condition = excluded.condition, state = excluded.state, acknowledged_at = excluded.acknowledged_at, "
    "acknowledged_by = excluded.acknowledged_by, cleared_at = excluded.cleared_at, last_value = excluded.last_value, "
    "repeats = excluded.repeats";
constexpr std::string_view kAlarmEnterprise =
    "SELECT enterprise_id, state, closed_at, closed_by FROM alarms WHERE id = $1";
constexpr std::string_view kAckNote = "UPDATE alarms SET ack_note = $2 WHERE id = $1";
constexpr std::string_view kCloseAlarm =
    "UPDATE alarms SET state = 'cleared', cleared_at = COALESCE(cleared_at, $2), closed_at = $2, closed_by = $3, "
    "close_cause = $4, close_note = $5 WHERE id = $1";

constexpr int64_t kMaxAlarmAgeMs = 10 * 60 * 1000;

std::optional<Condition> ParseCondition(std::string_view s) {
  for (Condition c : {Condition::kNormal, Condition::kHigh, Condition::kLow, Condition::kRateOfChange,
                      Condition::kNoData}) {
    if (ConditionName(c) == s) return c;
  }
  return std::nullopt;
}

std::optional<AlarmState> ParseState(std::string_view s) {
  for (AlarmState a : {AlarmState::kActive, AlarmState::kAcknowledged, AlarmState::kCleared}) {
    if (AlarmStateName(a) == s) return a;
  }
  return std::nullopt;
}

store::Value NonZero(int64_t v) { return v ? store::Value(v) : store::Value(nullptr); }

std::string EventName(AlarmEventKind k) {
  switch (k) {
    case AlarmEventKind::kRaised: return "raise";
    case AlarmEventKind::kConditionChanged: return "change";
    case AlarmEventKind::kAcknowledged: return "acknowledge";
    case AlarmEventKind::kCleared: return "clear";
  }
  return "change";
}

}  // namespace

Json RuleJson(const AlarmRule& r) {
  auto opt = [](const auto& v) { return v ? Json(*v) : Json(nullptr); };
  return {{"id", r.id},
          {"name", r.name},
          {"enterprise_id", opt(r.enterprise_id)},
          {"sensor_id", opt(r.sensor_id)},
          {"equipment_type", r.equipment_type},
          {"quantity", r.quantity},
          {"kind", r.kind},
          {"high", opt(r.high)},
          {"low", opt(r.low)},
          {"deadband", r.deadband},
          {"max_rate_per_s", opt(r.max_rate_per_s)},
          {"timeout_s", opt(r.timeout_s)},
          {"severity", r.severity},
          {"webhook_url", r.webhook_url},
          {"webhook_format", r.webhook_format},
          {"enabled", r.enabled}};
}

bool SeesWebhookUrl(const AlarmRule& r, const Principal& who) {
  if (who.role == Role::kParkAdmin) return true;
  return who.role == Role::kEnterpriseUser && r.enterprise_id && who.enterprise_id == r.enterprise_id;
}

Json RuleJsonFor(const AlarmRule& r, const Principal& who) {
  Json j = RuleJson(r);
  const bool masked = !r.webhook_url.empty() && !SeesWebhookUrl(r, who);
  if (masked) j["webhook_url"] = MaskUrlSecrets(r.webhook_url);
  j["webhook_url_masked"] = masked;
  return j;
}

AlarmRule RuleFromRow(const store::Row& r) {
  AlarmRule rule;
  rule.id = r.Int(0);
  rule.name = r.Text(1);
  rule.enterprise_id = r.OptInt(2);
  rule.sensor_id = r.OptInt(3);
  rule.equipment_type = r.Text(4);
  rule.quantity = r.Text(5);
  rule.kind = r.Text(6);
  rule.high = r.OptReal(7);
  rule.low = r.OptReal(8);
  rule.deadband = r.Real(9);
  rule.max_rate_per_s = r.OptReal(10);
  rule.timeout_s = r.OptInt(11);
  rule.severity = r.Text(12);
  rule.webhook_url = r.Text(13);
  rule.webhook_format = r.Text(14);
  rule.enabled = r.Int(15) != 0;
  return rule;
}

Status AlarmEngine::Load() {
  std::vector<std::unique_ptr<AlarmRule>> rules;
  struct Target {
    AlarmRule* rule;
    int64_t sensor_id;
    std::string key, name, unit;
    std::optional<int64_t> enterprise_id;
  };
  std::vector<Target> targets;
  std::vector<Alarm> open;
  std::vector<std::pair<int64_t, int64_t>> open_series;  // alarm id -> series id
  int64_t max_id = 0;
  PARK_TRY(s_.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(kSelectRules));
    for (const auto& r : rows) {
      auto rule = std::make_unique<AlarmRule>(RuleFromRow(r));
      std::vector<store::Row> sensors;
      if (rule->sensor_id) {
        PARK_ASSIGN_OR_RETURN(sensors, tx.Query(kSensorById, {*rule->sensor_id}));
      } else {
        PARK_ASSIGN_OR_RETURN(sensors, tx.Query(kSensorsByType, {rule->equipment_type, rule->quantity,
                                                                 rule->enterprise_id.value_or(0)}));
      }
      for (const auto& sr : sensors) {
        targets.push_back({rule.get(), sr.Int(0), sr.Text(1), sr.Text(2), sr.Text(3), sr.OptInt(4)});
      }
      rules.push_back(std::move(rule));
    }
    PARK_ASSIGN_OR_RETURN(auto alarms, tx.Query(kOpenAlarms));
    for (const auto& r : alarms) {
      Alarm a;
      a.id = static_cast<uint64_t>(r.Int(0));
      a.rule_id = std::to_string(r.Int(1));
      a.series_key = std::to_string(r.Int(2));
      a.condition = ParseCondition(r.Text(3)).value_or(Condition::kHigh);
      a.state = ParseState(r.Text(4)).value_or(AlarmState::kActive);
      a.raised_ms = r.Int(5);
      a.acknowledged_ms = r.Int(6);
      a.acknowledged_by = r.Text(7);
      a.trigger_value = r.Real(8);
      a.last_value = r.Real(9);
      a.repeats = static_cast<uint32_t>(r.Int(10));
      open.push_back(std::move(a));
    }
    PARK_ASSIGN_OR_RETURN(auto max, tx.QueryOne(kMaxAlarmId));
    max_id = max->Int(0);
    return {};
  }));
  // Sensor series are created outside the read transaction (the resolver writes).
  std::vector<std::unique_ptr<Watch>> watches;
  for (auto& t : targets) {
    auto series = s_.resolver.SensorSeries(t.key, t.enterprise_id);
    if (!series) continue;
    auto w = std::make_unique<Watch>();
    w->rule = t.rule;
    w->series_id = series->id;
    w->sensor_id = t.sensor_id;
    w->enterprise_id = t.enterprise_id;
    w->sensor_key = t.key;
    w->sensor_name = t.name;
    w->unit = t.unit;
    if (t.rule->kind == "threshold") {
      w->threshold.emplace(ThresholdRule{t.rule->high, t.rule->low, t.rule->deadband});
    } else if (t.rule->kind == "rate") {
      w->rate.emplace(RateRule{t.rule->max_rate_per_s.value_or(1), t.rule->deadband});
    } else {
      w->no_data.emplace(t.rule->timeout_s.value_or(300) * 1000, s_.clock);
    }
    watches.push_back(std::move(w));
  }
  std::lock_guard lk(mutex_);
  rules_ = std::move(rules);
  watches_ = std::move(watches);
  by_series_.clear();
  by_rule_series_.clear();
  for (auto& w : watches_) {
    by_series_[w->series_id].push_back(w.get());
    by_rule_series_[{w->rule->id, w->series_id}] = w.get();
  }
  book_ = AlarmBook(static_cast<uint64_t>(max_id) + 1);
  for (auto& a : open) {
    if (auto st = book_.Restore(a); !st.ok()) spdlog::warn("alarms: cannot restore alarm {}: {}", a.id, st.error().message);
  }
  return {};
}

void AlarmEngine::Observe(const std::vector<SeriesPoint>& points) {
  std::lock_guard lk(mutex_);
  if (by_series_.empty()) return;
  const int64_t now = s_.clock.NowMs();
  for (const auto& p : points) {
    auto it = by_series_.find(p.series_id);
    if (it == by_series_.end()) continue;
    // Rules judge the present: back-filled history (a gateway's buffer after an outage, the demo's history) is
    // stored, but does not raise alarms that would already be over.
    if (now - p.timestamp_ns / 1'000'000 > kMaxAlarmAgeMs) continue;
    for (Watch* w : it->second) {
      if (w->threshold) {
        Handle(*w, w->threshold->Observe(p.value), p.value, now);
      } else if (w->rate) {
        Handle(*w, w->rate->Observe(p.timestamp_ns / 1'000'000, p.value), p.value, now);
      } else if (w->no_data) {
        w->no_data->Observe();
        if (book_.FindOpen(std::to_string(w->rule->id), std::to_string(w->series_id))) {
          Handle(*w, Condition::kNormal, p.value, now);
        }
      }
    }
  }
}

void AlarmEngine::CheckNoData() {
  std::lock_guard lk(mutex_);
  const int64_t now = s_.clock.NowMs();
  for (auto& w : watches_) {
    if (!w->no_data) continue;
    const Condition c = w->no_data->Check();
    const bool open = book_.FindOpen(std::to_string(w->rule->id), std::to_string(w->series_id)) != nullptr;
    if (c == Condition::kNoData && !open) {
      Handle(*w, c, 0, now);
    } else if (c == Condition::kNormal && open) {
      Handle(*w, c, 0, now);
    }
  }
}

void AlarmEngine::Handle(Watch& w, Condition c, double value, int64_t now_ms) {
  auto event = book_.Update(std::to_string(w.rule->id), std::to_string(w.series_id), c, value, now_ms);
  if (event) Persist(*event, w);
}

Json AlarmEngine::AlarmJson(const Alarm& a, const Watch* w) const {
  Json j = {{"id", a.id},
            {"rule_id", std::stoll(a.rule_id)},
            {"series_id", std::stoll(a.series_key)},
            {"condition", ConditionName(a.condition)},
            {"state", AlarmStateName(a.state)},
            {"raised_at", FormatInstantMs(a.raised_ms)},
            {"acknowledged_at", a.acknowledged_ms ? Json(FormatInstantMs(a.acknowledged_ms)) : Json(nullptr)},
            {"acknowledged_by", a.acknowledged_by},
            {"cleared_at", a.cleared_ms ? Json(FormatInstantMs(a.cleared_ms)) : Json(nullptr)},
            {"trigger_value", a.trigger_value},
            {"last_value", a.last_value},
            {"repeats", a.repeats}};
  if (w) {
    j["rule"] = w->rule->name;
    j["severity"] = w->rule->severity;
    j["sensor_id"] = w->sensor_id;
    j["sensor_key"] = w->sensor_key;
    j["sensor_name"] = w->sensor_name;
    j["unit"] = w->unit;
    j["enterprise_id"] = w->enterprise_id ? Json(*w->enterprise_id) : Json(nullptr);
  }
  return j;
}

// Stores the alarm's new state with its audit entry, then tells the live feed and the rule's webhook.
std::optional<store::Row> AlarmEngine::Persist(const AlarmEvent& e, const Watch& w, const Principal* actor,
                                               const std::string& note) {
  const Alarm& a = e.alarm;
  Json body = AlarmJson(a, &w);
  if (!note.empty()) body["note"] = note;
  std::optional<store::Row> row;
  auto st = s_.store.Write([&](store::Tx& tx) -> Status {
    store::Params p;
    p.reserve(14);
    p.emplace_back(static_cast<int64_t>(a.id));
    p.emplace_back(w.rule->id);
    p.emplace_back(w.series_id);
    p.emplace_back(store::OrNull(w.enterprise_id));
    p.emplace_back(std::string(ConditionName(a.condition)));
    p.emplace_back(std::string(AlarmStateName(a.state)));
    p.emplace_back(w.rule->severity);
    p.emplace_back(a.raised_ms);
    p.emplace_back(NonZero(a.acknowledged_ms));
    p.emplace_back(a.acknowledged_by);
    p.emplace_back(NonZero(a.cleared_ms));
    p.emplace_back(a.trigger_value);
    p.emplace_back(a.last_value);
    p.emplace_back(static_cast<int64_t>(a.repeats));
    PARK_TRY(tx.Exec(kUpsertAlarm, p));
    if (e.kind == AlarmEventKind::kAcknowledged) PARK_TRY(tx.Exec(kAckNote, {static_cast<int64_t>(a.id), note}));
    PARK_TRY(store::AppendAudit(tx, s_.clock, actor,
                                {EventName(e.kind), "alarm", static_cast<int64_t>(a.id), w.enterprise_id, nullptr, body}));
    PARK_ASSIGN_OR_RETURN(row, ReadAlarmRow(tx, static_cast<int64_t>(a.id)));
    return {};
  });
  if (!st.ok()) {
    spdlog::error("alarms: cannot store alarm {}: {}", a.id, st.error().message);
    return std::nullopt;
  }
  if (row) PublishAlarm(s_.hub, EventName(e.kind), *row);
  if (!w.rule->webhook_url.empty() && e.kind != AlarmEventKind::kAcknowledged) {
    // A group robot's readers are not known to the server: the message says it in Chinese, then in English.
    const Text said = T(e.kind == AlarmEventKind::kCleared ? "telemetry.webhook.cleared" : "telemetry.webhook.raised",
                        {{"severity", TextRef{"telemetry.severity." + w.rule->severity}},
                         {"sensor", w.sensor_name},
                         {"key", w.sensor_key},
                         {"rule", w.rule->name},
                         {"condition", TextRef{"telemetry.condition." + std::string(ConditionName(a.condition))}},
                         {"value", a.last_value},
                         {"unit", w.unit},
                         {"time", FormatInstantMs(a.raised_ms)}});
    const std::string text = RenderText(said, Locale::kZhCN) + "\n" + RenderText(said, Locale::kEn);
    Json payload;
    if (w.rule->webhook_format == "json") {
      payload = {{"event", EventName(e.kind)}, {"alarm", body}};
    } else {
      // DingTalk and WeCom group robots both take this text message shape.
      payload = {{"msgtype", "text"}, {"text", {{"content", text}}}};
    }
    deliveries_.push_back({w.rule->webhook_url, payload.dump(), 0});
    if (deliveries_.size() > 10'000) deliveries_.pop_front();  // bounded: an unreachable robot cannot grow memory
  }
  return row;
}

Status AlarmEngine::CheckHandler(int64_t alarm_id, const Principal& who, std::optional<int64_t>& enterprise,
                                 std::string& state) {
  return s_.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kAlarmEnterprise, {alarm_id}));
    if (!row) return Error::NotFound(T("telemetry.alarm.not_found"));
    enterprise = row->OptInt(0);
    if (enterprise ? !who.CanSeeEnterprise(*enterprise) : who.enterprise_id.has_value()) {
      return Error::NotFound(T("telemetry.alarm.not_found"));
    }
    if (!row->IsNull(2)) return Error::Conflict(T("telemetry.alarm.already_closed", {{"by", row->Text(3)}}));
    state = row->Text(1);
    return {};
  });
}

Result<Json> AlarmEngine::Acknowledge(int64_t alarm_id, const Principal& who, const std::string& note) {
  std::optional<int64_t> enterprise;
  std::string state;
  PARK_TRY(CheckHandler(alarm_id, who, enterprise, state));
  if (state == "cleared") return Error::Conflict(T("telemetry.alarm.already_cleared"));
  std::lock_guard lk(mutex_);
  PARK_ASSIGN_OR_RETURN(auto event, book_.Acknowledge(static_cast<uint64_t>(alarm_id), who.name, s_.clock.NowMs()));
  const int64_t series = std::stoll(event.alarm.series_key);
  const int64_t rule = std::stoll(event.alarm.rule_id);
  auto it = by_rule_series_.find({rule, series});
  if (it == by_rule_series_.end()) return Error::Conflict(T("telemetry.alarm.rule_changed"));
  const auto row = Persist(event, *it->second, &who, note);
  if (!row) return Error::Coded(ErrorCode::kUnavailable, T("telemetry.alarm.not_stored"));
  return AlarmRowJson(*row, false);
}

Result<Json> AlarmEngine::Close(int64_t alarm_id, const Principal& who, const Closure& closure) {
  std::optional<int64_t> enterprise;
  std::string state;
  PARK_TRY(CheckHandler(alarm_id, who, enterprise, state));
  std::lock_guard lk(mutex_);
  const int64_t now = s_.clock.NowMs();
  // An alarm whose condition still holds leaves the book: the next abnormal reading is a new alarm. One already
  // cleared (or whose rule was disabled since) is not in the book.
  (void)book_.Close(static_cast<uint64_t>(alarm_id), now);
  std::optional<store::Row> row;
  PARK_TRY(s_.store.Write([&](store::Tx& tx) -> Status {
    PARK_TRY(tx.Exec(kCloseAlarm, {alarm_id, now, who.name, closure.cause, closure.note}));
    PARK_TRY(store::AppendAudit(tx, s_.clock, &who,
                                {"close", "alarm", alarm_id, enterprise, nullptr,
                                 Json{{"cause", closure.cause}, {"note", closure.note}, {"state_before", state}}}));
    PARK_ASSIGN_OR_RETURN(row, ReadAlarmRow(tx, alarm_id));
    return {};
  }));
  if (!row) return Error::NotFound(T("telemetry.alarm.not_found"));
  PublishAlarm(s_.hub, "close", *row);
  return AlarmRowJson(*row, false);
}

std::vector<AlarmEngine::Delivery> AlarmEngine::TakeDeliveries() {
  std::lock_guard lk(mutex_);
  std::vector<Delivery> out(deliveries_.begin(), deliveries_.end());
  deliveries_.clear();
  return out;
}

void AlarmEngine::Requeue(Delivery d) {
  std::lock_guard lk(mutex_);
  deliveries_.push_back(std::move(d));
}

size_t AlarmEngine::open_count() const {
  std::lock_guard lk(mutex_);
  return book_.open_count();
}

}  // namespace park::telemetry
