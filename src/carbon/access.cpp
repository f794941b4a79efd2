#include "park/carbon/access.hpp"
#include "carbon/text.hpp"

#include <cmath>
#include <cstdio>

#include "inventory_internal.hpp"

namespace park::carbon {
namespace {

}  // namespace

std::string_view ProjectKindName(ProjectKind kind) {
  switch (kind) {
    case ProjectKind::kNew: return "new";
    case ProjectKind::kRebuilt: return "rebuilt";
    case ProjectKind::kExpanded: return "expanded";
  }
  return "";
}

Result<AccessDecision> CheckAccess(const FactorLibrary& library, const CalcConfig& config, const AccessProject& project,
                                   const AccessStandard& standard, const ThreeListRules& rules) {
  if (!(project.added_value_10k_yuan > 0) || !std::isfinite(project.added_value_10k_yuan)) {
    return Error::Invalid("added_value_10k_yuan", "must be above 0: intensity is per 10^4 yuan of added value");
  }
  if (!(standard.max_t_co2_per_10k_yuan_added_value > 0)) {
    return Error::Invalid("max_t_co2_per_10k_yuan_added_value", "the park's access standard must be above 0");
  }
  if (project.uses.empty()) return Error::Invalid("uses", T("carbon.access.no_uses"));

  AccessDecision d;
  double green_mwh = 0;
  for (size_t i = 0; i < project.uses.size(); ++i) {
    const ExpectedUse& u = project.uses[i];
    const std::string field = "uses[" + std::to_string(i) + "]";
    const ItemClass cls = InfoOf(u.item).item_class;
    if (cls == ItemClass::kOutputValue || cls == ItemClass::kAddedValue || cls == ItemClass::kWater ||
        cls == ItemClass::kPollutant) {
      return Error::Invalid(field + ".item", T("carbon.access.not_energy", {{"item", TextRef{"carbon.item." + std::string(ItemName(u.item))}}}));
    }
    if (!(u.amount >= 0) || !std::isfinite(u.amount)) return Error::Invalid(field + ".amount", T("field.at_least", {{"min", 0}}));
    if (u.use == Use::kFeedstock && !IsFuel(u.item)) {
      return Error::Invalid(field + ".use", T("carbon.activity.feedstock", {{"item", TextRef{"carbon.item." + std::string(ItemName(u.item))}}}));
    }
    auto canonical = ToCanonical(u.item, u.amount, u.unit);
    if (!canonical.ok()) return Error::Invalid(field + ".unit", canonical.error().text);
    auto factors = internal::ResolveItem(library, config, project.enterprise_code, u.item, u.use);
    if (!factors.ok()) return Error{factors.error().code, factors.error().message, field + ".item", factors.error().text};
    const LineResult l = internal::ApplyFactors(*factors, u.item, u.use, *canonical);
    d.scope1_t_co2 += l.scope1_t_co2;
    d.scope2_t_co2 += l.scope2_location_t_co2;
    d.energy_tce_equivalent += l.energy_tce_equivalent;
    if (l.rule == LineRule::kElectricity) d.electricity_mwh += *canonical;
    if (l.rule == LineRule::kGreenElectricity) green_mwh += *canonical;

    const TextRef item_name{"carbon.item." + std::string(ItemName(u.item))};
    const std::string unit(InfoOf(u.item).canonical_unit);
    if (l.rule == LineRule::kFeedstock) {
      d.reasons.push_back(T("carbon.access.use_feedstock", {{"item", item_name}, {"amount", *canonical}, {"unit", unit}}));
    } else {
      std::string ids;
      // Only the factors behind location-based CO2 and equivalent-basis energy, the two figures judged here.
      for (size_t slot = 0; slot < l.factors.size(); ++slot) {
        const Factor* f = l.factors[slot];
        const bool market_or_equal_value = l.rule == LineRule::kElectricity && (slot == 1 || slot == 3);
        if (f == nullptr || market_or_equal_value) continue;
        ids += (ids.empty() ? "" : ", ") + f->id + " r" + std::to_string(f->revision) + " (" + FormatNumber(f->value) + " " +
               f->unit + ")";
      }
      d.reasons.push_back(T("carbon.access.use", {{"item", item_name},
                                                 {"amount", *canonical},
                                                 {"unit", unit},
                                                 {"t_co2", l.scope1_t_co2 + l.scope2_location_t_co2},
                                                 {"tce", l.energy_tce_equivalent},
                                                 {"factors", ids}}));
    }
  }
  if (green_mwh > d.electricity_mwh * (1 + 1e-9) + 1e-9) {
    return Error::Invalid("uses", T("carbon.access.green_exceeds"));
  }
  if (green_mwh > 0) {
    d.reasons.push_back(T("carbon.access.green_power", {{"mwh", green_mwh}}));
  }
  d.total_t_co2 = d.scope1_t_co2 + d.scope2_t_co2;
  d.intensity_t_co2_per_10k_yuan_added_value = d.total_t_co2 / project.added_value_10k_yuan;
  d.energy_intensity_tce_per_10k_yuan_added_value = d.energy_tce_equivalent / project.added_value_10k_yuan;

  d.reasons.push_back(T("carbon.access.intensity", {{"total_t_co2", d.total_t_co2},
                                                   {"scope1_t_co2", d.scope1_t_co2},
                                                   {"scope2_t_co2", d.scope2_t_co2},
                                                   {"added_value", project.added_value_10k_yuan},
                                                   {"intensity", d.intensity_t_co2_per_10k_yuan_added_value}}));
  if (project.kind != ProjectKind::kNew) {
    d.reasons.push_back(T("carbon.access.increment", {{"kind", TextRef{"carbon.project_kind." + std::string(ProjectKindName(project.kind))}}}));
  }
  d.pass = d.intensity_t_co2_per_10k_yuan_added_value <= standard.max_t_co2_per_10k_yuan_added_value;
  if (standard.source.empty()) {
    d.reasons.push_back(T(d.pass ? "carbon.access.meets" : "carbon.access.exceeds",
                          {{"max", standard.max_t_co2_per_10k_yuan_added_value}}));
  } else {
    d.reasons.push_back(T(d.pass ? "carbon.access.meets_source" : "carbon.access.exceeds_source",
                          {{"max", standard.max_t_co2_per_10k_yuan_added_value}, {"source", standard.source}}));
  }
  if (standard.max_tce_per_10k_yuan_added_value) {
    const bool energy_ok =
        d.energy_intensity_tce_per_10k_yuan_added_value <= *standard.max_tce_per_10k_yuan_added_value;
    d.reasons.push_back(T(energy_ok ? "carbon.access.energy_meets" : "carbon.access.energy_exceeds",
                          {{"intensity", d.energy_intensity_tce_per_10k_yuan_added_value},
                           {"max", *standard.max_tce_per_10k_yuan_added_value}}));
    d.pass = d.pass && energy_ok;
  }
  d.energy_review_required = !(d.energy_tce_equivalent < rules.review_exempt_below_tce &&
                               d.electricity_mwh < rules.review_exempt_below_electricity_mwh);
  d.reasons.push_back(T(d.energy_review_required ? "carbon.access.review_required" : "carbon.access.review_exempt",
                        {{"tce", d.energy_tce_equivalent},
                         {"mwh", d.electricity_mwh},
                         {"exempt_tce", rules.review_exempt_below_tce},
                         {"exempt_mwh", rules.review_exempt_below_electricity_mwh}}));
  d.reasons.push_back(T(d.pass ? "carbon.access.pass" : "carbon.access.fail"));
  return d;
}

}  // namespace park::carbon
