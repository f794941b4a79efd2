#include "park/core/principal.hpp"

namespace park {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kParkAdmin: return "park_admin";
    case Role::kParkStaff: return "park_staff";
    case Role::kEnterpriseUser: return "enterprise_user";
    case Role::kTechnician: return "technician";
    case Role::kDriver: return "driver";
    case Role::kIntegrator: return "integrator";
    case Role::kViewer: return "viewer";
    case Role::kDevice: return "device";
    case Role::kGate: return "gate";
  }
  return "driver";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser, Role::kTechnician, Role::kDriver,
                 Role::kIntegrator, Role::kViewer, Role::kDevice, Role::kGate}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace park
