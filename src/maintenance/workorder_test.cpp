#include <gtest/gtest.h>

#include "park/maintenance/workorder.hpp"

namespace park::maintenance {
namespace {

using S = WorkOrderState;

TransitionInput Step(S from, S to, std::string role, std::string actor = "someone") {
  TransitionInput in;
  in.from = from;
  in.to = to;
  in.role = std::move(role);
  in.actor = std::move(actor);
  return in;
}

TEST(WorkOrder, CarriedFromOpenToVerifiedByTheRightRoles) {
  auto assign = Step(S::kOpen, S::kAssigned, "enterprise_user", "manager");
  assign.assignee = "tech1";
  EXPECT_TRUE(CheckTransition(assign).ok());
  EXPECT_TRUE(CheckTransition(Step(S::kAssigned, S::kInProgress, "technician", "tech1")).ok());
  auto hold = Step(S::kInProgress, S::kOnHold, "technician", "tech1");
  hold.note = "waiting for the seal kit";
  EXPECT_TRUE(CheckTransition(hold).ok());
  EXPECT_TRUE(CheckTransition(Step(S::kOnHold, S::kInProgress, "technician", "tech1")).ok());
  auto done = Step(S::kInProgress, S::kDone, "technician", "tech1");
  done.signature = "Li Wei";
  EXPECT_TRUE(CheckTransition(done).ok());
  auto verify = Step(S::kDone, S::kVerified, "enterprise_user", "manager");
  verify.signature = "Zhang Min";
  verify.done_by = "tech1";
  EXPECT_TRUE(CheckTransition(verify).ok());
}

TEST(WorkOrder, AStepThatDoesNotExistListsTheAllowedOnes) {
  auto st = CheckTransition(Step(S::kDone, S::kOpen, "park_admin"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().field, "state");
  EXPECT_EQ(st.error().text.code, "maintenance.workorder.transition");
  EXPECT_EQ(RenderText(st.error().text), "a work order cannot go from done to open; allowed: verified, in_progress");
  st = CheckTransition(Step(S::kVerified, S::kInProgress, "park_admin"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(RenderText(st.error().text), "a work order cannot go from verified to in_progress; allowed: -");
  EXPECT_FALSE(CheckTransition(Step(S::kOpen, S::kDone, "park_admin")).ok());
  EXPECT_FALSE(CheckTransition(Step(S::kCancelled, S::kOpen, "park_admin")).ok());
}

TEST(WorkOrder, TheWrongRoleIsRefusedNamingTheRolesThatMay) {
  auto assign = Step(S::kOpen, S::kAssigned, "technician", "tech1");
  assign.assignee = "tech1";
  auto st = CheckTransition(assign);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(RenderText(st.error().text),
            "the role technician may not move a work order to assigned; roles that may: park_admin, enterprise_user");
  auto verify = Step(S::kDone, S::kVerified, "technician", "tech2");
  verify.signature = "x";
  verify.done_by = "tech1";
  EXPECT_EQ(CheckTransition(verify).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(CheckTransition(Step(S::kAssigned, S::kInProgress, "viewer")).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(CheckTransition(Step(S::kAssigned, S::kInProgress, "park_staff")).error().code,
            ErrorCode::kPermissionDenied);
}

TEST(WorkOrder, StepsNeedTheirAssigneeSignOffAndReason) {
  auto st = CheckTransition(Step(S::kOpen, S::kAssigned, "park_admin"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "assignee");
  st = CheckTransition(Step(S::kInProgress, S::kDone, "technician", "tech1"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "signature");
  auto blank = Step(S::kInProgress, S::kDone, "technician", "tech1");
  blank.signature = "  ";
  EXPECT_EQ(CheckTransition(blank).error().field, "signature");
  // Nobody verifies their own work.
  auto self = Step(S::kDone, S::kVerified, "enterprise_user", "boss");
  self.signature = "Boss";
  self.done_by = "boss";
  st = CheckTransition(self);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().text.code, "maintenance.workorder.verifier_not_doer");
  st = CheckTransition(Step(S::kInProgress, S::kOnHold, "technician"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "note");
  st = CheckTransition(Step(S::kOpen, S::kCancelled, "park_admin"));
  EXPECT_EQ(st.error().field, "note");
  auto back = Step(S::kDone, S::kInProgress, "park_staff");
  EXPECT_EQ(CheckTransition(back).error().field, "note");
  back.note = "the flange still weeps";
  EXPECT_TRUE(CheckTransition(back).ok());
}

TEST(WorkOrder, NamesRoundTripAndEveryAllowedStepHasRoles) {
  for (S s : AllStates()) {
    EXPECT_EQ(ParseState(StateName(s)), s);
    EXPECT_TRUE(HasText("maintenance.state." + std::string(StateName(s)))) << StateName(s);
    for (S to : AllowedNext(s)) EXPECT_FALSE(RolesFor(s, to).empty()) << StateName(s) << "→" << StateName(to);
  }
  EXPECT_EQ(ParseState("closed"), std::nullopt);
  EXPECT_TRUE(RolesFor(S::kOpen, S::kDone).empty());
  for (const char* code : {"maintenance.workorder.transition", "maintenance.workorder.role",
                           "maintenance.workorder.assignee_required", "maintenance.workorder.signature_required",
                           "maintenance.workorder.verifier_not_doer", "maintenance.workorder.reason_required"}) {
    EXPECT_TRUE(HasText(code)) << code;
  }
}

}  // namespace
}  // namespace park::maintenance
