// CSV exports: exact euros, and the monthly fan recomputed independently from
// the replications, whichever way the months are batched.
#include "results/csv_export.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_scenarios.hpp"
#include "results/output_file.hpp"
#include "results/run_summary.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/statistics.hpp"
#include "support/test_files.hpp"

namespace fnesim {
namespace {

using testing::ScratchDirectory;

TEST(CsvExport, EurosAreExactDecimalsOfTheCents) {
  EXPECT_EQ(csv_euros(0), "0.00");
  EXPECT_EQ(csv_euros(5), "0.05");
  EXPECT_EQ(csv_euros(-5), "-0.05");
  EXPECT_EQ(csv_euros(123456), "1234.56");
  EXPECT_EQ(csv_euros(15'000'000'000), "150000000.00");
  EXPECT_EQ(csv_euros(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
}

class Recorder : public ReplicationSink {
 public:
  void consume(std::int64_t, const ReplicationOutcome& outcome) override { outcomes.push_back(outcome); }
  std::vector<ReplicationOutcome> outcomes;
};

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(testing::read_text(path));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream cells_in(line);
    for (std::string cell; std::getline(cells_in, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

TEST(CsvExport, TheMonthlyFanMatchesAnIndependentComputationInAnyBatching) {
  ScratchDirectory dir;
  const Scenario scenario = testing::rich_scenario(ExhaustionPolicy::Stop);
  const Simulator simulator(scenario);
  Recorder recorder;
  {
    RunFileWriter writer(dir / "run.h5", simulator, 5);
    RunStatistics statistics(simulator);
    ReplicationSink* sinks[] = {&statistics, &writer, &recorder};
    RunControl control;
    control.seed = 5;
    control.threads = 2;
    run_replications(simulator, 0, 37, control, sinks);
    writer.finish(summarise(simulator, statistics, 5), {0.5, 2});
  }
  const RunFileReader run(dir / "run.h5");
  const auto exported = [&](const std::filesystem::path& directory, std::size_t budget) {
    OutputSet outputs(false);
    export_csv(run, directory, outputs, budget);
    outputs.commit();
  };
  exported(dir / "whole", default_fan_memory_budget_bytes);
  exported(dir / "batched", 1);  // one month at a time
  for (const char* name : {"regions.csv", "monthly_fan.csv", "replications.csv", "national_replications.csv",
                           "exhaustion_by_month.csv", "settlement.csv"})
    EXPECT_EQ(testing::read_text(dir / "whole" / name), testing::read_text(dir / "batched" / name)) << name;
  EXPECT_THROW(exported(dir / "whole", default_fan_memory_budget_bytes),
               OutputTargetError);  // exists: refused without overwrite

  const auto fan = read_csv(dir / "batched/monthly_fan.csv");
  const int R = simulator.region_count(), M = simulator.month_count();
  ASSERT_EQ(fan.size(), static_cast<std::size_t>(1 + (R + 1) * 2 * M));
  const auto& outcomes = recorder.outcomes;
  auto row_of = [&](const std::string& region, const std::string& measure, int month) {
    for (const auto& row : fan)
      if (row[0] == region && row[2] == measure &&
          row[1] == run.info().months[static_cast<std::size_t>(month)])
        return row;
    ADD_FAILURE() << "no row " << region << ' ' << measure << ' ' << month;
    return std::vector<std::string>{};
  };
  for (int month : {0, 4, M - 1}) {
    // Region R1: cumulative commitments to the end of `month`.
    std::vector<std::int64_t> cumulative, national_payments;
    for (const auto& o : outcomes) {
      std::int64_t sum = 0, pay = 0;
      for (int m = 0; m <= month; ++m) sum += o.monthly_commitments[static_cast<std::size_t>(1 * M + m)];
      for (int r = 0; r < R; ++r) pay += o.monthly_payments[static_cast<std::size_t>(r * M + month)];
      cumulative.push_back(sum);
      national_payments.push_back(pay);
    }
    std::sort(cumulative.begin(), cumulative.end());
    std::sort(national_payments.begin(), national_payments.end());
    const auto region_row = row_of("R1", "cumulative_commitments", month);
    const auto national_row = row_of("national", "monthly_payments", month);
    ASSERT_EQ(region_row.size(), 11u);
    for (std::size_t k = 0; k < std::size(reported_percentiles); ++k) {
      EXPECT_EQ(region_row[4 + k],
                csv_euros(quantile_inverted_cdf<std::int64_t>(cumulative, reported_percentiles[k])));
      EXPECT_EQ(national_row[4 + k],
                csv_euros(quantile_inverted_cdf<std::int64_t>(national_payments, reported_percentiles[k])));
    }
    double mean = 0;
    for (std::int64_t v : cumulative) mean += static_cast<double>(v);
    mean /= static_cast<double>(cumulative.size()) * 100.0;
    EXPECT_NEAR(std::stod(region_row[3]), mean, 1e-9 * std::max(1.0, mean));
  }

  // replications.csv: replication-major, the exhaustion day empty when never.
  const auto replications = read_csv(dir / "whole/replications.csv");
  ASSERT_EQ(replications.size(), static_cast<std::size_t>(1 + 37 * R));
  const auto& row = replications[1 + 20 * R + 2];  // replication 20, region R2
  EXPECT_EQ(row[0], "20");
  EXPECT_EQ(row[1], "R2");
  const RegionOutcome& o = outcomes[20].regions[2];
  EXPECT_EQ(row[2], o.exhaustion_day == never_exhausted ? "" : std::to_string(o.exhaustion_day));
  EXPECT_EQ(row[3], std::to_string(o.committed));
  const auto& header = replications[0];
  auto column = [&](std::string_view name) {
    const auto at = std::find(header.begin(), header.end(), name);
    EXPECT_NE(at, header.end()) << name;
    return row.at(static_cast<std::size_t>(at - header.begin()));
  };
  EXPECT_EQ(column("trainees_unmet"), std::to_string(o.trainees_unmet));
  EXPECT_EQ(column("available_final_cents"), std::to_string(o.available_final));
  EXPECT_EQ(column("lapsed_cents"), std::to_string(o.lapsed));
  EXPECT_EQ(column("last_payment_day"), std::to_string(o.last_payment_day));
  EXPECT_EQ(column("review_paid_cents"), std::to_string(o.review_paid));

  // settlement.csv: per region then national, each quantity's distribution,
  // recomputed here from the outcomes (the national paid and lapsed amounts).
  const auto settlement = read_csv(dir / "whole/settlement.csv");
  ASSERT_EQ(settlement.size(), 1 + (R + 1) * (settlement_quantity_count + 1));
  std::vector<std::int64_t> paid, lapsed;
  for (const ReplicationOutcome& outcome : outcomes) {
    paid.push_back(outcome.national.paid);
    lapsed.push_back(outcome.national.lapsed);
  }
  std::sort(paid.begin(), paid.end());
  std::sort(lapsed.begin(), lapsed.end());
  const std::size_t national = 1 + R * (settlement_quantity_count + 1);
  const auto& paid_row = settlement[national + static_cast<std::size_t>(SettlementQuantity::Paid)];
  const auto& lapsed_row = settlement[national + static_cast<std::size_t>(SettlementQuantity::Lapsed)];
  ASSERT_EQ(paid_row[0], "national");
  ASSERT_EQ(paid_row[1], "paid");
  ASSERT_EQ(lapsed_row[1], "lapsed");
  const std::size_t median = 7 + 3;  // region, quantity, unit, 4 statistics; then q05, q10, q25, q50
  EXPECT_EQ(paid_row[median], csv_euros(quantile_inverted_cdf<std::int64_t>(paid, 50)));
  EXPECT_EQ(lapsed_row[median], csv_euros(quantile_inverted_cdf<std::int64_t>(lapsed, 50)));
}

}  // namespace
}  // namespace fnesim
