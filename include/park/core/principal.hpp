// Who is calling: a logged-in user or an API token, with a role and an optional enterprise scope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace park {

// Persisted by name ("park_admin", …) in users and tokens: do not rename.
// kViewer: read-only park view for wall displays (the big screen); only API tokens carry it.
// kDevice: a device or gateway that may only send telemetry (of its enterprise when scoped); only API tokens.
// kGate: a park gate: the guards' users and the gate camera's API token; posts gate events of hazardous-goods
// vehicles and reads what the gate needs (bookings of the day, the waiting lot), nothing else of the park.
enum class Role { kParkAdmin, kParkStaff, kEnterpriseUser, kTechnician, kDriver, kIntegrator, kViewer, kDevice, kGate };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  int64_t user_id = 0;    // 0 for API tokens not tied to a user
  int64_t token_id = 0;   // the session or API token used
  std::string name;       // user name or token label, for the audit log
  Role role = Role::kDriver;
  std::optional<int64_t> enterprise_id;  // set: may only see this enterprise's data
  bool api_token = false;

  bool IsPark() const { return role == Role::kParkAdmin || role == Role::kParkStaff; }
  // May read the whole park (park roles and read-only screen tokens).
  bool SeesWholePark() const { return IsPark() || role == Role::kViewer; }
  // True when the principal may see data of `enterprise_id` (park roles see all; scoped roles only their own).
  bool CanSeeEnterprise(int64_t id) const { return !enterprise_id || *enterprise_id == id; }
};

}  // namespace park
