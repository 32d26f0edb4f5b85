#pragma once
// What was observed before a forecast's cut-off (`fnesim run --actuals F
// --as-of D`): the run starts from the observed ledger and simulates only what
// is filed from the cut-off on, with each region's uptake learnt from the
// observed arrivals (sim/actuals.hpp builds this from the actuals file).
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/calendar.hpp"
#include "models/categories.hpp"
#include "models/money.hpp"

namespace fnesim {

enum class ObservedKind {
  Training,    // a training dossier of 2021 whose attributes are known (cell)
  Diagnostic,  // DIAG GPEC COVID-19 (art. 3)
  CarryOver,   // the 2020 stock taken over (art. 7)
  Lump         // a month's commitments of a region (monthly aggregates): no attributes
};

// A dossier committed before the cut-off — or, from monthly aggregates, one
// lump per region and month standing for that month's commitments.
struct ObservedDossier {
  ObservedKind kind = ObservedKind::Training;
  std::int32_t filing_day = 0;  // days since the commitment start; before the cut-off
  int region = 0;               // index in the convention's region order
  int cell = -1;                // mix_cell() of a training dossier; -1 otherwise
  std::int64_t trainees = 0;
  std::int64_t dossiers = 1;  // dossiers it stands for (> 1 for a lump)
  // A lump: the part of its month it stands for (filing_day is its middle).
  std::int32_t first_filing_day = 0, last_filing_day = 0;
  Cents committed = 0;        // the envelope's share committed
  // Realised amount when the actuals know it: the rest is released. Otherwise
  // the scenario's life cycle decides (cancellation, drop-outs, dates).
  std::optional<Cents> realised;
  std::optional<std::int32_t> end_day;  // with `realised`: the day its training ended (days since the start)
  // A lump of a national month's figure: its index in
  // ForecastStart::national_rows, whose share each replication draws anew;
  // -1 for a region's own figures and the carry-over.
  int national_row = -1;
};

struct ForecastStart {
  Date as_of;  // the first day simulated: every dossier filed before it is observed
  std::vector<ObservedDossier> dossiers;
  // Without particles, the regions' uptake multipliers (on the scenario's
  // expected arrivals from the cut-off on) are drawn jointly (docs/forecasting.md
  // §2), in place of the prior national × regional factors. With each
  // region's counts, U_r = C · I_r: the factor common to the regions, C ~
  // Gamma(joint_shape, joint_rate), then each region's deviation given it,
  // I_r ~ Gamma(a + N_r, a + C · E_r), a = 1 / uptake_regional_cv². With the
  // nation's count only, the national level L ~ Gamma(joint_shape,
  // joint_rate), and each region's deviation from its prior Gamma(a, a)
  // normalised to a weighted mean of 1 (weights E_r): U_r = L · I_r / Σ w_s I_s.
  // joint_shape 0: C or L is 1.
  double joint_shape = 0, joint_rate = 1;
  std::vector<double> expected_before;  // E_r: eligible arrivals expected before the cut-off at uptake 1
  // A national month's figures (national actuals): which region filed them
  // is not known, so each replication shares them out by what it drew — a
  // region that takes up more now took up more before, as in the years it
  // forecasts. Region r's share of the month's n dossiers is drawn as a
  // count's would be, from the Dirichlet of parameters n·p_r (p_r its
  // expected arrivals over the month's days times its uptake, normalised),
  // and its share of the money as that of a sum of n·q_r dossiers' amounts
  // (q_r the count's share drawn), from the Dirichlet of parameters
  // n·q_r / c², c the CV of a dossier's envelope share in the scenario, its
  // trainees' count included. The dossiers and trainees are shared by the
  // first, the money by the second (share_national_row), none beyond what
  // the region's earlier months left under its ceiling in the actuals' own
  // year — one that had reached it took no more, and refused dossiers are in
  // no actuals. The rows are in the order of their months. The ledger's lumps
  // hold the share at uptake 1.
  struct NationalRow {
    std::int64_t dossiers = 0, trainees = 0;
    Cents committed = 0;
    std::vector<double> expected;  // per region: arrivals expected over the row's days at uptake 1
  };
  std::vector<NationalRow> national_rows;
  double dossier_share_cv2 = 0;  // c²
  // Per region: what the ceiling the actuals' own year was held to
  // (available, or more under overcommitment) left after the carry-over,
  // for the national rows to share. A variant run with other envelopes
  // starts from the same past.
  std::vector<Cents> room_for_national_rows;

  // With uncertain assumptions (docs/forecasting.md, "Learning what the data
  // can say"): draws of the parameters and profile weighed by how well they
  // explain the observed monthly arrivals under a drifting level of uptake.
  // A replication picks one by weight; its national level at the cut-off is
  // Gamma(level_shape, level_rate), each region's deviation from it Gamma
  // with its own counts.
  struct Particle {
    std::vector<double> values;                      // the uncertain parameters
    std::optional<std::array<double, 12>> profile;  // the national monthly shares, when uncertain
    std::vector<double> expected_before;             // per region: eligible arrivals expected before the cut-off
    double level_shape = 1, level_rate = 1;          // the national level at the cut-off
    // The prior draw it descends from: resampling copies a draw into several
    // particles, and the replications that pick them share its values.
    int source = 0;
  };
  std::vector<Particle> particles;
  std::vector<double> particle_cumulative_weight;  // normalised, ends at 1
  double effective_particles = 0;                  // Kish's (Σw)² / Σw²
  // Each drawn value is multiplied by its scale: a cost learnt from the
  // actuals moves its whole distribution with it.
  std::vector<double> parameter_scales;
  // Each region's deviation from the common factor or the national level:
  // its prior CV, and its count before the cut-off (none when the actuals are
  // national).
  double uptake_regional_cv = 0;
  std::vector<std::int64_t> regional_counts;

  // What the actuals taught about the money per dossier is known only so well
  // (docs/forecasting.md §3): each replication multiplies pathway p's learnt
  // mean cost per trainee by exp(s_p z_p − s_p²/2) and every pathway's by a
  // common exp(s z − s²/2), the z standard normal on the replication's own
  // stream. The common factor carries the trainees per dossier learnt (a
  // dossier's money is their product) and, from monthly totals, the one cost
  // factor learnt for every pathway at once. A figure kept for want of data
  // has the error of the 50 dossiers the scenario's figure weighs. The
  // standard deviations of the logs; 0: taken as known (fixed, or drawn by
  // the scenario's [uncertainty]).
  std::array<double, pathway_count> cost_log_sd{};
  double common_log_sd = 0;
  // Each pathway's share of the money the scenario expects, by which the
  // factors are summarised in "where the spread comes from".
  std::array<double, pathway_count> cost_weight{};
  bool learnt_money_uncertain() const {
    if (common_log_sd > 0) return true;
    for (double s : cost_log_sd)
      if (s > 0) return true;
    return false;
  }
};

}  // namespace fnesim
