#include "sim/simulator.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <queue>

#include "sim/boost_random.hpp"
#include "sim/ledger.hpp"
#include "sim/rng.hpp"

namespace fnesim {

namespace {

// A day range drawn uniformly; no draw at all when it is a single day.
template <typename Rng>
int draw_days(const DayRange& range, Rng& engine) {
  if (range.min == range.max) return range.min;
  return boost::random::uniform_int_distribution<int>(range.min, range.max)(engine);
}

// Gamma(shape 1/cv², scale cv²) — mean 1, the given CV — at the normal score z,
// through the complement in the upper tail to keep precision there.
double gamma_at_normal_score(double cv, double z) {
  const double shape = 1.0 / (cv * cv);
  const boost::math::normal standard;
  if (z <= 0) return boost::math::gamma_p_inv(shape, boost::math::cdf(standard, z)) / shape;
  return boost::math::gamma_q_inv(shape, boost::math::cdf(standard, -z)) / shape;
}

struct PendingRelease {
  std::int32_t day;
  Cents amount;
  friend bool operator>(const PendingRelease& a, const PendingRelease& b) { return a.day > b.day; }
};

}  // namespace

struct Workspace {
  Engine engine;
  std::vector<double> uptake;                // per region, national factor included
  std::vector<double> spacings;              // exponential spacings → ordered arrival times
  std::vector<std::int32_t> arrival_days;    // sorted filing days of the region
  std::vector<Cents> region_demand_delta;    // per window day: filed − recommittable releases
  std::vector<Cents> national_demand_delta;  // the same, summed over regions
  std::vector<PendingRelease> release_heap;  // min-heap on day
  Engine lifecycle_engine;
  double floor_checksum = 0;
  // Where each stream stood when the replication was done with it: equal
  // digests mean two code paths drew the same number of variates.
  std::uint64_t stream_digest = 0;
  void note_stream_end(Engine& e) { stream_digest = splitmix64(stream_digest ^ e()); }
};

struct Simulator::Epoch {
  std::int32_t first_day;
  // Per attribute cell: the rate (basis points), its cap, and whether any rule applies.
  std::array<Rate, mix_cell_count> rate;
  std::array<Cents, mix_cell_count> cap;
  std::array<bool, mix_cell_count> eligible;
};

struct Simulator::RegionPlan {
  Cents available = 0;
  Cents ceiling = 0;                  // available, or available × (1 + margin) when overcommitting
  double expected_arrivals = 0;       // training dossiers + diagnostics, before uptake
  double diagnostic_probability = 0;  // share of arrivals that are diagnostics
  double carryover_expected = 0;
  std::vector<double> cumulative_intensity;  // per window day, normalised to end at 1
  boost::random::discrete_distribution<int, double> cell;
};

Simulator::Simulator(const Scenario& scenario) : scenario_(scenario) {
  const Convention& conv = scenario_.convention;
  const DemandModel& demand = scenario_.demand;
  const int regions = region_count();
  window_days_ = conv.commitment_days();
  const Date horizon_end = conv.training_end.plus_days(demand.invoicing_lag_days.max);
  horizon_days_ = days_between(conv.commitment_start, horizon_end) + 1;
  month_count_ = month_index(conv.commitment_start, horizon_end) + 1;
  month_of_day_.resize(static_cast<std::size_t>(horizon_days_));
  for (int d = 0; d < horizon_days_; ++d)
    month_of_day_[static_cast<std::size_t>(d)] =
        month_index(conv.commitment_start, conv.commitment_start.plus_days(d));

  // Coverage epochs: the rules can only change on a valid_from or the day after a valid_until.
  std::vector<std::int32_t> boundaries = {0};
  for (const CoverageRule& rule : scenario_.coverage.rules) {
    if (rule.valid_from) boundaries.push_back(days_between(conv.commitment_start, *rule.valid_from));
    if (rule.valid_until) boundaries.push_back(days_between(conv.commitment_start, *rule.valid_until) + 1);
  }
  std::sort(boundaries.begin(), boundaries.end());
  boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
  for (std::int32_t first_day : boundaries) {
    if (first_day < 0 || first_day >= window_days_) continue;
    Epoch epoch{};
    epoch.first_day = first_day;
    const Date date = conv.commitment_start.plus_days(first_day);
    for (int s = 0; s < size_class_count; ++s)
      for (int st = 0; st < status_count; ++st)
        for (int p = 0; p < pathway_count; ++p) {
          const int cell =
              mix_cell(static_cast<SizeClass>(s), static_cast<Status>(st), static_cast<Pathway>(p));
          const CoverageRule* rule =
              find_rule_or_null(scenario_.coverage, Regime::Convention, static_cast<Status>(st),
                                demand.representative_headcount[s], date);
          epoch.eligible[cell] = rule != nullptr;
          epoch.rate[cell] = rule ? rule->rate : Rate{};
          epoch.cap[cell] = rule && rule->cap_per_dossier ? *rule->cap_per_dossier : -1;
        }
    epochs_.push_back(epoch);
  }

  const double diagnostics_total = demand.diagnostics_expected_dossiers;
  const double available_total = static_cast<double>(conv.total_available());
  for (int r = 0; r < regions; ++r) {
    const RegionalDemand& rd = demand.regions[static_cast<std::size_t>(r)];
    RegionPlan plan;
    plan.available = conv.available(static_cast<std::size_t>(r));
    plan.ceiling = demand.exhaustion_policy == ExhaustionPolicy::Overcommit
                       ? plan.available + round_to_cents(plan.available / 100.0 * demand.overcommit_margin)
                       : plan.available;
    const double share = available_total > 0 ? plan.available / available_total : 0.0;
    const double diagnostics = diagnostics_total * share;
    plan.expected_arrivals = rd.expected_dossiers + diagnostics;
    plan.diagnostic_probability = plan.expected_arrivals > 0 ? diagnostics / plan.expected_arrivals : 0.0;
    plan.carryover_expected = demand.carryover_expected_dossiers * share;

    // Filing intensity per day: the month's weight spread over its days, none
    // once intake has closed, normalised over the open days.
    const int open_days = window_days_ - demand.intake_closes_days_before_end;
    plan.cumulative_intensity.assign(static_cast<std::size_t>(window_days_) + 1, 0.0);
    for (int d = 0; d < window_days_; ++d) {
      const Date date = conv.commitment_start.plus_days(d);
      const double weight = d < open_days ? rd.monthly_profile[static_cast<std::size_t>(date.month() - 1)] /
                                                days_in_month(date.year(), date.month())
                                          : 0.0;
      plan.cumulative_intensity[static_cast<std::size_t>(d) + 1] =
          plan.cumulative_intensity[static_cast<std::size_t>(d)] + weight;
    }
    const double total = plan.cumulative_intensity.back();
    for (double& c : plan.cumulative_intensity) c = total > 0 ? c / total : 0.0;
    plan.cell = boost::random::discrete_distribution<int, double>(rd.mix.begin(), rd.mix.end());
    plans_.push_back(std::move(plan));
  }

  const TraineeCount& tc = demand.trainees;
  trainee_extra_ = boost::random::poisson_distribution<int, double>(tc.mean > 1 ? tc.mean - 1 : 1.0);
  trainee_category_ = boost::random::discrete_distribution<int, double>(
      tc.weights.empty() ? std::vector<double>{1.0} : tc.weights);
  for (int p = 0; p < pathway_count; ++p) {
    const TraineeCost& cost = demand.cost_per_trainee[static_cast<std::size_t>(p)];
    const double sigma = cost.kind == TraineeCost::Kind::LogNormal ? cost.sigma : 0.0;
    trainee_cost_[static_cast<std::size_t>(p)] =
        boost::random::lognormal_distribution<double>(std::log(cost.mean_eur) - sigma * sigma / 2, sigma);
  }

  // Gaussian copula loading: L = V √Λ handles semidefinite matrices too.
  const Eigen::MatrixXd& corr = demand.regional_correlation;
  if (corr.rows() == regions && corr.cols() == regions) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(corr);
    uptake_loading_ = solver.eigenvectors() * solver.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
  } else {
    uptake_loading_ = Eigen::MatrixXd::Identity(regions, regions);
  }
}

Simulator::~Simulator() = default;

Date Simulator::month_start(int month) const {
  const Date start = scenario_.convention.commitment_start;
  const int months = start.year() * 12 + (start.month() - 1) + month;
  return Date::from_ymd(months / 12, months % 12 + 1, 1);
}

std::unique_ptr<Workspace, void (*)(Workspace*)> Simulator::make_workspace() const {
  auto* ws = new Workspace();
  ws->uptake.resize(static_cast<std::size_t>(region_count()));
  ws->region_demand_delta.resize(static_cast<std::size_t>(window_days_));
  ws->national_demand_delta.resize(static_cast<std::size_t>(window_days_));
  return {ws, [](Workspace* p) { delete p; }};
}

ReplicationOutcome::ReplicationOutcome(int regions_, int months_)
    : region_count(regions_),
      month_count(months_),
      regions(static_cast<std::size_t>(regions_)),
      monthly_commitments(static_cast<std::size_t>(regions_ * months_)),
      monthly_payments(static_cast<std::size_t>(regions_ * months_)),
      committed_by_cell(static_cast<std::size_t>(regions_ * mix_cell_count)),
      trainees_by_cell(static_cast<std::size_t>(regions_ * mix_cell_count)) {}

void ReplicationOutcome::clear() {
  std::fill(regions.begin(), regions.end(), RegionOutcome{});
  national = NationalOutcome{};
  std::fill(monthly_commitments.begin(), monthly_commitments.end(), 0);
  std::fill(monthly_payments.begin(), monthly_payments.end(), 0);
  std::fill(committed_by_cell.begin(), committed_by_cell.end(), 0);
  std::fill(trainees_by_cell.begin(), trainees_by_cell.end(), 0);
}

void Simulator::draw_uptake(std::uint64_t seed, std::int64_t replication, Workspace& ws) const {
  const DemandModel& demand = scenario_.demand;
  const int regions = region_count();
  reseed(ws.engine, seed, static_cast<std::uint64_t>(replication), StreamPurpose::Uptake, national_stream);
  double national = 1.0;
  if (demand.national_uptake_cv > 0) {
    const double shape = 1.0 / (demand.national_uptake_cv * demand.national_uptake_cv);
    national = boost::random::gamma_distribution<double>(shape, 1.0 / shape)(ws.engine);
  }
  if (demand.regional_uptake_cv > 0) {
    Eigen::VectorXd normal_scores(regions);
    boost::random::normal_distribution<double> standard_normal;
    for (int r = 0; r < regions; ++r) normal_scores[r] = standard_normal(ws.engine);
    const Eigen::VectorXd correlated = uptake_loading_ * normal_scores;
    for (int r = 0; r < regions; ++r)
      ws.uptake[static_cast<std::size_t>(r)] =
          national * gamma_at_normal_score(demand.regional_uptake_cv, correlated[r]);
  } else {
    std::fill(ws.uptake.begin(), ws.uptake.end(), national);
  }
}

double Simulator::draw_variates_only(std::uint64_t seed, std::int64_t replication, Workspace& ws) const {
  ws.floor_checksum = 0;
  ws.stream_digest = 0;
  draw_uptake(seed, replication, ws);
  for (int r = 0; r < region_count(); ++r)
    simulate_region<false>(r, ws.uptake[static_cast<std::size_t>(r)], seed, replication, ws, nullptr);
  return ws.floor_checksum;
}

std::uint64_t Simulator::stream_digest(const Workspace& ws) { return ws.stream_digest; }

std::vector<double> Simulator::uptake_factors(std::uint64_t seed, std::int64_t replication) const {
  auto ws = make_workspace();
  draw_uptake(seed, replication, *ws);
  return ws->uptake;
}

void Simulator::simulate(std::uint64_t seed, std::int64_t replication, Workspace& ws,
                         ReplicationOutcome& out) const {
  out.clear();
  ws.stream_digest = 0;
  draw_uptake(seed, replication, ws);
  std::fill(ws.national_demand_delta.begin(), ws.national_demand_delta.end(), 0);
  for (int r = 0; r < region_count(); ++r)
    simulate_region<true>(r, ws.uptake[static_cast<std::size_t>(r)], seed, replication, ws, &out);

  NationalOutcome& nat = out.national;
  for (const RegionOutcome& ro : out.regions) {
    nat.committed += ro.committed;
    nat.released += ro.released;
    nat.paid += ro.paid;
    nat.unmet += ro.unmet;
    nat.demand += ro.demand;
  }
  const Cents pool = scenario_.convention.total_available();
  Cents cumulative = 0, peak = 0;
  for (int d = 0; d < window_days_; ++d) {
    cumulative += ws.national_demand_delta[static_cast<std::size_t>(d)];
    peak = std::max(peak, cumulative);
    if (cumulative > pool && nat.additional_needed_day == never_exhausted) nat.additional_needed_day = d;
  }
  nat.additional_needed = std::max<Cents>(0, peak - pool);
}

// With kBookkeeping false this draws exactly the same variates from the same
// engines and does nothing else: the random-number floor the benchmark
// compares the full replication against (docs/performance.md).
template <bool kBookkeeping>
void Simulator::simulate_region(int r, double uptake, std::uint64_t seed, std::int64_t replication,
                                Workspace& ws, ReplicationOutcome* out) const {
  const DemandModel& demand = scenario_.demand;
  const RegionPlan& plan = plans_[static_cast<std::size_t>(r)];
  RegionOutcome unused;
  RegionOutcome& ro = kBookkeeping ? out->regions[static_cast<std::size_t>(r)] : unused;
  Cents* monthly_commit =
      kBookkeeping ? &out->monthly_commitments[static_cast<std::size_t>(r * month_count_)] : nullptr;
  Cents* monthly_pay =
      kBookkeeping ? &out->monthly_payments[static_cast<std::size_t>(r * month_count_)] : nullptr;
  Cents* cell_cents =
      kBookkeeping ? &out->committed_by_cell[static_cast<std::size_t>(r * mix_cell_count)] : nullptr;
  std::int64_t* cell_trainees =
      kBookkeeping ? &out->trainees_by_cell[static_cast<std::size_t>(r * mix_cell_count)] : nullptr;
  const auto rep = static_cast<std::uint64_t>(replication);
  const auto region_id = static_cast<std::uint32_t>(r);
  const std::int32_t last_commitment_day = window_days_ - 1;
  if constexpr (kBookkeeping) {
    std::fill(ws.region_demand_delta.begin(), ws.region_demand_delta.end(), 0);
    ws.release_heap.clear();
  }

  RegionLedger ledger(plan.ceiling);
  Cents released_after_deadline = 0;  // comes back too late to be committed again
  bool stopped = false;               // the stop policy refuses everything after the first refusal
  auto apply_releases_until = [&](std::int32_t day) {
    while (!ws.release_heap.empty() && ws.release_heap.front().day <= day) {
      std::pop_heap(ws.release_heap.begin(), ws.release_heap.end(), std::greater<>{});
      ledger.release(ws.release_heap.back().amount);
      ws.release_heap.pop_back();
    }
  };
  // Commits `amount` filed on `day` if it fits; records the refusal otherwise.
  auto try_commit = [&](std::int32_t day, Cents amount) {
    if (!stopped && ledger.try_commit(amount)) {
      monthly_commit[month_of_day_[static_cast<std::size_t>(day)]] += amount;
      return true;
    }
    if (ro.exhaustion_day == never_exhausted) ro.exhaustion_day = day;
    if (demand.exhaustion_policy == ExhaustionPolicy::Stop) stopped = true;
    ro.unmet += amount;
    return false;
  };
  auto schedule_release_and_payment = [&](std::int32_t end_day, Cents released, Cents realised,
                                          int invoicing_lag) {
    if (released > 0) {
      if (end_day <= last_commitment_day) {
        ws.release_heap.push_back({end_day, released});
        std::push_heap(ws.release_heap.begin(), ws.release_heap.end(), std::greater<>{});
      } else {
        released_after_deadline += released;
      }
    }
    ledger.pay(realised);
    monthly_pay[month_of_day_[static_cast<std::size_t>(end_day + invoicing_lag)]] += realised;
  };

  // Carry-over of 2020 (art. 7): committed on the first day, realised in full.
  Engine& engine = ws.engine;
  if (plan.carryover_expected > 0) {
    reseed(engine, seed, rep, StreamPurpose::CarryOver, region_id);
    const int count = boost::random::poisson_distribution<int, double>(plan.carryover_expected)(engine);
    const double sigma = demand.carryover_sigma;
    boost::random::lognormal_distribution<double> share(
        std::log(demand.carryover_mean_fne_eur) - sigma * sigma / 2, sigma);
    for (int i = 0; i < count; ++i) {
      const double share_eur = sigma > 0 ? share(engine) : demand.carryover_mean_fne_eur;
      const int lag = draw_days(demand.invoicing_lag_days, engine);
      if constexpr (!kBookkeeping) {
        ws.floor_checksum += share_eur + lag;
        continue;
      }
      const Cents amount = round_to_cents(share_eur);
      ro.demand += amount;
      ws.region_demand_delta[0] += amount;
      if (try_commit(0, amount)) {
        ro.carryover_committed += amount;
        ++ro.dossiers_committed;
        schedule_release_and_payment(0, 0, amount, lag);
      } else {
        ++ro.dossiers_unmet;
      }
    }
  }

  if (plan.carryover_expected > 0) ws.note_stream_end(engine);

  // Arrivals: a Poisson count, then ordered filing times from exponential
  // spacings (U_(i) = S_i / S_(n+1)) mapped through the cumulative intensity —
  // already in order, no sort.
  reseed(engine, seed, rep, StreamPurpose::Arrivals, region_id);
  const double mean_arrivals = plan.expected_arrivals * uptake;
  const int arrivals =
      mean_arrivals > 0 ? boost::random::poisson_distribution<int, double>(mean_arrivals)(engine) : 0;
  ws.spacings.resize(static_cast<std::size_t>(arrivals) + 1);
  ws.arrival_days.resize(static_cast<std::size_t>(arrivals));
  {
    boost::random::exponential_distribution<double> spacing;
    double sum = 0;
    for (double& s : ws.spacings) {
      sum += spacing(engine);
      s = sum;
    }
    if constexpr (!kBookkeeping) ws.floor_checksum += sum;
    const double total = sum;
    const std::vector<double>& cumulative = plan.cumulative_intensity;
    std::size_t day = 0;
    for (int i = 0; i < arrivals && kBookkeeping; ++i) {
      const double u = ws.spacings[static_cast<std::size_t>(i)] / total;
      while (cumulative[day + 1] <= u) ++day;
      ws.arrival_days[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(day);
    }
  }

  ws.note_stream_end(engine);

  // Attributes and life cycle, dossier by dossier, on their own streams; every
  // dossier draws the same numbers whether or not it is committed.
  reseed(engine, seed, rep, StreamPurpose::Attributes, region_id);
  reseed(ws.lifecycle_engine, seed, rep, StreamPurpose::LifeCycle, region_id);
  Engine& life = ws.lifecycle_engine;
  const TraineeCount& tc = demand.trainees;
  auto trainee_cost = trainee_cost_;  // Boost's lognormal samples through a non-const call: a local copy
  boost::random::bernoulli_distribution<double> is_diagnostic(plan.diagnostic_probability);
  boost::random::bernoulli_distribution<double> is_cancelled(demand.cancellation_probability);
  const bool random_dropout = demand.dropout_sd > 0;
  double beta_a = 1, beta_b = 1;
  if (random_dropout) {
    // Beta from its mean m and sd s: a + b = m(1 − m)/s² − 1.
    const double m = demand.dropout_mean, s = demand.dropout_sd;
    const double concentration = m * (1 - m) / (s * s) - 1;
    beta_a = m * concentration;
    beta_b = (1 - m) * concentration;
  }
  boost::random::beta_distribution<double> dropout_share(beta_a, beta_b);
  const Date training_end = scenario_.convention.training_end;
  const std::int32_t last_training_day = days_between(scenario_.convention.commitment_start, training_end);
  const bool ancillary_eligible = scenario_.coverage.ancillary_eligible;
  const Cents diagnostic_day_rate = scenario_.coverage.diagnostic_day_rate;

  std::size_t epoch = 0;
  for (int i = 0; i < arrivals; ++i) {
    const std::int32_t day = kBookkeeping ? ws.arrival_days[static_cast<std::size_t>(i)] : 0;
    if constexpr (kBookkeeping) {
      apply_releases_until(day);
      while (epoch + 1 < epochs_.size() && epochs_[epoch + 1].first_day <= day) ++epoch;
    }

    // Attributes.
    const bool diagnostic = plan.diagnostic_probability > 0 && is_diagnostic(engine);
    int cell = 0, trainees = 0, diagnostic_days = 0;
    double cost_eur = 0;
    Pathway pathway = Pathway::Anticipation;
    if (diagnostic) {
      diagnostic_days = draw_days(demand.diagnostic_days, engine);
    } else {
      cell = plan.cell(engine);
      pathway = static_cast<Pathway>(cell % pathway_count);
      switch (tc.kind) {
        case TraineeCount::Kind::ShiftedPoisson:
          trainees = 1 + (tc.mean > 1 ? trainee_extra_(engine) : 0);
          break;
        case TraineeCount::Kind::Fixed:
          trainees = tc.fixed;
          break;
        case TraineeCount::Kind::Categorical:
          trainees = tc.values[static_cast<std::size_t>(trainee_category_(engine))];
          break;
      }
      const TraineeCost& cost = demand.cost_per_trainee[static_cast<std::size_t>(pathway)];
      if (cost.kind == TraineeCost::Kind::LogNormal) {
        auto& per_trainee = trainee_cost[static_cast<std::size_t>(pathway)];
        for (int k = 0; k < trainees; ++k) cost_eur += per_trainee(engine);
      } else {
        cost_eur = cost.mean_eur * trainees;
      }
    }

    // Life cycle.
    const int start_lag =
        diagnostic ? 0 : draw_days(demand.start_lag_days[static_cast<std::size_t>(pathway)], life);
    const int duration =
        diagnostic ? 0 : draw_days(demand.duration_days[static_cast<std::size_t>(pathway)], life);
    const bool cancelled = demand.cancellation_probability > 0 && is_cancelled(life);
    const double dropout = random_dropout ? dropout_share(life) : demand.dropout_mean;
    const int invoicing_lag = draw_days(demand.invoicing_lag_days, life);

    if constexpr (!kBookkeeping) {
      ws.floor_checksum +=
          cost_eur + dropout + start_lag + duration + invoicing_lag + cancelled + diagnostic_days;
      continue;
    }

    // The envelope's share: the rule's rate on the eligible components (art. 2, 6), or the diagnostic's flat
    // rate (art. 3).
    Cents amount = 0;
    if (diagnostic) {
      amount = diagnostic_day_rate * diagnostic_days;
    } else {
      const Epoch& rules = epochs_[epoch];
      if (!rules.eligible[static_cast<std::size_t>(cell)]) {
        ++ro.dossiers_ineligible;
        continue;
      }
      const Cents total_cost = round_to_cents(cost_eur);
      // Components of the cost; the remuneration part never reaches the envelope.
      const Cents pedagogical =
          demand.remuneration_share == 0 && demand.ancillary_share == 0
              ? total_cost
              : round_half_away(static_cast<double>(total_cost) * demand.pedagogical_share);
      const Cents ancillary =
          demand.remuneration_share == 0
              ? total_cost - pedagogical
              : std::min(total_cost - pedagogical,
                         round_half_away(static_cast<double>(total_cost) * demand.ancillary_share));
      amount = apply_rate(pedagogical + (ancillary_eligible ? ancillary : 0),
                          rules.rate[static_cast<std::size_t>(cell)]);
      const Cents cap = rules.cap[static_cast<std::size_t>(cell)];
      if (cap >= 0) amount = std::min(amount, cap);
    }
    const std::int32_t start = std::min(day + start_lag, last_training_day);
    const std::int32_t end_day = std::min(start + duration, last_training_day);
    const Cents realised =
        diagnostic ? amount
                   : (cancelled ? 0 : amount - round_half_away(static_cast<double>(amount) * dropout));
    const Cents released = amount - realised;

    ro.demand += amount;
    ws.region_demand_delta[static_cast<std::size_t>(day)] += amount;
    if (released > 0 && end_day <= last_commitment_day)
      ws.region_demand_delta[static_cast<std::size_t>(end_day)] -= released;

    if (try_commit(day, amount)) {
      ++ro.dossiers_committed;
      ro.trainees_committed += trainees;
      if (diagnostic) {
        ro.diagnostics_committed += amount;
      } else {
        cell_cents[cell] += amount;
        cell_trainees[cell] += trainees;
      }
      schedule_release_and_payment(end_day, released, realised, invoicing_lag);
    } else {
      ++ro.dossiers_unmet;
      ro.trainees_unmet += trainees;
    }
  }
  ws.note_stream_end(engine);
  ws.note_stream_end(life);
  if constexpr (!kBookkeeping) return;

  apply_releases_until(last_commitment_day);
  ledger.release(released_after_deadline);
  ro.committed = ledger.committed();
  ro.released = ledger.released();
  ro.paid = ledger.paid();

  Cents cumulative = 0;
  for (int d = 0; d < window_days_; ++d) {
    const Cents delta = ws.region_demand_delta[static_cast<std::size_t>(d)];
    cumulative += delta;
    ro.peak_net_demand = std::max(ro.peak_net_demand, cumulative);
    ws.national_demand_delta[static_cast<std::size_t>(d)] += delta;
  }
}

}  // namespace fnesim
