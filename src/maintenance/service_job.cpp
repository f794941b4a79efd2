// Maintenance service: the periodic job (reminders as plans enter their lead window, work orders for plans that
// fall due) and the alarm hook (a condition plan's rule fires → a work order). See include/park/maintenance/service.hpp.
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "park/core/text.hpp"
#include "park/core/time.hpp"
#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::maintenance {

namespace {

// Work orders of a plan that are still being worked: while one is, the plan opens no other.
constexpr std::string_view kUnfinished =
    "SELECT id FROM work_orders WHERE plan_id = $1 AND state NOT IN ('done', 'verified', 'cancelled')";

// Is there equipment a type plan would make a plan for (of its kind, without one yet, with the sensor a meter plan
// counts)? Read first so the job writes only when there is.
constexpr std::string_view kEquipmentJoining =
    "SELECT 1 FROM maintenance_type_plans t JOIN equipment e ON e.enterprise_id = t.enterprise_id AND e.type = "
    "t.equipment_type WHERE NOT EXISTS (SELECT 1 FROM maintenance_plans p WHERE p.type_plan_id = t.id AND "
    "p.equipment_id = e.id) AND (t.sensor_quantity = '' OR EXISTS (SELECT 1 FROM sensors s WHERE s.equipment_id = "
    "e.id AND s.quantity = t.sensor_quantity)) LIMIT 1";

}  // namespace

Status Service::Impl::HandleRaised(const Json& alarm) {
  if (!alarm.is_object() || !alarm["id"].is_number_integer() || !alarm["rule_id"].is_number_integer()) return {};
  const int64_t alarm_id = alarm["id"].get<int64_t>();
  const int64_t rule_id = alarm["rule_id"].get<int64_t>();
  std::vector<Json> opened;
  PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto plans, tx.Query(fmt::format(
        "SELECT {} FROM maintenance_plans WHERE kind = 'condition' AND alarm_rule_id = $1 ORDER BY id", kPlanCols),
        {rule_id}));
    if (plans.empty()) return Status::Ok();
    PARK_ASSIGN_OR_RETURN(auto a, tx.QueryOne(
        "SELECT s.equipment_id, r.sensor_id, r.name FROM alarms a JOIN alarm_rules r ON r.id = a.rule_id JOIN "
        "telemetry_series t ON t.id = a.series_id LEFT JOIN sensors s ON s.id = t.sensor_id WHERE a.id = $1",
        {alarm_id}));
    if (!a) return Status::Ok();
    PARK_ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT id FROM work_orders WHERE alarm_id = $1", {alarm_id}));
    if (existing) return Status::Ok();  // opened by hand already
    for (const auto& p : plans) {
      // A rule over a kind of equipment fires for many; the plan's order opens only for its own equipment. The plans
      // a type plan made share their rule: each answers only its own equipment's alarms.
      if (!a->IsNull(0) && a->Int(0) != p.Int(2) && (a->IsNull(1) || !p.IsNull(21))) continue;
      PARK_ASSIGN_OR_RETURN(auto busy, tx.QueryOne(kUnfinished, {p.Int(0)}));
      if (busy) continue;  // the condition is being worked on already
      PARK_ASSIGN_OR_RETURN(int64_t id, OpenOrder(tx, nullptr, p.Int(1), p.Int(2), p.Text(3), a->Text(2), p.Text(15),
                                                  std::nullopt, p.Int(0), alarm_id));
      PARK_ASSIGN_OR_RETURN(auto o, tx.QueryOne(fmt::format("SELECT {} FROM work_orders WHERE id = $1", kOrderCols), {id}));
      opened.push_back(OrderJson(*o));
      break;  // one order per alarm
    }
    return Status::Ok();
  }));
  for (const auto& o : opened) PublishOrder("created", o);
  return {};
}

void Service::Impl::SendReminder(const store::Row& p, const PlanDue& due) {
  std::string tag;
  auto st = src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT tag FROM equipment WHERE id = $1", {p.Int(2)}));
    if (row) tag = row->Text(0);
    return Status::Ok();
  });
  if (!st.ok()) return;
  const Text said =
      p.Text(4) == "calendar"
          ? T("maintenance.reminder.calendar", {{"name", p.Text(3)}, {"equipment", tag},
                                                {"due_date", due.due_date.value_or("")}})
          : T("maintenance.reminder.meter", {{"name", p.Text(3)}, {"equipment", tag},
                                             {"used", due.json.value("used", 0.0)},
                                             {"every", p.Real(6)},
                                             {"basis", TextRef{"maintenance.basis." + p.Text(10)}}});
  // DingTalk's and WeCom's robots both take a text message of this shape; the group reads Chinese.
  const Json body = {{"msgtype", "text"}, {"text", {{"content", RenderText(said, Locale::kZhCN)}}}};
  if (auto sent = src.webhook(p.Text(20), body.dump()); !sent.ok()) {
    spdlog::warn("maintenance: reminder webhook of plan {} to {} failed: {}", p.Int(0), MaskUrlSecrets(p.Text(20)),
                 sent.error().message);
  }
}

Status Service::Impl::SweepAlarms() {
  std::vector<Json> missed;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
        "SELECT DISTINCT a.id, a.rule_id FROM alarms a JOIN maintenance_plans p ON p.alarm_rule_id = a.rule_id AND "
        "p.kind = 'condition' WHERE a.raised_at >= p.created_at AND a.state IN ('active', 'acknowledged') AND NOT "
        "EXISTS (SELECT 1 FROM work_orders w WHERE w.alarm_id = a.id) AND NOT EXISTS (SELECT 1 FROM work_orders w "
        "WHERE w.plan_id = p.id AND w.state NOT IN ('done', 'verified', 'cancelled')) ORDER BY a.id LIMIT 100"));
    for (const auto& r : rows) missed.push_back({{"id", r.Int(0)}, {"rule_id", r.Int(1)}});
    return Status::Ok();
  }));
  for (const auto& a : missed) {
    PARK_TRY(HandleRaised(a));
  }
  return {};
}

Status Service::Impl::Run() {
  // Equipment added since: its plans from the type plans of its kind (before the dues below, so they count).
  bool joining = false;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kEquipmentJoining));
    joining = row.has_value();
    return Status::Ok();
  }));
  if (joining) {
    PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto made, ApplyTypePlans(tx, std::nullopt));
      if (!made.empty()) spdlog::info("maintenance: {} plan(s) made from plans on equipment types", made.size());
      return Status::Ok();
    }));
  }
  PARK_TRY(SweepAlarms());
  PARK_TRY(AssessPerformance());
  PARK_TRY(FlagMissedRounds());
  std::vector<store::Row> plans;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(plans, tx.Query(fmt::format(
        "SELECT {} FROM maintenance_plans WHERE kind IN ('calendar', 'meter') ORDER BY id", kPlanCols)));
    return Status::Ok();
  }));
  for (const auto& p : plans) {
    auto due = Due(p);
    if (!due.ok()) {
      spdlog::warn("maintenance: plan {}: {}", p.Int(0), due.error().message);
      continue;
    }
    const int64_t plan_id = p.Int(0);
    if ((due->remind || due->due_now) && p.Text(17) != due->key) {
      int64_t changed = 0;
      PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(changed, tx.Exec(
            "UPDATE maintenance_plans SET reminded_for = $1 WHERE id = $2 AND reminded_for <> $1", {due->key, plan_id}));
        return Status::Ok();
      }));
      // Only the instance whose update changed the row publishes (several instances share one PostgreSQL).
      if (changed > 0 && src.hub) {
        src.hub->Publish("maintenance", {{"event", "reminder"}, {"plan", PlanJson(p, *due)}}, p.Int(1), kReaders);
      }
      if (changed > 0 && src.webhook && !p.Text(20).empty()) SendReminder(p, *due);
    }
    if (due->due_now && p.Text(18) != due->key) {
      std::optional<Json> opened;
      PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(int64_t changed, tx.Exec(
            "UPDATE maintenance_plans SET opened_for = $1 WHERE id = $2 AND opened_for <> $1", {due->key, plan_id}));
        if (changed == 0) return Status::Ok();
        PARK_ASSIGN_OR_RETURN(auto busy, tx.QueryOne(kUnfinished, {plan_id}));
        if (busy) return Status::Ok();  // the last due's order is still open: it covers this one
        PARK_ASSIGN_OR_RETURN(int64_t id, OpenOrder(tx, nullptr, p.Int(1), p.Int(2), p.Text(3), "", p.Text(15),
                                                    due->due_date, plan_id, std::nullopt));
        PARK_ASSIGN_OR_RETURN(auto o, tx.QueryOne(fmt::format("SELECT {} FROM work_orders WHERE id = $1", kOrderCols), {id}));
        opened = OrderJson(*o);
        return Status::Ok();
      }));
      if (opened) PublishOrder("created", *opened);
    }
  }
  return {};
}

void Service::Impl::Loop() {
  std::unique_lock lock(mutex);
  auto next = std::chrono::steady_clock::now();
  while (!stopping) {
    cv.wait_until(lock, next, [&] { return stopping || !raised.empty(); });
    if (stopping) break;
    std::deque<Json> batch;
    batch.swap(raised);
    lock.unlock();
    for (const auto& a : batch) {
      try {
        if (auto st = HandleRaised(a); !st.ok()) spdlog::warn("maintenance: alarm hook: {}", st.error().message);
      } catch (const std::exception& e) {
        spdlog::error("maintenance: alarm hook: {}", e.what());
      }
    }
    if (std::chrono::steady_clock::now() >= next) {
      try {
        if (auto st = Run(); !st.ok()) spdlog::warn("maintenance: job: {}", st.error().message);
      } catch (const std::exception& e) {
        spdlog::error("maintenance: job: {}", e.what());
      }
      next = std::chrono::steady_clock::now() + std::chrono::milliseconds(src.job_interval_ms);
    }
    lock.lock();
  }
}

void Service::Start() {
  Impl* s = impl_.get();
  if (s->worker.joinable()) return;
  s->stopping = false;
  if (s->src.hub) {
    // The alarm path publishes every raise to the live feed after its commit; the service listens there as the
    // park, so it sees every enterprise's alarms, and does the work on its own thread (the sink must not block).
    s->subscription = s->src.hub->Subscribe(s->System(), [s](std::shared_ptr<const std::string> event) {
      if (event->find("\"raise\"") == std::string::npos) return true;
      Json j = Json::parse(*event, nullptr, false);
      if (!j.is_object() || j.value("type", "") != "alarm" || j.value("event", "") != "raise") return true;
      std::lock_guard lock(s->mutex);
      if (s->raised.size() < 10'000) s->raised.push_back(std::move(j["alarm"]));
      s->cv.notify_one();
      return true;
    });
  }
  s->worker = std::thread([s] { s->Loop(); });
}

void Service::Stop() {
  Impl* s = impl_.get();
  if (!s->worker.joinable()) return;
  if (s->src.hub && s->subscription) s->src.hub->Unsubscribe(s->subscription);
  s->subscription = 0;
  {
    std::lock_guard lock(s->mutex);
    s->stopping = true;
  }
  s->cv.notify_all();
  s->worker.join();
}

Status Service::RunOnce() { return impl_->Run(); }

}  // namespace park::maintenance
