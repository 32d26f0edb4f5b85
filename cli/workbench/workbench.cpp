#include "cli/workbench/workbench.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "fnesim_version.hpp"
#include "results/actuals_report.hpp"
#include "results/analysis/run_comparison.hpp"
#include "results/csv_export.hpp"
#include "results/json.hpp"
#include "results/output_file.hpp"
#include "results/run_file.hpp"
#include "results/run_summary.hpp"
#include "results/sha256.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/toml_text.hpp"
#include "sim/simulator.hpp"

extern char** environ;

namespace fnesim::workbench {

namespace fs = std::filesystem;

// An actuals file the planner uploaded: kept as text, read against each run's scenario.
struct Workbench::SessionActuals {
  std::string file, text;
  Date last_day;
};

struct Workbench::Run {
  std::string id;
  bool baseline = false;
  std::int64_t replications = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> changed;
  Scenario scenario;
  std::string variant_toml;  // the variant as its TOML file, or the baseline's resolved scenario
  std::optional<SessionActuals> actuals;  // a forecast from them, from `as_of`
  std::optional<Date> as_of;
  std::optional<Date> through;  // the day the actuals' last month stops, when the planner said it
  std::string actuals_report;  // what was learnt from them, as `fnesim run --actuals` prints it
  std::string toml_name = "variant.toml";
  fs::path directory;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> done{0};
  std::atomic<pid_t> report_child{0};  // the report being drawn, stopped with the server
  // Guarded by Workbench::mutex_.
  RunState state = RunState::queued;
  std::string error;
  double seconds = 0;
  std::string summary_json;
  std::vector<std::string> charts, files;
  // One rendering of the report at a time per run (the page may ask for the
  // English charts while the French report is still drawn).
  std::mutex report_mutex;
  std::map<std::string, bool> rendered;  // language → done; guarded by report_mutex
  bool discarded = false;                 // its session ended: draw nothing more; guarded by report_mutex
};

// A scenario as loaded for a session: the parent the variants extend, its
// form, and the directory of its files. Replaced whole by the next load that
// succeeds, so that the form, the parent and the files always agree.
struct Workbench::Loaded {
  Form form;
  Scenario parent;
  fs::path directory;
};

struct Workbench::Session {
  std::string id;
  fs::path directory;
  std::chrono::steady_clock::time_point last_seen;
  std::shared_ptr<const Loaded> loaded;  // guarded by Workbench::mutex_
  std::uint64_t loads = 0;               // names each load's directory; guarded by Workbench::mutex_
  std::optional<SessionActuals> actuals;  // guarded by Workbench::mutex_
  std::vector<std::shared_ptr<Run>> runs;
};

namespace {

// The charts of the report the page shows, in its order (scripts/report.py's CHART_NAMES).
constexpr std::array<std::string_view, 4> page_charts = {"fan_national", "fan_regions", "p_exhausted",
                                                         "additional_needed"};

std::string_view state_name(RunState state) {
  switch (state) {
    case RunState::queued: return "queued";
    case RunState::running: return "running";
    case RunState::charts: return "charts";
    case RunState::done: return "done";
    case RunState::failed: return "failed";
    case RunState::cancelled: return "cancelled";
  }
  return "failed";
}

std::string random_session_id() {
  std::random_device device;  // the kernel's entropy: an id nobody else on the machine can guess
  std::string id;
  static constexpr char hex[] = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    std::uint32_t word = device();
    for (int j = 0; j < 8; ++j, word >>= 4) id += hex[word & 0xF];
  }
  return id;
}

// An uploaded file's name, kept as the planner gave it when it is a plain
// file name with this extension: no directory, no hidden file, nothing a path
// could escape with.
bool plain_file_name(std::string_view name, std::string_view extension) {
  if (name.size() <= extension.size() || name.size() > 100 || !name.ends_with(extension) || name.front() == '.')
    return false;
  for (char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-'))
      return false;
  return name.find("..") == std::string_view::npos;
}

bool plain_toml_name(std::string_view name) { return plain_file_name(name, ".toml"); }

const BuiltinScenario* builtin_file(std::string_view name) {
  for (const BuiltinScenario& builtin : builtin_scenarios())
    if (builtin.file_name == name) return &builtin;
  return nullptr;
}

// What an uploaded scenario may `extends`: a file uploaded with it, or a
// built-in, which may be named without ".toml" as on the command line.
bool extends_allowed(const std::string& target, const std::vector<std::string>& uploaded) {
  if (plain_toml_name(target))
    return builtin_file(target) || std::find(uploaded.begin(), uploaded.end(), target) != uploaded.end();
  return plain_toml_name(target + ".toml") && builtin_file(target + ".toml");
}

// A 400 whose body lists every problem, each with the line `fnesim validate` prints.
Refusal refusal_with(const std::string& message, const std::vector<Diagnostic>& diagnostics) {
  JsonWriter json;
  json.begin_object().field("error", message).end_object();
  std::string body = json.str();
  body.insert(body.rfind('}'), ",\n  \"diagnostics\": " + diagnostics_json(diagnostics));
  return Refusal{400, message, body + "\n"};
}

// From a directory without such a file, `extends = "<built-in>"` is the built-in.
Scenario load_builtin_scenario(const BuiltinScenario& builtin, const fs::path& directory) {
  return load_scenario_text(std::string(builtin.text), "<builtin>/" + std::string(builtin.file_name), directory);
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Refusal{500, "cannot write " + path.filename().string() + " in the session's directory"};
}

// How a child ended: not started (the error posix_spawn gave: the program or
// the directory missing), or its exit status (128 + the signal when killed).
struct ChildExit {
  int spawn_error = 0;
  int status = 0;
};

// Runs argv without a shell in `directory`, its output into `log` (a path
// from there), its id in `child` while it runs.
ChildExit spawn_and_wait(const std::vector<std::string>& arguments, const fs::path& directory,
                         const fs::path& log, std::atomic<pid_t>& running) {
  std::vector<char*> argv;
  for (const std::string& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // Nothing else of the server's: its sockets, and the run files another thread writes.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  pid_t child = 0;
  const int spawned = posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return {spawned, -1};
  running = child;
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  running = 0;
  return {0, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0)};
}

std::string last_line_of(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace

Workbench::Workbench(Limits limits, ReportCommand report, fs::path temporary_root)
    : limits_(limits), report_(std::move(report)) {
  // The report is drawn from the run's directory: its programs by their full paths.
  for (std::string& program : report_.interpreter_and_script) program = fs::absolute(program).string();
  // A directory of this server's own, readable by its user alone.
  std::string pattern = (temporary_root / "fnesim-serve-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a private directory in " + temporary_root.string() + ": " +
                             std::strerror(errno));
  root_ = pattern;
  for (int i = 0; i < limits_.concurrent_runs; ++i) workers_.emplace_back([this] { work(); });
}

Workbench::~Workbench() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, session] : sessions_)
      for (auto& run : session->runs) {
        run->stop = true;
        // A report being drawn stops too (its script removes its temporaries), so that stopping is quick.
        if (const pid_t child = run->report_child; child > 0) kill(child, SIGTERM);
      }
  }
  queue_changed_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

std::string Workbench::info_json() const {
  JsonWriter json;
  json.begin_object().field("version", std::string(version_string));
  json.field("default", std::string(default_scenario_file.substr(0, default_scenario_file.size() - 5)));
  json.key("builtins").begin_array();
  for (const BuiltinScenario& builtin : builtin_scenarios()) {
    std::string description;
    try {
      description = toml::parse(builtin.text)["description"].value_or(std::string());
    } catch (const toml::parse_error&) {
    }
    json.begin_object()
        .field("name", std::string(builtin.file_name.substr(0, builtin.file_name.size() - 5)))
        .field("description", description)
        .end_object();
  }
  json.end_array();
  json.key("limits")
      .begin_object()
      .field("max_replications", limits_.max_replications)
      .field("max_upload_bytes", static_cast<std::int64_t>(limits_.max_upload_bytes))
      .field("max_queued_runs", limits_.max_queued_runs)
      .field("concurrent_runs", limits_.concurrent_runs)
      .field("session_idle_minutes", limits_.session_idle_minutes)
      .end_object();
  json.end_object();
  return json.str() + "\n";
}

std::string Workbench::create_session() {
  auto session = std::make_shared<Session>();
  session->id = random_session_id();
  session->directory = root_ / session->id;
  session->last_seen = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  // Each page is a session: a bound on them bounds the disk a server can be made to use.
  if (static_cast<int>(sessions_.size()) >= limits_.max_sessions)
    throw Refusal{503, std::to_string(sessions_.size()) + " pages are open on this server, its limit: close one"};
  std::error_code ec;
  fs::create_directory(session->directory, ec);
  if (ec) throw Refusal{500, "cannot create the session's directory: " + ec.message()};
  sessions_[session->id] = session;
  return session->id;
}

std::shared_ptr<Workbench::Session> Workbench::session_or_refuse(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(id);
  if (found == sessions_.end()) throw Refusal{404, "this session has ended: reload the page"};
  found->second->last_seen = std::chrono::steady_clock::now();
  return found->second;
}

std::shared_ptr<Workbench::Run> Workbench::run_or_refuse(const Session& session, const std::string& id) const {
  for (const auto& run : session.runs)
    if (run->id == id) return run;
  throw Refusal{404, "no run " + id + " in this session"};
}

void Workbench::discard_session(const std::shared_ptr<Session>& session) {
  // Its runs stop; a running one leaves the queue's worker at its next block.
  std::vector<std::shared_ptr<Run>> runs;
  {
    std::lock_guard lock(mutex_);
    for (auto& run : session->runs) run->stop = true;
    std::erase_if(queue_, [&](const std::shared_ptr<Run>& run) {
      return std::any_of(session->runs.begin(), session->runs.end(),
                         [&](const std::shared_ptr<Run>& own) { return own == run; });
    });
    runs = session->runs;
  }
  // A report being drawn finishes first (the script would create its
  // directories again); none starts after.
  for (const auto& run : runs) {
    std::lock_guard drawing(run->report_mutex);
    run->discarded = true;
  }
  std::error_code ignored;
  fs::remove_all(session->directory, ignored);
}

void Workbench::end_session(const std::string& id) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mutex_);
    const auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    session = found->second;
    sessions_.erase(found);
  }
  discard_session(session);
}

void Workbench::expire_idle_sessions() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Session>> idle;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      const bool busy = std::any_of(it->second->runs.begin(), it->second->runs.end(), [](const auto& run) {
        return run->state == RunState::queued || run->state == RunState::running || run->state == RunState::charts;
      });
      if (!busy && now - it->second->last_seen > std::chrono::minutes(limits_.session_idle_minutes)) {
        idle.push_back(it->second);
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& session : idle) discard_session(session);
}

fs::path Workbench::new_load_directory(Session& session) {
  fs::path directory;
  {
    std::lock_guard lock(mutex_);
    directory = session.directory / ("scenario-" + std::to_string(++session.loads));
  }
  // Not create_directories: a session ended meanwhile has no directory, and gets none back.
  std::error_code ec;
  fs::create_directory(directory, ec);
  if (ec) throw Refusal{404, "this session has ended: reload the page"};
  return directory;
}

std::string Workbench::install(Session& session, Scenario parent, const std::string& parent_file,
                               const fs::path& directory) {
  auto loaded = std::make_shared<Loaded>();
  loaded->form = build_form(parent, parent_file, directory);
  loaded->parent = std::move(parent);
  loaded->directory = directory;
  std::string json = form_json(loaded->form);
  std::shared_ptr<const Loaded> previous;
  {
    std::lock_guard lock(mutex_);
    previous = std::move(session.loaded);
    session.loaded = std::move(loaded);
  }
  std::error_code ignored;
  if (previous) fs::remove_all(previous->directory, ignored);
  return json;
}

std::shared_ptr<const Workbench::Loaded> Workbench::loaded_or_refuse(const Session& session) const {
  std::lock_guard lock(mutex_);
  if (!session.loaded) throw Refusal{409, "load a scenario first"};
  return session.loaded;
}

std::string Workbench::load_builtin(const std::string& session_id, const std::string& name) {
  const auto session = session_or_refuse(session_id);
  const std::string file = name.ends_with(".toml") ? name : name + ".toml";
  const BuiltinScenario* builtin = builtin_file(file);
  if (builtin == nullptr) throw Refusal{404, "no built-in scenario named '" + name + "'"};
  const fs::path directory = new_load_directory(*session);
  return install(*session, load_builtin_scenario(*builtin, directory), file, directory);
}

std::string Workbench::load_upload(const std::string& session_id,
                                   const std::vector<std::pair<std::string, std::string>>& files) {
  const auto session = session_or_refuse(session_id);
  if (files.empty()) throw Refusal{400, "no file was uploaded"};
  std::vector<Diagnostic> problems;
  std::vector<std::string> names;
  for (const auto& [name, text] : files) {
    if (!plain_toml_name(name)) {
      problems.push_back({name, 0, 0, "",
                          "an uploaded scenario's name is a plain file name ending in .toml (letters, digits, '.', "
                          "'_', '-')"});
      continue;
    }
    if (std::find(names.begin(), names.end(), name) != names.end())
      problems.push_back({name, 0, 0, "", "uploaded twice"});
    names.push_back(name);
  }
  // An uploaded scenario extends only the built-ins and the files uploaded
  // with it: the reader would otherwise open any path the text names.
  for (const auto& [name, text] : files) {
    if (!plain_toml_name(name)) continue;
    toml::table table;
    try {
      table = parse_toml(text, name);
    } catch (const toml::parse_error&) {
      continue;  // the reader reports it below, in its own words
    }
    const toml::node* extends = table.get("extends");
    if (extends == nullptr) continue;
    const auto source = extends->source().begin;
    const std::optional<std::string> target = extends->value<std::string>();
    if (!target || !extends_allowed(*target, names))
      problems.push_back({name, static_cast<int>(source.line), static_cast<int>(source.column), "extends",
                          "in the workbench a scenario extends only a built-in scenario or a file uploaded with it "
                          "(by its plain name), found " +
                              (target ? "'" + *target + "'" : std::string("something other than a string"))});
  }
  if (!problems.empty())
    throw refusal_with("the upload was refused", problems);
  // A directory of this upload's own: a refused upload leaves the scenario
  // already loaded as it was, its files included.
  const fs::path directory = new_load_directory(*session);
  std::error_code ignored;
  try {
    for (const auto& [name, text] : files) write_text(directory / name, text);
    Scenario parent = load_scenario_file(directory / files.front().first);
    return install(*session, std::move(parent), files.front().first, directory);
  } catch (const InputError& error) {
    fs::remove_all(directory, ignored);
    std::vector<Diagnostic> diagnostics;
    for (const Diagnostic& d : error.diagnostics()) diagnostics.push_back(as_uploaded(d, directory));
    throw refusal_with("the scenario is not valid", diagnostics);
  } catch (...) {
    fs::remove_all(directory, ignored);
    throw;
  }
}

std::string Workbench::load_actuals(const std::string& session_id, const std::string& file,
                                   const std::string& text) {
  const auto session = session_or_refuse(session_id);
  const auto loaded = loaded_or_refuse(*session);
  // Its name is the one the run records, the file the page downloads and the
  // one its command reads: the planner's, unless it is not plain or is one of
  // the tables the run itself writes beside it.
  const bool own_table = std::any_of(csv_export_names.begin(), csv_export_names.end(),
                                     [&](std::string_view t) { return t == file; });
  const std::string name = plain_file_name(file, ".csv") && !own_table ? file : std::string("actuals.csv");
  Actuals actuals;
  try {
    actuals = parse_actuals(text, name, loaded->parent);
  } catch (const InputError& error) {
    throw refusal_with("the actuals are not valid", error.diagnostics());
  }
  {
    std::lock_guard lock(mutex_);
    session->actuals = SessionActuals{name, text, actuals.last_day};
  }
  JsonWriter json;
  json.begin_object()
      .field("file", name)
      .field("last_day", actuals.last_day.iso())
      .field("rows",
             static_cast<std::int64_t>(actuals.layout == ActualsLayout::Dossiers ? actuals.dossiers.size()
                                                                                 : actuals.months.size()));
  json.key("warnings").begin_array();
  for (const Diagnostic& warning : actuals.warnings) json.value(warning.to_string());
  json.end_array().end_object();
  return json.str() + "\n";
}

void Workbench::drop_actuals(const std::string& session_id) {
  const auto session = session_or_refuse(session_id);
  std::lock_guard lock(mutex_);
  session->actuals.reset();
}

std::string Workbench::validate(const std::string& session_id, const FormValues& values) {
  const auto session = session_or_refuse(session_id);
  const auto loaded = loaded_or_refuse(*session);
  return variant_json(build_variant(loaded->form, values, loaded->directory));
}

std::string Workbench::start_run(const std::string& session_id, const FormValues& values,
                                 std::int64_t replications, std::uint64_t seed, bool baseline,
                                 const std::string& as_of, const std::string& through) {
  const auto session = session_or_refuse(session_id);
  if (replications < 1 || replications > limits_.max_replications)
    throw Refusal{400, "replications: between 1 and " + std::to_string(limits_.max_replications)};
  const auto loaded = loaded_or_refuse(*session);
  auto run = std::make_shared<Run>();
  if (!as_of.empty()) {
    run->as_of = Date::parse(as_of);
    if (!run->as_of) throw Refusal{400, "as_of: expected a date YYYY-MM-DD, found '" + as_of + "'"};
    std::lock_guard lock(mutex_);
    if (!session->actuals) throw Refusal{400, "as_of: upload the actuals first"};
    run->actuals = session->actuals;
  }
  if (!through.empty()) {
    if (!run->as_of) throw Refusal{400, "through: the day the actuals stop goes with a cut-off (as_of)"};
    run->through = Date::parse(through);
    if (!run->through) throw Refusal{400, "through: expected a date YYYY-MM-DD, found '" + through + "'"};
  }
  run->baseline = baseline;
  run->replications = replications;
  run->seed = seed;
  if (baseline) {
    // The parent itself, as it was loaded (as `fnesim run PARENT` loads it).
    run->scenario = loaded->parent;
    run->toml_name = "scenario.toml";
  } else {
    Variant variant = build_variant(loaded->form, values, loaded->directory);
    if (!variant.ok()) throw Refusal{400, "the form has problems", variant_json(variant)};
    run->changed = variant.changed;
    run->scenario = std::move(*variant.scenario);
    run->variant_toml = variant.toml;
  }
  // The run's files name the scenario's files as the page does, and keep its
  // warnings as the page said them: an uploaded file by its name, not where
  // the server keeps it.
  rename_source_files(run->scenario,
                      [&](const std::string& file) { return as_uploaded(file, loaded->directory); });
  if (baseline) run->variant_toml = run->scenario.resolved_toml;
  run->scenario.run.replications = replications;
  run->scenario.run.seed = seed;
  if (run->as_of) {
    // Checked now, as `fnesim run` checks them before it simulates, rather
    // than queued to fail: the actuals against this scenario, the day their
    // figures stop, the cut-off.
    try {
      Actuals actuals = parse_actuals(run->actuals->text, run->actuals->file, run->scenario);
      if (run->through) set_complete_through(actuals, *run->through, "through");
      check_cut_off(run->scenario, actuals, *run->as_of);
    } catch (const InputError& error) {
      const std::vector<Diagnostic>& said = error.diagnostics();
      throw Refusal{
          400,
          said.empty()
              ? std::string(error.what())
              : said.front().to_string() +
                    (said.size() > 1 ? " (and " + std::to_string(said.size() - 1) + " more problems)" : "")};
    } catch (const BadRequest& error) {
      throw Refusal{400, error.what()};
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw Refusal{503, "the server is stopping"};
    if (static_cast<int>(queue_.size()) >= limits_.max_queued_runs)
      throw Refusal{429, std::to_string(queue_.size()) + " runs are already waiting: wait or cancel one"};
    run->id = std::to_string(next_run_++);
    run->directory = session->directory / ("run-" + run->id);
    session->runs.push_back(run);
    queue_.push_back(run);
  }
  queue_changed_.notify_one();
  return run->id;
}

std::string Workbench::run_status(const std::string& session_id, const std::string& run_id) const {
  const auto session = session_or_refuse(session_id);
  std::lock_guard lock(mutex_);
  const auto run = run_or_refuse(*session, run_id);
  JsonWriter json;
  json.begin_object().field("run", run->id).field("baseline", run->baseline).field("state", state_name(run->state));
  // Ahead of a waiting run: the runs simulated now, and those before it in the queue.
  std::int64_t ahead = 0;
  for (const auto& [id, other] : sessions_)
    ahead += std::count_if(other->runs.begin(), other->runs.end(), [](const auto& r) {
      return r->state == RunState::running || r->state == RunState::charts;
    });
  for (const auto& waiting : queue_) {
    if (waiting == run) break;
    ++ahead;
  }
  json.field("queue_position", run->state == RunState::queued ? ahead : std::int64_t{0});
  json.field("done", run->done.load()).field("target", run->replications).field("seconds", run->seconds);
  json.field("error", run->error).field("replications", run->replications).field("seed", run->seed);
  json.key("changed").begin_array();
  for (const std::string& key : run->changed) json.value(key);
  json.end_array();
  if (run->as_of) json.field("as_of", run->as_of->iso()).field("actuals_file", run->actuals->file);
  if (run->through) json.field("through", run->through->iso());
  // The same run from a shell, with the files the page downloads.
  std::string command = "fnesim run " + run->toml_name;
  if (run->as_of) command += " --actuals " + run->actuals->file + " --as-of " + run->as_of->iso();
  if (run->through) command += " --through " + run->through->iso();
  json.field("command", command + " -n " + std::to_string(run->replications) + " -s " + std::to_string(run->seed));
  if (!run->actuals_report.empty()) json.field("actuals_report", run->actuals_report);
  if (run->state == RunState::done) {
    json.key("charts").begin_array();
    for (const std::string& chart : run->charts) json.value(chart);
    json.end_array();
    json.key("files").begin_array();
    for (const std::string& file : run->files) json.value(file);
    json.end_array();
  }
  json.end_object();
  std::string text = json.str();
  // The summary is what `fnesim run --summary-json` writes, spliced in as it is.
  if (run->state == RunState::done) text.insert(text.rfind('}'), ",\n  \"summary\": " + run->summary_json);
  return text + "\n";
}

void Workbench::cancel_run(const std::string& session_id, const std::string& run_id) {
  const auto session = session_or_refuse(session_id);
  std::lock_guard lock(mutex_);
  const auto run = run_or_refuse(*session, run_id);
  if (run->state == RunState::queued) {
    std::erase(queue_, run);
    run->state = RunState::cancelled;
  } else if (run->state == RunState::running || run->state == RunState::charts) {
    run->stop = true;  // the worker marks it cancelled after its current block, or its report
  } else if (run->state != RunState::cancelled) {
    throw Refusal{409, "run " + run_id + " has already ended"};
  }
}

std::string Workbench::compare(const std::string& session_id, const std::string& baseline_id,
                               const std::string& variant_id) const {
  const auto session = session_or_refuse(session_id);
  fs::path baseline_file, variant_file;
  {
    std::lock_guard lock(mutex_);
    const auto baseline = run_or_refuse(*session, baseline_id);
    const auto variant = run_or_refuse(*session, variant_id);
    if (baseline->state != RunState::done || variant->state != RunState::done)
      throw Refusal{409, "both runs must be done before they are compared"};
    baseline_file = baseline->directory / "run.h5";
    variant_file = variant->directory / "run.h5";
  }
  try {
    // Files this process wrote, read without the trial reading in a child:
    // a fork in a threaded server could copy HDF5's lock while another thread holds it.
    RunOutcomes a = read_run_outcomes(RunFileReader(baseline_file, RunFileReader::Trial::None));
    RunOutcomes b = read_run_outcomes(RunFileReader(variant_file, RunFileReader::Trial::None));
    // Named as the page names them: where the server keeps them holds the session's key.
    a.file = "run " + baseline_id;
    b.file = "run " + variant_id;
    return comparison_json(compare_runs(a, b, ComparisonOptions{}));
  } catch (const BadRequest& e) {
    throw Refusal{409, e.what()};
  }
}

fs::path Workbench::run_file(const std::string& session_id, const std::string& run_id, const std::string& name) {
  const auto session = session_or_refuse(session_id);
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mutex_);
    run = run_or_refuse(*session, run_id);
    if (run->state != RunState::done) throw Refusal{409, "run " + run_id + " is not done"};
    const bool listed = std::find(run->files.begin(), run->files.end(), name) != run->files.end();
    if (!listed && name != "report-en.html") throw Refusal{404, "run " + run_id + " has no file of that name"};
  }
  if (name == "report-en.html") render_report(*run, "en");
  return run->directory / name;
}

fs::path Workbench::chart_file(const std::string& session_id, const std::string& run_id, const std::string& lang,
                               const std::string& name) {
  const auto session = session_or_refuse(session_id);
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mutex_);
    run = run_or_refuse(*session, run_id);
    if (run->state != RunState::done) throw Refusal{409, "run " + run_id + " is not done"};
    if (std::find(run->charts.begin(), run->charts.end(), name) == run->charts.end() ||
        (lang != "fr" && lang != "en"))
      throw Refusal{404, "run " + run_id + " has no chart of that name"};
  }
  render_report(*run, lang);
  return run->directory / ("charts-" + lang) / (name + ".png");
}

void Workbench::render_report(Run& run, const std::string& lang) {
  std::lock_guard lock(run.report_mutex);
  if (run.discarded) throw Refusal{404, "this session has ended: reload the page"};
  if (run.rendered[lang]) return;
  std::vector<std::string> arguments = report_.interpreter_and_script;
  // Drawn in the run's directory, by the files' names: the report's command
  // to draw it again names them as the planner downloads them, not where the
  // server keeps them (a path that holds the session's key).
  const std::string output = "report-" + lang + ".html";
  arguments.insert(arguments.end(), {"--prog", "fnesim serve", "run.h5", "--lang", lang, "--output", output,
                                     "--png-dir", "charts-" + lang, "--force"});
  const std::string log = "report-" + lang + ".log";
  const ChildExit exit = spawn_and_wait(arguments, run.directory, log, run.report_child);
  // Not started: the interpreter missing, or the run's directory removed
  // under the server (a cleaner of temporary files) — said apart, since the
  // planner can do something about the second.
  if (exit.spawn_error != 0)
    throw Refusal{
        500,
        fs::is_directory(run.directory)
            ? "cannot run " + arguments.front() + " to draw the report: " + std::strerror(exit.spawn_error)
            : "this run's files are no longer on the server (its temporary directory was removed): "
              "run it again"};
  if (exit.status != 0)
    throw Refusal{500, "the report could not be drawn: " + last_line_of(run.directory / log)};
  run.rendered[lang] = true;
}

void Workbench::work() {
  for (;;) {
    std::shared_ptr<Run> run;
    {
      std::unique_lock lock(mutex_);
      queue_changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      run = queue_.front();
      queue_.pop_front();
      run->state = RunState::running;
    }
    std::string error;
    try {
      simulate(*run);
    } catch (const Refusal& refusal) {
      error = refusal.message;
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(mutex_);
    if (run->stop) {
      // Cancelled, or its session ended: nothing of it is kept.
      run->state = RunState::cancelled;
      std::error_code ignored;
      fs::remove_all(run->directory, ignored);
    } else if (!error.empty()) {
      run->state = RunState::failed;
      run->error = error;
    }
  }
}

void Workbench::simulate(Run& run) {
  const auto start = std::chrono::steady_clock::now();
  // Not create_directories: a session ended meanwhile has no directory, and gets none back.
  std::error_code ec;
  fs::create_directory(run.directory, ec);
  if (ec) throw std::runtime_error("cannot create the run's directory: " + ec.message());
  std::optional<ConditionedScenario> conditioned;
  std::string actuals_sha256;
  if (run.actuals) {
    // As `fnesim run --actuals FILE --as-of DATE` starts: from what was observed before the cut-off.
    Actuals actuals = parse_actuals(run.actuals->text, run.actuals->file, run.scenario);
    if (run.through) set_complete_through(actuals, *run.through, "through");
    conditioned = condition_on_actuals(run.scenario, actuals, *run.as_of);
    actuals_sha256 = sha256_hex(actuals.content);
    write_text(run.directory / run.actuals->file, run.actuals->text);
    const std::string report = render_actuals_report(conditioned->report, conditioned->scenario);
    std::lock_guard lock(mutex_);
    run.actuals_report = report;
  }
  const Scenario& scenario = conditioned ? conditioned->scenario : run.scenario;
  const Simulator simulator(scenario);
  RunStatistics statistics(simulator);
  RunFileOptions options;
  if (conditioned) {
    options.actuals = &conditioned->report;
    options.actuals_sha256 = actuals_sha256;
  }
  RunFileWriter run_file(run.directory / "run.h5", simulator, run.seed, options);
  std::vector<ReplicationSink*> sinks{&statistics, &run_file};
  RunControl control;
  control.seed = run.seed;
  control.threads = scenario.run.threads;
  control.stop_requested = &run.stop;
  control.on_progress = [&run](std::int64_t done, std::int64_t) { run.done = done; };
  const RunReport report = run_replications(simulator, 0, run.replications, control, sinks);
  // Stopped: work() marks it cancelled; the writer's destructor removes its temporary file.
  if (report.interrupted) return;
  run.done = report.completed;
  RunSummary summary = summarise(simulator, statistics, run.seed);
  if (options.actuals)
    summary.forecast_from =
        ForecastOrigin{options.actuals->file, options.actuals_sha256, options.actuals->as_of};
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run_file.finish(summary, RunTiming{seconds, report.threads_used, 1});
  const std::string summary_text = summary_json(summary);
  write_text(run.directory / "summary.json", summary_text);
  write_text(run.directory / run.toml_name, run.variant_toml);
  std::vector<std::string> files = {run.toml_name, "run.h5", "summary.json"};
  if (run.actuals) files.push_back(run.actuals->file);
  OutputSet tables(true);
  const CsvExportReport csv =
      export_csv(RunFileReader(run.directory / "run.h5", RunFileReader::Trial::None), run.directory, tables);
  tables.commit();
  for (const fs::path& written : csv.written) files.push_back(written.filename().string());
  {
    std::lock_guard lock(mutex_);
    run.state = RunState::charts;
    run.seconds = seconds;
  }
  render_report(run, "fr");
  files.push_back("report-fr.html");
  std::vector<std::string> charts;
  for (std::string_view chart : page_charts)
    if (fs::is_regular_file(run.directory / "charts-fr" / (std::string(chart) + ".png"), ec))
      charts.emplace_back(chart);
  std::lock_guard lock(mutex_);
  run.summary_json = summary_text;
  run.files = std::move(files);
  run.charts = std::move(charts);
  // Cancelled during its last block or its report: cancelled, and its files go (work()).
  run.state = run.stop ? RunState::cancelled : RunState::done;
}

}  // namespace fnesim::workbench
