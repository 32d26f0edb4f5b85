// The workbench's form and variants (cli/workbench/form.hpp) and the JSON it
// reads from the page (cli/workbench/json_input.hpp).
#include "cli/workbench/form.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cli/workbench/json_input.hpp"
#include "sim/scenario/scenario_override.hpp"

namespace fnesim::workbench {
namespace {

namespace fs = std::filesystem;

Scenario builtin(const std::string& name) { return load_scenario_argument(name); }

const FormField* find_field(const Form& form, const std::string& key) {
  for (const FormGroup& group : form.groups)
    for (const FormField& field : group.fields)
      if (field.key == key) return &field;
  return nullptr;
}

// An empty directory: from it, `extends` names a built-in scenario.
fs::path empty_directory() {
  const fs::path directory = fs::temp_directory_path() / ("fnesim_workbench_form_" + std::to_string(::getpid()));
  fs::create_directories(directory);
  return directory;
}

TEST(WorkbenchForm, ListsTheConventionsMainAssumptionsWithTheirValues) {
  const Scenario parent = builtin("convention-2021");
  const Form form = build_form(parent, "convention-2021.toml");
  // The national envelope, then every region in the annex's order, named as the scenario names it.
  ASSERT_FALSE(form.groups.empty());
  EXPECT_EQ(form.groups.front().id, "envelopes");
  ASSERT_EQ(form.groups.front().fields.size(), 1 + parent.convention.regions.size());
  EXPECT_EQ(form.groups.front().fields[0].value, std::vector<std::string>{"150000000"});
  EXPECT_EQ(form.groups.front().fields[7].key, "convention.regions.IDF.envelope_eur");
  EXPECT_EQ(form.groups.front().fields[7].label.fr, "Île-de-France");
  EXPECT_EQ(form.groups.front().fields[7].value, std::vector<std::string>{"28500000"});
  EXPECT_EQ(form.groups.front().fields[7].kind, FieldKind::integer);
  const FormField* profile = find_field(form, "demand.arrivals.monthly_profile");
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->kind, FieldKind::profile);
  ASSERT_EQ(profile->value.size(), 12u);
  EXPECT_EQ(profile->value.front(), "0.06");
  const FormField* policy = find_field(form, "demand.exhaustion_policy");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->value, std::vector<std::string>{"stop"});
  EXPECT_EQ(find_field(form, "steering.reserve_share"), nullptr);  // the convention has no committee
  EXPECT_NE(form_json(form).find("\"Île-de-France\""), std::string::npos);
}

TEST(WorkbenchForm, NamesUncertainParametersAndEventsByTheirKeyPaths) {
  const Form form = build_form(builtin("observed-september-2021"), "observed-september-2021.toml");
  const FormField* cv = find_field(form, "uncertainty.parameters.\"events.widening.expected_dossiers\".cv");
  ASSERT_NE(cv, nullptr);
  EXPECT_EQ(cv->diagnostic_key, "uncertainty.parameters.events.widening.expected_dossiers.cv");
  EXPECT_EQ(cv->value, std::vector<std::string>{"1"});
  EXPECT_NE(find_field(form, "uncertainty.jump_probability"), nullptr);
  // A value drawn in every replication is offered by its distribution only:
  // typed as stated, the draw would replace it and the variant be the baseline.
  EXPECT_EQ(find_field(form, "events.widening.expected_dossiers"), nullptr);
  EXPECT_EQ(find_field(form, "events.deadline-rush.share"), nullptr);
  const FormField* mean =
      find_field(form, "uncertainty.parameters.\"events.widening.expected_dossiers\".mean");
  ASSERT_NE(mean, nullptr);
  const Variant tripled = build_variant(form, {{mean->key, {"2100"}}}, empty_directory());
  ASSERT_TRUE(tripled.ok()) << variant_json(tripled);
  const auto& parameters = tripled.scenario->uncertainty.parameters;
  const auto widening = std::find_if(parameters.begin(), parameters.end(), [](const UncertainParameter& p) {
    return p.path == "events.widening.expected_dossiers";
  });
  ASSERT_NE(widening, parameters.end());
  EXPECT_EQ(widening->distribution.a, 2100);
  // What the scenario states and does not draw is offered as stated.
  EXPECT_NE(find_field(build_form(builtin("observed-2021"), "observed-2021.toml"),
                       "demand.arrivals.expected_dossiers"),
            nullptr);
  const Form steering = build_form(builtin("steering-2021"), "steering-2021.toml");
  EXPECT_NE(find_field(steering, "steering.complementary.amount_eur"), nullptr);
}

TEST(WorkbenchForm, AnUnchangedFormIsTheParentAndStatesNothing) {
  const Scenario parent = builtin("convention-2021");
  const Form form = build_form(parent, "convention-2021.toml");
  FormValues values;
  for (const FormGroup& group : form.groups)
    for (const FormField& field : group.fields) values[field.key] = field.value;
  values["convention.total_envelope_eur"] = {"150 000 000"};  // the same number, typed as a planner would
  const Variant variant = build_variant(form, values, empty_directory());
  ASSERT_TRUE(variant.ok()) << variant_json(variant);
  EXPECT_TRUE(variant.changed.empty());
  EXPECT_EQ(std::count(variant.toml.begin(), variant.toml.end(), '='), 2);  // extends and name only
}

TEST(WorkbenchForm, AVariantStatesOnlyWhatChangedAndIsTheScenarioWithThoseValues) {
  const Scenario parent = builtin("convention-2021");
  const Form form = build_form(parent, "convention-2021.toml");
  const Variant variant = build_variant(form,
                                        {{"convention.regions.IDF.envelope_eur", {"30\u202f000\u202f000"}},
                                         {"convention.regions.ARA.envelope_eur", {"26_000_000"}},
                                         {"demand.arrivals.national_uptake_cv", {"0,25"}}},
                                        empty_directory());
  ASSERT_TRUE(variant.ok()) << variant_json(variant);
  EXPECT_EQ(variant.changed.size(), 3u);
  EXPECT_NE(variant.toml.find("extends = \"convention-2021.toml\"\n"), std::string::npos);
  EXPECT_NE(variant.toml.find("convention.regions.IDF.envelope_eur = 30000000\n"), std::string::npos);
  EXPECT_NE(variant.toml.find("demand.arrivals.national_uptake_cv = 0.25\n"), std::string::npos);
  // The values, as the reader reads them; the rest is the parent's.
  EXPECT_EQ(variant.scenario->convention.regions[6].envelope, Cents{3'000'000'000});
  EXPECT_EQ(variant.scenario->convention.regions[0].envelope, Cents{2'600'000'000});
  EXPECT_EQ(variant.scenario->convention.regions[1].envelope, parent.convention.regions[1].envelope);
  // The same as the sweep's own way of setting a key.
  const Scenario expected = scenario_with_value(parent, "demand.arrivals.national_uptake_cv", 0.25);
  EXPECT_EQ(variant.scenario->demand.national_uptake_cv, expected.demand.national_uptake_cv);
  EXPECT_EQ(variant.scenario->name, "convention-2021-variant");
}

// Moving money must not move demand: the scenario spreads its national count
// by the amounts available, and a planner asks what the same demand does with
// other envelopes. The variant states each region's expected dossiers.
TEST(WorkbenchForm, MovingMoneyHoldsEachRegionsDemand) {
  const Scenario parent = builtin("convention-2021");
  const Form form = build_form(parent, "convention-2021.toml");
  const Variant moved = build_variant(form,
                                      {{"convention.regions.IDF.envelope_eur", {"33 500 000"}},
                                       {"convention.regions.ARA.envelope_eur", {"22 500 000"}}},
                                      empty_directory());
  ASSERT_TRUE(moved.ok()) << variant_json(moved);
  EXPECT_TRUE(moved.demand_held);
  EXPECT_EQ(moved.changed.size(), 2u);  // what the planner changed; the demand is said in a note
  EXPECT_NE(moved.toml.find("demand.regions.IDF.expected_dossiers = "), std::string::npos);
  for (std::size_t r = 0; r < parent.demand.regions.size(); ++r)
    EXPECT_DOUBLE_EQ(moved.scenario->demand.regions[r].expected_dossiers,
                     parent.demand.regions[r].expected_dossiers)
        << parent.convention.regions[r].code;
  EXPECT_NE(variant_json(moved).find("\"demand_held\": true"), std::string::npos);

  // A national count typed beside scales every region's, in the parent's proportions.
  const Variant more = build_variant(form,
                                     {{"convention.regions.IDF.envelope_eur", {"33 500 000"}},
                                      {"convention.regions.ARA.envelope_eur", {"22 500 000"}},
                                      {"demand.arrivals.expected_dossiers", {"12 000"}}},
                                     empty_directory());
  ASSERT_TRUE(more.ok()) << variant_json(more);
  for (std::size_t r = 0; r < parent.demand.regions.size(); ++r)
    EXPECT_NEAR(more.scenario->demand.regions[r].expected_dossiers,
                parent.demand.regions[r].expected_dossiers * 1.2, 1e-9)
        << parent.convention.regions[r].code;

  // No money moved: nothing held, nothing said.
  const Variant other =
      build_variant(form, {{"demand.arrivals.national_uptake_cv", {"0,25"}}}, empty_directory());
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other.demand_held);
  EXPECT_EQ(other.toml.find("demand.regions."), std::string::npos);
}

// R1 states its demand as a ratio to the envelope: moving money moves demand
// by the scenario's own words, and the variant says so rather than holding it.
TEST(WorkbenchForm, DemandStatedAsARatioToTheEnvelopeFollowsTheMoneyAndSaysSo) {
  const Form form = build_form(builtin("reference-r1"), "reference-r1.toml");
  const Variant moved = build_variant(form,
                                      {{"convention.regions.IDF.envelope_eur", {"33 500 000"}},
                                       {"convention.regions.ARA.envelope_eur", {"22 500 000"}}},
                                      empty_directory());
  ASSERT_TRUE(moved.ok()) << variant_json(moved);
  EXPECT_FALSE(moved.demand_held);
  EXPECT_EQ(moved.toml.find("demand.regions."), std::string::npos);
  ASSERT_EQ(moved.notes.size(), 1u);
  EXPECT_NE(moved.notes.front().find("ratio to the envelope"), std::string::npos);
}

TEST(WorkbenchForm, EveryProblemIsReportedAtItsFieldOrInGeneral) {
  const Form form = build_form(builtin("observed-september-2021"), "observed-september-2021.toml");
  const std::string cv = "uncertainty.parameters.\"events.widening.expected_dossiers\".cv";
  const Variant variant = build_variant(form,
                                        {{"demand.arrivals.expected_dossiers", {"beaucoup"}},
                                         {cv, {"-1"}},
                                         {"convention.regions.IDF.envelope_eur", {"30000000"}},
                                         {"demand.exhaustion_policy", {"refuse"}}},
                                        empty_directory());
  EXPECT_FALSE(variant.ok());
  ASSERT_EQ(variant.field_messages.count("demand.arrivals.expected_dossiers"), 1u);
  EXPECT_EQ(variant.field_messages.at("demand.arrivals.expected_dossiers").front(),
            "expected a number, found 'beaucoup'");
  EXPECT_EQ(variant.field_messages.count("demand.exhaustion_policy"), 1u);
  // The reader's own message, as `fnesim validate` prints it, at the field it names.
  ASSERT_EQ(variant.field_messages.count(cv), 1u);
  EXPECT_NE(variant.field_messages.at(cv).front().find(
                "observed-september-2021-variant.toml:"),
            std::string::npos);
  EXPECT_NE(variant.field_messages.at(cv).front().find("must be in [1e-06, 10], found -1"),
            std::string::npos);
  // The envelopes no longer add up: a problem of no single field.
  ASSERT_EQ(variant.general.size(), 1u);
  EXPECT_NE(variant.general.front().find("regional envelopes sum to"), std::string::npos);
}

// A likely slip of units is said at its field as well as in the list, in
// the loaded scenario and in a variant; one corrected is said nowhere.
TEST(WorkbenchForm, AWarningIsSaidAtTheFieldItNames) {
  const Form form = build_form(builtin("convention-2021"), "convention-2021.toml");
  EXPECT_TRUE(form.field_warnings.empty());
  const std::string idf = "convention.regions.IDF.envelope_eur", ara = "convention.regions.ARA.envelope_eur";
  // 28.5 M EUR typed in millions; the total no longer adds up, so IDF's lost millions go to ARA.
  const Variant slip = build_variant(form, {{idf, {"28.5"}}, {ara, {"55999971.5"}}}, empty_directory());
  ASSERT_TRUE(slip.ok()) << variant_json(slip);
  ASSERT_EQ(slip.field_warnings.count(idf), 1u) << variant_json(slip);
  EXPECT_EQ(slip.field_warnings.at(idf).size(), 1u);
  EXPECT_NE(slip.field_warnings.at(idf).front().find("pays no training"), std::string::npos);
  EXPECT_NE(std::find(slip.warnings.begin(), slip.warnings.end(), slip.field_warnings.at(idf).front()),
            slip.warnings.end());
  EXPECT_EQ(slip.field_warnings.count(ara), 0u);
  EXPECT_NE(variant_json(slip).find("\"field_warnings\": {"), std::string::npos);
  // The parent of a later variant: its form says the warning at the field too.
  const fs::path directory = empty_directory();
  std::ofstream(directory / "slip.toml") << slip.toml;
  const Scenario loaded = load_scenario_argument((directory / "slip.toml").string());
  const Form slipped = build_form(loaded, "slip.toml", directory);
  ASSERT_EQ(slipped.field_warnings.count(idf), 1u);
  EXPECT_EQ(slipped.field_warnings.at(idf).front().rfind("slip.toml:", 0), 0u)
      << slipped.field_warnings.at(idf).front();
  const Variant corrected = build_variant(slipped, {{idf, {"28500000"}}, {ara, {"27500000"}}}, directory);
  ASSERT_TRUE(corrected.ok()) << variant_json(corrected);
  EXPECT_TRUE(corrected.field_warnings.empty()) << variant_json(corrected);
  fs::remove(directory / "slip.toml");
}

// "9,500" is 9.5 to a French reader and 9 500 to an English one: refused,
// with both readings, rather than run as the one the planner did not mean.
TEST(WorkbenchForm, ANumberGroupedLikeThousandsIsNotGuessed) {
  Form form = build_form(builtin("convention-2021"), "convention-2021.toml");
  const std::string dossiers = "demand.arrivals.expected_dossiers", cv = "demand.arrivals.national_uptake_cv";
  for (const char* typed : {"9,500", "9.500", "-9,500"}) {
    const Variant variant = build_variant(form, {{dossiers, {typed}}}, empty_directory());
    ASSERT_EQ(variant.field_messages.count(dossiers), 1u) << typed;
    EXPECT_NE(variant.field_messages.at(dossiers).front().find("could be "), std::string::npos) << typed;
  }
  EXPECT_EQ(
      build_variant(form, {{dossiers, {"9,500"}}}, empty_directory()).field_messages.at(dossiers).front(),
      "'9,500' could be 9.500 or 9500: type 9500 (or with spaces) for the one, 9.5000 for the other");
  // Not ambiguous: a leading 0, other than three decimals, grouped by spaces.
  for (const auto& [key, typed] : {std::pair{cv, "0,150"}, std::pair{cv, "0,25"},
                                   std::pair{dossiers, "9 500"}, std::pair{dossiers, "9500,5"}})
    EXPECT_TRUE(build_variant(form, {{key, {typed}}}, empty_directory()).ok()) << typed;
  // The scenario's own "1.125", sent back unchanged, is its number.
  for (FormGroup& group : form.groups)
    for (FormField& field : group.fields)
      if (field.key == cv) field.value = {"1.125"};
  const Variant unchanged = build_variant(form, {{cv, {"1.125"}}}, empty_directory());
  EXPECT_TRUE(unchanged.ok()) << variant_json(unchanged);
  EXPECT_TRUE(unchanged.changed.empty());
}

TEST(WorkbenchForm, TheProfileNeedsItsTwelveNumbers) {
  const Form form = build_form(builtin("convention-2021"), "convention-2021.toml");
  const Variant short_profile =
      build_variant(form, {{"demand.arrivals.monthly_profile", {"0.5", "0.5"}}}, empty_directory());
  ASSERT_EQ(short_profile.field_messages.count("demand.arrivals.monthly_profile"), 1u);
  EXPECT_EQ(short_profile.field_messages.at("demand.arrivals.monthly_profile").front(),
            "expected 12 values, found 2");
  std::vector<std::string> flat(12, "1");
  const Variant even = build_variant(form, {{"demand.arrivals.monthly_profile", flat}}, empty_directory());
  ASSERT_TRUE(even.ok()) << variant_json(even);
  EXPECT_NE(even.toml.find("demand.arrivals.monthly_profile = [1.0, 1.0,"), std::string::npos);
}

TEST(WorkbenchForm, KeysThatAreNotFieldsAreIgnored) {
  const Form form = build_form(builtin("convention-2021"), "convention-2021.toml");
  const Variant variant = build_variant(form, {{"run.seed", {"1"}}, {"extends", {"/etc/passwd"}}}, empty_directory());
  ASSERT_TRUE(variant.ok());
  EXPECT_TRUE(variant.changed.empty());
  EXPECT_EQ(variant.toml.find("passwd"), std::string::npos);
}

TEST(WorkbenchForm, AParentsNameIsSpelledAsTomlWantsIt) {
  const fs::path directory = empty_directory() / "named";
  fs::create_directories(directory);
  Scenario parent = builtin("convention-2021");
  parent.name = "two\nlines \"quoted\"";
  const Form form = build_form(parent, "convention-2021.toml");
  const Variant variant = build_variant(form, {}, directory);
  ASSERT_TRUE(variant.ok()) << variant_json(variant);
  EXPECT_EQ(variant.scenario->name, "two\nlines \"quoted\"-variant");
}

TEST(WorkbenchForm, AVariantIsNeverNamedLikeAFileBesideIt) {
  const fs::path directory = empty_directory() / "beside";
  fs::create_directories(directory);
  std::ofstream(directory / "convention-2021-variant.toml") << "name = \"x\"\n";
  const Form form = build_form(builtin("convention-2021"), "convention-2021.toml");
  EXPECT_EQ(variant_name(form, directory), "convention-2021-variant-2");
  const Variant variant = build_variant(form, {{"demand.arrivals.expected_dossiers", {"9000"}}}, directory);
  ASSERT_TRUE(variant.ok()) << variant_json(variant);
  EXPECT_EQ(variant.scenario->name, "convention-2021-variant-2");
}

TEST(WorkbenchForm, WhatWasTypedIsQuotedAsValidText) {
  const Form form = build_form(builtin("convention-2021"), "convention-2021.toml");
  const Variant variant =
      build_variant(form, {{"demand.arrivals.expected_dossiers", {"9\xff\xc3"}}}, empty_directory());
  ASSERT_EQ(variant.field_messages.count("demand.arrivals.expected_dossiers"), 1u);
  EXPECT_EQ(variant.field_messages.at("demand.arrivals.expected_dossiers").front(),
            "expected a number, found '9\xEF\xBF\xBD\xEF\xBF\xBD'");
  // An encoded surrogate and an overlong '/' are no UTF-8 either: each byte replaced.
  const Variant more = build_variant(
      form, {{"demand.arrivals.expected_dossiers", {"\xed\xa0\x80\xe0\x80\xaf"}}}, empty_directory());
  std::string six;
  for (int i = 0; i < 6; ++i) six += "\xEF\xBF\xBD";
  EXPECT_EQ(more.field_messages.at("demand.arrivals.expected_dossiers").front(),
            "expected a number, found '" + six + "'");
}

TEST(WorkbenchJson, ReadsThePagesBodies) {
  const JsonValue body = parse_json(
      R"({"values": {"a.b": "1", "p": ["0.5", 2]}, "replications": 400, "baseline": true, "s": "\u00e9\ud83d\ude00"})");
  ASSERT_NE(body.get("values"), nullptr);
  EXPECT_EQ(*body.get("values")->get("a.b")->string(), "1");
  EXPECT_EQ(body.get("values")->get("p")->array()->size(), 2u);
  EXPECT_EQ(*body.get("replications")->number(), 400);
  EXPECT_TRUE(*body.get("baseline")->boolean());
  EXPECT_EQ(*body.get("s")->string(), "\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(WorkbenchJson, RefusesWhatIsNotJsonWithItsPlace) {
  for (const char* bad : {"", "{", "{\"a\": }", "[1, 2", "{\"a\": 1} x", "\"\\ud800\"", "{\"a\": 1e999}",
                          "\"\x01\"", "{'a': 1}", "nul"})
    EXPECT_THROW(parse_json(bad), JsonSyntaxError) << bad;
  try {
    parse_json("{\"a\": tru}");
    FAIL();
  } catch (const JsonSyntaxError& e) {
    EXPECT_NE(std::string(e.what()).find("at byte 6"), std::string::npos) << e.what();
  }
  // Hostile nesting ends in a message, not in a stack overflow.
  EXPECT_THROW(parse_json(std::string(100'000, '[')), JsonSyntaxError);
}

}  // namespace
}  // namespace fnesim::workbench
