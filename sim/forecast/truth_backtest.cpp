#include "sim/forecast/truth_backtest.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>

#include "sim/cluster.hpp"
#include "sim/engine_limits.hpp"
#include "sim/errors.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/forecast/synthetic_actuals.hpp"
#include "sim/runner.hpp"
#include "sim/simulator.hpp"
#include "sim/statistics.hpp"

namespace fnesim {

namespace {

// A year as bytes, between the ranks of a cluster run.
void append_truth_year(const TruthYear& year, Bytes& out) {
  static_assert(std::is_trivially_copyable_v<ScoredForecast>);
  ByteWriter writer(out);
  writer.put(year.member);
  writer.put(year.replication);
  writer.put<std::uint64_t>(year.cut_offs.size());
  for (const TruthCutOffForecast& c : year.cut_offs) {
    writer.put(c.national);
    writer.put_vector(c.regions);
    writer.put(c.dossiers_observed);
    writer.put(c.months_outside_prior);
    writer.put(c.total_outside_prior);
    writer.put(c.prior_check_chance);
  }
}

TruthYear read_truth_year(std::span<const std::byte> bytes) {
  ByteReader reader(bytes);
  TruthYear year;
  year.member = reader.get<int>();
  year.replication = reader.get<std::int64_t>();
  year.cut_offs.resize(reader.get<std::uint64_t>());
  for (TruthCutOffForecast& c : year.cut_offs) {
    c.national = reader.get<ScoredForecast>();
    reader.get_vector(c.regions);
    c.dossiers_observed = reader.get<std::int64_t>();
    c.months_outside_prior = reader.get<int>();
    c.total_outside_prior = reader.get<bool>();
    c.prior_check_chance = reader.get<double>();
  }
  if (!reader.at_end()) throw InvariantError("read_truth_year: bytes left over");
  return year;
}

// The year-end demand of the nation and of each region, per replication.
class YearEndDemand : public ReplicationSink {
 public:
  explicit YearEndDemand(int regions) : regions_(regions) {}

  void consume(std::int64_t, const ReplicationOutcome& outcome) override {
    for (const RegionOutcome& region : outcome.regions) values_.push_back(region.demand);
    values_.push_back(outcome.national.demand);
  }

  // One series (a region index, or national_region) over every replication, sorted.
  std::vector<Cents> sorted(int region) const {
    const std::size_t stride = static_cast<std::size_t>(regions_) + 1;
    std::vector<Cents> out;
    for (std::size_t i = region == national_region ? static_cast<std::size_t>(regions_)
                                                   : static_cast<std::size_t>(region);
         i < values_.size(); i += stride)
      out.push_back(values_[i]);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  int regions_;
  std::vector<Cents> values_;  // replication × (regions, then the nation)
};

ScoredForecast score(const std::vector<Cents>& sorted_forecast, Cents outcome, Cents naive) {
  const std::span<const Cents> sorted(sorted_forecast);
  ScoredForecast f;
  f.outcome = outcome;
  const CentralInterval fifty = central_interval(sorted, 50), ninety = central_interval(sorted, 90);
  f.q05 = ninety.low;
  f.q25 = fifty.low;
  f.q50 = quantile_inverted_cdf(sorted, 50);
  f.q75 = fifty.high;
  f.q95 = ninety.high;
  f.crps = crps_of_sample(sorted, outcome);
  f.pit = pit_of_sample(sorted, outcome);
  f.naive = naive;
  return f;
}

// What the truth's actuals show before the cut-off, per region: the carry-over
// and the demand filed in the window.
struct FiledBefore {
  std::vector<Cents> carryover, in_window;
  std::int64_t dossiers = 0;
};

FiledBefore filed_before(const Actuals& actuals, int regions, Date as_of) {
  FiledBefore filed{std::vector<Cents>(static_cast<std::size_t>(regions), 0),
                    std::vector<Cents>(static_cast<std::size_t>(regions), 0), 0};
  for (const ActualDossier& d : actuals.dossiers) {
    if (d.filing_date >= as_of) continue;
    const auto r = static_cast<std::size_t>(d.region);
    if (d.carryover) {
      filed.carryover[r] += d.committed;
    } else {
      filed.in_window[r] += d.committed;
      ++filed.dossiers;
    }
  }
  return filed;
}

void check_family(const Scenario& forecaster, const std::vector<TruthScenario>& family,
                  std::vector<Diagnostic>& problems) {
  const Convention& conv = forecaster.convention;
  std::string forecaster_regions;
  for (const Region& region : conv.regions) {
    if (!forecaster_regions.empty()) forecaster_regions += ", ";
    forecaster_regions += region.code;
  }
  for (const TruthScenario& truth : family) {
    const Convention& t = truth.scenario.convention;
    const std::string file =
        truth.scenario.source_files.empty() ? truth.source : truth.scenario.source_files.front();
    const bool same_regions =
        std::equal(t.regions.begin(), t.regions.end(), conv.regions.begin(), conv.regions.end(),
                   [](const Region& a, const Region& b) { return a.code == b.code; });
    if (!same_regions) {
      std::string regions;
      for (const Region& region : t.regions) {
        if (!regions.empty()) regions += ", ";
        regions += region.code;
      }
      problems.push_back({file, 0, 0, "convention.regions",
                          "a truth needs the forecaster's regions, same codes in the same order (" +
                              forecaster.name + ": " + forecaster_regions + "), found " +
                              (regions.empty() ? std::string("none") : regions)});
    }
    if (t.commitment_start != conv.commitment_start || t.commitment_end != conv.commitment_end)
      problems.push_back({file, 0, 0,
                          t.commitment_start != conv.commitment_start ? "convention.commitment_start"
                                                                      : "convention.commitment_end",
                          "a truth needs the forecaster's commitment window (" + forecaster.name + ": " +
                              conv.commitment_start.iso() + " to " + conv.commitment_end.iso() + "), found " +
                              t.commitment_start.iso() + " to " + t.commitment_end.iso()});
  }
}

// "" when every cut-off is fine.
std::string cut_off_problems(const Scenario& forecaster, const std::vector<Date>& cut_offs,
                             SyntheticLayout layout) {
  const Convention& conv = forecaster.convention;
  std::string problems, inside_a_month;
  for (std::size_t i = 0; i < cut_offs.size(); ++i) {
    const Date as_of = cut_offs[i];
    std::string problem;
    if (std::find(cut_offs.begin(), cut_offs.begin() + static_cast<std::ptrdiff_t>(i), as_of) !=
        cut_offs.begin() + static_cast<std::ptrdiff_t>(i))
      problem = "given twice";
    else if (std::string outside = cut_off_outside_window(conv, as_of); !outside.empty())
      problem = std::move(outside);
    else if (layout != SyntheticLayout::Dossiers && as_of.day() != 1)
      inside_a_month += (inside_a_month.empty() ? "" : ", ") + as_of.iso();
    if (problem.empty()) continue;
    problems += problems.empty() ? "--cutoffs: " : "; ";
    problems += as_of.iso() + ": " + problem;
  }
  // Said once for every such date.
  if (!inside_a_month.empty()) {
    problems += problems.empty() ? "--cutoffs: " : "; ";
    problems += inside_a_month + ": monthly totals give each month whole: with --layout " +
                std::string(synthetic_layout_keys[static_cast<std::size_t>(layout)]) +
                " a cut-off is a month's first day";
  }
  return problems;
}

}  // namespace

void TruthBacktestProblems::throw_if_any() const {
  if (settings.empty() && files.empty()) return;
  if (settings.empty()) throw ScenarioError(files);
  if (files.empty() && settings.size() == 1) throw BadRequest(settings.front());
  std::string message = std::to_string(settings.size() + files.size()) + " problems:";
  for (const std::string& setting : settings) message += "\n  " + setting;
  for (const Diagnostic& file : files) message += "\n  " + file.to_string();
  throw BadRequest(message);
}

void check_truth_backtest(const Scenario& forecaster, const std::vector<TruthScenario>& family,
                          const std::vector<Date>& cut_offs, std::int64_t truths,
                          TruthBacktestProblems& problems, SyntheticLayout layout) {
  check_family(forecaster, family, problems.files);
  if (std::string cut_offs_said = cut_off_problems(forecaster, cut_offs, layout); !cut_offs_said.empty())
    problems.settings.push_back(std::move(cut_offs_said));
  // A member without a year would be scored on nothing: its coverage 0/0, its CRPS 0.
  if (!family.empty() && truths < static_cast<std::int64_t>(family.size()))
    problems.settings.push_back("--truths " + std::to_string(truths) + ": fewer years than the family's " +
                                std::to_string(family.size()) + " members (year t is member t mod " +
                                std::to_string(family.size()) + "): give at least " +
                                std::to_string(family.size()));
}

Cents run_rate_forecast(Cents carryover, Cents filed_in_window, int days_elapsed, int window_days) {
  // Integer arithmetic, half away from zero: filed_in_window × window_days stays
  // far inside 64 bits for any amount fnesim accepts (10^14 cents × 366).
  const Cents scaled = filed_in_window * window_days;
  return carryover + (scaled + days_elapsed / 2) / days_elapsed;
}

void ScoreTally::add(const ScoredForecast& f) {
  ++forecasts;
  inside50 += f.interval50().holds(f.outcome);
  inside90 += f.interval90().holds(f.outcome);
  interval_score50 += f.interval_score50();
  interval_score90 += f.interval_score90();
  crps += f.crps;
  naive_interval_score50 += f.naive_interval_score50();
  naive_interval_score90 += f.naive_interval_score90();
  naive_crps += f.naive_crps();
  ++pit_histogram[static_cast<std::size_t>(std::min(static_cast<int>(f.pit * pit_bins), pit_bins - 1))];
  pit_sum += f.pit;
  pit_sum_of_squares += f.pit * f.pit;
}

double ScoreTally::pit_sd() const {
  if (forecasts == 0) return 0.0;
  const double m = pit_mean();
  return std::sqrt(std::max(0.0, pit_sum_of_squares / forecasts - m * m));
}

double ScoreTally::calibrated_standard_error(double coverage, int forecasts) {
  return forecasts > 0 ? std::sqrt(coverage * (1 - coverage) / forecasts) : 0.0;
}

ScoreTally tally(const TruthBacktestResult& result, std::size_t cut_off, bool regional, int member) {
  ScoreTally t;
  for (const TruthYear& year : result.years) {
    if (member != every_member && year.member != member) continue;
    const TruthCutOffForecast& c = year.cut_offs[cut_off];
    if (regional)
      for (const ScoredForecast& f : c.regions) t.add(f);
    else
      t.add(c.national);
  }
  return t;
}

PriorCheckTally prior_check_tally(const TruthBacktestResult& result, std::size_t cut_off, int member) {
  PriorCheckTally t;
  for (const TruthYear& year : result.years) {
    if (member != every_member && year.member != member) continue;
    const TruthCutOffForecast& c = year.cut_offs[cut_off];
    ++t.years;
    t.total_outside += c.total_outside_prior;
    t.failed += c.prior_check_failed();
    if (c.prior_check_warned()) {
      ++t.warned;
      t.warned_years.add(c.national);
    } else {
      t.quiet_years.add(c.national);
    }
  }
  return t;
}

TruthBacktestResult run_truth_backtest(const Scenario& forecaster, const std::vector<TruthScenario>& family,
                                       const std::vector<Date>& cut_offs, std::int64_t truths,
                                       std::int64_t replications, const RunControl& control,
                                       SyntheticLayout layout) {
  if (family.empty()) throw BadRequest("--truth: no truth scenario to draw the years from");
  TruthBacktestProblems problems;
  check_truth_backtest(forecaster, family, cut_offs, truths, problems, layout);
  problems.throw_if_any();

  TruthBacktestResult result;
  result.layout = layout;
  result.replications = replications;
  result.seed = control.seed;
  result.truth_seed = truth_seed_of(control.seed);
  result.cut_offs = cut_offs;
  const Convention& conv = forecaster.convention;
  const int regions = static_cast<int>(conv.regions.size());
  const std::int64_t total = truths * static_cast<std::int64_t>(cut_offs.size()) * replications;
  // The prior-predictive check's bands are the forecaster's at each cut-off,
  // whatever the year: drawn once per cut-off (per rank in a cluster run).
  PriorPredictiveBands bands;
  std::vector<std::unique_ptr<Simulator>> truth_simulators;
  for (const TruthScenario& truth : family)
    truth_simulators.push_back(std::make_unique<Simulator>(truth.scenario));

  // Year t: the truth drawn, then forecast from every cut-off. `done_before`
  // counts the replications of the years before, for the progress bar; false
  // when a signal stopped it.
  const auto forecast_year = [&](std::int64_t t, const RunControl& year_control, std::int64_t done_before,
                                 TruthYear& year) {
    const int member = static_cast<int>(t % static_cast<std::int64_t>(family.size()));
    const Simulator& truth = *truth_simulators[static_cast<std::size_t>(member)];
    ReplicationOutcome outcome = truth.make_outcome();
    const std::string name = "truth " + std::to_string(t) + " (" +
                             family[static_cast<std::size_t>(member)].source + ", replication " +
                             std::to_string(t) + ")";
    // A truth drawn past the engine's limits is the truth's, not the forecaster's: said so.
    try {
      truth.simulate(result.truth_seed, t, *truth.make_workspace(), outcome);
    } catch (const limits::EngineLimitError& e) {
      throw limits::EngineLimitError(name + ": " + e.what());
    }
    Actuals dossiers = parse_actuals(filed_dossiers_csv(truth, result.truth_seed, t), name, forecaster);
    std::optional<Actuals> totals;
    if (layout != SyntheticLayout::Dossiers)
      totals = parse_actuals(synthetic_actuals_csv(truth, result.truth_seed, t, layout), name, forecaster);
    Actuals& actuals = totals ? *totals : dossiers;
    // A synthetic year is known whole: a month without a dossier filed had
    // none, even at its end (a year whose uptake collapsed mid-year would
    // otherwise seem to end with its last filing, and refuse a later cut-off).
    actuals.last_day = std::max(actuals.last_day, last_of_month(forecaster.convention.commitment_end));

    year.member = member;
    year.replication = t;
    year.cut_offs.clear();
    for (const Date as_of : cut_offs) {
      const ConditionedScenario conditioned =
          condition_on_actuals(forecaster, actuals, as_of, PriorPredictiveCheck::Run, &bands);
      const Simulator simulator(conditioned.scenario);
      YearEndDemand forecast(regions);
      ReplicationSink* sinks[] = {&forecast};
      RunControl this_control = year_control;
      if (year_control.on_progress)
        this_control.on_progress = [&](std::int64_t done, std::int64_t) {
          year_control.on_progress(done_before + done, total);
        };
      const RunReport report =
          run_replications(simulator, t * replications, replications, this_control, sinks);
      done_before += report.completed;
      if (report.interrupted) return false;

      const FiledBefore filed = filed_before(dossiers, regions, as_of);
      const int days_elapsed = days_between(conv.commitment_start, as_of);
      const int window_days = conv.commitment_days();
      TruthCutOffForecast c;
      c.dossiers_observed = filed.dossiers;
      for (const PriorPredictiveMonth& m : conditioned.report.prior_predictive) {
        if (!m.outside()) continue;
        if (m.cumulative)
          c.total_outside_prior = true;
        else
          ++c.months_outside_prior;
      }
      c.prior_check_chance = conditioned.report.prior_predictive_chance;
      Cents national_carryover = 0, national_in_window = 0;
      for (int r = 0; r < regions; ++r) {
        const auto i = static_cast<std::size_t>(r);
        national_carryover += filed.carryover[i];
        national_in_window += filed.in_window[i];
        c.regions.push_back(
            score(forecast.sorted(r), outcome.regions[i].demand,
                  run_rate_forecast(filed.carryover[i], filed.in_window[i], days_elapsed, window_days)));
      }
      c.national =
          score(forecast.sorted(national_region), outcome.national.demand,
                run_rate_forecast(national_carryover, national_in_window, days_elapsed, window_days));
      year.cut_offs.push_back(std::move(c));
    }
    return true;
  };

  const std::int64_t per_year = static_cast<std::int64_t>(cut_offs.size()) * replications;
  if (cluster::distributing()) {
    // One year per chunk, on whichever rank is free, with its threads; the
    // years travel as bytes and are kept in order on every rank (sim/cluster.hpp).
    RunControl year_control = control;
    year_control.on_progress = nullptr;
    cluster::DistributedLoop loop;
    cluster::InputDigest inputs;
    add_to_digest(inputs, forecaster);
    for (const TruthScenario& truth : family) add_to_digest(inputs.add(truth.source), truth.scenario);
    for (const Date& cut_off : cut_offs) inputs.add(static_cast<std::int64_t>(cut_off.day_number()));
    // Ranks that saw the years in different layouts forecast different things.
    inputs.add(static_cast<std::int64_t>(layout));
    loop.inputs = inputs.add(control.seed).add(replications).value();
    loop.items = truths;
    loop.chunk = 1;
    loop.stop_requested = control.stop_requested;
    loop.produce = [&](std::int64_t t, std::int64_t, Bytes& out) {
      TruthYear year;
      if (forecast_year(t, year_control, 0, year)) append_truth_year(year, out);
    };
    loop.consume = [&](std::int64_t t, std::int64_t, std::span<const std::byte> bytes) {
      result.years.push_back(read_truth_year(bytes));
      if (control.on_progress) control.on_progress((t + 1) * per_year, total);
    };
    result.interrupted = !cluster::run_distributed(loop);
    return result;
  }
  for (std::int64_t t = 0; t < truths; ++t) {
    TruthYear year;
    if (!forecast_year(t, control, t * per_year, year)) {
      result.interrupted = true;
      return result;
    }
    result.years.push_back(std::move(year));
  }
  return result;
}

}  // namespace fnesim
