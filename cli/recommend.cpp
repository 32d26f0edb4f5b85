// `fnesim recommend`: the steering committee's recommendation from a run file
// (results/recommendation.hpp) — envelopes for the same total that minimise
// expected unmet demand, or a complementary allocation reaching a
// target probability that no region is exhausted — evaluated by re-running the
// simulation on the run's own random numbers.
#include <iostream>
#include <map>
#include <set>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/analysis/recommendation.hpp"
#include "results/hdf5.hpp"
#include "results/output_file.hpp"
#include "sim/cluster.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::cli {
namespace {

struct RecommendCliOptions {
  std::string file;
  std::vector<std::string> objective{"expected-unmet"};
  std::vector<std::string> min_bounds, max_bounds;  // REGION=EUR
  bool keep_current = false;
  std::string actuals;
  bool json = false;
  bool toml = false;
  bool save = false;
  bool force = false;
  int threads = 0;
};

// Reads REGION=EUR bounds into per-region cents, reporting every bad one.
bool read_bounds(const std::vector<std::string>& items, const char* option, const RunFileInfo& info,
                 std::vector<Cents>& bounds, std::vector<std::string>& problems) {
  bool ok = true;
  std::set<std::string> bounded;  // a region bounded twice: which one was meant?
  for (const std::string& item : items) {
    const std::size_t equals = item.find('=');
    std::string problem = option;
    problem += ' ';
    problem += item;
    if (equals == std::string::npos) {
      problems.push_back(problem + ": expected REGION=EUR, e.g. IDF=25000000");
      ok = false;
      continue;
    }
    const std::string code = item.substr(0, equals);
    const auto region = std::find(info.region_codes.begin(), info.region_codes.end(), code);
    if (region == info.region_codes.end()) {
      std::string known;
      for (const std::string& c : info.region_codes) known += (known.empty() ? "" : ", ") + c;
      problems.push_back(problem + ": no region '" + code + "' in the run (regions: " + known + ")");
      ok = false;
      continue;
    }
    if (!bounded.insert(code).second) {
      problems.push_back(problem + ": " + code + " is bounded by " + option + " twice");
      ok = false;
      continue;
    }
    const auto amount = parse_euros(item.substr(equals + 1));
    if (!amount || *amount < 0) {
      problems.push_back(problem + ": '" + item.substr(equals + 1) + "' is not an amount in EUR");
      ok = false;
      continue;
    }
    if (*amount > 0 && *amount < least_plausible_envelope) {
      // What the planner probably meant, as this option reads it (digits, no exponent).
      const Cents meant = *amount * 1'000'000;
      std::cerr << "fnesim recommend: warning: " << problem << ": " << format_euros(*amount)
                << " EUR is no envelope: amounts are in euros, so " << item.substr(equals + 1)
                << " million is written " << code << '=' << meant / cents_per_euro << '\n';
    }
    bounds[static_cast<std::size_t>(region - info.region_codes.begin())] = *amount;
  }
  return ok;
}

int recommend_command(const RecommendCliOptions& options) {
  const RunFileReader run(options.file);
  // --save replaces the run file by an updated copy: it must be a regular
  // file (a symbolic link would be replaced, not updated). Checked again at the save.
  if (options.save) check_output_target(options.file, true);
  // Said before the re-simulation, not after it (checked again when saving).
  if (options.save && !options.force && hdf5::File::open_read_only(options.file).contains("recommendation"))
    throw UsageError(options.file + " already holds a recommendation; use --force to replace it");
  {
    const RunFileInfo& info = run.info();
    RecommendOptions recommend;
    recommend.threads = options.threads;
    recommend.actuals = options.actuals;
    std::vector<std::string> problems;
    RecommendationRequest& request = recommend.request;
    const std::string& objective = options.objective.front();
    if (objective == "expected-unmet" && options.objective.size() == 1) {
      request.objective = RecommendationObjective::ExpectedUnmet;
    } else if (objective == "target-probability") {
      request.objective = RecommendationObjective::TargetProbability;
      double p = 0;
      std::size_t used = 0;
      try {
        if (options.objective.size() == 2) p = std::stod(options.objective[1], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (options.objective.size() != 2 || used != options.objective[1].size() || !(p > 0 && p < 1))
        problems.push_back("--objective target-probability P: P must be a probability in (0, 1), e.g. 0.9");
      request.target_probability = p;
    } else {
      problems.push_back("--objective: expected 'expected-unmet' or 'target-probability P', found '" +
                         objective + "'");
    }
    const std::size_t R = info.region_codes.size();
    request.min_envelope.assign(R, 0);
    request.max_envelope.assign(R, no_upper_bound);
    if (options.keep_current) {
      const RunSummary summary = run.summary();
      for (std::size_t r = 0; r < R; ++r) request.min_envelope[r] = summary.regions[r].envelope;
    }
    const std::vector<Cents> current_minimum = request.min_envelope;
    read_bounds(options.min_bounds, "--min", info, request.min_envelope, problems);
    read_bounds(options.max_bounds, "--max", info, request.max_envelope, problems);
    for (std::size_t r = 0; r < R; ++r)
      if (request.min_envelope[r] > request.max_envelope[r])
        problems.push_back(
            info.region_codes[r] + ": the minimum, " + format_euros(request.min_envelope[r]) + " EUR (" +
            (request.min_envelope[r] == current_minimum[r] ? "its current envelope, --keep-current"
                                                           : "--min") +
            "), is above --max, " + format_euros(request.max_envelope[r]) + " EUR");
    if (!problems.empty()) {
      for (const std::string& p : problems) std::cerr << "fnesim recommend: " << p << '\n';
      return exit_bad_input;
    }

    // A forecast's observed part is spread over the regions by their envelopes
    // when the actuals are national: a scenario file with the new envelopes
    // would not start from the same books, and would not reproduce "after".
    if (options.toml && run.actuals())
      throw UsageError(
          "--toml: " + options.file +
          " is a forecast from actuals, which a scenario file cannot reproduce (its observed "
          "commitments would be spread by the new envelopes); use --json, or --save for the report");
    const RecommendationReport report = recommend_from_run_file(run, recommend);
    std::cout << (options.json   ? recommendation_json(report)
                  : options.toml ? recommendation_toml(report, options.file, "as-run.toml")
                                 : render_recommendation(report));
    if (options.save && cluster::writes_outputs()) {
      save_recommendation(options.file, report, options.force);
      if (!options.json && !options.toml)
        std::cout << "Recommendation saved in " << options.file << " (/recommendation).\n";
    }
  }
  return exit_ok;
}

}  // namespace

void register_recommend(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RecommendCliOptions>();
  CLI::App* recommend = app.add_subcommand(
      "recommend",
      "Recommend regional envelopes (and a complementary allocation) from a run file, checked by re-running "
      "the simulation on the same random numbers");
  // Not required here: `--objective expected-unmet FILE` (or a one-word
  // "target-probability 0.9" before FILE) gives the file to the option, which
  // takes one or two words; the callback takes it back.
  recommend->add_option("file", options->file, "Run file written by `fnesim run --out`");
  recommend
      ->add_option("--objective", options->objective,
                   "expected-unmet (default): the split of the same total that minimises expected unmet "
                   "demand; target-probability P: a complementary allocation such that no region "
                   "is exhausted before the deadline with probability P")
      ->expected(1, 2)
      ->allow_extra_args(false);
  one_value_an_occurrence(recommend->add_option(
      "--min", options->min_bounds, "Lower bound on a region's envelope, REGION=EUR (repeatable)"));
  one_value_an_occurrence(recommend->add_option(
      "--max", options->max_bounds, "Upper bound on a region's envelope, REGION=EUR (repeatable)"));
  recommend->add_flag("--keep-current", options->keep_current,
                      "No region gets less than its current envelope (only additions)");
  recommend->add_option("--actuals", options->actuals,
                        "For a run from actuals: the same actuals file (checked against the run's record)");
  CLI::Option* json = recommend->add_flag("--json", options->json, "Print the recommendation as JSON");
  recommend
      ->add_flag("--toml", options->toml,
                 "Print the recommended envelopes as a scenario extending the run's (as-run.toml, from "
                 "`fnesim inspect FILE --scenario`), each region's demand pinned as the run had it")
      ->excludes(json);
  CLI::Option* save =
      recommend->add_flag("--save", options->save,
                          "Store the recommendation in the run file (/recommendation), for `fnesim report`");
  recommend->add_flag("--force", options->force, "With --save: replace a recommendation already stored")
      ->needs(save);
  recommend->add_option("-j,--threads", options->threads, "Threads for the re-simulation (0: all cores)")
      ->transform(whole_number_option)
      ->check(CLI::Range(0, max_threads));
  recommend->callback([options, &exit_code] {
    std::vector<std::string>& objective = options->objective;
    // "target-probability 0.9" quoted as one word, or written with '=', is
    // the same request.
    const bool one_word = objective.front().find_first_of(" =") != std::string::npos;
    if (options->file.empty() && objective.size() == 2 &&
        (objective.front() == "expected-unmet" || one_word)) {
      options->file = objective.back();
      objective.pop_back();
    }
    if (one_word && objective.size() == 1) {
      const std::string whole = objective.front();
      const std::size_t cut = whole.find_first_of(" =");
      const std::size_t next = whole.find_first_not_of(" =", cut);
      objective = {whole.substr(0, cut), next == std::string::npos ? std::string() : whole.substr(next)};
    }
    if (options->file.empty()) throw CLI::RequiredError("file");
    exit_code = recommend_command(*options);
  });
}

}  // namespace fnesim::cli
