// The dispatch service: tariffs, the battery's state, making plans, setpoints over MQTT and the periodic job. The
// routes are in routes.cpp; the arithmetic is the pure library's. See include/park/dispatch/service.hpp.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "park/carbon/factors.hpp"
#include "park/core/text.hpp"
#include "park/core/time.hpp"
#include "park/store/audit.hpp"
#include "service_impl.hpp"

namespace park::dispatch {
namespace {

Json Numbers(const std::vector<double>& v) { return Json(v); }

std::vector<double> NumbersOf(const Json& j) {
  std::vector<double> out;
  if (!j.is_array()) return out;
  for (const auto& x : j) out.push_back(x.is_number() ? x.get<double>() : std::nan(""));
  return out;
}

Json CostsJson(const Costs& c) {
  return {{"energy_yuan", c.energy_yuan},         {"demand_yuan", c.demand_yuan},
          {"carbon_yuan", c.carbon_yuan},         {"export_revenue_yuan", c.export_revenue_yuan},
          {"throughput_yuan", c.throughput_yuan}, {"total_yuan", c.total_yuan}};
}

Json BaselineJson(const Plan& p) {
  return {{"costs", CostsJson(p.costs)},
          {"emissions_t", p.emissions_t},
          {"peak_import_mw", p.peak_import_mw},
          {"renewable_self_consumption", p.renewable_self_consumption}};
}

}  // namespace

Json BatteryJson(const struct Battery& b) {
  return {{"energy_mwh", b.energy_mwh},
          {"charge_mw", b.charge_mw},
          {"discharge_mw", b.discharge_mw},
          {"charge_efficiency", b.charge_efficiency},
          {"discharge_efficiency", b.discharge_efficiency},
          {"auxiliary_mw", b.auxiliary_mw},
          {"self_discharge_per_day", b.self_discharge_per_day},
          {"soc_min", b.soc_min},
          {"soc_max", b.soc_max},
          {"soc_initial", b.soc_initial},
          {"end_at_least_initial", b.end_at_least_initial},
          {"throughput_cost_yuan_per_mwh", b.throughput_cost_yuan_per_mwh}};
}

Json ProblemJson(const Problem& p) {
  Json instr = Json::array();
  for (const auto& i : p.instructions) instr.push_back({{"limit_mw", i.limit_mw}, {"first_step", i.first_step}, {"last_step", i.last_step}});
  return {{"step_hours", p.step_hours},
          {"start_minute", p.start_minute},
          {"load_mw", Numbers(p.load_mw)},
          {"pv_available_mw", Numbers(p.pv_available_mw)},
          {"wind_available_mw", Numbers(p.wind_available_mw)},
          {"price_yuan_per_kwh", Numbers(p.price_yuan_per_kwh)},
          {"band", p.band},
          {"export_price_yuan_per_kwh", p.export_price_yuan_per_kwh},
          {"demand_charge_yuan_per_mw", p.demand_charge_yuan_per_mw},
          {"peak_floor_mw", p.peak_floor_mw},
          {"import_max_mw", p.import_max_mw},
          {"export_max_mw", p.export_max_mw},
          {"carbon_price_yuan_per_t", p.carbon_price_yuan_per_t},
          {"grid_factor_t_per_mwh", p.grid_factor_t_per_mwh},
          {"factor_t_per_mwh", Numbers(p.factor_t_per_mwh)},
          {"battery", BatteryJson(p.battery)},
          {"instructions", instr}};
}

Result<Problem> ProblemFromJson(const Json& j) {
  if (!j.is_object()) return Error::Internal("dispatch: stored problem is not an object");
  Problem p;
  p.step_hours = j.value("step_hours", 0.25);
  p.start_minute = j.value("start_minute", 0);
  p.load_mw = NumbersOf(j["load_mw"]);
  p.pv_available_mw = NumbersOf(j["pv_available_mw"]);
  p.wind_available_mw = NumbersOf(j["wind_available_mw"]);
  p.price_yuan_per_kwh = NumbersOf(j["price_yuan_per_kwh"]);
  if (j["band"].is_array()) p.band = j["band"].get<std::vector<std::string>>();
  p.export_price_yuan_per_kwh = j.value("export_price_yuan_per_kwh", 0.0);
  p.demand_charge_yuan_per_mw = j.value("demand_charge_yuan_per_mw", 0.0);
  p.peak_floor_mw = j.value("peak_floor_mw", 0.0);
  p.import_max_mw = j.value("import_max_mw", 1e9);
  p.export_max_mw = j.value("export_max_mw", 0.0);
  p.carbon_price_yuan_per_t = j.value("carbon_price_yuan_per_t", 0.0);
  p.grid_factor_t_per_mwh = j.value("grid_factor_t_per_mwh", 0.0);
  p.factor_t_per_mwh = NumbersOf(j["factor_t_per_mwh"]);
  const Json& b = j["battery"];
  p.battery.energy_mwh = b.value("energy_mwh", 0.0);
  p.battery.charge_mw = b.value("charge_mw", 0.0);
  p.battery.discharge_mw = b.value("discharge_mw", 0.0);
  p.battery.charge_efficiency = b.value("charge_efficiency", 1.0);
  p.battery.discharge_efficiency = b.value("discharge_efficiency", 1.0);
  p.battery.auxiliary_mw = b.value("auxiliary_mw", 0.0);
  p.battery.self_discharge_per_day = b.value("self_discharge_per_day", 0.0);
  p.battery.soc_min = b.value("soc_min", 0.0);
  p.battery.soc_max = b.value("soc_max", 1.0);
  p.battery.soc_initial = b.value("soc_initial", 0.0);
  p.battery.end_at_least_initial = b.value("end_at_least_initial", true);
  p.battery.throughput_cost_yuan_per_mwh = b.value("throughput_cost_yuan_per_mwh", 0.0);
  for (const auto& i : j["instructions"]) {
    p.instructions.push_back({i.value("limit_mw", 0.0), i.value("first_step", 0), i.value("last_step", 0)});
  }
  return p;
}

Json TariffJson(const StoredTariff& s) {
  const Tariff& t = s.tariff;
  Json bands = Json::array();
  for (const auto& b : t.bands) {
    Json hours = Json::array();
    for (const auto& h : b.hours) hours.push_back({{"from", h.from}, {"to", h.to}});
    bands.push_back({{"band", b.band}, {"hours", hours}, {"price_yuan_per_kwh", b.price_yuan_per_kwh}});
  }
  return {{"id", s.id},
          {"province", t.province},
          {"category", t.category},
          {"voltage_class", t.voltage_class},
          {"months", t.months},
          {"effective_from", t.effective_from},
          {"bands", bands},
          {"demand_charge_yuan_per_kw_month", t.demand_charge_yuan_per_kw_month},
          {"export_price_yuan_per_kwh", t.export_price_yuan_per_kwh},
          {"source", s.source},
          {"created_at", s.created_at}};
}

// Reads a tariff body; every malformed field at once, then the library's validation (overlaps, gaps).
Result<Tariff> TariffFromJson(const Json& body) {
  std::vector<FieldError> e;
  Tariff t;
  auto text = [&](const char* f, std::string& out, bool required) {
    auto it = body.find(f);
    if (it == body.end() || it->is_null()) {
      if (required) e.push_back({f, T("field.required")});
      return;
    }
    if (!it->is_string()) {
      e.push_back({f, T("field.required")});
      return;
    }
    out = it->get<std::string>();
    if (required && out.empty()) e.push_back({f, T("field.required")});
    if (out.size() > 100) e.push_back({f, T("field.too_long", {{"max_chars", 100}})});
  };
  text("province", t.province, true);
  text("category", t.category, true);
  text("voltage_class", t.voltage_class, false);
  text("effective_from", t.effective_from, true);
  auto number = [&](const char* f, double& out) {
    auto it = body.find(f);
    if (it == body.end() || it->is_null()) return;
    if (!it->is_number()) e.push_back({f, T("field.not_number")});
    else out = it->get<double>();
  };
  number("demand_charge_yuan_per_kw_month", t.demand_charge_yuan_per_kw_month);
  number("export_price_yuan_per_kwh", t.export_price_yuan_per_kwh);
  if (auto it = body.find("months"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) {
      e.push_back({"months", T("field.not_number")});
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_number_integer()) e.push_back({fmt::format("months[{}]", i), T("field.not_number")});
        else t.months.push_back((*it)[i].get<int>());
      }
    }
  }
  auto bands = body.find("bands");
  if (bands == body.end() || !bands->is_array() || bands->empty()) {
    e.push_back({"bands", T("field.required")});
  } else {
    for (size_t i = 0; i < bands->size(); ++i) {
      const Json& b = (*bands)[i];
      const std::string prefix = fmt::format("bands[{}]", i);
      TouBand band;
      if (!b.is_object() || !b["band"].is_string() || b["band"].get<std::string>().empty()) {
        e.push_back({prefix + ".band", T("field.required")});
        continue;
      }
      band.band = b["band"].get<std::string>();
      if (!b["price_yuan_per_kwh"].is_number()) e.push_back({prefix + ".price_yuan_per_kwh", T("field.not_number")});
      else band.price_yuan_per_kwh = b["price_yuan_per_kwh"].get<double>();
      const Json& hours = b["hours"];
      if (!hours.is_null() && !hours.is_array()) e.push_back({prefix + ".hours", T("field.required")});
      if (hours.is_array()) {
        for (size_t k = 0; k < hours.size(); ++k) {
          const Json& h = hours[k];
          if (!h.is_object() || !h["from"].is_number_integer() || !h["to"].is_number_integer()) {
            e.push_back({fmt::format("{}.hours[{}]", prefix, k), T("field.not_number")});
            continue;
          }
          band.hours.push_back({h["from"].get<int>(), h["to"].get<int>()});
        }
      }
      t.bands.push_back(std::move(band));
    }
  }
  if (!e.empty()) return Error::Invalid(std::move(e));
  PARK_TRY(ValidateTariff(t));
  return t;
}

Principal Service::Impl::System() const {
  Principal p;
  p.name = "dispatch";
  p.role = Role::kParkAdmin;
  return p;
}

int64_t Service::Impl::DayStart(const std::string& date) const {
  const int64_t days = DaysFromCivil(std::stoll(date.substr(0, 4)), static_cast<unsigned>(std::stoi(date.substr(5, 2))),
                                     static_cast<unsigned>(std::stoi(date.substr(8, 2))));
  return days * kMsPerDay - OffsetMs();
}

std::string Service::Impl::DateOf(int64_t at) const { return FormatDateMs(at + OffsetMs()); }

std::string Service::Impl::Clock(int64_t at) const {
  const int64_t local = at + OffsetMs();
  const int64_t minute = ((local % kMsPerDay) + kMsPerDay) % kMsPerDay / 60'000;
  return fmt::format("{:02d}:{:02d}", minute / 60, minute % 60);
}

Result<Json> Service::Impl::Get(const std::string& path, std::vector<std::pair<std::string, std::string>> query) const {
  const auto match = src.router.Find(http::Method::kGet, path);
  if (match.route == nullptr) return Error::Internal("dispatch: no route GET " + path);
  http::Request req;
  req.method = http::Method::kGet;
  req.path = path;
  req.query = std::move(query);
  req.params = match.params;
  req.request_id = "dispatch";
  req.principal = System();
  const http::Response resp = match.route->handler(req);
  if (resp.status == 404) return Json(nullptr);
  Json body = Json::parse(resp.body, nullptr, false);
  if (resp.status != 200 || body.is_discarded()) {
    return Error::Internal(fmt::format("dispatch: GET {} answered {}", path, resp.status));
  }
  return body;
}

Result<std::vector<StoredTariff>> Service::Impl::Tariffs(store::Tx& tx) const {
  PARK_ASSIGN_OR_RETURN(auto count, tx.QueryOne("SELECT COUNT(*) FROM dispatch_tariffs"));
  if (count && count->Int(0) == 0) {
    // The shipped example (data/dispatch/tou_tariff_example.csv) until the park records its own.
    PARK_ASSIGN_OR_RETURN(auto defaults, ParseTariffCsv(DefaultTariffCsv()));
    for (const auto& t : defaults) {
      const std::string source = t.source.empty() ? std::string("data/dispatch/tou_tariff_example.csv")
                                                  : t.source + " (data/dispatch/tou_tariff_example.csv)";
      StoredTariff s{0, t, source, src.clock.NowMs()};
      const Json j = TariffJson(s);
      PARK_TRY(tx.Exec("INSERT INTO dispatch_tariffs (province, category, voltage_class, months, effective_from, bands, "
                       "demand_charge_yuan_per_kw_month, export_price_yuan_per_kwh, source, created_at) VALUES "
                       "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                       {t.province, t.category, t.voltage_class, j["months"].dump(), t.effective_from, j["bands"].dump(),
                        t.demand_charge_yuan_per_kw_month, t.export_price_yuan_per_kwh, source, s.created_at}));
    }
  }
  PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
      "SELECT id, province, category, voltage_class, months, effective_from, bands, demand_charge_yuan_per_kw_month, "
      "export_price_yuan_per_kwh, source, created_at FROM dispatch_tariffs ORDER BY effective_from DESC, id DESC"));
  std::vector<StoredTariff> out;
  for (const auto& r : rows) {
    Json body = {{"province", r.Text(1)},
                 {"category", r.Text(2)},
                 {"voltage_class", r.Text(3)},
                 {"months", Json::parse(r.Text(4), nullptr, false)},
                 {"effective_from", r.Text(5)},
                 {"bands", Json::parse(r.Text(6), nullptr, false)},
                 {"demand_charge_yuan_per_kw_month", r.Real(7)},
                 {"export_price_yuan_per_kwh", r.Real(8)}};
    PARK_ASSIGN_OR_RETURN(Tariff t, TariffFromJson(body));
    out.push_back({r.Int(0), std::move(t), r.Text(9), r.Int(10)});
  }
  return out;
}

Result<StoredTariff> Service::Impl::TariffOn(store::Tx& tx, const std::string& date) const {
  PARK_ASSIGN_OR_RETURN(auto all, Tariffs(tx));
  std::vector<Tariff> plain;
  for (const auto& s : all) plain.push_back(s.tariff);
  PARK_ASSIGN_OR_RETURN(Tariff t, TariffInForce(plain, src.province, src.category, src.voltage_class, date));
  for (const auto& s : all) {
    if (s.tariff.province == t.province && s.tariff.category == t.category && s.tariff.voltage_class == t.voltage_class &&
        s.tariff.effective_from == t.effective_from && s.tariff.months == t.months) {
      return s;
    }
  }
  return Error::Internal("dispatch: tariff in force not found again");
}

Result<BatteryState> Service::Impl::Battery() const {
  BatteryState b;
  bool found = false;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "SELECT id, tag, rated FROM equipment WHERE type = 'flow_battery' ORDER BY id LIMIT 1"));
    if (!row) return Status::Ok();
    found = true;
    b.equipment_id = row->Int(0);
    b.tag = row->Text(1);
    const Json rated = Json::parse(row->Text(2).empty() ? "{}" : row->Text(2), nullptr, false);
    b.energy_mwh = rated.is_object() && rated.contains("energy_kwh") && rated["energy_kwh"].is_number()
                       ? rated["energy_kwh"].get<double>() / 1000.0
                       : 200.0;
    auto rated_value = [&](const char* key, double scale) -> std::optional<double> {
      if (!rated.is_object() || !rated.contains(key) || !rated[key].is_number()) return std::nullopt;
      return rated[key].get<double>() * scale;
    };
    b.rated_power_mw = rated_value("power_kw", 0.001);
    b.rated_soc_min = rated_value("soc_min", 1);
    b.rated_soc_max = rated_value("soc_max", 1);
    return Status::Ok();
  }));
  if (!found) return Error::Coded(ErrorCode::kFailedPrecondition, T("dispatch.plan.no_battery"));
  PARK_ASSIGN_OR_RETURN(Json latest, Get("/api/v1/latest", {{"equipment_id", std::to_string(b.equipment_id)}}));
  if (latest.is_object() && latest["items"].is_array()) {
    for (const auto& item : latest["items"]) {
      const std::string key = item.value("key", "");
      const std::string suffix = key.substr(key.rfind('.') + 1);
      if (!item["value"].is_number() || !item["ts"].is_string()) continue;
      auto at = ParseInstantMs(item["ts"].get<std::string>(), "ts");
      if (!at.ok()) continue;
      if (suffix == "soc") {
        b.soc = std::clamp(item["value"].get<double>() / 100.0, 0.0, 1.0);
        b.soc_at = *at;
        b.soc_sensor = key;
      } else if (suffix == "power") {
        b.power_mw = item["value"].get<double>();
        b.power_at = *at;
      }
    }
  }
  return b;
}

Result<Json> Service::Impl::MakePlan(const PlanRequest& req) {
  const int64_t day_start = DayStart(req.date);
  PARK_ASSIGN_OR_RETURN(BatteryState state, Battery());
  Problem p;
  p.step_hours = 0.25;
  p.start_minute = req.first_step * 15;
  p.carbon_price_yuan_per_t = req.carbon_price.value_or(src.carbon_price_yuan_per_t);
  p.import_max_mw = req.import_max.value_or(src.import_max_mw);
  p.export_max_mw = req.export_max.value_or(src.export_max_mw);
  // The initial state of charge: as given, else measured (within the operating window), else the window's middle.
  // The vanadium defaults (data/dispatch/vrfb_defaults.csv) where the nameplate says nothing.
  struct Battery battery = DefaultVanadiumBattery(state.energy_mwh, 0.5);
  if (state.rated_power_mw) battery.charge_mw = battery.discharge_mw = *state.rated_power_mw;
  if (state.rated_soc_min) battery.soc_min = *state.rated_soc_min;
  if (state.rated_soc_max) battery.soc_max = *state.rated_soc_max;
  Text soc_text;
  std::string soc_source;
  if (req.soc_initial) {
    battery.soc_initial = *req.soc_initial;
    soc_source = "given";
    soc_text = T("dispatch.plan.soc_given", {{"soc", *req.soc_initial}});
  } else if (state.soc) {
    battery.soc_initial = std::clamp(*state.soc, battery.soc_min, battery.soc_max);
    soc_source = "measured";
    soc_text = T("dispatch.plan.soc_measured", {{"soc", *state.soc}, {"sensor", state.soc_sensor},
                                                {"at", FormatInstantMs(*state.soc_at)}});
  } else {
    battery.soc_initial = (battery.soc_min + battery.soc_max) / 2;
    soc_source = "default";
    soc_text = T("dispatch.plan.soc_default", {{"soc", battery.soc_initial}});
  }
  const Json& o = req.battery_overrides;
  for (auto [name, field] : {std::pair{"energy_mwh", &battery.energy_mwh}, std::pair{"charge_mw", &battery.charge_mw},
                             std::pair{"discharge_mw", &battery.discharge_mw},
                             std::pair{"charge_efficiency", &battery.charge_efficiency},
                             std::pair{"discharge_efficiency", &battery.discharge_efficiency},
                             std::pair{"auxiliary_mw", &battery.auxiliary_mw},
                             std::pair{"self_discharge_per_day", &battery.self_discharge_per_day},
                             std::pair{"soc_min", &battery.soc_min}, std::pair{"soc_max", &battery.soc_max},
                             std::pair{"throughput_cost_yuan_per_mwh", &battery.throughput_cost_yuan_per_mwh}}) {
    auto it = o.find(name);
    if (it == o.end() || it->is_null()) continue;
    if (!it->is_number()) return Error::Invalid(std::string("battery.") + name, T("field.not_number"));
    *field = it->get<double>();
  }
  p.battery = battery;

  // The grid factor: the carbon module's, for the plan's year (the newest earlier year when none yet).
  static const auto library = carbon::DefaultFactorLibrary();
  if (!library.ok()) return library.error();
  carbon::FactorLibrary::Query fq;
  fq.kind = carbon::FactorKind::kElectricityCo2;
  fq.subject = "electricity";
  fq.year = std::stoi(req.date.substr(0, 4));
  fq.basis = "average";
  PARK_ASSIGN_OR_RETURN(const carbon::Factor* factor, library->Lookup(fq));
  p.grid_factor_t_per_mwh = factor->value;

  Json forecast_ids = Json::object();
  StoredTariff tariff;
  std::vector<int64_t> instruction_ids;
  PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
    for (const char* kind : {"load", "pv", "wind"}) {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
          "SELECT id, values_mw FROM dispatch_forecasts WHERE date = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
          {req.date, std::string(kind)}));
      if (!row) {
        if (std::string_view(kind) == "load") {
          return Error::Coded(ErrorCode::kFailedPrecondition,
                              T("dispatch.plan.forecast_missing", {{"kind", kind}, {"date", req.date}}), "forecasts.load");
        }
        forecast_ids[kind] = nullptr;
        continue;
      }
      forecast_ids[kind] = row->Int(0);
      std::vector<double> v = NumbersOf(Json::parse(row->Text(1), nullptr, false));
      if (static_cast<int>(v.size()) != kStepsPerDay) return Error::Internal("dispatch: stored forecast is not 96 steps");
      std::vector<double> part(v.begin() + req.first_step, v.end());
      if (std::string_view(kind) == "load") p.load_mw = part;
      else if (std::string_view(kind) == "pv") p.pv_available_mw = part;
      else p.wind_available_mw = part;
    }
    PARK_ASSIGN_OR_RETURN(tariff, TariffOn(tx, req.date));
    ApplyTariff(tariff.tariff, p);
    const int64_t plan_from = day_start + req.first_step * kStepMs, plan_to = day_start + kMsPerDay;
    PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(
        "SELECT id, limit_mw, from_at, to_at FROM dispatch_instructions WHERE from_at < $1 AND to_at > $2 ORDER BY id",
        {plan_to, plan_from}));
    for (const auto& r : rows) {
      const int first = static_cast<int>(std::max<int64_t>(0, (r.Int(2) - plan_from) / kStepMs));
      const int last = static_cast<int>(std::min<int64_t>(static_cast<int64_t>(p.load_mw.size()),
                                                          (r.Int(3) - plan_from + kStepMs - 1) / kStepMs) - 1);
      if (last < first) continue;
      p.instructions.push_back({r.Real(1), first, last});
      instruction_ids.push_back(r.Int(0));
    }
    return Status::Ok();
  }));
  PARK_ASSIGN_OR_RETURN(Comparison c, Compare(p));

  Json steps = Json::array();
  const int64_t start_at = day_start + req.first_step * kStepMs;
  for (size_t i = 0; i < c.plan.steps.size(); ++i) {
    const Step& s = c.plan.steps[i];
    steps.push_back({{"step", static_cast<int>(i) + req.first_step},
                     {"at", start_at + static_cast<int64_t>(i) * kStepMs},
                     {"load", s.load},
                     {"pv", s.pv},
                     {"wind", s.wind},
                     {"charge", s.charge},
                     {"discharge", s.discharge},
                     {"soc_mwh", s.soc_mwh},
                     {"soc", p.battery.energy_mwh > 0 ? s.soc_mwh / p.battery.energy_mwh : 0.0},
                     {"import_mw", s.import_mw},
                     {"export_mw", s.export_mw},
                     {"curtailment", s.curtailment},
                     {"flexible", s.flexible},
                     {"price_yuan_per_kwh", p.price_yuan_per_kwh[i]},
                     {"band", p.band[i]}});
  }
  Json bands = Json::array();
  for (size_t i = 0; i < p.band.size(); ++i) {
    const int step = static_cast<int>(i) + req.first_step;
    if (i > 0 && p.band[i] == p.band[i - 1]) {
      bands.back()["to_step"] = step;
      continue;
    }
    bands.push_back({{"from_step", step}, {"to_step", step}, {"band", p.band[i]}, {"price_yuan_per_kwh", p.price_yuan_per_kwh[i]}});
  }
  Json shortfalls = Json::array();
  for (const auto& sf : c.plan.shortfalls) {
    shortfalls.push_back({{"instruction_id", instruction_ids[static_cast<size_t>(sf.instruction)]},
                          {"mwh_short", sf.mwh_short},
                          {"max_over_mw", sf.max_over_mw},
                          {"text", TextJson(sf.text)}});
  }
  std::vector<Text> explanation = c.plan.explanation;
  explanation.insert(explanation.end(), c.explanation.begin(), c.explanation.end());
  explanation.push_back(T("dispatch.plan.tariff", {{"province", tariff.tariff.province}, {"category", tariff.tariff.category},
                                                    {"effective_from", tariff.tariff.effective_from},
                                                    {"id", std::to_string(tariff.id)}}));
  explanation.push_back(T("dispatch.plan.grid_factor", {{"value", factor->value}, {"unit", factor->unit}, {"id", factor->id},
                                                         {"revision", std::to_string(factor->revision)},
                                                         {"year", std::to_string(factor->year)}, {"source", factor->source}}));
  explanation.push_back(soc_text);
  const bool met = c.plan.shortfalls.empty();
  Json summary = {
      {"date", req.date},
      {"kind", req.kind},
      {"reason", TextJson(req.reason)},
      {"parent_id", req.parent_id ? Json(*req.parent_id) : Json(nullptr)},
      {"tariff_id", tariff.id},
      {"start_at", start_at},
      {"step_minutes", 15},
      {"soc_initial", p.battery.soc_initial},
      {"soc_source", soc_source},
      {"total_yuan", c.plan.costs.total_yuan},
      {"emissions_t", c.plan.emissions_t},
      {"renewable_self_consumption", c.plan.renewable_self_consumption},
      {"renewable_available_mwh", c.plan.renewable_available_mwh},
      {"renewable_self_consumed_mwh", c.plan.renewable_self_consumed_mwh},
      {"peak_import_mw", c.plan.peak_import_mw},
      {"met", met},
      {"instruction_ids", instruction_ids},
      {"battery", BatteryJson(p.battery)},
      {"costs", CostsJson(c.plan.costs)},
      {"comparisons", {{"rule_based", BaselineJson(c.rule_based)},
                       {"no_battery", BaselineJson(c.no_battery)},
                       {"saving_vs_rule_based_yuan", c.saving_vs_rule_based_yuan},
                       {"saving_vs_no_battery_yuan", c.saving_vs_no_battery_yuan}}},
      {"shortfalls", shortfalls},
      {"explanation", TextListJson(explanation)},
      {"inputs", {{"carbon_price_yuan_per_t", p.carbon_price_yuan_per_t},
                  {"grid_factor", {{"id", factor->id}, {"revision", factor->revision}, {"value", factor->value},
                                   {"unit", factor->unit}, {"source", factor->source}, {"year", factor->year}}},
                  {"import_max_mw", p.import_max_mw},
                  {"export_max_mw", p.export_max_mw},
                  {"forecasts", forecast_ids},
                  {"tariff", {{"id", tariff.id}, {"province", tariff.tariff.province},
                              {"category", tariff.tariff.category}, {"effective_from", tariff.tariff.effective_from}}}}},
      {"bands", bands}};
  const int64_t now = src.clock.NowMs();
  int64_t id = 0;
  PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO dispatch_plans (date, kind, parent_id, tariff_id, start_at, total_yuan, met, summary, steps, "
        "problem, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        {req.date, req.kind, req.parent_id ? store::Value(*req.parent_id) : store::Value(nullptr), tariff.id, start_at,
         c.plan.costs.total_yuan, int64_t{met ? 1 : 0}, summary.dump(), steps.dump(), ProblemJson(p).dump(), now}));
    id = row->Int(0);
    // Each instruction the plan covers records whether this, its latest plan, meets it.
    for (size_t k = 0; k < instruction_ids.size(); ++k) {
      Json shortfall = nullptr;
      for (const auto& sf : shortfalls) {
        if (sf["instruction_id"] == instruction_ids[k]) shortfall = sf;
      }
      PARK_TRY(tx.Exec("UPDATE dispatch_instructions SET plan_id = $1, met = $2, shortfall = $3 WHERE id = $4",
                       {id, int64_t{shortfall.is_null() ? 1 : 0}, shortfall.is_null() ? std::string() : shortfall.dump(),
                        instruction_ids[k]}));
    }
    return Status::Ok();
  }));
  summary["id"] = id;
  summary["created_at"] = now;
  summary["steps"] = steps;
  if (src.hub) {
    src.hub->Publish("dispatch.plan", {{"id", id}, {"date", req.date}, {"kind", req.kind},
                                       {"total_yuan", c.plan.costs.total_yuan}, {"met", met}},
                     std::nullopt, {Role::kParkAdmin, Role::kParkStaff});
  }
  return summary;
}

Result<Json> Service::Impl::PublishSetpoint(int64_t plan_id, std::optional<int> step) {
  if (!src.mqtt_enabled) return Error::Coded(ErrorCode::kFailedPrecondition, T("dispatch.mqtt.not_configured"));
  PARK_ASSIGN_OR_RETURN(BatteryState state, Battery());
  Json steps;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT steps FROM dispatch_plans WHERE id = $1", {plan_id}));
    if (!row) return Error::NotFound(T("dispatch.plan.not_found", {{"id", std::to_string(plan_id)}}));
    steps = Json::parse(row->Text(0), nullptr, false);
    return Status::Ok();
  }));
  const int64_t now = src.clock.NowMs();
  const Json* chosen = nullptr;
  for (const auto& s : steps) {
    const int64_t at = s["at"].get<int64_t>();
    if (step ? s["step"].get<int>() == *step : (at <= now && now < at + kStepMs)) chosen = &s;
  }
  if (chosen == nullptr) {
    return Error::Invalid("step", T("dispatch.window_invalid", {{"first", step ? static_cast<double>(*step) : -1.0},
                                                                {"last", step ? static_cast<double>(*step) : -1.0},
                                                                {"steps", static_cast<double>(steps.size())}}));
  }
  const double power = (*chosen)["discharge"].get<double>() - (*chosen)["charge"].get<double>();
  const int step_no = (*chosen)["step"].get<int>();
  const std::string topic = fmt::format("{}/{}/setpoint", src.topic_prefix, state.tag);
  const Json payload = {{"plan_id", plan_id}, {"step", step_no}, {"power_mw", power}, {"at", (*chosen)["at"]}};
  Status sent = Status::Ok();
  {
    std::lock_guard lock(publish_mutex);
    if (!publisher) {
      mqtt::Options o = src.mqtt;
      o.client_id = src.mqtt.client_id + "-dispatch-pub";
      o.clean_session = true;
      auto p = mqtt::Publisher::Connect(o, 5000);
      if (p.ok()) publisher = std::move(*p);
      else sent = p.error();
    }
    if (publisher) sent = publisher->Publish(topic, payload.dump(), 1, false, 5000);
  }
  const std::string status = sent.ok() ? "sent" : "failed";
  if (!sent.ok()) spdlog::warn("dispatch: setpoint of plan {} step {} not published: {}", plan_id, step_no, sent.error().message);
  Json out;
  PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(
        "INSERT INTO dispatch_setpoints (plan_id, step, device, topic, power_mw, status, sent_at) VALUES "
        "($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        {plan_id, int64_t{step_no}, state.tag, topic, power, status, now}));
    out = {{"id", row->Int(0)}, {"plan_id", plan_id}, {"step", step_no}, {"device", state.tag}, {"topic", topic},
           {"power_mw", power}, {"status", status}, {"sent_at", now}, {"acked_at", nullptr}};
    return Status::Ok();
  }));
  return out;
}

Status Service::Impl::OnAck(const mqtt::Message& m) {
  const auto segments = mqtt::WildcardSegments(src.topic_prefix + "/+/ack", m.topic);
  if (segments.empty()) return Error::Invalid("topic", "not an ack topic");
  const Json j = Json::parse(m.payload, nullptr, false);
  if (!j.is_object() || !j["plan_id"].is_number_integer() || !j["step"].is_number_integer()) {
    return Error::Invalid("payload", "an ack needs plan_id and step");
  }
  const int64_t now = src.clock.NowMs();
  return src.store.Write([&](store::Tx& tx) -> Status {
    PARK_TRY(tx.Exec("UPDATE dispatch_setpoints SET status = 'acked', acked_at = $1 WHERE plan_id = $2 AND step = $3 "
                     "AND device = $4 AND acked_at IS NULL",
                     {now, j["plan_id"].get<int64_t>(), j["step"].get<int64_t>(), segments.front()}));
    return Status::Ok();
  });
}

void Service::Impl::Notify(int64_t order_id, int64_t enterprise_id, double cut_mw, int64_t from, int64_t to,
                           const std::string& webhook_url) {
  if (src.hub) {
    src.hub->Publish("dispatch.order", {{"order_id", order_id}, {"enterprise_id", enterprise_id}, {"cut_mw", cut_mw},
                                        {"from", from}, {"to", to}},
                     enterprise_id, {Role::kParkAdmin, Role::kParkStaff, Role::kEnterpriseUser});
  }
  if (!webhook_url.empty() && src.webhook) {
    const Text said = T("dispatch.order.notice", {{"cut_mw", cut_mw}, {"from", DateOf(from) + " " + Clock(from)},
                                                  {"to", DateOf(to) + " " + Clock(to)}});
    // DingTalk's and WeCom's robots both take a text message of this shape; the group reads Chinese.
    const Json body = {{"msgtype", "text"}, {"text", {{"content", RenderText(said, Locale::kZhCN)}}}};
    if (auto sent = src.webhook(webhook_url, body.dump()); !sent.ok()) {
      spdlog::warn("dispatch: order {} webhook to enterprise {} failed: {}", order_id, enterprise_id, sent.error().message);
    }
  }
}

Status Service::Impl::Job() {
  const int64_t now = src.clock.NowMs();
  const std::string today = DateOf(now);
  // Setpoints not acknowledged in time are missing.
  PARK_TRY(src.store.Write([&](store::Tx& tx) -> Status {
    PARK_TRY(tx.Exec("UPDATE dispatch_setpoints SET status = 'missing' WHERE status = 'sent' AND sent_at < $1",
                     {now - src.ack_timeout_ms}));
    return Status::Ok();
  }));
  std::optional<int64_t> latest;
  PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM dispatch_plans WHERE date = $1 ORDER BY id DESC LIMIT 1", {today}));
    if (row) latest = row->Int(0);
    return Status::Ok();
  }));
  if (!latest) return Status::Ok();
  // The rolling re-plan: from the measured state of charge, from the current step to midnight.
  if (now - last_replan_ms >= src.replan_interval_ms) {
    last_replan_ms = now;
    PlanRequest r;
    r.date = today;
    r.first_step = static_cast<int>((now - DayStart(today)) / kStepMs);
    r.kind = "rolling";
    r.reason = T("dispatch.plan.reason_rolling");
    r.parent_id = latest;
    auto plan = MakePlan(r);
    if (plan.ok()) latest = (*plan)["id"].get<int64_t>();
    else spdlog::warn("dispatch: rolling re-plan failed: {}", plan.error().message);
  }
  if (src.mqtt_enabled) {
    const int step = static_cast<int>((now - DayStart(today)) / kStepMs);
    bool sent = false;
    PARK_TRY(src.store.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM dispatch_setpoints WHERE plan_id = $1 AND step = $2",
                                                  {*latest, int64_t{step}}));
      sent = row.has_value();
      return Status::Ok();
    }));
    if (!sent) {
      auto r = PublishSetpoint(*latest, std::nullopt);
      if (!r.ok()) spdlog::warn("dispatch: setpoint of plan {}: {}", *latest, r.error().message);
    }
  }
  return Status::Ok();
}

void Service::Impl::Loop() {
  std::unique_lock lock(mutex);
  while (!stopping) {
    lock.unlock();
    if (auto st = Job(); !st.ok()) spdlog::warn("dispatch: job failed: {}", st.error().message);
    lock.lock();
    cv.wait_for(lock, std::chrono::milliseconds(src.job_interval_ms), [this] { return stopping; });
  }
}

Service::Service(ServiceSources sources) : impl_(std::make_unique<Impl>(std::move(sources))) {}
Service::~Service() { Stop(); }

void Service::Register(http::Router& router) { RegisterRoutes(*impl_, router); }

void Service::Start() {
  Impl* s = impl_.get();
  if (s->worker.joinable()) return;
  if (s->src.mqtt_enabled) {
    mqtt::Options o = s->src.mqtt;
    o.client_id = s->src.mqtt.client_id + "-dispatch-ack";
    s->acks = std::make_unique<mqtt::Subscriber>(o, std::vector<std::string>{s->src.topic_prefix + "/+/ack"},
                                                 [s](const mqtt::Message& m) { return s->OnAck(m); });
    if (auto st = s->acks->Start(); !st.ok()) spdlog::warn("dispatch: ack subscription: {}", st.error().message);
  }
  {
    std::lock_guard lock(s->mutex);
    s->stopping = false;
  }
  s->last_replan_ms = s->src.clock.NowMs();  // the day's plan stands for an interval before it rolls
  s->worker = std::thread([s] { s->Loop(); });
}

void Service::Stop() {
  Impl* s = impl_.get();
  {
    std::lock_guard lock(s->mutex);
    s->stopping = true;
  }
  s->cv.notify_all();
  if (s->worker.joinable()) s->worker.join();
  if (s->acks) s->acks->Stop();
  std::lock_guard lock(s->publish_mutex);
  s->publisher.reset();
}

Status Service::RunOnce() { return impl_->Job(); }

std::unique_ptr<Service> Register(http::Router& router, ServiceSources sources) {
  auto s = std::make_unique<Service>(std::move(sources));
  s->Register(router);
  return s;
}

}  // namespace park::dispatch
