#pragma once
// What an envelope lets a region commit before a refusal: the convention's fee
// rule (models/convention.hpp), then the exhaustion policy's overcommit margin.
// Shared by the simulator's ledgers, the steering committee's moves and
// `recommend`'s envelopes, so that they all refuse at the same cent.
#include "models/convention.hpp"
#include "models/money.hpp"

namespace fnesim {

// available × (1 + margin), rounded to the cent; `available` itself when the
// margin is 0 (the stop and fill policies).
Cents overcommit_ceiling(Cents available, double margin);

// The smallest envelope whose ceiling — fees withheld, then the margin — is at
// least `ceiling`. Throws std::domain_error when no envelope can reach it (a
// fee rate of 100 % in pro-rata mode).
Cents smallest_envelope_for_ceiling(const Convention& convention, Cents ceiling, double margin);

// The total envelope (the subsidy) whose regional envelopes add up to
// `regional_sum`, as the convention's fee mode has it: the sum itself in
// pro-rata mode; in national mode the smallest total from the convention's
// own on that leaves exactly that sum once its fee is withheld (so the
// convention's total for its own regions' sum; every sum is reached: each
// cent more of total leaves 0 or 1 cent more).
Cents total_envelope_for_regions(const Convention& convention, Cents regional_sum);

}  // namespace fnesim
