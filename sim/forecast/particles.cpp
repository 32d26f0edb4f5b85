#include "sim/forecast/particles.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <tuple>

#include "sim/boost_random.hpp"
#include "sim/engine_limits.hpp"
#include "sim/errors.hpp"
#include "sim/parallel.hpp"
#include "sim/parameters.hpp"
#include "sim/plan.hpp"
#include "sim/rng.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/uncertain_parameters.hpp"

namespace fnesim {

namespace {

// Eligible arrivals expected before the cut-off under one draw: per month
// (national) and per region.
struct Expectation {
  std::vector<double> monthly;
  std::vector<double> regional;
};

// Every particle asks it, and the prior-predictive check, for every region and
// day before the cut-off: the days are walked in runs of one month and one
// coverage epoch, each run's day by day in order into sums held in registers
// — the same additions as plan.expected_eligible_arrivals day by day, so the
// same bits.
Expectation expect(const Plan& plan, int cut_off_day, int months, int regions) {
  Expectation out{std::vector<double>(static_cast<std::size_t>(months), 0.0),
                  std::vector<double>(static_cast<std::size_t>(regions), 0.0)};
  // The runs' first days before the cut-off: a month's or an epoch's.
  std::vector<int> starts = plan.month_starts;
  for (const CoverageEpoch& epoch : plan.epochs) starts.push_back(epoch.first_day);
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  starts.erase(std::lower_bound(starts.begin(), starts.end(), cut_off_day), starts.end());
  for (int r = 0; r < regions; ++r) {
    const RegionPlan& region = plan.regions[static_cast<std::size_t>(r)];
    double regional = 0;
    std::size_t epoch = 0;
    for (std::size_t run = 0; run < starts.size(); ++run) {
      const auto first = static_cast<std::size_t>(starts[run]);
      const auto end = static_cast<std::size_t>(run + 1 < starts.size() ? starts[run + 1] : cut_off_day);
      epoch = plan.epoch_index_on(starts[run], epoch);
      const double own_share = region.eligible_share[epoch];
      double& monthly_total = out.monthly[static_cast<std::size_t>(plan.month_of_day[first])];
      double monthly = monthly_total;
      for (std::size_t d = first; d < end; ++d) {
        double e = region.own_daily_expected[d] * own_share;
        for (const PopulationPlan& population : region.populations)
          e += population.daily_expected[d] * population.eligible_share[epoch];
        monthly += e;
        regional += e;
      }
      monthly_total = monthly;
    }
    out.regional[static_cast<std::size_t>(r)] = regional;
  }
  return out;
}

// A scenario and plan whose demand is redrawn for each draw.
struct DrawBench {
  Scenario scenario;
  Plan plan;
  Eigen::MatrixXd loading;
  explicit DrawBench(const Scenario& prior)
      : scenario(prior), plan(prior), loading(copula_loading(prior.uncertainty.correlation)) {
    scenario.forecast_start.reset();
    scenario.resolved_toml.clear();
  }
  const Plan& apply(const Scenario& prior, const ParameterDraw& draw, int cut_off_day) {
    scenario.demand = prior.demand;
    scenario.events = prior.events;
    apply_parameters(scenario, draw);
    plan.redraw_expectations_before(scenario, cut_off_day);
    return plan;
  }
};

// body(index, bench, engine) for every index in [0, count), on the scenario's
// threads, each with a bench and an engine of its own. An index draws from
// its own stream and a redraw depends on the draw alone, so what it computes
// is the same whatever the thread and the number of threads.
template <typename Body>
void for_each_draw(const Scenario& prior, int count, Body&& body) {
  const int threads = std::clamp(resolve_thread_count(prior.run.threads), 1, std::max(count, 1));
  std::vector<DrawBench> benches;
  benches.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) benches.emplace_back(prior);
  ParallelErrors errors;
#pragma omp parallel num_threads(threads)
  {
    Engine engine;
#pragma omp for schedule(static)
    for (int j = 0; j < count; ++j)
      errors.run(j, [&] { body(j, benches[static_cast<std::size_t>(omp_get_thread_num())], engine); });
  }
  errors.rethrow();
}

// A draw that expects no count a sampler can draw (values drawn near or past
// the largest double) stops the forecast, naming the draw, rather than be
// read as counts no draw explains or handed to a Poisson sampler. One merely
// past what a run holds is weighed like any other: the actuals give it no
// weight, and the engine stops a replication that would simulate it.
constexpr double most_expected_before_cut_off = 1e15;

void expect_simulable(const Expectation& expected, const Scenario& prior, const ParameterDraw& draw, int j,
                      int cut_off_day) {
  for (std::size_t r = 0; r < expected.regional.size(); ++r) {
    const double e = expected.regional[r];
    if (e <= most_expected_before_cut_off) continue;
    std::string values;
    for (std::size_t k = 0; k < draw.values.size() && k < prior.uncertainty.parameters.size(); ++k) {
      char text[48];
      std::snprintf(text, sizeof text, " = %.6g", draw.values[k]);
      values += (values.empty() ? "" : ", ") + prior.uncertainty.parameters[k].path + text;
    }
    char count[48];
    std::snprintf(count, sizeof count, "about %.3g", e);
    throw limits::EngineLimitError(
        "prior draw " + std::to_string(j) + " of the scenario's uncertain assumptions makes region " +
        prior.convention.regions[r].code + " expect " +
        (std::isnan(e) ? std::string("a number past any bound of") : std::string(count)) +
        " dossiers before " + prior.convention.commitment_start.plus_days(cut_off_day).iso() +
        ", more than any count fnesim draws (10^15)" +
        (values.empty() ? std::string() : " (its draws: " + values + ")") +
        "; narrow the uncertainty, or lower expected_dossiers or the size of its events");
  }
}

// ln Γ(x) as std::lgamma computes it (glibc's lgamma_r is its body, the
// same bits), without writing the global `signgam`: the paths are weighed
// on several threads.
double log_gamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

// The national total's uptake: the common factor and the regional deviations
// pooled (their weighted mean; CVs as in uptake_posterior.hpp).
double national_shape(double national_cv) {
  return national_cv > 0 ? 1 / (national_cv * national_cv) : std::numeric_limits<double>::infinity();
}

}  // namespace

bool weigh_particles(const Scenario& prior, const ObservedArrivals& observed, double national_cv,
                     std::uint64_t seed, ForecastStart& start) {
  const int regions = static_cast<int>(prior.convention.regions.size());
  const int months = static_cast<int>(observed.monthly.size());
  ProfileEvidence evidence;
  for (int m = 0; m < months; ++m)
    evidence.observed[static_cast<std::size_t>(add_months(prior.convention.commitment_start, m).month() - 1)] = true;
  // The national level of uptake, month by month, as a Gamma(a, b) (West &
  // Harrison, ch. 14). A priori it has mean 1 and the spread of the national
  // uptake and of the Dirichlet's normalisation (the factor c / Σ Gamma(c p)
  // common to every month). Each month the drift widens it (the discount
  // a → δa, b → δb, δ = 1 / (1 + σ² a): Smith & Miller 1986), the particle's
  // jump, if it has one that month, moves it, then the month's count updates it. The count is Poisson around level × expected × the
  // month's own Dirichlet factor, Gamma(k, k) with k = c p_m: over-dispersed
  // by κ = 1 + level × expected / k, so it informs the level as n/κ dossiers
  // over μ/κ expected would (the quasi-likelihood of a negative binomial,
  // McCullagh & Nelder ch. 9). The weight is the product of the months'
  // one-step predictive probabilities: negative binomials with the mean and
  // variance of level × month factor.
  const double c = prior.uncertainty.profile_concentration;
  const double drift_variance = prior.uncertainty.monthly_drift * prior.uncertainty.monthly_drift;
  const double initial_cv2 =
      (1 + national_cv * national_cv) * (c > 0 ? 1 + 1 / c : 1.0) - 1;
  const double initial_shape = initial_cv2 > 0 ? 1 / initial_cv2 : 1e12;
  // A particle's static part: its draw of the parameters and profile, and
  // what it expects each month.
  struct Source {
    ParameterDraw draw;
    Expectation expected;
    double profile_sum = 1;
  };
  const int count = prior.uncertainty.particles;
  std::vector<Source> sources(static_cast<std::size_t>(count));
  for_each_draw(prior, count, [&](int j, DrawBench& bench, Engine& engine) {
    reseed(engine, seed, static_cast<std::uint64_t>(j), StreamPurpose::Particles, national_stream);
    Source& source = sources[static_cast<std::size_t>(j)];
    source.draw = draw_parameters(prior, bench.loading, engine, &evidence);
    source.expected =
        expect(bench.apply(prior, source.draw, observed.cut_off_day), observed.cut_off_day, months, regions);
    expect_simulable(source.expected, prior, source.draw, j, observed.cut_off_day);
    // The scenario's profile is normalised when the draw is applied: the
    // months to come, drawn unnormalised, would otherwise scale the observed
    // ones. The level's prior takes the scale back (mean Σ shares).
    if (source.draw.profile)
      source.profile_sum = std::accumulate(source.draw.profile->begin(), source.draw.profile->end(), 0.0);
  });
  // Each particle's path: its source, its level's Gamma(a, b), its log weight.
  struct Path {
    int source = 0;
    double a = 0, b = 0, log_weight = 0;
  };
  std::vector<Path> paths;
  for (int j = 0; j < count; ++j)
    paths.push_back({j, initial_shape, initial_shape / sources[static_cast<std::size_t>(j)].profile_sum, 0});
  // Jumps are drawn month by month, as the simulator's drift draws them, and
  // the paths are resampled (systematic resampling, Kitagawa 1996) whenever
  // the weights leave fewer than half of them in effect: drawn all at once,
  // a handful of particles would hold every jump pattern that explains the
  // counts, and the forecast would be as sure as one particle. Without jumps
  // a path is fixed by its source, and resampling would only add noise.
  const bool jumps = prior.uncertainty.jump_probability > 0;
  const int threads = std::clamp(resolve_thread_count(prior.run.threads), 1, std::max(count, 1));
  // The jumps' streams are seeded eight at a time, their chains in step: a
  // set of engines per thread.
  constexpr std::size_t seeded_together = 8;
  std::vector<std::array<Engine, seeded_together>> jump_engines(jumps ? static_cast<std::size_t>(threads)
                                                                      : 0);
  Engine engine;
  const auto effective = [&] {
    double peak = -std::numeric_limits<double>::infinity();
    for (const Path& p : paths) peak = std::max(peak, p.log_weight);
    double sum = 0, squares = 0;
    for (const Path& p : paths) {
      const double w = std::isfinite(peak) ? std::exp(p.log_weight - peak) : 0.0;
      sum += w;
      squares += w * w;
    }
    return std::tuple(peak, sum, squares > 0 ? sum * sum / squares : 0.0);
  };
  for (int m = 0; m < months; ++m) {
    const auto n = static_cast<double>(observed.monthly[static_cast<std::size_t>(m)]);
    const auto calendar = static_cast<std::size_t>(add_months(prior.convention.commitment_start, m).month() - 1);
    // Each path's month depends on its own state and its own stream alone:
    // the paths are stepped on the run's threads, with the same bits. Its
    // jump's stream (slot and month) comes seeded when there are jumps.
    const auto step = [&](std::size_t i, Engine* jump_engine) {
      Path& path = paths[i];
      const Source& source = sources[static_cast<std::size_t>(path.source)];
      // The drift steps from the first month on, as draw_drift does.
      if (drift_variance > 0) {
        const double discount = 1 / (1 + drift_variance * path.a);
        path.a *= discount;
        path.b *= discount;
      }
      if (jumps) {
        // A jump multiplies the level by e^J: Gamma(a, b) becomes Gamma(a, b e^{−J}).
        path.b *= std::exp(-draw_jump(prior.uncertainty, *jump_engine).value_or(0.0));
      }
      const double mu = source.expected.monthly[static_cast<std::size_t>(m)];
      if (mu <= 0) {
        if (n > 0) path.log_weight = -std::numeric_limits<double>::infinity();
        return;
      }
      // The Dirichlet is around the particle's tilted shares, which an
      // observed month keeps (draw_profile).
      const double k = source.draw.profile ? c * (*source.draw.profile)[calendar] : 0.0;
      const double month_cv2 = k > 0 ? 1 / k : 0.0;
      const double mean = mu * path.a / path.b;
      const double shape = 1 / ((1 + 1 / path.a) * (1 + month_cv2) - 1);
      path.log_weight += log_gamma(shape + n) - log_gamma(shape) - log_gamma(n + 1) +
                         shape * std::log(shape / (shape + mean)) + n * std::log(mean / (shape + mean));
      const double overdispersion = 1 + mean * month_cv2;
      path.a += n / overdispersion;
      path.b += mu / overdispersion;
    };
    ParallelErrors errors;
    const std::size_t path_count = paths.size();
    const auto blocks = static_cast<std::int64_t>((path_count + seeded_together - 1) / seeded_together);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t block = 0; block < blocks; ++block) {
      const std::size_t first = static_cast<std::size_t>(block) * seeded_together;
      const std::size_t in_block = std::min(seeded_together, path_count - first);
      // An engine past the last path is seeded as the last, and not drawn.
      std::array<Engine, seeded_together>* engines =
          jumps ? &jump_engines[static_cast<std::size_t>(omp_get_thread_num())] : nullptr;
      if (engines != nullptr) {
        std::array<Engine::result_type, seeded_together> values{};
        for (std::size_t k = 0; k < seeded_together; ++k)
          values[k] = stream_seed(seed, first + std::min(k, in_block - 1), StreamPurpose::Particles,
                                  static_cast<std::uint32_t>(m));
        Engine::seed_each(*engines, values);
      }
      for (std::size_t k = 0; k < in_block; ++k)
        errors.run(static_cast<std::int64_t>(first + k),
                   [&] { step(first + k, engines != nullptr ? &(*engines)[k] : nullptr); });
    }
    errors.rethrow();
    const auto [peak, sum, in_effect] = effective();
    if (!std::isfinite(peak)) return false;
    if (jumps && m + 1 < months && in_effect < 0.5 * static_cast<double>(paths.size())) {
      reseed(engine, seed, static_cast<std::uint64_t>(m), StreamPurpose::Particles, national_stream - 2);
      const double step = sum / static_cast<double>(paths.size());
      double next = boost::random::uniform_01<double>()(engine) * step, cumulative = 0;
      std::vector<Path> resampled;
      resampled.reserve(paths.size());
      for (const Path& p : paths) {
        cumulative += std::exp(p.log_weight - peak);
        while (next < cumulative && resampled.size() < paths.size()) {
          resampled.push_back({p.source, p.a, p.b, 0});
          next += step;
        }
      }
      // Rounding can leave the last slot short: it takes the last path.
      while (resampled.size() < paths.size()) resampled.push_back({paths.back().source, paths.back().a, paths.back().b, 0});
      paths = std::move(resampled);
    }
  }
  const auto [peak, sum, in_effect] = effective();
  if (!std::isfinite(peak)) return false;
  start.particle_cumulative_weight.clear();
  double cumulative = 0;
  for (const Path& p : paths) {
    const Source& source = sources[static_cast<std::size_t>(p.source)];
    start.particles.push_back(
        {source.draw.values, source.draw.profile, source.expected.regional, p.a, p.b, p.source});
    cumulative += std::exp(p.log_weight - peak);
    start.particle_cumulative_weight.push_back(cumulative / sum);
  }
  start.effective_particles = in_effect;
  return true;
}

PriorPredictiveBandSet prior_predictive_bands(const Scenario& prior, int cut_off_day, int months,
                                              double national_cv, std::uint64_t seed, int draws) {
  const int regions = static_cast<int>(prior.convention.regions.size());
  const bool varied = prior.uncertainty.any() || !prior.events.empty();
  const Expectation stated = expect(DrawBench(prior).plan, cut_off_day, months, regions);
  // Per month, each draw's count; then per draw their total.
  std::vector<std::vector<std::int64_t>> counts(static_cast<std::size_t>(months) + 1,
                                                std::vector<std::int64_t>(static_cast<std::size_t>(draws)));
  const double shape = national_shape(national_cv);
  for_each_draw(prior, draws, [&](int s, DrawBench& bench, Engine& engine) {
    reseed(engine, seed, static_cast<std::uint64_t>(s), StreamPurpose::Particles, national_stream - 1);
    Expectation e = stated;
    if (varied) {
      const ParameterDraw draw = draw_parameters(prior, bench.loading, engine);
      e = expect(bench.apply(prior, draw, cut_off_day), cut_off_day, months, regions);
      expect_simulable(e, prior, draw, s, cut_off_day);
    }
    const double uptake =
        std::isinf(shape) ? 1.0 : boost::random::gamma_distribution<double>(shape, 1 / shape)(engine);
    // The drift moves each month's level by a log-normal step from the last.
    double drift = 0;
    std::int64_t sum = 0;
    for (int m = 0; m < months; ++m) {
      const double sd = prior.uncertainty.monthly_drift;
      if (sd > 0) drift += boost::random::normal_distribution<double>(-sd * sd / 2, sd)(engine);
      drift += draw_jump(prior.uncertainty, engine).value_or(0.0);
      const double mean = uptake * std::exp(drift) * e.monthly[static_cast<std::size_t>(m)];
      const std::int64_t n = mean > 0 ? boost::random::poisson_distribution<std::int64_t, double>(mean)(engine) : 0;
      counts[static_cast<std::size_t>(m)][static_cast<std::size_t>(s)] = n;
      sum += n;
    }
    counts.back()[static_cast<std::size_t>(s)] = sum;
  });
  PriorPredictiveBandSet out;
  for (int m = 0; m <= months; ++m) {
    std::vector<std::int64_t> c = counts[static_cast<std::size_t>(m)];  // each draw's stays in its place
    std::sort(c.begin(), c.end());
    PriorPredictiveMonth month;
    month.month = m < months ? m : months - 1;
    month.cumulative = m == months;
    const auto at = [&](double q) {
      return c[std::min(c.size() - 1, static_cast<std::size_t>(std::floor(q * static_cast<double>(c.size()))))];
    };
    month.low = at(0.025);
    month.high = at(0.975);
    double mean = 0;
    for (std::int64_t n : c) mean += static_cast<double>(n);
    month.expected = mean / static_cast<double>(c.size());
    out.bands.push_back(month);
    out.draws.push_back(std::move(c));
  }
  // Where each draw's count stands among the draws, itself included: the
  // ranks the year's check compares (chance_as_far_off).
  out.counts = std::move(counts);
  out.at_or_below.resize(out.bands.size());
  out.at_or_above.resize(out.bands.size());
  for (std::size_t b = 0; b < out.bands.size(); ++b) {
    const std::vector<std::int64_t>& sorted = out.draws[b];
    for (const std::int64_t n : out.counts[b]) {
      out.at_or_below[b].push_back(
          static_cast<int>(std::upper_bound(sorted.begin(), sorted.end(), n) - sorted.begin()));
      out.at_or_above[b].push_back(
          static_cast<int>(sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), n)));
    }
  }
  return out;
}

double PriorPredictiveBandSet::chance_as_far_off(const std::vector<PriorPredictiveMonth>& held) const {
  if (held.size() != draws.size()) throw InvariantError("chance_as_far_off: counts for other bands");
  // How far into its nearer tail a count lies, among the draws and the year
  // together: the number of those at least as far into it (itself included).
  // The year's is its smallest over the bands.
  int year = std::numeric_limits<int>::max();
  for (std::size_t b = 0; b < held.size(); ++b) {
    const std::vector<std::int64_t>& sorted = draws[b];
    const std::int64_t y = held[b].observed;
    const auto below = static_cast<int>(std::upper_bound(sorted.begin(), sorted.end(), y) - sorted.begin());
    const auto above = static_cast<int>(sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), y));
    year = std::min(year, std::min(below, above) + 1);
  }
  // Each draw's the same way, the year among the others: those as far off or further.
  int as_far = 0;
  for (std::size_t s = 0; s < counts.front().size(); ++s) {
    int draw = std::numeric_limits<int>::max();
    for (std::size_t b = 0; b < held.size(); ++b) {
      const std::int64_t n = counts[b][s], y = held[b].observed;
      draw = std::min(draw, std::min(at_or_below[b][s] + (y <= n), at_or_above[b][s] + (y >= n)));
    }
    as_far += draw <= year;
  }
  // The year is one of them: never a chance of 0.
  return (as_far + 1.0) / (static_cast<double>(counts.front().size()) + 1);
}

std::vector<PriorPredictiveMonth> hold_against(const PriorPredictiveBandSet& drawn,
                                               const ObservedArrivals& observed) {
  std::vector<PriorPredictiveMonth> bands = drawn.bands;
  if (bands.size() != observed.monthly.size() + 1)
    throw InvariantError("hold_against: bands of " + std::to_string(bands.size() - 1) + " months for " +
                         std::to_string(observed.monthly.size()));
  std::int64_t total = 0;
  for (std::size_t m = 0; m < observed.monthly.size(); ++m) {
    bands[m].observed = observed.monthly[m];
    total += observed.monthly[m];
  }
  bands.back().observed = total;
  return bands;
}

const PriorPredictiveBandSet& PriorPredictiveBands::of(const Scenario& prior, int cut_off_day, int months,
                                                       double national_cv, std::uint64_t seed, int draws) {
  for (const Drawn& d : drawn_)
    // The CV compared to the bit: bands drawn for another are other bands.
    if (d.cut_off_day == cut_off_day && d.months == months && d.draws == draws && d.seed == seed &&
        std::memcmp(&d.national_cv, &national_cv, sizeof national_cv) == 0)
      return d.set;
  drawn_.push_back({cut_off_day, months, draws, national_cv, seed,
                    prior_predictive_bands(prior, cut_off_day, months, national_cv, seed, draws)});
  return drawn_.back().set;
}

}  // namespace fnesim
