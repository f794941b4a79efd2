#include "park/store/audit.hpp"

#include "park/core/time.hpp"

namespace park::store {
namespace {

constexpr std::string_view kInsertAudit =
    "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, enterprise_id, before, after) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

Value OptId(std::optional<int64_t> v) { return v ? Value(*v) : Value(nullptr); }
Value JsonOrNull(const Json& j) { return j.is_null() ? Value(nullptr) : Value(j.dump()); }

}  // namespace

Result<Json> AppendAudit(Tx& tx, const Clock& clock, const Principal* actor, const AuditEntry& e) {
  const int64_t now = clock.NowMs();
  const Value actor_id = actor && actor->user_id ? Value(actor->user_id) : Value(nullptr);
  const std::string actor_name = actor ? actor->name : "system";
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kInsertAudit, {now, actor_id, actor_name, e.action, e.entity,
                                                             OptId(e.entity_id), OptId(e.enterprise_id),
                                                             JsonOrNull(e.before), JsonOrNull(e.after)}));
  return Json{{"id", row->Int(0)},
              {"at", FormatInstantMs(now)},
              {"actor_id", actor && actor->user_id ? Json(actor->user_id) : Json(nullptr)},
              {"actor_name", actor_name},
              {"action", e.action},
              {"entity", e.entity},
              {"entity_id", e.entity_id ? Json(*e.entity_id) : Json(nullptr)},
              {"enterprise_id", e.enterprise_id ? Json(*e.enterprise_id) : Json(nullptr)},
              {"before", e.before},
              {"after", e.after}};
}

}  // namespace park::store
