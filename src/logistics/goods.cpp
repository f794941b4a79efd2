#include "park/logistics/goods.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "csv_lines.hpp"

namespace park::logistics {
namespace {

bool IsClass1(std::string_view key) { return key == "1" || key.starts_with("1."); }

}  // namespace

// ---- Goods ----------------------------------------------------------------------------------------------

Result<std::string> NormaliseUnNumber(std::string_view text, std::string_view field) {
  std::string digits;
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i + 1 < text.size() && std::toupper(static_cast<unsigned char>(text[i])) == 'U' &&
      std::toupper(static_cast<unsigned char>(text[i + 1])) == 'N') {
    i += 2;
    while (i < text.size() && text[i] == ' ') ++i;
  }
  for (; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isdigit(c)) {
      digits += static_cast<char>(c);
    } else if (std::isspace(c) && text.find_first_not_of(" \t\r\n", i) == std::string_view::npos) {
      break;
    } else {
      digits.clear();
      break;
    }
  }
  if (digits.size() != 4) {
    return Error::Invalid(std::string(field), T("logistics.un.format", {{"value", std::string(text.substr(0, 40))}}));
  }
  return "UN" + digits;
}

Result<GoodsTable> GoodsTable::Parse(std::string_view csv) {
  GoodsTable table;
  bool header = true;
  int line_no = 0;
  for (const auto& line : internal::Lines(csv)) {
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const auto cells = internal::SplitCsvLine(line);
    if (header) {
      header = false;
      continue;
    }
    if (cells.size() < 6)
      return Error::Invalid("csv", "goods line " + std::to_string(line_no) + ": 6 columns expected");
    Goods g;
    auto un = NormaliseUnNumber(cells[0]);
    if (!un.ok()) return Error::Invalid("csv", "goods line " + std::to_string(line_no) + ": bad UN number");
    g.un_number = *un;
    g.name_en = cells[1];
    g.name_zh = cells[2];
    for (const auto& l : internal::Split(cells[3], '+')) {
      if (!l.empty()) g.labels.push_back(l);
    }
    if (g.labels.empty()) return Error::Invalid("csv", "goods line " + std::to_string(line_no) + ": no label");
    g.packing_group = cells[4];
    g.status = cells[5];
    table.goods_.push_back(std::move(g));
  }
  return table;
}

GoodsTable GoodsTable::Default() {
  static const GoodsTable kTable = [] {
    auto t = Parse(DefaultGoodsCsv());
    if (!t.ok()) throw std::logic_error("data/logistics/dangerous_goods_un_common.csv: " + t.error().message);
    return std::move(t).value();
  }();
  return kTable;
}

const Goods* GoodsTable::Find(std::string_view un_number) const {
  auto un = NormaliseUnNumber(un_number);
  if (!un.ok()) return nullptr;
  for (const auto& g : goods_) {
    if (g.un_number == *un) return &g;
  }
  return nullptr;
}

Result<const Goods*> GoodsTable::Lookup(std::string_view text, std::string_view field) const {
  PARK_ASSIGN_OR_RETURN(const std::string un, NormaliseUnNumber(text, field));
  const Goods* g = Find(un);
  if (g == nullptr) return Error::Invalid(std::string(field), T("logistics.un.unknown", {{"un_number", un}}));
  return g;
}

Status GoodsTable::Add(Goods goods) {
  PARK_ASSIGN_OR_RETURN(goods.un_number, NormaliseUnNumber(goods.un_number));
  if (goods.labels.empty()) return Error::Invalid("labels", T("logistics.label.missing"));
  for (size_t i = 0; i < goods.labels.size(); ++i) {
    const auto& l = goods.labels[i];
    // "1" alone as a subsidiary label of 4.1 or 5.2 is a key of the matrix through "4.1+1" / "5.2+1".
    if (!IsHazardClass(l) && l != "1") {
      return Error::Invalid("labels[" + std::to_string(i) + "]", T("logistics.label.unknown", {{"label", l}}));
    }
  }
  if (goods.status.empty()) goods.status = "park";
  for (auto& g : goods_) {
    if (g.un_number == goods.un_number) {
      g = std::move(goods);
      return Status::Ok();
    }
  }
  goods_.push_back(std::move(goods));
  return Status::Ok();
}

// ---- Hazard classes -------------------------------------------------------------------------------------

const std::vector<HazardClass>& HazardClasses() {
  static const std::vector<HazardClass> kClasses = [] {
    std::vector<HazardClass> out;
    bool header = true;
    for (const auto& line : internal::Lines(DefaultHazardClassesCsv())) {
      if (line.empty() || line.front() == '#') continue;
      if (header) {
        header = false;
        continue;
      }
      const auto cells = internal::SplitCsvLine(line);
      if (cells.size() < 4) continue;
      out.push_back({cells[0], cells[1], cells[2], cells[3]});
    }
    return out;
  }();
  return kClasses;
}

bool IsHazardClass(std::string_view label) {
  static constexpr std::string_view kExplosives[] = {"1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"};
  for (auto e : kExplosives) {
    if (label == e) return true;
  }
  for (const auto& c : HazardClasses()) {
    if (label == c.klass || label == c.division) return true;
  }
  return false;
}

std::string ClassOf(std::string_view label) {
  const size_t dot = label.find('.');
  return std::string(label.substr(0, dot));
}

// ---- Mixed loading ------------------------------------------------------------------------------------

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kCompatible: return "compatible";
    case Verdict::kProhibited: return "prohibited";
    case Verdict::kClass1: return "class_1";
    case Verdict::kConditional: return "conditional";
    case Verdict::kUnknown: return "unknown";
  }
  return "unknown";
}

Text PairCheck::reason() const {
  return T("logistics.mixing." + std::string(VerdictName(verdict)), {{"label_a", label_a}, {"label_b", label_b}});
}

Result<MixingMatrix> MixingMatrix::Parse(std::string_view csv) {
  MixingMatrix m;
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : internal::Lines(csv)) {
    if (line.empty() || line.front() == '#') continue;
    rows.push_back(internal::SplitCsvLine(line));
  }
  if (rows.empty()) return Error::Invalid("csv", "mixed-loading matrix: no header");
  m.keys_.assign(rows[0].begin() + 1, rows[0].end());
  const size_t n = m.keys_.size();
  if (rows.size() != n + 1) return Error::Invalid("csv", "mixed-loading matrix: as many rows as columns expected");
  m.cells_.assign(n * n, "");
  for (size_t r = 0; r < n; ++r) {
    const auto& row = rows[r + 1];
    if (row.size() != n + 1 || row[0] != m.keys_[r]) {
      return Error::Invalid("csv", "mixed-loading matrix: row " + std::to_string(r + 1) + " does not match the header");
    }
    for (size_t c = 0; c < n; ++c) m.cells_[r * n + c] = row[c + 1];
  }
  // The matrix is symmetric; a cell that disagrees with its mirror is a data defect.
  for (size_t r = 0; r < n; ++r) {
    for (size_t c = 0; c < n; ++c) {
      if (m.cells_[r * n + c] != m.cells_[c * n + r]) {
        return Error::Invalid("csv", "mixed-loading matrix: " + m.keys_[r] + "/" + m.keys_[c] + " is not symmetric");
      }
    }
  }
  return m;
}

const MixingMatrix& MixingMatrix::Default() {
  static const MixingMatrix kMatrix = [] {
    auto m = Parse(DefaultMixedLoadingCsv());
    if (!m.ok()) throw std::logic_error("data/logistics/mixed_loading_adr_7_5_2_1.csv: " + m.error().message);
    return std::move(m).value();
  }();
  return kMatrix;
}

int MixingMatrix::Index(std::string_view key) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> MixingMatrix::Keys(const std::vector<std::string>& labels) {
  const bool has_1 = std::find(labels.begin(), labels.end(), "1") != labels.end();
  bool used_1 = false;
  std::vector<std::string> out;
  auto add = [&](std::string k) {
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(std::move(k));
  };
  for (const auto& l : labels) {
    if (l == "1") continue;
    if ((l == "4.1" || l == "5.2") && has_1) {
      add(l + "+1");
      used_1 = true;
    } else if (l == "1.1" || l == "1.2" || l == "1.3") {
      add("1");
    } else if (l.starts_with("2.")) {
      add("2");
    } else {
      add(l);
    }
  }
  if (has_1 && !used_1) add("1");
  return out;
}

PairCheck MixingMatrix::CheckKeys(std::string_view a, std::string_view b) const {
  PairCheck p{Verdict::kCompatible, std::string(a), std::string(b)};
  if (IsClass1(a) || IsClass1(b)) {
    // Park rule: any class-1 pair counts as incompatible, whatever 7.5.2.1 allows under conditions.
    p.verdict = Verdict::kClass1;
    return p;
  }
  const int i = Index(a), j = Index(b);
  if (i < 0 || j < 0) {
    p.verdict = Verdict::kUnknown;
    return p;
  }
  const std::string& cell = cells_[static_cast<size_t>(i) * keys_.size() + static_cast<size_t>(j)];
  if (cell == "X") {
    p.verdict = Verdict::kCompatible;
  } else if (cell == "-") {
    p.verdict = Verdict::kProhibited;
  } else if (cell.empty()) {
    p.verdict = Verdict::kUnknown;
  } else if (cell == "G") {
    p.verdict = Verdict::kClass1;
  } else {
    p.verdict = Verdict::kConditional;
  }
  return p;
}

PairCheck MixingMatrix::Check(const std::vector<std::string>& labels_a,
                              const std::vector<std::string>& labels_b) const {
  const auto ka = Keys(labels_a);
  const auto kb = Keys(labels_b);
  for (const auto& a : ka) {
    for (const auto& b : kb) {
      auto p = CheckKeys(a, b);
      if (!p.compatible()) return p;
    }
  }
  return {};
}

MixingMatrix::LoadCheck MixingMatrix::CheckLoad(const std::vector<std::vector<std::string>>& goods_labels) const {
  for (size_t i = 0; i < goods_labels.size(); ++i) {
    for (size_t j = i + 1; j < goods_labels.size(); ++j) {
      auto p = Check(goods_labels[i], goods_labels[j]);
      if (!p.compatible()) return {std::move(p), i, j};
    }
  }
  return {};
}

// ---- Zones --------------------------------------------------------------------------------------------

ZoneChoice AssignZone(const MixingMatrix& matrix, const std::vector<Zone>& zones,
                      const std::vector<std::string>& labels) {
  ZoneChoice choice;
  const Zone* best = nullptr;
  for (const auto& z : zones) {
    if (static_cast<int>(z.vehicles.size()) >= z.capacity) {
      choice.refusals.push_back({z.id, T("logistics.zone.full", {{"zone", z.id}, {"capacity", z.capacity}})});
      continue;
    }
    bool fits = true;
    for (const auto& v : z.vehicles) {
      const auto p = matrix.Check(labels, v.labels);
      if (!p.compatible()) {
        choice.refusals.push_back(
            {z.id, T("logistics.zone.incompatible",
                     {{"zone", z.id},
                      {"plate", v.plate},
                      {"label_a", p.label_a},
                      {"label_b", p.label_b},
                      {"verdict", TextRef{"logistics.verdict." + std::string(VerdictName(p.verdict))}}})});
        fits = false;
        break;
      }
    }
    if (!fits) continue;
    auto better = [](const Zone& a, const Zone& b) {  // a preferred over b
      const bool a_used = !a.vehicles.empty(), b_used = !b.vehicles.empty();
      if (a_used != b_used) return a_used;
      if (!a_used) return a.capacity > b.capacity;  // an empty zone: the largest, so that more can join
      return a.capacity - static_cast<int>(a.vehicles.size()) < b.capacity - static_cast<int>(b.vehicles.size());
    };
    if (best == nullptr || better(z, *best)) best = &z;
  }
  if (best != nullptr) {
    choice.zone_id = best->id;
  } else {
    choice.reason = zones.empty() ? T("logistics.zone.no_zones")
                                  : T("logistics.zone.none_fits", {{"zones", static_cast<int>(zones.size())}});
  }
  return choice;
}

std::vector<ZoneConflict> ZoneConflicts(const MixingMatrix& matrix, const Zone& zone) {
  std::vector<ZoneConflict> out;
  for (size_t i = 0; i < zone.vehicles.size(); ++i) {
    for (size_t j = i + 1; j < zone.vehicles.size(); ++j) {
      auto p = matrix.Check(zone.vehicles[i].labels, zone.vehicles[j].labels);
      if (!p.compatible()) out.push_back({zone.id, zone.vehicles[i].booking_id, zone.vehicles[j].booking_id, p});
    }
  }
  return out;
}

}  // namespace park::logistics
