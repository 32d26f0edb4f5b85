#include "results/quote_report.hpp"

#include <stdexcept>

#include "results/json.hpp"
#include "results/text_table.hpp"

namespace fnesim {
namespace {

// "art6-lt300-AP (art. 6)"; a scenario's own rule may cite no article: its name alone.
std::string rule_with_article(const std::string& rule, const std::string& article) {
  return article.empty() ? rule : rule + " (" + article + ")";
}

std::string eur(Cents amount) {
  std::string out = format_euros(amount);
  out += " EUR";
  return out;
}

void append_notes(std::string& out, const std::vector<std::string>& notes) {
  if (!notes.empty()) out += '\n';
  for (const auto& note : notes) {
    out += "Note: ";
    out += note;
    out += '\n';
  }
}

void notes_json(JsonWriter& json, const std::vector<std::string>& notes) {
  json.key("notes").begin_array();
  for (const auto& note : notes) json.value(note);
  json.end_array();
}

// The header line already names the rule: in text, drop the citation each
// reason ends with (the JSON keeps it).
std::string without_citation(const std::string& reason, const std::string& rule_id) {
  std::string citation = " [rule ";
  citation += rule_id;
  const std::size_t at = reason.rfind(citation);
  return at == std::string::npos ? reason : reason.substr(0, at);
}

struct Part {
  const char* payer;
  Cents amount;
  const std::string* reason;
};

// Amounts in a narrow table, then why each payer pays what it pays.
std::string parts_text(const std::vector<Part>& parts, const std::string& rule_id, Cents total,
                       const std::vector<std::vector<std::string>>& extra_rows) {
  TextTable table;
  table.add_column("Paid by", TextTable::Align::Left);
  table.add_column("EUR");
  table.add_column("", TextTable::Align::Left);
  for (const Part& part : parts) table.add_row({part.payer, format_euros(part.amount), ""});
  table.add_rule();
  table.add_row({"Total", format_euros(total), ""});
  for (const auto& row : extra_rows) table.add_row(row);
  std::string out = table.render();
  out += "\nWhy:\n";
  for (const Part& part : parts) {
    out += "- ";
    out += part.payer;
    out += ": ";
    out += without_citation(*part.reason, rule_id);
    out += '\n';
  }
  return out;
}

void split_json(JsonWriter& json, const CostSplit& split) {
  json.field("rule", split.rule_id);
  json.field("article", split.article);
  json.field("rate", split.rate.as_fraction());
  json.field("capped", split.capped);
  json.field_euros("fne_eur", split.fne);
  json.field_euros("company_eur", split.company);
  json.field_euros("pdc50_eur", split.pdc50);
  json.field_euros("state_allowance_eur", split.state_allowance);
  json.field_euros("total_eur", split.total());
  json.key("reasons").begin_object();
  json.field("fne", split.fne_reason);
  json.field("company", split.company_reason);
  json.field("pdc50", split.pdc50_reason);
  json.field("state_allowance", split.state_allowance_reason);
  json.end_object();
}

}  // namespace

Cents per_trainee(Cents amount, int trainees) {
  if (trainees < 1) throw std::invalid_argument("per_trainee: at least one trainee");
  const Cents n = trainees;
  const Cents magnitude = amount < 0 ? -amount : amount;
  const Cents rounded = (2 * magnitude + n) / (2 * n);
  return amount < 0 ? -rounded : rounded;
}

std::string render_text(const TrainingQuote& quote) {
  const DossierRequest& d = quote.request;
  const CostSplit& split = quote.split;
  std::string out = "Quote under scenario ";
  out += quote.scenario;
  out += ", dossier filed on ";
  out += d.filing_date.iso();
  out += "\nCompany: ";
  out += std::to_string(d.headcount);
  out += " employees (size class ";
  out += key_of(size_class_of_headcount(d.headcount));
  out += "), status ";
  out += key_of(d.status);
  out += ", ";
  out += key_of(d.regime);
  out += " regime\nTraining: pathway ";
  out += key_of(d.pathway);
  out += ", ";
  out += std::to_string(d.trainees);
  out += d.trainees == 1 ? " trainee" : " trainees";
  out += "; pedagogical ";
  out += eur(d.pedagogical);
  out += ", ancillary ";
  out += eur(d.ancillary);
  out += ", remuneration ";
  out += eur(d.remuneration);
  out += "\nRule ";
  out += rule_with_article(split.rule_id, split.article);
  out += ": the FNE-Formation envelope pays ";
  out += format_percent(split.rate);
  out += " of eligible costs\n\n";

  std::string per = "(FNE-Formation ";
  per += format_euros(per_trainee(split.fne, d.trainees));
  per += ')';
  out += parts_text({{"FNE-Formation envelope", split.fne, &split.fne_reason},
                     {"Company", split.company, &split.company_reason},
                     {"PDC-50 (OPCO 2i)", split.pdc50, &split.pdc50_reason},
                     {"State (partial activity)", split.state_allowance, &split.state_allowance_reason}},
                    split.rule_id, split.total(),
                    {{"Per trainee", format_euros(per_trainee(split.total(), d.trainees)), per}});
  append_notes(out, quote.notes);
  return out;
}

namespace {

// The training dossier asked about, as every training answer begins.
void training_inputs(JsonWriter& json, const TrainingQuote& quote, bool eligible) {
  const DossierRequest& d = quote.request;
  json.field("kind", "training");
  json.field("scenario", quote.scenario);
  json.field("date", d.filing_date.iso());
  json.field("headcount", static_cast<std::int64_t>(d.headcount));
  json.field("size_class", key_of(size_class_of_headcount(d.headcount)));
  json.field("status", key_of(d.status));
  json.field("pathway", key_of(d.pathway));
  json.field("regime", key_of(d.regime));
  json.field("trainees", d.trainees);
  json.field_euros("pedagogical_eur", d.pedagogical);
  json.field_euros("ancillary_eur", d.ancillary);
  json.field_euros("remuneration_eur", d.remuneration);
  json.field("eligible", eligible);
}

}  // namespace

std::string render_json_not_eligible(const TrainingQuote& quote, const std::string& reason) {
  JsonWriter json;
  json.begin_object();
  training_inputs(json, quote, false);
  json.field("reason", reason);
  json.end_object();
  return json.str();
}

std::string render_json(const TrainingQuote& quote) {
  JsonWriter json;
  json.begin_object();
  training_inputs(json, quote, true);
  split_json(json, quote.split);
  json.field_euros("fne_per_trainee_eur", per_trainee(quote.split.fne, quote.request.trainees));
  json.field_euros("total_per_trainee_eur", per_trainee(quote.split.total(), quote.request.trainees));
  notes_json(json, quote.notes);
  json.end_object();
  return json.str();
}

std::string render_text(const DiagnosticQuote& quote) {
  std::string out = "Quote under scenario ";
  out += quote.scenario;
  out += ": company diagnostic DIAG GPEC COVID-19 (art. 3), ";
  out += std::to_string(quote.date.year());
  out += "\nFlat rate ";
  out += eur(quote.day_rate);
  out += " per day, at most ";
  out += std::to_string(quote.max_days_per_year);
  out += " days per company and per calendar year\n";
  out += "Days requested: ";
  out += std::to_string(quote.days_requested);
  out += " (already funded to this company this year: ";
  out += std::to_string(quote.days_already_funded);
  out += ")\nDays funded: ";
  out += std::to_string(quote.grant.days_funded);
  out += ", days refused: ";
  out += std::to_string(quote.grant.days_refused);
  out += "\nFNE-Formation envelope: ";
  out += eur(quote.grant.fne);
  out += " [rule art3-diag-gpec, art. 3]\n";
  append_notes(out, quote.notes);
  return out;
}

std::string render_json(const DiagnosticQuote& quote) {
  JsonWriter json;
  json.begin_object();
  json.field("kind", "diagnostic");
  json.field("scenario", quote.scenario);
  json.field("date", quote.date.iso());
  json.field("year", quote.date.year());
  json.field("days_requested", quote.days_requested);
  json.field("days_already_funded", quote.days_already_funded);
  json.field("rule", "art3-diag-gpec");
  json.field("article", "art. 3");
  json.field_euros("day_rate_eur", quote.day_rate);
  json.field("max_days_per_year", quote.max_days_per_year);
  json.field("days_funded", quote.grant.days_funded);
  json.field("days_refused", quote.grant.days_refused);
  json.field_euros("fne_eur", quote.grant.fne);
  notes_json(json, quote.notes);
  json.end_object();
  return json.str();
}

std::string render_text(const SectorStudyQuote& quote) {
  std::string out = "Quote under scenario ";
  out += quote.scenario;
  out += ": sector or territory study (GPEC industrielle/sectorielle, \"diag flash\"), ";
  out += quote.date.iso();
  out += "\nRule ";
  out += rule_with_article(quote.split.rule_id, quote.split.article);
  out += ": the FNE-Formation envelope pays ";
  out += format_percent(quote.split.rate);
  out += " of the study's cost\n\n";
  out += parts_text({{"FNE-Formation envelope", quote.split.fne, &quote.split.fne_reason},
                     {"Company or branch", quote.split.company, &quote.split.company_reason}},
                    quote.split.rule_id, quote.split.total(), {});
  append_notes(out, quote.notes);
  return out;
}

std::string render_json(const SectorStudyQuote& quote) {
  JsonWriter json;
  json.begin_object();
  json.field("kind", "sector-study");
  json.field("scenario", quote.scenario);
  json.field("date", quote.date.iso());
  json.field_euros("cost_eur", quote.cost);
  split_json(json, quote.split);
  notes_json(json, quote.notes);
  json.end_object();
  return json.str();
}

}  // namespace fnesim
