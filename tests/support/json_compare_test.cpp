// The golden comparison must be able to fail for the right reason: a cent, a
// count, a day, a string or a key that changed, or a real number beyond its
// tolerance; and must not fail for last-bit noise in a real number.
#include "support/json_compare.hpp"

#include <gtest/gtest.h>

#include "support/golden.hpp"

namespace fnesim::testing {
namespace {

constexpr const char* base = R"({
  "scenario": "x",
  "replications": 200,
  "regions": [
    {"code": "ARA", "available_eur": 26125000.00, "committed_mean_eur": 24750348.0419,
     "p_exhausted": 0.595, "exhaustion_day_q50": 348, "exhaustion_day_q75": null,
     "unmet_q50_eur": 1176673.98, "released_mean_eur": 0, "by_month": [0, 0.01]}
  ],
  "national": {"fees_eur": 7500000.00, "unmet_se_eur": 501012.1036451532}
})";

std::vector<std::string> against_base(const std::string& from, const std::string& to) {
  std::string changed = base;
  const auto at = changed.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  changed.replace(at, from.size(), to);
  return compare_json(base, changed, summary_number_is_exact, golden_tolerance);
}

TEST(GoldenComparison, AcceptsTheSameDocumentWrittenDifferently) {
  EXPECT_TRUE(compare_json(base, base, summary_number_is_exact, golden_tolerance).empty());
  // Whitespace, key order, and a real written in another form of the same value.
  std::string other = R"({"national": {"unmet_se_eur": 5.010121036451532e5, "fees_eur": 7500000.00},
    "regions": [{"by_month": [0.0, 0.010], "released_mean_eur": 0.0, "unmet_q50_eur": 1176673.98,
    "exhaustion_day_q75": null, "exhaustion_day_q50": 348, "p_exhausted": 0.595,
    "committed_mean_eur": 24750348.0419, "available_eur": 26125000.00, "code": "ARA"}],
    "replications": 200, "scenario": "x"})";
  EXPECT_TRUE(compare_json(base, other, summary_number_is_exact, golden_tolerance).empty());
}

TEST(GoldenComparison, ToleratesLastBitNoiseInRealNumbers) {
  EXPECT_TRUE(against_base("24750348.0419", "24750348.041900004").empty());  // ~1.6e-16 relative
  EXPECT_TRUE(against_base("0.595", "0.5949999999999999").empty());
  EXPECT_TRUE(against_base("\"released_mean_eur\": 0", "\"released_mean_eur\": 1e-12").empty());
}

TEST(GoldenComparison, FailsForTheRightReasons) {
  EXPECT_EQ(against_base("26125000.00", "26125000.01").size(), 1u);  // one cent, exact
  EXPECT_EQ(against_base("1176673.98", "1176673.99").size(), 1u);    // a quantile's cent
  EXPECT_EQ(against_base("\"replications\": 200", "\"replications\": 201").size(), 1u);
  EXPECT_EQ(against_base("\"exhaustion_day_q50\": 348", "\"exhaustion_day_q50\": 349").size(), 1u);  // a day
  EXPECT_EQ(against_base("\"exhaustion_day_q50\": 348", "\"exhaustion_day_q50\": 348.0000000001").size(),
            1u);                                                         // not an exact number
  EXPECT_EQ(against_base("24750348.0419", "24750348.0420").size(), 1u);  // 4e-12 relative
  EXPECT_EQ(against_base("0.595", "0.6").size(), 1u);
  EXPECT_EQ(against_base("\"ARA\"", "\"BFC\"").size(), 1u);
  EXPECT_EQ(against_base("\"exhaustion_day_q75\": null", "\"exhaustion_day_q75\": 360").size(), 1u);
  EXPECT_EQ(against_base("\"p_exhausted\"", "\"p_exhausted_renamed\"").size(), 2u);  // one missing, one extra
  EXPECT_EQ(against_base("[0, 0.01]", "[0, 0.01, 0.02]").size(), 1u);                // a longer array
  EXPECT_EQ(against_base("\"scenario\": \"x\",", "").size(), 1u);
  EXPECT_EQ(compare_json(base, "{", summary_number_is_exact).size(), 1u);  // unreadable
}

TEST(GoldenComparison, KnowsWhichSummaryNumbersAreExact) {
  for (const char* path :
       {"replications", "seed", "window_days", "regions[0].envelope_eur", "regions[11].available_eur",
        "national.fees_eur", "regions[2].exhaustion_day_q05", "regions[0].unmet_q80_eur",
        "national.additional_needed_q95_eur", "national.additional_needed_day_q50"})
    EXPECT_TRUE(summary_number_is_exact(path)) << path;
  for (const char* path : {"confidence_level", "regions[0].p_exhausted", "regions[0].committed_mean_eur",
                           "regions[0].committed_se_eur", "regions[0].demand_mean_eur",
                           "regions[0].p_exhausted_by_month_end[3]", "national.additional_needed_mean_eur",
                           "regions[0].dossiers_committed_mean", "steering.regions[0].received_mean_eur"})
    EXPECT_FALSE(summary_number_is_exact(path)) << path;
}

}  // namespace
}  // namespace fnesim::testing
