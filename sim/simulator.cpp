#include "sim/simulator.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "models/envelope.hpp"
#include "sim/workspace.hpp"

namespace fnesim {

Simulator::Simulator(const Scenario& scenario)
    : scenario_(scenario),
      plan_(scenario_),
      varied_(scenario_.uncertainty.any() || !scenario_.events.empty() ||
              (scenario_.forecast_start && scenario_.forecast_start->learnt_money_uncertain())),
      parameter_loading_(copula_loading(scenario_.uncertainty.correlation)),
      first_pass_shape_(shape_of_scenario()),
      first_pass_(first_pass_for(first_pass_shape_)) {}

Simulator::~Simulator() = default;

Cents Simulator::ceiling_for(Cents available) const {
  return overcommit_ceiling(available, scenario_.demand.ceiling_margin());
}

Date Simulator::month_start(int month) const {
  return add_months(scenario_.convention.commitment_start, month);
}

std::unique_ptr<Workspace, void (*)(Workspace*)> Simulator::make_workspace() const {
  auto* ws = new Workspace();
  const auto regions = static_cast<std::size_t>(region_count());
  ws->uptake.resize(regions);
  ws->region_demand_delta.resize(static_cast<std::size_t>(plan_.window_days));
  ws->national_demand_delta.resize(static_cast<std::size_t>(plan_.window_days));
  ws->staged.resize(regions);
  ws->books.resize(regions);
  ws->positions.resize(regions);
  ws->national_monthly.resize(static_cast<std::size_t>(plan_.cash_month_count));
  if (varied_) {
    // Everything a replication's plan needs but not the observed ledger nor
    // the provenance, which its draws never change.
    Scenario varied = scenario_;
    varied.resolved_toml.clear();
    varied.source_files.clear();
    if (varied.forecast_start) varied.forecast_start->dossiers.clear();
    ws->varied_scenario = std::move(varied);
    ws->varied_plan = plan_;
    ws->drift.assign(static_cast<std::size_t>(plan_.month_count), 1.0);
  }
  return {ws, [](Workspace* p) { delete p; }};
}

double Simulator::draw_variates_only(std::uint64_t seed, std::int64_t replication, Workspace& ws) const {
  ws.floor_checksum = 0;
  ws.stream_digest = 0;
  const Plan& plan = draw_assumptions(seed, replication, ws);
  for (int r = 0; r < region_count(); ++r)
    draw_region<false>(plan, r, ws.uptake[static_cast<std::size_t>(r)], seed, replication, ws, nullptr);
  return ws.floor_checksum;
}

std::uint64_t Simulator::stream_digest(const Workspace& ws) { return ws.stream_digest; }

std::vector<double> Simulator::uptake_factors(std::uint64_t seed, std::int64_t replication) const {
  auto ws = make_workspace();
  draw_assumptions(seed, replication, *ws);
  return ws->uptake;
}

double Simulator::expected_arrivals_between(int region, int first_day, int end_day) const {
  const RegionPlan& plan = plan_.regions.at(static_cast<std::size_t>(region));
  const auto clamp = [&](int d) { return static_cast<std::size_t>(std::clamp(d, 0, plan_.window_days)); };
  if (end_day <= first_day) return 0.0;
  return plan.expected_arrivals *
         (plan.cumulative_intensity[clamp(end_day)] - plan.cumulative_intensity[clamp(first_day)]);
}

std::vector<SimulatedDossier> Simulator::dossiers(std::uint64_t seed, std::int64_t replication) const {
  auto ws = make_workspace();
  ws->keep_dossiers = true;
  ReplicationOutcome outcome = make_outcome();
  simulate(seed, replication, *ws, outcome);
  std::vector<SimulatedDossier> all;
  for (int r = 0; r < region_count(); ++r) {
    for (const StagedDossier& d : ws->staged[static_cast<std::size_t>(r)]) {
      SimulatedDossier s;
      s.filing_day = d.day;
      s.region = r;
      s.cell = d.cell;
      s.carryover = is_carryover(d.kind);
      s.diagnostic = is_diagnostic(d.kind);
      s.observed = is_observed(d.kind);
      s.eligible = d.kind != DossierKind::Ineligible;
      s.refused_past_deadline = d.kind == DossierKind::PastDeadline;
      s.committed = d.committed;
      s.trainees = d.trainees;
      s.amount = d.amount;
      s.realised = d.realised;
      s.end_day = d.end_day;
      all.push_back(s);
    }
  }
  return all;
}

void Simulator::forecast_cash(const FinancingTerms& terms, Workspace& ws, ReplicationOutcome& out) const {
  const Convention& conv = scenario_.convention;
  std::vector<Cents>& national = ws.national_monthly;
  const auto months = static_cast<std::size_t>(plan_.month_count);
  auto sum_regions = [&](const std::vector<Cents>& per_region_month) {
    std::fill(national.begin(), national.end(), 0);
    for (int r = 0; r < out.region_count; ++r)
      for (std::size_t m = 0; m < months; ++m) national[m] += per_region_month[static_cast<std::size_t>(r) * months + m];
  };
  sum_regions(out.monthly_commitments);
  // The convention ends with its last payment (art. 7); with none, at the
  // training deadline.
  const NationalOutcome& nat = out.national;
  const Date settlement_from = nat.last_payment_day == never_paid
                                   ? conv.training_end
                                   : conv.commitment_start.plus_days(static_cast<std::int32_t>(nat.last_payment_day));
  // The basis: what the State allocated for dossiers, the envelope less the
  // fees (docs/model.md, "Cash"); a complementary allocation is settled with
  // the balance, which is what was paid.
  schedule_disbursements(terms, conv.commitment_start, conv.total_available(), national, nat.paid, settlement_from,
                         out.monthly_disbursements);
  sum_regions(out.monthly_payments);
  Cents position = 0;
  for (std::size_t m = 0; m < national.size(); ++m) {
    position += out.monthly_disbursements[m] - national[m];
    out.cash_position[m] = position;
    if (m == 0 || position < out.cash_minimum) {
      out.cash_minimum = position;
      out.cash_minimum_month = static_cast<std::int32_t>(m);
    }
  }
}

DrawSources DrawSources::all_from(std::int64_t replication, std::size_t parameter_count) {
  DrawSources sources;
  sources.parameters.assign(parameter_count, replication);
  sources.profile = sources.uptake = sources.drift = sources.dossiers = replication;
  return sources;
}

void Simulator::simulate(std::uint64_t seed, std::int64_t replication, Workspace& ws,
                         ReplicationOutcome& out) const {
  simulate_with(seed, replication, nullptr, ws, out);
}

void Simulator::simulate(std::uint64_t seed, const DrawSources& sources, Workspace& ws,
                         ReplicationOutcome& out) const {
  if (scenario_.forecast_start && !scenario_.forecast_start->particles.empty())
    throw std::logic_error("a design row of a forecast from actuals: its draws come from particles");
  if (sources.parameters.size() != scenario_.uncertainty.parameters.size() ||
      !(sources.fixed.empty() || sources.fixed.size() == sources.parameters.size()))
    throw std::invalid_argument("DrawSources: one source (and one fixed value, if any) per uncertain parameter");
  simulate_with(seed, sources.dossiers, &sources, ws, out);
}

// `replication` is where the dossiers come from; `sources`, if given, where
// the assumptions do.
void Simulator::simulate_with(std::uint64_t seed, std::int64_t replication, const DrawSources* sources,
                              Workspace& ws, ReplicationOutcome& out) const {
  out.clear();
  ws.stream_digest = 0;
  ws.dossier_variance_eur2 = 0;
  const Plan& plan = draw_assumptions(seed, replication, ws, sources);
  std::fill(ws.national_demand_delta.begin(), ws.national_demand_delta.end(), 0);
  open_books(ws);
  // Without a committee the regions never interact: each files its dossiers
  // as soon as they are drawn, while they are still in cache. Listed, they
  // are queued: the general pass.
  const FirstPass first_pass = ws.keep_dossiers ? &Simulator::draw_region<true> : first_pass_;
  for (int r = 0; r < region_count(); ++r) {
    (this->*first_pass)(plan, r, ws.uptake[static_cast<std::size_t>(r)], seed, replication, ws, &out);
    if (!scenario_.steering) file_until(r, plan_.window_days, ws, out);
  }
  if (scenario_.steering) steer(*scenario_.steering, ws, out);
  close_books(ws, out);

  NationalOutcome& nat = out.national;
  for (const RegionOutcome& ro : out.regions) {
    nat.committed += ro.committed;
    nat.released += ro.released;
    nat.lapsed += ro.lapsed;
    nat.paid += ro.paid;
    nat.refused_past_deadline += ro.refused_past_deadline;
    nat.dossiers_refused_past_deadline += ro.dossiers_refused_past_deadline;
    nat.last_payment_day = std::max(nat.last_payment_day, ro.last_payment_day);
    nat.review_committed += ro.review_committed;
    nat.review_realised += ro.review_realised;
    nat.review_paid += ro.review_paid;
    nat.review_trainees += ro.review_trainees;
    nat.unspent += ro.available_final - ro.paid;
    nat.unmet += ro.unmet;
    nat.demand += ro.demand;
  }
  const Cents pool = scenario_.convention.total_available();
  Cents cumulative = 0, peak = 0;
  for (int d = 0; d < plan_.window_days; ++d) {
    cumulative += ws.national_demand_delta[static_cast<std::size_t>(d)];
    peak = std::max(peak, cumulative);
    if (cumulative > pool && nat.additional_needed_day == never_exhausted) nat.additional_needed_day = d;
  }
  nat.additional_needed = std::max<Cents>(0, peak - pool);
  nat.unspent += nat.reserve_unused;
  if (scenario_.financing) forecast_cash(*scenario_.financing, ws, out);

  out.uptake = ws.uptake;
  out.national_past = ws.national_shares;
  out.dossier_variance_eur2 = ws.dossier_variance_eur2;
  if (varied_) {
    out.parameter_values = ws.parameters.values;
    if (ws.parameters.profile) {
      // As the replication used it: a forecast's particle keeps its months to
      // come unnormalised (sim/parameters.hpp), the scenario normalises them.
      out.profile.assign(ws.parameters.profile->begin(), ws.parameters.profile->end());
      const double sum = std::accumulate(out.profile.begin(), out.profile.end(), 0.0);
      if (sum > 0)
        for (double& share : out.profile) share /= sum;
    }
    if (scenario_.uncertainty.drifts()) {
      out.drift = ws.drift;
      out.jumps = ws.jumps;
    }
    out.particle = ws.particle;
    out.cost_factors = ws.cost_factors;
  }
}

}  // namespace fnesim
