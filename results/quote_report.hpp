#pragma once
// What `fnesim quote` prints: a short statement an adviser can read out to a
// company (text), or one JSON object for programs. The numbers come from
// models/coverage; this file only renders them.
#include <string>
#include <vector>

#include "models/calendar.hpp"
#include "models/coverage.hpp"

namespace fnesim {

// A training dossier (art. 3 pathways) split by the art. 6 table.
struct TrainingQuote {
  std::string scenario;  // scenario name, e.g. "convention-2021"
  DossierRequest request;
  CostSplit split;
  // What the figures alone do not say. None for a training dossier today; every
  // kind of quote carries the list, so that its JSON has the same shape.
  std::vector<std::string> notes;
};

// Art. 3, DIAG GPEC COVID-19: flat rate per day, capped per company and year.
struct DiagnosticQuote {
  std::string scenario;
  Date date;
  int days_requested = 0;
  int days_already_funded = 0;  // earlier diagnostics of the same company in the same year
  Cents day_rate = 0;
  int max_days_per_year = 0;
  DiagnosticGrant grant;
  std::vector<std::string> notes;
};

// Art. 3 (2): sector or territory study ("GPEC industrielle/sectorielle", "diag flash").
struct SectorStudyQuote {
  std::string scenario;
  Date date;
  Cents cost = 0;
  CostSplit split;
  std::vector<std::string> notes;
};

// Amount per trainee, to the nearest cent (halves away from zero).
Cents per_trainee(Cents amount, int trainees);

std::string render_text(const TrainingQuote& quote);
std::string render_json(const TrainingQuote& quote);
// A training dossier no rule covers (`quote --json` still answers in JSON):
// the inputs, "eligible": false and why; `quote.split` is not read.
std::string render_json_not_eligible(const TrainingQuote& quote, const std::string& reason);
std::string render_text(const DiagnosticQuote& quote);
std::string render_json(const DiagnosticQuote& quote);
std::string render_text(const SectorStudyQuote& quote);
std::string render_json(const SectorStudyQuote& quote);

}  // namespace fnesim
