#pragma once
// One regional envelope's ledger in cents: commitments against a ceiling,
// releases of unrealised parts, payments. The identities below hold after
// every operation (tested step by step):
//   outstanding = committed − released ≤ ceiling
//     (unless observed commitments, which the ledger takes as facts, exceed it)
//   released ≤ committed,  paid ≤ committed − released
//   headroom   = ceiling − outstanding ≥ 0
// The preconditions are checked in every build, Release included: a broken one
// throws InvariantError rather than produce a wrong total. A check is one
// predictable branch per operation (docs/performance.md measures the cost).
#include <string>

#include "models/money.hpp"
#include "sim/errors.hpp"

namespace fnesim {

class RegionLedger {
 public:
  explicit RegionLedger(Cents ceiling) : ceiling_(ceiling) {}

  // Commits `amount` if it fits under the ceiling.
  bool try_commit(Cents amount) {
    if (amount > headroom()) return false;
    committed_ += amount;
    return true;
  }
  // A commitment observed in the actuals: it happened, whatever the ceiling.
  void commit_observed(Cents amount) {
    check(amount >= 0, "an observed commitment is negative");
    committed_ += amount;
  }
  // The steering committee moves uncommitted money in or out: a ceiling never
  // drops below what is committed.
  void set_ceiling(Cents ceiling) {
    check(ceiling >= ceiling_ || ceiling >= outstanding(), "a ceiling lowered below what is outstanding");
    ceiling_ = ceiling;
  }
  // The unrealised part of a commitment comes back and may be committed again.
  void release(Cents amount) {
    check(amount >= 0 && released_ + amount <= committed_, "more released than committed");
    released_ += amount;
  }
  // A realised part is paid (scheduled; its date goes to the trajectories).
  void pay(Cents amount) {
    check(amount >= 0 && paid_ + amount <= committed_ - released_,
          "more paid than committed and not released");
    paid_ += amount;
  }

  Cents ceiling() const { return ceiling_; }
  Cents committed() const { return committed_; }
  Cents released() const { return released_; }
  Cents paid() const { return paid_; }
  Cents outstanding() const { return committed_ - released_; }
  Cents headroom() const { return ceiling_ - outstanding(); }

 private:
  static void check(bool holds, const char* what) {
    if (!holds) [[unlikely]]
      throw InvariantError(std::string("region ledger: ") + what);
  }

  Cents ceiling_;
  Cents committed_ = 0;
  Cents released_ = 0;
  Cents paid_ = 0;
};

}  // namespace fnesim
