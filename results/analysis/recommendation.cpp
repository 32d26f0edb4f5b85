// The envelope optimiser of `fnesim recommend`: regional envelopes from the
// run's demand quantiles, for either objective. Evaluating them is
// recommendation_evaluation.cpp; reporting them, recommendation_output.cpp and
// ../run_file_recommendation.cpp (the run file's /recommendation group).
#include "results/analysis/recommendation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/apportion.hpp"
#include "models/envelope.hpp"
#include "sim/statistics.hpp"

namespace fnesim {

namespace {

// One region's peak net demand over the run's replications, sorted.
struct RegionDemandCurve {
  std::vector<Cents> sorted;
  // Interpolated between order statistics so that envelopes vary continuously with the level.
  double at(double level) const { return quantile_linear<Cents>(sorted, level); }
};

class Recommender {
 public:
  Recommender(const Convention& convention, const DemandSample& demand, const RecommendationRequest& request,
              double overcommit_margin)
      : convention_(convention), demand_(demand), request_(request), margin_(overcommit_margin) {
    const auto R = static_cast<std::size_t>(demand.regions);
    if (demand.replications < 2) throw RecommendationError("the run has fewer than 2 replications");
    curves_.resize(R);
    for (std::size_t r = 0; r < R; ++r) {
      curves_[r].sorted.resize(static_cast<std::size_t>(demand.replications));
      for (std::int64_t i = 0; i < demand.replications; ++i)
        curves_[r].sorted[static_cast<std::size_t>(i)] =
            demand.peak_net_demand[static_cast<std::size_t>(i) * R + r];
      std::sort(curves_[r].sorted.begin(), curves_[r].sorted.end());
    }
    keep_ =
        convention.kept_share() * (1 + margin_);  // envelope → what the region may commit before a refusal
    if (keep_ <= 0)
      throw RecommendationError("a fee rate of 100 % leaves nothing to commit, whatever the envelope");
    for (const Region& region : convention.regions) total_ += region.envelope;
  }

  EnvelopeRecommendation for_expected_unmet() const {
    const std::size_t R = curves_.size();
    double min_sum = 0, max_sum = 0;
    for (std::size_t r = 0; r < R; ++r) {
      min_sum += static_cast<double>(request_.min_envelope[r]);
      max_sum += static_cast<double>(request_.max_envelope[r]);
    }
    if (min_sum > static_cast<double>(total_))
      throw RecommendationError("the --min bounds add up to more than the total of the envelopes");
    if (max_sum < static_cast<double>(total_))
      throw RecommendationError("the --max bounds add up to less than the total of the envelopes");

    const auto target = static_cast<double>(total_);
    double level = 0;
    std::vector<double> amounts;
    if (sum_at(1.0) <= target) {
      // Even every region's largest simulated demand fits: the rest goes pro
      // rata the current envelopes, up to the upper bounds.
      level = 1.0;
      amounts = at_level(1.0);
      spread_rest(amounts, target);
    } else if (sum_at(0.0) >= target) {
      // Even the smallest simulated demands do not fit: share the shortage
      // pro rata what each region needs above its lower bound.
      amounts = at_level(0.0);
      const double above_min = sum_at(0.0) - min_sum;
      for (std::size_t r = 0; r < R; ++r) {
        const auto lo = static_cast<double>(request_.min_envelope[r]);
        // Minima adding up to the total leave nothing to share.
        amounts[r] = above_min > 0 ? lo + (amounts[r] - lo) * (target - min_sum) / above_min : lo;
      }
    } else {
      double lo = 0, hi = 1;
      for (int iteration = 0; iteration < 100; ++iteration) {
        const double mid = (lo + hi) / 2;
        (sum_at(mid) < target ? lo : hi) = mid;
      }
      level = hi;
      amounts = at_level(level);
      // The bisection leaves a few cents of rounding; they go by fractions below.
      const double sum = std::accumulate(amounts.begin(), amounts.end(), 0.0);
      for (double& a : amounts) a *= target / sum;
    }
    EnvelopeRecommendation out;
    // Whole cents adding up exactly to the total: the committee's exact split.
    out.envelope = apportion(total_, amounts);
    out.common_level = level;
    out.p_no_region_exhausted_in_sample = p_no_region_exhausted(out.envelope);
    return out;
  }

  EnvelopeRecommendation for_target_probability(double target) const {
    if (p_no_region_exhausted(whole_envelopes_at(1.0)) < target)
      throw RecommendationError("no envelopes within the --max bounds reach the target probability");
    double lo = 0, hi = 1;
    if (p_no_region_exhausted(whole_envelopes_at(0.0)) >= target) {
      hi = 0;
    } else {
      for (int iteration = 0; iteration < 60; ++iteration) {
        const double mid = (lo + hi) / 2;
        (p_no_region_exhausted(whole_envelopes_at(mid)) < target ? lo : hi) = mid;
      }
    }
    std::vector<Cents> envelope = whole_envelopes_at(hi);
    const Cents needed = std::accumulate(envelope.begin(), envelope.end(), Cents{0});
    // The current total suffices once shared well: no complementary allocation,
    // and the best split of the total for expected unmet demand (whose common
    // level is at least this one).
    if (needed <= total_) return for_expected_unmet();
    EnvelopeRecommendation out;
    out.envelope = std::move(envelope);
    out.complementary = needed - total_;
    out.common_level = hi;
    out.p_no_region_exhausted_in_sample = p_no_region_exhausted(out.envelope);
    return out;
  }

 private:
  double envelope_at(std::size_t r, double level) const {
    return std::clamp(curves_[r].at(level) / keep_, static_cast<double>(request_.min_envelope[r]),
                      static_cast<double>(request_.max_envelope[r]));
  }
  std::vector<double> at_level(double level) const {
    std::vector<double> amounts(curves_.size());
    for (std::size_t r = 0; r < curves_.size(); ++r) amounts[r] = envelope_at(r, level);
    return amounts;
  }
  double sum_at(double level) const {
    const std::vector<double> amounts = at_level(level);
    return std::accumulate(amounts.begin(), amounts.end(), 0.0);
  }
  // Envelopes whose available amounts cover the demand quantile, in whole cents.
  std::vector<Cents> whole_envelopes_at(double level) const {
    std::vector<Cents> envelope(curves_.size());
    for (std::size_t r = 0; r < curves_.size(); ++r) {
      const auto demand = static_cast<Cents>(std::ceil(curves_[r].at(level)));
      envelope[r] = std::clamp(smallest_envelope_for_ceiling(convention_, demand, margin_),
                               request_.min_envelope[r], request_.max_envelope[r]);
    }
    return envelope;
  }
  void spread_rest(std::vector<double>& amounts, double target) const {
    for (int pass = 0; pass < static_cast<int>(amounts.size()); ++pass) {
      double rest = target - std::accumulate(amounts.begin(), amounts.end(), 0.0);
      double weight = 0;
      for (std::size_t r = 0; r < amounts.size(); ++r)
        if (amounts[r] < static_cast<double>(request_.max_envelope[r]))
          weight += static_cast<double>(convention_.regions[r].envelope);
      if (rest <= 0.5 || weight <= 0) return;
      for (std::size_t r = 0; r < amounts.size(); ++r)
        if (amounts[r] < static_cast<double>(request_.max_envelope[r]))
          amounts[r] =
              std::min(static_cast<double>(request_.max_envelope[r]),
                       amounts[r] + rest * static_cast<double>(convention_.regions[r].envelope) / weight);
    }
  }
  double p_no_region_exhausted(const std::vector<Cents>& envelope) const {
    const std::size_t R = curves_.size();
    std::vector<Cents> available(R);
    for (std::size_t r = 0; r < R; ++r)
      available[r] = overcommit_ceiling(convention_.available_of(envelope[r]), margin_);
    std::int64_t none = 0;
    for (std::int64_t i = 0; i < demand_.replications; ++i) {
      const Cents* peaks = &demand_.peak_net_demand[static_cast<std::size_t>(i) * R];
      bool any = false;
      for (std::size_t r = 0; r < R && !any; ++r) any = peaks[r] > available[r];
      none += any ? 0 : 1;
    }
    return static_cast<double>(none) / static_cast<double>(demand_.replications);
  }

  const Convention& convention_;
  const DemandSample& demand_;
  const RecommendationRequest& request_;
  double margin_;
  std::vector<RegionDemandCurve> curves_;
  double keep_ = 1;
  Cents total_ = 0;
};

}  // namespace

EnvelopeRecommendation recommend_envelopes(const Convention& convention, const DemandSample& demand,
                                           const RecommendationRequest& request, double overcommit_margin) {
  RecommendationRequest bounded = request;
  const std::size_t R = convention.regions.size();
  if (static_cast<std::size_t>(demand.regions) != R ||
      demand.peak_net_demand.size() != R * static_cast<std::size_t>(demand.replications))
    throw RecommendationError("the demand sample does not match the convention's regions");
  bounded.min_envelope.resize(R, 0);
  bounded.max_envelope.resize(R, no_upper_bound);
  for (std::size_t r = 0; r < R; ++r)
    if (bounded.min_envelope[r] > bounded.max_envelope[r])
      throw RecommendationError(
          convention.regions[r].code + ": the minimum, " + format_euros(bounded.min_envelope[r]) +
          " EUR (--min, --keep-current or, for a forecast, what its actuals committed), is "
          "above --max, " +
          format_euros(bounded.max_envelope[r]) + " EUR");
  const Recommender recommender(convention, demand, bounded, overcommit_margin);
  return request.objective == RecommendationObjective::ExpectedUnmet
             ? recommender.for_expected_unmet()
             : recommender.for_target_probability(request.target_probability);
}

}  // namespace fnesim
