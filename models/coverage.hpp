#pragma once
// The convention's coverage rules (art. 6 table, art. 3 diagnostics) and the
// split of one dossier's cost between the FNE envelope and everyone else.
// The rates are data (scenario `coverage.rules`), never constants in code.
// docs/coverage.md states the rules as encoded and the decisions taken.
#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/calendar.hpp"
#include "models/categories.hpp"
#include "models/money.hpp"

namespace fnesim {

// The regime a company's dossier is funded under: the convention's table, or
// the EU general block exemption a company may opt for (domain.md, 7 Sept 2021).
enum class Regime { Convention, BlockExemption };
inline constexpr std::array<std::string_view, 2> regime_keys = {"convention", "block-exemption"};
inline std::string_view key_of(Regime v) { return regime_keys[static_cast<int>(v)]; }

// One cell (or band) of a rates table: who it applies to, from when, at what rate.
struct CoverageRule {
  std::string id;       // scenario key, e.g. "art6-300to1000-APLD"
  std::string article;  // citation shown to users, e.g. "art. 6"
  Regime regime = Regime::Convention;
  std::vector<Status> statuses;
  long headcount_min = 0;                                // inclusive
  long headcount_max = size_class_max_headcount.back();  // inclusive; open-ended unless set
  Rate rate{};                                           // share of eligible costs paid by the envelope
  std::optional<Date> valid_from;                        // inclusive; none = always
  std::optional<Date> valid_until;                       // inclusive; none = always
  std::optional<Cents> cap_per_dossier;                  // e.g. 2 M EUR per project under block exemption

  bool applies(Regime r, Status s, long headcount, Date filing) const;
};

// True when some dossier (regime, status, headcount, date) would match both
// rules: the scenario loader rejects such pairs, since the table must give one
// rate per cell (art. 6).
bool rules_overlap(const CoverageRule& a, const CoverageRule& b);

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
  // Art. 3: sector and territory studies ("GPEC industrielle/sectorielle",
  // "diag flash") "bénéficieront d'une prise en charge totale".
  Rate sector_study_rate{Rate::full};
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
  bool capped = false;  // fne was limited by the rule's cap_per_dossier
  Cents total() const { return fne + company + pdc50 + state_allowance; }
};

// Art. 2 and 6: the amount a rule's rate applies to — the pedagogical costs
// (positioning, evaluation and certification included), plus the ancillary
// costs when the scenario makes them eligible. Remuneration never is.
inline Cents eligible_cost(const CoverageSettings& settings, Cents pedagogical, Cents ancillary) {
  return pedagogical + (settings.ancillary_eligible ? ancillary : 0);
}

// Art. 6: the envelope's share of a dossier — the rule's rate on the eligible
// cost, rounded once to the cent, then the rule's cap per dossier if it has
// one. The one formula `quote` (split_dossier) and the simulation both use.
inline Cents envelope_share(Cents eligible, Rate rate, const std::optional<Cents>& cap_per_dossier) {
  const Cents at_rate = apply_rate(eligible, rate);
  return cap_per_dossier && at_rate > *cap_per_dossier ? *cap_per_dossier : at_rate;
}

class NoCoverageRule : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The one rule that applies; throws NoCoverageRule when none does, with a
// message saying what the scenario's rules do cover for that status.
// Several matching rules are a broken invariant (the loader rejects overlaps):
// std::logic_error.
const CoverageRule& find_rule(const CoverageSettings& settings, Regime regime, Status status, long headcount,
                              Date filing);
// Same, but nullptr when no rule applies (the simulation's refusal path).
const CoverageRule* find_rule_or_null(const CoverageSettings& settings, Regime regime, Status status,
                                      long headcount, Date filing);

// Splits a dossier's costs (art. 2 components) between the envelope, the
// company, PDC-50 and the State's partial-activity allowance (art. 6).
// Throws NoCoverageRule when no rule applies, std::invalid_argument for a
// negative or absurdly large amount or fewer than one trainee.
CostSplit split_dossier(const CoverageSettings& settings, const DossierRequest& dossier);

// Art. 3 (2): sector or territory study, covered at settings.sector_study_rate
// (in full under the convention). The envelope's share goes to `fne`, any rest
// to `company`.
CostSplit split_sector_study(const CoverageSettings& settings, Cents cost);

// "70 %", "62.5 %": a rate as people read it.
std::string format_percent(Rate rate);

// Art. 3, DIAG GPEC COVID-19: what one more diagnostic request earns, given the
// days already funded to the same company in the same calendar year.
struct DiagnosticGrant {
  int days_funded = 0;
  int days_refused = 0;  // beyond diagnostic_max_days_per_year
  Cents fne = 0;         // days_funded × diagnostic_day_rate (flat rate, "prise en charge forfaitaire")
};
DiagnosticGrant grant_diagnostic_days(const CoverageSettings& settings, int days_already_funded,
                                      int days_requested);

// Diagnostic days charged to the envelope for one company in one year: the
// art. 3 cap counts every diagnostic dossier of that company in the year.
class DiagnosticAllowance {
 public:
  explicit DiagnosticAllowance(const CoverageSettings& settings);
  using Grant = DiagnosticGrant;
  // Throws std::invalid_argument for a negative number of days.
  Grant request(const std::string& company_id, int year, int days);
  int days_funded(const std::string& company_id, int year) const;

 private:
  const CoverageSettings* settings_;
  std::map<std::pair<std::string, int>, int> days_used_;
};

}  // namespace fnesim
