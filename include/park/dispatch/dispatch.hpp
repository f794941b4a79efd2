// Energy dispatch (issue 14): pure domain code for the park's microgrid. Time-of-use tariffs as dated data,
// load/PV/wind forecasts, the battery plan as a linear program solved with COIN-OR CLP (exportable as MPS),
// grid instructions with their shortfall in numbers, and the rule-based and no-battery baselines.
// No HTTP, no SQL, no files at run time: the default tariff and battery data are compiled in.
//
// Units: power in MW, energy in MWh, prices in yuan/kWh as tariffs publish them (converted to yuan/MWh
// inside), carbon price in yuan/t CO2, emission factors in t CO2/MWh, times as minutes from the plan start.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/result.hpp"
#include "park/core/text.hpp"

namespace park::dispatch {

// ---------------------------------------------------------------------------------------------------------
// Tariffs

// Whole hours [from, to) of the local day; to <= from wraps past midnight ("22-08").
struct HourRange {
  int from = 0;
  int to = 0;
};

struct TouBand {
  std::string band;  // critical_peak, peak, flat, valley, deep_valley
  std::vector<HourRange> hours;  // empty: the band is not used by this tariff
  double price_yuan_per_kwh = 0;
};

struct Tariff {
  std::string province;
  std::string category;       // e.g. large_industry
  std::string voltage_class;  // e.g. 1-10kV; empty: every class
  std::vector<int> months;    // the season as months 1..12; empty: the whole year
  std::string effective_from;  // YYYY-MM-DD, local date
  std::vector<TouBand> bands;
  double demand_charge_yuan_per_kw_month = 0;  // two-part tariff: maximum-demand charge
  double export_price_yuan_per_kwh = 0;
  std::string source;  // where the tariff comes from
};

// Every hour of the day in exactly one band, prices not negative, a valid start date and months.
// Errors name the field (bands[i].hours, effective_from, ...) and, for overlaps and gaps, the hour.
Status ValidateTariff(const Tariff& tariff);

// Tariffs from the park's tariff CSV, read by the energy account's reader (park::energy::ParseTariffCsv, the one
// tariff reader: province, category, effective_from, band, band_zh, hours, price_yuan_per_kWh, status; the flat band
// takes the hours the others leave), each validated here. Voltage class, season, demand charge and export price
// are set on tariffs recorded through the dispatch service.
Result<std::vector<Tariff>> ParseTariffCsv(std::string_view csv);
std::string_view DefaultTariffCsv();  // data/dispatch/tou_tariff_example.csv, compiled in

// The tariff in force on `date` (YYYY-MM-DD) for the province, category and voltage class: the latest start
// date on or before it among those whose season contains the date's month. NotFound when none applies.
Result<Tariff> TariffInForce(const std::vector<Tariff>& tariffs, std::string_view province,
                             std::string_view category, std::string_view voltage_class, std::string_view date);

// The band in force at the given hour of the day (0..23); the tariff must be valid.
const TouBand& BandAt(const Tariff& tariff, int hour);

// ---------------------------------------------------------------------------------------------------------
// The plan

struct Battery {
  double energy_mwh = 0;
  double charge_mw = 0;
  double discharge_mw = 0;
  double charge_efficiency = 1;
  double discharge_efficiency = 1;
  double auxiliary_mw = 0;              // pumps and controls, drawn at every step
  double self_discharge_per_day = 0;    // fraction of the stored energy
  double soc_min = 0;                   // fractions of energy_mwh
  double soc_max = 1;
  double soc_initial = 0;
  bool end_at_least_initial = true;     // the plan may not sell the battery's initial energy for free
  double throughput_cost_yuan_per_mwh = 0;  // per MWh charged plus per MWh discharged
};

// Defaults from data/dispatch/vrfb_defaults.csv for a battery of this energy (power = energy / duration).
Battery DefaultVanadiumBattery(double energy_mwh, double soc_initial);
std::string_view VanadiumDefaultsCsv();  // data/dispatch/vrfb_defaults.csv, compiled in

// Flexible load: `energy_mwh` to be drawn between steps [first_step, last_step], at most max_mw per step.
struct FlexibleLoad {
  std::string name;
  double energy_mwh = 0;
  double max_mw = 0;
  int first_step = 0;
  int last_step = 0;
};

// A grid instruction: keep import at or below limit_mw over steps [first_step, last_step].
struct ImportLimit {
  double limit_mw = 0;
  int first_step = 0;
  int last_step = 0;
};

struct Problem {
  double step_hours = 0.25;
  int start_minute = 0;                    // minutes after local midnight of the first step (for labels)
  std::vector<double> load_mw;             // the park's inflexible load per step; sets T
  std::vector<double> pv_available_mw;     // empty: no PV
  std::vector<double> wind_available_mw;   // empty: no wind
  std::vector<double> price_yuan_per_kwh;  // import price per step
  std::vector<std::string> band;           // tariff band per step (for the rule-based baseline)
  double export_price_yuan_per_kwh = 0;
  double demand_charge_yuan_per_mw = 0;    // for the plan's horizon: per MW of peak import
  double peak_floor_mw = 0;                // the month's peak so far: the demand charge is paid from here up
  double import_max_mw = 1e9;
  double export_max_mw = 0;
  double carbon_price_yuan_per_t = 0;
  double grid_factor_t_per_mwh = 0;        // used where hourly factors are absent
  std::vector<double> factor_t_per_mwh;    // per step; empty: grid_factor_t_per_mwh
  Battery battery;
  std::vector<FlexibleLoad> flexible;
  std::vector<ImportLimit> instructions;
};

// Prices and bands per step from a tariff; demand charge prorated to the horizon (average month 730 h).
void ApplyTariff(const Tariff& tariff, Problem& problem);

// Every bad field at once (negative energy, efficiencies outside (0, 1], series of the wrong length, ...).
Status ValidateProblem(const Problem& problem);

struct Step {
  double load = 0;  // inflexible + flexible + battery auxiliary
  double pv = 0;
  double wind = 0;
  double charge = 0;
  double discharge = 0;
  double soc_mwh = 0;  // at the end of the step
  double import_mw = 0;
  double export_mw = 0;
  double curtailment = 0;
  double flexible = 0;
};

struct Costs {
  double energy_yuan = 0;
  double demand_yuan = 0;
  double carbon_yuan = 0;
  double export_revenue_yuan = 0;
  double throughput_yuan = 0;
  double total_yuan = 0;  // energy + demand + carbon + throughput - export revenue
};

// An instruction that no plan could meet, in numbers.
struct Shortfall {
  int instruction = 0;   // index into Problem::instructions
  double mwh_short = 0;  // energy imported above the limit in the closest plan
  double max_over_mw = 0;
  Text text;             // dispatch.instruction.short
};

struct Plan {
  std::vector<Step> steps;
  Costs costs;
  double peak_import_mw = 0;
  double emissions_t = 0;
  double renewable_available_mwh = 0;
  double renewable_self_consumed_mwh = 0;  // renewable energy used on site (not exported, not curtailed)
  double renewable_self_consumption = 0;   // fraction of the available renewable energy
  std::vector<Shortfall> shortfalls;       // empty: every instruction is met
  std::vector<Text> explanation;           // the objective's formula and inputs
  double lp_objective = 0;                 // the solver's objective (costs plus shortfall penalty)
};

// The cost-optimal plan. FailedPrecondition (dispatch.plan.infeasible) when the load cannot be served even
// with every instruction relaxed (grid connection too small); an instruction that cannot be met is not an
// error: the plan is the closest one and `shortfalls` says by how much.
Result<Plan> Optimise(const Problem& problem);

// The same LP as free-format MPS (what Optimise solves, shortfall penalty included).
Result<std::string> ToMps(const Problem& problem);
// The LP objective of a plan as the MPS states it (costs plus the shortfall penalty), to compare solvers.
double LpObjective(const Problem& problem, const Plan& plan);

// Costs, emissions and self-consumption of a given schedule under the problem's prices.
Plan Evaluate(const Problem& problem, std::vector<Step> steps);

// Baselines: no battery (the LP without storage), and the rule-based controller that charges at full power
// in the valley bands, discharges at the peak bands up to the load, uses renewables first and exports or
// curtails the rest. Flexible loads run evenly over their windows.
Result<Plan> NoBatteryBaseline(const Problem& problem);
Plan RuleBasedBaseline(const Problem& problem);

struct Comparison {
  Plan plan;
  Plan rule_based;
  Plan no_battery;
  double saving_vs_rule_based_yuan = 0;
  double saving_vs_no_battery_yuan = 0;
  std::vector<Text> explanation;
};
Result<Comparison> Compare(const Problem& problem);

// ---------------------------------------------------------------------------------------------------------
// Forecasts

struct LoadSample {
  int64_t local_minute = 0;  // minutes since 1970-01-01 00:00 local time, on a 15-minute grid
  double mw = 0;
};

struct LoadForecast {
  std::vector<double> mw;      // 96 steps of 15 minutes
  std::vector<int> used_days;  // how many history days each step averaged
  double mape = 0;             // mean absolute percentage error on the last evaluated weeks (fraction)
  int evaluated_days = 0;
  Text method;                 // dispatch.forecast.load_method
};

// The load of local day `day` (days since 1970-01-01) per 15 minutes: the mean of the same weekday in the
// `weeks` weeks before it, counting only days of the same season (Dec-Feb, Mar-May, Jun-Aug, Sep-Nov).
// The error is measured by forecasting each of the last `eval_weeks` same weekdays from their own past.
// InvalidArgument (history) when no usable day exists.
Result<LoadForecast> ForecastLoad(const std::vector<LoadSample>& history, int64_t day, int weeks = 4,
                                  int eval_weeks = 2);

struct PvSite {
  double latitude_deg = 30;
  double longitude_deg = 120;
  double utc_offset_hours = 8;
  double capacity_mw = 0;       // DC peak at 1,000 W/m2
  double performance_ratio = 0.8;
};

// Clear-sky irradiance (Haurwitz) at the middle of each step times a cloud factor (Kasten-Czeplak,
// 1 - 0.75 * cloud^3.4), times capacity and performance ratio. `cloud` per step in 0..1.
Result<std::vector<double>> ForecastPv(const PvSite& site, int64_t day, double step_hours,
                                       const std::vector<double>& cloud);

struct PowerCurvePoint {
  double speed_ms = 0;
  double mw = 0;
};
// Wind farm output through the turbine's power curve (linear between points, zero beyond the last point:
// cut-out), times the number of turbines. The curve must rise in speed.
Result<std::vector<double>> ForecastWind(const std::vector<PowerCurvePoint>& curve, int turbines,
                                         const std::vector<double>& speed_ms);

// ---------------------------------------------------------------------------------------------------------
// Orderly power use (有序用电): the grid orders the park to cut `cut_mw`; the cut is shared across enterprises.

struct EnterpriseCut {
  int64_t enterprise_id = 0;
  int priority_tier = 1;        // 1 is cut first, then 2, ...
  double interruptible_mw = 0;  // what the enterprise can shed
  double protected_mw = 0;      // continuous processes, safety, environmental protection: never cut
  std::optional<double> load_mw;  // its load now when metered: the cut also stays within load - protected
};

struct CutShare {
  int64_t enterprise_id = 0;
  int priority_tier = 1;
  double cut_mw = 0;
  double cuttable_mw = 0;  // min(interruptible, load - protected)
};

struct CutAllocation {
  std::vector<CutShare> shares;  // every enterprise, in the input's order; cut_mw 0 for those not needed
  double allocated_mw = 0;
  double unallocated_mw = 0;  // the part no enterprise can shed
  Text text;                  // dispatch.order.allocated or dispatch.order.short
};

// Tiers in ascending order: each tier is cut in full before the next is touched; inside the tier that finishes
// the cut, every enterprise sheds the same fraction of its cuttable load. InvalidArgument naming the field for a
// negative cut, interruptible or protected load, or a tier below 1.
Result<CutAllocation> AllocateCut(double cut_mw, const std::vector<EnterpriseCut>& enterprises);

}  // namespace park::dispatch
