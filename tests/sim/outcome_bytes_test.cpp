// A replication's outcome travels between the ranks of a cluster run as bytes
// (sim/outcome.hpp, sim/cluster.hpp): what arrives must be what was sent, for
// every kind of outcome — steering moves, the cash forecast, uncertain
// draws — and a message of another shape must be refused, not misread.
#include <gtest/gtest.h>

#include <string>

#include "sim/bytes.hpp"
#include "sim/cluster.hpp"
#include "sim/outcome.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/simulator.hpp"

namespace fnesim {
namespace {

Bytes bytes_of(const ReplicationOutcome& outcome) {
  Bytes bytes;
  ByteWriter writer(bytes);
  append_outcome(outcome, writer);
  return bytes;
}

class OutcomeBytes : public ::testing::TestWithParam<std::string> {};

TEST_P(OutcomeBytes, ReadBackIsWhatWasWritten) {
  const Simulator simulator(load_scenario_argument(GetParam()));
  ReplicationOutcome sent = simulator.make_outcome();
  simulator.simulate(20210118, 3, *simulator.make_workspace(), sent);
  // Each scenario is here for what it fills.
  if (GetParam() == "steering-2021") {
    EXPECT_FALSE(sent.moves.empty());
  } else if (GetParam() == "financing-2021") {
    EXPECT_FALSE(sent.cash_position.empty());
  } else if (GetParam() == "observed-2021-uncertain") {
    EXPECT_FALSE(sent.parameter_values.empty());
  } else if (GetParam() == "observed-september-2021") {
    EXPECT_GT(sent.jumps, 0);
    EXPECT_FALSE(sent.drift.empty());
  }
  const Bytes bytes = bytes_of(sent);

  // Received into an outcome that held another replication: every field is replaced.
  ReplicationOutcome received = simulator.make_outcome();
  simulator.simulate(20210118, 4, *simulator.make_workspace(), received);
  received.jumps = -1;  // no count drawn is negative: the count must travel
  ByteReader reader(bytes);
  read_outcome(reader, received);
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(bytes_of(received), bytes);
  // A few fields by name, so that equal bytes cannot hide a field left out of both.
  EXPECT_EQ(received.national.demand, sent.national.demand);
  EXPECT_EQ(received.regions.back().exhaustion_day, sent.regions.back().exhaustion_day);
  EXPECT_EQ(received.monthly_payments, sent.monthly_payments);
  EXPECT_EQ(received.moves.size(), sent.moves.size());
  EXPECT_EQ(received.cash_position, sent.cash_position);
  EXPECT_EQ(received.uptake, sent.uptake);
  EXPECT_EQ(received.parameter_values, sent.parameter_values);
  EXPECT_EQ(received.particle, sent.particle);
  EXPECT_EQ(received.drift, sent.drift);
  EXPECT_EQ(received.jumps, sent.jumps);
  EXPECT_EQ(received.dossier_variance_eur2, sent.dossier_variance_eur2);
}

// Steering moves money, financing fills the cash position, the uncertain
// scenario draws parameters and a profile, the September prior a drift and
// jumps of uptake.
INSTANTIATE_TEST_SUITE_P(Scenarios, OutcomeBytes,
                         ::testing::Values("convention-2021", "steering-2021", "financing-2021",
                                           "observed-2021-uncertain", "observed-september-2021"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(OutcomeBytes, StrangeMessagesAreRefused) {
  const Simulator simulator(load_scenario_argument("convention-2021"));
  ReplicationOutcome outcome = simulator.make_outcome();
  simulator.simulate(1, 0, *simulator.make_workspace(), outcome);
  Bytes bytes = bytes_of(outcome);

  bytes.pop_back();  // cut short
  ByteReader short_reader(bytes);
  EXPECT_THROW(read_outcome(short_reader, outcome), InvariantError);

  // Another scenario's shape: twelve regions read into an outcome made for one.
  const Bytes twelve = bytes_of(outcome);
  ReplicationOutcome one_region(1, simulator.month_count());
  ByteReader other_reader(twelve);
  EXPECT_THROW(read_outcome(other_reader, one_region), InvariantError);
}

TEST(Cluster, OneProcessWithoutALauncher) {
  // The test binary is not started by mpirun: one rank, which writes, and no loop is split.
  EXPECT_EQ(cluster::rank(), 0);
  EXPECT_EQ(cluster::ranks(), 1);
  EXPECT_TRUE(cluster::writes_outputs());
  EXPECT_FALSE(cluster::distributing());
  EXPECT_FALSE(cluster::in_mpi_job());
}

}  // namespace
}  // namespace fnesim
