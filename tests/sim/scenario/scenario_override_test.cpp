// A key path as planners type it on the command line (--set, --range,
// --group): one key, however its parts are spelt.
#include "sim/scenario/scenario_override.hpp"

#include <gtest/gtest.h>

#include "sim/errors.hpp"

namespace fnesim {
namespace {

// Quoted parts or not, one spelling: the one the scenario writes its uncertain
// parameters' paths in (bare where it can be, quoted where it must).
TEST(CanonicalKeyPath, WritesEachPartBareWhereItCanAndQuotedWhereItMust) {
  EXPECT_EQ(canonical_key_path(R"(demand."arrivals"."expected_dossiers")"),
            "demand.arrivals.expected_dossiers");
  EXPECT_EQ(canonical_key_path(R"(events."deadline-rush".share)"), "events.deadline-rush.share");
  EXPECT_EQ(canonical_key_path(R"(events.2021-step.factor)"), "events.2021-step.factor");
  EXPECT_EQ(canonical_key_path(R"(events."rush.v2".share)"), R"(events."rush.v2".share)");
  EXPECT_EQ(canonical_key_path(R"(events."an event".share)"), R"(events."an event".share)");
}

// A name holding a quote or a backslash is written escaped, and read back as
// the same name: the spelling is its own canonical form.
TEST(CanonicalKeyPath, ReadsTheEscapesItWrites) {
  for (const char* path : {R"(events."say \"hi\"".share)", R"(events."back\\slash".share)"})
    EXPECT_EQ(canonical_key_path(path), path) << path;
}

TEST(CanonicalKeyPath, RefusesAnEmptyPartOrAnOpenQuote) {
  EXPECT_THROW(canonical_key_path("demand..expected_dossiers"), BadRequest);
  EXPECT_THROW(canonical_key_path(R"(events."open.share)"), BadRequest);
}

}  // namespace
}  // namespace fnesim
