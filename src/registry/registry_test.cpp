// Validation of registry records, run against a real SQLite store (references are checked in the database).
#include "park/registry/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "park/core/text.hpp"
#include "registry/spec.hpp"

namespace park::registry {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parkbrain-registry-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open((dir_ / "park.db").string());
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    ent1_ = MustCreate("enterprise", {{"name", "Green Pharma"}, {"credit_code", "91350100M000100Y43"}, {"sector", "2710"}});
    ent2_ = MustCreate("enterprise", {{"name", "Gas Co"}, {"credit_code", "91110000600037341L"}, {"sector", "2619"}});
    fac1_ = MustCreate("facility", {{"enterprise_id", ent1_}, {"name", "Workshop 1"}, {"kind", "workshop"}});
    eq1_ = MustCreate("equipment", {{"facility_id", fac1_}, {"tag", "R-101"}, {"name", "Reactor"}, {"type", "reactor"}});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Result<int64_t> TryCreate(const std::string& entity, const Json& body, const Principal* actor = nullptr) {
    Result<int64_t> out = Error::Internal("not run");
    Status st = store_->Write([&](store::Tx& tx) -> Status {
      out = Create(tx, clock_, entity, body, actor);
      return out.ok() ? Status() : Status(out.error());
    });
    return out;
  }

  int64_t MustCreate(const std::string& entity, const Json& body) {
    auto r = TryCreate(entity, body);
    EXPECT_TRUE(r.ok()) << entity << ": " << r.error().field << " " << r.error().message;
    return r.ok() ? *r : 0;
  }

  FixedClock clock_{1700000000000};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  int64_t ent1_ = 0, ent2_ = 0, fac1_ = 0, eq1_ = 0;
};

// The code and parameters of the reason given for `field`, or an empty text.
Text ReasonFor(const Error& e, const std::string& field) {
  for (const auto& f : e.fields) {
    if (f.field == field) return f.text;
  }
  return e.field == field ? e.text : Text{};
}

std::string Fields(const Error& e) {
  std::string out;
  for (const auto& f : e.fields) out += f.field + "=" + f.text.code + " ";
  return out;
}

TEST_F(RegistryTest, RefusesBadInputNamingTheField) {
  struct Case {
    const char* entity;
    Json body;
    const char* field;
    const char* code;  // the reason's catalogue code
  };
  const Json ent = {{"name", "X"}, {"credit_code", "91330000MA2AXXXX00"}, {"sector", "2710"}};
  auto with = [](Json base, const char* key, Json value) {
    base[key] = std::move(value);
    return base;
  };
  const Json good_ent = {{"name", "X"}, {"credit_code", "91330106MA27XX0X0X"}, {"sector", "2710"}};
  const Json valid_ent = with(good_ent, "credit_code", "91350100M000100Y43");
  const Json fac = {{"enterprise_id", 1}, {"name", "Tank farm"}, {"kind", "tank_farm"}};
  const Json eq = {{"facility_id", 1}, {"tag", "T-1"}, {"name", "Tank"}, {"type", "storage_tank"}};
  const Json sensor = {{"equipment_id", 1}, {"key", "r101.temp"}, {"name", "Temp"}, {"kind", "sensor"},
                       {"quantity", "temperature"}, {"unit", "degC"}};
  const Case cases[] = {
      {"enterprise", ent, "credit_code", "credit_code.check"},
      {"enterprise", with(good_ent, "credit_code", "123"), "credit_code", "credit_code.length"},
      {"enterprise", with(good_ent, "credit_code", 91350100), "credit_code", "field.not_string"},
      {"enterprise", with(valid_ent, "sector", "27A0"), "sector", "registry.sector"},
      {"enterprise", with(valid_ent, "land_area_mu", -1), "land_area_mu", "registry.land_area"},
      {"enterprise", with(valid_ent, "land_area_mu", "12"), "land_area_mu", "field.not_number"},
      {"enterprise", with(valid_ent, "colour", "red"), "colour", "field.unknown"},
      {"enterprise", with(valid_ent, "id", 7), "id", "field.read_only"},
      {"enterprise", with(valid_ent, "contacts", Json::array({{{"name", "Li"}, {"phone", "0576-88ab"}}})),
       "contacts[0].phone", "registry.phone_characters"},
      {"enterprise", with(valid_ent, "contacts", Json::array({{{"name", "Li"}, {"email", "li@"}}})),
       "contacts[0].email", "registry.email"},
      {"enterprise", with(valid_ent, "contacts", Json::array({"Li"})), "contacts[0]", "field.not_object"},
      {"enterprise", {{"credit_code", "91350100M000100Y43"}, {"sector", "2710"}}, "name", "field.required"},
      {"facility", with(fac, "kind", "garden"), "kind", "registry.allowed.facility.kind"},
      {"facility", with(fac, "enterprise_id", 999), "enterprise_id", "field.no_such_record"},
      {"equipment", with(eq, "install_date", "2023-02-30"), "install_date", "field.date_format"},
      {"equipment", with(eq, "install_date", "1949-12-31"), "install_date", "registry.date_after"},
      {"equipment", with(eq, "design_life_years", 0), "design_life_years", "registry.life_years"},
      {"equipment", with(eq, "tag", "T 1"), "tag", "registry.tag_characters"},
      {"equipment", with(eq, "enterprise_id", 1), "enterprise_id", "field.read_only"},
      {"equipment", with(eq, "status", "broken"), "status", "registry.allowed.equipment.status"},
      {"equipment", with(eq, "rated", {{"pressure_mpa", Json::array()}}), "rated.pressure_mpa", "registry.rated_value"},
      {"equipment", with(eq, "tag", "R-101"), "tag", "registry.taken"},
      {"sensor", with(sensor, "unit", "bar"), "unit", "registry.unit_for_quantity"},
      {"sensor", with(with(sensor, "kind", "meter"), "unit", "degC"), "quantity", "registry.meter_quantity"},
      {"sensor", with(sensor, "activity_item", "electricity"), "activity_item", "registry.activity_item_meter_only"},
      {"sensor", with(with(sensor, "low_limit", 90), "high_limit", 80), "high_limit", "registry.high_above_low"},
      {"sensor", with(sensor, "key", "R101 Temp"), "key", "registry.key_characters"},
      {"sensor", with(sensor, "equipment_id", 77), "equipment_id", "field.no_such_record"},
  };
  for (const auto& c : cases) {
    auto r = TryCreate(c.entity, c.body);
    ASSERT_FALSE(r.ok()) << c.entity << " " << c.body.dump();
    EXPECT_EQ(r.error().field, c.field) << c.body.dump() << " -> " << Fields(r.error());
    EXPECT_EQ(ReasonFor(r.error(), c.field).code, c.code) << c.body.dump() << " -> " << Fields(r.error());
    EXPECT_TRUE(HasText(c.code)) << c.code;
  }
}

TEST_F(RegistryTest, ReportsEveryBadFieldAtOnce) {
  struct Case {
    const char* entity;
    Json body;
    std::vector<std::pair<std::string, std::string>> want;  // field, code: every one, in this order
  };
  const Case cases[] = {
      {"enterprise",
       {{"name", ""},
        {"credit_code", "123"},
        {"sector", "27A0"},
        {"land_area_mu", -5},
        {"contacts", Json::array({{{"name", "Li"}, {"phone", "x"}, {"email", "li@"}}})}},
       {{"name", "field.empty"},
        {"credit_code", "credit_code.length"},
        {"sector", "registry.sector"},
        {"land_area_mu", "registry.land_area"},
        {"contacts[0].phone", "registry.phone_length"},
        {"contacts[0].email", "registry.email"}}},
      // Field checks, the rules relating fields and the parent reference in one answer.
      {"sensor",
       {{"equipment_id", 77},
        {"key", "Bad Key"},
        {"name", "T"},
        {"kind", "sensor"},
        {"quantity", "temperature"},
        {"unit", "bar"},
        {"low_limit", 90},
        {"high_limit", 80},
        {"activity_item", "electricity"}},
       {{"key", "registry.key_characters"},
        {"unit", "registry.unit_for_quantity"},
        {"activity_item", "registry.activity_item_meter_only"},
        {"high_limit", "registry.high_above_low"},
        {"equipment_id", "field.no_such_record"}}},
      {"equipment",
       {{"facility_id", 1},
        {"tag", "T 1"},
        {"name", "Tank"},
        {"type", "spaceship"},
        {"design_life_years", 500},
        {"rated", {{"pressure_mpa", Json::array()}, {"medium", Json::object()}}}},
       {{"tag", "registry.tag_characters"},
        {"type", "registry.allowed.equipment.type"},
        {"design_life_years", "registry.life_years"},
        {"rated.medium", "registry.rated_value"},
        {"rated.pressure_mpa", "registry.rated_value"}}},
  };
  for (const auto& c : cases) {
    auto r = TryCreate(c.entity, c.body);
    ASSERT_FALSE(r.ok()) << c.entity;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& f : r.error().fields) got.emplace_back(f.field, f.text.code);
    EXPECT_EQ(got, c.want) << c.entity << ": " << Fields(r.error());
  }
  // Parameters, and the same text in Chinese with no English token in it.
  auto r = TryCreate("sensor", {{"equipment_id", eq1_},
                                {"key", "x.t"},
                                {"name", "T"},
                                {"kind", "sensor"},
                                {"quantity", "temperature"},
                                {"unit", "bar"}});
  ASSERT_FALSE(r.ok());
  const Text unit = ReasonFor(r.error(), "unit");
  EXPECT_EQ(RenderText(unit, Locale::kEn), "for temperature must be one of: degC, K");
  EXPECT_EQ(RenderText(unit, Locale::kZhCN), "温度的单位必须是以下之一：degC, K");
}

TEST_F(RegistryTest, EveryEnumFieldSaysItsValuesInBothLanguages) {
  for (const auto& spec : Specs()) {
    for (const auto& f : spec.fields) {
      if (f.type != FieldType::kEnum) continue;
      const std::string code = "registry.allowed." + spec.entity + "." + f.name;
      EXPECT_TRUE(HasText(code)) << code;
      // No English value token in the Chinese text: its only Latin letters are the unit "pH".
      std::string zh = RenderText(T(code), Locale::kZhCN);
      for (auto at = zh.find("pH"); at != std::string::npos; at = zh.find("pH")) zh.erase(at, 2);
      EXPECT_TRUE(
          std::none_of(zh.begin(), zh.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
          << code << ": " << zh;
    }
    EXPECT_TRUE(HasText("registry.entity." + spec.entity)) << spec.entity;
    for (const auto& c : spec.children) EXPECT_TRUE(HasText("registry.children." + c.label)) << c.label;
  }
}

TEST(RegistryTexts, NameTheEntityInTheUsersLanguage) {
  const Text missing = T("registry.not_found", {{"entity", TextRef{"registry.entity.facility"}}, {"id", "4242"}});
  EXPECT_EQ(RenderText(missing, Locale::kEn), "no facility with id 4242");
  EXPECT_EQ(RenderText(missing, Locale::kZhCN), "设施（编号 4242）不存在");
  const Text busy = T("registry.has_children", {{"entity", TextRef{"registry.entity.enterprise"}},
                                                {"count", 3},
                                                {"children", TextRef{"registry.children.facilities"}}});
  EXPECT_EQ(RenderText(busy, Locale::kEn), "this enterprise still has facilities (3); remove them first");
  EXPECT_EQ(RenderText(busy, Locale::kZhCN), "该企业下仍有设施（3 条），请先删除");
}

TEST_F(RegistryTest, DerivesOwnershipAndRefusesOtherEnterprises) {
  const int64_t sensor = MustCreate("sensor", {{"equipment_id", eq1_}, {"key", "r101.energy"}, {"name", "Energy"},
                                               {"kind", "meter"}, {"quantity", "energy"}, {"unit", "kWh"}});
  int64_t owner = 0;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT enterprise_id FROM sensors WHERE id = $1", {sensor}));
                       owner = row->Int(0);
                       return {};
                     }).ok());
  EXPECT_EQ(owner, ent1_);

  Principal other;
  other.role = Role::kEnterpriseUser;
  other.enterprise_id = ent2_;
  other.name = "other";
  auto r = TryCreate("facility", {{"enterprise_id", ent1_}, {"name", "Sneaky"}, {"kind", "warehouse"}}, &other);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "enterprise_id");
  EXPECT_TRUE(TryCreate("facility", {{"enterprise_id", ent2_}, {"name", "Own"}, {"kind", "warehouse"}}, &other).ok());
}

TEST_F(RegistryTest, EveryCreateIsAudited) {
  int64_t n = 0;
  ASSERT_TRUE(store_->Read([&](store::Tx& tx) -> Status {
                       PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = 'create'"));
                       n = row->Int(0);
                       return {};
                     }).ok());
  EXPECT_EQ(n, 4);
}

}  // namespace
}  // namespace park::registry
