// libFuzzer target for the XLSX reader with small limits: whatever the bytes, Read must return a value or an
// Error::Invalid on "file" without crashing, leaking or exceeding the limits. Raw bytes exercise the ZIP layer;
// since random bytes rarely pass a CRC check, inputs starting with 'X' are also split at 0x00 bytes into the XML
// parts of a well-formed package (worksheet, shared strings, workbook, workbook relationships) to reach the XML
// and cell parsing behind the ZIP layer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "park/xlsx/xlsx.hpp"
#include "xlsx/zip.hpp"

namespace {

void Check(std::string_view bytes) {
  park::xlsx::ReadLimits limits;
  limits.max_uncompressed_bytes = 1 << 20;
  limits.max_rows = 100;
  limits.max_columns = 20;
  limits.max_cells = 1000;
  limits.max_cell_bytes = 1000;
  auto sheet = park::xlsx::Read(bytes, limits);
  if (!sheet.ok()) {
    if (sheet.error().field != "file" || sheet.error().message.empty()) std::abort();
    return;
  }
  if (sheet->rows.size() > limits.max_rows) std::abort();
  size_t cells = 0;
  for (const auto& row : sheet->rows) {
    if (row.size() > limits.max_columns) std::abort();
    cells += row.size();
    for (const auto& cell : row) {
      if (cell.size() > limits.max_cell_bytes) std::abort();
    }
  }
  if (cells > limits.max_cells) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Check(bytes);
  if (!bytes.empty() && bytes[0] == 'X') {
    std::vector<std::string> pieces(4);
    size_t k = 0;
    for (char c : bytes.substr(1)) {
      if (c == '\0' && k + 1 < pieces.size())
        ++k;
      else
        pieces[k].push_back(c);
    }
    const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    if (pieces[2].empty()) {
      pieces[2] = "<workbook xmlns:r=\"" + rel + "\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>";
    }
    if (pieces[3].empty()) {
      pieces[3] = "<Relationships><Relationship Id=\"rId1\" Type=\"" + rel +
                  "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" + rel +
                  "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";
    }
    const std::string package = park::xlsx::internal::WriteZip({{"xl/worksheets/sheet1.xml", pieces[0]},
                                                                {"xl/sharedStrings.xml", pieces[1]},
                                                                {"xl/workbook.xml", pieces[2]},
                                                                {"xl/_rels/workbook.xml.rels", pieces[3]}},
                                                               /*compress=*/false);
    Check(package);
  }
  return 0;
}
