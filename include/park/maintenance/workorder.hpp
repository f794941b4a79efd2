// The work-order state machine: open → assigned → in progress ⇄ on hold → done → verified, and cancelled.
// Pure: the service stores the order and audits each step; here is only what may follow what, who may take the
// step, and what a step needs (an assignee, the technician's sign-off, a different verifier's sign-off).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"

namespace park::maintenance {

enum class WorkOrderState { kOpen, kAssigned, kInProgress, kOnHold, kDone, kVerified, kCancelled };

std::string_view StateName(WorkOrderState state);  // "open", "assigned", "in_progress", "on_hold", "done", ...
std::optional<WorkOrderState> ParseState(std::string_view name);
// Every state, in the order above.
std::span<const WorkOrderState> AllStates();

// The states that may follow `from` (empty for verified and cancelled).
std::vector<WorkOrderState> AllowedNext(WorkOrderState from);

// The roles (as in include/park/core/principal.hpp, e.g. "technician") that may take the step from → to. An
// enterprise user acts only on their own enterprise's orders; the service checks that.
std::vector<std::string_view> RolesFor(WorkOrderState from, WorkOrderState to);

struct TransitionInput {
  WorkOrderState from = WorkOrderState::kOpen;
  WorkOrderState to = WorkOrderState::kOpen;
  std::string role;               // the actor's role
  std::string actor;              // the actor's user name
  std::optional<std::string> assignee;        // to assigned: the technician it goes to
  std::optional<std::string> signature;       // to done / verified: the signer's name as signed
  std::string done_by;            // to verified: who signed the order done
  std::string note;               // to on_hold / cancelled: the reason; back to in_progress from done: why
};

// Checks one step. Errors: a step that does not exist → invalid "state" listing the allowed states; a role that
// may not take it → permission denied naming the roles that may; a missing assignee or sign-off → invalid naming
// the field; the technician who signed it done verifying it → invalid "signature".
Status CheckTransition(const TransitionInput& input);

}  // namespace park::maintenance
