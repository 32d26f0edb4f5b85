// The checks RunFileReader makes on open (run_file_checks.hpp): the root
// attributes against their bounds and the datasets' shapes, and the type and
// shape of every dataset read later. Only shapes, types and tables of a few
// rows are read here, so the cost does not grow with the replication count.
#include "results/run_file_checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "results/run_file_layout.hpp"

namespace fnesim::run_checks {

namespace layout = run_layout;
using Kind = hdf5::Dataset::Kind;

namespace {

// One dimension a dataset must have: its length and where that length comes from.
struct Dim {
  std::int64_t length;
  std::string source;  // e.g. "attribute 'replications' = 50", "/regions/code (12 regions)"
};

std::string shape_text(const std::vector<hsize_t>& shape) {
  if (shape.empty()) return "a scalar";
  std::string out;
  for (hsize_t n : shape) out += (out.empty() ? "" : " × ") + std::to_string(n);
  return out;
}

// The dataset `name` of `group`, of the given kind (integers and reals no
// wider than `max_bytes`), of shape `dims`; any other is refused by name.
hdf5::Dataset expect(const hdf5::Group& group, std::string_view name, Kind kind, std::size_t max_bytes,
                     const std::vector<Dim>& dims) {
  hdf5::Dataset dataset = group.open_dataset(name);
  const Kind stored = dataset.kind();
  if (stored != kind) {
    const char* wanted = kind == Kind::Integer ? "integers"
                         : kind == Kind::Float ? "floating point"
                                               : "strings";
    dataset.fail(std::string("does not hold ") + wanted + ", as the format has it");
  }
  if (kind != Kind::String && dataset.element_size() > max_bytes)
    dataset.fail("holds values wider than the format's " + std::to_string(8 * max_bytes) + " bits");
  const std::vector<hsize_t> shape = dataset.shape();
  if (shape.size() != dims.size()) {
    std::string wanted;
    for (const Dim& d : dims) wanted += (wanted.empty() ? "" : " × ") + std::to_string(d.length);
    dataset.fail("has shape " + shape_text(shape) + ", where the format has " +
                 (dims.empty() ? std::string("a scalar") : wanted));
  }
  for (std::size_t k = 0; k < dims.size(); ++k) {
    if (dims[k].length >= 0 && shape[k] == static_cast<hsize_t>(dims[k].length)) continue;
    const std::string along = k == 0 && dims.size() > 1 ? " rows"
                              : k == 0                  ? " entries"
                                                        : " entries along dimension " + std::to_string(k + 1);
    dataset.fail(dims[k].source + " disagrees with the dataset's " + std::to_string(shape[k]) + along);
  }
  dataset.check_stored();
  return dataset;
}

hdf5::Dataset expect_strings(const hdf5::Group& group, std::string_view name, const std::vector<Dim>& dims) {
  return expect(group, name, Kind::String, 0, dims);
}

// A one-dimensional dataset of strings whose length is the count it defines
// (regions, months, parameters…), bounded by `max`.
std::size_t string_count(const hdf5::Group& group, std::string_view name, std::size_t max,
                         bool at_least_one) {
  const hdf5::Dataset dataset = group.open_dataset(name);
  if (dataset.kind() != Kind::String) dataset.fail("does not hold strings, as the format has it");
  const std::vector<hsize_t> shape = dataset.shape();
  if (shape.size() != 1) dataset.fail("has shape " + shape_text(shape) + ", where the format has a list");
  if (shape[0] > max)
    dataset.fail("lists " + std::to_string(shape[0]) + " entries, more than " + std::to_string(max));
  if (at_least_one && shape[0] == 0) dataset.fail("is empty");
  dataset.check_stored();
  return static_cast<std::size_t>(shape[0]);
}

[[noreturn]] void refuse(const std::string& file, std::string_view path, const std::string& what) {
  throw RunFileError(file + ": " + std::string(path) + ": " + what);
}

std::string real_text(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

void expect_finite_attribute(const hdf5::Object& object, std::string_view name, double low, double high,
                             bool optional = true) {
  if (optional && !object.has_attribute(name)) return;
  const double value = object.attribute<double>(name);
  if (!(std::isfinite(value) && value >= low && value <= high))
    refuse(object.file_name(), object.path(),
           "attribute '" + std::string(name) + "' = " + real_text(value) + " is not a number from " +
               real_text(low) + " to " + real_text(high));
}

// The root attributes on their own.
void check_root(const hdf5::File& f, const RunFileInfo& info) {
  const std::string& name = f.file_name();
  if (info.format_minor < 0)
    refuse(name, "/",
           "attribute 'format_version' = [" + std::to_string(info.format_major) + ", " +
               std::to_string(info.format_minor) + "] has a negative minor version");
  if (info.window_days < 1 || info.window_days > max_window_days)
    refuse(name, "/",
           "attribute 'window_days' = " + std::to_string(info.window_days) +
               " is not a day count from 1 to " + std::to_string(max_window_days));
  if (!(info.confidence_level > 0 && info.confidence_level < 1))
    refuse(name, "/",
           "attribute 'confidence_level' = " + real_text(info.confidence_level) +
               " is not a level between 0 and 1");
  static const std::set<std::string> policies = {"stop", "fill", "overcommit"};
  if (!policies.contains(info.exhaustion_policy))
    refuse(name, "/",
           "attribute 'exhaustion_policy' = '" + info.exhaustion_policy +
               "' is none of stop, fill and overcommit");
  if (!(std::isfinite(info.overcommit_margin) && info.overcommit_margin >= 0 &&
        info.overcommit_margin <= 100))
    refuse(name, "/",
           "attribute 'overcommit_margin' = " + real_text(info.overcommit_margin) +
               " is not a share from 0 to 100");
  if (!(std::isfinite(info.run_seconds) && info.run_seconds >= 0))
    refuse(name, "/", "attribute 'run_seconds' = " + real_text(info.run_seconds) + " is not a duration");
  if (info.threads < 0)
    refuse(name, "/", "attribute 'threads' = " + std::to_string(info.threads) + " is negative");
}

// /summary/month: consecutive months from the commitment start's, the
// window's last day among them.
void check_months(const hdf5::File& f, const RunFileInfo& info) {
  const std::string& name = f.file_name();
  const Date start = *Date::parse(info.commitment_start);
  for (std::size_t m = 0; m < info.months.size(); ++m) {
    const Date expected = add_months(first_of_month(start), static_cast<int>(m));
    if (info.months[m] != expected.year_month())
      refuse(name, "/summary/month",
             "entry " + std::to_string(m) + " is '" + info.months[m] +
                 "', where the months from the commitment start (" + info.commitment_start + ") have " +
                 expected.year_month());
  }
  if (info.window_days > calendar_days(info))
    refuse(name, "/",
           "attribute 'window_days' = " + std::to_string(info.window_days) + " ends the window on " +
               start.plus_days(info.window_days - 1).iso() + ", after the last month of /summary/month (" +
               info.months.back() + ")");
}

void check_replications(const hdf5::File& f, const RunFileInfo& info) {
  const std::string& name = f.file_name();
  const auto N = info.replications;
  const auto R = static_cast<std::int64_t>(info.region_codes.size());
  const Dim rows{N, "attribute 'replications' = " + std::to_string(N)};
  const Dim regions{R, "/regions/code (" + std::to_string(R) + " regions)"};
  const hdf5::Group group = f.open_group("replications");
  // The replication count first against the rows of the dataset every run has.
  {
    const hdf5::Dataset days = group.open_dataset("exhaustion_day");
    const std::vector<hsize_t> shape = days.shape();
    if (shape.empty() || shape[0] != static_cast<hsize_t>(N))
      days.fail(rows.source + " disagrees with the dataset's " +
                (shape.empty() ? std::string("shape (a scalar)") : std::to_string(shape[0]) + " rows"));
    if (N < 1 || N > max_replications)
      refuse(name, "/",
             "attribute 'replications' = " + std::to_string(N) + " is not a replication count from 1 to " +
                 std::to_string(max_replications));
  }
  expect(group, "exhaustion_day", Kind::Integer, 4, {rows, regions});
  for (const layout::RegionField& field : layout::region_fields)
    if (field.since_minor <= info.format_minor) expect(group, field.name, Kind::Integer, 8, {rows, regions});
  if (group.contains("uptake")) expect(group, "uptake", Kind::Float, 8, {rows, regions});
  const hdf5::Group national = group.open_group("national");
  expect(national, "additional_needed_day", Kind::Integer, 4, {rows});
  for (const layout::NationalField& field : layout::national_fields)
    if (field.since_minor <= info.format_minor) expect(national, field.name, Kind::Integer, 8, {rows});
  if (national.contains("dossier_variance_eur2"))
    expect(national, "dossier_variance_eur2", Kind::Float, 8, {rows});
}

// The prior-predictive check's table, a row a month then the months
// together, is read whole: a few rows. Its verdicts must be those its bands
// give, for the report's script reads `outside` as it stands.
void check_prior_predictive(const hdf5::File& f, const hdf5::Group& check, const RunFileInfo& info) {
  const std::vector<std::string> months = check.open_dataset("month").read_strings();
  const auto observed = check.open_dataset("observed").read<std::int64_t>();
  const auto low = check.open_dataset("low").read<std::int64_t>();
  const auto high = check.open_dataset("high").read<std::int64_t>();
  const auto expected = check.open_dataset("expected").read<double>();
  const auto cumulative = check.open_dataset("cumulative").read<std::int32_t>();
  const auto outside = check.open_dataset("outside").read<std::int32_t>();
  const Date first = first_of_month(*Date::parse(info.commitment_start));
  const std::size_t C = months.size();
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < C; ++i) {
    const bool last = i + 1 == C;
    const auto bad = [&](const std::string& what) {
      refuse(f.file_name(), check.path(), "row " + std::to_string(i) + " ('" + months[i] + "'): " + what);
    };
    // The last row adds up the months before it and is labelled with the last of them.
    const std::string month = add_months(first, static_cast<int>(i) - (last ? 1 : 0)).year_month();
    if (months[i] != month)
      bad("out of place: the rows from the commitment start (" + info.commitment_start + ") have '" + month +
          "' here");
    if (cumulative[i] != (last ? 1 : 0))
      bad(last ? "'cumulative' is not 1, where the last row adds up the months"
               : "'cumulative' is not 0, where only the last row adds up the months");
    if (observed[i] < 0) bad("'observed' = " + std::to_string(observed[i]) + " is not a count");
    if (!(low[i] >= 0 && low[i] <= high[i]))
      bad("[low, high] = [" + std::to_string(low[i]) + ", " + std::to_string(high[i]) +
          "] is not a band of counts");
    if (!(std::isfinite(expected[i]) && expected[i] >= 0))
      bad("'expected' = " + real_text(expected[i]) + " is not a count");
    const bool out = observed[i] < low[i] || observed[i] > high[i];
    if (outside[i] != (out ? 1 : 0))
      bad("'outside' = " + std::to_string(outside[i]) + ", but the observed " + std::to_string(observed[i]) +
          (out ? " lies outside [" : " lies within [") + std::to_string(low[i]) + ", " +
          std::to_string(high[i]) + "]");
    if (!last) {
      if (observed[i] > std::numeric_limits<std::int64_t>::max() - sum)
        bad("the months' counts add up past any count");
      sum += observed[i];
    }
  }
  if (C > 0 && observed.back() != sum)
    refuse(f.file_name(), check.path(),
           "the last row's 'observed' = " + std::to_string(observed.back()) + " is not the months' sum, " +
               std::to_string(sum));
  // Format 1.13 writes it with the bands; the year itself is one of the years counted, so never 0.
  if (info.format_minor >= 13 || check.has_attribute("chance_as_far_off")) {
    const double chance = check.attribute<double>("chance_as_far_off");
    if (!(chance > 0 && chance <= 1))
      refuse(f.file_name(), check.path(),
             "attribute 'chance_as_far_off' = " + real_text(chance) +
                 " is not a chance in (0, 1]: the year itself is among the years it counts");
  }
}

void check_optional_groups(const hdf5::File& f, const RunFileInfo& info) {
  const auto N = info.replications;
  const auto R = static_cast<std::int64_t>(info.region_codes.size());
  const auto M = static_cast<std::int64_t>(info.months.size());
  const Dim rows{N, "attribute 'replications' = " + std::to_string(N)};
  const Dim regions{R, "/regions/code (" + std::to_string(R) + " regions)"};
  const Dim months{M, "/summary/month (" + std::to_string(M) + " months)"};

  if (info.has_trajectories) {
    const hdf5::Group group = f.open_group("trajectories");
    expect_strings(group, "month", {months});
    expect(group, "monthly_commitments_cents", Kind::Integer, 8, {rows, regions, months});
    expect(group, "monthly_payments_cents", Kind::Integer, 8, {rows, regions, months});
  }

  if (info.has_uncertainty) {
    const hdf5::Group group = f.open_group("uncertainty");
    for (std::string_view attribute : {"profile_concentration", "profile_tilt", "monthly_drift", "jump_sd"})
      expect_finite_attribute(group, attribute, 0, 1e12);
    expect_finite_attribute(group, "jump_probability", 0, 1);
    if (group.contains("parameters")) {
      const auto U = static_cast<std::int64_t>(string_count(group, "parameter_paths", SIZE_MAX, false));
      const Dim parameters{U, "/uncertainty/parameter_paths (" + std::to_string(U) + " parameters)"};
      expect_strings(group, "parameter_distributions", {parameters});
      expect(group, "parameters", Kind::Float, 8, {rows, parameters});
    }
    if (group.contains("profile"))
      expect(group, "profile", Kind::Float, 8, {rows, {12, "the 12 calendar months"}});
    if (group.contains("drift")) expect(group, "drift", Kind::Float, 8, {rows, months});
    if (group.contains("particle")) expect(group, "particle", Kind::Integer, 8, {rows});
    if (group.contains("jumps")) expect(group, "jumps", Kind::Integer, 4, {rows});
  }

  if (info.has_financing) {
    const hdf5::Group group = f.open_group("financing");
    const auto T = static_cast<std::int64_t>(string_count(group, "tranche_name", SIZE_MAX, false));
    const Dim tranches{T, "/financing/tranche_name (" + std::to_string(T) + " tranches)"};
    expect(group, "tranche_share", Kind::Float, 8, {tranches});
    expect(group, "tranche_commitment_level", Kind::Float, 8, {tranches});
    expect(group, "tranche_lag_days", Kind::Integer, 4, {tranches});
    expect_strings(group, "tranche_date", {tranches});
    const auto MC = static_cast<std::int64_t>(string_count(group, "month", max_months, true));
    const Dim cash_months{MC, "/financing/month (" + std::to_string(MC) + " months)"};
    // The trajectories' months and on: consecutive from the commitment start's, as /summary/month.
    const std::vector<std::string> cash_month_labels = group.open_dataset("month").read_strings();
    const Date start = *Date::parse(info.commitment_start);
    for (std::size_t m = 0; m < cash_month_labels.size(); ++m) {
      const Date expected = add_months(first_of_month(start), static_cast<int>(m));
      if (cash_month_labels[m] != expected.year_month())
        refuse(f.file_name(), "/financing/month",
               "entry " + std::to_string(m) + " is '" + cash_month_labels[m] +
                   "', where the months from the commitment start (" + info.commitment_start + ") have " +
                   expected.year_month());
    }
    expect(group, "monthly_disbursements_cents", Kind::Integer, 8, {rows, cash_months});
    expect(group, "minimum_position_cents", Kind::Integer, 8, {rows});
    expect(group, "minimum_position_month", Kind::Integer, 4, {rows});
    const hdf5::Dataset lag = expect(group, "settlement_lag_days", Kind::Integer, 4, {});
    const std::int32_t days = lag.read_scalar<std::int32_t>();
    if (days < 0 || days > max_window_days) lag.fail("holds " + std::to_string(days) + ", not a lag in days");
    if (!f.contains("summary/financing")) f.fail("has /financing but no /summary/financing");
  }

  if (f.contains("steering")) {
    const hdf5::Group group = f.open_group("steering");
    const hdf5::Dataset replication = group.open_dataset("replication");
    const std::vector<hsize_t> shape = replication.shape();
    if (shape.size() != 1)
      replication.fail("has shape " + shape_text(shape) + ", where the format has a list");
    const Dim moves{static_cast<std::int64_t>(shape[0]),
                    "/steering/replication (" + std::to_string(shape[0]) + " moves)"};
    expect(group, "replication", Kind::Integer, 8, {moves});
    expect(group, "day", Kind::Integer, 4, {moves});
    expect(group, "from_region", Kind::Integer, 4, {moves});
    expect(group, "to_region", Kind::Integer, 4, {moves});
    expect(group, "amount_cents", Kind::Integer, 8, {moves});
  }

  if (f.contains("recommendation")) {
    const hdf5::Group group = f.open_group("recommendation");
    // What the report reads; the envelopes, which nothing reads, when present.
    for (std::string_view name : {"current_available_cents", "recommended_available_cents"})
      expect(group, name, Kind::Integer, 8, {regions});
    for (std::string_view name : {"current_envelope_cents", "recommended_envelope_cents"})
      if (group.contains(name)) expect(group, name, Kind::Integer, 8, {regions});
    for (std::string_view name :
         {"p_exhausted_before", "p_exhausted_after", "p_exhausted_before_se", "p_exhausted_after_se",
          "expected_unmet_before_eur", "expected_unmet_after_eur", "expected_unmet_before_se_eur",
          "expected_unmet_after_se_eur"})
      expect(group, name, Kind::Float, 8, {regions});
    for (std::string_view name : {"median_exhaustion_day_before", "median_exhaustion_day_after"}) {
      // A day of the window or -1 (not exhausted at the median), as /summary's days.
      const hdf5::Dataset days = expect(group, name, Kind::Integer, 4, {regions});
      for (const std::int32_t day : days.read<std::int32_t>())
        if (day < -1 || day >= info.window_days)
          days.fail("holds day " + std::to_string(day) +
                    ", outside [-1, window_days = " + std::to_string(info.window_days) + ")");
    }
    const std::string objective = group.string_attribute("objective");
    if (objective != "expected-unmet" && objective != "target-probability")
      refuse(f.file_name(), group.path(),
             "attribute 'objective' = '" + objective + "' is neither expected-unmet nor target-probability");
    if (objective == "target-probability")
      expect_finite_attribute(group, "target_probability", 0, 1, false);
    else
      group.attribute<double>("target_probability");  // NaN: no target
    if (group.attribute<std::int64_t>("complementary_allocation_cents") < 0)
      refuse(f.file_name(), group.path(), "attribute 'complementary_allocation_cents' is negative");
    expect_finite_attribute(group, "common_level", 0, 1, false);
    // The national before and after (absent from files of older versions).
    for (std::string_view name : {"p_no_region_exhausted_before", "p_no_region_exhausted_after"})
      expect_finite_attribute(group, name, 0, 1);
    for (std::string_view name : {"national_expected_unmet_before_eur", "national_expected_unmet_after_eur"})
      expect_finite_attribute(group, name, 0, std::numeric_limits<double>::max());
    // NaN when the run's years rest on one prior draw: no standard error.
    if (group.has_attribute("national_expected_unmet_change_se_eur") &&
        !std::isnan(group.attribute<double>("national_expected_unmet_change_se_eur")))
      expect_finite_attribute(group, "national_expected_unmet_change_se_eur", 0,
                              std::numeric_limits<double>::max());
    expect_finite_attribute(group, "national_expected_unmet_change_eur",
                            std::numeric_limits<double>::lowest(), std::numeric_limits<double>::max());
  }

  if (f.contains("summary/national_past") && !info.has_national_past)
    f.fail("has /summary/national_past but no /replications/national_past, from which it is computed");
  if (info.has_national_past && !f.contains("actuals"))
    f.fail(
        "has /replications/national_past but no /actuals: only a forecast from national totals shares them");

  if (f.contains("actuals")) {
    const hdf5::Group group = f.open_group("actuals");
    if (group.has_attribute("particles")) {
      const std::int32_t particles = group.attribute<std::int32_t>("particles");
      if (particles < 0)
        refuse(f.file_name(), group.path(),
               "attribute 'particles' = " + std::to_string(particles) + " is negative");
      expect_finite_attribute(group, "effective_particles", 0, particles);
    }
    if (info.has_national_past) {
      // Which region filed a national month (format 1.11), and since 1.12 each region's part of them in
      // /summary: the two together, or neither.
      const hdf5::Group past = f.open_group("replications/national_past");
      const auto NM = static_cast<std::int64_t>(string_count(past, "month", max_months, false));
      const Dim national_months{NM, "/replications/national_past/month (" + std::to_string(NM) + " months)"};
      // The national rows' months, each once and in order: months of the run.
      const std::vector<std::string> labels = past.open_dataset("month").read_strings();
      for (std::size_t m = 0; m < labels.size(); ++m)
        if (std::find(info.months.begin(), info.months.end(), labels[m]) == info.months.end() ||
            (m > 0 && labels[m] <= labels[m - 1]))
          refuse(f.file_name(), "/replications/national_past/month",
                 "entry " + std::to_string(m) + " is '" + labels[m] + "', not a month of /summary/month (" +
                     info.months.front() + " to " + info.months.back() + ") after the entry before");
      for (std::string_view name : {"dossiers", "trainees", "committed_cents"}) {
        expect(past, "month_" + std::string(name), Kind::Integer, 8, {national_months});
        expect(past, name, Kind::Integer, 8, {rows, national_months, regions});
      }
      if (info.format_minor >= 12 && !f.contains("summary/national_past"))
        f.fail(
            "has /replications/national_past but no /summary/national_past, which format 1.12 writes with "
            "it");
    }
    if (group.contains("prior_predictive")) {
      const hdf5::Group check = group.open_group("prior_predictive");
      const auto C = static_cast<std::int64_t>(string_count(check, "month", max_months + 1, false));
      const Dim checked{C, "/actuals/prior_predictive/month (" + std::to_string(C) + " months)"};
      for (std::string_view name : {"observed", "low", "high"})
        expect(check, name, Kind::Integer, 8, {checked});
      expect(check, "expected", Kind::Float, 8, {checked});
      for (std::string_view name : {"cumulative", "outside"})
        expect(check, name, Kind::Integer, 4, {checked});
      check_prior_predictive(f, check, info);
    } else if (info.format_minor >= 13) {
      group.fail("has no prior_predictive group, which format 1.13 writes with the actuals");
    }
  }
}

}  // namespace

int calendar_days(const RunFileInfo& info) {
  const Date start = *Date::parse(info.commitment_start);
  const Date after = add_months(first_of_month(start), static_cast<int>(info.months.size()));
  return days_between(start, after);
}

void check_structure(const hdf5::File& f, const RunFileInfo& info) {
  const std::string& name = f.file_name();
  check_root(f, info);
  // Regions: as many names as codes, each code once.
  if (info.region_codes.empty()) refuse(name, "/regions/code", "lists no region");
  if (info.region_codes.size() > max_regions)
    refuse(name, "/regions/code",
           "lists " + std::to_string(info.region_codes.size()) + " regions, more than " +
               std::to_string(max_regions));
  if (info.region_names.size() != info.region_codes.size())
    refuse(name, "/regions/name",
           "lists " + std::to_string(info.region_names.size()) + " names for the " +
               std::to_string(info.region_codes.size()) + " regions of /regions/code");
  std::set<std::string> codes;
  for (const std::string& code : info.region_codes)
    if (code.empty() || !codes.insert(code).second)
      refuse(name, "/regions/code", "lists '" + code + "' twice, or an empty code");
  const auto R = static_cast<std::int64_t>(info.region_codes.size());
  const Dim regions{R, "/regions/code (" + std::to_string(R) + " regions)"};
  const hdf5::Group group = f.open_group("regions");
  for (std::string_view dataset : {"envelope_cents", "available_cents", "fees_cents"})
    expect(group, dataset, Kind::Integer, 8, {regions});
  // Months.
  if (info.months.empty()) refuse(name, "/summary/month", "lists no month");
  if (info.months.size() > max_months)
    refuse(
        name, "/summary/month",
        "lists " + std::to_string(info.months.size()) + " months, more than " + std::to_string(max_months));
  check_months(f, info);
  // The scenario: one text, a list of files.
  expect_strings(f, "scenario/resolved_toml", {});
  string_count(f, "scenario/source_files", SIZE_MAX, false);
  if (info.format_minor >= 7) string_count(f, "scenario/warnings", SIZE_MAX, false);
  check_replications(f, info);
  check_optional_groups(f, info);
}

}  // namespace fnesim::run_checks
