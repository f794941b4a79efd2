// Routes of the isotope stores: the licensed producers, Tc-99m generators with their elution log, and the waste
// decay-in-storage register with its surveys. Every activity is stored with the instant it refers to and read
// decay-corrected; the arithmetic is the pure library's (isotope.hpp).
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "park/isotope/isotope.hpp"
#include "park/store/audit.hpp"
#include "service_util.hpp"

namespace park::isotope::detail {
namespace {

using http::Response;

constexpr std::string_view kGeneratorCols = "id, owner_id, code, batch_id, mo99_bq, reference_at, expiry_at";
constexpr std::string_view kWasteCols =
    "id, owner_id, code, batch_id, form, sealed_at, contents, release_at, released_at";
constexpr int kCurveHours = 48;
// An elution or a survey is a record of something done: at most this far in the future (clock skew of a phone).
constexpr int64_t kFutureSlackMs = 5 * 60 * 1000;

Status Audited(Result<Json> entry) { return entry.ok() ? Status::Ok() : Status(entry.take_error()); }

std::optional<int64_t> OptId(const Json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// ---- Generators -----------------------------------------------------------------------------------------------

// The column's state after an elution: Mo-99 on it and the Tc-99m the elution left behind.
struct ColumnState {
  int64_t at = 0;
  double mo99_bq = 0;
  double residual_tc_bq = 0;
};

struct Generator {
  int64_t id = 0, owner_id = 0;
  std::string code;
  std::optional<int64_t> batch_id;
  double mo99_reference_bq = 0;
  int64_t reference_at = 0, expiry_at = 0;

  double Mo99At(int64_t t) const {
    const Nuclide& mo = *NuclideTable::Default().Find("Mo-99");
    return mo99_reference_bq * DecayFactor(mo.half_life_s, static_cast<double>(t - reference_at) / 1000.0);
  }
};

Generator GeneratorOf(const store::Row& r) {
  return {r.Int(0), r.Int(1), r.Text(2), r.OptInt(3), r.Real(4), r.Int(5), r.Int(6)};
}

struct Elution {
  int64_t id = 0, eluted_at = 0;
  double tc99m_bq = 0, mo99_bq = 0;
};

// Replays the elution log up to `at`. The generator is taken as freshly eluted at its reference time (no Tc-99m on
// the column); each elution removes what it measured and leaves the rest of the Tc-99m that had grown in.
struct Replay {
  ColumnState state;
  Json elutions = Json::array();
};
Result<Replay> ReplayElutions(const Generator& g, const std::vector<Elution>& log, int64_t at) {
  const auto& table = NuclideTable::Default();
  Replay r;
  r.state = {g.reference_at, g.mo99_reference_bq, 0.0};
  for (const auto& e : log) {
    PARK_ASSIGN_OR_RETURN(double expected, GeneratorTc99m(table, r.state.mo99_bq, r.state.residual_tc_bq,
                                                          static_cast<double>(e.eluted_at - r.state.at) / 1000.0));
    PARK_ASSIGN_OR_RETURN(auto b, CheckBreakthrough(table, e.mo99_bq, e.tc99m_bq, 0));
    const double usable = BreakthroughUsableHours(table, e.mo99_bq, e.tc99m_bq);
    r.elutions.push_back({{"id", e.id},
                          {"eluted_at", e.eluted_at},
                          {"expected_tc99m_bq", expected},
                          {"tc99m_bq", e.tc99m_bq},
                          {"mo99_bq", e.mo99_bq},
                          {"efficiency", expected > 0 ? e.tc99m_bq / expected : 0.0},
                          {"breakthrough", {{"kbq_mo_per_mbq_tc", b.kbq_mo_per_mbq_tc},
                                            {"limit", kBreakthroughLimit},
                                            {"ok", b.ok},
                                            {"usable_hours", std::isfinite(usable) ? Json(usable) : Json(nullptr)},
                                            {"explanation", TextJson(b.explanation)}}}});
    if (e.eluted_at <= at) r.state = {e.eluted_at, g.Mo99At(e.eluted_at), std::max(0.0, expected - e.tc99m_bq)};
  }
  return r;
}

Result<Json> GeneratorJson(const Generator& g, const std::vector<Elution>& log, int64_t at, bool detail) {
  const auto& table = NuclideTable::Default();
  PARK_ASSIGN_OR_RETURN(auto replay, ReplayElutions(g, log, at));
  const ColumnState& s = replay.state;
  double available = 0;
  if (at >= s.at) {
    PARK_ASSIGN_OR_RETURN(available, GeneratorTc99m(table, s.mo99_bq, s.residual_tc_bq, static_cast<double>(at - s.at) / 1000.0));
  }
  const double since_h = static_cast<double>(at - s.at) / kMsPerHour;
  const double peak_h = PeakIngrowthHours(*table.Find("Mo-99"), *table.Find("Tc-99m"));
  int64_t last_elution = 0;
  for (const auto& e : log) {
    if (e.eluted_at <= at) last_elution = e.eluted_at;
  }
  Json j = {{"id", g.id},
            {"code", g.code},
            {"owner_id", g.owner_id},
            {"batch_id", g.batch_id ? Json(*g.batch_id) : Json(nullptr)},
            {"reference_at", g.reference_at},
            {"mo99_reference_bq", g.mo99_reference_bq},
            {"expiry_at", g.expiry_at},
            {"expired", at > g.expiry_at},
            {"at", at},
            {"mo99_bq", at >= g.reference_at ? g.Mo99At(at) : g.mo99_reference_bq},
            {"tc99m_available_bq", available},
            {"last_elution_at", last_elution ? Json(last_elution) : Json(nullptr)},
            {"elution_count", static_cast<int64_t>(std::count_if(log.begin(), log.end(), [&](const Elution& e) {
               return e.eluted_at <= at;
             }))},
            {"explanation", TextJson(T("isotope.formula.generator", {{"mo99_bq", s.mo99_bq},
                                                                      {"residual_bq", s.residual_tc_bq},
                                                                      {"hours", std::max(0.0, since_h)},
                                                                      {"tc99m_bq", available},
                                                                      {"peak_hours", peak_h}}))},
            {"source", table.source()}};
  if (detail) {
    Json curve = Json::array();
    for (int h = 0; h <= kCurveHours; ++h) {
      PARK_ASSIGN_OR_RETURN(double tc, GeneratorTc99m(table, s.mo99_bq, s.residual_tc_bq, h * kSecondsPerHour));
      curve.push_back({{"at", s.at + h * kMsPerHour}, {"tc99m_bq", tc}});
    }
    j["curve"] = std::move(curve);
    j["curve_from"] = s.at;
    j["peak_hours"] = peak_h;
    j["elutions"] = std::move(replay.elutions);
  }
  return j;
}

Result<std::vector<Elution>> ElutionsOf(store::Tx& tx, int64_t generator_id) {
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
      "SELECT id, eluted_at, tc99m_bq, mo99_bq FROM isotope_elutions WHERE generator_id = $1 ORDER BY eluted_at, id",
      {generator_id}));
  std::vector<Elution> log;
  for (const auto& r : rows) log.push_back({r.Int(0), r.Int(1), r.Real(2), r.Real(3)});
  return log;
}

Result<Generator> VisibleGenerator(store::Tx& tx, const Principal& who, int64_t id) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(fmt::format("SELECT {} FROM isotope_generators WHERE id = $1", kGeneratorCols), {id}));
  if (!row || !who.CanSeeEnterprise(row->Int(1))) {
    return Error::NotFound(T("isotope.generator.not_found", {{"id", std::to_string(id)}}));
  }
  return GeneratorOf(*row);
}

// ---- Waste ----------------------------------------------------------------------------------------------------

Result<std::vector<Amount>> ContentsOf(const Json& list) {
  if (!list.is_array() || list.empty()) return Error::Invalid("contents", T("isotope.waste.no_contents"));
  std::vector<Amount> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& c = list[i];
    const std::string at = fmt::format("contents[{}]", i);
    if (!c.is_object()) return Error::Invalid(at, T("field.required"));
    const std::string nuclide = Str(c, "nuclide");
    if (!NuclideTable::Default().Find(nuclide)) {
      return Error::Invalid(at + ".nuclide", T("isotope.nuclide_unknown", {{"value", nuclide}}));
    }
    const auto bq = c.find("activity_bq");
    if (bq == c.end() || !bq->is_number()) return Error::Invalid(at + ".activity_bq", T("field.not_number"));
    if (!(bq->get<double>() >= 0) || !std::isfinite(bq->get<double>())) {
      return Error::Invalid(at + ".activity_bq", T("isotope.activity_negative"));
    }
    out.push_back({nuclide, bq->get<double>()});
  }
  return out;
}

std::vector<std::string> NuclidesOf(const std::vector<Amount>& contents) {
  std::vector<std::string> names;
  for (const auto& a : contents) names.push_back(a.nuclide);
  return names;
}

Json AmountsJson(const std::vector<Amount>& amounts) {
  Json out = Json::array();
  for (const auto& a : amounts) out.push_back({{"nuclide", a.nuclide}, {"activity_bq", a.bq}});
  return out;
}

struct SurveyRow {
  int64_t surveyed_at = 0;
  Survey survey;
};

Result<std::optional<SurveyRow>> LastSurvey(store::Tx& tx, int64_t waste_id) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
      "SELECT surveyed_at, dose_rate_usv_h, background_usv_h, surface_bq_cm2 FROM isotope_waste_surveys "
      "WHERE waste_id = $1 ORDER BY surveyed_at DESC, id DESC LIMIT 1", {waste_id}));
  if (!row) return std::optional<SurveyRow>();
  return std::optional<SurveyRow>(SurveyRow{row->Int(0), {row->Real(1), row->Real(2), row->OptReal(3)}});
}

Result<Json> WasteJson(store::Tx& tx, const store::Row& w, int64_t at) {
  const auto& table = NuclideTable::Default();
  const Json stored = Json::parse(w.Text(6), nullptr, false);
  PARK_ASSIGN_OR_RETURN(auto contents, ContentsOf(stored));
  std::vector<Amount> now = contents;
  if (at > w.Int(5)) {
    PARK_ASSIGN_OR_RETURN(now, Decay(table, contents, static_cast<double>(at - w.Int(5)) / 1000.0));
  }
  PARK_ASSIGN_OR_RETURN(auto release, WasteReleaseDate(table, NuclidesOf(contents), w.Int(5)));
  Json rules = Json::array();
  for (const auto& x : release.rules) rules.push_back({{"nuclide", x.nuclide}, {"hold_ms", x.hold_ms}, {"reason", TextJson(x.reason)}});
  PARK_ASSIGN_OR_RETURN(auto last, LastSurvey(tx, w.Int(0)));
  Json survey = nullptr;
  if (last) {
    PARK_ASSIGN_OR_RETURN(auto verdict, EvaluateSurvey(last->survey));
    survey = {{"surveyed_at", last->surveyed_at},
              {"dose_rate_usv_h", last->survey.dose_rate_usv_h},
              {"background_usv_h", last->survey.background_usv_h},
              {"surface_bq_cm2", last->survey.surface_bq_cm2 ? Json(*last->survey.surface_bq_cm2) : Json(nullptr)},
              {"pass", verdict.pass},
              {"counts_for_release", last->surveyed_at >= w.Int(7)},
              {"explanation", TextJson(verdict.explanation)}};
  }
  const char* status = !w.IsNull(8) ? "released" : (at >= w.Int(7) ? "due" : "storing");
  return Json{{"id", w.Int(0)},
              {"owner_id", w.Int(1)},
              {"code", w.Text(2)},
              {"batch_id", w.IsNull(3) ? Json(nullptr) : Json(w.Int(3))},
              {"form", w.Text(4)},
              {"sealed_at", w.Int(5)},
              {"contents", AmountsJson(contents)},
              {"at", at},
              {"activity_at", AmountsJson(now)},
              {"release_at", w.Int(7)},
              {"rules", rules},
              {"status", status},
              {"survey", survey},
              {"released_at", w.IsNull(8) ? Json(nullptr) : Json(w.Int(8))},
              {"source", table.source()}};
}

Result<store::Row> VisibleWaste(store::Tx& tx, const Principal& who, int64_t id) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(fmt::format("SELECT {} FROM isotope_waste WHERE id = $1", kWasteCols), {id}));
  if (!row || !who.CanSeeEnterprise(row->Int(1))) {
    return Error::NotFound(T("isotope.waste.not_found", {{"id", std::to_string(id)}}));
  }
  return *row;
}

Json Schema(std::vector<std::string> required, Json properties) {
  return {{"type", "object"}, {"required", std::move(required)}, {"properties", std::move(properties)}};
}
const Json kInt = {{"type", "integer"}};
const Json kNum = {{"type", "number"}};
const Json kStr = {{"type", "string"}};

}  // namespace

Result<Json> GeneratorAt(store::Tx& tx, int64_t id, int64_t at) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(fmt::format("SELECT {} FROM isotope_generators WHERE id = $1", kGeneratorCols), {id}));
  if (!row) return Error::NotFound(T("isotope.generator.not_found", {{"id", std::to_string(id)}}));
  const Generator g = GeneratorOf(*row);
  PARK_ASSIGN_OR_RETURN(auto log, ElutionsOf(tx, id));
  return GeneratorJson(g, log, at, false);
}

void RegisterStores(http::Router& router, store::Store& store, const Clock& clock) {
  const std::vector<Role> writers = {Role::kParkAdmin, Role::kEnterpriseUser};
  const std::vector<Role> readers = {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser};

  // ---- Producers ----
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/producers";
    r.roles = readers;
    r.doc = Doc("The licensed isotope producers (radiation safety licence and its expiry): the only enterprises that "
                "record batches and receive orders", "isotopes", nullptr, Obj());
    r.handler = [&store](const http::Request&) {
      Json items = Json::array();
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
            "SELECT p.enterprise_id, e.name, p.licence_no, p.licence_expiry_at FROM isotope_producers p "
            "JOIN enterprises e ON e.id = p.enterprise_id ORDER BY p.enterprise_id"));
        for (const auto& p : rows) {
          items.push_back({{"enterprise_id", p.Int(0)}, {"name", p.Text(1)}, {"licence_no", p.Text(2)},
                           {"licence_expiry_at", p.Int(3)}});
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/producers";
    r.roles = {Role::kParkAdmin};
    r.doc = Doc("Register an enterprise as an isotope producer with its radiation safety licence, or renew the "
                "licence of one registered", "isotopes",
                Schema({"enterprise_id", "licence_no", "licence_expiry_at"},
                       {{"enterprise_id", kInt}, {"licence_no", kStr}, {"licence_expiry_at", kInt}}),
                Obj(), 201);
    r.handler = [&store, &clock](const http::Request& req) {
      return WriteJson(store, req, 201, [&](store::Tx& tx, const Json& body, Json& out) -> Status {
        const auto id = OptId(body, "enterprise_id");
        if (!id) return Error::Invalid("enterprise_id", T("field.required"));
        PARK_ASSIGN_OR_RETURN(auto licence, Code(body, "licence_no"));
        PARK_ASSIGN_OR_RETURN(auto expiry, Instant(body, "licence_expiry_at"));
        if (expiry <= clock.NowMs()) return Error::Invalid("licence_expiry_at", T("isotope.producer.expiry_past"));
        PARK_TRY(EnterpriseExists(tx, *id, "enterprise_id"));
        PARK_TRY(tx.Exec("DELETE FROM isotope_producers WHERE enterprise_id = $1", {*id}));
        PARK_TRY(tx.Exec("INSERT INTO isotope_producers (enterprise_id, licence_no, licence_expiry_at, created_at) "
                         "VALUES ($1, $2, $3, $4)", {*id, licence, expiry, clock.NowMs()}));
        PARK_ASSIGN_OR_RETURN(auto name, tx.QueryOne("SELECT name FROM enterprises WHERE id = $1", {*id}));
        out = {{"enterprise_id", *id}, {"name", name->Text(0)}, {"licence_no", licence}, {"licence_expiry_at", expiry}};
        return Audited(store::AppendAudit(tx, clock, &req.Who(), {"create", "isotope_producer", *id, *id, nullptr,
                                                          {{"licence_no", licence}, {"licence_expiry_at", expiry}}}));
      });
    };
    router.Add(std::move(r));
  }

  // ---- Generators ----
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/generators";
    r.roles = readers;
    r.doc = Doc("Tc-99m generators with the Mo-99 on the column and the Tc-99m available at `at` (default now), "
                "grown in since the last elution", "isotopes", nullptr, Obj());
    r.doc.query = {{"at", "integer", "epoch milliseconds (default now)"}};
    r.handler = [&store, &clock](const http::Request& req) {
      auto at = AtQuery(req, clock.NowMs());
      if (!at.ok()) return Fail(at.error());
      Json items = Json::array();
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format("SELECT {} FROM isotope_generators ORDER BY id", kGeneratorCols)));
        for (const auto& row : rows) {
          if (!req.Who().CanSeeEnterprise(row.Int(1))) continue;
          const Generator g = GeneratorOf(row);
          PARK_ASSIGN_OR_RETURN(auto log, ElutionsOf(tx, g.id));
          PARK_ASSIGN_OR_RETURN(auto j, GeneratorJson(g, log, *at, false));
          items.push_back(std::move(j));
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}, {"at", *at}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/generators";
    r.roles = writers;
    r.doc = Doc("Register a Tc-99m generator: its Mo-99 activity at a reference time (taken as freshly eluted then), "
                "its expiry and the batch it was loaded from; an enterprise user registers its own, a park admin "
                "names owner_id", "isotopes",
                Schema({"code", "mo99_bq", "reference_at", "expiry_at"},
                       {{"code", kStr}, {"owner_id", kInt}, {"batch_id", kInt}, {"mo99_bq", kNum},
                        {"reference_at", kInt}, {"expiry_at", kInt}}),
                Obj(), 201);
    r.handler = [&store, &clock](const http::Request& req) {
      return WriteJson(store, req, 201, [&](store::Tx& tx, const Json& body, Json& out) -> Status {
        PARK_ASSIGN_OR_RETURN(auto code, Code(body, "code"));
        PARK_ASSIGN_OR_RETURN(double mo, Number(body, "mo99_bq"));
        if (!(mo > 0) || !std::isfinite(mo)) return Error::Invalid("mo99_bq", T("isotope.activity_positive"));
        PARK_ASSIGN_OR_RETURN(auto ref, Instant(body, "reference_at"));
        PARK_ASSIGN_OR_RETURN(auto expiry, Instant(body, "expiry_at"));
        if (expiry <= ref) return Error::Invalid("expiry_at", T("isotope.expiry_before_reference"));
        PARK_ASSIGN_OR_RETURN(auto owner, ActingEnterprise(req.Who(), body, "owner_id"));
        PARK_TRY(EnterpriseExists(tx, owner, "owner_id"));
        const auto batch = OptId(body, "batch_id");
        if (batch) {
          PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne("SELECT nuclide FROM isotope_batches WHERE id = $1", {*batch}));
          if (!b) return Error::Invalid("batch_id", T("isotope.batch_not_found", {{"id", std::to_string(*batch)}}));
          if (b->Text(0) != "Mo-99") return Error::Invalid("batch_id", T("isotope.generator.batch_not_mo99", {{"nuclide", b->Text(0)}}));
        }
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
            "INSERT INTO isotope_generators (owner_id, code, batch_id, mo99_bq, reference_at, expiry_at, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            {owner, code, store::OrNull(batch), mo, ref, expiry, clock.NowMs()}));
        const Generator g{row->Int(0), owner, code, batch, mo, ref, expiry};
        PARK_ASSIGN_OR_RETURN(out, GeneratorJson(g, {}, clock.NowMs(), true));
        return Audited(store::AppendAudit(tx, clock, &req.Who(), {"create", "isotope_generator", g.id, owner, nullptr,
                                                          {{"code", code}, {"mo99_bq", mo}}}));
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/generators/{id}";
    r.roles = readers;
    r.doc = Doc("One generator at `at` (default now): the elution log with each elution's expected Tc-99m, yield and "
                "Mo-99 breakthrough, and the ingrowth curve for 48 h from the last elution", "isotopes", nullptr, Obj());
    r.doc.query = {{"at", "integer", "epoch milliseconds (default now)"}};
    r.handler = [&store, &clock](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      auto at = AtQuery(req, clock.NowMs());
      if (!at.ok()) return Fail(at.error());
      Json out;
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto g, VisibleGenerator(tx, req.Who(), *id));
        PARK_ASSIGN_OR_RETURN(auto log, ElutionsOf(tx, g.id));
        PARK_ASSIGN_OR_RETURN(out, GeneratorJson(g, log, *at, true));
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson(out) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/generators/{id}/elutions";
    r.roles = writers;
    r.doc = Doc("Record an elution: when, the Tc-99m measured in the eluate and its Mo-99 (breakthrough). Elutions "
                "are recorded in order, not in the future, and not after the generator's expiry", "isotopes",
                Schema({"eluted_at", "tc99m_bq", "mo99_bq"}, {{"eluted_at", kInt}, {"tc99m_bq", kNum}, {"mo99_bq", kNum}}),
                Obj(), 201);
    r.handler = [&store, &clock](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteJson(store, req, 201, [&](store::Tx& tx, const Json& body, Json& out) -> Status {
        PARK_ASSIGN_OR_RETURN(auto at, Instant(body, "eluted_at"));
        PARK_ASSIGN_OR_RETURN(double tc, Number(body, "tc99m_bq"));
        PARK_ASSIGN_OR_RETURN(double mo, Number(body, "mo99_bq"));
        PARK_TRY(CheckBreakthrough(NuclideTable::Default(), mo, tc, 0));
        if (at > clock.NowMs() + kFutureSlackMs) return Error::Invalid("eluted_at", T("isotope.time_future"));
        PARK_ASSIGN_OR_RETURN(auto g, VisibleGenerator(tx, req.Who(), *id));
        PARK_ASSIGN_OR_RETURN(auto log, ElutionsOf(tx, g.id));
        const int64_t last = log.empty() ? g.reference_at : log.back().eluted_at;
        if (at <= last) return Error::Invalid("eluted_at", T("isotope.generator.elution_order"));
        if (at > g.expiry_at) return Error::Conflict(T("isotope.generator.expired"), "eluted_at");
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
            "INSERT INTO isotope_elutions (generator_id, eluted_at, tc99m_bq, mo99_bq, created_at) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id", {g.id, at, tc, mo, clock.NowMs()}));
        log.push_back({row->Int(0), at, tc, mo});
        PARK_ASSIGN_OR_RETURN(auto replay, ReplayElutions(g, log, at));
        out = replay.elutions.back();
        out["generator_id"] = g.id;
        return Audited(store::AppendAudit(tx, clock, &req.Who(), {"elute", "isotope_generator", g.id, g.owner_id, nullptr,
                                                          {{"eluted_at", at}, {"tc99m_bq", tc}, {"mo99_bq", mo}}}));
      });
    };
    router.Add(std::move(r));
  }

  // ---- Waste ----
  {
    http::Route r;
    r.method = http::Method::kGet;
    r.pattern = "/api/v1/isotopes/waste";
    r.roles = readers;
    r.doc = Doc("The decay-in-storage register: containers with their contents as sealed and decay-corrected to `at` "
                "(default now, progeny included), the release date and the rule that decides it, the last survey "
                "and the release", "isotopes", nullptr, Obj());
    r.doc.query = {{"at", "integer", "epoch milliseconds (default now)"}};
    r.handler = [&store, &clock](const http::Request& req) {
      auto at = AtQuery(req, clock.NowMs());
      if (!at.ok()) return Fail(at.error());
      Json items = Json::array();
      auto st = store.Read([&](store::Tx& tx) -> Status {
        PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(fmt::format("SELECT {} FROM isotope_waste ORDER BY release_at, id", kWasteCols)));
        for (const auto& w : rows) {
          if (!req.Who().CanSeeEnterprise(w.Int(1))) continue;
          PARK_ASSIGN_OR_RETURN(auto j, WasteJson(tx, w, *at));
          items.push_back(std::move(j));
        }
        return Status::Ok();
      });
      return st.ok() ? Response::FromJson({{"items", items}, {"at", *at}}) : Fail(st.error());
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/waste";
    r.roles = writers;
    r.doc = Doc("Seal a waste container into decay-in-storage: its contents (nuclide and activity when sealed), form "
                "and the batch it came from; the release date follows from the contents", "isotopes",
                Schema({"code", "form", "sealed_at", "contents"},
                       {{"code", kStr}, {"owner_id", kInt}, {"batch_id", kInt},
                        {"form", {{"type", "string"}, {"enum", {"solid", "liquid"}}}}, {"sealed_at", kInt},
                        {"contents", {{"type", "array"}, {"minItems", 1},
                                      {"items", Schema({"nuclide", "activity_bq"}, {{"nuclide", kStr}, {"activity_bq", kNum}})}}}}),
                Obj(), 201);
    r.handler = [&store, &clock](const http::Request& req) {
      return WriteJson(store, req, 201, [&](store::Tx& tx, const Json& body, Json& out) -> Status {
        PARK_ASSIGN_OR_RETURN(auto code, Code(body, "code"));
        const std::string form = Str(body, "form");
        if (form != "solid" && form != "liquid") return Error::Invalid("form", T("isotope.form"));
        PARK_ASSIGN_OR_RETURN(auto sealed, Instant(body, "sealed_at"));
        if (sealed > clock.NowMs() + kFutureSlackMs) return Error::Invalid("sealed_at", T("isotope.time_future"));
        PARK_ASSIGN_OR_RETURN(auto contents, ContentsOf(body.contains("contents") ? body.at("contents") : Json()));
        PARK_ASSIGN_OR_RETURN(auto release, WasteReleaseDate(NuclideTable::Default(), NuclidesOf(contents), sealed));
        PARK_ASSIGN_OR_RETURN(auto owner, ActingEnterprise(req.Who(), body, "owner_id"));
        PARK_TRY(EnterpriseExists(tx, owner, "owner_id"));
        const auto batch = OptId(body, "batch_id");
        if (batch) {
          PARK_ASSIGN_OR_RETURN(auto b, tx.QueryOne("SELECT id FROM isotope_batches WHERE id = $1", {*batch}));
          if (!b) return Error::Invalid("batch_id", T("isotope.batch_not_found", {{"id", std::to_string(*batch)}}));
        }
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
            "INSERT INTO isotope_waste (owner_id, code, batch_id, form, sealed_at, contents, release_at, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            {owner, code, store::OrNull(batch), form, sealed, AmountsJson(contents).dump(), release.release_ms, clock.NowMs()}));
        PARK_ASSIGN_OR_RETURN(auto w, VisibleWaste(tx, req.Who(), row->Int(0)));
        PARK_ASSIGN_OR_RETURN(out, WasteJson(tx, w, clock.NowMs()));
        return Audited(store::AppendAudit(tx, clock, &req.Who(), {"create", "isotope_waste", row->Int(0), owner, nullptr,
                                                          {{"code", code}, {"release_at", release.release_ms}}}));
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/waste/{id}/survey";
    r.roles = writers;
    r.doc = Doc("Record a release survey of a container: contact dose rate against the store's background and, when "
                "measured, beta surface contamination (clearance needs background and < 0.8 Bq/cm²)", "isotopes",
                Schema({"dose_rate_usv_h", "background_usv_h"},
                       {{"dose_rate_usv_h", kNum}, {"background_usv_h", kNum}, {"surface_bq_cm2", kNum}}),
                Obj(), 201);
    r.handler = [&store, &clock](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteJson(store, req, 201, [&](store::Tx& tx, const Json& body, Json& out) -> Status {
        Survey s;
        PARK_ASSIGN_OR_RETURN(s.dose_rate_usv_h, Number(body, "dose_rate_usv_h"));
        PARK_ASSIGN_OR_RETURN(s.background_usv_h, Number(body, "background_usv_h"));
        if (body.contains("surface_bq_cm2") && !body.at("surface_bq_cm2").is_null()) {
          PARK_ASSIGN_OR_RETURN(double surface, Number(body, "surface_bq_cm2"));
          s.surface_bq_cm2 = surface;
        }
        PARK_ASSIGN_OR_RETURN(auto verdict, EvaluateSurvey(s));
        PARK_ASSIGN_OR_RETURN(auto w, VisibleWaste(tx, req.Who(), *id));
        if (!w.IsNull(8)) return Error::Conflict(T("isotope.waste.released"));
        const int64_t now = clock.NowMs();
        PARK_TRY(tx.Exec("INSERT INTO isotope_waste_surveys (waste_id, surveyed_at, dose_rate_usv_h, background_usv_h, "
                         "surface_bq_cm2, pass) VALUES ($1, $2, $3, $4, $5, $6)",
                         {*id, now, s.dose_rate_usv_h, s.background_usv_h, store::OrNull(s.surface_bq_cm2),
                          int64_t{verdict.pass ? 1 : 0}}));
        PARK_ASSIGN_OR_RETURN(out, WasteJson(tx, w, now));
        return Audited(store::AppendAudit(tx, clock, &req.Who(), {"survey", "isotope_waste", *id, w.Int(1), nullptr,
                                                          {{"dose_rate_usv_h", s.dose_rate_usv_h},
                                                           {"background_usv_h", s.background_usv_h},
                                                           {"pass", verdict.pass}}}));
      });
    };
    router.Add(std::move(r));
  }
  {
    http::Route r;
    r.method = http::Method::kPost;
    r.pattern = "/api/v1/isotopes/waste/{id}/release";
    r.roles = writers;
    r.doc = Doc("Release a container from decay-in-storage: refused before its release date and without a passing "
                "survey taken on or after that date. The optional note (at most 500 characters) goes into the audit log",
                "isotopes", {{"type", "object"}, {"properties", {{"note", {{"type", "string"}, {"maxLength", 500}}}}}},
                Obj());
    r.handler = [&store, &clock](const http::Request& req) {
      auto id = req.IdParam();
      if (!id.ok()) return Fail(id.error());
      return WriteJson(store, req, 200, [&](store::Tx& tx, const Json& body, Json& out) -> Status {
        const std::string note = Str(body, "note");
        if (note.size() > 500) return Error::Invalid("note", T("field.too_long", {{"max_chars", 500}}));
        PARK_ASSIGN_OR_RETURN(auto w, VisibleWaste(tx, req.Who(), *id));
        if (!w.IsNull(8)) return Error::Conflict(T("isotope.waste.released"));
        const int64_t now = clock.NowMs();
        PARK_ASSIGN_OR_RETURN(auto last, LastSurvey(tx, *id));
        std::optional<Survey> counted;
        if (last && last->surveyed_at >= w.Int(7)) counted = last->survey;
        PARK_TRY(CheckWasteRelease(now, w.Int(7), counted));
        PARK_TRY(tx.Exec("UPDATE isotope_waste SET released_at = $1 WHERE id = $2", {now, *id}));
        PARK_ASSIGN_OR_RETURN(auto nw, VisibleWaste(tx, req.Who(), *id));
        PARK_ASSIGN_OR_RETURN(out, WasteJson(tx, nw, now));
        return Audited(store::AppendAudit(tx, clock, &req.Who(), {"release", "isotope_waste", *id, w.Int(1), nullptr,
                                                          {{"released_at", now}, {"note", note}}}));
      });
    };
    router.Add(std::move(r));
  }
}

}  // namespace park::isotope::detail
