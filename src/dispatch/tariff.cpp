// Time-of-use tariffs as dated data: parsing, validation, the tariff in force on a date.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "park/core/error.hpp"
#include "park/core/time.hpp"
#include "park/dispatch/dispatch.hpp"

namespace park::dispatch {
namespace {

std::string HourLabel(int hour) { return fmt::format("{:02d}:00", hour); }

// One CSV record (quotes and doubled quotes inside them; no line breaks inside fields).
std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

std::optional<double> ParseNumber(std::string_view text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int> ParseInt(std::string_view text) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    out.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

}  // namespace

Status ValidateTariff(const Tariff& tariff) {
  std::vector<FieldError> errors;
  if (!IsValidDate(tariff.effective_from)) {
    errors.push_back({"effective_from", T("dispatch.tariff.date_invalid", {{"value", tariff.effective_from}})});
  }
  for (size_t i = 0; i < tariff.months.size(); ++i) {
    if (tariff.months[i] < 1 || tariff.months[i] > 12) {
      errors.push_back({fmt::format("months[{}]", i), T("dispatch.tariff.month_invalid", {{"value", std::to_string(tariff.months[i])}})});
    }
  }
  if (tariff.demand_charge_yuan_per_kw_month < 0) {
    errors.push_back({"demand_charge_yuan_per_kw_month", T("dispatch.value_negative")});
  }
  if (tariff.export_price_yuan_per_kwh < 0) errors.push_back({"export_price_yuan_per_kwh", T("dispatch.value_negative")});
  std::vector<int> owner(24, -1);
  for (size_t b = 0; b < tariff.bands.size(); ++b) {
    const TouBand& band = tariff.bands[b];
    if (band.price_yuan_per_kwh < 0 || !std::isfinite(band.price_yuan_per_kwh)) {
      errors.push_back({fmt::format("bands[{}].price_yuan_per_kwh", b), T("dispatch.value_negative")});
    }
    for (const HourRange& r : band.hours) {
      if (r.from < 0 || r.from > 23 || r.to < 0 || r.to > 24 || r.from == r.to) {
        errors.push_back({fmt::format("bands[{}].hours", b),
                          T("dispatch.tariff.range_invalid", {{"from", std::to_string(r.from)}, {"to", std::to_string(r.to)}})});
        continue;
      }
      int length = r.to > r.from ? r.to - r.from : r.to + 24 - r.from;
      for (int k = 0; k < length; ++k) {
        int h = (r.from + k) % 24;
        if (owner[h] >= 0) {
          errors.push_back({fmt::format("bands[{}].hours", b),
                            T("dispatch.tariff.band_overlap", {{"hour", HourLabel(h)}, {"band", band.band},
                                                               {"other", tariff.bands[owner[h]].band}})});
        }
        owner[h] = static_cast<int>(b);
      }
    }
  }
  for (int h = 0; h < 24; ++h) {
    if (owner[h] < 0) errors.push_back({"bands", T("dispatch.tariff.hour_uncovered", {{"hour", HourLabel(h)}})});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  return Status::Ok();
}

Result<std::vector<Tariff>> ParseTariffCsv(std::string_view csv) {
  std::vector<std::string> header;
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, Tariff> by_key;
  std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>> order;
  int line_no = 0;
  for (std::string_view line : Split(csv, '\n')) {
    ++line_no;
    if (line.empty() || line == "\r" || line.front() == '#') continue;
    std::vector<std::string> cells = SplitCsvLine(line);
    if (header.empty()) {
      header = cells;
      for (const char* need : {"province", "category", "effective_from", "band", "hours", "price_yuan_per_kWh"}) {
        if (std::find(header.begin(), header.end(), need) == header.end()) {
          return Error::Invalid("csv", T("dispatch.csv.column_missing", {{"column", need}}));
        }
      }
      continue;
    }
    auto cell = [&](std::string_view name) -> std::string {
      auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end()) return {};
      size_t i = static_cast<size_t>(it - header.begin());
      return i < cells.size() ? cells[i] : std::string();
    };
    std::string field_prefix = fmt::format("csv.line[{}]", line_no);
    std::string months_text = cell("months");
    auto key = std::make_tuple(cell("province"), cell("category"), cell("voltage_class"), months_text, cell("effective_from"));
    auto [it, inserted] = by_key.try_emplace(key);
    Tariff& t = it->second;
    if (inserted) {
      order.push_back(key);
      t.province = std::get<0>(key);
      t.category = std::get<1>(key);
      t.voltage_class = std::get<2>(key);
      t.effective_from = std::get<4>(key);
      for (std::string_view m : Split(months_text, ';')) {
        auto v = ParseInt(m);
        if (!v) return Error::Invalid(field_prefix + ".months", T("dispatch.tariff.month_invalid", {{"value", std::string(m)}}));
        t.months.push_back(*v);
      }
    }
    TouBand band;
    band.band = cell("band");
    auto price = ParseNumber(cell("price_yuan_per_kWh"));
    if (!price) return Error::Invalid(field_prefix + ".price_yuan_per_kWh", T("dispatch.csv.number_invalid", {{"value", cell("price_yuan_per_kWh")}}));
    band.price_yuan_per_kwh = *price;
    const std::string hours_text = cell("hours");
    for (std::string_view range : Split(hours_text, ';')) {
      auto parts = Split(range, '-');
      std::optional<int> from = parts.size() == 2 ? ParseInt(parts[0]) : std::nullopt;
      std::optional<int> to = parts.size() == 2 ? ParseInt(parts[1]) : std::nullopt;
      if (!from || !to) return Error::Invalid(field_prefix + ".hours", T("dispatch.tariff.hours_invalid", {{"value", std::string(range)}}));
      band.hours.push_back({*from, *to});
    }
    for (auto [column, target] : {std::pair{"demand_charge_yuan_per_kW_month", &t.demand_charge_yuan_per_kw_month},
                                  std::pair{"export_price_yuan_per_kWh", &t.export_price_yuan_per_kwh}}) {
      std::string text = cell(column);
      if (text.empty()) continue;
      auto v = ParseNumber(text);
      if (!v) return Error::Invalid(field_prefix + "." + column, T("dispatch.csv.number_invalid", {{"value", text}}));
      *target = *v;
    }
    t.bands.push_back(std::move(band));
  }
  std::vector<Tariff> out;
  for (const auto& key : order) {
    Tariff& t = by_key[key];
    Status s = ValidateTariff(t);
    if (!s.ok()) return s.error();
    out.push_back(std::move(t));
  }
  return out;
}

Result<Tariff> TariffInForce(const std::vector<Tariff>& tariffs, std::string_view province, std::string_view category,
                             std::string_view voltage_class, std::string_view date) {
  if (!IsValidDate(date)) return Error::Invalid("date", T("dispatch.tariff.date_invalid", {{"value", std::string(date)}}));
  int month = (date[5] - '0') * 10 + (date[6] - '0');
  const Tariff* best = nullptr;
  for (const Tariff& t : tariffs) {
    if (t.province != province || t.category != category) continue;
    if (!t.voltage_class.empty() && t.voltage_class != voltage_class) continue;
    if (!t.months.empty() && std::find(t.months.begin(), t.months.end(), month) == t.months.end()) continue;
    if (t.effective_from > date) continue;  // ISO dates compare as text
    if (best == nullptr || t.effective_from > best->effective_from ||
        (t.effective_from == best->effective_from && !t.voltage_class.empty() && best->voltage_class.empty())) {
      best = &t;
    }
  }
  if (best == nullptr) {
    return Error::NotFound(T("dispatch.tariff.none_in_force", {{"province", std::string(province)},
                                                                 {"category", std::string(category)},
                                                                 {"date", std::string(date)}}));
  }
  return *best;
}

const TouBand& BandAt(const Tariff& tariff, int hour) {
  hour = ((hour % 24) + 24) % 24;
  for (const TouBand& b : tariff.bands) {
    for (const HourRange& r : b.hours) {
      bool in = r.from < r.to ? (hour >= r.from && hour < r.to) : (hour >= r.from || hour < r.to % 24);
      if (in) return b;
    }
  }
  return tariff.bands.front();  // unreachable for a valid tariff
}

}  // namespace park::dispatch
