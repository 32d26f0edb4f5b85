#pragma once
// What one replication produces: per region and nationally, the money
// committed, released, paid and refused, the demand whatever the envelope,
// the monthly trajectories, and every move of the steering committee. Every
// amount is in cents.
#include <cstdint>
#include <vector>

#include "models/categories.hpp"
#include "models/money.hpp"
#include "models/steering.hpp"
#include "sim/bytes.hpp"

namespace fnesim {

inline constexpr std::int32_t never_exhausted = -1;
inline constexpr std::int64_t never_paid = -1;

struct RegionOutcome {
  std::int32_t exhaustion_day = never_exhausted;  // days from the commitment start to the first refusal
  Cents committed = 0;                            // gross commitments, carry-over and diagnostics included
  Cents released = 0;  // unrealised parts returned at the training's end (all, including after the deadline)
  Cents lapsed = 0;    // the part of `released` that came back after the commitment deadline: the State's again
  Cents paid = 0;      // realised parts, paid after the invoicing lag
  // Trainings that would run past training_end, refused at commitment
  // (PastDeadline::Refuse): their envelope share, and how many.
  Cents refused_past_deadline = 0;
  std::int64_t dossiers_refused_past_deadline = 0;
  // Art. 7, "dernier paiement": the day of the region's last payment (days
  // from the commitment start; never_paid if it pays nothing). 64 bits, as
  // the run file's per-replication table holds it beside the amounts.
  std::int64_t last_payment_day = never_paid;
  // The financial review (art. 7, before 2022-03-01): at the end of its day,
  // what had been committed, realised (trainings ended) and paid, and the
  // trainees committed.
  Cents review_committed = 0, review_realised = 0, review_paid = 0;
  std::int64_t review_trainees = 0;
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
  Cents committed = 0, released = 0, lapsed = 0, paid = 0, unmet = 0, demand = 0;
  Cents refused_past_deadline = 0;
  std::int64_t dossiers_refused_past_deadline = 0;
  std::int64_t last_payment_day = never_paid;
  Cents review_committed = 0, review_realised = 0, review_paid = 0;
  std::int64_t review_trainees = 0;
  // Additional allocation needed for a national pool to refuse nothing:
  // max(0, peak cumulative national net demand − total available).
  Cents additional_needed = 0;
  std::int32_t additional_needed_day = never_exhausted;  // first day the national pool falls short
  Cents complementary_received = 0;  // complementary State allocation handed to the regions
  Cents reserve_unused = 0;          // national reserve never handed out
  // Art. 7's settlement: what goes back to the State, the regions' available
  // amounts and the unused reserve less what was paid. The money adds up:
  // unspent + paid = total available + complementary_received.
  Cents unspent = 0;
};

// A region's share of a national month's figures in one replication
// (ForecastStart::NationalRow).
struct NationalShare {
  std::int64_t dossiers = 0, trainees = 0;
  Cents committed = 0;
};

struct ReplicationOutcome {
  ReplicationOutcome(int region_count, int month_count, int cash_month_count = 0);
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
  // [financing] only (else empty), per cash month (Plan::cash_month_count):
  // the State's disbursements to OPCO 2i, and OPCO 2i's cash position for the
  // fund at the month's end — cumulative disbursements less cumulative
  // payments to companies; negative: OPCO 2i pre-finances.
  std::vector<Cents> monthly_disbursements, cash_position;
  Cents cash_minimum = 0;       // the lowest month-end position
  std::int32_t cash_minimum_month = 0;  // its first month

  // What was drawn for this replication's assumptions (sim/parameters.hpp).
  std::vector<double> uptake;            // per region: the multiplier of its expected arrivals
  std::vector<double> parameter_values;  // per [uncertainty.parameters] entry; empty when none
  std::vector<double> profile;           // the 12 national monthly shares when uncertain; else empty
  std::vector<double> drift;             // per trajectory month, when uptake drifts; else empty
  int particle = -1;                     // the forecast particle picked, if any
  int jumps = 0;  // jumps of uptake (changes of rules) from the drift's first month to the last filing month
  // A forecast: per pathway, the factor its learnt mean cost per trainee was
  // multiplied by (the costs and trainees learnt, drawn); else empty.
  std::vector<double> cost_factors;
  // A forecast from national totals: each national month's figures as the
  // replication shared them over the regions, per month then region; else empty.
  std::vector<NationalShare> national_past;
  // Σ over the simulated dossiers of their amount², in EUR²: given everything
  // drawn above, arrivals are Poisson and amounts independent, so this is an
  // unbiased estimate of the variance that the dossiers' own randomness adds
  // to national demand (a compound Poisson's λ E[X²]).
  double dossier_variance_eur2 = 0;
};

// A replication's outcome as bytes and back (a cluster run, sim/cluster.hpp):
// read_outcome gives back exactly what append_outcome was given, into an
// outcome made for the same scenario.
void append_outcome(const ReplicationOutcome& outcome, ByteWriter& out);
void read_outcome(ByteReader& in, ReplicationOutcome& outcome);

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
  // Refused at filing, its training planned past the last training day
  // ([convention] training_past_deadline = "refuse"): neither committed nor
  // demand (docs/model.md).
  bool refused_past_deadline = false;
  bool committed = false;
  std::int64_t trainees = 0;
  Cents amount = 0;    // the envelope's share
  Cents realised = 0;  // what is paid if committed; the rest is released at end_day
  std::int32_t end_day = 0;
};

}  // namespace fnesim
