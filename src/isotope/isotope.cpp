// Isotope domain: see include/park/isotope/isotope.hpp.
#include "park/isotope/isotope.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "park/core/error.hpp"

namespace park::isotope {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t p = s.find(sep, start);
    out.push_back(Trim(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

std::optional<double> Number(std::string_view s) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> UnitSeconds(std::string_view unit) {
  if (unit == "s") return 1.0;
  if (unit == "min") return 60.0;
  if (unit == "h") return 3600.0;
  if (unit == "d") return 86400.0;
  if (unit == "y") return 365.25 * 86400.0;  // Julian year, as ICRP 107 uses
  return std::nullopt;
}

Error BadLine(size_t line, std::string_view field, std::string_view what) {
  return Error::Invalid(fmt::format("line {}: {}", line, field), std::string(what));
}

// Σ_k h_k(w)/(n+k)!, the Taylor form of a divided difference of exp on a cluster (|w_i| small).
double ClusterSeries(const std::vector<double>& w) {
  const size_t n = w.size() - 1;
  constexpr int kMaxTerms = 60;
  std::vector<double> h(kMaxTerms, 0.0);  // h_k of the points added so far
  h[0] = 1.0;
  for (double wi : w) {
    for (int k = 1; k < kMaxTerms; ++k) h[k] += wi * h[k - 1];
  }
  double fact = 1.0;  // (n+k)!
  for (size_t i = 2; i <= n; ++i) fact *= static_cast<double>(i);
  // |h_k| ≤ C(n+k, k)·r^k with r = max |w_i|, so the k-th term is at most r^k/(k!·n!): stop when that bound
  // (not the term itself, which can vanish, e.g. odd k for symmetric points) is negligible.
  double r = 0;
  for (double wi : w) r = std::max(r, std::fabs(wi));
  double n_fact = fact;
  double bound = 1.0 / n_fact;  // r^k/(k!·n!)
  double sum = 0;
  for (int k = 0; k < kMaxTerms; ++k) {
    if (k > 0) {
      fact *= static_cast<double>(n + static_cast<size_t>(k));
      bound *= r / static_cast<double>(k);
    }
    sum += h[k] / fact;
    if (bound <= 1e-18 * std::fabs(sum)) break;
  }
  return sum;
}

struct Member {
  const Nuclide* nuclide;
  std::vector<std::pair<size_t, double>> daughters;  // index in members, branching
};

}  // namespace

double Nuclide::lambda_per_s() const { return kLn2 / half_life_s; }

Result<NuclideTable> NuclideTable::Parse(std::string_view csv) {
  NuclideTable table;
  bool header_seen = false;
  size_t line_no = 0;
  for (std::string_view rest = csv; !rest.empty();) {
    const size_t nl = rest.find('\n');
    std::string_view line = Trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    if (line.front() == '#') {
      line.remove_prefix(1);
      if (!table.source_.empty()) table.source_ += ' ';
      table.source_ += std::string(Trim(line));
      continue;
    }
    auto f = Split(line, ',');
    if (!header_seen) {
      if (f.size() != 11 || f[0] != "nuclide" || f[1] != "half_life" || f[6] != "A1_TBq" || f[7] != "A2_TBq") {
        return BadLine(line_no, "header", "unexpected header");
      }
      header_seen = true;
      continue;
    }
    if (f.size() != 11) return BadLine(line_no, "", "expected 11 fields");
    Nuclide n;
    n.name = std::string(f[0]);
    const auto hl = Number(f[1]);
    const auto unit = UnitSeconds(f[2]);
    if (!hl || *hl <= 0) return BadLine(line_no, "half_life", "not a positive number");
    if (!unit) return BadLine(line_no, "half_life_unit", "unknown unit");
    n.half_life_value = *hl;
    n.half_life_unit = std::string(f[2]);
    n.half_life_s = *hl * *unit;
    n.decay_mode = std::string(f[3]);
    const auto prog = Split(f[4], ';');
    const auto br = Split(f[5], ';');
    if (prog.size() != br.size()) return BadLine(line_no, "branching", "one branching per progeny");
    for (size_t i = 0; i < prog.size(); ++i) {
      const auto b = Number(br[i]);
      if (!b || *b < 0 || *b > 1) return BadLine(line_no, "branching", "not a fraction");
      n.progeny.emplace_back(std::string(prog[i]), *b);
    }
    const auto a1 = Number(f[6]), a2 = Number(f[7]), ec = Number(f[8]), el = Number(f[9]);
    if (!a1 || *a1 <= 0) return BadLine(line_no, "A1_TBq", "not a positive number");
    if (!a2 || *a2 <= 0) return BadLine(line_no, "A2_TBq", "not a positive number");
    if (!ec || *ec <= 0) return BadLine(line_no, "exempt_conc_Bq_per_g", "not a positive number");
    if (!el || *el <= 0) return BadLine(line_no, "exempt_consignment_Bq", "not a positive number");
    n.a1_tbq = *a1;
    n.a2_tbq = *a2;
    n.exempt_conc_bq_per_g = *ec;
    n.exempt_consignment_bq = *el;
    n.note = std::string(f[10]);
    // The flags are the leading words "a" and "b" of the note ("a b; chain …").
    const std::string_view flags = Trim(std::string_view(n.note).substr(0, n.note.find(';')));
    for (auto w : Split(flags, ' ')) {
      if (w == "a") n.a2_includes_short_daughters = true;
      if (w == "b") n.secular_equilibrium = true;
    }
    if (table.Find(n.name)) return BadLine(line_no, "nuclide", "listed twice");
    table.nuclides_.push_back(std::move(n));
  }
  if (table.nuclides_.empty()) return Error::Invalid("nuclides", "no nuclides");
  return table;
}

const NuclideTable& NuclideTable::Default() {
  static const NuclideTable table = [] {
    auto t = NuclideTable::Parse(DefaultNuclidesCsv());
    if (!t.ok()) throw std::runtime_error("data/isotope/nuclides.csv: " + t.error().field + ": " + t.error().message);
    return std::move(t).value();
  }();
  return table;
}

const Nuclide* NuclideTable::Find(std::string_view name) const {
  for (const auto& n : nuclides_) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

double DecayFactor(double half_life_s, double dt_s) { return std::exp2(-dt_s / half_life_s); }

double DividedDifferenceExp(std::vector<double> z, double t) {
  std::sort(z.begin(), z.end());
  const size_t m = z.size();
  // d[i][j]: divided difference over the sorted points i..j. A cluster (spread·t ≤ 1) is summed as a
  // Taylor series about its mean; a wider range is the recurrence, whose divisor is then never small.
  std::vector<std::vector<double>> d(m, std::vector<double>(m, 0.0));
  for (size_t len = 1; len <= m; ++len) {
    for (size_t i = 0; i + len <= m; ++i) {
      const size_t j = i + len - 1;
      const double spread = (z[j] - z[i]) * t;
      if (spread <= 1.0) {
        double c = 0;
        for (size_t k = i; k <= j; ++k) c += z[k];
        c /= static_cast<double>(len);
        std::vector<double> w;
        for (size_t k = i; k <= j; ++k) w.push_back((z[k] - c) * t);
        d[i][j] = std::exp(c * t) * std::pow(t, static_cast<double>(len - 1)) * ClusterSeries(w);
      } else {
        d[i][j] = (d[i + 1][j] - d[i][j - 1]) / (z[j] - z[i]);
      }
    }
  }
  return d[0][m - 1];
}

Result<std::vector<Amount>> Decay(const NuclideTable& table, const std::vector<Amount>& initial, double dt_s) {
  if (!(dt_s >= 0) || !std::isfinite(dt_s)) return Error::Invalid("dt", T("isotope.time_negative"));
  // Members in parent-before-daughter order (chains have no cycles; depth-first from each initial nuclide).
  std::vector<Member> members;
  std::map<std::string, size_t, std::less<>> index;
  std::vector<double> atoms0;
  auto add = [&](auto&& self, const Nuclide* n) -> size_t {
    if (auto it = index.find(n->name); it != index.end()) return it->second;
    const size_t me = members.size();
    members.push_back({n, {}});
    index.emplace(n->name, me);
    for (const auto& [name, br] : n->progeny) {
      if (const Nuclide* d = table.Find(name); d && br > 0) {
        const size_t di = self(self, d);
        members[me].daughters.emplace_back(di, br);
      }
    }
    return me;
  };
  for (size_t i = 0; i < initial.size(); ++i) {
    const Nuclide* n = table.Find(initial[i].nuclide);
    if (!n) {
      return Error::Invalid(fmt::format("contents[{}].nuclide", i),
                            T("isotope.nuclide_unknown", {{"value", initial[i].nuclide}}));
    }
    if (!(initial[i].bq >= 0) || !std::isfinite(initial[i].bq)) {
      return Error::Invalid(fmt::format("contents[{}].activity_bq", i), T("isotope.activity_negative"));
    }
    add(add, n);
  }
  atoms0.assign(members.size(), 0.0);
  for (const auto& a : initial) atoms0[index.at(a.nuclide)] += a.bq / table.Find(a.nuclide)->lambda_per_s();

  // Order members so that every parent precedes its daughters (post-order reversed).
  std::vector<size_t> order;
  std::vector<int> mark(members.size(), 0);
  auto visit = [&](auto&& self, size_t i) -> void {
    if (mark[i]) return;
    mark[i] = 1;
    for (const auto& [d, br] : members[i].daughters) self(self, d);
    order.push_back(i);
  };
  for (size_t i = 0; i < members.size(); ++i) visit(visit, i);
  std::reverse(order.begin(), order.end());

  // N_j(t) = Σ over start members s and paths s → … → j of N_s(0) · Π(b·λ) · exp-divided-difference(−λ path).
  std::vector<double> atoms(members.size(), 0.0);
  std::vector<double> path_z;
  auto walk = [&](auto&& self, size_t at, double coeff) -> void {
    path_z.push_back(-members[at].nuclide->lambda_per_s());
    atoms[at] += coeff * DividedDifferenceExp(path_z, dt_s);
    for (const auto& [d, br] : members[at].daughters) {
      self(self, d, coeff * br * members[at].nuclide->lambda_per_s());
    }
    path_z.pop_back();
  };
  for (size_t s = 0; s < members.size(); ++s) {
    if (atoms0[s] > 0) walk(walk, s, atoms0[s]);
  }
  std::vector<Amount> out;
  for (size_t i : order) out.push_back({members[i].nuclide->name, atoms[i] * members[i].nuclide->lambda_per_s()});
  return out;
}

Result<DispatchNeed> PlanDispatch(const NuclideTable& table, std::string_view nuclide, double activity_at_cal_bq,
                                  int64_t dispatch_ms, int64_t calibration_ms, double margin) {
  const Nuclide* n = table.Find(nuclide);
  if (!n) return Error::Invalid("nuclide", T("isotope.nuclide_unknown", {{"value", std::string(nuclide)}}));
  if (!(activity_at_cal_bq > 0) || !std::isfinite(activity_at_cal_bq)) {
    return Error::Invalid("activity_bq", T("isotope.activity_positive"));
  }
  if (calibration_ms < dispatch_ms) {
    return Error::Invalid("calibration_at", T("isotope.calibration_before_dispatch"));
  }
  if (!(margin >= 0 && margin <= 1)) return Error::Invalid("margin", T("isotope.margin_range"));
  DispatchNeed need;
  const double dt_s = static_cast<double>(calibration_ms - dispatch_ms) / 1000.0;
  need.transit_h = dt_s / kSecondsPerHour;
  need.decay_factor = std::exp2(dt_s / n->half_life_s);
  need.at_dispatch_bq = activity_at_cal_bq * need.decay_factor * (1.0 + margin);
  need.formula = T("isotope.formula.dispatch", {{"nuclide", n->name},
                                                {"calibration_bq", activity_at_cal_bq},
                                                {"transit_h", need.transit_h},
                                                {"half_life", n->half_life_value},
                                                {"half_life_unit", n->half_life_unit},
                                                {"factor", need.decay_factor},
                                                {"margin_pct", margin * 100},
                                                {"dispatch_bq", need.at_dispatch_bq}});
  return need;
}

Result<std::vector<Amount>> ContentsAtDispatch(const NuclideTable& table, std::string_view parent,
                                               double parent_bq_at_dispatch, int64_t purified_ms, int64_t dispatch_ms) {
  if (dispatch_ms < purified_ms) return Error::Invalid("dispatch_at", T("isotope.dispatch_before_purification"));
  if (!(parent_bq_at_dispatch >= 0) || !std::isfinite(parent_bq_at_dispatch)) {
    return Error::Invalid("activity_bq", T("isotope.activity_negative"));
  }
  if (!table.Find(parent)) return Error::Invalid("nuclide", T("isotope.nuclide_unknown", {{"value", std::string(parent)}}));
  // Solve for a unit of parent at purification, then scale to the parent activity wanted at dispatch.
  PARK_ASSIGN_OR_RETURN(auto unit, Decay(table, {{std::string(parent), 1.0}},
                                         static_cast<double>(dispatch_ms - purified_ms) / 1000.0));
  const double parent_now = unit.front().bq;  // parents first
  for (auto& a : unit) a.bq = parent_now > 0 ? a.bq / parent_now * parent_bq_at_dispatch : 0.0;
  return unit;
}

AllocationPlan Allocate(const NuclideTable& table, const std::vector<Batch>& batches, std::vector<Order> orders) {
  AllocationPlan plan;
  // Quantities are activities referred to a common epoch (the earliest batch reference), so that an amount
  // taken at any time compares with what a batch holds: A(t)·2^((t − epoch)/T½) is proportional to atoms.
  int64_t epoch = 0;
  bool any = false;
  for (const auto& b : batches) {
    if (!any || b.reference_ms < epoch) epoch = b.reference_ms;
    any = true;
  }
  for (const auto& o : orders) {
    if (!any || o.dispatch_ms < epoch) epoch = o.dispatch_ms;
    any = true;
  }
  auto refer = [&](const Nuclide& n, double bq, int64_t at_ms) {
    return bq * std::exp2(static_cast<double>(at_ms - epoch) / 1000.0 / n.half_life_s);
  };
  std::vector<double> left(batches.size(), 0.0);
  for (size_t i = 0; i < batches.size(); ++i) {
    if (const Nuclide* n = table.Find(batches[i].nuclide)) left[i] = refer(*n, batches[i].activity_bq, batches[i].reference_ms);
  }
  std::vector<double> need(orders.size(), 0.0);
  for (size_t i = 0; i < orders.size(); ++i) {
    if (const Nuclide* n = table.Find(orders[i].nuclide)) need[i] = refer(*n, orders[i].at_dispatch_bq, orders[i].dispatch_ms);
  }
  std::vector<size_t> by_size(orders.size());
  std::iota(by_size.begin(), by_size.end(), size_t{0});
  std::stable_sort(by_size.begin(), by_size.end(), [&](size_t a, size_t b) {
    if (orders[a].nuclide != orders[b].nuclide) return orders[a].nuclide < orders[b].nuclide;
    return need[a] > need[b];
  });
  std::vector<std::optional<Allocation>> filled(orders.size());
  std::vector<std::optional<Refusal>> refused(orders.size());
  for (size_t oi : by_size) {
    const Order& o = orders[oi];
    const Nuclide* n = table.Find(o.nuclide);
    if (!n) {
      refused[oi] = Refusal{o.id, T("isotope.nuclide_unknown", {{"value", o.nuclide}})};
      continue;
    }
    std::optional<size_t> best;
    size_t same_nuclide = 0, released = 0, in_date = 0;
    double largest_left = 0;
    for (size_t bi = 0; bi < batches.size(); ++bi) {
      const Batch& b = batches[bi];
      if (b.nuclide != o.nuclide) continue;
      ++same_nuclide;
      if (!b.released_ms || *b.released_ms > o.dispatch_ms || b.reference_ms > o.dispatch_ms) continue;
      ++released;
      if (b.expiry_ms < o.calibration_ms) continue;
      ++in_date;
      largest_left = std::max(largest_left, left[bi]);
      if (left[bi] < need[oi] * (1 - 1e-12)) continue;
      if (!best || b.expiry_ms < batches[*best].expiry_ms ||
          (b.expiry_ms == batches[*best].expiry_ms && left[bi] < left[*best])) {
        best = bi;
      }
    }
    if (best) {
      left[*best] = std::max(0.0, left[*best] - need[oi]);
      filled[oi] = Allocation{o.id, batches[*best].id, o.at_dispatch_bq};
      continue;
    }
    Text why;
    if (same_nuclide == 0) {
      why = T("isotope.refusal.no_batch", {{"nuclide", o.nuclide}});
    } else if (released == 0) {
      why = T("isotope.refusal.not_released", {{"nuclide", o.nuclide}, {"count", same_nuclide}});
    } else if (in_date == 0) {
      why = T("isotope.refusal.expired", {{"nuclide", o.nuclide}, {"count", released}});
    } else {
      // The largest remainder, decayed to dispatch, against what the order needs there.
      const double avail = largest_left * std::exp2(-static_cast<double>(o.dispatch_ms - epoch) / 1000.0 / n->half_life_s);
      why = T("isotope.refusal.insufficient",
              {{"nuclide", o.nuclide}, {"needed_bq", o.at_dispatch_bq}, {"available_bq", avail}});
    }
    refused[oi] = Refusal{o.id, std::move(why)};
  }
  for (size_t i = 0; i < orders.size(); ++i) {
    if (filled[i]) plan.allocations.push_back(*filled[i]);
    if (refused[i]) plan.refusals.push_back(*refused[i]);
  }
  for (size_t i = 0; i < batches.size(); ++i) {
    if (const Nuclide* n = table.Find(batches[i].nuclide)) {
      plan.unused_bq_at_expiry +=
          left[i] * std::exp2(-static_cast<double>(batches[i].expiry_ms - epoch) / 1000.0 / n->half_life_s);
    }
  }
  return plan;
}

Result<Classification> ClassifyPackage(const NuclideTable& table, const std::vector<Amount>& contents, Form form,
                                       std::optional<double> dose_rate_1m_msv_h,
                                       std::optional<double> surface_dose_msv_h) {
  Classification c;
  c.excepted_limit_fraction = form == Form::kSolid ? 1e-3 : 1e-4;
  std::set<std::string> present;
  for (size_t i = 0; i < contents.size(); ++i) {
    if (!table.Find(contents[i].nuclide)) {
      return Error::Invalid(fmt::format("contents[{}].nuclide", i),
                            T("isotope.nuclide_unknown", {{"value", contents[i].nuclide}}));
    }
    if (!(contents[i].bq >= 0) || !std::isfinite(contents[i].bq)) {
      return Error::Invalid(fmt::format("contents[{}].activity_bq", i), T("isotope.activity_negative"));
    }
    present.insert(contents[i].nuclide);
  }
  for (const char* which : {"dose_rate_1m", "surface_dose"}) {
    const auto& v = std::string_view(which) == "dose_rate_1m" ? dose_rate_1m_msv_h : surface_dose_msv_h;
    if (v && (!(*v >= 0) || !std::isfinite(*v))) return Error::Invalid(which, T("isotope.dose_negative"));
  }
  // A daughter is already in its parent's A2 when the parent's value includes short-lived daughters
  // (note a: T½ < 10 d) or stands for secular equilibrium (note b).
  auto covered = [&](const Nuclide& d) {
    for (const auto& p : table.all()) {
      if (!present.count(p.name)) continue;
      for (const auto& [name, br] : p.progeny) {
        if (name != d.name || br <= 0) continue;
        if (p.secular_equilibrium) return true;
        if (p.a2_includes_short_daughters && d.half_life_s < 10 * 86400.0) return true;
      }
    }
    return false;
  };
  for (const auto& a : contents) {
    const Nuclide& n = *table.Find(a.nuclide);
    if (covered(n)) continue;
    c.sum_a2 += a.bq / (n.a2_tbq * 1e12);
    if (std::find(c.counted.begin(), c.counted.end(), n.name) == c.counted.end()) c.counted.push_back(n.name);
  }
  if (c.sum_a2 <= c.excepted_limit_fraction) {
    c.type = PackageType::kExcepted;
    c.un_number = "UN2910";
    c.documents = {"isotope.doc.excepted_marking", "isotope.doc.transport_document"};
  } else if (c.sum_a2 <= 1.0) {
    c.type = PackageType::kTypeA;
    c.un_number = "UN2915";
    c.documents = {"isotope.doc.transport_document", "isotope.doc.consignor_declaration",
                   "isotope.doc.type_a_certificate", "isotope.doc.emergency_instructions"};
  } else {
    c.type = PackageType::kTypeBRequired;
    c.documents = {};
  }
  if (c.type != PackageType::kExcepted && dose_rate_1m_msv_h) {
    // TI = maximum dose rate at 1 m in mSv/h × 100, rounded up to one decimal; ≤ 0.05 may be taken as 0.
    double ti = *dose_rate_1m_msv_h * 100.0;
    ti = ti <= 0.05 ? 0.0 : std::ceil(ti * 10.0 - 1e-9) / 10.0;
    c.transport_index = ti;
    const double surface = surface_dose_msv_h.value_or(0.0);
    if (ti == 0 && surface <= 0.005) {
      c.label = "I-WHITE";
    } else if (ti <= 1 && surface <= 0.5) {
      c.label = "II-YELLOW";
    } else {
      c.label = "III-YELLOW";
    }
  }
  const char* type_code = c.type == PackageType::kExcepted ? "isotope.package.excepted"
                          : c.type == PackageType::kTypeA  ? "isotope.package.type_a"
                                                           : "isotope.package.type_b";
  c.explanation = T("isotope.formula.classification", {{"sum_a2", c.sum_a2},
                                                       {"excepted_limit", c.excepted_limit_fraction},
                                                       {"type", TextRef{type_code}}});
  return c;
}

double PeakIngrowthHours(const Nuclide& parent, const Nuclide& daughter) {
  const double lp = parent.lambda_per_s(), ld = daughter.lambda_per_s();
  return std::log(ld / lp) / (ld - lp) / kSecondsPerHour;
}

Result<double> GeneratorTc99m(const NuclideTable& table, double mo99_at_elution_bq, double residual_tc_bq,
                              double since_elution_s) {
  if (!(mo99_at_elution_bq >= 0)) return Error::Invalid("mo99_bq", T("isotope.activity_negative"));
  if (!(residual_tc_bq >= 0)) return Error::Invalid("residual_tc99m_bq", T("isotope.activity_negative"));
  PARK_ASSIGN_OR_RETURN(auto out, Decay(table, {{"Mo-99", mo99_at_elution_bq}, {"Tc-99m", residual_tc_bq}},
                                        since_elution_s));
  for (const auto& a : out) {
    if (a.nuclide == "Tc-99m") return a.bq;
  }
  return Error::Internal("Tc-99m missing from the Mo-99 chain");
}

Result<Breakthrough> CheckBreakthrough(const NuclideTable& table, double eluate_mo99_bq, double eluate_tc99m_bq,
                                       double until_administration_s) {
  if (!(eluate_mo99_bq >= 0)) return Error::Invalid("mo99_bq", T("isotope.activity_negative"));
  if (!(eluate_tc99m_bq > 0)) return Error::Invalid("tc99m_bq", T("isotope.activity_positive"));
  PARK_ASSIGN_OR_RETURN(auto out, Decay(table, {{"Mo-99", eluate_mo99_bq}, {"Tc-99m", eluate_tc99m_bq}},
                                        until_administration_s));
  double mo = 0, tc = 0;
  for (const auto& a : out) {
    if (a.nuclide == "Mo-99") mo = a.bq;
    if (a.nuclide == "Tc-99m") tc = a.bq;
  }
  Breakthrough b;
  b.kbq_mo_per_mbq_tc = (mo / 1e3) / (tc / 1e6);
  b.ok = b.kbq_mo_per_mbq_tc <= kBreakthroughLimit;
  b.explanation = T(b.ok ? "isotope.breakthrough.ok" : "isotope.breakthrough.over",
                    {{"ratio", b.kbq_mo_per_mbq_tc}, {"limit", kBreakthroughLimit},
                     {"hours", until_administration_s / kSecondsPerHour}});
  return b;
}

double BreakthroughUsableHours(const NuclideTable& table, double eluate_mo99_bq, double eluate_tc99m_bq) {
  if (!(eluate_tc99m_bq > 0) || !(eluate_mo99_bq > 0)) return std::numeric_limits<double>::infinity();
  const double r0 = (eluate_mo99_bq / 1e3) / (eluate_tc99m_bq / 1e6);
  if (r0 >= kBreakthroughLimit) return 0;
  const Nuclide* mo = table.Find("Mo-99");
  const Nuclide* tc = table.Find("Tc-99m");
  if (!mo || !tc) return 0;
  // r0 · 2^(t·(1/T_tc − 1/T_mo)) = limit, t in seconds. Tc-99m's ingrowth from the eluate's Mo-99 is left out:
  // it only lowers the ratio, so the answer errs on the safe side.
  const double rate = 1.0 / tc->half_life_s - 1.0 / mo->half_life_s;
  return std::log2(kBreakthroughLimit / r0) / rate / kSecondsPerHour;
}

Result<ReleaseDate> WasteReleaseDate(const NuclideTable& table, const std::vector<std::string>& nuclides,
                                     int64_t sealed_ms) {
  if (nuclides.empty()) return Error::Invalid("nuclides", T("isotope.waste.no_contents"));
  ReleaseDate r;
  r.release_ms = sealed_ms;
  for (size_t i = 0; i < nuclides.size(); ++i) {
    const Nuclide* n = table.Find(nuclides[i]);
    if (!n) {
      return Error::Invalid(fmt::format("nuclides[{}]", i), T("isotope.nuclide_unknown", {{"value", nuclides[i]}}));
    }
    const int64_t ten = static_cast<int64_t>(std::ceil(10 * n->half_life_s * 1000.0));
    ReleaseRule rule{n->name, ten, T("isotope.waste.rule_ten_half_lives", {{"nuclide", n->name}, {"days", ten / 86400000.0}})};
    if (n->name == "I-131" && 180 * kMsPerDay > rule.hold_ms) {
      rule = {n->name, 180 * kMsPerDay, T("isotope.waste.rule_i131", {{"days", 180}})};
    } else if (n->half_life_s < 24 * 3600.0 && 30 * kMsPerDay > rule.hold_ms) {
      rule = {n->name, 30 * kMsPerDay, T("isotope.waste.rule_short", {{"nuclide", n->name}, {"days", 30}})};
    }
    r.release_ms = std::max(r.release_ms, sealed_ms + rule.hold_ms);
    r.rules.push_back(std::move(rule));
  }
  return r;
}

Status CheckWasteRelease(int64_t now_ms, int64_t release_ms, std::optional<double> survey_usv_h,
                         double background_usv_h) {
  if (now_ms < release_ms) {
    return Error::Conflict(T("isotope.waste.too_early", {{"days_left", static_cast<double>(release_ms - now_ms) / kMsPerDay}}));
  }
  if (!survey_usv_h) return Error::Conflict(T("isotope.waste.survey_missing"), "survey_usv_h");
  if (*survey_usv_h > background_usv_h) {
    return Error::Conflict(T("isotope.waste.survey_above", {{"survey", *survey_usv_h}, {"background", background_usv_h}}),
                           "survey_usv_h");
  }
  return Status::Ok();
}

Result<SurveyResult> EvaluateSurvey(const Survey& s) {
  if (!(s.dose_rate_usv_h >= 0) || !std::isfinite(s.dose_rate_usv_h)) {
    return Error::Invalid("dose_rate_usv_h", T("isotope.dose_negative"));
  }
  if (!(s.background_usv_h > 0) || !std::isfinite(s.background_usv_h)) {
    return Error::Invalid("background_usv_h", T("isotope.activity_positive"));
  }
  if (s.surface_bq_cm2 && (!(*s.surface_bq_cm2 >= 0) || !std::isfinite(*s.surface_bq_cm2))) {
    return Error::Invalid("surface_bq_cm2", T("isotope.activity_negative"));
  }
  SurveyResult r;
  if (s.dose_rate_usv_h > s.background_usv_h) {
    r.explanation = T("isotope.waste.survey_above", {{"survey", s.dose_rate_usv_h}, {"background", s.background_usv_h}});
  } else if (s.surface_bq_cm2 && *s.surface_bq_cm2 >= kSurfaceBetaLimitBqCm2) {
    r.explanation = T("isotope.waste.surface_above", {{"surface", *s.surface_bq_cm2}, {"limit", kSurfaceBetaLimitBqCm2}});
  } else {
    r.pass = true;
    r.explanation = T("isotope.waste.survey_pass", {{"survey", s.dose_rate_usv_h}, {"background", s.background_usv_h}});
  }
  return r;
}

Status CheckWasteRelease(int64_t now_ms, int64_t release_ms, const std::optional<Survey>& survey) {
  if (!survey) return CheckWasteRelease(now_ms, release_ms, std::nullopt, 0);
  PARK_TRY(CheckWasteRelease(now_ms, release_ms, survey->dose_rate_usv_h, survey->background_usv_h));
  PARK_ASSIGN_OR_RETURN(auto r, EvaluateSurvey(*survey));
  if (!r.pass) return Error::Conflict(std::move(r.explanation), "surface_bq_cm2");
  return Status::Ok();
}

}  // namespace park::isotope
