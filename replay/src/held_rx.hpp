// A noise replay's held rx in their release order, with each channel's keys
// kept apart too: a channel that closes finds its own held rx without
// looking at every other channel's (Feed::drop_pending_rx).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace hio::replay {

// A map of Entry (which has a `channel`) by Key, in Key order, and an index
// of the keys by (channel, Key), changed together by every insert and erase
// so they cannot disagree. Walking the map is the release order; the index
// gives a channel's entries in the same order, each in O(log n): a close that
// walked the whole map for its channel's entries cost channels x held in all
// (xsim27 M1: 152 s for 800 channels and 2 million rx held by a 1 h delay).
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

  // `key` is not in here yet.
  void insert(std::pair<Key, Entry> entry) {
    by_channel_.emplace(entry.second.channel, entry.first);
    entries_.insert(std::move(entry));
  }
  void insert(const Key& key, Entry entry) { insert(std::pair<Key, Entry>{key, std::move(entry)}); }

  // Removes `at`: the entry after it then.
  iterator erase(iterator at) {
    by_channel_.erase(std::pair{at->second.channel, at->first});
    return entries_.erase(at);
  }
  // Removes `at` and gives it back.
  std::pair<Key, Entry> take(iterator at) {
    by_channel_.erase(std::pair{at->second.channel, at->first});
    std::pair<Key, Entry> entry{at->first, std::move(at->second)};
    entries_.erase(at);
    return entry;
  }

  // `channel`'s first entry in key order, or end().
  iterator first_of(std::uint32_t channel) {
    return of(by_channel_.lower_bound(std::pair{channel, lowest()}), channel);
  }
  // `channel`'s first entry with a key above `key`, or end().
  iterator next_of(std::uint32_t channel, const Key& key) {
    return of(by_channel_.upper_bound(std::pair{channel, key}), channel);
  }

 private:
  static Key lowest() {
    return Key{std::numeric_limits<typename Key::first_type>::min(),
               std::numeric_limits<typename Key::second_type>::min()};
  }
  iterator of(typename std::set<std::pair<std::uint32_t, Key>>::iterator at,
              std::uint32_t channel) {
    if (at == by_channel_.end() || at->first != channel) return entries_.end();
    return entries_.find(at->second);
  }

  Map entries_;
  std::set<std::pair<std::uint32_t, Key>> by_channel_;
};

}  // namespace hio::replay
