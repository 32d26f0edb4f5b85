#pragma once
// Section [demand] is read in parts (sim/scenario/section_demand*.cpp): the
// attribute mix, the arrivals, the dossiers' costs and life cycle, and the
// section itself, which puts them together. This header is what the parts
// share; it is internal to sim/scenario/.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail::demand {

inline constexpr double share_tolerance = 1e-9;
inline constexpr double symmetry_tolerance = 1e-12;
inline constexpr double psd_tolerance = 1e-10;
// Floor of the eigenvalues of the suggested matrix, so that its rounded text
// still passes the check above.
inline constexpr double suggestion_min_eigenvalue = 1e-4;
inline constexpr int max_lag_days = 3650;
inline constexpr int max_pathway_days = 365;  // instruction of 27 January 2021: at most 12 months

inline constexpr std::array<std::string_view, 3> trainee_distribution_keys = {"shifted-poisson", "fixed",
                                                                              "categorical"};
inline constexpr std::array<std::string_view, 2> cost_distribution_keys = {"lognormal", "fixed"};

template <std::size_t N>
inline std::vector<std::string> as_strings(const std::array<std::string_view, N>& keys) {
  return std::vector<std::string>(keys.begin(), keys.end());
}

struct MixSpec {
  bool is_joint = false;
  AttributeMix joint{};
  std::array<double, size_class_count> size{0.25, 0.25, 0.25, 0.25};
  // Default: the three statuses of the signed convention, equally likely.
  std::array<double, status_count> status{1.0 / 3, 1.0 / 3, 1.0 / 3, 0.0, 0.0};
  std::array<double, pathway_count> pathway{0.25, 0.25, 0.25, 0.25};
  // Where it was written, for messages about it.
  std::string path = "demand.mix";
  const toml::source_region* where = nullptr;

  AttributeMix cells() const {
    if (is_joint) return joint;
    AttributeMix out{};
    for (int s = 0; s < size_class_count; ++s)
      for (int st = 0; st < status_count; ++st)
        for (int p = 0; p < pathway_count; ++p)
          out[static_cast<std::size_t>(
              mix_cell(static_cast<SizeClass>(s), static_cast<Status>(st), static_cast<Pathway>(p)))] =
              size[s] * status[st] * pathway[p];
    return out;
  }
};

// A mix table over `base`: `joint` or marginals; for a region, marginals override
// only the ones written.
std::optional<MixSpec> read_mix(TableReader& mix, const MixSpec& base, bool is_region);

struct NationalArrivals {
  enum class Form {
    Art6Plan,      // expected_dossiers not written: art6_planned_dossiers (models/demand.hpp)
    Count,         // expected_dossiers = N
    EnvelopeRatio  // expected_dossiers = { demand_to_envelope, mean_fne_share_eur }
  } form = Form::Art6Plan;
  double count = 0;
  double demand_to_envelope = 0;
  double mean_fne_share_eur = 0;
};

std::array<double, 12> uniform_profile(int year);
std::optional<std::array<double, 12>> read_profile(TableReader& table, std::string_view key, int year);
std::optional<NationalArrivals> read_expected_dossiers(TableReader& arrivals);
void read_correlation(TableReader& arrivals, ParseState& state, DemandModel& out);

void read_trainees(TableReader& section, DemandModel& out);
void read_cost_per_trainee(TableReader& section, DemandModel& out);
void read_cost_components(TableReader& section, DemandModel& out);
void read_schedule(TableReader& section, DemandModel& out);
void read_lifecycle(TableReader& section, DemandModel& out);
// Whether a rule of regime convention covers `status` at `headcount` on some day from `from` to `to`.
bool some_rule_applies(const CoverageSettings& coverage, Status status, long headcount, Date from, Date to);
// Every status the mixes give a share must have a convention rule at some date of the window.
void check_statuses_covered(TableReader& section, ParseState& state, const std::vector<MixSpec>& mixes);

}  // namespace fnesim::scenario_detail::demand
