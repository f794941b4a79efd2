#include "park/carbon/inventory.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "inventory_internal.hpp"

namespace park::carbon {
namespace {

using internal::ItemFactors;

struct MetricDef {
  std::string_view name;
  std::string_view unit;
};

constexpr std::array<MetricDef, kMetricCount> kMetrics = {{
    {"combustion_t_co2", "tCO2"},
    {"process_t_co2", "tCO2"},
    {"co2_recovered_t_co2", "tCO2"},
    {"scope1_t_co2", "tCO2"},
    {"scope2_location_t_co2", "tCO2"},
    {"scope2_market_t_co2", "tCO2"},
    {"total_t_co2", "tCO2"},
    {"total_market_t_co2", "tCO2"},
    {"energy_tce_equivalent", "tce"},
    {"energy_tce_equal_value", "tce"},
    {"electricity_mwh", "MWh"},
    {"green_electricity_mwh", "MWh"},
    {"heat_gj", "GJ"},
    {"output_value_10k_yuan", "10^4 yuan"},
    {"added_value_10k_yuan", "10^4 yuan"},
    {"water_t", "t"},
    {"cod_t", "t"},
    {"nh3n_t", "t"},
    {"tn_t", "t"},
    {"tp_t", "t"},
    {"so2_t", "t"},
    {"nox_t", "t"},
    {"pm_t", "t"},
    {"vocs_t", "t"},
    {"intensity_t_co2_per_10k_yuan_output", "tCO2/10^4 yuan"},
    {"intensity_t_co2_per_10k_yuan_added_value", "tCO2/10^4 yuan"},
    {"energy_intensity_tce_per_10k_yuan_output", "tce/10^4 yuan"},
    {"energy_intensity_tce_per_10k_yuan_added_value", "tce/10^4 yuan"},
    {"cod_t_per_10k_yuan_output", "t/10^4 yuan"},
    {"nh3n_t_per_10k_yuan_output", "t/10^4 yuan"},
    {"tn_t_per_10k_yuan_output", "t/10^4 yuan"},
    {"tp_t_per_10k_yuan_output", "t/10^4 yuan"},
    {"so2_t_per_10k_yuan_output", "t/10^4 yuan"},
    {"nox_t_per_10k_yuan_output", "t/10^4 yuan"},
    {"pm_t_per_10k_yuan_output", "t/10^4 yuan"},
    {"vocs_t_per_10k_yuan_output", "t/10^4 yuan"},
}};

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

double Ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : kUndefined; }

// Adds one line's contribution to the additive metrics of a period.
void Accumulate(PeriodValues& p, const LineResult& l) {
  switch (l.rule) {
    case LineRule::kCombustion: p[Metric::kCombustionTCo2] += l.scope1_t_co2; break;
    case LineRule::kProcessCo2: p[Metric::kProcessTCo2] += l.scope1_t_co2; break;
    case LineRule::kCo2Recovered:
      p[Metric::kRecoveredTCo2] -= l.scope1_t_co2;  // stored negative on the line, reported positive
      break;
    case LineRule::kElectricity: p[Metric::kElectricityMwh] += l.amount_canonical; break;
    case LineRule::kGreenElectricity: p[Metric::kGreenElectricityMwh] += l.amount_canonical; break;
    case LineRule::kHeat: p[Metric::kHeatGj] += l.amount_canonical; break;
    case LineRule::kFeedstock: break;
    case LineRule::kQuantity:
      switch (InfoOf(l.item).item_class) {
        case ItemClass::kOutputValue: p[Metric::kOutputValue10kYuan] += l.amount_canonical; break;
        case ItemClass::kAddedValue: p[Metric::kAddedValue10kYuan] += l.amount_canonical; break;
        case ItemClass::kWater: p[Metric::kWaterT] += l.amount_canonical; break;
        case ItemClass::kPollutant: p[PollutantMetric(l.item)] += l.amount_canonical; break;
        default: break;
      }
      break;
  }
  p[Metric::kScope2LocationTCo2] += l.scope2_location_t_co2;
  p[Metric::kScope2MarketTCo2] += l.scope2_market_t_co2;
  p[Metric::kEnergyTceEquivalent] += l.energy_tce_equivalent;
  p[Metric::kEnergyTceEqualValue] += l.energy_tce_equal_value;
}

std::string Describe(Item item) { return std::string(ItemName(item)); }

}  // namespace

std::string_view MetricName(Metric metric) { return kMetrics[static_cast<size_t>(metric)].name; }
std::string_view MetricUnit(Metric metric) { return kMetrics[static_cast<size_t>(metric)].unit; }
std::optional<Metric> MetricFromName(std::string_view name) {
  for (size_t i = 0; i < kMetrics.size(); ++i) {
    if (kMetrics[i].name == name) return static_cast<Metric>(i);
  }
  return std::nullopt;
}
Metric PollutantMetric(Item pollutant) {
  return static_cast<Metric>(static_cast<int>(Metric::kCodT) + PollutantIndex(pollutant));
}
Metric PollutantIntensityMetric(Item pollutant) {
  return static_cast<Metric>(static_cast<int>(Metric::kCodTPer10kYuanOutput) + PollutantIndex(pollutant));
}
bool IsRatioMetric(Metric metric) { return metric >= Metric::kIntensityTCo2Per10kYuanOutput; }

std::optional<double> PeriodValues::Get(Metric m) const {
  const double v = (*this)[m];
  if (std::isnan(v)) return std::nullopt;
  return v;
}

void AddPeriod(PeriodValues& into, const PeriodValues& from) {
  for (int i = 0; i < static_cast<int>(Metric::kIntensityTCo2Per10kYuanOutput); ++i) {
    into.values[static_cast<size_t>(i)] += from.values[static_cast<size_t>(i)];
  }
}

void FinishPeriod(PeriodValues& p) {
  p[Metric::kScope1TCo2] = p[Metric::kCombustionTCo2] + p[Metric::kProcessTCo2] - p[Metric::kRecoveredTCo2];
  p[Metric::kTotalTCo2] = p[Metric::kScope1TCo2] + p[Metric::kScope2LocationTCo2];
  p[Metric::kTotalMarketTCo2] = p[Metric::kScope1TCo2] + p[Metric::kScope2MarketTCo2];
  const double output = p[Metric::kOutputValue10kYuan];
  const double added = p[Metric::kAddedValue10kYuan];
  p[Metric::kIntensityTCo2Per10kYuanOutput] = Ratio(p[Metric::kTotalTCo2], output);
  p[Metric::kIntensityTCo2Per10kYuanAddedValue] = Ratio(p[Metric::kTotalTCo2], added);
  p[Metric::kEnergyIntensityTcePer10kYuanOutput] = Ratio(p[Metric::kEnergyTceEquivalent], output);
  p[Metric::kEnergyIntensityTcePer10kYuanAddedValue] = Ratio(p[Metric::kEnergyTceEquivalent], added);
  for (int i = 0; i < kPollutantCount; ++i) {
    const Item pollutant = PollutantAt(i);
    p[PollutantIntensityMetric(pollutant)] = Ratio(p[PollutantMetric(pollutant)], output);
  }
}

namespace internal {

Result<ItemFactors> ResolveItem(const FactorLibrary& library, const CalcConfig& config,
                                std::string_view enterprise_code, Item item, Use use) {
  ItemFactors f;
  const ItemInfo& info = InfoOf(item);
  const std::string_view region = config.province.empty() ? std::string_view("national") : config.province;
  auto query = [&](FactorKind kind, std::string_view subject, std::string_view basis = "default",
                   std::string_view query_region = {}) {
    return FactorLibrary::Query{kind,  subject,        config.year, query_region.empty() ? region : query_region,
                                basis, enterprise_code};
  };
  // How many of `per_unit` one canonical unit of the item is (e.g. 1 "10^4 Nm3" = 10,000 "m3").
  auto per_canonical = [&](const Factor& factor, std::string_view per_unit) -> Result<double> {
    auto r = ConvertUnit(info.dimension, 1.0, info.canonical_unit, per_unit);
    if (!r.ok()) {
      return Error::Invalid("item", "factor " + factor.id + " is per " + std::string(per_unit) + ", which does not " +
                                        "convert from " + std::string(info.canonical_unit) + " of " +
                                        std::string(info.name) + "; add a factor per " +
                                        std::string(info.canonical_unit));
    }
    return *r;
  };
  auto denominator = [](const Factor& factor) {
    const auto slash = factor.unit.find('/');
    return std::string_view(factor.unit).substr(slash + 1);
  };

  switch (info.item_class) {
    case ItemClass::kFuel: {
      if (use == Use::kFeedstock) {
        f.rule = LineRule::kFeedstock;
        return f;
      }
      f.rule = LineRule::kCombustion;
      PARK_ASSIGN_OR_RETURN(const Factor* ncv, library.Lookup(query(FactorKind::kFuelNcv, info.name)));
      const Factor* cc = library.Find(query(FactorKind::kFuelCarbonContent, info.name));
      const Factor* ef = library.Find(query(FactorKind::kFuelEmissionFactor, info.name));
      // The better scope level wins; on a tie the carbon content (China's guideline form).
      const Factor* carbon = cc;
      if (ef != nullptr && (cc == nullptr || ef->level < cc->level)) carbon = ef;
      if (carbon == nullptr) PARK_TRY(library.Lookup(query(FactorKind::kFuelCarbonContent, info.name)));
      PARK_ASSIGN_OR_RETURN(const Factor* oxidation, library.Lookup(query(FactorKind::kFuelOxidation, info.name)));
      PARK_ASSIGN_OR_RETURN(double ncv_units, per_canonical(*ncv, denominator(*ncv)));
      f.gj_per_unit = ncv_units * ncv->value;
      const double t_co2_per_gj = carbon->kind == FactorKind::kFuelCarbonContent
                                      ? carbon->value * internal::kCo2PerC
                                      : carbon->value / 1e6;  // kgCO2/TJ -> tCO2/GJ
      f.scope1_t_co2_per_unit = f.gj_per_unit * t_co2_per_gj * oxidation->value;
      // GB/T 2589 names pipeline gas by origin; the guideline NCV for natural gas is the oilfield gas row's.
      const std::string_view coal_subject = item == Item::kNaturalGas ? "natural_gas_oilfield" : info.name;
      const Factor* coal = library.Find(query(FactorKind::kStandardCoal, coal_subject));
      if (coal != nullptr) {
        PARK_ASSIGN_OR_RETURN(double coal_units, per_canonical(*coal, denominator(*coal)));
        f.tce_equivalent_per_unit = coal_units * coal->value / 1000.0;
      } else {
        f.tce_equivalent_per_unit = f.gj_per_unit / internal::kGjPerTce;
        f.tce_from_ncv = true;
      }
      f.tce_equal_value_per_unit = f.tce_equivalent_per_unit;
      f.factors = {ncv, carbon, oxidation, coal};
      return f;
    }
    case ItemClass::kElectricity:
    case ItemClass::kGreenElectricity: {
      const bool green = info.item_class == ItemClass::kGreenElectricity;
      f.rule = green ? LineRule::kGreenElectricity : LineRule::kElectricity;
      PARK_ASSIGN_OR_RETURN(const Factor* market,
                            library.Lookup(query(FactorKind::kElectricityCo2, "electricity",
                                                 config.electricity_market_basis, config.electricity_region)));
      if (green) {
        // Certificated green power is part of the electricity already counted: it only lowers the market figure.
        f.market_t_co2_per_unit = -market->value;
        f.factors = {nullptr, market, nullptr, nullptr};
        return f;
      }
      PARK_ASSIGN_OR_RETURN(const Factor* location,
                            library.Lookup(query(FactorKind::kElectricityCo2, "electricity",
                                                 config.electricity_location_basis, config.electricity_region)));
      PARK_ASSIGN_OR_RETURN(const Factor* equivalent,
                            library.Lookup(query(FactorKind::kStandardCoal, "electricity_equivalent")));
      PARK_ASSIGN_OR_RETURN(const Factor* equal_value,
                            library.Lookup(query(FactorKind::kElectricityEqualValue, "electricity")));
      PARK_ASSIGN_OR_RETURN(double kwh_per_mwh, per_canonical(*equivalent, denominator(*equivalent)));
      f.location_t_co2_per_unit = location->value;
      f.market_t_co2_per_unit = market->value;
      f.tce_equivalent_per_unit = kwh_per_mwh * equivalent->value / 1000.0;
      f.tce_equal_value_per_unit = 1000.0 * equal_value->value / 1000.0;  // MWh -> kWh, kgce -> tce
      f.factors = {location, market, equivalent, equal_value};
      return f;
    }
    case ItemClass::kHeat: {
      f.rule = LineRule::kHeat;
      PARK_ASSIGN_OR_RETURN(const Factor* heat, library.Lookup(query(FactorKind::kHeatCo2, "heat")));
      PARK_ASSIGN_OR_RETURN(const Factor* coal, library.Lookup(query(FactorKind::kStandardCoal, "heat")));
      PARK_ASSIGN_OR_RETURN(double coal_units, per_canonical(*coal, denominator(*coal)));
      f.location_t_co2_per_unit = heat->value;
      f.market_t_co2_per_unit = heat->value;
      f.tce_equivalent_per_unit = coal_units * coal->value / 1000.0;
      f.tce_equal_value_per_unit = f.tce_equivalent_per_unit;
      f.factors = {heat, coal, nullptr, nullptr};
      return f;
    }
    case ItemClass::kProcessCo2:
      f.rule = LineRule::kProcessCo2;
      f.scope1_t_co2_per_unit = 1.0;
      return f;
    case ItemClass::kCo2Recovered:
      f.rule = LineRule::kCo2Recovered;
      f.scope1_t_co2_per_unit = -1.0;
      return f;
    default: f.rule = LineRule::kQuantity; return f;
  }
}

LineResult ApplyFactors(const ItemFactors& f, Item item, Use use, double amount) {
  LineResult l;
  l.item = item;
  l.use = use;
  l.rule = f.rule;
  l.amount_canonical = amount;
  l.fuel_energy_gj = amount * f.gj_per_unit;
  l.scope1_t_co2 = amount * f.scope1_t_co2_per_unit;
  l.scope2_location_t_co2 = amount * f.location_t_co2_per_unit;
  l.scope2_market_t_co2 = amount * f.market_t_co2_per_unit;
  l.energy_tce_equivalent = amount * f.tce_equivalent_per_unit;
  l.energy_tce_equal_value = amount * f.tce_equal_value_per_unit;
  l.tce_from_ncv = f.tce_from_ncv;
  l.factors = f.factors;
  return l;
}

}  // namespace internal

namespace {

Result<EnterpriseInventory> ComputeFromPointers(const FactorLibrary& library, const CalcConfig& config,
                                                const EnterpriseInfo& enterprise,
                                                const std::vector<const ActivityRow*>& rows) {
  EnterpriseInventory inv;
  inv.info = enterprise;
  inv.year = config.year;
  inv.lines.reserve(rows.size());
  // Factors resolve once per item and use; an enterprise rarely has more than a dozen distinct items.
  std::array<std::optional<ItemFactors>, kItemCount * 2> resolved;
  for (const ActivityRow* row : rows) {
    const size_t slot = static_cast<size_t>(row->item) * 2 + (row->use == Use::kFeedstock ? 1 : 0);
    if (!resolved[slot]) {
      auto r = internal::ResolveItem(library, config, enterprise.code, row->item, row->use);
      if (!r.ok()) {
        Error e = r.take_error();
        e.message = "enterprise " + enterprise.code + ", " + Describe(row->item) + ": " + e.message;
        if (e.field.empty()) e.field = "item";
        return e;
      }
      resolved[slot] = std::move(*r);
    }
    LineResult line = internal::ApplyFactors(*resolved[slot], row->item, row->use, row->amount_canonical);
    line.row_id = row->id;
    line.line = row->line;
    line.month = row->month;
    Accumulate(inv.periods[static_cast<size_t>(row->month)], line);
    inv.lines.push_back(line);
  }
  for (int m = 1; m <= 12; ++m) {
    PeriodValues& month = inv.periods[static_cast<size_t>(m)];
    // A small tolerance absorbs unit-conversion rounding (e.g. kWh typed for one, MWh for the other).
    if (month[Metric::kGreenElectricityMwh] > month[Metric::kElectricityMwh] * (1 + 1e-9) + 1e-9) {
      return Error::Invalid("green_electricity", "enterprise " + enterprise.code + ", " + PeriodText(config.year, m) +
                                                     ": certificated green power exceeds purchased electricity " +
                                                     "(green power is a part of electricity, not in addition to it)");
    }
    AddPeriod(inv.periods[0], month);
    FinishPeriod(month);
  }
  FinishPeriod(inv.periods[0]);
  return inv;
}

}  // namespace

Status ValidateCalcConfig(const CalcConfig& config) {
  if (config.year < 1990 || config.year > 2100) return Error::Invalid("year", "must be 1990..2100");
  if (config.electricity_region.empty()) return Error::Invalid("electricity_region", "is empty; use \"national\"");
  if (config.electricity_location_basis.empty()) return Error::Invalid("electricity_location_basis", "is empty");
  if (config.electricity_market_basis.empty()) return Error::Invalid("electricity_market_basis", "is empty");
  return Status::Ok();
}

Result<EnterpriseInventory> ComputeEnterprise(const FactorLibrary& library, const CalcConfig& config,
                                              const EnterpriseInfo& enterprise, std::span<const ActivityRow> rows) {
  PARK_TRY(ValidateCalcConfig(config));
  std::vector<const ActivityRow*> mine;
  for (const ActivityRow& row : rows) {
    if (row.year == config.year && row.enterprise_code == enterprise.code && row.month >= 1 && row.month <= 12) {
      mine.push_back(&row);
    }
  }
  return ComputeFromPointers(library, config, enterprise, mine);
}

const EnterpriseInventory* ParkInventory::Find(std::string_view code) const {
  for (const auto& e : enterprises) {
    if (e.info.code == code) return &e;
  }
  return nullptr;
}

ParkInventory ComputePark(const FactorLibrary& library, const CalcConfig& config,
                          std::span<const EnterpriseInfo> enterprises, std::span<const ActivityRow> rows) {
  ParkInventory park;
  park.year = config.year;
  if (Status valid = ValidateCalcConfig(config); !valid.ok()) {
    for (const EnterpriseInfo& e : enterprises) park.failures.push_back({e.code, valid.error()});
    return park;
  }
  std::unordered_map<std::string_view, size_t> index;
  index.reserve(enterprises.size());
  std::vector<bool> duplicate(enterprises.size(), false);
  for (size_t i = 0; i < enterprises.size(); ++i) {
    if (!index.emplace(enterprises[i].code, i).second) duplicate[i] = true;
  }

  std::vector<std::vector<const ActivityRow*>> grouped(enterprises.size());
  std::map<std::string, size_t> unknown;  // code -> rows
  for (const ActivityRow& row : rows) {
    if (row.year != config.year || row.month < 1 || row.month > 12) continue;
    auto it = index.find(row.enterprise_code);
    if (it == index.end()) {
      ++unknown[row.enterprise_code];
      continue;
    }
    grouped[it->second].push_back(&row);
  }
  park.enterprises.reserve(enterprises.size());
  for (size_t i = 0; i < enterprises.size(); ++i) {
    if (duplicate[i]) {
      park.failures.push_back(
          {enterprises[i].code,
           Error::Invalid("enterprise_code", "enterprise " + enterprises[i].code + " is listed twice")});
      continue;
    }
    auto inv = ComputeFromPointers(library, config, enterprises[i], grouped[i]);
    if (!inv.ok()) {
      park.failures.push_back({enterprises[i].code, inv.take_error()});
      continue;
    }
    for (int m = 0; m <= 12; ++m) AddPeriod(park.park[static_cast<size_t>(m)], inv->periods[static_cast<size_t>(m)]);
    const std::string& sector = inv->info.sector;
    const std::string group = config.sector_prefix_length == 0 ? sector : sector.substr(0, config.sector_prefix_length);
    AddPeriod(park.by_sector[group], inv->Year());
    park.enterprises.push_back(std::move(*inv));
  }
  for (const auto& [code, count] : unknown) {
    park.failures.push_back({code, Error::NotFound(std::to_string(count) + " activity rows name enterprise " + code +
                                                   ", which is not registered in the park")});
  }
  for (auto& p : park.park) FinishPeriod(p);
  for (auto& [sector, p] : park.by_sector) FinishPeriod(p);
  return park;
}

std::vector<YearOnYear> CompareYears(const PeriodValues& previous, const PeriodValues& current) {
  std::vector<YearOnYear> out;
  out.reserve(kMetricCount);
  for (int i = 0; i < kMetricCount; ++i) {
    YearOnYear y;
    y.metric = static_cast<Metric>(i);
    y.previous = previous.Get(y.metric);
    y.current = current.Get(y.metric);
    if (y.previous && y.current) {
      y.change = *y.current - *y.previous;
      if (*y.previous != 0) y.change_pct = *y.change / std::fabs(*y.previous) * 100.0;
    }
    out.push_back(y);
  }
  return out;
}

ParkComparison CompareParks(const ParkInventory& previous, const ParkInventory& current) {
  PeriodValues absent;
  absent.values.fill(kUndefined);
  ParkComparison out;
  out.park = CompareYears(previous.park[0], current.park[0]);
  for (const auto& [sector, values] : current.by_sector) {
    auto it = previous.by_sector.find(sector);
    out.by_sector[sector] = CompareYears(it == previous.by_sector.end() ? absent : it->second, values);
  }
  std::unordered_map<std::string_view, const EnterpriseInventory*> before;
  for (const auto& inv : previous.enterprises) before.emplace(inv.info.code, &inv);
  for (const auto& inv : current.enterprises) {
    auto it = before.find(inv.info.code);
    out.by_enterprise[inv.info.code] = CompareYears(it == before.end() ? absent : it->second->Year(), inv.Year());
  }
  return out;
}

}  // namespace park::carbon
