// Orderly power use: a grid-ordered cut shared across enterprises by priority tier, within each enterprise's
// interruptible load and above its protected load.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "park/core/error.hpp"
#include "park/dispatch/dispatch.hpp"

namespace park::dispatch {

Result<CutAllocation> AllocateCut(double cut_mw, const std::vector<EnterpriseCut>& enterprises) {
  std::vector<FieldError> errors;
  if (!(std::isfinite(cut_mw) && cut_mw > 0)) errors.push_back({"cut_mw", T("dispatch.value_positive")});
  for (size_t i = 0; i < enterprises.size(); ++i) {
    const EnterpriseCut& e = enterprises[i];
    const std::string prefix = fmt::format("enterprises[{}]", i);
    if (e.priority_tier < 1) errors.push_back({prefix + ".priority_tier", T("dispatch.order.tier_invalid", {{"value", static_cast<double>(e.priority_tier)}})});
    if (!(std::isfinite(e.interruptible_mw) && e.interruptible_mw >= 0)) errors.push_back({prefix + ".interruptible_mw", T("dispatch.value_negative")});
    if (!(std::isfinite(e.protected_mw) && e.protected_mw >= 0)) errors.push_back({prefix + ".protected_mw", T("dispatch.value_negative")});
    if (e.load_mw && !(std::isfinite(*e.load_mw) && *e.load_mw >= 0)) errors.push_back({prefix + ".load_mw", T("dispatch.value_negative")});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  CutAllocation out;
  std::map<int, std::vector<size_t>> tiers;
  for (size_t i = 0; i < enterprises.size(); ++i) {
    const EnterpriseCut& e = enterprises[i];
    CutShare s;
    s.enterprise_id = e.enterprise_id;
    s.priority_tier = e.priority_tier;
    s.cuttable_mw = e.interruptible_mw;
    if (e.load_mw) s.cuttable_mw = std::clamp(*e.load_mw - e.protected_mw, 0.0, e.interruptible_mw);
    out.shares.push_back(s);
    tiers[e.priority_tier].push_back(i);
  }
  double left = cut_mw;
  for (const auto& [tier, members] : tiers) {
    if (left <= 1e-12) break;
    double cuttable = 0;
    for (size_t i : members) cuttable += out.shares[i].cuttable_mw;
    if (cuttable <= 0) continue;
    const double fraction = std::min(1.0, left / cuttable);
    for (size_t i : members) out.shares[i].cut_mw = out.shares[i].cuttable_mw * fraction;
    left -= std::min(left, cuttable);
  }
  out.unallocated_mw = std::max(0.0, left);
  out.allocated_mw = cut_mw - out.unallocated_mw;
  out.text = out.unallocated_mw > 1e-9
                 ? T("dispatch.order.short", {{"cut_mw", cut_mw}, {"allocated_mw", out.allocated_mw},
                                              {"unallocated_mw", out.unallocated_mw}})
                 : T("dispatch.order.allocated", {{"cut_mw", cut_mw}, {"enterprises", static_cast<double>(std::count_if(
                                                                           out.shares.begin(), out.shares.end(),
                                                                           [](const CutShare& s) { return s.cut_mw > 1e-9; }))}});
  return out;
}

}  // namespace park::dispatch
