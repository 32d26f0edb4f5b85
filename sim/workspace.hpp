#pragma once
// The simulator's per-thread scratch state, shared by its two passes
// (sim/draw.cpp draws the dossiers, sim/books.cpp files them): engines,
// the dossiers staged between the passes, each region's book. Reused from
// one replication to the next; internal to sim/.
#include <cstdint>
#include <optional>
#include <vector>

#include "models/money.hpp"
#include "models/steering.hpp"
#include "sim/ledger.hpp"
#include "sim/outcome.hpp"
#include "sim/parameters.hpp"
#include "sim/plan.hpp"
#include "sim/rng.hpp"
#include "sim/variates.hpp"

namespace fnesim {

// Observed dossiers are committed whatever the envelope; their carry-over and
// diagnostics are counted as such, like simulated ones.
enum class DossierKind : std::uint8_t {
  Training,
  Diagnostic,
  CarryOver,
  Observed,
  ObservedDiagnostic,
  ObservedCarryOver,
  Ineligible,
  PastDeadline  // refused at commitment: it would run past training_end (PastDeadline::Refuse)
};

inline bool is_observed(DossierKind kind) {
  return kind == DossierKind::Observed || kind == DossierKind::ObservedDiagnostic ||
         kind == DossierKind::ObservedCarryOver;
}
inline bool is_carryover(DossierKind kind) {
  return kind == DossierKind::CarryOver || kind == DossierKind::ObservedCarryOver;
}
inline bool is_diagnostic(DossierKind kind) {
  return kind == DossierKind::Diagnostic || kind == DossierKind::ObservedDiagnostic;
}

// A dossier drawn in the first pass, waiting for the ledger.
struct StagedDossier {
  std::int32_t day;  // filing day
  std::int32_t end_day;
  std::int32_t payment_day;
  std::int32_t cell;  // mix cell of a training dossier, else -1
  std::int64_t trainees;
  std::int64_t count;  // dossiers it stands for (observed lumps)
  Cents amount;
  Cents realised;
  DossierKind kind;
  bool committed;
};

// A dossier's attributes, drawn before its life cycle (sim/draw.cpp).
struct DrawnAttributes {
  std::int32_t cell;             // mix cell of a training dossier
  std::int32_t trainees;
  std::int32_t diagnostic_days;  // of a diagnostic
  std::int32_t first_cost;       // its trainees' lognormal costs in Workspace::trainee_costs, else -1
  bool diagnostic;
};

// A dossier's life cycle (sim/draw.cpp). With random drop-outs a block of
// simulated dossiers' are drawn at once, so that the drop-out shares'
// exponentials run in vectors.
struct DrawnLifeCycle {
  std::int32_t start_lag;
  std::int32_t duration;
  std::int32_t invoicing_lag;
  bool cancelled;
  double dropout;  // the share that drops out
};

// One region's ledger while the replication advances from meeting to meeting.
struct RegionBook {
  RegionLedger ledger{0};
  Cents available = 0;                   // the envelope's available amount after the committee's moves
  // Unrealised parts coming back, per window day; those of days up to
  // released_through are in the ledger already.
  std::vector<Cents> release_due;
  std::int32_t released_through = -1;
  std::size_t next = 0;                  // first staged dossier not yet filed
  bool stopped = false;                  // the stop policy refuses everything after the first refusal
  Cents released_after_deadline = 0;     // comes back too late to be committed again
  Cents carryover = 0;                   // carry-over filed
  Cents filed = 0;                       // everything else filed so far (eligible), committed or not
};

struct Workspace {
  Engine engine;
  std::vector<double> uptake;                      // per region, national factor included
  std::vector<double> spacings;                    // exponential spacings → ordered arrival times
  std::vector<std::int32_t> arrival_days;          // sorted filing days of the region
  std::vector<Cents> region_demand_delta;          // per window day: filed − recommittable releases
  std::vector<Cents> national_demand_delta;        // the same, summed over regions
  std::vector<Cents> national_monthly;             // [financing]: commitments, then payments, per cash month
  std::vector<DrawnAttributes> attributes;          // of the block of dossiers being drawn, in filing order
  std::vector<double> trainee_costs;               // their trainees' lognormal costs, EUR (their logs until exponentiated)
  std::vector<DrawnLifeCycle> life_cycles;         // of the same block
  std::vector<DrawnLifeCycle> lump_cycles;         // an observed month's lump, dossier by dossier
  std::vector<int> lump_cells;                     // and the cell each drew
  std::vector<BetaSampler::Parts> dropout_parts;   // of the same block, with random drop-outs
  std::vector<double> dropout_factors;             // their Gammas' U^(1/shape), as logs until exponentiated
  std::vector<std::vector<StagedDossier>> staged;  // per region, in filing order (with a committee, or listed)
  bool keep_dossiers = false;                      // Simulator::dossiers lists them: queue them even without a committee
  std::vector<RegionBook> books;                   // per region
  std::vector<RegionPosition> positions;           // per region, at a meeting
  Engine lifecycle_engine;
  // Uncertain assumptions: this replication's scenario and plan (their
  // demand redrawn), what was drawn, and the drift of uptake per month.
  std::optional<Scenario> varied_scenario;
  std::optional<Plan> varied_plan;
  ParameterDraw parameters;
  int particle = -1;
  std::vector<double> drift;               // per trajectory month; empty: none
  int jumps = 0;                           // of the drift, from its first month to the last filing month
  std::vector<double> cost_factors;        // per pathway: the learnt mean cost's factor (ForecastStart)
  std::vector<NationalShare> national_shares;  // per national row, then region (ForecastStart::NationalRow)
  std::vector<double> drifted_cumulative;  // per window day + 1, of the region being drawn
  double dossier_variance_eur2 = 0;        // Σ amount² over simulated dossiers, EUR²
  double floor_checksum = 0;
  // Where each stream stood when the replication was done with it: equal
  // digests mean two code paths drew the same number of variates.
  std::uint64_t stream_digest = 0;
  void note_stream_end(const Engine& e) { stream_digest = splitmix64(stream_digest ^ e.position()); }
};

}  // namespace fnesim
