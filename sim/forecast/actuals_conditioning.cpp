// Starting a forecast from the actuals at a cut-off (docs/forecasting.md):
// the observed ledger, the uptake learnt from the observed arrivals, and the
// cost and trainee parameters learnt where enough dossiers were observed.
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>

#include "models/apportion.hpp"
#include "models/coverage.hpp"
#include "models/distribution.hpp"
#include "models/envelope.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/forecast/uptake_posterior.hpp"
#include "sim/scenario/uncertain_parameters.hpp"
#include "sim/simulator.hpp"

namespace fnesim {

namespace {

// Below this many training dossiers the mean of a skewed cost or count is too
// unsteady for the normal approximation behind the update: the scenario's
// figure is kept.
constexpr std::int64_t min_dossiers_to_learn = 30;
// The scenario's cost and trainee figures weigh as much as this many observed
// dossiers: the estimate moves from the scenario's figure to the observed one
// in proportion n / (n + 50).
constexpr double prior_weight_dossiers = 50;

// The share of a trainee's cost the envelope's rate applies to (art. 2).
double eligible_cost_share(const Scenario& s) {
  return s.demand.pedagogical_share + (s.coverage.ancillary_eligible ? s.demand.ancillary_share : 0.0);
}

// What the scenario expects over [commitment start, cut-off), before uptake multipliers.
struct WindowExpectation {
  // Per region: arrivals a coverage rule applies to (eligible training
  // dossiers) and diagnostics — what the actuals can show.
  std::vector<double> arrivals;
  std::vector<std::vector<double>> daily;  // the same per region and day
  double diagnostics = 0;                  // national
  // Mean FNE share per trainee of the eligible training dossiers, EUR.
  double share_per_trainee_eur = 0;
  // Over the same dossiers, the mean of (rate × eligible share × pathway mean
  // cost)², and of it times the pathway cost's CV²: a dossier's spread about
  // the share per trainee, by cell and by trainee (learn_from_months).
  double share_square_eur2 = 0, share_square_cost_cv2_eur2 = 0;
};

WindowExpectation expect_before(const Scenario& scenario, int cut_off_day) {
  const Simulator simulator(scenario);
  const Convention& conv = scenario.convention;
  const DemandModel& demand = scenario.demand;
  const int regions = simulator.region_count();
  const double available_total = static_cast<double>(conv.total_available());
  const double cost_share = eligible_cost_share(scenario);

  WindowExpectation out;
  out.arrivals.assign(static_cast<std::size_t>(regions), 0.0);
  out.daily.assign(static_cast<std::size_t>(regions),
                   std::vector<double>(static_cast<std::size_t>(cut_off_day), 0.0));
  double share_sum = 0, share_square_sum = 0, share_square_cv2_sum = 0, trainee_weight = 0;
  std::array<double, mix_cell_count> rate{};  // per cell on the day; < 0: no rule applies
  for (int day = 0; day < cut_off_day; ++day) {
    const Date date = conv.commitment_start.plus_days(day);
    for (int s = 0; s < size_class_count; ++s)
      for (int st = 0; st < status_count; ++st) {
        const CoverageRule* rule =
            find_rule_or_null(scenario.coverage, Regime::Convention, static_cast<Status>(st),
                              demand.representative_headcount[s], date);
        for (int p = 0; p < pathway_count; ++p)
          rate[static_cast<std::size_t>(
              mix_cell(static_cast<SizeClass>(s), static_cast<Status>(st), static_cast<Pathway>(p)))] =
              rule ? rule->rate.as_fraction() : -1.0;
      }
    for (int r = 0; r < regions; ++r) {
      const RegionalDemand& rd = demand.regions[static_cast<std::size_t>(r)];
      // The simulator thins one arrival process into diagnostics and training
      // dossiers, the diagnostics spread over regions by available amount.
      const double diagnostics = available_total > 0
                                     ? demand.diagnostics_expected_dossiers *
                                           static_cast<double>(conv.available(static_cast<std::size_t>(r))) /
                                           available_total
                                     : 0.0;
      const double all = rd.expected_dossiers + diagnostics;
      const double diagnostic_share = all > 0 ? diagnostics / all : 0.0;
      const double arrivals = simulator.expected_arrivals_between(r, day, day + 1);
      double eligible_share = 0;
      for (int cell = 0; cell < mix_cell_count; ++cell) {
        const double weight = rd.mix[static_cast<std::size_t>(cell)];
        const double cell_rate = rate[static_cast<std::size_t>(cell)];
        if (weight <= 0 || cell_rate < 0) continue;
        eligible_share += weight;
        const double training = arrivals * (1 - diagnostic_share) * weight;
        const TraineeCost& cost = demand.cost_per_trainee[static_cast<std::size_t>(cell % pathway_count)];
        const double share = cell_rate * cost_share * cost.mean_eur;
        const double cost_cv2 =
            cost.kind == TraineeCost::Kind::LogNormal ? std::expm1(cost.sigma * cost.sigma) : 0.0;
        share_sum += training * share;
        share_square_sum += training * share * share;
        share_square_cv2_sum += training * share * share * cost_cv2;
        trainee_weight += training;
      }
      const double shown = arrivals * (diagnostic_share + (1 - diagnostic_share) * eligible_share);
      out.arrivals[static_cast<std::size_t>(r)] += shown;
      out.daily[static_cast<std::size_t>(r)][static_cast<std::size_t>(day)] = shown;
      out.diagnostics += arrivals * diagnostic_share;
    }
  }
  out.share_per_trainee_eur = trainee_weight > 0 ? share_sum / trainee_weight : 0.0;
  out.share_square_eur2 = trainee_weight > 0 ? share_square_sum / trainee_weight : 0.0;
  out.share_square_cost_cv2_eur2 = trainee_weight > 0 ? share_square_cv2_sum / trainee_weight : 0.0;
  return out;
}

// What was observed before the cut-off, per region.
struct Observed {
  std::vector<RegionLearning> regions;
  std::int64_t national_dossiers = 0;  // 2021 arrivals, carry-over excluded
  std::vector<ObservedDossier> ledger;
  std::vector<ForecastStart::NationalRow> national_rows;
  std::int64_t rows_used = 0, rows_after = 0;
};

void observe_dossiers(const Scenario& scenario, const Actuals& actuals, Date as_of, Observed& out) {
  const Date start = scenario.convention.commitment_start;
  for (const ActualDossier& d : actuals.dossiers) {
    if (d.filing_date >= as_of) {
      ++out.rows_after;
      continue;
    }
    ++out.rows_used;
    RegionLearning& region = out.regions[static_cast<std::size_t>(d.region)];
    ObservedDossier o;
    o.filing_day = d.carryover ? 0 : days_between(start, d.filing_date);
    o.region = d.region;
    o.kind = d.carryover    ? ObservedKind::CarryOver
             : d.diagnostic ? ObservedKind::Diagnostic
                            : ObservedKind::Training;
    o.cell = d.carryover || d.diagnostic ? -1 : d.cell;
    o.trainees = d.trainees;
    o.committed = d.committed;
    // A realised amount is known at the cut-off only if the training had ended;
    // the carry-over is realised in full (docs/model.md, "Life cycle").
    if (d.end_date && *d.end_date < as_of) {
      o.realised = d.realised;
      o.end_day = days_between(start, *d.end_date);
    } else if (d.carryover)
      o.realised = d.committed;
    out.ledger.push_back(o);
    region.committed += d.committed;
    if (o.realised && !d.carryover) region.released += d.committed - *o.realised;
    if (d.carryover) {
      region.carryover += d.committed;
      ++region.carryover_dossiers;
      continue;
    }
    ++region.dossiers;
    region.trainees += d.trainees;
    ++out.national_dossiers;
  }
}

// `room`: each region's ceiling, which its months use up in turn.
void observe_months(const Scenario& scenario, const Actuals& actuals, Date as_of,
                    const WindowExpectation& expected, std::vector<Cents> room, Observed& out) {
  const Convention& conv = scenario.convention;
  std::vector<std::int64_t> available;
  for (std::size_t r = 0; r < conv.regions.size(); ++r) available.push_back(conv.available(r));
  // In the order of the months: a national month's share stops at what its
  // regions' earlier months left under their ceilings.
  std::vector<const MonthlyActual*> months;
  for (const MonthlyActual& m : actuals.months) months.push_back(&m);
  std::stable_sort(months.begin(), months.end(),
                   [](const MonthlyActual* a, const MonthlyActual* b) { return a->month < b->month; });
  for (const MonthlyActual* row : months) {
    const MonthlyActual& m = *row;
    if (m.month >= as_of) {
      ++out.rows_after;
      continue;
    }
    ++out.rows_used;
    const bool carryover = last_of_month(m.month) < conv.commitment_start;
    // A lump stands for the part of its month observed, and is said to be
    // committed on its middle day; its dossiers are simulated over all of it.
    std::int32_t day = 0, first = 0, last = 0;
    if (!carryover) {
      first = std::max(0, days_between(conv.commitment_start, m.month));
      last = std::min(days_between(conv.commitment_start, last_of_month(m.month)),
                      days_between(conv.commitment_start, as_of) - 1);
      day = first + (last - first) / 2;
    }
    auto add_lump = [&](int r, std::int64_t dossiers, std::int64_t trainees, Cents committed,
                        int national_row) {
      if (dossiers == 0 && trainees == 0 && committed == 0 && national_row < 0) return;
      ObservedDossier o;
      o.kind = carryover ? ObservedKind::CarryOver : ObservedKind::Lump;
      o.filing_day = day;
      o.first_filing_day = first;
      o.last_filing_day = last;
      o.region = r;
      o.trainees = trainees;
      o.dossiers = dossiers;
      o.committed = committed;
      o.national_row = national_row;
      if (carryover) o.realised = committed;
      out.ledger.push_back(o);
      RegionLearning& region = out.regions[static_cast<std::size_t>(r)];
      region.committed += committed;
      if (carryover) {
        region.carryover += committed;
        region.carryover_dossiers += dossiers;
      } else {
        region.dossiers += dossiers;
        region.trainees += trainees;
      }
    };
    if (!carryover) out.national_dossiers += m.dossiers;
    if (m.region != national_region) {
      add_lump(m.region, m.dossiers, m.trainees, m.committed, -1);
      continue;
    }
    // A national figure: which region filed it is not known. Each replication
    // shares it by the arrivals the regions were expected over its days times
    // their uptake drawn (ForecastStart::NationalRow); the ledger holds the
    // share at uptake 1. The carry-over, which no uptake drove, and a month
    // the scenario expected nothing of, by available amounts.
    std::vector<double> weights(available.size(), 0.0);
    if (!carryover)
      for (std::size_t r = 0; r < available.size(); ++r)
        for (std::int32_t d = first; d <= last; ++d)
          weights[r] += expected.daily[r][static_cast<std::size_t>(d)];
    const bool by_expected = std::any_of(weights.begin(), weights.end(), [](double w) { return w > 0; });
    int national_row = -1;
    if (by_expected) {
      national_row = static_cast<int>(out.national_rows.size());
      out.national_rows.push_back({m.dossiers, m.trainees, m.committed, weights});
    } else {
      for (std::size_t r = 0; r < available.size(); ++r) weights[r] = static_cast<double>(available[r]);
    }
    const NationalRowShares shares =
        share_national_row(m.dossiers, m.trainees, m.committed, weights, weights, room);
    for (std::size_t r = 0; r < available.size(); ++r) {
      room[r] -= shares.committed[r];
      add_lump(static_cast<int>(r), shares.dossiers[r], shares.trainees[r], shares.committed[r],
               national_row >= 0 && weights[r] > 0 ? national_row : -1);
    }
  }
}

// Stretches of days with no dossier where many were due: a file that starts
// late, misses a month or a region, or was extracted days before the
// cut-off reads as a year that filed nothing then — a wrong forecast with
// nothing to show for it. A stretch is said when, at the pace the actuals
// give the nation (the learnt common level), it should have held at least
// `silent_stretch_dossiers`: then no plausible year leaves it empty (even a
// region at half the nation's pace, three of its CVs below, expects 7, and
// P(none) < 0.001) — and when it lasts a week at least: the model spreads
// demand over every day, where offices file on working days, and a weekend
// with a holiday leaves up to four days empty in any real file. Nationally,
// then per region when the file has regions.
constexpr double silent_stretch_dossiers = 15;
constexpr int silent_stretch_days = 7;

void warn_of_silent_stretches(const Scenario& scenario, const Actuals& actuals, Date as_of,
                              const std::vector<ObservedDossier>& ledger, const WindowExpectation& expected,
                              double national_pace, const std::vector<bool>& may_have_run_out,
                              ActualsReport& report) {
  const Convention& conv = scenario.convention;
  const int cut_off_day = days_between(conv.commitment_start, as_of);
  const std::size_t regions = expected.daily.size();
  if (cut_off_day <= 0) return;
  // Per region, each day that shows a dossier: its filing day, or every day a month's row with dossiers
  // stands for.
  std::vector<std::vector<bool>> shown(regions,
                                       std::vector<bool>(static_cast<std::size_t>(cut_off_day), false));
  bool any_shown = false;
  for (const ObservedDossier& o : ledger) {
    if (o.kind == ObservedKind::CarryOver || o.dossiers <= 0) continue;
    const std::int32_t first = o.kind == ObservedKind::Lump ? o.first_filing_day : o.filing_day;
    const std::int32_t last = o.kind == ObservedKind::Lump ? o.last_filing_day : o.filing_day;
    for (std::int32_t d = std::max(first, 0); d <= last && d < cut_off_day; ++d)
      any_shown = shown[static_cast<std::size_t>(o.region)][static_cast<std::size_t>(d)] = true;
  }
  // A file without a dossier of the year before the cut-off gives no pace to
  // hold its days against (a prior wide enough learns one near zero from it,
  // and would say nothing): held against the scenario's own expectation.
  if (!any_shown) {
    // A week at least, as a stretch: New Year's Day and a weekend leave the first days of any file empty.
    if (cut_off_day < silent_stretch_days) return;
    double due = 0;
    for (std::size_t r = 0; r < regions; ++r)
      for (int d = 0; d < cut_off_day; ++d) due += expected.daily[r][static_cast<std::size_t>(d)];
    if (due >= silent_stretch_dossiers)
      report.warnings.push_back(
          {actuals.file, 0, 0, "",
           "warning: no dossier filed from " + conv.commitment_start.iso() + " to " +
               as_of.plus_days(-1).iso() + ", where the scenario expects about " +
               std::to_string(std::llround(due)) +
               ": does the file start late, or hold another year? Those days are read as filing nothing"});
    return;
  }
  if (!(national_pace > 0)) return;
  const auto say = [&](const std::string& who, int first, int last, double due) {
    const Date from = conv.commitment_start.plus_days(first), to = conv.commitment_start.plus_days(last);
    std::string message = "warning: ";
    if (!who.empty()) message += who + ": ";
    message += "no dossier filed from " + from.iso() + " to " + to.iso() + ", where about " +
               std::to_string(std::llround(due)) + " were due at the pace the actuals give the nation: ";
    if (last == cut_off_day - 1 && first > 0 && who.empty())
      message += "if the file was extracted on " + from.plus_days(-1).iso() + ", the cut-off is " +
                 from.iso() + " (--as-of); otherwise those days are read as filing nothing";
    else if (first == 0 && who.empty())
      message += "does the file start late? Those days are read as filing nothing";
    else if (who.empty())
      message += "are rows missing? Those days are read as filing nothing";
    else
      message += "are the region's rows missing? Those days are read as filing nothing";
    report.warnings.push_back({actuals.file, 0, 0, "", std::move(message)});
  };
  struct Stretch {
    int first, last;
    double due;
  };
  // The runs of days that show no dossier, with what the regions in `due_of`
  // were due at the nation's pace. A region that may have run out commits
  // nothing more, rightly: the days up to the cut-off are not due of it.
  const auto silent = [&](const std::function<bool(int)>& shows, const std::vector<std::size_t>& due_of) {
    std::vector<Stretch> stretches;
    for (int d = 0; d < cut_off_day;) {
      if (shows(d)) {
        ++d;
        continue;
      }
      const int first = d;
      while (d < cut_off_day && !shows(d)) ++d;
      Stretch stretch{first, d - 1, 0};
      const bool to_the_cut_off = stretch.last == cut_off_day - 1;
      for (const std::size_t r : due_of) {
        if (to_the_cut_off && may_have_run_out[r]) continue;
        for (int day = stretch.first; day <= stretch.last; ++day)
          stretch.due += national_pace * expected.daily[r][static_cast<std::size_t>(day)];
      }
      if (stretch.due >= silent_stretch_dossiers && stretch.last - stretch.first + 1 >= silent_stretch_days)
        stretches.push_back(stretch);
    }
    return stretches;
  };
  std::vector<std::size_t> every_region(regions);
  for (std::size_t r = 0; r < regions; ++r) every_region[r] = r;
  const std::vector<Stretch> national = silent(
      [&](int d) {
        for (std::size_t r = 0; r < regions; ++r)
          if (shown[r][static_cast<std::size_t>(d)]) return true;
        return false;
      },
      every_region);
  for (const Stretch& s : national) say("", s.first, s.last, s.due);
  if (actuals.national) return;  // one row a month for the nation: no region's own days
  // A region's days inside a stretch the nation already said are said.
  const auto said_nationally = [&](int d) {
    return std::any_of(national.begin(), national.end(),
                       [&](const Stretch& n) { return n.first <= d && d <= n.last; });
  };
  for (std::size_t r = 0; r < regions; ++r)
    for (const Stretch& s :
         silent([&](int d) { return shown[r][static_cast<std::size_t>(d)] || said_nationally(d); }, {r}))
      say(conv.regions[r].code, s.first, s.last, s.due);
}

double mean_off_diagonal(const Eigen::MatrixXd& correlation) {
  const auto n = correlation.rows();
  if (n < 2) return 0.0;
  return (correlation.sum() - correlation.trace()) / static_cast<double>(n * (n - 1));
}

// The precision-weighted mean on the log scale: the scenario's figure weighs
// `prior_weight`, the observed one `weight`.
double shrink(double prior, double observed, double prior_weight, double weight) {
  return std::exp((prior_weight * std::log(prior) + weight * std::log(observed)) / (prior_weight + weight));
}

// The categorical count closest to the scenario's — the least
// Kullback–Leibler divergence from it (Csiszár 1975) — whose mean is
// `target`: its weights tilted exponentially, w_k e^{θ v_k} normalised. The
// values and the shape of the distribution are the scenario's; only its mean
// moves. The tilted mean grows with θ (its derivative is the tilted
// variance), so θ is bracketed, then found by bisection. False, and `count`
// untouched, unless the target lies strictly between the smallest and the
// largest value of positive weight and the tilt reaches it.
bool tilt_to_mean(TraineeCount& count, double target) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (std::size_t k = 0; k < count.values.size(); ++k) {
    if (count.weights[k] <= 0) continue;
    low = std::min(low, static_cast<double>(count.values[k]));
    high = std::max(high, static_cast<double>(count.values[k]));
  }
  if (!(target > low && target < high)) return false;
  std::vector<double> tilted(count.weights.size());
  // The weights from the largest exponent down (log-sum-exp): a tilt that
  // favours a count of tiny weight neither overflows nor loses it.
  auto tilt = [&](double theta) {
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < tilted.size(); ++k)
      if (count.weights[k] > 0) top = std::max(top, std::log(count.weights[k]) + theta * count.values[k]);
    double sum = 0, mean = 0;
    for (std::size_t k = 0; k < tilted.size(); ++k) {
      tilted[k] =
          count.weights[k] > 0 ? std::exp(std::log(count.weights[k]) + theta * count.values[k] - top) : 0.0;
      sum += tilted[k];
    }
    for (std::size_t k = 0; k < tilted.size(); ++k) {
      tilted[k] /= sum;
      mean += tilted[k] * count.values[k];
    }
    return mean;
  };
  double below = -1, above = 1;
  for (int doubling = 0; doubling < 64 && tilt(below) > target; ++doubling) below *= 2;
  for (int doubling = 0; doubling < 64 && tilt(above) < target; ++doubling) above *= 2;
  for (;;) {
    const double theta = (below + above) / 2;
    if (theta <= below || theta >= above) break;
    (tilt(theta) < target ? below : above) = theta;
  }
  if (!(std::abs(tilt((below + above) / 2) - target) <= 1e-9 * target)) return false;
  count.weights = tilted;
  return true;
}

// E[K²] of a dossier's trainees.
double trainee_count_second_moment(const TraineeCount& count) {
  switch (count.kind) {
    case TraineeCount::Kind::Fixed:
      return static_cast<double>(count.fixed) * static_cast<double>(count.fixed);
    case TraineeCount::Kind::ShiftedPoisson: {
      const double extra = std::max(count.mean - 1, 0.0);  // K = 1 + Poisson(extra)
      return (1 + extra) * (1 + extra) + extra;
    }
    case TraineeCount::Kind::Categorical: {
      double sum = 0;
      for (std::size_t k = 0; k < count.values.size(); ++k)
        sum += count.weights[k] * static_cast<double>(count.values[k]) * static_cast<double>(count.values[k]);
      return sum;
    }
  }
  return 0;
}

// A value the actuals do not update keeps the scenario's figure, which weighs
// as much as 50 dossiers: it is drawn with that weight's error, what the
// update would give with no dossier observed. Taken as known instead, a file
// just short of the threshold would give a surer forecast than one just past it.

// ln k̄'s error from 50 dossiers of the scenario's count: Var(K) / (50 E[K]²).
double prior_trainees_log_sd(const TraineeCount& count) {
  const double k1 = count.expected();
  if (count.kind == TraineeCount::Kind::Fixed || !(k1 > 0)) return 0.0;
  return std::sqrt(std::max(trainee_count_second_moment(count) - k1 * k1, 0.0) / prior_weight_dossiers) / k1;
}

// ln μ's error from the trainees of 50 dossiers, each trainee's cost of the
// scenario's relative variance e^{σ²} − 1 (one lognormal draw a trainee).
double prior_cost_log_sd(const TraineeCost& cost, double trainees_prior_mean) {
  if (cost.kind == TraineeCost::Kind::Fixed || !(trainees_prior_mean > 0)) return 0.0;
  return std::sqrt(std::expm1(cost.sigma * cost.sigma) / (prior_weight_dossiers * trainees_prior_mean));
}

// A value kept whose key the scenario's [uncertainty] draws already has the
// scenario's own statement of its doubt: the 50 dossiers' error is not added.
bool declared_uncertain(const Scenario& prior, std::string_view key) {
  return std::any_of(prior.uncertainty.parameters.begin(), prior.uncertainty.parameters.end(),
                     [&](const UncertainParameter& p) { return p.path == key; });
}

constexpr std::string_view declared_note = "; its doubt is the scenario's [uncertainty]";

// The relative variance of a training dossier's envelope share in the
// scenario, about its trainees' count times the mean share per trainee: a
// dossier of K trainees in a cell of share a (rate × eligible share × mean
// cost) has a share of a·(K trainees' costs); about K·R, R the mean share per
// trainee, it varies by E[K]·E[a²cv²] (the costs) + E[K²]·Var(a) (the cells),
// over (E[K]·R)².
double share_cv2_about_trainees(const TraineeCount& count, const WindowExpectation& expected) {
  const double k1 = count.expected(), k2 = trainee_count_second_moment(count);
  const double r = expected.share_per_trainee_eur;
  if (!(k1 > 0 && r > 0)) return 0.0;
  return (k1 * expected.share_square_cost_cv2_eur2 + k2 * std::max(expected.share_square_eur2 - r * r, 0.0)) /
         (k1 * k1 * r * r);
}

// The same about its mean: the trainees' count varies too, by Var(K) / E[K]²
// (K drawn apart from the cell).
double dossier_share_cv2(const TraineeCount& count, const WindowExpectation& expected) {
  const double k1 = count.expected();
  if (!(k1 > 0)) return 0.0;
  return share_cv2_about_trainees(count, expected) +
         std::max(trainee_count_second_moment(count) - k1 * k1, 0.0) / (k1 * k1);
}

std::string thin_data_note(std::int64_t dossiers) {
  return std::to_string(dossiers) + (dossiers == 1 ? " training dossier" : " training dossiers") +
         " observed, " + std::to_string(min_dossiers_to_learn) + " needed";
}

// Dossier layout: cost per trainee by pathway, from each dossier's cost
// implied by its commitment and the rate that applied; trainees per dossier.
void learn_from_dossiers(const Scenario& prior, const Actuals& actuals, Date as_of, DemandModel& demand,
                         ForecastStart& start, std::vector<ParameterLearning>& out) {
  const double cost_share = eligible_cost_share(prior);
  const double trainees_prior_mean = prior.demand.trainees.expected();
  // Censored: capped commitments; unfunded: committed for 0 EUR under rules
  // that fund none of the costs — neither says what the cost was.
  std::array<std::int64_t, pathway_count> dossiers{}, trainees{}, censored{}, unfunded{};
  // Σ cost, Σ cost², Σ cost × trainees, Σ trainees²: the ratio estimate's error.
  std::array<double, pathway_count> cost_eur{}, cost_sq{}, cost_by_trainees{}, trainees_sq{};
  std::map<std::int64_t, std::int64_t> trainee_counts;
  std::int64_t training_dossiers = 0, extra_trainees = 0;
  for (const ActualDossier& d : actuals.dossiers) {
    if (d.filing_date >= as_of || d.carryover || d.diagnostic) continue;
    ++training_dossiers;
    extra_trainees += d.trainees - 1;
    ++trainee_counts[d.trainees];
    const auto p = static_cast<std::size_t>(d.cell % pathway_count);
    // The reader checked that a rule applies.
    const CoverageRule& rule =
        find_rule(prior.coverage, Regime::Convention,
                  static_cast<Status>(d.cell / pathway_count % status_count), d.headcount, d.filing_date);
    if (!rule_funds_some_cost(prior, rule)) {
      ++unfunded[p];
      continue;
    }
    // A capped commitment says only that the cost was at least so much.
    if (rule.cap_per_dossier && d.committed >= *rule.cap_per_dossier) {
      ++censored[p];
      continue;
    }
    // Positive: the rule pays a share of the eligible components, and some are in the split.
    const double paid_share = rule.rate.as_fraction() * cost_share;
    const double cost = static_cast<double>(d.committed) / cents_per_euro / paid_share;
    const auto k = static_cast<double>(d.trainees);
    ++dossiers[p];
    trainees[p] += d.trainees;
    cost_eur[p] += cost;
    cost_sq[p] += cost * cost;
    cost_by_trainees[p] += cost * k;
    trainees_sq[p] += k * k;
  }

  for (int p = 0; p < pathway_count; ++p) {
    const auto i = static_cast<std::size_t>(p);
    TraineeCost& cost = demand.cost_per_trainee[i];
    ParameterLearning learning;
    learning.parameter = "cost_per_trainee.mean_eur.";
    learning.parameter += pathway_keys[i];
    learning.dossiers = dossiers[i];
    learning.prior = learning.posterior = cost.mean_eur;
    learning.log_sd = prior_cost_log_sd(cost, trainees_prior_mean);
    if (trainees[i] > 0) learning.observed = cost_eur[i] / static_cast<double>(trainees[i]);
    if (cost.kind == TraineeCost::Kind::Fixed) {
      learning.note = "fixed in the scenario: not learnt";
    } else if (dossiers[i] == 0 && unfunded[i] > 0) {
      learning.note = "the scenario's rules fund none of their costs: " + std::to_string(unfunded[i]) +
                      " dossiers committed for 0 EUR, which say nothing of them";
    } else if (dossiers[i] < min_dossiers_to_learn) {
      learning.note = thin_data_note(dossiers[i]);
    } else {
      learning.posterior =
          shrink(cost.mean_eur, *learning.observed, prior_weight_dossiers * trainees_prior_mean,
                 static_cast<double>(trainees[i]));
      learning.updated = true;
      learning.note = "cost implied by each commitment and the rate that applied";
      cost.mean_eur = learning.posterior;
      // The normal update's variance of ln μ: a trainee's cost variance, read
      // from the dossiers' spread about the ratio μ̂ (Σ(c − μ̂k)² / K — what a
      // dossier's trainees share, the model's lognormal or not), over the
      // trainees the prior and the data weigh.
      const double mean = *learning.observed, k_total = static_cast<double>(trainees[i]);
      const double spread = cost_sq[i] - 2 * mean * cost_by_trainees[i] + mean * mean * trainees_sq[i];
      const double relative_variance = std::max(spread, 0.0) / k_total / (mean * mean);
      learning.log_sd =
          std::sqrt(relative_variance / (prior_weight_dossiers * trainees_prior_mean + k_total));
    }
    if (censored[i] > 0) {
      learning.note += "; ";
      learning.note += std::to_string(censored[i]);
      learning.note += " capped commitments left out";
    }
    if (unfunded[i] > 0 && dossiers[i] > 0) {
      learning.note += "; ";
      learning.note += std::to_string(unfunded[i]);
      learning.note += " left out, committed for 0 EUR: the scenario's rules fund none of their costs";
    }
    if (!learning.updated && learning.log_sd > 0 &&
        declared_uncertain(prior, "demand." + learning.parameter)) {
      learning.log_sd = 0;
      learning.note += declared_note;
    }
    start.cost_log_sd[i] = learning.log_sd;
    out.push_back(learning);
  }

  TraineeCount& count = demand.trainees;
  ParameterLearning learning;
  learning.dossiers = training_dossiers;
  learning.prior = learning.posterior = trainees_prior_mean;
  learning.log_sd = prior_trainees_log_sd(count);
  if (training_dossiers > 0)
    learning.observed = 1.0 + static_cast<double>(extra_trainees) / static_cast<double>(training_dossiers);
  const double n = static_cast<double>(training_dossiers);
  switch (count.kind) {
    case TraineeCount::Kind::Fixed:
      learning.parameter = "trainees.value";
      learning.note = "fixed in the scenario: not learnt";
      break;
    case TraineeCount::Kind::ShiftedPoisson:
      learning.parameter = "trainees.mean";
      if (training_dossiers < min_dossiers_to_learn) {
        learning.note = thin_data_note(training_dossiers);
        break;
      }
      // Gamma–Poisson on the extra trainees K − 1, the prior worth 50 dossiers.
      count.mean = 1 + (prior_weight_dossiers * (count.mean - 1) + static_cast<double>(extra_trainees)) /
                           (prior_weight_dossiers + n);
      learning.posterior = count.mean;
      learning.updated = true;
      break;
    case TraineeCount::Kind::Categorical: {
      learning.parameter = "trainees.weights";
      if (training_dossiers < min_dossiers_to_learn) {
        learning.note = thin_data_note(training_dossiers);
        break;
      }
      // The Dirichlet-process update: the scenario's distribution weighs 50
      // dossiers, each observed count one; counts never seen before are added.
      std::map<std::int64_t, double> weights;
      for (std::size_t k = 0; k < count.values.size(); ++k)
        weights[count.values[k]] += prior_weight_dossiers * count.weights[k];
      for (const auto& [value, times] : trainee_counts) weights[value] += static_cast<double>(times);
      count.values.clear();
      count.weights.clear();
      for (const auto& [value, weight] : weights) {
        count.values.push_back(static_cast<int>(value));
        count.weights.push_back(weight / (prior_weight_dossiers + n));
      }
      learning.posterior = count.expected();
      learning.updated = true;
      learning.note = "weights of each count; counts never seen before added";
      break;
    }
  }
  if (learning.updated && learning.observed) {
    // The mean learnt is uncertain by the counts' spread over the 50 + n
    // dossiers weighed (Gamma–Poisson or Dirichlet alike): read from the
    // counts, over-dispersed or not.
    double squares = 0;
    for (const auto& [value, times] : trainee_counts)
      squares += static_cast<double>(times) * (static_cast<double>(value) - *learning.observed) *
                 (static_cast<double>(value) - *learning.observed);
    const double variance = squares / n;
    learning.log_sd = std::sqrt(variance / (prior_weight_dossiers + n)) / learning.posterior;
  } else if (learning.log_sd > 0 && declared_uncertain(prior, "demand." + learning.parameter)) {
    learning.log_sd = 0;
    learning.note += declared_note;
  }
  start.common_log_sd = learning.log_sd;
  out.push_back(learning);
}

// Monthly layout: the FNE share per trainee against the scenario's, as one
// factor on every pathway's cost, and the trainees per dossier. The months
// count diagnostics with the training dossiers: their expected number and
// amount are taken out first.
void learn_from_months(const Scenario& prior, const Actuals& actuals, Date as_of,
                       const WindowExpectation& expected, DemandModel& demand, ForecastStart& start,
                       std::vector<ParameterLearning>& out) {
  double dossiers = 0, trainees = 0, committed_eur = 0;
  for (const MonthlyActual& m : actuals.months) {
    if (m.month >= as_of || last_of_month(m.month) < prior.convention.commitment_start) continue;
    dossiers += static_cast<double>(m.dossiers);
    trainees += static_cast<double>(m.trainees);
    committed_eur += static_cast<double>(m.committed) / cents_per_euro;
  }
  double expected_all = 0;
  for (double e : expected.arrivals) expected_all += e;
  const double diagnostics = expected_all > 0 ? dossiers * expected.diagnostics / expected_all : 0.0;
  const DayRange& days = prior.demand.diagnostic_days;
  const double diagnostic_eur =
      (days.min + days.max) / 2.0 * static_cast<double>(prior.coverage.diagnostic_day_rate) / cents_per_euro;
  const double training = dossiers - diagnostics;
  const double training_eur = committed_eur - diagnostics * diagnostic_eur;
  const auto training_count = static_cast<std::int64_t>(std::llround(training));
  const bool enough = training_count >= min_dossiers_to_learn;
  std::string estimated = "from monthly totals";
  if (diagnostics > 0) {
    estimated += ", less ";
    estimated += std::to_string(std::llround(diagnostics));
    estimated += " diagnostics expected among them";
  }

  bool any_fixed = false;
  for (const TraineeCost& c : demand.cost_per_trainee) any_fixed |= c.kind == TraineeCost::Kind::Fixed;
  const double share_expected = expected.share_per_trainee_eur;
  const bool cost_learnable = enough && !any_fixed && trainees > 0 && training_eur > 0 && share_expected > 0;
  // Amounts below what the diagnostics expected among the dossiers cost on
  // their own (a file in thousands of euros, say) give no cost to learn: no
  // negative one either.
  const bool cost_observed = trainees > 0 && training_eur > 0 && share_expected > 0;
  const double factor_observed = cost_observed ? training_eur / trainees / share_expected : 0.0;
  const double factor = cost_learnable ? shrink(1.0, factor_observed, prior_weight_dossiers, training) : 1.0;
  TraineeCount& count = demand.trainees;
  ParameterLearning trainee_learning;
  trainee_learning.dossiers = std::max<std::int64_t>(training_count, 0);
  trainee_learning.prior = trainee_learning.posterior = count.expected();
  trainee_learning.log_sd = prior_trainees_log_sd(count);
  if (training > 0) trainee_learning.observed = trainees / training;
  if (count.kind == TraineeCount::Kind::ShiftedPoisson) {
    trainee_learning.parameter = "trainees.mean";
    if (!enough) {
      trainee_learning.note = thin_data_note(training_count);
    } else if (trainees < training) {
      trainee_learning.note = "fewer trainees than training dossiers: not learnt";
    } else {
      count.mean = 1 + (prior_weight_dossiers * (count.mean - 1) + trainees - training) /
                           (prior_weight_dossiers + training);
      trainee_learning.posterior = count.mean;
      trainee_learning.updated = true;
      trainee_learning.note = estimated;
    }
  } else if (count.kind == TraineeCount::Kind::Categorical) {
    // Totals give the mean only: the scenario's distribution moved to the
    // mean learnt (the scenario's weighing 50 dossiers, as for λ above), its
    // shape kept. Kept whole, a scenario of 9.9 trainees a dossier would
    // price every dossier to come below those observed.
    trainee_learning.parameter = "trainees.weights";
    const double target =
        (prior_weight_dossiers * count.expected() + trainees) / (prior_weight_dossiers + training);
    if (!enough) {
      trainee_learning.note = thin_data_note(training_count);
    } else if (!tilt_to_mean(count, target)) {
      trainee_learning.note = "the mean observed is outside the scenario's counts: not learnt";
    } else {
      trainee_learning.posterior = count.expected();
      trainee_learning.updated = true;
      trainee_learning.note = "weights tilted to the mean learnt, " + estimated;
    }
  } else {
    trainee_learning.parameter = "trainees.value";
    trainee_learning.note = "fixed in the scenario: not learnt";
  }
  if (trainee_learning.updated) {
    // The count's spread under the mean learnt, over the 50 + n dossiers weighed.
    const double variance =
        trainee_count_second_moment(count) - trainee_learning.posterior * trainee_learning.posterior;
    trainee_learning.log_sd =
        std::sqrt(std::max(variance, 0.0) / (prior_weight_dossiers + training)) / trainee_learning.posterior;
  } else if (trainee_learning.log_sd > 0 &&
             declared_uncertain(prior, "demand." + trainee_learning.parameter)) {
    trainee_learning.log_sd = 0;
    trainee_learning.note += declared_note;
  }
  // Totals show no dossier's spread: the scenario's (share_cv2_about_trainees),
  // under the count the forecast uses; the ratio's log varies by it over n
  // dossiers — over 50 + n with the prior, over the prior's 50 alone when not
  // learnt. Kept, and every pathway's cost drawn by the scenario's
  // [uncertainty], the scenario's doubt stands alone. With a pathway's cost
  // fixed nothing is learnt from totals: each other pathway keeps its figure
  // with its own prior error, as from dossiers, the fixed one none.
  bool every_cost_declared = true;
  for (std::size_t p = 0; p < pathway_count; ++p)
    every_cost_declared &=
        declared_uncertain(prior, "demand.cost_per_trainee.mean_eur." + std::string(pathway_keys[p]));
  double cost_log_sd = 0;
  if (!any_fixed && (cost_learnable || !every_cost_declared))
    cost_log_sd = std::sqrt(share_cv2_about_trainees(count, expected) /
                            (prior_weight_dossiers + (cost_learnable ? training : 0.0)));
  const double trainees_prior_mean = prior.demand.trainees.expected();
  for (int p = 0; p < pathway_count; ++p) {
    TraineeCost& cost = demand.cost_per_trainee[static_cast<std::size_t>(p)];
    ParameterLearning learning;
    learning.parameter = "cost_per_trainee.mean_eur.";
    learning.parameter += pathway_keys[static_cast<std::size_t>(p)];
    learning.dossiers = std::max<std::int64_t>(training_count, 0);
    learning.prior = cost.mean_eur;
    if (cost_observed) learning.observed = cost.mean_eur * factor_observed;
    learning.posterior = cost.mean_eur * factor;
    learning.updated = cost_learnable;
    learning.log_sd = cost_log_sd;
    const bool declared = declared_uncertain(prior, "demand." + learning.parameter);
    if (any_fixed) {
      learning.note = "the scenario fixes some pathway's cost: not learnt from totals";
      learning.log_sd = declared ? 0.0 : prior_cost_log_sd(cost, trainees_prior_mean);
      start.cost_log_sd[static_cast<std::size_t>(p)] = learning.log_sd;
    } else if (!enough) {
      learning.note = thin_data_note(training_count);
    } else if (!cost_learnable && trainees > 0 && committed_eur > 0 && training_eur <= 0) {
      learning.note =
          "the amounts committed are less than the diagnostics expected among the dossiers would cost";
    } else if (!cost_learnable) {
      learning.note = "no trainees or amounts to learn from";
    } else {
      learning.note = "every pathway scaled by the FNE share per trainee, " + estimated;
      cost.mean_eur = learning.posterior;
    }
    if (!cost_learnable && declared && cost.kind != TraineeCost::Kind::Fixed &&
        (any_fixed || every_cost_declared))
      learning.note += declared_note;
    out.push_back(learning);
  }
  // One cost factor for every pathway, and the trainees: both common.
  start.common_log_sd = std::hypot(cost_log_sd, trainee_learning.log_sd);
  out.push_back(trainee_learning);
}

}  // namespace

namespace {

[[noreturn]] void cut_off_error(const Actuals& actuals, std::string message) {
  throw ActualsError({{actuals.file, 0, 0, "", std::move(message)}});
}

}  // namespace

std::string cut_off_outside_window(const Convention& conv, Date as_of) {
  if (as_of > conv.commitment_start && as_of <= conv.commitment_end) return "";
  return "must fall after the commitment start (" + conv.commitment_start.iso() +
         ") and no later than the commitment end (" + conv.commitment_end.iso() + ")";
}

void check_cut_off(const Scenario& scenario, const Actuals& actuals, Date as_of) {
  std::string prefix = "cut-off ";
  prefix += as_of.iso();
  prefix += ": ";
  if (const std::string outside = cut_off_outside_window(scenario.convention, as_of); !outside.empty())
    cut_off_error(actuals, prefix + outside);
  if (as_of > actuals.last_day.plus_days(1))
    cut_off_error(actuals, prefix + "the actuals end on " + actuals.last_day.iso() +
                               ": a later cut-off would count the days between as days without dossiers");
  if (actuals.layout == ActualsLayout::Monthly && as_of.day() != 1 &&
      first_of_month(as_of) != first_of_month(actuals.last_day)) {
    std::string message = prefix;
    message += "monthly aggregates give ";
    message += std::string(month_name(as_of.month()));
    message += " whole: a cut-off must be the first day of a month, or fall in the file's last month (";
    message += actuals.last_day.iso().substr(0, 7);
    message += "), read as month to date";
    cut_off_error(actuals, message);
  }
  // Complete through a day before their last month's end (--through): that
  // month's figures stop there, so a cut-off inside it can only be its first
  // day (the month left out) or the next day; another would count days on
  // the wrong side of the cut-off.
  if (actuals.layout == ActualsLayout::Monthly && actuals.last_day != last_of_month(actuals.last_day) &&
      as_of.day() != 1 && as_of != actuals.last_day.plus_days(1) &&
      first_of_month(as_of) == first_of_month(actuals.last_day))
    cut_off_error(actuals, prefix + "the monthly figures are complete through " + actuals.last_day.iso() +
                               ": a cut-off in their last month must be its first day or the next day, " +
                               actuals.last_day.plus_days(1).iso());
}

double RegionLearning::posterior_cv() const { return 1 / std::sqrt(posterior_shape); }

double RegionLearning::posterior_quantile(double probability) const {
  return gamma_quantile(posterior_shape, probability) / posterior_rate;
}

ConditionedScenario condition_on_actuals(const Scenario& scenario, const Actuals& actuals, Date as_of,
                                         PriorPredictiveCheck check, PriorPredictiveBands* bands) {
  check_cut_off(scenario, actuals, as_of);
  Scenario prior = scenario;
  prior.forecast_start.reset();
  const Convention& conv = prior.convention;
  const int cut_off_day = days_between(conv.commitment_start, as_of);
  const std::size_t regions = conv.regions.size();

  const WindowExpectation expected = expect_before(prior, cut_off_day);
  std::vector<Cents> ceilings;
  for (std::size_t r = 0; r < regions; ++r)
    ceilings.push_back(overcommit_ceiling(conv.available(r), prior.demand.ceiling_margin()));
  // The national rows share what the carry-over left (it comes first).
  std::vector<Cents> room_for_national_rows = ceilings;
  Observed observed;
  observed.regions.resize(regions);
  if (actuals.layout == ActualsLayout::Dossiers) {
    observe_dossiers(prior, actuals, as_of, observed);
  } else {
    observe_months(prior, actuals, as_of, expected, ceilings, observed);
    for (const ObservedDossier& o : observed.ledger)
      if (o.kind == ObservedKind::CarryOver)
        room_for_national_rows[static_cast<std::size_t>(o.region)] -= o.committed;
  }
  UptakeEvidence evidence;
  evidence.expected = expected.arrivals;
  evidence.national_only = actuals.national;
  std::vector<Diagnostic> impossible;
  if (actuals.national) {
    evidence.observed = {observed.national_dossiers};
  } else {
    for (std::size_t r = 0; r < regions; ++r) evidence.observed.push_back(observed.regions[r].dossiers);
  }
  double expected_total = 0;
  for (double e : expected.arrivals) expected_total += e;
  for (std::size_t r = 0; r < evidence.observed.size(); ++r) {
    const double e = actuals.national ? expected_total : expected.arrivals[r];
    if (e > 0 || evidence.observed[r] == 0) continue;
    std::string message = actuals.national ? std::string("national") : conv.regions[r].code;
    message += ": ";
    message += std::to_string(evidence.observed[r]);
    message += " dossiers filed before ";
    message += as_of.iso();
    message += " where the scenario expects none (its expected_dossiers or monthly_profile)";
    impossible.push_back({actuals.file, 0, 0, "", message});
  }
  if (!impossible.empty()) throw ActualsError(std::move(impossible));

  const DemandModel& demand = prior.demand;
  const UptakePrior uptake_prior = UptakePrior::from_scenario(
      demand.national_uptake_cv, demand.regional_uptake_cv, mean_off_diagonal(demand.regional_correlation));
  const UptakePosterior posterior = learn_uptake(uptake_prior, evidence);

  ConditionedScenario out;
  out.scenario = prior;
  // A slip of units in the actuals is said and recorded with the scenario's own.
  for (const Diagnostic& warning : actuals.warnings) out.scenario.warnings.push_back(warning);
  ForecastStart start;
  start.as_of = as_of;
  start.dossiers = std::move(observed.ledger);
  start.national_rows = std::move(observed.national_rows);
  if (!start.national_rows.empty()) start.room_for_national_rows = std::move(room_for_national_rows);
  start.joint_shape = posterior.joint.shape;
  start.joint_rate = posterior.joint.rate;
  start.expected_before = expected.arrivals;
  start.uptake_regional_cv = uptake_prior.regional_cv;
  if (!actuals.national) start.regional_counts = evidence.observed;
  ActualsReport& report = out.report;
  report.file = actuals.file;
  report.layout = actuals.layout;
  report.national = actuals.national;
  report.as_of = as_of;
  // A cut-off inside a monthly file's last month reads that month as month to
  // date: its figures are then complete through the day before the cut-off.
  report.month_to_date =
      actuals.layout == ActualsLayout::Monthly && as_of.day() != 1 && as_of <= actuals.last_day.plus_days(1);
  report.last_day = report.month_to_date ? as_of.plus_days(-1) : actuals.last_day;
  report.last_day_stated = actuals.last_day_stated;
  report.rows = observed.rows_used + observed.rows_after;
  report.rows_after_cut_off = observed.rows_after;
  for (std::size_t r = 0; r < regions; ++r) {
    RegionLearning learning = observed.regions[r];
    learning.expected_dossiers = expected.arrivals[r];
    learning.own_counts = !actuals.national;
    learning.prior_cv = uptake_prior.total_cv();
    learning.posterior_shape = posterior.regions[r].shape;
    learning.posterior_rate = posterior.regions[r].rate;
    // Real books can show it (a region committed beyond its envelope, or a
    // file of another convention's regions); the forecast then starts the
    // region exhausted, and pays out more than it had: said, not refused. A
    // scenario that lets regions overcommit expects up to its margin.
    // What is committed less what trainings ended have released is what
    // holds the envelope: a region re-commits its releases.
    const Cents ceiling = ceilings[r];
    const Cents outstanding = learning.committed - learning.released;
    if (outstanding > ceiling) {
      std::string message = "warning: ";
      message += conv.regions[r].code;
      message += ": " + format_euros(outstanding) + " EUR committed before " + as_of.iso();
      if (learning.released > 0)
        message += " and not released (" + format_euros(learning.committed) + " committed, " +
                   format_euros(learning.released) + " released by trainings ended)";
      message += ", more than its available " + format_euros(conv.available(r)) + " EUR";
      if (ceiling != conv.available(r))
        message += " and its overcommitment ceiling " + format_euros(ceiling) + " EUR";
      message += " (by " + format_euros(outstanding - ceiling) + ")";
      // Monthly totals say nothing of releases: what a region re-committed is in them.
      message += actuals.layout == ActualsLayout::Monthly
                     ? ": the releases it committed again, which monthly totals do not show, may explain it; "
                       "otherwise its payments will exceed what it had"
                     : ": the forecast starts it exhausted, and its payments exceed what it had";
      report.warnings.push_back({actuals.file, 0, 0, "committed_eur", std::move(message)});
      out.scenario.warnings.push_back(report.warnings.back());
    }
    report.regions.push_back(learning);
  }
  const std::size_t said_before = report.warnings.size();
  // A region within a twentieth of its ceiling may have refused a dossier and stopped.
  std::vector<bool> may_have_run_out;
  for (std::size_t r = 0; r < regions; ++r)
    may_have_run_out.push_back(
        static_cast<double>(report.regions[r].committed - report.regions[r].released) >=
        0.95 * static_cast<double>(ceilings[r]));
  // The nation's pace: from national totals its level L, learnt as such; else C.
  const double national_pace =
      actuals.national && posterior.joint.shape > 0 ? posterior.joint.mean() : posterior.common_mean;
  warn_of_silent_stretches(prior, actuals, as_of, start.dossiers, expected, national_pace, may_have_run_out,
                           report);
  for (std::size_t i = said_before; i < report.warnings.size(); ++i)
    out.scenario.warnings.push_back(report.warnings[i]);
  report.common.dossiers = observed.national_dossiers;
  report.common.expected_dossiers = expected_total;
  report.common.prior_cv = uptake_prior.common_cv;
  report.common.posterior_mean = posterior.common_mean;
  report.common.posterior_cv = posterior.common_cv;
  report.common.posterior_q05 = posterior.common_q05;
  report.common.posterior_q95 = posterior.common_q95;
  if (actuals.national && posterior.joint.shape > 0) {
    // What the nation's count teaches, and what the forecast draws: the national level.
    const GammaSummary& level = posterior.joint;
    report.common.prior_cv = std::sqrt(1 / (level.rate - expected_total));
    report.common.posterior_mean = level.mean();
    report.common.posterior_cv = level.cv();
    report.common.posterior_q05 = level.quantile(0.05);
    report.common.posterior_q95 = level.quantile(0.95);
  }

  if (actuals.layout == ActualsLayout::Dossiers)
    learn_from_dossiers(prior, actuals, as_of, out.scenario.demand, start, report.parameters);
  else
    learn_from_months(prior, actuals, as_of, expected, out.scenario.demand, start, report.parameters);
  // A dossier's spread as the forecast prices the dossiers to come: with the
  // trainees per dossier learnt (the costs learnt scale every cell alike).
  if (!start.national_rows.empty())
    start.dossier_share_cv2 = dossier_share_cv2(out.scenario.demand.trainees, expected);
  // Each pathway's share of the money expected: Σ over regions and cells of
  // expected dossiers × mix weight × mean cost (rates aside), normalised.
  double money = 0;
  for (const RegionalDemand& rd : out.scenario.demand.regions)
    for (int cell = 0; cell < mix_cell_count; ++cell) {
      const auto p = static_cast<std::size_t>(cell % pathway_count);
      const double part = rd.expected_dossiers * rd.mix[static_cast<std::size_t>(cell)] *
                          out.scenario.demand.cost_per_trainee[p].mean_eur;
      start.cost_weight[p] += part;
      money += part;
    }
  for (double& w : start.cost_weight) w = money > 0 ? w / money : 0.0;

  // The monthly counts, for the prior-predictive check and the uncertain assumptions.
  ObservedArrivals arrivals;
  arrivals.cut_off_day = cut_off_day;
  arrivals.monthly.assign(static_cast<std::size_t>(month_index(conv.commitment_start, as_of.plus_days(-1))) + 1, 0);
  for (const ObservedDossier& o : start.dossiers)
    if (o.kind != ObservedKind::CarryOver)
      arrivals.monthly[static_cast<std::size_t>(month_index(conv.commitment_start,
                                                            conv.commitment_start.plus_days(o.filing_day)))] +=
          o.dossiers;
  arrivals.regional = evidence.observed;
  arrivals.national_only = evidence.national_only;
  double weight_squares = 0;
  for (double e : expected.arrivals) weight_squares += expected_total > 0 ? (e / expected_total) * (e / expected_total) : 0;
  const double national_cv = std::sqrt((1 + uptake_prior.common_cv * uptake_prior.common_cv) *
                                           (1 + uptake_prior.regional_cv * uptake_prior.regional_cv * weight_squares) -
                                       1);
  constexpr int prior_predictive_draws = 2000;
  if (check == PriorPredictiveCheck::Run) {
    const int months = static_cast<int>(arrivals.monthly.size());
    std::optional<PriorPredictiveBandSet> drawn_here;
    const PriorPredictiveBandSet& drawn =
        bands ? bands->of(prior, cut_off_day, months, national_cv, prior.run.seed, prior_predictive_draws)
              : drawn_here.emplace(prior_predictive_bands(prior, cut_off_day, months, national_cv,
                                                          prior.run.seed, prior_predictive_draws));
    report.prior_predictive = hold_against(drawn, arrivals);
    report.prior_predictive_chance = drawn.chance_as_far_off(report.prior_predictive);
  }

  if (prior.uncertainty.any() || !prior.events.empty()) {
    if (!weigh_particles(prior, arrivals, national_cv, prior.run.seed, start))
      throw ActualsError({{actuals.file, 0, 0, "",
                           "no draw of the scenario's uncertain assumptions can explain the dossiers observed before " +
                               as_of.iso() + ": some month has dossiers where every draw expects none"}});
    // A parameter the actuals updated (a cost) moves its whole distribution.
    const std::vector<UncertainParameterSpec> stated = uncertain_parameter_specs(prior);
    const std::vector<UncertainParameterSpec> learnt = uncertain_parameter_specs(out.scenario);
    // Matched by key path: which keys can be uncertain depends on the scenario.
    const auto spec_of = [](const std::vector<UncertainParameterSpec>& specs, const std::string& path) {
      return std::find_if(specs.begin(), specs.end(),
                          [&](const UncertainParameterSpec& s) { return s.path == path; });
    };
    for (const UncertainParameter& p : prior.uncertainty.parameters) {
      double scale = 1;
      const auto before = spec_of(stated, p.path), after = spec_of(learnt, p.path);
      if (before != stated.end() && after != learnt.end() && before->stated > 0)
        scale = after->stated / before->stated;
      start.parameter_scales.push_back(scale);
    }
    report.particles = static_cast<int>(start.particles.size());
    report.effective_particles = start.effective_particles;
  }
  out.scenario.forecast_start = std::move(start);
  return out;
}

}  // namespace fnesim
