// RunFileWriter: writes the inputs, streams replications into the run file in
// chunks, and renames the file into place once complete (layout:
// docs/hdf5-format.md). The end-of-run breakdowns and summary are
// run_file_summary_writer.cpp.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>

#include "fnesim_git_revision.hpp"
#include "fnesim_version.hpp"
#include "models/categories.hpp"
#include "results/format.hpp"
#include "results/output_file.hpp"
#include "results/run_file_actuals.hpp"
#include "results/run_file_writer_impl.hpp"
#include "results/sha256.hpp"
#include "sim/errors.hpp"
#include "sim/rng.hpp"

namespace fnesim {

namespace fs = std::filesystem;
namespace layout = run_layout;

namespace {

constexpr int trajectory_deflate_level = 4;  // zlib: most of the gain, a fraction of level 9's time
constexpr int replication_deflate_level = 4;

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// /replications/national_past's datasets, per replication × month × region,
// in the order of RunFileWriter::Impl::past.
struct NationalPastField {
  std::string_view name, units, description;
  std::int64_t NationalShare::*member;
};
constexpr std::array<NationalPastField, 3> national_past_fields{{
    {"dossiers", layout::count, "The month's dossiers the replication gave the region",
     &NationalShare::dossiers},
    {"trainees", layout::count, "The month's trainees the replication gave the region",
     &NationalShare::trainees},
    {"committed_cents", layout::cents, "The month's commitments the replication gave the region",
     &NationalShare::committed},
}};

std::vector<std::string> month_labels(const Simulator& simulator) {
  std::vector<std::string> labels;
  for (int m = 0; m < simulator.month_count(); ++m) labels.push_back(simulator.month_start(m).year_month());
  return labels;
}

}  // namespace

void RunFileWriter::Impl::create() {
  const Scenario& scenario = simulator->scenario();
  const Convention& conv = scenario.convention;
  file = hdf5::File::create(temporary);

  file.set_string_attribute("filetype", run_file_type);
  const std::int32_t version[] = {run_format_major, run_format_minor};
  file.set_attribute<std::int32_t>("format_version", version);
  file.set_string_attribute("fnesim_version", version_string);
  file.set_string_attribute("git_revision", git_revision);
  file.set_attribute<std::uint64_t>("seed", seed);
  file.set_string_attribute("stream_scheme", stream_scheme);
  file.set_string_attribute("scenario_sha256", sha256_hex(scenario_identity(scenario.resolved_toml)));
  file.set_string_attribute("scenario_name", scenario.name);
  file.set_attribute<double>("confidence_level", scenario.run.confidence_level);
  file.set_string_attribute(
      "exhaustion_policy",
      exhaustion_policy_keys[static_cast<std::size_t>(scenario.demand.exhaustion_policy)]);
  file.set_attribute<double>("overcommit_margin", scenario.demand.overcommit_margin);
  file.set_string_attribute("commitment_start", conv.commitment_start.iso());
  file.set_attribute<std::int32_t>("window_days", simulator->window_days());

  {
    hdf5::Group group = file.create_group("scenario", "The scenario as run");
    group.write_string(
        "resolved_toml", scenario.resolved_toml,
        meta(layout::text,
             "The scenario's TOML text with every `extends` resolved; "
             "scenario_sha256 on the root is the SHA-256 of all but its first line (the files read) and "
             "its [run] table (how it was run)"));
    group.write_strings(
        "source_files", scenario.source_files,
        meta(layout::text, "The files the scenario came from, the one named by the user first", "file"));
    // A likely slip of units loads with a warning on standard error only: the
    // file keeps it, for whoever reads the results without the terminal.
    std::vector<std::string> warnings;
    for (const Diagnostic& warning : scenario.warnings) warnings.push_back(warning.to_string());
    group.write_strings(
        "warnings", warnings,
        meta(layout::text, "What loading the scenario warned of, as the command said it", "warning"));
  }
  {
    hdf5::Group group = file.create_group("regions", "The regional envelopes, in scenario order");
    std::vector<std::string> codes, names;
    std::vector<std::int64_t> envelope, available, fees;
    for (std::size_t r = 0; r < conv.regions.size(); ++r) {
      codes.push_back(conv.regions[r].code);
      names.push_back(conv.regions[r].name);
      envelope.push_back(conv.regions[r].envelope);
      available.push_back(conv.available(r));
      fees.push_back(conv.fees(r));
    }
    const std::vector<hsize_t> shape{static_cast<hsize_t>(regions)};
    group.write_strings("code", codes, meta(layout::label, "Region key used in scenario files", "region"));
    group.write_strings("name", names, meta(layout::label, "Region name", "region"));
    group.write<std::int64_t>("envelope_cents", envelope, shape,
                              meta(layout::cents, "Regional envelope (annex of the convention)", "region"));
    group.write<std::int64_t>(
        "available_cents", available, shape,
        meta(layout::cents, "What the region may commit: its envelope less its fees", "region"));
    group.write<std::int64_t>(
        "fees_cents", fees, shape,
        meta(layout::cents, "Management fees withheld from the region (0 in national mode)", "region"));
  }
  if (options.actuals)
    write_actuals_group(file, *options.actuals, options.actuals_sha256, conv.commitment_start);

  const hsize_t chunk = static_cast<hsize_t>(options.chunk_replications);
  const std::vector<hsize_t> per_region{static_cast<hsize_t>(regions)};
  {
    hdf5::Group group = file.create_group("replications", "One row per replication, in index order from 0");
    exhaustion_day = group.create_extendible<std::int32_t>(
        "exhaustion_day", per_region, chunk, replication_deflate_level,
        meta(layout::days, layout::exhaustion_day_description, "replication × region"));
    for (const layout::RegionField& field : layout::region_fields)
      region_datasets.push_back(group.create_extendible<std::int64_t>(
          field.name, per_region, chunk, replication_deflate_level,
          meta(field.units, field.description, "replication × region")));
    uptake = group.create_extendible<double>("uptake", per_region, chunk, replication_deflate_level,
                                             meta(layout::factor, layout::uptake_description, "replication × region"));
    const ForecastStart* start = scenario.forecast_start ? &*scenario.forecast_start : nullptr;
    cost_factors = start != nullptr && start->learnt_money_uncertain();
    if (cost_factors) {
      constexpr std::string_view description =
          "Forecast from actuals (format 1.10): the factor each pathway's mean cost per trainee was "
          "multiplied by in the replication, the error of the costs and trainees per dossier learnt from the "
          "actuals, or kept for want of them, drawn (mean 1; attribute `columns` the pathways, `weights` "
          "each one's share of the money "
          "expected, by which /summary/spread's learnt_costs averages them)";
      cost_factor = group.create_extendible<double>(
          "cost_factor", {static_cast<hsize_t>(pathway_count)}, chunk, replication_deflate_level,
          meta(layout::factor, description, "replication × pathway"));
      std::vector<std::string> pathways;
      for (std::string_view key : pathway_keys) pathways.emplace_back(key);
      cost_factor.set_string_list_attribute("columns", pathways);
      cost_factor.set_attribute<double>("weights", std::span<const double>(start->cost_weight));
    }
    if (start != nullptr && !start->national_rows.empty()) create_national_past(group, *start, chunk);
    hdf5::Group national = group.create_group("national", "Per replication, all regions together");
    for (const layout::NationalField& field : layout::national_fields)
      national_datasets.push_back(
          national.create_extendible<std::int64_t>(field.name, {}, chunk, replication_deflate_level,
                                                   meta(field.units, field.description, "replication")));
    additional_needed_day = national.create_extendible<std::int32_t>(
        "additional_needed_day", {}, chunk, replication_deflate_level,
        meta(layout::days, layout::additional_needed_day_description, "replication"));
    dossier_variance = national.create_extendible<double>(
        "dossier_variance_eur2", {}, chunk, replication_deflate_level,
        meta(layout::eur_squared, layout::dossier_variance_description, "replication"));
  }
  if (scenario.uncertainty.any() || !scenario.events.empty()) create_uncertainty(chunk);
  if (options.trajectories) {
    hdf5::Group group = file.create_group("trajectories", "Monthly amounts of every replication");
    group.write_strings("month", month_labels(*simulator),
                        meta(layout::label, "Calendar month, YYYY-MM", "month"));
    const std::vector<hsize_t> row{static_cast<hsize_t>(regions), static_cast<hsize_t>(months)};
    monthly_commitments = group.create_extendible<std::int64_t>(
        "monthly_commitments_cents", row, chunk, trajectory_deflate_level,
        meta(layout::cents, "Gross commitments made in the month", "replication × region × month"));
    monthly_payments = group.create_extendible<std::int64_t>(
        "monthly_payments_cents", row, chunk, trajectory_deflate_level,
        meta(layout::cents, "Payments made in the month", "replication × region × month"));
  }

  steering = scenario.steering.has_value();
  if (steering) {
    hdf5::Group group = file.create_group(
        "steering",
        "Every movement of money by the steering committee, one row per move, in replication order (the "
        "policy is the scenario's [steering] section)");
    const auto dims = "move";
    // Moves come in uneven numbers per replication: a fixed chunk of rows, appended as they come.
    const hsize_t move_chunk = 4096;
    move_replication =
        group.create_extendible<std::int64_t>("replication", {}, move_chunk, replication_deflate_level,
                                              meta(layout::count, "Replication of the move", dims));
    move_day = group.create_extendible<std::int32_t>("day", {}, move_chunk, replication_deflate_level,
                                                     meta(layout::days, "Day of the move", dims));
    move_from = group.create_extendible<std::int32_t>(
        "from_region", {}, move_chunk, replication_deflate_level,
        meta(layout::label, "Region index giving the money; -1 the national reserve, -2 the State", dims));
    move_to = group.create_extendible<std::int32_t>(
        "to_region", {}, move_chunk, replication_deflate_level,
        meta(layout::label, "Region index receiving the money; -1 the national reserve", dims));
    move_amount = group.create_extendible<std::int64_t>(
        "amount_cents", {}, move_chunk, replication_deflate_level, meta(layout::cents, "Amount moved", dims));
  }

  if (scenario.financing) create_financing(chunk);

  const auto rows = static_cast<std::size_t>(options.chunk_replications);
  region_buffers.assign(layout::region_fields.size(), {});
  for (auto& b : region_buffers) b.reserve(rows * static_cast<std::size_t>(regions));
  exhaustion_buffer.reserve(rows * static_cast<std::size_t>(regions));
  national_buffers.assign(layout::national_fields.size(), {});
  for (auto& b : national_buffers) b.reserve(rows);
  additional_day_buffer.reserve(rows);
  if (options.trajectories) {
    commitments_buffer.reserve(rows * static_cast<std::size_t>(regions * months));
    payments_buffer.reserve(rows * static_cast<std::size_t>(regions * months));
  }
  uptake_buffer.reserve(rows * static_cast<std::size_t>(regions));
  dossier_variance_buffer.reserve(rows);
  parameters_buffer.reserve(rows * parameter_count);
  if (profile) profile_buffer.reserve(rows * 12);
  if (drift) drift_buffer.reserve(rows * static_cast<std::size_t>(months));
  if (particles) particle_buffer.reserve(rows);
  if (jumps) jumps_buffer.reserve(rows);
  if (cost_factors) cost_factor_buffer.reserve(rows * pathway_count);
  for (auto& buffer : past_buffers)
    buffer.reserve(rows * national_months * static_cast<std::size_t>(regions));
  committed_by_cell_sum.assign(static_cast<std::size_t>(regions * mix_cell_count), 0);
  trainees_by_cell_sum.assign(static_cast<std::size_t>(regions * mix_cell_count), 0);
}

void RunFileWriter::Impl::create_national_past(hdf5::Group& replications, const ForecastStart& start,
                                               hsize_t chunk) {
  national_months = start.national_rows.size();
  hdf5::Group group = replications.create_group(
      "national_past",
      "Forecast from national totals (format 1.11): which region filed each national month's figures is not "
      "known, and each replication shares them out by its own draws (docs/forecasting.md §2); here as it "
      "did. "
      "Summed over the regions, each replication's row gives the month's national figures, month_*");
  // A national row's month: that of any of its lumps (a region expected none has none).
  std::vector<std::string> labels(national_months);
  const Date start_day = simulator->scenario().convention.commitment_start;
  for (const ObservedDossier& o : start.dossiers)
    if (o.national_row >= 0)
      labels[static_cast<std::size_t>(o.national_row)] = start_day.plus_days(o.first_filing_day).year_month();
  for (const std::string& label : labels)
    if (label.empty())
      throw InvariantError("run file: a national month with no region's part in the forecast's start");
  group.write_strings("month", labels,
                      meta(layout::label, "The national months, YYYY-MM, in order", "month"));
  std::vector<std::int64_t> dossiers, trainees, committed;
  for (const ForecastStart::NationalRow& row : start.national_rows) {
    dossiers.push_back(row.dossiers);
    trainees.push_back(row.trainees);
    committed.push_back(row.committed);
  }
  const std::vector<hsize_t> per_month{static_cast<hsize_t>(national_months)};
  group.write<std::int64_t>("month_dossiers", dossiers, per_month,
                            meta(layout::count, "The month's dossiers in the national file", "month"));
  group.write<std::int64_t>("month_trainees", trainees, per_month,
                            meta(layout::count, "The month's trainees in the national file", "month"));
  group.write<std::int64_t>("month_committed_cents", committed, per_month,
                            meta(layout::cents, "The month's commitments in the national file", "month"));
  const std::vector<hsize_t> row_shape{static_cast<hsize_t>(national_months), static_cast<hsize_t>(regions)};
  for (std::size_t f = 0; f < national_past_fields.size(); ++f)
    past[f] = group.create_extendible<std::int64_t>(
        national_past_fields[f].name, row_shape, chunk, replication_deflate_level,
        meta(national_past_fields[f].units, national_past_fields[f].description,
             "replication × month × region"));
}

void RunFileWriter::Impl::create_uncertainty(hsize_t chunk) {
  const Scenario& scenario = simulator->scenario();
  const UncertaintyModel& model = scenario.uncertainty;
  const ForecastStart* start = scenario.forecast_start ? &*scenario.forecast_start : nullptr;
  uncertainty = true;
  parameter_count = model.parameters.size();
  profile = model.profile_uncertain();
  drift = model.drifts();
  jumps = model.jump_probability > 0;
  particles = start != nullptr && !start->particles.empty();

  hdf5::Group group = file.create_group(
      "uncertainty",
      "What was drawn for each replication's uncertain assumptions (the scenario's [uncertainty] and [events]), "
      "one row per replication in index order (format 1.2)");
  group.set_attribute<double>("profile_concentration", model.profile_concentration);
  group.set_attribute<double>("profile_tilt", model.profile_tilt);
  group.set_attribute<double>("monthly_drift", model.monthly_drift);
  group.set_attribute<double>("jump_probability", model.jump_probability);
  group.set_attribute<double>("jump_sd", model.jump_sd);
  std::vector<std::string> event_names, event_kinds, event_from;
  for (const PolicyEvent& e : scenario.events) {
    event_names.push_back(e.name);
    event_kinds.push_back(std::string(policy_event_kind_keys[static_cast<std::size_t>(e.kind)]));
    event_from.push_back(e.from.iso());
  }
  group.set_string_list_attribute("event_names", event_names);
  group.set_string_list_attribute("event_kinds", event_kinds);
  group.set_string_list_attribute("event_from", event_from);

  const auto P = static_cast<hsize_t>(parameter_count);
  if (parameter_count > 0) {
    std::vector<std::string> paths, distributions;
    std::vector<double> lowest, highest, correlation(parameter_count * parameter_count, 0.0);
    const auto n = static_cast<Eigen::Index>(parameter_count);
    const bool declared = model.correlation.rows() == n && model.correlation.cols() == n;
    for (std::size_t i = 0; i < parameter_count; ++i) {
      const UncertainParameter& p = model.parameters[i];
      paths.push_back(p.path);
      distributions.push_back(describe_distribution(p.distribution));
      lowest.push_back(p.distribution.lowest());
      highest.push_back(p.distribution.highest());
      for (std::size_t j = 0; j < parameter_count; ++j)
        correlation[i * parameter_count + j] =
            declared ? model.correlation(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j))
                     : (i == j ? 1.0 : 0.0);
    }
    const auto dims = "parameter";
    group.write_strings("parameter_paths", paths,
                        meta(layout::label, "The scenario key each column of `parameters` replaces", dims));
    group.write_strings(
        "parameter_distributions", distributions,
        meta(layout::text,
             "Its distribution as the scenario declares it, with the scenario's keys, e.g. "
             "lognormal(mean=700, cv=1); a normal is truncated at 5 sd either side",
             dims));
    group.write<double>("parameter_lowest", lowest, {P},
                        meta(layout::scenario_units, "Lowest value its distribution can give", dims));
    group.write<double>("parameter_highest", highest, {P},
                        meta(layout::scenario_units, "Highest value its distribution can give; inf when unbounded",
                             dims));
    group.write<double>(
        "parameter_correlation", correlation, {P, P},
        meta(layout::correlation,
             "Correlation of the parameters' normal scores (their Gaussian copula); the identity when none is "
             "declared",
             "parameter × parameter"));
    if (start != nullptr && start->parameter_scales.size() == parameter_count)
      group.write<double>(
          "parameter_scales", start->parameter_scales, {P},
          meta(layout::factor,
               "Forecast from actuals: the factor each drawn value was multiplied by before use (a parameter the "
               "actuals updated, a cost, moves its whole distribution; 1 otherwise)",
               dims));
    parameters = group.create_extendible<double>(
        "parameters", {P}, chunk, replication_deflate_level,
        meta(layout::scenario_units,
             "Value drawn for each uncertain parameter, in the column order of parameter_paths (attribute "
             "`columns`); in a forecast from actuals, the particle's prior draw, before parameter_scales",
             "replication × parameter"));
    parameters.set_string_list_attribute("columns", paths);
  }
  if (profile) {
    const int year = scenario.convention.commitment_start.year();
    std::vector<std::string> labels;
    for (int m = 1; m <= 12; ++m) labels.push_back(Date::from_ymd(year, m, 1).year_month());
    group.write_strings("profile_month", labels,
                        meta(layout::label,
                             "Calendar month of each column of `profile`, January first (the scenario's "
                             "monthly_profile), YYYY-MM",
                             "calendar month"));
    profile_shares = group.create_extendible<double>(
        "profile", {12}, chunk, replication_deflate_level,
        meta(layout::share,
             "National monthly profile drawn for the replication: the share of the year's arrivals filed in each "
             "calendar month, summing to 1 (a Dirichlet around the stated profile; in a forecast, the particle's)",
             "replication × calendar month"));
  }
  if (drift)
    drift_factors = group.create_extendible<double>(
        "drift", {static_cast<hsize_t>(months)}, chunk, replication_deflate_level,
        meta(
            layout::factor,
            "Multiplier of uptake in each month of /summary/month: a mean-one log random walk from the first "
            "month the drift reaches (in a forecast, the month after the last with actuals) on, 1 before it",
            "replication × month"));
  if (jumps) {
    jump_counts = group.create_extendible<std::int32_t>(
        "jumps", {}, chunk, replication_deflate_level,
        meta(layout::count,
             "Jumps of uptake (changes of rules) drawn from the first month the drift reaches (attribute "
             "first_jump_month) to the last filing month: 0 when the rules did not change again (format 1.6)",
             "replication"));
    jump_counts.set_string_attribute(
        "first_jump_month", simulator->month_start(simulator->plan().first_drift_month()).year_month());
  }
  if (particles) {
    const std::vector<double>& cumulative = start->particle_cumulative_weight;
    std::vector<double> weights;
    for (std::size_t k = 0; k < cumulative.size(); ++k) weights.push_back(cumulative[k] - (k ? cumulative[k - 1] : 0.0));
    group.write<double>(
        "particle_weight", weights, {static_cast<hsize_t>(weights.size())},
        meta(layout::probability,
             "Normalised weight of each particle (a prior draw of the parameters and profile; with jumps of "
             "uptake, a path resampled month by month, several of which may share one draw) given the counts "
             "observed before the cut-off",
             "particle"));
    std::vector<std::int64_t> sources;
    for (const ForecastStart::Particle& p : start->particles) sources.push_back(p.source);
    group.write<std::int64_t>(
        "particle_source", sources, {static_cast<hsize_t>(sources.size())},
        meta(
            layout::label,
            "Index of the prior draw each particle descends from (format 1.9): resampling copies a draw into "
            "several particles, and the replications that pick them share its parameters and profile, so the "
            "standard errors of /summary are clustered by it",
            "particle"));
    particle = group.create_extendible<std::int64_t>(
        "particle", {}, chunk, replication_deflate_level,
        meta(layout::label,
             "Index (into particle_weight) of the particle the replication picked by weight: its parameters and "
             "profile rows are that particle's",
             "replication"));
  }
}

void RunFileWriter::Impl::append_draws(const ReplicationOutcome& outcome) {
  auto refuse = [&](const std::string& what) {
    throw OutputError(target.string() + ": a replication's " + what);
  };
  if (outcome.uptake.size() != static_cast<std::size_t>(regions)) refuse("uptake factors are not one per region");
  if (outcome.parameter_values.size() != parameter_count)
    refuse("drawn parameters are not one per [uncertainty.parameters] entry");
  if (profile && outcome.profile.size() != 12) refuse("monthly profile has not 12 shares");
  if (drift && outcome.drift.size() != static_cast<std::size_t>(months)) refuse("drift is not one per month");
  if (particles && outcome.particle < 0) refuse("particle is missing");
  if (cost_factors && outcome.cost_factors.size() != pathway_count)
    refuse("cost factors are not one per pathway");
  if (outcome.national_past.size() != national_months * static_cast<std::size_t>(regions))
    refuse("share of the national months is not one per month and region");
  uptake_buffer.insert(uptake_buffer.end(), outcome.uptake.begin(), outcome.uptake.end());
  dossier_variance_buffer.push_back(outcome.dossier_variance_eur2);
  parameters_buffer.insert(parameters_buffer.end(), outcome.parameter_values.begin(),
                           outcome.parameter_values.end());
  if (profile) profile_buffer.insert(profile_buffer.end(), outcome.profile.begin(), outcome.profile.end());
  if (drift) drift_buffer.insert(drift_buffer.end(), outcome.drift.begin(), outcome.drift.end());
  if (particles) particle_buffer.push_back(outcome.particle);
  if (jumps) jumps_buffer.push_back(outcome.jumps);
  if (cost_factors)
    cost_factor_buffer.insert(cost_factor_buffer.end(), outcome.cost_factors.begin(),
                              outcome.cost_factors.end());
  for (std::size_t f = 0; f < national_past_fields.size(); ++f)
    for (const NationalShare& share : outcome.national_past)
      past_buffers[f].push_back(share.*national_past_fields[f].member);
}

void RunFileWriter::Impl::append(std::int64_t replication, const ReplicationOutcome& outcome) {
  if (replication != written + buffered)
    throw OutputError(target.string() + ": replication " + std::to_string(replication) +
                      " arrived out of order (expected " + std::to_string(written + buffered) + ")");
  if (outcome.region_count != regions || outcome.month_count != months)
    throw OutputError(target.string() + ": a replication does not have the scenario's regions and months");
  append_draws(outcome);
  for (int r = 0; r < regions; ++r) {
    const RegionOutcome& ro = outcome.regions[static_cast<std::size_t>(r)];
    exhaustion_buffer.push_back(ro.exhaustion_day);
    for (std::size_t f = 0; f < layout::region_fields.size(); ++f)
      region_buffers[f].push_back(ro.*layout::region_fields[f].member);
  }
  for (std::size_t f = 0; f < layout::national_fields.size(); ++f)
    national_buffers[f].push_back(outcome.national.*layout::national_fields[f].member);
  additional_day_buffer.push_back(outcome.national.additional_needed_day);
  if (options.trajectories) {
    commitments_buffer.insert(commitments_buffer.end(), outcome.monthly_commitments.begin(),
                              outcome.monthly_commitments.end());
    payments_buffer.insert(payments_buffer.end(), outcome.monthly_payments.begin(),
                           outcome.monthly_payments.end());
  }
  for (const SteeringMove& move : outcome.moves) {
    move_replication_buffer.push_back(replication);
    move_day_buffer.push_back(move.day);
    move_from_buffer.push_back(move.from);
    move_to_buffer.push_back(move.to);
    move_amount_buffer.push_back(move.amount);
  }
  if (financing) {
    disbursements_buffer.insert(disbursements_buffer.end(), outcome.monthly_disbursements.begin(),
                                outcome.monthly_disbursements.end());
    minimum_position_buffer.push_back(outcome.cash_minimum);
    minimum_month_buffer.push_back(outcome.cash_minimum_month);
  }
  for (std::size_t i = 0; i < committed_by_cell_sum.size(); ++i) {
    committed_by_cell_sum[i] += outcome.committed_by_cell[i];
    trainees_by_cell_sum[i] += outcome.trainees_by_cell[i];
  }
  if (++buffered == options.chunk_replications) flush();
}

void RunFileWriter::Impl::flush() {
  if (buffered == 0) return;
  const auto rows = static_cast<hsize_t>(buffered);
  exhaustion_day.append_rows<std::int32_t>(exhaustion_buffer, rows);
  exhaustion_buffer.clear();
  for (std::size_t f = 0; f < region_datasets.size(); ++f) {
    region_datasets[f].append_rows<std::int64_t>(region_buffers[f], rows);
    region_buffers[f].clear();
  }
  for (std::size_t f = 0; f < national_datasets.size(); ++f) {
    national_datasets[f].append_rows<std::int64_t>(national_buffers[f], rows);
    national_buffers[f].clear();
  }
  additional_needed_day.append_rows<std::int32_t>(additional_day_buffer, rows);
  additional_day_buffer.clear();
  uptake.append_rows<double>(uptake_buffer, rows);
  uptake_buffer.clear();
  if (cost_factors) {
    cost_factor.append_rows<double>(cost_factor_buffer, rows);
    cost_factor_buffer.clear();
  }
  if (national_months > 0)
    for (std::size_t f = 0; f < past.size(); ++f) {
      past[f].append_rows<std::int64_t>(past_buffers[f], rows);
      past_buffers[f].clear();
    }
  dossier_variance.append_rows<double>(dossier_variance_buffer, rows);
  dossier_variance_buffer.clear();
  if (parameter_count > 0) {
    parameters.append_rows<double>(parameters_buffer, rows);
    parameters_buffer.clear();
  }
  if (profile) {
    profile_shares.append_rows<double>(profile_buffer, rows);
    profile_buffer.clear();
  }
  if (drift) {
    drift_factors.append_rows<double>(drift_buffer, rows);
    drift_buffer.clear();
  }
  if (particles) {
    particle.append_rows<std::int64_t>(particle_buffer, rows);
    particle_buffer.clear();
  }
  if (jumps) {
    jump_counts.append_rows<std::int32_t>(jumps_buffer, rows);
    jumps_buffer.clear();
  }
  if (options.trajectories) {
    monthly_commitments.append_rows<std::int64_t>(commitments_buffer, rows);
    monthly_payments.append_rows<std::int64_t>(payments_buffer, rows);
    commitments_buffer.clear();
    payments_buffer.clear();
  }
  if (financing) {
    monthly_disbursements.append_rows<std::int64_t>(disbursements_buffer, rows);
    minimum_position.append_rows<std::int64_t>(minimum_position_buffer, rows);
    minimum_position_month.append_rows<std::int32_t>(minimum_month_buffer, rows);
    disbursements_buffer.clear();
    minimum_position_buffer.clear();
    minimum_month_buffer.clear();
  }
  if (steering && !move_amount_buffer.empty()) {
    const auto moves = static_cast<hsize_t>(move_amount_buffer.size());
    move_replication.append_rows<std::int64_t>(move_replication_buffer, moves);
    move_day.append_rows<std::int32_t>(move_day_buffer, moves);
    move_from.append_rows<std::int32_t>(move_from_buffer, moves);
    move_to.append_rows<std::int32_t>(move_to_buffer, moves);
    move_amount.append_rows<std::int64_t>(move_amount_buffer, moves);
    move_replication_buffer.clear();
    move_day_buffer.clear();
    move_from_buffer.clear();
    move_to_buffer.clear();
    move_amount_buffer.clear();
  }
  written += buffered;
  buffered = 0;
}

void RunFileWriter::Impl::write_spread(const RunSummary& s) {
  hdf5::Group summary = file.open_group("summary");
  const NationalSummary& n = s.national;
  if (!n.demand_quantile_eur.empty()) {
    // Quantiles are amounts of one replication: cents, exact (the summary's
    // euros are those cents / 100, so they round back without loss).
    std::vector<std::int64_t> cents;
    for (int p : amount_percentiles) {
      const auto at = n.demand_quantile_eur.find(p);
      if (at == n.demand_quantile_eur.end())
        throw OutputError(target.string() + ": the summary has no demand quantile at " + std::to_string(p) + " %");
      cents.push_back(std::llround(at->second * static_cast<double>(cents_per_euro)));
    }
    summary.open_group("national")
        .write<std::int64_t>(
            "demand_quantiles_cents", cents, {cents.size()},
            meta(layout::cents,
                 "Quantiles of national demand (demand_cents) at amount_percentiles (format 1.2)",
                 "amount_percentile"));
  }
  const SpreadSummary& spread = n.spread;
  hdf5::Group group = summary.create_group(
      "spread",
      "Where the spread of national demand comes from: the assumptions drawn per replication against the "
      "dossiers' own randomness (law of total variance), and the share of its variance each assumption explains "
      "alone (format 1.2)");
  group.write_scalar<double>("demand_sd_eur", spread.demand_sd_eur,
                             meta(layout::eur, "Standard deviation of national demand over replications"));
  group.write_scalar<double>(
      "dossiers_share", spread.dossiers_share,
      meta(layout::share,
           "Share of that variance the dossiers' own randomness adds: the mean of dossier_variance_eur2 over the "
           "variance of demand, at most 1; the assumptions drawn have the rest"));
  std::vector<std::string> names;
  std::vector<double> r_squared;
  for (const SpreadSource& a : spread.assumptions) {
    names.push_back(a.name);
    r_squared.push_back(a.r_squared);
  }
  group.write_strings("assumption", names,
                      meta(layout::label,
                           "An assumption drawn per replication: uptake (the regions' mean multiplier), timing (the "
                           "profile's share of the year from the first simulated month to the window's end), drift "
                           "(its mean over those months), or an uncertain parameter's path; largest share first",
                           "assumption"));
  group.write<double>("r_squared", r_squared, {r_squared.size()},
                      meta(layout::share,
                           "Share of the variance of national demand the assumption explains alone: its squared "
                           "correlation with demand over the replications",
                           "assumption"));
  if (const auto& split = spread.additional_by_jumps) {
    // Format 1.6, scenarios whose uptake may jump: the committee's probability
    // apart for the years in which the rules change again and the others.
    group.set_string_attribute("first_jump_month", simulator->month_start(split->first_month).year_month());
    group.write_scalar<std::int64_t>(
        "replications_without_jumps", split->without,
        meta(layout::count,
             "Replications that drew no jump of uptake (/uncertainty/jumps is 0): the rules do not "
             "change again from attribute first_jump_month to the last filing day (format 1.6)"));
    group.write_scalar<std::int64_t>("replications_with_jumps", split->with,
                                     meta(layout::count, "Replications that drew one or more (format 1.6)"));
    const auto probability = [&](const char* name, double value, const char* description) {
      group.write_scalar<double>(name, value, meta(layout::probability, description));
    };
    probability(
        "p_additional_needed_without_jumps", split->p_without,
        "P(additional allocation needed) over the replications without jumps; NaN when there are none");
    probability("p_additional_needed_without_jumps_se", split->p_without_se,
                "Its Monte-Carlo standard error; NaN when there are none");
    probability("p_additional_needed_with_jumps", split->p_with,
                "P(additional allocation needed) over the replications with jumps; NaN when there are none");
    probability("p_additional_needed_with_jumps_se", split->p_with_se,
                "Its Monte-Carlo standard error; NaN when there are none");
  }
  // Format 1.8: how far the national means rest on a few extreme replications.
  std::vector<std::string> quantities;
  std::vector<double> shapes, shares;
  for (const MeanTail& t : spread.tails) {
    quantities.push_back(t.quantity);
    shapes.push_back(t.pareto_k.value_or(std::numeric_limits<double>::quiet_NaN()));
    shares.push_back(t.top_percent_share);
  }
  group.write_strings(
      "tail_quantity", quantities,
      meta(layout::label,
           "A national amount whose mean the summary reports: demand, unmet or additional_needed "
           "(format 1.8)",
           "tail_quantity"));
  group.write<double>(
      "tail_pareto_k", shapes, {shapes.size()},
      meta(layout::shape,
           "The Pareto shape of its upper tail over the replications (Zhang & Stephens's fit to the "
           "largest min(S/5, 3 sqrt S) values, Vehtari et al. 2024): above 0.25 the mean's standard "
           "error is itself uncertain, above 0.5 it understates; NaN when fewer than five distinct "
           "values form the tail",
           "tail_quantity"));
  group.write<double>(
      "tail_top_percent_share", shares, {shares.size()},
      meta(layout::share,
           "The share of its sum over the replications that the largest 1 % of them (at least one) "
           "make; NaN when the sum is not positive",
           "tail_quantity"));
  group.set_attribute<double>("pareto_k_limit", spread.pareto_k_limit);
}

void RunFileWriter::Impl::write_final_attributes(const RunSummary& summary, const RunTiming& timing) {
  file.set_attribute<std::int64_t>("replications", summary.replications);
  file.set_string_attribute("created", utc_now_iso8601());
  file.set_attribute<double>("run_seconds", timing.seconds);
  file.set_attribute<std::int32_t>("threads", timing.threads);
}

void RunFileWriter::Impl::close_all() {
  exhaustion_day.close();
  for (hdf5::Dataset& d : region_datasets) d.close();
  for (hdf5::Dataset& d : national_datasets) d.close();
  additional_needed_day.close();
  uptake.close();
  dossier_variance.close();
  if (cost_factors) cost_factor.close();
  if (national_months > 0)
    for (hdf5::Dataset& d : past) d.close();
  if (parameter_count > 0) parameters.close();
  if (profile) profile_shares.close();
  if (drift) drift_factors.close();
  if (particles) particle.close();
  if (jumps) jump_counts.close();
  if (options.trajectories) {
    monthly_commitments.close();
    monthly_payments.close();
  }
  for (hdf5::Dataset* d : {&move_replication, &move_day, &move_from, &move_to, &move_amount})
    if (steering) d->close();
  for (hdf5::Dataset* d : {&monthly_disbursements, &minimum_position, &minimum_position_month})
    if (financing) d->close();
  file.close();
}

void RunFileWriter::Impl::discard() noexcept {
  // Handles first: the file closes only once nothing in it is open.
  region_datasets.clear();
  national_datasets.clear();
  exhaustion_day = {};
  additional_needed_day = {};
  for (hdf5::Dataset* d :
       {&uptake, &dossier_variance, &parameters, &profile_shares, &drift_factors, &particle, &jump_counts})
    *d = {};
  monthly_commitments = {};
  monthly_payments = {};
  for (hdf5::Dataset* d : {&monthly_disbursements, &minimum_position, &minimum_position_month}) *d = {};
  for (hdf5::Dataset* d : {&move_replication, &move_day, &move_from, &move_to, &move_amount}) *d = {};
  try {
    file.close();
  } catch (...) {
    // The file is being thrown away; its close errors do not matter.
  }
  file = {};
  if (temporary_file) temporary_file->discard();
}

// ---- RunFileWriter ------------------------------------------------------------

namespace {

[[noreturn]] void rethrow_as_output_error(const fs::path& target, const hdf5::Error& e) {
  std::string message = target.string();
  message += ": cannot write the run file: ";
  message += e.what();
  throw OutputError(message);
}

}  // namespace

RunFileWriter::RunFileWriter(const fs::path& target, const Simulator& simulator, std::uint64_t seed,
                             const RunFileOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.target = target;
  try {
    w.temporary_file = std::make_unique<TemporaryFile>(target);
  } catch (const OutputError& e) {
    throw OutputError(target.string() + ": cannot write the run file: " + e.what());
  }
  w.temporary = w.temporary_file->path();
  w.options = options;
  if (w.options.chunk_replications < 1) w.options.chunk_replications = 1;
  w.simulator = &simulator;
  w.seed = seed;
  w.regions = simulator.region_count();
  w.months = simulator.month_count();
  try {
    w.create();
  } catch (const hdf5::Error& e) {
    w.discard();
    rethrow_as_output_error(target, e);
  } catch (...) {
    w.discard();
    throw;
  }
}

RunFileWriter::~RunFileWriter() {
  if (impl_ && !impl_->finished) impl_->discard();
}

void RunFileWriter::consume(std::int64_t replication, const ReplicationOutcome& outcome) {
  Impl& w = *impl_;
  if (w.failed || w.finished) throw OutputError(w.target.string() + ": the run file is closed already");
  try {
    w.append(replication, outcome);
  } catch (const hdf5::Error& e) {
    w.failed = true;
    w.discard();
    rethrow_as_output_error(w.target, e);
  } catch (...) {
    w.failed = true;
    w.discard();
    throw;
  }
}

void RunFileWriter::finish(const RunSummary& summary, const RunTiming& timing,
                           const std::function<void(hdf5::File&)>& more) {
  OutputSet output(impl_->options.overwrite);
  finish_into(output, summary, timing, more);
  output.commit();
}

void RunFileWriter::finish_into(OutputSet& outputs, const RunSummary& summary, const RunTiming& timing,
                                const std::function<void(hdf5::File&)>& more) {
  Impl& w = *impl_;
  if (w.failed || w.finished) throw OutputError(w.target.string() + ": the run file is closed already");
  try {
    w.flush();
    // What the summary describes must be what the file holds.
    if (summary.replications != w.written)
      throw OutputError(w.target.string() + ": the summary covers " + std::to_string(summary.replications) +
                        " replications but " + std::to_string(w.written) + " were written");
    if (static_cast<int>(summary.regions.size()) != w.regions ||
        static_cast<int>(summary.months.size()) != w.months)
      throw OutputError(w.target.string() + ": the summary does not have the scenario's regions and months");
    w.write_breakdowns();
    w.write_summary(summary);
    w.write_spread(summary);
    w.write_final_attributes(summary, timing);
    if (more) more(w.file);
    w.close_all();
    outputs.add(std::move(w.temporary_file));
    w.finished = true;
  } catch (const hdf5::Error& e) {
    w.failed = true;
    w.discard();
    rethrow_as_output_error(w.target, e);
  } catch (...) {
    w.failed = true;
    w.discard();
    throw;
  }
}

void RunFileWriter::abandon() noexcept {
  if (!impl_->finished) impl_->discard();
  impl_->finished = true;
}

const fs::path& RunFileWriter::target() const { return impl_->target; }
const fs::path& RunFileWriter::temporary() const { return impl_->temporary; }
std::int64_t RunFileWriter::replications_consumed() const { return impl_->written + impl_->buffered; }

}  // namespace fnesim
