// `fnesim bench`: what a replication costs, against the cost of its random
// numbers alone (the floor), at one thread and at all cores — measured in the
// same process, interleaved, so that the ratios survive a noisy machine.
#include <omp.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <filesystem>
#include <string>
#include <iostream>
#include <memory>
#include <vector>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/run_file.hpp"
#include "sim/bytes.hpp"
#include "sim/parallel.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/simulator.hpp"

namespace fnesim::cli {
namespace {

struct BenchOptions {
  std::string scenario = "reference-r1";
  std::int64_t replications = 2000;
  int rounds = 3;
  std::int64_t default_replications = 4'000;
  bool skip_default = false;
};

using Clock = std::chrono::steady_clock;

// Where the floor's checksum goes, so that the optimiser cannot drop the draws.
volatile double floor_checksum_sink = 0;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Full replications, outcomes discarded: the simulation's own cost.
double time_simulation(const Simulator& simulator, std::int64_t replications, int threads,
                       std::int64_t* dossiers) {
  std::vector<std::unique_ptr<Workspace, void (*)(Workspace*)>> workspaces;
  std::vector<ReplicationOutcome> outcomes;
  for (int t = 0; t < threads; ++t) {
    workspaces.push_back(simulator.make_workspace());
    outcomes.push_back(simulator.make_outcome());
  }
  std::int64_t filed = 0;
  const auto start = Clock::now();
  ParallelErrors errors;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 8) reduction(+ : filed)
  for (std::int64_t rep = 0; rep < replications; ++rep) {
    errors.run(rep, [&] {
      const auto t = static_cast<std::size_t>(omp_get_thread_num());
      simulator.simulate(1, rep, *workspaces[t], outcomes[t]);
      for (const RegionOutcome& r : outcomes[t].regions)
        filed += r.dossiers_committed + r.dossiers_unmet + r.dossiers_ineligible;
    });
  }
  errors.rethrow();
  const double elapsed = seconds_since(start);
  *dossiers = filed;
  return elapsed;
}

// The same variates from the same engines, nothing else.
double time_floor(const Simulator& simulator, std::int64_t replications, int threads) {
  std::vector<std::unique_ptr<Workspace, void (*)(Workspace*)>> workspaces;
  for (int t = 0; t < threads; ++t) workspaces.push_back(simulator.make_workspace());
  double checksum = 0;
  const auto start = Clock::now();
  ParallelErrors errors;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 8) reduction(+ : checksum)
  for (std::int64_t rep = 0; rep < replications; ++rep)
    errors.run(rep, [&] {
      checksum +=
          simulator.draw_variates_only(1, rep, *workspaces[static_cast<std::size_t>(omp_get_thread_num())]);
    });
  errors.rethrow();
  const double elapsed = seconds_since(start);
  floor_checksum_sink = checksum;
  return elapsed;
}

extern "C" char** environ;

// The bare floor (bench/r1_floor.cpp, the shared benchmark as it is) for
// `replications` replications at one thread: its own figure in µs per
// replication, or nothing when it was not built or did not run. Started
// directly, no shell.
std::optional<double> time_bare_floor(std::int64_t replications) {
#ifdef FNESIM_R1_FLOOR
  const std::string program = FNESIM_R1_FLOOR;
  if (!std::filesystem::exists(program)) return std::nullopt;
  int pipe_ends[2];
  if (::pipe(pipe_ends) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
  std::string count = std::to_string(replications);
  char* argv[] = {const_cast<char*>(program.c_str()), count.data(), nullptr};
  pid_t child = 0;
  const int spawned = posix_spawn(&child, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_ends[1]);
  std::string output;
  char buffer[512];
  for (ssize_t got; (got = ::read(pipe_ends[0], buffer, sizeof buffer)) > 0;) output.append(buffer, static_cast<std::size_t>(got));
  ::close(pipe_ends[0]);
  if (spawned != 0) return std::nullopt;
  int status = 0;
  if (::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  // "reps=N dossiers/rep=D  X us/rep  ..."
  const std::size_t unit = output.find(" us/rep");
  if (unit == std::string::npos) return std::nullopt;
  const std::size_t start = output.rfind(' ', unit - 1);
  try {
    return std::stod(output.substr(start + 1, unit - start - 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
#else
  (void)replications;
  return std::nullopt;
#endif
}

// The serial part of a cluster run (docs/cluster.md): per replication, the
// bytes sent to every rank, and the time to read them back, to feed the
// statistics (every rank) and to write the run file, with and without
// trajectories (rank 0) — on one thread, `replications` times over a few
// hundred distinct outcomes.
void time_consumers(const Simulator& simulator, std::uint64_t seed, std::int64_t replications) {
  const std::int64_t distinct = std::min<std::int64_t>(replications, 256);
  std::vector<ReplicationOutcome> outcomes;
  std::vector<Bytes> messages(static_cast<std::size_t>(distinct));
  const auto workspace = simulator.make_workspace();
  for (std::int64_t i = 0; i < distinct; ++i) {
    outcomes.push_back(simulator.make_outcome());
    simulator.simulate(seed, i, *workspace, outcomes.back());
    ByteWriter writer(messages[static_cast<std::size_t>(i)]);
    append_outcome(outcomes.back(), writer);
  }
  const auto outcome = [&](std::int64_t i) -> const ReplicationOutcome& {
    return outcomes[static_cast<std::size_t>(i % distinct)];
  };
  const double per_rep = 1e6 / static_cast<double>(replications);

  auto start = Clock::now();
  ReplicationOutcome received = simulator.make_outcome();
  for (std::int64_t i = 0; i < replications; ++i) {
    ByteReader reader(messages[static_cast<std::size_t>(i % distinct)]);
    read_outcome(reader, received);
  }
  const double reading = seconds_since(start) * per_rep;
  start = Clock::now();
  RunStatistics statistics(simulator);
  for (std::int64_t i = 0; i < replications; ++i) statistics.consume(i, outcome(i));
  const double statistics_us = seconds_since(start) * per_rep;
  double writer_us[2] = {0, 0};
  for (const bool trajectories : {false, true}) {
    // Never finished: the writer's destructor removes its temporary file.
    const auto target = std::filesystem::temp_directory_path() /
                        ("fnesim-bench-" + std::to_string(::getpid()) + ".h5");
    RunFileOptions file_options;
    file_options.trajectories = trajectories;
    start = Clock::now();
    RunFileWriter writer(target, simulator, seed, file_options);
    for (std::int64_t i = 0; i < replications; ++i) writer.consume(i, outcome(i));
    writer_us[trajectories] = seconds_since(start) * per_rep;
  }
  std::printf("\nA cluster run's serial part, per replication (docs/cluster.md):\n");
  std::printf("  bytes sent to every rank:                  %8zu\n", messages.front().size());
  std::printf("  read back from bytes:                      %8.1f us\n", reading);
  std::printf("  statistics (every rank):                   %8.1f us\n", statistics_us);
  std::printf("  run file, no trajectories (rank 0):        %8.1f us\n", writer_us[0]);
  std::printf("  run file, with trajectories (rank 0):      %8.1f us\n", writer_us[1]);
}

int bench_command(const BenchOptions& options) {
  const Scenario scenario = load_scenario_or_default(options.scenario);
  const Simulator simulator(scenario);
  const int cores = resolve_thread_count(0);
  const std::int64_t n = options.replications;
  std::printf(
      "fnesim bench: %s, %lld replications per measurement, best of %d interleaved rounds, %d cores\n\n",
      scenario.name.c_str(), static_cast<long long>(n), options.rounds, cores);

  double best_floor_1 = 1e300, best_full_1 = 1e300, best_floor_all = 1e300, best_full_all = 1e300;
  std::optional<double> best_bare_us;  // the shared bare floor, µs per replication
  std::int64_t dossiers = 0;
  for (int round = 0; round < options.rounds; ++round) {
    if (const auto bare = time_bare_floor(n)) best_bare_us = std::min(best_bare_us.value_or(1e300), *bare);
    best_floor_1 = std::min(best_floor_1, time_floor(simulator, n, 1));
    best_full_1 = std::min(best_full_1, time_simulation(simulator, n, 1, &dossiers));
    best_floor_all = std::min(best_floor_all, time_floor(simulator, n, cores));
    best_full_all = std::min(best_full_all, time_simulation(simulator, n, cores, &dossiers));
  }
  const double per_rep = 1e6 / static_cast<double>(n);
  std::printf("%-34s %14s %16s\n", "measurement", "us/replication", "dossiers/s");
  auto line = [&](const char* what, double seconds) {
    std::printf("%-34s %14.1f %16.0f\n", what, seconds * per_rep, static_cast<double>(dossiers) / seconds);
  };
  line("floor (random variates), 1 thread", best_floor_1);
  line("simulation, 1 thread", best_full_1);
  line("floor, all cores", best_floor_all);
  line("simulation, all cores", best_full_all);
  std::printf("\ndossiers per replication: %.1f\n", static_cast<double>(dossiers) / static_cast<double>(n));
  std::printf("simulation / floor, 1 thread:     %.3f  (target <= 1.3)\n", best_full_1 / best_floor_1);
  std::printf("simulation / floor, all cores:    %.3f\n", best_full_all / best_floor_all);
  std::printf("speed-up, %d threads vs 1:         %.3f  (target >= 1.85 on 2 cores)\n", cores,
              best_full_1 / best_full_all);
  // The bare floor: R1's variates drawn with Boost.Random and nothing else
  // (bench/r1_floor.cpp, -O3 -march=native), in the same rounds.
  if (best_bare_us) {
    std::printf("\nbare floor (bench/r1_floor.cpp), 1 thread: %8.1f us/replication\n", *best_bare_us);
    if (scenario.name == "reference-r1")
      std::printf("simulation / bare floor, 1 thread: %.3f  (target <= 1.0)\n", best_full_1 * per_rep / *best_bare_us);
  } else {
    std::printf("\nbare floor: not measured (fnesim-r1-floor was not built beside this binary)\n");
  }
  time_consumers(simulator, scenario.run.seed, n);

  if (!options.skip_default) {
    // The planner's case: the default scenario, every statistic accumulated,
    // at one thread (the yardstick) and at all cores.
    const Scenario convention = load_default_scenario();
    const Simulator default_simulator(convention);
    const auto time_default = [&](int threads) {
      RunStatistics statistics(default_simulator);
      ReplicationSink* sinks[] = {&statistics};
      RunControl control;
      control.seed = convention.run.seed;
      control.threads = threads;
      const auto start = Clock::now();
      run_replications(default_simulator, 0, options.default_replications, control, sinks);
      return seconds_since(start);
    };
    const double one_thread = time_default(1), all_cores = time_default(cores);
    std::printf("\n%s, %lld replications, with statistics:\n", convention.name.c_str(),
                static_cast<long long>(options.default_replications));
    std::printf("  1 thread:  %.2f s, %.3f ms/replication  (target <= 1.3)\n", one_thread,
                one_thread * 1e3 / static_cast<double>(options.default_replications));
    std::printf("  all cores: %.2f s\n", all_cores);
  }
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak resident memory: %.1f MiB\n", usage.ru_maxrss / 1024.0);
  return exit_ok;
}

}  // namespace

void register_bench(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* bench = app.add_subcommand("bench",
                                       "Measure the cost of a replication against the floor of drawing its "
                                       "random numbers (docs/performance.md)");
  bench->add_option("scenario", options->scenario, "Scenario to measure (default: reference-r1)");
  bench->add_option("-n,--replications", options->replications, "Replications per measurement")
      ->transform(whole_number_option)
      ->check(CLI::Range(std::int64_t{10}, std::int64_t{100'000'000}));
  bench->add_option("--rounds", options->rounds, "Interleaved rounds; the best of each is kept")
      ->transform(whole_number_option)
      ->check(CLI::Range(1, 100));
  bench
      ->add_option("--default-replications", options->default_replications,
                   "Replications of the default scenario for the planner's timing")
      ->transform(whole_number_option)
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000'000}));
  bench->add_flag("--skip-default", options->skip_default, "Do not time the default scenario");
  bench->callback([options, &exit_code] { exit_code = bench_command(*options); });
}

}  // namespace fnesim::cli
