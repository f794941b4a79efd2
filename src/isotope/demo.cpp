// The demo park's isotope supply. Everything goes through the service's own arithmetic and allocation, so the
// demo shows what the service computes, not figures typed in here: batches are stored as a producer records them,
// orders planned with PlanDispatch, allocated with AllocateOrders, the past ones dispatched with DispatchOrder, the
// elutions measured against the generator's own ingrowth and the waste release dates from the decay rules.
#include <fmt/format.h>

#include "park/isotope/isotope.hpp"
#include "park/isotope/service.hpp"
#include "service_util.hpp"

namespace park::isotope {
namespace {

using detail::AllocateOrders;
using detail::DispatchOrder;
using detail::GeneratorAt;
using detail::ParkMidnight;

// At `hour` o'clock park time, `days` days after the park's midnight `day0`.
int64_t At(int64_t day0, int days, double hour) {
  return day0 + days * kMsPerDay + static_cast<int64_t>(hour * kMsPerHour);
}

Result<int64_t> InsertBatch(store::Tx& tx, const Clock& clock, int64_t producer, const std::string& code,
                            const char* nuclide, double bq, int64_t ref, int expiry_days, const char* target,
                            std::optional<int64_t> released) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
      "INSERT INTO isotope_batches (producer_id, code, nuclide, target, reactor, activity_bq, reference_at, expiry_at, "
      "released_at, eoi_at, purification, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
      "RETURNING id",
      {producer, code, std::string(nuclide), std::string(target), std::string("园区研究堆 R-1"), bq, ref,
       ref + expiry_days * kMsPerDay, store::OrNull(released), ref - 10 * kMsPerHour,
       std::string(std::string_view(nuclide) == "Mo-99" ? "碱溶-氧化铝柱纯化" : "干法蒸馏"), clock.NowMs()}));
  return row->Int(0);
}

Status InsertOrder(store::Tx& tx, const Clock& clock, int64_t orderer, int64_t producer, const char* nuclide,
                   double bq_at_calibration, int64_t dispatch, double transit_hours) {
  const int64_t calibration = dispatch + static_cast<int64_t>((transit_hours + 12) * kMsPerHour);
  constexpr double kMargin = 0.1;
  PARK_ASSIGN_OR_RETURN(auto need, PlanDispatch(NuclideTable::Default(), nuclide, bq_at_calibration, dispatch,
                                                calibration, kMargin));
  PARK_TRY(tx.Exec(
      "INSERT INTO isotope_orders (orderer_id, producer_id, nuclide, activity_bq, calibration_at, dispatch_at, margin, "
      "dispatch_bq, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)",
      {orderer, producer, std::string(nuclide), bq_at_calibration, calibration, dispatch, kMargin, need.at_dispatch_bq,
       clock.NowMs()}));
  return Status::Ok();
}

Status InsertWaste(store::Tx& tx, const Clock& clock, int64_t owner, const std::string& code, const char* form,
                   int64_t sealed, const std::vector<Amount>& contents, std::optional<int64_t> batch,
                   std::optional<Survey> survey, std::optional<int64_t> released) {
  std::vector<std::string> names;
  Json cj = Json::array();
  for (const auto& a : contents) {
    names.push_back(a.nuclide);
    cj.push_back({{"nuclide", a.nuclide}, {"activity_bq", a.bq}});
  }
  PARK_ASSIGN_OR_RETURN(auto release, WasteReleaseDate(NuclideTable::Default(), names, sealed));
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
      "INSERT INTO isotope_waste (owner_id, code, batch_id, form, sealed_at, contents, release_at, released_at, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      {owner, code, store::OrNull(batch), std::string(form), sealed, cj.dump(), release.release_ms,
       store::OrNull(released), clock.NowMs()}));
  if (survey) {
    PARK_ASSIGN_OR_RETURN(auto verdict, EvaluateSurvey(*survey));
    // Surveyed a day after the release date (or just before the release, when there was one).
    const int64_t at = released ? *released - kMsPerHour : std::min(clock.NowMs(), release.release_ms + kMsPerDay);
    PARK_TRY(tx.Exec("INSERT INTO isotope_waste_surveys (waste_id, surveyed_at, dose_rate_usv_h, background_usv_h, "
                     "surface_bq_cm2, pass) VALUES ($1, $2, $3, $4, $5, $6)",
                     {row->Int(0), at, survey->dose_rate_usv_h, survey->background_usv_h,
                      store::OrNull(survey->surface_bq_cm2), int64_t{verdict.pass ? 1 : 0}}));
  }
  return Status::Ok();
}

}  // namespace

Status SeedDemo(store::Store& store, const Clock& clock, int64_t producer, const std::vector<DemoCustomer>& customers) {
  if (customers.empty()) return Error::Internal("the isotope demo needs customers");
  const int64_t now = clock.NowMs();
  const int64_t day0 = ParkMidnight(now);
  return store.Write([&](store::Tx& tx) -> Status {
    PARK_TRY(tx.Exec("INSERT INTO isotope_producers (enterprise_id, licence_no, licence_expiry_at, created_at) "
                     "VALUES ($1, $2, $3, $4)", {producer, std::string("国环辐证[00417]"), now + 730 * kMsPerDay, now}));

    // A week of daily Mo-99 from LEU targets (10:00, released for quality at 13:00; today's still on hold) and
    // two I-131 batches.
    std::vector<int64_t> mo99;  // oldest first
    for (int d = -6; d <= 0; ++d) {
      const int64_t ref = At(day0, d, 10);
      const auto released = d < 0 ? std::optional<int64_t>(ref + 3 * kMsPerHour) : std::nullopt;
      PARK_ASSIGN_OR_RETURN(int64_t id, InsertBatch(tx, clock, producer, fmt::format("MO-{}", d + 7), "Mo-99", 1.2e14,
                                                    ref, 8, "LEU 铀铝靶", released));
      mo99.push_back(id);
    }
    for (int d : {-5, -1}) {
      const int64_t ref = At(day0, d, 9);
      PARK_TRY(InsertBatch(tx, clock, producer, fmt::format("I-{}", d + 7), "I-131", 2.0e13, ref, 21, "TeO₂ 靶",
                           ref + 5 * kMsPerHour));
    }

    // Orders: afternoons of the past five days, today and tomorrow, and one I-131 order too large for any batch.
    const size_t n = customers.size();
    for (int d = -5; d <= 1; ++d) {
      for (size_t k = 0; k < 2; ++k) {
        const DemoCustomer& c = customers[(static_cast<size_t>(d + 5) * 2 + k) % n];
        const int64_t dispatch = At(day0, d, 14 + 2 * static_cast<double>(k));
        PARK_TRY(InsertOrder(tx, clock, c.enterprise_id, producer, "Mo-99", (k ? 1.5e11 : 3.0e11), dispatch,
                             c.transit_hours));
      }
      if (d % 2 == 0) {
        const DemoCustomer& c = customers[static_cast<size_t>(d + 5) % n];
        PARK_TRY(InsertOrder(tx, clock, c.enterprise_id, producer, "I-131", 7.4e10, At(day0, d, 17), c.transit_hours));
      }
    }
    PARK_TRY(InsertOrder(tx, clock, customers[1 % n].enterprise_id, producer, "I-131", 5.0e13, At(day0, 1, 15),
                         customers[1 % n].transit_hours));
    PARK_TRY(AllocateOrders(tx, clock, nullptr, producer));
    PARK_ASSIGN_OR_RETURN(auto due, tx.Query(
        "SELECT id, dispatch_bq FROM isotope_orders WHERE producer_id = $1 AND status = 'allocated' AND dispatch_at < $2 "
        "ORDER BY dispatch_at", {producer, now}));
    for (const auto& o : due) {
      // Dose rates as the dispatcher measures them: about 6 µSv/h at 1 m and 0.25 mSv/h on contact per 10¹² Bq.
      const double per_tbq = o.Real(1) / 1e12;
      PARK_TRY(DispatchOrder(tx, clock, nullptr, o.Int(0), Form::kLiquid, 0.006 * per_tbq, 0.25 * per_tbq));
    }

    // A generator at the first customer, loaded from the Mo-99 of three days ago and eluted every morning at 07:30,
    // each eluate about 88 % of the Tc-99m grown in, with a Mo-99 breakthrough far below the limit.
    const DemoCustomer& hospital = customers.front();
    const int64_t loaded = At(day0, -3, 6);
    PARK_ASSIGN_OR_RETURN(auto gen, tx.QueryOne(
        "INSERT INTO isotope_generators (owner_id, code, batch_id, mo99_bq, reference_at, expiry_at, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        {hospital.enterprise_id, std::string("GEN-2026-118"), mo99[3], 3.7e10, loaded, loaded + 14 * kMsPerDay, now}));
    for (int d = -2; d <= 0; ++d) {
      const int64_t at = At(day0, d, 7.5);
      if (at > now) break;
      PARK_ASSIGN_OR_RETURN(auto g, GeneratorAt(tx, gen->Int(0), at));
      const double tc = 0.88 * g["tc99m_available_bq"].get<double>();
      PARK_TRY(tx.Exec("INSERT INTO isotope_elutions (generator_id, eluted_at, tc99m_bq, mo99_bq, created_at) "
                       "VALUES ($1, $2, $3, $4, $5)", {gen->Int(0), at, tc, tc * 2e-6, now}));
    }

    // The producer's decay-in-storage: one due with a passing survey, two still held, one released.
    PARK_TRY(InsertWaste(tx, clock, producer, "WS-2026-031", "solid", At(day0, -70, 16),
                         {{"Mo-99", 2.0e9}, {"Tc-99m", 1.8e9}}, std::nullopt, Survey{0.11, 0.12, 0.3}, std::nullopt));
    PARK_TRY(InsertWaste(tx, clock, producer, "WL-2026-044", "liquid", At(day0, -20, 16), {{"I-131", 5.0e8}},
                         std::nullopt, std::nullopt, std::nullopt));
    PARK_TRY(InsertWaste(tx, clock, producer, "WS-2026-052", "solid", At(day0, -4, 16),
                         {{"Mo-99", 6.0e8}, {"Tc-99m", 5.5e8}}, mo99[2], std::nullopt, std::nullopt));
    PARK_TRY(InsertWaste(tx, clock, producer, "WS-2026-019", "solid", At(day0, -95, 16), {{"Lu-177", 3.0e8}},
                         std::nullopt, Survey{0.10, 0.12, 0.1}, At(day0, -20, 10)));
    return Status::Ok();
  });
}

}  // namespace park::isotope
