// The coverage rules with hand-built settings: the art. 6 table, the
// 7 September 2021 widening, a block-exemption rule with a cap, diagnostics.
#include "models/coverage.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

namespace fnesim {
namespace {

constexpr long open = size_class_max_headcount.back();

CoverageRule rule(std::string id, Status status, long min, long max, std::int32_t basis_points) {
  CoverageRule r;
  r.id = std::move(id);
  r.article = "art. 6";
  r.statuses = {status};
  r.headcount_min = min;
  r.headcount_max = max;
  r.rate = Rate{basis_points};
  return r;
}

Date ymd(int y, int m, int d) { return Date::from_ymd(y, m, d); }

// The art. 6 table as the default scenario states it, plus the instruction of
// 7 September 2021: transformation and resumption at the difficulty rates from
// 2021-07-01, and the block exemption (60 % under 250, 50 % from 250, 2 M EUR cap).
CoverageSettings table_settings() {
  CoverageSettings s;
  s.rules = {rule("art6-lt300-AP", Status::AP, 1, 299, 10000),
             rule("art6-lt300-APLD", Status::APLD, 1, 299, 10000),
             rule("art6-lt300-difficulty", Status::Difficulty, 1, 299, 10000),
             rule("art6-300to1000-AP", Status::AP, 300, 1000, 7000),
             rule("art6-300to1000-APLD", Status::APLD, 300, 1000, 8000),
             rule("art6-300to1000-difficulty", Status::Difficulty, 300, 1000, 7000),
             rule("art6-gt1000-AP", Status::AP, 1001, open, 7000),
             rule("art6-gt1000-APLD", Status::APLD, 1001, open, 8000),
             rule("art6-gt1000-difficulty", Status::Difficulty, 1001, open, 4000)};
  const std::array<std::pair<long, long>, 3> bands = {{{1, 299}, {300, 1000}, {1001, open}}};
  const std::array<std::int32_t, 3> difficulty_rates = {10000, 7000, 4000};
  for (std::size_t i = 0; i < bands.size(); ++i) {
    CoverageRule r = rule("sept2021-" + std::to_string(i), Status::Transformation, bands[i].first,
                          bands[i].second, difficulty_rates[i]);
    r.statuses.push_back(Status::Resumption);
    r.article = "instruction of 7 September 2021";
    r.valid_from = ymd(2021, 7, 1);
    s.rules.push_back(r);
  }
  for (Status status :
       {Status::AP, Status::APLD, Status::Difficulty, Status::Transformation, Status::Resumption}) {
    CoverageRule small = rule("gber-lt250-" + std::string(key_of(status)), status, 1, 249, 6000);
    CoverageRule large = rule("gber-ge250-" + std::string(key_of(status)), status, 250, open, 5000);
    for (CoverageRule* r : {&small, &large}) {
      r->regime = Regime::BlockExemption;
      r->article = "EU block exemption";
      r->cap_per_dossier = euros(2'000'000);
      s.rules.push_back(*r);
    }
  }
  return s;
}

DossierRequest dossier(long headcount, Status status, Cents pedagogical, Date filing = ymd(2021, 3, 1)) {
  DossierRequest d;
  d.headcount = headcount;
  d.status = status;
  d.pedagogical = pedagogical;
  d.filing_date = filing;
  return d;
}

void expect_adds_up(const CostSplit& split, const DossierRequest& d) {
  EXPECT_EQ(split.fne + split.company + split.pdc50 + split.state_allowance,
            d.pedagogical + d.ancillary + d.remuneration);
  EXPECT_EQ(split.total(), d.pedagogical + d.ancillary + d.remuneration);
}

TEST(CoverageRule, AppliesChecksEveryCondition) {
  CoverageRule r = rule("r", Status::APLD, 300, 1000, 8000);
  r.valid_from = ymd(2021, 7, 1);
  r.valid_until = ymd(2021, 12, 31);
  EXPECT_TRUE(r.applies(Regime::Convention, Status::APLD, 300, ymd(2021, 7, 1)));
  EXPECT_TRUE(r.applies(Regime::Convention, Status::APLD, 1000, ymd(2021, 12, 31)));
  EXPECT_FALSE(r.applies(Regime::BlockExemption, Status::APLD, 500, ymd(2021, 8, 1)));
  EXPECT_FALSE(r.applies(Regime::Convention, Status::AP, 500, ymd(2021, 8, 1)));
  EXPECT_FALSE(r.applies(Regime::Convention, Status::APLD, 299, ymd(2021, 8, 1)));
  EXPECT_FALSE(r.applies(Regime::Convention, Status::APLD, 1001, ymd(2021, 8, 1)));
  EXPECT_FALSE(r.applies(Regime::Convention, Status::APLD, 500, ymd(2021, 6, 30)));
  EXPECT_FALSE(r.applies(Regime::Convention, Status::APLD, 500, ymd(2022, 1, 1)));
}

TEST(CoverageRule, DefaultHeadcountMaxIsOpenEnded) {
  CoverageRule r;
  r.statuses = {Status::AP};
  r.headcount_min = 1001;
  EXPECT_TRUE(r.applies(Regime::Convention, Status::AP, 250'000, ymd(2021, 1, 1)));
}

// "-300 salariés", "de 300 à 1000 salariés" (both bounds included), "+ de 1000".
TEST(FindRule, SizeBoundaries) {
  const CoverageSettings s = table_settings();
  const Date d = ymd(2021, 3, 1);
  struct Case {
    long headcount;
    Status status;
    const char* id;
    std::int32_t rate;
  };
  const Case cases[] = {
      {1, Status::AP, "art6-lt300-AP", 10000},
      {49, Status::Difficulty, "art6-lt300-difficulty", 10000},
      {50, Status::Difficulty, "art6-lt300-difficulty", 10000},
      {299, Status::AP, "art6-lt300-AP", 10000},
      {300, Status::AP, "art6-300to1000-AP", 7000},
      {299, Status::APLD, "art6-lt300-APLD", 10000},
      {300, Status::APLD, "art6-300to1000-APLD", 8000},
      {1000, Status::APLD, "art6-300to1000-APLD", 8000},
      {1000, Status::Difficulty, "art6-300to1000-difficulty", 7000},
      {1001, Status::Difficulty, "art6-gt1000-difficulty", 4000},
      {1001, Status::AP, "art6-gt1000-AP", 7000},
      {1001, Status::APLD, "art6-gt1000-APLD", 8000},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.headcount) + " " + std::string(key_of(c.status)));
    const CoverageRule& r = find_rule(s, Regime::Convention, c.status, c.headcount, d);
    EXPECT_EQ(r.id, c.id);
    EXPECT_EQ(r.rate.basis_points, c.rate);
    EXPECT_EQ(split_dossier(s, dossier(c.headcount, c.status, euros(10'000))).fne,
              euros(10'000) * c.rate / Rate::full);
  }
}

TEST(SplitDossier, ConventionNumbers) {
  const CoverageSettings s = table_settings();
  const CostSplit apld = split_dossier(s, dossier(650, Status::APLD, euros(10'000)));
  EXPECT_EQ(apld.fne, euros(8'000));
  EXPECT_EQ(apld.company, euros(2'000));
  EXPECT_EQ(apld.rule_id, "art6-300to1000-APLD");
  EXPECT_EQ(apld.rate, Rate{8000});
  const CostSplit difficulty = split_dossier(s, dossier(5000, Status::Difficulty, euros(10'000)));
  EXPECT_EQ(difficulty.fne, euros(4'000));
  EXPECT_EQ(difficulty.company, euros(6'000));
  EXPECT_NE(difficulty.company_reason.find("cannot come from public funds"), std::string::npos);
}

TEST(SplitDossier, RoundsOnceAndPartsAddUp) {
  const CoverageSettings s = table_settings();
  struct Case {
    Cents pedagogical, ancillary;
    long headcount;
    Status status;
    Cents fne;
  };
  const Case cases[] = {
      {1, 0, 500, Status::AP, 1},                // 0.7 cent → 1
      {2, 0, 500, Status::AP, 1},                // 1.4 → 1
      {3, 0, 500, Status::AP, 2},                // 2.1 → 2
      {5, 0, 500, Status::AP, 4},                // 3.5 → 4 (half away from zero)
      {1, 0, 5000, Status::Difficulty, 0},       // 0.4 → 0
      {333'333, 0, 500, Status::AP, 233'333},    // 233 333.1
      {333'333, 0, 500, Status::APLD, 266'666},  // 266 666.4
      {333'334, 0, 5000, Status::Difficulty, 133'334},
      // The rate applies to pedagogical + ancillary together: 0.7 × 2 = 1.4 → 1,
      // where rounding each part (0.7 → 1 twice) would give 2.
      {1, 1, 500, Status::AP, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.pedagogical);
    DossierRequest d = dossier(c.headcount, c.status, c.pedagogical);
    d.ancillary = c.ancillary;
    const CostSplit split = split_dossier(s, d);
    EXPECT_EQ(split.fne, c.fne);
    EXPECT_EQ(split.company, c.pedagogical + c.ancillary - c.fne);
    expect_adds_up(split, d);
  }
}

// Property: for any amounts, cell and settings, the parts are non-negative,
// add up to the cent, and the envelope's share is the rate rounded once.
TEST(SplitDossier, RandomizedPartsAlwaysAddUp) {
  std::mt19937_64 rng(20210118);
  const long headcounts[] = {1, 2, 49, 50, 51, 249, 250, 299, 300, 301, 999, 1000, 1001, 1002, 20'000};
  const Status statuses[] = {Status::AP, Status::APLD, Status::Difficulty, Status::Transformation,
                             Status::Resumption};
  std::uniform_int_distribution<int> pick_headcount(0, std::size(headcounts) - 1);
  std::uniform_int_distribution<int> pick_status(0, std::size(statuses) - 1);
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_int_distribution<int> digits(0, 12);
  auto amount = [&] {
    // Spread over magnitudes: 0.01 EUR up to 10 billion EUR.
    const Cents scale = static_cast<Cents>(std::pow(10, digits(rng)));
    return std::uniform_int_distribution<Cents>(0, scale)(rng);
  };
  CoverageSettings s = table_settings();
  int capped = 0, checked = 0;
  for (int i = 0; i < 50'000; ++i) {
    s.ancillary_eligible = coin(rng);
    s.pdc50_funds_remuneration = coin(rng);
    DossierRequest d = dossier(headcounts[pick_headcount(rng)], statuses[pick_status(rng)], amount(),
                               coin(rng) ? ymd(2021, 3, 1) : ymd(2021, 9, 15));
    d.regime = coin(rng) ? Regime::Convention : Regime::BlockExemption;
    d.ancillary = amount();
    d.remuneration = amount();
    const CoverageRule* r = find_rule_or_null(s, d.regime, d.status, d.headcount, d.filing_date);
    if (!r) {
      EXPECT_THROW(split_dossier(s, d), NoCoverageRule);
      continue;
    }
    ++checked;
    const CostSplit split = split_dossier(s, d);
    ASSERT_EQ(split.total(), d.pedagogical + d.ancillary + d.remuneration) << i;
    ASSERT_GE(split.fne, 0);
    ASSERT_GE(split.company, 0);
    ASSERT_GE(split.pdc50, 0);
    ASSERT_GE(split.state_allowance, 0);
    const Cents eligible = d.pedagogical + (s.ancillary_eligible ? d.ancillary : 0);
    if (split.capped) {
      ++capped;
      ASSERT_EQ(split.fne, *r->cap_per_dossier);
      ASSERT_GT(apply_rate(eligible, r->rate), *r->cap_per_dossier);
    } else {
      // Within half a cent of the exact share: |fne × 10 000 − eligible × bp| ≤ 5 000.
      const Cents error = split.fne * Rate::full - eligible * r->rate.basis_points;
      ASSERT_LE(std::abs(error), Rate::full / 2) << i;
    }
    ASSERT_EQ(split.pdc50 + split.state_allowance + (split.company - (eligible - split.fne)),
              d.remuneration + (s.ancillary_eligible ? 0 : d.ancillary));
    for (const std::string* reason :
         {&split.fne_reason, &split.company_reason, &split.pdc50_reason, &split.state_allowance_reason})
      ASSERT_NE(reason->find(r->id), std::string::npos) << *reason;
  }
  // The draw covered both the refused, the capped and the ordinary cases.
  EXPECT_GT(checked, 30'000);
  EXPECT_GT(capped, 100);
}

TEST(SplitDossier, CapPerDossier) {
  const CoverageSettings s = table_settings();
  DossierRequest d = dossier(120, Status::AP, euros(5'000'000));
  d.regime = Regime::BlockExemption;
  const CostSplit split = split_dossier(s, d);
  EXPECT_EQ(split.rule_id, "gber-lt250-AP");
  EXPECT_TRUE(split.capped);
  EXPECT_EQ(split.fne, euros(2'000'000));  // 60 % would be 3 M
  EXPECT_EQ(split.company, euros(3'000'000));
  EXPECT_NE(split.fne_reason.find("capped at 2 000 000.00 EUR"), std::string::npos) << split.fne_reason;
  EXPECT_NE(split.company_reason.find("1 000 000.00 EUR above the cap"), std::string::npos)
      << split.company_reason;

  // Just under the cap: 60 % of 3 333 333.33 = 1 999 999.998 → 2 000 000.00, not capped.
  d.pedagogical = 333'333'333;
  const CostSplit under = split_dossier(s, d);
  EXPECT_FALSE(under.capped);
  EXPECT_EQ(under.fne, euros(2'000'000));
  d.headcount = 250;  // 50 % from 250 employees
  EXPECT_EQ(split_dossier(s, d).fne, 166'666'667);
}

// Instruction of 7 September 2021, retroactive to 2021-07-01: transformation and
// resumption at the difficulty rates; refused before.
TEST(SplitDossier, SeptemberWideningValidFromJuly) {
  const CoverageSettings s = table_settings();
  for (Status status : {Status::Transformation, Status::Resumption}) {
    SCOPED_TRACE(std::string(key_of(status)));
    EXPECT_EQ(find_rule_or_null(s, Regime::Convention, status, 120, ymd(2021, 6, 30)), nullptr);
    EXPECT_THROW(split_dossier(s, dossier(120, status, euros(1000), ymd(2021, 6, 30))), NoCoverageRule);
    EXPECT_EQ(split_dossier(s, dossier(120, status, euros(1000), ymd(2021, 7, 1))).fne, euros(1000));
    EXPECT_EQ(split_dossier(s, dossier(1000, status, euros(1000), ymd(2021, 7, 1))).fne, euros(700));
    EXPECT_EQ(split_dossier(s, dossier(1001, status, euros(1000), ymd(2021, 12, 31))).fne, euros(400));
  }
}

std::string no_rule_message(const CoverageSettings& s, Regime regime, Status status, long headcount,
                            Date date) {
  try {
    find_rule(s, regime, status, headcount, date);
  } catch (const NoCoverageRule& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(FindRule, NoRuleMessagesSayWhatIsCovered) {
  CoverageSettings s = table_settings();
  EXPECT_EQ(no_rule_message(s, Regime::Convention, Status::Transformation, 120, ymd(2021, 3, 1)),
            "no coverage rule for status 'transformation', 120 employees, on 2021-03-01 "
            "(rules for this status apply from 2021-07-01)");
  EXPECT_EQ(no_rule_message(s, Regime::Convention, Status::AP, 0, ymd(2021, 3, 1)),
            "no coverage rule for status 'AP', 0 employees, on 2021-03-01 "
            "(rules for this status cover headcounts 1 or more)");
  EXPECT_EQ(no_rule_message(s, Regime::BlockExemption, Status::AP, 0, ymd(2021, 3, 1)),
            "no coverage rule for status 'AP', 0 employees, on 2021-03-01 under the block-exemption regime "
            "(rules for this status cover headcounts 1 or more)");

  // A scenario without the widening and without a block exemption.
  s.rules.resize(9);
  EXPECT_EQ(no_rule_message(s, Regime::Convention, Status::Resumption, 20, ymd(2021, 9, 1)),
            "no coverage rule for status 'resumption', 20 employees, on 2021-09-01 "
            "(the scenario has no rule for this status under the convention regime)");
  EXPECT_EQ(no_rule_message(s, Regime::BlockExemption, Status::AP, 20, ymd(2021, 9, 1)),
            "no coverage rule for status 'AP', 20 employees, on 2021-09-01 under the block-exemption regime "
            "(the scenario has no rule under the block-exemption regime)");
  CoverageRule gber = rule("gber-transformation", Status::Transformation, 1, open, 6000);
  gber.regime = Regime::BlockExemption;
  s.rules.push_back(gber);
  EXPECT_EQ(no_rule_message(s, Regime::Convention, Status::Transformation, 20, ymd(2021, 9, 1)),
            "no coverage rule for status 'transformation', 20 employees, on 2021-09-01 "
            "(the scenario has no rule for this status under the convention regime; "
            "it has some under another regime)");
  EXPECT_EQ(no_rule_message(s, Regime::BlockExemption, Status::AP, 20, ymd(2021, 9, 1)),
            "no coverage rule for status 'AP', 20 employees, on 2021-09-01 under the block-exemption regime "
            "(the scenario has no rule for this status under the block-exemption regime; "
            "it has some under another regime)");

  // A rule that expired, and a band with a gap.
  CoverageRule expired = rule("old", Status::Transformation, 1, 299, 10000);
  expired.valid_until = ymd(2021, 6, 30);
  CoverageRule big = rule("big", Status::Transformation, 500, 900, 5000);
  s.rules.push_back(expired);
  s.rules.push_back(big);
  EXPECT_EQ(no_rule_message(s, Regime::Convention, Status::Transformation, 10, ymd(2021, 8, 1)),
            "no coverage rule for status 'transformation', 10 employees, on 2021-08-01 "
            "(rules for this status applied until 2021-06-30)");
  EXPECT_EQ(no_rule_message(s, Regime::Convention, Status::Transformation, 400, ymd(2021, 5, 1)),
            "no coverage rule for status 'transformation', 400 employees, on 2021-05-01 "
            "(rules for this status cover headcounts 1 to 299, 500 to 900)");
}

TEST(FindRule, OverlappingRulesAreALogicError) {
  CoverageSettings s = table_settings();
  s.rules.push_back(rule("duplicate", Status::APLD, 1000, 1000, 9000));
  EXPECT_THROW(find_rule(s, Regime::Convention, Status::APLD, 1000, ymd(2021, 3, 1)), std::logic_error);
  EXPECT_THROW(find_rule_or_null(s, Regime::Convention, Status::APLD, 1000, ymd(2021, 3, 1)),
               std::logic_error);
  // Other cells are unaffected.
  EXPECT_EQ(find_rule(s, Regime::Convention, Status::APLD, 999, ymd(2021, 3, 1)).id, "art6-300to1000-APLD");
  try {
    find_rule(s, Regime::Convention, Status::APLD, 1000, ymd(2021, 3, 1));
  } catch (const NoCoverageRule&) {
    ADD_FAILURE() << "an overlap is not a missing rule";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("'art6-300to1000-APLD' and 'duplicate'"), std::string::npos)
        << e.what();
  }
}

TEST(RulesOverlap, ComparesEveryDimension) {
  const CoverageRule a = rule("a", Status::AP, 300, 1000, 7000);
  EXPECT_TRUE(rules_overlap(a, rule("b", Status::AP, 1000, 2000, 7000)));
  EXPECT_FALSE(rules_overlap(a, rule("b", Status::AP, 1001, 2000, 7000)));
  EXPECT_FALSE(rules_overlap(a, rule("b", Status::APLD, 300, 1000, 7000)));
  CoverageRule other_regime = rule("b", Status::AP, 300, 1000, 5000);
  other_regime.regime = Regime::BlockExemption;
  EXPECT_FALSE(rules_overlap(a, other_regime));
  CoverageRule before = rule("before", Status::AP, 300, 1000, 7000);
  before.valid_until = ymd(2021, 6, 30);
  CoverageRule after = rule("after", Status::AP, 300, 1000, 8000);
  after.valid_from = ymd(2021, 7, 1);
  EXPECT_FALSE(rules_overlap(before, after));
  EXPECT_FALSE(rules_overlap(after, before));
  after.valid_from = ymd(2021, 6, 30);
  EXPECT_TRUE(rules_overlap(before, after));
  EXPECT_TRUE(rules_overlap(a, after));  // a has no dates: always valid
  const CoverageSettings table = table_settings();
  for (std::size_t i = 0; i < table.rules.size(); ++i)
    for (std::size_t j = i + 1; j < table.rules.size(); ++j)
      EXPECT_FALSE(rules_overlap(table.rules[i], table.rules[j]))
          << table.rules[i].id << " " << table.rules[j].id;
}

// Art. 6: AP/APLD → the State's allowance; other statuses "hors rémunération":
// PDC-50 under 50 employees, else the employer.
TEST(SplitDossier, RemunerationPayer) {
  CoverageSettings s = table_settings();
  auto with_pay = [](long headcount, Status status) {
    DossierRequest d = dossier(headcount, status, euros(6'000), ymd(2021, 9, 1));
    d.remuneration = euros(2'500);
    return d;
  };
  for (Status status : {Status::AP, Status::APLD}) {
    for (long headcount : {10L, 49L, 50L, 5000L}) {
      const CostSplit split = split_dossier(s, with_pay(headcount, status));
      EXPECT_EQ(split.state_allowance, euros(2'500));
      EXPECT_EQ(split.pdc50, 0);
      EXPECT_NE(split.state_allowance_reason.find("partial-activity allowance"), std::string::npos);
    }
  }
  for (Status status : {Status::Difficulty, Status::Transformation, Status::Resumption}) {
    SCOPED_TRACE(std::string(key_of(status)));
    const CostSplit small = split_dossier(s, with_pay(49, status));
    EXPECT_EQ(small.pdc50, euros(2'500));
    EXPECT_EQ(small.company, 0);
    EXPECT_EQ(small.state_allowance, 0);
    EXPECT_NE(small.pdc50_reason.find("PDC-50"), std::string::npos);
    const CostSplit fifty = split_dossier(s, with_pay(50, status));
    EXPECT_EQ(fifty.pdc50, 0);
    EXPECT_EQ(fifty.company, euros(2'500));
    EXPECT_EQ(fifty.fne, euros(6'000));
    EXPECT_NE(fifty.pdc50_reason.find("above the PDC-50 limit of 49"), std::string::npos)
        << fifty.pdc50_reason;
    EXPECT_NE(fifty.company_reason.find("due by the employer"), std::string::npos) << fifty.company_reason;
    const CostSplit big = split_dossier(s, with_pay(1001, status));
    EXPECT_EQ(big.fne, euros(2'400));
    EXPECT_EQ(big.company, euros(3'600 + 2'500));
  }
  s.pdc50_funds_remuneration = false;
  const CostSplit disabled = split_dossier(s, with_pay(10, Status::Difficulty));
  EXPECT_EQ(disabled.pdc50, 0);
  EXPECT_EQ(disabled.company, euros(2'500));
  s.pdc50_funds_remuneration = true;
  s.pdc50_max_headcount = 10;
  EXPECT_EQ(split_dossier(s, with_pay(10, Status::Difficulty)).pdc50, euros(2'500));
  EXPECT_EQ(split_dossier(s, with_pay(11, Status::Difficulty)).pdc50, 0);
}

TEST(SplitDossier, AncillaryEligibility) {
  CoverageSettings s = table_settings();
  DossierRequest d = dossier(500, Status::AP, euros(1'000));
  d.ancillary = euros(100);
  const CostSplit eligible = split_dossier(s, d);
  EXPECT_EQ(eligible.fne, euros(770));
  EXPECT_EQ(eligible.company, euros(330));
  s.ancillary_eligible = false;
  const CostSplit not_eligible = split_dossier(s, d);
  EXPECT_EQ(not_eligible.fne, euros(700));
  EXPECT_EQ(not_eligible.company, euros(400));
  EXPECT_NE(not_eligible.company_reason.find("ancillary costs 100.00 EUR, not eligible"), std::string::npos);
  expect_adds_up(not_eligible, d);
}

TEST(SplitDossier, ReasonsNameTheRuleAndArticle) {
  const CostSplit split = split_dossier(table_settings(), dossier(10, Status::AP, euros(1'000)));
  for (const std::string* reason :
       {&split.fne_reason, &split.company_reason, &split.pdc50_reason, &split.state_allowance_reason})
    EXPECT_NE(reason->find("[rule art6-lt300-AP, art. 6]"), std::string::npos) << *reason;
  EXPECT_EQ(split.company, 0);
  EXPECT_NE(split.fne_reason.find("100 % of eligible costs 1 000.00 EUR"), std::string::npos)
      << split.fne_reason;
}

TEST(SplitDossier, RejectsInvalidDossiers) {
  const CoverageSettings s = table_settings();
  DossierRequest d = dossier(10, Status::AP, -1);
  EXPECT_THROW(split_dossier(s, d), std::invalid_argument);
  d.pedagogical = 0;
  d.ancillary = max_amount + 1;
  EXPECT_THROW(split_dossier(s, d), std::invalid_argument);
  d.ancillary = 0;
  d.trainees = 0;
  EXPECT_THROW(split_dossier(s, d), std::invalid_argument);
  d.trainees = 1;
  d.pedagogical = max_amount;
  d.ancillary = max_amount;
  d.remuneration = max_amount;
  expect_adds_up(split_dossier(s, d), d);
}

TEST(SectorStudy, CoveredInFull) {
  CoverageSettings s;
  const CostSplit split = split_sector_study(s, 4'567'891);
  EXPECT_EQ(split.fne, 4'567'891);
  EXPECT_EQ(split.company, 0);
  EXPECT_EQ(split.total(), 4'567'891);
  EXPECT_EQ(split.article, "art. 3");
  s.sector_study_rate = Rate{5000};
  EXPECT_EQ(split_sector_study(s, 3).fne, 2);
  EXPECT_EQ(split_sector_study(s, 3).company, 1);
  EXPECT_THROW(split_sector_study(s, -1), std::invalid_argument);
}

// Art. 3: "1000 €/jour par entreprise et par an, dans la limite de 10 jours",
// counted over all the company's diagnostic dossiers in the calendar year.
TEST(DiagnosticAllowance, CapCountsEveryDossierOfTheCompanyInTheYear) {
  const CoverageSettings s;  // 1 000 EUR a day, 10 days
  DiagnosticAllowance allowance(s);
  auto first = allowance.request("acme", 2021, 4);
  EXPECT_EQ(first.days_funded, 4);
  EXPECT_EQ(first.days_refused, 0);
  EXPECT_EQ(first.fne, euros(4'000));
  auto second = allowance.request("acme", 2021, 5);
  EXPECT_EQ(second.days_funded, 5);
  EXPECT_EQ(second.fne, euros(5'000));
  auto third = allowance.request("acme", 2021, 3);
  EXPECT_EQ(third.days_funded, 1);
  EXPECT_EQ(third.days_refused, 2);
  EXPECT_EQ(third.fne, euros(1'000));
  auto fourth = allowance.request("acme", 2021, 2);
  EXPECT_EQ(fourth.days_funded, 0);
  EXPECT_EQ(fourth.days_refused, 2);
  EXPECT_EQ(fourth.fne, 0);
  EXPECT_EQ(allowance.days_funded("acme", 2021), 10);

  // A new calendar year starts again; another company has its own allowance.
  EXPECT_EQ(allowance.request("acme", 2022, 12).days_funded, 10);
  EXPECT_EQ(allowance.request("globex", 2021, 7).days_funded, 7);
  EXPECT_EQ(allowance.request("globex", 2021, 7).days_funded, 3);
  EXPECT_EQ(allowance.days_funded("acme", 2021), 10);
  EXPECT_EQ(allowance.days_funded("initech", 2021), 0);

  EXPECT_THROW(allowance.request("acme", 2023, -1), std::invalid_argument);
}

TEST(DiagnosticAllowance, RateAndCapComeFromSettings) {
  CoverageSettings s;
  s.diagnostic_day_rate = euros(800);
  s.diagnostic_max_days_per_year = 3;
  const DiagnosticGrant grant = grant_diagnostic_days(s, 1, 5);
  EXPECT_EQ(grant.days_funded, 2);
  EXPECT_EQ(grant.days_refused, 3);
  EXPECT_EQ(grant.fne, euros(1'600));
  EXPECT_EQ(grant_diagnostic_days(s, 7, 1).days_funded, 0);  // already beyond the cap
}

TEST(FormatPercent, ReadableRates) {
  EXPECT_EQ(format_percent(Rate{10000}), "100 %");
  EXPECT_EQ(format_percent(Rate{7000}), "70 %");
  EXPECT_EQ(format_percent(Rate{6250}), "62.5 %");
  EXPECT_EQ(format_percent(Rate{3333}), "33.33 %");
  EXPECT_EQ(format_percent(Rate{5}), "0.05 %");
  EXPECT_EQ(format_percent(Rate{0}), "0 %");
}

}  // namespace
}  // namespace fnesim
