// Art. 7: training may run until 30 April 2022, and only what is realised by
// then is paid. Hand-computed dossiers, to the cent.
#include <gtest/gtest.h>

#include <limits>

#include "models/convention.hpp"

namespace fnesim {
namespace {

// Day numbers from the commitment start, 2021-01-01: 2022-04-30 is day 484.
constexpr std::int32_t deadline = 484;

TEST(TrainingDeadline, ATrainingEndingOnTheDeadlineIsPaidInFullUnderEveryRule) {
  // 2022-04-01 (day 455) for 30 days: its last day is 2022-04-30.
  for (PastDeadline rule : {PastDeadline::ProRata, PastDeadline::Refuse, PastDeadline::PayInFull}) {
    EXPECT_FALSE(runs_past(455, 30, deadline));
    EXPECT_EQ(realised_by_deadline(1'234'567, 455, 30, deadline, rule), 1'234'567);
  }
}

TEST(TrainingDeadline, ATrainingCrossingTheDeadlineIsPaidForItsDaysDone) {
  // 2022-04-01 (day 455) for 60 days, to 2022-05-30: 30 days of 60 done by
  // the deadline, so half of 10 000.00 EUR.
  EXPECT_TRUE(runs_past(455, 60, deadline));
  EXPECT_EQ(realised_by_deadline(1'000'000, 455, 60, deadline, PastDeadline::ProRata), 500'000);
  // 2022-04-24 (day 478) for 9 days: 7 of 9 done. 12 345.67 × 7 / 9 =
  // 9 602.187 7… EUR → 9 602.19 EUR.
  EXPECT_EQ(realised_by_deadline(1'234'567, 478, 9, deadline, PastDeadline::ProRata), 960'219);
  // Half a cent rounds away from zero: 1 cent × 1 / 2 days.
  EXPECT_EQ(realised_by_deadline(1, 484, 2, deadline, PastDeadline::ProRata), 1);
  // 3 cents × 1 / 2 = 1.5 cents → 2.
  EXPECT_EQ(realised_by_deadline(3, 484, 2, deadline, PastDeadline::ProRata), 2);
  // Paid in full, for comparison only: the deadline does not bind.
  EXPECT_EQ(realised_by_deadline(1'234'567, 478, 9, deadline, PastDeadline::PayInFull), 1'234'567);
}

TEST(TrainingDeadline, ATrainingStartingAfterTheDeadlineIsPaidNothing) {
  EXPECT_TRUE(runs_past(485, 10, deadline));
  EXPECT_EQ(realised_by_deadline(1'000'000, 485, 10, deadline, PastDeadline::ProRata), 0);
  EXPECT_EQ(realised_by_deadline(1'000'000, 485, 10, deadline, PastDeadline::PayInFull), 1'000'000);
}

TEST(TrainingDeadline, TheLargestAmountDoesNotOverflow) {
  // 1 day of 2 of the largest amount, 2^63 − 1 cents: (2^63 − 1) / 2 =
  // 2^62 − 0.5, rounded away from zero to 2^62.
  const Cents largest = std::numeric_limits<Cents>::max();
  EXPECT_EQ(realised_by_deadline(largest, deadline, 2, deadline, PastDeadline::ProRata), Cents{1} << 62);
  // 364 days of 365: (2^63 − 1) × 364 / 365 overflows 64 bits before the
  // division; the result is just under the amount, and below it by the
  // amount / 365 to within a cent.
  const Cents most = realised_by_deadline(largest, deadline - 363, 365, deadline, PastDeadline::ProRata);
  EXPECT_GT(most, 0);
  EXPECT_LE(largest / 365 - (largest - most), 1);
  EXPECT_GE(largest / 365 - (largest - most), -1);
}

}  // namespace
}  // namespace fnesim
