#include "park/carbon/lists.hpp"
#include "carbon/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

#include "csv.hpp"

namespace park::carbon {
namespace {

bool ParseNumber(std::string_view text, double& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out);
}

std::vector<std::string> SplitSemicolons(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(';', start), text.size());
    std::string_view part = text.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

ListedUnit& Entry(std::vector<ListedUnit>& list, std::map<std::string, size_t>& index, const EnterpriseInventory& inv) {
  auto [it, inserted] = index.emplace(inv.info.code, list.size());
  if (inserted) list.push_back({inv.info.code, inv.info.name, 0, {}});
  return list[it->second];
}

void SortByValue(std::vector<ListedUnit>& list) {
  std::stable_sort(list.begin(), list.end(), [](const ListedUnit& a, const ListedUnit& b) {
    return a.value != b.value ? a.value > b.value : a.enterprise_code < b.enterprise_code;
  });
}

}  // namespace

std::string_view ListKindName(ListKind kind) {
  switch (kind) {
    case ListKind::kKeyCarbon: return "key_carbon_emission_unit";
    case ListKind::kKeyEnergy: return "key_energy_using_unit";
    case ListKind::kKeyPollutant: return "key_pollutant_discharge_unit";
  }
  return "";
}

Status ValidateThreeListRules(const ThreeListRules& r) {
  if (!(r.carbon_threshold_t_co2e > 0)) return Error::Invalid("carbon_threshold_t_co2e", "must be above 0");
  if (r.carbon_basis != Metric::kTotalTCo2 && r.carbon_basis != Metric::kTotalMarketTCo2 &&
      r.carbon_basis != Metric::kScope1TCo2) {
    return Error::Invalid("carbon_basis", "must be total_t_co2, total_market_t_co2 or scope1_t_co2");
  }
  if (!(r.energy_threshold_tce > 0)) return Error::Invalid("energy_threshold_tce", "must be above 0");
  if (!(r.energy_designated_threshold_tce > 0) || r.energy_designated_threshold_tce > r.energy_threshold_tce) {
    return Error::Invalid("energy_designated_threshold_tce", "must be above 0 and at most energy_threshold_tce");
  }
  if (r.energy_basis != Metric::kEnergyTceEquivalent && r.energy_basis != Metric::kEnergyTceEqualValue) {
    return Error::Invalid("energy_basis", "must be energy_tce_equivalent or energy_tce_equal_value");
  }
  if (!(r.pollutant_cover_fraction > 0 && r.pollutant_cover_fraction <= 1)) {
    return Error::Invalid("pollutant_cover_fraction", "must be in (0, 1]");
  }
  for (Item p : r.pollutants) {
    if (!IsPollutant(p)) return Error::Invalid("pollutants", std::string(ItemName(p)) + " is not a pollutant");
  }
  return Status::Ok();
}

Result<ThreeListRules> ParseThreeListRulesCsv(std::string_view text) {
  ThreeListRules rules;
  CsvReader reader(text, /*skip_comments=*/true);
  CsvRecord rec;
  std::string error;
  if (!reader.Next(rec, error) || !error.empty() || rec.fields.size() != 6 || rec.fields[0] != "list" ||
      rec.fields[1] != "parameter" || rec.fields[2] != "value") {
    return Error::Invalid("line " + std::to_string(rec.line), "header must be list,parameter,value,unit,source,status");
  }
  while (reader.Next(rec, error)) {
    const std::string where = "line " + std::to_string(rec.line);
    if (!error.empty()) return Error::Invalid(where, error);
    if (rec.fields.size() != 6) return Error::Invalid(where, "expected 6 fields");
    const std::string key = rec.fields[0] + "." + rec.fields[1];
    const std::string& value = rec.fields[2];
    double number = 0;
    auto need_number = [&](double& into) -> Status {
      if (!ParseNumber(value, number) || number < 0) return Error::Invalid(where + ".value", "is not a number >= 0");
      into = number;
      return Status::Ok();
    };
    if (key == "key_carbon_emission_unit.threshold") {
      PARK_TRY(need_number(rules.carbon_threshold_t_co2e));
    } else if (key == "key_carbon_emission_unit.basis") {
      if (value == "total_location") {
        rules.carbon_basis = Metric::kTotalTCo2;
      } else if (value == "total_market") {
        rules.carbon_basis = Metric::kTotalMarketTCo2;
      } else if (value == "scope1") {
        rules.carbon_basis = Metric::kScope1TCo2;
      } else {
        return Error::Invalid(where + ".value", "must be total_location, total_market or scope1");
      }
    } else if (key == "key_energy_using_unit.threshold") {
      PARK_TRY(need_number(rules.energy_threshold_tce));
    } else if (key == "key_energy_using_unit.designated_threshold") {
      PARK_TRY(need_number(rules.energy_designated_threshold_tce));
    } else if (key == "key_energy_using_unit.basis") {
      if (value == "equivalent") {
        rules.energy_basis = Metric::kEnergyTceEquivalent;
      } else if (value == "equal_value") {
        rules.energy_basis = Metric::kEnergyTceEqualValue;
      } else {
        return Error::Invalid(where + ".value", "must be equivalent or equal_value");
      }
    } else if (key == "key_pollutant_discharge_unit.cover_fraction") {
      PARK_TRY(need_number(rules.pollutant_cover_fraction));
    } else if (key == "key_pollutant_discharge_unit.pollutants") {
      rules.pollutants.clear();
      for (const std::string& name : SplitSemicolons(value)) {
        auto item = ItemFromName(name);
        if (!item || !IsPollutant(*item)) return Error::Invalid(where + ".value", name + " is not a pollutant item");
        rules.pollutants.push_back(*item);
      }
    } else if (key == "key_pollutant_discharge_unit.listed_sectors") {
      rules.listed_sectors = SplitSemicolons(value);
    } else if (key == "new_project_energy_review.exempt_below_tce") {
      PARK_TRY(need_number(rules.review_exempt_below_tce));
    } else if (key == "new_project_energy_review.exempt_below_electricity") {
      if (rec.fields[3] != "MWh/yr") return Error::Invalid(where + ".unit", "must be MWh/yr");
      PARK_TRY(need_number(rules.review_exempt_below_electricity_mwh));
    } else if (key == "total_load_pollutants_14th_fyp.pollutants") {
      // Informational: which pollutants are under total-load control. Not a listing rule.
    } else {
      return Error::Invalid(where, "unknown rule " + key.substr(0, 80));
    }
  }
  PARK_TRY(ValidateThreeListRules(rules));
  return rules;
}

Result<ThreeListRules> DefaultThreeListRules() { return ParseThreeListRulesCsv(DefaultThreeListRulesCsv()); }

Result<ThreeLists> BuildThreeLists(const ParkInventory& park, const ThreeListRules& rules) {
  PARK_TRY(ValidateThreeListRules(rules));
  ThreeLists lists;
  lists.year = park.year;

  for (const EnterpriseInventory& inv : park.enterprises) {
    const double carbon = inv.Year()[rules.carbon_basis];
    if (carbon >= rules.carbon_threshold_t_co2e) {
      lists.key_carbon.push_back({inv.info.code,
                                  inv.info.name,
                                  carbon,
                                  {T("carbon.lists.over_threshold",
                                     {{"metric", TextRef{"carbon.metric." + std::string(MetricName(rules.carbon_basis))}},
                                      {"value", carbon},
                                      {"threshold", rules.carbon_threshold_t_co2e},
                                      {"unit", "tCO₂e"}})}});
    }
    const double energy = inv.Year()[rules.energy_basis];
    if (energy >= rules.energy_threshold_tce) {
      lists.key_energy.push_back({inv.info.code,
                                  inv.info.name,
                                  energy,
                                  {T("carbon.lists.over_threshold",
                                     {{"metric", TextRef{"carbon.metric." + std::string(MetricName(rules.energy_basis))}},
                                      {"value", energy},
                                      {"threshold", rules.energy_threshold_tce},
                                      {"unit", "tce"}})}});
    } else if (inv.info.designated_key_energy_unit && energy >= rules.energy_designated_threshold_tce) {
      lists.key_energy.push_back(
          {inv.info.code,
           inv.info.name,
           energy,
           {T("carbon.lists.over_designated_threshold",
              {{"metric", TextRef{"carbon.metric." + std::string(MetricName(rules.energy_basis))}},
               {"value", energy},
               {"threshold", rules.energy_designated_threshold_tce},
               {"unit", "tce"}})}});
    }
  }

  std::map<std::string, size_t> index;
  for (Item pollutant : rules.pollutants) {
    const Metric metric = PollutantMetric(pollutant);
    std::vector<std::pair<double, const EnterpriseInventory*>> dischargers;
    double park_load = 0;
    for (const EnterpriseInventory& inv : park.enterprises) {
      const double t = inv.Year()[metric];
      if (t > 0) {
        dischargers.emplace_back(t, &inv);
        park_load += t;
      }
    }
    if (park_load <= 0) continue;
    std::stable_sort(dischargers.begin(), dischargers.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second->info.code < b.second->info.code;
    });
    // Take the largest until the cover is reached; the unit that crosses the line is included.
    double covered = 0;
    int rank = 0;
    for (const auto& [t, inv] : dischargers) {
      if (covered >= rules.pollutant_cover_fraction * park_load) break;
      covered += t;
      ++rank;
      ListedUnit& unit = Entry(lists.key_pollutant, index, *inv);
      const double share = t / park_load;
      unit.value = std::max(unit.value, share);
      unit.criteria.push_back(T("carbon.lists.pollutant_rank", {{"pollutant", TextRef{"carbon.item." + std::string(ItemName(pollutant))}},
                                                               {"rank", rank},
                                                               {"value_t", t},
                                                               {"share_pct", share * 100},
                                                               {"park_load_t", park_load},
                                                               {"covered_pct", covered / park_load * 100},
                                                               {"cover_pct", rules.pollutant_cover_fraction * 100}}));
    }
  }
  for (const EnterpriseInventory& inv : park.enterprises) {
    for (const std::string& prefix : rules.listed_sectors) {
      if (!prefix.empty() && inv.info.sector.compare(0, prefix.size(), prefix) == 0) {
        ListedUnit& unit = Entry(lists.key_pollutant, index, inv);
        unit.criteria.push_back(T("carbon.lists.listed_sector", {{"sector", inv.info.sector}, {"listed", prefix}}));
        break;
      }
    }
  }
  for (const EnterpriseFailure& f : park.failures) {
    lists.notes.push_back(T("carbon.lists.left_out", {{"enterprise", f.enterprise_code},
                                                       {"reason", f.error.text.empty() ? f.error.message : RenderText(f.error.text)}}));
  }
  SortByValue(lists.key_carbon);
  SortByValue(lists.key_energy);
  SortByValue(lists.key_pollutant);
  return lists;
}

}  // namespace park::carbon
