// Section [demand], the dossiers: trainees, costs, schedule, life cycle (the parts:
// sim/scenario/demand_parts.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "sim/scenario/demand_parts.hpp"

namespace fnesim::scenario_detail::demand {
// ---- costs, trainees, schedule, life cycle --------------------------------------------------------

void read_trainees(TableReader& section, DemandModel& out) {
  auto table = section.table("trainees");
  if (!table) return;
  const auto kind = table->choice("distribution", trainee_distribution_keys);
  if (kind) out.trainees.kind = static_cast<TraineeCount::Kind>(*kind);
  const auto k = out.trainees.kind;
  const std::string why_prefix = "does not apply to distribution = \"";
  const std::string why =
      why_prefix + std::string(trainee_distribution_keys[static_cast<std::size_t>(k)]) + "\"";
  if (k == TraineeCount::Kind::ShiftedPoisson) {
    if (const auto mean = table->number("mean", Bounds::closed(1, limits::max_trainees_per_dossier))) out.trainees.mean = *mean;
  } else {
    reject_if_written(*table, "mean", "distribution", why);
  }
  if (k == TraineeCount::Kind::Fixed) {
    if (const auto value = table->integer("value", 1, limits::max_trainees_per_dossier, true))
      out.trainees.fixed = static_cast<int>(*value);
  } else {
    reject_if_written(*table, "value", "distribution", why);
  }
  if (k == TraineeCount::Kind::Categorical) {
    const MergedEntry* values = table->entry("values");
    const MergedEntry* weights = table->entry("weights");
    if (values == nullptr) table->missing("values");
    if (weights == nullptr) table->missing("weights");
    if (values == nullptr || weights == nullptr) {
      table->finish();
      return;
    }
    const toml::array* v = values->value ? values->value->as_array() : nullptr;
    const toml::array* w = weights->value ? weights->value->as_array() : nullptr;
    bool ok = true;
    if (v == nullptr || v->empty()) {
      table->error("values", "expected a non-empty array of trainee counts");
      ok = false;
    }
    if (w == nullptr || w->empty()) {
      table->error("weights", "expected a non-empty array of probabilities");
      ok = false;
    }
    if (ok && v->size() != w->size()) {
      table->error("weights", "has " + std::to_string(w->size()) + " values but values has " +
                                  std::to_string(v->size()));
      ok = false;
    }
    if (ok) {
      ReadContext& ctx = table->context();
      double sum = 0;
      for (std::size_t i = 0; i < v->size(); ++i) {
        const std::string vp = table->key_path("values") + "[" + std::to_string(i) + "]";
        const std::string wp = table->key_path("weights") + "[" + std::to_string(i) + "]";
        const auto count = read_integer(*v->get(i), vp, ctx);
        const auto weight = read_number(*w->get(i), wp, ctx);
        const bool count_ok = count && *count >= 1 && *count <= limits::max_trainees_per_dossier;
        if (count && !count_ok)
          ctx.diagnostics.add(v->get(i)->source(), vp,
                              "must be in [1, " + std::to_string(limits::max_trainees_per_dossier) + "], found " +
                                  std::to_string(*count));
        if (weight && *weight < 0)
          ctx.diagnostics.add(w->get(i)->source(), wp, "must be ≥ 0, found " + format_number(*weight));
        if (!count_ok || !weight || *weight < 0) {
          ok = false;
          continue;
        }
        out.trainees.values.push_back(static_cast<int>(*count));
        out.trainees.weights.push_back(*weight);
        sum += *weight;
      }
      if (ok && std::abs(sum - 1) > share_tolerance)
        table->error("weights", "sum to " + sum_text(sum) + ", need 1");
    }
  } else {
    reject_if_written(*table, "values", "distribution", why);
    reject_if_written(*table, "weights", "distribution", why);
  }
  table->finish();
}

void read_cost_per_trainee(TableReader& section, DemandModel& out) {
  auto table = section.table("cost_per_trainee");
  if (!table) return;
  TraineeCost::Kind kind = TraineeCost::Kind::LogNormal;
  if (const auto k = table->choice("distribution", cost_distribution_keys))
    kind = static_cast<TraineeCost::Kind>(*k);
  double sigma = 0.5;
  if (kind == TraineeCost::Kind::LogNormal) {
    const auto which = pick_alternative(*table, {"sigma", "cv"});
    if (which && *which == 0) {
      if (const auto v = table->number("sigma", Bounds::closed(0, limits::max_sigma))) sigma = *v;
    } else if (which) {
      // cv = sqrt(exp(σ²) − 1) for a lognormal.
      if (const auto v = table->number("cv", Bounds::closed(0, limits::max_cv))) sigma = std::sqrt(std::log1p(*v * *v));
    }
  } else {
    const std::string why = "does not apply to distribution = \"fixed\"";
    reject_if_written(*table, "sigma", "distribution", why);
    reject_if_written(*table, "cv", "distribution", why);
    sigma = 0;
  }
  std::array<double, pathway_count> means;
  means.fill(art6_mean_pathway_cost_eur);
  if (const MergedEntry* e = table->entry("mean_eur")) {
    if (e->value == nullptr || e->value->is_table()) {
      auto by_pathway = table->table("mean_eur");
      for (int p = 0; p < pathway_count; ++p) {
        const auto key = pathway_keys[static_cast<std::size_t>(p)];
        const auto v = by_pathway->number(key, mean_amount_bounds, true);
        if (!v) continue;
        means[static_cast<std::size_t>(p)] = *v;
        warn_if_implausible_trainee_cost(*by_pathway, key, *v);
      }
      by_pathway->finish("pathway", as_strings(pathway_keys));
    } else if (e->value != nullptr && (e->value->is_integer() || e->value->is_floating_point())) {
      if (const auto v = table->number("mean_eur", mean_amount_bounds)) {
        means.fill(*v);
        warn_if_implausible_trainee_cost(*table, "mean_eur", *v);
      }
    } else {
      table->error("mean_eur", "expected a number (EUR, every pathway) or a table by pathway, found " +
                                   (e->value ? type_name(*e->value) : std::string("a table")));
    }
  }
  for (int p = 0; p < pathway_count; ++p)
    out.cost_per_trainee[static_cast<std::size_t>(p)] =
        TraineeCost{kind, means[static_cast<std::size_t>(p)], sigma};
  table->finish();
}

void read_cost_components(TableReader& section, DemandModel& out) {
  auto table = section.table("cost_components");
  if (!table) return;
  const auto pedagogical = table->number("pedagogical", Bounds::at_least(0));
  const auto ancillary = table->number("ancillary", Bounds::at_least(0));
  const auto remuneration = table->number("remuneration", Bounds::at_least(0));
  table->finish();
  // Each share defaults on its own (1, 0, 0): a file that sets one sets them all.
  const bool ok = (pedagogical || !table->has("pedagogical")) && (ancillary || !table->has("ancillary")) &&
                  (remuneration || !table->has("remuneration"));
  if (!ok) return;
  out.pedagogical_share = pedagogical.value_or(1.0);
  out.ancillary_share = ancillary.value_or(0.0);
  out.remuneration_share = remuneration.value_or(0.0);
  const double sum = out.pedagogical_share + out.ancillary_share + out.remuneration_share;
  if (std::abs(sum - 1) > share_tolerance) table->error_here("shares sum to " + sum_text(sum) + ", need 1");
}

void read_schedule(TableReader& section, DemandModel& out) {
  auto table = section.table("schedule");
  if (!table) return;
  // Each key is one [min, max] for every pathway or an inline table by pathway.
  auto read_by_pathway = [&](const char* key, int max_days, std::array<DayRange, pathway_count>& ranges) {
    const MergedEntry* e = table->entry(key);
    if (!e) return;
    if (e->value == nullptr || e->value->is_table()) {
      auto by_pathway = table->table(key);
      for (int p = 0; p < pathway_count; ++p) {
        const auto v = by_pathway->day_range(pathway_keys[static_cast<std::size_t>(p)], 0, max_days, true);
        if (v) ranges[static_cast<std::size_t>(p)] = *v;
      }
      by_pathway->finish("pathway", as_strings(pathway_keys));
    } else if (const auto v = table->day_range(key, 0, max_days)) {
      ranges.fill(*v);
    }
  };
  read_by_pathway("start_lag_days", max_lag_days, out.start_lag_days);
  read_by_pathway("duration_days", max_pathway_days, out.duration_days);
  table->finish();
}

void read_lifecycle(TableReader& section, DemandModel& out) {
  auto table = section.table("lifecycle");
  if (!table) return;
  if (const auto v = table->number("cancellation_probability", Bounds::unit()))
    out.cancellation_probability = *v;
  const auto mean = table->number("dropout_mean", Bounds{0.0, 1.0, false, true});
  auto sd = table->number("dropout_sd", Bounds::at_least(0));
  if (sd && *sd > 0 && *sd < limits::min_cv) {
    // sd² underflows, and with it the Beta's concentration overflows.
    table->error("dropout_sd", format_number(*sd) +
                                   " is no spread a Beta can draw: give 0 for a drop-out share "
                                   "that is not random, or at least 0.000001");
    sd.reset();
  }
  if (mean) out.dropout_mean = *mean;
  if (sd) out.dropout_sd = *sd;
  // A Beta distribution with mean m has variance below m(1 − m). Checked on
  // the values in force, one of them perhaps not stated: a drop-out sd alone
  // has the default mean 0, which no random share can have. Not when either
  // was stated and refused already: the default in its place is not the user's.
  const bool refused =
      (!mean && table->rank_of("dropout_mean") >= 0) || (!sd && table->rank_of("dropout_sd") >= 0);
  const double m = out.dropout_mean, s = out.dropout_sd;
  if ((mean || sd) && !refused && s > 0 && !(s * s < m * (1 - m))) {
    // Shown rounded down to 4 decimals, so that the value offered is itself
    // allowed: one step lower when the limit is itself a 4-decimal number (0.5 for a mean of 0.5).
    double largest = std::floor(std::sqrt(m * (1 - m)) * 1e4) / 1e4;
    if (largest > 0 && !(largest * largest < m * (1 - m))) largest -= 1e-4;
    // At the more derived of the two: the one the user's own file wrote, when a parent wrote the other.
    table->error(
        table->rank_of("dropout_sd") >= table->rank_of("dropout_mean") ? "dropout_sd" : "dropout_mean",
        "no Beta distribution has mean " + format_number(m) + (mean ? "" : " (dropout_mean not stated)") +
            " and sd " + format_number(s) + ": sd² must be below mean × (1 − mean), so " +
            (largest > 0 ? "at most " + format_number(largest) + " here"
                         : std::string("only 0 here: a drop-out share that is not random")));
  }
  if (const auto v = table->day_range("invoicing_lag_days", 0, max_lag_days)) out.invoicing_lag_days = *v;
  table->finish();
}

// ---- cross-section check: every status in demand has a convention rule ------------------------------

bool some_rule_applies(const CoverageSettings& coverage, Status status, long headcount, Date from, Date to) {
  for (const CoverageRule& rule : coverage.rules) {
    if (rule.regime != Regime::Convention) continue;
    if (std::find(rule.statuses.begin(), rule.statuses.end(), status) == rule.statuses.end()) continue;
    if (headcount < rule.headcount_min || headcount > rule.headcount_max) continue;
    if (rule.valid_from && to < *rule.valid_from) continue;
    if (rule.valid_until && *rule.valid_until < from) continue;
    return true;
  }
  return false;
}

void check_statuses_covered(TableReader& section, ParseState& state, const std::vector<MixSpec>& mixes) {
  const Scenario& s = state.scenario;
  for (int st = 0; st < status_count; ++st) {
    std::string sizes;
    const MixSpec* culprit = nullptr;
    std::string culprit_region;
    for (int c = 0; c < size_class_count; ++c) {
      const long headcount = s.demand.representative_headcount[static_cast<std::size_t>(c)];
      bool demanded = false;
      for (std::size_t r = 0; r < mixes.size() && !demanded; ++r) {
        const AttributeMix cells = mixes[r].cells();
        for (int p = 0; p < pathway_count; ++p)
          if (cells[static_cast<std::size_t>(mix_cell(static_cast<SizeClass>(c), static_cast<Status>(st),
                                                      static_cast<Pathway>(p)))] > 0) {
            demanded = true;
            if (culprit == nullptr) {
              culprit = &mixes[r];
              culprit_region = s.convention.regions[r].code;
            }
            break;
          }
      }
      if (!demanded) continue;
      if (some_rule_applies(s.coverage, static_cast<Status>(st), headcount, s.convention.commitment_start,
                            s.convention.commitment_end))
        continue;
      if (!sizes.empty()) sizes += ", ";
      sizes += std::string(size_class_keys[static_cast<std::size_t>(c)]) + " (headcount " +
               std::to_string(headcount) + ")";
    }
    if (sizes.empty()) continue;
    std::string message =
        "status " + std::string(status_keys[static_cast<std::size_t>(st)]) +
        " has a positive share (region " + culprit_region +
        ") but no rule of regime convention covers it during the commitment window for size " + sizes +
        "; add one to [coverage.rules] or give the status a zero share";
    if (culprit->where != nullptr) {
      state.ctx.diagnostics.add(*culprit->where, culprit->path, std::move(message));
    } else {
      section.error_here(std::move(message));
    }
  }
}

}  // namespace fnesim::scenario_detail::demand
