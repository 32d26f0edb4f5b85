#include "models/demand.hpp"


namespace fnesim {

double TraineeCount::expected() const {
  switch (kind) {
    case Kind::ShiftedPoisson:
      return mean;
    case Kind::Fixed:
      return fixed;
    case Kind::Categorical:
      break;
  }
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) sum += values[i] * weights[i];
  return sum;
}

double art6_planned_dossiers(Cents total_envelope, double trainees_per_dossier) {
  const double pathways =
      art6_planned_pathways * static_cast<double>(total_envelope) / static_cast<double>(art6_envelope);
  return pathways / trainees_per_dossier;
}


}  // namespace fnesim
