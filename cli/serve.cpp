// `fnesim serve`: the planners' workbench in the browser (docs/workbench.md).
// A local HTTP server (cpp-httplib) serves one page, compiled in, and the
// JSON API it calls (cli/workbench/workbench.hpp); runs are simulated
// in-process by the same engine as `fnesim run`.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "cli/progress.hpp"
#include "cli/report_script.hpp"
#include "cli/workbench/assets.hpp"
#include "cli/workbench/json_input.hpp"
#include "cli/workbench/workbench.hpp"
#include "results/json.hpp"

// Last: <resolv.h>, which it includes, defines `_res`, a name Eigen's headers use.
#include <httplib.h>

namespace fnesim::cli {
namespace {

namespace fs = std::filesystem;
using workbench::Refusal;

struct ServeOptions {
  int port = 8080;
  std::string host = "127.0.0.1";
  workbench::Limits limits;
  std::int64_t max_upload_kib = 1024;
};

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::string error_body(const std::string& message) {
  JsonWriter json;
  json.begin_object().field("error", message).end_object();
  return json.str() + "\n";
}

void send_json(httplib::Response& response, int status, const std::string& body) {
  response.status = status;
  response.set_header("Cache-Control", "no-store");
  response.set_content(body, "application/json; charset=utf-8");
}

void send_refusal(httplib::Response& response, const Refusal& refusal) {
  send_json(response, refusal.status, refusal.body_json.empty() ? error_body(refusal.message) : refusal.body_json);
}

workbench::JsonValue request_json(const httplib::Request& request) {
  try {
    return workbench::parse_json(request.body);
  } catch (const workbench::JsonSyntaxError& e) {
    throw Refusal{400, std::string("the request's body is ") + e.what()};
  }
}

// A run's replications and seed are the page's to state: no default stands in for a missing one.
template <typename Integer>
Integer whole_number(const workbench::JsonValue* value, std::string_view name) {
  if (value == nullptr) throw Refusal{400, std::string(name) + ": missing"};
  // JSON numbers are doubles: whole numbers are exact up to 2^53, the page's limit too.
  constexpr double exact_limit = 9007199254740992.0;
  const double* number = value->number();
  if (number == nullptr || !(*number >= 0 && *number <= exact_limit) || std::floor(*number) != *number)
    throw Refusal{400, std::string(name) + ": expected a whole number from 0 to 2^53"};
  return static_cast<Integer>(*number);
}

// Every handler answers in JSON: a refusal with its status, anything else as 500.
template <typename Handler>
auto guarded(Handler handler) {
  return [handler](const httplib::Request& request, httplib::Response& response) {
    try {
      handler(request, response);
    } catch (const Refusal& refusal) {
      send_refusal(response, refusal);
    } catch (const BadRequest& e) {
      send_json(response, 400, error_body(e.what()));
    } catch (const InputError& error) {
      std::string text;
      for (const Diagnostic& d : error.diagnostics()) {
        if (!text.empty()) text += "; ";
        text += d.to_string();
      }
      send_json(response, 400, error_body(text));
    } catch (const std::exception& e) {
      send_json(response, 500, error_body(e.what()));
    }
  };
}

void send_file(httplib::Response& response, const fs::path& path, const std::string& content_type,
               bool attachment) {
  auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!*file || ec) throw Refusal{404, "the file is gone"};
  if (attachment)
    response.set_header("Content-Disposition", "attachment; filename=\"" + path.filename().string() + "\"");
  response.set_header("Cache-Control", "no-store");
  response.set_content_provider(static_cast<std::size_t>(size), content_type,
                                [file](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                  std::vector<char> buffer(std::min<std::size_t>(length, 1 << 16));
                                  file->seekg(static_cast<std::streamoff>(offset));
                                  file->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                                  const auto got = file->gcount();
                                  if (got <= 0) return false;
                                  sink.write(buffer.data(), static_cast<std::size_t>(got));
                                  return true;
                                });
}

std::string content_type_of(const std::string& name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".csv")) return "text/csv; charset=utf-8";
  if (name.ends_with(".json")) return "application/json; charset=utf-8";
  if (name.ends_with(".toml")) return "application/toml; charset=utf-8";
  if (name.ends_with(".h5")) return "application/x-hdf5";
  return "application/octet-stream";
}

// The limit on what one upload holds, its files' contents together: the
// server's own limit on a body has the multipart framing's slack on top.
void refuse_beyond_upload_limit(const workbench::Workbench& bench, std::size_t bytes) {
  const std::size_t limit = bench.limits().max_upload_bytes;
  if (bytes > limit) throw Refusal{413, "the upload exceeds the limit of " + std::to_string(limit / 1024) + " KiB"};
}

void add_routes(httplib::Server& server, workbench::Workbench& bench) {
  for (const workbench::Asset& asset : workbench::page_assets())
    server.Get(std::string(asset.url), [asset](const httplib::Request&, httplib::Response& response) {
      response.set_header("Cache-Control", "no-store");
      response.set_content(std::string(asset.body), std::string(asset.content_type));
    });
  server.Get("/api/info", guarded([&bench](const httplib::Request&, httplib::Response& response) {
               send_json(response, 200, bench.info_json());
             }));
  server.Post("/api/sessions", guarded([&bench](const httplib::Request&, httplib::Response& response) {
                JsonWriter json;
                json.begin_object().field("session", bench.create_session()).end_object();
                send_json(response, 201, json.str() + "\n");
              }));
  const std::string session = R"(/api/s/([0-9a-f]{32}))";
  const std::string run = session + R"(/runs/([0-9]{1,18}))";
  server.Post(session + "/end", guarded([&bench](const httplib::Request& request, httplib::Response& response) {
                bench.end_session(request.matches[1]);
                response.status = 204;
              }));
  server.Post(session + "/scenario",
              guarded([&bench](const httplib::Request& request, httplib::Response& response) {
                if (request.is_multipart_form_data()) {
                  std::vector<std::pair<std::string, std::string>> files;
                  const auto [first, last] = request.files.equal_range("files");
                  std::size_t bytes = 0;
                  for (auto it = first; it != last; ++it) {
                    files.emplace_back(it->second.filename, it->second.content);
                    bytes += it->second.content.size();
                  }
                  refuse_beyond_upload_limit(bench, bytes);
                  send_json(response, 200, bench.load_upload(request.matches[1], files));
                  return;
                }
                const workbench::JsonValue body = request_json(request);
                const workbench::JsonValue* builtin = body.get("builtin");
                if (builtin == nullptr || builtin->string() == nullptr)
                  throw Refusal{400, "expected {\"builtin\": NAME} or an upload of .toml files"};
                send_json(response, 200, bench.load_builtin(request.matches[1], *builtin->string()));
              }));
  server.Post(session + "/actuals", guarded([&bench](const httplib::Request& request, httplib::Response& response) {
                if (!request.is_multipart_form_data() || !request.has_file("actuals"))
                  throw Refusal{400, "expected an upload of a CSV file in the part named 'actuals'"};
                const httplib::MultipartFormData file = request.get_file_value("actuals");
                refuse_beyond_upload_limit(bench, file.content.size());
                send_json(response, 200, bench.load_actuals(request.matches[1], file.filename, file.content));
              }));
  server.Delete(session + "/actuals",
                guarded([&bench](const httplib::Request& request, httplib::Response& response) {
                  bench.drop_actuals(request.matches[1]);
                  response.status = 204;
                }));
  server.Post(session + "/validate",
              guarded([&bench](const httplib::Request& request, httplib::Response& response) {
                const workbench::JsonValue body = request_json(request);
                send_json(response, 200,
                          bench.validate(request.matches[1], workbench::form_values_from_json(body.get("values"))));
              }));
  server.Post(session + "/runs", guarded([&bench](const httplib::Request& request, httplib::Response& response) {
                const workbench::JsonValue body = request_json(request);
                const workbench::JsonValue* baseline = body.get("baseline");
                if (baseline != nullptr && baseline->boolean() == nullptr)
                  throw Refusal{400, "baseline: expected true or false"};
                const workbench::JsonValue* as_of = body.get("as_of");
                if (as_of != nullptr && as_of->string() == nullptr)
                  throw Refusal{400, "as_of: expected a date YYYY-MM-DD"};
                const workbench::JsonValue* through = body.get("through");
                if (through != nullptr && through->string() == nullptr)
                  throw Refusal{400, "through: expected a date YYYY-MM-DD"};
                const std::string id = bench.start_run(
                    request.matches[1], workbench::form_values_from_json(body.get("values")),
                    whole_number<std::int64_t>(body.get("replications"), "replications"),
                    whole_number<std::uint64_t>(body.get("seed"), "seed"),
                    baseline != nullptr && baseline->boolean() != nullptr && *baseline->boolean(),
                    as_of != nullptr ? *as_of->string() : std::string(),
                    through != nullptr ? *through->string() : std::string());
                JsonWriter json;
                json.begin_object().field("run", id).end_object();
                send_json(response, 202, json.str() + "\n");
              }));
  server.Get(run, guarded([&bench](const httplib::Request& request, httplib::Response& response) {
               send_json(response, 200, bench.run_status(request.matches[1], request.matches[2]));
             }));
  server.Delete(run, guarded([&bench](const httplib::Request& request, httplib::Response& response) {
                  bench.cancel_run(request.matches[1], request.matches[2]);
                  send_json(response, 200, "{\"state\": \"cancelled\"}\n");
                }));
  server.Get(run + R"(/chart/(fr|en)/([a-z_]{1,40})\.png)",
             guarded([&bench](const httplib::Request& request, httplib::Response& response) {
               send_file(response,
                         bench.chart_file(request.matches[1], request.matches[2], request.matches[3],
                                          request.matches[4]),
                         "image/png", false);
             }));
  server.Get(run + R"(/files/([A-Za-z0-9_.-]{1,60}))",
             guarded([&bench](const httplib::Request& request, httplib::Response& response) {
               const std::string name = request.matches[3];
               send_file(response, bench.run_file(request.matches[1], request.matches[2], name),
                         content_type_of(name), true);
             }));
  server.Get(session + "/compare", guarded([&bench](const httplib::Request& request, httplib::Response& response) {
               send_json(response, 200,
                         bench.compare(request.matches[1], request.get_param_value("baseline"),
                                       request.get_param_value("variant")));
             }));
}

int serve_command(const ServeOptions& options) {
  ServeOptions settings = options;
  settings.limits.max_upload_bytes = static_cast<std::size_t>(options.max_upload_kib) * 1024;
  std::vector<fs::path> looked_at;
  const std::optional<fs::path> script = find_report_script(looked_at);
  if (!script) throw UsageError("the report script is missing (it draws the charts); looked in " +
                                looked_at.front().string());
  std::error_code ec;
  fs::path temporary = fs::temp_directory_path(ec);
  if (ec) temporary = "/tmp";
  std::optional<workbench::Workbench> bench_holder;
  workbench::Workbench& bench = bench_holder.emplace(
      settings.limits, workbench::ReportCommand{{report_interpreter(), script->string()}}, temporary);

  httplib::Server server;
  // httplib's default is SO_REUSEPORT: a second server on a port in use would
  // then share it silently. SO_REUSEADDR alone lets a restart reuse the port
  // at once, and a port in use is refused.
  server.set_socket_options([](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // A body is a scenario or two, or a form's values: the limit plus the multipart framing.
  server.set_payload_max_length(settings.limits.max_upload_bytes + 64 * 1024);
  server.set_error_handler([&settings](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return;
    const std::string message =
        response.status == 413 ? "the upload exceeds the limit of " +
                                     std::to_string(settings.limits.max_upload_bytes / 1024) + " KiB"
        : response.status == 404 ? "no such page"
        : response.status == 400
            // httplib refuses a body it cannot read before fnesim sees it: a
            // multipart upload with no file or too many parts, a malformed one.
            ? "the request could not be read (HTTP 400): a request with a body sends it with a "
              "Content-Length, as JSON or as one file uploaded as multipart/form-data"
            : "the request could not be served (HTTP " + std::to_string(response.status) + ")";
    response.set_content(error_body(message), "application/json; charset=utf-8");
  });
  const bool loopback = is_loopback(settings.host);
  int port = settings.port;
  const std::string listened_host =
      settings.host.find(':') != std::string::npos ? "[" + settings.host + "]" : settings.host;
  server.set_pre_routing_handler([&](const httplib::Request& request, httplib::Response& response) {
    // A body without a length (chunked) would escape the upload limit, which
    // httplib checks against Content-Length alone.
    if (request.has_header("Transfer-Encoding")) {
      send_json(response, 411, error_body("send the body with a Content-Length (at most " +
                                          std::to_string(settings.limits.max_upload_bytes / 1024) + " KiB)"));
      return httplib::Server::HandlerResponse::Handled;
    }
    // A body labelled as a form (curl's default) is cut by httplib at 8 KiB
    // with a 413 that would blame the upload limit: said for what it is.
    if (request.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded") &&
        std::strtoull(request.get_header_value("Content-Length").c_str(), nullptr, 10) >
            CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH) {
      send_json(
          response, 415,
          error_body("a body labelled application/x-www-form-urlencoded is read only up to 8 KiB: send the "
                     "workbench's JSON with Content-Type: application/json"));
      return httplib::Server::HandlerResponse::Handled;
    }
    // A page of another site must not drive the workbench through the browser:
    // no request the browser marks as its (Sec-Fetch-Site) changes anything...
    if (request.method != "GET") {
      const std::string site = request.get_header_value("Sec-Fetch-Site");
      if (site == "cross-site" || site == "same-site") {
        send_json(response, 403, error_body("requests from other sites are refused"));
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    // ...and on loopback, only requests addressed to it are served (DNS rebinding).
    if (!loopback) return httplib::Server::HandlerResponse::Unhandled;
    const std::string host = request.get_header_value("Host");
    const std::string suffix = ":" + std::to_string(port);
    for (const std::string& name :
         {std::string("127.0.0.1"), std::string("localhost"), std::string("[::1]"), listened_host})
      if (host == name + suffix || host == name) return httplib::Server::HandlerResponse::Unhandled;
    send_json(response, 421, error_body("this server answers only to " + listened_host + ", localhost and [::1]"));
    return httplib::Server::HandlerResponse::Handled;
  });
  add_routes(server, bench);

  if (port == 0) {
    port = server.bind_to_any_port(settings.host);
    if (port < 0) throw UsageError("cannot listen on " + settings.host);
  } else if (!server.bind_to_port(settings.host, port)) {
    throw UsageError("cannot listen on " + settings.host + ":" + std::to_string(port) +
                     " (in use, or not an address of this machine); --port 0 picks a free port");
  }
  if (!loopback)
    std::cerr << "fnesim serve: warning: listening on " << settings.host
              << ", not on loopback: anyone who can reach this machine can run simulations here, and the "
                 "workbench has no password\n";
  std::cout << "fnesim serve: the workbench is at http://" << listened_host << ':' << port
            << "/ — Ctrl-C stops it and removes its files" << std::endl;

  const std::atomic<bool>& interrupted = install_interrupt_flag(RepeatedSignal::Noted);
  std::atomic<bool> listening_ended{false};
  std::thread watcher([&] {
    int tick = 0;
    while (!listening_ended) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (interrupted) {
        server.stop();
        return;
      }
      if (++tick % 300 == 0) bench.expire_idle_sessions();  // every 30 s
    }
  });
  server.listen_after_bind();
  listening_ended = true;
  watcher.join();
  // Its runs stopped and its files removed while signals are only noted
  // (RepeatedSignal::Noted): a second Ctrl-C during these moments must not
  // leave them behind. They stay noted to the end, which is near: a signal
  // after the files are gone would otherwise end a clean stop with 128 + it.
  bench_holder.reset();
  std::cout << "fnesim serve: stopped" << std::endl;
  return exit_ok;
}

}  // namespace

void register_serve(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "The planners' workbench in the browser: pick or upload a scenario, change its assumptions, run, compare "
      "with the baseline and download the committee report (docs/workbench.md)");
  cmd->add_option("--port", options->port, "TCP port (0: any free port, printed at start)")
      ->transform(whole_number_option)
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--host", options->host,
                  "Address to listen on; anything but loopback is warned about (the workbench has no password)")
      ->capture_default_str();
  cmd->add_option("--max-replications", options->limits.max_replications,
                  "Most replications a run may ask for")
      ->transform(whole_number_option)
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}))
      ->capture_default_str();
  cmd->add_option("--max-upload-kib", options->max_upload_kib, "Largest upload, in KiB (a scenario is a few)")
      ->transform(whole_number_option)
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1 << 20}))
      ->capture_default_str();
  cmd->add_option("--max-queued-runs", options->limits.max_queued_runs, "Runs that may wait, over the server")
      ->transform(whole_number_option)
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--concurrent-runs", options->limits.concurrent_runs,
                  "Runs simulated at once, each on every core")
      ->transform(whole_number_option)
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--max-sessions", options->limits.max_sessions, "Pages open at once, over the server")
      ->transform(whole_number_option)
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--session-idle-minutes", options->limits.session_idle_minutes,
                  "A page silent this long ends its session and its files are removed")
      ->transform(whole_number_option)
      ->check(CLI::Range(1, 24 * 60))
      ->capture_default_str();
  cmd->callback([options, &exit_code] { exit_code = serve_command(*options); });
}

}  // namespace fnesim::cli
