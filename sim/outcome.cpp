#include "sim/outcome.hpp"

#include <algorithm>

namespace fnesim {

ReplicationOutcome::ReplicationOutcome(int regions_, int months_, int cash_months_)
    : region_count(regions_),
      month_count(months_),
      regions(static_cast<std::size_t>(regions_)),
      monthly_commitments(static_cast<std::size_t>(regions_ * months_)),
      monthly_payments(static_cast<std::size_t>(regions_ * months_)),
      committed_by_cell(static_cast<std::size_t>(regions_ * mix_cell_count)),
      trainees_by_cell(static_cast<std::size_t>(regions_ * mix_cell_count)),
      monthly_disbursements(static_cast<std::size_t>(cash_months_)),
      cash_position(static_cast<std::size_t>(cash_months_)) {}

void ReplicationOutcome::clear() {
  std::fill(regions.begin(), regions.end(), RegionOutcome{});
  national = NationalOutcome{};
  std::fill(monthly_commitments.begin(), monthly_commitments.end(), 0);
  std::fill(monthly_payments.begin(), monthly_payments.end(), 0);
  std::fill(committed_by_cell.begin(), committed_by_cell.end(), 0);
  std::fill(trainees_by_cell.begin(), trainees_by_cell.end(), 0);
  moves.clear();
  std::fill(monthly_disbursements.begin(), monthly_disbursements.end(), 0);
  std::fill(cash_position.begin(), cash_position.end(), 0);
  cash_minimum = 0;
  cash_minimum_month = 0;
  uptake.clear();
  parameter_values.clear();
  profile.clear();
  drift.clear();
  particle = -1;
  dossier_variance_eur2 = 0;
}

}  // namespace fnesim
