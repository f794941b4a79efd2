// The demo park's inspection rounds; see demo_rounds.hpp. Findings come from the library's evaluation of each
// sheet, so the demo shows what the service would have recorded.
#include "app/demo_rounds.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <vector>

#include "park/core/json.hpp"
#include "park/maintenance/rounds.hpp"

namespace park::app {
namespace {

constexpr int kUtcOffsetMinutes = 8 * 60;  // the demo park is in China Standard Time
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMinuteMs = 60'000;

maintenance::ChecklistItem Item(const char* key, const char* label, maintenance::ItemKind kind,
                                std::optional<double> low = std::nullopt, std::optional<double> high = std::nullopt,
                                const char* unit = "") {
  return {key, label, kind, low, high, unit, true};
}

}  // namespace

Status SeedRoundsDemo(store::Store& store, const Clock& clock) {
  using maintenance::ItemKind;
  const int64_t now = clock.NowMs();
  const maintenance::RoundSchedule daily{maintenance::ScheduleKind::kDaily, {8 * 60}};
  size_t routes = 0, rounds = 0, findings = 0;
  PARK_TRY(store.Write([&](store::Tx& tx) -> Status {
    std::map<int64_t, std::vector<std::pair<int64_t, std::string>>> by_enterprise;
    PARK_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT id, enterprise_id, tag FROM equipment ORDER BY enterprise_id, id"));
    for (const auto& r : rows) by_enterprise[r.Int(1)].push_back({r.Int(0), r.Text(2)});
    int k = 0;
    for (const auto& [ent, equipment] : by_enterprise) {
      ++k;
      maintenance::InspectionRoute route;
      route.name = "每日设备巡检";
      for (size_t i = 0; i < equipment.size() && i < 3; ++i) {
        route.checkpoints.push_back({equipment[i].first,
                                     {Item("surface_temp", "表面温度", ItemKind::kNumber, 0, 70, "°C"),
                                      Item("no_leaks", "无跑冒滴漏", ItemKind::kPassFail),
                                      Item("sound_ok", "运行声音正常", ItemKind::kPassFail)}});
      }
      if (route.checkpoints.empty() || !maintenance::ValidateRoute(route).ok()) continue;
      const int64_t active_from = now - 8 * kDayMs;
      PARK_ASSIGN_OR_RETURN(
          auto rrow,
          tx.QueryOne(
              "INSERT INTO inspection_routes (enterprise_id, name, schedule_kind, starts, checkpoints, active_from, "
              "created_by, created_at, updated_at) VALUES ($1, $2, 'daily', '08:00', $3, $4, 'demo', $4, $4) RETURNING "
              "id",
              {ent, route.name, maintenance::CheckpointsJson(route.checkpoints).dump(), active_from}));
      const int64_t route_id = rrow->Int(0);
      ++routes;
      // The seven windows that ended before now: every fourth missed, the one two days back late at the first
      // enterprise, a hot surface on day 2 and a leak on day 5.
      const auto windows = maintenance::WindowsBetween(daily, now - 7 * kDayMs, now, kUtcOffsetMinutes);
      int d = 0;
      for (const auto& w : windows) {
        ++d;
        if (w.end_ms > now) continue;    // today's window is still open: due
        if ((d + k) % 4 == 0) continue;  // missed: nobody started it
        const bool late = k == 1 && d == static_cast<int>(windows.size()) - 2;
        const int64_t started = w.start_ms + (late ? 23 * 60 : 60 + 7 * d) * kMinuteMs;
        const int64_t submitted = late ? w.end_ms + 40 * kMinuteMs : started + 35 * kMinuteMs;
        Json answers = Json::array();
        std::vector<maintenance::Answer> sheet;
        for (size_t i = 0; i < route.checkpoints.size(); ++i) {
          const int64_t eq = route.checkpoints[i].equipment_id;
          const double temp = (d == 2 && i == 0) ? 78.5 : 38 + 3.0 * static_cast<double>(i) + (d % 3);
          const bool leaks_ok = !(d == 5 && i == route.checkpoints.size() - 1);
          answers.push_back({{"equipment_id", eq}, {"item", "surface_temp"}, {"value", temp}});
          answers.push_back({{"equipment_id", eq}, {"item", "no_leaks"}, {"value", leaks_ok}});
          answers.push_back({{"equipment_id", eq}, {"item", "sound_ok"}, {"value", true}});
          sheet.push_back({eq, "surface_temp", temp, std::nullopt, "", std::nullopt});
          sheet.push_back({eq, "no_leaks", std::nullopt, leaks_ok, leaks_ok ? "" : "法兰处滴漏", std::nullopt});
          sheet.push_back({eq, "sound_ok", std::nullopt, true, "", std::nullopt});
        }
        auto found = maintenance::Evaluate(route, sheet);
        if (!found.ok()) return found.error();
        const auto status = maintenance::StatusOf(w, started, submitted, now);
        PARK_ASSIGN_OR_RETURN(
            auto round,
            tx.QueryOne(
                "INSERT INTO inspection_rounds (client_id, route_id, enterprise_id, slot, window_end, started_at, "
                "started_by, submitted_at, submitted_by, answers, status) VALUES ($1, $2, $3, $4, $5, $6, 'tech', $7, "
                "'tech', $8, $9) RETURNING id",
                {fmt::format("demo-{}-{}", route_id, w.slot), route_id, ent, w.slot, w.end_ms, started, submitted,
                 Json{{"route_id", route_id}, {"answers", answers}}.dump(),
                 std::string(maintenance::RoundStatusName(status))}));
        ++rounds;
        for (const auto& f : *found) {
          std::optional<int64_t> order;
          if (k == 1 && f.reason.code == "maintenance.round.finding.above_high") {
            PARK_ASSIGN_OR_RETURN(
                auto o,
                tx.QueryOne(
                    "INSERT INTO work_orders (enterprise_id, equipment_id, title, description, priority, state, "
                    "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, 'high', 'open', 'tech', $5, $5) "
                    "RETURNING id",
                    {ent, f.equipment_id, RenderText(f.reason, Locale::kZhCN),
                     fmt::format("inspection round demo-{}-{}", route_id, w.slot), submitted + kMinuteMs}));
            order = o->Int(0);
          }
          PARK_TRY(tx.Exec(
              "INSERT INTO inspection_findings (round_id, enterprise_id, equipment_id, item, reason, work_order_id, "
              "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
              {round->Int(0), ent, f.equipment_id, f.item, TextJson(f.reason).dump(), store::OrNull(order),
               submitted}));
          ++findings;
        }
      }
    }
    return Status::Ok();
  }));
  spdlog::info("demo: {} inspection routes, {} rounds, {} findings", routes, rounds, findings);
  return Status::Ok();
}

}  // namespace park::app
