#include "sim/forecast/particles.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/boost_random.hpp"
#include "sim/parameters.hpp"
#include "sim/plan.hpp"
#include "sim/rng.hpp"
#include "sim/scenario/uncertain_parameters.hpp"

namespace fnesim {

namespace {

// Eligible arrivals expected before the cut-off under one draw: per month
// (national) and per region.
struct Expectation {
  std::vector<double> monthly;
  std::vector<double> regional;
};

Expectation expect(const Plan& plan, int cut_off_day, int months, int regions) {
  Expectation out{std::vector<double>(static_cast<std::size_t>(months), 0.0),
                  std::vector<double>(static_cast<std::size_t>(regions), 0.0)};
  for (int r = 0; r < regions; ++r)
    for (int d = 0; d < cut_off_day; ++d) {
      const double e = plan.expected_eligible_arrivals(r, d);
      out.monthly[static_cast<std::size_t>(plan.month_of_day[static_cast<std::size_t>(d)])] += e;
      out.regional[static_cast<std::size_t>(r)] += e;
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
  const Plan& apply(const Scenario& prior, const ParameterDraw& draw) {
    scenario.demand = prior.demand;
    scenario.events = prior.events;
    apply_parameters(scenario, draw);
    plan.redraw_demand(scenario);
    return plan;
  }
};

// The national total's uptake: the common factor and the regional deviations
// pooled (their weighted mean; CVs as in uptake_posterior.hpp).
double national_shape(double national_cv) {
  return national_cv > 0 ? 1 / (national_cv * national_cv) : std::numeric_limits<double>::infinity();
}

}  // namespace

bool weigh_particles(const Scenario& prior, const ObservedArrivals& observed, double national_cv,
                     double common_cv, double regional_cv, std::uint64_t seed, ForecastStart& start) {
  const int regions = static_cast<int>(prior.convention.regions.size());
  const int months = static_cast<int>(observed.monthly.size());
  DrawBench bench(prior);
  // The profile's proposal (sim/parameters.hpp): the observed months' counts by calendar month.
  ProfileEvidence evidence;
  std::int64_t total = 0;
  for (int m = 0; m < months; ++m) {
    const auto month = static_cast<std::size_t>(add_months(prior.convention.commitment_start, m).month() - 1);
    evidence.observed[month] = true;
    evidence.counts[month] += static_cast<double>(observed.monthly[static_cast<std::size_t>(m)]);
    total += observed.monthly[static_cast<std::size_t>(m)];
  }
  const double shape = national_shape(national_cv);
  const int count = prior.uncertainty.particles;
  const bool uncertain_profile = prior.uncertainty.profile_concentration > 0;
  const std::array<double, 12> stated_profile = stated_monthly_profile(prior);
  // The observed months' counts less what the new populations would have
  // filed in them at the uptake observed so far: the profile's proposal is
  // then about the scenario's own demand, which the profile times.
  const Expectation stated = expect(bench.plan, observed.cut_off_day, months, regions);
  double stated_total = 0;
  for (double e : stated.monthly) stated_total += e;
  const double uptake_so_far = stated_total > 0 ? static_cast<double>(total) / stated_total : 1.0;
  // A month's count reflects its share of the year times its exposure: the
  // part of it before the cut-off, and the share of its dossiers a rule
  // applied to. The proposal divides the exposure out, keeping the total.
  std::array<double, 12> exposure{};
  for (int m = 0; m < months; ++m) {
    const auto month = static_cast<std::size_t>(add_months(prior.convention.commitment_start, m).month() - 1);
    exposure[month] = stated_profile[month] > 0 ? stated.monthly[static_cast<std::size_t>(m)] / stated_profile[month] : 0.0;
  }
  auto exposure_adjusted = [&](ProfileEvidence& e) {
    double before = 0, after = 0;
    for (std::size_t m = 0; m < 12; ++m) {
      if (!e.observed[m]) continue;
      before += e.counts[m];
      e.counts[m] = exposure[m] > 0 ? e.counts[m] / exposure[m] : 0.0;
      after += e.counts[m];
    }
    for (double& n : e.counts) n = after > 0 ? n * before / after : 0.0;
  };
  std::vector<double> log_weights;
  Engine engine;
  for (int j = 0; j < count; ++j) {
    reseed(engine, seed, static_cast<std::uint64_t>(j), StreamPurpose::Particles, national_stream);
    ParameterDraw draw;
    draw.values = draw_parameter_values(prior, bench.loading, engine);
    double log_weight = 0;
    if (uncertain_profile) {
      ProfileEvidence own = evidence;
      const Plan& plan = bench.apply(prior, draw);
      for (int r = 0; r < regions; ++r)
        for (const PopulationPlan& population : plan.regions[static_cast<std::size_t>(r)].populations)
          for (int d = 0; d < observed.cut_off_day; ++d) {
            const auto i = static_cast<std::size_t>(d);
            double& n = own.counts[static_cast<std::size_t>(plan.calendar_month_of_day[i])];
            n = std::max(0.0, n - uptake_so_far * population.daily_expected[i] *
                                      population.eligible_share[static_cast<std::size_t>(
                                          &plan.epoch_on(d) - plan.epochs.data())]);
          }
      exposure_adjusted(own);
      draw.profile = draw_profile(prior, engine, &own);
      // Prior ÷ proposal for the split within the observed months:
      // ∏ q_m^(−n'_m) · B(c p + n') / B(c p), q_m the month's share of them.
      double observed_share = 0, alpha_sum = 0;
      for (std::size_t m = 0; m < 12; ++m)
        if (evidence.observed[m]) observed_share += (*draw.profile)[m];
      for (std::size_t m = 0; m < 12; ++m) {
        if (!evidence.observed[m]) continue;
        const double alpha = prior.uncertainty.profile_concentration * stated_profile[m] + own.counts[m];
        log_weight += std::lgamma(alpha) - own.counts[m] * std::log((*draw.profile)[m] / observed_share);
        alpha_sum += alpha;
      }
      log_weight -= std::lgamma(alpha_sum);
    }
    const Expectation e = expect(bench.apply(prior, draw), observed.cut_off_day, months, regions);
    double expected_total = 0;
    for (int m = 0; m < months; ++m) {
      const auto n = static_cast<double>(observed.monthly[static_cast<std::size_t>(m)]);
      const double mu = e.monthly[static_cast<std::size_t>(m)];
      expected_total += mu;
      if (n > 0) log_weight += mu > 0 ? n * std::log(mu) : -std::numeric_limits<double>::infinity();
    }
    const auto n = static_cast<double>(total);
    log_weight += std::isinf(shape) ? -expected_total : -(shape + n) * std::log(shape + expected_total);
    log_weights.push_back(log_weight);
    start.particles.push_back({draw.values, draw.profile, e.regional});
  }
  const double peak = *std::max_element(log_weights.begin(), log_weights.end());
  if (!std::isfinite(peak)) return false;
  double sum = 0, squares = 0;
  start.particle_cumulative_weight.clear();
  for (double lw : log_weights) {
    const double w = std::exp(lw - peak);
    sum += w;
    squares += w * w;
    start.particle_cumulative_weight.push_back(sum);
  }
  for (double& c : start.particle_cumulative_weight) c /= sum;
  start.effective_particles = sum * sum / squares;
  start.uptake_common_cv = common_cv;
  start.uptake_regional_cv = regional_cv;
  start.observed_counts = observed.regional;
  start.national_counts = observed.national_only;
  return true;
}

std::vector<PriorPredictiveMonth> prior_predictive_check(const Scenario& prior, const ObservedArrivals& observed,
                                                         double national_cv, std::uint64_t seed, int draws) {
  const int regions = static_cast<int>(prior.convention.regions.size());
  const int months = static_cast<int>(observed.monthly.size());
  DrawBench bench(prior);
  const bool varied = prior.uncertainty.any() || !prior.events.empty();
  const Expectation stated = expect(bench.plan, observed.cut_off_day, months, regions);
  // Per draw: each month's count, then their total.
  std::vector<std::vector<std::int64_t>> counts(static_cast<std::size_t>(months) + 1);
  Engine engine;
  const double shape = national_shape(national_cv);
  for (int s = 0; s < draws; ++s) {
    reseed(engine, seed, static_cast<std::uint64_t>(s), StreamPurpose::Particles, national_stream - 1);
    const Expectation e =
        varied ? expect(bench.apply(prior, draw_parameters(prior, bench.loading, engine)), observed.cut_off_day,
                        months, regions)
               : stated;
    const double uptake =
        std::isinf(shape) ? 1.0 : boost::random::gamma_distribution<double>(shape, 1 / shape)(engine);
    // The drift moves each month's level by a log-normal step from the last.
    double drift = 0;
    const double sd = prior.uncertainty.monthly_drift;
    std::int64_t sum = 0;
    for (int m = 0; m < months; ++m) {
      if (sd > 0) drift += boost::random::normal_distribution<double>(-sd * sd / 2, sd)(engine);
      const double mean = uptake * std::exp(drift) * e.monthly[static_cast<std::size_t>(m)];
      const std::int64_t n = mean > 0 ? boost::random::poisson_distribution<std::int64_t, double>(mean)(engine) : 0;
      counts[static_cast<std::size_t>(m)].push_back(n);
      sum += n;
    }
    counts.back().push_back(sum);
  }
  std::vector<PriorPredictiveMonth> out;
  std::int64_t observed_total = 0;
  for (int m = 0; m <= months; ++m) {
    std::vector<std::int64_t>& c = counts[static_cast<std::size_t>(m)];
    std::sort(c.begin(), c.end());
    PriorPredictiveMonth month;
    month.month = m < months ? m : months - 1;
    month.cumulative = m == months;
    month.observed = m < months ? observed.monthly[static_cast<std::size_t>(m)] : observed_total;
    if (m < months) observed_total += month.observed;
    const auto at = [&](double q) {
      return c[std::min(c.size() - 1, static_cast<std::size_t>(std::floor(q * static_cast<double>(c.size()))))];
    };
    month.low = at(0.025);
    month.high = at(0.975);
    double mean = 0;
    for (std::int64_t n : c) mean += static_cast<double>(n);
    month.expected = mean / static_cast<double>(c.size());
    out.push_back(month);
  }
  return out;
}

}  // namespace fnesim
