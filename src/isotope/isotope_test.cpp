#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "park/isotope/isotope.hpp"

namespace park::isotope {
namespace {

using LD = long double;
const LD kLn2L = 0.693147180559945309417232121458176568L;

const NuclideTable& Table() { return NuclideTable::Default(); }

double Of(const std::vector<Amount>& v, std::string_view name) {
  for (const auto& a : v) {
    if (a.nuclide == name) return a.bq;
  }
  ADD_FAILURE() << name << " missing";
  return 0;
}

void ExpectRel(double got, LD want, double tol, const std::string& what) {
  const LD rel = std::fabs((static_cast<LD>(got) - want) / want);
  EXPECT_LE(static_cast<double>(rel), tol) << what << ": got " << got << " want " << static_cast<double>(want);
}

// A small table for chains the shipped file does not have (equal and nearly equal half-lives).
NuclideTable Chain(double t1_h, double t2_h, double t3_h = 0, double b12 = 1.0, double b23 = 1.0) {
  std::string csv =
      "nuclide,half_life,half_life_unit,decay_mode,progeny,branching,A1_TBq,A2_TBq,exempt_conc_Bq_per_g,"
      "exempt_consignment_Bq,note\n";
  csv += fmt::format("P,{:.17g},h,beta-,D,{:.17g},1,1,1,1,\n", t1_h, b12);
  if (t3_h > 0) {
    csv += fmt::format("D,{:.17g},h,beta-,G,{:.17g},1,1,1,1,\n", t2_h, b23);
    csv += fmt::format("G,{:.17g},h,beta-,Z,1,1,1,1,1,\n", t3_h);
  } else {
    csv += fmt::format("D,{:.17g},h,beta-,Z,1,1,1,1,1,\n", t2_h);
  }
  auto t = NuclideTable::Parse(csv);
  EXPECT_TRUE(t.ok());
  return std::move(t).value();
}

// Independent two-member Bateman in long double: daughter activity from parent activity a1 (no daughter).
LD Bateman2(LD a1, LD b, LD t1_s, LD t2_s, LD t) {
  const LD l1 = kLn2L / t1_s, l2 = kLn2L / t2_s;
  return a1 * b * l2 / (l2 - l1) * (std::exp(-l1 * t) - std::exp(-l2 * t));
}

TEST(Data, TableIsTheSharedFileWithItsSource) {
  const auto& t = Table();
  EXPECT_EQ(t.all().size(), 15u);
  ASSERT_NE(t.Find("Mo-99"), nullptr);
  EXPECT_DOUBLE_EQ(t.Find("Mo-99")->half_life_s, 65.94 * 3600);
  EXPECT_TRUE(t.Find("Mo-99")->a2_includes_short_daughters);
  EXPECT_TRUE(t.Find("Cs-137")->secular_equilibrium);
  EXPECT_TRUE(t.Find("Ra-223")->secular_equilibrium);
  EXPECT_FALSE(t.Find("I-131")->a2_includes_short_daughters);
  EXPECT_DOUBLE_EQ(t.Find("I-131")->a2_tbq, 0.7);
  EXPECT_NE(t.source().find("ICRP Publication 107"), std::string::npos);
  EXPECT_NE(t.source().find("SSR-6"), std::string::npos);
  EXPECT_EQ(t.Find("Xx-1"), nullptr);
}

TEST(Data, BadFilesAreRefusedNamingTheLine) {
  const std::string head =
      "nuclide,half_life,half_life_unit,decay_mode,progeny,branching,A1_TBq,A2_TBq,exempt_conc_Bq_per_g,"
      "exempt_consignment_Bq,note\n";
  EXPECT_FALSE(NuclideTable::Parse("").ok());
  auto r = NuclideTable::Parse(head + "X,-1,h,b,Y,1,1,1,1,1,\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "line 2: half_life");
  EXPECT_FALSE(NuclideTable::Parse(head + "X,1,weeks,b,Y,1,1,1,1,1,\n").ok());
  EXPECT_FALSE(NuclideTable::Parse(head + "X,1,h,b,Y;Z,1,1,1,1,1,\n").ok());
  EXPECT_FALSE(NuclideTable::Parse(head + "X,1,h,b,Y,1,1,0,1,1,\n").ok());
}

TEST(Decay, WorkedCheckMo99After20Hours) {
  // ../shared/data/README.md: 2.0 Bq of Mo-99 after 20 h.
  auto r = Decay(Table(), {{"Mo-99", 2.0}}, 20 * 3600.0);
  ASSERT_TRUE(r.ok());
  ExpectRel(Of(*r, "Mo-99"), 1.6207863893776937L, 1e-12, "Mo-99");
  ExpectRel(Of(*r, "Tc-99m"), 1.3719829376710406L, 1e-12, "Tc-99m");
  // Tc-99 (not in the table: practically stable) and Ru-99 are not members.
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].nuclide, "Mo-99");  // parents first
}

TEST(Decay, RemainingFractionsAfterTransit) {
  struct Case {
    const char* n;
    double hours;
    double fraction;
  };
  for (const Case& c : {Case{"F-18", 2, 0.469}, Case{"Tc-99m", 4, 0.631}, Case{"Mo-99", 24, 0.777},
                        Case{"Lu-177", 48, 0.812}, Case{"I-131", 72, 0.772}}) {
    auto r = Decay(Table(), {{c.n, 1.0}}, c.hours * 3600);
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(Of(*r, c.n), c.fraction, 0.0005) << c.n;
    EXPECT_NEAR(DecayFactor(Table().Find(c.n)->half_life_s, c.hours * 3600), c.fraction, 0.0005) << c.n;
  }
}

TEST(Decay, TwoMemberChainsAgainstBatemanInLongDouble) {
  for (double t2 : {6.015, 0.5, 30.0, 200.0, 5000.0}) {
    const NuclideTable tab = Chain(65.94, t2, 0, 0.8773);
    for (double hours : {0.001, 1.0, 20.0, 100.0, 700.0}) {
      auto r = Decay(tab, {{"P", 1e9}}, hours * 3600);
      ASSERT_TRUE(r.ok());
      const LD want = Bateman2(1e9L, 0.8773L, 65.94L * 3600, static_cast<LD>(t2) * 3600, static_cast<LD>(hours) * 3600);
      ExpectRel(Of(*r, "D"), want, 1e-12, fmt::format("T2 {} h at {} h", t2, hours));
      ExpectRel(Of(*r, "P"), 1e9L * std::exp2(-static_cast<LD>(hours) / 65.94L), 1e-12, "parent");
    }
  }
}

TEST(Decay, EqualHalfLivesUseTheLimitForm) {
  // λ1 = λ2 = λ: A_D(t) = A_P(0) · λ t · e^{−λt}.
  const NuclideTable tab = Chain(10, 10);
  for (double hours : {0.01, 5.0, 10.0, 50.0, 300.0}) {
    auto r = Decay(tab, {{"P", 1000}}, hours * 3600);
    ASSERT_TRUE(r.ok());
    const LD l = kLn2L / (10 * 3600.0L), t = static_cast<LD>(hours) * 3600;
    ExpectRel(Of(*r, "D"), 1000 * l * t * std::exp(-l * t), 1e-12, fmt::format("{} h", hours));
  }
}

TEST(Decay, NearlyEqualHalfLivesAgainstTheSinhForm) {
  // Divided difference of e^{zt} at z1, z2: e^{ct}·t·sinh(w)/w with c the mean and w = t(z2 − z1)/2, exact
  // and free of cancellation, so it checks the solver where Bateman's formula loses all its digits.
  for (double eps : {1e-12, 1e-9, 1e-6, 1e-3, 1e-1}) {
    const double t2 = 10 * (1 + eps);
    const NuclideTable tab = Chain(10, t2);
    for (double hours : {1.0, 10.0, 100.0}) {
      auto r = Decay(tab, {{"P", 1000}}, hours * 3600);
      ASSERT_TRUE(r.ok());
      const LD l1 = kLn2L / (10 * 3600.0L), l2 = kLn2L / (static_cast<LD>(t2) * 3600), t = static_cast<LD>(hours) * 3600;
      const LD c = -(l1 + l2) / 2, w = t * (l1 - l2) / 2;
      const LD dd = std::exp(c * t) * t * (w == 0 ? 1.0L : std::sinh(w) / w);
      ExpectRel(Of(*r, "D"), 1000 / l1 * l1 * l2 * dd, 1e-12, fmt::format("eps {} at {} h", eps, hours));
    }
  }
}

TEST(Decay, ThreeMemberChains) {
  // Distinct half-lives: Bateman's three-term formula in long double.
  {
    const NuclideTable tab = Chain(50, 7, 1, 0.9, 0.6);
    const LD l1 = kLn2L / (50 * 3600.0L), l2 = kLn2L / (7 * 3600.0L), l3 = kLn2L / (3600.0L);
    for (double hours : {0.5, 3.0, 24.0, 200.0}) {
      const LD t = static_cast<LD>(hours) * 3600;
      const LD n1 = 1e6L / l1;
      const LD n3 = n1 * 0.9L * 0.6L * l1 * l2 *
                    (std::exp(-l1 * t) / ((l2 - l1) * (l3 - l1)) + std::exp(-l2 * t) / ((l1 - l2) * (l3 - l2)) +
                     std::exp(-l3 * t) / ((l1 - l3) * (l2 - l3)));
      auto r = Decay(tab, {{"P", 1e6}}, hours * 3600);
      ASSERT_TRUE(r.ok());
      ExpectRel(Of(*r, "G"), l3 * n3, 1e-12, fmt::format("G at {} h", hours));
    }
  }
  // Two equal, one apart: f[z,z,w] = (f[z,w] − f'(z))/(w − z), all terms well separated.
  {
    const NuclideTable tab = Chain(12, 12, 100);
    const LD l = kLn2L / (12 * 3600.0L), l3 = kLn2L / (100 * 3600.0L);
    for (double hours : {1.0, 12.0, 240.0}) {
      const LD t = static_cast<LD>(hours) * 3600;
      const LD z = -l, w = -l3;
      const LD fzw = (std::exp(w * t) - std::exp(z * t)) / (w - z);
      const LD dd = (fzw - t * std::exp(z * t)) / (w - z);
      const LD n3 = (1e6L / l) * l * l * dd;
      auto r = Decay(tab, {{"P", 1e6}}, hours * 3600);
      ASSERT_TRUE(r.ok());
      ExpectRel(Of(*r, "G"), l3 * n3, 1e-12, fmt::format("equal pair at {} h", hours));
    }
  }
  // All three equal: A_G = A_P(0) · (λt)²/2 · e^{−λt}.
  {
    const NuclideTable tab = Chain(5, 5, 5);
    const LD l = kLn2L / (5 * 3600.0L);
    for (double hours : {0.1, 5.0, 60.0}) {
      const LD t = static_cast<LD>(hours) * 3600;
      auto r = Decay(tab, {{"P", 1e6}}, hours * 3600);
      ASSERT_TRUE(r.ok());
      ExpectRel(Of(*r, "G"), 1e6L * (l * t) * (l * t) / 2 * std::exp(-l * t), 1e-12, "triple");
    }
  }
}

TEST(Decay, StartingDaughtersDecayAndZeroTimeIsIdentity) {
  auto r = Decay(Table(), {{"Mo-99", 5e9}, {"Tc-99m", 1e9}}, 0);
  ASSERT_TRUE(r.ok());
  ExpectRel(Of(*r, "Mo-99"), 5e9L, 1e-15, "Mo at 0");
  ExpectRel(Of(*r, "Tc-99m"), 1e9L, 1e-15, "Tc at 0");
  auto later = Decay(Table(), {{"Mo-99", 5e9}, {"Tc-99m", 1e9}}, 10 * 3600.0);
  ASSERT_TRUE(later.ok());
  const LD want = Bateman2(5e9L, 0.8773L, 65.94L * 3600, 6.015L * 3600, 36000) + 1e9L * std::exp2(-10 / 6.015L);
  ExpectRel(Of(*later, "Tc-99m"), want, 1e-12, "Tc with its own start");
  // Ge-68 → Ga-68 reaches secular equilibrium.
  auto ge = Decay(Table(), {{"Ge-68", 1e6}}, 2 * 86400.0);
  ASSERT_TRUE(ge.ok());
  EXPECT_NEAR(Of(*ge, "Ga-68") / Of(*ge, "Ge-68"), 1.0, 1e-3);
}

TEST(Decay, BadInputNamesTheField) {
  auto r = Decay(Table(), {{"Mo-99", 1}, {"Xx-9", 1}}, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "contents[1].nuclide");
  EXPECT_EQ(r.error().text.code, "isotope.nuclide_unknown");
  r = Decay(Table(), {{"Mo-99", -1}}, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "contents[0].activity_bq");
  r = Decay(Table(), {{"Mo-99", 1}}, -10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "dt");
}

TEST(Generator, WorkedChecksOfIngrowth) {
  const Nuclide& mo = *Table().Find("Mo-99");
  const Nuclide& tc = *Table().Find("Tc-99m");
  const double peak_h = PeakIngrowthHours(mo, tc);
  EXPECT_NEAR(peak_h, 22.86, 0.005);
  auto at = [&](double h) { return GeneratorTc99m(Table(), 1e10, 0, h * 3600).value(); };
  const double peak = at(peak_h);
  EXPECT_GT(peak, at(peak_h - 0.1));
  EXPECT_GT(peak, at(peak_h + 0.1));
  EXPECT_NEAR(at(6) / peak, 0.61, 0.005);
  EXPECT_NEAR(at(12) / peak, 0.88, 0.005);
  // Transient equilibrium: A(Tc-99m)/A(Mo-99) = b·λTc/(λTc − λMo) = 0.965.
  auto eq = Decay(Table(), {{"Mo-99", 1e10}}, 300 * 3600.0).value();
  EXPECT_NEAR(Of(eq, "Tc-99m") / Of(eq, "Mo-99"), 0.965, 0.0005);
  EXPECT_FALSE(GeneratorTc99m(Table(), -1, 0, 10).ok());
}

TEST(Generator, BreakthroughGrowsWithTimeToAdministration) {
  // 0.1 kBq/MBq at elution: Mo-99 outlives Tc-99m, so the ratio rises and crosses 0.15 some hours later.
  auto now = CheckBreakthrough(Table(), 1e5, 1e9, 0).value();
  EXPECT_NEAR(now.kbq_mo_per_mbq_tc, 0.1, 1e-12);
  EXPECT_TRUE(now.ok);
  auto later = CheckBreakthrough(Table(), 1e5, 1e9, 6 * 3600.0).value();
  EXPECT_GT(later.kbq_mo_per_mbq_tc, 0.15);
  EXPECT_FALSE(later.ok);
  EXPECT_EQ(later.explanation.code, "isotope.breakthrough.over");
  EXPECT_FALSE(CheckBreakthrough(Table(), 1e5, 0, 0).ok());
}

TEST(Dispatch, ActivityAtDispatchFromCalibration) {
  const int64_t dispatch = 1'700'000'000'000;
  auto r = PlanDispatch(Table(), "I-131", 3.7e9, dispatch, dispatch + 72 * kMsPerHour, 0.1);
  ASSERT_TRUE(r.ok());
  ExpectRel(r->at_dispatch_bq, 3.7e9L * std::exp2(72 / (8.0207L * 24)) * 1.1L, 1e-14, "I-131");
  EXPECT_DOUBLE_EQ(r->transit_h, 72);
  EXPECT_EQ(r->formula.code, "isotope.formula.dispatch");
  auto past = PlanDispatch(Table(), "I-131", 3.7e9, dispatch, dispatch - 1, 0.1);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().field, "calibration_at");
  auto neg = PlanDispatch(Table(), "I-131", -5, dispatch, dispatch + 1, 0.1);
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.error().field, "activity_bq");
  auto unknown = PlanDispatch(Table(), "Unobtainium-1", 5, dispatch, dispatch + 1, 0.1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "nuclide");
  EXPECT_FALSE(PlanDispatch(Table(), "I-131", 5, dispatch, dispatch + 1, -0.1).ok());
}

TEST(Dispatch, PackageContentsCarryTheProgenyGrownIn) {
  // Mo-99 purified 20 h before dispatch: Tc-99m stands to Mo-99 as in the README's worked check.
  const int64_t purified = 1'700'000'000'000;
  auto c = ContentsAtDispatch(Table(), "Mo-99", 5e11, purified, purified + 20 * kMsPerHour);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 2u);
  ExpectRel(Of(*c, "Mo-99"), 5e11L, 1e-15, "parent as asked");
  ExpectRel(Of(*c, "Tc-99m"), 5e11L * 1.3719829376710406L / 1.6207863893776937L, 1e-12, "Tc-99m grown in");
  auto none = ContentsAtDispatch(Table(), "I-131", 1e9, purified, purified);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->size(), 1u);  // Xe-131m is not in the table: not tracked
  EXPECT_EQ(ContentsAtDispatch(Table(), "Mo-99", 1, purified, purified - 1).error().field, "dispatch_at");
  EXPECT_EQ(ContentsAtDispatch(Table(), "Mo-99", -1, purified, purified).error().field, "activity_bq");
}

constexpr int64_t kT0 = 1'700'000'000'000;

Batch B(std::string id, double bq, int64_t expiry_days, std::optional<int64_t> released = kT0) {
  return {std::move(id), "Mo-99", bq, kT0, released, kT0 + expiry_days * kMsPerDay};
}
Order O(std::string id, double bq, int64_t dispatch_h = 0) {
  return {std::move(id), "Mo-99", bq, kT0 + dispatch_h * kMsPerHour, kT0 + (dispatch_h + 24) * kMsPerHour};
}

TEST(Allocate, OlderBatchFirstThenTightestFit) {
  auto plan = Allocate(Table(), {B("new", 100, 9), B("old", 100, 5)}, {O("o1", 30)});
  ASSERT_EQ(plan.allocations.size(), 1u);
  EXPECT_EQ(plan.allocations[0].batch_id, "old");
  // Capacities 10 and 10, orders 6, 5, 5, 4: the only full packing is {6, 4} and {5, 5}.
  plan = Allocate(Table(), {B("a", 10, 5), B("b", 10, 5)}, {O("o4", 4), O("o5a", 5), O("o6", 6), O("o5b", 5)});
  EXPECT_TRUE(plan.refusals.empty());
  ASSERT_EQ(plan.allocations.size(), 4u);
  std::map<std::string, std::string> got;
  for (const auto& a : plan.allocations) got[a.order_id] = a.batch_id;
  EXPECT_EQ(got["o6"], got["o4"]);
  EXPECT_EQ(got["o5a"], got["o5b"]);
  EXPECT_NE(got["o6"], got["o5a"]);
  EXPECT_NEAR(plan.unused_bq_at_expiry, 0, 1e-9);
}

TEST(Allocate, DecayBetweenReferenceAndDispatchIsCounted) {
  // 100 Bq at the reference is 50 Bq one half-life later: an order of 50 then fits, one of 51 does not.
  const int64_t half_h = 0;  // dispatch exactly T½ later (65.94 h) is not a whole hour; use ms directly.
  (void)half_h;
  Order fits{"fits", "Mo-99", 50, kT0 + static_cast<int64_t>(65.94 * kMsPerHour), kT0 + 80 * kMsPerHour};
  Order over = fits;
  over.id = "over";
  over.at_dispatch_bq = 51;
  auto plan = Allocate(Table(), {B("b", 100, 9)}, {fits});
  EXPECT_EQ(plan.allocations.size(), 1u);
  plan = Allocate(Table(), {B("b", 100, 9)}, {over});
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].reason.code, "isotope.refusal.insufficient");
  const auto* avail = plan.refusals[0].reason.Find("available_bq");
  ASSERT_NE(avail, nullptr);
  EXPECT_NEAR(std::get<double>(*avail), 50, 1e-9);
}

TEST(Allocate, RefusalsSayWhy) {
  auto plan = Allocate(Table(), {B("held", 100, 9, std::nullopt)}, {O("o", 10)});
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].reason.code, "isotope.refusal.not_released");
  plan = Allocate(Table(), {B("old", 100, 0)}, {O("o", 10)});  // expires before the calibration
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].reason.code, "isotope.refusal.expired");
  Order iodine = O("i", 10);
  iodine.nuclide = "I-131";
  plan = Allocate(Table(), {B("mo", 100, 9)}, {iodine});
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].reason.code, "isotope.refusal.no_batch");
  // Released only after the dispatch: not usable for it.
  plan = Allocate(Table(), {B("late", 100, 9, kT0 + 5 * kMsPerHour)}, {O("o", 10, 2)});
  ASSERT_EQ(plan.refusals.size(), 1u);
  EXPECT_EQ(plan.refusals[0].reason.code, "isotope.refusal.not_released");
}

TEST(Classify, LimitsForSolidsLiquidsAndTypeA) {
  const double a2 = 0.7e12;  // Lu-177
  auto c = ClassifyPackage(Table(), {{"Lu-177", a2 * 1e-3}}, Form::kSolid, std::nullopt, std::nullopt).value();
  EXPECT_EQ(c.type, PackageType::kExcepted);
  EXPECT_EQ(c.un_number, "UN2910");
  c = ClassifyPackage(Table(), {{"Lu-177", a2 * 1e-3 * (1 + 1e-9)}}, Form::kSolid, std::nullopt, std::nullopt).value();
  EXPECT_EQ(c.type, PackageType::kTypeA);
  EXPECT_EQ(c.un_number, "UN2915");
  c = ClassifyPackage(Table(), {{"Lu-177", a2 * 1e-4 * (1 + 1e-9)}}, Form::kLiquid, std::nullopt, std::nullopt).value();
  EXPECT_EQ(c.type, PackageType::kTypeA);
  c = ClassifyPackage(Table(), {{"Lu-177", a2 * 1e-4}}, Form::kLiquid, std::nullopt, std::nullopt).value();
  EXPECT_EQ(c.type, PackageType::kExcepted);
  c = ClassifyPackage(Table(), {{"Lu-177", a2}}, Form::kLiquid, std::nullopt, std::nullopt).value();
  EXPECT_EQ(c.type, PackageType::kTypeA);
  c = ClassifyPackage(Table(), {{"Lu-177", a2 * (1 + 1e-9)}}, Form::kLiquid, std::nullopt, std::nullopt).value();
  EXPECT_EQ(c.type, PackageType::kTypeBRequired);
  EXPECT_TRUE(c.un_number.empty());
}

TEST(Classify, MixturesSumAndCoveredDaughtersAreLeftOut) {
  // I-131 half of its A2 plus Lu-177 half of its A2: Σ = 1 → still Type A; a little more is not.
  auto c = ClassifyPackage(Table(), {{"I-131", 0.35e12}, {"Lu-177", 0.35e12}}, Form::kLiquid, std::nullopt,
                           std::nullopt).value();
  EXPECT_NEAR(c.sum_a2, 1.0, 1e-12);
  EXPECT_EQ(c.type, PackageType::kTypeA);
  c = ClassifyPackage(Table(), {{"I-131", 0.36e12}, {"Lu-177", 0.35e12}}, Form::kLiquid, std::nullopt, std::nullopt)
          .value();
  EXPECT_EQ(c.type, PackageType::kTypeBRequired);
  // Mo-99's A2 includes Tc-99m (note a): the Tc-99m grown in is not counted again.
  auto contents = Decay(Table(), {{"Mo-99", 0.3e12}}, 24 * 3600.0).value();
  c = ClassifyPackage(Table(), contents, Form::kLiquid, std::nullopt, std::nullopt).value();
  EXPECT_EQ(c.counted, std::vector<std::string>{"Mo-99"});
  EXPECT_NEAR(c.sum_a2, Of(contents, "Mo-99") / 0.6e12, 1e-15);
  // Tc-99m alone is counted with its own A2.
  c = ClassifyPackage(Table(), {{"Tc-99m", 4e8}}, Form::kLiquid, std::nullopt, std::nullopt).value();
  EXPECT_EQ(c.type, PackageType::kExcepted);
  EXPECT_NEAR(c.sum_a2, 1e-4, 1e-18);
  EXPECT_FALSE(ClassifyPackage(Table(), {{"Tc-99", 1}}, Form::kLiquid, std::nullopt, std::nullopt).ok());
}

TEST(Classify, TransportIndexAndLabel) {
  auto c = ClassifyPackage(Table(), {{"I-131", 1e11}}, Form::kLiquid, 0.005, 0.2).value();
  ASSERT_TRUE(c.transport_index.has_value());
  EXPECT_DOUBLE_EQ(*c.transport_index, 0.5);
  EXPECT_EQ(c.label, "II-YELLOW");
  c = ClassifyPackage(Table(), {{"I-131", 1e11}}, Form::kLiquid, 0.0111, 0.2).value();
  EXPECT_DOUBLE_EQ(*c.transport_index, 1.2);  // rounded up to one decimal
  EXPECT_EQ(c.label, "III-YELLOW");
  c = ClassifyPackage(Table(), {{"I-131", 1e11}}, Form::kLiquid, 0.0004, 0.004).value();
  EXPECT_DOUBLE_EQ(*c.transport_index, 0);
  EXPECT_EQ(c.label, "I-WHITE");
  auto bad = ClassifyPackage(Table(), {{"I-131", 1e11}}, Form::kLiquid, -1.0, 0.004);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "dose_rate_1m");
}

TEST(Waste, ReleaseDatesByRule) {
  auto r = WasteReleaseDate(Table(), {"Tc-99m"}, kT0).value();
  EXPECT_EQ(r.release_ms, kT0 + 30 * kMsPerDay);
  EXPECT_EQ(r.rules[0].reason.code, "isotope.waste.rule_short");
  r = WasteReleaseDate(Table(), {"I-131"}, kT0).value();
  EXPECT_EQ(r.release_ms, kT0 + 180 * kMsPerDay);
  r = WasteReleaseDate(Table(), {"Lu-177"}, kT0).value();
  EXPECT_EQ(r.release_ms, kT0 + static_cast<int64_t>(std::ceil(66.47 * kMsPerDay)));
  EXPECT_EQ(r.rules[0].reason.code, "isotope.waste.rule_ten_half_lives");
  r = WasteReleaseDate(Table(), {"Tc-99m", "Lu-177", "Mo-99"}, kT0).value();
  EXPECT_EQ(r.release_ms, kT0 + static_cast<int64_t>(std::ceil(66.47 * kMsPerDay)));
  EXPECT_EQ(r.rules.size(), 3u);
  EXPECT_FALSE(WasteReleaseDate(Table(), {}, kT0).ok());
  EXPECT_EQ(WasteReleaseDate(Table(), {"Q-1"}, kT0).error().field, "nuclides[0]");
}

TEST(Waste, ReleaseNeedsTheDateAndABackgroundSurvey) {
  EXPECT_EQ(CheckWasteRelease(kT0, kT0 + 1, 0.1, 0.2).error().text.code, "isotope.waste.too_early");
  EXPECT_EQ(CheckWasteRelease(kT0, kT0, std::nullopt, 0.2).error().text.code, "isotope.waste.survey_missing");
  EXPECT_EQ(CheckWasteRelease(kT0, kT0, 0.3, 0.2).error().text.code, "isotope.waste.survey_above");
  EXPECT_TRUE(CheckWasteRelease(kT0, kT0, 0.2, 0.2).ok());
}

TEST(Waste, SurveyNeedsBackgroundDoseAndCleanSurface) {
  EXPECT_TRUE(EvaluateSurvey({0.12, 0.12, std::nullopt}).value().pass);
  EXPECT_TRUE(EvaluateSurvey({0.10, 0.12, 0.79}).value().pass);
  auto hot = EvaluateSurvey({0.13, 0.12, std::nullopt}).value();
  EXPECT_FALSE(hot.pass);
  EXPECT_EQ(hot.explanation.code, "isotope.waste.survey_above");
  auto dirty = EvaluateSurvey({0.10, 0.12, 0.8}).value();  // the limit is "less than 0.8 Bq/cm²"
  EXPECT_FALSE(dirty.pass);
  EXPECT_EQ(dirty.explanation.code, "isotope.waste.surface_above");
  EXPECT_EQ(EvaluateSurvey({-0.1, 0.12, std::nullopt}).error().field, "dose_rate_usv_h");
  EXPECT_EQ(EvaluateSurvey({0.1, 0, std::nullopt}).error().field, "background_usv_h");
  EXPECT_EQ(EvaluateSurvey({0.1, 0.1, -1.0}).error().field, "surface_bq_cm2");

  EXPECT_EQ(CheckWasteRelease(kT0, kT0, std::optional<Survey>()).error().text.code, "isotope.waste.survey_missing");
  EXPECT_EQ(CheckWasteRelease(kT0, kT0 + 1, Survey{0.1, 0.12, 0.1}).error().text.code, "isotope.waste.too_early");
  EXPECT_EQ(CheckWasteRelease(kT0, kT0, Survey{0.1, 0.12, 0.9}).error().text.code, "isotope.waste.surface_above");
  EXPECT_TRUE(CheckWasteRelease(kT0, kT0, Survey{0.1, 0.12, 0.1}).ok());
}

TEST(Generator, EluateUsableUntilBreakthroughReachesTheLimit) {
  // Worked case: an eluate at one tenth of the limit (0.015 kBq/MBq) reaches it when 2^(t/T_tc − t/T_mo) = 10,
  // with T_tc = 6.015 h and T_mo = 65.94 h (data/isotope/nuclides.csv): t = log2(10) / (1/6.015 − 1/65.94) h.
  const double want = std::log2(10.0) / (1.0 / 6.015 - 1.0 / 65.94);
  EXPECT_NEAR(BreakthroughUsableHours(Table(), 15.0, 1e6), want, want * 1e-12);  // 15 Bq Mo per MBq Tc
  EXPECT_NEAR(want, 21.99, 0.01);
  EXPECT_EQ(BreakthroughUsableHours(Table(), 150.0, 1e6), 0.0);  // at the limit already
  EXPECT_TRUE(std::isinf(BreakthroughUsableHours(Table(), 0.0, 1e6)));
}

TEST(Text, EveryCodeTheLibrarySaysIsInBothCatalogues) {
  // The codes, as written in isotope.cpp (each refusal, rule, formula and document).
  const char* codes[] = {
      "isotope.nuclide_unknown", "isotope.activity_negative", "isotope.activity_positive", "isotope.time_negative",
      "isotope.calibration_before_dispatch", "isotope.dispatch_before_purification", "isotope.margin_range", "isotope.dose_negative",
      "isotope.formula.dispatch", "isotope.formula.classification", "isotope.package.excepted",
      "isotope.package.type_a", "isotope.package.type_b", "isotope.refusal.no_batch", "isotope.refusal.not_released",
      "isotope.refusal.expired", "isotope.refusal.insufficient", "isotope.breakthrough.ok",
      "isotope.breakthrough.over", "isotope.waste.no_contents", "isotope.waste.rule_ten_half_lives",
      "isotope.waste.rule_short", "isotope.waste.rule_i131", "isotope.waste.too_early",
      "isotope.waste.survey_missing", "isotope.waste.survey_above", "isotope.waste.surface_above",
      "isotope.waste.survey_pass"};
  for (const char* c : codes) EXPECT_TRUE(HasText(c)) << c;
  for (PackageType type : {PackageType::kExcepted, PackageType::kTypeA}) {
    const double bq = type == PackageType::kExcepted ? 1.0 : 1e11;
    auto c = ClassifyPackage(Table(), {{"I-131", bq}}, Form::kLiquid, 0.01, 0.1).value();
    for (const auto& d : c.documents) EXPECT_TRUE(HasText(d)) << d;
  }
}

}  // namespace
}  // namespace park::isotope
