// A noise replay's held rx in their release order, with each channel's keys
// kept apart too: a channel that closes finds its own held rx without
// looking at every other channel's (Feed::drop_pending_rx).
#pragma once

#include <cstdint>
#include <map>
#include <utility>

namespace hio::replay {

// A map of Entry (which has a `channel`) by Key, in Key order, and per
// channel an index of its entries by Key, changed together by every insert
// and erase so they cannot disagree. Walking the map is the release order;
// the index gives a channel's entries in the same order, each in O(log n)
// (appending to a channel's index, as a hold mostly does, in O(1)): a close that
// walked the whole map for its channel's entries cost channels x held in all
// (xsim27 M1: 152 s for 800 channels whose rx a 1 h delay held).
// An entry's channel must not change while it is in here.
template <class Key, class Entry>
class HeldRx {
 public:
  using Map = std::map<Key, Entry>;
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  iterator upper_bound(const Key& key) { return entries_.upper_bound(key); }

  // `key` is not in here yet. Strong: a std::bad_alloc (from any of the
  // three allocations: the channel's index, the entry, its place in the
  // index) leaves the map and the index as they were; an entry left without
  // its index (fixnoise27's first version) made a later erase dereference
  // an index that was not there.
  void insert(std::pair<Key, Entry> entry) {
    const auto [index, made] = by_channel_.try_emplace(entry.second.channel);
    try {
      const auto at = entries_.insert(std::move(entry)).first;
      try {
        index->second.emplace_hint(index->second.end(), at->first, at);
      } catch (...) {
        entries_.erase(at);
        throw;
      }
    } catch (...) {
      if (made) by_channel_.erase(index);  // a channel with no entries has no index
      throw;
    }
  }
  void insert(const Key& key, Entry entry) { insert(std::pair<Key, Entry>{key, std::move(entry)}); }

  // Removes `at`: the entry after it then.
  iterator erase(iterator at) {
    unindex(at);
    return entries_.erase(at);
  }
  // Removes `at` and gives it back.
  std::pair<Key, Entry> take(iterator at) {
    unindex(at);
    std::pair<Key, Entry> entry{at->first, std::move(at->second)};
    entries_.erase(at);
    return entry;
  }

  // `channel`'s first entry in key order, or end().
  iterator first_of(std::uint32_t channel) {
    const auto index = by_channel_.find(channel);
    return index == by_channel_.end() ? end() : index->second.begin()->second;
  }
  // `channel`'s first entry with a key above `key`, or end().
  iterator next_of(std::uint32_t channel, const Key& key) {
    const auto index = by_channel_.find(channel);
    if (index == by_channel_.end()) return end();
    const auto next = index->second.upper_bound(key);
    return next == index->second.end() ? end() : next->second;
  }

 private:
  // A channel's entries by Key (a map's iterators stay valid while other
  // entries come and go); a channel with none has no index.
  using Index = std::map<Key, iterator>;

  void unindex(iterator at) {
    const auto index = by_channel_.find(at->second.channel);
    index->second.erase(at->first);
    if (index->second.empty()) by_channel_.erase(index);
  }

  Map entries_;
  std::map<std::uint32_t, Index> by_channel_;
};

}  // namespace hio::replay
