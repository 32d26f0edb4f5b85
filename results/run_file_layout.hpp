#pragma once
// The layout of the run file (docs/hdf5-format.md) as tables, shared by the
// writer, the reader and the CSV export so that names, units and descriptions
// are spelled once. scripts/check_results.py holds the same list, checked
// against the file.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "results/run_summary.hpp"
#include "sim/simulator.hpp"

namespace fnesim::run_layout {

// Units, as written in every dataset's `units` attribute.
inline constexpr std::string_view cents = "cents";
inline constexpr std::string_view eur = "EUR";
inline constexpr std::string_view count = "count";
inline constexpr std::string_view probability = "probability";
inline constexpr std::string_view days = "days since commitment start";
inline constexpr std::string_view percent = "percent";
inline constexpr std::string_view label = "label";
inline constexpr std::string_view text = "text";
// Since format 1.2 (some already in /actuals in 1.1): multipliers without
// unit, shares of a whole, squared euros, correlations, and a drawn
// parameter's value (in the unit of its scenario key: EUR, dossiers, a share).
inline constexpr std::string_view factor = "factor";
inline constexpr std::string_view share = "share";
inline constexpr std::string_view shape = "shape";  // a distribution's shape parameter: no unit
inline constexpr std::string_view eur_squared = "EUR^2";
inline constexpr std::string_view correlation = "correlation";
inline constexpr std::string_view scenario_units = "unit of the scenario key";

// /replications/<name>: replication × region, int64.
struct RegionField {
  std::string_view name, units, description;
  std::int64_t RegionOutcome::*member;
  int since_minor = 0;  // the format minor version that added it: older files lack it
};
inline constexpr std::array<RegionField, 24> region_fields = {{
    {"committed_cents", cents, "Gross commitments, carry-over and diagnostics included",
     &RegionOutcome::committed},
    {"released_cents", cents,
     "Unrealised parts of commitments returned to the envelope at the training's end",
     &RegionOutcome::released},
    {"paid_cents", cents, "Realised parts of commitments, paid after the invoicing lag",
     &RegionOutcome::paid},
    {"unmet_cents", cents, "Envelope share of the dossiers that could not be committed",
     &RegionOutcome::unmet},
    {"demand_cents", cents, "Envelope share of every eligible dossier filed, whatever the envelope",
     &RegionOutcome::demand},
    {"peak_net_demand_cents", cents,
     "Peak over the window of the cumulative filed amounts less the releases back before the deadline: the "
     "envelope that would have refused nothing",
     &RegionOutcome::peak_net_demand},
    {"carryover_committed_cents", cents, "Commitments of the 2020 carry-over stock",
     &RegionOutcome::carryover_committed},
    {"diagnostics_committed_cents", cents, "Commitments of company diagnostics (DIAG GPEC COVID-19)",
     &RegionOutcome::diagnostics_committed},
    {"dossiers_committed", count, "Dossiers committed, carry-over and diagnostics included",
     &RegionOutcome::dossiers_committed},
    {"dossiers_unmet", count, "Dossiers that could not be committed", &RegionOutcome::dossiers_unmet},
    {"dossiers_ineligible", count, "Dossiers no coverage rule applied to on their filing date",
     &RegionOutcome::dossiers_ineligible},
    {"trainees_committed", count, "Trainees of the committed training dossiers",
     &RegionOutcome::trainees_committed},
    {"trainees_unmet", count, "Trainees of the dossiers that could not be committed",
     &RegionOutcome::trainees_unmet},
    {"received_cents", cents,
     "Steering: money received from other regions, the national reserve and the State (format 1.1)",
     &RegionOutcome::received, 1},
    {"given_cents", cents, "Steering: money given to other regions and to the national reserve (format 1.1)",
     &RegionOutcome::given, 1},
    {"available_final_cents", cents,
     "What the region could commit at the deadline: available + received - given (format 1.1)",
     &RegionOutcome::available_final, 1},
    {"lapsed_cents", cents,
     "The part of released_cents that came back after the commitment deadline: the State's again (format 1.3)",
     &RegionOutcome::lapsed, 3},
    {"refused_past_deadline_cents", cents,
     "Envelope share of the trainings refused when filed because they would run past training_end "
     "(training_past_deadline = \"refuse\"; format 1.3)",
     &RegionOutcome::refused_past_deadline, 3},
    {"dossiers_refused_past_deadline", count, "Dossiers so refused (format 1.3)",
     &RegionOutcome::dossiers_refused_past_deadline, 3},
    {"last_payment_day", days, "Day of the region's last payment (art. 7); -1 when it paid nothing (format 1.3)",
     &RegionOutcome::last_payment_day, 3},
    {"review_committed_cents", cents,
     "Financial review (art. 7): gross commitments made by the end of the review date (format 1.3)",
     &RegionOutcome::review_committed, 3},
    {"review_realised_cents", cents,
     "Financial review: the realised part of the trainings committed and ended by then (format 1.3)",
     &RegionOutcome::review_realised, 3},
    {"review_paid_cents", cents, "Financial review: paid by then (format 1.3)", &RegionOutcome::review_paid, 3},
    {"review_trainees", count, "Financial review: trainees of the dossiers committed by then (format 1.3)",
     &RegionOutcome::review_trainees, 3},
}};
// The field named `name`; a name not in the table does not compile.
consteval const RegionField& region_field(std::string_view name) {
  for (const RegionField& field : region_fields)
    if (field.name == name) return field;
  throw "not a field of /replications";
}
inline constexpr std::string_view exhaustion_day_description =
    "First day a dossier of the region was refused; -1 when none was refused within the commitment window";

// /replications/national/<name>: per replication, int64.
struct NationalField {
  std::string_view name, units, description;
  std::int64_t NationalOutcome::*member;
  int since_minor = 0;  // the format minor version that added it: older files lack it
};
inline constexpr std::array<NationalField, 17> national_fields = {{
    {"committed_cents", cents, "Gross commitments, all regions", &NationalOutcome::committed},
    {"released_cents", cents, "Released amounts, all regions", &NationalOutcome::released},
    {"paid_cents", cents, "Paid amounts, all regions", &NationalOutcome::paid},
    {"unmet_cents", cents, "Unmet demand, all regions", &NationalOutcome::unmet},
    {"demand_cents", cents, "Demand, all regions", &NationalOutcome::demand},
    {"additional_needed_cents", cents,
     "Additional allocation a national pool would have needed to refuse nothing: max(0, peak cumulative "
     "national "
     "net demand - total available)",
     &NationalOutcome::additional_needed},
    {"complementary_received_cents", cents,
     "Steering: complementary State allocation handed to the regions (format 1.1)",
     &NationalOutcome::complementary_received, 1},
    {"reserve_unused_cents", cents, "Steering: national reserve never handed out (format 1.1)",
     &NationalOutcome::reserve_unused, 1},
    {"lapsed_cents", cents, "Released after the commitment deadline, all regions (format 1.3)",
     &NationalOutcome::lapsed, 3},
    {"refused_past_deadline_cents", cents,
     "Trainings refused for running past training_end, all regions (format 1.3)",
     &NationalOutcome::refused_past_deadline, 3},
    {"dossiers_refused_past_deadline", count, "Dossiers so refused, all regions (format 1.3)",
     &NationalOutcome::dossiers_refused_past_deadline, 3},
    {"unspent_cents", cents,
     "Art. 7 settlement: what goes back to the State, sum of available_final_cents plus reserve_unused_cents "
     "less paid_cents; unspent + paid = total available + complementary received (format 1.3)",
     &NationalOutcome::unspent, 3},
    {"last_payment_day", days, "Day of the last payment, all regions; -1 when nothing was paid (format 1.3)",
     &NationalOutcome::last_payment_day, 3},
    {"review_committed_cents", cents, "Financial review: gross commitments by the review date (format 1.3)",
     &NationalOutcome::review_committed, 3},
    {"review_realised_cents", cents, "Financial review: realised by then (format 1.3)",
     &NationalOutcome::review_realised, 3},
    {"review_paid_cents", cents, "Financial review: paid by then (format 1.3)", &NationalOutcome::review_paid, 3},
    {"review_trainees", count, "Financial review: trainees committed by then (format 1.3)",
     &NationalOutcome::review_trainees, 3},
}};
// The field named `name`; a name not in the table does not compile.
consteval const NationalField& national_field(std::string_view name) {
  for (const NationalField& field : national_fields)
    if (field.name == name) return field;
  throw "not a field of /replications/national";
}
inline constexpr std::string_view additional_needed_day_description =
    "First day the national pool falls short; -1 when it never does within the commitment window";

// Format 1.2: what was drawn for each replication's assumptions (sim/outcome.hpp).
inline constexpr std::string_view uptake_description =
    "Multiplier of the region's expected arrivals drawn for the replication (national x regional factors, or "
    "the uptake learnt from actuals) (format 1.2)";
inline constexpr std::string_view dossier_variance_description =
    "Sum over the replication's simulated dossiers (training, diagnostics, carry-over; not those observed) of "
    "their envelope share squared: given the replication's drawn assumptions, an unbiased estimate of the "
    "variance the dossiers' own randomness adds to national demand (format 1.2)";

// /summary/regions and /summary/national: each estimate is four datasets,
// <base>_mean, _se, _ci_low, _ci_high, with "_eur" appended for amounts.
inline constexpr std::array<std::string_view, 4> estimate_statistics = {"mean", "se", "ci_low", "ci_high"};
inline constexpr std::array<std::string_view, 4> estimate_statistic_descriptions = {
    "mean over replications", "Monte-Carlo standard error of the mean",
    "lower bound of the two-sided Student-t interval at the root's confidence_level",
    "upper bound of the two-sided Student-t interval at the root's confidence_level"};

inline std::string estimate_name(std::string_view base, std::string_view statistic, std::string_view units) {
  std::string name(base);
  name += '_';
  name += statistic;
  if (units == eur) name += "_eur";
  return name;
}

struct RegionEstimate {
  std::string_view base, units, description;
  MeanEstimate RegionSummary::*member;
};
inline constexpr std::array<RegionEstimate, 12> region_estimates = {{
    {"p_exhausted", probability,
     "Probability that the region refuses a dossier before the commitment deadline",
     &RegionSummary::p_exhausted},
    {"committed", eur, "Gross commitments", &RegionSummary::committed_eur},
    {"released", eur, "Released amounts", &RegionSummary::released_eur},
    {"paid", eur, "Paid amounts", &RegionSummary::paid_eur},
    {"unmet", eur, "Unmet demand", &RegionSummary::unmet_eur},
    {"demand", eur, "Demand", &RegionSummary::demand_eur},
    {"peak_net_demand", eur, "Peak net demand (the envelope that would have refused nothing)",
     &RegionSummary::peak_net_demand_eur},
    {"dossiers_committed", count, "Dossiers committed", &RegionSummary::dossiers_committed},
    {"dossiers_unmet", count, "Dossiers unmet", &RegionSummary::dossiers_unmet},
    {"dossiers_ineligible", count, "Dossiers ineligible", &RegionSummary::dossiers_ineligible},
    {"trainees_committed", count, "Trainees committed", &RegionSummary::trainees_committed},
    {"trainees_unmet", count, "Trainees unmet", &RegionSummary::trainees_unmet},
}};

struct NationalEstimate {
  std::string_view base, units, description;
  MeanEstimate NationalSummary::*member;
};
inline constexpr std::array<NationalEstimate, 7> national_estimates = {{
    {"committed", eur, "Gross commitments, all regions", &NationalSummary::committed_eur},
    {"released", eur, "Released amounts, all regions", &NationalSummary::released_eur},
    {"paid", eur, "Paid amounts, all regions", &NationalSummary::paid_eur},
    {"unmet", eur, "Unmet demand, all regions", &NationalSummary::unmet_eur},
    {"demand", eur, "Demand, all regions", &NationalSummary::demand_eur},
    {"additional_needed", eur, "Additional allocation needed by a national pool",
     &NationalSummary::additional_needed_eur},
    {"p_additional_needed", probability, "Probability that an additional allocation is needed",
     &NationalSummary::p_additional_needed},
}};

}  // namespace fnesim::run_layout
