#include "results/run_file_actuals.hpp"

#include <limits>
#include <vector>

#include "results/hdf5.hpp"
#include "results/run_file_layout.hpp"

namespace fnesim {

namespace {

namespace layout = run_layout;

// The multipliers on the scenario's expected arrivals have no unit; a
// parameter's value is in the unit of its scenario key (EUR, trainees).
constexpr std::string_view factor = layout::factor;
constexpr std::string_view scenario_units = layout::scenario_units;

hdf5::Meta meta(std::string_view units, std::string_view description, std::string_view dimensions = {}) {
  return {std::string(units), std::string(description), std::string(dimensions)};
}

}  // namespace

void write_actuals_group(hdf5::File& file, const ActualsReport& report, std::string_view actuals_sha256,
                         Date commitment_start) {
  hdf5::Group group = file.create_group(
      "actuals", "The forecast started from actuals at a cut-off: what was observed and what was learnt");
  group.set_string_attribute("as_of", report.as_of.iso());
  group.set_string_attribute("last_day", report.last_day.iso());
  group.set_string_attribute("file", report.file);
  group.set_string_attribute("sha256", actuals_sha256);
  group.set_string_attribute("layout", actuals_layout_keys[static_cast<std::size_t>(report.layout)]);
  group.set_attribute<std::int32_t>("national", report.national ? 1 : 0);
  group.set_attribute<std::int64_t>("rows", report.rows);
  group.set_attribute<std::int64_t>("rows_after_cut_off", report.rows_after_cut_off);
  group.set_attribute<std::int32_t>("particles", report.particles);  // format 1.2
  group.set_attribute<double>("effective_particles", report.effective_particles);

  std::vector<std::int64_t> dossiers, trainees, committed, carryover;
  std::vector<double> expected, prior_mean, prior_cv, shape, rate, mean, q05, q95;
  for (const RegionLearning& l : report.regions) {
    dossiers.push_back(l.dossiers);
    trainees.push_back(l.trainees);
    committed.push_back(l.committed);
    carryover.push_back(l.carryover);
    expected.push_back(l.expected_dossiers);
    prior_mean.push_back(l.prior_mean);
    prior_cv.push_back(l.prior_cv);
    shape.push_back(l.posterior_shape);
    rate.push_back(l.posterior_rate);
    mean.push_back(l.posterior_mean());
    q05.push_back(l.posterior_quantile(0.05));
    q95.push_back(l.posterior_quantile(0.95));
  }
  const std::vector<hsize_t> per_region{report.regions.size()};
  group.write<std::int64_t>(
      "observed_dossiers", dossiers, per_region,
      meta(layout::count,
           "Dossiers filed in the window before the cut-off, diagnostics included, carry-over "
           "excluded (national aggregates: the split at uptake 1, by the arrivals expected of each region; "
           "each replication splits them again by its own draws: /replications/national_past)",
           "region"));
  group.write<std::int64_t>("observed_trainees", trainees, per_region,
                            meta(layout::count, "Trainees of those dossiers", "region"));
  group.write<std::int64_t>(
      "observed_committed_cents", committed, per_region,
      meta(layout::cents, "Everything committed before the cut-off, carry-over included", "region"));
  group.write<std::int64_t>("carryover_committed_cents", carryover, per_region,
                            meta(layout::cents, "Of which the 2020 carry-over", "region"));
  group.write<double>(
      "expected_dossiers", expected, per_region,
      meta(layout::count, "Eligible dossiers the scenario expects before the cut-off at uptake 1", "region"));
  group.write<double>("uptake_prior_mean", prior_mean, per_region,
                      meta(factor, "Prior mean of the uptake multiplier", "region"));
  group.write<double>("uptake_prior_cv", prior_cv, per_region,
                      meta(factor, "Prior coefficient of variation of the uptake multiplier", "region"));
  group.write<double>(
      "uptake_posterior_shape", shape, per_region,
      meta(factor,
           "Shape of the Gamma posterior of the uptake multiplier, learnt under the stated assumptions: what "
           "the run drew from, but with uncertain assumptions, where each replication draws from the "
           "posterior "
           "under its particle",
           "region"));
  group.write<double>("uptake_posterior_rate", rate, per_region,
                      meta(factor, "Rate of that Gamma posterior (mean = shape / rate)", "region"));
  group.write<double>("uptake_posterior_mean", mean, per_region,
                      meta(factor, "Posterior mean of the uptake multiplier", "region"));
  group.write<double>("uptake_posterior_q05", q05, per_region,
                      meta(factor, "5 % quantile of the posterior", "region"));
  group.write<double>("uptake_posterior_q95", q95, per_region,
                      meta(factor, "95 % quantile of the posterior", "region"));

  {
    const CommonLearning& c = report.common;
    hdf5::Group common = group.create_group("common", "The factor common to every region");
    common.write_scalar<std::int64_t>("observed_dossiers", c.dossiers,
                                      meta(layout::count, "Dossiers filed before the cut-off, all regions"));
    common.write_scalar<double>(
        "expected_dossiers", c.expected_dossiers,
        meta(layout::count, "Eligible dossiers expected before the cut-off, all regions"));
    common.write_scalar<double>("prior_cv", c.prior_cv,
                                meta(factor, "Prior CV of the common factor (mean 1)"));
    common.write_scalar<double>("posterior_mean", c.posterior_mean, meta(factor, "Its posterior mean"));
    common.write_scalar<double>("posterior_cv", c.posterior_cv, meta(factor, "Its posterior CV"));
    common.write_scalar<double>("posterior_q05", c.posterior_q05, meta(factor, "Its posterior 5 % quantile"));
    common.write_scalar<double>("posterior_q95", c.posterior_q95,
                                meta(factor, "Its posterior 95 % quantile"));
  }
  {
    hdf5::Group parameters = group.create_group("parameters", "Demand parameters learnt from the actuals");
    std::vector<std::string> names, notes;
    std::vector<std::int64_t> counts;
    std::vector<double> prior, observed, posterior, log_sd;
    std::vector<std::int32_t> updated;
    for (const ParameterLearning& p : report.parameters) {
      names.push_back(p.parameter);
      notes.push_back(p.note);
      counts.push_back(p.dossiers);
      prior.push_back(p.prior);
      observed.push_back(p.observed.value_or(std::numeric_limits<double>::quiet_NaN()));
      posterior.push_back(p.posterior);
      log_sd.push_back(p.log_sd);
      updated.push_back(p.updated ? 1 : 0);
    }
    const std::vector<hsize_t> shape_p{report.parameters.size()};
    parameters.write_strings("name", names, meta(layout::label, "The scenario key", "parameter"));
    parameters.write<std::int64_t>(
        "dossiers", counts, shape_p,
        meta(layout::count, "Training dossiers the estimate rests on", "parameter"));
    parameters.write<double>("scenario", prior, shape_p,
                             meta(scenario_units, "The scenario's value (the prior)", "parameter"));
    parameters.write<double>(
        "observed", observed, shape_p,
        meta(scenario_units, "The actuals' estimate; NaN when they give none", "parameter"));
    parameters.write<double>("forecast", posterior, shape_p,
                             meta(scenario_units, "The value the run used", "parameter"));
    parameters.write<double>(
        "log_sd", log_sd, shape_p,
        meta(factor,
             "Since 1.10: the standard deviation of ln(forecast) drawn per replication "
             "about it — the error of "
             "the value learnt (/replications/cost_factor), or for a value kept for want of "
             "data of the scenario's figure weighing 50 dossiers; 0 when the scenario fixes it",
             "parameter"));
    parameters.write<std::int32_t>("updated", updated, shape_p,
                                   meta(layout::count, "1 when the run used a learnt value", "parameter"));
    parameters.write_strings("note", notes,
                             meta(layout::text, "How it was estimated, or why it was kept", "parameter"));
  }
  {
    hdf5::Group check = group.create_group(
        "prior_predictive",
        "The national monthly counts of eligible arrivals observed before the cut-off against the scenario's prior "
        "predictive, month by month then all months together (format 1.2)");
    std::vector<std::string> months;
    std::vector<std::int64_t> observed, low, high;
    std::vector<double> expected;
    std::vector<std::int32_t> cumulative, outside;
    for (const PriorPredictiveMonth& m : report.prior_predictive) {
      months.push_back(add_months(commitment_start, m.month).year_month());
      observed.push_back(m.observed);
      low.push_back(m.low);
      high.push_back(m.high);
      expected.push_back(m.expected);
      cumulative.push_back(m.cumulative ? 1 : 0);
      outside.push_back(m.outside() ? 1 : 0);
    }
    const std::vector<hsize_t> rows{report.prior_predictive.size()};
    const auto dims = "row";
    check.write_strings(
        "month", months,
        meta(layout::label, "Calendar month, YYYY-MM; for the cumulative row, the last month it adds up", dims));
    check.write<std::int64_t>(
        "observed", observed, rows,
        meta(layout::count, "Eligible dossiers observed (2021 filings, carry-over excluded) before the cut-off",
             dims));
    check.write<std::int64_t>("low", low, rows,
                              meta(layout::count, "2.5 % quantile of the prior predictive", dims));
    check.write<std::int64_t>("high", high, rows,
                              meta(layout::count, "97.5 % quantile of the prior predictive", dims));
    check.write<double>("expected", expected, rows, meta(layout::count, "Mean of the prior predictive", dims));
    check.write<std::int32_t>(
        "cumulative", cumulative, rows,
        meta(layout::count, "1 for the row of every month before the cut-off together, 0 for one month", dims));
    check.write<std::int32_t>(
        "outside", outside, rows,
        meta(layout::count,
             "1 when the observed count lies outside [low, high]: the scenario probably misstates it", dims));
    // Format 1.13: how often the prior's own years stray as far in their most extreme row.
    check.set_attribute<double>("chance_as_far_off", report.prior_predictive_chance);
  }
}

}  // namespace fnesim
