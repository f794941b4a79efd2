// Dangerous goods, mixed loading and the waiting lot's zones. Pure: the tables are compiled in from
// data/logistics/ (see SOURCE.md there); the park may add goods rows. Thread-safety: the tables are immutable after
// construction except GoodsTable::Add, which the caller serialises.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"

namespace park::logistics {

std::string_view DefaultMixedLoadingCsv();
std::string_view DefaultGoodsCsv();
std::string_view DefaultHazardClassesCsv();

// One row of the goods table: a UN number with the danger labels its packages or tank bear.
struct Goods {
  std::string un_number;  // "UN1203"
  std::string name_en;
  std::string name_zh;
  std::vector<std::string> labels;  // main label first: "2.3", "5.1", "8"
  std::string packing_group;        // "I", "II", "III" or ""
  std::string status;               // "ok", "check", or "park" for rows the park added
};

// "1203", "un1203", "UN 1203" -> "UN1203". Invalid "un_number" (logistics.un.format) when it is not UN + 4 digits.
Result<std::string> NormaliseUnNumber(std::string_view text, std::string_view field = "un_number");

class GoodsTable {
 public:
  // The data file's CSV (comment lines start with '#'). Errors name the line; machine-facing (a data file).
  static Result<GoodsTable> Parse(std::string_view csv);
  // The shipped table, copied: the park extends its own copy with Add.
  static GoodsTable Default();

  const Goods* Find(std::string_view un_number) const;  // normalised or not
  // The row for `text`, or Invalid naming `field`: logistics.un.format, logistics.un.unknown.
  Result<const Goods*> Lookup(std::string_view text, std::string_view field = "un_number") const;
  // Adds or replaces a row (the park's own rows). Invalid "un_number" for a bad number, "labels" for no label or a
  // label that is not a danger label of the mixed-loading table (logistics.label.unknown).
  Status Add(Goods goods);
  const std::vector<Goods>& all() const { return goods_; }

 private:
  std::vector<Goods> goods_;
};

// Hazard classes and divisions of GB 6944 (for names on pages and for docks' allowed classes).
struct HazardClass {
  std::string klass;     // "2"
  std::string division;  // "2.3" ("1.1-1.6" for explosives)
  std::string name_en;
  std::string name_zh;
};
const std::vector<HazardClass>& HazardClasses();
// True for a class ("3") or division ("2.3", "1.4") of GB 6944.
bool IsHazardClass(std::string_view label);
// The class of a label: "2.3" -> "2", "6.1" -> "6", "3" -> "3".
std::string ClassOf(std::string_view label);

// ---- Mixed loading (ADR 7.5.2.1) ----------------------------------------------------------------------
enum class Verdict { kCompatible, kProhibited, kClass1, kConditional, kUnknown };
std::string_view VerdictName(Verdict v);  // "compatible", "prohibited", "class_1", "conditional", "unknown"

// The label pair that decides, with the verdict; `reason` is logistics.mixing.* with the two labels.
struct PairCheck {
  Verdict verdict = Verdict::kCompatible;
  std::string label_a;  // matrix keys
  std::string label_b;
  bool compatible() const { return verdict == Verdict::kCompatible; }
  Text reason() const;
};

class MixingMatrix {
 public:
  static Result<MixingMatrix> Parse(std::string_view csv);
  static const MixingMatrix& Default();

  // The matrix key of a set of labels: "2.1" -> "2"; "1.1".."1.3" -> "1"; 4.1 or 5.2 with a subsidiary 1 ->
  // "4.1+1" / "5.2+1" (the 1 is then not a key of its own). Unknown labels are kept as they are (and then never
  // compatible).
  static std::vector<std::string> Keys(const std::vector<std::string>& labels);
  // Two matrix keys. Only X counts as compatible: blank or unlisted -> unknown; G or any pair involving class 1 ->
  // class_1; a/b/c/d -> conditional; '-' -> prohibited.
  PairCheck CheckKeys(std::string_view a, std::string_view b) const;
  // Every label of one against every label of the other; the first incompatible pair, or compatible.
  PairCheck Check(const std::vector<std::string>& labels_a, const std::vector<std::string>& labels_b) const;
  // Every pair within one load (several goods on one vehicle): the first incompatible pair, with the goods' indices.
  struct LoadCheck {
    PairCheck pair;
    size_t goods_a = 0, goods_b = 0;
  };
  LoadCheck CheckLoad(const std::vector<std::vector<std::string>>& goods_labels) const;
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  std::vector<std::string> keys_;
  std::vector<std::string> cells_;  // keys_.size()^2, row-major
  int Index(std::string_view key) const;
};

// ---- Waiting-lot zones --------------------------------------------------------------------------------
struct Parked {
  std::string booking_id;
  std::string plate;
  std::vector<std::string> labels;  // every label of every goods on the vehicle
};
struct Zone {
  std::string id;
  int capacity = 0;
  std::vector<Parked> vehicles;
};

// Why a zone cannot take the vehicle: full, or the pair that conflicts with a vehicle already there.
struct ZoneRefusal {
  std::string zone_id;
  Text reason;  // logistics.zone.full or logistics.zone.incompatible
};
struct ZoneChoice {
  std::optional<std::string> zone_id;  // nullopt: none fits; wait at the gate
  std::vector<ZoneRefusal> refusals;   // one per zone that could not take it
  Text reason;                         // when none fits: logistics.zone.none_fits (or logistics.zone.no_zones)
};
// The zone for a vehicle so that no zone ever holds an incompatible pair and none goes over capacity. Among the zones
// that fit it prefers one already holding vehicles (keeping empty zones for goods that fit nowhere else), the one
// with the fewest places left; else the largest empty zone; ties go to the first listed.
ZoneChoice AssignZone(const MixingMatrix& matrix, const std::vector<Zone>& zones,
                      const std::vector<std::string>& labels);

// Incompatible pairs inside one zone (after a manual move, say): each with the two vehicles and the pair.
struct ZoneConflict {
  std::string zone_id;
  std::string booking_a, booking_b;
  PairCheck pair;
};
std::vector<ZoneConflict> ZoneConflicts(const MixingMatrix& matrix, const Zone& zone);

}  // namespace park::logistics
