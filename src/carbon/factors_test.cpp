#include "park/carbon/factors.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "park/core/text.hpp"

namespace park::carbon {
namespace {

Factor MakeFactor(std::string id, ScopeLevel level, double value, std::string enterprise = {},
                  std::string region = "national", int year = 0) {
  Factor f;
  f.id = std::move(id);
  f.kind = FactorKind::kFuelNcv;
  f.subject = "raw_coal";
  f.region = std::move(region);
  f.year = year;
  f.value = value;
  f.unit = "GJ/t";
  f.level = level;
  f.enterprise_code = std::move(enterprise);
  f.source = "test";
  return f;
}

TEST(FactorsTest, ShippedDataLoadsAndMatchesTheFileOnDisk) {
  std::ifstream in(std::string(PARK_CARBON_DATA_DIR) + "/factors.csv", std::ios::binary);
  std::stringstream disk;
  disk << in.rdbuf();
  EXPECT_EQ(disk.str(), DefaultFactorsCsv());
  FactorCsv parsed = ParseFactorsCsv(DefaultFactorsCsv());
  ASSERT_TRUE(parsed.ok()) << parsed.errors.front().line << " " << parsed.errors.front().field << " "
                           << parsed.errors.front().reason;
  EXPECT_EQ(parsed.factors.size(), 80u);
  auto lib = DefaultFactorLibrary();
  ASSERT_TRUE(lib.ok()) << lib.error().message;
  EXPECT_EQ(lib->revision_count(), 80u);
  for (const Factor& f : parsed.factors) EXPECT_FALSE(f.source.empty()) << f.id;
}

// Every shipped citation has a catalogue code in both languages whose English text is the citation as the data file
// gives it: a Chinese page cites the same source in Chinese, and the facts live in one file.
TEST(FactorsTest, ShippedCitationsAreCataloguedInBothLanguages) {
  FactorCsv parsed = ParseFactorsCsv(DefaultFactorsCsv());
  ASSERT_TRUE(parsed.ok());
  for (const Factor& f : parsed.factors) {
    ASSERT_FALSE(f.source_code.empty()) << f.id;
    ASSERT_FALSE(f.document_code.empty()) << f.id;
    const std::string source = "carbon.source." + f.source_code;
    const std::string document = "carbon.document." + f.document_code;
    EXPECT_TRUE(HasText(source)) << f.id << ": " << source;
    EXPECT_TRUE(HasText(document)) << f.id << ": " << document;
    EXPECT_EQ(RenderText(T(source)), f.source) << f.id;
    EXPECT_EQ(RenderText(T(document)), f.document) << f.id;
    EXPECT_NE(RenderText(T(source), Locale::kZhCN), f.source) << f.id << " is not said in Chinese";
  }
}

TEST(FactorsTest, ValidationErrorsAreCodes) {
  Factor f = MakeFactor("bad id!", ScopeLevel::kNational, 1);
  auto s = ValidateFactor(f);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().text.code, "carbon.factor.id_chars");
  f = MakeFactor("x", ScopeLevel::kNational, 1);
  f.unit = "kWh";
  s = ValidateFactor(f);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "unit");
  EXPECT_EQ(RenderText(s.error().text), "“kWh” is not a unit for a net calorific value");
  EXPECT_EQ(RenderText(s.error().text, Locale::kZhCN), "“kWh”不是低位发热量的单位");
  FactorLibrary lib;
  ASSERT_TRUE(lib.Add(MakeFactor("x", ScopeLevel::kNational, 1)).ok());
  auto again = lib.Add(MakeFactor("x", ScopeLevel::kNational, 2));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().text.code, "carbon.factor.revision_exists");
  FactorLibrary::Query q;
  q.subject = "coke";
  q.year = 2023;
  auto missing = lib.Lookup(q);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(RenderText(missing.error().text, Locale::kZhCN),
            "任何层级都没有焦炭的低位发热量（口径：缺省，年份：2023，区域：全国）；请添加实测、企业或缺省因子");
}

TEST(FactorsTest, ShippedValues) {
  auto lib = DefaultFactorLibrary();
  ASSERT_TRUE(lib.ok());
  struct Case {
    FactorKind kind;
    const char* subject;
    int year;
    const char* region;
    const char* basis;
    const char* id;
    double value;
    FactorStatus status;
  } cases[] = {
      {FactorKind::kFuelNcv, "raw_coal", 2023, "national", "default", "cn.ncv.raw_coal", 20.908, FactorStatus::kCheck},
      {FactorKind::kFuelCarbonContent, "raw_coal", 2023, "national", "default", "cn.cc.raw_coal", 0.02637,
       FactorStatus::kCheck},
      {FactorKind::kFuelOxidation, "natural_gas", 2023, "national", "default", "cn.of.natural_gas", 0.99,
       FactorStatus::kOk},
      {FactorKind::kFuelEmissionFactor, "anthracite", 2023, "national", "default", "ipcc.ef.anthracite", 98300,
       FactorStatus::kOk},
      {FactorKind::kElectricityCo2, "electricity", 2023, "national", "average", "grid.2023.national.average", 0.5306,
       FactorStatus::kOk},
      {FactorKind::kElectricityCo2, "electricity", 2022, "national", "average", "grid.2022.national.average", 0.5366,
       FactorStatus::kOk},
      // 2024 is not published yet: the newest earlier year is used.
      {FactorKind::kElectricityCo2, "electricity", 2024, "national", "average", "grid.2023.national.average", 0.5306,
       FactorStatus::kOk},
      {FactorKind::kElectricityCo2, "electricity", 2023, "east", "average", "grid.2023.east.average", 0.55,
       FactorStatus::kOk},
      // No East grid factor for 2022: falls back to the national average of 2022.
      {FactorKind::kElectricityCo2, "electricity", 2022, "east", "average", "grid.2022.national.average", 0.5366,
       FactorStatus::kOk},
      {FactorKind::kElectricityCo2, "electricity", 2023, "shandong", "average", "grid.2022.shandong.average", 0.641,
       FactorStatus::kOk},
      {FactorKind::kElectricityCo2, "electricity", 2023, "national", "excluding_market_green_power",
       "grid.2023.national.excluding_market_green_power", 0.6096, FactorStatus::kOk},
      {FactorKind::kHeatCo2, "heat", 2023, "national", "default", "heat.national.default", 0.11, FactorStatus::kOk},
      {FactorKind::kStandardCoal, "electricity_equivalent", 2023, "national", "default",
       "gbt2589.electricity_equivalent", 0.1229, FactorStatus::kOk},
      {FactorKind::kElectricityEqualValue, "electricity", 2023, "national", "default", "ev.electricity", 0.3,
       FactorStatus::kCheck},
  };
  for (const Case& c : cases) {
    const Factor* f = lib->Find({c.kind, c.subject, c.year, c.region, c.basis, ""});
    ASSERT_NE(f, nullptr) << c.id;
    EXPECT_EQ(f->id, c.id);
    EXPECT_DOUBLE_EQ(f->value, c.value) << c.id;
    EXPECT_EQ(f->status, c.status) << c.id;
  }
  // Nothing published before 2022.
  EXPECT_EQ(lib->Find({FactorKind::kElectricityCo2, "electricity", 2021, "national", "average", ""}), nullptr);
  auto missing = lib->Lookup({FactorKind::kElectricityCo2, "electricity", 2021, "national", "average", ""});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("2021"), std::string::npos);
}

TEST(FactorsTest, FallbackOrderMeasuredEnterpriseProvincialNationalIpcc) {
  FactorLibrary lib;
  ASSERT_TRUE(lib.Add(MakeFactor("ipcc", ScopeLevel::kIpcc, 5)).ok());
  ASSERT_TRUE(lib.Add(MakeFactor("national", ScopeLevel::kNational, 4)).ok());
  ASSERT_TRUE(lib.Add(MakeFactor("zhejiang", ScopeLevel::kProvincial, 3, "", "zhejiang")).ok());
  ASSERT_TRUE(lib.Add(MakeFactor("e1.enterprise", ScopeLevel::kEnterprise, 2, "E1")).ok());
  ASSERT_TRUE(lib.Add(MakeFactor("e1.measured", ScopeLevel::kMeasured, 1, "E1")).ok());
  ASSERT_TRUE(lib.Add(MakeFactor("e2.enterprise", ScopeLevel::kEnterprise, 6, "E2")).ok());
  struct Case {
    const char* enterprise;
    const char* region;
    const char* expected_id;
  } cases[] = {
      {"E1", "zhejiang", "e1.measured"}, {"E2", "zhejiang", "e2.enterprise"}, {"E3", "zhejiang", "zhejiang"},
      {"E3", "national", "national"},    {"E3", "shandong", "national"},      {"", "zhejiang", "zhejiang"},
  };
  for (const Case& c : cases) {
    const Factor* f = lib.Find({FactorKind::kFuelNcv, "raw_coal", 2023, c.region, "default", c.enterprise});
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->id, c.expected_id) << c.enterprise << " " << c.region;
  }
  FactorLibrary only_ipcc;
  ASSERT_TRUE(only_ipcc.Add(MakeFactor("ipcc", ScopeLevel::kIpcc, 5)).ok());
  EXPECT_EQ(only_ipcc.Find({FactorKind::kFuelNcv, "raw_coal", 2023, "national", "default", "E1"})->id, "ipcc");
}

TEST(FactorsTest, YearPreference) {
  FactorLibrary lib;
  ASSERT_TRUE(lib.Add(MakeFactor("any", ScopeLevel::kNational, 1, "", "national", 0)).ok());
  ASSERT_TRUE(lib.Add(MakeFactor("y2020", ScopeLevel::kNational, 2, "", "national", 2020)).ok());
  ASSERT_TRUE(lib.Add(MakeFactor("y2022", ScopeLevel::kNational, 3, "", "national", 2022)).ok());
  struct Case {
    int year;
    const char* id;
  } cases[] = {{2022, "y2022"}, {2020, "y2020"}, {2021, "any"}, {2030, "any"}, {2019, "any"}};
  for (const Case& c : cases) {
    EXPECT_EQ(lib.Find({FactorKind::kFuelNcv, "raw_coal", c.year, "national", "default", ""})->id, c.id) << c.year;
  }
}

TEST(FactorsTest, RevisionsSupersedeWithoutEditing) {
  FactorLibrary lib;
  ASSERT_TRUE(lib.Add(MakeFactor("ncv", ScopeLevel::kNational, 20.908)).ok());
  const Factor* first = lib.Latest("ncv");
  ASSERT_NE(first, nullptr);

  Factor corrected = MakeFactor("ncv", ScopeLevel::kNational, 21.0);
  corrected.source = "corrected after checking the official text";
  auto rev = lib.Supersede(corrected);
  ASSERT_TRUE(rev.ok()) << rev.error().message;
  EXPECT_EQ(*rev, 2);

  // The old revision is untouched and still reachable; lookups now answer revision 2.
  EXPECT_DOUBLE_EQ(first->value, 20.908);
  EXPECT_EQ(lib.Revision("ncv", 1), first);
  EXPECT_DOUBLE_EQ(lib.Revision("ncv", 2)->value, 21.0);
  EXPECT_EQ(lib.Find({FactorKind::kFuelNcv, "raw_coal", 2023, "national", "default", ""})->revision, 2);
  EXPECT_EQ(lib.History("ncv").size(), 2u);

  // Same or lower revision: refused. Changing the key in a revision: refused.
  Factor stale = MakeFactor("ncv", ScopeLevel::kNational, 22);
  stale.revision = 2;
  EXPECT_EQ(lib.Add(stale).error().code, ErrorCode::kConflict);
  Factor moved = MakeFactor("ncv", ScopeLevel::kNational, 22, "", "zhejiang");
  moved.revision = 3;
  EXPECT_EQ(lib.Add(moved).error().field, "id");
  // A second id for the same key: refused (supersede instead).
  EXPECT_EQ(lib.Add(MakeFactor("ncv2", ScopeLevel::kNational, 22)).error().code, ErrorCode::kConflict);
  // Superseding an unknown id.
  EXPECT_EQ(lib.Supersede(MakeFactor("nope", ScopeLevel::kNational, 1)).error().code, ErrorCode::kNotFound);
}

TEST(FactorsTest, ValidatesFactors) {
  struct Case {
    const char* name;
    Factor factor;
    const char* field;
  };
  auto base = [] { return MakeFactor("x", ScopeLevel::kNational, 1); };
  std::vector<Case> cases;
  {
    Factor f = base();
    f.id = "has space";
    cases.push_back({"id", f, "id"});
  }
  {
    Factor f = base();
    f.value = 0;
    cases.push_back({"zero", f, "value"});
  }
  {
    Factor f = base();
    f.unit = "GJ/furlong";
    cases.push_back({"unit", f, "unit"});
  }
  {
    Factor f = base();
    f.kind = FactorKind::kFuelOxidation;
    f.unit = "1";
    f.value = 1.2;
    cases.push_back({"oxidation above 1", f, "value"});
  }
  {
    Factor f = base();
    f.level = ScopeLevel::kMeasured;
    cases.push_back({"measured without enterprise", f, "enterprise_code"});
  }
  {
    Factor f = base();
    f.enterprise_code = "E1";
    cases.push_back({"national with enterprise", f, "enterprise_code"});
  }
  {
    Factor f = base();
    f.source.clear();
    cases.push_back({"no source", f, "source"});
  }
  {
    Factor f = base();
    f.year = 1800;
    cases.push_back({"year", f, "year"});
  }
  for (const Case& c : cases) {
    Status s = ValidateFactor(c.factor);
    ASSERT_FALSE(s.ok()) << c.name;
    EXPECT_EQ(s.error().field, c.field) << c.name;
  }
  EXPECT_TRUE(ValidateFactor(base()).ok());
}

TEST(FactorsTest, CsvErrorsNameLineAndField) {
  const std::string text =
      "# comment\n"
      "id,kind,subject,region,basis,year,value,unit,scope_level,enterprise_code,revision,status,source,document\n"
      "a,fuel_ncv,raw_coal,,,,20.9,GJ/t,national,,1,ok,src,doc\n"
      "b,fuel_nvc,raw_coal,,,,20.9,GJ/t,national,,1,ok,src,doc\n"
      "c,fuel_ncv,coke,,,,abc,GJ/t,national,,1,ok,src,doc\n"
      "d,fuel_ncv,coke,,,,1,GJ/t,state,,1,fine,src,doc\n"
      "e,fuel_ncv,coke,,,,1,GJ/t,national,,1,ok,,doc\n";
  FactorCsv parsed = ParseFactorsCsv(text);
  ASSERT_EQ(parsed.factors.size(), 1u);
  ASSERT_EQ(parsed.errors.size(), 5u);
  EXPECT_EQ(parsed.errors[0].line, 4);
  EXPECT_EQ(parsed.errors[0].field, "kind");
  EXPECT_EQ(parsed.errors[1].line, 5);
  EXPECT_EQ(parsed.errors[1].field, "value");
  EXPECT_EQ(parsed.errors[2].field, "scope_level");
  EXPECT_EQ(parsed.errors[3].field, "status");
  EXPECT_EQ(parsed.errors[4].line, 7);
  EXPECT_NE(parsed.errors[4].reason.find("source"), std::string::npos);
  auto lib = LoadFactorLibrary(text);
  ASSERT_FALSE(lib.ok());
  EXPECT_NE(lib.error().message.find("line 4"), std::string::npos);
  EXPECT_FALSE(LoadFactorLibrary("nonsense\n").ok());
}

TEST(FactorsTest, RevisionsInTheCsvLoadInOrder) {
  const std::string text =
      "id,kind,subject,region,basis,year,value,unit,scope_level,enterprise_code,revision,status,source,document\n"
      "ev,electricity_equal_value,electricity,,,2023,0.300,kgce/kWh,national,,1,check,src,doc\n"
      "ev,electricity_equal_value,electricity,,,2023,0.305,kgce/kWh,national,,2,ok,newer src,doc\n";
  auto lib = LoadFactorLibrary(text);
  ASSERT_TRUE(lib.ok()) << lib.error().message;
  EXPECT_DOUBLE_EQ(lib->Latest("ev")->value, 0.305);
  EXPECT_DOUBLE_EQ(lib->Revision("ev", 1)->value, 0.300);
}

}  // namespace
}  // namespace park::carbon
