#include "park/maintenance/workorder.hpp"

#include <algorithm>
#include <array>

namespace park::maintenance {
namespace {

using S = WorkOrderState;

constexpr std::array<S, 7> kStates = {S::kOpen, S::kAssigned, S::kInProgress, S::kOnHold,
                                      S::kDone, S::kVerified, S::kCancelled};

// Who does what: a manager (park admin or the enterprise's own user) assigns, cancels and verifies; the
// technician and the manager work the order. Park staff may verify (the park's safety staff sign off regulated
// equipment) but do not run enterprises' work.
constexpr std::string_view kAdmin = "park_admin";
constexpr std::string_view kStaff = "park_staff";
constexpr std::string_view kEnterprise = "enterprise_user";
constexpr std::string_view kTechnician = "technician";

std::string Join(const std::vector<std::string_view>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

bool Blank(const std::optional<std::string>& s) {
  return !s || s->find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

std::string_view StateName(WorkOrderState state) {
  switch (state) {
    case S::kOpen: return "open";
    case S::kAssigned: return "assigned";
    case S::kInProgress: return "in_progress";
    case S::kOnHold: return "on_hold";
    case S::kDone: return "done";
    case S::kVerified: return "verified";
    case S::kCancelled: return "cancelled";
  }
  return "open";
}

std::optional<WorkOrderState> ParseState(std::string_view name) {
  for (S s : kStates) {
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

std::span<const WorkOrderState> AllStates() { return kStates; }

std::vector<WorkOrderState> AllowedNext(WorkOrderState from) {
  switch (from) {
    case S::kOpen: return {S::kAssigned, S::kCancelled};
    case S::kAssigned: return {S::kInProgress, S::kAssigned, S::kOpen, S::kCancelled};  // reassign, unassign
    case S::kInProgress: return {S::kOnHold, S::kDone, S::kCancelled};
    case S::kOnHold: return {S::kInProgress, S::kCancelled};
    case S::kDone: return {S::kVerified, S::kInProgress};  // verified, or sent back with a reason
    case S::kVerified: return {};
    case S::kCancelled: return {};
  }
  return {};
}

std::vector<std::string_view> RolesFor(WorkOrderState from, WorkOrderState to) {
  const auto next = AllowedNext(from);
  if (std::find(next.begin(), next.end(), to) == next.end()) return {};
  switch (to) {
    case S::kAssigned:
    case S::kOpen:
    case S::kCancelled: return {kAdmin, kEnterprise};
    case S::kInProgress:
      if (from == S::kDone) return {kAdmin, kStaff, kEnterprise};  // the verifier sends it back
      return {kAdmin, kEnterprise, kTechnician};
    case S::kOnHold:
    case S::kDone: return {kAdmin, kEnterprise, kTechnician};
    case S::kVerified: return {kAdmin, kStaff, kEnterprise};
  }
  return {};
}

Status CheckTransition(const TransitionInput& in) {
  const auto next = AllowedNext(in.from);
  if (std::find(next.begin(), next.end(), in.to) == next.end()) {
    std::vector<std::string_view> names;
    for (S s : next) names.push_back(StateName(s));
    return Error::Invalid("state", T("maintenance.workorder.transition",
                                     {{"from", std::string(StateName(in.from))},
                                      {"to", std::string(StateName(in.to))},
                                      {"allowed", names.empty() ? std::string("-") : Join(names)}}));
  }
  const auto roles = RolesFor(in.from, in.to);
  if (std::find(roles.begin(), roles.end(), std::string_view(in.role)) == roles.end()) {
    return Error::Denied(T("maintenance.workorder.role", {{"role", in.role},
                                                          {"to", std::string(StateName(in.to))},
                                                          {"roles", Join(roles)}}));
  }
  if (in.to == S::kAssigned && Blank(in.assignee)) {
    return Error::Invalid("assignee", T("maintenance.workorder.assignee_required"));
  }
  if ((in.to == S::kDone || in.to == S::kVerified) && Blank(in.signature)) {
    return Error::Invalid("signature", T("maintenance.workorder.signature_required",
                                         {{"to", std::string(StateName(in.to))}}));
  }
  if (in.to == S::kVerified && in.actor == in.done_by) {
    return Error::Invalid("signature", T("maintenance.workorder.verifier_not_doer", {{"done_by", in.done_by}}));
  }
  const bool needs_reason = in.to == S::kOnHold || in.to == S::kCancelled ||
                            (in.from == S::kDone && in.to == S::kInProgress);
  if (needs_reason && in.note.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::Invalid("note", T("maintenance.workorder.reason_required",
                                    {{"to", std::string(StateName(in.to))}}));
  }
  return Status::Ok();
}

}  // namespace park::maintenance
