#pragma once
// The convention's coverage rules (art. 6 table, art. 3 diagnostics) and the
// split of one dossier's cost between the FNE envelope and everyone else.
// The rates are data (scenario `coverage.rules`), never constants in code.
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/calendar.hpp"
#include "models/categories.hpp"
#include "models/money.hpp"

namespace fnesim {

// The regime a company's dossier is funded under: the convention's table, or
// the EU general block exemption a company may opt for (domain.md, 7 Sept 2021).
enum class Regime { Convention, BlockExemption };
inline constexpr std::array<std::string_view, 2> regime_keys = {"convention", "block-exemption"};

// One cell (or band) of a rates table: who it applies to, from when, at what rate.
struct CoverageRule {
  std::string id;       // scenario key, e.g. "art6-300to1000-APLD"
  std::string article;  // citation shown to users, e.g. "art. 6"
  Regime regime = Regime::Convention;
  std::vector<Status> statuses;
  long headcount_min = 0;  // inclusive
  long headcount_max = 0;  // inclusive
  Rate rate{};             // share of eligible costs paid by the envelope
  std::optional<Date> valid_from;   // inclusive; none = always
  std::optional<Date> valid_until;  // inclusive; none = always
  std::optional<Cents> cap_per_dossier;  // e.g. 2 M EUR per project under block exemption

  bool applies(Regime r, Status s, long headcount, Date filing) const;
};

struct CoverageSettings {
  std::vector<CoverageRule> rules;
  // Ancillary costs (art. 2 "frais annexes") are covered at the same rate as
  // pedagogical costs when true; otherwise the company pays them.
  bool ancillary_eligible = true;
  // Art. 6: remuneration "may" be funded through PDC-50 for companies under 50.
  bool pdc50_funds_remuneration = true;
  long pdc50_max_headcount = 49;
  // Art. 3, DIAG GPEC COVID-19: flat rate per day, per company and per year, capped.
  Cents diagnostic_day_rate = euros(1000);
  int diagnostic_max_days_per_year = 10;
};

// A dossier as an adviser or the simulation describes it.
struct DossierRequest {
  long headcount = 1;
  Status status = Status::AP;
  Pathway pathway = Pathway::Anticipation;
  Regime regime = Regime::Convention;
  int trainees = 1;
  Cents pedagogical = 0;  // incl. positioning, evaluation and certification (art. 2)
  Cents ancillary = 0;
  Cents remuneration = 0;
  Date filing_date;
};

// Who pays what, each part naming the rule that produced it; the four parts
// add up to pedagogical + ancillary + remuneration exactly.
struct CostSplit {
  Cents fne = 0;              // the FNE-Formation envelope
  Cents company = 0;          // the balance that "cannot come from public funds"
  Cents pdc50 = 0;            // OPCO 2i's PDC-50 funds (remuneration, < 50 employees)
  Cents state_allowance = 0;  // the partial-activity allowance (AP/APLD), outside the envelope
  Rate rate{};
  std::string rule_id;
  std::string article;
  std::string fne_reason, company_reason, pdc50_reason, state_allowance_reason;
  Cents total() const { return fne + company + pdc50 + state_allowance; }
};

class NoCoverageRule : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The one rule that applies; throws NoCoverageRule when none does.
const CoverageRule& find_rule(const CoverageSettings& settings, Regime regime, Status status, long headcount,
                              Date filing);
const CoverageRule* find_rule_or_null(const CoverageSettings& settings, Regime regime, Status status,
                                      long headcount, Date filing);

CostSplit split_dossier(const CoverageSettings& settings, const DossierRequest& dossier);

// Diagnostic days charged to the envelope for one company in one year: the
// art. 3 cap counts every diagnostic dossier of that company in the year.
class DiagnosticAllowance {
 public:
  explicit DiagnosticAllowance(const CoverageSettings& settings);
  struct Grant {
    int days_funded = 0;
    int days_refused = 0;
    Cents fne = 0;
  };
  Grant request(const std::string& company_id, int year, int days);

 private:
  const CoverageSettings* settings_;
  std::vector<std::pair<std::pair<std::string, int>, int>> days_used_;
};

}  // namespace fnesim
