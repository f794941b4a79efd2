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
  if (project.uses.empty()) return Error::Invalid("uses", "list the project's expected energy use by kind");

  AccessDecision d;
  double green_mwh = 0;
  for (size_t i = 0; i < project.uses.size(); ++i) {
    const ExpectedUse& u = project.uses[i];
    const std::string field = "uses[" + std::to_string(i) + "]";
    const ItemClass cls = InfoOf(u.item).item_class;
    if (cls == ItemClass::kOutputValue || cls == ItemClass::kAddedValue || cls == ItemClass::kWater ||
        cls == ItemClass::kPollutant) {
      return Error::Invalid(field + ".item", std::string(ItemName(u.item)) + " is not an energy use or emission");
    }
    if (!(u.amount >= 0) || !std::isfinite(u.amount)) return Error::Invalid(field + ".amount", "must be >= 0");
    if (u.use == Use::kFeedstock && !IsFuel(u.item)) {
      return Error::Invalid(field + ".use", "feedstock applies only to fuels");
    }
    auto canonical = ToCanonical(u.item, u.amount, u.unit);
    if (!canonical.ok()) return Error::Invalid(field + ".unit", canonical.error().message);
    auto factors = internal::ResolveItem(library, config, project.enterprise_code, u.item, u.use);
    if (!factors.ok()) return Error{factors.error().code, factors.error().message, field + ".item"};
    const LineResult l = internal::ApplyFactors(*factors, u.item, u.use, *canonical);
    d.scope1_t_co2 += l.scope1_t_co2;
    d.scope2_t_co2 += l.scope2_location_t_co2;
    d.energy_tce_equivalent += l.energy_tce_equivalent;
    if (l.rule == LineRule::kElectricity) d.electricity_mwh += *canonical;
    if (l.rule == LineRule::kGreenElectricity) green_mwh += *canonical;

    std::string step = std::string(ItemName(u.item)) + " " + FormatNumber(*canonical) + " " +
                       std::string(InfoOf(u.item).canonical_unit) + "/yr";
    if (l.rule == LineRule::kFeedstock) {
      step += " as feedstock: no combustion emissions, no energy use";
    } else {
      step += ": " + FormatNumber(l.scope1_t_co2 + l.scope2_location_t_co2) + " tCO2, " + FormatNumber(l.energy_tce_equivalent) + " tce";
      std::string ids;
      // Only the factors behind location-based CO2 and equivalent-basis energy, the two figures judged here.
      for (size_t slot = 0; slot < l.factors.size(); ++slot) {
        const Factor* f = l.factors[slot];
        const bool market_or_equal_value = l.rule == LineRule::kElectricity && (slot == 1 || slot == 3);
        if (f == nullptr || market_or_equal_value) continue;
        ids += (ids.empty() ? "" : ", ") + f->id + " r" + std::to_string(f->revision) + " (" + FormatNumber(f->value) + " " +
               f->unit + ")";
      }
      if (!ids.empty()) step += " [factors " + ids + "]";
    }
    d.reasons.push_back(std::move(step));
  }
  if (green_mwh > d.electricity_mwh * (1 + 1e-9) + 1e-9) {
    return Error::Invalid("uses", "green_electricity exceeds electricity");
  }
  if (green_mwh > 0) {
    d.reasons.push_back("certificated green power " + FormatNumber(green_mwh) +
                        " MWh lowers only market-based emissions; the access check uses location-based emissions");
  }
  d.total_t_co2 = d.scope1_t_co2 + d.scope2_t_co2;
  d.intensity_t_co2_per_10k_yuan_added_value = d.total_t_co2 / project.added_value_10k_yuan;
  d.energy_intensity_tce_per_10k_yuan_added_value = d.energy_tce_equivalent / project.added_value_10k_yuan;

  d.reasons.push_back("projected emissions " + FormatNumber(d.total_t_co2) + " tCO2/yr (scope 1 " + FormatNumber(d.scope1_t_co2) +
                      ", scope 2 location-based " + FormatNumber(d.scope2_t_co2) + ") / added value " +
                      FormatNumber(project.added_value_10k_yuan) +
                      " × 10^4 yuan = " + FormatNumber(d.intensity_t_co2_per_10k_yuan_added_value) + " tCO2 per 10^4 yuan");
  if (project.kind != ProjectKind::kNew) {
    d.reasons.push_back("a " + std::string(ProjectKindName(project.kind)) +
                        " project is judged on the increment it brings");
  }
  d.pass = d.intensity_t_co2_per_10k_yuan_added_value <= standard.max_t_co2_per_10k_yuan_added_value;
  d.reasons.push_back(std::string(d.pass ? "meets" : "exceeds") + " the park's access standard of " +
                      FormatNumber(standard.max_t_co2_per_10k_yuan_added_value) + " tCO2 per 10^4 yuan of added value" +
                      (standard.source.empty() ? "" : " (" + standard.source + ")"));
  if (standard.max_tce_per_10k_yuan_added_value) {
    const bool energy_ok =
        d.energy_intensity_tce_per_10k_yuan_added_value <= *standard.max_tce_per_10k_yuan_added_value;
    d.reasons.push_back("energy intensity " + FormatNumber(d.energy_intensity_tce_per_10k_yuan_added_value) + " tce per 10^4 " +
                        "yuan " + (energy_ok ? "meets" : "exceeds") + " the standard of " +
                        FormatNumber(*standard.max_tce_per_10k_yuan_added_value));
    d.pass = d.pass && energy_ok;
  }
  d.energy_review_required = !(d.energy_tce_equivalent < rules.review_exempt_below_tce &&
                               d.electricity_mwh < rules.review_exempt_below_electricity_mwh);
  d.reasons.push_back(
      d.energy_review_required
          ? "needs the fixed-asset energy-saving review (" + FormatNumber(d.energy_tce_equivalent) + " tce/yr, " +
                FormatNumber(d.electricity_mwh) + " MWh/yr; exempt only below " + FormatNumber(rules.review_exempt_below_tce) +
                " tce and " + FormatNumber(rules.review_exempt_below_electricity_mwh) + " MWh)"
          : "exempt from the fixed-asset energy-saving review (below " + FormatNumber(rules.review_exempt_below_tce) +
                " tce/yr and " + FormatNumber(rules.review_exempt_below_electricity_mwh) + " MWh/yr)");
  d.reasons.push_back(d.pass ? "result: pass" : "result: fail");
  return d;
}

}  // namespace park::carbon
