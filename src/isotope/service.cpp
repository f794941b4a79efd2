// Routes of the isotope service; see include/park/isotope/service.hpp. The arithmetic is the pure library's.
#include "park/isotope/service.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "park/core/json.hpp"
#include "park/isotope/isotope.hpp"
#include "park/store/audit.hpp"
#include "service_util.hpp"

namespace park::isotope {
namespace {

constexpr std::string_view kBatchCols =
    "id, producer_id, code, nuclide, target, reactor, activity_bq, reference_at, expiry_at, released_at, eoi_at, "
    "purification";
constexpr std::string_view kOrderCols =
    "id, orderer_id, producer_id, nuclide, activity_bq, calibration_at, dispatch_at, margin, dispatch_bq, status, "
    "batch_id, refusal, package";

using http::Response;
using namespace detail;  // NOLINT(google-build-using-namespace): the service's own request helpers

Batch BatchOf(const store::Row& r) {
  return {std::to_string(r.Int(0)), r.Text(3), r.Real(6), r.Int(7), r.OptInt(9), r.Int(8)};
}

// A batch as read at `at`: the stored activity decay-corrected, with the progeny grown in since purification
// (the reference time), and the explanation.
Json BatchJson(const store::Row& r, int64_t at, double dispatched_ref_bq) {
  const auto& table = NuclideTable::Default();
  const double left_ref = std::max(0.0, r.Real(6) - dispatched_ref_bq);
  Json contents = Json::array();
  double parent_at = 0;
  if (at >= r.Int(7)) {
    auto c = ContentsAtDispatch(table, r.Text(3), 1.0, r.Int(7), at);
    if (c.ok()) {
      parent_at = left_ref * DecayFactor(table.Find(r.Text(3))->half_life_s, static_cast<double>(at - r.Int(7)) / 1000.0);
      for (const auto& a : *c) contents.push_back({{"nuclide", a.nuclide}, {"activity_bq", a.bq * parent_at}});
    }
  } else {
    parent_at = left_ref * DecayFactor(table.Find(r.Text(3))->half_life_s, static_cast<double>(at - r.Int(7)) / 1000.0);
    contents.push_back({{"nuclide", r.Text(3)}, {"activity_bq", parent_at}});
  }
  const Nuclide& n = *table.Find(r.Text(3));
  return {{"id", r.Int(0)},
          {"producer_id", r.Int(1)},
          {"code", r.Text(2)},
          {"nuclide", r.Text(3)},
          {"target", r.Text(4)},
          {"reactor", r.Text(5)},
          {"reference_activity_bq", r.Real(6)},
          {"reference_at", r.Int(7)},
          {"expiry_at", r.Int(8)},
          {"released_at", r.IsNull(9) ? Json(nullptr) : Json(r.Int(9))},
          {"eoi_at", r.IsNull(10) ? Json(nullptr) : Json(r.Int(10))},
          {"purification", r.Text(11)},
          {"status", r.IsNull(9) ? "on_hold" : "released"},
          {"at", at},
          {"activity_bq", parent_at},
          {"contents", contents},
          {"explanation",
           TextJson(T("isotope.formula.decay", {{"nuclide", n.name},
                                                {"reference_bq", left_ref},
                                                {"hours", static_cast<double>(at - r.Int(7)) / kMsPerHour},
                                                {"half_life", n.half_life_value},
                                                {"half_life_unit", n.half_life_unit},
                                                {"activity_bq", parent_at}}))},
          {"source", table.source()}};
}

Json OrderJson(const store::Row& r) {
  Json j = {{"id", r.Int(0)},           {"orderer_id", r.Int(1)},     {"producer_id", r.Int(2)},
            {"nuclide", r.Text(3)},     {"activity_bq", r.Real(4)},   {"calibration_at", r.Int(5)},
            {"dispatch_at", r.Int(6)},  {"margin", r.Real(7)},        {"dispatch_bq", r.Real(8)},
            {"status", r.Text(9)},      {"batch_id", r.IsNull(10) ? Json(nullptr) : Json(r.Int(10))}};
  j["refusal"] = r.Text(11).empty() ? Json(nullptr) : Json::parse(r.Text(11), nullptr, false);
  j["package"] = r.Text(12).empty() ? Json(nullptr) : Json::parse(r.Text(12), nullptr, false);
  return j;
}

// Each order's `orderer_name`: the producer's dispatcher must know where a package goes, though it may not read the
// ordering hospital's registry record.
Status AddOrdererNames(store::Tx& tx, Json& orders) {
  for (auto& o : orders) {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT name FROM enterprises WHERE id = $1", {o["orderer_id"].get<int64_t>()}));
    o["orderer_name"] = row ? row->Text(0) : std::string();
  }
  return Status::Ok();
}

// Activity of each batch already dispatched, referred to the batch's reference time.
Result<std::map<int64_t, double>> Dispatched(store::Tx& tx) {
  std::map<int64_t, double> used;
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
      "SELECT o.batch_id, o.dispatch_bq, o.dispatch_at, b.reference_at, b.nuclide FROM isotope_orders o "
      "JOIN isotope_batches b ON b.id = o.batch_id WHERE o.status = 'dispatched'"));
  for (const auto& r : rows) {
    const Nuclide* n = NuclideTable::Default().Find(r.Text(4));
    if (!n) continue;
    used[r.Int(0)] += r.Real(1) / DecayFactor(n->half_life_s, static_cast<double>(r.Int(2) - r.Int(3)) / 1000.0);
  }
  return used;
}

Json NuclidesJson() {
  Json items = Json::array();
  for (const auto& n : NuclideTable::Default().all()) {
    Json progeny = Json::array();
    for (const auto& [d, b] : n.progeny) progeny.push_back({{"nuclide", d}, {"branching", b}});
    items.push_back({{"nuclide", n.name},
                     {"half_life", n.half_life_value},
                     {"half_life_unit", n.half_life_unit},
                     {"half_life_s", n.half_life_s},
                     {"decay_mode", n.decay_mode},
                     {"progeny", progeny},
                     {"a1_tbq", n.a1_tbq},
                     {"a2_tbq", n.a2_tbq},
                     {"exempt_conc_bq_per_g", n.exempt_conc_bq_per_g},
                     {"exempt_consignment_bq", n.exempt_consignment_bq},
                     {"note", n.note}});
  }
  return {{"items", items}, {"source", NuclideTable::Default().source()}};
}

// A release note: the quality release certificate's reference, kept in the audit log.
constexpr std::size_t kMaxNote = 500;

}  // namespace

Result<Json> detail::AllocateOrders(store::Tx& tx, const Clock& clock, const Principal* who, int64_t producer) {
  PARK_ASSIGN_OR_RETURN(auto used, Dispatched(tx));
  PARK_ASSIGN_OR_RETURN(auto brows, tx.Query(
      fmt::format("SELECT {} FROM isotope_batches WHERE producer_id = $1 ORDER BY id", kBatchCols), {producer}));
  std::vector<Batch> batches;
  for (const auto& b : brows) {
    Batch x = BatchOf(b);
    if (used.count(b.Int(0))) x.activity_bq = std::max(0.0, x.activity_bq - used.at(b.Int(0)));
    batches.push_back(std::move(x));
  }
  PARK_ASSIGN_OR_RETURN(auto orows, tx.Query(
      fmt::format("SELECT {} FROM isotope_orders WHERE producer_id = $1 AND status IN ('pending', 'allocated', "
                  "'refused') ORDER BY id", kOrderCols), {producer}));
  std::vector<Order> orders;
  for (const auto& o : orows) orders.push_back({std::to_string(o.Int(0)), o.Text(3), o.Real(8), o.Int(6), o.Int(5)});
  const AllocationPlan plan = Allocate(NuclideTable::Default(), batches, orders);
  Json allocations = Json::array(), refusals = Json::array();
  for (const auto& a : plan.allocations) {
    PARK_TRY(tx.Exec("UPDATE isotope_orders SET status = 'allocated', batch_id = $1, refusal = '' WHERE id = $2",
                     {std::stoll(a.batch_id), std::stoll(a.order_id)}));
    allocations.push_back({{"order_id", std::stoll(a.order_id)}, {"batch_id", std::stoll(a.batch_id)},
                           {"dispatch_bq", a.bq_at_dispatch}});
  }
  for (const auto& f : plan.refusals) {
    const Json reason = TextJson(f.reason);
    PARK_TRY(tx.Exec("UPDATE isotope_orders SET status = 'refused', batch_id = NULL, refusal = $1 WHERE id = $2",
                     {reason.dump(), std::stoll(f.order_id)}));
    refusals.push_back({{"order_id", std::stoll(f.order_id)}, {"reason", reason}});
  }
  Json out = {{"allocations", allocations}, {"refusals", refusals}, {"unused_bq_at_expiry", plan.unused_bq_at_expiry}};
  PARK_TRY(store::AppendAudit(tx, clock, who, {"allocate", "isotope_order", std::nullopt, producer, nullptr,
                                                      {{"allocated", allocations.size()}, {"refused", refusals.size()}}}));
  return out;
}

Result<Json> detail::DispatchOrder(store::Tx& tx, const Clock& clock, const Principal* who, int64_t id, Form form,
                           std::optional<double> dose_rate_1m_msv_h, std::optional<double> surface_dose_msv_h) {
  const auto& dose = dose_rate_1m_msv_h;
  const auto& surface = surface_dose_msv_h;
  PARK_ASSIGN_OR_RETURN(auto o, tx.QueryOne(fmt::format("SELECT {} FROM isotope_orders WHERE id = $1", kOrderCols), {id}));
  if (!o || (who && !who->CanSeeEnterprise(o->Int(2)))) return Error::NotFound(T("isotope.order_not_found", {{"id", std::to_string(id)}}));
  if (o->Text(9) != "allocated") return Error::Conflict(T("isotope.order_not_allocated", {{"status", o->Text(9)}}));
  PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne(fmt::format("SELECT {} FROM isotope_batches WHERE id = $1", kBatchCols), {o->Int(10)}));
  const auto& table = NuclideTable::Default();
  PARK_ASSIGN_OR_RETURN(auto contents, ContentsAtDispatch(table, o->Text(3), o->Real(8), b->Int(7), o->Int(6)));
  PARK_ASSIGN_OR_RETURN(auto c, ClassifyPackage(table, contents, form, dose, surface));
  if (c.type == PackageType::kTypeBRequired) {
    return Error::Coded(ErrorCode::kFailedPrecondition, T("isotope.package.type_b"), "activity_bq");
  }
  Json cj = Json::array();
  for (const auto& a : contents) cj.push_back({{"nuclide", a.nuclide}, {"activity_bq", a.bq}});
  Json docs = Json::array();
  for (const auto& d : c.documents) docs.push_back(TextJson(T(d)));
  Json package = {{"type", c.type == PackageType::kExcepted ? "excepted" : "type_a"},
                  {"un_number", c.un_number},
                  {"form", form == Form::kSolid ? "solid" : "liquid"},
                  {"sum_a2", c.sum_a2},
                  {"counted", c.counted},
                  {"contents", cj},
                  {"transport_index", c.transport_index ? Json(*c.transport_index) : Json(nullptr)},
                  {"label", c.label},
                  {"documents", docs},
                  {"explanation", TextJson(c.explanation)},
                  {"source", table.source()}};
  PARK_TRY(tx.Exec("UPDATE isotope_orders SET status = 'dispatched', package = $1 WHERE id = $2", {package.dump(), id}));
  PARK_ASSIGN_OR_RETURN(auto no, tx.QueryOne(fmt::format("SELECT {} FROM isotope_orders WHERE id = $1", kOrderCols), {id}));
  Json out = OrderJson(*no);
  PARK_TRY(store::AppendAudit(tx, clock, who, {"dispatch", "isotope_order", id, o->Int(1), nullptr,
                                                      {{"package", package["type"]}}}));
  return out;
}

void Register(http::Router& router, store::Store& store, const Clock& clock) {
  const std::vector<Role> producers = {Role::kParkAdmin, Role::kEnterpriseUser};
  const std::vector<Role> readers = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/nuclides";
    r.roles = readers;
    r.doc = Doc("The nuclide table: half-lives, progeny and branching, A1/A2 and exemption limits, with its source",
             "isotopes", nullptr, Obj());
    r.handler = [](const http::Request&) { return Response::FromJson(NuclidesJson()); };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/batches";
    r.roles = producers;
    r.doc = Doc("Record a batch (on hold until released): nuclide, activity at a reference time, expiry, end of "
             "irradiation, target, reactor and purification; only a licensed producer's batches (a producer's user "
             "records its own, a park admin names producer_id)",
             "isotopes", Obj(), Obj(), 201);
    r.handler = [&store, &clock](const http::Request& req) {
      auto body = ParseJsonObject(req.body);
      if (!body.ok()) return Fail(body.error());
      const auto& table = NuclideTable::Default();
      const std::string nuclide = Str(*body, "nuclide");
      if (!table.Find(nuclide)) return Fail(Error::Invalid("nuclide", T("isotope.nuclide_unknown", {{"value", nuclide}})));
      auto bq = Number(*body, "activity_bq");
      if (!bq.ok()) return Fail(bq.error());
      if (!(*bq > 0)) return Fail(Error::Invalid("activity_bq", T("isotope.activity_positive")));
      auto ref = Instant(*body, "reference_at");
      if (!ref.ok()) return Fail(ref.error());
      auto expiry = Instant(*body, "expiry_at");
      if (!expiry.ok()) return Fail(expiry.error());
      if (*expiry <= *ref) return Fail(Error::Invalid("expiry_at", T("isotope.expiry_before_reference")));
      auto code = Code(*body, "code");
      if (!code.ok()) return Fail(code.error());
      std::optional<int64_t> eoi;
      if (body->contains("eoi_at") && !(*body)["eoi_at"].is_null()) {
        auto e = Instant(*body, "eoi_at");
        if (!e.ok()) return Fail(e.error());
        if (*e > *ref) return Fail(Error::Invalid("eoi_at", T("isotope.eoi_after_reference")));
        eoi = *e;
      }
      for (const char* f : {"target", "reactor", "purification"}) {
        if (Str(*body, f).size() > 200) return Fail(Error::Invalid(f, T("field.too_long", {{"max_chars", 200}})));
      }
      auto producer = ActingEnterprise(req.Who(), *body, "producer_id");
      if (!producer.ok()) return Fail(producer.error());
      Json out;
      auto st = store.Write([&](store::Tx& tx) -> Status {
        PARK_TRY(LicensedProducer(tx, *producer, clock.NowMs(), "producer_id"));
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
            "INSERT INTO isotope_batches (producer_id, code, nuclide, target, reactor, activity_bq, reference_at, "
            "expiry_at, eoi_at, purification, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
            "RETURNING id",
            {*producer, *code, nuclide, Str(*body, "target"), Str(*body, "reactor"), *bq, *ref, *expiry,
             store::OrNull(eoi), Str(*body, "purification"), clock.NowMs()}));
        const int64_t id = row->Int(0);
        PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne(fmt::format("SELECT {} FROM isotope_batches WHERE id = $1", kBatchCols), {id}));
        out = BatchJson(*b, clock.NowMs(), 0);
        PARK_TRY(store::AppendAudit(tx, clock, &req.Who(), {"create", "isotope_batch", id, *producer, nullptr,
                                                            {{"code", *code}, {"nuclide", nuclide}, {"activity_bq", *bq}}}));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out, 201) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/batches";
    r.roles = readers;
    r.doc = Doc("Batches with their activity decay-corrected to `at` (default now), progeny included", "isotopes",
             nullptr, Obj());
    r.doc.query = {{"at", "integer", "epoch milliseconds to correct to (default now)"}};
    r.handler = [&store, &clock](const http::Request& req) {
      auto at_q = AtQuery(req, clock.NowMs());
      if (!at_q.ok()) return Fail(at_q.error());
      const int64_t at = *at_q;
      Json items = Json::array();
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto used, Dispatched(tx));
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format("SELECT {} FROM isotope_batches ORDER BY id", kBatchCols)));
        for (const auto& b : rows) {
          if (!req.Who().CanSeeEnterprise(b.Int(1))) continue;
          items.push_back(BatchJson(b, at, used.count(b.Int(0)) ? used.at(b.Int(0)) : 0.0));
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}, {"at", at}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/batches/{id}";
    r.roles = readers;
    r.doc = Doc("One batch decay-corrected to `at` (default now) with its genealogy: the orders allocated from it (with "
             "their packages), the generators loaded from it and the waste containers holding it",
             "isotopes", nullptr, Obj());
    r.doc.query = {{"at", "integer", "epoch milliseconds to correct to (default now)"}};
    r.handler = [&store, &clock](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      auto at = AtQuery(req, clock.NowMs());
      if (!at.ok()) return Fail(at.error());
      Json out;
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne(fmt::format("SELECT {} FROM isotope_batches WHERE id = $1", kBatchCols), {*id}));
        if (!b || !req.Who().CanSeeEnterprise(b->Int(1))) {
          return Error::NotFound(T("isotope.batch_not_found", {{"id", std::to_string(*id)}}));
        }
        PARK_ASSIGN_OR_RETURN(auto used, Dispatched(tx));
        out = BatchJson(*b, *at, used.count(*id) ? used.at(*id) : 0.0);
        Json orders = Json::array(), generators = Json::array(), waste = Json::array();
        PARK_ASSIGN_OR_RETURN(auto orows, tx.Query(
            fmt::format("SELECT {} FROM isotope_orders WHERE batch_id = $1 ORDER BY dispatch_at, id", kOrderCols), {*id}));
        for (const auto& o : orows) orders.push_back(OrderJson(o));
        PARK_TRY(AddOrdererNames(tx, orders));
        PARK_ASSIGN_OR_RETURN(auto grows, tx.Query(
            "SELECT id, code, owner_id FROM isotope_generators WHERE batch_id = $1 ORDER BY id", {*id}));
        for (const auto& g : grows) generators.push_back({{"id", g.Int(0)}, {"code", g.Text(1)}, {"owner_id", g.Int(2)}});
        PARK_ASSIGN_OR_RETURN(auto wrows, tx.Query(
            "SELECT id, code, owner_id, release_at, released_at FROM isotope_waste WHERE batch_id = $1 ORDER BY id", {*id}));
        for (const auto& w : wrows) {
          const char* status = !w.IsNull(4) ? "released" : (*at >= w.Int(3) ? "due" : "storing");
          waste.push_back({{"id", w.Int(0)}, {"code", w.Text(1)}, {"owner_id", w.Int(2)}, {"status", status}});
        }
        out["orders"] = std::move(orders);
        out["generators"] = std::move(generators);
        out["waste"] = std::move(waste);
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/batches/{id}/release";
    r.roles = producers;
    r.doc = Doc("Quality release of a batch: from now on it may be allocated. The body is optional; its note "
                "(the release certificate's reference, at most 500 characters) goes into the audit log",
                "isotopes",
                {{"type", "object"}, {"properties", {{"note", {{"type", "string"}, {"maxLength", kMaxNote}}}}}}, Obj());
    r.handler = [&store, &clock](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      auto body = ParseJsonObject(req.body.empty() ? "{}" : req.body);
      if (!body.ok()) return Fail(body.error());
      const std::string note = Str(*body, "note");
      if (note.size() > kMaxNote) return Fail(Error::Invalid("note", T("field.too_long", {{"max_chars", kMaxNote}})));
      Json out;
      auto st = store.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne(fmt::format("SELECT {} FROM isotope_batches WHERE id = $1", kBatchCols), {*id}));
        if (!b || !req.Who().CanSeeEnterprise(b->Int(1))) return Error::NotFound(T("isotope.batch_not_found", {{"id", std::to_string(*id)}}));
        if (!b->IsNull(9)) return Error::Conflict(T("isotope.batch_released"));
        const int64_t now = clock.NowMs();
        PARK_TRY(tx.Exec("UPDATE isotope_batches SET released_at = $1 WHERE id = $2", {now, *id}));
        PARK_ASSIGN_OR_RETURN(auto nb, tx.QueryOne(fmt::format("SELECT {} FROM isotope_batches WHERE id = $1", kBatchCols), {*id}));
        out = BatchJson(*nb, now, 0);
        PARK_TRY(store::AppendAudit(tx, clock, &req.Who(), {"release", "isotope_batch", *id, b->Int(1), nullptr, {{"released_at", now}, {"note", note}}}));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/orders";
    r.roles = producers;
    r.doc = Doc("Order an activity at a calibration time at the destination; the activity to dispatch is planned from "
             "the transit time and margin. An enterprise user orders for its own enterprise",
             "isotopes", Obj(), Obj(), 201);
    r.handler = [&store, &clock](const http::Request& req) {
      auto body = ParseJsonObject(req.body);
      if (!body.ok()) return Fail(body.error());
      auto bq = Number(*body, "activity_bq");
      if (!bq.ok()) return Fail(bq.error());
      auto cal = Instant(*body, "calibration_at");
      if (!cal.ok()) return Fail(cal.error());
      auto dispatch = Instant(*body, "dispatch_at");
      if (!dispatch.ok()) return Fail(dispatch.error());
      const double margin = body->contains("margin") && (*body)["margin"].is_number() ? (*body)["margin"].get<double>() : 0.1;
      const std::string nuclide = Str(*body, "nuclide");
      auto need = PlanDispatch(NuclideTable::Default(), nuclide, *bq, *dispatch, *cal, margin);
      if (!need.ok()) return Fail(need.error());
      if (*cal <= clock.NowMs()) return Fail(Error::Invalid("calibration_at", T("isotope.calibration_past")));
      auto orderer = ActingEnterprise(req.Who(), *body, "orderer_id");
      if (!orderer.ok()) return Fail(orderer.error());
      const auto pit = body->find("producer_id");
      if (pit == body->end() || !pit->is_number_integer()) return Fail(Error::Invalid("producer_id", T("field.required")));
      const int64_t producer = pit->get<int64_t>();
      Json out;
      auto st = store.Write([&](store::Tx& tx) -> Status {
        PARK_TRY(EnterpriseExists(tx, *orderer, "orderer_id"));
        PARK_TRY(LicensedProducer(tx, producer, clock.NowMs(), "producer_id"));
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
            "INSERT INTO isotope_orders (orderer_id, producer_id, nuclide, activity_bq, calibration_at, dispatch_at, "
            "margin, dispatch_bq, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) RETURNING id",
            {*orderer, producer, nuclide, *bq, *cal, *dispatch, margin, need->at_dispatch_bq, clock.NowMs()}));
        const int64_t id = row->Int(0);
        PARK_ASSIGN_OR_RETURN(auto o, tx.QueryOne(fmt::format("SELECT {} FROM isotope_orders WHERE id = $1", kOrderCols), {id}));
        out = OrderJson(*o);
        out["explanation"] = TextJson(need->formula);
        PARK_TRY(store::AppendAudit(tx, clock, &req.Who(), {"create", "isotope_order", id, *orderer, nullptr,
                                                            {{"nuclide", nuclide}, {"activity_bq", *bq}}}));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out, 201) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/orders";
    r.roles = readers;
    r.doc = Doc("Orders: an ordering enterprise sees its own, a producer those addressed to it, park roles all",
             "isotopes", nullptr, Obj());
    r.handler = [&store](const http::Request& req) {
      Json items = Json::array();
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format("SELECT {} FROM isotope_orders ORDER BY id", kOrderCols)));
        for (const auto& o : rows) {
          if (req.Who().CanSeeEnterprise(o.Int(1)) || req.Who().CanSeeEnterprise(o.Int(2))) items.push_back(OrderJson(o));
        }
        PARK_TRY(AddOrdererNames(tx, items));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/shipments";
    // The big screen's wall display (a viewer token) shows the day's shipments too.
    r.roles = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser, Role::kViewer};
    r.doc = Doc("Shipments in a window (default: the park's day now): allocated and dispatched orders by dispatch time, "
                "each with its destination's name and, once dispatched, its package. Enterprise users see their own "
                "orders and those addressed to them; park roles and the big screen's token see the park",
                "isotopes", nullptr, Obj());
    r.doc.query = {{"from", "integer", "epoch milliseconds (default: the park's midnight today)"},
                   {"to", "integer", "epoch milliseconds, exclusive (default: 24 h after from)"}};
    r.handler = [&store, &clock](const http::Request& req) {
      auto from_q = InstantQuery(req, "from", ParkMidnight(clock.NowMs()));
      if (!from_q.ok()) return Fail(from_q.error());
      const int64_t from = *from_q;
      auto to_q = InstantQuery(req, "to", from + kMsPerDay);
      if (!to_q.ok()) return Fail(to_q.error());
      const int64_t to = *to_q;
      if (to <= from || to - from > 31 * kMsPerDay) return Fail(Error::Invalid("to", T("isotope.window")));
      Json items = Json::array();
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format(
            "SELECT {} FROM isotope_orders WHERE status IN ('allocated', 'dispatched') AND dispatch_at >= $1 AND "
            "dispatch_at < $2 ORDER BY dispatch_at, id", kOrderCols), {from, to}));
        for (const auto& o : rows) {
          if (req.Who().CanSeeEnterprise(o.Int(1)) || req.Who().CanSeeEnterprise(o.Int(2))) items.push_back(OrderJson(o));
        }
        return AddOrdererNames(tx, items);
      });
      return st.ok() ? Response::FromJson({{"items", items}, {"from", from}, {"to", to}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/allocate";
    r.roles = producers;
    r.doc = Doc("Allocate a producer's open orders to its batches (each order from one released, in-date batch, old "
             "batches first); orders no batch can meet are refused with the reason",
             "isotopes", Obj(), Obj());
    r.handler = [&store, &clock](const http::Request& req) {
      auto body = ParseJsonObject(req.body.empty() ? "{}" : req.body);
      if (!body.ok()) return Fail(body.error());
      auto producer = ActingEnterprise(req.Who(), *body, "producer_id");
      if (!producer.ok()) return Fail(producer.error());
      Json out;
      auto st = store.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(out, AllocateOrders(tx, clock, &req.Who(), *producer));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/orders/{id}/dispatch";
    r.roles = producers;
    r.doc = Doc("Pack and dispatch an allocated order: the package is classified from its contents at dispatch, progeny "
             "included (excepted or Type A, UN number, transport index from the measured dose rate at 1 m)",
             "isotopes", Obj(), Obj());
    r.handler = [&store, &clock](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      auto body = ParseJsonObject(req.body.empty() ? "{}" : req.body);
      if (!body.ok()) return Fail(body.error());
      const std::string form = Str(*body, "form").empty() ? "liquid" : Str(*body, "form");
      if (form != "liquid" && form != "solid") return Fail(Error::Invalid("form", T("isotope.form")));
      std::optional<double> dose, surface;
      if (body->contains("dose_rate_1m_msv_h")) {
        auto d = Number(*body, "dose_rate_1m_msv_h");
        if (!d.ok()) return Fail(d.error());
        dose = *d;
      }
      if (body->contains("surface_dose_msv_h")) {
        auto d = Number(*body, "surface_dose_msv_h");
        if (!d.ok()) return Fail(d.error());
        surface = *d;
      }
      Json out;
      auto st = store.Write([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(out, DispatchOrder(tx, clock, &req.Who(), *id, form == "solid" ? Form::kSolid : Form::kLiquid,
                                                 dose, surface));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }

  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/generator/ingrowth";
    r.roles = readers;
    r.doc = Doc("Tc-99m in a Mo-99 generator after an elution: the ingrowth curve (hourly to `hours`), its peak, and the "
                "Mo-99 breakthrough of an eluate at administration when eluate activities are given",
                "isotopes", Obj(), Obj());
    r.handler = [](const http::Request& req) {
      auto body = ParseJsonObject(req.body);
      if (!body.ok()) return Fail(body.error());
      const auto& table = NuclideTable::Default();
      auto mo = Number(*body, "mo99_bq");
      if (!mo.ok()) return Fail(mo.error());
      if (!(*mo > 0)) return Fail(Error::Invalid("mo99_bq", T("isotope.activity_positive")));
      double hours = 48;
      if (body->contains("hours")) {
        auto h = Number(*body, "hours");
        if (!h.ok()) return Fail(h.error());
        if (!(*h > 0 && *h <= 24 * 14)) return Fail(Error::Invalid("hours", T("isotope.hours_range", {{"max", 336}})));
        hours = *h;
      }
      Json curve = Json::array();
      for (int i = 0; i <= static_cast<int>(hours); ++i) {
        auto tc = GeneratorTc99m(table, *mo, 0, i * kSecondsPerHour);
        if (!tc.ok()) return Fail(tc.error());
        curve.push_back({{"hours", i}, {"tc99m_bq", *tc}});
      }
      const double peak_h = PeakIngrowthHours(*table.Find("Mo-99"), *table.Find("Tc-99m"));
      Json out = {{"curve", curve},
                  {"peak_hours", peak_h},
                  {"peak_tc99m_bq", GeneratorTc99m(table, *mo, 0, peak_h * kSecondsPerHour).value()},
                  {"explanation", TextJson(T("isotope.formula.ingrowth", {{"peak_hours", peak_h}}))},
                  {"source", table.source()}};
      if (body->contains("eluate_mo99_bq") || body->contains("eluate_tc99m_bq")) {
        auto emo = Number(*body, "eluate_mo99_bq");
        if (!emo.ok()) return Fail(emo.error());
        auto etc = Number(*body, "eluate_tc99m_bq");
        if (!etc.ok()) return Fail(etc.error());
        double until_h = 0;
        if (body->contains("administration_after_hours")) {
          auto u = Number(*body, "administration_after_hours");
          if (!u.ok()) return Fail(u.error());
          if (!(*u >= 0)) return Fail(Error::Invalid("administration_after_hours", T("isotope.time_negative")));
          until_h = *u;
        }
        auto b = CheckBreakthrough(table, *emo, *etc, until_h * kSecondsPerHour);
        if (!b.ok()) return Fail(b.error());
        out["breakthrough"] = {{"kbq_mo_per_mbq_tc", b->kbq_mo_per_mbq_tc}, {"limit", kBreakthroughLimit},
                               {"ok", b->ok}, {"explanation", TextJson(b->explanation)}};
      }
      return Response::FromJson(out);
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/waste/release-date";
    r.roles = readers;
    r.doc = Doc("The release date of a waste container in decay-in-storage from the nuclides it holds and when it was "
                "sealed (10 half-lives; 30 days under 24 h; 180 days for I-131), with the rule that decides",
                "isotopes", Obj(), Obj());
    r.handler = [](const http::Request& req) {
      auto body = ParseJsonObject(req.body);
      if (!body.ok()) return Fail(body.error());
      auto sealed = Instant(*body, "sealed_at");
      if (!sealed.ok()) return Fail(sealed.error());
      std::vector<std::string> nuclides;
      const auto it = body->find("nuclides");
      if (it == body->end() || !it->is_array()) return Fail(Error::Invalid("nuclides", T("field.required")));
      for (const auto& n : *it) nuclides.push_back(n.is_string() ? n.get<std::string>() : std::string());
      auto r = WasteReleaseDate(NuclideTable::Default(), nuclides, *sealed);
      if (!r.ok()) return Fail(r.error());
      Json rules = Json::array();
      for (const auto& x : r->rules) {
        rules.push_back({{"nuclide", x.nuclide}, {"hold_ms", x.hold_ms}, {"reason", TextJson(x.reason)}});
      }
      return Response::FromJson({{"release_at", r->release_ms}, {"rules", rules}, {"survey_required", true}});
    };
    router.Add(std::move(r));
  }
  RegisterStores(router, store, clock);
}

}  // namespace park::isotope
