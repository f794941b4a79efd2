#include "park/store/audit.hpp"

#include "park/core/time.hpp"

namespace park::store {
namespace {

constexpr std::string_view kInsertAudit =
    "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, enterprise_id, before, after) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

// Parameters are appended one by one: building them from conditional Value temporaries trips GCC 12's
// -Wmaybe-uninitialized false positive on std::variant<…, std::string> at -O2.
void AddId(Params& p, std::optional<int64_t> v) {
  if (v) {
    p.emplace_back(*v);
  } else {
    p.emplace_back(nullptr);
  }
}

void AddJson(Params& p, const Json& j) {
  if (j.is_null()) {
    p.emplace_back(nullptr);
  } else {
    p.emplace_back(j.dump());
  }
}

}  // namespace

Result<Json> AppendAudit(Tx& tx, const Clock& clock, const Principal* actor, const AuditEntry& e) {
  const int64_t now = clock.NowMs();
  const std::string actor_name = actor ? actor->name : "system";
  Params p;
  p.reserve(9);
  p.emplace_back(now);
  AddId(p, actor && actor->user_id ? std::optional<int64_t>(actor->user_id) : std::nullopt);
  p.emplace_back(actor_name);
  p.emplace_back(e.action);
  p.emplace_back(e.entity);
  AddId(p, e.entity_id);
  AddId(p, e.enterprise_id);
  AddJson(p, e.before);
  AddJson(p, e.after);
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(kInsertAudit, p));
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
