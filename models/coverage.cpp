// The convention's coverage rules: which art. 6 cell applies to a dossier, and
// how its costs (art. 2) are split between the FNE-Formation envelope, the
// company, PDC-50 and the State's partial-activity allowance. docs/coverage.md.
#include "models/coverage.hpp"

#include <algorithm>

namespace fnesim {
namespace {

// Bands reaching the largest headcount are "+ de 1000 salariés": open-ended.
constexpr long open_ended = size_class_max_headcount.back();

bool has_status(const CoverageRule& rule, Status status) {
  return std::find(rule.statuses.begin(), rule.statuses.end(), status) != rule.statuses.end();
}

bool headcount_in(const CoverageRule& rule, long headcount) {
  return headcount >= rule.headcount_min && headcount <= rule.headcount_max;
}

bool date_in(const CoverageRule& rule, Date filing) {
  return (!rule.valid_from || filing >= *rule.valid_from) &&
         (!rule.valid_until || filing <= *rule.valid_until);
}

// "rule art6-300to1000-APLD, art. 6": every reason ends with this citation.
std::string cite(const CoverageRule& rule) {
  std::string out = " [rule ";
  out += rule.id;
  if (!rule.article.empty()) {
    out += ", ";
    out += rule.article;
  }
  out += ']';
  return out;
}

std::string eur(Cents amount) {
  std::string out = format_euros(amount);
  out += " EUR";
  return out;
}

std::string employees(long headcount) {
  std::string out = std::to_string(headcount);
  out += headcount == 1 ? " employee" : " employees";
  return out;
}

std::string headcount_range(long min, long max) {
  std::string out = std::to_string(min);
  if (max >= open_ended) {
    out += " or more";
  } else if (max != min) {
    out += " to ";
    out += std::to_string(max);
  }
  return out;
}

std::string validity(const CoverageRule& rule) {
  std::string out;
  if (rule.valid_from) {
    out += "from ";
    out += rule.valid_from->iso();
  }
  if (rule.valid_until) {
    if (!out.empty()) out += ' ';
    out += "until ";
    out += rule.valid_until->iso();
  }
  return out.empty() ? "at any date" : out;
}

void join(std::string& out, const std::string& part, const char* separator = ", ") {
  if (!out.empty()) out += separator;
  out += part;
}

// What the scenario's rules do cover for this status, so that a refusal tells
// the adviser what would have been accepted (e.g. the 7 September 2021
// instruction opened transformation/resumption only from 2021-07-01).
std::string refusal_hint(const CoverageSettings& settings, Regime regime, Status status, long headcount,
                         Date filing) {
  std::vector<const CoverageRule*> same_status;
  bool regime_has_rules = false, other_regime = false;
  for (const auto& rule : settings.rules) {
    regime_has_rules |= rule.regime == regime;
    if (!has_status(rule, status)) continue;
    if (rule.regime == regime)
      same_status.push_back(&rule);
    else
      other_regime = true;
  }
  std::string hint = " (";
  if (!regime_has_rules) {
    hint += "the scenario has no rule under the ";
    hint += key_of(regime);
    hint += " regime";
    return hint + ')';
  }
  if (same_status.empty()) {
    hint += "the scenario has no rule for this status under the ";
    hint += key_of(regime);
    hint += " regime";
    if (other_regime) hint += "; it has some under another regime";
    return hint + ')';
  }

  std::vector<const CoverageRule*> size_fit;
  for (const auto* rule : same_status)
    if (headcount_in(*rule, headcount)) size_fit.push_back(rule);
  if (size_fit.empty()) {
    // Merge the headcount bands into readable ranges: 1-299, 300-1000, 1001+ → "1 or more".
    std::vector<std::pair<long, long>> bands;
    for (const auto* rule : same_status) bands.emplace_back(rule->headcount_min, rule->headcount_max);
    std::sort(bands.begin(), bands.end());
    std::vector<std::pair<long, long>> merged;
    for (const auto& band : bands) {
      if (!merged.empty() && (merged.back().second >= open_ended || band.first <= merged.back().second + 1))
        merged.back().second = std::max(merged.back().second, band.second);
      else
        merged.push_back(band);
    }
    std::string ranges;
    for (const auto& [min, max] : merged) join(ranges, headcount_range(min, max));
    hint += "rules for this status cover headcounts ";
    hint += ranges;
    return hint + ')';
  }

  const bool all_later = std::all_of(size_fit.begin(), size_fit.end(), [&](const CoverageRule* r) {
    return r->valid_from && filing < *r->valid_from;
  });
  const bool all_earlier = std::all_of(size_fit.begin(), size_fit.end(), [&](const CoverageRule* r) {
    return r->valid_until && filing > *r->valid_until;
  });
  if (all_later) {
    Date earliest = *size_fit.front()->valid_from;
    for (const auto* rule : size_fit) earliest = std::min(earliest, *rule->valid_from);
    hint += "rules for this status apply from ";
    hint += earliest.iso();
  } else if (all_earlier) {
    Date latest = *size_fit.front()->valid_until;
    for (const auto* rule : size_fit) latest = std::max(latest, *rule->valid_until);
    hint += "rules for this status applied until ";
    hint += latest.iso();
  } else {
    std::string windows;
    for (const auto* rule : size_fit) join(windows, validity(*rule));
    hint += "rules for this status and size apply ";
    hint += windows;
  }
  return hint + ')';
}

void check_amount(Cents amount, const char* what) {
  if (!is_valid_amount(amount)) {
    std::string message = "dossier ";
    message += what;
    message += " amount ";
    message += format_euros(amount);
    message += " EUR is outside [0, ";
    message += format_euros(max_amount);
    message += ']';
    throw std::invalid_argument(message);
  }
}

}  // namespace

bool CoverageRule::applies(Regime r, Status s, long headcount, Date filing) const {
  return r == regime && has_status(*this, s) && headcount_in(*this, headcount) && date_in(*this, filing);
}

bool rules_overlap(const CoverageRule& a, const CoverageRule& b) {
  if (a.regime != b.regime) return false;
  const bool shared_status =
      std::any_of(a.statuses.begin(), a.statuses.end(), [&](Status s) { return has_status(b, s); });
  if (!shared_status) return false;
  if (a.headcount_max < b.headcount_min || b.headcount_max < a.headcount_min) return false;
  // A missing bound is open: the windows overlap unless one ends before the other starts.
  if (a.valid_until && b.valid_from && *a.valid_until < *b.valid_from) return false;
  if (b.valid_until && a.valid_from && *b.valid_until < *a.valid_from) return false;
  return true;
}

const CoverageRule* find_rule_or_null(const CoverageSettings& settings, Regime regime, Status status,
                                      long headcount, Date filing) {
  const CoverageRule* found = nullptr;
  for (const auto& rule : settings.rules) {
    if (!rule.applies(regime, status, headcount, filing)) continue;
    if (found) {
      // The art. 6 table gives one rate per cell; the loader rejects overlaps.
      std::string message = "coverage rules '";
      message += found->id;
      message += "' and '";
      message += rule.id;
      message += "' both apply to status '";
      message += key_of(status);
      message += "', ";
      message += employees(headcount);
      message += ", on ";
      message += filing.iso();
      message += ": overlapping rules should have been rejected when the scenario was loaded";
      throw std::logic_error(message);
    }
    found = &rule;
  }
  return found;
}

const CoverageRule& find_rule(const CoverageSettings& settings, Regime regime, Status status, long headcount,
                              Date filing) {
  if (const CoverageRule* rule = find_rule_or_null(settings, regime, status, headcount, filing)) return *rule;
  std::string message = "no coverage rule for status '";
  message += key_of(status);
  message += "', ";
  message += employees(headcount);
  message += ", on ";
  message += filing.iso();
  if (regime != Regime::Convention) {
    message += " under the ";
    message += key_of(regime);
    message += " regime";
  }
  message += refusal_hint(settings, regime, status, headcount, filing);
  throw NoCoverageRule(message);
}

CostSplit split_dossier(const CoverageSettings& settings, const DossierRequest& dossier) {
  check_amount(dossier.pedagogical, "pedagogical");
  check_amount(dossier.ancillary, "ancillary");
  check_amount(dossier.remuneration, "remuneration");
  if (dossier.trainees < 1)
    throw std::invalid_argument("a dossier covers at least one trainee, not " +
                                std::to_string(dossier.trainees));

  const CoverageRule& rule =
      find_rule(settings, dossier.regime, dossier.status, dossier.headcount, dossier.filing_date);
  if (rule.rate.basis_points < 0 || rule.rate.basis_points > Rate::full)
    throw std::logic_error("coverage rule '" + rule.id + "' has a rate outside [0, 100 %]");
  const std::string citation = cite(rule);

  CostSplit split;
  split.rate = rule.rate;
  split.rule_id = rule.id;
  split.article = rule.article;

  // Art. 2: a pathway covers positioning, pedagogical costs, evaluation and
  // certification (all in `pedagogical`), ancillary costs, and remuneration.
  // Art. 6 applies the rate to the pedagogical costs; ancillary costs follow
  // them when the scenario says so. One rounding, on the eligible total.
  const Cents eligible = eligible_cost(settings, dossier.pedagogical, dossier.ancillary);
  const Cents at_rate = apply_rate(eligible, rule.rate);
  split.fne = envelope_share(eligible, rule.rate, rule.cap_per_dossier);
  split.capped = split.fne < at_rate;  // block exemption: 2 M EUR per project
  // Art. 6: "le solde ne pouvant provenir de fonds publics".
  split.company = eligible - split.fne;

  split.fne_reason = format_percent(rule.rate);
  split.fne_reason += " of eligible costs ";
  split.fne_reason += eur(eligible);
  split.fne_reason +=
      settings.ancillary_eligible
          ? " (pedagogical incl. positioning, evaluation and certification, plus ancillary costs, art. 2)"
          : " (pedagogical incl. positioning, evaluation and certification, art. 2)";
  if (split.capped) {
    split.fne_reason += ", capped at ";
    split.fne_reason += eur(*rule.cap_per_dossier);
    split.fne_reason += " per dossier";
  }
  split.fne_reason += citation;

  std::string company;
  if (split.company > 0) {
    std::string part = "balance of eligible costs ";
    part += eur(split.company);
    if (split.capped) {
      part += " (of which ";
      part += eur(at_rate - split.fne);
      part += " above the cap per dossier)";
    }
    part += ", which cannot come from public funds (art. 6)";
    join(company, part, "; ");
  }
  if (!settings.ancillary_eligible && dossier.ancillary > 0) {
    split.company += dossier.ancillary;
    std::string part = "ancillary costs ";
    part += eur(dossier.ancillary);
    part += ", not eligible in this scenario (coverage.ancillary_eligible = false)";
    join(company, part, "; ");
  }

  // Remuneration is never paid by the envelope. Art. 6: for employees in
  // partial activity (AP, APLD) the State pays it through the allowance; the
  // other statuses are covered "hors rémunération", except that companies under
  // 50 may fund it through PDC-50 (art. 6 table); otherwise the employer pays
  // (the preamble: "Pour les salariés hors AP ou en reprise d'activité la
  // rémunération est due par l'employeur").
  const bool partial_activity = dossier.status == Status::AP || dossier.status == Status::APLD;
  const bool pdc50_open =
      settings.pdc50_funds_remuneration && dossier.headcount <= settings.pdc50_max_headcount;
  std::string remuneration = "remuneration ";
  remuneration += eur(dossier.remuneration);
  if (partial_activity) {
    split.state_allowance = dossier.remuneration;
    split.state_allowance_reason = remuneration;
    split.state_allowance_reason += ": partial-activity allowance (";
    split.state_allowance_reason += key_of(dossier.status);
    // The convention: "l'Etat prend en charge tout ou partie de la rémunération" through
    // partial activity. How much of it is the employer's depends on the pay and the
    // scheme's own rules, which the convention does not state: the quote does not guess.
    split.state_allowance_reason +=
        "), outside the envelope: the State pays all or part of it (\"tout ou partie\", art. 6), "
        "the employer any rest; not split here";
    split.pdc50_reason = "none: trainees in partial activity keep the State's allowance (art. 6)";
  } else {
    split.state_allowance_reason = "none: status '";
    split.state_allowance_reason += key_of(dossier.status);
    split.state_allowance_reason += "' is not partial activity, covered \"hors rémunération\" (art. 6)";
    if (pdc50_open) {
      split.pdc50 = dossier.remuneration;
      split.pdc50_reason = remuneration;
      split.pdc50_reason += ": OPCO 2i's PDC-50 funds, outside the envelope, for companies of at most ";
      split.pdc50_reason += employees(settings.pdc50_max_headcount);
      split.pdc50_reason += " (art. 6 table)";
    } else {
      split.company += dossier.remuneration;
      if (settings.pdc50_funds_remuneration) {
        split.pdc50_reason = "none: ";
        split.pdc50_reason += employees(dossier.headcount);
        split.pdc50_reason += ", above the PDC-50 limit of ";
        split.pdc50_reason += std::to_string(settings.pdc50_max_headcount);
        split.pdc50_reason += " (art. 6 table)";
      } else {
        split.pdc50_reason =
            "none: PDC-50 remuneration disabled in this scenario "
            "(coverage.pdc50_funds_remuneration = false)";
      }
      if (dossier.remuneration > 0) {
        std::string part = remuneration;
        part += ", due by the employer: covered \"hors rémunération\" (preamble, art. 6)";
        join(company, part, "; ");
      }
    }
  }
  split.state_allowance_reason += citation;
  split.pdc50_reason += citation;
  if (company.empty()) {
    company = "nothing: ";
    company += format_percent(rule.rate);
    company += " of eligible costs paid by the envelope";
  }
  split.company_reason = company + citation;
  return split;
}

CostSplit split_sector_study(const CoverageSettings& settings, Cents cost) {
  check_amount(cost, "sector study");
  CostSplit split;
  split.rate = settings.sector_study_rate;
  split.rule_id = "art3-sector-study";
  split.article = "art. 3";
  split.fne = apply_rate(cost, settings.sector_study_rate);
  split.company = cost - split.fne;
  const std::string citation = " [rule art3-sector-study, art. 3]";
  split.fne_reason = format_percent(split.rate);
  split.fne_reason += " of the study's cost ";
  split.fne_reason += eur(cost);
  split.fne_reason +=
      ": GPEC industrielle/sectorielle or \"diag flash\" studies, \"prise en charge totale\" once the study "
      "conforms to its specifications (\"suivant les résultats de l'analyse de conformité aux cahiers des "
      "charges\")";
  split.fne_reason += citation;
  split.company_reason = split.company > 0 ? "balance of the study's cost" + citation : "nothing" + citation;
  split.pdc50_reason = "none: a study has no remuneration" + citation;
  split.state_allowance_reason = "none: a study has no remuneration" + citation;
  return split;
}

std::string format_percent(Rate rate) {
  const std::int32_t bp = rate.basis_points;
  const std::int32_t magnitude = bp < 0 ? -bp : bp;
  std::string out = bp < 0 ? "-" : "";
  out += std::to_string(magnitude / 100);
  const std::int32_t hundredths = magnitude % 100;
  if (hundredths != 0) {
    out += '.';
    out += static_cast<char>('0' + hundredths / 10);
    if (hundredths % 10 != 0) out += static_cast<char>('0' + hundredths % 10);
  }
  out += " %";
  return out;
}

DiagnosticGrant grant_diagnostic_days(const CoverageSettings& settings, int days_already_funded,
                                      int days_requested) {
  if (days_requested < 0 || days_already_funded < 0)
    throw std::invalid_argument("diagnostic days cannot be negative");
  // Art. 3: "1000 €/jour par entreprise et par an, dans la limite de 10 jours".
  const int remaining = std::max(0, settings.diagnostic_max_days_per_year - days_already_funded);
  DiagnosticGrant grant;
  grant.days_funded = std::min(days_requested, remaining);
  grant.days_refused = days_requested - grant.days_funded;
  grant.fne = settings.diagnostic_day_rate * grant.days_funded;
  return grant;
}

DiagnosticAllowance::DiagnosticAllowance(const CoverageSettings& settings) : settings_(&settings) {}

DiagnosticAllowance::Grant DiagnosticAllowance::request(const std::string& company_id, int year, int days) {
  int& used = days_used_[{company_id, year}];
  const Grant grant = grant_diagnostic_days(*settings_, used, days);
  used += grant.days_funded;
  return grant;
}

int DiagnosticAllowance::days_funded(const std::string& company_id, int year) const {
  const auto it = days_used_.find({company_id, year});
  return it == days_used_.end() ? 0 : it->second;
}

}  // namespace fnesim
