// The run file of an uncertain forecast (format 1.2), written by `fnesim run`
// as a user runs it: what each replication drew — its uptake, the uncertain
// parameters, the monthly profile, the drift, the particle — and the
// prior-predictive check read back equal to what Simulator::simulate and
// condition_on_actuals give for the same seed and replication; and the same
// datasets, byte for byte but for the run's timing, whatever the threads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "results/csv_export.hpp"
#include "results/format.hpp"
#include "results/hdf5.hpp"
#include "results/output_file.hpp"
#include "results/run_file.hpp"
#include "results/run_file_layout.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/simulator.hpp"
#include "support/command.hpp"
#include "support/test_files.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

using testing::ScratchDirectory;

const std::string source = FNESIM_SOURCE_DIR;
const std::string actuals_file = source + "/scenarios/actuals/national-2021-09-15.csv";
constexpr std::uint64_t seed = 5;
constexpr int replications = 50;

// `fnesim run` of the mid-September 2021 forecast into `out` with `threads`.
void run_september(const std::filesystem::path& out, int threads, const std::string& extra = "") {
  const auto run = testing::run_fnesim("run observed-september-2021 --actuals '" + actuals_file +
                                       "' --as-of 2021-09-16 -n " + std::to_string(replications) + " --seed " +
                                       std::to_string(seed) + " -j " + std::to_string(threads) + " --out '" +
                                       out.string() + "' " + extra);
  ASSERT_EQ(run.exit_code, 0) << run.err;
}

// The scenario that run simulated: the prior with the command line's seed and
// count, conditioned on the same actuals at the same cut-off.
ConditionedScenario september_forecast() {
  Scenario prior = load_scenario_argument("observed-september-2021");
  prior.run.seed = seed;
  prior.run.replications = replications;
  const Actuals actuals = read_actuals(actuals_file, prior);
  return condition_on_actuals(prior, actuals, *Date::parse("2021-09-16"));
}

// Every dataset of a file, by path, with the link visitor (stable across HDF5 1.10's API versions).
std::vector<std::string> dataset_paths(const hdf5::File& file) {
  struct Visit {
    hid_t root;
    std::vector<std::string> paths;
  } visit{file.id(), {}};
  const auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    auto* v = static_cast<Visit*>(data);
    const hid_t object = H5Oopen(v->root, name, H5P_DEFAULT);
    if (object < 0) return -1;
    if (H5Iget_type(object) == H5I_DATASET) v->paths.emplace_back(name);
    H5Oclose(object);
    return 0;
  };
  EXPECT_GE(H5Lvisit(file.id(), H5_INDEX_NAME, H5_ITER_INC, collect, &visit), 0);
  return visit.paths;
}

TEST(RunFileUncertainty, TheDrawsOfEveryReplicationAreThoseOfTheSimulator) {
  ScratchDirectory dir;
  const auto path = dir / "september.h5";
  run_september(path, 2, "--summary-json '" + (dir / "summary.json").string() + "'");
  const ConditionedScenario forecast = september_forecast();
  const Scenario& scenario = forecast.scenario;
  const Simulator simulator(scenario);
  const auto P = scenario.uncertainty.parameters.size();
  const std::size_t R = static_cast<std::size_t>(simulator.region_count());
  const std::size_t M = static_cast<std::size_t>(simulator.month_count());
  ASSERT_GT(P, 0u);
  ASSERT_GT(scenario.uncertainty.profile_concentration, 0);
  ASSERT_GT(scenario.uncertainty.monthly_drift, 0);
  ASSERT_TRUE(scenario.forecast_start && !scenario.forecast_start->particles.empty());

  // The layout, read raw.
  const hdf5::File file = hdf5::File::open_read_only(path);
  const std::vector<std::int32_t> version = file.attribute_values<std::int32_t>("format_version");
  EXPECT_EQ(version, (std::vector<std::int32_t>{run_format_major, run_format_minor}));
  const auto N = static_cast<hsize_t>(replications);
  EXPECT_EQ(file.open_dataset("replications/uptake").shape(), (std::vector<hsize_t>{N, R}));
  EXPECT_EQ(file.open_dataset("replications/national/dossier_variance_eur2").shape(), (std::vector<hsize_t>{N}));
  const hdf5::Group group = file.open_group("uncertainty");
  EXPECT_EQ(group.open_dataset("parameters").shape(), (std::vector<hsize_t>{N, P}));
  EXPECT_EQ(group.open_dataset("profile").shape(), (std::vector<hsize_t>{N, 12}));
  EXPECT_EQ(group.open_dataset("drift").shape(), (std::vector<hsize_t>{N, M}));
  EXPECT_EQ(group.open_dataset("particle").shape(), (std::vector<hsize_t>{N}));
  EXPECT_EQ(group.open_dataset("particle").kind(), hdf5::Dataset::Kind::Integer);
  EXPECT_EQ(group.open_dataset("particle").element_size(), 8u);
  EXPECT_EQ(group.open_dataset("parameter_correlation").shape(), (std::vector<hsize_t>{P, P}));
  EXPECT_EQ(group.open_dataset("particle_weight").shape(),
            (std::vector<hsize_t>{scenario.forecast_start->particles.size()}));
  EXPECT_EQ(group.open_dataset("parameters").string_attribute("units"), run_layout::scenario_units);
  EXPECT_EQ(group.open_dataset("profile").string_attribute("dimensions"), "replication × calendar month");
  std::vector<std::string> paths;
  for (const UncertainParameter& p : scenario.uncertainty.parameters) paths.push_back(p.path);
  EXPECT_EQ(group.open_dataset("parameter_paths").read_strings(), paths);
  EXPECT_EQ(group.open_dataset("parameters").string_list_attribute("columns"), paths);
  const std::vector<std::string> distributions = group.open_dataset("parameter_distributions").read_strings();
  ASSERT_EQ(distributions.size(), P);
  for (std::size_t j = 0; j < P; ++j) {  // the spelling itself: EveryDistributionIsSpelledWithTheScenarioKeys
    const Distribution& d = scenario.uncertainty.parameters[j].distribution;
    EXPECT_EQ(distributions[j].rfind(std::string(distribution_keys[static_cast<std::size_t>(d.kind)]) + "(", 0), 0u)
        << distributions[j];
  }
  EXPECT_EQ(group.open_dataset("parameter_scales").read<double>(), scenario.forecast_start->parameter_scales);
  std::vector<std::string> event_names, event_kinds;
  for (const PolicyEvent& e : scenario.events) {
    event_names.push_back(e.name);
    event_kinds.emplace_back(policy_event_kind_keys[static_cast<std::size_t>(e.kind)]);
  }
  ASSERT_FALSE(event_names.empty());
  EXPECT_EQ(group.string_list_attribute("event_names"), event_names);
  EXPECT_EQ(group.string_list_attribute("event_kinds"), event_kinds);
  EXPECT_EQ(group.attribute<double>("monthly_drift"), scenario.uncertainty.monthly_drift);
  EXPECT_EQ(group.open_dataset("profile_month").read_strings().front(), "2021-01");
  const std::vector<double> correlation = group.open_dataset("parameter_correlation").read<double>();
  bool correlated = false;  // the scenario ties the costs of two pathways
  for (std::size_t i = 0; i < P; ++i)
    for (std::size_t j = 0; j < P; ++j) {
      const double declared =
          scenario.uncertainty.correlation(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      EXPECT_EQ(correlation[i * P + j], declared) << i << ' ' << j;
      correlated |= i != j && declared != 0;
    }
  EXPECT_TRUE(correlated);

  // Replication by replication, what the simulator draws for the same seed.
  const RunFileReader reader(path);
  EXPECT_TRUE(reader.info().has_uncertainty);
  const std::vector<double> uptake = reader.uptake().value();
  const std::vector<double> variance = reader.dossier_variances().value();
  const RunFileUncertainty drawn = reader.uncertainty().value();
  EXPECT_EQ(drawn.parameter_paths, paths);
  const std::vector<std::int64_t> demand =
      reader.national_values(run_layout::national_field("demand_cents"));
  ReplicationOutcome outcome = simulator.make_outcome();
  auto workspace = simulator.make_workspace();
  std::vector<std::int64_t> particles;
  ASSERT_EQ(drawn.jumps.size(), static_cast<std::size_t>(replications));
  // The error of the costs and trainees learnt, drawn per replication: one factor a pathway.
  const hdf5::Dataset cost_factor = file.open_dataset("replications/cost_factor");
  EXPECT_EQ(cost_factor.shape(), (std::vector<hsize_t>{N, pathway_count}));
  const std::vector<double> cost_factors = cost_factor.read<double>();
  const std::vector<double> weights = cost_factor.attribute_values<double>("weights");
  EXPECT_EQ(weights, std::vector<double>(scenario.forecast_start->cost_weight.begin(),
                                         scenario.forecast_start->cost_weight.end()));
  // The national months as each replication shared them over the regions:
  // the file's months, then its figures, then each replication's shares.
  const ForecastStart& start = *scenario.forecast_start;
  const std::size_t NM = start.national_rows.size();
  ASSERT_GT(NM, 0u);
  const hdf5::Group past = file.open_group("replications/national_past");
  const std::vector<std::string> past_months = past.open_dataset("month").read_strings();
  ASSERT_EQ(past_months.size(), NM);
  EXPECT_EQ(past_months.front(), "2021-01");
  EXPECT_EQ(past_months.back(), "2021-09");  // the cut-off's month, to 15 September
  const std::vector<std::int64_t> month_committed =
      past.open_dataset("month_committed_cents").read<std::int64_t>();
  for (std::size_t m = 0; m < NM; ++m) EXPECT_EQ(month_committed[m], start.national_rows[m].committed) << m;
  std::vector<std::vector<std::int64_t>> shared;
  for (const char* name : {"dossiers", "trainees", "committed_cents"}) {
    const hdf5::Dataset d = past.open_dataset(name);
    EXPECT_EQ(d.shape(), (std::vector<hsize_t>{N, NM, R})) << name;
    shared.push_back(d.read<std::int64_t>());
  }
  std::int64_t without_jumps = 0, needed_without = 0, needed_with = 0;
  std::vector<std::vector<Cents>> past_parts(
      R);  // per region, each replication's part of the national months
  for (std::size_t i = 0; i < static_cast<std::size_t>(replications); ++i) {
    simulator.simulate(seed, static_cast<std::int64_t>(i), *workspace, outcome);
    ASSERT_EQ(demand[i], outcome.national.demand) << i;  // the same replication, to the cent
    ASSERT_TRUE(std::equal(outcome.uptake.begin(), outcome.uptake.end(), uptake.begin() + i * R)) << i;
    ASSERT_EQ(variance[i], outcome.dossier_variance_eur2) << i;
    ASSERT_EQ(outcome.parameter_values.size(), P);
    ASSERT_TRUE(std::equal(outcome.parameter_values.begin(), outcome.parameter_values.end(),
                           drawn.parameters.begin() + i * P))
        << i;
    ASSERT_EQ(outcome.profile.size(), 12u);
    ASSERT_TRUE(std::equal(outcome.profile.begin(), outcome.profile.end(), drawn.profile.begin() + i * 12)) << i;
    ASSERT_EQ(outcome.drift.size(), M);
    ASSERT_TRUE(std::equal(outcome.drift.begin(), outcome.drift.end(), drawn.drift.begin() + i * M)) << i;
    ASSERT_EQ(drawn.particle[i], outcome.particle) << i;
    ASSERT_EQ(drawn.jumps[i], outcome.jumps) << i;
    ASSERT_EQ(outcome.cost_factors.size(), static_cast<std::size_t>(pathway_count));
    ASSERT_TRUE(std::equal(outcome.cost_factors.begin(), outcome.cost_factors.end(),
                           cost_factors.begin() + i * pathway_count))
        << i;
    ASSERT_EQ(outcome.national_past.size(), NM * R);
    for (std::size_t k = 0; k < NM * R; ++k) {
      const NationalShare& share = outcome.national_past[k];
      ASSERT_EQ(shared[0][i * NM * R + k], share.dossiers) << i << ' ' << k;
      ASSERT_EQ(shared[1][i * NM * R + k], share.trainees) << i << ' ' << k;
      ASSERT_EQ(shared[2][i * NM * R + k], share.committed) << i << ' ' << k;
    }
    for (std::size_t r = 0; r < R; ++r) {
      Cents part = 0;
      for (std::size_t m = 0; m < NM; ++m) part += outcome.national_past[m * R + r].committed;
      past_parts[r].push_back(part);
    }
    particles.push_back(outcome.particle);
    const bool needed = outcome.national.additional_needed > 0;
    if (outcome.jumps == 0) {
      ++without_jumps;
      needed_without += needed;
    } else {
      needed_with += needed;
    }
  }
  // Both kinds of year occur: three months to come at 0.3 a month leave about a third without a jump.
  ASSERT_GT(without_jumps, 0);
  ASSERT_LT(without_jumps, replications);
  std::sort(particles.begin(), particles.end());
  EXPECT_GT(std::unique(particles.begin(), particles.end()) - particles.begin(), 10);  // many particles picked

  // The summary, where the spread of demand comes from included, as the run wrote it.
  const RunSummary summary = reader.summary();
  EXPECT_EQ(summary_json(summary), testing::read_text(dir / "summary.json"));
  // Each region's part of the national months over the replications (format 1.12): the mean and the
  // inverted-CDF quantiles of the parts recomputed above, and the line the run prints of them.
  ASSERT_TRUE(summary.national_past.has_value());
  Cents national_months = 0;
  for (const ForecastStart::NationalRow& row : start.national_rows) national_months += row.committed;
  EXPECT_EQ(summary.national_past->committed, national_months);
  Cents observed = 0;  // the carry-over, split once, is the rest
  for (const ObservedDossier& o : start.dossiers) observed += o.committed;
  EXPECT_GT(summary.national_past->other_actuals, 0);
  EXPECT_EQ(summary.national_past->other_actuals, observed - national_months);
  ASSERT_EQ(summary.national_past->regions.size(), R);
  ASSERT_EQ(R, 12u);                // the median below is of twelve regions
  std::vector<double> half_ranges;  // each region's half 90 % range over its mean
  for (std::size_t r = 0; r < R; ++r) {
    std::vector<Cents> parts = past_parts[r];
    double mean = 0;
    for (Cents part : parts) mean += static_cast<double>(part);
    mean /= static_cast<double>(parts.size());
    const AmountDistribution& got = summary.national_past->regions[r];
    EXPECT_NEAR(got.mean.mean, mean / cents_per_euro, 1e-9 * mean / cents_per_euro) << r;
    std::sort(parts.begin(), parts.end());
    for (int p : amount_percentiles) {
      // The smallest part with at least p % of the replications at or below it.
      const std::size_t rank = (static_cast<std::size_t>(p) * parts.size() + 99) / 100;
      EXPECT_EQ(got.quantile.at(p), parts[std::max<std::size_t>(rank, 1) - 1]) << r << ' ' << p;
    }
    EXPECT_LT(got.quantile.at(5), got.quantile.at(95)) << r;  // each year shares the past anew
    half_ranges.push_back(static_cast<double>(got.quantile.at(95) - got.quantile.at(5)) / (2 * mean));
  }
  // The line the run prints of them: the median region's half-range and the
  // extremes, unnamed from 50 years.
  std::sort(half_ranges.begin(), half_ranges.end());
  const auto percent = [](double share) {
    char text[16];
    std::snprintf(text, sizeof text, "±%.0f %%", 100 * share);
    return std::string(text);
  };
  {  // The same in national_past.csv, for spreadsheets: each region's mean and quantiles, then the nation's.
    OutputSet outputs(false);
    export_csv(reader, dir / "csv", outputs);
    outputs.commit();
    std::istringstream csv(testing::read_text(dir / "csv" / csv_national_past));
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line.rfind("code,name,committed_mean_eur,committed_se_eur,committed_ci_low_eur,", 0), 0u)
        << line;
    for (std::size_t r = 0; r < R; ++r) {
      ASSERT_TRUE(std::getline(csv, line));
      const AmountDistribution& part = summary.national_past->regions[r];
      EXPECT_EQ(line.rfind(scenario.convention.regions[r].code + ",", 0), 0u) << line;
      EXPECT_NE(line.find("," + csv_euros(part.quantile.at(5)) + ","), std::string::npos) << line;
      EXPECT_TRUE(line.ends_with("," + csv_euros(part.quantile.at(95)))) << line;
    }
    ASSERT_TRUE(std::getline(csv, line));
    EXPECT_EQ(line.rfind("national,National,", 0), 0u) << line;
    EXPECT_TRUE(line.ends_with("," + csv_euros(national_months))) << line;
    EXPECT_FALSE(std::getline(csv, line));
  }
  const std::string table = render_summary_table(summary, {});
  EXPECT_NE(table.find("Which region committed the national months' " + format_meur(national_months) +
                       " is drawn anew in each simulated year (the actuals' other " +
                       format_meur(observed - national_months)),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("A region's part varies by about " + percent((half_ranges[5] + half_ranges[6]) / 2) +
                       " (half its 90 % range, about its mean), from " + percent(half_ranges.front()) +
                       " to " + percent(half_ranges.back()) + " by region."),
            std::string::npos)
      << table;
  // Uptake, timing, drift, the costs learnt from the actuals and the parameters.
  EXPECT_EQ(summary.national.spread.assumptions.size(), P + 4);
  EXPECT_EQ(file.open_dataset("summary/spread/assumption").read_strings().size(), P + 4);
  // P(additional allocation needed) apart for the years without a jump from
  // October (the month after the last with actuals) and the others.
  ASSERT_TRUE(summary.national.spread.additional_by_jumps.has_value());
  const AdditionalByJumps& split = *summary.national.spread.additional_by_jumps;
  EXPECT_EQ(summary.months[static_cast<std::size_t>(split.first_month)].iso(), "2021-10-01");
  EXPECT_EQ(group.open_dataset("jumps").string_attribute("first_jump_month"), "2021-10");
  EXPECT_EQ(split.without, without_jumps);
  EXPECT_EQ(split.with, replications - without_jumps);
  EXPECT_DOUBLE_EQ(split.p_without, static_cast<double>(needed_without) / static_cast<double>(without_jumps));
  EXPECT_DOUBLE_EQ(split.p_with,
                   static_cast<double>(needed_with) / static_cast<double>(replications - without_jumps));

  // A block of replications reads back as the same rows.
  const RunFileUncertainty block = reader.uncertainty({.first = 10, .count = 5}).value();
  EXPECT_EQ(block.parameters, std::vector<double>(drawn.parameters.begin() + 10 * P, drawn.parameters.begin() + 15 * P));
  EXPECT_EQ(block.particle, std::vector<std::int64_t>(drawn.particle.begin() + 10, drawn.particle.begin() + 15));
  EXPECT_EQ(block.jumps, std::vector<std::int32_t>(drawn.jumps.begin() + 10, drawn.jumps.begin() + 15));

  // /actuals: the prior-predictive check and the particles, as conditioning computed them.
  const ActualsReport& report = forecast.report;
  const RunFileActuals actuals = reader.actuals().value();
  EXPECT_EQ(actuals.particles, report.particles);
  EXPECT_EQ(actuals.effective_particles, report.effective_particles);
  ASSERT_EQ(actuals.prior_predictive.size(), report.prior_predictive.size());
  ASSERT_FALSE(report.prior_predictive.empty());
  for (std::size_t k = 0; k < report.prior_predictive.size(); ++k) {
    const PriorPredictiveMonth &got = actuals.prior_predictive[k], &want = report.prior_predictive[k];
    EXPECT_EQ(got.month, want.month) << k;
    EXPECT_EQ(got.observed, want.observed) << k;
    EXPECT_EQ(got.low, want.low) << k;
    EXPECT_EQ(got.high, want.high) << k;
    EXPECT_EQ(got.expected, want.expected) << k;
    EXPECT_EQ(got.cumulative, want.cumulative) << k;
  }
  // Format 1.13: how often the prior's own years stray as far, read back to the bit.
  EXPECT_GT(report.prior_predictive_chance, 0);
  EXPECT_LE(report.prior_predictive_chance, 1);
  EXPECT_EQ(actuals.prior_predictive_chance, report.prior_predictive_chance);
  EXPECT_EQ(file.open_dataset("actuals/prior_predictive/month").read_strings().back(), "2021-09");
  std::vector<std::int32_t> outside;
  for (const PriorPredictiveMonth& m : report.prior_predictive) outside.push_back(m.outside() ? 1 : 0);
  EXPECT_EQ(file.open_dataset("actuals/prior_predictive/outside").read<std::int32_t>(), outside);

  // The national past's two groups go together (format 1.12): a file with one and not the other is refused,
  // naming what is missing, rather than read without the line the run printed or with one nothing backs.
  const auto refusal_without = [&](const char* group, const char* removed,
                                   const char* name = "national_past") {
    const auto damaged = dir / (std::string("without-") + removed + ".h5");
    std::filesystem::copy_file(path, damaged);
    {
      hdf5::File f = hdf5::File::open_read_write(damaged);
      if (group == nullptr)
        f.remove(name);  // at the root
      else
        f.open_group(group).remove(name);
    }
    try {
      RunFileReader damaged_reader(damaged);
      damaged_reader.summary();
    } catch (const RunFileError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(refusal_without("summary", "summary"),
              ::testing::HasSubstr("has /replications/national_past but no /summary/national_past"));
  EXPECT_THAT(refusal_without("replications", "replications"),
              ::testing::HasSubstr("has /summary/national_past but no /replications/national_past"));
  EXPECT_THAT(refusal_without(nullptr, "actuals", "actuals"),
              ::testing::HasSubstr("has /replications/national_past but no /actuals"));
}

// From the window's start, the share of the year still to come is the
// whole profile: the same in every replication (to its last bit of
// rounding), so the spread does not list it; the forecast above does.
TEST(RunFileUncertainty, AWholeYearsTimingIsNotAnAssumptionOfTheSpread) {
  const Scenario scenario = load_scenario_argument("observed-2021-uncertain");
  ASSERT_TRUE(scenario.uncertainty.profile_uncertain());
  const Simulator simulator(scenario);
  RunStatistics statistics(simulator);
  RunControl control;
  control.seed = 6;
  control.threads = 1;
  std::vector<ReplicationSink*> sinks = {&statistics};
  run_replications(simulator, 0, 40, control, sinks);
  std::vector<std::string> names;
  for (const auto& assumption : summarise(simulator, statistics, 6).national.spread.assumptions)
    names.push_back(assumption.name);
  EXPECT_NE(std::find(names.begin(), names.end(), "uptake"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "timing"), names.end());
}

Distribution distribution(DistributionKind kind, double a, double b, double c = 0) {
  Distribution d;
  d.kind = kind;
  d.a = a;
  d.b = b;
  d.c = c;
  return d;
}

TEST(RunFileUncertainty, EveryDistributionIsSpelledWithTheScenarioKeys) {
  ScratchDirectory dir;
  Scenario scenario = testing::simple_scenario(2, 50, 100'000, 3000);
  Distribution discrete = distribution(DistributionKind::Discrete, 0, 0);
  discrete.values = {800, 1200};
  discrete.weights = {0.25, 0.75};
  scenario.uncertainty.parameters = {
      {"demand.arrivals.expected_dossiers", distribution(DistributionKind::Pert, 40, 100, 160)},
      {"demand.cost_per_trainee.mean_eur.reconversion", distribution(DistributionKind::Normal, 3000, 300)},
      {"demand.cost_per_trainee.mean_eur.certifying", distribution(DistributionKind::Triangular, 2000, 2500, 4000)},
      {"demand.lifecycle.dropout_mean", distribution(DistributionKind::Uniform, 0, 0.1)},
      {"demand.cost_per_trainee.mean_eur.anticipation", discrete},
      {"demand.lifecycle.cancellation_probability", distribution(DistributionKind::Beta, 2, 38)},
      {"demand.cost_per_trainee.mean_eur.covid_specific", distribution(DistributionKind::Gamma, 1000, 0.2)},
      {"demand.diagnostics.expected_dossiers", distribution(DistributionKind::LogNormal, 5, 0.5)},
  };
  const auto P = scenario.uncertainty.parameters.size();
  scenario.uncertainty.correlation = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(P), static_cast<Eigen::Index>(P));
  const Simulator simulator(scenario);
  constexpr std::int64_t count = 20;
  {
    RunFileWriter writer(dir / "run.h5", simulator, seed);
    RunStatistics statistics(simulator);
    ReplicationSink* sinks[] = {&statistics, &writer};
    RunControl control;
    control.seed = seed;
    control.threads = 2;
    run_replications(simulator, 0, count, control, sinks);
    writer.finish(summarise(simulator, statistics, seed), {0.5, 2});
  }
  const hdf5::File file = hdf5::File::open_read_only(dir / "run.h5");
  const hdf5::Group group = file.open_group("uncertainty");
  EXPECT_EQ(group.open_dataset("parameter_distributions").read_strings(),
            (std::vector<std::string>{"pert(min=40, mode=100, max=160)", "normal(mean=3000, sd=300)",
                                      "triangular(min=2000, mode=2500, max=4000)", "uniform(min=0, max=0.1)",
                                      "discrete(values=[800, 1200], weights=[0.25, 0.75])",
                                      "beta(alpha=2, beta=38)", "gamma(mean=1000, cv=0.2)",
                                      "lognormal(mean=5, cv=0.5)"}));
  const std::vector<double> lowest = group.open_dataset("parameter_lowest").read<double>();
  const std::vector<double> highest = group.open_dataset("parameter_highest").read<double>();
  EXPECT_EQ(lowest, (std::vector<double>{40, 1500, 2000, 0, 800, 0, 0, 0}));
  EXPECT_EQ(highest[1], 4500);  // the normal, truncated at 5 sd
  EXPECT_EQ(highest[4], 1200);
  EXPECT_EQ(highest[5], 1);
  EXPECT_TRUE(std::isinf(highest[6]) && std::isinf(highest[7]));
  // Only what the scenario draws: no profile, drift or particles; no scales outside a forecast.
  for (const char* absent : {"profile", "profile_month", "drift", "particle", "particle_weight", "parameter_scales"})
    EXPECT_FALSE(group.contains(absent)) << absent;
  EXPECT_EQ(group.attribute<double>("profile_concentration"), 0);
  EXPECT_TRUE(group.string_list_attribute("event_names").empty());

  const RunFileUncertainty drawn = RunFileReader(dir / "run.h5").uncertainty().value();
  ASSERT_EQ(drawn.parameters.size(), static_cast<std::size_t>(count) * P);
  EXPECT_TRUE(drawn.profile.empty() && drawn.drift.empty() && drawn.particle.empty());
  ReplicationOutcome outcome = simulator.make_outcome();
  auto workspace = simulator.make_workspace();
  for (std::int64_t i = 0; i < count; ++i) {
    simulator.simulate(seed, i, *workspace, outcome);
    for (std::size_t j = 0; j < P; ++j) {
      const double value = drawn.parameters[static_cast<std::size_t>(i) * P + j];
      ASSERT_EQ(value, outcome.parameter_values[j]) << i << ' ' << j;
      ASSERT_GE(value, lowest[j]);
      ASSERT_LE(value, highest[j]);
    }
    EXPECT_TRUE(drawn.parameters[static_cast<std::size_t>(i) * P + 4] == 800 ||
                drawn.parameters[static_cast<std::size_t>(i) * P + 4] == 1200);
  }
}

// A file of format 1.1 has none of what 1.2 added: the reader says so rather than failing.
TEST(RunFileUncertainty, AFileOfFormat11HasNoDraws) {
  ScratchDirectory dir;
  const Scenario scenario = testing::simple_scenario(1, 20, 100'000, 3000);
  const Simulator simulator(scenario);
  {
    RunFileWriter writer(dir / "old.h5", simulator, seed);
    RunStatistics statistics(simulator);
    ReplicationSink* sinks[] = {&statistics, &writer};
    RunControl control;
    control.seed = seed;
    control.threads = 1;
    run_replications(simulator, 0, 4, control, sinks);
    writer.finish(summarise(simulator, statistics, seed), {0.5, 1});
  }
  {
    hdf5::File file = hdf5::File::open_read_write(dir / "old.h5");
    const std::int32_t version[] = {1, 1};
    file.set_attribute<std::int32_t>("format_version", version);
    file.open_group("replications").remove("uptake");
    file.open_group("replications/national").remove("dossier_variance_eur2");
    file.close();
  }
  const RunFileReader reader(dir / "old.h5");
  EXPECT_EQ(reader.info().format_minor, 1);
  EXPECT_FALSE(reader.uptake());
  EXPECT_FALSE(reader.dossier_variances());
  EXPECT_FALSE(reader.uncertainty());
  EXPECT_EQ(reader.summary().replications, 4);
}

TEST(RunFileUncertainty, OneThreadOrTwoWriteTheSameFile) {
  ScratchDirectory dir;
  run_september(dir / "one.h5", 1);
  run_september(dir / "two.h5", 2);
  const hdf5::File one = hdf5::File::open_read_only(dir / "one.h5");
  const hdf5::File two = hdf5::File::open_read_only(dir / "two.h5");
  EXPECT_EQ(one.attribute<std::int32_t>("threads"), 1);
  EXPECT_EQ(two.attribute<std::int32_t>("threads"), 2);
  const std::vector<std::string> paths = dataset_paths(one);
  ASSERT_EQ(dataset_paths(two), paths);
  for (const char* expected :
       {"uncertainty/parameters", "uncertainty/profile", "uncertainty/drift", "uncertainty/particle",
        "replications/uptake", "replications/national/dossier_variance_eur2", "actuals/prior_predictive/low",
        "replications/national_past/committed_cents"})
    EXPECT_NE(std::find(paths.begin(), paths.end(), expected), paths.end()) << expected;
  for (const std::string& path : paths) {
    const hdf5::Dataset a = one.open_dataset(path), b = two.open_dataset(path);
    ASSERT_EQ(a.shape(), b.shape()) << path;
    ASSERT_EQ(a.kind(), b.kind()) << path;
    switch (a.kind()) {
      case hdf5::Dataset::Kind::Integer:
        EXPECT_EQ(a.read<std::int64_t>(), b.read<std::int64_t>()) << path;
        break;
      case hdf5::Dataset::Kind::Float:
        EXPECT_EQ(a.read<double>(), b.read<double>()) << path;
        break;
      case hdf5::Dataset::Kind::String:
        EXPECT_EQ(a.read_strings(), b.read_strings()) << path;
        break;
      case hdf5::Dataset::Kind::Other:
        ADD_FAILURE() << path << ": an element type the format does not use";
    }
  }
  // The bytes too, but for the run's timing (created, run_seconds, threads)
  // and the few header bytes that follow from them.
  const std::string a = testing::read_text(dir / "one.h5"), b = testing::read_text(dir / "two.h5");
  ASSERT_EQ(a.size(), b.size());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
  EXPECT_LT(differing, 64u);
}

}  // namespace
}  // namespace fnesim
