// The audit log: every change is recorded in the same transaction as the change itself, so there is no change
// without its record and no record of a change that was rolled back.
#pragma once

#include <optional>
#include <string>

#include "park/core/clock.hpp"
#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/store/store.hpp"

namespace park::store {

struct AuditEntry {
  std::string action;  // create, update, delete, login, login_failed, revoke, import, …
  std::string entity;  // enterprise, facility, equipment, sensor, user, token, …
  std::optional<int64_t> entity_id;
  std::optional<int64_t> enterprise_id;  // whose data it is (for scoping the live feed), if any
  Json before;         // null for create
  Json after;          // null for delete
};

// Appends the entry; `actor` null means the system itself (migrations, the demo seeder, the CLI).
// Returns the stored entry as JSON (for the live feed, published by the caller after commit).
Result<Json> AppendAudit(Tx& tx, const Clock& clock, const Principal* actor, const AuditEntry& entry);

}  // namespace park::store
