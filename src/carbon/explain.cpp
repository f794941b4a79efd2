// Explanations are built on demand from the line results an inventory keeps, so computing a park stays cheap and
// every figure can still show its formula, the factor revisions and the input rows.
#include <algorithm>
#include <cstdio>
#include <set>
#include <tuple>

#include "inventory_internal.hpp"
#include "carbon/text.hpp"
#include "park/carbon/inventory.hpp"

namespace park::carbon {
namespace {

// Which line rules feed an additive metric; for ratios, the numerator and denominator metrics.
bool Feeds(const LineResult& l, Metric m) {
  const ItemClass cls = InfoOf(l.item).item_class;
  switch (m) {
    case Metric::kCombustionTCo2: return l.rule == LineRule::kCombustion || l.rule == LineRule::kFeedstock;
    case Metric::kProcessTCo2: return l.rule == LineRule::kProcessCo2;
    case Metric::kRecoveredTCo2: return l.rule == LineRule::kCo2Recovered;
    case Metric::kScope1TCo2:
      return l.rule == LineRule::kCombustion || l.rule == LineRule::kFeedstock || l.rule == LineRule::kProcessCo2 ||
             l.rule == LineRule::kCo2Recovered;
    case Metric::kScope2LocationTCo2: return l.rule == LineRule::kElectricity || l.rule == LineRule::kHeat;
    case Metric::kScope2MarketTCo2:
      return l.rule == LineRule::kElectricity || l.rule == LineRule::kGreenElectricity || l.rule == LineRule::kHeat;
    case Metric::kTotalTCo2: return Feeds(l, Metric::kScope1TCo2) || Feeds(l, Metric::kScope2LocationTCo2);
    case Metric::kTotalMarketTCo2: return Feeds(l, Metric::kScope1TCo2) || Feeds(l, Metric::kScope2MarketTCo2);
    case Metric::kEnergyTceEquivalent:
    case Metric::kEnergyTceEqualValue:
      return l.rule == LineRule::kCombustion || l.rule == LineRule::kFeedstock || l.rule == LineRule::kElectricity ||
             l.rule == LineRule::kHeat;
    case Metric::kElectricityMwh: return l.rule == LineRule::kElectricity;
    case Metric::kGreenElectricityMwh: return l.rule == LineRule::kGreenElectricity;
    case Metric::kHeatGj: return l.rule == LineRule::kHeat;
    case Metric::kOutputValue10kYuan: return cls == ItemClass::kOutputValue;
    case Metric::kAddedValue10kYuan: return cls == ItemClass::kAddedValue;
    case Metric::kWaterT: return cls == ItemClass::kWater;
    default: break;
  }
  if (m >= Metric::kCodT && m <= Metric::kVocsT) return cls == ItemClass::kPollutant && PollutantMetric(l.item) == m;
  return false;
}

double Contribution(const LineResult& l, Metric m) {
  switch (m) {
    case Metric::kCombustionTCo2:
    case Metric::kProcessTCo2:
    case Metric::kScope1TCo2: return l.scope1_t_co2;
    case Metric::kRecoveredTCo2: return -l.scope1_t_co2;
    case Metric::kScope2LocationTCo2: return l.scope2_location_t_co2;
    case Metric::kScope2MarketTCo2: return l.scope2_market_t_co2;
    case Metric::kTotalTCo2: return l.scope1_t_co2 + l.scope2_location_t_co2;
    case Metric::kTotalMarketTCo2: return l.scope1_t_co2 + l.scope2_market_t_co2;
    case Metric::kEnergyTceEquivalent: return l.energy_tce_equivalent;
    case Metric::kEnergyTceEqualValue: return l.energy_tce_equal_value;
    default: return l.amount_canonical;
  }
}

// The two additive metrics a ratio divides.
std::pair<Metric, Metric> RatioParts(Metric m) {
  switch (m) {
    case Metric::kIntensityTCo2Per10kYuanOutput: return {Metric::kTotalTCo2, Metric::kOutputValue10kYuan};
    case Metric::kIntensityTCo2Per10kYuanAddedValue: return {Metric::kTotalTCo2, Metric::kAddedValue10kYuan};
    case Metric::kEnergyIntensityTcePer10kYuanOutput:
      return {Metric::kEnergyTceEquivalent, Metric::kOutputValue10kYuan};
    case Metric::kEnergyIntensityTcePer10kYuanAddedValue:
      return {Metric::kEnergyTceEquivalent, Metric::kAddedValue10kYuan};
    default: {
      const int index = static_cast<int>(m) - static_cast<int>(Metric::kCodTPer10kYuanOutput);
      return {PollutantMetric(PollutantAt(index)), Metric::kOutputValue10kYuan};
    }
  }
}

TextRef MetricRef(Metric m) { return TextRef{"carbon.metric." + std::string(MetricName(m))}; }

// How a figure is computed, in words and symbols said by the catalogues (carbon.formula.*).
Text FormulaOf(Metric m) {
  switch (m) {
    case Metric::kCombustionTCo2:
    case Metric::kProcessTCo2:
    case Metric::kRecoveredTCo2:
    case Metric::kScope1TCo2:
    case Metric::kScope2LocationTCo2:
    case Metric::kScope2MarketTCo2:
    case Metric::kTotalTCo2:
    case Metric::kTotalMarketTCo2:
    case Metric::kEnergyTceEquivalent:
    case Metric::kEnergyTceEqualValue: return T("carbon.formula." + std::string(MetricName(m)));
    default: break;
  }
  if (IsRatioMetric(m)) {
    const auto [num, den] = RatioParts(m);
    return T("carbon.formula.ratio", {{"metric", MetricRef(m)}, {"numerator", MetricRef(num)}, {"denominator", MetricRef(den)}});
  }
  return T("carbon.formula.rows", {{"metric", MetricRef(m)}, {"unit", MetricUnit(m)}});
}

// One input row's share of a figure, with its numbers (carbon.line.*). Amounts and results are numbers (rounded as
// every text rounds them); factor values are strings, shown exactly as the factor library holds them.
Text LineFormula(const LineResult& l, Metric m) {
  const ItemInfo& info = InfoOf(l.item);
  const std::string unit(info.canonical_unit);
  const double amount = l.amount_canonical;
  const bool energy = m == Metric::kEnergyTceEquivalent || m == Metric::kEnergyTceEqualValue;
  auto f = [&](int i) { return l.factors[static_cast<size_t>(i)]; };
  auto value = [&](int i) { return FormatNumber(f(i)->value, 10); };
  auto product = [&](int i, double result, std::string_view result_unit) {
    return T("carbon.line.product", {{"amount", amount},
                                     {"unit", unit},
                                     {"factor", value(i)},
                                     {"factor_unit", f(i)->unit},
                                     {"result", result},
                                     {"result_unit", result_unit}});
  };
  const Text just_amount = T("carbon.line.amount", {{"amount", amount}, {"unit", unit}});
  switch (l.rule) {
    case LineRule::kFeedstock: return T("carbon.line.feedstock", {{"amount", amount}, {"unit", unit}});
    case LineRule::kCombustion:
      if (energy) {
        if (l.tce_from_ncv) {
          return T("carbon.line.tce_from_ncv", {{"amount", amount},
                                                {"unit", unit},
                                                {"ncv", value(0)},
                                                {"ncv_unit", f(0)->unit},
                                                {"tce", l.energy_tce_equivalent}});
        }
        return T("carbon.line.tce", {{"amount", amount},
                                     {"unit", unit},
                                     {"coefficient", value(3)},
                                     {"coefficient_unit", f(3)->unit},
                                     {"tce", l.energy_tce_equivalent}});
      }
      return T(f(1)->kind == FactorKind::kFuelCarbonContent ? "carbon.line.combustion_cc" : "carbon.line.combustion_ef",
               {{"amount", amount},
                {"unit", unit},
                {"ncv", value(0)},
                {"ncv_unit", f(0)->unit},
                {"factor", value(1)},
                {"factor_unit", f(1)->unit},
                {"oxidation", value(2)},
                {"t_co2", l.scope1_t_co2}});
    case LineRule::kElectricity:
      if (m == Metric::kEnergyTceEquivalent) return product(2, l.energy_tce_equivalent, "tce");
      if (m == Metric::kEnergyTceEqualValue) return product(3, l.energy_tce_equal_value, "tce");
      if (m == Metric::kScope2MarketTCo2 || m == Metric::kTotalMarketTCo2) {
        return product(1, l.scope2_market_t_co2, "tCO2");
      }
      if (m == Metric::kElectricityMwh) return just_amount;
      return product(0, l.scope2_location_t_co2, "tCO2");
    case LineRule::kGreenElectricity:
      if (m == Metric::kGreenElectricityMwh) return just_amount;
      return T("carbon.line.green_electricity", {{"amount", amount},
                                                 {"unit", unit},
                                                 {"factor", value(1)},
                                                 {"factor_unit", f(1)->unit},
                                                 {"t_co2", l.scope2_market_t_co2}});
    case LineRule::kHeat:
      if (energy) return product(1, l.energy_tce_equivalent, "tce");
      if (m == Metric::kHeatGj) return just_amount;
      return product(0, l.scope2_location_t_co2, "tCO2");
    case LineRule::kProcessCo2: return T("carbon.line.process", {{"amount", amount}, {"unit", unit}});
    case LineRule::kCo2Recovered: return T("carbon.line.recovered", {{"amount", amount}, {"unit", unit}});
    case LineRule::kQuantity: return just_amount;
  }
  return just_amount;
}

FactorUse ToUse(const Factor& f) {
  return {f.id,
          f.revision,
          std::string(FactorKindName(f.kind)),
          f.subject,
          f.region,
          f.basis,
          f.year,
          f.value,
          f.unit,
          std::string(ScopeLevelName(f.level)),
          std::string(FactorStatusName(f.status)),
          f.source,
          f.document,
          f.source_code,
          f.document_code};
}

// Factor slots a line uses for a metric (only those that shaped the figure).
std::vector<int> SlotsFor(const LineResult& l, Metric m) {
  const bool energy = m == Metric::kEnergyTceEquivalent || m == Metric::kEnergyTceEqualValue;
  switch (l.rule) {
    case LineRule::kCombustion:
      if (energy) return l.tce_from_ncv ? std::vector<int>{0} : std::vector<int>{3};
      return {0, 1, 2};
    case LineRule::kElectricity:
      if (m == Metric::kEnergyTceEquivalent) return {2};
      if (m == Metric::kEnergyTceEqualValue) return {3};
      if (m == Metric::kScope2MarketTCo2 || m == Metric::kTotalMarketTCo2) return {1};
      if (m == Metric::kScope2LocationTCo2 || m == Metric::kTotalTCo2) return {0};
      return {};
    case LineRule::kGreenElectricity:
      return m == Metric::kGreenElectricityMwh ? std::vector<int>{} : std::vector<int>{1};
    case LineRule::kHeat:
      if (energy) return {1};
      return m == Metric::kHeatGj ? std::vector<int>{} : std::vector<int>{0};
    default: return {};
  }
}

std::string PeriodLabel(int year, int month) { return month == 0 ? std::to_string(year) : PeriodText(year, month); }

}  // namespace

Explanation Explain(const EnterpriseInventory& inv, Metric metric, int month) {
  Explanation e;
  const int m = month < 0 || month > 12 ? 0 : month;
  e.figure = std::string(MetricName(metric));
  e.period = PeriodLabel(inv.year, m);
  e.value = inv.periods[static_cast<size_t>(m)].Get(metric);
  e.unit = std::string(MetricUnit(metric));
  e.formula = FormulaOf(metric);

  std::vector<Metric> parts = {metric};
  if (IsRatioMetric(metric)) {
    const auto [num, den] = RatioParts(metric);
    parts = {num, den};
    e.notes.push_back(T("carbon.explain.ratio_parts", {{"numerator", TextRef{"carbon.metric." + std::string(MetricName(num))}},
                                                       {"numerator_value", inv.periods[static_cast<size_t>(m)][num]},
                                                       {"numerator_unit", MetricUnit(num)},
                                                       {"denominator", TextRef{"carbon.metric." + std::string(MetricName(den))}},
                                                       {"denominator_value", inv.periods[static_cast<size_t>(m)][den]},
                                                       {"denominator_unit", MetricUnit(den)}}));
    if (!e.value) e.notes.push_back(T("carbon.explain.ratio_undefined", {{"denominator", TextRef{"carbon.metric." + std::string(MetricName(den))}}}));
  }
  std::set<const Factor*> seen;
  bool any_check = false;
  for (const LineResult& l : inv.lines) {
    if (m != 0 && l.month != m) continue;
    for (Metric part : parts) {
      if (!Feeds(l, part)) continue;
      InputUse in;
      in.row_id = l.row_id;
      in.line = l.line;
      in.period = PeriodText(inv.year, l.month);
      in.item = std::string(ItemName(l.item));
      in.use = std::string(UseName(l.use));
      in.amount = l.amount_canonical;
      in.unit = std::string(InfoOf(l.item).canonical_unit);
      in.contribution = l.rule == LineRule::kFeedstock ? 0.0 : Contribution(l, part);
      in.formula = LineFormula(l, part);
      if (IsRatioMetric(metric)) in.part = std::string(MetricName(part));
      e.inputs.push_back(std::move(in));
      for (int slot : SlotsFor(l, part)) {
        const Factor* f = l.factors[static_cast<size_t>(slot)];
        if (f != nullptr && seen.insert(f).second) {
          e.factors.push_back(ToUse(*f));
          any_check = any_check || f->status == FactorStatus::kCheck;
        }
      }
    }
  }
  std::sort(e.factors.begin(), e.factors.end(), [](const FactorUse& a, const FactorUse& b) {
    return std::tie(a.id, a.revision) < std::tie(b.id, b.revision);
  });
  for (const FactorUse& f : e.factors) {
    if (f.year != 0 && f.year != inv.year) {
      e.notes.push_back(T("carbon.explain.older_factor", {{"factor", f.id},
                                                          {"factor_year", std::to_string(f.year)},
                                                          {"year", std::to_string(inv.year)}}));
    }
  }
  if (any_check) {
    e.notes.push_back(T("carbon.explain.check_factor"));
  }
  if (e.inputs.empty()) e.notes.push_back(T("carbon.explain.no_rows"));
  return e;
}

namespace {

// Park or sector figure: the sum (or ratio of sums) over the enterprises `include` accepts.
template <typename Include>
Explanation ExplainSum(const ParkInventory& park, Metric metric, int m, std::string_view scope,
                       std::optional<double> value, const PeriodValues* totals, Include include) {
  Explanation e;
  e.figure = std::string(MetricName(metric));
  e.period = PeriodLabel(park.year, m);
  e.value = value;
  e.unit = std::string(MetricUnit(metric));
  // scope: the park (empty) or a sector code.
  if (IsRatioMetric(metric)) {
    const auto [num, den] = RatioParts(metric);
    e.formula = scope.empty() ? T("carbon.formula.park_ratio", {{"metric", MetricRef(metric)},
                                                                {"numerator", MetricRef(num)},
                                                                {"denominator", MetricRef(den)}})
                              : T("carbon.formula.sector_ratio", {{"sector", std::string(scope)},
                                                                  {"metric", MetricRef(metric)},
                                                                  {"numerator", MetricRef(num)},
                                                                  {"denominator", MetricRef(den)}});
    if (totals != nullptr) {
      e.notes.push_back(T("carbon.explain.sum_parts", {{"numerator", MetricRef(num)},
                                                       {"numerator_value", (*totals)[num]},
                                                       {"denominator", MetricRef(den)},
                                                       {"denominator_value", (*totals)[den]}}));
    }
  } else {
    e.formula = scope.empty() ? T("carbon.formula.park_sum", {{"metric", MetricRef(metric)}})
                              : T("carbon.formula.sector_sum", {{"sector", std::string(scope)}, {"metric", MetricRef(metric)}});
  }
  for (const EnterpriseInventory& inv : park.enterprises) {
    if (!include(inv)) continue;
    if (auto v = inv.periods[static_cast<size_t>(m)].Get(metric)) e.parts.emplace_back(inv.info.code, *v);
  }
  if (!park.failures.empty()) {
    e.notes.push_back(T("carbon.explain.failures", {{"count", park.failures.size()}}));
  }
  e.notes.push_back(T("carbon.explain.see_enterprises"));
  return e;
}

}  // namespace

Explanation ExplainPark(const ParkInventory& park, Metric metric, int month) {
  const int m = month < 0 || month > 12 ? 0 : month;
  const PeriodValues& totals = park.park[static_cast<size_t>(m)];
  return ExplainSum(park, metric, m, "", totals.Get(metric), &totals,
                    [](const EnterpriseInventory&) { return true; });
}

Explanation ExplainSector(const ParkInventory& park, std::string_view sector, Metric metric) {
  auto it = park.by_sector.find(std::string(sector));
  const PeriodValues* totals = it == park.by_sector.end() ? nullptr : &it->second;
  Explanation e = ExplainSum(
      park, metric, 0, sector, totals != nullptr ? totals->Get(metric) : std::nullopt, totals,
      [&](const EnterpriseInventory& inv) { return inv.info.sector.compare(0, sector.size(), sector) == 0; });
  if (totals == nullptr) e.notes.push_back(T("carbon.explain.empty_sector", {{"sector", std::string(sector)}}));
  return e;
}

}  // namespace park::carbon
