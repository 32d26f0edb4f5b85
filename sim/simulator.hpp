#pragma once
// One replication of a scenario in two passes. First every region's dossiers
// are drawn — arrivals, attributes, life cycle, the envelope's share — on the
// region's own streams, whatever the envelopes (sim/draw.cpp). Then the
// ledgers commit them in filing order, all regions advancing together from one
// steering-committee meeting to the next so that the committee can move money
// between them (sim/books.cpp). Every amount is in cents.
#include <cstdint>
#include <memory>
#include <vector>

#include "models/categories.hpp"
#include "models/money.hpp"
#include "sim/outcome.hpp"
#include "sim/parameters.hpp"
#include "sim/plan.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim {

// Where each kind of draw of one replication comes from: the replication whose
// streams it takes (a sensitivity design, sim/sensitivity.hpp). Every kind of
// draw has its own streams (sim/rng.hpp), so a row of the design may take the
// cost parameters of one replication and the dossiers of another, each exactly
// as that replication drew them.
struct DrawSources {
  std::vector<std::int64_t> parameters;  // per [uncertainty.parameters] entry
  std::int64_t profile = 0;              // the monthly profile's tilt and Dirichlet
  std::int64_t uptake = 0;               // national and regional uptake multipliers
  std::int64_t drift = 0;                // the month-to-month drift and jumps of uptake
  std::int64_t dossiers = 0;             // arrivals, attributes, life cycle, carry-over
  // Per [uncertainty.parameters] entry (or empty): a value that replaces its
  // draw, NaN to keep the draw (a tornado's low or high value).
  std::vector<double> fixed;

  // Every draw from `replication`: what simulate(seed, replication) draws.
  static DrawSources all_from(std::int64_t replication, std::size_t parameter_count);
};

// Features of a scenario that the first pass of its replications can be
// compiled without (sim/draw.cpp): facts of the scenario that no
// replication's draws change, so that the pass is chosen once, before the
// first replication. All false: the general pass, for every scenario.
struct FirstPassShape {
  bool plain = false;         // one coverage epoch; no new population, drift of uptake, nor actuals
  bool instant = false;       // every dossier starts, ends and is invoiced on its filing day, in full
  bool file_at_once = false;  // no committee: each dossier goes into the ledger as it is drawn
  bool operator==(const FirstPassShape&) const = default;
};

// Per-thread scratch buffers and engines, reused from one replication to the next.
struct Workspace;
struct StagedDossier;

class Simulator {
 public:
  explicit Simulator(const Scenario& scenario);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  const Scenario& scenario() const { return scenario_; }
  int region_count() const { return static_cast<int>(scenario_.convention.regions.size()); }
  const Plan& plan() const { return plan_; }
  int window_days() const { return plan_.window_days; }  // commitment window, day 0 = commitment start
  // Months of the trajectories: from the commitment start's month to the month
  // of the last possible payment.
  int month_count() const { return plan_.month_count; }
  Date month_start(int month) const;

  ReplicationOutcome make_outcome() const {
    return ReplicationOutcome(region_count(), plan_.month_count, plan_.cash_month_count);
  }
  std::unique_ptr<Workspace, void (*)(Workspace*)> make_workspace() const;

  // Fills `outcome` with replication `replication` of the run seeded `seed`.
  // Depends on nothing else: any thread, any order, the same result.
  void simulate(std::uint64_t seed, std::int64_t replication, Workspace& workspace,
                ReplicationOutcome& outcome) const;
  // One row of a design: each kind of draw from its own source replication.
  // Not for forecasts from actuals, whose draws come from particles.
  void simulate(std::uint64_t seed, const DrawSources& sources, Workspace& workspace,
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

  // The envelope's share the simulation gives a training dossier of `cell`
  // filed on `day` and costing `total_cost` (tests compare it with `quote`).
  Cents envelope_share(int cell, std::int32_t day, Cents total_cost) const {
    return plan_.envelope_share_of(plan_.epoch_on(day), cell, total_cost);
  }

  // The scenario's expected count of arrivals (training dossiers and
  // diagnostics) filed in days [first_day, end_day), before uptake multipliers.
  double expected_arrivals_between(int region, int first_day, int end_day) const;
  // The shape this scenario's replications are drawn with (but for listed dossiers).
  const FirstPassShape& first_pass_shape() const { return first_pass_shape_; }

 private:
  template <bool kBookkeeping, FirstPassShape kShape = FirstPassShape{}>
  void draw_region(const Plan& plan, int region, double uptake, std::uint64_t seed, std::int64_t replication,
                   Workspace& workspace, ReplicationOutcome* outcome) const;
  using FirstPass = void (Simulator::*)(const Plan&, int, double, std::uint64_t, std::int64_t, Workspace&,
                                        ReplicationOutcome*) const;
  // The features this scenario's first pass can be compiled without, and
  // that pass (sim/draw.cpp).
  FirstPassShape shape_of_scenario() const;
  static FirstPass first_pass_for(const FirstPassShape& shape);
  // What a region may commit with `available`: more under overcommit, the
  // margin following the available amount as the committee moves money.
  Cents ceiling_for(Cents available) const;
  void open_books(Workspace& workspace) const;
  void file_until(int region, std::int32_t limit, Workspace& workspace, ReplicationOutcome& outcome) const;
  // Inline, in sim/filing.hpp: the first pass files every dossier through it.
  inline void file_dossier(int region, StagedDossier& dossier, Workspace& workspace,
                           ReplicationOutcome& outcome) const;
  void steer(const SteeringPolicy& steering, Workspace& workspace, ReplicationOutcome& outcome) const;
  void close_books(Workspace& workspace, ReplicationOutcome& outcome) const;
  // [financing]: the State's disbursements and OPCO 2i's cash position, from
  // the replication's national commitments, payments and last payment.
  void forecast_cash(const FinancingTerms& terms, Workspace& workspace, ReplicationOutcome& outcome) const;
  void draw_uptake(std::uint64_t seed, std::int64_t replication, Workspace& workspace) const;
  void draw_uptake_from(const Scenario& scenario, std::uint64_t seed, std::int64_t replication,
                        Workspace& workspace) const;
  void draw_forecast_uptake(const ForecastStart::Particle& particle, std::uint64_t seed, std::int64_t replication,
                            Workspace& workspace) const;
  // A forecast: the replication's error of the costs and trainees learnt,
  // applied to its scenario's mean costs per trainee (ForecastStart).
  void draw_learnt_money(Scenario& varied, std::uint64_t seed, std::uint64_t replication,
                         Workspace& workspace) const;
  // A forecast from national actuals: each national month's figures shared
  // out by the regions' uptake just drawn (ForecastStart::NationalRow).
  void share_national_rows(std::uint64_t seed, std::uint64_t replication, Workspace& workspace) const;
  // Draws the replication's uncertain assumptions and uptake; returns the plan
  // its dossiers are drawn from (the scenario's own when nothing is uncertain).
  const Plan& draw_assumptions(std::uint64_t seed, std::int64_t replication, Workspace& workspace,
                               const DrawSources* sources = nullptr) const;
  // The parameters and profile of a design row, each as its source replication drew it.
  ParameterDraw draw_parameters_from(std::uint64_t seed, const DrawSources& sources, Engine& engine) const;
  void simulate_with(std::uint64_t seed, std::int64_t replication, const DrawSources* sources, Workspace& workspace,
                     ReplicationOutcome& outcome) const;

  Scenario scenario_;
  Plan plan_;
  bool varied_ = false;                // some assumption is drawn per replication
  Eigen::MatrixXd parameter_loading_;  // of the uncertain parameters' copula
  FirstPassShape first_pass_shape_;
  FirstPass first_pass_;  // draw_region<true> for that shape
};

}  // namespace fnesim
