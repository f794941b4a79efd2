// The dispatch plan as a linear program (COIN-OR CLP), its MPS form, evaluation and the baselines.
//
// Per step t (length dt hours) the columns are PV and wind used, battery charge c and discharge d, the
// stored energy s at the end of the step, import and export, each flexible load's draw and, per grid
// instruction covering t, the import above the instruction's limit (penalised). One column holds the peak
// import for the demand charge.
//   balance:  pv + wind + d + import - c - export - sum(flex) = load + auxiliary
//   storage:  s_t = (1 - sd dt / 24) s_{t-1} + eta_c dt c - dt / eta_d d       (s_{-1} = initial energy)
//   peak:     import - P <= 0
//   flexible: sum_t dt flex_k,t = energy_k
//   instruction: import - short_k,t <= limit_k
// minimise sum_t dt (price import + carbon price x factor import - export price export
//                    + throughput cost (c + d) + penalty short) + demand charge x P
#include <algorithm>
#include <cmath>
#include <limits>

#include <coin/ClpSimplex.hpp>
#include <coin/ClpSolve.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <fmt/format.h>

#include "park/core/error.hpp"
#include "park/dispatch/dispatch.hpp"

namespace park::dispatch {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Yuan per MWh of import above an instruction's limit: far above any tariff, so the plan meets the
// instruction whenever it can and otherwise comes as close as it can.
constexpr double kShortPenalty = 1e6;

struct Lp {
  std::vector<double> col_lb, col_ub, obj;
  std::vector<double> row_lb, row_ub;
  std::vector<int> rows, cols;
  std::vector<double> elements;

  int AddCol(double lb, double ub, double cost) {
    col_lb.push_back(lb);
    col_ub.push_back(ub);
    obj.push_back(cost);
    return static_cast<int>(obj.size()) - 1;
  }
  int AddRow(double lb, double ub) {
    row_lb.push_back(lb);
    row_ub.push_back(ub);
    return static_cast<int>(row_lb.size()) - 1;
  }
  void Set(int row, int col, double value) {
    rows.push_back(row);
    cols.push_back(col);
    elements.push_back(value);
  }
};

struct Columns {
  std::vector<int> pv, wind, charge, discharge, soc, import_, export_;
  std::vector<std::vector<int>> flex;   // [load][step], -1 outside the window
  std::vector<std::vector<int>> short_;  // [instruction][step], -1 outside the window
  int peak = -1;
};

int Steps(const Problem& p) { return static_cast<int>(p.load_mw.size()); }
double At(const std::vector<double>& v, int t) { return v.empty() ? 0.0 : v[static_cast<size_t>(t)]; }
double Factor(const Problem& p, int t) { return p.factor_t_per_mwh.empty() ? p.grid_factor_t_per_mwh : p.factor_t_per_mwh[static_cast<size_t>(t)]; }
double Retention(const Problem& p) { return 1.0 - p.battery.self_discharge_per_day * p.step_hours / 24.0; }
double InitialEnergy(const Problem& p) { return p.battery.energy_mwh * p.battery.soc_initial; }

std::string ClockLabel(const Problem& p, int step) {
  long minutes = std::lround(p.start_minute + step * p.step_hours * 60.0);
  long of_day = ((minutes % 1440) + 1440) % 1440;
  return fmt::format("{:02d}:{:02d}", of_day / 60, of_day % 60);
}

Lp Build(const Problem& p, Columns& c) {
  Lp lp;
  const int T = Steps(p);
  const double dt = p.step_hours;
  const Battery& b = p.battery;
  const double e_min = b.energy_mwh * b.soc_min;
  const double e_max = b.energy_mwh * b.soc_max;
  for (int t = 0; t < T; ++t) {
    double price = At(p.price_yuan_per_kwh, t) * 1000.0;
    c.pv.push_back(lp.AddCol(0, At(p.pv_available_mw, t), 0));
    c.wind.push_back(lp.AddCol(0, At(p.wind_available_mw, t), 0));
    c.charge.push_back(lp.AddCol(0, b.charge_mw, dt * b.throughput_cost_yuan_per_mwh));
    c.discharge.push_back(lp.AddCol(0, b.discharge_mw, dt * b.throughput_cost_yuan_per_mwh));
    double soc_lb = e_min;
    if (t == T - 1 && b.end_at_least_initial) soc_lb = std::max(e_min, InitialEnergy(p));
    c.soc.push_back(lp.AddCol(soc_lb, e_max, 0));
    c.import_.push_back(lp.AddCol(0, p.import_max_mw, dt * (price + p.carbon_price_yuan_per_t * Factor(p, t))));
    c.export_.push_back(lp.AddCol(0, p.export_max_mw, -dt * p.export_price_yuan_per_kwh * 1000.0));
  }
  c.flex.assign(p.flexible.size(), std::vector<int>(static_cast<size_t>(T), -1));
  for (size_t k = 0; k < p.flexible.size(); ++k) {
    const FlexibleLoad& f = p.flexible[k];
    for (int t = std::max(0, f.first_step); t <= std::min(T - 1, f.last_step); ++t) c.flex[k][t] = lp.AddCol(0, f.max_mw, 0);
  }
  c.short_.assign(p.instructions.size(), std::vector<int>(static_cast<size_t>(T), -1));
  for (size_t k = 0; k < p.instructions.size(); ++k) {
    const ImportLimit& in = p.instructions[k];
    for (int t = std::max(0, in.first_step); t <= std::min(T - 1, in.last_step); ++t) {
      c.short_[k][t] = lp.AddCol(0, kInf, dt * kShortPenalty);
    }
  }
  c.peak = lp.AddCol(p.peak_floor_mw, kInf, p.demand_charge_yuan_per_mw);

  const double retention = Retention(p);
  for (int t = 0; t < T; ++t) {
    double demand = p.load_mw[t] + b.auxiliary_mw;
    int bal = lp.AddRow(demand, demand);
    lp.Set(bal, c.pv[t], 1);
    lp.Set(bal, c.wind[t], 1);
    lp.Set(bal, c.discharge[t], 1);
    lp.Set(bal, c.import_[t], 1);
    lp.Set(bal, c.charge[t], -1);
    lp.Set(bal, c.export_[t], -1);
    for (const auto& f : c.flex) {
      if (f[t] >= 0) lp.Set(bal, f[t], -1);
    }
    double rhs = t == 0 ? retention * InitialEnergy(p) : 0.0;
    int sto = lp.AddRow(rhs, rhs);
    lp.Set(sto, c.soc[t], 1);
    if (t > 0) lp.Set(sto, c.soc[t - 1], -retention);
    lp.Set(sto, c.charge[t], -b.charge_efficiency * dt);
    lp.Set(sto, c.discharge[t], dt / b.discharge_efficiency);
    int pk = lp.AddRow(-kInf, 0);
    lp.Set(pk, c.import_[t], 1);
    lp.Set(pk, c.peak, -1);
  }
  for (size_t k = 0; k < p.flexible.size(); ++k) {
    int row = lp.AddRow(p.flexible[k].energy_mwh, p.flexible[k].energy_mwh);
    for (int t = 0; t < T; ++t) {
      if (c.flex[k][t] >= 0) lp.Set(row, c.flex[k][t], dt);
    }
  }
  for (size_t k = 0; k < p.instructions.size(); ++k) {
    for (int t = 0; t < T; ++t) {
      if (c.short_[k][t] < 0) continue;
      int row = lp.AddRow(-kInf, p.instructions[k].limit_mw);
      lp.Set(row, c.import_[t], 1);
      lp.Set(row, c.short_[k][t], -1);
    }
  }
  return lp;
}

std::vector<double> ForClp(std::vector<double> v) {
  for (double& x : v) {
    if (x == kInf) x = COIN_DBL_MAX;
    if (x == -kInf) x = -COIN_DBL_MAX;
  }
  return v;
}

// The worst step when even relaxed instructions leave load unserved: load that the grid connection,
// renewables and a full-power discharge together cannot cover.
Error Infeasible(const Problem& p) {
  double worst = 0;
  int worst_step = 0;
  for (int t = 0; t < Steps(p); ++t) {
    double deficit = p.load_mw[t] + p.battery.auxiliary_mw - At(p.pv_available_mw, t) - At(p.wind_available_mw, t) -
                     p.battery.discharge_mw - p.import_max_mw;
    if (deficit > worst) {
      worst = deficit;
      worst_step = t;
    }
  }
  return Error::Coded(ErrorCode::kFailedPrecondition,
                      T("dispatch.plan.infeasible", {{"time", ClockLabel(p, worst_step)}, {"deficit_mw", worst},
                                                    {"import_max_mw", p.import_max_mw}}),
                      "load_mw");
}

bool Positive(double v) { return std::isfinite(v) && v > 0; }
bool NonNegative(double v) { return std::isfinite(v) && v >= 0; }

}  // namespace

Status ValidateProblem(const Problem& p) {
  std::vector<FieldError> e;
  const size_t n = p.load_mw.size();
  if (!Positive(p.step_hours) || p.step_hours > 24) e.push_back({"step_hours", T("dispatch.value_positive")});
  if (n == 0) e.push_back({"load_mw", T("dispatch.series_empty")});
  auto series = [&](const char* name, const std::vector<double>& v, bool may_be_empty, bool non_negative) {
    if (v.empty() && may_be_empty) return;
    if (v.size() != n) {
      e.push_back({name, T("dispatch.series_length", {{"expected", static_cast<double>(n)}, {"actual", static_cast<double>(v.size())}})});
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i]) || (non_negative && v[i] < 0)) {
        e.push_back({fmt::format("{}[{}]", name, i), T("dispatch.value_negative")});
        return;
      }
    }
  };
  series("load_mw", p.load_mw, false, true);
  series("pv_available_mw", p.pv_available_mw, true, true);
  series("wind_available_mw", p.wind_available_mw, true, true);
  series("price_yuan_per_kwh", p.price_yuan_per_kwh, false, true);
  series("factor_t_per_mwh", p.factor_t_per_mwh, true, true);
  if (!p.band.empty() && p.band.size() != n) {
    e.push_back({"band", T("dispatch.series_length", {{"expected", static_cast<double>(n)}, {"actual", static_cast<double>(p.band.size())}})});
  }
  for (auto [name, v] : {std::pair{"export_price_yuan_per_kwh", p.export_price_yuan_per_kwh},
                         std::pair{"demand_charge_yuan_per_mw", p.demand_charge_yuan_per_mw},
                         std::pair{"peak_floor_mw", p.peak_floor_mw}, std::pair{"import_max_mw", p.import_max_mw},
                         std::pair{"export_max_mw", p.export_max_mw},
                         std::pair{"carbon_price_yuan_per_t", p.carbon_price_yuan_per_t},
                         std::pair{"grid_factor_t_per_mwh", p.grid_factor_t_per_mwh}}) {
    if (!NonNegative(v)) e.push_back({name, T("dispatch.value_negative")});
  }
  const Battery& b = p.battery;
  for (auto [name, v] : {std::pair{"battery.energy_mwh", b.energy_mwh}, std::pair{"battery.charge_mw", b.charge_mw},
                         std::pair{"battery.discharge_mw", b.discharge_mw}, std::pair{"battery.auxiliary_mw", b.auxiliary_mw},
                         std::pair{"battery.throughput_cost_yuan_per_mwh", b.throughput_cost_yuan_per_mwh}}) {
    if (!NonNegative(v)) e.push_back({name, T("dispatch.value_negative")});
  }
  for (auto [name, v] : {std::pair{"battery.charge_efficiency", b.charge_efficiency},
                         std::pair{"battery.discharge_efficiency", b.discharge_efficiency}}) {
    if (!(std::isfinite(v) && v > 0 && v <= 1)) e.push_back({name, T("dispatch.fraction_open", {{"value", v}})});
  }
  for (auto [name, v] : {std::pair{"battery.self_discharge_per_day", b.self_discharge_per_day},
                         std::pair{"battery.soc_min", b.soc_min}, std::pair{"battery.soc_max", b.soc_max},
                         std::pair{"battery.soc_initial", b.soc_initial}}) {
    if (!(std::isfinite(v) && v >= 0 && v <= 1)) e.push_back({name, T("dispatch.fraction", {{"value", v}})});
  }
  if (b.soc_min > b.soc_max) e.push_back({"battery.soc_min", T("dispatch.soc_window", {{"soc_min", b.soc_min}, {"soc_max", b.soc_max}})});
  else if (b.soc_initial < b.soc_min || b.soc_initial > b.soc_max) {
    e.push_back({"battery.soc_initial", T("dispatch.soc_outside_window", {{"value", b.soc_initial}, {"soc_min", b.soc_min}, {"soc_max", b.soc_max}})});
  }
  const int steps = static_cast<int>(n);
  auto window = [&](const std::string& prefix, int first, int last) {
    if (first < 0 || last >= steps || first > last) {
      e.push_back({prefix + ".first_step", T("dispatch.window_invalid", {{"first", static_cast<double>(first)}, {"last", static_cast<double>(last)}, {"steps", static_cast<double>(steps)}})});
      return false;
    }
    return true;
  };
  for (size_t k = 0; k < p.flexible.size(); ++k) {
    const FlexibleLoad& f = p.flexible[k];
    std::string prefix = fmt::format("flexible[{}]", k);
    if (!NonNegative(f.energy_mwh)) e.push_back({prefix + ".energy_mwh", T("dispatch.value_negative")});
    if (!NonNegative(f.max_mw)) e.push_back({prefix + ".max_mw", T("dispatch.value_negative")});
    if (window(prefix, f.first_step, f.last_step) && Positive(p.step_hours)) {
      double most = f.max_mw * p.step_hours * (f.last_step - f.first_step + 1);
      if (f.energy_mwh > most + 1e-9) {
        e.push_back({prefix + ".energy_mwh", T("dispatch.flexible_too_much", {{"energy_mwh", f.energy_mwh}, {"most_mwh", most}})});
      }
    }
  }
  for (size_t k = 0; k < p.instructions.size(); ++k) {
    std::string prefix = fmt::format("instructions[{}]", k);
    if (!NonNegative(p.instructions[k].limit_mw)) e.push_back({prefix + ".limit_mw", T("dispatch.value_negative")});
    window(prefix, p.instructions[k].first_step, p.instructions[k].last_step);
  }
  if (!e.empty()) return Error::Invalid(std::move(e));
  return Status::Ok();
}

void ApplyTariff(const Tariff& tariff, Problem& p) {
  const size_t T = p.load_mw.size();
  p.price_yuan_per_kwh.assign(T, 0);
  p.band.assign(T, {});
  for (size_t t = 0; t < T; ++t) {
    double minute = p.start_minute + (static_cast<double>(t) + 0.5) * p.step_hours * 60.0;
    int hour = static_cast<int>(std::floor(minute / 60.0));
    const TouBand& band = BandAt(tariff, hour);
    p.price_yuan_per_kwh[t] = band.price_yuan_per_kwh;
    p.band[t] = band.band;
  }
  p.export_price_yuan_per_kwh = tariff.export_price_yuan_per_kwh;
  p.demand_charge_yuan_per_mw = tariff.demand_charge_yuan_per_kw_month * 1000.0 * (static_cast<double>(T) * p.step_hours / 730.0);
}

Plan Evaluate(const Problem& p, std::vector<Step> steps) {
  Plan plan;
  const double dt = p.step_hours;
  double peak = p.peak_floor_mw;
  for (size_t i = 0; i < steps.size(); ++i) {
    const int t = static_cast<int>(i);
    const Step& s = steps[i];
    plan.costs.energy_yuan += dt * At(p.price_yuan_per_kwh, t) * 1000.0 * s.import_mw;
    plan.emissions_t += dt * Factor(p, t) * s.import_mw;
    plan.costs.export_revenue_yuan += dt * p.export_price_yuan_per_kwh * 1000.0 * s.export_mw;
    plan.costs.throughput_yuan += dt * p.battery.throughput_cost_yuan_per_mwh * (s.charge + s.discharge);
    peak = std::max(peak, s.import_mw);
    plan.peak_import_mw = std::max(plan.peak_import_mw, s.import_mw);
    double renewable = s.pv + s.wind;
    plan.renewable_available_mwh += dt * (At(p.pv_available_mw, t) + At(p.wind_available_mw, t));
    plan.renewable_self_consumed_mwh += dt * std::max(0.0, renewable - s.export_mw);
  }
  plan.costs.carbon_yuan = p.carbon_price_yuan_per_t * plan.emissions_t;
  plan.costs.demand_yuan = p.demand_charge_yuan_per_mw * peak;
  plan.costs.total_yuan = plan.costs.energy_yuan + plan.costs.demand_yuan + plan.costs.carbon_yuan +
                          plan.costs.throughput_yuan - plan.costs.export_revenue_yuan;
  plan.renewable_self_consumption =
      plan.renewable_available_mwh > 0 ? plan.renewable_self_consumed_mwh / plan.renewable_available_mwh : 0.0;
  for (size_t k = 0; k < p.instructions.size(); ++k) {
    const ImportLimit& in = p.instructions[k];
    Shortfall sf;
    sf.instruction = static_cast<int>(k);
    for (int t = std::max(0, in.first_step); t <= std::min(static_cast<int>(steps.size()) - 1, in.last_step); ++t) {
      double over = steps[static_cast<size_t>(t)].import_mw - in.limit_mw;
      if (over > 1e-6) {
        sf.mwh_short += over * dt;
        sf.max_over_mw = std::max(sf.max_over_mw, over);
      }
    }
    if (sf.mwh_short > 1e-6) {
      sf.text = T("dispatch.instruction.short", {{"mwh_short", sf.mwh_short}, {"limit_mw", in.limit_mw},
                                                 {"from", ClockLabel(p, in.first_step)}, {"to", ClockLabel(p, in.last_step + 1)},
                                                 {"max_over_mw", sf.max_over_mw}});
      plan.shortfalls.push_back(std::move(sf));
    }
  }
  plan.explanation.push_back(T("dispatch.formula.objective",
                               {{"energy_yuan", plan.costs.energy_yuan}, {"demand_yuan", plan.costs.demand_yuan},
                                {"carbon_yuan", plan.costs.carbon_yuan}, {"throughput_yuan", plan.costs.throughput_yuan},
                                {"export_yuan", plan.costs.export_revenue_yuan}, {"total_yuan", plan.costs.total_yuan}}));
  plan.explanation.push_back(T("dispatch.formula.inputs",
                               {{"steps", static_cast<double>(steps.size())}, {"step_hours", dt},
                                {"battery_mwh", p.battery.energy_mwh}, {"charge_mw", p.battery.charge_mw},
                                {"discharge_mw", p.battery.discharge_mw},
                                {"round_trip", p.battery.charge_efficiency * p.battery.discharge_efficiency},
                                {"peak_mw", peak}, {"demand_charge_yuan_per_mw", p.demand_charge_yuan_per_mw},
                                {"carbon_price", p.carbon_price_yuan_per_t}, {"emissions_t", plan.emissions_t}}));
  plan.explanation.push_back(T("dispatch.formula.self_consumption",
                               {{"used_mwh", plan.renewable_self_consumed_mwh}, {"available_mwh", plan.renewable_available_mwh},
                                {"share", plan.renewable_self_consumption}}));
  plan.steps = std::move(steps);
  return plan;
}

double LpObjective(const Problem& p, const Plan& plan) {
  double total = plan.costs.total_yuan;
  for (const ImportLimit& in : p.instructions) {
    for (int t = std::max(0, in.first_step); t <= std::min(static_cast<int>(plan.steps.size()) - 1, in.last_step); ++t) {
      total += kShortPenalty * p.step_hours * std::max(0.0, plan.steps[static_cast<size_t>(t)].import_mw - in.limit_mw);
    }
  }
  return total;
}

Result<Plan> Optimise(const Problem& p) {
  PARK_TRY(ValidateProblem(p));
  Columns c;
  Lp lp = Build(p, c);
  CoinPackedMatrix matrix(true, lp.rows.data(), lp.cols.data(), lp.elements.data(), static_cast<CoinBigIndex>(lp.elements.size()));
  matrix.setDimensions(static_cast<int>(lp.row_lb.size()), static_cast<int>(lp.obj.size()));
  ClpSimplex model;
  model.setLogLevel(0);
  std::vector<double> col_lb = ForClp(lp.col_lb), col_ub = ForClp(lp.col_ub);
  std::vector<double> row_lb = ForClp(lp.row_lb), row_ub = ForClp(lp.row_ub);
  model.loadProblem(matrix, col_lb.data(), col_ub.data(), lp.obj.data(), row_lb.data(), row_ub.data());
  // Presolve then dual simplex (ClpSolve's default path): a year of hourly steps shrinks by a third first.
  ClpSolve options;
  options.setSolveType(ClpSolve::useDual);
  options.setPresolveType(ClpSolve::presolveOn);
  model.initialSolve(options);
  if (model.isProvenPrimalInfeasible() || model.isProvenDualInfeasible()) return Infeasible(p);
  if (!model.isProvenOptimal()) {
    model.primal();
    if (!model.isProvenOptimal()) return Infeasible(p);
  }
  const double* x = model.primalColumnSolution();
  const int T = Steps(p);
  std::vector<Step> steps(static_cast<size_t>(T));
  for (int t = 0; t < T; ++t) {
    Step& s = steps[static_cast<size_t>(t)];
    auto v = [&](int col) { return std::max(0.0, x[col]); };
    s.pv = v(c.pv[t]);
    s.wind = v(c.wind[t]);
    s.charge = v(c.charge[t]);
    s.discharge = v(c.discharge[t]);
    s.soc_mwh = v(c.soc[t]);
    s.import_mw = v(c.import_[t]);
    s.export_mw = v(c.export_[t]);
    s.curtailment = std::max(0.0, At(p.pv_available_mw, t) + At(p.wind_available_mw, t) - s.pv - s.wind);
    for (const auto& f : c.flex) {
      if (f[t] >= 0) s.flexible += v(f[t]);
    }
    s.load = p.load_mw[t] + p.battery.auxiliary_mw + s.flexible;
  }
  Plan plan = Evaluate(p, std::move(steps));
  plan.lp_objective = model.objectiveValue();
  return plan;
}

Result<std::string> ToMps(const Problem& p) {
  PARK_TRY(ValidateProblem(p));
  Columns c;
  Lp lp = Build(p, c);
  const size_t n_rows = lp.row_lb.size(), n_cols = lp.obj.size();
  std::vector<std::vector<std::pair<int, double>>> by_col(n_cols);
  for (size_t i = 0; i < lp.elements.size(); ++i) by_col[lp.cols[i]].push_back({lp.rows[i], lp.elements[i]});
  std::string out = "NAME PARKDISPATCH\nROWS\n N COST\n";
  out.reserve(lp.elements.size() * 24);
  for (size_t r = 0; r < n_rows; ++r) {
    char kind = lp.row_lb[r] == lp.row_ub[r] ? 'E' : (lp.row_lb[r] == -kInf ? 'L' : 'G');
    fmt::format_to(std::back_inserter(out), " {} R{}\n", kind, r);
  }
  out += "COLUMNS\n";
  for (size_t j = 0; j < n_cols; ++j) {
    if (lp.obj[j] != 0) fmt::format_to(std::back_inserter(out), " C{} COST {:.17g}\n", j, lp.obj[j]);
    for (auto [row, value] : by_col[j]) fmt::format_to(std::back_inserter(out), " C{} R{} {:.17g}\n", j, row, value);
    if (lp.obj[j] == 0 && by_col[j].empty()) fmt::format_to(std::back_inserter(out), " C{} COST 0\n", j);
  }
  out += "RHS\n";
  for (size_t r = 0; r < n_rows; ++r) {
    double rhs = lp.row_lb[r] == -kInf ? lp.row_ub[r] : lp.row_lb[r];
    if (rhs != 0) fmt::format_to(std::back_inserter(out), " RHS R{} {:.17g}\n", r, rhs);
  }
  out += "BOUNDS\n";
  for (size_t j = 0; j < n_cols; ++j) {
    double lb = lp.col_lb[j], ub = lp.col_ub[j];
    if (lb == ub) {
      fmt::format_to(std::back_inserter(out), " FX BND C{} {:.17g}\n", j, lb);
      continue;
    }
    if (lb != 0) fmt::format_to(std::back_inserter(out), " LO BND C{} {:.17g}\n", j, lb);
    if (ub != kInf) fmt::format_to(std::back_inserter(out), " UP BND C{} {:.17g}\n", j, ub);
  }
  out += "ENDATA\n";
  return out;
}

Result<Plan> NoBatteryBaseline(const Problem& p) {
  Problem q = p;
  q.battery = Battery{};
  return Optimise(q);
}

Plan RuleBasedBaseline(const Problem& p) {
  const int T = Steps(p);
  const double dt = p.step_hours;
  const Battery& b = p.battery;
  const double e_min = b.energy_mwh * b.soc_min, e_max = b.energy_mwh * b.soc_max;
  const double retention = Retention(p);
  std::vector<double> flex(static_cast<size_t>(T), 0.0);
  for (const FlexibleLoad& f : p.flexible) {
    int n = f.last_step - f.first_step + 1;
    for (int t = f.first_step; t <= f.last_step; ++t) flex[static_cast<size_t>(t)] += f.energy_mwh / (n * dt);
  }
  std::vector<Step> steps(static_cast<size_t>(T));
  double energy = InitialEnergy(p);
  for (int t = 0; t < T; ++t) {
    Step& s = steps[static_cast<size_t>(t)];
    s.flexible = flex[static_cast<size_t>(t)];
    s.load = p.load_mw[t] + b.auxiliary_mw + s.flexible;
    double pv = At(p.pv_available_mw, t), wind = At(p.wind_available_mw, t);
    double net = s.load - pv - wind;
    double held = energy * retention;
    double room_mw = std::max(0.0, (e_max - held) / (b.charge_efficiency * dt));
    double avail_mw = std::max(0.0, (held - e_min) * b.discharge_efficiency / dt);
    const std::string band = p.band.empty() ? std::string() : p.band[static_cast<size_t>(t)];
    if (band == "valley" || band == "deep_valley") {
      s.charge = std::min(b.charge_mw, room_mw);
    } else if (band == "peak" || band == "critical_peak") {
      s.discharge = std::min({b.discharge_mw, avail_mw, std::max(0.0, net)});
    }
    if (net < 0 && s.discharge == 0) s.charge = std::max(s.charge, std::min({b.charge_mw, room_mw, -net}));
    energy = held + b.charge_efficiency * dt * s.charge - dt / b.discharge_efficiency * s.discharge;
    s.soc_mwh = energy;
    double grid = net + s.charge - s.discharge;
    s.pv = pv;
    s.wind = wind;
    if (grid >= 0) {
      s.import_mw = grid;
    } else {
      s.export_mw = std::min(-grid, p.export_max_mw);
      double spill = -grid - s.export_mw;
      s.curtailment = spill;
      double from_pv = std::min(spill, pv);
      s.pv = pv - from_pv;
      s.wind = wind - (spill - from_pv);
    }
  }
  return Evaluate(p, std::move(steps));
}

Result<Comparison> Compare(const Problem& p) {
  Comparison out;
  PARK_ASSIGN_OR_RETURN(out.plan, Optimise(p));
  PARK_ASSIGN_OR_RETURN(out.no_battery, NoBatteryBaseline(p));
  out.rule_based = RuleBasedBaseline(p);
  out.saving_vs_rule_based_yuan = out.rule_based.costs.total_yuan - out.plan.costs.total_yuan;
  out.saving_vs_no_battery_yuan = out.no_battery.costs.total_yuan - out.plan.costs.total_yuan;
  out.explanation.push_back(T("dispatch.saving.rule_based", {{"baseline_yuan", out.rule_based.costs.total_yuan},
                                                             {"plan_yuan", out.plan.costs.total_yuan},
                                                             {"saving_yuan", out.saving_vs_rule_based_yuan}}));
  out.explanation.push_back(T("dispatch.saving.no_battery", {{"baseline_yuan", out.no_battery.costs.total_yuan},
                                                             {"plan_yuan", out.plan.costs.total_yuan},
                                                             {"saving_yuan", out.saving_vs_no_battery_yuan}}));
  return out;
}

}  // namespace park::dispatch
