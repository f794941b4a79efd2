#include "park/carbon/activity.hpp"
#include "carbon/text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "park/core/json.hpp"
#include "park/core/time.hpp"

namespace park::carbon {
namespace {

constexpr std::array<ItemInfo, kItemCount> kItems = {{
    {Item::kRawCoal, "raw_coal", "原煤", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kWashedCoal, "washed_coal", "洗精煤", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kCoke, "coke", "焦炭", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kAnthracite, "anthracite", "无烟煤", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kBituminousCoal, "bituminous_coal", "烟煤", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kSubBituminousCoal, "sub_bituminous_coal", "次烟煤", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kCrudeOil, "crude_oil", "原油", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kFuelOil, "fuel_oil", "燃料油", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kGasoline, "gasoline", "汽油", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kKerosene, "kerosene", "煤油", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kDiesel, "diesel", "柴油", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kLpg, "lpg", "液化石油气", ItemClass::kFuel, Dimension::kMass, "t"},
    {Item::kNaturalGas, "natural_gas", "天然气", ItemClass::kFuel, Dimension::kGasVolume, "10^4 Nm3"},
    {Item::kElectricity, "electricity", "电力", ItemClass::kElectricity, Dimension::kElectricity, "MWh"},
    {Item::kGreenElectricity, "green_electricity", "绿色电力", ItemClass::kGreenElectricity, Dimension::kElectricity,
     "MWh"},
    {Item::kHeat, "heat", "热力", ItemClass::kHeat, Dimension::kHeat, "GJ"},
    {Item::kProcessCo2, "process_co2", "工业过程排放", ItemClass::kProcessCo2, Dimension::kMass, "t"},
    {Item::kCo2Recovered, "co2_recovered", "CO2回收外供", ItemClass::kCo2Recovered, Dimension::kMass, "t"},
    {Item::kOutputValue, "output_value", "工业总产值", ItemClass::kOutputValue, Dimension::kMoney, "10^4 yuan"},
    {Item::kAddedValue, "added_value", "工业增加值", ItemClass::kAddedValue, Dimension::kMoney, "10^4 yuan"},
    {Item::kWater, "water", "用水量", ItemClass::kWater, Dimension::kWater, "t"},
    {Item::kCod, "cod", "化学需氧量", ItemClass::kPollutant, Dimension::kMass, "t"},
    {Item::kNh3n, "nh3n", "氨氮", ItemClass::kPollutant, Dimension::kMass, "t"},
    {Item::kTn, "tn", "总氮", ItemClass::kPollutant, Dimension::kMass, "t"},
    {Item::kTp, "tp", "总磷", ItemClass::kPollutant, Dimension::kMass, "t"},
    {Item::kSo2, "so2", "二氧化硫", ItemClass::kPollutant, Dimension::kMass, "t"},
    {Item::kNox, "nox", "氮氧化物", ItemClass::kPollutant, Dimension::kMass, "t"},
    {Item::kPm, "pm", "颗粒物", ItemClass::kPollutant, Dimension::kMass, "t"},
    {Item::kVocs, "vocs", "挥发性有机物", ItemClass::kPollutant, Dimension::kMass, "t"},
}};

constexpr double kMaxCanonicalAmount = 1e12;

struct UnitDef {
  Dimension dimension;
  std::string_view name;
  double to_base;  // multiply an amount in this unit to get the dimension's base unit
};

// Base units: t, 10^4 Nm3, MWh, GJ, 10^4 yuan, t of water. Gas volumes are taken as reported at normal conditions
// (m3 = Nm3), as the statistical returns do. A cubic metre of water counts as one tonne.
constexpr UnitDef kUnits[] = {
    {Dimension::kMass, "t", 1.0},
    {Dimension::kMass, "kg", 1e-3},
    {Dimension::kMass, "10^4 t", 1e4},
    {Dimension::kMass, "吨", 1.0},
    {Dimension::kMass, "千克", 1e-3},
    {Dimension::kMass, "万吨", 1e4},
    {Dimension::kGasVolume, "10^4 Nm3", 1.0},
    {Dimension::kGasVolume, "10^4 m3", 1.0},
    {Dimension::kGasVolume, "Nm3", 1e-4},
    {Dimension::kGasVolume, "m3", 1e-4},
    {Dimension::kGasVolume, "10^8 m3", 1e4},
    {Dimension::kGasVolume, "万立方米", 1.0},
    {Dimension::kGasVolume, "立方米", 1e-4},
    {Dimension::kElectricity, "MWh", 1.0},
    {Dimension::kElectricity, "kWh", 1e-3},
    {Dimension::kElectricity, "GWh", 1e3},
    {Dimension::kElectricity, "10^4 kWh", 10.0},
    {Dimension::kElectricity, "千瓦时", 1e-3},
    {Dimension::kElectricity, "万千瓦时", 10.0},
    {Dimension::kHeat, "GJ", 1.0},
    {Dimension::kHeat, "MJ", 1e-3},
    {Dimension::kHeat, "TJ", 1e3},
    {Dimension::kHeat, "Gcal", 4.1868},  // 10^9 international-table calories; 1 cal = 4.1868 J
    {Dimension::kHeat, "百万千焦", 1.0},
    {Dimension::kMoney, "10^4 yuan", 1.0},
    {Dimension::kMoney, "yuan", 1e-4},
    {Dimension::kMoney, "10^8 yuan", 1e4},
    {Dimension::kMoney, "万元", 1.0},
    {Dimension::kMoney, "元", 1e-4},
    {Dimension::kMoney, "亿元", 1e4},
    {Dimension::kWater, "t", 1.0},
    {Dimension::kWater, "m3", 1.0},
    {Dimension::kWater, "10^4 t", 1e4},
    {Dimension::kWater, "10^4 m3", 1e4},
    {Dimension::kWater, "吨", 1.0},
    {Dimension::kWater, "立方米", 1.0},
    {Dimension::kWater, "万吨", 1e4},
};

const UnitDef* FindUnit(Dimension dimension, std::string_view name) {
  for (const auto& u : kUnits) {
    if (u.dimension == dimension && u.name == name) return &u;
  }
  return nullptr;
}

std::string UnitList(Dimension dimension) {
  std::string out;
  for (const auto& u : kUnits) {
    if (u.dimension != dimension || static_cast<unsigned char>(u.name[0]) >= 0x80) continue;
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Strict decimal: optional sign, digits, optional fraction and exponent; no thousands separators, no hex, no inf.
bool ParseDecimal(std::string_view text, double& out) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return false;
  }
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), out, std::chars_format::general);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out);
}

}  // namespace

const ItemInfo& InfoOf(Item item) { return kItems[static_cast<size_t>(item)]; }
std::string_view ItemName(Item item) { return InfoOf(item).name; }

std::optional<Item> ItemFromName(std::string_view name) {
  for (const auto& info : kItems) {
    if (info.name == name) return info.item;
  }
  return std::nullopt;
}

bool IsFuel(Item item) { return InfoOf(item).item_class == ItemClass::kFuel; }
bool IsPollutant(Item item) { return InfoOf(item).item_class == ItemClass::kPollutant; }
int PollutantIndex(Item item) { return static_cast<int>(item) - static_cast<int>(Item::kCod); }
Item PollutantAt(int index) { return static_cast<Item>(static_cast<int>(Item::kCod) + index); }

std::string_view UseName(Use use) { return use == Use::kFuel ? "fuel" : "feedstock"; }
std::optional<Use> UseFromName(std::string_view name) {
  if (name.empty() || name == "fuel") return Use::kFuel;
  if (name == "feedstock") return Use::kFeedstock;
  return std::nullopt;
}

bool IsKnownUnit(Dimension dimension, std::string_view unit) { return FindUnit(dimension, unit) != nullptr; }

Result<double> ConvertUnit(Dimension dimension, double amount, std::string_view from_unit, std::string_view to_unit) {
  const UnitDef* from = FindUnit(dimension, from_unit);
  if (from == nullptr) {
    return Error::Invalid("unit", T("carbon.activity.unit_unknown", {{"value", std::string(from_unit)}, {"units", UnitList(dimension)}}));
  }
  const UnitDef* to = FindUnit(dimension, to_unit);
  if (to == nullptr) {
    return Error::Invalid("unit", T("carbon.activity.unit_unknown", {{"value", std::string(to_unit)}, {"units", UnitList(dimension)}}));
  }
  if (from == to || from->to_base == to->to_base) return amount;
  return amount * from->to_base / to->to_base;
}

Result<double> ToCanonical(Item item, double amount, std::string_view unit) {
  const ItemInfo& info = InfoOf(item);
  const UnitDef* from = FindUnit(info.dimension, unit);
  if (from == nullptr) {
    return Error::Invalid("unit", T("carbon.activity.unit", {{"value", std::string(unit.substr(0, 40))},
                                                             {"item", TextRef{"carbon.item." + std::string(info.name)}},
                                                             {"units", UnitList(info.dimension)}}));
  }
  // Every canonical unit has to_base == 1, so the conversion is one multiplication.
  return amount * from->to_base;
}

std::string PeriodText(int year, int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

std::optional<ActivityRow> BuildActivityRow(const ActivityInput& input, std::vector<FieldError>& errors) {
  const size_t errors_before = errors.size();
  ActivityRow row;

  const std::string_view code = Trim(input.enterprise_code);
  if (code.empty()) {
    errors.push_back({"enterprise_code", T("field.required")});
  } else if (code.size() > 64) {
    errors.push_back({"enterprise_code", T("field.too_long", {{"max_chars", 64}})});
  } else {
    bool printable = true;
    for (unsigned char c : code) printable = printable && c >= 0x20 && c != 0x7f;
    if (!printable) errors.push_back({"enterprise_code", T("field.control_character", {{"code_point", "U+0000..U+001F"}})});
    row.enterprise_code = std::string(code);
  }

  const std::string_view period = Trim(input.period);
  if (!IsValidMonth(period)) {
    errors.push_back({"period", T("time.month_format", {{"value", std::string(period.substr(0, 20))}})});
  } else {
    row.year = (period[0] - '0') * 1000 + (period[1] - '0') * 100 + (period[2] - '0') * 10 + (period[3] - '0');
    row.month = (period[5] - '0') * 10 + (period[6] - '0');
  }

  const std::string_view item_name = Trim(input.item);
  const std::optional<Item> item = ItemFromName(item_name);
  if (!item) {
    errors.push_back({"item", T("carbon.activity.item", {{"value", std::string(item_name.substr(0, 40))}})});
  } else {
    row.item = *item;
  }

  const std::string_view amount_text = Trim(input.amount);
  double amount = 0;
  bool parsed = false;
  if (input.amount_number) {
    amount = *input.amount_number;
    parsed = std::isfinite(amount);
    if (!parsed) errors.push_back({"amount", T("field.not_finite")});
  } else if (amount_text.empty()) {
    errors.push_back({"amount", T("field.required")});
  } else if (!ParseDecimal(amount_text, amount)) {
    errors.push_back({"amount", T("carbon.activity.amount_decimal", {{"value", std::string(amount_text.substr(0, 40))}})});
  } else {
    parsed = true;
  }
  const bool amount_ok = parsed && amount >= 0;
  if (parsed && !amount_ok) errors.push_back({"amount", T("carbon.activity.amount_negative")});
  if (amount_ok) row.amount = amount;

  const std::string_view unit = Trim(input.unit);
  row.unit = std::string(unit.substr(0, 40));
  if (item) {
    if (unit.empty()) {
      errors.push_back({"unit", T("carbon.activity.unit", {{"value", ""},
                                                            {"item", TextRef{"carbon.item." + std::string(ItemName(*item))}},
                                                            {"units", UnitList(InfoOf(*item).dimension)}})});
    } else {
      auto canonical = ToCanonical(*item, amount_ok ? amount : 0.0, unit);
      if (!canonical.ok()) {
        errors.push_back({"unit", canonical.error().text});
      } else if (*canonical > kMaxCanonicalAmount) {
        // Far beyond any plant; also keeps every product of amount and factor finite.
        errors.push_back({"amount", T("carbon.activity.amount_large", {{"unit", InfoOf(*item).canonical_unit}})});
      } else {
        row.amount_canonical = *canonical;
      }
    }
  }

  const std::string_view use_name = Trim(input.use);
  const std::optional<Use> use = UseFromName(use_name);
  if (!use) {
    errors.push_back({"use", T("carbon.activity.use")});
  } else if (*use == Use::kFeedstock && item && !IsFuel(*item)) {
    errors.push_back({"use", T("carbon.activity.feedstock", {{"item", TextRef{"carbon.item." + std::string(ItemName(*item))}}})});
  } else {
    row.use = *use;
  }

  if (Utf8Length(input.note) > 500) {
    errors.push_back({"note", T("field.too_long", {{"max_chars", 500}})});
  } else {
    row.note = input.note;
  }

  if (errors.size() != errors_before) return std::nullopt;
  return row;
}

Result<ActivityRow> MakeActivityRow(const ActivityInput& input) {
  std::vector<FieldError> errors;
  auto row = BuildActivityRow(input, errors);
  if (!row) return Error::Invalid(std::move(errors));
  return std::move(*row);
}

std::optional<int> DefaultReportingYear(const std::vector<YearCoverage>& years) {
  std::optional<int> complete, any;
  for (const auto& y : years) {
    if (y.months <= 0) continue;
    if (!any || y.year > *any) any = y.year;
    if (y.complete_enterprises > 0 && (!complete || y.year > *complete)) complete = y.year;
  }
  return complete ? complete : any;
}

}  // namespace park::carbon
