#include "sim/forecast/backtest.hpp"

#include <algorithm>
#include <span>

#include "sim/simulator.hpp"
#include "sim/statistics.hpp"

namespace fnesim {

namespace {

// Cumulative commitments of each series (the regions, then the nation; or
// the nation alone) at each month end compared, per replication, in index order.
class CumulativeCommitments : public ReplicationSink {
 public:
  CumulativeCommitments(int regions, bool national_only, int first_month, int last_month)
      : regions_(regions),
        national_only_(national_only),
        first_month_(first_month),
        last_month_(last_month) {}

  int series() const { return national_only_ ? 1 : regions_ + 1; }
  int months() const { return last_month_ - first_month_ + 1; }

  void consume(std::int64_t, const ReplicationOutcome& outcome) override {
    std::vector<Cents> national(static_cast<std::size_t>(months()), 0);
    for (int r = 0; r < regions_; ++r) {
      Cents cumulative = 0;
      for (int m = 0; m <= last_month_; ++m) {
        cumulative += outcome.monthly_commitments[static_cast<std::size_t>(r * outcome.month_count + m)];
        if (m < first_month_) continue;
        national[static_cast<std::size_t>(m - first_month_)] += cumulative;
        if (!national_only_) values_.push_back(cumulative);
      }
    }
    values_.insert(values_.end(), national.begin(), national.end());
  }

  // The values of one series and month over every replication, sorted.
  std::vector<Cents> sorted(int series, int month) const {
    const std::size_t stride = static_cast<std::size_t>(this->series() * months());
    const std::size_t offset = static_cast<std::size_t>(series * months() + month);
    std::vector<Cents> out;
    for (std::size_t i = offset; i < values_.size(); i += stride) out.push_back(values_[i]);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  int regions_;
  bool national_only_;
  int first_month_, last_month_;
  std::vector<Cents> values_;  // replication × series × month
};

// What the actuals show: commitments per series and trajectory month (the
// carry-over, committed on the first day, in the first month).
std::vector<std::vector<Cents>> actual_monthly_commitments(const Scenario& scenario, const Actuals& actuals,
                                                           int month_count) {
  const Date start = scenario.convention.commitment_start;
  const int regions = static_cast<int>(scenario.convention.regions.size());
  const int series = actuals.national ? 1 : regions + 1;
  std::vector<std::vector<Cents>> monthly(static_cast<std::size_t>(series),
                                          std::vector<Cents>(static_cast<std::size_t>(month_count), 0));
  auto add = [&](int region, Date date, Cents amount) {
    const auto m = static_cast<std::size_t>(std::max(0, month_index(start, date)));
    if (!actuals.national) monthly[static_cast<std::size_t>(region)][m] += amount;
    monthly.back()[m] += amount;
  };
  for (const ActualDossier& d : actuals.dossiers) add(d.region, d.filing_date, d.committed);
  for (const MonthlyActual& m : actuals.months) add(m.region, m.month, m.committed);
  return monthly;
}

}  // namespace

BacktestResult run_backtest(const Scenario& scenario, const Actuals& actuals,
                            const std::vector<Date>& cut_offs, std::int64_t replications,
                            const RunControl& control) {
  const Date start = scenario.convention.commitment_start;
  // A last month the actuals cover only in part (complete through a day
  // before its end: month to date) has no month end to compare with.
  const int last_month =
      month_index(start, actuals.last_day) - (actuals.last_day == last_of_month(actuals.last_day) ? 0 : 1);
  std::vector<Diagnostic> problems;
  std::vector<ConditionedScenario> conditioned;
  for (std::size_t i = 0; i < cut_offs.size(); ++i) {
    const Date as_of = cut_offs[i];
    std::string prefix = "cut-off ";
    prefix += as_of.iso();
    if (std::find(cut_offs.begin(), cut_offs.begin() + static_cast<std::ptrdiff_t>(i), as_of) !=
        cut_offs.begin() + static_cast<std::ptrdiff_t>(i)) {
      problems.push_back({actuals.file, 0, 0, "", prefix + ": given twice"});
      continue;
    }
    if (month_index(start, as_of) > last_month) {
      std::string message = prefix;
      message += ": the actuals end on ";
      message += actuals.last_day.iso();
      message += ": no month end after the cut-off to compare with";
      problems.push_back({actuals.file, 0, 0, "", message});
      continue;
    }
    // Monthly figures: a cut-off inside the last month reads it as month to date
    // (docs/actuals-format.md), so its month end would be scored against a part of it.
    if (actuals.layout == ActualsLayout::Monthly &&
        month_index(start, as_of) == month_index(start, actuals.last_day) && as_of != first_of_month(as_of)) {
      problems.push_back({actuals.file, 0, 0, "",
                          prefix + ": falls inside the actuals' last month, which it reads as month to date: "
                                   "nothing after the cut-off to compare with"});
      continue;
    }
    try {
      conditioned.push_back(condition_on_actuals(scenario, actuals, as_of));
    } catch (const ActualsError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!problems.empty()) throw ActualsError(std::move(problems));

  BacktestResult result;
  result.replications = replications;
  result.seed = control.seed;
  result.compared_through = last_of_month(add_months(first_of_month(start), last_month));
  const int regions = static_cast<int>(scenario.convention.regions.size());
  std::int64_t done_before = 0;
  for (ConditionedScenario& c : conditioned) {
    const Simulator simulator(c.scenario);
    const std::vector<std::vector<Cents>> monthly =
        actual_monthly_commitments(c.scenario, actuals, simulator.month_count());
    const int first_month = month_index(start, c.report.as_of);
    CumulativeCommitments forecast(regions, actuals.national, first_month, last_month);
    ReplicationSink* sinks[] = {&forecast};
    RunControl this_control = control;
    if (control.on_progress)
      this_control.on_progress = [&](std::int64_t done, std::int64_t) {
        control.on_progress(done_before + done, replications * static_cast<std::int64_t>(cut_offs.size()));
      };
    const RunReport report = run_replications(simulator, 0, replications, this_control, sinks);
    done_before += report.completed;
    if (report.interrupted) {
      result.interrupted = true;
      return result;
    }

    BacktestCutOff outcome;
    outcome.as_of = c.report.as_of;
    outcome.learnt = std::move(c.report);
    outcome.months = forecast.months();
    for (int s = 0; s < forecast.series(); ++s) {
      Cents actual = 0;
      const std::vector<Cents>& series = monthly[static_cast<std::size_t>(s)];
      for (int m = 0; m < first_month; ++m) actual += series[static_cast<std::size_t>(m)];
      for (int m = first_month; m <= last_month; ++m) {
        actual += series[static_cast<std::size_t>(m)];
        const std::vector<Cents> values = forecast.sorted(s, m - first_month);
        const std::span<const Cents> sorted(values);
        BacktestComparison comparison;
        comparison.region = s < regions && !actuals.national ? s : national_region;
        comparison.month_end = last_of_month(simulator.month_start(m));
        comparison.actual = actual;
        comparison.q05 = quantile_inverted_cdf(sorted, 5);
        comparison.q25 = quantile_inverted_cdf(sorted, 25);
        comparison.q50 = quantile_inverted_cdf(sorted, 50);
        comparison.q75 = quantile_inverted_cdf(sorted, 75);
        comparison.q95 = quantile_inverted_cdf(sorted, 95);
        outcome.comparisons.push_back(comparison);
      }
    }
    result.cut_offs.push_back(std::move(outcome));
  }
  return result;
}

}  // namespace fnesim
