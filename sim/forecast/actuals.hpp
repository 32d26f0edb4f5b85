#pragma once
// Actuals: what was observed of the convention up to some date — one row per
// committed dossier, or monthly aggregates per region or for the whole
// country (docs/actuals-format.md) — and the forecast that starts from them
// (`fnesim run --actuals FILE --as-of DATE`): the observed ledger at the
// cut-off, each region's uptake learnt from its observed arrivals, and the
// cost and trainee parameters learnt where enough dossiers were observed.
#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/calendar.hpp"
#include "models/money.hpp"
#include "sim/diagnostics.hpp"
#include "sim/forecast/particles.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim {

enum class ActualsLayout { Dossiers, Monthly };
inline constexpr std::array<std::string_view, 2> actuals_layout_keys = {"dossiers", "monthly"};

// One committed dossier (dossier layout).
struct ActualDossier {
  Date filing_date;
  int region = 0;  // index in the scenario's region order
  // Filed before the commitment start: the 2020 stock the convention took over
  // (art. 7). It is committed on the first day and is not an arrival of 2021.
  bool carryover = false;
  bool diagnostic = false;  // DIAG GPEC COVID-19 (art. 3): pathway `diagnostic`
  int cell = -1;            // mix_cell() of a 2021 training dossier; -1 otherwise
  long headcount = 0;       // the company's headcount, or its size class's representative one
  std::int64_t trainees = 0;
  Cents committed = 0;
  // Known once the training ended: the realised amount (the rest was released).
  std::optional<Date> end_date;
  std::optional<Cents> realised;
};

inline constexpr int national_region = -1;

// One month of one region, or of the whole country (monthly layout).
struct MonthlyActual {
  Date month;                    // its first day
  int region = national_region;  // or an index in the scenario's region order
  std::int64_t dossiers = 0;     // all dossiers filed in the month, diagnostics included
  std::int64_t trainees = 0;
  Cents committed = 0;
};

struct Actuals {
  std::string file;     // as the user named it
  std::string content;  // the file's bytes: output files record their SHA-256
  ActualsLayout layout = ActualsLayout::Dossiers;
  std::vector<ActualDossier> dossiers;  // dossier layout, in file order
  std::vector<MonthlyActual> months;    // monthly layout, in file order
  bool national = false;                // monthly layout with `national` rows
  // The actuals are complete through the end of the last month they mention,
  // or through the day the user stated (--through).
  Date last_day;
  bool last_day_stated = false;
  // Likely slips of units (amounts typed in thousands or millions of euros):
  // the file loads, and these are said with the forecast and kept in its run file.
  std::vector<Diagnostic> warnings;
};

// Every problem of an actuals file, thrown at once (sim/diagnostics.hpp's
// shape: `file:line:column: column_name: message`); nothing is partially loaded.
class ActualsError : public InputError {
 public:
  using InputError::InputError;
};

// Reads and validates an actuals file against the scenario (its regions,
// window and coverage rules). Rows after any cut-off are kept: a backtest
// compares forecasts with them. Actuals are then used with that scenario only
// (region indices, coverage).
Actuals read_actuals(const std::filesystem::path& path, const Scenario& scenario);
Actuals parse_actuals(std::string_view text, const std::string& display_name, const Scenario& scenario);

// The actuals are complete through `through`, a day of their last month,
// whose figures are then month to date: a monthly file cannot say it was
// taken mid-month, and read through the month's end it would count the days
// after `through` as days without dossiers. Throws BadRequest, naming
// `option` (`--through`, the workbench's field), when `through` is in another
// month or a dossier was filed after it.
void set_complete_through(Actuals& actuals, Date through, std::string_view option);

// Whether `rule` gives the envelope a share of a dossier's costs as the
// scenario splits them (art. 2, 6): not when none of the components it pays
// is in the split (all remuneration), its rate is 0 or its cap 0. The reader
// accepts a commitment of 0 EUR only under such a rule, and the costs learnt
// leave those dossiers out: one test, so that the two cannot disagree.
bool rule_funds_some_cost(const Scenario& scenario, const CoverageRule& rule);

// What the actuals taught about one region's uptake multiplier (the factor on
// the scenario's expected arrivals, national and regional together).
struct RegionLearning {
  std::int64_t dossiers = 0;  // filed in 2021 before the cut-off, carry-over excluded
  std::int64_t trainees = 0;
  Cents committed = 0;  // everything committed before the cut-off, carry-over included
  // Of it, released before the cut-off by trainings the actuals show ended
  // (their realised amount known): money the region could commit again.
  Cents released = 0;
  Cents carryover = 0;
  std::int64_t carryover_dossiers = 0;  // the carry-over's, not among `dossiers`
  // The scenario's expected count of eligible arrivals before the cut-off
  // (training dossiers a coverage rule applied to, and diagnostics).
  double expected_dossiers = 0;
  bool own_counts = false;  // false: a national aggregate, learnt through the national picture only
  double prior_mean = 1, prior_cv = 0;
  double posterior_shape = 0, posterior_rate = 0;  // Gamma, mean shape / rate
  double posterior_mean() const { return posterior_shape / posterior_rate; }
  double posterior_cv() const;
  double posterior_quantile(double probability) const;
};

// The factor common to every region (docs/forecasting.md, "Uptake").
struct CommonLearning {
  std::int64_t dossiers = 0;
  double expected_dossiers = 0;
  double prior_cv = 0;
  double posterior_mean = 1, posterior_cv = 0;
  double posterior_q05 = 1, posterior_q95 = 1;
};

// A demand parameter the actuals updated, or could not.
struct ParameterLearning {
  std::string parameter;           // the scenario key, e.g. "cost_per_trainee.mean_eur.covid_specific"
  std::int64_t dossiers = 0;       // training dossiers the estimate rests on
  double prior = 0;                // the scenario's value
  std::optional<double> observed;  // the actuals' estimate, when they give one
  double posterior = 0;            // the value the forecast uses
  // The standard deviation of ln(value) drawn per replication about it: its
  // error given the dossiers it rests on, or, kept for want of them, that of
  // the 50 dossiers the scenario's figure weighs; 0 when the scenario fixes
  // it or its [uncertainty] draws it.
  double log_sd = 0;
  bool updated = false;
  std::string note;  // why it was not updated, or how it was estimated
};

struct ActualsReport {
  std::string file;
  ActualsLayout layout = ActualsLayout::Dossiers;
  bool national = false;
  Date as_of;     // the first day simulated
  Date last_day;  // the actuals are complete through it
  bool last_day_stated = false;  // by the user (--through), not taken from the last month mentioned
  bool month_to_date = false;  // the cut-off falls in a monthly file's last month, read as month to date
  std::int64_t rows = 0, rows_after_cut_off = 0;
  std::vector<RegionLearning> regions;  // in the scenario's region order
  CommonLearning common;
  std::vector<ParameterLearning> parameters;
  // The observed monthly counts against the scenario's prior (docs/forecasting.md,
  // "Prior-predictive check"), each band missed listed.
  std::vector<PriorPredictiveMonth> prior_predictive;
  // The chance, were the scenario right, that a year's counts stray as far
  // from those bands as these in their most extreme band
  // (PriorPredictiveBandSet::chance_as_far_off). 1 when unchecked.
  double prior_predictive_chance = 1.0;
  // Some band missed, and as far as under 5 % of the scenario's own years stray:
  // the scenario is then probably wrong.
  bool prior_predictive_failed() const {
    return prior_check_fails(std::any_of(prior_predictive.begin(), prior_predictive.end(),
                                         [](const PriorPredictiveMonth& m) { return m.outside(); }),
                             prior_predictive_chance);
  }
  // With uncertain assumptions: the draws weighed, and how many of them the weights leave in effect.
  int particles = 0;
  double effective_particles = 0;
  // What this cut-off alone says (a region committed beyond its ceiling), also
  // among the conditioned scenario's warnings; a backtest's cut-offs each have theirs.
  std::vector<Diagnostic> warnings;
};

struct ConditionedScenario {
  Scenario scenario;  // forecast_start set, demand parameters updated
  ActualsReport report;
};

// Whether to hold the actuals against the scenario's prior
// (ActualsReport::prior_predictive). `recommend`, re-simulating a run file's
// forecast, reports none: its 2 000 draws, a third of what conditioning
// costs, would be thrown away.
enum class PriorPredictiveCheck { Run, Skip };

// Starts the scenario from the actuals at the cut-off `as_of`, the first day
// simulated: every dossier filed before it is observed. Throws ActualsError
// for a cut-off the actuals cannot support (outside the commitment window,
// after they end, or inside a month a monthly file gives whole). `bands`, kept
// by the caller for this scenario, holds the check's bands between calls.
ConditionedScenario condition_on_actuals(const Scenario& scenario, const Actuals& actuals, Date as_of,
                                         PriorPredictiveCheck check = PriorPredictiveCheck::Run,
                                         PriorPredictiveBands* bands = nullptr);
// A cut-off's place: after the commitment start (a forecast from it would
// have nothing observed) and no later than the commitment end. What is wrong
// with `as_of`, or "" when nothing is.
std::string cut_off_outside_window(const Convention& convention, Date as_of);
// What condition_on_actuals checks first: a cut-off in the commitment window,
// no later than the day after the actuals end, and one a monthly file can
// give (the first of a month, or in its last month). Throws ActualsError.
void check_cut_off(const Scenario& scenario, const Actuals& actuals, Date as_of);

}  // namespace fnesim
