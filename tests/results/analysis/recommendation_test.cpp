// `fnesim recommend` (results/recommendation.hpp): the envelopes against an
// analytic optimum, exactness to the cent, bounds, the target-probability
// objective, the evaluation from a run file, /recommendation in the run file
// and the command line. Long (about 730 lines) because each objective is
// checked against an analytic optimum built in the test itself.
#include "results/analysis/recommendation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <random>

#include "results/hdf5.hpp"
#include "results/output_file.hpp"
#include "results/run_file.hpp"
#include "results/run_file_layout.hpp"
#include "results/run_summary.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "support/command.hpp"
#include "support/test_files.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDirectory;

// ---- Helpers ------------------------------------------------------------------------

class PeakCollector : public ReplicationSink {
 public:
  explicit PeakCollector(int regions) { sample.regions = regions; }
  void consume(std::int64_t, const ReplicationOutcome& o) override {
    ++sample.replications;
    for (const RegionOutcome& ro : o.regions) sample.peak_net_demand.push_back(ro.peak_net_demand);
  }
  DemandSample sample;
};

DemandSample simulate_peaks(const Scenario& scenario, std::uint64_t seed, std::int64_t replications) {
  const Simulator simulator(scenario);
  PeakCollector collector(simulator.region_count());
  ReplicationSink* sinks[] = {&collector};
  RunControl control;
  control.seed = seed;
  control.threads = 0;
  run_replications(simulator, 0, replications, control, sinks);
  return collector.sample;
}

// In-sample P(no region exhausted): every region's peak net demand fits its available amount.
double p_no_region_exhausted(const DemandSample& d, const std::vector<Cents>& available) {
  const auto R = static_cast<std::size_t>(d.regions);
  std::int64_t none = 0;
  for (std::int64_t i = 0; i < d.replications; ++i) {
    bool any = false;
    for (std::size_t r = 0; r < R; ++r)
      any = any || d.peak_net_demand[static_cast<std::size_t>(i) * R + r] > available[r];
    none += !any;
  }
  return static_cast<double>(none) / static_cast<double>(d.replications);
}

std::vector<Cents> available_of(const Convention& conv, const std::vector<Cents>& envelopes) {
  std::vector<Cents> out;
  for (Cents e : envelopes) out.push_back(conv.available_of(e));
  return out;
}

Cents sum(const std::vector<Cents>& v) { return std::accumulate(v.begin(), v.end(), Cents{0}); }

// ---- B1: two regions against the exact optimum ---------------------------------------

// Poisson(λ) probabilities, exactly enough for λ ≤ 1000 (terms beyond λ + 40√λ are < 1e-300).
struct Poisson {
  explicit Poisson(double lambda) {
    const int top = static_cast<int>(lambda + 40 * std::sqrt(lambda) + 40);
    for (int n = 0; n <= top; ++n)
      pmf.push_back(std::exp(n * std::log(lambda) - lambda - std::lgamma(n + 1.0)));
  }
  // E[(N − k)+]
  double expected_excess(long k) const {
    double e = 0;
    for (std::size_t n = static_cast<std::size_t>(std::max(0L, k + 1)); n < pmf.size(); ++n)
      e += static_cast<double>(static_cast<long>(n) - k) * pmf[n];
    if (k < 0) e += 0;  // not needed below: k ≥ 0
    return e;
  }
  double cdf(long k) const {
    double c = 0;
    for (long n = 0; n <= k && n < static_cast<long>(pmf.size()); ++n) c += pmf[static_cast<std::size_t>(n)];
    return c;
  }
  double at(long k) const {
    return k < 0 || k >= static_cast<long>(pmf.size()) ? 0 : pmf[static_cast<std::size_t>(k)];
  }
  std::vector<double> pmf;
};

TEST(RecommendEnvelopes, TwoRegionsReachTheExactOptimumWithinItsSamplingError) {
  // Region 0 expects λ0 = 400 dossiers, region 1 λ1 = 100, each exactly
  // c = 1 000 EUR (one trainee at a fixed cost, rate 100 %, no fees, no uptake
  // noise, no releases), under "fill"; the annex splits K = 520 dossiers'
  // worth equally, 260 each. Then a region's peak net demand is c·N_r with
  // N_r ~ Poisson(λ_r) independent, and with k_r = ⌊envelope_r / c⌋ dossiers'
  // worth it leaves c·(N_r − k_r)+ unmet.
  constexpr double lambda0 = 400, lambda1 = 100;
  constexpr long K = 520;
  constexpr std::int64_t c_eur = 1'000;
  constexpr Cents c = euros(c_eur);
  Scenario s = testing::simple_scenario(2, 0, K / 2 * c_eur, c_eur);
  s.demand.regions[0].expected_dossiers = lambda0;
  s.demand.regions[1].expected_dossiers = lambda1;
  s.demand.exhaustion_policy = ExhaustionPolicy::Fill;

  // The exact optimum over integers: k0* minimises
  // f(k0) = E[(N0 − k0)+] + E[(N1 − (K − k0))+].
  const Poisson n0(lambda0), n1(lambda1);
  auto f = [&](long k0, long k1) { return n0.expected_excess(k0) + n1.expected_excess(k1); };
  long k_star = 0;
  for (long k0 = 0; k0 <= K; ++k0)
    if (f(k0, K - k0) < f(k_star, K - k_star)) k_star = k0;
  const double f_star = f(k_star, K - k_star);
  const double f_annex = f(K / 2, K / 2);

  // 10 000 replications in an optimised build; 2 000 in the sanitizer build (its
  // tolerance below follows N). The fixed seed makes the test deterministic.
#ifdef NDEBUG
  constexpr std::int64_t N = 10'000;
#else
  constexpr std::int64_t N = 2'000;
#endif
  const DemandSample sample = simulate_peaks(s, 31, N);
  for (Cents peak : sample.peak_net_demand) ASSERT_EQ(peak % c, 0);  // c·N_r, as claimed above

  const EnvelopeRecommendation rec = recommend_envelopes(s.convention, sample, RecommendationRequest{});
  ASSERT_EQ(rec.envelope.size(), 2u);
  ASSERT_EQ(sum(rec.envelope), K * c);

  // Tolerance. The recommendation gives both regions their demand quantile at
  // a common level α with q0(α) + q1(α) = K. In the population this is the
  // integer optimum (both satisfy S0(k0) ≤ 1 − α < S1(K − k0 − 1)). From the
  // sample, the quantiles have standard errors √(α(1−α)/N)/p_r, p_r the pmf
  // at the quantile; linearising the constraint, the recommended k0 moves by
  // (δq0·p0 − δq1·p1)/(p0 + p1), whose standard error is
  // √(2α(1−α)/N)/(p0 + p1). Allow 4 of them, plus one dossier for the
  // discreteness (the empirical quantile is interpolated between order
  // statistics, so the envelope may lie anywhere between two multiples of c).
  const double alpha = n0.cdf(k_star);
  const double p_sum = n0.at(k_star) + n1.at(K - k_star);
  const double se = std::sqrt(2 * alpha * (1 - alpha) / static_cast<double>(N)) / p_sum;
  const double tolerance_dossiers = 1 + 4 * se;
  const double k0_recommended = static_cast<double>(rec.envelope[0]) / static_cast<double>(c);
  EXPECT_NEAR(k0_recommended, static_cast<double>(k_star), tolerance_dossiers)
      << "k0* = " << k_star << ", α = " << alpha << ", SE = " << se << " dossiers";

  // The exact expected unmet demand at the recommendation: ⌊e_r / c⌋ dossiers
  // fit. Its margin over the optimum: the worst f over the integer splits the
  // tolerance allows (k0 within it, and one dossier's worth possibly lost to
  // the two floors).
  const long k0 = rec.envelope[0] / c, k1 = rec.envelope[1] / c;
  const double f_recommended = f(k0, k1);
  double margin = 0;
  const auto reach = static_cast<long>(std::ceil(tolerance_dossiers));
  for (long a = k_star - reach - 1; a <= k_star + reach; ++a)
    for (long b : {K - a - 1, K - a}) margin = std::max(margin, f(a, b) - f_star);
  EXPECT_LE(f_recommended - f_star, margin);
  EXPECT_LT(margin, 0.25 * f_star) << "the margin should be small next to the optimum itself";
  // And far below the annex's equal split (about 140 dossiers unmet against 6).
  EXPECT_LT(f_recommended * 10, f_annex) << "recommended " << f_recommended << ", annex " << f_annex;
  EXPECT_NEAR(rec.common_level, alpha, 0.05);
}

// ---- B2: exactness, bounds, fees ------------------------------------------------------

Convention random_convention(std::mt19937_64& rng, int regions, FeeMode mode) {
  Convention conv;
  conv.fee_mode = mode;
  conv.fee_rate = Rate{500};
  conv.commitment_start = Date::from_ymd(2021, 1, 1);
  conv.commitment_end = Date::from_ymd(2021, 12, 31);
  conv.training_end = Date::from_ymd(2022, 4, 30);
  for (int r = 0; r < regions; ++r) {
    Region region;
    region.code = "R";  // not "R" + to_string: GCC 12's -Wrestrict false positive
    region.code.append(std::to_string(r));
    region.name = region.code;
    region.envelope = std::uniform_int_distribution<Cents>(1, 3'000'000'000)(rng);
    conv.regions.push_back(region);
  }
  Cents total = 0;
  for (const Region& r : conv.regions) total += r.envelope;
  conv.total_envelope = mode == FeeMode::ProRata ? total : total + apply_rate(total, conv.fee_rate);
  return conv;
}

// Peaks around each region's available amount, lognormal with random spread,
// some regions far above, some far below.
DemandSample random_sample(std::mt19937_64& rng, const Convention& conv, std::int64_t replications) {
  DemandSample d;
  d.regions = static_cast<int>(conv.regions.size());
  d.replications = replications;
  std::vector<double> scale, sigma;
  for (std::size_t r = 0; r < conv.regions.size(); ++r) {
    scale.push_back(static_cast<double>(conv.available(r)) *
                    std::exp(std::uniform_real_distribution<double>(-1.5, 1.5)(rng)));
    sigma.push_back(std::uniform_real_distribution<double>(0.01, 0.8)(rng));
  }
  std::normal_distribution<double> z;
  for (std::int64_t i = 0; i < replications; ++i)
    for (std::size_t r = 0; r < conv.regions.size(); ++r)
      d.peak_net_demand.push_back(static_cast<Cents>(scale[r] * std::exp(sigma[r] * z(rng))));
  return d;
}

TEST(RecommendEnvelopes, AddUpExactlyToTheCurrentTotalAndRespectTheBounds) {
  std::mt19937_64 rng(5);
  int bounded_binding = 0;
  for (int trial = 0; trial < 300; ++trial) {
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    const FeeMode mode = trial % 2 ? FeeMode::National : FeeMode::ProRata;
    const int R = std::uniform_int_distribution<int>(1, 12)(rng);
    const Convention conv = random_convention(rng, R, mode);
    const DemandSample sample = random_sample(rng, conv, std::uniform_int_distribution<int>(2, 300)(rng));
    Cents total = 0;
    for (const Region& r : conv.regions) total += r.envelope;

    RecommendationRequest request;
    if (trial % 3 == 0) {
      // Feasible random bounds: minima below, maxima above an equal share of the total.
      for (int r = 0; r < R; ++r) {
        const Cents share = total / R;
        request.min_envelope.push_back(static_cast<Cents>(std::uniform_real_distribution<double>(0, 1)(rng) *
                                                          static_cast<double>(share)));
        request.max_envelope.push_back(
            trial % 2 ? no_upper_bound
                      : share +
                            static_cast<Cents>(std::uniform_real_distribution<double>(0, 1)(rng) *
                                               static_cast<double>(share)) +
                            R);
      }
    }
    const EnvelopeRecommendation rec = recommend_envelopes(conv, sample, request);
    ASSERT_EQ(rec.envelope.size(), static_cast<std::size_t>(R));
    ASSERT_EQ(sum(rec.envelope), total);
    ASSERT_EQ(rec.complementary, 0);
    for (int r = 0; r < R; ++r) {
      const auto rr = static_cast<std::size_t>(r);
      ASSERT_GE(rec.envelope[rr], 0);
      if (!request.min_envelope.empty()) {
        ASSERT_GE(rec.envelope[rr], request.min_envelope[rr]) << "region " << r;
        ASSERT_LE(rec.envelope[rr], request.max_envelope[rr]) << "region " << r;
        bounded_binding +=
            rec.envelope[rr] == request.min_envelope[rr] || rec.envelope[rr] == request.max_envelope[rr];
      }
    }
    // The in-sample probability it reports is the one its envelopes give.
    ASSERT_EQ(rec.p_no_region_exhausted_in_sample,
              p_no_region_exhausted(sample, available_of(conv, rec.envelope)));
  }
  EXPECT_GT(bounded_binding, 10);  // the bounds did bind
}

TEST(RecommendEnvelopes, InfeasibleBoundsAreRefused) {
  std::mt19937_64 rng(6);
  const Convention conv = random_convention(rng, 3, FeeMode::ProRata);
  const DemandSample sample = random_sample(rng, conv, 50);
  const Cents total = conv.regions[0].envelope + conv.regions[1].envelope + conv.regions[2].envelope;
  RecommendationRequest request;
  request.min_envelope = {total / 2, total / 2, total / 2};
  EXPECT_THROW(recommend_envelopes(conv, sample, request), RecommendationError);
  request.min_envelope = {0, 0, 0};
  request.max_envelope = {total / 4, total / 4, total / 4};
  EXPECT_THROW(recommend_envelopes(conv, sample, request), RecommendationError);
  request.min_envelope = {10, 0, 0};
  request.max_envelope = {5, no_upper_bound, no_upper_bound};
  EXPECT_THROW(recommend_envelopes(conv, sample, request), RecommendationError);
  // A sample that does not match the regions, or a single replication.
  request = {};
  DemandSample short_sample = sample;
  short_sample.peak_net_demand.pop_back();
  EXPECT_THROW(recommend_envelopes(conv, short_sample, request), RecommendationError);
  DemandSample one{3, 1, {1, 2, 3}};
  EXPECT_THROW(recommend_envelopes(conv, one, request), RecommendationError);
  // Bounds that leave exactly one solution are feasible.
  request.min_envelope = {conv.regions[0].envelope, 0, conv.regions[2].envelope};
  request.max_envelope = {conv.regions[0].envelope, no_upper_bound, conv.regions[2].envelope};
  const EnvelopeRecommendation rec = recommend_envelopes(conv, sample, request);
  EXPECT_EQ(rec.envelope, (std::vector<Cents>{conv.regions[0].envelope, conv.regions[1].envelope,
                                              conv.regions[2].envelope}));
}

// `fnesim recommend --keep-current` sets every region's minimum to its current
// envelope: the minima then add up to the total, and the only split of the
// same total is the current one. Run in a child process: a wrong answer may
// come as a hang or a crash, which must fail this test, not the whole binary.
TEST(RecommendEnvelopes, MinimaAddingUpToTheTotalLeaveTheCurrentEnvelopes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Convention conv;
  conv.fee_rate = Rate{0};
  conv.regions = {{"A", "A", euros(100'000)}, {"B", "B", euros(100'000)}};
  conv.total_envelope = euros(200'000);
  // Region A's demand is sometimes above its envelope, region B's always below:
  // every region's smallest demand is below its minimum.
  DemandSample sample{2,
                      4,
                      {euros(50'000), euros(10'000), euros(150'000), euros(20'000), euros(90'000),
                       euros(30'000), euros(120'000), euros(40'000)}};
  RecommendationRequest request;
  request.min_envelope = {euros(100'000), euros(100'000)};
  EXPECT_EXIT(
      {
        alarm(20);
        const EnvelopeRecommendation rec = recommend_envelopes(conv, sample, request);
        std::fprintf(stderr, "recommended %lld and %lld cents\n", static_cast<long long>(rec.envelope.at(0)),
                     static_cast<long long>(rec.envelope.at(1)));
        std::exit(rec.envelope == std::vector<Cents>{euros(100'000), euros(100'000)} ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(RecommendEnvelopes, AvailableForAnEnvelopeIsTheConventionsAvailableAmount) {
  std::mt19937_64 rng(8);
  for (FeeMode mode : {FeeMode::ProRata, FeeMode::National}) {
    for (int trial = 0; trial < 2'000; ++trial) {
      Convention conv = random_convention(rng, 1, mode);
      conv.fee_rate = Rate{std::uniform_int_distribution<std::int32_t>(0, 2'000)(rng)};
      const Cents envelope = std::uniform_int_distribution<Cents>(0, 100'000'000'000)(rng);
      conv.regions[0].envelope = envelope;
      ASSERT_EQ(conv.available_of(envelope), conv.available(0));
    }
  }
}

// ---- B3: target probability -----------------------------------------------------------

TEST(RecommendTargetProbability, ReachesTheTargetWithTheSmallestCommonLevel) {
  std::mt19937_64 rng(9);
  int with_complementary = 0;
  for (int trial = 0; trial < 60; ++trial) {
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    const FeeMode mode = trial % 2 ? FeeMode::National : FeeMode::ProRata;
    const int R = std::uniform_int_distribution<int>(1, 6)(rng);
    const Convention conv = random_convention(rng, R, mode);
    const DemandSample sample = random_sample(rng, conv, std::uniform_int_distribution<int>(50, 2'000)(rng));
    Cents total = 0;
    for (const Region& r : conv.regions) total += r.envelope;
    RecommendationRequest request;
    request.objective = RecommendationObjective::TargetProbability;
    request.target_probability = std::uniform_real_distribution<double>(0.5, 0.99)(rng);
    const EnvelopeRecommendation rec = recommend_envelopes(conv, sample, request);
    ASSERT_EQ(rec.envelope.size(), static_cast<std::size_t>(R));
    const std::vector<Cents> available = available_of(conv, rec.envelope);
    const double p = p_no_region_exhausted(sample, available);
    ASSERT_EQ(rec.p_no_region_exhausted_in_sample, p);
    ASSERT_GE(p, request.target_probability);
    ASSERT_EQ(rec.complementary, std::max<Cents>(0, sum(rec.envelope) - total));
    if (rec.complementary == 0) {
      // The current total suffices: the split of the same total.
      ASSERT_EQ(sum(rec.envelope), total);
      continue;
    }
    ++with_complementary;
    // Minimal: one cent less available in every region (a slightly lower common
    // level) misses the target — the smallest envelope reaching a demand
    // quantile leaves exactly that quantile available.
    std::vector<Cents> less = available;
    for (Cents& a : less) --a;
    ASSERT_LT(p_no_region_exhausted(sample, less), request.target_probability);
  }
  EXPECT_GT(with_complementary, 10);
}

TEST(RecommendTargetProbability, NoComplementaryAllocationWhenTheTotalSuffices) {
  // Demand far below the envelopes: the target is reached with the current total.
  std::mt19937_64 rng(10);
  Convention conv = random_convention(rng, 4, FeeMode::ProRata);
  DemandSample sample = random_sample(rng, conv, 500);
  for (std::size_t i = 0; i < sample.peak_net_demand.size(); ++i)
    sample.peak_net_demand[i] = std::min<Cents>(sample.peak_net_demand[i], conv.available(i % 4) / 8);
  RecommendationRequest request;
  request.objective = RecommendationObjective::TargetProbability;
  request.target_probability = 0.95;
  const EnvelopeRecommendation rec = recommend_envelopes(conv, sample, request);
  Cents total = 0;
  for (const Region& r : conv.regions) total += r.envelope;
  EXPECT_EQ(rec.complementary, 0);
  EXPECT_EQ(sum(rec.envelope), total);
  EXPECT_GE(rec.p_no_region_exhausted_in_sample, 0.95);
  EXPECT_EQ(rec.p_no_region_exhausted_in_sample,
            p_no_region_exhausted(sample, available_of(conv, rec.envelope)));
}

TEST(RecommendTargetProbability, OnTheTwoRegionSimulation) {
  // The discrete demands of the analytic test (many ties in the sample).
  Scenario s = testing::simple_scenario(2, 0, 260'000, 1'000);
  s.demand.regions[0].expected_dossiers = 400;
  s.demand.regions[1].expected_dossiers = 100;
  s.demand.exhaustion_policy = ExhaustionPolicy::Fill;
  const DemandSample sample = simulate_peaks(s, 32, 2'000);
  RecommendationRequest request;
  request.objective = RecommendationObjective::TargetProbability;
  request.target_probability = 0.9;
  const EnvelopeRecommendation rec = recommend_envelopes(s.convention, sample, request);
  const std::vector<Cents> available = available_of(s.convention, rec.envelope);
  EXPECT_GE(p_no_region_exhausted(sample, available), 0.9);
  EXPECT_EQ(rec.complementary, sum(rec.envelope) - euros(520'000));
  EXPECT_GT(rec.complementary, 0);
  std::vector<Cents> less = available;
  for (Cents& a : less) --a;
  EXPECT_LT(p_no_region_exhausted(sample, less), 0.9);
}

// ---- B4: from a run file ---------------------------------------------------------------

// Two regions with equal envelopes but demand three times higher in NOR than
// in BRE; fees withheld pro rata; releases along the way (trainings end at
// least 10 days after filing, so a region refuses a dossier exactly when its
// peak net demand exceeds its available amount).
constexpr const char* two_region_toml = R"(name = "two-regions"
[convention]
total_envelope_eur = 2_000_000
fee_rate = 0.05
commitment_start = 2021-01-01
commitment_end = 2021-12-31
training_end = 2022-04-30
[convention.regions.NOR]
name = "Normandie"
envelope_eur = 1_000_000
[convention.regions.BRE]
name = "Bretagne"
envelope_eur = 1_000_000

[coverage.rules.all]
statuses = ["AP", "APLD", "difficulty"]
headcount_min = 1
rate = 1.0

[demand]
exhaustion_policy = "%POLICY%"
%MARGIN%
[demand.arrivals]
national_uptake_cv = 0.1
regional_uptake_cv = 0.2
[demand.regions.NOR]
expected_dossiers = 180
[demand.regions.BRE]
expected_dossiers = 60
[demand.cost_per_trainee]
mean_eur = 3_000
sigma = 0.5
[demand.schedule]
start_lag_days = [0, 30]
duration_days = [10, 120]
[demand.lifecycle]
cancellation_probability = 0.1
dropout_mean = 0.1
invoicing_lag_days = [10, 60]

[run]
replications = 300
seed = 5
)";

std::string scenario_text(const std::string& policy) {
  std::string text = two_region_toml;
  text.replace(text.find("%POLICY%"), 8, policy);
  text.replace(text.find("%MARGIN%"), 8, policy == "overcommit" ? "overcommit_margin = 0.1" : "");
  return text;
}

// Writes the scenario as dir/NAME.toml and runs it into dir/NAME.h5, as `fnesim run --out` does.
std::filesystem::path write_run(const ScratchDirectory& dir, const std::string& name,
                                const std::string& text) {
  const auto toml = dir / (name + ".toml");
  testing::write_text(toml, text);
  const Scenario scenario = load_scenario_file(toml);
  const Simulator simulator(scenario);
  const auto target = dir / (name + ".h5");
  RunFileWriter writer(target, simulator, scenario.run.seed);
  RunStatistics statistics(simulator);
  std::vector<ReplicationSink*> sinks{&statistics, &writer};
  RunControl control;
  control.seed = scenario.run.seed;
  control.threads = 2;
  run_replications(simulator, 0, scenario.run.replications, control, sinks);
  writer.finish(summarise(simulator, statistics, scenario.run.seed), {0.5, 2});
  return target;
}

DemandSample sample_from(const RunFileReader& run) {
  DemandSample d;
  d.regions = static_cast<int>(run.info().region_codes.size());
  d.replications = run.info().replications;
  d.peak_net_demand = run.region_values(run_layout::region_field("peak_net_demand_cents"));
  return d;
}

class RecommendFromRunFile : public ::testing::TestWithParam<std::string> {};

TEST_P(RecommendFromRunFile, ReSimulatedAfterMatchesTheInSampleEstimateAndBeatsBefore) {
  ScratchDirectory dir;
  const auto path = write_run(dir, "run", scenario_text(GetParam()));
  const RunFileReader run(path);
  RecommendOptions options;
  options.threads = 2;
  const RecommendationReport report = recommend_from_run_file(run, options);

  const Scenario scenario = load_scenario_file(dir / "run.toml");
  const Convention& conv = scenario.convention;
  ASSERT_EQ(report.regions.size(), 2u);
  EXPECT_EQ(report.replications, 300);
  EXPECT_EQ(report.seed, 5u);
  EXPECT_EQ(report.complementary, 0);
  Cents recommended_total = 0;
  for (std::size_t r = 0; r < 2; ++r) {
    const RegionComparison& c = report.regions[r];
    EXPECT_EQ(c.code, conv.regions[r].code);
    EXPECT_EQ(c.current_envelope, conv.regions[r].envelope);
    EXPECT_EQ(c.current_available, conv.available(r));
    EXPECT_EQ(c.recommended_available, conv.available_of(c.recommended_envelope));
    recommended_total += c.recommended_envelope;
  }
  EXPECT_EQ(recommended_total, conv.total_envelope);
  // Demand is three times higher in NOR: the recommendation moves money there.
  EXPECT_GT(report.regions[0].recommended_envelope, report.regions[0].current_envelope);

  // The same recommendation as from the run's sample directly.
  // Under overcommit a region refuses only beyond available × (1 + margin): its capacity.
  const double margin = GetParam() == "overcommit" ? scenario.demand.overcommit_margin : 0.0;
  const auto capacity = [&](Cents available) {
    return margin > 0 ? available + round_to_cents(static_cast<double>(available) / 100.0 * margin)
                      : available;
  };
  const DemandSample sample = sample_from(run);
  const EnvelopeRecommendation rec = recommend_envelopes(conv, sample, options.request, margin);
  EXPECT_EQ(rec.envelope[0], report.regions[0].recommended_envelope);
  EXPECT_EQ(rec.envelope[1], report.regions[1].recommended_envelope);
  EXPECT_EQ(report.common_level, rec.common_level);

  // "Before" is the run itself.
  const auto unmet = run.region_values(run_layout::region_field("unmet_cents"));
  double before = 0;
  for (Cents u : unmet) before += static_cast<double>(u) / 100;
  EXPECT_NEAR(report.unmet_before_eur.mean, before / 300, 1e-6 * (1 + before / 300));
  // (A mean of 0/1 values accumulated by Moments: equal to the count's share up to rounding.)
  EXPECT_NEAR(report.p_no_region_exhausted_before.mean,
              p_no_region_exhausted(sample, {capacity(conv.available(0)), capacity(conv.available(1))}),
              1e-12);

  // "After" on the same replications: less expected unmet demand, and — a
  // region being exhausted exactly when its peak net demand exceeds what it may
  // commit — P(no region exhausted) exactly the in-sample estimate.
  EXPECT_LE(report.unmet_after_eur.mean, report.unmet_before_eur.mean);
  EXPECT_LT(report.unmet_change_eur.mean, -3 * report.unmet_change_eur.standard_error);
  // (Compared as counts of replications: the mean of 0/1 values accumulated by
  // Moments and the count's share may differ in the last bit.)
  EXPECT_EQ(std::lround(report.p_no_region_exhausted_after.mean * 300),
            std::lround(rec.p_no_region_exhausted_in_sample * 300));
  for (std::size_t r = 0; r < 2; ++r) {
    // Per region, too: exhausted after ⇔ peak > what the recommended envelope may commit.
    std::int64_t exhausted = 0;
    for (std::int64_t i = 0; i < 300; ++i)
      exhausted += sample.peak_net_demand[static_cast<std::size_t>(i) * 2 + r] >
                   capacity(report.regions[r].recommended_available);
    EXPECT_EQ(report.regions[r].p_exhausted_after.mean, static_cast<double>(exhausted) / 300)
        << "region " << r;
  }

  // The other years: replications 300 to 599 of the same seed, simulated here
  // before and after, paired; the recommendation still helps there (demand is
  // three times higher in NOR whatever the years), if by less than in sample.
  EXPECT_EQ(report.held_out_replications, 300);
  Scenario after_scenario = scenario;
  for (std::size_t r = 0; r < 2; ++r)
    after_scenario.convention.regions[r].envelope = report.regions[r].recommended_envelope;
  struct NationalUnmet : ReplicationSink {
    std::vector<Cents> totals = std::vector<Cents>(300, 0);
    void consume(std::int64_t replication, const ReplicationOutcome& outcome) override {
      for (const RegionOutcome& ro : outcome.regions)
        totals[static_cast<std::size_t>(replication - 300)] += ro.unmet;
    }
  };
  const auto national_unmet = [&](const Scenario& s) {
    NationalUnmet sink;
    ReplicationSink* sinks[] = {&sink};
    RunControl other_years;
    other_years.seed = 5;
    other_years.threads = 1;
    run_replications(Simulator(s), 300, 300, other_years, sinks);
    return sink.totals;
  };
  const std::vector<Cents> other_before = national_unmet(scenario),
                           other_after = national_unmet(after_scenario);
  Moments change;
  for (std::size_t i = 0; i < 300; ++i)
    change.add(static_cast<double>(other_after[i] - other_before[i]) / 100);
  EXPECT_DOUBLE_EQ(report.held_out_unmet_change_eur.mean, change.mean());
  EXPECT_DOUBLE_EQ(report.held_out_unmet_change_eur.standard_error, change.standard_error());
  EXPECT_LT(report.held_out_unmet_change_eur.mean, -3 * report.held_out_unmet_change_eur.standard_error);
  EXPECT_FALSE(report.within_noise());
}

INSTANTIATE_TEST_SUITE_P(Recommend, RecommendFromRunFile, ::testing::Values("stop", "fill", "overcommit"),
                         [](const auto& info) { return std::string(info.param); });

// "Before" comes from the file and "after" from this program: a file whose
// replication 0 this program does not reproduce is refused, saying why it may be.
TEST(RecommendFromRunFileChecks, AFileWhoseResultsWereChangedIsRefused) {
  ScratchDirectory dir;
  const auto path = write_run(dir, "run", scenario_text("stop"));
  {
    hdf5::File file = hdf5::File::open_read_write(path);
    hdf5::Group replications = file.open_group("replications");
    const hdf5::Dataset recorded = replications.open_dataset("unmet_cents");
    std::vector<std::int64_t> unmet = recorded.read<std::int64_t>();
    const std::vector<hsize_t> shape = recorded.shape();
    unmet[0] += 100;  // replication 0, region 0: a euro more unmet than simulated
    replications.remove("unmet_cents");
    replications.write<std::int64_t>("unmet_cents", unmet, shape, {});
  }
  RecommendOptions options;
  options.threads = 1;
  const RunFileReader run(path);
  try {
    recommend_from_run_file(run, options);
    ADD_FAILURE() << "accepted";
  } catch (const RecommendationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("its replication 0, simulated again, is not what the file records"));
    EXPECT_THAT(e.what(), HasSubstr("or its scenario, seed or results were changed since"));
  }
}

// The 2020 carry-over and the diagnostics follow the available amounts, so
// envelopes found on the run's demand can fall short of the target once
// re-simulated: observed-2021, 400 replications, seed 5 gave 0.945 for a
// target of 0.95. The level is raised until the re-simulation reaches it.
TEST(RecommendTargetProbability, TheReSimulatedProbabilityReachesTheTarget) {
  ScratchDirectory dir;
  const std::string run = (dir.path() / "run.h5").string();
  ASSERT_EQ(testing::run_fnesim("run observed-2021 -n 400 --seed 5 -j 2 --out '" + run + "'").exit_code, 0);
  const testing::CommandResult json =
      testing::run_fnesim("recommend '" + run + "' --objective target-probability 0.95 -j 2 --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto number_after = [&](const std::string& key) {
    const auto at = json.out.find("\"" + key + "\": ");
    EXPECT_NE(at, std::string::npos) << key;
    return at == std::string::npos ? std::nan("") : std::stod(json.out.substr(at + key.size() + 4));
  };
  EXPECT_GE(number_after("p_no_region_exhausted_after"), 0.95);
  EXPECT_GE(number_after("level_raises"), 1) << "this run's first envelopes fell short";
  const testing::CommandResult text =
      testing::run_fnesim("recommend '" + run + "' --objective target-probability 0.95 -j 1");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out,
              HasSubstr("to reach the target: the envelopes first found (complementary allocation "));
  EXPECT_THAT(text.out,
              HasSubstr("re-simulated, because the 2020 carry-over and the diagnostics are shared out"));

  // Whatever the target, the re-simulation reaches it or the output says why
  // not: 200 replications and 0.98 leave every region at its largest peak.
  const std::string small = (dir.path() / "small.h5").string();
  ASSERT_EQ(testing::run_fnesim("run observed-2021 -n 200 --seed 5 -j 2 --out '" + small + "'").exit_code, 0);
  int short_of = 0;
  for (const char* target : {"0.9", "0.95", "0.98"}) {
    SCOPED_TRACE(target);
    const testing::CommandResult r =
        testing::run_fnesim("recommend '" + small + "' --objective target-probability " + target + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto at = r.out.find("\"p_no_region_exhausted_after\": ");
    ASSERT_NE(at, std::string::npos);
    const bool reached = std::stod(r.out.substr(at + 31)) >= std::stod(target);
    const bool said = r.out.find("\"short_of_target_because\": ") != std::string::npos;
    EXPECT_NE(reached, said) << r.out.substr(0, 600);
    short_of += said;
  }
  EXPECT_GE(short_of, 1) << "the shortfall's path was not taken";
}

TEST(RecommendSave, WritesTheDocumentedGroupOnceUnlessReplaced) {
  ScratchDirectory dir;
  const auto path = write_run(dir, "run", scenario_text("fill"));
  RecommendOptions options;
  options.threads = 2;
  options.request.objective = RecommendationObjective::TargetProbability;
  options.request.target_probability = 0.8;
  RecommendationReport report;
  {
    const RunFileReader run(path);
    report = recommend_from_run_file(run, options);
  }
  save_recommendation(path, report, false);
  EXPECT_EQ(dir.listing(), "run.h5 run.toml");  // no temporary file left
  {
    const hdf5::File file = hdf5::File::open_read_only(path);
    ASSERT_TRUE(file.contains("recommendation"));
    const hdf5::Group g = file.open_group("recommendation");
    EXPECT_EQ(g.string_attribute("objective"), "target-probability");
    EXPECT_EQ(g.attribute<double>("target_probability"), 0.8);
    EXPECT_EQ(g.attribute<std::int64_t>("complementary_allocation_cents"), report.complementary);
    EXPECT_EQ(g.attribute<double>("common_level"), report.common_level);
    // The national before and after that `recommend` prints, for the committee's report.
    EXPECT_EQ(g.attribute<double>("national_expected_unmet_before_eur"), report.unmet_before_eur.mean);
    EXPECT_EQ(g.attribute<double>("national_expected_unmet_after_eur"), report.unmet_after_eur.mean);
    EXPECT_EQ(g.attribute<double>("national_expected_unmet_change_eur"), report.unmet_change_eur.mean);
    EXPECT_EQ(g.attribute<double>("national_expected_unmet_change_se_eur"),
              report.unmet_change_eur.standard_error);
    EXPECT_EQ(g.attribute<double>("p_no_region_exhausted_before"), report.p_no_region_exhausted_before.mean);
    EXPECT_EQ(g.attribute<double>("p_no_region_exhausted_after"), report.p_no_region_exhausted_after.mean);
    auto cents = [&](const char* name) { return g.open_dataset(name).read<std::int64_t>(); };
    auto reals = [&](const char* name) { return g.open_dataset(name).read<double>(); };
    for (const char* name : {"current_envelope_cents", "recommended_envelope_cents",
                             "current_available_cents", "recommended_available_cents"})
      EXPECT_EQ(g.open_dataset(name).shape(), (std::vector<hsize_t>{2})) << name;
    EXPECT_EQ(
        cents("current_envelope_cents"),
        (std::vector<std::int64_t>{report.regions[0].current_envelope, report.regions[1].current_envelope}));
    EXPECT_EQ(cents("recommended_envelope_cents"),
              (std::vector<std::int64_t>{report.regions[0].recommended_envelope,
                                         report.regions[1].recommended_envelope}));
    EXPECT_EQ(cents("recommended_available_cents"),
              (std::vector<std::int64_t>{report.regions[0].recommended_available,
                                         report.regions[1].recommended_available}));
    EXPECT_EQ(reals("p_exhausted_after"), (std::vector<double>{report.regions[0].p_exhausted_after.mean,
                                                               report.regions[1].p_exhausted_after.mean}));
    EXPECT_EQ(reals("expected_unmet_before_eur"),
              (std::vector<double>{report.regions[0].unmet_before_eur.mean,
                                   report.regions[1].unmet_before_eur.mean}));
    for (const char* name :
         {"p_exhausted_before", "p_exhausted_before_se", "p_exhausted_after_se", "expected_unmet_after_eur",
          "expected_unmet_before_se_eur", "expected_unmet_after_se_eur"})
      EXPECT_EQ(reals(name).size(), 2u) << name;
    EXPECT_EQ(g.open_dataset("median_exhaustion_day_before").read<std::int32_t>().size(), 2u);
    EXPECT_EQ(g.open_dataset("median_exhaustion_day_after").read<std::int32_t>().size(), 2u);
  }
  // The run file stays a run file.
  EXPECT_NO_THROW(RunFileReader{path});
  EXPECT_NO_THROW(read_run_file_completely(path));
  // A spoilt copy of its /recommendation is refused by every reader, naming what is wrong.
  const auto refusal_of_spoilt = [&](const std::function<void(hdf5::Group&)>& spoil) {
    const std::filesystem::path spoilt = dir / "spoilt.h5";
    std::filesystem::copy_file(path, spoilt);
    {
      hdf5::File file = hdf5::File::open_read_write(spoilt);
      hdf5::Group g = file.open_group("recommendation");
      spoil(g);
    }
    std::string refusal = "accepted";
    try {
      read_run_file_completely(spoilt);
    } catch (const RunFileError& e) {
      refusal = e.what();
    }
    std::filesystem::remove(spoilt);
    return refusal;
  };
  // A national figure that is no probability.
  EXPECT_THAT(
      refusal_of_spoilt([](hdf5::Group& g) { g.set_attribute<double>("p_no_region_exhausted_after", 1.5); }),
      ::testing::HasSubstr("p_no_region_exhausted_after' = 1.5"));
  // A median exhaustion day outside the window (the report would have failed on it).
  EXPECT_THAT(refusal_of_spoilt([](hdf5::Group& g) {
                g.remove("median_exhaustion_day_after");
                g.write<std::int32_t>("median_exhaustion_day_after",
                                      std::vector<std::int32_t>{1'000'000'000, -1}, {2}, {});
              }),
              ::testing::HasSubstr("median_exhaustion_day_after: holds day 1000000000"));

  // A second save is refused without replace, and changes nothing.
  RecommendationReport other = report;
  other.complementary += 1;
  EXPECT_THROW(save_recommendation(path, other, false), OutputError);
  EXPECT_EQ(dir.listing(), "run.h5 run.toml");
  EXPECT_EQ(hdf5::File::open_read_only(path)
                .open_group("recommendation")
                .attribute<std::int64_t>("complementary_allocation_cents"),
            report.complementary);
  // With replace it goes through.
  save_recommendation(path, other, true);
  EXPECT_EQ(dir.listing(), "run.h5 run.toml");
  EXPECT_EQ(hdf5::File::open_read_only(path)
                .open_group("recommendation")
                .attribute<std::int64_t>("complementary_allocation_cents"),
            other.complementary);
  // An expected-unmet recommendation: no target, NaN as documented.
  RecommendOptions expected_unmet;
  expected_unmet.threads = 2;
  {
    const RunFileReader run(path);
    save_recommendation(path, recommend_from_run_file(run, expected_unmet), true);
  }
  const hdf5::Group g = hdf5::File::open_read_only(path).open_group("recommendation");
  EXPECT_EQ(g.string_attribute("objective"), "expected-unmet");
  EXPECT_TRUE(std::isnan(g.attribute<double>("target_probability")));
  EXPECT_EQ(g.attribute<std::int64_t>("complementary_allocation_cents"), 0);
  EXPECT_EQ(dir.listing(), "run.h5 run.toml");
}

// ---- B5: the command line ----------------------------------------------------------------

TEST(RecommendCli, PrintsJsonAndRefusesBadInput) {
  ScratchDirectory dir;
  const std::string path = write_run(dir, "run", scenario_text("fill")).string();
  const testing::CommandResult ok = testing::run_fnesim("recommend '" + path + "' --json -j 2");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const std::string& json = ok.out;
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json[json.find_last_not_of('\n')], '}');
  for (const char* key :
       {"\"regions\":", "\"name\":", "\"current_envelope_eur\":", "\"recommended_envelope_eur\":",
        "\"p_exhausted_before\":", "\"p_exhausted_after\":", "\"expected_unmet_before_eur\":",
        "\"expected_unmet_after_eur\":", "\"national\":", "\"complementary_allocation_eur\":"})
    EXPECT_THAT(json, HasSubstr(key));
  EXPECT_THAT(json, HasSubstr("\"Normandie\""));
  EXPECT_THAT(json, HasSubstr("\"Bretagne\""));
  // Two regions: each per-region key twice.
  std::size_t count = 0;
  for (std::size_t at = json.find("\"recommended_envelope_eur\""); at != std::string::npos;
       at = json.find("\"recommended_envelope_eur\"", at + 1))
    ++count;
  EXPECT_EQ(count, 2u);

  struct Bad {
    std::string arguments, message;
  };
  const std::vector<Bad> bad = {
      {"recommend '" + (dir / "missing.h5").string() + "'", "missing.h5"},
      {"recommend '" + path + "' --min XX=5", "--min XX=5: no region 'XX' in the run (regions: NOR, BRE)"},
      {"recommend '" + path + "' --min NOR=abc", "--min NOR=abc: 'abc' is not an amount in EUR"},
      {"recommend '" + path + "' --max BRE", "--max BRE: expected REGION=EUR"},
      // The minimum --keep-current set is named, not a --min the user never typed.
      {"recommend '" + path + "' --keep-current --max NOR=1000",
       "(its current envelope, --keep-current), is above --max, 1 000.00 EUR"},
      {"recommend '" + path + "' --min NOR=2000 --max NOR=1000",
       "NOR: the minimum, 2 000.00 EUR (--min), is above --max, 1 000.00 EUR"},
      {"recommend '" + path + "' --objective target-probability 1.5", "P must be a probability in (0, 1)"},
      {"recommend '" + path + "' --objective target-probability", "P must be a probability in (0, 1)"},
      {"recommend '" + path + "' --objective foo",
       "--objective: expected 'expected-unmet' or 'target-probability P', found 'foo'"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.arguments);
    const testing::CommandResult r = testing::run_fnesim(b.arguments);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(b.message));
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  // Several bad arguments: all reported at once.
  const testing::CommandResult several =
      testing::run_fnesim("recommend '" + path + "' --min XX=5 --max NOR=-1 --objective foo");
  EXPECT_EQ(several.exit_code, 2);
  EXPECT_THAT(several.err, HasSubstr("XX"));
  EXPECT_THAT(several.err, HasSubstr("NOR=-1"));
  EXPECT_THAT(several.err, HasSubstr("foo"));
  EXPECT_EQ(dir.listing(), "run.h5 run.toml");
}

// --keep-current: no region below its current envelope. With the expected-unmet
// objective the total stays the same, so the only answer is the current split.
TEST(RecommendCli, KeepCurrentWithTheSameTotalKeepsTheCurrentEnvelopes) {
  ScratchDirectory dir;
  const std::string path = write_run(dir, "run", scenario_text("fill")).string();
  const testing::CommandResult r = testing::run_fnesim("recommend '" + path + "' --keep-current --json -j 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t count = 0;
  for (std::size_t at = r.out.find("\"recommended_envelope_eur\": 1000000.00,"); at != std::string::npos;
       at = r.out.find("\"recommended_envelope_eur\": 1000000.00,", at + 1))
    ++count;
  EXPECT_EQ(count, 2u) << r.out;
}

}  // namespace
}  // namespace fnesim

namespace fnesim {
namespace {

// What `fnesim recommend` prints of the effect: a change within two paired
// standard errors is said to be noise, as the committee's report says it; a
// change of millions in millions; a move that rounds to nothing without a sign.
TEST(RecommendationText, SaysWhenTheChangeIsWithinTheNoiseAndInWhichUnit) {
  RecommendationReport report;
  report.scenario_name = "two";
  report.commitment_start = Date::from_ymd(2021, 1, 1);
  RegionComparison unchanged;
  unchanged.name = "Occitanie";
  unchanged.current_envelope = 900'000'000;
  unchanged.recommended_envelope = 900'000'000 - 4'000;  // 40 EUR less
  report.regions = {unchanged};
  report.unmet_change_eur = {-200.0, 2'400.0};
  report.held_out_replications = 1000;
  report.held_out_unmet_change_eur = {-300.0, 2'500.0};
  std::string text = render_recommendation(report);
  EXPECT_THAT(text, ::testing::HasSubstr("change -0.2 k€ ± 2.4 k€"));
  EXPECT_THAT(text,
              ::testing::HasSubstr("On 1 000 other simulated years (replications 1 000 to 1 999, not used "
                                   "to choose): change -0.3 k€ ± 2.5 k€"));
  EXPECT_THAT(text, ::testing::HasSubstr("the change is within the simulation's noise"));
  EXPECT_THAT(text, ::testing::HasSubstr(" 0.00 M€ "));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("-0.00")));

  // The judgement reads the other years: three standard errors there, whatever the run's own years say.
  report.held_out_unmet_change_eur = {-60'000.0, 20'000.0};
  text = render_recommendation(report);
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("noise")));
  // A gain on the run's own years that is a loss on the others (as the reviewer found on the default
  // scenario: -9.9 k€ there, +6 to +8 k€ with other seeds) is said to be noise.
  report.unmet_change_eur = {-60'000.0, 20'000.0};
  report.held_out_unmet_change_eur = {8'000.0, 2'000.0};
  text = render_recommendation(report);
  EXPECT_THAT(text, ::testing::HasSubstr("the change is within the simulation's noise"));

  report.objective = RecommendationObjective::TargetProbability;
  report.unmet_change_eur = {-6'974'000.0, 230'600.0};
  text = render_recommendation(report);
  EXPECT_THAT(text, ::testing::HasSubstr("change -6.97 M€ ± 0.23 M€"));
}

}  // namespace
}  // namespace fnesim
