#pragma once
// The state of a RunFileWriter, shared by its sources: run_file_writer.cpp
// (inputs, replications, closing) and run_file_summary_writer.cpp (breakdowns
// and summary).
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "results/hdf5.hpp"
#include "results/output_file.hpp"
#include "results/run_file.hpp"
#include "results/run_file_layout.hpp"

namespace fnesim {

struct RunFileWriter::Impl {
  static hdf5::Meta meta(std::string_view units, std::string_view description,
                         std::string_view dimensions = {}) {
    return {std::string(units), std::string(description), std::string(dimensions)};
  }

  std::filesystem::path target, temporary;
  std::unique_ptr<TemporaryFile> temporary_file;  // `temporary`, listed for the signal handler; handed
                                                  // to an OutputSet by finish_into
  RunFileOptions options;
  const Simulator* simulator = nullptr;
  std::uint64_t seed = 0;
  int regions = 0, months = 0;
  bool finished = false;  // renamed into place, or abandoned: nothing left to clean up
  bool failed = false;    // a write failed: the temporary is gone and the run cannot be finished

  hdf5::File file;
  // Extendible datasets, open for the whole run, in the order of the layout tables.
  std::vector<hdf5::Dataset> region_datasets;
  hdf5::Dataset exhaustion_day;
  std::vector<hdf5::Dataset> national_datasets;
  hdf5::Dataset additional_needed_day;
  hdf5::Dataset monthly_commitments, monthly_payments;
  // /steering: one row per movement of money (scenarios with a steering section).
  bool steering = false;
  hdf5::Dataset move_replication, move_day, move_from, move_to, move_amount;
  // /financing (format 1.4, scenarios with [financing]): the State's terms and
  // each replication's disbursements and lowest cash position.
  bool financing = false;
  int cash_months = 0;
  hdf5::Dataset monthly_disbursements, minimum_position, minimum_position_month;
  std::vector<std::int64_t> disbursements_buffer, minimum_position_buffer;
  std::vector<std::int32_t> minimum_month_buffer;

  // Format 1.2: what was drawn for each replication's assumptions.
  // /replications/uptake and /replications/national/dossier_variance_eur2, always;
  // /uncertainty with [uncertainty] or [events], its datasets as the scenario draws them.
  hdf5::Dataset uptake, dossier_variance;
  // /replications/cost_factor (format 1.10): a forecast whose learnt costs and trainees are drawn.
  bool cost_factors = false;
  hdf5::Dataset cost_factor;
  std::vector<double> cost_factor_buffer;
  // /replications/national_past (format 1.11): a forecast from national totals,
  // each national month's figures as each replication shared them.
  std::size_t national_months = 0;  // 0: no such group
  std::array<hdf5::Dataset, 3> past;  // dossiers, trainees, committed_cents (run_file_writer.cpp)
  std::array<std::vector<std::int64_t>, 3> past_buffers;
  bool uncertainty = false;
  std::size_t parameter_count = 0;       // /uncertainty/parameters columns (0: no such dataset)
  bool profile = false, drift = false;   // /uncertainty/profile, /uncertainty/drift
  bool particles = false;                // /uncertainty/particle: a forecast weighing particles
  bool jumps = false;                    // /uncertainty/jumps (format 1.6): uptake may jump
  hdf5::Dataset parameters, profile_shares, drift_factors, particle, jump_counts;

  // One chunk of replications, row-major (replication × region [× month]).
  std::vector<std::vector<std::int64_t>> region_buffers;
  std::vector<std::int32_t> exhaustion_buffer;
  std::vector<std::vector<std::int64_t>> national_buffers;
  std::vector<std::int32_t> additional_day_buffer;
  std::vector<std::int64_t> commitments_buffer, payments_buffer;
  std::vector<std::int64_t> move_replication_buffer, move_amount_buffer;
  std::vector<std::int32_t> move_day_buffer, move_from_buffer, move_to_buffer;
  std::vector<double> uptake_buffer, dossier_variance_buffer, parameters_buffer, profile_buffer, drift_buffer;
  std::vector<std::int64_t> particle_buffer;
  std::vector<std::int32_t> jumps_buffer;
  std::int64_t buffered = 0, written = 0;

  // Exact integer sums over replications for the breakdown means: a region's
  // commitments (~3e9 cents) over 10^9 replications come near 2^63, never 2^127.
  std::vector<__int128> committed_by_cell_sum, trainees_by_cell_sum;

  void create();
  void create_uncertainty(hsize_t chunk);
  void create_national_past(hdf5::Group& replications, const ForecastStart& start, hsize_t chunk);
  void create_financing(hsize_t chunk);  // run_file_summary_writer.cpp, beside its summary
  void append_draws(const ReplicationOutcome& outcome);
  void append(std::int64_t replication, const ReplicationOutcome& outcome);
  void flush();
  void write_breakdowns();
  void write_summary(const RunSummary& summary);
  // Format 1.2: national demand's quantiles and /summary/spread (run_file_writer.cpp).
  void write_spread(const RunSummary& summary);
  void write_steering_summary(hdf5::Group& summary, const SteeringSummary& steering);
  void write_settlement_summary(hdf5::Group& summary, const SettlementSummary& settlement);
  void write_national_past_summary(hdf5::Group& summary, const NationalPastSummary& past);
  void write_cash_summary(hdf5::Group& summary, const CashSummary& cash);
  void write_final_attributes(const RunSummary& summary, const RunTiming& timing);
  void close_all();
  void discard() noexcept;
};

}  // namespace fnesim
