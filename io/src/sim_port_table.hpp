// The endpoints bound at a SimNet host's ports, of one kind (datagram
// transports or stream listeners), by port number.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace hio::detail {

// Every datagram that arrives looks its port up here. A std::map walked a
// tree of the host's bound ports, one cache miss a level, and with
// thousands of endpoints on a host that walk grew into the largest cost of
// a datagram (xsim27 L1: 1 us an event at 800 requesters, 3 us at 6,400).
//
// So a host with many ports keeps them in pages of 256 slots, a lookup two
// array reads: 2 KiB of directory and 2 KiB a page in use (514 KiB at
// most). A host with few ports (SimNet allows 65,536 hosts, most with one
// or two) would pay 4 KiB for each kind it binds (rev29a M2: 512 MiB at
// 65,536 hosts), so up to kFewPorts ports live in a sorted vector of
// (port, endpoint), 16 bytes a port, a binary search of at most four
// steps (a few ns more than a page at 16 ports, ~20 ns more at 32: so 16);
// the first port beyond moves them all into pages, which stay until clear().
// Nothing iterates the table for a run, so no order can leak from it.
template <class Endpoint>
class SimPortTable {
 public:
  // More ports than this on a host, of one kind, and they go into pages.
  static constexpr std::size_t kFewPorts = 16;

  // The endpoint bound at `port`, or nullptr.
  Endpoint* find(std::uint16_t port) const {
    if (pages_ != nullptr) {
      const Page* page = (*pages_)[port / kPageSlots].get();
      return page == nullptr ? nullptr : (*page)[port % kPageSlots];
    }
    const Few* few = at_or_after(port);
    return few != few_.data() + few_.size() && few->port == port ? few->endpoint : nullptr;
  }

  // Binds `endpoint` (not null) at `port`; false, and nothing changed, if
  // another is bound there. A std::bad_alloc leaves the table as it was (at
  // most an empty page more).
  bool emplace(std::uint16_t port, Endpoint* endpoint) {
    if (pages_ == nullptr) {
      auto it = lower_bound(port);
      if (it != few_.end() && it->port == port) return false;
      if (few_.size() < kFewPorts) {
        few_.insert(it, Few{port, endpoint});  // strong: Few is trivially copyable
        return true;
      }
      move_into_pages();
    }
    Endpoint*& slot = slot_of(port);
    if (slot != nullptr) return false;
    slot = endpoint;
    return true;
  }

  void erase(std::uint16_t port) {
    if (pages_ != nullptr) {
      if (find(port) != nullptr) slot_of(port) = nullptr;
      return;
    }
    auto it = lower_bound(port);
    if (it != few_.end() && it->port == port) few_.erase(it);
  }

  void clear() {
    pages_.reset();
    few_ = std::vector<Few>();  // gives the capacity back (`= {}` would keep it)
  }

  // The bytes the table holds on the heap (what a host's ports cost).
  std::size_t heap_bytes() const {
    std::size_t bytes = few_.capacity() * sizeof(Few);
    if (pages_ == nullptr) return bytes;
    bytes += sizeof(Directory);
    for (const std::unique_ptr<Page>& page : *pages_)
      if (page != nullptr) bytes += sizeof(Page);
    return bytes;
  }

 private:
  static constexpr std::uint32_t kPageSlots = 256;
  static constexpr std::uint32_t kPages = 65'536 / kPageSlots;
  using Page = std::array<Endpoint*, kPageSlots>;
  using Directory = std::array<std::unique_ptr<Page>, kPages>;

  struct Few {
    std::uint16_t port;
    Endpoint* endpoint;
  };

  typename std::vector<Few>::const_iterator lower_bound(std::uint16_t port) const {
    return few_.begin() + (at_or_after(port) - few_.data());
  }

  // The first of few_ whose port is not below `port` (or its end). A binary
  // search whose steps are arithmetic, not branches: a lookup's ports are
  // as good as random to the branch predictor, and std::lower_bound's
  // branches made a 32-port host's lookup 7 times as slow as a page's.
  const Few* at_or_after(std::uint16_t port) const {
    const Few* base = few_.data();
    std::size_t n = few_.size();
    if (n == 0) return base;
    while (n > 1) {
      const std::size_t half = n / 2;
      // A product, not a ?: (gcc made the ?: a branch).
      base += half * static_cast<std::size_t>(base[half - 1].port < port);
      n -= half;
    }
    return base + (base->port < port ? 1 : 0);
  }

  // Builds the pages beside the vector and swaps them in only when all are
  // allocated: a std::bad_alloc leaves the table as it was.
  void move_into_pages() {
    SimPortTable paged;
    paged.pages_ = std::make_unique<Directory>();
    for (const Few& few : few_)
      paged.slot_of(few.port) = few.endpoint;
    pages_ = std::move(paged.pages_);
    few_ = std::vector<Few>();
  }

  // Allocates what `port` needs first: a std::bad_alloc leaves the table as
  // it was (at most an empty page more). Only with pages.
  Endpoint*& slot_of(std::uint16_t port) {
    std::unique_ptr<Page>& page = (*pages_)[port / kPageSlots];
    if (page == nullptr) page = std::make_unique<Page>();  // value-initialised: all null
    return (*page)[port % kPageSlots];
  }

  std::vector<Few> few_;  // sorted by port; empty once pages_ is set
  std::unique_ptr<Directory> pages_;
};

}  // namespace hio::detail
