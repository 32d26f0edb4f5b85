#include "sim/outcome.hpp"

#include <algorithm>
#include <type_traits>

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
  jumps = 0;
  cost_factors.clear();
  national_past.clear();
  dossier_variance_eur2 = 0;
}

void append_outcome(const ReplicationOutcome& o, ByteWriter& out) {
  static_assert(std::is_trivially_copyable_v<RegionOutcome> &&
                std::is_trivially_copyable_v<NationalOutcome> && std::is_trivially_copyable_v<SteeringMove> &&
                std::is_trivially_copyable_v<NationalShare>);
  // A field added to ReplicationOutcome must travel too: here and in read_outcome.
  static_assert(sizeof(ReplicationOutcome) == 520, "ReplicationOutcome changed: update append_outcome");
  out.put_vector(o.regions);
  out.put(o.national);
  out.put_vector(o.monthly_commitments);
  out.put_vector(o.monthly_payments);
  out.put_vector(o.committed_by_cell);
  out.put_vector(o.trainees_by_cell);
  out.put_vector(o.moves);
  out.put_vector(o.monthly_disbursements);
  out.put_vector(o.cash_position);
  out.put(o.cash_minimum);
  out.put(o.cash_minimum_month);
  out.put_vector(o.uptake);
  out.put_vector(o.parameter_values);
  out.put_vector(o.profile);
  out.put_vector(o.drift);
  out.put(o.particle);
  out.put(o.jumps);
  out.put_vector(o.cost_factors);
  out.put_vector(o.national_past);
  out.put(o.dossier_variance_eur2);
}

void read_outcome(ByteReader& in, ReplicationOutcome& o) {
  const std::size_t regions = o.regions.size(), months = o.monthly_commitments.size();
  in.get_vector(o.regions);
  o.national = in.get<NationalOutcome>();
  in.get_vector(o.monthly_commitments);
  in.get_vector(o.monthly_payments);
  in.get_vector(o.committed_by_cell);
  in.get_vector(o.trainees_by_cell);
  in.get_vector(o.moves);
  in.get_vector(o.monthly_disbursements);
  in.get_vector(o.cash_position);
  o.cash_minimum = in.get<Cents>();
  o.cash_minimum_month = in.get<std::int32_t>();
  in.get_vector(o.uptake);
  in.get_vector(o.parameter_values);
  in.get_vector(o.profile);
  in.get_vector(o.drift);
  o.particle = in.get<int>();
  o.jumps = in.get<int>();
  in.get_vector(o.cost_factors);
  in.get_vector(o.national_past);
  o.dossier_variance_eur2 = in.get<double>();
  if (o.regions.size() != regions || o.monthly_commitments.size() != months)
    throw InvariantError("read_outcome: an outcome of another scenario's shape");
}

}  // namespace fnesim
