// The demo park's maintenance; see demo_maintenance.hpp.
#include "app/demo_maintenance.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "park/core/json.hpp"
#include "park/maintenance/plan.hpp"
#include "park/store/audit.hpp"

namespace park::app {
namespace {

constexpr int kUtcOffsetMinutes = 8 * 60;  // the demo park is in China Standard Time

struct Eq {
  int64_t id = 0;
  std::string tag, name, type, install_date;
};

// One work order per state, as a technician's week leaves them.
struct DemoOrder {
  const char* state;
  const char* title;
  const char* priority;
  int due_in_days;
};
constexpr DemoOrder kOrders[] = {
    {"open", "机封渗漏检查", "high", 2},
    {"assigned", "润滑油更换", "normal", 5},
    {"in_progress", "搅拌器轴承更换", "high", 1},
    {"on_hold", "仪表校验（待备件）", "normal", 3},
    {"done", "安全附件月度检查", "normal", -1},
    {"verified", "季度预防性维护", "low", -10},
    {"cancelled", "重复报修", "low", 0},
};

}  // namespace

Status SeedMaintenanceDemo(store::Store& store, const Clock& clock) {
  using maintenance::AddDays;
  using maintenance::FormatLocalDate;
  const int64_t now = clock.NowMs();
  const maintenance::LocalDate today = maintenance::LocalDateOf(now, kUtcOffsetMinutes);
  auto day = [&](int64_t offset) { return FormatLocalDate(AddDays(today, offset)); };
  size_t plans = 0, orders = 0, regulated = 0;
  PARK_TRY(store.Write([&](store::Tx& tx) -> Status {
    std::map<int64_t, std::vector<Eq>> by_enterprise;
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
        "SELECT id, enterprise_id, tag, name, type, COALESCE(install_date, '2016-01-01') FROM equipment ORDER BY "
        "enterprise_id, id"));
    for (const auto& r : rows) by_enterprise[r.Int(1)].push_back({r.Int(0), r.Text(2), r.Text(3), r.Text(4), r.Text(5)});
    int k = 0;
    for (const auto& [ent, equipment] : by_enterprise) {
      ++k;
      // Plans: a monthly fixed inspection, a quarterly floating service and a yearly overhaul on the first pieces.
      for (size_t i = 0; i < equipment.size() && i < 4; ++i) {
        const Eq& e = equipment[i];
        const int64_t shift = static_cast<int64_t>((k * 7 + static_cast<int>(i) * 11) % 50) - 20;  // -20 … +29 days
        struct P {
          const char* name;
          const char* unit;
          int every;
          const char* anchor;
          int lead;
        };
        const P p = i % 3 == 0 ? P{"月度点检", "month", 1, "fixed", 3}
                    : i % 3 == 1 ? P{"季度保养", "month", 3, "floating", 7}
                                 : P{"年度大修", "year", 1, "fixed", 30};
        const std::string start = day(shift);
        std::optional<int64_t> done;
        if (std::string_view(p.anchor) == "floating") done = now - (80 + (k % 15)) * 86'400'000LL;
        PARK_TRY(tx.Exec(
            "INSERT INTO maintenance_plans (enterprise_id, equipment_id, name, kind, unit, every_n, anchor, "
            "start_date, lead_by, priority, last_done_at, counted_from, created_at, updated_at) VALUES ($1, $2, $3, "
            "'calendar', $4, $5, $6, $7, $8, 'normal', $9, $10, $10, $10)",
            {ent, e.id, fmt::format("{} {}", e.tag, p.name), std::string(p.unit), static_cast<double>(p.every),
             std::string(p.anchor), start, static_cast<double>(p.lead), store::OrNull(done), now}));
        ++plans;
      }
      // A plan on an equipment type: every pump of the enterprise gets a quarterly seal and bearing check of its
      // own, stored as the service stores a type plan and the plans it makes (migration 0013), so the job finds
      // nothing left to apply; a pump added later joins it on the schedule's next date.
      const bool has_pumps = std::any_of(equipment.begin(), equipment.end(), [](const Eq& e) { return e.type == "pump"; });
      if (has_pumps) {
        const std::string start = day(static_cast<int64_t>(k % 20) - 25);  // some are due now, most next quarter
        const Json definition = {{"name", "泵季度机封与轴承检查"}, {"kind", "calendar"}, {"priority", "normal"},
                                 {"unit", "month"}, {"every", 3}, {"anchor", "fixed"}, {"start", start},
                                 {"lead_days", 7}};
        PARK_ASSIGN_OR_RETURN(auto type_plan, tx.QueryOne(
            "INSERT INTO maintenance_type_plans (enterprise_id, equipment_type, definition, created_by, created_at) "
            "VALUES ($1, 'pump', $2, 'demo', $3) RETURNING id", {ent, definition.dump(), now}));
        for (const Eq& e : equipment) {
          if (e.type != "pump") continue;
          PARK_TRY(tx.Exec(
              "INSERT INTO maintenance_plans (enterprise_id, equipment_id, name, kind, unit, every_n, anchor, "
              "start_date, lead_by, priority, counted_from, created_at, updated_at, type_plan_id) VALUES ($1, $2, $3, "
              "'calendar', 'month', 3, 'fixed', $4, 7, 'normal', $5, $5, $5, $6)",
              {ent, e.id, definition["name"].get<std::string>(), start, now, type_plan->Int(0)}));
          ++plans;
        }
      }
      // Work orders in every state.
      for (size_t i = 0; i < std::size(kOrders) && !equipment.empty(); ++i) {
        const DemoOrder& o = kOrders[i];
        const Eq& e = equipment[i % equipment.size()];
        const std::string state = o.state;
        const bool started = state != "open" && state != "cancelled";
        const bool finished = state == "done" || state == "verified";
        const int64_t created = now - static_cast<int64_t>(10 - i) * 86'400'000LL;
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
            "INSERT INTO work_orders (enterprise_id, equipment_id, title, priority, state, due_date, assignee, note, "
            "done_by, done_signature, done_at, verified_by, verified_signature, verified_at, created_by, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'demo', $15, $16) "
            "RETURNING id",
            {ent, e.id, fmt::format("{} {}", e.tag, o.title), std::string(o.priority), state, day(o.due_in_days),
             started ? store::Value(std::string("tech")) : store::Value(nullptr),
             state == "on_hold" ? std::string("等待压力表备件到货") : state == "cancelled" ? std::string("与前一工单重复") : std::string(),
             finished ? std::string("tech") : std::string(), finished ? std::string("张伟") : std::string(),
             finished ? store::Value(now - 2 * 86'400'000LL) : store::Value(nullptr),
             state == "verified" ? std::string("staff") : std::string(),
             state == "verified" ? std::string("李娜") : std::string(),
             state == "verified" ? store::Value(now - 86'400'000LL) : store::Value(nullptr), created, now}));
        const int64_t id = row->Int(0);
        if (started && state != "assigned") {
          PARK_TRY(tx.Exec("INSERT INTO work_order_time (work_order_id, person, minutes, note, logged_at) VALUES ($1, "
                           "'tech', $2, '现场作业', $3)", {id, static_cast<int64_t>(45 + 15 * i), created + 3'600'000}));
        }
        PARK_TRY(store::AppendAudit(tx, clock, nullptr, {"create", "work_order", id, ent, nullptr,
                                                         {{"state", state}, {"title", o.title}}}));
        ++orders;
      }
      // A spare-parts store: the mechanical seal is below its reorder point.
      struct Part {
        const char* no;
        const char* name;
        const char* unit;
        double qty, reorder;
      };
      constexpr Part kParts[] = {{"MS-80", "机械密封 Φ80", "套", 3, 5},
                                 {"BRG-6205", "深沟球轴承 6205", "个", 24, 10},
                                 {"GSK-DN100", "缠绕垫片 DN100", "片", 60, 20}};
      for (const auto& p : kParts) {
        PARK_TRY(tx.Exec("INSERT INTO spare_parts (enterprise_id, store, part_no, name, unit, quantity, reorder_point, "
                         "created_at, updated_at) VALUES ($1, '备件库', $2, $3, $4, $5, $6, $7, $7)",
                         {ent, std::string(p.no), std::string(p.name), std::string(p.unit), p.qty, p.reorder, now}));
      }
      // Regulated equipment: pressure vessels and reactors, safety valves.
      int n = 0;
      for (const Eq& e : equipment) {
        const bool vessel = e.type == "pressure_vessel" || e.type == "reactor" || e.type == "boiler";
        const bool valve = e.type == "safety_valve";
        if (!vessel && !valve) continue;
        ++n;
        const int spread = (k * 13 + n * 29) % 100;  // 0 … 99
        std::string last;
        // Vessels: inspected 30 … 525 days ago, so about a third are past the user's annual inspection; valves:
        // calibrated 300 … 399 days ago, so about a third are past their yearly calibration and some due soon.
        if (vessel) last = day(-(30 + spread * 5));
        else last = day(-(300 + spread));
        PARK_TRY(tx.Exec(
            "INSERT INTO regulated_equipment (equipment_id, enterprise_id, kind, registration_no, grade, "
            "entered_service, last_inspection, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            {e.id, ent, std::string(vessel ? "pressure_vessel" : "safety_valve"),
             fmt::format("{}33{:04d}", vessel ? "容" : "阀", e.id), vessel ? store::Value(int64_t{1 + (n + k) % 3}) : store::Value(nullptr),
             e.install_date, last, now}));
        ++regulated;
      }
    }
    return Status::Ok();
  }));
  spdlog::info("demo: {} maintenance plans, {} work orders, {} regulated equipment", plans, orders, regulated);
  return Status::Ok();
}

}  // namespace park::app
