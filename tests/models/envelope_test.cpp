// The subsidy a set of regional envelopes needs under each fee mode: what
// `recommend` asks of the State when it raises the regions.
#include "models/envelope.hpp"

#include <gtest/gtest.h>

namespace fnesim {
namespace {

Convention with_fees(FeeMode mode) {
  Convention convention;
  convention.total_envelope = euros(150'000'000);
  convention.fee_rate = Rate{500};
  convention.fee_mode = mode;
  return convention;
}

Cents left_for_regions(const Convention& convention, Cents total) {
  return total - apply_rate(total, convention.fee_rate);
}

TEST(TotalEnvelopeForRegions, InProRataModeIsTheRegionsSum) {
  const Convention convention = with_fees(FeeMode::ProRata);
  EXPECT_EQ(total_envelope_for_regions(convention, euros(150'000'000)), euros(150'000'000));
  EXPECT_EQ(total_envelope_for_regions(convention, euros(209'190'000) + 7), euros(209'190'000) + 7);
}

// In national mode the fee comes off the total: the regions' sum is the total
// less its fee, exactly, and the total is the smallest that leaves it (the
// convention's own for its own regions).
TEST(TotalEnvelopeForRegions, InNationalModeLeavesExactlyTheRegionsSumOnceTheFeeIsWithheld) {
  const Convention convention = with_fees(FeeMode::National);
  EXPECT_EQ(total_envelope_for_regions(convention, euros(142'500'000)), euros(150'000'000));
  for (const Cents regional :
       {euros(198'731'465) + 92, euros(142'500'000) + 1, euros(142'500'000) + 19, euros(200'000'000) + 3}) {
    SCOPED_TRACE(regional);
    const Cents total = total_envelope_for_regions(convention, regional);
    EXPECT_EQ(left_for_regions(convention, total), regional);
    EXPECT_LT(left_for_regions(convention, total - 1), regional);
  }
}

}  // namespace
}  // namespace fnesim
