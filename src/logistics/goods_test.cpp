#include "park/logistics/goods.hpp"

#include <gtest/gtest.h>

#include "park/logistics/booking.hpp"
#include "park/logistics/monitor.hpp"

namespace park::logistics {
namespace {

const MixingMatrix& M() { return MixingMatrix::Default(); }

TEST(Goods, TheShippedTableKnowsTheParksCommonGoods) {
  const auto table = GoodsTable::Default();
  EXPECT_GE(table.all().size(), 40u);
  const Goods* chlorine = table.Find("UN1017");
  ASSERT_NE(chlorine, nullptr);
  EXPECT_EQ(chlorine->name_zh, "氯");
  EXPECT_EQ(chlorine->labels, (std::vector<std::string>{"2.3", "5.1", "8"}));
  EXPECT_NE(table.Find("1203"), nullptr);
  EXPECT_NE(table.Find("un 1203"), nullptr);
  EXPECT_EQ(table.Find("UN9999"), nullptr);
}

TEST(Goods, UnNumbersAreCheckedAndNamedByField) {
  const auto table = GoodsTable::Default();
  struct Case {
    const char* input;
    const char* code;  // "" when known
  } cases[] = {{"UN1090", ""},
               {"1090", ""},
               {" un1090 ", ""},
               {"UN109", "logistics.un.format"},
               {"UN10900", "logistics.un.format"},
               {"ABC", "logistics.un.format"},
               {"", "logistics.un.format"},
               {"UN12a4", "logistics.un.format"},
               {"UN9999", "logistics.un.unknown"}};
  for (const auto& c : cases) {
    auto r = table.Lookup(c.input, "goods[0].un_number");
    if (std::string(c.code).empty()) {
      ASSERT_TRUE(r.ok()) << c.input;
      EXPECT_EQ((*r)->un_number, "UN1090");
    } else {
      ASSERT_FALSE(r.ok()) << c.input;
      EXPECT_EQ(r.error().field, "goods[0].un_number") << c.input;
      EXPECT_EQ(r.error().text.code, c.code) << c.input;
    }
  }
}

TEST(Goods, TheParkExtendsAndCorrectsTheTable) {
  auto table = GoodsTable::Default();
  EXPECT_FALSE(table.Lookup("UN1263").ok());
  ASSERT_TRUE(table.Add({"1263", "Paint", "涂料", {"3"}, "II", ""}).ok());
  auto paint = table.Lookup("UN1263");
  ASSERT_TRUE(paint.ok());
  EXPECT_EQ((*paint)->status, "park");
  // Correcting a row replaces it.
  const size_t n = table.all().size();
  ASSERT_TRUE(table.Add({"UN1263", "Paint", "涂料", {"3", "8"}, "II", "park"}).ok());
  EXPECT_EQ(table.all().size(), n);
  EXPECT_EQ(table.Find("UN1263")->labels.size(), 2u);
  auto bad = table.Add({"UN1264", "x", "x", {"3", "11"}, "", ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "labels[1]");
  EXPECT_EQ(bad.error().text.code, "logistics.label.unknown");
  EXPECT_EQ(table.Add({"UN1264", "x", "x", {}, "", ""}).error().field, "labels");
  EXPECT_EQ(table.Add({"12", "x", "x", {"3"}, "", ""}).error().field, "un_number");
  // The shipped table is untouched.
  EXPECT_EQ(GoodsTable::Default().Find("UN1263"), nullptr);
}

TEST(HazardClasses, GB6944ClassesAndDivisions) {
  EXPECT_EQ(HazardClasses().size(), 15u);
  for (const char* l : {"1", "1.4", "2.1", "2.3", "3", "4.3", "5.2", "6.1", "7", "8", "9"})
    EXPECT_TRUE(IsHazardClass(l)) << l;
  for (const char* l : {"", "10", "2.4", "3.1", "6.3", "x"}) EXPECT_FALSE(IsHazardClass(l)) << l;
  EXPECT_EQ(ClassOf("2.3"), "2");
  EXPECT_EQ(ClassOf("8"), "8");
}

// Worked cases read off data/logistics/mixed_loading_adr_7_5_2_1.csv, one label pair at a time.
TEST(Mixing, EveryLabelPairAsTheMatrixAndTheParkRuleSay) {
  struct Case {
    const char *a, *b;
    Verdict verdict;
  } cases[] = {
      {"3", "8", Verdict::kCompatible},       {"8", "3", Verdict::kCompatible},
      {"2", "6.1", Verdict::kCompatible},     {"5.1", "3", Verdict::kCompatible},
      {"4.1+1", "3", Verdict::kProhibited},   {"3", "5.2+1", Verdict::kProhibited},
      {"5.2+1", "5.2", Verdict::kCompatible}, {"4.1+1", "4.1+1", Verdict::kCompatible},
      {"1", "3", Verdict::kClass1},           {"1.4", "3", Verdict::kClass1},  // 'a' in the table, class 1 for the park
      {"1", "1.4", Verdict::kClass1},         {"9", "1.5", Verdict::kClass1},
      {"3", "11", Verdict::kUnknown},         {"x", "x", Verdict::kUnknown},
  };
  for (const auto& c : cases) {
    const auto p = M().CheckKeys(c.a, c.b);
    EXPECT_EQ(p.verdict, c.verdict) << c.a << " / " << c.b;
  }
  // Every pair is symmetric and only X cells are compatible.
  for (const auto& a : M().keys()) {
    for (const auto& b : M().keys()) EXPECT_EQ(M().CheckKeys(a, b).verdict, M().CheckKeys(b, a).verdict) << a << b;
  }
}

TEST(Mixing, LabelsMapToTheMatrixKeys) {
  EXPECT_EQ(MixingMatrix::Keys({"2.3", "5.1", "8"}), (std::vector<std::string>{"2", "5.1", "8"}));
  EXPECT_EQ(MixingMatrix::Keys({"4.1", "1"}), (std::vector<std::string>{"4.1+1"}));
  EXPECT_EQ(MixingMatrix::Keys({"5.2", "1"}), (std::vector<std::string>{"5.2+1"}));
  EXPECT_EQ(MixingMatrix::Keys({"1.1"}), (std::vector<std::string>{"1"}));
  EXPECT_EQ(MixingMatrix::Keys({"3", "1"}), (std::vector<std::string>{"3", "1"}));
  EXPECT_EQ(MixingMatrix::Keys({"2.1", "2.2"}), (std::vector<std::string>{"2"}));
}

TEST(Mixing, EveryLabelOfOneAgainstEveryLabelOfTheOther) {
  // Chlorine (2.3+5.1+8) with methanol (3+6.1): every pair is X.
  EXPECT_TRUE(M().Check({"2.3", "5.1", "8"}, {"3", "6.1"}).compatible());
  // A 5.2 peroxide with an explosive subsidiary (5.2+1) against methanol: the main label 3 is prohibited.
  auto p = M().Check({"5.2", "1"}, {"3", "6.1"});
  EXPECT_EQ(p.verdict, Verdict::kProhibited);
  EXPECT_EQ(p.label_a, "5.2+1");
  EXPECT_EQ(p.label_b, "3");
  EXPECT_EQ(p.reason().code, "logistics.mixing.prohibited");
  // Fireworks (1.4) with acetone (3): class 1 pair, incompatible by the park's rule.
  EXPECT_EQ(M().Check({"1.4"}, {"3"}).verdict, Verdict::kClass1);
  // A subsidiary label decides even when the main ones agree.
  EXPECT_EQ(M().Check({"3", "1"}, {"3"}).verdict, Verdict::kClass1);
  // One load: the first incompatible pair with the goods' positions.
  auto load = M().CheckLoad({{"3"}, {"8"}, {"1.4"}});
  EXPECT_FALSE(load.pair.compatible());
  EXPECT_EQ(load.goods_a, 0u);
  EXPECT_EQ(load.goods_b, 2u);
  EXPECT_TRUE(M().CheckLoad({{"3"}, {"8"}, {"6.1"}}).pair.compatible());
}

TEST(Mixing, ABadMatrixIsRefused) {
  EXPECT_FALSE(MixingMatrix::Parse("").ok());
  EXPECT_FALSE(MixingMatrix::Parse("label,3,8\n3,X,X\n").ok());
  EXPECT_FALSE(MixingMatrix::Parse("label,3,8\n3,X,-\n8,X,X\n").ok());  // not symmetric
  EXPECT_TRUE(MixingMatrix::Parse("label,3,8\n3,X,-\n8,-,X\n").ok());
}

Zone Z(std::string id, int capacity, std::vector<Parked> vehicles = {}) {
  return {std::move(id), capacity, std::move(vehicles)};
}

TEST(Zones, NoZoneEverHoldsAnIncompatiblePair) {
  std::vector<Zone> zones = {Z("A", 2), Z("B", 2), Z("C", 1)};
  // Vehicles arrive one by one; each goes where it fits, and the lot is checked after each.
  const std::vector<std::pair<std::string, std::vector<std::string>>> arrivals = {
      {"1", {"3"}}, {"2", {"5.2", "1"}}, {"3", {"8"}}, {"4", {"1.4"}}, {"5", {"6.1"}}};
  std::vector<std::optional<std::string>> placed;
  for (const auto& [id, labels] : arrivals) {
    auto c = AssignZone(M(), zones, labels);
    placed.push_back(c.zone_id);
    if (c.zone_id) {
      for (auto& z : zones) {
        if (z.id == *c.zone_id) z.vehicles.push_back({id, "鲁A0000" + id, labels});
      }
    }
    for (const auto& z : zones) EXPECT_TRUE(ZoneConflicts(M(), z).empty()) << z.id;
  }
  EXPECT_EQ(placed[0], "A");            // first empty zone
  EXPECT_EQ(placed[1], "B");            // 5.2+1 may not stand with 3
  EXPECT_EQ(placed[2], "A");            // 8 joins the 3 (a used zone first)
  EXPECT_EQ(placed[3], "C");            // fireworks alone
  EXPECT_FALSE(placed[4].has_value());  // A full, B holds 5.2+1, C full
}

TEST(Zones, WhenNoneFitsTheReasonNamesEachZone) {
  std::vector<Zone> zones = {Z("A", 1, {{"b1", "鲁A11111", {"3"}}}), Z("B", 3, {{"b2", "鲁A22222", {"5.2", "1"}}})};
  auto c = AssignZone(M(), zones, {"8"});
  ASSERT_FALSE(c.zone_id.has_value());
  EXPECT_EQ(c.reason.code, "logistics.zone.none_fits");
  ASSERT_EQ(c.refusals.size(), 2u);
  EXPECT_EQ(c.refusals[0].reason.code, "logistics.zone.full");
  EXPECT_EQ(c.refusals[1].reason.code, "logistics.zone.incompatible");
  EXPECT_EQ(RenderText(c.refusals[1].reason),
            "zone B holds 鲁A22222: labels 8 and 5.2+1 may not stand together (prohibited by ADR 7.5.2.1)");
  EXPECT_EQ(AssignZone(M(), {}, {"3"}).reason.code, "logistics.zone.no_zones");
}

TEST(Zones, AManualMoveThatMixesGoodsIsFound) {
  Zone z = Z("A", 4, {{"b1", "p1", {"3"}}, {"b2", "p2", {"8"}}, {"b3", "p3", {"1.4"}}});
  auto conflicts = ZoneConflicts(M(), z);
  ASSERT_EQ(conflicts.size(), 2u);
  EXPECT_EQ(conflicts[0].booking_a, "b1");
  EXPECT_EQ(conflicts[0].booking_b, "b3");
  EXPECT_EQ(conflicts[1].booking_a, "b2");
  EXPECT_EQ(conflicts[0].pair.verdict, Verdict::kClass1);
}

// The codes built from names at run time have both languages' text (a code missing from a catalogue would show
// as the bare code on a page).
TEST(Catalogue, CodesBuiltFromNamesExistInBothLanguages) {
  for (auto v :
       {Verdict::kCompatible, Verdict::kProhibited, Verdict::kClass1, Verdict::kConditional, Verdict::kUnknown}) {
    EXPECT_TRUE(HasText("logistics.mixing." + std::string(VerdictName(v)))) << VerdictName(v);
    EXPECT_TRUE(HasText("logistics.verdict." + std::string(VerdictName(v)))) << VerdictName(v);
  }
  for (const char* c : {"empty", "province", "authority", "length", "character", "new_energy", "trailer"}) {
    EXPECT_TRUE(HasText(std::string("logistics.plate.") + c)) << c;
  }
  for (auto k : {DocumentKind::kRoadTransportPermit, DocumentKind::kTankInspection, DocumentKind::kDriverQualification,
                 DocumentKind::kEscortQualification}) {
    EXPECT_TRUE(HasText("logistics.document.kind." + std::string(DocumentKindName(k))));
  }
  for (BookingStatus s : AllStatuses()) EXPECT_TRUE(HasText("logistics.status.name." + std::string(StatusName(s))));
  for (auto k : {WarningKind::kOverstay, WarningKind::kLateArrival, WarningKind::kNoShow, WarningKind::kDocumentExpired,
                 WarningKind::kIncompatibleZone, WarningKind::kBlacklist}) {
    EXPECT_TRUE(HasText("logistics.warning_kind." + std::string(WarningKindName(k))));
  }
  for (const char* s : {"plate", "driver", "escort", "carrier"})
    EXPECT_TRUE(HasText(std::string("logistics.subject.") + s));
  for (const char* l : {"low", "medium", "high"}) EXPECT_TRUE(HasText(std::string("logistics.risk.level.") + l));
}

}  // namespace
}  // namespace park::logistics
