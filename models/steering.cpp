#include "models/steering.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/apportion.hpp"

namespace fnesim {

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
    const std::vector<Cents> parts = apportion(handed, std::span<const Cents>(shortfall));
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
  std::vector<Cents> movable, still_short;
  for (int r = 0; r < n; ++r) {
    const RegionPosition& p = regions[static_cast<std::size_t>(r)];
    if (!p.projectable) continue;
    if (shortfall[static_cast<std::size_t>(r)] > 0) {
      receivers.push_back(r);
      still_short.push_back(shortfall[static_cast<std::size_t>(r)]);
      continue;
    }
    const Cents surplus = p.available - p.projected_need;
    const Cents uncommitted = p.available - p.outstanding;
    const auto cap =
        static_cast<Cents>(std::floor(static_cast<double>(p.available) * policy.max_share_moved));
    const Cents can_give = std::max<Cents>(0, std::min({surplus, uncommitted, cap}));
    if (can_give > 0) {
      donors.push_back(r);
      movable.push_back(can_give);
    }
  }
  if (donors.empty() || receivers.empty()) return;
  const Cents total_movable = std::accumulate(movable.begin(), movable.end(), Cents{0});
  const Cents total_short = std::accumulate(still_short.begin(), still_short.end(), Cents{0});
  const Cents moved = std::min(total_movable, total_short);
  pair_moves(day, donors, apportion(moved, std::span<const Cents>(movable)), receivers,
             apportion(moved, std::span<const Cents>(still_short)), moves);
}

std::vector<Cents> split_complementary(const ComplementaryAllocationRule& rule, Cents amount,
                                       std::span<const RegionPosition> regions,
                                       std::span<const Cents> initial_available) {
  if (rule.split == ComplementarySplit::Fixed)
    return apportion(amount, std::span<const double>(rule.weights));
  std::vector<Cents> weights(regions.size(), 0);
  if (rule.split == ComplementarySplit::Shortfall)
    for (std::size_t r = 0; r < regions.size(); ++r)
      if (regions[r].projectable)
        weights[r] = std::max<Cents>(0, regions[r].projected_need - regions[r].available);
  // Nobody short: by envelope.
  if (std::accumulate(weights.begin(), weights.end(), Cents{0}) == 0)
    weights.assign(initial_available.begin(), initial_available.end());
  return apportion(amount, std::span<const Cents>(weights));
}

}  // namespace fnesim
