// The endpoints bound at a SimNet host's ports, of one kind (datagram
// transports or stream listeners), by port number.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

namespace hio::detail {

// Every datagram that arrives looks its port up here, so a lookup is two
// array reads: a std::map walked a tree of the host's bound ports, one cache
// miss a level, and with thousands of endpoints on a host that walk grew
// into the largest cost of a datagram (xsim27 L1: 1 us an event at 800
// requesters, 3 us at 6,400). Ports come in pages of 256 slots, each
// allocated by the first port bound in it and kept: a host that binds no
// port costs one null pointer, one that binds any 2 KiB of directory and
// 2 KiB a page in use (514 KiB at most). Nothing iterates the table, so no
// order can leak from it into a run.
template <class Endpoint>
class SimPortTable {
 public:
  // The endpoint bound at `port`, or nullptr.
  Endpoint* find(std::uint16_t port) const {
    if (pages_ == nullptr) return nullptr;
    const Page* page = (*pages_)[port / kPageSlots].get();
    return page == nullptr ? nullptr : (*page)[port % kPageSlots];
  }

  // Binds `endpoint` (not null) at `port`; false, and nothing changed, if
  // another is bound there.
  bool emplace(std::uint16_t port, Endpoint* endpoint) {
    Endpoint*& slot = slot_of(port);
    if (slot != nullptr) return false;
    slot = endpoint;
    return true;
  }

  void erase(std::uint16_t port) {
    if (find(port) != nullptr) slot_of(port) = nullptr;
  }

  void clear() { pages_.reset(); }

 private:
  static constexpr std::uint32_t kPageSlots = 256;
  static constexpr std::uint32_t kPages = 65'536 / kPageSlots;
  using Page = std::array<Endpoint*, kPageSlots>;
  using Directory = std::array<std::unique_ptr<Page>, kPages>;

  // Allocates what `port` needs first: a std::bad_alloc leaves the table as
  // it was (at most an empty page more).
  Endpoint*& slot_of(std::uint16_t port) {
    if (pages_ == nullptr) pages_ = std::make_unique<Directory>();
    std::unique_ptr<Page>& page = (*pages_)[port / kPageSlots];
    if (page == nullptr) page = std::make_unique<Page>();  // value-initialised: all null
    return (*page)[port % kPageSlots];
  }

  std::unique_ptr<Directory> pages_;
};

}  // namespace hio::detail
