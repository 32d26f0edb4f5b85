#include "results/quote_report.hpp"

#include <gtest/gtest.h>

namespace fnesim {
namespace {

TEST(QuoteReport, PerTraineeRoundsToTheNearestCent) {
  EXPECT_EQ(per_trainee(euros(10'000), 3), 333'333);  // 3 333.333…
  EXPECT_EQ(per_trainee(200, 3), 67);                 // 66.67 cents
  EXPECT_EQ(per_trainee(5, 2), 3);                    // 2.5 → 3, halves away from zero
  EXPECT_EQ(per_trainee(-5, 2), -3);
  EXPECT_EQ(per_trainee(0, 7), 0);
  EXPECT_THROW(per_trainee(100, 0), std::invalid_argument);
}

TrainingQuote sample() {
  CoverageRule rule;
  rule.id = "art6-300to1000-APLD";
  rule.article = "art. 6";
  rule.statuses = {Status::APLD};
  rule.headcount_min = 300;
  rule.headcount_max = 1000;
  rule.rate = Rate{8000};
  CoverageSettings settings;
  settings.rules = {rule};
  TrainingQuote quote;
  quote.scenario = "hand-built";
  quote.request.headcount = 450;
  quote.request.status = Status::APLD;
  quote.request.trainees = 3;
  quote.request.pedagogical = euros(10'000);
  quote.request.remuneration = 150'005;
  quote.request.filing_date = Date::from_ymd(2021, 4, 1);
  quote.split = split_dossier(settings, quote.request);
  quote.notes = {"a note with \"quotes\""};
  return quote;
}

TEST(QuoteReport, JsonHasExactAmountsAndTheInputs) {
  const std::string json = render_json(sample());
  for (const char* expected :
       {"\"fne_eur\": 8000.00", "\"company_eur\": 2000.00", "\"pdc50_eur\": 0.00",
        "\"state_allowance_eur\": 1500.05", "\"total_eur\": 11500.05", "\"rate\": 0.8",
        "\"rule\": \"art6-300to1000-APLD\"", "\"article\": \"art. 6\"", "\"headcount\": 450",
        "\"status\": \"APLD\"", "\"trainees\": 3", "\"pedagogical_eur\": 10000.00",
        "\"remuneration_eur\": 1500.05", "\"date\": \"2021-04-01\"", "\"total_per_trainee_eur\": 3833.35",
        "\"a note with \\\"quotes\\\"\""})
    EXPECT_NE(json.find(expected), std::string::npos) << expected << "\n" << json;
}

TEST(QuoteReport, TextNamesTheRuleOnceAndExplainsEachPart) {
  const std::string text = render_text(sample());
  EXPECT_NE(
      text.find("Rule art6-300to1000-APLD (art. 6): the FNE-Formation envelope pays 80 % of eligible costs"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("11 500.05"), std::string::npos) << text;
  EXPECT_NE(text.find("- Company: balance of eligible costs 2 000.00 EUR"), std::string::npos) << text;
  // The citation closing each reason is dropped in text: the header names the rule.
  EXPECT_EQ(text.find("[rule "), std::string::npos) << text;
  EXPECT_NE(text.find("Note: a note with \"quotes\""), std::string::npos) << text;
}

}  // namespace
}  // namespace fnesim
