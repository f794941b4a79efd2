#include "park/report/report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "park/core/csv.hpp"

namespace park::report {
namespace {

using Row = std::vector<std::string>;

// A number as the workbook stores it: 15 significant digits at most (the writer's limit for a number cell).
std::string Num(const Json& v) {
  if (!v.is_number()) return "";
  const double d = v.get<double>();
  if (!std::isfinite(d)) return "";
  if (d == std::round(d) && std::abs(d) < 1e15) return fmt::format("{}", static_cast<long long>(d));
  return fmt::format("{:.12g}", d);
}

// Text the park typed (names): never the start of a formula.
std::string Data(const Json& v) { return NeutraliseFormula(v.is_string() ? v.get<std::string>() : std::string()); }

std::string Say(const std::string& code, Locale lang, std::vector<TextParam> params = {}) {
  return RenderText(T(code, std::move(params)), lang);
}

// A text the API carries ({code, params, message}) said in `lang`: string and number parameters as sent.
std::string SayJson(const Json& text, Locale lang) {
  if (!text.is_object() || !text.contains("code") || !text["code"].is_string()) return "";
  Text t{text["code"].get<std::string>(), {}};
  if (text.contains("params") && text["params"].is_object()) {
    for (const auto& [k, v] : text["params"].items()) {
      if (v.is_number()) {
        t.params.emplace_back(k, v.get<double>());
      } else if (v.is_string()) {
        t.params.emplace_back(k, v.get<std::string>());
      } else if (v.is_object() && v.contains("code") && v["code"].is_string()) {
        t.params.emplace_back(k, TextRef{v["code"].get<std::string>()});
      }
    }
  }
  return RenderText(t, lang);
}

std::string Pct(const Json& cmp) { return cmp.is_object() && cmp.contains("change_pct") ? Num(cmp["change_pct"]) : ""; }

}  // namespace

const std::vector<std::string>& EmissionMetrics() {
  static const std::vector<std::string> k = {"total_t_co2",           "scope1_t_co2",          "scope2_location_t_co2",
                                             "scope2_market_t_co2",   "energy_tce_equivalent", "energy_tce_equal_value"};
  return k;
}

const std::vector<std::string>& PollutantMetrics() {
  static const std::vector<std::string> k = {"cod_t", "nh3n_t", "tn_t", "tp_t", "so2_t", "nox_t", "pm_t", "vocs_t"};
  return k;
}

std::vector<xlsx::Sheet> MonthlySheets(const Json& report, Locale lang) {
  Json r = report;  // a copy: a key the report lacks reads as null instead of failing
  const bool park = r.value("kind", std::string()) == "park";
  std::vector<xlsx::Sheet> sheets;

  // Summary: what the report is and its headline figures.
  {
    xlsx::Sheet s{Say("report.sheet.summary", lang), {}};
    s.rows.push_back({NeutraliseFormula(SayJson(r["title"], lang)), ""});
    s.rows.push_back({Say("report.col.period", lang), r.value("period", std::string())});
    if (!park) {
      s.rows.push_back({Say("report.col.enterprise", lang), Data(r["enterprise"]["name"])});
      s.rows.push_back({Say("report.col.credit_code", lang), Data(r["enterprise"]["credit_code"])});
    }
    s.rows.push_back({Say("report.col.generated_at", lang), r.value("generated_at", std::string())});
    Json& e = r["energy"];
    s.rows.push_back({Say("report.col.energy_tce", lang), Num(e["tce"])});
    s.rows.push_back({Say("report.col.energy_tce_equal_value", lang), Num(e["tce_equal_value"])});
    s.rows.push_back({Say("report.col.cost_yuan", lang), Num(e["cost_yuan"])});
    s.rows.push_back({Say("report.col.mom_pct", lang), Pct(e["previous"])});
    s.rows.push_back({Say("report.col.yoy_pct", lang), Pct(e["last_year"])});
    s.rows.push_back({Say("report.col.total_t_co2", lang), Num(r["emissions"]["total_t_co2"])});
    s.rows.push_back({Say("report.col.alarms_raised", lang), Num(r["alarms"]["total"]["raised"])});
    for (const auto& n : r["notes"]) s.rows.push_back({NeutraliseFormula(SayJson(n, lang)), ""});
    sheets.push_back(std::move(s));
  }
  // Energy by carrier.
  {
    xlsx::Sheet s{Say("report.sheet.energy", lang), {}};
    s.rows.push_back({Say("report.col.carrier", lang), Say("report.col.unit", lang), Say("report.col.amount", lang),
                      Say("report.col.tce", lang), Say("report.col.cost_yuan", lang), Say("report.col.mom_pct", lang),
                      Say("report.col.yoy_pct", lang), Say("report.col.cost_basis", lang)});
    for (auto& c : r["energy"]["carriers"]) {
      s.rows.push_back({Say("energy.carrier." + c.value("carrier", std::string()), lang), c.value("unit", std::string()),
                        Num(c["amount"]), Num(c["tce"]), Num(c["cost_yuan"]), Pct(c["previous"]), Pct(c["last_year"]),
                        NeutraliseFormula(SayJson(c["cost_basis"], lang))});
    }
    s.rows.push_back({Say("report.col.total", lang), "tce", "", Num(r["energy"]["tce"]), Num(r["energy"]["cost_yuan"]),
                      Pct(r["energy"]["previous"]), Pct(r["energy"]["last_year"]), ""});
    sheets.push_back(std::move(s));
  }
  // Emissions and pollutants of the month.
  {
    xlsx::Sheet s{Say("report.sheet.emissions", lang), {}};
    s.rows.push_back({Say("report.col.metric", lang), Say("report.col.value", lang)});
    for (const auto& k : EmissionMetrics()) s.rows.push_back({Say("carbon.metric." + k, lang), Num(r["emissions"][k])});
    for (const auto& k : PollutantMetrics()) s.rows.push_back({Say("carbon.metric." + k, lang), Num(r["pollutants"][k])});
    sheets.push_back(std::move(s));
  }
  // Alarms raised in the month, per rule and (park) per enterprise.
  {
    xlsx::Sheet s{Say("report.sheet.alarms", lang), {}};
    const Row header = {Say("report.col.name", lang), Say("report.col.raised", lang), Say("report.col.critical", lang),
                        Say("report.col.open", lang), Say("report.col.closed", lang)};
    auto rows = [&](Json& list) {
      for (auto& a : list) {
        s.rows.push_back({Data(a["name"]), Num(a["raised"]), Num(a["critical"]), Num(a["open"]), Num(a["closed"])});
      }
    };
    Row first = header;
    first[0] = Say("report.col.rule", lang);
    s.rows.push_back(first);
    rows(r["alarms"]["by_rule"]);
    if (park) {
      s.rows.push_back({});
      Row second = header;
      second[0] = Say("report.col.enterprise", lang);
      s.rows.push_back(second);
      rows(r["alarms"]["by_enterprise"]);
    }
    sheets.push_back(std::move(s));
  }
  // Ratings of the year before.
  {
    xlsx::Sheet s{Say("report.sheet.ratings", lang), {}};
    s.rows.push_back({Say("report.col.enterprise", lang), Say("report.col.credit_code", lang),
                      Say("report.col.class", lang), Say("report.col.score", lang), Say("report.col.year", lang)});
    const std::string year = r["ratings"]["year"].is_number() ? std::to_string(r["ratings"]["year"].get<int>()) : "";
    for (auto& x : r["ratings"]["items"]) {
      s.rows.push_back({Data(x["name"]), Data(x["credit_code"]), x.value("class", std::string()), Num(x["score"]), year});
    }
    sheets.push_back(std::move(s));
  }
  if (park) {
    xlsx::Sheet s{Say("report.sheet.enterprises", lang), {}};
    s.rows.push_back({Say("report.col.enterprise", lang), Say("report.col.credit_code", lang), Say("report.col.tce", lang),
                      Say("report.col.cost_yuan", lang), Say("carbon.metric.total_t_co2", lang),
                      Say("carbon.metric.cod_t", lang), Say("carbon.metric.nh3n_t", lang),
                      Say("report.col.alarms_raised", lang), Say("report.col.class", lang)});
    for (auto& e : r["enterprises"]) {
      s.rows.push_back({Data(e["name"]), Data(e["credit_code"]), Num(e["tce"]), Num(e["cost_yuan"]), Num(e["total_t_co2"]),
                        Num(e["cod_t"]), Num(e["nh3n_t"]), Num(e["alarms_raised"]),
                        e["rating_class"].is_string() ? e["rating_class"].get<std::string>() : ""});
    }
    sheets.push_back(std::move(s));
  }
  return sheets;
}

std::string FileName(const Json& r) {
  const std::string period = r.value("period", std::string());
  std::string safe;
  for (char c : period) {
    if ((c >= '0' && c <= '9') || c == '-') safe += c;
  }
  if (r.value("kind", std::string()) == "park") return "park-report-" + safe + ".xlsx";
  const int64_t id = r.contains("enterprise") && r["enterprise"].is_object() ? r["enterprise"].value("id", int64_t{0}) : 0;
  return fmt::format("enterprise-{}-report-{}.xlsx", id, safe);
}

}  // namespace park::report
