// compare_runs: paired or Welch t tests on means, Holm's correction, and a
// bootstrap of median days (docs/compare.md); the report's text and JSON are
// run_comparison_output.cpp.
#include "results/analysis/run_comparison.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <span>

#include "results/run_file.hpp"
#include "results/run_file_layout.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"
#include "sim/statistics.hpp"

namespace fnesim {

namespace layout = run_layout;

namespace {

constexpr std::int32_t never = -1;  // an exhaustion day beyond the window, as the run file writes it

double in_euros(Cents amount) { return static_cast<double>(amount) / cents_per_euro; }

// The clusters of a run's replications as dense indices (Moments::add's), or
// none when they are independent.
std::vector<int> dense_clusters(std::span<const std::int64_t> labels) {
  std::map<std::int64_t, int> index;
  std::vector<int> out;
  out.reserve(labels.size());
  for (std::int64_t label : labels)
    out.push_back(index.emplace(label, static_cast<int>(index.size())).first->second);
  return out;
}

// How many clusters dense indices number (0: independent replications).
std::size_t cluster_count(std::span<const int> dense) {
  return dense.empty() ? 0 : static_cast<std::size_t>(*std::max_element(dense.begin(), dense.end())) + 1;
}

Moments moments_of(std::span<const double> values, std::span<const int> clusters) {
  Moments m;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (clusters.empty())
      m.add(values[i]);
    else
      m.add(values[i], clusters[i]);
  return m;
}

double two_sided_p(double t, double degrees_of_freedom) {
  const boost::math::students_t distribution(degrees_of_freedom);
  return 2 * boost::math::cdf(boost::math::complement(distribution, std::fabs(t)));
}

// How each run's replications cluster (forecasts weighing particles), and,
// for a paired comparison, the clusters of the pairs: a pair depends on
// others through A's prior draw and through B's. Empty: independent.
struct Clustering {
  std::vector<int> a, b;
  std::vector<int> both;  // the pair's (A's, B's) draws, when both runs have clusters
};

// The difference of means B − A. Paired: the mean and standard error of the
// per-replication differences (n − 1 degrees of freedom). Unpaired: Welch's
// standard error and Welch–Satterthwaite degrees of freedom. With clusters,
// each standard error is the cluster-robust one (sim/statistics.hpp) on
// G − 1 degrees of freedom; a paired difference clustered by both runs'
// draws takes Cameron, Gelbach & Miller's two-way variance (2011):
// V_A + V_B − V_{A∩B}.
MeanComparison compare_means(std::span<const double> a, std::span<const double> b, PairingDesign design,
                             const Clustering& clusters) {
  MeanComparison out;
  const Moments ma = moments_of(a, clusters.a), mb = moments_of(b, clusters.b);
  out.a = ma.mean();
  out.b = mb.mean();
  out.difference = out.b - out.a;
  double degrees_of_freedom = 0;
  if (design == PairingDesign::Paired) {
    std::vector<double> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) d[i] = b[i] - a[i];
    const std::span<const int> first = clusters.a.empty() ? std::span<const int>(clusters.b) : clusters.a;
    const Moments differences = moments_of(d, first);
    out.difference = differences.mean();
    double variance = differences.standard_error() * differences.standard_error();
    degrees_of_freedom = static_cast<double>(differences.independent_units()) - 1;
    if (!clusters.both.empty()) {
      const Moments by_b = moments_of(d, clusters.b), by_both = moments_of(d, clusters.both);
      variance +=
          by_b.standard_error() * by_b.standard_error() - by_both.standard_error() * by_both.standard_error();
      degrees_of_freedom =
          static_cast<double>(std::min(differences.independent_units(), by_b.independent_units())) - 1;
    }
    out.standard_error = std::sqrt(std::max(variance, 0.0));
  } else {
    const double va = ma.standard_error() * ma.standard_error();
    const double vb = mb.standard_error() * mb.standard_error();
    out.standard_error = std::sqrt(va + vb);
    if (va + vb > 0) {
      double denominator = 0;
      if (va > 0) denominator += va * va / static_cast<double>(ma.independent_units() - 1);
      if (vb > 0) denominator += vb * vb / static_cast<double>(mb.independent_units() - 1);
      degrees_of_freedom = (va + vb) * (va + vb) / denominator;
    }
  }
  // A run of one replication, or whose years all share one prior draw, has
  // no standard error (NaN): nothing to test.
  if (ma.independent_units() < 2 || mb.independent_units() < 2) {
    out.standard_error = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  if (out.standard_error > 0 && degrees_of_freedom > 0)
    out.p_value = two_sided_p(out.difference / out.standard_error, degrees_of_freedom);
  else if (out.difference != 0)
    out.p_value = 0.0;  // a constant, non-zero difference in every replication: no noise at all
  // Both constant and equal: nothing to test, and no test is counted.
  return out;
}

// Holm (1979): sort the p-values, and reject while p_(k) <= level / (m − k + 1).
int apply_holm(std::vector<MeanComparison*> tests, double level) {
  std::erase_if(tests, [](const MeanComparison* t) { return !t->p_value; });
  std::stable_sort(tests.begin(), tests.end(), [](const MeanComparison* x, const MeanComparison* y) {
    return *x->p_value < *y->p_value;
  });
  const std::size_t m = tests.size();
  for (std::size_t k = 0; k < m; ++k) {
    if (*tests[k]->p_value > level / static_cast<double>(m - k)) break;
    tests[k]->significant = true;
  }
  return static_cast<int>(m);
}

// ---- Median days and their bootstrap ------------------------------------------------

// A day series of one run: `days[i * stride + column]`, -1 = never, shifted
// by `offset` into A's calendar.
struct DaySeries {
  std::span<const std::int32_t> days;
  std::size_t stride = 1, column = 0;
  std::int32_t offset = 0;
  std::int32_t at(std::size_t replication) const { return days[replication * stride + column]; }
};

// Medians are taken on counts of the days: bin d + 1 for day d, bin 0 for never.
struct DayCounts {
  std::vector<std::int64_t> counts;
  explicit DayCounts(std::size_t window) : counts(window + 1, 0) {}
  void add(std::int32_t day, std::int64_t times = 1) {
    counts[static_cast<std::size_t>(day == never ? 0 : day + 1)] += times;
  }
  void clear() { std::fill(counts.begin(), counts.end(), 0); }
  // Inverted-CDF median, never sorting after every day; nullopt = never.
  std::optional<std::int32_t> median(std::int64_t n) const {
    const std::int64_t k = std::max<std::int64_t>(1, (50 * n + 99) / 100);
    std::int64_t seen = 0;
    for (std::size_t bin = 1; bin < counts.size(); ++bin) {
      seen += counts[bin];
      if (seen >= k) return static_cast<std::int32_t>(bin - 1);
    }
    return std::nullopt;
  }
};

std::optional<std::int32_t> median_day(const DaySeries& series, std::int64_t n, std::size_t window) {
  DayCounts histogram(window);
  for (std::int64_t i = 0; i < n; ++i) histogram.add(series.at(static_cast<std::size_t>(i)));
  const auto median = histogram.median(n);
  return median ? std::optional<std::int32_t>(*median + series.offset) : std::nullopt;
}

// The median difference of one resample, "never" counting as later than any
// day: a large stand-in keeps the percentile order, and marks unbounded ends.
constexpr std::int64_t beyond_window = 1'000'000;
std::int64_t resample_difference(const std::optional<std::int32_t>& a, const std::optional<std::int32_t>& b) {
  const std::int64_t day_a = a ? *a : beyond_window, day_b = b ? *b : beyond_window;
  return day_b - day_a;
}

// How many times each replication is drawn in a resample of as many
// replications, drawn with replacement; with clusters (replications sharing a
// forecast's prior draw), as many clusters drawn with replacement, each
// replication drawn as often as its cluster (a cluster bootstrap). Returns
// the resample's size.
std::int64_t draw_multiplicities(Engine& engine, std::vector<std::int64_t>& times,
                                 std::span<const int> clusters, std::vector<std::int64_t>& cluster_times) {
  if (clusters.empty()) {
    std::fill(times.begin(), times.end(), 0);
    boost::random::uniform_int_distribution<std::size_t> pick(0, times.size() - 1);
    for (std::size_t k = 0; k < times.size(); ++k) ++times[pick(engine)];
    return static_cast<std::int64_t>(times.size());
  }
  std::fill(cluster_times.begin(), cluster_times.end(), 0);
  boost::random::uniform_int_distribution<std::size_t> pick(0, cluster_times.size() - 1);
  for (std::size_t k = 0; k < cluster_times.size(); ++k) ++cluster_times[pick(engine)];
  std::int64_t size = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    times[i] = cluster_times[static_cast<std::size_t>(clusters[i])];
    size += times[i];
  }
  return size;
}

// A paired resample of replications that belong to A's draws and, crossed
// with them, to B's (two forecasts from different priors): each draw of
// either run resampled on its own, a replication drawn as often as the
// product of its two draws' counts — the pigeonhole bootstrap (Owen 2007),
// which keeps both runs' sharing, where resampling A's draws alone ignored
// B's. Returns the resample's size.
std::int64_t draw_crossed_multiplicities(Engine& engine, std::vector<std::int64_t>& times,
                                         std::span<const int> clusters_a, std::span<const int> clusters_b,
                                         std::vector<std::int64_t>& cluster_times_a,
                                         std::vector<std::int64_t>& cluster_times_b) {
  for (std::vector<std::int64_t>* counts : {&cluster_times_a, &cluster_times_b}) {
    std::fill(counts->begin(), counts->end(), 0);
    boost::random::uniform_int_distribution<std::size_t> pick(0, counts->size() - 1);
    for (std::size_t k = 0; k < counts->size(); ++k) ++(*counts)[pick(engine)];
  }
  std::int64_t size = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    times[i] = cluster_times_a[static_cast<std::size_t>(clusters_a[i])] *
               cluster_times_b[static_cast<std::size_t>(clusters_b[i])];
    size += times[i];
  }
  return size;
}

// A median to bootstrap: its day series in both runs, and where the interval goes.
struct MedianToBootstrap {
  DaySeries a, b;
  MedianDayComparison* out;
};

// Rank (1-based) of the inverted-CDF quantile at `share` among n values; the
// small epsilon keeps 0.025 × 1000 at 25 despite binary rounding.
std::size_t quantile_rank(double share, int n) {
  return static_cast<std::size_t>(std::max(1.0, std::ceil(share * n - 1e-9)));
}

// Bootstraps the medians whose difference exists, all from the same draws:
// each resample draws replication indices (paired: the same indices for A and
// B; unpaired: each run its own) and takes every series' medians from them.
// A forecast's replications are drawn by the prior draws they share. Paired,
// by the draws of the run that has them; when both have, by the coarser
// run's draws if one run's draws fall each within one of the other's (the
// same prior: the same draws), else by both (draw_crossed_multiplicities).
// A resample's random stream depends on the seed and its index only, so the
// result is the same for any thread count.
void bootstrap_medians(const std::vector<MedianToBootstrap>& medians, std::int64_t na, std::int64_t nb,
                       std::size_t window_a, std::size_t window_b, PairingDesign design,
                       const Clustering& clusters, const ComparisonOptions& options) {
  const std::vector<int>&clusters_a = clusters.a, &clusters_b = clusters.b;
  const std::size_t count_a = cluster_count(clusters_a), count_b = cluster_count(clusters_b),
                    count_both = cluster_count(clusters.both);
  const bool paired = design == PairingDesign::Paired;
  const bool crossed = paired && !clusters.both.empty() && count_both > count_a && count_both > count_b;
  // Paired and not crossed: one run's draws, the coarser (B's when A's lie within them).
  const bool by_b =
      paired && !crossed &&
      (clusters_a.empty() || (!clusters.both.empty() && count_both == count_a && count_b < count_a));
  const std::span<const int> by_a =
      by_b ? std::span<const int>(clusters_b) : std::span<const int>(clusters_a);
  const std::size_t series = medians.size();
  const int resamples = options.bootstrap_resamples;
  if (series == 0 || resamples < 1) return;
  // A run of one replication, or on one prior draw, resamples to itself.
  const auto units = [](std::int64_t replications, std::size_t clusters) {
    return clusters > 0 ? static_cast<std::int64_t>(clusters) : replications;
  };
  if (units(na, count_a) < 2 || units(nb, count_b) < 2) {
    for (const MedianToBootstrap& m : medians) m.out->has_interval = false;
    return;
  }
  std::vector<std::int64_t> differences(series * static_cast<std::size_t>(resamples));
  ParallelErrors errors;
#pragma omp parallel
  {
    // Per-thread buffers; a thread that cannot get them skips its iterations
    // (its failure is rethrown after the loop).
    std::vector<DayCounts> ha, hb;
    // 64-bit: a crossed resample's product of two draws' counts can pass 2³¹.
    std::vector<std::int64_t> times_a, times_b, cluster_times_a, cluster_times_b;
    bool ready = false;
    errors.run(-1, [&] {
      ha.assign(series, DayCounts(window_a));
      hb.assign(series, DayCounts(window_b));
      times_a.resize(static_cast<std::size_t>(na));
      times_b.resize(design == PairingDesign::Unpaired ? static_cast<std::size_t>(nb) : 0);
      cluster_times_a.resize(crossed ? count_a : cluster_count(by_a));
      cluster_times_b.resize(count_b);
      ready = true;
    });
    Engine engine;
#pragma omp for schedule(static)
    for (int r = 0; r < resamples; ++r) {
      if (!ready) continue;
      errors.run(r, [&] {
        engine.seed(splitmix64(options.bootstrap_seed ^ splitmix64(static_cast<std::uint64_t>(r))));
        const std::int64_t size_a = crossed
                                        ? draw_crossed_multiplicities(engine, times_a, clusters_a, clusters_b,
                                                                      cluster_times_a, cluster_times_b)
                                        : draw_multiplicities(engine, times_a, by_a, cluster_times_a);
        const std::int64_t size_b = design == PairingDesign::Unpaired
                                        ? draw_multiplicities(engine, times_b, clusters_b, cluster_times_b)
                                        : size_a;
        const std::vector<std::int64_t>& b_times = design == PairingDesign::Paired ? times_a : times_b;
        for (auto& h : ha) h.clear();
        for (auto& h : hb) h.clear();
        // One pass in replication order: the days are read sequentially, whatever was drawn.
        for (std::size_t i = 0; i < times_a.size(); ++i)
          if (times_a[i])
            for (std::size_t s = 0; s < series; ++s) ha[s].add(medians[s].a.at(i), times_a[i]);
        for (std::size_t i = 0; i < b_times.size(); ++i)
          if (b_times[i])
            for (std::size_t s = 0; s < series; ++s) hb[s].add(medians[s].b.at(i), b_times[i]);
        for (std::size_t s = 0; s < series; ++s) {
          auto ma = ha[s].median(size_a), mb = hb[s].median(size_b);
          if (mb) *mb += medians[s].b.offset;
          differences[s * static_cast<std::size_t>(resamples) + static_cast<std::size_t>(r)] =
              resample_difference(ma, mb);
        }
      });
    }
  }
  errors.rethrow();
  const double tail = (1 - options.interval_level) / 2;
  const std::size_t low_rank = quantile_rank(tail, resamples), high_rank = quantile_rank(1 - tail, resamples);
  for (std::size_t s = 0; s < series; ++s) {
    auto first = differences.begin() + static_cast<std::ptrdiff_t>(s * static_cast<std::size_t>(resamples));
    std::vector<std::int64_t> sorted(first, first + resamples);
    std::sort(sorted.begin(), sorted.end());
    // An end reached only through a median beyond the window is unbounded.
    const std::int64_t low = sorted[low_rank - 1], high = sorted[high_rank - 1];
    MedianDayComparison& m = *medians[s].out;
    if (std::abs(low) < beyond_window / 2) m.interval_low = static_cast<std::int32_t>(low);
    if (std::abs(high) < beyond_window / 2) m.interval_high = static_cast<std::int32_t>(high);
  }
}

// What would make a comparison read out of bounds: series of the wrong length,
// days outside the commitment window.
std::optional<std::string> inconsistency(const RunOutcomes& run) {
  const auto n = static_cast<std::size_t>(run.replications);
  const std::size_t cells = n * run.region_codes.size();
  if (run.replications < 1) return "holds no replication";
  if (run.region_names.size() != run.region_codes.size() || run.exhaustion_day.size() != cells ||
      run.unmet.size() != cells || run.additional_needed_day.size() != n || run.national_unmet.size() != n ||
      run.additional_needed.size() != n)
    return "its replication series do not match its replication and region counts";
  auto outside = [&](std::int32_t day) { return day < never || day >= run.window_days; };
  if (std::any_of(run.exhaustion_day.begin(), run.exhaustion_day.end(), outside))
    return "its exhaustion days include one outside the commitment window";
  if (std::any_of(run.additional_needed_day.begin(), run.additional_needed_day.end(), outside))
    return "its days the national pool falls short include one outside the commitment window";
  return std::nullopt;
}

}  // namespace

RunOutcomes read_run_outcomes(const RunFileReader& run) {
  const RunFileInfo& info = run.info();
  RunOutcomes out;
  out.file = run.path().string();
  out.scenario_name = info.scenario_name;
  out.scenario_sha256 = info.scenario_sha256;
  if (const std::optional<RunFileActuals>& actuals = run.actuals())
    out.forecast_from = ForecastStartIdentity{actuals->file, actuals->sha256, actuals->as_of};
  out.stream_scheme = info.stream_scheme;
  out.seed = info.seed;
  out.replications = info.replications;
  out.commitment_start = *Date::parse(info.commitment_start);  // checked by the reader
  out.window_days = info.window_days;
  out.region_codes = info.region_codes;
  out.region_names = info.region_names;
  if (info.replications < 1) throw RunFileError(out.file + ": holds no replication");
  out.exhaustion_day = run.exhaustion_days();
  out.unmet = run.region_values(layout::region_field("unmet_cents"));
  out.additional_needed_day = run.additional_needed_days();
  out.national_unmet = run.national_values(layout::national_field("unmet_cents"));
  out.additional_needed = run.national_values(layout::national_field("additional_needed_cents"));
  if (info.has_uncertainty) {
    const std::optional<RunFileUncertainty> drawn = run.uncertainty();
    if (drawn && !drawn->particle_source.empty()) {
      for (std::int64_t particle : drawn->particle)
        out.cluster.push_back(drawn->particle_source[static_cast<std::size_t>(particle)]);
    } else if (drawn && !drawn->particle.empty()) {
      out.cluster = drawn->particle;
      out.clustered_by_particle = true;
    }
  }
  if (const auto problem = inconsistency(out)) throw RunFileError(out.file + ": " + *problem);
  return out;
}

namespace {

// Regions are matched by code, whatever their order: B's index of each of A's regions.
std::vector<std::size_t> match_regions(const RunOutcomes& a, const RunOutcomes& b) {
  std::map<std::string, std::size_t> b_index;
  for (std::size_t r = 0; r < b.region_codes.size(); ++r) b_index[b.region_codes[r]] = r;
  std::string only_a, only_b;
  auto list = [](std::string& codes, const std::string& code) {
    if (!codes.empty()) codes += ' ';
    codes += code;
  };
  for (const std::string& code : a.region_codes)
    if (!b_index.contains(code)) list(only_a, code);
  for (const std::string& code : b.region_codes)
    if (std::find(a.region_codes.begin(), a.region_codes.end(), code) == a.region_codes.end())
      list(only_b, code);
  if (!only_a.empty() || !only_b.empty() || a.region_codes.size() != b.region_codes.size()) {
    std::string message = "the runs' regions differ: ";
    message += a.file;
    message += " has ";
    message += only_a.empty() ? "no other region" : only_a;
    message += ", ";
    message += b.file;
    message += " has ";
    message += only_b.empty() ? "no other region" : only_b;
    throw IncomparableRunsError(message);
  }
  std::vector<std::size_t> matched;
  for (const std::string& code : a.region_codes) matched.push_back(b_index.at(code));
  return matched;
}

// Paired exactly when replication i of both runs drew the same random numbers.
void choose_design(const RunOutcomes& a, const RunOutcomes& b, RunComparison& c) {
  const bool same_seed = a.seed == b.seed, same_count = a.replications == b.replications,
             same_scheme = a.stream_scheme == b.stream_scheme;
  c.design = same_seed && same_count && same_scheme ? PairingDesign::Paired : PairingDesign::Unpaired;
  char text[160];
  if (c.design == PairingDesign::Paired) {
    std::snprintf(text, sizeof text, "same seed (%llu), replication count (%lld) and random-stream scheme",
                  static_cast<unsigned long long>(a.seed), static_cast<long long>(a.replications));
    c.design_reason = text;
    return;
  }
  auto add_reason = [&](const std::string& reason) {
    if (!c.design_reason.empty()) c.design_reason += ", ";
    c.design_reason += reason;
  };
  if (!same_seed) {
    std::snprintf(text, sizeof text, "different seeds (%llu and %llu)",
                  static_cast<unsigned long long>(a.seed), static_cast<unsigned long long>(b.seed));
    add_reason(text);
  }
  if (!same_count) {
    if (same_seed && same_scheme) c.shared_replications = std::min(a.replications, b.replications);
    std::snprintf(text, sizeof text, "different replication counts (%lld and %lld)",
                  static_cast<long long>(a.replications), static_cast<long long>(b.replications));
    add_reason(text);
  }
  if (!same_scheme) add_reason("different random-stream schemes");
}

}  // namespace

RunComparison compare_runs(const RunOutcomes& a, const RunOutcomes& b, const ComparisonOptions& options) {
  for (const RunOutcomes* run : {&a, &b})
    if (const auto problem = inconsistency(*run)) throw std::invalid_argument(run->file + ": " + *problem);
  const std::vector<std::size_t> b_region = match_regions(a, b);
  RunComparison c;
  c.options = options;
  c.a = {a.file,         a.scenario_name,    a.scenario_sha256, a.seed,
         a.replications, a.commitment_start, a.forecast_from};
  c.b = {b.file,         b.scenario_name,    b.scenario_sha256, b.seed,
         b.replications, b.commitment_start, b.forecast_from};
  choose_design(a, b, c);

  const auto na = static_cast<std::size_t>(a.replications), nb = static_cast<std::size_t>(b.replications);
  const std::size_t regions = a.region_codes.size();
  // B's days are counted from its own commitment start: shifted into A's calendar.
  const std::int32_t offset = days_between(a.commitment_start, b.commitment_start);
  std::vector<double> xa(na), xb(nb);
  Clustering clusters{dense_clusters(a.cluster), dense_clusters(b.cluster), {}};
  c.clusters_a = static_cast<std::int64_t>(cluster_count(clusters.a));
  c.clusters_b = static_cast<std::int64_t>(cluster_count(clusters.b));
  c.clustered_by_particle = a.clustered_by_particle || b.clustered_by_particle;
  if (c.design == PairingDesign::Paired && !a.cluster.empty() && !b.cluster.empty()) {
    std::vector<std::int64_t> pair(na);
    for (std::size_t i = 0; i < na; ++i) pair[i] = clusters.b[i] * c.clusters_a + clusters.a[i];
    clusters.both = dense_clusters(pair);
  }
  auto compare_figure = [&](auto value_a, auto value_b) {
    for (std::size_t i = 0; i < na; ++i) xa[i] = value_a(i);
    for (std::size_t i = 0; i < nb; ++i) xb[i] = value_b(i);
    return compare_means(xa, xb, c.design, clusters);
  };
  std::vector<DaySeries> a_series, b_series;
  std::vector<MedianDayComparison*> medians;
  c.regions.resize(regions);
  for (std::size_t r = 0; r < regions; ++r) {
    const std::size_t rb = b_region[r];
    RegionComparison& out = c.regions[r];
    out.code = a.region_codes[r];
    out.name = a.region_names[r];
    out.p_exhausted = compare_figure(
        [&](std::size_t i) { return a.exhaustion_day[i * regions + r] != never ? 1.0 : 0.0; },
        [&](std::size_t i) { return b.exhaustion_day[i * regions + rb] != never ? 1.0 : 0.0; });
    out.unmet_eur = compare_figure([&](std::size_t i) { return in_euros(a.unmet[i * regions + r]); },
                                   [&](std::size_t i) { return in_euros(b.unmet[i * regions + rb]); });
    a_series.push_back({a.exhaustion_day, regions, r, 0});
    b_series.push_back({b.exhaustion_day, regions, rb, offset});
    medians.push_back(&out.median_exhaustion_day);
  }
  NationalComparison& n = c.national;
  n.p_additional_needed =
      compare_figure([&](std::size_t i) { return a.additional_needed[i] > 0 ? 1.0 : 0.0; },
                     [&](std::size_t i) { return b.additional_needed[i] > 0 ? 1.0 : 0.0; });
  n.additional_needed_eur = compare_figure([&](std::size_t i) { return in_euros(a.additional_needed[i]); },
                                           [&](std::size_t i) { return in_euros(b.additional_needed[i]); });
  n.unmet_eur = compare_figure([&](std::size_t i) { return in_euros(a.national_unmet[i]); },
                               [&](std::size_t i) { return in_euros(b.national_unmet[i]); });
  a_series.push_back({a.additional_needed_day, 1, 0, 0});
  b_series.push_back({b.additional_needed_day, 1, 0, offset});
  medians.push_back(&n.median_additional_needed_day);

  const auto window_a = static_cast<std::size_t>(a.window_days),
             window_b = static_cast<std::size_t>(b.window_days);
  std::vector<MedianToBootstrap> to_bootstrap;
  for (std::size_t s = 0; s < medians.size(); ++s) {
    MedianDayComparison& m = *medians[s];
    m.a = median_day(a_series[s], a.replications, window_a);
    m.b = median_day(b_series[s], b.replications, window_b);
    if (m.a && m.b) {
      m.difference = *m.b - *m.a;
      to_bootstrap.push_back({a_series[s], b_series[s], &m});
    }
  }
  bootstrap_medians(to_bootstrap, a.replications, b.replications, window_a, window_b, c.design, clusters,
                    options);

  std::vector<MeanComparison*> tests;
  for (RegionComparison& r : c.regions) {
    tests.push_back(&r.p_exhausted);
    tests.push_back(&r.unmet_eur);
  }
  tests.push_back(&n.p_additional_needed);
  tests.push_back(&n.additional_needed_eur);
  tests.push_back(&n.unmet_eur);
  c.tests = apply_holm(tests, options.family_wise_level);
  return c;
}

}  // namespace fnesim
