// Section [financing] (sim/scenario/section_financing.cpp): the State's
// payments to OPCO 2i, read exactly and checked with every problem at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "sim/scenario/scenario.hpp"

namespace fnesim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path good_dir = fs::path(FNESIM_SOURCE_DIR) / "tests" / "data" / "good";

Scenario load_text(const std::string& text) { return load_scenario_text(text, "inline.toml", good_dir); }

std::string messages_of(const std::string& text) {
  try {
    load_text(text);
  } catch (const ScenarioError& e) {
    std::string out;
    for (const Diagnostic& d : e.diagnostics()) out += d.to_string() + "\n";
    return out;
  }
  ADD_FAILURE() << "the scenario loaded without error";
  return {};
}

TEST(FinancingScenario, TheTermsAreReadExactly) {
  const Scenario s = load_text(
      "extends = \"three-regions.toml\"\n"
      "[financing]\n"
      "advance_share = 0.3\n"
      "advance_date = 2021-01-18\n"
      "settlement_lag_days = 60\n"
      "[financing.tranches.second]\n"
      "share = 0.4\n"
      "commitment_level = 0.7\n"
      "date = 2021-09-30\n"
      "lag_days = 30\n"
      "[financing.tranches.a-third]\n"
      "share = 0.1\n"
      "date = 2021-11-30\n");
  ASSERT_TRUE(s.financing.has_value());
  const FinancingTerms& f = *s.financing;
  EXPECT_EQ(f.advance_share, Rate{3000});
  EXPECT_EQ(f.advance_date, Date::from_ymd(2021, 1, 18));
  EXPECT_EQ(f.settlement_lag_days, 60);
  ASSERT_EQ(f.tranches.size(), 2u);
  // In the order written, not TOML's alphabetical one.
  EXPECT_EQ(f.tranches[0].name, "second");
  EXPECT_EQ(f.tranches[0].share, Rate{4000});
  EXPECT_EQ(f.tranches[0].commitment_level, Rate{7000});
  EXPECT_EQ(f.tranches[0].date, Date::from_ymd(2021, 9, 30));
  EXPECT_EQ(f.tranches[0].lag_days, 30);
  EXPECT_EQ(f.tranches[1].name, "a-third");
  EXPECT_FALSE(f.tranches[1].commitment_level.has_value());
  EXPECT_EQ(f.tranches[1].lag_days, 0);
  // It loads back from the resolved text.
  const Scenario again = load_scenario_text(s.resolved_toml, "resolved.toml", good_dir);
  ASSERT_TRUE(again.financing.has_value());
  EXPECT_EQ(again.financing->tranches.size(), 2u);
  EXPECT_EQ(again.financing->advance_date, f.advance_date);
}

TEST(FinancingScenario, AbsentOrEmptyMeansNoCashForecast) {
  EXPECT_FALSE(load_text("extends = \"three-regions.toml\"\n").financing.has_value());
  EXPECT_FALSE(load_text("extends = \"three-regions.toml\"\n[financing]\n").financing.has_value());
  // The advance at the commitment start unless dated.
  const Scenario s = load_text("extends = \"three-regions.toml\"\n[financing]\nadvance_share = 0.5\n");
  ASSERT_TRUE(s.financing.has_value());
  EXPECT_EQ(s.financing->advance_date, Date::from_ymd(2021, 1, 1));
  EXPECT_TRUE(s.financing->tranches.empty());
}

TEST(FinancingScenario, EveryProblemIsReportedAtOnceWhereItWasWritten) {
  const std::string messages = messages_of(
      "extends = \"three-regions.toml\"\n"       // 1
      "[financing]\n"                            // 2
      "advance_share = 0.3\n"                    // 3
      "advance_date = 2020-12-01\n"              // 4
      "settlement_lag_days = 400\n"              // 5
      "settlement_lag = 1\n"                     // 6
      "[financing.tranches.second]\n"            // 7
      "share = 0.5\n"                            // 8
      "[financing.tranches.third]\n"             // 9
      "share = 0\n"                              // 10
      "date = 2022-05-01\n"                      // 11
      "commitment_level = 1.5\n");               // 12
  // three-regions has no invoicing lag: the horizon ends with training_end.
  EXPECT_THAT(messages, HasSubstr("inline.toml:4:1: financing.advance_date: advance_date 2020-12-01 is outside the "
                                  "horizon, 2021-01-01 to 2022-04-30 (training_end plus the longest invoicing lag)\n"));
  EXPECT_THAT(messages, HasSubstr("inline.toml:5:23: financing.settlement_lag_days: must be in [0, 366], found 400\n"));
  EXPECT_THAT(messages, HasSubstr("inline.toml:6:1: financing.settlement_lag: unknown key"));
  EXPECT_THAT(messages, HasSubstr("settlement_lag_days"));  // did you mean
  EXPECT_THAT(messages, HasSubstr("inline.toml:7:1: financing.tranches.second: needs a trigger: commitment_level"));
  EXPECT_THAT(messages, HasSubstr("inline.toml:10:1: financing.tranches.third.share: must be > 0: a tranche of "
                                  "nothing\n"));
  EXPECT_THAT(messages, HasSubstr("inline.toml:11:1: financing.tranches.third.date: date 2022-05-01 is outside the "
                                  "horizon"));
  EXPECT_THAT(messages, HasSubstr("inline.toml:12:20: financing.tranches.third.commitment_level: a rate must be in "
                                  "[0, 1], found 1.5\n"));
}

TEST(FinancingScenario, TheScheduledSharesCannotExceedTheBasis) {
  const std::string messages = messages_of(
      "extends = \"three-regions.toml\"\n[financing]\nadvance_share = 0.6\n"
      "[financing.tranches.second]\nshare = 0.45\ndate = 2021-06-30\n");
  EXPECT_THAT(messages, HasSubstr("inline.toml:2:1: financing: advance_share and the tranches' shares add up to "
                                  "1.05, more than 1: the balance at settlement is what remains of the basis\n"));
}

// An advance dated after the balance (2022-07-01, nothing paid to companies:
// the balance on training_end) vanished from the disbursements while the
// output said it was paid.
TEST(FinancingScenario, AnAdvanceAfterTheLastCommitmentDayIsRefused) {
  const std::string messages = messages_of(
      "extends = \"three-regions.toml\"\n[financing]\nadvance_share = 0.3\nadvance_date = 2022-01-01\n");
  EXPECT_THAT(messages,
              HasSubstr("inline.toml:4:1: financing.advance_date: advance_date 2022-01-01 is after the "
                        "last commitment day, 2021-12-31: the advance is paid at the signature; a "
                        "payment due later is a tranche ([financing.tranches.NAME] date)\n"));
  EXPECT_NO_THROW(
      load_text("extends = \"three-regions.toml\"\n[financing]\nadvance_share = 0.3\n"
                "advance_date = 2021-12-31\n"));
}

TEST(FinancingScenario, TheShippedExampleStatesItsSchedule) {
  const Scenario s = load_scenario_argument("financing-2021");
  ASSERT_TRUE(s.financing.has_value());
  EXPECT_EQ(s.financing->advance_share, Rate{3000});
  ASSERT_EQ(s.financing->tranches.size(), 1u);
  EXPECT_EQ(s.financing->tranches[0].commitment_level, Rate{7000});
  // Everything else is convention-2021's.
  EXPECT_EQ(s.convention.total_available(), load_default_scenario().convention.total_available());
  EXPECT_FALSE(load_default_scenario().financing.has_value());
}

}  // namespace
}  // namespace fnesim
