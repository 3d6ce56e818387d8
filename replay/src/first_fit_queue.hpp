// A queue that finds its first entry small enough to fit, in the order the
// entries came, without looking at each bigger one before it: for a noise
// replay's datagrams waiting for room in their channel's rx (Feed::RoomWait).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "hio/engine/check.hpp"

namespace hio::replay {

// Entries in the order pushed, each with a size. take_first(fits) takes out
// the first whose size fits, for a `fits` that is monotone (if a size fits,
// every smaller one does), in O(log n): a tree of the smallest size under
// each node of the slots leads to it. One entry at a time may be out (taken);
// it keeps its place until put back (it did not fit after all) or forgotten
// (it was delivered, or lives elsewhere now). Pushes are amortized O(1): the
// slots of entries gone are reclaimed when the slots run out.
template <class Entry>
class FirstFitQueue {
 public:
  bool empty() const { return live_ == 0; }
  // Entries in the queue, not counting the one taken out.
  std::size_t size() const { return live_; }

  void push(Entry entry, std::size_t size) {
    if (end_ == slots_.size()) rebuild();
    slots_[end_] = Slot{std::move(entry), size, false};
    set(end_, size);
    ++end_;
    ++live_;
  }

  // The first entry (the one taken out is not in the queue). Not empty().
  const Entry& front() const { return *slots_[first_live()].entry; }
  const Entry& back() const {
    HIO_CHECK(!empty(), "FirstFitQueue::back of an empty queue");
    std::size_t i = end_;
    while (!slots_[i - 1].entry)
      --i;
    return *slots_[i - 1].entry;
  }
  Entry pop_front() {
    const std::size_t i = first_live();
    Entry entry = std::move(*slots_[i].entry);
    clear(i);
    return entry;
  }

  // Takes out the first entry whose size fits, if any. Nothing may be out.
  template <class Fits>
  std::optional<Entry> take_first(const Fits& fits) {
    HIO_CHECK(!taken_, "FirstFitQueue::take_first with an entry taken out already");
    if (slots_.empty() || tree_[1] == kNone || !fits(tree_[1])) return std::nullopt;
    std::size_t node = 1;
    while (node < slots_.size()) {
      const std::size_t left = 2 * node;
      node = tree_[left] != kNone && fits(tree_[left]) ? left : left + 1;
    }
    const std::size_t i = node - slots_.size();
    Entry entry = std::move(*slots_[i].entry);
    slots_[i].reserved = true;  // before clear(): first_ stops at its place
    clear(i);
    taken_ = i;
    return entry;
  }
  // The entry taken out, back in its place.
  void put_back(Entry entry) {
    HIO_CHECK(taken_.has_value(), "FirstFitQueue::put_back with nothing taken out");
    Slot& slot = slots_[*taken_];
    slot.entry = std::move(entry);
    slot.reserved = false;
    set(*taken_, slot.size);
    ++live_;
    taken_.reset();
  }
  // The entry taken out stays out: its place is free.
  void forget_taken() {
    HIO_CHECK(taken_.has_value(), "FirstFitQueue::forget_taken with nothing taken out");
    slots_[*taken_].reserved = false;
    taken_.reset();
  }

 private:
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  struct Slot {
    std::optional<Entry> entry;
    std::size_t size = 0;
    bool reserved = false;  // its entry is taken out
  };

  std::size_t first_live() const {
    HIO_CHECK(!empty(), "FirstFitQueue::front of an empty queue");
    std::size_t i = first_;
    while (!slots_[i].entry)
      ++i;
    return i;
  }
  void clear(std::size_t i) {
    slots_[i].entry.reset();
    set(i, kNone);
    --live_;
    while (first_ < end_ && !slots_[first_].entry && !slots_[first_].reserved)
      ++first_;
  }
  // The leaf of slot i is `size`; each node above, the smaller of its two.
  void set(std::size_t i, std::size_t size) {
    std::size_t node = i + slots_.size();
    tree_[node] = size;
    for (node /= 2; node >= 1; node /= 2)
      tree_[node] = std::min(tree_[2 * node], tree_[2 * node + 1]);
  }
  // Out of slots: the entries (and the place of one taken out) move to the
  // front of twice as many slots as they fill, in order.
  void rebuild() {
    std::vector<Slot> kept;
    std::optional<std::size_t> taken;
    for (std::size_t i = first_; i < end_; ++i) {
      if (!slots_[i].entry && !slots_[i].reserved) continue;
      if (taken_ == i) taken = kept.size();
      kept.push_back(std::move(slots_[i]));
    }
    const std::size_t count = std::bit_ceil(std::max<std::size_t>(8, 2 * kept.size()));
    slots_.assign(count, Slot{});
    tree_.assign(2 * count, kNone);
    end_ = kept.size();
    first_ = 0;
    for (std::size_t i = 0; i < kept.size(); ++i) {
      slots_[i] = std::move(kept[i]);
      if (slots_[i].entry) tree_[count + i] = slots_[i].size;
    }
    for (std::size_t node = count - 1; node >= 1; --node)
      tree_[node] = std::min(tree_[2 * node], tree_[2 * node + 1]);
    taken_ = taken;
  }

  std::vector<Slot> slots_;        // [first_, end_) in use, in order; a power of two
  std::vector<std::size_t> tree_;  // 2 * slots_.size(): node 1 the root, leaves after
  std::size_t first_ = 0;          // no entry before it
  std::size_t end_ = 0;
  std::size_t live_ = 0;
  std::optional<std::size_t> taken_;
};

}  // namespace hio::replay
