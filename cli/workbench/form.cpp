#include "cli/workbench/form.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "results/json.hpp"
#include "sim/errors.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/scenario_override.hpp"
#include "sim/utf8.hpp"

namespace fnesim::workbench {

namespace {

// The planner's words for the keys the form shows first; any other key is
// shown by its path, as docs/scenario-format.md names it.
struct KnownKey {
  std::string_view key;
  Label label;
};
const KnownKey known_keys[] = {
    {"convention.total_envelope_eur", {"Enveloppe nationale", "National envelope"}},
    {"demand.arrivals.expected_dossiers", {"Dossiers attendus dans l'année", "Dossiers expected in the year"}},
    {"demand.arrivals.national_uptake_cv",
     {"Incertitude du recours national (CV)", "Uncertainty of national take-up (CV)"}},
    {"demand.arrivals.regional_uptake_cv",
     {"Incertitude du recours régional (CV)", "Uncertainty of regional take-up (CV)"}},
    {"demand.arrivals.regional_correlation",
     {"Corrélation entre régions", "Correlation between regions"}},
    {"demand.arrivals.intake_closes_days_before_end",
     {"Clôture des dépôts avant le 31 décembre (jours)", "Intake closes before 31 December (days)"}},
    {"demand.arrivals.monthly_profile",
     {"Part des dossiers déposés chaque mois", "Share of the dossiers filed each month"}},
    {"demand.trainees.mean", {"Stagiaires par dossier (moyenne)", "Trainees per dossier (mean)"}},
    {"demand.lifecycle.cancellation_probability",
     {"Probabilité d'annulation d'un dossier", "Probability that a dossier is cancelled"}},
    {"demand.lifecycle.dropout_mean", {"Part d'abandons en formation (moyenne)", "Drop-out share (mean)"}},
    {"demand.carryover.expected_dossiers",
     {"Dossiers repris de 2020", "Dossiers carried over from 2020"}},
    {"demand.exhaustion_policy",
     {"Quand un dossier ne tient plus dans l'enveloppe", "When a dossier no longer fits the envelope"}},
    {"demand.overcommit_margin",
     {"Marge de surengagement (avec « overcommit »)", "Over-commitment margin (with \"overcommit\")"}},
    {"uncertainty.profile_tilt",
     {"Incertitude sur la part de l'année à venir (bascule du calendrier)",
      "Uncertainty of the share of the year to come (tilt of the profile)"}},
    {"uncertainty.profile_concentration",
     {"Concentration du calendrier autour du profil (Dirichlet)",
      "Concentration of the months around the profile (Dirichlet)"}},
    {"uncertainty.monthly_drift", {"Dérive mensuelle du recours (écart-type du log)",
                                   "Monthly drift of take-up (sd of its log)"}},
    {"uncertainty.jump_probability", {"Probabilité d'un saut du recours chaque mois",
                                      "Probability of a jump in take-up each month"}},
    {"uncertainty.jump_sd", {"Taille d'un saut (écart-type du log)", "Size of a jump (sd of its log)"}},
    {"steering.max_share_moved",
     {"Part maximale cédée par une région à une séance", "Largest share a region gives at one meeting"}},
    {"steering.reserve_share", {"Réserve nationale (part)", "National reserve (share)"}},
    {"steering.complementary.threshold_share",
     {"Seuil de demande d'un complément (part engagée)", "Threshold for a complementary allocation"}},
    {"steering.complementary.amount_eur", {"Montant du complément d'État", "State's complementary amount"}},
    {"steering.complementary.delay_days",
     {"Délai de versement du complément (jours)", "Delay before the complement arrives (days)"}},
};

Label label_of(const std::string& diagnostic_key) {
  for (const KnownKey& known : known_keys)
    if (known.key == diagnostic_key) return known.label;
  return {diagnostic_key, diagnostic_key};
}

struct KeyPath {
  std::vector<std::string> segments;
  std::string toml() const {
    std::string out;
    for (const std::string& s : segments) {
      if (!out.empty()) out += ".";
      out += scenario_detail::toml_key_text(s);
    }
    return out;
  }
  std::string diagnostic() const {
    std::string out;
    for (const std::string& s : segments) {
      if (!out.empty()) out += ".";
      out += s;
    }
    return out;
  }
  KeyPath operator/(std::string_view s) const {
    KeyPath next = *this;
    next.segments.emplace_back(s);
    return next;
  }
};

// A number as the scenario states it, shortest: "0.15", "1", "28500000".
std::string number_text(const toml::node& node) {
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return scenario_detail::format_number(f->get());
  return {};
}

std::string unit_of(std::string_view leaf) {
  if (leaf.ends_with("_eur")) return "eur";
  if (leaf == "days" || leaf.ends_with("_days")) return "days";
  return "";
}

const toml::node* node_at(const toml::table& root, const KeyPath& path) {
  const toml::node* at = &root;
  for (const std::string& s : path.segments) {
    const toml::table* table = at->as_table();
    if (table == nullptr) return nullptr;
    at = table->get(s);
    if (at == nullptr) return nullptr;
  }
  return at;
}

// A number the scenario states at `path`, as a field; none when it states
// something else there. A key left to its default gets `default_text`.
std::optional<FormField> number_field(const toml::table& root, const KeyPath& path, Label label = {},
                                      std::string_view default_text = {}) {
  const toml::node* node = node_at(root, path);
  FormField field;
  field.key = path.toml();
  field.diagnostic_key = path.diagnostic();
  field.label = label.fr.empty() ? label_of(field.diagnostic_key) : std::move(label);
  field.unit = unit_of(path.segments.back());
  if (node == nullptr) {
    if (default_text.empty()) return std::nullopt;
    field.kind = FieldKind::number;
    field.value = {std::string(default_text)};
    return field;
  }
  if (!node->is_number()) return std::nullopt;
  field.kind = node->is_integer() ? FieldKind::integer : FieldKind::number;
  field.value = {number_text(*node)};
  return field;
}

// Every number stated in `table` and the plain tables below it (inline tables
// are replaced whole by `extends`, and arrays are not single assumptions).
void add_numbers_below(const toml::table& root, const KeyPath& path, std::vector<FormField>& fields,
                       std::string_view label_prefix = {}) {
  const toml::node* node = node_at(root, path);
  const toml::table* table = node != nullptr ? node->as_table() : nullptr;
  if (table == nullptr || table->is_inline()) return;
  for (const auto& [name, child] : *table) {
    const KeyPath child_path = path / name.str();
    if (child.is_number()) {
      Label label = label_of(child_path.diagnostic());
      if (!label_prefix.empty() && label.fr == child_path.diagnostic()) {
        const std::string text = std::string(label_prefix) + " — " + std::string(name.str());
        label = {text, text};
      }
      if (auto field = number_field(root, child_path, label)) fields.push_back(std::move(*field));
    } else if (child.is_table()) {
      add_numbers_below(root, child_path, fields, label_prefix);
    }
  }
}

void json_label(JsonWriter& json, const Label& label) {
  json.key("label").begin_object().field("fr", label.fr).field("en", label.en).end_object();
}

std::string_view kind_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::number: return "number";
    case FieldKind::integer: return "integer";
    case FieldKind::choice: return "choice";
    case FieldKind::profile: return "profile";
  }
  return "number";
}

// "9,500" or "1.500": one mark followed by exactly three digits, after one
// to three that do not start with 0, reads as a decimal mark in French and
// as a thousands separator in English: neither is guessed.
bool ambiguous_grouping(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  const std::size_t mark = text.find_first_of(".,");
  if (mark == std::string_view::npos || mark == 0 || mark > 3 || text.size() != mark + 4 ||
      text.front() == '0')
    return false;
  return std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(mark),
                     [](char c) { return c >= '0' && c <= '9'; }) &&
         std::all_of(text.begin() + static_cast<std::ptrdiff_t>(mark) + 1, text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// What a planner types for a number: "27 500 000", "27_500_000", "0,15".
// Returns the number, or none when the text is not one.
std::optional<double> typed_number(std::string_view text, std::string& normalised,
                                   bool refuse_ambiguous = true) {
  normalised.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '_' || c == '\t') continue;
    // U+00A0 and U+202F, the no-break spaces French typography groups digits with.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0xAF) {
      i += 2;
      continue;
    }
    normalised += static_cast<char>(c);
  }
  if (refuse_ambiguous && ambiguous_grouping(normalised)) return std::nullopt;
  if (normalised.find('.') == std::string::npos && std::count(normalised.begin(), normalised.end(), ',') == 1)
    normalised[normalised.find(',')] = '.';
  if (!normalised.empty() && normalised.front() == '+') normalised.erase(0, 1);
  double value = 0;
  const auto [end, ec] = std::from_chars(normalised.data(), normalised.data() + normalised.size(), value);
  if (normalised.empty() || ec != std::errc() || end != normalised.data() + normalised.size() ||
      !std::isfinite(value))
    return std::nullopt;
  return value;
}

// The TOML text of a typed number: an integer where the field is one and the
// value is whole, else a float TOML reads back to the same double.
std::string toml_number(double value, FieldKind kind) {
  if ((kind == FieldKind::integer) && std::floor(value) == value && std::abs(value) < 9e15)
    return std::to_string(static_cast<std::int64_t>(value));
  return scenario_detail::toml_value_text(toml::value<double>(value));
}

std::string toml_string(std::string_view text) {
  return scenario_detail::toml_value_text(toml::value<std::string>(std::string(text)));
}

}  // namespace

std::string as_uploaded(const std::string& file, const std::filesystem::path& directory) {
  // Compared as written out plainly: a file reached through `extends` is
  // named in normal form, the directory as the system's temporary root gave
  // it (TMPDIR=/tmp/./x).
  const auto plain = [](const std::filesystem::path& p) {
    std::filesystem::path normal = p.lexically_normal();
    return normal.has_filename() ? normal : normal.parent_path();
  };
  if (!directory.empty() && plain(std::filesystem::path(file).parent_path()) == plain(directory))
    return std::filesystem::path(file).filename().string();
  return file;
}

Diagnostic as_uploaded(Diagnostic diagnostic, const std::filesystem::path& directory) {
  diagnostic.file = as_uploaded(diagnostic.file, directory);
  // A message may name the files too ("cycle: a.toml -> b.toml -> a.toml"):
  // the server's directory, which holds the session's key, is not said.
  if (!directory.empty())
    for (std::string spelt : {directory.string(), directory.lexically_normal().string()}) {
      while (!spelt.empty() && spelt.back() == '/') spelt.pop_back();
      spelt += '/';
      for (std::size_t at; (at = diagnostic.message.find(spelt)) != std::string::npos;)
        diagnostic.message.erase(at, spelt.size());
    }
  return diagnostic;
}

namespace {

// The form's field that a diagnostic names, if any.
const FormField* field_named(const Form& form, const std::string& diagnostic_key) {
  for (const FormGroup& group : form.groups)
    for (const FormField& field : group.fields)
      if (field.diagnostic_key == diagnostic_key) return &field;
  return nullptr;
}

std::map<std::string, std::vector<std::string>> warnings_at_fields(const Form& form,
                                                                   const std::vector<Diagnostic>& warnings,
                                                                   const std::filesystem::path& directory) {
  std::map<std::string, std::vector<std::string>> out;
  for (const Diagnostic& warning : warnings)
    if (const FormField* field = field_named(form, warning.key))
      out[field->key].push_back(as_uploaded(warning, directory).to_string());
  return out;
}

void json_messages_by_field(JsonWriter& json,
                            const std::map<std::string, std::vector<std::string>>& messages) {
  json.begin_object();
  for (const auto& [key, list] : messages) {
    json.key(key).begin_array();
    for (const std::string& message : list) json.value(message);
    json.end_array();
  }
  json.end_object();
}

}  // namespace

Form build_form(const Scenario& parent, const std::string& parent_file,
                const std::filesystem::path& directory) {
  Form form;
  form.parent_file = parent_file;
  for (const Diagnostic& warning : parent.warnings)
    form.warnings.push_back(as_uploaded(warning, directory).to_string());
  form.name = parent.name;
  form.description = parent.description;
  form.replications = parent.run.replications;
  form.seed = parent.run.seed;
  const toml::table root = toml::parse(parent.resolved_toml, std::string_view("the resolved scenario"));
  const KeyPath convention{{"convention"}}, demand{{"demand"}}, arrivals = demand / "arrivals";

  FormGroup envelopes{"envelopes", {}};
  if (auto total = number_field(root, convention / "total_envelope_eur")) envelopes.fields.push_back(*total);
  for (const Region& region : parent.convention.regions)
    if (auto field = number_field(root, convention / "regions" / region.code / "envelope_eur",
                                  {region.name, region.name}))
      envelopes.fields.push_back(*field);

  FormGroup demand_group{"demand", {}};
  for (const KeyPath& path :
       {arrivals / "expected_dossiers", arrivals / "national_uptake_cv", arrivals / "regional_uptake_cv",
        arrivals / "regional_correlation", arrivals / "intake_closes_days_before_end", demand / "trainees" / "mean",
        demand / "lifecycle" / "cancellation_probability", demand / "lifecycle" / "dropout_mean",
        demand / "carryover" / "expected_dossiers"})
    if (auto field = number_field(root, path)) demand_group.fields.push_back(*field);

  FormGroup profile{"profile", {}};
  if (const toml::node* node = node_at(root, arrivals / "monthly_profile"))
    if (const toml::array* shares = node->as_array()) {
      FormField field;
      field.key = field.diagnostic_key = (arrivals / "monthly_profile").toml();
      field.label = label_of(field.diagnostic_key);
      field.kind = FieldKind::profile;
      bool numbers = true;
      for (const toml::node& share : *shares) {
        numbers = numbers && share.is_number();
        field.value.push_back(number_text(share));
      }
      if (numbers && !field.value.empty()) profile.fields.push_back(std::move(field));
    }

  FormGroup policy{"policy", {}};
  {
    FormField field;
    field.key = field.diagnostic_key = (demand / "exhaustion_policy").toml();
    field.label = label_of(field.diagnostic_key);
    field.kind = FieldKind::choice;
    field.options = {"stop", "fill", "overcommit"};
    const toml::node* node = node_at(root, demand / "exhaustion_policy");
    field.value = {node != nullptr && node->is_string() ? node->as_string()->get() : std::string("stop")};
    policy.fields.push_back(std::move(field));
    if (auto margin = number_field(root, demand / "overcommit_margin", {}, "0")) policy.fields.push_back(*margin);
  }

  FormGroup steering{"steering", {}};
  add_numbers_below(root, KeyPath{{"steering"}}, steering.fields);

  FormGroup events{"events", {}};
  for (const PolicyEvent& event : parent.events)
    add_numbers_below(root, KeyPath{{"events"}} / event.name, events.fields, event.name);

  FormGroup uncertainty{"uncertainty", {}};
  if (const toml::node* node = node_at(root, KeyPath{{"uncertainty"}}))
    if (const toml::table* table = node->as_table()) {
      for (const auto& [name, child] : *table)
        if (child.is_number())
          if (auto field = number_field(root, KeyPath{{"uncertainty", std::string(name.str())}}))
            uncertainty.fields.push_back(*field);
      if (const toml::node* parameters = table->get("parameters"))
        if (const toml::table* by_key = parameters->as_table())
          for (const auto& [name, child] : *by_key)
            add_numbers_below(root, KeyPath{{"uncertainty", "parameters", std::string(name.str())}},
                              uncertainty.fields, name.str());
    }

  // A value the scenario draws in every replication is not offered as stated:
  // the draw would replace what the planner typed, and the variant would be
  // the baseline. Its distribution is offered under uncertainty instead.
  std::set<std::string> drawn;
  for (const UncertainParameter& parameter : parent.uncertainty.parameters)
    drawn.insert(canonical_key_path(parameter.path));
  for (FormGroup* group : {&demand_group, &events})
    std::erase_if(group->fields,
                  [&](const FormField& field) { return drawn.contains(canonical_key_path(field.key)); });

  for (FormGroup* group : {&envelopes, &demand_group, &profile, &policy, &steering, &events, &uncertainty})
    if (!group->fields.empty()) form.groups.push_back(std::move(*group));
  form.field_warnings = warnings_at_fields(form, parent.warnings, directory);

  const toml::node* stated = node_at(root, arrivals / "expected_dossiers");
  bool inline_region = false;
  for (const Region& region : parent.convention.regions)
    if (const toml::node* node = node_at(root, demand / "regions" / region.code))
      inline_region = inline_region || (node->as_table() != nullptr && node->as_table()->is_inline());
  if (stated != nullptr && stated->is_table())
    form.demand_follows_money =
        "the scenario states demand as a ratio to the envelope (demand.arrivals.expected_dossiers = { "
        "demand_to_envelope, … }): moving money moves demand with it";
  else if (inline_region)
    form.demand_follows_money =
        "the scenario writes a region's demand as an inline table, which a variant cannot add to: moving "
        "money "
        "moves demand with it; state each region's expected_dossiers to hold it";
  else
    for (std::size_t r = 0; r < parent.convention.regions.size(); ++r)
      form.regional_dossiers.emplace_back(parent.convention.regions[r].code,
                                          parent.demand.regions[r].expected_dossiers);
  return form;
}

std::string form_json(const Form& form) {
  JsonWriter json;
  json.begin_object();
  json.field("parent", form.parent_file).field("name", form.name).field("description", form.description);
  json.key("run").begin_object().field("replications", form.replications).field("seed", form.seed).end_object();
  json.key("warnings").begin_array();
  for (const std::string& warning : form.warnings) json.value(warning);
  json.end_array();
  json.key("field_warnings");
  json_messages_by_field(json, form.field_warnings);
  json.key("groups").begin_array();
  for (const FormGroup& group : form.groups) {
    json.begin_object().field("id", group.id).key("fields").begin_array();
    for (const FormField& field : group.fields) {
      json.begin_object().field("key", field.key);
      json_label(json, field.label);
      json.field("kind", kind_name(field.kind)).field("unit", field.unit);
      json.key("value");
      if (field.kind == FieldKind::profile) {
        json.begin_array();
        for (const std::string& v : field.value) json.value(v);
        json.end_array();
      } else {
        json.value(field.value.front());
      }
      if (field.kind == FieldKind::choice) {
        json.key("options").begin_array();
        for (const std::string& option : field.options) json.value(option);
        json.end_array();
      }
      json.end_object();
    }
    json.end_array().end_object();
  }
  json.end_array().end_object();
  return json.str() + "\n";
}

FormValues form_values_from_json(const JsonValue* values) {
  FormValues out;
  if (values == nullptr) return out;
  const JsonObject* members = values->object();
  if (members == nullptr) throw BadRequest("values: expected an object of the form's fields");
  auto text_of = [](const JsonValue& v) -> std::string {
    if (const std::string* s = v.string()) return *s;
    if (const double* d = v.number()) return scenario_detail::format_number(*d);
    throw BadRequest("values: a field's value is a string or a number");
  };
  for (const auto& [key, value] : *members) {
    std::vector<std::string>& texts = out[key];
    if (const JsonArray* items = value.array()) {
      // Twelve for the profile; a few more are refused at the field, thousands here.
      if (items->size() > 100) throw BadRequest("values: " + key + " has too many values");
      for (const JsonValue& item : *items) texts.push_back(text_of(item));
    } else {
      texts.push_back(text_of(value));
    }
  }
  return out;
}

std::string variant_name(const Form& form, const std::filesystem::path& base_dir) {
  // Not the name of a file beside it: the reader would take the variant for
  // that file, and its `extends` for a cycle.
  std::string name = form.name + "-variant";
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(base_dir / (name + ".toml"), ec) || name + ".toml" == form.parent_file; ++n)
    name = form.name + "-variant-" + std::to_string(n);
  return name;
}

Variant build_variant(const Form& form, const FormValues& values, const std::filesystem::path& base_dir) {
  Variant variant;
  std::vector<std::string> lines;
  for (const FormGroup& group : form.groups)
    for (const FormField& field : group.fields) {
      const auto typed = values.find(field.key);
      if (typed == values.end()) continue;
      const std::vector<std::string>& texts = typed->second;
      if (field.kind == FieldKind::choice) {
        if (texts.size() != 1 || std::find(field.options.begin(), field.options.end(), texts.front()) ==
                                     field.options.end()) {
          variant.field_messages[field.key].push_back("expected one of stop, fill, overcommit");
          continue;
        }
        if (texts.front() == field.value.front()) continue;
        variant.changed.push_back(field.key);
        lines.push_back(field.key + " = " + toml_string(texts.front()));
        continue;
      }
      if (texts.size() != field.value.size()) {
        variant.field_messages[field.key].push_back("expected " + std::to_string(field.value.size()) +
                                                    " values, found " + std::to_string(texts.size()));
        continue;
      }
      bool numbers = true, differs = false;
      std::vector<std::string> toml_values;
      std::string normalised, parent_normalised;
      for (std::size_t i = 0; i < texts.size(); ++i) {
        // The scenario's own text ("1.125", as TOML states it) is what it says.
        const std::optional<double> value = typed_number(texts[i], normalised, texts[i] != field.value[i]);
        if (!value && ambiguous_grouping(normalised)) {
          const std::string whole =
              normalised.substr(0, normalised.size() - 4) + normalised.substr(normalised.size() - 3);
          const std::string decimal =
              normalised.substr(0, normalised.size() - 4) + "." + normalised.substr(normalised.size() - 3);
          variant.field_messages[field.key].push_back(
              "'" + well_formed_utf8(texts[i]) + "' could be " + decimal + " or " + whole + ": type " +
              whole + " (or with spaces) for the one, " + decimal + "0 for the other");
          numbers = false;
          continue;
        }
        if (!value) {
          variant.field_messages[field.key].push_back("expected a number, found '" +
                                                      well_formed_utf8(texts[i]) + "'");
          numbers = false;
          continue;
        }
        const std::optional<double> stated = typed_number(field.value[i], parent_normalised, false);
        differs = differs || !stated || *stated != *value;
        toml_values.push_back(toml_number(*value, field.kind == FieldKind::profile ? FieldKind::number : field.kind));
      }
      if (!numbers || !differs) continue;
      variant.changed.push_back(field.key);
      if (field.kind == FieldKind::profile) {
        std::string array;
        for (const std::string& v : toml_values) {
      if (!array.empty()) array += ", ";
      array += v;
    }
        lines.push_back(field.key + " = [" + array + "]");
      } else {
        lines.push_back(field.key + " = " + toml_values.front());
      }
    }
  // A key the page sent that is not a field of the form is ignored: the form
  // is the server's, and only its keys may be changed from the page.

  // Money moved: unless told, the scenario spreads the national demand over
  // the regions by what each may commit, so that the same year would file
  // more where the money went. A planner moving money asks what the same
  // demand does with other envelopes: each region's expected dossiers are
  // held at the parent's (scaled by a new national count typed beside), as
  // `recommend --toml` does.
  const auto is_envelope = [](const std::string& key) {
    return key == "convention.total_envelope_eur" ||
           (key.starts_with("convention.regions.") && key.ends_with(".envelope_eur"));
  };
  if (std::any_of(variant.changed.begin(), variant.changed.end(), is_envelope)) {
    if (!form.demand_follows_money.empty()) {
      variant.notes.push_back("Envelopes moved: " + form.demand_follows_money + ".");
    } else if (!form.regional_dossiers.empty()) {
      const std::string national = "demand.arrivals.expected_dossiers";
      double scale = 1, stated_total = 0;
      for (const auto& [code, count] : form.regional_dossiers) stated_total += count;
      if (std::find(variant.changed.begin(), variant.changed.end(), national) != variant.changed.end()) {
        std::string normalised;
        const auto typed = typed_number(values.at(national).front(), normalised);
        if (typed && stated_total > 0) scale = *typed / stated_total;
      }
      lines.push_back(
          "# Envelopes moved: each region's expected dossiers held at the parent's, so that the demand");
      lines.push_back("# does not follow the money (without them it is spread by the amounts available).");
      for (const auto& [code, count] : form.regional_dossiers)
        lines.push_back("demand.regions." + code +
                        ".expected_dossiers = " + toml_number(count * scale, FieldKind::number));
      variant.demand_held = true;
      variant.notes.push_back(
          "Envelopes moved: each region's expected dossiers are held at the scenario's (the variant states "
          "them), "
          "so that the same demand meets the new envelopes.");
    }
  }
  const std::string name = variant_name(form, base_dir);
  variant.toml = "# A variant of " + form.parent_file + " made in fnesim's workbench (fnesim serve):\n" +
                 "# it states only what differs from its parent.\nextends = " + toml_string(form.parent_file) +
                 "\nname = " + toml_string(name) + "\n";
  for (const std::string& line : lines) variant.toml += line + "\n";
  // A field that is not a number is left at its parent's value, so that the
  // reader still reports every other problem at once.
  const bool typed_wrong = !variant.field_messages.empty();
  try {
    variant.scenario = load_scenario_text(variant.toml, name + ".toml", base_dir);
    if (typed_wrong) variant.scenario.reset();
    if (variant.scenario) {
      for (const Diagnostic& warning : variant.scenario->warnings)
        variant.warnings.push_back(as_uploaded(warning, base_dir).to_string());
      variant.field_warnings = warnings_at_fields(form, variant.scenario->warnings, base_dir);
    }
  } catch (const InputError& error) {
    for (const Diagnostic& d : error.diagnostics()) {
      if (const FormField* named = field_named(form, d.key))
        variant.field_messages[named->key].push_back(d.to_string());
      else
        variant.general.push_back(d.to_string());
    }
  }
  return variant;
}

std::string variant_json(const Variant& variant) {
  JsonWriter json;
  json.begin_object().field("ok", variant.ok());
  json.key("changed").begin_array();
  for (const std::string& key : variant.changed) json.value(key);
  json.end_array();
  if (variant.ok()) {
    json.field("variant_toml", variant.toml);
    json.field("demand_held", variant.demand_held);
    json.key("notes").begin_array();
    for (const std::string& note : variant.notes) json.value(note);
    json.end_array();
    json.key("warnings").begin_array();
    for (const std::string& warning : variant.warnings) json.value(warning);
    json.end_array();
    json.key("field_warnings");
    json_messages_by_field(json, variant.field_warnings);
  } else {
    json.key("fields");
    json_messages_by_field(json, variant.field_messages);
    json.key("general").begin_array();
    for (const std::string& message : variant.general) json.value(message);
    json.end_array();
  }
  json.end_object();
  return json.str() + "\n";
}

std::string diagnostics_json(const std::vector<Diagnostic>& diagnostics) {
  JsonWriter json;
  json.begin_array();
  for (const Diagnostic& d : diagnostics)
    json.begin_object()
        .field("file", d.file)
        .field("line", d.line)
        .field("column", d.column)
        .field("key", d.key)
        .field("message", d.message)
        .field("text", d.to_string())
        .end_object();
  json.end_array();
  return json.str();
}

}  // namespace fnesim::workbench
