// Section [demand]: how dossiers arise. Every key is optional; the defaults are
// documented in docs/scenario-format.md. Read in parts: sim/scenario/demand_parts.hpp.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "sim/scenario/demand_parts.hpp"

namespace fnesim::scenario_detail {

using namespace demand;

void parse_demand(TableReader& section, ParseState& state) {
  DemandModel& out = state.scenario.demand;
  const Convention& convention = state.scenario.convention;

  if (const auto v = section.choice("exhaustion_policy", exhaustion_policy_keys))
    out.exhaustion_policy = static_cast<ExhaustionPolicy>(*v);
  if (out.exhaustion_policy == ExhaustionPolicy::Overcommit) {
    if (const auto v = section.number("overcommit_margin", Bounds::closed(0, 1))) out.overcommit_margin = *v;
  } else {
    reject_if_written(section, "overcommit_margin", "exhaustion_policy",
                      "applies only with exhaustion_policy = \"overcommit\"");
  }

  if (auto headcounts = section.table("representative_headcount")) {
    for (int c = 0; c < size_class_count; ++c) {
      const auto i = static_cast<std::size_t>(c);
      const auto v =
          headcounts->integer(size_class_keys[i], size_class_min_headcount[i], size_class_max_headcount[i]);
      if (v) out.representative_headcount[i] = static_cast<long>(*v);
    }
    headcounts->finish("size class", as_strings(size_class_keys));
  }

  // Arrivals.
  const int year = state.dates_ok ? convention.commitment_start.year() : 2021;
  NationalArrivals national;
  std::array<double, 12> profile = uniform_profile(year);
  auto arrivals = section.table("arrivals");
  if (arrivals) {
    if (auto v = read_expected_dossiers(*arrivals)) national = *v;
    if (arrivals->has("monthly_profile")) {
      if (const auto p = read_profile(*arrivals, "monthly_profile", year)) profile = *p;
    }
    const std::int64_t max_close = state.dates_ok ? convention.commitment_days() - 1 : max_lag_days;
    if (const auto v = arrivals->integer("intake_closes_days_before_end", 0, max_close))
      out.intake_closes_days_before_end = static_cast<int>(*v);
    for (const auto& [key, cv] : {std::pair{"national_uptake_cv", &out.national_uptake_cv},
                                  std::pair{"regional_uptake_cv", &out.regional_uptake_cv}})
      if (const auto v = arrivals->number(key, Bounds::closed(0, limits::max_cv))) {
        if (*v > 0 && *v < limits::min_cv)
          arrivals->error(key, format_number(*v) +
                                   " is no uncertainty a Gamma can draw (its shape, 1/cv², would "
                                   "pass 10¹²): give 0 for none, or at least 0.000001");
        else
          *cv = *v;
      }
    read_correlation(*arrivals, state, out);
    arrivals->finish();
  } else {
    const auto n = static_cast<Eigen::Index>(convention.regions.size());
    out.regional_correlation = Eigen::MatrixXd::Identity(n, n);
  }

  // National mix.
  // A mix that failed to read is not checked against the coverage rules: its
  // defaults would only produce consequential messages.
  bool mixes_ok = true;
  MixSpec national_mix;
  national_mix.where = &section.where();
  if (auto mix = section.table("mix")) {
    const auto m = read_mix(*mix, national_mix, false);
    if (m) national_mix = *m;
    mixes_ok &= m.has_value();
  }

  // Art. 6's plan counts trainees: the dossiers that carry it depend on the trainees per dossier.
  read_trainees(section, out);
  if (national.form == NationalArrivals::Form::Art6Plan) {
    const double trainees_per_dossier = out.trainees.expected();
    // A trainee distribution that failed to read (reported) plans nothing.
    national.count =
        trainees_per_dossier > 0 ? art6_planned_dossiers(convention.total_envelope, trainees_per_dossier) : 0;
  }

  // A region's own figures under [demand.regions.CODE], for the regions the
  // convention could read; a code written there of a region that failed to
  // read is left unsaid (its own error comes first), any other is unknown.
  const auto read_regional_overrides = [&](std::vector<RegionalDemand>& regions,
                                           std::vector<MixSpec>& mixes) {
    auto overrides = section.table("regions");
    if (!overrides) return;
    for (std::size_t r = 0; r < convention.regions.size(); ++r) {
      const std::string& code = convention.regions[r].code;
      if (!overrides->has(code)) continue;
      auto region = overrides->table(code);
      if (!region) continue;
      if (const auto v =
              region->number("expected_dossiers", Bounds::closed(0, limits::max_expected_dossiers)))
        regions[r].expected_dossiers = *v;
      if (region->has("monthly_profile")) {
        if (const auto p = read_profile(*region, "monthly_profile", year)) regions[r].monthly_profile = *p;
      }
      if (auto mix = region->table("mix")) {
        const auto m = read_mix(*mix, national_mix, true);
        if (m) mixes[r] = *m;
        mixes_ok &= m.has_value();
      }
      region->finish();
    }
    for (const std::string& code : state.declared_region_codes) overrides->has(code);
    overrides->finish("region", state.declared_region_codes);
  };

  // Regions: the national figures spread by available envelope, then overrides.
  std::vector<MixSpec> mixes;
  if (state.regions_ok) {
    const std::size_t n = convention.regions.size();
    out.regions.assign(n, RegionalDemand{});
    mixes.assign(n, national_mix);
    const double total_available = static_cast<double>(convention.total_available());
    for (std::size_t r = 0; r < n; ++r) {
      const double available_eur = static_cast<double>(convention.available(r)) / cents_per_euro;
      RegionalDemand& rd = out.regions[r];
      if (national.form == NationalArrivals::Form::EnvelopeRatio) {
        rd.expected_dossiers = national.demand_to_envelope * available_eur / national.mean_fne_share_eur;
      } else {
        rd.expected_dossiers =
            total_available > 0
                ? national.count * static_cast<double>(convention.available(r)) / total_available
                : 0;
      }
      rd.monthly_profile = profile;
    }
    read_regional_overrides(out.regions, mixes);
    for (std::size_t r = 0; r < n; ++r) out.regions[r].mix = mixes[r].cells();
    // The envelope-ratio form and the regions' own figures can add up past what any one key may state.
    double national_dossiers = 0;
    for (const RegionalDemand& rd : out.regions) national_dossiers += rd.expected_dossiers;
    if (national_dossiers > limits::max_expected_dossiers)
      section.error("arrivals", "the regions expect " + format_number(national_dossiers) +
                                    " dossiers a year in all, more than the " +
                                    std::to_string(static_cast<long long>(limits::max_expected_dossiers)) +
                                    " fnesim simulates (sim/engine_limits.hpp)");
  }
  if (!state.regions_ok && !state.declared_region_codes.empty()) {
    // Another region failed to read: its figures cannot be spread, but what is
    // written for the usable regions is checked all the same (and thrown away).
    std::vector<RegionalDemand> unused(convention.regions.size());
    std::vector<MixSpec> unused_mixes(convention.regions.size(), national_mix);
    read_regional_overrides(unused, unused_mixes);
  }
  // Without any region written, demand.regions codes cannot be checked: nothing more is said about them.
  section.entry("regions");

  // Carry-over of 2020 dossiers (art. 7).
  if (auto carryover = section.table("carryover")) {
    if (const auto v = carryover->number("expected_dossiers", Bounds::closed(0, limits::max_expected_dossiers)))
      out.carryover_expected_dossiers = *v;
    const bool needed = out.carryover_expected_dossiers > 0;
    if (const auto v = carryover->number("mean_fne_eur", mean_amount_bounds, needed))
      out.carryover_mean_fne_eur = *v;
    if (const auto v = carryover->number("sigma", Bounds::closed(0, limits::max_sigma))) out.carryover_sigma = *v;
    carryover->finish();
  }

  read_cost_per_trainee(section, out);
  // A dossier's mean cost is its trainees' times each one's: within the limit as a whole.
  for (int p = 0; p < pathway_count; ++p) {
    const double mean_dossier_eur =
        out.trainees.expected() * out.cost_per_trainee[static_cast<std::size_t>(p)].mean_eur;
    if (mean_dossier_eur > limits::max_mean_amount_eur) {
      section.error("cost_per_trainee", "a " + std::string(pathway_keys[static_cast<std::size_t>(p)]) +
                                            " dossier would cost " + format_number(mean_dossier_eur) +
                                            " EUR on average (trainees × cost per trainee), more than the " +
                                            format_number(limits::max_mean_amount_eur) +
                                            " EUR a mean amount may be (sim/engine_limits.hpp)");
      break;
    }
  }
  read_cost_components(section, out);
  read_schedule(section, out);
  read_lifecycle(section, out);

  // DIAG GPEC COVID-19 (art. 3).
  if (auto diagnostics = section.table("diagnostics")) {
    if (const auto v = diagnostics->number("expected_dossiers", Bounds::closed(0, limits::max_expected_dossiers)))
      out.diagnostics_expected_dossiers = *v;
    const int max_days = state.scenario.coverage.diagnostic_max_days_per_year;
    if (const auto v = diagnostics->day_range("days", 1, max_days)) out.diagnostic_days = *v;
    diagnostics->finish();
  }
  section.finish();

  if (state.regions_ok && state.dates_ok && state.coverage_ok && mixes_ok)
    check_statuses_covered(section, state, mixes);
}

}  // namespace fnesim::scenario_detail
