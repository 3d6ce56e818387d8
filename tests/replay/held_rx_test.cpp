// HeldRx (replay/src/held_rx.hpp) out of memory: each allocation an insert
// makes is failed in turn (a replaced global operator new counts them down),
// and every time the std::bad_alloc leaves the held rx and their per-channel
// index as they were, so that what is held can still be found, walked and
// erased. Its own binary, because it replaces operator new.
#include "held_rx.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "failing_new.hpp"

namespace hio::replay {
namespace {
namespace held_rx_test {

using Key = std::pair<std::uint64_t, std::uint64_t>;  // (due, order), as the feed's
struct Entry {
  std::uint32_t channel = 0;
};
using Held = HeldRx<Key, Entry>;

// The keys of `channel`'s entries, walked through the index as a close does.
std::vector<Key> keys_of(Held& held, std::uint32_t channel) {
  std::vector<Key> keys;
  for (auto it = held.first_of(channel); it != held.end(); it = held.next_of(channel, it->first))
    keys.push_back(it->first);
  return keys;
}

TEST(HeldRxOutOfMemory, AnInsertThatRunsOutOfMemoryLeavesTheEntriesAndTheirIndexAsTheyWere) {
  // Channel 1 has entries (its index exists), channel 2 has none (the insert
  // makes its index too): each allocation of either insert fails in turn.
  for (const std::uint32_t channel : {1u, 2u}) {
    int failures = 0;
    bool inserted = false;
    for (long k = 0; k < 100 && !inserted; ++k) {
      Held held;
      held.insert(Key{10, 1}, Entry{1});
      held.insert(Key{30, 2}, Entry{1});
      const Key key{20, 3};
      g_fail_in = k;
      try {
        held.insert(key, Entry{channel});
        inserted = true;
      } catch (const std::bad_alloc&) {
        ++failures;
      }
      g_fail_in = -1;
      if (inserted) {
        EXPECT_EQ(held.size(), 3u);
        EXPECT_EQ(keys_of(held, channel).front(), (channel == 1 ? Key(10, 1) : key));
      } else {
        // As before the insert: the map and channel 1's index agree, and
        // channel 2 has nothing (first_of read an index left empty).
        ASSERT_EQ(held.size(), 2u) << "allocation " << k;
        EXPECT_EQ(keys_of(held, 1), (std::vector<Key>{{10, 1}, {30, 2}})) << "allocation " << k;
        EXPECT_EQ(held.first_of(2), held.end()) << "allocation " << k;
      }
      // Everything held can still be erased through its channel (an entry
      // without its place in the index made that erase dereference the end).
      for (const std::uint32_t c : {1u, 2u})
        while (held.first_of(c) != held.end())
          held.erase(held.first_of(c));
      EXPECT_TRUE(held.empty()) << "allocation " << k;
    }
    EXPECT_TRUE(inserted);
    // The entry's node and its place in the index; channel 2's index too.
    EXPECT_EQ(failures, channel == 1 ? 2 : 3);
  }
}

}  // namespace held_rx_test
}  // namespace
}  // namespace hio::replay
