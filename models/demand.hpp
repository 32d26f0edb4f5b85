#pragma once
// How dossiers arise (scenario section `demand`): arrivals, attributes, costs,
// schedule and life cycle. Parameters only; the sampling lives in sim/.
#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "models/categories.hpp"
#include "models/money.hpp"

namespace fnesim {

enum class ExhaustionPolicy {
  Stop,       // the first dossier that does not fit exhausts the region; it and all later ones are unmet
  Fill,       // skip what does not fit, keep committing smaller dossiers (and releases)
  Overcommit  // as Fill, against a ceiling of available × (1 + margin), counting on releases
};
inline constexpr std::array<std::string_view, 3> exhaustion_policy_keys = {"stop", "fill", "overcommit"};

// Art. 6's planning figure: the 150 M EUR envelope "permet le financement
// d'environ 25 000 parcours (6000 € en moyenne)". fnesim reads 6 000 EUR as the
// gross cost of one trainee's pathway (all art. 2 components), of which the
// envelope pays the coverage rate, not as the envelope's share of it: why, and
// the arithmetic (≈ 133 M EUR of FNE demand under the default mix), in docs/model.md.
inline constexpr Cents art6_envelope = euros(150'000'000);
inline constexpr double art6_planned_pathways = 25'000;
inline constexpr double art6_mean_pathway_cost_eur = 6'000;

// Joint probability of each size × status × pathway cell (index mix_cell()); sums to 1.
using AttributeMix = std::array<double, mix_cell_count>;

// Trainees per dossier.
struct TraineeCount {
  enum class Kind { ShiftedPoisson, Fixed, Categorical } kind = Kind::ShiftedPoisson;
  double mean = 2.5;        // ShiftedPoisson: K = 1 + Poisson(mean − 1)
  int fixed = 1;            // Fixed
  std::vector<int> values;  // Categorical
  std::vector<double> weights;
  double expected() const;  // E[K]
};

// Cost per trainee of one pathway, in EUR (all components together, gross:
// the envelope pays the coverage rate of it).
struct TraineeCost {
  enum class Kind { LogNormal, Fixed } kind = Kind::LogNormal;
  double mean_eur = art6_mean_pathway_cost_eur;
  double sigma = 0.5;  // log-scale standard deviation; cv = sqrt(exp(σ²) − 1)
};

// The dossiers that carry art. 6's plan for a scenario's envelope: its
// art6_planned_pathways in proportion to total_envelope / art6_envelope, at
// `trainees_per_dossier` (> 0) trainees each.
double art6_planned_dossiers(Cents total_envelope, double trainees_per_dossier);

struct DayRange {  // a whole number of days drawn uniformly in [min, max]
  int min = 0;
  int max = 0;
};

// A dossier's cost by art. 2 component.
struct CostComponents {
  Cents pedagogical = 0;  // incl. positioning, evaluation and certification
  Cents ancillary = 0;
  Cents remuneration = 0;
};

// Splits a simulated dossier's total cost by the scenario's component shares
// (`[demand.cost_components]`), each part rounded once so that the three add up
// to `total` exactly.
// Inline: it runs once per simulated dossier.
inline CostComponents split_cost_components(Cents total, double pedagogical_share, double ancillary_share,
                                     double remuneration_share) {
  CostComponents parts;
  // All-pedagogical and no-remuneration splits are exact without any rounding.
  parts.pedagogical = remuneration_share == 0 && ancillary_share == 0
                          ? total
                          : round_half_away(static_cast<double>(total) * pedagogical_share);
  parts.ancillary = remuneration_share == 0
                        ? total - parts.pedagogical
                        : std::min(total - parts.pedagogical,
                                   round_half_away(static_cast<double>(total) * ancillary_share));
  parts.remuneration = total - parts.pedagogical - parts.ancillary;
  return parts;
}

struct RegionalDemand {
  double expected_dossiers = 0;  // over the open intake window, before uptake factors
  AttributeMix mix{};
  std::array<double, 12> monthly_profile{};  // weight of each calendar month, Jan..Dec
};

struct DemandModel {
  ExhaustionPolicy exhaustion_policy = ExhaustionPolicy::Stop;
  double overcommit_margin = 0.0;  // share of available, Overcommit only
  // The margin a region may commit beyond its available amount: the
  // overcommitment margin under that policy, none under the others.
  double ceiling_margin() const {
    return exhaustion_policy == ExhaustionPolicy::Overcommit ? overcommit_margin : 0.0;
  }

  // Arrivals: a Poisson process whose monthly intensities follow the profile;
  // intake closes some days before the commitment deadline (domain.md: 2–3 weeks in 2021).
  std::vector<RegionalDemand> regions;  // in the convention's region order
  int intake_closes_days_before_end = 0;
  // Per-replication uptake multipliers, mean 1: national × regional, each Gamma
  // with the given coefficient of variation (0 = no uncertainty); the regional
  // ones correlated through a Gaussian copula with this correlation matrix.
  double national_uptake_cv = 0.0;
  double regional_uptake_cv = 0.0;
  Eigen::MatrixXd regional_correlation;  // regions × regions, identity by default

  // Carry-over of 2020 dossiers (art. 7), committed on the first day.
  double carryover_expected_dossiers = 0;  // national, spread over regions by available envelope
  double carryover_mean_fne_eur = 0;
  double carryover_sigma = 0;  // lognormal log-scale sd of the FNE share

  TraineeCount trainees;
  std::array<TraineeCost, pathway_count> cost_per_trainee{};
  // Shares of a trainee's cost by component (sum to 1).
  double pedagogical_share = 1.0, ancillary_share = 0.0, remuneration_share = 0.0;
  // Headcount used for a size class when looking up the rate of a simulated dossier.
  std::array<long, size_class_count> representative_headcount = size_class_min_headcount;

  // By pathway: filing → training start, and the training's length (capped at
  // 365 days and at the training end). Diagnostics start on their filing day.
  std::array<DayRange, pathway_count> start_lag_days{};
  std::array<DayRange, pathway_count> duration_days{};

  // Life cycle: a committed dossier is cancelled with this probability (nothing
  // realised); otherwise a Beta-distributed share of its amount is lost to drop-outs.
  double cancellation_probability = 0.0;
  double dropout_mean = 0.0;
  double dropout_sd = 0.0;      // 0: the share is exactly dropout_mean
  DayRange invoicing_lag_days;  // training end → payment

  // DIAG GPEC COVID-19 dossiers (art. 3): one per company, days capped by coverage.
  double diagnostics_expected_dossiers = 0;  // national, spread by available envelope
  DayRange diagnostic_days{1, 1};
};

}  // namespace fnesim
