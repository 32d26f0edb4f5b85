// The writer of the run file's /recommendation group (`fnesim recommend
// --save`; save_recommendation is declared with the recommendation, in
// analysis/recommendation.hpp), through a copy renamed over the original once
// complete. The run file must be a regular file: a symbolic link would be
// replaced by the copy, not updated.
#include <cmath>

#include "results/analysis/recommendation.hpp"
#include "results/hdf5.hpp"
#include "results/output_file.hpp"

namespace fnesim {

namespace fs = std::filesystem;

void save_recommendation(const fs::path& run_file, const RecommendationReport& report, bool replace) {
  check_output_target(run_file, true);
  TemporaryFile copy(run_file);
  const fs::path& temporary = copy.path();
  try {
    fs::copy_file(run_file, temporary, fs::copy_options::overwrite_existing);
    {
      hdf5::File file = hdf5::File::open_read_write(temporary);
      if (file.contains("recommendation")) {
        if (!replace) {
          file.close();
          copy.discard();
          throw OutputError(run_file.string() + " already holds a recommendation; use --force to replace it");
        }
        file.remove("recommendation");
      }
      hdf5::Group group =
          file.create_group("recommendation",
                            "Envelopes recommended by `fnesim recommend`, before (this run) and after "
                            "(re-simulated with common random numbers), format 1.1");
      group.set_string_attribute("objective", objective_key(report.objective));
      group.set_attribute<double>("target_probability",
                                  report.objective == RecommendationObjective::TargetProbability
                                      ? report.target_probability
                                      : std::nan(""));
      group.set_attribute<std::int64_t>("complementary_allocation_cents", report.complementary);
      group.set_attribute<double>("common_level", report.common_level);
      // The national before and after, as `recommend` prints them: whether the
      // recommendation changes anything is read here, not in any one region.
      group.set_attribute<double>("national_expected_unmet_before_eur", report.unmet_before_eur.mean);
      group.set_attribute<double>("national_expected_unmet_after_eur", report.unmet_after_eur.mean);
      group.set_attribute<double>("national_expected_unmet_change_eur", report.unmet_change_eur.mean);
      group.set_attribute<double>("national_expected_unmet_change_se_eur",
                                  report.unmet_change_eur.standard_error);
      group.set_attribute<double>("p_no_region_exhausted_before", report.p_no_region_exhausted_before.mean);
      group.set_attribute<double>("p_no_region_exhausted_after", report.p_no_region_exhausted_after.mean);
      // Format 1.8: the same on the other years, which chose nothing.
      group.set_attribute<std::int64_t>("held_out_replications", report.held_out_replications);
      group.set_attribute<double>("held_out_expected_unmet_change_eur",
                                  report.held_out_unmet_change_eur.mean);
      group.set_attribute<double>("held_out_expected_unmet_change_se_eur",
                                  report.held_out_unmet_change_eur.standard_error);
      group.set_attribute<double>("held_out_p_no_region_exhausted_before",
                                  report.held_out_p_no_region_exhausted_before.mean);
      group.set_attribute<double>("held_out_p_no_region_exhausted_after",
                                  report.held_out_p_no_region_exhausted_after.mean);
      // A target's level raised after re-simulation, and a target missed: the
      // committee's page says what the raises bought (they can cost millions
      // for a few simulated years) and why a target was missed.
      if (report.objective == RecommendationObjective::TargetProbability) {
        group.set_attribute<std::int64_t>("level_raises", report.level_raises);
        group.set_attribute<std::int64_t>("first_complementary_allocation_cents", report.first.complementary);
        group.set_attribute<double>("first_p_no_region_exhausted_after", report.first.p_no_region_exhausted);
        group.set_string_attribute("short_of_target_because", report.short_of_target_because);
      }
      const auto R = static_cast<hsize_t>(report.regions.size());
      auto cents = [&](const char* name, Cents RegionComparison::*member, const char* what) {
        std::vector<std::int64_t> values;
        for (const RegionComparison& c : report.regions) values.push_back(c.*member);
        group.write<std::int64_t>(name, values, {R}, {"cents", what, "region"});
      };
      auto real = [&](const char* name, auto get, const char* units, const char* what) {
        std::vector<double> values;
        for (const RegionComparison& c : report.regions) values.push_back(get(c));
        group.write<double>(name, values, {R}, {units, what, "region"});
      };
      auto days = [&](const char* name, std::optional<std::int32_t> RegionComparison::*member,
                      const char* what) {
        std::vector<std::int32_t> values;
        for (const RegionComparison& c : report.regions)
          values.push_back((c.*member).value_or(never_exhausted));
        group.write<std::int32_t>(name, values, {R}, {"days since commitment start", what, "region"});
      };
      cents("current_envelope_cents", &RegionComparison::current_envelope, "Envelope of the run");
      cents("recommended_envelope_cents", &RegionComparison::recommended_envelope, "Recommended envelope");
      cents("current_available_cents", &RegionComparison::current_available, "Available amount of the run");
      cents("recommended_available_cents", &RegionComparison::recommended_available,
            "Available amount with the recommended envelope");
      real(
          "p_exhausted_before", [](const RegionComparison& c) { return c.p_exhausted_before.mean; },
          "probability", "P(exhausted) in the run");
      real(
          "p_exhausted_after", [](const RegionComparison& c) { return c.p_exhausted_after.mean; },
          "probability", "P(exhausted) re-simulated with the recommended envelopes");
      real(
          "p_exhausted_before_se",
          [](const RegionComparison& c) { return c.p_exhausted_before.standard_error; }, "probability",
          "Monte-Carlo standard error of p_exhausted_before");
      real(
          "p_exhausted_after_se",
          [](const RegionComparison& c) { return c.p_exhausted_after.standard_error; }, "probability",
          "Monte-Carlo standard error of p_exhausted_after");
      real(
          "expected_unmet_before_eur", [](const RegionComparison& c) { return c.unmet_before_eur.mean; },
          "EUR", "Expected unmet demand in the run");
      real(
          "expected_unmet_after_eur", [](const RegionComparison& c) { return c.unmet_after_eur.mean; }, "EUR",
          "Expected unmet demand re-simulated with the recommended envelopes");
      real(
          "expected_unmet_before_se_eur",
          [](const RegionComparison& c) { return c.unmet_before_eur.standard_error; }, "EUR",
          "Monte-Carlo standard error of expected_unmet_before_eur");
      real(
          "expected_unmet_after_se_eur",
          [](const RegionComparison& c) { return c.unmet_after_eur.standard_error; }, "EUR",
          "Monte-Carlo standard error of expected_unmet_after_eur");
      days("median_exhaustion_day_before", &RegionComparison::median_exhaustion_day_before,
           "Median exhaustion day in the run; -1 not exhausted at the median");
      days("median_exhaustion_day_after", &RegionComparison::median_exhaustion_day_after,
           "Median exhaustion day re-simulated; -1 not exhausted at the median");
      group.close();
      file.close();
    }
    copy.commit(true);
  } catch (const hdf5::Error& e) {
    copy.discard();
    throw OutputError(run_file.string() + ": cannot add the recommendation: " + e.what());
  } catch (const fs::filesystem_error& e) {
    copy.discard();
    throw OutputError(run_file.string() + ": cannot add the recommendation: " + e.what());
  }
}

}  // namespace fnesim
