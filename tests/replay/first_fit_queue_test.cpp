// FirstFitQueue on its own: the first entry that fits, in the order pushed,
// whatever came before it; an entry taken out keeps its place until put back,
// through the rebuilds that reclaim the slots of entries gone. Checked
// against a plain walk of a list, over a long deterministic sequence.
#include "first_fit_queue.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <utility>

#include "hio/engine/random.hpp"

namespace hio::replay {
namespace {
namespace first_fit_queue_test {

using Entry = std::pair<int, std::size_t>;  // (order pushed, size)

TEST(FirstFitQueue, TakesTheFirstThatFitsAndPutsBackInPlace) {
  FirstFitQueue<Entry> q;
  for (int i = 0; i < 5; ++i) {
    const std::size_t size = i % 2 == 0 ? 300 : 20;
    q.push({i, size}, size);
  }
  const auto fits = [](std::size_t room) { return [room](std::size_t s) { return s <= room; }; };
  EXPECT_FALSE(q.take_first(fits(10)));
  std::optional<Entry> small = q.take_first(fits(100));
  ASSERT_TRUE(small);
  EXPECT_EQ(small->first, 1);  // passes over 0 (300 bytes)
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.front().first, 0);
  q.put_back(*small);  // did not fit after all: first of the small ones again
  EXPECT_EQ(q.take_first(fits(100))->first, 1);
  q.forget_taken();  // delivered
  EXPECT_EQ(q.take_first(fits(1000))->first, 0);
  q.forget_taken();
  EXPECT_EQ(q.pop_front().first, 2);
  EXPECT_EQ(q.back().first, 4);
  EXPECT_EQ(q.size(), 2u);
}

// The same operations on a FirstFitQueue and on a list walked from the front.
TEST(FirstFitQueue, AgreesWithAWalkOfTheListOverManyOperations) {
  FirstFitQueue<Entry> q;
  std::list<Entry> model;
  bool taken = false;                   // one is out of `q`
  std::list<Entry>::iterator taken_at;  // its place in `model`
  RandomStream random(7, "first fit");
  int pushed = 0;
  for (int step = 0; step < 20'000; ++step) {
    const std::int64_t op = random.uniform(0, 9);
    if (op < 4) {
      const auto size = static_cast<std::size_t>(random.uniform(1, 400));
      q.push({pushed, size}, size);
      model.push_back({pushed, size});
      ++pushed;
    } else if (op < 6 && !taken) {
      const auto room = static_cast<std::size_t>(random.uniform(0, 400));
      const std::optional<Entry> got = q.take_first([room](std::size_t s) { return s <= room; });
      auto it = model.begin();
      while (it != model.end() && it->second > room)
        ++it;
      ASSERT_EQ(got.has_value(), it != model.end()) << "step " << step;
      if (got) {
        EXPECT_EQ(got->first, it->first) << "step " << step;
        taken = true;
        taken_at = it;
      }
    } else if (op < 7 && taken) {
      q.put_back(*taken_at);
      taken = false;
    } else if (op < 8 && taken) {
      q.forget_taken();
      model.erase(taken_at);
      taken = false;
    } else if (!q.empty()) {
      auto first = model.begin();
      if (taken && taken_at == first) ++first;
      EXPECT_EQ(q.front().first, first->first) << "step " << step;
      EXPECT_EQ(q.pop_front().first, first->first) << "step " << step;
      model.erase(first);
    }
    ASSERT_EQ(q.size(), model.size() - (taken ? 1 : 0)) << "step " << step;
  }
  EXPECT_GT(pushed, 5'000);
}

}  // namespace first_fit_queue_test
}  // namespace
}  // namespace hio::replay
