#include "models/money.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace fnesim {
namespace {

TEST(Money, ApplyRateRoundsHalfAwayFromZero) {
  EXPECT_EQ(apply_rate(1, Rate{5000}), 1);  // 0.5 cent → 1
  EXPECT_EQ(apply_rate(3, Rate{5000}), 2);  // 1.5 cents → 2
  EXPECT_EQ(apply_rate(-3, Rate{5000}), -2);
  EXPECT_EQ(apply_rate(101, Rate{7000}), 71);  // 70.7 → 71
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

// Plain, as files state amounts, and read back by parse_euros to the cent.
TEST(Money, PlainEurosReadBackExactly) {
  EXPECT_EQ(plain_euros(euros(27'500'000)), "27500000.00");
  EXPECT_EQ(plain_euros(5), "0.05");
  EXPECT_EQ(plain_euros(-123456), "-1234.56");
  for (const Cents amount : {Cents{0}, Cents{7}, Cents{123456}, Cents{5'575'230'279}, max_amount})
    EXPECT_EQ(parse_euros(plain_euros(amount)), amount);
}

// Amounts typed on the command line reach cents without binary floating point.
TEST(Money, ParseEurosIsExact) {
  EXPECT_EQ(parse_euros("1234.5"), 123450);
  EXPECT_EQ(parse_euros("1234.56"), 123456);
  EXPECT_EQ(parse_euros("1234.05"), 123405);
  EXPECT_EQ(parse_euros("10000"), 1000000);
  EXPECT_EQ(parse_euros("0"), 0);
  EXPECT_EQ(parse_euros("0.01"), 1);
  EXPECT_EQ(parse_euros("007.10"), 710);
  // 0.1 + 0.2 style amounts that a double would not hold exactly.
  EXPECT_EQ(parse_euros("0.29"), 29);
  EXPECT_EQ(parse_euros("1.15"), 115);
  EXPECT_EQ(parse_euros("92233720368547758.07"), std::numeric_limits<Cents>::max());
}

TEST(Money, ParseEurosRejectsWhatIsNotAnAmount) {
  for (const char* text : {"", "-1", "+1", "1.234", "1.", ".5", "1,5", "1 000", "1e3", "abc", "12a", "1..2",
                           "1.2.3", " 1", "1 ", "92233720368547758.08", "99999999999999999999"})
    EXPECT_EQ(parse_euros(text), std::nullopt) << '"' << text << '"';
}

}  // namespace
}  // namespace fnesim

namespace fnesim {
namespace {

// The inline rounding keeps std::llround's rule exactly, edge cases included.
TEST(Money, RoundHalfAwayAgreesWithLlround) {
  const double cases[] = {0.0,
                          0.5,
                          -0.5,
                          1.5,
                          -1.5,
                          2.5,
                          0.49999999999999994,
                          -0.49999999999999994,
                          2.4999999999999996,
                          1e15 + 0.5,
                          -1e15 - 0.5,
                          4503599627370495.5,
                          123456.49999,
                          7.0};
  for (double x : cases) EXPECT_EQ(round_half_away(x), std::llround(x)) << x;
  std::uint64_t state = 12345;
  for (int i = 0; i < 100'000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double x = (static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5) * 2e9;
    ASSERT_EQ(round_half_away(x), std::llround(x)) << x;
  }
}

}  // namespace
}  // namespace fnesim
