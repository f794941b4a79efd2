// Validation of registry records, run against a real SQLite store (references are checked in the database).
#include "park/registry/registry.hpp"

#include <gtest/gtest.h>

#include <filesystem>

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

TEST_F(RegistryTest, RefusesBadInputNamingTheField) {
  struct Case {
    const char* entity;
    Json body;
    const char* field;
    const char* message_part;
  };
  const Json ent = {{"name", "X"}, {"credit_code", "91330000MA2AXXXX00"}, {"sector", "2710"}};
  auto with = [](Json base, const char* key, Json value) {
    base[key] = std::move(value);
    return base;
  };
  const Json good_ent = {{"name", "X"}, {"credit_code", "91330106MA27XX0X0X"}, {"sector", "2710"}};
  const Json fac = {{"enterprise_id", 1}, {"name", "Tank farm"}, {"kind", "tank_farm"}};
  const Json eq = {{"facility_id", 1}, {"tag", "T-1"}, {"name", "Tank"}, {"type", "storage_tank"}};
  const Json sensor = {{"equipment_id", 1}, {"key", "r101.temp"}, {"name", "Temp"}, {"kind", "sensor"},
                       {"quantity", "temperature"}, {"unit", "degC"}};
  const Case cases[] = {
      {"enterprise", ent, "credit_code", "check character"},
      {"enterprise", with(good_ent, "credit_code", "123"), "credit_code", "18 characters"},
      {"enterprise", with(good_ent, "credit_code", 91350100), "credit_code", "must be a string"},
      {"enterprise", with(with(good_ent, "credit_code", "91350100M000100Y43"), "sector", "27A0"), "sector", "industry code"},
      {"enterprise", with(with(good_ent, "credit_code", "91350100M000100Y43"), "land_area_mu", -1), "land_area_mu", "between"},
      {"enterprise", with(with(good_ent, "credit_code", "91350100M000100Y43"), "land_area_mu", "12"), "land_area_mu", "must be a number"},
      {"enterprise", with(with(good_ent, "credit_code", "91350100M000100Y43"), "colour", "red"), "colour", "not a known field"},
      {"enterprise", with(with(good_ent, "credit_code", "91350100M000100Y43"), "id", 7), "id", "read-only"},
      {"enterprise",
       with(with(good_ent, "credit_code", "91350100M000100Y43"), "contacts", Json::array({{{"name", "Li"}, {"phone", "0576-88ab"}}})),
       "contacts[0].phone", "digits"},
      {"enterprise",
       with(with(good_ent, "credit_code", "91350100M000100Y43"), "contacts", Json::array({{{"name", "Li"}, {"email", "li@"}}})),
       "contacts[0].email", "e-mail"},
      {"enterprise", {{"credit_code", "91350100M000100Y43"}, {"sector", "2710"}}, "name", "required"},
      {"facility", with(fac, "kind", "garden"), "kind", "one of"},
      {"facility", with(fac, "enterprise_id", 999), "enterprise_id", "no such record"},
      {"equipment", with(eq, "install_date", "2023-02-30"), "install_date", "YYYY-MM-DD"},
      {"equipment", with(eq, "design_life_years", 0), "design_life_years", "more than 0"},
      {"equipment", with(eq, "tag", "T 1"), "tag", "letters, digits"},
      {"equipment", with(eq, "enterprise_id", 1), "enterprise_id", "read-only"},
      {"equipment", with(eq, "rated", {{"pressure_mpa", Json::array()}}), "rated.pressure_mpa", "must be a number"},
      {"equipment", with(eq, "tag", "R-101"), "tag", "already has"},
      {"sensor", with(sensor, "unit", "bar"), "unit", "degC, K"},
      {"sensor", with(with(sensor, "kind", "meter"), "unit", "degC"), "quantity", "a meter counts up"},
      {"sensor", with(with(sensor, "low_limit", 90), "high_limit", 80), "high_limit", "greater than"},
      {"sensor", with(sensor, "key", "R101 Temp"), "key", "lower-case"},
      {"sensor", with(sensor, "equipment_id", 77), "equipment_id", "no such record"},
  };
  for (const auto& c : cases) {
    auto r = TryCreate(c.entity, c.body);
    ASSERT_FALSE(r.ok()) << c.entity << " " << c.body.dump();
    EXPECT_EQ(r.error().field, c.field) << c.body.dump() << " -> " << r.error().message;
    EXPECT_NE(r.error().message.find(c.message_part), std::string::npos) << r.error().message;
  }
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
