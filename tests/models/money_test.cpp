#include "models/money.hpp"

#include <gtest/gtest.h>

namespace fnesim {
namespace {

TEST(Money, ApplyRateRoundsHalfAwayFromZero) {
  EXPECT_EQ(apply_rate(1, Rate{5000}), 1);        // 0.5 cent → 1
  EXPECT_EQ(apply_rate(3, Rate{5000}), 2);        // 1.5 cents → 2
  EXPECT_EQ(apply_rate(-3, Rate{5000}), -2);
  EXPECT_EQ(apply_rate(101, Rate{7000}), 71);     // 70.7 → 71
  EXPECT_EQ(apply_rate(100, Rate{4000}), 40);
  EXPECT_EQ(apply_rate(euros(150'000'000), Rate{500}), euros(7'500'000));
}

TEST(Money, RoundToCents) {
  EXPECT_EQ(round_to_cents(0.005), 1);
  EXPECT_EQ(round_to_cents(13305.0), 1330500);
  EXPECT_EQ(round_to_cents(-1.234), -123);
}

TEST(Money, FormatsWithThousandsSeparators) {
  EXPECT_EQ(format_euros(euros(27'500'000)), "27 500 000.00");
  EXPECT_EQ(format_euros(-5), "-0.05");
  EXPECT_EQ(format_euros(123456), "1 234.56");
}

}  // namespace
}  // namespace fnesim
