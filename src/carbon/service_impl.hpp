// Private to the carbon service: state shared by service.cpp (data, import, reports) and routes.cpp (HTTP).
#pragma once

#include <map>
#include <shared_mutex>

#include "park/carbon/factors.hpp"
#include "park/carbon/service.hpp"

namespace park::carbon {

struct EnterpriseRef {
  int64_t id = 0;
  EnterpriseInfo info;
};

// Everything one year's computation needs, loaded in one read transaction.
struct YearData {
  std::vector<EnterpriseRef> enterprises;
  std::vector<ActivityRow> rows;
  std::vector<EnterpriseInfo> Infos() const;
  const EnterpriseRef* ById(int64_t id) const;
};

struct Service::Impl {
  store::Store& store;
  const Clock& clock;
  http::LiveHub* hub;
  ParkSettings settings;
  // Factor revisions are only ever added; results hold pointers into the library, so readers keep the shared
  // lock while they use a computed inventory, and adding a revision takes it exclusively.
  mutable std::shared_mutex library_mutex;
  FactorLibrary library;

  Impl(store::Store& s, const Clock& c, http::LiveHub* h, ParkSettings p)
      : store(s), clock(c), hub(h), settings(std::move(p)) {}

  Status LoadStoredFactors();
  Result<YearData> LoadYear(int year) const;
  Result<std::vector<ActivityRow>> LoadEnterpriseRows(int64_t enterprise_id, int year) const;
  CalcConfig CalcFor(int year) const;
  // The park's inventory for a year (and the year before, for year-on-year change and ratings). Holds the
  // library's shared lock for as long as it lives: the inventories point into the library.
  struct ParkYears {
    std::shared_lock<std::shared_mutex> lock;
    ParkInventory current;
    ParkInventory previous;
  };
  Result<ParkYears> ComputeParkYears(int year, bool with_previous) const;
  // Writes parsed rows: replaces each (enterprise, month) present, audited per enterprise.
  Result<ImportOutcome> Store(std::vector<ActivityRow> rows, const Principal* actor, std::string_view source,
                              std::optional<int64_t> only_enterprise);
  Result<Json> Report(const YearData& data, const EnterpriseRef& e, int year, bool explain) const;
};

Json FactorJson(const Factor& f);
Result<Factor> FactorFromJson(const Json& body);
Json ValuesJson(const PeriodValues& v);
Json ExplanationJson(const Explanation& e);
Json YoyJson(const std::vector<YearOnYear>& yoy);
Json ActivityJson(const ActivityRow& r);

}  // namespace park::carbon

namespace park::carbon {

// A table for export: a header row then data rows, all as text.
using Table = std::vector<std::vector<std::string>>;
// A download: RFC 4180, UTF-8 with a BOM so spreadsheet programs read Chinese. Cells of the columns marked in
// `numeric_columns` are numbers we formatted (AppendCsvNumber); all others are text, neutralised against formulas
// (AppendCsvText), whoever typed them.
std::string TableToCsv(const Table& table, const std::vector<bool>& numeric_columns);
// The first worksheet of an XLSX file as activity CSV text (the same template and columns as the CSV import).
Result<std::string> XlsxToCsv(std::string_view bytes);

}  // namespace park::carbon
