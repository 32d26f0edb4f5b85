// Placeholder: the coverage rules are being written.
#include "models/coverage.hpp"
