#include "sim/ledger.hpp"

#include <gtest/gtest.h>

#include <random>

namespace fnesim {
namespace {

// Random commits, releases and payments: the identities hold after every step.
TEST(RegionLedger, IdentitiesHoldAtEveryStep) {
  std::mt19937_64 engine(7);
  RegionLedger ledger(euros(1'000'000));
  std::vector<std::pair<Cents, Cents>> open;  // (still releasable, still payable) per commitment
  for (int step = 0; step < 20'000; ++step) {
    const int action = static_cast<int>(engine() % 3);
    if (action == 0) {
      const Cents amount = static_cast<Cents>(engine() % euros(50'000));
      const Cents headroom_before = ledger.headroom();
      const bool committed = ledger.try_commit(amount);
      EXPECT_EQ(committed, amount <= headroom_before);
      if (committed) open.push_back({amount, 0});
    } else if (!open.empty()) {
      auto& [releasable, payable] = open[engine() % open.size()];
      if (action == 1 && releasable > 0) {
        const Cents part = static_cast<Cents>(engine() % (releasable + 1));
        ledger.release(part);
        releasable -= part;
      } else if (releasable > 0) {
        // Realise what is left: it becomes payable.
        payable += releasable;
        releasable = 0;
        ledger.pay(payable);
        payable = 0;
      }
    }
    ASSERT_LE(ledger.outstanding(), ledger.ceiling());
    ASSERT_GE(ledger.headroom(), 0);
    ASSERT_EQ(ledger.headroom() + ledger.outstanding(), ledger.ceiling());
    ASSERT_LE(ledger.released(), ledger.committed());
    ASSERT_LE(ledger.paid(), ledger.committed() - ledger.released());
  }
  EXPECT_GT(ledger.committed(), ledger.ceiling());  // releases were committed again
}

TEST(RegionLedger, RefusesWhatDoesNotFitToTheCent) {
  RegionLedger ledger(1000);
  EXPECT_TRUE(ledger.try_commit(999));
  EXPECT_FALSE(ledger.try_commit(2));
  EXPECT_TRUE(ledger.try_commit(1));
  EXPECT_EQ(ledger.headroom(), 0);
  ledger.release(300);
  EXPECT_TRUE(ledger.try_commit(300));
  EXPECT_FALSE(ledger.try_commit(1));
}

// Actuals are facts: an observed commitment is taken whatever the ceiling,
// and the region then has no headroom until releases bring it back under.
TEST(RegionLedger, ObservedCommitmentsAreTakenBeyondTheCeiling) {
  RegionLedger ledger(1000);
  ledger.commit_observed(800);
  ledger.commit_observed(500);
  EXPECT_EQ(ledger.committed(), 1300);
  EXPECT_EQ(ledger.outstanding(), 1300);
  EXPECT_EQ(ledger.headroom(), -300);
  EXPECT_FALSE(ledger.try_commit(0 + 1));
  ledger.release(400);  // outstanding 900: 100 of headroom again
  EXPECT_FALSE(ledger.try_commit(101));
  EXPECT_TRUE(ledger.try_commit(100));
  EXPECT_EQ(ledger.headroom(), 0);
}

// The steering committee moves money in and out: a ceiling may rise, or fall
// down to what is outstanding, never below it.
TEST(RegionLedger, CeilingMovesButNeverBelowWhatIsOutstanding) {
  RegionLedger ledger(1000);
  ASSERT_TRUE(ledger.try_commit(600));
  ledger.set_ceiling(1500);
  EXPECT_EQ(ledger.headroom(), 900);
  EXPECT_TRUE(ledger.try_commit(900));
  ledger.set_ceiling(1500);  // unchanged: allowed
  ledger.release(200);       // outstanding 1300
  ledger.set_ceiling(1300);  // down to what is outstanding: allowed
  EXPECT_EQ(ledger.headroom(), 0);
  EXPECT_THROW(ledger.set_ceiling(1299), InvariantError);
  EXPECT_EQ(ledger.ceiling(), 1300);  // a refused move changes nothing
}

// The ledger's preconditions hold in every build, Release included.
TEST(RegionLedger, BrokenPreconditionsThrowInEveryBuild) {
  RegionLedger ledger(1000);
  ASSERT_TRUE(ledger.try_commit(500));
  EXPECT_THROW(ledger.commit_observed(-1), InvariantError);
  EXPECT_THROW(ledger.release(-1), InvariantError);
  EXPECT_THROW(ledger.release(501), InvariantError);
  ledger.release(100);
  EXPECT_THROW(ledger.pay(401), InvariantError);  // only 400 outstanding
  EXPECT_THROW(ledger.pay(-5), InvariantError);
  ledger.pay(400);
  EXPECT_THROW(ledger.pay(1), InvariantError);
  EXPECT_EQ(ledger.committed(), 500);
  EXPECT_EQ(ledger.released(), 100);
  EXPECT_EQ(ledger.paid(), 400);
}

}  // namespace
}  // namespace fnesim
