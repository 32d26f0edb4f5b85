#pragma once
// The national steering committee's policy inside a replication (scenario
// section `steering`; art. 5 and 6 of the convention): at each meeting it moves
// uncommitted money from regions projected to under-consume to regions
// projected to run short, may hand out a national reserve held back at the
// start, and may obtain a complementary State allocation. Parameters only; the
// policy runs in sim/steering.cpp.
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "models/calendar.hpp"
#include "models/money.hpp"

namespace fnesim {

enum class ReallocationRule {
  None,    // the committee meets but moves nothing between regions (the reserve is still handed out)
  RunRate  // projected need = commitments so far scaled by the monthly profile's share of the year filed
};
inline constexpr std::array<std::string_view, 2> reallocation_rule_keys = {"none", "run-rate"};

// How a complementary allocation is split between regions when it arrives.
enum class ComplementarySplit {
  Shortfall,  // pro rata the regions' projected shortfalls (by envelope when no region is short)
  Envelope,   // pro rata the regions' initial available amounts
  Fixed       // pro rata stated weights
};
inline constexpr std::array<std::string_view, 3> complementary_split_keys = {"shortfall", "envelope",
                                                                             "fixed"};

// Art. 6: the committee may obtain complementary State allocations. Requested
// once, at the first meeting where national outstanding commitments reach
// `threshold_share` of the national available amount; it arrives `delay_days`
// later if that is still within the commitment window.
struct ComplementaryAllocationRule {
  double threshold_share = 0;  // required in scenario files, as is the amount
  Cents amount = 0;
  int delay_days = 0;
  ComplementarySplit split = ComplementarySplit::Shortfall;
  std::vector<double> weights;  // Fixed: per region, in the convention's order, summing to 1
};

struct SteeringPolicy {
  std::vector<Date> committee_dates;  // within the commitment window, increasing
  ReallocationRule reallocation = ReallocationRule::RunRate;
  // At most this share of a donor region's available amount moves out at one meeting.
  double max_share_moved = 1.0;
  // Share of each region's available amount held back nationally on the first
  // day and handed to regions projected short at the meetings.
  double reserve_share = 0.0;
  std::optional<ComplementaryAllocationRule> complementary;
};

// Sources and destinations of recorded moves besides the regions (indices ≥ 0).
inline constexpr int national_reserve = -1;
inline constexpr int state_allocation = -2;

// One movement of money, recorded per replication.
struct SteeringMove {
  std::int32_t day = 0;  // days since the commitment start
  int from = 0;          // region index, national_reserve or state_allocation
  int to = 0;            // region index or national_reserve
  Cents amount = 0;
};

// A region as the committee sees it on the morning of a meeting.
struct RegionPosition {
  Cents available = 0;    // what the region may commit now (its envelope after earlier moves)
  Cents outstanding = 0;  // committed less released so far
  // Run-rate projection of what the region will need by the deadline;
  // `projectable` false when too little of the year has been filed to project.
  Cents projected_need = 0;
  bool projectable = false;
};

// The run-rate projection: the carry-over, plus what was filed so far net of
// releases, scaled by the inverse of the share of the year's filings the
// monthly profile expects before the meeting.
RegionPosition project_position(Cents available, Cents outstanding, Cents carryover, Cents filed_net,
                                double share_of_year_filed);

// One meeting: hands the national reserve to the regions projected short (pro
// rata their shortfalls), then — under the run-rate rule — moves uncommitted
// money from regions projected to under-consume to those still short. A donor
// never gives more than its projected surplus, its uncommitted amount
// (available − outstanding) or `max_share_moved` of its available amount.
// Appends the moves (dated `day`) and takes what it hands out from `reserve`.
void decide_meeting(const SteeringPolicy& policy, std::int32_t day, std::span<const RegionPosition> regions,
                    Cents& reserve, std::vector<SteeringMove>& moves);

// Shares of a complementary allocation on its arrival, by the rule's key.
std::vector<Cents> split_complementary(const ComplementaryAllocationRule& rule, Cents amount,
                                       std::span<const RegionPosition> regions,
                                       std::span<const Cents> initial_available);

}  // namespace fnesim
