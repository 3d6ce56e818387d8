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

}  // namespace channel_doer_driver_test
}  // namespace
}  // namespace hio::test
