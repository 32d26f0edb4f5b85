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


}  // namespace fnesim
