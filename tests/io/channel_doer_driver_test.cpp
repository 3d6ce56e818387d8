// A channel has one driver: a second ChannelDoer given a channel that a
// scheduled doer drives is refused at its enter (xemb27 LOW 6: both were
// entered, the second replaced the first as driver with no word, both
// serviced the channel every pass, and after the run it had none).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "sim_support.hpp"

namespace hio::test {
namespace {
namespace channel_doer_driver_test {

TEST(ChannelDoerDriver, ASecondDriverOfAChannelIsRefusedAndTheFirstKeepsIt) {
  SimWorld w;
  w.two_hosts();
  EchoServerDoer server(w.io, "sim://b:7");
  Channel& ch = w.io.connect("sim://b:7");
  ChannelDoer first(ch, "first", "first exit");
  ChannelDoer second(ch, "second", "second exit");
  try {
    w.doist.run({&server, &first, &second}, 5 * kMs);
    ADD_FAILURE() << "two drivers of one channel were accepted";
  } catch (const std::logic_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "ChannelDoer 'second': its channel #" + std::to_string(ch.id()) + " '" + ch.name() +
                  "' is driven by doer 'first', which is running: a channel has one driver "
                  "(give each ChannelDoer its own channel)");
  }
  // The refused doer's exit left the channel alone: the first closed it at
  // its own exit, and nothing drives it after the run.
  EXPECT_EQ(ch.driver(), nullptr);
  EXPECT_EQ(ch.state(), ChannelState::closed);
  EXPECT_FALSE(first.scheduled());
  EXPECT_FALSE(second.scheduled());
  // One at a time, each drives it (a later run reopens it).
  EXPECT_EQ(w.doist.run({&server, &second}, 10 * kMs), RunEnd::limit);
  EXPECT_EQ(ch.driver(), nullptr);
}

// The rule is the channel's, whoever sets the driver (an embedder's own
// doer, a server doer): until session 29 Channel::set_driver replaced a
// running driver silently and only ChannelDoer refused.
TEST(ChannelDoerDriver, SetDriverRefusesAnotherDoerWhileItsDriverRuns) {
  SimWorld w;
  w.two_hosts();
  Channel& ch = w.io.connect("sim://b:7");
  Doer first("first");
  Doer second("second");
  ch.set_driver(&first);
  w.doist.enter({&first});
  ASSERT_TRUE(first.scheduled());
  try {
    ch.set_driver(&second);
    ADD_FAILURE() << "a second driver replaced a running one";
  } catch (const std::logic_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "channel #" + std::to_string(ch.id()) + " '" + ch.name() +
                  "' is driven by doer 'first', which is running: a channel has one driver");
  }
  EXPECT_EQ(ch.driver(), &first);
  ch.set_driver(&first);  // its own driver again: no change
  w.doist.exit();
  // Not running now: taken over; and clearing is always allowed.
  ch.set_driver(&second);
  EXPECT_EQ(ch.driver(), &second);
  ch.set_driver(nullptr);
  EXPECT_EQ(ch.driver(), nullptr);
}

}  // namespace channel_doer_driver_test
}  // namespace
}  // namespace hio::test
