#include "models/steering_decisions.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fnesim {

std::vector<Cents> apportion(Cents total, std::span<const double> weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<Cents> parts(weights.size(), 0);
  if (total <= 0 || sum <= 0) return parts;
  std::vector<double> remainder(weights.size());
  Cents given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double quota = static_cast<double>(total) * (weights[i] / sum);
    parts[i] = std::min(total - given, static_cast<Cents>(std::floor(quota)));
    remainder[i] = quota - static_cast<double>(parts[i]);
    given += parts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  // Floors leave fewer cents than there are parts; the loop wraps only through rounding noise.
  for (std::size_t k = 0; given < total; k = (k + 1) % order.size()) {
    if (weights[order[k]] <= 0) continue;
    ++parts[order[k]];
    ++given;
  }
  return parts;
}

RegionPosition project_position(Cents available, Cents outstanding, Cents carryover, Cents filed_net,
                                double share_of_year_filed) {
  RegionPosition p;
  p.available = available;
  p.outstanding = outstanding;
  p.projectable = share_of_year_filed > 0;
  if (p.projectable)
    p.projected_need = carryover + std::llround(static_cast<double>(filed_net) / share_of_year_filed);
  return p;
}

namespace {

// Pairs givers with takers in region order (north-west corner): every cent
// leaves one giver for one taker, at most givers + takers − 1 moves.
void pair_moves(std::int32_t day, const std::vector<int>& givers, std::vector<Cents> gives,
                const std::vector<int>& takers, std::vector<Cents> takes, std::vector<SteeringMove>& moves) {
  std::size_t g = 0, t = 0;
  while (g < givers.size() && t < takers.size()) {
    if (gives[g] == 0) {
      ++g;
      continue;
    }
    if (takes[t] == 0) {
      ++t;
      continue;
    }
    const Cents amount = std::min(gives[g], takes[t]);
    moves.push_back({day, givers[g], takers[t], amount});
    gives[g] -= amount;
    takes[t] -= amount;
  }
}

}  // namespace

void decide_meeting(const SteeringPolicy& policy, std::int32_t day, std::span<const RegionPosition> regions,
                    Cents& reserve, std::vector<SteeringMove>& moves) {
  const int n = static_cast<int>(regions.size());
  std::vector<Cents> shortfall(regions.size(), 0);
  for (int r = 0; r < n; ++r) {
    const RegionPosition& p = regions[static_cast<std::size_t>(r)];
    if (p.projectable)
      shortfall[static_cast<std::size_t>(r)] = std::max<Cents>(0, p.projected_need - p.available);
  }
  const Cents total_shortfall = std::accumulate(shortfall.begin(), shortfall.end(), Cents{0});
  if (total_shortfall == 0) return;

  // The reserve first: it is there for this.
  if (reserve > 0) {
    const Cents handed = std::min(reserve, total_shortfall);
    const std::vector<double> weights(shortfall.begin(), shortfall.end());
    const std::vector<Cents> parts = apportion(handed, weights);
    for (int r = 0; r < n; ++r) {
      const Cents part = parts[static_cast<std::size_t>(r)];
      if (part == 0) continue;
      moves.push_back({day, national_reserve, r, part});
      shortfall[static_cast<std::size_t>(r)] -= part;
    }
    reserve -= handed;
  }
  if (policy.reallocation != ReallocationRule::RunRate) return;

  std::vector<int> donors, receivers;
  std::vector<double> movable, still_short;
  for (int r = 0; r < n; ++r) {
    const RegionPosition& p = regions[static_cast<std::size_t>(r)];
    if (!p.projectable) continue;
    if (shortfall[static_cast<std::size_t>(r)] > 0) {
      receivers.push_back(r);
      still_short.push_back(static_cast<double>(shortfall[static_cast<std::size_t>(r)]));
      continue;
    }
    const Cents surplus = p.available - p.projected_need;
    const Cents uncommitted = p.available - p.outstanding;
    const auto cap =
        static_cast<Cents>(std::floor(static_cast<double>(p.available) * policy.max_share_moved));
    const Cents can_give = std::max<Cents>(0, std::min({surplus, uncommitted, cap}));
    if (can_give > 0) {
      donors.push_back(r);
      movable.push_back(static_cast<double>(can_give));
    }
  }
  if (donors.empty() || receivers.empty()) return;
  const auto total_movable = static_cast<Cents>(std::accumulate(movable.begin(), movable.end(), 0.0));
  const auto total_short = static_cast<Cents>(std::accumulate(still_short.begin(), still_short.end(), 0.0));
  const Cents moved = std::min(total_movable, total_short);
  pair_moves(day, donors, apportion(moved, movable), receivers, apportion(moved, still_short), moves);
}

std::vector<Cents> split_complementary(const ComplementaryAllocationRule& rule, Cents amount,
                                       std::span<const RegionPosition> regions,
                                       std::span<const Cents> initial_available) {
  std::vector<double> weights(regions.size(), 0.0);
  switch (rule.split) {
    case ComplementarySplit::Fixed:
      weights = rule.weights;
      break;
    case ComplementarySplit::Shortfall:
      for (std::size_t r = 0; r < regions.size(); ++r)
        if (regions[r].projectable)
          weights[r] =
              static_cast<double>(std::max<Cents>(0, regions[r].projected_need - regions[r].available));
      if (std::accumulate(weights.begin(), weights.end(), 0.0) > 0) break;
      [[fallthrough]];  // nobody is short: by envelope
    case ComplementarySplit::Envelope:
      for (std::size_t r = 0; r < regions.size(); ++r) weights[r] = static_cast<double>(initial_available[r]);
      break;
  }
  return apportion(amount, weights);
}

}  // namespace fnesim
