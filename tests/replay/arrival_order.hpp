// The orders in which a noise replay's tx comparison may see the recording's
// sends and the doers' (stream_tx_test, datagram_diff_test): a comparison
// whose result depends on that order is wrong.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hio/engine/random.hpp"

namespace hio::replay::test {

enum class Order { recording_first, doers_first, in_step, random };

// Calls add(true, recorded[i]) and add(false, sent[j]) for every element, each
// side in its order, interleaved by `order`: in_step feeds the side that has
// fed less `weight` so far, random draws each next side from `rng`.
template <typename T, typename Weight, typename Add>
void feed_in_order(const std::vector<T>& recorded, const std::vector<T>& sent, Order order,
                   RandomStream* rng, Weight weight, Add add) {
  std::size_t i = 0;
  std::size_t j = 0;
  std::uint64_t fed_recorded = 0;
  std::uint64_t fed_sent = 0;
  while (i < recorded.size() || j < sent.size()) {
    bool take_recorded = j == sent.size();
    if (i < recorded.size() && j < sent.size()) {
      switch (order) {
        case Order::recording_first:
          take_recorded = true;
          break;
        case Order::doers_first:
          take_recorded = false;
          break;
        case Order::in_step:
          take_recorded = fed_recorded <= fed_sent;
          break;
        case Order::random:
          take_recorded = rng->uniform(0, 1) == 0;
          break;
      }
    }
    if (take_recorded) {
      fed_recorded += weight(recorded[i]);
      add(true, recorded[i++]);
    } else {
      fed_sent += weight(sent[j]);
      add(false, sent[j++]);
    }
  }
}

// compare(order, rng) in every order and four random interleavings drawn
// from `rng`: the outcome (expected the same in each) of the first.
template <typename Compare>
auto same_in_every_order(Compare compare, RandomStream rng) {
  const auto outcome = compare(Order::recording_first, nullptr);
  EXPECT_EQ(compare(Order::doers_first, nullptr), outcome) << "doers first";
  EXPECT_EQ(compare(Order::in_step, nullptr), outcome) << "in step";
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(compare(Order::random, &rng), outcome) << "random interleaving " << k;
  return outcome;
}

}  // namespace hio::replay::test
