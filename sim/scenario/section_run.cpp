// Section [run]: how many replications, from which seed, on how many threads.
#include <limits>

#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail {

void parse_run(TableReader& section, ParseState& state) {
  RunSettings& out = state.scenario.run;
  constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
  if (const auto v = section.integer("replications", 1, int64_max)) out.replications = *v;
  if (const auto v = section.integer("seed", 0, int64_max)) out.seed = static_cast<std::uint64_t>(*v);
  if (const auto v = section.integer("threads", 0, max_threads)) out.threads = static_cast<int>(*v);
  if (const auto v = section.number("confidence_level", Bounds{0.0, 1.0, true, true}))
    out.confidence_level = *v;
  section.finish();
}

}  // namespace fnesim::scenario_detail
