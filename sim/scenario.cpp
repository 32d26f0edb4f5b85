// Placeholder: the loader is being written.
#include "sim/scenario.hpp"
