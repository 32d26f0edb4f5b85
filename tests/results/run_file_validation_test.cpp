// What RunFileReader checks on open (docs/hdf5-format.md, "What readers
// check on open"): one test per kind of inconsistency, each refused as a
// RunFileError naming the file and the path inside it; damaged bytes of any
// kind refused, never a crash; and every reading command refusing the same
// file with exit status 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "results/hdf5.hpp"
#include "results/run_file.hpp"
#include "results/run_file_layout.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "support/command.hpp"
#include "support/test_files.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::ScratchDirectory;

constexpr std::int64_t replications = 6;

// A fresh run file of a small scenario (2 regions, 6 replications).
std::filesystem::path fresh_run(const std::filesystem::path& path) {
  const Scenario scenario = testing::simple_scenario(2, 20, 100'000, 3000);
  const Simulator simulator(scenario);
  RunFileWriter writer(path, simulator, 5);
  RunStatistics statistics(simulator);
  std::vector<ReplicationSink*> sinks{&statistics, &writer};
  RunControl control;
  control.seed = 5;
  control.threads = 1;
  run_replications(simulator, 0, replications, control, sinks);
  writer.finish(summarise(simulator, statistics, 5), {0.5, 1});
  return path;
}

// A fresh run file, then amended through the HDF5 layer.
std::filesystem::path amended(const ScratchDirectory& dir, const std::function<void(hdf5::File&)>& amend) {
  static int made = 0;
  const auto path = fresh_run(dir / ("run-" + std::to_string(++made) + ".h5"));
  hdf5::File file = hdf5::File::open_read_write(path);
  amend(file);
  file.close();
  return path;
}

// What opening and reading everything says: "accepted", or the refusal.
std::string refusal(const std::filesystem::path& path) {
  try {
    read_run_file_completely(path);
  } catch (const RunFileError& e) {
    return e.what();
  }
  return "accepted";
}

// Replaces dataset `name` of `group` by `values` of `shape`.
template <typename T>
void replace(hdf5::File& file, const std::string& group, const std::string& name,
             const std::vector<T>& values, const std::vector<hsize_t>& shape) {
  hdf5::Group g = file.open_group(group);
  g.remove(name);
  g.write<T>(name, values, shape, {});
}

// As the commands read a file: first whole in a child with a time limit (a
// damaged file can make the HDF5 library loop, as one of the damaged files
// below does in H5HG_read), then here.
std::string refusal_as_commands_read(const std::filesystem::path& path) {
  try {
    const RunFileReader trial(path);
    read_run_file_completely(path);
  } catch (const RunFileError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(RunFileValidation, AFreshRunFileIsReadWhole) {
  ScratchDirectory dir;
  EXPECT_EQ(refusal(fresh_run(dir / "run.h5")), "accepted");
  const RunFileReader reader(dir / "run.h5");
  EXPECT_EQ(reader.info().replications, replications);
  EXPECT_EQ(reader.summary().replications, replications);
}

TEST(RunFileValidation, AReplicationCountDisagreeingWithTheRowsIsRefused) {
  ScratchDirectory dir;
  for (std::int64_t n : {std::int64_t{-5}, std::int64_t{0}, replications + 1, std::int64_t{1} << 40}) {
    const auto path = amended(dir, [&](hdf5::File& f) { f.set_attribute<std::int64_t>("replications", n); });
    EXPECT_THAT(refusal(path), AllOf(HasSubstr(path.string() +
                                               ": /replications/exhaustion_day: attribute "
                                               "'replications' = " +
                                               std::to_string(n) + " disagrees with the dataset's 6 rows")));
  }
}

TEST(RunFileValidation, AReplicationDatasetWithOtherRowsIsRefused) {
  ScratchDirectory dir;
  const auto path = amended(dir, [](hdf5::File& f) {
    replace<std::int64_t>(f, "replications/national", "unmet_cents", std::vector<std::int64_t>(4, 0), {4});
  });
  EXPECT_THAT(refusal(path), HasSubstr(": /replications/national/unmet_cents: attribute 'replications' = 6 "
                                       "disagrees with the dataset's 4 entries"));
}

TEST(RunFileValidation, AWindowOutOfBoundsOrPastTheCalendarIsRefused) {
  ScratchDirectory dir;
  for (std::int32_t days : {-3, 0, 2'000'000'000}) {
    const auto path =
        amended(dir, [&](hdf5::File& f) { f.set_attribute<std::int32_t>("window_days", days); });
    EXPECT_THAT(refusal(path), HasSubstr(": /: attribute 'window_days' = " + std::to_string(days) +
                                         " is not a day count from 1 to 36525"));
  }
  // Within the bounds, but past the months the file lists.
  const auto late = amended(dir, [](hdf5::File& f) { f.set_attribute<std::int32_t>("window_days", 5000); });
  EXPECT_THAT(refusal(late), AllOf(HasSubstr(": /: attribute 'window_days' = 5000 ends the window on"),
                                   HasSubstr("after the last month of /summary/month")));
}

TEST(RunFileValidation, NaNAndOutOfRangeRatesAreRefused) {
  ScratchDirectory dir;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(refusal(amended(dir, [&](hdf5::File& f) { f.set_attribute<double>("confidence_level", nan); })),
              HasSubstr(": /: attribute 'confidence_level' = nan is not a level between 0 and 1"));
  EXPECT_THAT(refusal(amended(dir, [&](hdf5::File& f) { f.set_attribute<double>("confidence_level", 1.5); })),
              HasSubstr("attribute 'confidence_level' = 1.5"));
  EXPECT_THAT(
      refusal(amended(dir, [&](hdf5::File& f) { f.set_attribute<double>("overcommit_margin", nan); })),
      HasSubstr("attribute 'overcommit_margin' = nan"));
  EXPECT_THAT(
      refusal(amended(dir, [&](hdf5::File& f) { f.set_attribute<double>("run_seconds", -INFINITY); })),
      HasSubstr("attribute 'run_seconds' = -inf is not a duration"));
  EXPECT_THAT(refusal(amended(dir, [](hdf5::File& f) { f.set_attribute<std::int32_t>("threads", -1); })),
              HasSubstr("attribute 'threads' = -1 is negative"));
  EXPECT_THAT(refusal(amended(dir, [](hdf5::File& f) { f.set_string_attribute("exhaustion_policy", "x"); })),
              HasSubstr("attribute 'exhaustion_policy' = 'x' is none of stop, fill and overcommit"));
}

// A summary mean that is not a number, or a probability outside [0, 1], is
// refused rather than shown (P(exhausted) 1.830 in `inspect` and the report).
TEST(RunFileValidation, SummaryMeansThatAreNotNumbersOrProbabilitiesAreRefused) {
  ScratchDirectory dir;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto probability = amended(dir, [](hdf5::File& f) {
    hdf5::Group regions = f.open_group("summary").open_group("regions");
    std::vector<double> p = regions.open_dataset("p_exhausted_mean").read<double>();
    p[0] += 1.5;
    regions.remove("p_exhausted_mean");
    regions.write<double>("p_exhausted_mean", p, {p.size()}, {});
  });
  EXPECT_THAT(refusal(probability),
              HasSubstr("/summary/regions/p_exhausted_mean: holds a mean that is not a probability"));
  const auto not_a_number = amended(dir, [&](hdf5::File& f) {
    hdf5::Group national = f.open_group("summary").open_group("national");
    national.remove("committed_mean_eur");
    national.write_scalar<double>("committed_mean_eur", nan, {});
  });
  EXPECT_THAT(refusal(not_a_number),
              HasSubstr("/summary/national/committed_mean_eur: holds a mean that is not a finite number"));
  // The settlement's and the spread's too, which `inspect` printed as "Paid: nan M€".
  const auto settlement = amended(dir, [&](hdf5::File& f) {
    hdf5::Group group = f.open_group("summary").open_group("settlement");
    std::vector<double> means = group.open_dataset("national_mean").read<double>();
    means[0] = nan;
    group.remove("national_mean");
    group.write<double>("national_mean", means, {means.size()}, {});
  });
  EXPECT_THAT(refusal(settlement),
              HasSubstr("/summary/settlement/national_mean: holds a mean that is not a finite number"));
  const auto spread = amended(dir, [&](hdf5::File& f) {
    hdf5::Group group = f.open_group("summary").open_group("spread");
    group.remove("dossiers_share");
    group.write_scalar<double>("dossiers_share", nan, {});
  });
  EXPECT_THAT(refusal(spread),
              HasSubstr("/summary/spread/dossiers_share: holds a share that is not between 0 and 1"));
}

TEST(RunFileValidation, AStringWhereANumberIsExpectedIsRefused) {
  ScratchDirectory dir;
  EXPECT_THAT(refusal(amended(dir, [](hdf5::File& f) { f.set_string_attribute("replications", "6"); })),
              HasSubstr(": /: attribute replications is not an integer but a string"));
  EXPECT_THAT(refusal(amended(dir, [](hdf5::File& f) { f.set_string_attribute("window_days", "365"); })),
              HasSubstr("attribute window_days is not an integer but a string"));
  EXPECT_THAT(
      refusal(amended(dir, [](hdf5::File& f) { f.set_attribute<std::int64_t>("confidence_level", 1); })),
      HasSubstr("attribute confidence_level is not a floating-point number"));
}

TEST(RunFileValidation, MismatchedRegionCountsAreRefused) {
  ScratchDirectory dir;
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                const std::vector<std::string> names{"Only one"};
                                f.open_group("regions").remove("name");
                                f.open_group("regions").write_strings("name", names, {});
                              })),
              HasSubstr(": /regions/name: lists 1 names for the 2 regions of /regions/code"));
  EXPECT_THAT(
      refusal(amended(dir,
                      [](hdf5::File& f) {
                        replace<std::int64_t>(f, "regions", "envelope_cents", {1, 2, 3}, {3});
                      })),
      HasSubstr(
          ": /regions/envelope_cents: /regions/code (2 regions) disagrees with the dataset's 3 entries"));
  EXPECT_THAT(
      refusal(amended(dir,
                      [](hdf5::File& f) {
                        replace<std::int64_t>(f, "replications", "paid_cents",
                                              std::vector<std::int64_t>(replications * 3, 0),
                                              {replications, 3});
                      })),
      HasSubstr(": /replications/paid_cents: /regions/code (2 regions) disagrees with the dataset's 3 "
                "entries along dimension 2"));
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                const std::vector<std::string> codes{"R0", "R0"};
                                f.open_group("regions").remove("code");
                                f.open_group("regions").write_strings("code", codes, {});
                              })),
              HasSubstr(": /regions/code: lists 'R0' twice"));
}

TEST(RunFileValidation, ADatasetOfTheWrongTypeOrRankIsRefused) {
  ScratchDirectory dir;
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                replace<double>(f, "replications", "unmet_cents",
                                                std::vector<double>(replications * 2, 0), {replications, 2});
                              })),
              HasSubstr(": /replications/unmet_cents: does not hold integers, as the format has it"));
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                replace<std::int64_t>(f, "replications", "unmet_cents",
                                                      std::vector<std::int64_t>(replications * 2, 0),
                                                      {replications, 2, 1});
                              })),
              HasSubstr(": /replications/unmet_cents: has shape 6 × 2 × 1, where the format has 6 × 2"));
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                replace<std::int64_t>(f, "replications", "exhaustion_day",
                                                      std::vector<std::int64_t>(replications * 2, 0),
                                                      {replications, 2});
                              })),
              HasSubstr(": /replications/exhaustion_day: holds values wider than the format's 32 bits"));
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                f.open_group("scenario").remove("resolved_toml");
                                f.open_group("scenario").write_scalar<std::int32_t>("resolved_toml", 5, {});
                              })),
              HasSubstr(": /scenario/resolved_toml: does not hold strings"));
}

TEST(RunFileValidation, ADatasetClaimingMoreThanItStoresIsRefusedBeforeAllocating) {
  ScratchDirectory dir;
  // A billion rows in a file of a few kilobytes: chunks never written.
  const auto path = amended(dir, [](hdf5::File& f) {
    const hsize_t rows = 1'000'000'000;
    hdf5::Group group = f.open_group("replications");
    group.remove("exhaustion_day");
    hdf5::Dataset days = group.create_extendible<std::int32_t>("exhaustion_day", {2}, 256, 4, {});
    const hsize_t extent[] = {rows, 2};
    ASSERT_GE(H5Dset_extent(days.id(), extent), 0);
    days.close();
    f.set_attribute<std::int64_t>("replications", static_cast<std::int64_t>(rows));
  });
  EXPECT_THAT(refusal(path),
              AllOf(HasSubstr(": /replications/exhaustion_day: claims a shape of 1000000000 × 2"),
                    HasSubstr("but stores only 0 bytes")));
}

TEST(RunFileValidation, ALinkToAnotherFileIsRefused) {
  ScratchDirectory dir;
  const auto other = fresh_run(dir / "other.h5");
  const auto path = amended(dir, [&](hdf5::File& f) {
    f.open_group("summary").remove("month");
    ASSERT_GE(H5Lcreate_external(other.c_str(), "/summary/month", f.open_group("summary").id(), "month",
                                 H5P_DEFAULT, H5P_DEFAULT),
              0);
  });
  EXPECT_THAT(refusal(path), HasSubstr(": /summary/month: is a soft or external link"));
}

TEST(RunFileValidation, SummaryDaysOutsideTheWindowAreRefused) {
  ScratchDirectory dir;
  EXPECT_THAT(
      refusal(amended(dir,
                      [](hdf5::File& f) {
                        replace<std::int32_t>(f, "summary/regions", "exhaustion_day_quantiles",
                                              std::vector<std::int32_t>(14, 1'000'000), {2, 7});
                      })),
      HasSubstr(": /summary/regions/exhaustion_day_quantiles: holds a day outside the commitment window"));
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                replace<std::int32_t>(f, "summary/national",
                                                      "additional_needed_day_quantiles",
                                                      std::vector<std::int32_t>(7, -7), {7});
                              })),
              HasSubstr("additional_needed_day_quantiles: holds a day outside the commitment window"));
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                const auto months = f.open_dataset("summary/month").read_strings();
                                replace<double>(f, "summary/regions", "p_exhausted_by_month_end",
                                                std::vector<double>(2 * months.size(), NAN),
                                                {2, months.size()});
                              })),
              HasSubstr("p_exhausted_by_month_end: holds a value that is not a probability"));
}

TEST(RunFileValidation, MonthsNotFollowingTheCommitmentStartAreRefused) {
  ScratchDirectory dir;
  EXPECT_THAT(
      refusal(amended(dir, [](hdf5::File& f) { f.set_string_attribute("commitment_start", "2031-01-01"); })),
      HasSubstr(": /summary/month: entry 0 is '2021-01', where the months from the commitment start "
                "(2031-01-01) have 2031-01"));
  EXPECT_THAT(refusal(amended(dir,
                              [](hdf5::File& f) {
                                const std::vector<std::string> none;
                                f.open_group("summary").remove("month");
                                f.open_group("summary").write_strings("month", none, {});
                              })),
              HasSubstr(": /summary/month: lists no month"));
}

TEST(RunFileValidation, DamagedBytesAreRefusedNeverACrash) {
  ScratchDirectory dir;
  const std::string bytes = testing::read_text(fresh_run(dir / "good.h5"));
  testing::write_text(dir / "empty.h5", "");
  EXPECT_THAT(refusal(dir / "empty.h5"), HasSubstr("empty.h5: not an HDF5 file"));
  std::mt19937_64 engine(2021);
  std::string noise(20'000, '\0');
  for (char& c : noise) c = static_cast<char>(engine());
  testing::write_text(dir / "noise.h5", noise);
  EXPECT_THAT(refusal(dir / "noise.h5"), HasSubstr("noise.h5: not an HDF5 file"));
  {
    hdf5::File other = hdf5::File::create(dir / "foreign.h5");
    std::vector<std::int64_t> values{1, 2, 3};
    other.write<std::int64_t>("x", values, {3}, {});
    other.set_string_attribute("filetype", "something-else");
    other.close();
  }
  EXPECT_THAT(refusal(dir / "foreign.h5"), HasSubstr("foreign.h5: is a 'something-else' file"));
  // Every prefix, at many cut points: refused, and by a RunFileError naming the file.
  for (std::size_t cut = 0; cut < bytes.size(); cut += bytes.size() / 40 + 1) {
    testing::write_text(dir / "cut.h5", bytes.substr(0, cut));
    EXPECT_THAT(refusal(dir / "cut.h5"), HasSubstr("cut.h5: ")) << "cut at " << cut;
  }
  // Bytes overwritten here and there: read or refused, nothing else.
  for (int trial = 0; trial < 60; ++trial) {
    std::string damaged = bytes;
    for (int k = 0; k < 4; ++k) damaged[engine() % damaged.size()] = static_cast<char>(engine());
    testing::write_text(dir / "damaged.h5", damaged);
    const std::string outcome = refusal_as_commands_read(dir / "damaged.h5");
    EXPECT_TRUE(outcome == "accepted" || outcome.find("damaged.h5") != std::string::npos) << outcome;
  }
}

// ---- Every reading command, on the same damaged files -------------------------------

// `fnesim <command> FILE…` for every command that opens a run file.
std::vector<std::string> reading_commands(const std::filesystem::path& good, const std::filesystem::path& bad,
                                          const ScratchDirectory& dir) {
  const std::string b = "'" + bad.string() + "'";
  return {"inspect " + b,
          "inspect --scenario " + b,
          "export " + b + " --csv '" + (dir / "csv").string() + "' --summary-json '" +
              (dir / "s.json").string() + "'",
          "recommend " + b,
          "recommend --save " + b,
          "compare '" + good.string() + "' " + b,
          "compare " + b + " '" + good.string() + "'",
          "report " + b + " --output '" + (dir / "report.html").string() + "'"};
}

void expect_every_reader_refuses(const ScratchDirectory& dir, const std::filesystem::path& good,
                                 const std::filesystem::path& bad, const std::string& reason) {
  for (const std::string& command : reading_commands(good, bad, dir)) {
    // Under 2 GB of address space: a refusal, never a huge allocation, an abort or a crash.
    // (AddressSanitizer reserves terabytes of address space: there, no allocation over 2 GB.)
#if defined(__SANITIZE_ADDRESS__)
    const std::string limit = "ASAN_OPTIONS=\"$ASAN_OPTIONS:max_allocation_size_mb=2000:allocator_may_return_null=1\" ";
#else
    const std::string limit = "ulimit -v 2000000; exec ";
#endif
    const testing::CommandResult result = testing::run_fnesim(command, limit);
    EXPECT_EQ(result.exit_code, 2) << command << "\n" << result.err;
    EXPECT_THAT(result.err, HasSubstr(bad.string() + ": ")) << command;
    EXPECT_THAT(result.err, HasSubstr(reason)) << command;
    EXPECT_EQ(result.out, "") << command;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "report.html"));
  EXPECT_FALSE(std::filesystem::exists(dir / "s.json"));
}

// HDF5 1.10 follows a variable-length string into its heap without bounds
// checks (results/hdf5_global_heap.cpp): a heap object's size, or a string's
// length in a dataset's raw data, damaged there made it copy past its buffers
// and crash. Both are refused now, naming the file.
TEST(RunFileValidation, DamagedStringHeapsAndLengthsAreRefusedNotFollowed) {
  ScratchDirectory dir;
  const std::string bytes = testing::read_text(fresh_run(dir / "good.h5"));
  // The first object of the first heap collection claims 2^40 bytes.
  const std::size_t heap = bytes.find(std::string_view("GCOL\x01\0\0\0", 8));
  ASSERT_NE(heap, std::string::npos);
  std::string oversized = bytes;
  oversized[heap + 16 + 8 + 5] = '\x01';  // collection header (16), object header: size at 8, byte 5
  testing::write_text(dir / "oversized.h5", oversized);
  EXPECT_THAT(refusal(dir / "oversized.h5"),
              AllOf(HasSubstr("oversized.h5"), HasSubstr("heap object runs past its collection")));
  // The region codes' first string says it is one byte longer than it is.
  haddr_t codes = HADDR_UNDEF;
  {
    const hid_t file = H5Fopen((dir / "good.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    const hid_t dataset = H5Dopen2(file, "regions/code", H5P_DEFAULT);
    ASSERT_GE(dataset, 0);
    codes = H5Dget_offset(dataset);
    H5Dclose(dataset);
    H5Fclose(file);
  }
  ASSERT_NE(codes, HADDR_UNDEF);
  std::string longer = bytes;
  longer[codes] = static_cast<char>(longer[codes] + 1);  // the length, little-endian, first
  testing::write_text(dir / "longer.h5", longer);
  EXPECT_THAT(refusal(dir / "longer.h5"), AllOf(HasSubstr("longer.h5: /regions/code: damaged"),
                                                HasSubstr("length is not its heap object's")));
}

// A damaged layout may keep each month of the trajectories in a chunk of its
// own: the trial reading (RunFileExtent::Ends) must reach a damaged middle
// month, as the whole reading does. Reading the first and last months only, it
// did not.
TEST(RunFileValidation, TheTrialReadingReachesEveryMonthOfTheTrajectories) {
  ScratchDirectory dir;
  haddr_t middle_chunk = 0;  // of the commitments
  hsize_t middle_size = 0;
  const auto path = amended(dir, [&](hdf5::File& f) {
    hdf5::Group group = f.open_group("trajectories");
    const std::size_t months = f.open_dataset("summary/month").read_strings().size();
    for (const char* name : {"monthly_commitments_cents", "monthly_payments_cents"}) {
      const hdf5::Dataset old = group.open_dataset(name);
      const std::vector<hsize_t> shape = old.shape();
      ASSERT_EQ(shape, (std::vector<hsize_t>{replications, 2, months}));
      const std::vector<std::int64_t> values = old.read<std::int64_t>();
      group.remove(name);
      const hsize_t chunk[] = {shape[0], shape[1], 1};  // a month a chunk
      hid_t space = H5Screate_simple(3, shape.data(), nullptr);
      hid_t properties = H5Pcreate(H5P_DATASET_CREATE);
      H5Pset_chunk(properties, 3, chunk);
      H5Pset_deflate(properties, 4);
      hid_t dataset =
          H5Dcreate2(group.id(), name, H5T_STD_I64LE, space, H5P_DEFAULT, properties, H5P_DEFAULT);
      ASSERT_GE(dataset, 0);
      ASSERT_GE(H5Dwrite(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
      const hsize_t middle[] = {0, 0, months / 2};
      unsigned filter_mask = 0;
      haddr_t address = 0;
      hsize_t size = 0;
      ASSERT_GE(H5Dget_chunk_info_by_coord(dataset, middle, &filter_mask, &address, &size), 0);
      if (std::string_view(name) == "monthly_commitments_cents") middle_chunk = address, middle_size = size;
      H5Dclose(dataset);
      H5Pclose(properties);
      H5Sclose(space);
    }
  });
  EXPECT_EQ(refusal(path), "accepted");  // the layout alone is valid
  // The middle month's compressed bytes of the commitments become garbage.
  std::string bytes = testing::read_text(path);
  ASSERT_GT(middle_size, 0u);
  ASSERT_LE(middle_chunk + middle_size, bytes.size());
  for (hsize_t i = 0; i < middle_size; ++i) bytes[middle_chunk + i] = static_cast<char>(0xA5);
  testing::write_text(path, bytes);
  EXPECT_THAT(refusal(path), HasSubstr("monthly_commitments_cents"));
  try {
    read_run_file_completely(path, RunFileExtent::Ends);
    ADD_FAILURE() << "the trial reading accepted a damaged middle month";
  } catch (const RunFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("monthly_commitments_cents"));
  }
}

// Format 1.7 keeps the scenario's warnings; an older file has none to keep.
TEST(RunFileValidation, WarningsAreRequiredFromFormat17Only) {
  ScratchDirectory dir;
  const auto older = amended(dir, [](hdf5::File& f) {
    const std::int32_t version[] = {1, 6};
    f.set_attribute<std::int32_t>("format_version", version);
    f.open_group("scenario").remove("warnings");
  });
  EXPECT_EQ(refusal(older), "accepted");
  EXPECT_TRUE(RunFileReader(older).info().scenario_warnings.empty());
  const auto missing = amended(dir, [](hdf5::File& f) { f.open_group("scenario").remove("warnings"); });
  EXPECT_THAT(refusal(missing), HasSubstr("/scenario/warnings"));
  const auto numbers = amended(dir, [](hdf5::File& f) {
    replace<std::int64_t>(f, "scenario", "warnings", {1, 2}, {2});
  });
  EXPECT_THAT(refusal(numbers), AllOf(HasSubstr("/scenario/warnings"), HasSubstr("not a string")));
}

// Format 1.2 added the spread and the demand's quantiles: a later file
// without them is damaged, and is refused rather than read as a demand without
// spread; an older file has neither.
TEST(RunFileValidation, TheSpreadAndTheDemandQuantilesAreRequiredFromFormat12) {
  ScratchDirectory dir;
  const auto no_spread = amended(dir, [](hdf5::File& f) { f.open_group("summary").remove("spread"); });
  EXPECT_THAT(refusal(no_spread), HasSubstr("/summary: has no spread group, which format 1.2 writes"));
  const auto no_quantiles = amended(dir, [](hdf5::File& f) {
    f.open_group("summary").open_group("national").remove("demand_quantiles_cents");
  });
  EXPECT_THAT(refusal(no_quantiles),
              HasSubstr("/summary/national: has no demand_quantiles_cents, which format 1.2 writes"));
}

// A forecast of the mid-September 2021 position, as `fnesim run` writes it,
// then amended through the HDF5 layer: a file with actuals, their
// prior-predictive check, the national months and the spread split by jumps.
std::filesystem::path forecast_amended(const ScratchDirectory& dir,
                                       const std::function<void(hdf5::File&)>& amend) {
  static int made = 0;
  const auto path = dir / ("forecast-" + std::to_string(++made) + ".h5");
  const auto run =
      testing::run_fnesim("run observed-september-2021 --actuals '" + std::string(FNESIM_SOURCE_DIR) +
                          "/scenarios/actuals/national-2021-09-15.csv' --as-of 2021-09-16 -n 20 -j 1 "
                          "--out '" +
                          path.string() + "'");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  hdf5::File file = hdf5::File::open_read_write(path);
  amend(file);
  file.close();
  return path;
}

// One dataset of the check's table, changed by `change`.
template <typename T>
void amend_check(hdf5::File& f, const std::string& name, const std::function<void(std::vector<T>&)>& change) {
  std::vector<T> values = f.open_dataset("actuals/prior_predictive/" + name).read<T>();
  change(values);
  replace<T>(f, "actuals/prior_predictive", name, values, {values.size()});
}

// The check's table is read whole on open: a verdict its bands do not give
// (the report's script reads `outside` as it stands), a band or a count that
// is not one, rows out of place, and the chance of 0 the year itself rules out.
TEST(RunFileValidation, APriorPredictiveTableAtOddsWithItselfIsRefused) {
  ScratchDirectory dir;
  EXPECT_EQ(refusal(forecast_amended(dir, [](hdf5::File&) {})), "accepted");
  const std::string table = ": /actuals/prior_predictive: ";
  EXPECT_THAT(
      refusal(forecast_amended(
          dir,
          [](hdf5::File& f) { amend_check<std::int32_t>(f, "outside", [](auto& v) { v[0] = 1 - v[0]; }); })),
      AllOf(HasSubstr(table + "row 0 ('2021-01'): 'outside' = "), HasSubstr(", but the observed ")));
  EXPECT_THAT(
      refusal(forecast_amended(
          dir, [](hdf5::File& f) { amend_check<std::int64_t>(f, "observed", [](auto& v) { v[2] = -1; }); })),
      HasSubstr(table + "row 2 ('2021-03'): 'observed' = -1 is not a count"));
  EXPECT_THAT(
      refusal(forecast_amended(dir,
                               [](hdf5::File& f) {
                                 const auto high =
                                     f.open_dataset("actuals/prior_predictive/high").read<std::int64_t>();
                                 amend_check<std::int64_t>(f, "low", [&](auto& v) { v[1] = high[1] + 1; });
                               })),
      AllOf(HasSubstr(table + "row 1 ('2021-02'): [low, high] = ["), HasSubstr("] is not a band of counts")));
  EXPECT_THAT(refusal(forecast_amended(dir,
                                       [](hdf5::File& f) {
                                         amend_check<double>(f, "expected", [](auto& v) {
                                           v[3] = std::numeric_limits<double>::quiet_NaN();
                                         });
                                       })),
              HasSubstr(table + "row 3 ('2021-04'): 'expected' = nan is not a count"));
  // The months together: the last row, labelled with the last month, its count their sum.
  EXPECT_THAT(
      refusal(forecast_amended(
          dir,
          [](hdf5::File& f) { amend_check<std::int32_t>(f, "cumulative", [](auto& v) { v.back() = 0; }); })),
      HasSubstr(table + "row 9 ('2021-09'): 'cumulative' is not 1, where the last row adds up the months"));
  EXPECT_THAT(refusal(forecast_amended(
                  dir,
                  [](hdf5::File& f) {
                    // One more in the total, its band's verdict kept true to it.
                    const auto low = f.open_dataset("actuals/prior_predictive/low").read<std::int64_t>();
                    const auto high = f.open_dataset("actuals/prior_predictive/high").read<std::int64_t>();
                    std::int64_t total = 0;
                    amend_check<std::int64_t>(f, "observed", [&](auto& v) { total = ++v.back(); });
                    amend_check<std::int32_t>(f, "outside", [&](auto& v) {
                      v.back() = total < low.back() || total > high.back() ? 1 : 0;
                    });
                  })),
              HasSubstr("the last row's 'observed' = 4201 is not the months' sum, 4200"));
  EXPECT_THAT(
      refusal(forecast_amended(dir,
                               [](hdf5::File& f) {
                                 std::vector<std::string> months =
                                     f.open_dataset("actuals/prior_predictive/month").read_strings();
                                 months[1] = months[0];
                                 hdf5::Group g = f.open_group("actuals/prior_predictive");
                                 g.remove("month");
                                 g.write_strings("month", months, {});
                               })),
      HasSubstr(table +
                "row 1 ('2021-01'): out of place: the rows from the commitment start (2021-01-01) have "
                "'2021-02' here"));
  EXPECT_THAT(refusal(forecast_amended(
                  dir,
                  [](hdf5::File& f) {
                    f.open_group("actuals/prior_predictive").set_attribute<double>("chance_as_far_off", 0);
                  })),
              HasSubstr(table + "attribute 'chance_as_far_off' = 0 is not a chance in (0, 1]"));
  EXPECT_THAT(
      refusal(
          forecast_amended(dir, [](hdf5::File& f) { f.open_group("actuals").remove("prior_predictive"); })),
      HasSubstr(": /actuals: has no prior_predictive group, which format 1.13 writes with the actuals"));
}

// The rest of a forecast's small tables: the national months each a month of
// the run, once and in order; the spread's split by jumps and its shares of
// variance; the payment days of each replication, as they are read.
TEST(RunFileValidation, AForecastsMonthsSplitsAndPaymentDaysOutOfBoundsAreRefused) {
  ScratchDirectory dir;
  EXPECT_THAT(
      refusal(forecast_amended(dir,
                               [](hdf5::File& f) {
                                 std::vector<std::string> months =
                                     f.open_dataset("replications/national_past/month").read_strings();
                                 months[3] = "1999-01";
                                 hdf5::Group g = f.open_group("replications/national_past");
                                 g.remove("month");
                                 g.write_strings("month", months, {});
                               })),
      HasSubstr(": /replications/national_past/month: entry 3 is '1999-01', not a month of /summary/month"));
  EXPECT_THAT(
      refusal(forecast_amended(dir,
                               [](hdf5::File& f) {
                                 hdf5::Group g = f.open_group("summary/spread");
                                 g.remove("p_additional_needed_with_jumps");
                                 g.write_scalar<double>("p_additional_needed_with_jumps", 7, {});
                               })),
      HasSubstr("/summary/spread/p_additional_needed_with_jumps: holds a value that is not a probability"));
  EXPECT_THAT(
      refusal(forecast_amended(dir,
                               [](hdf5::File& f) {
                                 hdf5::Group g = f.open_group("summary/spread");
                                 const auto with =
                                     g.open_dataset("replications_with_jumps").read_scalar<std::int64_t>();
                                 g.remove("replications_with_jumps");
                                 g.write_scalar<std::int64_t>("replications_with_jumps", with + 1, {});
                               })),
      AllOf(HasSubstr("/summary/spread: splits 20 replications into "), HasSubstr(" with")));
  EXPECT_THAT(
      refusal(forecast_amended(dir,
                               [](hdf5::File& f) {
                                 std::vector<double> r2 =
                                     f.open_dataset("summary/spread/r_squared").read<double>();
                                 ASSERT_FALSE(r2.empty());
                                 r2[0] = std::numeric_limits<double>::quiet_NaN();
                                 replace<double>(f, "summary/spread", "r_squared", r2, {r2.size()});
                               })),
      HasSubstr("/summary/spread/r_squared: holds a share of the variance that is not between 0 and 1"));
  for (const std::string dataset :
       {"replications/last_payment_day", "replications/national/last_payment_day"}) {
    const auto path = forecast_amended(dir, [&](hdf5::File& f) {
      hdf5::Dataset d = f.open_dataset(dataset);
      const std::vector<hsize_t> shape = d.shape();
      std::vector<std::int64_t> days = d.read<std::int64_t>();
      days[0] = 1'000'000'000;
      const auto slash = dataset.rfind('/');
      replace<std::int64_t>(f, dataset.substr(0, slash), dataset.substr(slash + 1), days, shape);
    });
    EXPECT_THAT(refusal(path), HasSubstr(": /" + dataset + ": holds a day outside the run's months"))
        << dataset;
  }
}

// A version that is none is said as such, not as a format to look for.
TEST(RunFileValidation, AFormatVersionBelowOneIsNoVersion) {
  ScratchDirectory dir;
  const auto path = amended(dir, [](hdf5::File& f) {
    const std::vector<std::int32_t> version{-1, 13};
    f.set_attribute<std::int32_t>("format_version", std::span<const std::int32_t>(version));
  });
  EXPECT_THAT(refusal(path),
              HasSubstr("format_version = [-1, 13] is not a format version: majors start at 1"));
}

TEST(CliRunFileValidation, EveryReaderRefusesAReplicationCountDisagreeingWithTheRows) {
  ScratchDirectory dir;
  const auto good = dir / "good.h5";
  ASSERT_EQ(testing::run_fnesim("run -n 20 -j 1 --out '" + good.string() + "'").exit_code, 0);
  const auto bad = dir / "bad.h5";
  std::filesystem::copy_file(good, bad);
  {
    hdf5::File file = hdf5::File::open_read_write(bad);
    file.set_attribute<std::int64_t>("replications", -5);
    file.close();
  }
  expect_every_reader_refuses(dir, good, bad,
                              "attribute 'replications' = -5 disagrees with the dataset's 20 rows");
  // inspect used to print "-5 replications"; the report said the same.
}

TEST(CliRunFileValidation, EveryReaderRefusesAHugeWindowWithoutAllocating) {
  ScratchDirectory dir;
  const auto good = dir / "good.h5";
  ASSERT_EQ(testing::run_fnesim("run -n 20 -j 1 --no-trajectories --out '" + good.string() + "'").exit_code,
            0);
  const auto bad = dir / "window.h5";
  std::filesystem::copy_file(good, bad);
  {
    hdf5::File file = hdf5::File::open_read_write(bad);
    file.set_attribute<std::int32_t>("window_days", 2'000'000'000);
    file.close();
  }
  expect_every_reader_refuses(dir, good, bad, "attribute 'window_days' = 2000000000 is not a day count");
}

TEST(CliRunFileValidation, EveryReaderRefusesADatasetOfTheWrongShape) {
  ScratchDirectory dir;
  const auto good = dir / "good.h5";
  ASSERT_EQ(testing::run_fnesim("run -n 20 -j 1 --no-trajectories --out '" + good.string() + "'").exit_code,
            0);
  const auto bad = dir / "shape.h5";
  std::filesystem::copy_file(good, bad);
  {
    hdf5::File file = hdf5::File::open_read_write(bad);
    hdf5::Group group = file.open_group("replications");
    const std::vector<std::int64_t> values = group.open_dataset("peak_net_demand_cents").read<std::int64_t>();
    group.remove("peak_net_demand_cents");
    group.write<std::int64_t>("peak_net_demand_cents", std::span(values).first(values.size() / 2),
                              {10, values.size() / 20}, {});
    file.close();
  }
  // recommend used to stop here with an uncaught library error.
  expect_every_reader_refuses(
      dir, good, bad,
      "/replications/peak_net_demand_cents: attribute 'replications' = 20 disagrees with "
      "the dataset's 10 rows");
}

TEST(CliRunFileValidation, EveryReaderRefusesTruncatedAndGarbageFiles) {
  ScratchDirectory dir;
  const auto good = dir / "good.h5";
  ASSERT_EQ(testing::run_fnesim("run -n 20 -j 1 --no-trajectories --out '" + good.string() + "'").exit_code,
            0);
  const std::string bytes = testing::read_text(good);
  testing::write_text(dir / "half.h5", bytes.substr(0, bytes.size() / 2));
  expect_every_reader_refuses(dir, good, dir / "half.h5", "corrupt or truncated");
  std::mt19937_64 engine(7);
  std::string noise(50'000, '\0');
  for (char& c : noise) c = static_cast<char>(engine());
  testing::write_text(dir / "noise.h5", noise);
  expect_every_reader_refuses(dir, good, dir / "noise.h5", "not an HDF5 file");
}

}  // namespace
}  // namespace fnesim
