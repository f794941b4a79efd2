// Maintenance service: the big screen's panel (GET /api/v1/maintenance/screen), readable by the wall display's
// viewer token. It answers with figures a park would put on a wall: health bands and the lowest-scoring
// equipment by tag with the term that costs it most, open work orders by state and priority, the overdue count and
// the oldest few by tag and state. Nothing of what the orders say (titles, notes, people, sign-offs), no plan
// names or webhooks, no equipment names, dates of commissioning or the inputs of the health terms.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "service_impl.hpp"

namespace park::maintenance {

namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr size_t kScreenRows = 5;
// The health page's badges: good at 75 and above, fair from 50, poor below.
constexpr double kGoodFrom = 75;
constexpr double kFairFrom = 50;
constexpr std::array<std::string_view, 5> kOpenStates = {"open", "assigned", "in_progress", "on_hold", "done"};
constexpr std::array<std::string_view, 4> kPriorityOrder = {"urgent", "high", "normal", "low"};

const std::vector<Role> kScreenReaders = {Role::kParkAdmin, Role::kParkStaff, Role::kViewer};

// The health half: bands, mean and the lowest few (by score, then tag) with their costliest term.
Json HealthPanel(Json overview, const std::map<int64_t, std::string>& enterprise_names) {
  int64_t good = 0, fair = 0, poor = 0;
  auto& items = overview["items"];
  for (const auto& e : items) {
    const double score = e["score"].get<double>();
    ++(score >= kGoodFrom ? good : score >= kFairFrom ? fair : poor);
  }
  const Json bands = {{"good", good}, {"fair", fair}, {"poor", poor}};
  std::stable_sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
    const double sa = a["score"].get<double>(), sb = b["score"].get<double>();
    if (sa != sb) return sa < sb;
    return a["tag"].get<std::string>() < b["tag"].get<std::string>();
  });
  Json lowest = Json::array();
  for (const auto& e : items) {
    if (lowest.size() >= kScreenRows) break;
    Json main_term = nullptr, main_points = nullptr;
    double best = 0;
    for (const auto& t : e["terms"]) {
      const double points = t["points"].get<double>();
      if (t["scored"].get<bool>() && points > best) {
        best = points;
        main_term = t["term"];
        main_points = points;
      }
    }
    const auto name = enterprise_names.find(e["enterprise_id"].get<int64_t>());
    lowest.push_back({{"equipment_id", e["equipment_id"]},
                      {"equipment_tag", e["tag"]},
                      {"equipment_type", e["type"]},
                      {"enterprise_name", name == enterprise_names.end() ? Json(nullptr) : Json(name->second)},
                      {"score", e["score"]},
                      {"main_term", main_term},
                      {"main_term_points", main_points}});
  }
  return {{"equipment", items.size()}, {"mean_score", overview["mean_score"]}, {"bands", bands}, {"lowest", lowest}};
}

}  // namespace

void Service::Impl::RegisterScreen(http::Router& router) {
  const Impl* s = this;
  auto r = http::MakeRoute("maintenance", Method::kGet, "/api/v1/maintenance/screen", kScreenReaders,
      "The big screen's maintenance panel (the wall display's token reads it): equipment health by band (good >= 75, "
      "fair >= 50, poor) with the lowest five by tag, type, enterprise and the term costing most; open work orders "
      "(not verified or cancelled) by state and priority, those not done past their due date, and the oldest five "
      "by tag, state and priority. No titles, notes, people, equipment names or term inputs",
      [s](const Request& req) -> Response {
        const Principal& who = req.Who();
        const int64_t now = s->src.clock.NowMs();
        const std::string today = FormatLocalDate(LocalDateOf(now, s->src.utc_offset_minutes));
        std::map<int64_t, std::string> names;
        std::vector<store::Row> orders;
        auto st = s->src.store.Read([&](store::Tx& tx) -> Status {
          PARK_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, name FROM enterprises"));
          for (const auto& e : rows) names[e.Int(0)] = e.Text(1);
          PARK_ASSIGN_OR_RETURN(orders, tx.Query(
              "SELECT w.id, w.enterprise_id, e.tag, e.type, w.state, w.priority, w.created_at, w.due_date FROM "
              "work_orders w JOIN equipment e ON e.id = w.equipment_id WHERE w.state NOT IN ('verified', 'cancelled') "
              "AND ($1 = 0 OR w.enterprise_id = $1) ORDER BY w.created_at, w.id", {who.enterprise_id.value_or(0)}));
          return Status::Ok();
        });
        if (!st.ok()) return Fail(st.error());
        auto health = s->HealthOf(who, who.enterprise_id, std::nullopt, false);
        if (!health.ok()) return Fail(health.error());

        Json by_state = Json::object(), by_priority = Json::object();
        for (auto state : kOpenStates) by_state[std::string(state)] = 0;
        for (auto priority : kPriorityOrder) by_priority[std::string(priority)] = 0;
        int64_t open = 0, overdue = 0;
        Json oldest = Json::array();
        for (const auto& o : orders) {
          if (!who.CanSeeEnterprise(o.Int(1))) continue;
          const std::string state = o.Text(4), priority = o.Text(5);
          ++open;
          if (by_state.contains(state)) by_state[state] = by_state[state].get<int64_t>() + 1;
          if (by_priority.contains(priority)) by_priority[priority] = by_priority[priority].get<int64_t>() + 1;
          int64_t overdue_days = 0;
          const auto due = o.OptText(7);
          if (due && state != "done" && *due < today) {
            ++overdue;
            if (auto d = ParseLocalDate(*due, "due_date"); d.ok()) {
              overdue_days = DaysBetween(*d, LocalDateOf(now, s->src.utc_offset_minutes));
            }
          }
          if (oldest.size() < kScreenRows) {
            const auto name = names.find(o.Int(1));
            oldest.push_back({{"id", o.Int(0)},
                              {"equipment_tag", o.Text(2)},
                              {"equipment_type", o.Text(3)},
                              {"enterprise_name", name == names.end() ? Json(nullptr) : Json(name->second)},
                              {"state", state},
                              {"priority", priority},
                              {"created_at", o.Int(6)},
                              {"due_date", due ? Json(*due) : Json(nullptr)},
                              {"overdue_days", overdue_days}});
          }
        }
        return Response::FromJson(
            {{"at", now},
             {"health", HealthPanel(std::move(*health), names)},
             {"work_orders", {{"open", open}, {"by_state", by_state}, {"by_priority", by_priority},
                              {"overdue", overdue}, {"oldest", oldest}}}});
      });
  const Json count = {{"type", "integer"}};
  const Json row_health = Obj({{"equipment_id", count},
                               {"equipment_tag", {{"type", "string"}}},
                               {"equipment_type", {{"type", "string"}}},
                               {"enterprise_name", {{"type", "string"}}},
                               {"score", {{"type", "number"}}},
                               {"main_term", {{"type", "string"}, {"enum", {"age", "alarms", "overdue", "trend"}}}},
                               {"main_term_points", {{"type", "number"}}}});
  const Json row_order = Obj({{"id", count},
                              {"equipment_tag", {{"type", "string"}}},
                              {"equipment_type", {{"type", "string"}}},
                              {"enterprise_name", {{"type", "string"}}},
                              {"state", {{"type", "string"}}},
                              {"priority", {{"type", "string"}}},
                              {"created_at", {{"type", "integer"}, {"description", "epoch milliseconds"}}},
                              {"due_date", {{"type", "string"}, {"format", "date"}}},
                              {"overdue_days", count}});
  r.doc = Doc(r.doc.summary, nullptr,
              Obj({{"at", {{"type", "integer"}, {"description", "epoch milliseconds"}}},
                   {"health", Obj({{"equipment", count},
                                   {"mean_score", {{"type", "number"}}},
                                   {"bands", Obj({{"good", count}, {"fair", count}, {"poor", count}})},
                                   {"lowest", {{"type", "array"}, {"items", row_health}}}})},
                   {"work_orders", Obj({{"open", count},
                                        {"by_state", {{"type", "object"}}},
                                        {"by_priority", {{"type", "object"}}},
                                        {"overdue", count},
                                        {"oldest", {{"type", "array"}, {"items", row_order}}}})}}));
  router.Add(std::move(r));
}

}  // namespace park::maintenance
