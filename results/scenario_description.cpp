#include "results/scenario_description.hpp"

#include <cmath>
#include <cstdio>

#include "results/format.hpp"
#include "results/text_table.hpp"

namespace fnesim {
namespace {

std::string format_rate(Rate rate) {
  // Basis points: 500 → "5 %", 1250 → "12.5 %".
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g %%", rate.basis_points / 100.0);
  return buffer;
}

std::string format_share(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g %%", std::round(share * 1e6) / 1e4);
  return buffer;
}

std::string format_real(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string day_range_text(DayRange range) {
  if (range.min == range.max) return std::to_string(range.min);
  return std::to_string(range.min) + "–" + std::to_string(range.max);
}

void line(std::string& out, const std::string& label, const std::string& value) {
  constexpr std::size_t label_width = 24;
  out += "  ";
  out += label;
  if (label.size() < label_width) out.append(label_width - label.size(), ' ');
  out += ' ';
  out += value;
  out += '\n';
}

std::string dates_text(const std::vector<Date>& dates) {
  std::string out;
  for (const Date& date : dates) {
    if (!out.empty()) out += ", ";
    out += date.iso();
  }
  return out.empty() ? std::string("none") : out;
}

// [events] and [uncertainty], one line each, as written: what the forecast
// draws beyond the stated demand (docs/scenario-format.md).
std::string events_and_uncertainty(const Scenario& s) {
  std::string out;
  if (!s.events.empty()) {
    out += "\nPolicy events\n";
    for (const PolicyEvent& e : s.events) {
      std::string what = std::string(policy_event_kind_keys[static_cast<std::size_t>(e.kind)]) + " from " +
                         e.from.iso() + ": ";
      switch (e.kind) {
        case PolicyEventKind::NewPopulation: {
          what += format_count(e.expected_dossiers, 0) + " dossiers expected, statuses";
          for (int st = 0; st < status_count; ++st)
            if (e.statuses[static_cast<std::size_t>(st)] > 0) {
              what += ' ';
              what += status_keys[static_cast<std::size_t>(st)];
              what += ' ';
              what += format_share(e.statuses[static_cast<std::size_t>(st)]);
            }
          break;
        }
        case PolicyEventKind::Step:
          what +=
              "intensity × " + format_real(e.factor) +
              (e.ramp_days > 0 ? " over " + std::to_string(e.ramp_days) + " days" : std::string(" at once"));
          break;
        case PolicyEventKind::Rush:
          what += format_share(e.share) + " of the demand still to come, in the last " +
                  std::to_string(e.days) + " days before intake closes";
          break;
      }
      line(out, e.name, what);
    }
  }
  const UncertaintyModel& u = s.uncertainty;
  if (u.parameters.empty() && !u.profile_uncertain() && u.monthly_drift == 0 && u.jump_probability == 0)
    return out;
  out += "\nUncertain assumptions (drawn once a replication)\n";
  for (const UncertainParameter& p : u.parameters) line(out, p.path, describe_distribution(p.distribution));
  const auto n = static_cast<Eigen::Index>(u.parameters.size());
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j)
      if (u.correlation(i, j) != 0)
        line(out, "correlation",
             u.parameters[static_cast<std::size_t>(i)].path + " and " +
                 u.parameters[static_cast<std::size_t>(j)].path + ": " + format_real(u.correlation(i, j)));
  if (u.profile_uncertain())
    line(
        out, "Monthly profile",
        "tilt sd " + format_real(u.profile_tilt) + ", concentration " + format_real(u.profile_concentration));
  if (u.monthly_drift > 0 || u.jump_probability > 0)
    line(out, "Uptake month to month",
         "a random drift of sd " + format_share(u.monthly_drift) + " a month, jumps with probability " +
             format_share(u.jump_probability) + " a month, log sd " + format_real(u.jump_sd));
  return out;
}

// [steering] and [financing]: the committee the run simulates, the State's payments.
std::string steering_and_financing(const Scenario& s) {
  std::string out;
  if (s.steering) {
    const SteeringPolicy& st = *s.steering;
    out += "\nSteering (simulated)\n";
    line(out, "Committee meetings", dates_text(st.committee_dates));
    const std::string rule(reallocation_rule_keys[static_cast<std::size_t>(st.reallocation)]);
    line(out, "Reallocation",
         st.reallocation == ReallocationRule::RunRate
             ? rule + ", at most " + format_share(st.max_share_moved) +
                   " of a donor's available amount a meeting"
             : rule + ": no region gives to another");
    line(out, "National reserve", format_share(st.reserve_share) + " of each region's available amount");
    line(out, "State allocation",
         st.complementary
             ? format_euros(st.complementary->amount) + " EUR when net commitments reach " +
                   format_share(st.complementary->threshold_share) + " of the national available amount, " +
                   std::to_string(st.complementary->delay_days) + " days after the meeting"
             : std::string("none"));
  }
  if (s.financing) {
    const FinancingTerms& f = *s.financing;
    out += "\nFinancing (the State's payments to OPCO 2i)\n";
    line(out, "Advance", format_rate(f.advance_share) + " on " + f.advance_date.iso());
    for (const FinancingTranche& t : f.tranches) {
      std::string when;
      if (t.commitment_level) when = "when " + format_rate(*t.commitment_level) + " is committed";
      if (t.date) {
        when += when.empty() ? "on " : " or on ";
        when += t.date->iso();
      }
      line(out, "Tranche " + t.name,
           format_rate(t.share) + ", " + when +
               (t.lag_days > 0 ? ", paid " + std::to_string(t.lag_days) + " days later" : std::string()));
    }
    line(out, "Balance", std::to_string(f.settlement_lag_days) + " days after the last payment");
  }
  return out;
}

std::string headcount_text(const CoverageRule& rule) {
  if (rule.headcount_max >= 1'000'000'000) return std::to_string(rule.headcount_min) + "+";
  return std::to_string(rule.headcount_min) + "–" + std::to_string(rule.headcount_max);
}

std::string validity_text(const CoverageRule& rule) {
  if (!rule.valid_from && !rule.valid_until) return "always";
  std::string out = rule.valid_from ? rule.valid_from->iso() : std::string("…");
  out += " – ";
  out += rule.valid_until ? rule.valid_until->iso() : std::string("…");
  return out;
}

std::string correlation_text(const DemandModel& demand) {
  const Eigen::MatrixXd& m = demand.regional_correlation;
  const Eigen::Index n = m.rows();
  if (n <= 1 || m.isIdentity()) return "independent regions";
  const double first = m(0, 1);
  bool equi = true;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      if (i != j && m(i, j) != first) equi = false;
  if (equi) return "equicorrelation " + format_real(first);
  return "matrix (" + std::to_string(n) + " × " + std::to_string(n) + ")";
}


}  // namespace

std::string describe_scenario(const Scenario& s) {
  const Convention& c = s.convention;
  const DemandModel& d = s.demand;
  std::string out = "Scenario " + s.name + "\n";
  if (!s.description.empty()) out += "  " + s.description + "\n";
  std::string sources;
  for (const auto& f : s.source_files) {
    if (!sources.empty()) sources += " <- ";
    sources += f;
  }
  line(out, "Source files", sources);

  out += "\nConvention\n";
  line(out, "Total envelope", format_euros(c.total_envelope) + " EUR");
  line(out, "Management fees",
       format_rate(c.fee_rate) + ", " +
           (c.fee_mode == FeeMode::ProRata ? std::string("withheld from each region")
                                           : std::string("kept aside nationally")) +
           ": " + format_euros(c.national_fees()) + " EUR");
  line(out, "Available for dossiers", format_euros(c.total_available()) + " EUR");
  line(out, "Commitment window",
       c.commitment_start.iso() + " to " + c.commitment_end.iso() + " (" +
           std::to_string(c.commitment_days()) + " days)");
  line(out, "Training end", c.training_end.iso());
  std::string committees;
  for (const Date& date : c.steering_committee_dates) {
    if (!committees.empty()) committees += ", ";
    committees += date.iso();
  }
  line(out, "Steering committees",
       (committees.empty() ? std::string("none") : committees) +
           (s.steering ? " (the convention's; [steering] below simulates its own)" : ""));

  out += "\n";
  TextTable regions;
  regions.add_column("Region", TextTable::Align::Left);
  regions.add_column("Name", TextTable::Align::Left);
  regions.add_column("Envelope EUR");
  regions.add_column("Fees EUR");
  regions.add_column("Available EUR");
  regions.add_column("Expected dossiers");
  double total_dossiers = 0;
  Cents total_envelope = 0, total_fees = 0;
  for (std::size_t r = 0; r < c.regions.size(); ++r) {
    const double dossiers = r < d.regions.size() ? d.regions[r].expected_dossiers : 0;
    total_dossiers += dossiers;
    total_envelope += c.regions[r].envelope;
    total_fees += c.fees(r);
    regions.add_row({c.regions[r].code, c.regions[r].name, format_euros(c.regions[r].envelope),
                     format_euros(c.fees(r)), format_euros(c.available(r)), format_count(dossiers, 1)});
  }
  regions.add_rule();
  regions.add_row({"Total", "", format_euros(total_envelope), format_euros(total_fees),
                   format_euros(c.total_available()), format_count(total_dossiers, 1)});
  out += regions.render();

  out += "\nCoverage rules (share of eligible costs paid by the envelope)\n";
  TextTable rules;
  rules.add_column("Rule", TextTable::Align::Left);
  rules.add_column("Regime", TextTable::Align::Left);
  rules.add_column("Statuses", TextTable::Align::Left);
  rules.add_column("Headcount");
  rules.add_column("Rate");
  rules.add_column("Validity", TextTable::Align::Left);
  rules.add_column("Cap EUR");
  rules.add_column("Article", TextTable::Align::Left);
  for (const CoverageRule& rule : s.coverage.rules) {
    std::string statuses;
    for (Status st : rule.statuses) {
      if (!statuses.empty()) statuses += ", ";
      statuses += key_of(st);
    }
    rules.add_row({rule.id, std::string(regime_keys[static_cast<int>(rule.regime)]), statuses,
                   headcount_text(rule), format_rate(rule.rate), validity_text(rule),
                   rule.cap_per_dossier ? format_euros(*rule.cap_per_dossier) : std::string("-"),
                   rule.article});
  }
  out += rules.render();
  out += '\n';
  line(out, "Ancillary costs",
       s.coverage.ancillary_eligible ? "covered at the rule's rate" : "paid by the company");
  line(out, "PDC-50 remuneration",
       s.coverage.pdc50_funds_remuneration
           ? "funded up to " + std::to_string(s.coverage.pdc50_max_headcount) + " employees"
           : std::string("not funded"));
  line(out, "Diagnostics (art. 3)",
       format_euros(s.coverage.diagnostic_day_rate) + " EUR a day, at most " +
           std::to_string(s.coverage.diagnostic_max_days_per_year) + " days per company and year");

  out += "\nDemand\n";
  line(out, "Exhaustion policy",
       std::string(exhaustion_policy_keys[static_cast<int>(d.exhaustion_policy)]) +
           (d.exhaustion_policy == ExhaustionPolicy::Overcommit
                ? " (margin " + format_share(d.overcommit_margin) + ")"
                : std::string()));
  line(out, "Expected dossiers",
       format_count(total_dossiers, 1) + " nationally, intake closing " +
           std::to_string(d.intake_closes_days_before_end) + " days before the commitment deadline");
  line(out, "Uptake uncertainty",
       "CV national " + format_real(d.national_uptake_cv) + ", regional " +
           format_real(d.regional_uptake_cv) + ", " + correlation_text(d));
  line(out, "Carry-over (2020)",
       d.carryover_expected_dossiers > 0
           ? format_count(d.carryover_expected_dossiers, 0) + " dossiers, mean FNE share " +
                 format_count(d.carryover_mean_fne_eur, 0) + " EUR"
           : std::string("none"));

  // National pathway shares: the regional mixes weighted by their expected dossiers.
  std::array<double, pathway_count> pathway_share{};
  double weight = 0;
  for (const RegionalDemand& rd : d.regions) {
    for (int cell = 0; cell < mix_cell_count; ++cell)
      pathway_share[static_cast<std::size_t>(cell % pathway_count)] +=
          rd.expected_dossiers * rd.mix[static_cast<std::size_t>(cell)];
    weight += rd.expected_dossiers;
  }
  double mean_cost = 0;
  std::string by_pathway;
  for (int p = 0; p < pathway_count; ++p) {
    const auto i = static_cast<std::size_t>(p);
    if (weight > 0) mean_cost += pathway_share[i] / weight * d.cost_per_trainee[i].mean_eur;
    if (!by_pathway.empty()) by_pathway += ", ";
    by_pathway += std::string(pathway_keys[i]) + " " + format_count(d.cost_per_trainee[i].mean_eur, 0);
  }
  const TraineeCount& t = d.trainees;
  const std::string trainee_kind = t.kind == TraineeCount::Kind::ShiftedPoisson ? "1 + Poisson"
                                   : t.kind == TraineeCount::Kind::Fixed        ? "fixed"
                                                                                : "categorical";
  line(out, "Trainees per dossier", "mean " + format_real(t.expected()) + " (" + trainee_kind + ")");
  const TraineeCost& cost = d.cost_per_trainee[0];
  line(out, "Cost per trainee",
       "mean " + format_count(mean_cost, 0) + " EUR over the mix, " +
           (cost.kind == TraineeCost::Kind::LogNormal ? "lognormal σ " + format_real(cost.sigma)
                                                      : std::string("fixed")));
  line(out, "  by pathway (EUR)", by_pathway);
  line(out, "Cost components",
       "pedagogical " + format_share(d.pedagogical_share) + ", ancillary " + format_share(d.ancillary_share) +
           ", remuneration " + format_share(d.remuneration_share));
  line(out, "Life cycle",
       "cancelled " + format_share(d.cancellation_probability) + ", drop-out mean " +
           format_share(d.dropout_mean) + " sd " + format_share(d.dropout_sd) + ", invoicing lag " +
           day_range_text(d.invoicing_lag_days) + " days");
  std::string schedule;
  for (int p = 0; p < pathway_count; ++p) {
    if (p > 0) schedule += "; ";
    schedule.append(pathway_keys[static_cast<std::size_t>(p)]).append(" ");
    schedule += day_range_text(d.start_lag_days[static_cast<std::size_t>(p)]);
    schedule += " then ";
    schedule += day_range_text(d.duration_days[static_cast<std::size_t>(p)]);
  }
  line(out, "Start lag, duration (days)", schedule);
  line(out, "Diagnostics dossiers",
       d.diagnostics_expected_dossiers > 0 ? format_count(d.diagnostics_expected_dossiers, 0) + ", " +
                                                 day_range_text(d.diagnostic_days) + " days each"
                                           : std::string("none"));

  out += events_and_uncertainty(s);
  out += steering_and_financing(s);

  out += "\nRun\n";
  line(out, "Replications", format_count(static_cast<double>(s.run.replications), 0));
  line(out, "Seed", std::to_string(s.run.seed));
  line(out, "Threads", s.run.threads == 0 ? std::string("all cores") : std::to_string(s.run.threads));
  line(out, "Confidence level", format_share(s.run.confidence_level));
  return out;
}

}  // namespace fnesim
