// The State's disbursements to OPCO 2i (models/financing.hpp): hand-computed
// schedules, to the cent.
#include "models/financing.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <vector>

namespace fnesim {
namespace {

const Date start = Date::from_ymd(2021, 1, 1);
// 100 000.01 EUR, so that every share needs rounding.
constexpr Cents basis = 10'000'001;

FinancingTranche level_tranche() {
  // 40 % once 70 % of the basis is committed, 15 days after the month's end.
  FinancingTranche t;
  t.name = "second";
  t.share = Rate{4000};
  t.commitment_level = Rate{7000};
  t.lag_days = 15;
  return t;
}

FinancingTerms terms() {
  FinancingTerms f;
  f.advance_share = Rate{3000};
  f.advance_date = Date::from_ymd(2021, 1, 18);
  f.tranches.push_back(level_tranche());
  FinancingTranche third;
  third.name = "third";
  third.share = Rate{1000};
  third.date = Date::from_ymd(2021, 7, 1);
  f.tranches.push_back(third);
  f.settlement_lag_days = 45;
  return f;
}

// National gross commitments per month: 3M, 6M, 7M, then 8 000 001 cents
// cumulated by April — the 70 % level (7 000 000.7 → 7 000 001 cents) is
// reached in April, not in March (7 000 000 cents, one short).
const std::vector<Cents> commitments = {3'000'000, 3'000'000, 1'000'000, 1'000'001, 500'000};
// The last payment on 2022-05-20: the balance 45 days later, 2022-07-04 (month 18).
const Date last_payment = Date::from_ymd(2022, 5, 20);

TEST(Financing, TheAdvanceATrancheOnACommitmentLevelOneOnADateAndTheBalance) {
  std::vector<Cents> disbursed(19, -1);
  schedule_disbursements(terms(), start, basis, commitments, 9'876'543, last_payment, disbursed);
  std::vector<Cents> expected(19, 0);
  expected[0] = 3'000'000;   // 30 % of 10 000 001 = 3 000 000.3 → 3 000 000, on 2021-01-18
  expected[4] = 4'000'000;   // 40 % = 4 000 000.4 → 4 000 000, on 2021-04-30 + 15 days = 2021-05-15
  expected[6] = 1'000'000;   // 10 % = 1 000 000.1 → 1 000 000, on 2021-07-01
  expected[18] = 1'876'543;  // 9 876 543 paid − 8 000 000 disbursed before, on 2022-07-04
  EXPECT_EQ(disbursed, expected);
  EXPECT_EQ(std::accumulate(disbursed.begin(), disbursed.end(), Cents{0}), 9'876'543);
}

TEST(Financing, WhenLessWasPaidThanAdvancedTheBalanceIsNegative) {
  // 7 000 000 paid, 8 000 000 disbursed: OPCO 2i pays 1 000 000 back.
  std::vector<Cents> disbursed(19);
  schedule_disbursements(terms(), start, basis, commitments, 7'000'000, last_payment, disbursed);
  EXPECT_EQ(disbursed[18], -1'000'000);
  EXPECT_EQ(std::accumulate(disbursed.begin(), disbursed.end(), Cents{0}), 7'000'000);
}

TEST(Financing, ALevelNeverReachedIsSettledWithTheBalance) {
  const std::vector<Cents> low = {3'000'000, 3'000'000, 1'000'000};  // one cent short of 70 %
  std::vector<Cents> disbursed(19);
  schedule_disbursements(terms(), start, basis, low, 9'876'543, last_payment, disbursed);
  EXPECT_EQ(disbursed[4], 0);
  EXPECT_EQ(disbursed[18], 9'876'543 - 3'000'000 - 1'000'000);
}

TEST(Financing, WithALevelAndADateWhicheverComesFirst) {
  FinancingTerms f = terms();
  f.tranches[0].date = Date::from_ymd(2021, 3, 15);  // before the level's 2021-04-30: + 15 days, 2021-03-30
  std::vector<Cents> disbursed(19);
  schedule_disbursements(f, start, basis, commitments, 9'876'543, last_payment, disbursed);
  EXPECT_EQ(disbursed[2], 4'000'000);
  EXPECT_EQ(disbursed[4], 0);
  f.tranches[0].date = Date::from_ymd(2021, 9, 1);  // after it: the level wins
  schedule_disbursements(f, start, basis, commitments, 9'876'543, last_payment, disbursed);
  EXPECT_EQ(disbursed[4], 4'000'000);
  EXPECT_EQ(disbursed[8], 0);
}

TEST(Financing, ATrancheDueAfterTheBalanceIsNeverPaidOneDueThatDayIsPaidBeforeIt) {
  FinancingTerms f = terms();
  f.tranches[1].date = Date::from_ymd(2022, 7, 5);  // the day after the balance
  std::vector<Cents> disbursed(20);
  schedule_disbursements(f, start, basis, commitments, 9'876'543, last_payment, disbursed);
  EXPECT_EQ(disbursed[18], 9'876'543 - 3'000'000 - 4'000'000);
  EXPECT_EQ(disbursed[19], 0);
  f.tranches[1].date = Date::from_ymd(2022, 7, 4);  // the balance's day: counted before it
  schedule_disbursements(f, start, basis, commitments, 9'876'543, last_payment, disbursed);
  EXPECT_EQ(disbursed[18], 1'000'000 + 1'876'543);
}

TEST(Financing, ABalanceOutsideTheMonthsGivenIsAProgrammingError) {
  std::vector<Cents> disbursed(18);  // months 0 … 17: the balance's 2022-07 is month 18
  EXPECT_THROW(schedule_disbursements(terms(), start, basis, commitments, 1, last_payment, disbursed),
               std::invalid_argument);
}

TEST(Financing, TheScheduledSharesAddUpInBasisPoints) {
  EXPECT_EQ(terms().scheduled_basis_points(), 8000);
}

}  // namespace
}  // namespace fnesim
