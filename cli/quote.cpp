// `fnesim quote`: the adviser's calculator. Given a company and a dossier, says
// which art. 6 rule applies and who pays what; or what a DIAG GPEC COVID-19
// diagnostic (art. 3) or a sector study (art. 3) earns. docs/coverage.md.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "models/coverage.hpp"
#include "results/quote_report.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::cli {
namespace {

// Everything is read as text and parsed here, so that each mistake gets a
// message naming the option and what was expected, and amounts never pass
// through binary floating point.
struct QuoteOptions {
  std::string scenario;
  std::string headcount, status, pathway, trainees, pedagogical, ancillary, remuneration, date, regime;
  std::string diagnostic_days, diagnostic_days_used, sector_study;
  bool json = false;
  CLI::Option* scenario_option = nullptr;
  CLI::Option* headcount_option = nullptr;
  CLI::Option* status_option = nullptr;
  CLI::Option* pathway_option = nullptr;
  CLI::Option* trainees_option = nullptr;
  CLI::Option* pedagogical_option = nullptr;
  CLI::Option* ancillary_option = nullptr;
  CLI::Option* remuneration_option = nullptr;
  CLI::Option* date_option = nullptr;
  CLI::Option* regime_option = nullptr;
  CLI::Option* diagnostic_days_option = nullptr;
  CLI::Option* diagnostic_days_used_option = nullptr;
  CLI::Option* sector_study_option = nullptr;
};

// Collects every argument problem, so that one run reports them all.
class Problems {
 public:
  void add(std::string message) { messages_.push_back(std::move(message)); }
  bool empty() const { return messages_.empty(); }
  void print() const {
    for (const auto& message : messages_) std::cerr << "fnesim quote: " << message << '\n';
    std::cerr << "Run 'fnesim quote --help' for the options.\n";
  }

 private:
  std::vector<std::string> messages_;
};

std::string quoted(const std::string& text) {
  std::string out = "'";
  out += text;
  out += '\'';
  return out;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& keys) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += keys[i];
  }
  return out;
}

// Category keys are matched without regard to case: advisers type "ap" or "Apld".
template <typename Enum, std::size_t N>
std::optional<Enum> parse_key(const std::string& option, const std::string& text,
                              const std::array<std::string_view, N>& keys, Problems& problems) {
  for (std::size_t i = 0; i < N; ++i)
    if (lower(std::string(keys[i])) == lower(text)) return static_cast<Enum>(i);
  std::string message = option;
  message += ": unknown value ";
  message += quoted(text);
  message += ", expected ";
  message += one_of(keys);
  problems.add(message);
  return std::nullopt;
}

std::optional<long> parse_count(const std::string& option, const std::string& text, long min, long max,
                                const char* what, Problems& problems) {
  long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  std::string message = option;
  if (ec == std::errc::result_out_of_range && ptr == end && !text.empty() && text[0] != '-') {
    message += ": ";
    message += text;
    message += ' ';
    message += what;
    message += " is out of range, expected ";
    message += std::to_string(min);
    message += " to ";
    message += std::to_string(max);
  } else if (text.empty() || ec != std::errc{} || ptr != end) {
    message += ": ";
    message += quoted(text);
    message += " is not a whole number of ";
    message += what;
  } else if (value < min || value > max) {
    message += ": ";
    message += text;
    message += ' ';
    message += what;
    message += " is out of range, expected ";
    message += std::to_string(min);
    message += " to ";
    message += std::to_string(max);
  } else {
    return value;
  }
  problems.add(message);
  return std::nullopt;
}

std::optional<Cents> parse_amount(const std::string& option, const std::string& text, Problems& problems) {
  const std::optional<Cents> cents = parse_euros(text);
  std::string message = option;
  if (!cents) {
    message += ": ";
    message += quoted(text);
    message += " is not an amount in euros: write digits with at most two decimals and no sign, e.g. 1234.56";
  } else if (*cents > max_amount) {
    message += ": ";
    message += text;
    message += " EUR is beyond the largest amount accepted (";
    message += format_euros(max_amount);
    message += " EUR)";
  } else {
    return cents;
  }
  problems.add(message);
  return std::nullopt;
}

std::optional<Date> parse_date(const std::string& text, Problems& problems) {
  if (auto date = Date::parse(text)) return date;
  std::string message = "--date: ";
  message += quoted(text);
  message += " is not a date, expected YYYY-MM-DD";
  problems.add(message);
  return std::nullopt;
}

Scenario load(const QuoteOptions& options) {
  Scenario scenario = options.scenario_option->count() > 0 ? load_scenario_argument(options.scenario)
                                                           : load_default_scenario();
  say_scenario_warnings(scenario);
  return scenario;
}

// The scenario's rules are the convention's from commitment_start to
// commitment_end (art. 7), and only there: a dossier filed before is a 2020
// dossier taken over under the conditions of its own filing, which no scenario
// states; after, nothing can be committed. Either way there is no quote to give.
bool check_in_commitment_window(const Convention& convention, Date date, Problems& problems) {
  const bool before = date < convention.commitment_start;
  if (!before && !(date > convention.commitment_end)) return true;
  std::string message = "--date ";
  message += date.iso();
  message += before ? " is before" : " is after";
  message += " the commitment window ";
  message += convention.commitment_start.iso();
  message += " to ";
  message += convention.commitment_end.iso();
  if (before) {
    message += ": from ";
    message += convention.commitment_start.iso();
    message +=
        " the convention takes dossiers in charge under its art. 3 and 6 conditions (art. 7); a 2020 "
        "dossier it takes over keeps the conditions in force when it was filed (art. 7), which fnesim "
        "does not encode, so it cannot quote one";
  } else {
    message += ": commitments stop on ";
    message += convention.commitment_end.iso();
    message += " (art. 7), so a dossier filed later cannot be committed under this convention";
  }
  problems.add(message);
  return false;
}

void print(const std::string& text) { std::cout << text << std::flush; }

int quote_diagnostic(const QuoteOptions& options, const Scenario& scenario, Date date, Problems& problems) {
  const auto days = parse_count("--diagnostic-days", options.diagnostic_days, 1, 366, "days", problems);
  std::optional<long> used = 0;
  if (options.diagnostic_days_used_option->count() > 0)
    used = parse_count("--diagnostic-days-used", options.diagnostic_days_used, 0, 366, "days", problems);
  if (!problems.empty()) {
    problems.print();
    return exit_bad_input;
  }
  DiagnosticQuote quote;
  quote.scenario = scenario.name;
  quote.date = date;
  quote.days_requested = static_cast<int>(*days);
  quote.days_already_funded = static_cast<int>(*used);
  quote.day_rate = scenario.coverage.diagnostic_day_rate;
  quote.max_days_per_year = scenario.coverage.diagnostic_max_days_per_year;
  quote.grant = grant_diagnostic_days(scenario.coverage, quote.days_already_funded, quote.days_requested);
  if (quote.grant.days_refused > 0) {
    std::string note = std::to_string(quote.grant.days_refused);
    note += " day(s) beyond the limit of ";
    note += std::to_string(quote.max_days_per_year);
    note += " days per company and per year are not funded by the envelope (art. 3)";
    quote.notes.push_back(note);
  }
  print(options.json ? render_json(quote) : render_text(quote));
  return exit_ok;
}

int quote_sector_study(const QuoteOptions& options, const Scenario& scenario, Date date, Problems& problems) {
  const auto cost = parse_amount("--sector-study", options.sector_study, problems);
  if (!problems.empty()) {
    problems.print();
    return exit_bad_input;
  }
  SectorStudyQuote quote;
  quote.scenario = scenario.name;
  quote.date = date;
  quote.cost = *cost;
  quote.split = split_sector_study(scenario.coverage, *cost);
  print(options.json ? render_json(quote) : render_text(quote));
  return exit_ok;
}

int quote_training(const QuoteOptions& options, const Scenario& scenario, Date date, Problems& problems) {
  std::string missing;
  for (const auto* option : {options.headcount_option, options.status_option, options.pathway_option,
                             options.trainees_option, options.pedagogical_option}) {
    if (option->count() == 0) {
      if (!missing.empty()) missing += ", ";
      missing += option->get_name();
    }
  }
  if (!missing.empty()) {
    std::string message = "missing ";
    message += missing;
    message +=
        " (a training quote needs --headcount, --status, --pathway, --trainees and --pedagogical; "
        "or quote a diagnostic with --diagnostic-days, a study with --sector-study)";
    problems.add(message);
    problems.print();
    return exit_bad_input;
  }

  const auto headcount = parse_count("--headcount", options.headcount, 1, size_class_max_headcount.back(),
                                     "employees", problems);
  const auto status = parse_key<Status>("--status", options.status, status_keys, problems);
  const auto pathway = parse_key<Pathway>("--pathway", options.pathway, pathway_keys, problems);
  const auto regime = options.regime_option->count() > 0
                          ? parse_key<Regime>("--regime", options.regime, regime_keys, problems)
                          : std::optional<Regime>(Regime::Convention);
  const auto trainees = parse_count("--trainees", options.trainees, 1, 1'000'000, "trainees", problems);
  const auto pedagogical = parse_amount("--pedagogical", options.pedagogical, problems);
  std::optional<Cents> ancillary = 0, remuneration = 0;
  if (options.ancillary_option->count() > 0)
    ancillary = parse_amount("--ancillary", options.ancillary, problems);
  if (options.remuneration_option->count() > 0)
    remuneration = parse_amount("--remuneration", options.remuneration, problems);
  // A dossier trains the company's own employees (art. 1).
  if (headcount && trainees && *trainees > *headcount) {
    std::string message = "--trainees ";
    message += std::to_string(*trainees);
    message += " is more than the company's --headcount ";
    message += std::to_string(*headcount);
    problems.add(message);
  }
  if (!problems.empty()) {
    problems.print();
    return exit_bad_input;
  }

  TrainingQuote quote;
  quote.scenario = scenario.name;
  DossierRequest& d = quote.request;
  d.headcount = *headcount;
  d.status = *status;
  d.pathway = *pathway;
  d.regime = *regime;
  d.trainees = static_cast<int>(*trainees);
  d.pedagogical = *pedagogical;
  d.ancillary = *ancillary;
  d.remuneration = *remuneration;
  d.filing_date = date;
  try {
    quote.split = split_dossier(scenario.coverage, d);
  } catch (const NoCoverageRule& e) {
    // A valid question whose answer is "not eligible": not an input error,
    // answered in JSON too when JSON was asked for.
    if (options.json) print(render_json_not_eligible(quote, e.what()));
    std::cerr << "fnesim quote: not eligible: " << e.what() << '\n';
    return exit_failure;
  }
  print(options.json ? render_json(quote) : render_text(quote));
  return exit_ok;
}

int run_quote(const QuoteOptions& options) {
  try {
    const Scenario scenario = load(options);
    // A bad date is said with the other options' problems: every one at once.
    Problems problems;
    Date date = scenario.convention.commitment_start;
    if (options.date_option->count() > 0) {
      const auto parsed = parse_date(options.date, problems);
      if (parsed && check_in_commitment_window(scenario.convention, *parsed, problems)) date = *parsed;
    }
    if (options.diagnostic_days_option->count() > 0)
      return quote_diagnostic(options, scenario, date, problems);
    if (options.sector_study_option->count() > 0)
      return quote_sector_study(options, scenario, date, problems);
    return quote_training(options, scenario, date, problems);
  } catch (const std::invalid_argument& e) {
    // split_dossier's refusal of an amount or trainee count the options allowed through.
    throw UsageError(e.what());
  }
}

}  // namespace

void register_quote(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<QuoteOptions>();
  CLI::App* quote = app.add_subcommand(
      "quote",
      "Who pays what for one dossier under the convention's rules (art. 6 table), "
      "or for a company diagnostic (--diagnostic-days, art. 3) or a sector study (--sector-study, art. 3)");
  auto& o = *options;
  o.scenario_option = quote->add_option(
      "--scenario", o.scenario, "Scenario file or built-in name (default: the built-in convention-2021)");
  o.headcount_option =
      quote->add_option("--headcount", o.headcount, "Company headcount (employees), e.g. 450");
  o.status_option =
      quote->add_option("--status", o.status, "AP, APLD, difficulty, transformation or resumption");
  o.pathway_option = quote->add_option("--pathway", o.pathway,
                                       "reconversion, certifying, covid_specific or anticipation (art. 3)");
  o.trainees_option =
      quote->add_option("--trainees", o.trainees, "Number of employees trained in the dossier");
  o.pedagogical_option = quote->add_option("--pedagogical", o.pedagogical,
                                           "Pedagogical costs of the whole dossier in EUR, incl. "
                                           "positioning, evaluation and certification (art. 2)");
  o.ancillary_option = quote->add_option("--ancillary", o.ancillary, "Ancillary costs in EUR (default 0)");
  o.remuneration_option =
      quote->add_option("--remuneration", o.remuneration, "Trainees' remuneration in EUR (default 0)");
  o.date_option =
      quote->add_option("--date", o.date,
                        "Filing date YYYY-MM-DD, within the scenario's commitment window (art. 7; "
                        "default: its start)");
  o.regime_option = quote->add_option("--regime", o.regime,
                                      "convention (default) or block-exemption (EU general block exemption)");
  o.diagnostic_days_option = quote->add_option("--diagnostic-days", o.diagnostic_days,
                                               "Quote a DIAG GPEC COVID-19 company diagnostic of this many "
                                               "days instead of a training dossier (art. 3)");
  o.diagnostic_days_used_option = quote->add_option(
      "--diagnostic-days-used", o.diagnostic_days_used,
      "Diagnostic days already funded to the same company in the same calendar year (default 0)");
  o.sector_study_option =
      quote->add_option("--sector-study", o.sector_study,
                        "Quote a sector or territory study (GPEC industrielle/sectorielle, diag flash) "
                        "costing this many EUR (art. 3)");
  quote->add_flag("--json", o.json, "Print one JSON object instead of text");
  const std::pair<CLI::Option*, const char*> type_names[] = {
      {o.scenario_option, "FILE|NAME"}, {o.headcount_option, "N"},       {o.status_option, "STATUS"},
      {o.pathway_option, "PATHWAY"},    {o.trainees_option, "K"},        {o.pedagogical_option, "EUR"},
      {o.ancillary_option, "EUR"},      {o.remuneration_option, "EUR"},  {o.date_option, "YYYY-MM-DD"},
      {o.regime_option, "REGIME"},      {o.diagnostic_days_option, "D"}, {o.diagnostic_days_used_option, "U"},
      {o.sector_study_option, "EUR"}};
  for (const auto& [option, type_name] : type_names) option->type_name(type_name);
  quote->footer(
      "Forms:\n"
      "  fnesim quote --headcount N --status STATUS --pathway PATHWAY --trainees K --pedagogical EUR\n"
      "               [--ancillary EUR] [--remuneration EUR] [--regime REGIME]   (a training dossier, art. "
      "6)\n"
      "  fnesim quote --diagnostic-days D [--diagnostic-days-used U]   (DIAG GPEC COVID-19, art. 3)\n"
      "  fnesim quote --sector-study EUR   (GPEC industrielle/sectorielle, diag flash, art. 3)\n"
      "Amounts are the whole dossier's, in euros with at most two decimals (1234.56).\n"
      "Dates outside the commitment window are refused (art. 7): a 2020 dossier taken over keeps the\n"
      "conditions of its filing, which fnesim does not encode; after the window nothing is committed.\n"
      "Exit codes: 0 quoted, 1 not eligible, 2 bad arguments (a date outside the window) or scenario.");

  o.diagnostic_days_used_option->needs(o.diagnostic_days_option);
  for (CLI::Option* training_only :
       {o.headcount_option, o.status_option, o.pathway_option, o.trainees_option, o.pedagogical_option,
        o.ancillary_option, o.remuneration_option, o.regime_option}) {
    o.diagnostic_days_option->excludes(training_only);
    o.sector_study_option->excludes(training_only);
  }
  o.diagnostic_days_option->excludes(o.sector_study_option);

  quote->callback([options, &exit_code] { exit_code = run_quote(*options); });
}

}  // namespace fnesim::cli
