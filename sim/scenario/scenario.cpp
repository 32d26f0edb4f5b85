// Loading a scenario: read the file and its `extends` ancestors, merge them,
// parse every section, and throw every problem at once (docs/scenario-format.md).
#include "sim/scenario/scenario.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "sim/errors.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/scenario_override.hpp"
#include "sim/scenario/sections.hpp"
#include "sim/scenario/toml_text.hpp"
#include "sim/utf8.hpp"

namespace fnesim {

namespace scenario_detail {

const std::vector<SectionSpec>& scenario_sections() {
  // Order matters: demand uses the regions and dates of convention and the rules of coverage.
  static const std::vector<SectionSpec> sections = {
      {"convention", true, parse_convention},
      {"coverage", false, parse_coverage},
      {"demand", false, parse_demand},
      {"events", false, parse_events},
      {"uncertainty", false, parse_uncertainty},
      {"steering", false, parse_steering},
      {"financing", false, parse_financing},
      {"run", false, parse_run},
  };
  return sections;
}

}  // namespace scenario_detail

namespace {

namespace fs = std::filesystem;
using namespace scenario_detail;

constexpr std::string_view builtin_prefix = "<builtin>/";

// The resolved TOML's first line: the files it was resolved from.
constexpr std::string_view provenance_prefix = "# Resolved scenario (extends applied) from:";

// TOML is UTF-8, and the resolved scenario must load back (recommend reads
// it): a file name in another encoding is written with U+FFFD here (the run
// file's /scenario/source_files keeps its bytes).
std::string provenance_line(const std::vector<std::string>& files) {
  std::string line(provenance_prefix);
  for (const std::string& file : files) line += ' ' + well_formed_utf8(file);
  return line;
}

// One file of an `extends` chain.
struct ChainFile {
  std::string display;   // as shown in messages: the path as given, or <builtin>/NAME.toml
  std::string identity;  // what makes two files the same, for cycle detection
  bool builtin = false;
  fs::path dir;  // where a relative `extends` resolves (real files only)
  std::string text;
  toml::table table;
};

const BuiltinScenario* find_builtin(std::string_view name) {
  for (const BuiltinScenario& b : builtin_scenarios()) {
    if (b.file_name == name) return &b;
    if (b.file_name.size() == name.size() + 5 && b.file_name.substr(0, name.size()) == name &&
        b.file_name.substr(name.size()) == ".toml")
      return &b;
  }
  return nullptr;
}

std::string builtin_names() {
  std::string out;
  for (const BuiltinScenario& b : builtin_scenarios()) {
    if (!out.empty()) out += ", ";
    std::string_view name = b.file_name;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".toml") name.remove_suffix(5);
    out += name;
  }
  return out;
}

// A scenario is a page or two of TOML; a file far larger is a mistake (a data
// file named by accident), read no further.
constexpr std::size_t max_scenario_bytes = std::size_t{16} << 20;

// The file's text, or the system's reason it cannot be read.
bool read_text(const fs::path& path, std::string& text, std::string& reason) {
  // Opened without blocking, then asked what it is: a FIFO swapped in after a
  // check would block the open itself. A device or a pipe never ends
  // (/dev/zero) or blocks (a FIFO): a scenario is a regular file.
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (descriptor < 0) {
    reason = std::strerror(errno);
    return false;
  }
  struct stat status {};
  if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
    reason = S_ISDIR(status.st_mode) ? std::strerror(EISDIR) : "not a regular file (a device, a pipe or a socket)";
    ::close(descriptor);
    return false;
  }
  std::FILE* file = ::fdopen(descriptor, "rb");
  if (file == nullptr) {
    reason = std::strerror(errno);
    ::close(descriptor);
    return false;
  }
  text.clear();
  char buffer[65536];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, got);
    if (text.size() > max_scenario_bytes) {
      std::fclose(file);
      reason = "larger than " + std::to_string(max_scenario_bytes >> 20) + " MiB: not a scenario";
      return false;
    }
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) {
    reason = std::strerror(error);
    return false;
  }
  return true;
}

std::string identity_of(const fs::path& path) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? fs::absolute(path).lexically_normal().string() : canonical.string();
}

std::unique_ptr<ChainFile> builtin_file(const BuiltinScenario& b) {
  auto file = std::make_unique<ChainFile>();
  file->display = std::string(builtin_prefix) + std::string(b.file_name);
  file->identity = file->display;
  file->builtin = true;
  file->text = std::string(b.text);
  return file;
}

[[noreturn]] void throw_one(std::string file, std::string message) {
  Diagnostic d;
  d.file = std::move(file);
  d.message = std::move(message);
  throw ScenarioError({std::move(d)});
}

// Parses the user's file and its ancestors; false (with diagnostics) when the
// chain cannot be completed: a syntax error, an unreadable parent, a cycle.
bool resolve_chain(std::vector<std::unique_ptr<ChainFile>>& chain, DiagnosticList& diagnostics) {
  while (true) {
    ChainFile& current = *chain.back();
    try {
      current.table = parse_toml(current.text, current.display);
    } catch (const toml::parse_error& e) {
      std::string description(e.description());
      constexpr std::string_view toml_prefix = "Error while parsing";
      if (description.rfind(toml_prefix, 0) == 0) {
        description = "syntax error while parsing" + description.substr(toml_prefix.size());
      } else {
        description = "syntax error: " + description;
      }
      diagnostics.add(e.source(), "", std::move(description));
      return false;
    }
    const auto found = current.table.find("extends");
    if (found == current.table.end()) return true;
    const toml::key& extends_key = found->first;
    const toml::node& extends_value = found->second;
    if (!extends_value.is_string()) {
      diagnostics.add(
          extends_key.source(), "extends",
          "expected a string (the file this scenario builds on), found " + type_name(extends_value));
      return false;
    }
    const std::string target = extends_value.as_string()->get();
    std::unique_ptr<ChainFile> parent;
    std::string unreadable;
    if (!current.builtin) {
      const fs::path actual = current.dir / target;
      std::error_code ec;
      std::string display = actual.lexically_normal().string();
      if (fs::exists(actual, ec)) {
        parent = std::make_unique<ChainFile>();
        std::string reason;
        if (!read_text(actual, parent->text, reason)) {
          diagnostics.add(extends_key.source(), "extends", "cannot read '" + display + "': " + reason);
          return false;
        }
        parent->display = std::move(display);
        parent->identity = identity_of(actual);
        parent->dir = actual.parent_path();
      } else {
        // What was written, and where it led when that is elsewhere ("../x.toml" from a sub-folder).
        unreadable = "cannot read '" + target + "'" + (display != target ? " (" + display + ")" : "") + ": " +
                     std::strerror(ENOENT);
      }
    }
    if (parent == nullptr) {
      if (const BuiltinScenario* b = find_builtin(target)) {
        parent = builtin_file(*b);
      } else {
        std::string message = unreadable.empty() ? "no built-in scenario '" + target + "'" : unreadable;
        if (!unreadable.empty()) message += ", and no built-in scenario has that name";
        // A likely typo of a built-in's name, as the command line suggests one.
        std::vector<std::string> names;
        for (const BuiltinScenario& b : builtin_scenarios()) names.emplace_back(b.file_name);
        const std::string stem = target.ends_with(".toml") ? target : target + ".toml";
        if (const std::string close = closest_match(stem, names); !close.empty())
          message += "; did you mean the built-in '" + close + "'?";
        diagnostics.add(extends_key.source(), "extends", std::move(message));
        return false;
      }
    }
    for (const auto& earlier : chain) {
      if (earlier->identity != parent->identity) continue;
      std::string cycle;
      for (const auto& c : chain) {
        cycle += c->display;
        cycle += " -> ";
      }
      cycle += parent->display;
      diagnostics.add(extends_key.source(), "extends", "cycle: " + cycle);
      return false;
    }
    chain.push_back(std::move(parent));
  }
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics,
                      const std::vector<std::unique_ptr<ChainFile>>& chain) {
  auto file_order = [&](const std::string& file) {
    for (std::size_t i = 0; i < chain.size(); ++i)
      if (chain[i]->display == file) return i;
    return chain.size();
  };
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [&](const auto& a, const auto& b) {
    const auto fa = file_order(a.file), fb = file_order(b.file);
    if (fa != fb) return fa < fb;
    if ((a.line == 0) != (b.line == 0)) return b.line == 0;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
}

// The file's stem, as text: the name is written into the resolved TOML.
std::string default_name(const std::string& display) {
  std::string stem = well_formed_utf8(fs::path(display).stem().string());
  return stem.empty() ? std::string("scenario") : stem;
}

// A value a file states where an ancestor's [uncertainty] draws it in every
// replication, other than the distribution's mean: the draw replaces it, so a
// child that moves only the stated value moves nothing — said, where it is
// written. (Stated beside its distribution, in the same file or a later one,
// it is the planner's choice.)
void warn_of_values_drawn(const MergedTable& root, const Scenario& scenario, ReadContext& ctx) {
  // The most derived file that stated the value at `parts`, and where: inside
  // an inline table too (which its file writes whole).
  struct Stated {
    int rank;
    const toml::node* value;
    const toml::source_region* where;
  };
  const auto stated_at = [&](const std::vector<std::string>& parts) -> std::optional<Stated> {
    const MergedTable* table = &root;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto found = table->entries.find(parts[i]);
      if (found == table->entries.end()) return std::nullopt;
      const MergedEntry& entry = found->second;
      if (entry.table != nullptr) {
        table = entry.table.get();
        continue;
      }
      const toml::node* node = entry.value;
      for (std::size_t j = i + 1; j < parts.size() && node != nullptr; ++j)
        node = node->is_table() ? node->as_table()->get(parts[j]) : nullptr;
      if (node == nullptr || !node->is_number()) return std::nullopt;
      return Stated{entry.rank, node, i + 1 == parts.size() ? &entry.where() : &node->source()};
    }
    return std::nullopt;
  };
  const auto parameters_entry = root.entries.find("uncertainty");
  if (parameters_entry == root.entries.end() || parameters_entry->second.table == nullptr) return;
  const auto parameters = parameters_entry->second.table->entries.find("parameters");
  if (parameters == parameters_entry->second.table->entries.end() || parameters->second.table == nullptr)
    return;
  for (const auto& [path, parameter] : parameters->second.table->entries) {
    if (parameter.table == nullptr) continue;
    const int drawn_rank = latest_rank(parameter);
    std::string canonical;
    std::vector<std::string> parts;
    try {
      canonical = canonical_key_path(path);
      parts = split_key_path(path);
    } catch (const BadRequest&) {
      continue;  // not a key path: [uncertainty] has said so
    }
    const auto drawn =
        std::find_if(scenario.uncertainty.parameters.begin(), scenario.uncertainty.parameters.end(),
                     [&](const UncertainParameter& p) { return canonical_key_path(p.path) == canonical; });
    const std::optional<Stated> stated = stated_at(parts);
    if (drawn == scenario.uncertainty.parameters.end() || !stated || stated->rank <= drawn_rank) continue;
    const double mean = drawn->distribution.mean();
    if (stated->value->value_or(mean) == mean) continue;
    const toml::source_region& drawn_at = parameter.where();
    std::string message =
        "warning: stated here, but drawn in every replication from [uncertainty.parameters." +
        toml_key_text(canonical) + "] (" +
        (drawn_at.path ? std::filesystem::path(*drawn_at.path).filename().string() : "") + ":" +
        std::to_string(drawn_at.begin.line) + "), of mean " + format_number(mean) +
        ", which replaces the stated value: to move this assumption, change that distribution";
    if (canonical.starts_with("demand.cost_per_trainee."))
      message += " (a forecast from actuals still weighs the costs observed against the stated one)";
    ctx.warnings.add(*stated->where, canonical, std::move(message));
  }
}

Scenario load_chain(std::unique_ptr<ChainFile> first) {
  std::vector<std::unique_ptr<ChainFile>> chain;
  chain.push_back(std::move(first));
  ReadContext ctx;
  if (!resolve_chain(chain, ctx.diagnostics)) {
    sort_diagnostics(ctx.diagnostics.items(), chain);
    throw ScenarioError(std::move(ctx.diagnostics.items()));
  }

  // Root-most ancestor first: each more derived file is merged over the result.
  // `name` and `description` describe the file they are written in: not inherited.
  MergedTable root;
  const int n = static_cast<int>(chain.size());
  for (int i = n - 1; i >= 0; --i) {
    std::set<std::string, std::less<>> skip = {"extends"};
    if (i > 0) skip.insert({"name", "description"});
    merge_layer(root, chain[static_cast<std::size_t>(i)]->table, n - 1 - i, skip);
  }
  root.origin = root.latest = &chain.front()->table;

  Scenario scenario;
  TableReader top(root, "", ctx);
  scenario.name = top.string("name").value_or(default_name(chain.front()->display));
  scenario.description = top.string("description").value_or("");
  top.entry("extends");
  ParseState state{scenario, ctx};
  for (const SectionSpec& spec : scenario_sections()) {
    if (!top.has(spec.name)) {
      if (spec.required) {
        ctx.diagnostics.add(top.where(), std::string(spec.name),
                            "missing required section [" + std::string(spec.name) + "]");
      } else {
        MergedTable empty;
        empty.origin = empty.latest = root.origin;
        TableReader section(empty, std::string(spec.name), ctx);
        spec.parse(section, state);
      }
      continue;
    }
    if (auto section = top.table(spec.name)) spec.parse(*section, state);
  }
  top.finish();
  if (ctx.diagnostics.empty()) warn_of_values_drawn(root, scenario, ctx);

  if (!ctx.diagnostics.empty()) {
    // A slip warned of often explains the errors it causes (an envelope typed
    // in millions, then "regional envelopes sum to more than the total"):
    // said among them, in file order.
    for (Diagnostic& warning : ctx.warnings.items()) ctx.diagnostics.add(std::move(warning));
    sort_diagnostics(ctx.diagnostics.items(), chain);
    throw ScenarioError(std::move(ctx.diagnostics.items()));
  }

  // Provenance: the merged scenario as TOML that loads back to the same scenario.
  root.entries.erase("name");
  root.entries.erase("description");
  for (const auto& file : chain) scenario.source_files.push_back(file->display);
  std::string resolved = provenance_line(scenario.source_files);
  resolved += "\nname = ";
  resolved += toml_value_text(toml::value<std::string>(scenario.name));
  resolved += "\ndescription = ";
  resolved += toml_value_text(toml::value<std::string>(scenario.description));
  resolved += '\n';
  resolved += to_toml(root);
  scenario.resolved_toml = std::move(resolved);
  sort_diagnostics(ctx.warnings.items(), chain);
  scenario.warnings = std::move(ctx.warnings.items());
  return scenario;
}

}  // namespace

void rename_source_files(Scenario& scenario, const std::function<std::string(const std::string&)>& name) {
  for (std::string& file : scenario.source_files) file = name(file);
  for (Diagnostic& warning : scenario.warnings) warning.file = name(warning.file);
  std::string& resolved = scenario.resolved_toml;
  if (resolved.starts_with(provenance_prefix))
    resolved.replace(0, std::min(resolved.find('\n'), resolved.size()),
                     provenance_line(scenario.source_files));
}

std::string_view scenario_content(std::string_view resolved_toml) {
  if (!resolved_toml.starts_with(provenance_prefix)) return resolved_toml;
  const std::size_t end = resolved_toml.find('\n');
  return end == std::string_view::npos ? std::string_view{} : resolved_toml.substr(end + 1);
}

std::string scenario_identity(std::string_view resolved_toml) {
  // The merged TOML fnesim writes: a table header on its own line, one key a line.
  const std::string_view content = scenario_content(resolved_toml);
  std::string identity;
  identity.reserve(content.size());
  bool in_run = false, at_root = true;
  for (std::size_t at = 0; at < content.size();) {
    const std::size_t end = std::min(content.find('\n', at), content.size());
    const std::string_view line = content.substr(at, end - at);
    if (line.starts_with('[')) {
      in_run = line == "[run]" || line.starts_with("[run.");
      at_root = false;
      // With the blank line that separates it: a [run] written inline in the
      // root table, or none, leaves none.
      if (in_run && identity.ends_with("\n\n")) identity.pop_back();
    }
    // [run] may also be written inline, on one line of the root table.
    if (!in_run && !(at_root && line.starts_with("run = "))) {
      identity += line;
      if (end < content.size()) identity += '\n';
    }
    at = end + 1;
  }
  return identity;
}

Scenario load_scenario_file(const std::filesystem::path& path) {
  auto file = std::make_unique<ChainFile>();
  file->display = path.string();
  std::string reason;
  if (!read_text(path, file->text, reason)) throw_one(file->display, "cannot read: " + reason);
  // A run file given where its scenario was meant: said as such, not as bytes TOML cannot read.
  if (file->text.starts_with(std::string_view("\x89HDF\r\n\x1a\n", 8)))
    throw_one(file->display, "is an HDF5 file (a run file?), not a scenario: `fnesim inspect " +
                                 file->display + " --scenario` prints the scenario a run file was made from");
  file->identity = identity_of(path);
  file->dir = path.parent_path();
  return load_chain(std::move(file));
}

Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                            const std::filesystem::path& base_dir) {
  auto file = std::make_unique<ChainFile>();
  file->display = display_name;
  file->text = text;
  file->identity = identity_of(base_dir / fs::path(display_name).filename());
  file->dir = base_dir;
  return load_chain(std::move(file));
}

Scenario load_default_scenario() {
  const BuiltinScenario* b = find_builtin(default_scenario_file);
  if (b == nullptr) throw_one(std::string(default_scenario_file), "the default scenario is not built in");
  return load_chain(builtin_file(*b));
}

Scenario load_scenario_argument(const std::string& path_or_builtin_name) {
  std::error_code ec;
  if (fs::exists(path_or_builtin_name, ec)) return load_scenario_file(path_or_builtin_name);
  if (const BuiltinScenario* b = find_builtin(path_or_builtin_name)) return load_chain(builtin_file(*b));
  throw_one(path_or_builtin_name, std::string("cannot read: ") + std::strerror(ENOENT) +
                                      "; it is not a built-in scenario either (built-in: " + builtin_names() +
                                      ")");
}

}  // namespace fnesim
