#include "sim/run_statistics.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/errors.hpp"

namespace fnesim {

namespace {

// An anonymous file in $TMPDIR (else /tmp), as the user's environment says
// where temporary data goes: created, then unlinked at once, so that it
// vanishes with the process however the process ends.
std::FILE* anonymous_temporary_file() {
  const char* from_environment = std::getenv("TMPDIR");
  const std::string directory = from_environment && *from_environment ? from_environment : "/tmp";
  std::string name = directory + "/fnesim-spill-XXXXXX";
  const int descriptor = ::mkstemp(name.data());
  if (descriptor < 0)
    throw EnvironmentError("cannot create a temporary file in " + directory + ": " + std::strerror(errno) +
                           " (set TMPDIR to a writable directory with free space)");
  ::unlink(name.c_str());
  std::FILE* file = ::fdopen(descriptor, "w+b");
  if (!file) {
    ::close(descriptor);
    throw EnvironmentError("cannot open a temporary file in " + directory + ": " + std::strerror(errno));
  }
  return file;
}

}  // namespace

SpilledSeries::SpilledSeries() : file_(anonymous_temporary_file()) {}

SpilledSeries::~SpilledSeries() {
  if (file_) std::fclose(file_);
}

SpilledSeries::SpilledSeries(SpilledSeries&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)), count_(std::exchange(other.count_, 0)) {}

SpilledSeries& SpilledSeries::operator=(SpilledSeries&& other) noexcept {
  if (this != &other) {
    if (file_) std::fclose(file_);
    file_ = std::exchange(other.file_, nullptr);
    count_ = std::exchange(other.count_, 0);
  }
  return *this;
}

void SpilledSeries::append(Cents value) {
  if (std::fwrite(&value, sizeof value, 1, file_) != 1)
    throw EnvironmentError(std::string("cannot write a temporary file: ") + std::strerror(errno) +
                           " (is $TMPDIR full?)");
  ++count_;
}

std::vector<Cents> SpilledSeries::load() const {
  std::vector<Cents> values(static_cast<std::size_t>(count_));
  // Appends are buffered: a full disk shows when the buffer is flushed.
  if (std::fflush(file_) != 0)
    throw EnvironmentError(std::string("cannot write a temporary file: ") + std::strerror(errno) +
                           " (is $TMPDIR full?)");
  if (std::fseek(file_, 0, SEEK_SET) != 0 ||
      std::fread(values.data(), sizeof(Cents), values.size(), file_) != values.size())
    throw EnvironmentError(std::string("cannot read back a temporary file: ") + std::strerror(errno));
  std::fseek(file_, 0, SEEK_END);  // further appends go after what is there
  return values;
}

std::vector<Cents> SpilledSeries::load_column(std::size_t stride, std::size_t offset) const {
  return std::move(load_columns(stride, offset, 1).front());
}

std::vector<std::vector<Cents>> SpilledSeries::load_columns(std::size_t stride, std::size_t first,
                                                          std::size_t count) const {
  if (std::fflush(file_) != 0)
    throw EnvironmentError(std::string("cannot write a temporary file: ") + std::strerror(errno) +
                           " (is $TMPDIR full?)");
  if (std::fseek(file_, 0, SEEK_SET) != 0)
    throw EnvironmentError(std::string("cannot read back a temporary file: ") + std::strerror(errno));
  const auto rows = static_cast<std::size_t>(count_) / stride;
  std::vector<std::vector<Cents>> columns(count);
  for (std::vector<Cents>& column : columns) column.reserve(rows);
  // Read 4 096 rows at a time, or fewer when there are fewer: a short run
  // (a backtest's forecast, a page's run) does not clear a buffer for
  // thousands of rows it does not have.
  constexpr std::size_t block_rows = 4096;
  std::vector<Cents> block(stride * std::min(block_rows, rows));
  for (std::size_t row = 0; row < rows;) {
    const std::size_t take = std::min(block_rows, rows - row);
    if (std::fread(block.data(), sizeof(Cents), take * stride, file_) != take * stride)
      throw EnvironmentError(std::string("cannot read back a temporary file: ") + std::strerror(errno));
    for (std::size_t i = 0; i < take; ++i)
      for (std::size_t c = 0; c < count; ++c) columns[c].push_back(block[i * stride + first + c]);
    row += take;
  }
  std::fseek(file_, 0, SEEK_END);
  return columns;
}

void DayHistogram::add(std::int32_t day) {
  const std::size_t never_bin = counts_.size() - 1;
  const std::size_t bin =
      day < 0 || static_cast<std::size_t>(day) >= never_bin ? never_bin : static_cast<std::size_t>(day);
  ++counts_[bin];
  ++total_;
}

std::int64_t DayHistogram::at_or_before(std::int32_t day) const {
  std::int64_t sum = 0;
  for (std::int32_t d = 0; d <= day && static_cast<std::size_t>(d) + 1 < counts_.size(); ++d)
    sum += counts_[static_cast<std::size_t>(d)];
  return sum;
}

std::optional<std::int32_t> DayHistogram::quantile(int percent) const {
  if (total_ == 0) return std::nullopt;
  std::int64_t k = (static_cast<std::int64_t>(percent) * total_ + 99) / 100;
  if (k < 1) k = 1;
  std::int64_t seen = 0;
  for (std::size_t d = 0; d + 1 < counts_.size(); ++d) {
    seen += counts_[d];
    if (seen >= k) return static_cast<std::int32_t>(d);
  }
  return std::nullopt;
}

void SettlementStatistics::add(const SettlementValues& quantities, std::int64_t last_payment, int cluster) {
  for (std::size_t q = 0; q < settlement_quantity_count; ++q) {
    moments[q].add(static_cast<double>(quantities[q]), cluster);
    values.append(quantities[q]);
  }
  last_payment_day.add(static_cast<std::int32_t>(last_payment));
}

void CashStatistics::add(const ReplicationOutcome& out, int cluster) {
  const auto m_count = static_cast<std::size_t>(months);
  // Series by series, so that each series' months are contiguous in a row.
  for (std::size_t s = 0; s < cash_series_count; ++s) {
    Cents disbursed = 0;
    for (std::size_t m = 0; m < m_count; ++m) {
      disbursed += out.monthly_disbursements[m];
      const Cents position = out.cash_position[m];
      const auto series = static_cast<CashSeries>(s);
      const Cents value = series == CashSeries::Disbursed ? disbursed
                          : series == CashSeries::Paid    ? disbursed - position
                                                          : position;
      moments[s * m_count + m].add(static_cast<double>(value));  // its mean only is reported: no cluster sums
      values.append(value);
    }
  }
  minimum.add(static_cast<double>(out.cash_minimum), cluster);
  pre_financing.add(out.cash_minimum < 0 ? 1.0 : 0.0, cluster);
  minimum_values.append(out.cash_minimum);
  minimum_month.add(out.cash_minimum_month);
}

RunStatistics::RunStatistics(const Simulator& simulator)
    : simulator_(&simulator), clusters_(simulator.scenario()) {
  const int horizon_days = simulator.plan().horizon_days;
  regions_.resize(static_cast<std::size_t>(simulator.region_count()));
  for (RegionStatistics& rs : regions_) {
    rs.exhaustion_day = DayHistogram(simulator.window_days());
    rs.settlement = SettlementStatistics(horizon_days);
  }
  national_.additional_needed_day = DayHistogram(simulator.window_days());
  national_.settlement = SettlementStatistics(horizon_days);
  if (simulator.scenario().financing) national_.cash.emplace(simulator.plan().cash_month_count);
  const Scenario& scenario = simulator.scenario();
  if (scenario.forecast_start && !scenario.forecast_start->national_rows.empty())
    for (RegionStatistics& rs : regions_) rs.past_committed_values.emplace();
  SpreadSamples& spread = national_.spread;
  spread.names.push_back("uptake");
  // The share of the year still to come sums the profile over the months
  // simulated: over whole years of them (a run from the window's start) it is
  // the whole profile, the same in every replication to the last bit of
  // rounding, and explains nothing.
  const Plan& plan = simulator.plan();
  const int months_simulated =
      plan.last_window_month() - plan.month_of_day[static_cast<std::size_t>(plan.first_simulated_day)] + 1;
  timing_varies_ = scenario.uncertainty.profile_uncertain() && months_simulated % 12 != 0;
  if (timing_varies_) spread.names.push_back("timing");
  if (scenario.uncertainty.drifts()) spread.names.push_back("drift");
  learnt_costs_vary_ = scenario.forecast_start && scenario.forecast_start->learnt_money_uncertain();
  if (learnt_costs_vary_) spread.names.push_back("learnt_costs");
  for (const UncertainParameter& p : scenario.uncertainty.parameters) spread.names.push_back(p.path);
}

void RunStatistics::consume(std::int64_t, const ReplicationOutcome& out) {
  ++replications_;
  const int cluster = clusters_.of(out);
  for (int r = 0; r < out.region_count; ++r) {
    const RegionOutcome& ro = out.regions[static_cast<std::size_t>(r)];
    RegionStatistics& rs = regions_[static_cast<std::size_t>(r)];
    rs.committed.add(static_cast<double>(ro.committed), cluster);
    rs.released.add(static_cast<double>(ro.released), cluster);
    rs.paid.add(static_cast<double>(ro.paid), cluster);
    rs.unmet.add(static_cast<double>(ro.unmet), cluster);
    rs.demand.add(static_cast<double>(ro.demand), cluster);
    rs.peak_net_demand.add(static_cast<double>(ro.peak_net_demand), cluster);
    rs.dossiers_committed.add(static_cast<double>(ro.dossiers_committed), cluster);
    rs.dossiers_unmet.add(static_cast<double>(ro.dossiers_unmet), cluster);
    rs.dossiers_ineligible.add(static_cast<double>(ro.dossiers_ineligible), cluster);
    rs.trainees_committed.add(static_cast<double>(ro.trainees_committed), cluster);
    rs.trainees_unmet.add(static_cast<double>(ro.trainees_unmet), cluster);
    rs.exhausted.add(ro.exhaustion_day == never_exhausted ? 0.0 : 1.0, cluster);
    rs.exhaustion_day.add(ro.exhaustion_day);
    rs.unmet_values.append(ro.unmet);
    rs.received.add(static_cast<double>(ro.received), cluster);
    rs.given.add(static_cast<double>(ro.given), cluster);
    rs.settlement.add({ro.paid, ro.available_final - ro.paid, ro.lapsed, ro.refused_past_deadline,
                       ro.review_committed, ro.review_realised, ro.review_paid, ro.review_trainees},
                      ro.last_payment_day, cluster);
    if (rs.past_committed_values) {  // every replication then shares the national months (outcome.hpp)
      Cents past = 0;
      for (std::size_t i = static_cast<std::size_t>(r); i < out.national_past.size();
           i += static_cast<std::size_t>(out.region_count))
        past += out.national_past[i].committed;
      rs.past_committed.add(static_cast<double>(past), cluster);
      rs.past_committed_values->append(past);
    }
  }
  const NationalOutcome& no = out.national;
  national_.committed.add(static_cast<double>(no.committed), cluster);
  national_.released.add(static_cast<double>(no.released), cluster);
  national_.paid.add(static_cast<double>(no.paid), cluster);
  national_.unmet.add(static_cast<double>(no.unmet), cluster);
  national_.demand.add(static_cast<double>(no.demand), cluster);
  national_.additional_needed.add(static_cast<double>(no.additional_needed), cluster);
  national_.additional_is_needed.add(no.additional_needed > 0 ? 1.0 : 0.0, cluster);
  if (simulator_->scenario().uncertainty.jump_probability > 0)
    (out.jumps == 0 ? national_.additional_is_needed_without_jumps
                    : national_.additional_is_needed_with_jumps)
        .add(no.additional_needed > 0 ? 1.0 : 0.0, cluster);
  national_.additional_needed_day.add(no.additional_needed_day);
  national_.additional_needed_values.append(no.additional_needed);
  Cents between_regions = 0, from_reserve = 0;
  for (const SteeringMove& move : out.moves) {
    if (move.from >= 0 && move.to >= 0) between_regions += move.amount;
    if (move.from == national_reserve) from_reserve += move.amount;
  }
  national_.moved_between_regions.add(static_cast<double>(between_regions), cluster);
  national_.reserve_handed_out.add(static_cast<double>(from_reserve), cluster);
  national_.complementary_received.add(static_cast<double>(no.complementary_received), cluster);
  national_.complementary_is_received.add(no.complementary_received > 0 ? 1.0 : 0.0, cluster);
  national_.settlement.add({no.paid, no.unspent, no.lapsed, no.refused_past_deadline, no.review_committed,
                            no.review_realised, no.review_paid, no.review_trainees},
                           no.last_payment_day, cluster);
  if (national_.cash) national_.cash->add(out, cluster);

  // The assumptions as the spread summary reads them: the uptake level (the
  // regions' multipliers weighted by their available amounts, as their demand
  // roughly is: a plain mean let a small region's draw count as much as
  // Île-de-France's), the share of the year's profile still to come, the mean
  // drift over the months simulated, and each parameter.
  SpreadSamples& spread = national_.spread;
  const Plan& plan = simulator_->plan();
  const int first_month = plan.month_of_day[static_cast<std::size_t>(plan.first_simulated_day)];
  const int last_month = plan.last_window_month();
  double uptake = 0, available = 0;
  for (std::size_t r = 0; r < out.uptake.size(); ++r) {
    const auto weight = static_cast<double>(plan.regions[r].available);
    uptake += weight * out.uptake[r];
    available += weight;
  }
  spread.values.push_back(available > 0 ? uptake / available : 1.0);
  if (timing_varies_) {
    double to_come = 0;
    for (int m = first_month; m <= last_month; ++m)
      to_come += out.profile[static_cast<std::size_t>(
          plan.calendar_month_of_day[static_cast<std::size_t>(days_between(
              simulator_->scenario().convention.commitment_start, simulator_->month_start(m)))])];
    spread.values.push_back(to_come);
  }
  if (!out.drift.empty()) {
    double drift = 0;
    for (int m = first_month; m <= last_month; ++m) drift += out.drift[static_cast<std::size_t>(m)];
    spread.values.push_back(drift / (last_month - first_month + 1));
  }
  if (learnt_costs_vary_) {
    // The factors weighed by each pathway's share of the money expected.
    const ForecastStart& start = *simulator_->scenario().forecast_start;
    double factor = 0;
    for (std::size_t p = 0; p < out.cost_factors.size(); ++p)
      factor += start.cost_weight[p] * out.cost_factors[p];
    spread.values.push_back(factor);
  }
  spread.values.insert(spread.values.end(), out.parameter_values.begin(), out.parameter_values.end());
  spread.demand_eur.push_back(static_cast<double>(no.demand) / cents_per_euro);
  spread.dossier_variance_eur2.add(out.dossier_variance_eur2);  // its mean only is read
}

double RunStatistics::p_exhausted_by_month_end(int region, int month) const {
  if (replications_ == 0) return 0.0;
  const Date next_month = simulator_->month_start(month + 1);
  const std::int32_t last_day =
      days_between(simulator_->scenario().convention.commitment_start, next_month) - 1;
  return static_cast<double>(
             regions_[static_cast<std::size_t>(region)].exhaustion_day.at_or_before(last_day)) /
         static_cast<double>(replications_);
}

bool RunStatistics::precision_reached(double target, std::vector<std::string>* not_reached) const {
  if (replications_ < 2) return false;
  // Years that all share one prior draw have no standard error to speak of (0 is not a precision).
  if (const auto clusters = standard_error_clusters(); clusters && *clusters < 2) {
    if (not_reached) not_reached->push_back("every replication shares one prior draw: no standard error yet");
    return false;
  }
  const Convention& conv = simulator_->scenario().convention;
  bool reached = true;
  // A probability's standard error against the target itself; an amount's
  // (in cents) against the target's share of `available` (cents), said in
  // euros and as that share.
  auto check = [&](const std::string& what, double standard_error, std::optional<double> available) {
    const double allowed = target * available.value_or(1.0);
    if (standard_error <= allowed) return;
    reached = false;
    if (!not_reached) return;
    char line[320];
    if (available && *available > 0)
      std::snprintf(line, sizeof line,
                    "%s: standard error %.0f EUR, %.3g %% of the amount available (target %.3g %%, %.0f EUR)",
                    what.c_str(), standard_error / cents_per_euro, 100 * standard_error / *available,
                    100 * target, allowed / cents_per_euro);
    else if (available)  // nothing available: the target is none, said in euros alone
      std::snprintf(line, sizeof line, "%s: standard error %.0f EUR, target 0 EUR (nothing available)",
                    what.c_str(), standard_error / cents_per_euro);
    else
      std::snprintf(line, sizeof line, "%s: standard error %.4g, target %.4g", what.c_str(), standard_error,
                    target);
    not_reached->push_back(line);
  };
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    const RegionStatistics& rs = regions_[r];
    const std::string& code = conv.regions[r].code;
    const double available = static_cast<double>(conv.available(r));
    check(code + " P(exhausted)", rs.exhausted.standard_error(), std::nullopt);
    check(code + " expected committed", rs.committed.standard_error(), available);
    check(code + " expected unmet", rs.unmet.standard_error(), available);
  }
  const double pool = static_cast<double>(conv.total_available());
  check("national P(additional needed)", national_.additional_is_needed.standard_error(), std::nullopt);
  check("national additional needed", national_.additional_needed.standard_error(), pool);
  return reached;
}

}  // namespace fnesim
