#include "park/logistics/vehicle.hpp"

#include <gtest/gtest.h>

namespace park::logistics {
namespace {

TEST(Plate, ChinesePlatesAsPeopleTypeThem) {
  struct Case {
    const char* input;
    const char* text;
    PlateKind kind;
  } cases[] = {
      {"鲁A12345", "鲁A12345", PlateKind::kOrdinary},
      {"鲁a·12345", "鲁A12345", PlateKind::kOrdinary},
      {" 苏E 8B7C6 ", "苏E8B7C6", PlateKind::kOrdinary},
      {"京A-D12345", "京AD12345", PlateKind::kNewEnergySmall},
      {"粤BF1234A", "", PlateKind::kOrdinary},  // placeholder, checked below as an error
      {"沪AD1A234", "", PlateKind::kOrdinary},  // letter in the digits of a small new-energy serial
      {"浙B12345D", "浙B12345D", PlateKind::kNewEnergyLarge},
      {"川A1234挂", "川A1234挂", PlateKind::kTrailer},
      {"冀J·A234挂", "冀JA234挂", PlateKind::kTrailer},
      {"宁A・12345", "宁A12345", PlateKind::kOrdinary},
  };
  for (const auto& c : cases) {
    auto r = ParsePlate(c.input);
    if (std::string(c.text).empty()) {
      ASSERT_FALSE(r.ok()) << c.input;
      EXPECT_EQ(r.error().text.code, "logistics.plate.new_energy") << c.input;
      continue;
    }
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().message;
    EXPECT_EQ(r->text, c.text);
    EXPECT_EQ(r->kind, c.kind) << c.input;
  }
  auto p = ParsePlate("鲁A12345");
  EXPECT_EQ(p->province, "鲁");
  EXPECT_EQ(p->authority, 'A');
  EXPECT_EQ(p->serial, "12345");
}

TEST(Plate, APlateThatIsNotAPlateIsRefusedNamingTheField) {
  struct Case {
    const char* input;
    const char* code;
  } cases[] = {
      {"", "logistics.plate.empty"},
      {" · ", "logistics.plate.empty"},
      {"AB12345", "logistics.plate.province"},
      {"港A12345", "logistics.plate.province"},
      {"鲁112345", "logistics.plate.authority"},
      {"鲁I12345", "logistics.plate.authority"},
      {"鲁", "logistics.plate.authority"},
      {"鲁A1234", "logistics.plate.length"},
      {"鲁A1234567", "logistics.plate.length"},
      {"鲁A12O45", "logistics.plate.character"},
      {"鲁A12I45", "logistics.plate.character"},
      {"鲁A12#45", "logistics.plate.character"},
      {"鲁A12鲁45", "logistics.plate.character"},
      {"鲁A12345挂", "logistics.plate.trailer"},
      {"鲁AX1234Y", "logistics.plate.new_energy"},
      {"\xFF\xFE", "logistics.plate.province"},
  };
  for (const auto& c : cases) {
    auto r = ParsePlate(c.input, "vehicle.plate");
    ASSERT_FALSE(r.ok()) << c.input;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "vehicle.plate") << c.input;
    EXPECT_EQ(r.error().text.code, c.code) << c.input;
  }
  EXPECT_EQ(RenderText(ParsePlate("AB12345").error().text), "“A” is not a province abbreviation of a Chinese plate");
  EXPECT_EQ(ParsePlate(std::string(100, '1')).error().text.code, "logistics.plate.length");
}

TEST(Days, ParkLocalDaysAndMinutes) {
  // 2026-12-05T16:30:00Z is 2026-12-06 00:30 in China.
  const int64_t t = 1'796'488'200'000;
  EXPECT_EQ(FormatDay(DayOf(t, 0)), "2026-12-05");
  EXPECT_EQ(FormatDay(DayOf(t, kChinaUtcOffsetMin)), "2026-12-06");
  EXPECT_EQ(MinuteOfDay(t, kChinaUtcOffsetMin), 30);
  EXPECT_EQ(DayStartMs(DayOf(t, kChinaUtcOffsetMin), kChinaUtcOffsetMin), t - 30 * kMsPerMinute);
  EXPECT_EQ(*ParseDay("2026-12-06", "d"), DayOf(t, kChinaUtcOffsetMin));
  EXPECT_EQ(ParseDay("2026-02-30", "expires_on").error().field, "expires_on");
  EXPECT_EQ(ParseDay("2026-2-3", "d").error().text.code, "logistics.date.format");
  EXPECT_EQ(DayOf(-1, 0), -1);
}

Document Doc(DocumentKind kind, int64_t expires, std::optional<int64_t> from = std::nullopt,
             std::string number = "N1") {
  return {kind, std::move(number), from, expires};
}

TEST(Documents, ValidOnTheDayOrRefusedPerDocument) {
  const int64_t day = *ParseDay("2026-12-06", "d");
  DocumentCheckInput in;
  in.tank_vehicle = true;
  in.documents = {Doc(DocumentKind::kRoadTransportPermit, day + 300), Doc(DocumentKind::kTankInspection, day),
                  Doc(DocumentKind::kDriverQualification, day + 1), Doc(DocumentKind::kEscortQualification, day + 10)};
  EXPECT_TRUE(CheckDocuments(in, day).ok());  // valid through its last day
  // The day after, the tank certificate has expired.
  auto st = CheckDocuments(in, day + 1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "documents.tank_inspection");
  EXPECT_EQ(st.error().text.code, "logistics.document.expired");
  EXPECT_EQ(RenderText(st.error().text),
            "the tank inspection certificate expired on 2026-12-06 (needed valid on 2026-12-07)");
  // A renewed certificate beside the old one is enough.
  in.documents.push_back(Doc(DocumentKind::kTankInspection, day + 365));
  EXPECT_TRUE(CheckDocuments(in, day + 1).ok());
  // Two days on, the driver's qualification too; every problem is listed.
  in.documents.push_back(Doc(DocumentKind::kRoadTransportPermit, day + 500, day + 400, "N2"));
  st = CheckDocuments(in, day + 2);
  ASSERT_FALSE(st.ok());
  ASSERT_EQ(st.error().fields.size(), 1u);
  EXPECT_EQ(st.error().field, "documents.driver_qualification");
}

TEST(Documents, MissingNotYetValidAndWithoutNumber) {
  const int64_t day = 20'000;
  DocumentCheckInput in;
  in.documents = {Doc(DocumentKind::kRoadTransportPermit, day + 10, day + 1),
                  Doc(DocumentKind::kDriverQualification, day + 10, std::nullopt, "")};
  auto st = CheckDocuments(in, day);
  ASSERT_FALSE(st.ok());
  ASSERT_EQ(st.error().fields.size(), 3u);
  EXPECT_EQ(st.error().fields[0].field, "documents.road_transport_permit");
  EXPECT_EQ(st.error().fields[0].text.code, "logistics.document.not_yet_valid");
  EXPECT_EQ(st.error().fields[1].text.code, "logistics.document.number_missing");
  EXPECT_EQ(st.error().fields[2].field, "documents.escort_qualification");
  EXPECT_EQ(st.error().fields[2].text.code, "logistics.document.missing");
  // A non-tank vehicle without an escort requirement needs neither.
  in.escort_required = false;
  in.documents = {Doc(DocumentKind::kRoadTransportPermit, day), Doc(DocumentKind::kDriverQualification, day)};
  EXPECT_TRUE(CheckDocuments(in, day).ok());
  in.tank_vehicle = true;
  EXPECT_EQ(CheckDocuments(in, day).error().field, "documents.tank_inspection");
}

TEST(Documents, ExpiringSoon) {
  const std::vector<Document> docs = {Doc(DocumentKind::kRoadTransportPermit, 1000),
                                      Doc(DocumentKind::kTankInspection, 1020),
                                      Doc(DocumentKind::kDriverQualification, 995)};
  const auto soon = ExpiringDocuments(docs, 1000, 14);
  ASSERT_EQ(soon.size(), 2u);
  EXPECT_EQ(soon[0].days_left, 0);
  EXPECT_EQ(soon[1].kind, DocumentKind::kDriverQualification);
  EXPECT_EQ(soon[1].days_left, -5);
  EXPECT_EQ(ParseDocumentKind("tank_inspection"), DocumentKind::kTankInspection);
  EXPECT_FALSE(ParseDocumentKind("tank").has_value());
}

}  // namespace
}  // namespace park::logistics
