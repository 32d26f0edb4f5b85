#include "sim/forecast/synthetic_actuals.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace fnesim {

namespace {

std::string header_comment(const Simulator& simulator, std::uint64_t seed, std::int64_t replication) {
  const Scenario& scenario = simulator.scenario();
  char line[256];
  std::snprintf(
      line, sizeof line,
      "# Synthetic actuals: the committed dossiers of replication %lld of scenario '%s', seed %llu\n",
      static_cast<long long>(replication), scenario.name.c_str(), static_cast<unsigned long long>(seed));
  std::string out = line;
  out +=
      "# (fnesim synthesize-actuals; docs/actuals-format.md). Uptake multipliers drawn (national x "
      "regional):\n#";
  const std::vector<double> uptake = simulator.uptake_factors(seed, replication);
  for (std::size_t r = 0; r < uptake.size(); ++r) {
    std::snprintf(line, sizeof line, " %s %.4f", scenario.convention.regions[r].code.c_str(), uptake[r]);
    out += line;
  }
  out += '\n';
  // Those multipliers scale the scenario's stated demand; a year under
  // [uncertainty] also draws its level, profile or jumps, so its take-up is
  // not them (a header read as the truth made a sound forecast look biased).
  if (scenario.uncertainty.any())
    out +=
        "# The scenario's [uncertainty] also draws this year's assumptions (its level, profile, drift or "
        "jumps):\n"
        "# these multipliers scale its stated demand, not the year's take-up a forecast learns.\n";
  return out;
}

constexpr std::string_view dossier_header =
    "dossier_id,filing_date,region,size,status,pathway,trainees,committed_eur,end_date,realised_eur\n";

// One row per dossier, in the order given. A dossier the ledger committed has
// its end date and realised amount; one it refused never ran, so they are
// left empty (the actuals format allows it).
void append_dossier_rows(const Convention& conv, const std::vector<SimulatedDossier>& dossiers,
                         std::string& out) {
  out += dossier_header;
  int sequence = 0;
  for (const SimulatedDossier& d : dossiers) {
    char id[16];
    std::snprintf(id, sizeof id, "D%06d", ++sequence);
    out += id;
    out += ',';
    // The carry-over of 2020 (art. 7) is dated the day before the commitment start.
    out += (d.carryover ? conv.commitment_start.plus_days(-1) : conv.commitment_start.plus_days(d.filing_day))
               .iso();
    out += ',';
    out += conv.regions[static_cast<std::size_t>(d.region)].code;
    out += ',';
    if (d.cell >= 0) {
      out += size_class_keys[static_cast<std::size_t>(d.cell / (status_count * pathway_count))];
      out += ',';
      out += status_keys[static_cast<std::size_t>(d.cell / pathway_count % status_count)];
      out += ',';
      out += pathway_keys[static_cast<std::size_t>(d.cell % pathway_count)];
      out += ',';
      out += std::to_string(d.trainees);
    } else {
      out += d.diagnostic ? ",,diagnostic,0" : ",,,";
    }
    out += ',';
    out += plain_euros(d.amount);
    out += ',';
    if (d.committed) {
      out += conv.commitment_start.plus_days(d.end_day).iso();
      out += ',';
      out += plain_euros(d.realised);
    } else {
      out += ',';
    }
    out += '\n';
  }
}

// In filing order (then region order): the order an export of the ledger would have.
void sort_by_filing(std::vector<SimulatedDossier>& dossiers) {
  std::stable_sort(dossiers.begin(), dossiers.end(),
                   [](const SimulatedDossier& a, const SimulatedDossier& b) {
                     return std::pair(a.filing_day, a.region) < std::pair(b.filing_day, b.region);
                   });
}

}  // namespace

std::string synthetic_actuals_csv(const Simulator& simulator, std::uint64_t seed, std::int64_t replication,
                                  SyntheticLayout layout) {
  const Scenario& scenario = simulator.scenario();
  const Convention& conv = scenario.convention;
  std::vector<SimulatedDossier> dossiers = simulator.dossiers(seed, replication);
  std::erase_if(dossiers, [](const SimulatedDossier& d) { return !d.committed; });
  sort_by_filing(dossiers);

  std::string out = header_comment(simulator, seed, replication);
  if (layout == SyntheticLayout::Dossiers) {
    append_dossier_rows(conv, dossiers, out);
    return out;
  }

  // Monthly totals per region (or for the nation), every month of the window
  // written, the carry-over in the month before the commitment start.
  struct Totals {
    std::int64_t dossiers = 0, trainees = 0;
    Cents committed = 0;
  };
  const bool national = layout == SyntheticLayout::National;
  const int regions = national ? 1 : simulator.region_count();
  const int months = month_index(conv.commitment_start, conv.commitment_end) + 1;
  bool carryover = false;
  std::map<std::pair<int, int>, Totals> totals;  // (month from the start, −1 for the carry-over; region)
  for (const SimulatedDossier& d : dossiers) {
    const int month =
        d.carryover ? -1 : month_index(conv.commitment_start, conv.commitment_start.plus_days(d.filing_day));
    carryover |= d.carryover;
    Totals& t = totals[{month, national ? 0 : d.region}];
    ++t.dossiers;
    t.trainees += d.trainees;
    t.committed += d.amount;
  }
  out += "month,region,dossiers,trainees,committed_eur\n";
  const Date first_month = Date::from_ymd(conv.commitment_start.year(), conv.commitment_start.month(), 1);
  for (int m = carryover ? -1 : 0; m < months; ++m) {
    const Date month = m < 0 ? first_month.plus_days(-1) : simulator.month_start(m);
    for (int r = 0; r < regions; ++r) {
      const Totals& t = totals[{m, r}];
      out += month.year_month();
      out += ',';
      out += national ? std::string("national") : conv.regions[static_cast<std::size_t>(r)].code;
      out += ',';
      out += std::to_string(t.dossiers);
      out += ',';
      out += std::to_string(t.trainees);
      out += ',';
      out += plain_euros(t.committed);
      out += '\n';
    }
  }
  return out;
}


std::string filed_dossiers_csv(const Simulator& simulator, std::uint64_t seed, std::int64_t replication) {
  std::vector<SimulatedDossier> dossiers = simulator.dossiers(seed, replication);
  // What an export of the ledger would list: a dossier refused for its
  // training past the deadline was never filed as demand.
  std::erase_if(dossiers, [](const SimulatedDossier& d) { return !d.eligible || d.refused_past_deadline; });
  sort_by_filing(dossiers);
  char line[256];
  std::snprintf(line, sizeof line,
                "# Every eligible dossier filed in replication %lld of scenario '%s', seed %llu, committed or "
                "refused\n",
                static_cast<long long>(replication), simulator.scenario().name.c_str(),
                static_cast<unsigned long long>(seed));
  std::string out = line;
  append_dossier_rows(simulator.scenario().convention, dossiers, out);
  return out;
}

}  // namespace fnesim
