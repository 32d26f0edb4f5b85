#pragma once
// The workbench's form (`fnesim serve`): the main assumptions of a scenario as
// fields named by their TOML key path, and the variant a planner makes of it —
// a TOML file that `extends` the scenario and states only what changed, loaded
// by the same reader as `fnesim validate`, so that every message is the same.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/workbench/json_input.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::workbench {

struct Label {
  std::string fr, en;
};

enum class FieldKind { number, integer, choice, profile };

struct FormField {
  std::string key;          // TOML key path, segments quoted where TOML needs it
  std::string diagnostic_key;  // the same path as the reader names it in messages (no quotes)
  Label label;
  FieldKind kind = FieldKind::number;
  std::string unit;                 // "eur", "days" or ""
  std::vector<std::string> value;   // the scenario's value as text; twelve for the profile
  std::vector<std::string> options;  // choice only
};

struct FormGroup {
  std::string id;  // envelopes, demand, profile, policy, steering, events, uncertainty
  std::vector<FormField> fields;
};

struct Form {
  std::string parent_file;  // what a variant `extends`: a built-in's or an uploaded file's name
  std::string name, description;
  // The parent's warnings (likely slips of units that still load), as
  // `fnesim validate` prints them, its files named as the planner knows them.
  std::vector<std::string> warnings;
  // Those of them whose key is a field's, by field key: the page says them
  // at the field as well.
  std::map<std::string, std::vector<std::string>> field_warnings;
  std::int64_t replications = 0;
  std::uint64_t seed = 0;
  std::vector<FormGroup> groups;
  // The parent's expected dossiers of each region (code, count), in the
  // convention's order: a variant that moves money holds them, so that the
  // demand does not follow the money. Empty when the parent states demand as
  // a ratio to the envelope (demand then follows money by its own words) or
  // writes a region's demand as an inline table (a variant could not add to it).
  std::vector<std::pair<std::string, double>> regional_dossiers;
  std::string demand_follows_money;  // why the demand is not held, when it is not
};

// A file kept in `directory` (where the server keeps a load's files) named by
// its name alone, and a diagnostic about one: the planner knows the files by
// their names, not by where the server keeps them.
std::string as_uploaded(const std::string& file, const std::filesystem::path& directory);
Diagnostic as_uploaded(Diagnostic diagnostic, const std::filesystem::path& directory);

// The fields of `parent`, a scenario loaded from `parent_file` in `directory`
// (none for a built-in).
Form build_form(const Scenario& parent, const std::string& parent_file,
                const std::filesystem::path& directory = {});
std::string form_json(const Form& form);

// What the planner typed, by field key: one text, or twelve for the profile.
using FormValues = std::map<std::string, std::vector<std::string>>;

// The page's {"KEY": "text" | number | ["text", …]}; none: nothing typed.
// Throws BadRequest for any other shape.
FormValues form_values_from_json(const JsonValue* values);

struct Variant {
  std::vector<std::string> changed;  // field keys whose value differs from the parent's
  std::string toml;                  // `extends` the parent, then the changed keys
  std::map<std::string, std::vector<std::string>> field_messages;  // by field key
  std::vector<std::string> general;  // problems that name no field of the form
  std::vector<std::string> warnings;  // of a variant that loads: likely slips, as `fnesim validate` says them
  std::vector<std::string> notes;     // what the variant states beside the changed keys, and why
  bool demand_held = false;           // money moved, and each region's expected dossiers held (form.cpp)
  std::map<std::string, std::vector<std::string>> field_warnings;  // those of them at a field, by field key
  std::optional<Scenario> scenario;  // set when there is no problem
  bool ok() const { return scenario.has_value(); }
};

// The variant's scenario name: the parent's, then "-variant" (and a number
// when a file of that name is in `base_dir`); its messages name "<name>.toml".
std::string variant_name(const Form& form, const std::filesystem::path& base_dir);

// Builds and loads the variant; `base_dir` holds the files it may extend
// (built-ins need none). Never throws for what a planner typed.
Variant build_variant(const Form& form, const FormValues& values, const std::filesystem::path& base_dir);
// {"ok": …, "changed": […], "variant_toml", "warnings" and "field_warnings" | "fields" and "general"}.
std::string variant_json(const Variant& variant);

// Diagnostics as JSON objects, each with the line `fnesim validate` prints.
std::string diagnostics_json(const std::vector<Diagnostic>& diagnostics);

}  // namespace fnesim::workbench
