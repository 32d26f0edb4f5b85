#include "sim/simulator.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <numeric>

#include "sim/boost_random.hpp"
#include "sim/ledger.hpp"
#include "sim/rng.hpp"
#include "models/steering_decisions.hpp"

namespace fnesim {

namespace {

// A day range drawn uniformly; no draw at all when it is a single day.
template <typename Rng>
int draw_days(const DayRange& range, Rng& engine) {
  if (range.min == range.max) return range.min;
  return boost::random::uniform_int_distribution<int>(range.min, range.max)(engine);
}

// The Gamma(shape, scale 1) quantile at the normal score z, through the
// complement in the upper tail to keep precision there.
double gamma_at_normal_score(double shape, double z) {
  const boost::math::normal standard;
  if (z <= 0) return boost::math::gamma_p_inv(shape, boost::math::cdf(standard, z));
  return boost::math::gamma_q_inv(shape, boost::math::cdf(standard, -z));
}

struct PendingRelease {
  std::int32_t day;
  Cents amount;
  friend bool operator>(const PendingRelease& a, const PendingRelease& b) { return a.day > b.day; }
};

// Observed dossiers are committed whatever the envelope; their carry-over and
// diagnostics are counted as such, like simulated ones.
enum class DossierKind : std::uint8_t {
  Training,
  Diagnostic,
  CarryOver,
  Observed,
  ObservedDiagnostic,
  ObservedCarryOver,
  Ineligible
};

bool is_observed(DossierKind kind) {
  return kind == DossierKind::Observed || kind == DossierKind::ObservedDiagnostic ||
         kind == DossierKind::ObservedCarryOver;
}
bool is_carryover(DossierKind kind) {
  return kind == DossierKind::CarryOver || kind == DossierKind::ObservedCarryOver;
}
bool is_diagnostic(DossierKind kind) {
  return kind == DossierKind::Diagnostic || kind == DossierKind::ObservedDiagnostic;
}

// A dossier drawn in the first pass, waiting for the ledger.
struct StagedDossier {
  std::int32_t day;  // filing day
  std::int32_t end_day;
  std::int32_t payment_month;
  std::int32_t cell;  // mix cell of a training dossier, else -1
  std::int64_t trainees;
  std::int64_t count;  // dossiers it stands for (observed lumps)
  Cents amount;
  Cents realised;
  DossierKind kind;
  bool committed;
};

// One region's ledger while the replication advances from meeting to meeting.
struct RegionBook {
  RegionLedger ledger{0};
  Cents available = 0;                   // the envelope's available amount after the committee's moves
  std::vector<PendingRelease> releases;  // min-heap on day
  std::size_t next = 0;                  // first staged dossier not yet filed
  bool stopped = false;                  // the stop policy refuses everything after the first refusal
  Cents released_after_deadline = 0;     // comes back too late to be committed again
  Cents carryover = 0;                   // carry-over filed
  Cents filed = 0;                       // everything else filed so far (eligible), committed or not
};

}  // namespace

struct Workspace {
  Engine engine;
  std::vector<double> uptake;                      // per region, national factor included
  std::vector<double> spacings;                    // exponential spacings → ordered arrival times
  std::vector<std::int32_t> arrival_days;          // sorted filing days of the region
  std::vector<Cents> region_demand_delta;          // per window day: filed − recommittable releases
  std::vector<Cents> national_demand_delta;        // the same, summed over regions
  std::vector<std::vector<StagedDossier>> staged;  // per region, in filing order
  std::vector<RegionBook> books;                   // per region
  std::vector<RegionPosition> positions;           // per region, at a meeting
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
  std::vector<std::size_t> observed;  // the region's dossiers in forecast_start, in filing order
  // Observed lumps (monthly aggregates) take the mean life cycle of the
  // region's mix: training end after this many days, this share realised.
  int lump_days_to_end = 0;
  double lump_realised_share = 1;
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
    plan.ceiling = ceiling_for(plan.available);
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

    double mean_days_to_end = 0;
    for (int cell = 0; cell < mix_cell_count; ++cell) {
      const auto p = static_cast<std::size_t>(cell % pathway_count);
      const DayRange& lag = demand.start_lag_days[p];
      const DayRange& duration = demand.duration_days[p];
      mean_days_to_end +=
          rd.mix[static_cast<std::size_t>(cell)] * (lag.min + lag.max + duration.min + duration.max) / 2.0;
    }
    plan.lump_days_to_end = static_cast<int>(std::lround(mean_days_to_end));
    plan.lump_realised_share = (1 - demand.cancellation_probability) * (1 - demand.dropout_mean);
    plans_.push_back(std::move(plan));
  }

  if (const auto& start = scenario_.forecast_start) {
    first_simulated_day_ = std::clamp(days_between(conv.commitment_start, start->as_of), 0, window_days_);
    std::vector<std::size_t> order(start->dossiers.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return start->dossiers[a].filing_day < start->dossiers[b].filing_day;
    });
    for (std::size_t i : order)
      plans_.at(static_cast<std::size_t>(start->dossiers[i].region)).observed.push_back(i);
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

Cents Simulator::ceiling_for(Cents available) const {
  const DemandModel& demand = scenario_.demand;
  return overcommit_ceiling(
      available, demand.exhaustion_policy == ExhaustionPolicy::Overcommit ? demand.overcommit_margin : 0.0);
}

Date Simulator::month_start(int month) const {
  const Date start = scenario_.convention.commitment_start;
  const int months = start.year() * 12 + (start.month() - 1) + month;
  return Date::from_ymd(months / 12, months % 12 + 1, 1);
}

std::unique_ptr<Workspace, void (*)(Workspace*)> Simulator::make_workspace() const {
  auto* ws = new Workspace();
  const auto regions = static_cast<std::size_t>(region_count());
  ws->uptake.resize(regions);
  ws->region_demand_delta.resize(static_cast<std::size_t>(window_days_));
  ws->national_demand_delta.resize(static_cast<std::size_t>(window_days_));
  ws->staged.resize(regions);
  ws->books.resize(regions);
  ws->positions.resize(regions);
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
  moves.clear();
}

void Simulator::draw_uptake(std::uint64_t seed, std::int64_t replication, Workspace& ws) const {
  const DemandModel& demand = scenario_.demand;
  const int regions = region_count();
  reseed(ws.engine, seed, static_cast<std::uint64_t>(replication), StreamPurpose::Uptake, national_stream);
  auto correlated_scores = [&] {
    Eigen::VectorXd normal_scores(regions);
    boost::random::normal_distribution<double> standard_normal;
    for (int r = 0; r < regions; ++r) normal_scores[r] = standard_normal(ws.engine);
    return Eigen::VectorXd(uptake_loading_ * normal_scores);
  };
  // From actuals: each region's posterior Gamma, still tied to the others by the copula.
  if (const auto& start = scenario_.forecast_start) {
    const Eigen::VectorXd z = correlated_scores();
    for (int r = 0; r < regions; ++r) {
      const auto i = static_cast<std::size_t>(r);
      ws.uptake[i] = gamma_at_normal_score(start->uptake_shape[i], z[r]) / start->uptake_rate[i];
    }
    return;
  }
  double national = 1.0;
  if (demand.national_uptake_cv > 0) {
    const double shape = 1.0 / (demand.national_uptake_cv * demand.national_uptake_cv);
    national = boost::random::gamma_distribution<double>(shape, 1.0 / shape)(ws.engine);
  }
  if (demand.regional_uptake_cv > 0) {
    // Gamma with mean 1 and the regional CV: shape 1/cv², scale cv².
    const double shape = 1.0 / (demand.regional_uptake_cv * demand.regional_uptake_cv);
    const Eigen::VectorXd z = correlated_scores();
    for (int r = 0; r < regions; ++r)
      ws.uptake[static_cast<std::size_t>(r)] = national * gamma_at_normal_score(shape, z[r]) / shape;
  } else {
    std::fill(ws.uptake.begin(), ws.uptake.end(), national);
  }
}

double Simulator::draw_variates_only(std::uint64_t seed, std::int64_t replication, Workspace& ws) const {
  ws.floor_checksum = 0;
  ws.stream_digest = 0;
  draw_uptake(seed, replication, ws);
  for (int r = 0; r < region_count(); ++r)
    draw_region<false>(r, ws.uptake[static_cast<std::size_t>(r)], seed, replication, ws, nullptr);
  return ws.floor_checksum;
}

std::uint64_t Simulator::stream_digest(const Workspace& ws) { return ws.stream_digest; }

std::vector<double> Simulator::uptake_factors(std::uint64_t seed, std::int64_t replication) const {
  auto ws = make_workspace();
  draw_uptake(seed, replication, *ws);
  return ws->uptake;
}

double Simulator::expected_arrivals_between(int region, int first_day, int end_day) const {
  const RegionPlan& plan = plans_.at(static_cast<std::size_t>(region));
  const auto clamp = [&](int d) { return static_cast<std::size_t>(std::clamp(d, 0, window_days_)); };
  if (end_day <= first_day) return 0.0;
  return plan.expected_arrivals *
         (plan.cumulative_intensity[clamp(end_day)] - plan.cumulative_intensity[clamp(first_day)]);
}

std::vector<SimulatedDossier> Simulator::dossiers(std::uint64_t seed, std::int64_t replication) const {
  auto ws = make_workspace();
  ReplicationOutcome outcome = make_outcome();
  simulate(seed, replication, *ws, outcome);
  std::vector<SimulatedDossier> all;
  for (int r = 0; r < region_count(); ++r) {
    for (const StagedDossier& d : ws->staged[static_cast<std::size_t>(r)]) {
      SimulatedDossier s;
      s.filing_day = d.day;
      s.region = r;
      s.cell = d.cell;
      s.carryover = is_carryover(d.kind);
      s.diagnostic = is_diagnostic(d.kind);
      s.observed = is_observed(d.kind);
      s.eligible = d.kind != DossierKind::Ineligible;
      s.committed = d.committed;
      s.trainees = d.trainees;
      s.amount = d.amount;
      s.realised = d.realised;
      s.end_day = d.end_day;
      all.push_back(s);
    }
  }
  return all;
}

void Simulator::simulate(std::uint64_t seed, std::int64_t replication, Workspace& ws,
                         ReplicationOutcome& out) const {
  out.clear();
  ws.stream_digest = 0;
  draw_uptake(seed, replication, ws);
  std::fill(ws.national_demand_delta.begin(), ws.national_demand_delta.end(), 0);
  open_books(ws);
  // Without a committee the regions never interact: each files its dossiers
  // as soon as they are drawn, while they are still in cache.
  for (int r = 0; r < region_count(); ++r) {
    draw_region<true>(r, ws.uptake[static_cast<std::size_t>(r)], seed, replication, ws, &out);
    if (!scenario_.steering) file_until(r, window_days_, ws, out);
  }
  if (scenario_.steering) steer(*scenario_.steering, ws, out);
  close_books(ws, out);

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

// First pass, one region: every dossier drawn on the region's streams, its
// envelope share computed and queued for the ledger, and the demand figures
// that do not depend on the envelope. With kBookkeeping false it draws exactly
// the same variates from the same engines and does nothing else: the
// random-number floor the benchmark compares the full replication against
// (docs/performance.md).
template <bool kBookkeeping>
void Simulator::draw_region(int r, double uptake, std::uint64_t seed, std::int64_t replication, Workspace& ws,
                            ReplicationOutcome* out) const {
  const DemandModel& demand = scenario_.demand;
  const RegionPlan& plan = plans_[static_cast<std::size_t>(r)];
  RegionOutcome unused;
  RegionOutcome& ro = kBookkeeping ? out->regions[static_cast<std::size_t>(r)] : unused;
  std::vector<StagedDossier>& staged = ws.staged[static_cast<std::size_t>(r)];
  const auto rep = static_cast<std::uint64_t>(replication);
  const auto region_id = static_cast<std::uint32_t>(r);
  const std::int32_t last_commitment_day = window_days_ - 1;
  const std::int32_t last_training_day =
      days_between(scenario_.convention.commitment_start, scenario_.convention.training_end);
  if constexpr (kBookkeeping) {
    std::fill(ws.region_demand_delta.begin(), ws.region_demand_delta.end(), 0);
    staged.clear();
  }
  // Queues a dossier and counts it in the demand, which ignores the envelope.
  auto stage = [&](std::int32_t day, std::int32_t end_day, int invoicing_lag, int cell, std::int64_t trainees,
                   std::int64_t count, Cents amount, Cents realised, DossierKind kind) {
    ro.demand += amount;
    ws.region_demand_delta[static_cast<std::size_t>(day)] += amount;
    const Cents released = amount - realised;
    if (released > 0 && end_day <= last_commitment_day)
      ws.region_demand_delta[static_cast<std::size_t>(end_day)] -= released;
    staged.push_back({day, end_day, month_of_day_[static_cast<std::size_t>(end_day + invoicing_lag)], cell,
                      trainees, count, amount, realised, kind, false});
  };

  Engine& engine = ws.engine;
  Engine& life = ws.lifecycle_engine;
  reseed(life, seed, rep, StreamPurpose::LifeCycle, region_id);
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

  const ForecastStart* start = scenario_.forecast_start ? &*scenario_.forecast_start : nullptr;
  if (start == nullptr && plan.carryover_expected > 0) {
    // Carry-over of 2020 (art. 7): committed on the first day, realised in full.
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
      stage(0, 0, lag, -1, 0, 1, amount, amount, DossierKind::CarryOver);
    }
    ws.note_stream_end(engine);
  }

  // From actuals: what was committed before the cut-off, with the scenario's
  // life cycle where the actuals do not say what was realised (the carry-over is among them).
  if (start != nullptr) {
    for (std::size_t index : plan.observed) {
      const ObservedDossier& o = start->dossiers[index];
      const bool training = o.kind == ObservedKind::Training && o.cell >= 0;
      const bool diagnostic = o.kind == ObservedKind::Diagnostic;
      const bool carryover = o.kind == ObservedKind::CarryOver;
      std::int32_t end_day = o.filing_day;
      Cents realised = o.committed;
      int invoicing_lag = (demand.invoicing_lag_days.min + demand.invoicing_lag_days.max) / 2;
      if (training) {
        const auto pathway = static_cast<std::size_t>(o.cell % pathway_count);
        const int start_lag = draw_days(demand.start_lag_days[pathway], life);
        const int duration = draw_days(demand.duration_days[pathway], life);
        const bool cancelled = demand.cancellation_probability > 0 && is_cancelled(life);
        const double dropout = random_dropout ? dropout_share(life) : demand.dropout_mean;
        invoicing_lag = draw_days(demand.invoicing_lag_days, life);
        if constexpr (!kBookkeeping) {
          ws.floor_checksum += start_lag + duration + cancelled + dropout + invoicing_lag;
          continue;
        }
        end_day = std::min({o.filing_day + start_lag + duration, last_training_day});
        realised = cancelled ? 0 : o.committed - round_half_away(static_cast<double>(o.committed) * dropout);
      } else if (diagnostic || carryover) {  // realised in full (docs/model.md)
        invoicing_lag = draw_days(demand.invoicing_lag_days, life);
        if constexpr (!kBookkeeping) {
          ws.floor_checksum += invoicing_lag;
          continue;
        }
      } else {
        end_day = std::min(o.filing_day + plan.lump_days_to_end, last_training_day);
        realised = round_half_away(static_cast<double>(o.committed) * plan.lump_realised_share);
      }
      if constexpr (kBookkeeping) {
        if (o.realised) realised = std::clamp<Cents>(*o.realised, 0, o.committed);
        stage(o.filing_day, end_day, invoicing_lag, o.cell, o.trainees, o.dossiers, o.committed, realised,
              carryover    ? DossierKind::ObservedCarryOver
              : diagnostic ? DossierKind::ObservedDiagnostic
                           : DossierKind::Observed);
      }
    }
  }

  // Arrivals from the first simulated day: a Poisson count, then ordered
  // filing times from exponential spacings (U_(i) = S_i / S_(n+1)) mapped
  // through the cumulative intensity — already in order, no sort.
  reseed(engine, seed, rep, StreamPurpose::Arrivals, region_id);
  const std::vector<double>& cumulative = plan.cumulative_intensity;
  const double filed_before = cumulative[static_cast<std::size_t>(first_simulated_day_)];
  const double still_to_file = 1.0 - filed_before;
  const double mean_arrivals = plan.expected_arrivals * uptake * still_to_file;
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
    const auto last_day = static_cast<std::size_t>(window_days_) - 1;
    auto day = static_cast<std::size_t>(first_simulated_day_);
    for (int i = 0; i < arrivals && kBookkeeping; ++i) {
      const double u = filed_before + ws.spacings[static_cast<std::size_t>(i)] / total * still_to_file;
      while (day < last_day && cumulative[day + 1] <= u) ++day;
      ws.arrival_days[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(day);
    }
  }
  ws.note_stream_end(engine);

  // Attributes and life cycle, dossier by dossier, on their own streams; every
  // dossier draws the same numbers whatever the envelopes and the committee do.
  reseed(engine, seed, rep, StreamPurpose::Attributes, region_id);
  const TraineeCount& tc = demand.trainees;
  auto trainee_cost = trainee_cost_;  // Boost's lognormal samples through a non-const call: a local copy
  boost::random::bernoulli_distribution<double> is_diagnostic(plan.diagnostic_probability);
  const bool ancillary_eligible = scenario_.coverage.ancillary_eligible;
  const Cents diagnostic_day_rate = scenario_.coverage.diagnostic_day_rate;

  std::size_t epoch = 0;
  for (int i = 0; i < arrivals; ++i) {
    const std::int32_t day = kBookkeeping ? ws.arrival_days[static_cast<std::size_t>(i)] : 0;
    if constexpr (kBookkeeping) {
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
        staged.push_back({day, day, 0, cell, trainees, 1, 0, 0, DossierKind::Ineligible, false});
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
    const std::int32_t training_start = std::min(day + start_lag, last_training_day);
    const std::int32_t end_day = std::min(training_start + duration, last_training_day);
    const Cents realised =
        diagnostic ? amount
                   : (cancelled ? 0 : amount - round_half_away(static_cast<double>(amount) * dropout));
    stage(day, end_day, invoicing_lag, diagnostic ? -1 : cell, trainees, 1, amount, realised,
          diagnostic ? DossierKind::Diagnostic : DossierKind::Training);
  }
  ws.note_stream_end(engine);
  ws.note_stream_end(life);
  if constexpr (!kBookkeeping) return;

  Cents cumulative_net = 0;
  for (int d = 0; d < window_days_; ++d) {
    const Cents delta = ws.region_demand_delta[static_cast<std::size_t>(d)];
    cumulative_net += delta;
    ro.peak_net_demand = std::max(ro.peak_net_demand, cumulative_net);
    ws.national_demand_delta[static_cast<std::size_t>(d)] += delta;
  }
}

void Simulator::open_books(Workspace& ws) const {
  for (int r = 0; r < region_count(); ++r) {
    RegionBook& book = ws.books[static_cast<std::size_t>(r)];
    const RegionPlan& plan = plans_[static_cast<std::size_t>(r)];
    book.ledger = RegionLedger(plan.ceiling);
    book.available = plan.available;
    book.releases.clear();
    book.next = 0;
    book.stopped = false;
    book.released_after_deadline = book.carryover = book.filed = 0;
  }
}

namespace {

void apply_releases_until(RegionBook& book, std::int32_t day) {
  while (!book.releases.empty() && book.releases.front().day <= day) {
    std::pop_heap(book.releases.begin(), book.releases.end(), std::greater<>{});
    book.ledger.release(book.releases.back().amount);
    book.releases.pop_back();
  }
}

}  // namespace

// Second pass, one region: the ledger files every queued dossier before
// `limit` in filing order, then takes the releases due by the eve of `limit`.
void Simulator::file_until(int r, std::int32_t limit, Workspace& ws, ReplicationOutcome& out) const {
  const std::int32_t last_commitment_day = window_days_ - 1;
  const bool stop_at_first_refusal = scenario_.demand.exhaustion_policy == ExhaustionPolicy::Stop;
  RegionBook& book = ws.books[static_cast<std::size_t>(r)];
  std::vector<StagedDossier>& staged = ws.staged[static_cast<std::size_t>(r)];
  RegionOutcome& ro = out.regions[static_cast<std::size_t>(r)];
  Cents* monthly_commit = &out.monthly_commitments[static_cast<std::size_t>(r * month_count_)];
  Cents* monthly_pay = &out.monthly_payments[static_cast<std::size_t>(r * month_count_)];
  while (book.next < staged.size() && staged[book.next].day < limit) {
    StagedDossier& d = staged[book.next++];
    if (d.kind == DossierKind::Ineligible) continue;
    apply_releases_until(book, d.day);
    (is_carryover(d.kind) ? book.carryover : book.filed) += d.amount;
    // What was observed was committed, whatever the scenario's envelope says.
    d.committed = is_observed(d.kind) ? (book.ledger.commit_observed(d.amount), true)
                                      : !book.stopped && book.ledger.try_commit(d.amount);
    if (!d.committed) {
      if (ro.exhaustion_day == never_exhausted) ro.exhaustion_day = d.day;
      if (stop_at_first_refusal) book.stopped = true;
      ro.unmet += d.amount;
      ro.dossiers_unmet += d.count;
      ro.trainees_unmet += d.trainees;
      continue;
    }
    monthly_commit[month_of_day_[static_cast<std::size_t>(d.day)]] += d.amount;
    ro.dossiers_committed += d.count;
    ro.trainees_committed += d.trainees;
    if (is_carryover(d.kind)) ro.carryover_committed += d.amount;
    if (is_diagnostic(d.kind)) ro.diagnostics_committed += d.amount;
    if (d.cell >= 0) {
      out.committed_by_cell[static_cast<std::size_t>(r * mix_cell_count + d.cell)] += d.amount;
      out.trainees_by_cell[static_cast<std::size_t>(r * mix_cell_count + d.cell)] += d.trainees;
    }
    const Cents released = d.amount - d.realised;
    if (released > 0) {
      if (d.end_day <= last_commitment_day) {
        book.releases.push_back({d.end_day, released});
        std::push_heap(book.releases.begin(), book.releases.end(), std::greater<>{});
      } else {
        book.released_after_deadline += released;
      }
    }
    book.ledger.pay(d.realised);
    monthly_pay[d.payment_month] += d.realised;
  }
  apply_releases_until(book, std::min(limit, window_days_) - 1);
}

// With a steering committee every region advances to the next event — a
// meeting or the arrival of a complementary allocation — before the committee
// acts on what it then knows.
void Simulator::steer(const SteeringPolicy& steering, Workspace& ws, ReplicationOutcome& out) const {
  const int regions = region_count();
  auto apply_move = [&](const SteeringMove& move) {
    if (move.from >= 0) {
      RegionBook& book = ws.books[static_cast<std::size_t>(move.from)];
      book.available -= move.amount;
      book.ledger.set_ceiling(ceiling_for(book.available));
      out.regions[static_cast<std::size_t>(move.from)].given += move.amount;
    }
    if (move.to >= 0) {
      RegionBook& book = ws.books[static_cast<std::size_t>(move.to)];
      book.available += move.amount;
      book.ledger.set_ceiling(ceiling_for(book.available));
      book.stopped = false;  // new money reopens a region that had stopped
      out.regions[static_cast<std::size_t>(move.to)].received += move.amount;
    }
  };
  auto take_positions = [&](std::int32_t day) {
    for (int r = 0; r < regions; ++r) {
      const RegionBook& book = ws.books[static_cast<std::size_t>(r)];
      const double share_filed =
          plans_[static_cast<std::size_t>(r)].cumulative_intensity[static_cast<std::size_t>(day)];
      ws.positions[static_cast<std::size_t>(r)] =
          project_position(book.available, book.ledger.outstanding(), book.carryover,
                           book.filed - book.ledger.released(), share_filed);
    }
  };

  // The national reserve, held back on the first day.
  Cents reserve = 0;
  if (steering.reserve_share > 0) {
    for (int r = 0; r < regions; ++r) {
      const Cents cut = round_half_away(static_cast<double>(plans_[static_cast<std::size_t>(r)].available) *
                                        steering.reserve_share);
      if (cut == 0) continue;
      out.moves.push_back({0, r, national_reserve, cut});
      apply_move(out.moves.back());
      reserve += cut;
    }
  }

  std::vector<std::int32_t> meetings;
  for (const Date& date : steering.committee_dates) {
    const std::int32_t day = days_between(scenario_.convention.commitment_start, date);
    // Meetings before the cut-off of a forecast from actuals have already acted.
    if (day >= first_simulated_day_ && day < window_days_) meetings.push_back(day);
  }
  const std::optional<ComplementaryAllocationRule>& complementary = steering.complementary;
  std::vector<Cents> initial_available(static_cast<std::size_t>(regions));
  for (int r = 0; r < regions; ++r)
    initial_available[static_cast<std::size_t>(r)] = plans_[static_cast<std::size_t>(r)].available;
  const Cents pool = scenario_.convention.total_available();
  bool requested = false;
  std::int32_t arrival_day = -1;
  std::size_t meeting = 0;
  for (;;) {
    std::int32_t next = window_days_;
    if (meeting < meetings.size()) next = std::min(next, meetings[meeting]);
    if (arrival_day >= 0) next = std::min(next, arrival_day);
    for (int r = 0; r < regions; ++r) file_until(r, next, ws, out);
    if (next >= window_days_) break;
    if (arrival_day == next) {
      take_positions(next);
      const std::vector<Cents> parts =
          split_complementary(*complementary, complementary->amount, ws.positions, initial_available);
      for (int r = 0; r < regions; ++r) {
        if (parts[static_cast<std::size_t>(r)] == 0) continue;
        out.moves.push_back({next, state_allocation, r, parts[static_cast<std::size_t>(r)]});
        apply_move(out.moves.back());
      }
      out.national.complementary_received += complementary->amount;
      arrival_day = -1;
    }
    if (meeting < meetings.size() && meetings[meeting] == next) {
      take_positions(next);
      const std::size_t first_move = out.moves.size();
      decide_meeting(steering, next, ws.positions, reserve, out.moves);
      for (std::size_t m = first_move; m < out.moves.size(); ++m) apply_move(out.moves[m]);
      ++meeting;
      if (complementary && !requested) {
        Cents outstanding = 0;
        for (const RegionBook& book : ws.books) outstanding += book.ledger.outstanding();
        if (static_cast<double>(outstanding) >= complementary->threshold_share * static_cast<double>(pool)) {
          requested = true;
          // Arriving after the deadline it could not be committed: the State would not send it.
          if (next + complementary->delay_days < window_days_) arrival_day = next + complementary->delay_days;
        }
      }
    }
  }
  out.national.reserve_unused = reserve;
}

void Simulator::close_books(Workspace& ws, ReplicationOutcome& out) const {
  for (int r = 0; r < region_count(); ++r) {
    RegionBook& book = ws.books[static_cast<std::size_t>(r)];
    RegionOutcome& ro = out.regions[static_cast<std::size_t>(r)];
    book.ledger.release(book.released_after_deadline);
    ro.committed = book.ledger.committed();
    ro.released = book.ledger.released();
    ro.paid = book.ledger.paid();
    ro.available_final = book.available;
  }
}

}  // namespace fnesim
