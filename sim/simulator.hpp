#pragma once
// One replication of a scenario in two passes. First every region's dossiers
// are drawn — arrivals, attributes, life cycle, the envelope's share — on the
// region's own streams, whatever the envelopes. Then the ledgers commit them in
// filing order, all regions advancing together from one steering-committee
// meeting to the next so that the committee can move money between them.
// Every amount is in cents.
#include <cstdint>
#include <memory>
#include <vector>

#include "models/categories.hpp"
#include "models/money.hpp"
#include "sim/boost_random.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim {

inline constexpr std::int32_t never_exhausted = -1;

struct RegionOutcome {
  std::int32_t exhaustion_day = never_exhausted;  // days from the commitment start to the first refusal
  Cents committed = 0;                            // gross commitments, carry-over and diagnostics included
  Cents released = 0;  // unrealised parts returned at the training's end (all, including after the deadline)
  Cents paid = 0;      // realised parts, paid after the invoicing lag
  Cents unmet = 0;     // the envelope share of dossiers that could not be committed
  // Demand that ignores the envelope: the FNE share of every eligible dossier
  // filed, and the peak over the window of the cumulative filed amounts less
  // the releases that come back before the deadline — the envelope this region
  // would have needed to refuse nothing.
  Cents demand = 0;
  Cents peak_net_demand = 0;
  Cents carryover_committed = 0;
  Cents diagnostics_committed = 0;
  std::int64_t dossiers_committed = 0;  // training dossiers, carry-over and diagnostics included
  std::int64_t dossiers_unmet = 0;
  std::int64_t dossiers_ineligible = 0;  // no coverage rule applied on their filing date
  std::int64_t trainees_committed = 0;
  std::int64_t trainees_unmet = 0;
  // Steering (zero without it): money received from other regions, the
  // national reserve and the State, money given to other regions and the
  // reserve, and the resulting available amount at the deadline.
  Cents received = 0;
  Cents given = 0;
  Cents available_final = 0;
};

struct NationalOutcome {
  Cents committed = 0, released = 0, paid = 0, unmet = 0, demand = 0;
  // Additional allocation needed for a national pool to refuse nothing:
  // max(0, peak cumulative national net demand − total available).
  Cents additional_needed = 0;
  std::int32_t additional_needed_day = never_exhausted;  // first day the national pool falls short
  Cents complementary_received = 0;  // complementary State allocation handed to the regions
  Cents reserve_unused = 0;          // national reserve never handed out
};

struct ReplicationOutcome {
  ReplicationOutcome(int region_count, int month_count);
  void clear();

  int region_count;
  int month_count;
  std::vector<RegionOutcome> regions;
  NationalOutcome national;
  std::vector<Cents> monthly_commitments;  // [region × month_count + month]
  std::vector<Cents> monthly_payments;     // [region × month_count + month]
  std::vector<Cents> committed_by_cell;    // [region × mix_cell_count + mix_cell()]
  std::vector<std::int64_t> trainees_by_cell;
  std::vector<SteeringMove> moves;  // every movement of money, in order (steering only)
};

// One dossier of a replication, as drawn and as the ledger treated it
// (Simulator::dossiers: synthetic actuals, audits).
struct SimulatedDossier {
  std::int32_t filing_day = 0;  // days since the commitment start
  int region = 0;
  int cell = -1;  // mix_cell() of a training dossier; -1 for diagnostics, carry-over and observed lumps
  bool carryover = false;
  bool diagnostic = false;
  bool observed = false;  // from the actuals (forecast_start)
  bool eligible = true;   // a coverage rule applied on the filing date
  bool committed = false;
  std::int64_t trainees = 0;
  Cents amount = 0;    // the envelope's share
  Cents realised = 0;  // what is paid if committed; the rest is released at end_day
  std::int32_t end_day = 0;
};

// Per-thread scratch buffers and engines, reused from one replication to the next.
struct Workspace;

class Simulator {
 public:
  explicit Simulator(const Scenario& scenario);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  const Scenario& scenario() const { return scenario_; }
  int region_count() const { return static_cast<int>(scenario_.convention.regions.size()); }
  int window_days() const { return window_days_; }  // commitment window, day 0 = commitment start
  // Months of the trajectories: from the commitment start's month to the month
  // of the last possible payment.
  int month_count() const { return month_count_; }
  Date month_start(int month) const;

  ReplicationOutcome make_outcome() const { return ReplicationOutcome(region_count(), month_count_); }
  std::unique_ptr<Workspace, void (*)(Workspace*)> make_workspace() const;

  // Fills `outcome` with replication `replication` of the run seeded `seed`.
  // Depends on nothing else: any thread, any order, the same result.
  void simulate(std::uint64_t seed, std::int64_t replication, Workspace& workspace,
                ReplicationOutcome& outcome) const;

  // Draws exactly the variates `simulate` draws, from the same engines, and
  // does nothing else: the random-number floor of a replication's cost.
  // Returns a checksum of the draws (so that they cannot be optimised away).
  double draw_variates_only(std::uint64_t seed, std::int64_t replication, Workspace& workspace) const;

  // Where the streams of the last replication run in `workspace` ended: equal
  // after `simulate` and `draw_variates_only` ⇔ both drew the same variates.
  static std::uint64_t stream_digest(const Workspace& workspace);

  // The uptake multipliers (national × regional) drawn for one replication.
  std::vector<double> uptake_factors(std::uint64_t seed, std::int64_t replication) const;

  // Every dossier of one replication, region by region in filing order.
  std::vector<SimulatedDossier> dossiers(std::uint64_t seed, std::int64_t replication) const;

  // The scenario's expected count of arrivals (training dossiers and
  // diagnostics) filed in days [first_day, end_day), before uptake multipliers.
  double expected_arrivals_between(int region, int first_day, int end_day) const;

 private:
  struct RegionPlan;
  struct Epoch;
  template <bool kBookkeeping>
  void draw_region(int region, double uptake, std::uint64_t seed, std::int64_t replication,
                   Workspace& workspace, ReplicationOutcome* outcome) const;
  // What a region may commit with `available`: more under overcommit, the
  // margin following the available amount as the committee moves money.
  Cents ceiling_for(Cents available) const;
  void open_books(Workspace& workspace) const;
  void file_until(int region, std::int32_t limit, Workspace& workspace, ReplicationOutcome& outcome) const;
  void steer(const SteeringPolicy& steering, Workspace& workspace, ReplicationOutcome& outcome) const;
  void close_books(Workspace& workspace, ReplicationOutcome& outcome) const;
  void draw_uptake(std::uint64_t seed, std::int64_t replication, Workspace& workspace) const;

  Scenario scenario_;
  int window_days_ = 0;
  int horizon_days_ = 0;
  int month_count_ = 0;
  int first_simulated_day_ = 0;             // the cut-off of a forecast from actuals, else 0
  std::vector<std::int32_t> month_of_day_;  // day → trajectory month, over the horizon
  std::vector<RegionPlan> plans_;
  std::vector<Epoch> epochs_;       // periods of the window within which the coverage rules do not change
  Eigen::MatrixXd uptake_loading_;  // L with L Lᵀ = regional correlation
  // Samplers whose parameters do not change between replications, built once.
  boost::random::poisson_distribution<int, double> trainee_extra_;
  boost::random::discrete_distribution<int, double> trainee_category_;
  std::array<boost::random::lognormal_distribution<double>, pathway_count> trainee_cost_;
};

}  // namespace fnesim
