// libFuzzer target for the activity CSV importer: whatever the bytes, parsing must not crash, leak or hang, and the
// all-or-nothing contract must hold (rows only when there is no error; every error names a line inside the text).
// The factor and list-rule loaders, which share the CSV reader, get the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "park/carbon/csv_import.hpp"
#include "park/carbon/factors.hpp"
#include "park/carbon/lists.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const park::carbon::ActivityImport result = park::carbon::ParseActivityCsv(text);
  if (!result.ok() && !result.rows.empty()) std::abort();
  if (result.ok() && result.rows.empty()) std::abort();
  int lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  for (const auto& e : result.errors) {
    if (e.line < 1 || e.line > lines || e.reason.empty() || e.text.empty()) std::abort();
  }
  for (const auto& row : result.rows) {
    if (row.line < 2 || row.line > lines || row.month < 1 || row.month > 12 || !(row.amount_canonical >= 0)) {
      std::abort();
    }
  }
  if (!result.ok()) (void)park::carbon::SummariseRowErrors(result.errors);
  // The reference-data loaders share the CSV reader; the same bytes exercise them too.
  (void)park::carbon::LoadFactorLibrary(text);
  (void)park::carbon::ParseThreeListRulesCsv(text);
  return 0;
}
