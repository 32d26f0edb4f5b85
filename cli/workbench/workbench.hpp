#pragma once
// The workbench's sessions and runs (`fnesim serve`, docs/workbench.md). A
// session is one browser page: its scenario, its form and its runs, in a
// private directory removed when the session ends (the page closes, it stays
// idle too long, or the server stops). Runs wait in one queue per server and
// are simulated in-process by the same engine as `fnesim run`, one at a time
// by default, each on every core; a run can be cancelled while it waits or runs.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/workbench/form.hpp"

namespace fnesim::workbench {

struct Limits {
  std::int64_t max_replications = 20'000;
  std::size_t max_upload_bytes = std::size_t{1} << 20;  // a scenario is a few kilobytes
  int max_queued_runs = 4;                               // waiting, over the whole server
  int concurrent_runs = 1;                               // simulated at once, each on every core
  int session_idle_minutes = 30;
  int max_sessions = 32;  // pages open at once
};

// A failure the page shows as it is: the HTTP status and one sentence.
struct Refusal {
  Refusal(int status_code, std::string text, std::string json = {})
      : status(status_code), message(std::move(text)), body_json(std::move(json)) {}
  int status;
  std::string message;
  std::string body_json;  // when set, the body instead of {"error": message}
};

enum class RunState { queued, running, charts, done, failed, cancelled };

// How the committee report and its charts are drawn: scripts/report.py under
// Debian's Python, as `fnesim report` runs it (argv[0] is the interpreter).
struct ReportCommand {
  std::vector<std::string> interpreter_and_script;
};

class Workbench {
 public:
  Workbench(Limits limits, ReportCommand report, std::filesystem::path temporary_root);
  ~Workbench();  // cancels every run, waits for the workers, removes every session's files
  Workbench(const Workbench&) = delete;
  Workbench& operator=(const Workbench&) = delete;

  const Limits& limits() const { return limits_; }
  std::string info_json() const;

  std::string create_session();
  void end_session(const std::string& session);

  // The form of a built-in scenario, or of uploaded files (name → text, the
  // first being the scenario). Throws Refusal.
  std::string load_builtin(const std::string& session, const std::string& name);
  std::string load_upload(const std::string& session, const std::vector<std::pair<std::string, std::string>>& files);

  std::string validate(const std::string& session, const FormValues& values);
  // Returns the run's id; throws Refusal (invalid values: 400 with the variant's messages; a full queue:
  // 429). With `as_of` (YYYY-MM-DD), a forecast from the session's actuals from that cut-off; with `through`
  // too, the day their last month's figures stop (`run --through`).
  std::string start_run(const std::string& session, const FormValues& values, std::int64_t replications,
                        std::uint64_t seed, bool baseline, const std::string& as_of = {},
                        const std::string& through = {});
  // An actuals CSV (docs/actuals-format.md), checked against the loaded scenario.
  std::string load_actuals(const std::string& session, const std::string& file, const std::string& text);
  void drop_actuals(const std::string& session);
  std::string run_status(const std::string& session, const std::string& run) const;
  void cancel_run(const std::string& session, const std::string& run);
  std::string compare(const std::string& session, const std::string& baseline, const std::string& variant) const;
  // The path of a run's file or chart, rendered first when it is the report in
  // another language. Throws Refusal (404) for any name the run does not have.
  std::filesystem::path run_file(const std::string& session, const std::string& run, const std::string& name);
  std::filesystem::path chart_file(const std::string& session, const std::string& run, const std::string& lang,
                                   const std::string& name);

  // Ends the sessions idle longer than the limit.
  void expire_idle_sessions();

 private:
  struct Run;
  struct Session;
  struct Loaded;
  struct SessionActuals;
  std::shared_ptr<Session> session_or_refuse(const std::string& id) const;
  std::shared_ptr<Run> run_or_refuse(const Session& session, const std::string& id) const;
  void discard_session(const std::shared_ptr<Session>& session);
  void work();
  void simulate(Run& run);
  void render_report(Run& run, const std::string& lang);
  std::filesystem::path new_load_directory(Session& session);
  std::string install(Session& session, Scenario parent, const std::string& parent_file,
                      const std::filesystem::path& directory);
  std::shared_ptr<const Loaded> loaded_or_refuse(const Session& session) const;

  Limits limits_;
  ReportCommand report_;
  std::filesystem::path root_;
  mutable std::mutex mutex_;
  std::condition_variable queue_changed_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  std::deque<std::shared_ptr<Run>> queue_;
  std::uint64_t next_run_ = 1;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace fnesim::workbench
