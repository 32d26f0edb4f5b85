#pragma once
// The steering committee's decisions at one meeting, as pure functions of what
// is known at that date in a replication (models/steering.hpp). The simulator
// stops every region's ledger at the meeting, asks for the moves and applies
// them; keeping the decisions here makes the rules testable on their own.
#include <span>
#include <vector>

#include "models/money.hpp"
#include "models/steering.hpp"

namespace fnesim {

// Splits `total` cents pro rata `weights` (≥ 0, not all 0) exactly: floors of
// the quotas, then one cent each to the largest remainders (ties: lower index).
// The parts add up to `total`, and none exceeds its quota rounded up.
std::vector<Cents> apportion(Cents total, std::span<const double> weights);

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
