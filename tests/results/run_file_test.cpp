// The run file through the library: what is written reads back equal to the
// outcomes and the summary; what is not an fnesim file of a known major
// version is refused; a failed, abandoned or interrupted run leaves nothing.
#include "results/run_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "results/hdf5.hpp"
#include "results/output_file.hpp"
#include "results/run_file_layout.hpp"
#include "results/run_summary.hpp"
#include "results/sha256.hpp"
#include "sim/errors.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "support/test_files.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDirectory;

class Recorder : public ReplicationSink {
 public:
  void consume(std::int64_t, const ReplicationOutcome& outcome) override { outcomes.push_back(outcome); }
  std::vector<ReplicationOutcome> outcomes;
};

constexpr std::uint64_t seed = 77;

// Runs `replications` of the scenario into `writer`, in two batches (as
// --precision does), and returns the summary finish() wrote.
RunSummary run_into(const Simulator& simulator, RunFileWriter& writer, std::int64_t replications,
                    Recorder* recorder = nullptr) {
  RunStatistics statistics(simulator);
  std::vector<ReplicationSink*> sinks{&statistics, &writer};
  if (recorder) sinks.push_back(recorder);
  RunControl control;
  control.seed = seed;
  control.threads = 2;
  const std::int64_t first_batch = replications / 2;
  run_replications(simulator, 0, first_batch, control, sinks);
  run_replications(simulator, first_batch, replications - first_batch, control, sinks);
  const RunSummary summary = summarise(simulator, statistics, seed);
  writer.finish(summary, {1.25, 2});
  return summary;
}

Scenario scenario_with_provenance(ExhaustionPolicy policy) {
  Scenario scenario = testing::rich_scenario(policy);
  scenario.resolved_toml = "[run]\nseed = 77\n# résumé\n";
  scenario.source_files = {"variant.toml", "base.toml"};
  return scenario;
}

template <typename T>
std::vector<T> read(const hdf5::File& file, const std::string& path) {
  return file.open_dataset(path).read<T>();
}

TEST(RunFile, ReadsBackEqualToTheOutcomesAndTheSummary) {
  ScratchDirectory dir;
  const auto target = dir / "run.h5";
  const Scenario scenario = scenario_with_provenance(ExhaustionPolicy::Fill);
  const Simulator simulator(scenario);
  Recorder recorder;
  RunFileOptions options;
  options.chunk_replications = 8;  // 45 replications: five full chunks and a partial one
  RunSummary summary;
  {
    RunFileWriter writer(target, simulator, seed, options);
    EXPECT_TRUE(std::filesystem::exists(writer.temporary()));
    EXPECT_FALSE(std::filesystem::exists(target));
    summary = run_into(simulator, writer, 45, &recorder);
  }
  ASSERT_EQ(dir.listing(), "run.h5");
  const auto& outcomes = recorder.outcomes;
  ASSERT_EQ(outcomes.size(), 45u);
  const int R = simulator.region_count(), M = simulator.month_count();

  const RunFileReader reader(target);
  const RunFileInfo& info = reader.info();
  EXPECT_EQ(info.format_major, run_format_major);
  EXPECT_EQ(info.format_minor, run_format_minor);
  EXPECT_EQ(info.seed, seed);
  EXPECT_EQ(info.replications, 45);
  EXPECT_EQ(info.scenario_name, "test");
  EXPECT_EQ(info.scenario_sha256, sha256_hex(scenario_identity(scenario.resolved_toml)));
  EXPECT_EQ(info.exhaustion_policy, "fill");
  EXPECT_EQ(info.commitment_start, "2021-01-01");
  EXPECT_EQ(info.window_days, simulator.window_days());
  EXPECT_EQ(info.run_seconds, 1.25);
  EXPECT_EQ(info.threads, 2);
  EXPECT_EQ(info.source_files, scenario.source_files);
  EXPECT_EQ(info.region_codes, (std::vector<std::string>{"R0", "R1", "R2"}));
  EXPECT_EQ(info.months.size(), static_cast<std::size_t>(M));
  EXPECT_EQ(info.months.front(), "2021-01");
  EXPECT_TRUE(info.has_trajectories);
  EXPECT_EQ(reader.resolved_toml(), scenario.resolved_toml);

  // The layout itself, read raw: what docs/hdf5-format.md promises.
  const hdf5::File file = hdf5::File::open_read_only(target);
  EXPECT_EQ(file.string_attribute("filetype"), "fnesim-results");
  EXPECT_EQ(read<std::int64_t>(file, "regions/available_cents"),
            (std::vector<std::int64_t>{scenario.convention.available(0), scenario.convention.available(1),
                                       scenario.convention.available(2)}));
  const auto committed = read<std::int64_t>(file, "replications/committed_cents");
  const auto unmet = read<std::int64_t>(file, "replications/unmet_cents");
  const auto trainees = read<std::int64_t>(file, "replications/trainees_unmet");
  const auto days = read<std::int32_t>(file, "replications/exhaustion_day");
  const auto national_needed = read<std::int64_t>(file, "replications/national/additional_needed_cents");
  const auto national_day = read<std::int32_t>(file, "replications/national/additional_needed_day");
  const auto commitments = read<std::int64_t>(file, "trajectories/monthly_commitments_cents");
  const auto payments = read<std::int64_t>(file, "trajectories/monthly_payments_cents");
  EXPECT_EQ(file.open_dataset("replications/committed_cents").shape(), (std::vector<hsize_t>{45, 3}));
  EXPECT_EQ(file.open_dataset("trajectories/monthly_payments_cents").shape(),
            (std::vector<hsize_t>{45, 3, static_cast<hsize_t>(M)}));
  int exhausted = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    for (int r = 0; r < R; ++r) {
      const RegionOutcome& o = outcomes[i].regions[static_cast<std::size_t>(r)];
      const std::size_t at = i * static_cast<std::size_t>(R) + static_cast<std::size_t>(r);
      ASSERT_EQ(committed[at], o.committed) << i << ' ' << r;
      ASSERT_EQ(unmet[at], o.unmet);
      ASSERT_EQ(trainees[at], o.trainees_unmet);
      ASSERT_EQ(days[at], o.exhaustion_day);
      exhausted += o.exhaustion_day != never_exhausted;
    }
    ASSERT_EQ(national_needed[i], outcomes[i].national.additional_needed);
    ASSERT_EQ(national_day[i], outcomes[i].national.additional_needed_day);
    const std::size_t row = i * static_cast<std::size_t>(R * M);
    ASSERT_TRUE(std::equal(outcomes[i].monthly_commitments.begin(), outcomes[i].monthly_commitments.end(),
                           commitments.begin() + static_cast<std::ptrdiff_t>(row)));
    ASSERT_TRUE(std::equal(outcomes[i].monthly_payments.begin(), outcomes[i].monthly_payments.end(),
                           payments.begin() + static_cast<std::ptrdiff_t>(row)));
  }
  EXPECT_GT(exhausted, 0);  // the -1 sentinel and real days both appear

  // Format 1.2, in every run: the uptake drawn and the dossiers' own variance.
  // Nothing uncertain in the scenario: no /uncertainty.
  EXPECT_FALSE(file.contains("uncertainty"));
  EXPECT_FALSE(info.has_uncertainty);
  EXPECT_FALSE(reader.uncertainty());
  const std::vector<double> uptake = reader.uptake().value();
  const std::vector<double> variance = reader.dossier_variances().value();
  ASSERT_EQ(uptake.size(), outcomes.size() * static_cast<std::size_t>(R));
  ASSERT_EQ(variance.size(), outcomes.size());
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    ASSERT_TRUE(std::equal(outcomes[i].uptake.begin(), outcomes[i].uptake.end(),
                           uptake.begin() + static_cast<std::ptrdiff_t>(i * static_cast<std::size_t>(R))));
    ASSERT_EQ(variance[i], outcomes[i].dossier_variance_eur2);
    ASSERT_GT(variance[i], 0);
  }
  EXPECT_EQ(file.open_dataset("replications/uptake").string_attribute("units"), "factor");
  EXPECT_EQ(file.open_dataset("replications/national/dossier_variance_eur2").string_attribute("units"), "EUR^2");

  // The reader's typed accessors hand out the same values, whole or by blocks.
  EXPECT_EQ(reader.region_values(run_layout::region_field("committed_cents")), committed);
  EXPECT_EQ(reader.exhaustion_days(), days);
  EXPECT_EQ(reader.national_values(run_layout::national_field("additional_needed_cents")), national_needed);
  EXPECT_EQ(reader.additional_needed_days(), national_day);
  EXPECT_EQ(reader.region_fees(), read<std::int64_t>(file, "regions/fees_cents"));
  EXPECT_FALSE(reader.actuals());
  const std::vector<std::int64_t> unmet_block =
      reader.region_values(run_layout::region_field("unmet_cents"), {.first = 40, .count = 3});
  EXPECT_EQ(unmet_block, std::vector<std::int64_t>(unmet.begin() + 40 * R, unmet.begin() + 43 * R));
  EXPECT_EQ(reader.additional_needed_days({.first = 44, .count = std::nullopt}),
            std::vector<std::int32_t>{national_day.back()});
  const MonthlyTrajectories months = reader.trajectories(2, 3);
  ASSERT_EQ(months.payments.size(), static_cast<std::size_t>(45 * R * 3));
  for (std::size_t i = 0; i < 45; ++i)
    for (std::size_t r = 0; r < static_cast<std::size_t>(R); ++r)
      for (std::size_t k = 0; k < 3; ++k) {
        const std::size_t at = (i * static_cast<std::size_t>(R) + r) * static_cast<std::size_t>(M) + 2 + k;
        ASSERT_EQ(months.commitments[(i * static_cast<std::size_t>(R) + r) * 3 + k], commitments[at]);
        ASSERT_EQ(months.payments[(i * static_cast<std::size_t>(R) + r) * 3 + k], payments[at]);
      }
  // A block of replications over every month (the trial reading's extent).
  const MonthlyTrajectories block =
      reader.trajectories(0, static_cast<std::size_t>(M), {.first = 40, .count = 3});
  const auto first_cell = static_cast<std::ptrdiff_t>(40 * R * M),
             cells_in_block = static_cast<std::ptrdiff_t>(3 * R * M);
  EXPECT_EQ(block.commitments, std::vector<std::int64_t>(commitments.begin() + first_cell,
                                                         commitments.begin() + first_cell + cells_in_block));
  EXPECT_EQ(block.payments, std::vector<std::int64_t>(payments.begin() + first_cell,
                                                      payments.begin() + first_cell + cells_in_block));
  EXPECT_THROW(reader.trajectories(0, 1, {.first = 44, .count = 2}), InvariantError);

  // Breakdowns: means over replications of the cells.
  const auto cells = read<double>(file, "breakdowns/committed_mean_cents");
  ASSERT_EQ(cells.size(), static_cast<std::size_t>(R * mix_cell_count));
  for (int r = 0; r < R; ++r) {
    const int cell = mix_cell(SizeClass::From300To1000, Status::APLD, Pathway::Certifying);
    std::int64_t sum = 0;
    for (const auto& o : outcomes)
      sum += o.committed_by_cell[static_cast<std::size_t>(r * mix_cell_count + cell)];
    EXPECT_EQ(cells[static_cast<std::size_t>(r * mix_cell_count + cell)], static_cast<double>(sum) / 45.0);
  }
  EXPECT_EQ(file.open_dataset("breakdowns/status").read_strings()[1], "APLD");

  // The summary comes back exactly: the same JSON, the same table.
  const RunSummary back = reader.summary();
  EXPECT_EQ(summary_json(back), summary_json(summary));
  EXPECT_EQ(render_summary_table(back, {1.25, 2}), render_summary_table(summary, {1.25, 2}));
  EXPECT_EQ(back.regions[1].p_exhausted_by_month_end, summary.regions[1].p_exhausted_by_month_end);
  EXPECT_EQ(back.regions[2].dossiers_ineligible.confidence.high,
            summary.regions[2].dossiers_ineligible.confidence.high);
  EXPECT_EQ(back.national.p_additional_needed.standard_error,
            summary.national.p_additional_needed.standard_error);
}

TEST(RunFile, NoTrajectoriesLeavesTheGroupOut) {
  ScratchDirectory dir;
  const Scenario scenario = testing::simple_scenario(2, 50, 100'000, 3000);
  const Simulator simulator(scenario);
  RunFileOptions options;
  options.trajectories = false;
  {
    RunFileWriter writer(dir / "run.h5", simulator, seed, options);
    run_into(simulator, writer, 10);
  }
  const RunFileReader reader(dir / "run.h5");
  EXPECT_FALSE(reader.info().has_trajectories);
  const hdf5::File file = hdf5::File::open_read_only(dir / "run.h5");
  EXPECT_FALSE(file.contains("trajectories"));
  EXPECT_TRUE(file.contains("replications/paid_cents"));
  EXPECT_TRUE(reader.info().source_files.empty());  // a scenario built in code
}

// A valid file whose root attributes are then amended.
std::filesystem::path amended_run(const ScratchDirectory& dir,
                                  const std::function<void(hdf5::File&)>& amend) {
  static int made = 0;
  const auto path = dir / ("amended-" + std::to_string(++made) + ".h5");
  const Scenario scenario = testing::simple_scenario(1, 20, 100'000, 3000);
  const Simulator simulator(scenario);
  {
    RunFileWriter writer(path, simulator, seed);
    run_into(simulator, writer, 4);
  }
  hdf5::File file = hdf5::File::open_read_write(path);
  amend(file);
  file.close();
  return path;
}

std::string refusal(const std::filesystem::path& path) {
  try {
    RunFileReader reader(path);
    reader.summary();
  } catch (const RunFileError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(RunFile, AMalformedReplicationDatasetIsARunFileErrorNamingItsPath) {
  ScratchDirectory dir;
  auto refusal_of = [](const std::filesystem::path& path,
                       const std::function<void(const RunFileReader&)>& read) {
    // Refused when opened (the shapes and types) or when read (the values).
    try {
      const RunFileReader reader(path);
      read(reader);
    } catch (const RunFileError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const auto missing =
      amended_run(dir, [](hdf5::File& f) { f.open_group("replications").remove("unmet_cents"); });
  EXPECT_THAT(
      refusal_of(missing,
                 [](const RunFileReader& r) { r.region_values(run_layout::region_field("unmet_cents")); }),
      HasSubstr("/replications/unmet_cents: missing"));
  const auto reshaped = amended_run(dir, [](hdf5::File& f) {
    hdf5::Group group = f.open_group("replications");
    group.remove("paid_cents");
    const std::vector<std::int64_t> values(3, 0);
    group.write<std::int64_t>("paid_cents", values, {3}, {});
  });
  EXPECT_THAT(
      refusal_of(reshaped,
                 [](const RunFileReader& r) { r.region_values(run_layout::region_field("paid_cents")); }),
      HasSubstr("/replications/paid_cents: has shape 3, where the format has 4 × 1"));
  const auto late = amended_run(dir, [](hdf5::File& f) {
    hdf5::Group group = f.open_group("replications");
    group.remove("exhaustion_day");
    const std::vector<std::int32_t> days{0, 1, 100'000, -1};
    group.write<std::int32_t>("exhaustion_day", days, {4, 1}, {});
  });
  EXPECT_THAT(refusal_of(late, [](const RunFileReader& r) { r.exhaustion_days(); }),
              HasSubstr("/replications/exhaustion_day: holds a day outside the commitment window"));
}

TEST(RunFile, RefusesAnotherFiletypeAndAnUnknownMajorVersion) {
  ScratchDirectory dir;
  EXPECT_THAT(refusal(amended_run(
                  dir, [](hdf5::File& f) { f.set_string_attribute("filetype", "openmc-statepoint"); })),
              HasSubstr(".h5: is a 'openmc-statepoint' file, not an fnesim results file"));
  EXPECT_THAT(refusal(amended_run(dir,
                                  [](hdf5::File& f) {
                                    const std::int32_t v[] = {2, 0};
                                    f.set_attribute<std::int32_t>("format_version", v);
                                  })),
              HasSubstr(".h5: format version 2.0, but this fnesim reads format 1.x only"));
  // A later minor version only adds things: still readable.
  EXPECT_EQ(refusal(amended_run(dir,
                                [](hdf5::File& f) {
                                  const std::int32_t v[] = {1, 9};
                                  f.set_attribute<std::int32_t>("format_version", v);
                                  f.set_string_attribute("something_new", "ignored");
                                })),
            "accepted");
  // An HDF5 file that is not ours at all.
  {
    hdf5::File other = hdf5::File::create(dir / "other.h5");
    other.close();
  }
  EXPECT_THAT(refusal(dir / "other.h5"),
              HasSubstr("other.h5: not an fnesim results file (no filetype attribute)"));
}

TEST(RunFile, MissingCorruptAndTruncatedFilesAreRunFileErrors) {
  ScratchDirectory dir;
  EXPECT_THAT(refusal(dir / "absent.h5"), HasSubstr("absent.h5: no such file"));
  testing::write_text(dir / "garbage.h5", std::string(4096, 'x'));
  EXPECT_THAT(refusal(dir / "garbage.h5"), HasSubstr("garbage.h5: not an HDF5 file"));
  const auto good = amended_run(dir, [](hdf5::File&) {});
  const std::string bytes = testing::read_text(good);
  testing::write_text(dir / "truncated.h5", bytes.substr(0, bytes.size() / 2));
  EXPECT_THAT(refusal(dir / "truncated.h5"), HasSubstr("truncated.h5"));
  // Whatever the reason, a refusal is an exception, never a crash or an empty summary.
  EXPECT_NE(refusal(dir / "truncated.h5"), "accepted");
  // A documented path missing: the reader names it.
  const auto missing = amended_run(dir, [](hdf5::File& f) {
    ASSERT_EQ(H5Ldelete(f.id(), "summary/regions/unmet_mean_eur", H5P_DEFAULT), 0);
  });
  EXPECT_THAT(refusal(missing), HasSubstr("/summary/regions/unmet_mean_eur: missing"));
}

TEST(RunFile, AFailedWriterLeavesNothingUnderTheTargetName) {
  ScratchDirectory dir;
  const Scenario scenario = testing::simple_scenario(2, 50, 100'000, 3000);
  const Simulator simulator(scenario);
  ReplicationOutcome outcome = simulator.make_outcome();
  auto workspace = simulator.make_workspace();
  simulator.simulate(seed, 0, *workspace, outcome);

  {  // A replication out of order: the writer refuses and removes its temporary at once.
    RunFileWriter writer(dir / "run.h5", simulator, seed);
    writer.consume(0, outcome);
    EXPECT_THROW(writer.consume(5, outcome), OutputError);
    EXPECT_EQ(dir.listing(), "");
    EXPECT_THROW(writer.consume(1, outcome), OutputError);  // and stays failed
    EXPECT_THROW(writer.finish(RunSummary{}, {}), OutputError);
  }
  EXPECT_EQ(dir.listing(), "");
  {  // A summary that does not describe what was written.
    RunFileWriter writer(dir / "run.h5", simulator, seed);
    writer.consume(0, outcome);
    RunSummary wrong;
    wrong.replications = 3;
    EXPECT_THAT([&] { writer.finish(wrong, {}); },
                ::testing::ThrowsMessage<OutputError>(
                    HasSubstr("the summary covers 3 replications but 1 were written")));
  }
  EXPECT_EQ(dir.listing(), "");
  {  // Never finished (an exception elsewhere, a precision failure): the destructor cleans up.
    RunFileWriter writer(dir / "run.h5", simulator, seed);
    writer.consume(0, outcome);
    EXPECT_EQ(dir.listing(), writer.temporary().filename().string());
  }
  EXPECT_EQ(dir.listing(), "");
  {
    RunFileWriter writer(dir / "run.h5", simulator, seed);
    writer.abandon();
    EXPECT_EQ(dir.listing(), "");
  }
  // A directory that does not exist: the constructor fails, naming the target.
  EXPECT_THAT([&] { RunFileWriter writer(dir / "missing" / "run.h5", simulator, seed); },
              ::testing::ThrowsMessage<OutputError>(HasSubstr("run.h5: cannot write the run file")));
}

TEST(RunFile, AnInterruptedRunLeavesNothing) {
  ScratchDirectory dir;
  const Scenario scenario = testing::simple_scenario(2, 50, 100'000, 3000);
  const Simulator simulator(scenario);
  std::atomic<bool> stop{false};
  RunControl control;
  control.seed = seed;
  control.threads = 1;
  control.stop_requested = &stop;
  control.on_progress = [&](std::int64_t done, std::int64_t) {
    if (done >= 64) stop = true;  // as the SIGINT handler does, between blocks
  };
  {
    RunFileWriter writer(dir / "run.h5", simulator, seed);
    RunStatistics statistics(simulator);
    ReplicationSink* sinks[] = {&statistics, &writer};
    const RunReport report = run_replications(simulator, 0, 10'000, control, sinks);
    ASSERT_TRUE(report.interrupted);
    EXPECT_GT(writer.replications_consumed(), 0);
    EXPECT_LT(writer.replications_consumed(), 10'000);
    // fnesim run returns here without finish(): the writer goes out of scope.
  }
  EXPECT_EQ(dir.listing(), "");
}

TEST(RunFile, AnExistingTargetIsReplacedOnlyWhenAskedTo) {
  ScratchDirectory dir;
  const auto target = dir / "run.h5";
  testing::write_text(target, "precious");
  const Scenario scenario = testing::simple_scenario(1, 20, 100'000, 3000);
  const Simulator simulator(scenario);
  {
    // check_output_path refuses before the run; should the file appear during
    // the run, the final rename refuses too.
    EXPECT_THROW(check_output_path(target, false), OutputTargetError);
    RunFileWriter writer(target, simulator, seed);
    EXPECT_THROW(run_into(simulator, writer, 4), OutputTargetError);
  }
  EXPECT_EQ(testing::read_text(target), "precious");
  EXPECT_EQ(dir.listing(), "run.h5");
  {
    RunFileOptions options;
    options.overwrite = true;
    RunFileWriter writer(target, simulator, seed, options);
    run_into(simulator, writer, 4);
  }
  EXPECT_EQ(RunFileReader(target).info().replications, 4);
  EXPECT_EQ(dir.listing(), "run.h5");
}

}  // namespace
}  // namespace fnesim
