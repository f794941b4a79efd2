#include "park/energy/tariff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "park/core/time.hpp"

namespace park::energy {
namespace {

// One CSV line into fields (quotes allowed around a field, "" inside for a quote).
std::vector<std::string> SplitLine(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
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
    } else {
      out.back() += c;
    }
  }
  return out;
}

Error LineError(int line, std::string_view field, Text text) {
  Error e = Error::Invalid(fmt::format("line {}: {}", line, field), std::move(text));
  return e;
}

// "09-11;15-17" -> {{9, 11}, {15, 17}}; hours 0..24.
std::optional<std::vector<std::pair<int, int>>> ParseHours(std::string_view text) {
  std::vector<std::pair<int, int>> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(';', start), text.size());
    const std::string_view part = text.substr(start, end - start);
    const size_t dash = part.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    int a = -1, b = -1;
    const auto ra = std::from_chars(part.data(), part.data() + dash, a);
    const auto rb = std::from_chars(part.data() + dash + 1, part.data() + part.size(), b);
    if (ra.ec != std::errc() || ra.ptr != part.data() + dash || rb.ec != std::errc() ||
        rb.ptr != part.data() + part.size() || a < 0 || a > 23 || b < 0 || b > 24 || a == b) {
      return std::nullopt;
    }
    out.emplace_back(a, b);
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<Tariff>> ParseTariffCsv(std::string_view text) {
  std::vector<Tariff> tariffs;
  std::string source;
  bool header = false;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (source.empty()) {
        line.remove_prefix(1);
        while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        source = std::string(line);
      }
      continue;
    }
    const auto f = SplitLine(line);
    if (!header) {
      const std::vector<std::string> expected = {"province", "category", "effective_from", "band", "band_zh",
                                                 "hours", "price_yuan_per_kWh", "status"};
      if (f != expected) return LineError(line_no, "header", T("energy.tariff.header"));
      header = true;
      continue;
    }
    if (f.size() != 8) return LineError(line_no, "columns", T("energy.tariff.columns", {{"count", "8"}}));
    if (!IsValidDate(f[2])) return LineError(line_no, "effective_from", T("energy.tariff.date", {{"value", f[2]}}));
    TariffBand band;
    band.name = f[3];
    band.name_zh = f[4];
    double price = 0;
    const auto r = std::from_chars(f[6].data(), f[6].data() + f[6].size(), price);
    if (r.ec != std::errc() || r.ptr != f[6].data() + f[6].size() || !std::isfinite(price) || price < 0 || price > 100) {
      return LineError(line_no, "price_yuan_per_kWh", T("energy.tariff.price", {{"value", f[6]}}));
    }
    band.price_yuan_per_kwh = price;
    band.status = f[7].rfind("check", 0) == 0 ? "check" : "ok";
    if (!f[5].empty()) {
      auto hours = ParseHours(f[5]);
      if (!hours) return LineError(line_no, "hours", T("energy.tariff.hours", {{"value", f[5]}}));
      band.hours = std::move(*hours);
    }
    band.scheduled = !band.hours.empty() || band.name == "flat";
    auto it = std::find_if(tariffs.begin(), tariffs.end(), [&](const Tariff& t) {
      return t.province == f[0] && t.category == f[1] && t.effective_from == f[2];
    });
    if (it == tariffs.end()) {
      Tariff t;
      t.province = f[0];
      t.category = f[1];
      t.effective_from = f[2];
      t.band_of_hour.fill(-1);
      tariffs.push_back(std::move(t));
      it = tariffs.end() - 1;
    }
    const int index = static_cast<int>(it->bands.size());
    for (const auto& [a, b] : band.hours) {
      for (int h = a; h != b; h = (h + 1) % 24) {
        if (it->band_of_hour[static_cast<size_t>(h)] >= 0) {
          return LineError(line_no, "hours", T("energy.tariff.overlap", {{"hour", std::to_string(h)}}));
        }
        it->band_of_hour[static_cast<size_t>(h)] = index;
        if (b == 24 && h == 23) break;
      }
    }
    it->bands.push_back(std::move(band));
  }
  if (tariffs.empty()) return Error::Invalid("tariff", T("energy.tariff.empty"));
  for (auto& t : tariffs) {
    t.source = source;
    // The flat band takes every hour no other band claims.
    for (size_t i = 0; i < t.bands.size(); ++i) {
      if (t.bands[i].name != "flat" || !t.bands[i].hours.empty()) continue;
      for (auto& b : t.band_of_hour) {
        if (b < 0) b = static_cast<int>(i);
      }
    }
  }
  std::sort(tariffs.begin(), tariffs.end(), [](const Tariff& a, const Tariff& b) { return a.effective_from < b.effective_from; });
  return tariffs;
}

const Tariff* TariffOn(std::span<const Tariff> tariffs, std::string_view date) {
  const Tariff* found = nullptr;
  for (const auto& t : tariffs) {
    if (t.effective_from <= date) found = &t;
  }
  return found;
}

ElectricityCost PriceElectricity(std::span<const Tariff> tariffs, std::span<const std::optional<double>> hourly_kwh,
                                 int64_t from_ms, int utc_offset_minutes) {
  ElectricityCost out;
  const int64_t offset_ms = static_cast<int64_t>(utc_offset_minutes) * 60'000;
  std::map<std::string, size_t> band_index;  // band name -> index in out.bands
  std::string current_day;
  const Tariff* tariff = nullptr;
  for (size_t h = 0; h < hourly_kwh.size(); ++h) {
    if (!hourly_kwh[h]) continue;
    const int64_t local_ms = from_ms + static_cast<int64_t>(h) * kHourMs + offset_ms;
    const std::string day = FormatDateMs(local_ms);
    if (day != current_day) {
      current_day = day;
      tariff = TariffOn(tariffs, day);
      if (tariff != nullptr) {
        const std::string id = tariff->province + "/" + tariff->category + "/" + tariff->effective_from;
        if (std::find(out.tariffs.begin(), out.tariffs.end(), id) == out.tariffs.end()) out.tariffs.push_back(id);
      }
    }
    const double kwh = *hourly_kwh[h];
    const int hour = static_cast<int>(((local_ms % kDayMs) + kDayMs) % kDayMs / kHourMs);
    const int b = tariff == nullptr ? -1 : tariff->band_of_hour[static_cast<size_t>(hour)];
    if (b < 0) {
      out.unpriced_kwh += kwh;
      continue;
    }
    const TariffBand& band = tariff->bands[static_cast<size_t>(b)];
    // Bands of one name and price add up across tariffs; a new price is a row of its own.
    const std::string key = fmt::format("{}|{}", band.name, band.price_yuan_per_kwh);
    auto [it, added] = band_index.try_emplace(key, out.bands.size());
    if (added) out.bands.push_back({band.name, 0, band.price_yuan_per_kwh, 0});
    BandCost& bc = out.bands[it->second];
    bc.kwh += kwh;
    bc.yuan += kwh * band.price_yuan_per_kwh;
    out.yuan += kwh * band.price_yuan_per_kwh;
  }
  return out;
}

}  // namespace park::energy
