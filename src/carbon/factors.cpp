#include <algorithm>
#include "park/carbon/factors.hpp"
#include "carbon/text.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "csv.hpp"

namespace park::carbon {
namespace {

constexpr std::array<std::string_view, 8> kKindNames = {
    "fuel_ncv",        "fuel_cc",  "fuel_ef",       "fuel_of",
    "electricity_co2", "heat_co2", "standard_coal", "electricity_equal_value"};
constexpr std::array<std::string_view, kScopeLevelCount> kLevelNames = {"measured", "enterprise", "provincial",
                                                                        "national", "ipcc"};

std::string KeyOf(FactorKind kind, std::string_view subject, std::string_view basis) {
  std::string key(FactorKindName(kind));
  key += '|';
  key += subject;
  key += '|';
  key += basis;
  return key;
}

bool SameKey(const Factor& a, const Factor& b) {
  return a.kind == b.kind && a.subject == b.subject && a.region == b.region && a.basis == b.basis && a.year == b.year &&
         a.level == b.level && a.enterprise_code == b.enterprise_code;
}

// "GJ/t" -> "t" when the prefix matches.
bool SplitPer(std::string_view unit, std::string_view numerator, std::string_view& denominator) {
  if (unit.size() <= numerator.size() + 1 || unit.substr(0, numerator.size()) != numerator ||
      unit[numerator.size()] != '/') {
    return false;
  }
  denominator = unit.substr(numerator.size() + 1);
  return true;
}

bool IsKnownAnyUnit(std::string_view unit) {
  for (Dimension d :
       {Dimension::kMass, Dimension::kGasVolume, Dimension::kElectricity, Dimension::kHeat, Dimension::kWater}) {
    if (IsKnownUnit(d, unit)) return true;
  }
  return false;
}

// The kind's name in the catalogue (carbon.factor_kind.*).
TextRef KindRef(FactorKind kind) { return TextRef{"carbon.factor_kind." + std::string(FactorKindName(kind))}; }

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool ParseInt(std::string_view text, int& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool ParseDouble(std::string_view text, double& out) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out);
}

}  // namespace

std::string_view FactorKindName(FactorKind kind) { return kKindNames[static_cast<size_t>(kind)]; }
std::optional<FactorKind> FactorKindFromName(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<FactorKind>(i);
  }
  return std::nullopt;
}
std::string_view ScopeLevelName(ScopeLevel level) { return kLevelNames[static_cast<size_t>(level)]; }
std::optional<ScopeLevel> ScopeLevelFromName(std::string_view name) {
  for (size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<ScopeLevel>(i);
  }
  return std::nullopt;
}
std::string_view FactorStatusName(FactorStatus status) { return status == FactorStatus::kOk ? "ok" : "check"; }

Status ValidateFactor(const Factor& f) {
  if (f.id.empty()) return Error::Invalid("id", T("field.required"));
  if (f.id.size() > 100) return Error::Invalid("id", T("field.too_long", {{"max_chars", 100}}));
  for (char c : f.id) {
    if (!IsIdChar(c)) return Error::Invalid("id", T("carbon.factor.id_chars"));
  }
  if (f.revision < 1) return Error::Invalid("revision", T("field.at_least", {{"min", 1}}));
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"subject", &f.subject},
                                     {"region", &f.region},
                                     {"basis", &f.basis}}) {
    if (value->empty()) return Error::Invalid(field, T("field.required"));
    if (value->size() > 64) return Error::Invalid(field, T("field.too_long", {{"max_chars", 64}}));
  }
  if (f.year != 0 && (f.year < 1990 || f.year > 2100)) {
    return Error::Invalid("year", T("carbon.factor.year", {{"min", "1990"}, {"max", "2100"}}));
  }
  if (!std::isfinite(f.value) || f.value <= 0) return Error::Invalid("value", T("field.greater_than", {{"min", 0}}));
  std::string_view per;
  bool unit_ok = false;
  switch (f.kind) {
    case FactorKind::kFuelNcv: unit_ok = SplitPer(f.unit, "GJ", per) && IsKnownAnyUnit(per); break;
    case FactorKind::kFuelCarbonContent: unit_ok = f.unit == "tC/GJ"; break;
    case FactorKind::kFuelEmissionFactor: unit_ok = f.unit == "kgCO2/TJ"; break;
    case FactorKind::kFuelOxidation:
      unit_ok = f.unit == "1";
      if (unit_ok && f.value > 1) return Error::Invalid("value", T("carbon.factor.oxidation"));
      break;
    case FactorKind::kElectricityCo2: unit_ok = f.unit == "tCO2/MWh"; break;
    case FactorKind::kHeatCo2: unit_ok = f.unit == "tCO2/GJ"; break;
    case FactorKind::kStandardCoal: unit_ok = SplitPer(f.unit, "kgce", per) && IsKnownAnyUnit(per); break;
    case FactorKind::kElectricityEqualValue: unit_ok = f.unit == "kgce/kWh"; break;
  }
  if (!unit_ok) {
    return Error::Invalid("unit", T("carbon.factor.unit", {{"value", f.unit.substr(0, 40)}, {"kind", KindRef(f.kind)}}));
  }
  const bool per_enterprise = f.level == ScopeLevel::kMeasured || f.level == ScopeLevel::kEnterprise;
  if (per_enterprise && f.enterprise_code.empty()) {
    return Error::Invalid("enterprise_code", T("carbon.factor.enterprise_required"));
  }
  if (!per_enterprise && !f.enterprise_code.empty()) {
    return Error::Invalid("enterprise_code", T("carbon.factor.enterprise_not_allowed"));
  }
  if (f.source.empty()) return Error::Invalid("source", T("carbon.factor.source_required"));
  for (const std::string* code : {&f.source_code, &f.document_code}) {
    if (code->size() > 64 || !std::all_of(code->begin(), code->end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        })) {
      return Error::Invalid(code == &f.source_code ? "source_code" : "document_code", T("carbon.factor.citation_code"));
    }
  }
  return Status::Ok();
}

Status FactorLibrary::Add(Factor factor) {
  PARK_TRY(ValidateFactor(factor));
  auto it = by_id_.find(factor.id);
  if (it != by_id_.end()) {
    const Factor& latest = *it->second.back();
    if (factor.revision <= latest.revision) {
      return Error::Conflict(
          T("carbon.factor.revision_exists", {{"factor", factor.id}, {"latest", std::to_string(latest.revision)}}),
          "revision");
    }
    if (!SameKey(factor, latest)) {
      return Error::Invalid("id", T("carbon.factor.key_changed", {{"factor", factor.id}}));
    }
  } else {
    for (const std::string& other : by_key_[KeyOf(factor.kind, factor.subject, factor.basis)]) {
      if (SameKey(*by_id_.at(other).back(), factor)) {
        return Error::Conflict(T("carbon.factor.key_taken", {{"other", other}, {"factor", factor.id}}), "id");
      }
    }
  }
  revisions_.push_back(std::move(factor));
  const Factor* stored = &revisions_.back();
  auto& history = by_id_[stored->id];
  if (history.empty()) by_key_[KeyOf(stored->kind, stored->subject, stored->basis)].push_back(stored->id);
  history.push_back(stored);
  return Status::Ok();
}

Result<int> FactorLibrary::Supersede(Factor factor) {
  const Factor* latest = Latest(factor.id);
  if (latest == nullptr) return Error::NotFound(T("carbon.factor.not_found_add", {{"factor", factor.id}}));
  factor.revision = latest->revision + 1;
  const int revision = factor.revision;
  PARK_TRY(Add(std::move(factor)));
  return revision;
}

const Factor* FactorLibrary::Find(const Query& q) const {
  auto it = by_key_.find(KeyOf(q.kind, q.subject, q.basis));
  if (it == by_key_.end()) return nullptr;
  // Rank each candidate; lower is better: (level, region, year preference, -year).
  const Factor* best = nullptr;
  std::array<int, 4> best_rank{};
  for (const std::string& id : it->second) {
    const Factor* f = by_id_.at(id).back();
    if ((f->level == ScopeLevel::kMeasured || f->level == ScopeLevel::kEnterprise) &&
        f->enterprise_code != q.enterprise_code) {
      continue;
    }
    int region_rank;
    if (f->region == q.region) {
      region_rank = 0;
    } else if (f->region == "national") {
      region_rank = 1;
    } else {
      continue;
    }
    int year_rank;
    if (f->year == q.year) {
      year_rank = 0;
    } else if (f->year == 0) {
      year_rank = 1;
    } else if (f->year < q.year) {
      year_rank = 2;
    } else {
      continue;
    }
    const std::array<int, 4> rank = {static_cast<int>(f->level), region_rank, year_rank, -f->year};
    if (best == nullptr || rank < best_rank) {
      best = f;
      best_rank = rank;
    }
  }
  return best;
}

Result<const Factor*> FactorLibrary::Lookup(const Query& q) const {
  if (const Factor* f = Find(q)) return f;
  // Subject, basis and region by name where the catalogue has one, else as keyed.
  auto named = [](const char* param, std::string_view prefix, std::string_view key) {
    std::string code = std::string(prefix) + std::string(key);
    return HasText(code) ? TextParam(param, TextRef{std::move(code)}) : TextParam(param, key);
  };
  return Error::NotFound(T("carbon.factor.missing", {{"kind", KindRef(q.kind)},
                                                     named("subject", "carbon.item.", q.subject),
                                                     named("basis", "carbon.basis.", q.basis),
                                                     {"year", q.year != 0 ? std::to_string(q.year) : std::string("—")},
                                                     named("region", "carbon.region.", q.region)}));
}

const Factor* FactorLibrary::Latest(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : it->second.back();
}

const Factor* FactorLibrary::Revision(std::string_view id, int revision) const {
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return nullptr;
  for (const Factor* f : it->second) {
    if (f->revision == revision) return f;
  }
  return nullptr;
}

std::vector<const Factor*> FactorLibrary::Current() const {
  std::vector<const Factor*> out;
  out.reserve(by_id_.size());
  for (const auto& [id, revisions] : by_id_) {
    if (!revisions.empty()) out.push_back(revisions.back());
  }
  std::sort(out.begin(), out.end(), [](const Factor* a, const Factor* b) { return a->id < b->id; });
  return out;
}

std::vector<const Factor*> FactorLibrary::History(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? std::vector<const Factor*>{} : it->second;
}

FactorCsv ParseFactorsCsv(std::string_view text) {
  enum Col {
    kId,
    kKind,
    kSubject,
    kRegion,
    kBasis,
    kYear,
    kValue,
    kUnit,
    kLevel,
    kEnterprise,
    kRevision,
    kStatus,
    kSource,
    kDocument,
    kSourceCode,    // optional, with kDocumentCode: the citation's catalogue codes
    kDocumentCode,
    kColsWithCodes
  };
  constexpr int kCols = kSourceCode;  // the columns every file has
  static constexpr std::array<std::string_view, kColsWithCodes> kNames = {
      "id",     "kind",   "subject",  "region",      "basis",        "year",          "value",         "unit",
      "scope_level", "enterprise_code", "revision", "status", "source", "document", "source_code", "document_code"};
  FactorCsv out;
  CsvReader reader(text, /*skip_comments=*/true);
  CsvRecord rec;
  std::string error;
  if (!reader.Next(rec, error) || !error.empty()) {
    out.errors.push_back({rec.line, "", "missing header " + std::string("id,kind,subject,...")});
    return out;
  }
  if (rec.fields.size() != kCols && rec.fields.size() != kColsWithCodes) {
    out.errors.push_back({rec.line, "",
                          "header must be id,kind,subject,region,basis,year,value,unit,scope_level,"
                          "enterprise_code,revision,status,source,document[,source_code,document_code]"});
    return out;
  }
  const size_t columns = rec.fields.size();
  for (size_t c = 0; c < columns; ++c) {
    if (rec.fields[c] != kNames[c]) {
      out.errors.push_back({rec.line, std::string(kNames[c]),
                            "header column " + std::to_string(c + 1) + " must be " + std::string(kNames[c])});
      return out;
    }
  }
  while (reader.Next(rec, error)) {
    if (!error.empty()) {
      out.errors.push_back({rec.line, "", error});
      continue;
    }
    if (rec.fields.size() != columns) {
      out.errors.push_back({rec.line, "", "has " + std::to_string(rec.fields.size()) + " fields, expected " +
                                              std::to_string(columns)});
      continue;
    }
    Factor f;
    const size_t before = out.errors.size();
    auto fail = [&](Col c, std::string reason) { out.errors.push_back({rec.line, std::string(kNames[c]), reason}); };
    f.id = rec.fields[kId];
    if (auto kind = FactorKindFromName(rec.fields[kKind])) {
      f.kind = *kind;
    } else {
      fail(kKind, "unknown kind \"" + rec.fields[kKind].substr(0, 40) + "\"");
    }
    f.subject = rec.fields[kSubject];
    f.region = rec.fields[kRegion].empty() ? "national" : rec.fields[kRegion];
    f.basis = rec.fields[kBasis].empty() ? "default" : rec.fields[kBasis];
    if (!rec.fields[kYear].empty() && rec.fields[kYear] != "any" && !ParseInt(rec.fields[kYear], f.year)) {
      fail(kYear, "is not a year");
    }
    if (!ParseDouble(rec.fields[kValue], f.value)) fail(kValue, "is not a finite number");
    f.unit = rec.fields[kUnit];
    if (auto level = ScopeLevelFromName(rec.fields[kLevel])) {
      f.level = *level;
    } else {
      fail(kLevel, "must be measured, enterprise, provincial, national or ipcc");
    }
    f.enterprise_code = rec.fields[kEnterprise];
    if (!ParseInt(rec.fields[kRevision], f.revision)) fail(kRevision, "is not a whole number");
    if (rec.fields[kStatus] == "ok") {
      f.status = FactorStatus::kOk;
    } else if (rec.fields[kStatus] == "check") {
      f.status = FactorStatus::kCheck;
    } else {
      fail(kStatus, "must be ok or check");
    }
    f.source = rec.fields[kSource];
    f.document = rec.fields[kDocument];
    if (columns == kColsWithCodes) {
      f.source_code = rec.fields[kSourceCode];
      f.document_code = rec.fields[kDocumentCode];
    }
    if (out.errors.size() == before) {
      if (Status s = ValidateFactor(f); !s.ok()) fail(kId, s.error().field + ": " + s.error().message);
    }
    if (out.errors.size() == before) out.factors.push_back(std::move(f));
  }
  return out;
}

Result<FactorLibrary> LoadFactorLibrary(std::string_view csv_text) {
  FactorCsv parsed = ParseFactorsCsv(csv_text);
  if (!parsed.ok()) return SummariseRowErrors(parsed.errors);
  FactorLibrary library;
  for (Factor& f : parsed.factors) {
    std::string id = f.id;
    if (Status s = library.Add(std::move(f)); !s.ok()) {
      return Error::Invalid("factors", "factor " + id + ": " + s.error().message);
    }
  }
  return library;
}

Result<FactorLibrary> DefaultFactorLibrary() { return LoadFactorLibrary(DefaultFactorsCsv()); }

}  // namespace park::carbon
