#include "models/categories.hpp"

namespace fnesim {

SizeClass size_class_of_headcount(long headcount) {
  for (int i = 0; i < size_class_count - 1; ++i)
    if (headcount <= size_class_max_headcount[i]) return static_cast<SizeClass>(i);
  return SizeClass::Over1000;
}

}  // namespace fnesim
