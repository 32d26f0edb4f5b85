// The art. 6 table as the built-in default scenario encodes it, checked cell by
// cell: three statuses × the size classes, at representative and boundary
// headcounts. The table is data (scenarios/convention-2021.toml); this test is
// what ties that data to the signed text.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/coverage.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim {
namespace {

const Scenario& default_scenario() {
  static const Scenario scenario = load_default_scenario();
  return scenario;
}

struct Cell {
  const char* size_label;  // the table's row, as printed in art. 6
  std::vector<long> headcounts;
  std::int32_t ap, apld, difficulty;  // basis points
};

// Art. 6: "-300 salariés" 100/100/100 %, "de 300 à 1000 salariés" 70/80/70 %,
// "+ de 1000 salariés" 70/80/40 % of pedagogical costs.
const std::vector<Cell>& art6_table() {
  static const std::vector<Cell> cells = {
      {"-300 salariés", {1, 10, 49, 50, 51, 150, 298, 299}, 10000, 10000, 10000},
      {"de 300 à 1000 salariés", {300, 301, 650, 999, 1000}, 7000, 8000, 7000},
      {"+ de 1000 salariés", {1001, 1002, 5000, 100'000, size_class_max_headcount.back()}, 7000, 8000, 4000},
  };
  return cells;
}

TEST(ConventionTable, EveryCellOfArticle6) {
  const CoverageSettings& coverage = default_scenario().coverage;
  const Date start = default_scenario().convention.commitment_start;
  const Date end = default_scenario().convention.commitment_end;
  int checked = 0;
  for (const Cell& cell : art6_table()) {
    const std::pair<Status, std::int32_t> columns[] = {
        {Status::AP, cell.ap}, {Status::APLD, cell.apld}, {Status::Difficulty, cell.difficulty}};
    for (const auto& [status, basis_points] : columns) {
      for (long headcount : cell.headcounts) {
        for (Date date : {start, Date::from_ymd(2021, 7, 1), end}) {
          SCOPED_TRACE(std::string(cell.size_label) + ", " + std::string(key_of(status)) + ", " +
                       std::to_string(headcount) + " employees, " + date.iso());
          const CoverageRule* rule = find_rule_or_null(coverage, Regime::Convention, status, headcount, date);
          ASSERT_NE(rule, nullptr);
          EXPECT_EQ(rule->rate.basis_points, basis_points);
          EXPECT_NE(rule->article.find("art. 6"), std::string::npos) << rule->article;
          EXPECT_FALSE(rule->cap_per_dossier.has_value());

          // 10 000 EUR of pedagogical costs: the envelope pays the rate, the
          // company the balance ("ne pouvant provenir de fonds publics").
          DossierRequest d;
          d.headcount = headcount;
          d.status = status;
          d.pedagogical = euros(10'000);
          d.filing_date = date;
          const CostSplit split = split_dossier(coverage, d);
          EXPECT_EQ(split.fne, euros(basis_points));  // 10 000 EUR × bp / 10 000
          EXPECT_EQ(split.company, euros(10'000 - basis_points));
          EXPECT_EQ(split.rule_id, rule->id);
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 3 * (8 + 5 + 5) * 3);
}

// Nine cells, nine rules: nothing else of the convention regime applies to
// the three statuses of the signed table.
TEST(ConventionTable, NineRulesOneRatePerCell) {
  const CoverageSettings& coverage = default_scenario().coverage;
  int art6 = 0;
  for (const auto& rule : coverage.rules) {
    if (rule.regime != Regime::Convention) continue;
    const bool table_status = std::any_of(rule.statuses.begin(), rule.statuses.end(), [](Status s) {
      return s == Status::AP || s == Status::APLD || s == Status::Difficulty;
    });
    if (!table_status) continue;
    ++art6;
    EXPECT_EQ(rule.id.rfind("art6-", 0), 0u) << rule.id;
    EXPECT_FALSE(rule.valid_from.has_value()) << rule.id;  // the signed table applies from the start
  }
  EXPECT_EQ(art6, 9);
  for (std::size_t i = 0; i < coverage.rules.size(); ++i)
    for (std::size_t j = i + 1; j < coverage.rules.size(); ++j)
      EXPECT_FALSE(rules_overlap(coverage.rules[i], coverage.rules[j]))
          << coverage.rules[i].id << " and " << coverage.rules[j].id;
}

// The size classes' boundaries fall where the table's rows change.
TEST(ConventionTable, SizeClassBoundaries) {
  const CoverageSettings& coverage = default_scenario().coverage;
  const Date date = default_scenario().convention.commitment_start;
  auto rate = [&](Status status, long headcount) {
    return find_rule(coverage, Regime::Convention, status, headcount, date).rate.basis_points;
  };
  EXPECT_EQ(rate(Status::AP, 299), 10000);
  EXPECT_EQ(rate(Status::AP, 300), 7000);
  EXPECT_EQ(rate(Status::APLD, 299), 10000);
  EXPECT_EQ(rate(Status::APLD, 300), 8000);
  EXPECT_EQ(rate(Status::Difficulty, 1000), 7000);
  EXPECT_EQ(rate(Status::Difficulty, 1001), 4000);
  EXPECT_EQ(rate(Status::APLD, 1000), rate(Status::APLD, 1001));
  EXPECT_EQ(find_rule_or_null(coverage, Regime::Convention, Status::AP, 0, date), nullptr);
}

// Art. 6 table (PDC-50) and art. 3 (DIAG GPEC COVID-19) settings.
TEST(ConventionTable, RemunerationAndDiagnostics) {
  const CoverageSettings& coverage = default_scenario().coverage;
  EXPECT_TRUE(coverage.pdc50_funds_remuneration);
  EXPECT_EQ(coverage.pdc50_max_headcount, 49);
  EXPECT_TRUE(coverage.ancillary_eligible);
  EXPECT_EQ(coverage.diagnostic_day_rate, euros(1'000));
  EXPECT_EQ(coverage.diagnostic_max_days_per_year, 10);

  DossierRequest d;
  d.status = Status::Difficulty;
  d.pedagogical = euros(3'000);
  d.remuneration = euros(1'000);
  d.filing_date = default_scenario().convention.commitment_start;
  d.headcount = 49;
  EXPECT_EQ(split_dossier(coverage, d).pdc50, euros(1'000));
  d.headcount = 50;
  EXPECT_EQ(split_dossier(coverage, d).company, euros(1'000));
  d.status = Status::APLD;
  EXPECT_EQ(split_dossier(coverage, d).state_allowance, euros(1'000));
}

// The 7 September 2021 instruction is not part of the convention as signed;
// whatever a scenario adds for transformation/resumption, it cannot apply
// before 2021-07-01, the date the instruction is retroactive to.
TEST(ConventionTable, NoWideningBeforeJuly) {
  const CoverageSettings& coverage = default_scenario().coverage;
  for (Status status : {Status::Transformation, Status::Resumption})
    for (long headcount : {10L, 299L, 300L, 1000L, 1001L})
      EXPECT_EQ(
          find_rule_or_null(coverage, Regime::Convention, status, headcount, Date::from_ymd(2021, 6, 30)),
          nullptr);
}

}  // namespace
}  // namespace fnesim
