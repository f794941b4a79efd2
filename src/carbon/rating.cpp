#include "park/carbon/rating.hpp"
#include "carbon/text.hpp"

#include "carbon/csv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace park::carbon {
namespace {

const SectorBenchmark* FindBenchmark(const std::vector<SectorBenchmark>& benchmarks, const std::string& sector) {
  const SectorBenchmark* best = nullptr;
  size_t best_len = 0;
  for (const SectorBenchmark& b : benchmarks) {
    if (b.sector_prefix == "*") {
      if (best == nullptr) best = &b;
      continue;
    }
    if (sector.compare(0, b.sector_prefix.size(), b.sector_prefix) == 0 && b.sector_prefix.size() > best_len) {
      best = &b;
      best_len = b.sector_prefix.size();
    }
  }
  return best;
}

// Lower is better: the benchmark is met at ratio 1. Default: 100 at half the benchmark, 60 at the benchmark,
// 0 at 1.5 times it.
ScoreCurve LowerIsBetter() { return {{{0.5, 100}, {1.0, 60}, {1.5, 0}}}; }

}  // namespace

std::string_view RatingClassName(RatingClass c) {
  static constexpr std::string_view kNames[] = {"A", "B", "C", "D"};
  return kNames[static_cast<size_t>(c)];
}

std::string_view IndicatorName(Indicator indicator) {
  switch (indicator) {
    case Indicator::kCarbonIntensity: return "carbon_intensity";
    case Indicator::kEnergyIntensity: return "energy_intensity";
    case Indicator::kPollutantIntensity: return "pollutant_intensity";
    case Indicator::kOutputPerMu: return "output_per_mu";
    case Indicator::kYoyImprovement: return "yoy_improvement";
  }
  return "";
}

double ScoreCurve::Score(double x) const {
  if (points.empty()) return 0;
  if (x <= points.front().first) return points.front().second;
  if (x >= points.back().first) return points.back().second;
  for (size_t i = 1; i < points.size(); ++i) {
    const auto& [x1, y1] = points[i];
    if (x <= x1) {
      const auto& [x0, y0] = points[i - 1];
      return x1 == x0 ? y1 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
  }
  return points.back().second;
}

RatingConfig DefaultRatingConfig() {
  RatingConfig c;
  c.indicators = {
      {Indicator::kCarbonIntensity, 30, LowerIsBetter()},
      {Indicator::kEnergyIntensity, 20, LowerIsBetter()},
      {Indicator::kPollutantIntensity, 20, LowerIsBetter()},
      // Higher is better: 0 at half the benchmark, 60 at it, 100 at twice it.
      {Indicator::kOutputPerMu, 20, {{{0.5, 0}, {1.0, 60}, {2.0, 100}}}},
      // 0 when intensity rose 10 %, 60 when flat, 100 at a 10 % fall.
      {Indicator::kYoyImprovement, 10, {{{-10, 0}, {0, 60}, {10, 100}}}},
  };
  c.policies = {{
      {RatingClass::kA, "priority supply; first to be spared in orderly power use", "base water price",
       "priority gas supply", "priority for new land and expansion", "priority for credit and green finance"},
      {RatingClass::kB, "normal supply", "base water price", "normal supply", "normal review", "normal credit"},
      {RatingClass::kC, "orderly power use applies before A and B", "stepped water price above quota",
       "supply may be limited in shortages", "expansion only with reduction plans", "credit with conditions"},
      {RatingClass::kD, "differential electricity price; first to be limited in orderly power use",
       "punitive water price above quota", "limited in shortages", "no new land; rectification required",
       "no new credit until rectified"},
  }};
  return c;
}

Status ValidateRatingConfig(const RatingConfig& c) {
  if (c.indicators.empty()) return Error::Invalid("indicators", "at least one indicator is needed");
  for (size_t i = 0; i < c.indicators.size(); ++i) {
    const auto& w = c.indicators[i];
    const std::string field = "indicators[" + std::to_string(i) + "]";
    if (!(w.weight >= 0) || !std::isfinite(w.weight)) return Error::Invalid(field + ".weight", "must be >= 0");
    if (w.curve.points.empty()) return Error::Invalid(field + ".curve", "needs at least one point");
    for (size_t p = 0; p < w.curve.points.size(); ++p) {
      const auto& [x, y] = w.curve.points[p];
      if (!std::isfinite(x) || !(y >= 0 && y <= 100)) {
        return Error::Invalid(field + ".curve", "points need a finite x and a score in 0..100");
      }
      if (p > 0 && x < w.curve.points[p - 1].first) return Error::Invalid(field + ".curve", "x must not decrease");
    }
  }
  if (!(c.min_score_a >= c.min_score_b && c.min_score_b >= c.min_score_c)) {
    return Error::Invalid("min_score_a", "class bounds must satisfy A ≥ B ≥ C");
  }
  for (size_t i = 0; i < c.policies.size(); ++i) {
    if (c.policies[i].rating_class != static_cast<RatingClass>(i)) {
      return Error::Invalid("policies[" + std::to_string(i) + "]", "policies must be listed A, B, C, D");
    }
  }
  return Status::Ok();
}

Result<std::vector<EnterpriseRating>> RateEnterprises(const ParkInventory& current, const ParkInventory* previous,
                                                      const RatingConfig& config) {
  PARK_TRY(ValidateRatingConfig(config));
  std::vector<EnterpriseRating> out;
  out.reserve(current.enterprises.size());
  for (const EnterpriseInventory& inv : current.enterprises) {
    EnterpriseRating r;
    r.enterprise_code = inv.info.code;
    const PeriodValues& y = inv.Year();
    const SectorBenchmark* bench = FindBenchmark(config.benchmarks, inv.info.sector);
    const EnterpriseInventory* before = previous != nullptr ? previous->Find(inv.info.code) : nullptr;

    double scored_weight = 0;
    for (const WeightedIndicator& w : config.indicators) {
      IndicatorScore s;
      s.indicator = w.indicator;
      s.weight = w.weight;
      const TextRef what{"carbon.indicator." + std::string(IndicatorName(w.indicator))};
      auto versus = [&](std::optional<double> actual, std::optional<double> benchmark) {
        s.actual = actual;
        s.benchmark = benchmark;
        if (!actual) {
          s.reason = T("carbon.rating.undefined", {{"indicator", what}});
        } else if (!benchmark || *benchmark <= 0) {
          s.reason = T("carbon.rating.no_benchmark", {{"indicator", what}, {"sector", inv.info.sector}});
        } else {
          s.x = *actual / *benchmark;
          s.reason = T("carbon.rating.versus_benchmark",
                       {{"indicator", what}, {"actual", *actual}, {"pct", *s.x * 100}, {"benchmark", *benchmark}});
        }
      };
      switch (w.indicator) {
        case Indicator::kCarbonIntensity:
          versus(y.Get(Metric::kIntensityTCo2Per10kYuanOutput),
                 bench ? bench->carbon_intensity_t_co2_per_10k_yuan : std::nullopt);
          break;
        case Indicator::kEnergyIntensity:
          versus(y.Get(Metric::kEnergyIntensityTcePer10kYuanOutput),
                 bench ? bench->energy_intensity_tce_per_10k_yuan : std::nullopt);
          break;
        case Indicator::kPollutantIntensity: {
          double sum = 0;
          int n = 0;
          std::string detail;
          for (int p = 0; p < kPollutantCount && bench != nullptr; ++p) {
            const auto b = bench->pollutant_t_per_10k_yuan[static_cast<size_t>(p)];
            const auto a = y.Get(PollutantIntensityMetric(PollutantAt(p)));
            if (!b || *b <= 0 || !a) continue;
            sum += *a / *b;
            ++n;
            detail += (detail.empty() ? "" : ", ") + std::string(ItemName(PollutantAt(p))) + " " +
                      FormatTextNumber(*a / *b * 100) + " %";
          }
          if (n == 0) {
            s.reason = T("carbon.rating.no_pollutant_benchmark");
          } else {
            s.x = sum / n;
            s.reason = T("carbon.rating.pollutant_average", {{"pct", *s.x * 100}, {"count", n}});
            (void)detail;
          }
          break;
        }
        case Indicator::kOutputPerMu: {
          const double output = y[Metric::kOutputValue10kYuan];
          if (inv.info.land_area_mu > 0) s.actual = output / inv.info.land_area_mu;
          if (!s.actual) {
            s.reason = T("carbon.rating.land_unknown");
          } else {
            versus(s.actual, bench ? bench->output_per_mu_10k_yuan : std::nullopt);
          }
          break;
        }
        case Indicator::kYoyImprovement: {
          const auto now = y.Get(Metric::kIntensityTCo2Per10kYuanOutput);
          const auto then = before ? before->Year().Get(Metric::kIntensityTCo2Per10kYuanOutput) : std::nullopt;
          s.actual = now;
          s.benchmark = then;
          if (!now || !then || *then <= 0) {
            s.reason = T("carbon.rating.no_two_years");
          } else {
            s.x = (*then - *now) / *then * 100;
            s.reason = T(*s.x >= 0 ? "carbon.rating.intensity_fell" : "carbon.rating.intensity_rose",
                         {{"before", *then}, {"after", *now}, {"pct", std::fabs(*s.x)}});
          }
          break;
        }
      }
      if (s.x) {
        s.score = w.curve.Score(*s.x);
        scored_weight += w.weight;
      }
      r.indicators.push_back(std::move(s));
    }

    if (scored_weight <= 0) {
      r.score = 0;
      r.rating_class = RatingClass::kD;
      r.reasons.push_back(T("carbon.rating.nothing_scored"));
    } else {
      for (IndicatorScore& s : r.indicators) {
        if (!s.score) continue;
        s.effective_weight = s.weight / scored_weight;
        r.score += *s.score * s.effective_weight;
      }
      if (r.score >= config.min_score_a) {
        r.rating_class = RatingClass::kA;
      } else if (r.score >= config.min_score_b) {
        r.rating_class = RatingClass::kB;
      } else if (r.score >= config.min_score_c) {
        r.rating_class = RatingClass::kC;
      } else {
        r.rating_class = RatingClass::kD;
      }
      r.reasons.push_back(T("carbon.rating.class", {{"class", RatingClassName(r.rating_class)},
                                                    {"score", r.score},
                                                    {"min_a", config.min_score_a},
                                                    {"min_b", config.min_score_b},
                                                    {"min_c", config.min_score_c}}));
      std::vector<const IndicatorScore*> scored;
      for (const IndicatorScore& s : r.indicators) {
        if (s.score) scored.push_back(&s);
      }
      std::stable_sort(scored.begin(), scored.end(),
                       [](const IndicatorScore* a, const IndicatorScore* b) { return *a->score < *b->score; });
      for (const IndicatorScore* s : scored) {
        r.reasons.push_back(T("carbon.rating.indicator_scored",
                              {{"indicator", TextRef{"carbon.indicator." + std::string(IndicatorName(s->indicator))}},
                               {"score", *s->score},
                               {"weight_pct", s->effective_weight * 100}}));
        r.reasons.push_back(s->reason);
      }
    }
    for (const IndicatorScore& s : r.indicators) {
      if (!s.score) {
        r.reasons.push_back(
            T("carbon.rating.not_scored", {{"indicator", TextRef{"carbon.indicator." + std::string(IndicatorName(s.indicator))}}}));
        r.reasons.push_back(s.reason);
      }
    }
    r.policy = config.policies[static_cast<size_t>(r.rating_class)];
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace park::carbon

namespace park::carbon {

Result<std::vector<SectorBenchmark>> ParseSectorBenchmarksCsv(std::string_view text) {
  CsvReader reader(text, /*skip_comments=*/true);
  CsvRecord rec;
  std::string error;
  std::vector<SectorBenchmark> out;
  bool header = true;
  auto number = [](const std::string& s, int line, const char* column) -> Result<std::optional<double>> {
    if (s.empty()) return std::optional<double>();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0) {
      return Error::Invalid("line " + std::to_string(line) + "." + column, "must be a positive number or empty");
    }
    return std::optional<double>(v);
  };
  while (reader.Next(rec, error)) {
    if (!error.empty()) return Error::Invalid("line " + std::to_string(rec.line), error);
    if (header) {
      header = false;
      if (rec.fields.empty() || rec.fields[0] != "sector_prefix") {
        return Error::Invalid("line " + std::to_string(rec.line), "the header must start with sector_prefix");
      }
      continue;
    }
    if (rec.fields.size() != 6) {
      return Error::Invalid("line " + std::to_string(rec.line), "must have 6 fields");
    }
    SectorBenchmark b;
    b.sector_prefix = rec.fields[0];
    if (b.sector_prefix.empty() || b.sector_prefix.size() > 4) {
      return Error::Invalid("line " + std::to_string(rec.line) + ".sector_prefix", "must be 1 to 4 digits");
    }
    PARK_ASSIGN_OR_RETURN(b.carbon_intensity_t_co2_per_10k_yuan, number(rec.fields[1], rec.line, "carbon"));
    PARK_ASSIGN_OR_RETURN(b.energy_intensity_tce_per_10k_yuan, number(rec.fields[2], rec.line, "energy"));
    PARK_ASSIGN_OR_RETURN(b.output_per_mu_10k_yuan, number(rec.fields[3], rec.line, "output_per_mu"));
    if (rec.fields[4].empty()) return Error::Invalid("line " + std::to_string(rec.line) + ".source", "is required");
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace park::carbon
