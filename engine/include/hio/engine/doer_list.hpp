// DoerList: a scheduler's list of doers (a Doist's doers() and its extend
// queue, a DoDoer's children) that a destroyed doer leaves by itself, so the
// list never holds a dangling pointer. A DoDoer's list also owns the
// children it adopted (own()).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "hio/engine/doer.hpp"

namespace hio {

// Each doer knows the lists that hold it and its index there (Doer::Listing),
// so ~Doer takes it out in O(1): it leaves a null, as erase() does. The
// nulls are dropped when the list is next read (items()), or by erase()
// once they are half of it, so a removal costs O(1) amortized in doers
// touched (a pass that removes a few of many doers does not relist the rest).
// Order is kept; a doer may be in any number of lists, and in one list more
// than once. Null doers are not kept. A list destroyed first tells its doers
// it is gone. Single-threaded, as doers are.
//
// Ownership: an entry may own its doer (own(); a DoDoer's adopted child), one
// bit per entry, so finding whether a child is owned, and giving it up when
// it leaves, costs O(1) like the rest. An owned doer leaves only through
// erase() or clear(), which hand it over (`released`); destroyed otherwise
// (by someone who did not own it) it stops the program (HIO_CHECK). A list
// destroyed with owned doers destroys them.
class DoerList {
 public:
  using Owned = std::vector<std::unique_ptr<Doer>>;

  DoerList() = default;
  ~DoerList() {
    Owned owned;
    clear(&owned);
  }
  DoerList(const DoerList&) = delete;
  DoerList& operator=(const DoerList&) = delete;

  // The doers in order, without the ones destroyed or removed since.
  const std::vector<Doer*>& items() const {
    if (holes_ != 0) compact();
    return items_;
  }
  bool empty() const { return items_.size() == holes_; }
  // Whether `doer` is in the list: asked of the doer, which knows its lists
  // (one or two as a rule), so it costs no memory per member.
  bool contains(const Doer* doer) const { return doer != nullptr && doer->listed_in(this); }

  void append(std::span<Doer* const> doers);
  void push_back(Doer* doer) { append(std::span<Doer* const>(&doer, 1)); }
  // Empties the list; the doers it owned are appended to *released (in list
  // order), which may be null only when it owns none.
  void clear(Owned* released = nullptr);
  // Drops every place `doers` hold in the list, keeping the others' order:
  // asked of each doer, which knows its places, so it costs O(doers given),
  // not O(list) (removing a few of 100,000 does not sweep them all). The
  // doers it owned are appended to *released, as clear() does.
  void erase(std::span<Doer* const> doers, Owned* released = nullptr);

  // The list owns `doer` from now (its first place, which must exist:
  // std::logic_error otherwise, `doer` not taken). Returns false, taking
  // nothing, if it owns it already.
  bool own(std::unique_ptr<Doer>& doer);
  // Room for own() of one more doer, and for the list to grow by `more`
  // first, so that own() then cannot run out of memory (a DoDoer makes room
  // before an adopted doer's enter: after it, a bad_alloc would destroy a
  // doer that runs). May throw std::bad_alloc, changing nothing.
  void reserve_to_own(std::size_t more);
  // Room in `owned` for one more and a spare after it, growing
  // geometrically: erase() and clear() make it before each doer they hand
  // over, so room a DoDoer made before an enter (for the adopted doer whose
  // enter removes itself) is still there after that enter removed owned
  // siblings. May throw std::bad_alloc, changing nothing.
  static void reserve_one_more(Owned& owned);
  // Hands an owned doer that leaves (erase(), clear(), a DoDoer's adopted
  // child whose enter removed it) over to `released`, marked
  // (Doer::released_by_owner: whoever took it now would lose it). Room must
  // be there (reserve_one_more): this cannot throw.
  static void release(Doer* doer, Owned& released) noexcept;
  bool owns(const Doer* doer) const;
  // Gives up owning `doer`, which stays listed; null if the list does not
  // own it.
  std::unique_ptr<Doer> disown(Doer* doer);

 private:
  void compact_if_half_holes() const {
    if (holes_ * 2 > items_.size()) compact();
  }
  friend class Doer;
  // From ~Doer: the doer at `index` is gone.
  void forget(std::size_t index);
  // Drops the nulls, relisting the doers that move.
  void compact() const;

  // Gives up the entry at `index` (a doer that leaves); its doer, if owned,
  // goes to *released.
  void release_at(std::size_t index, Owned* released);

  // Mutable: items() drops the nulls as it reads.
  mutable std::vector<Doer*> items_;
  mutable std::size_t holes_ = 0;  // nulls in items_ (doers destroyed or removed)
  // Whether items_[i] is owned; empty until an entry is (a Doist's lists
  // never are), then as long as items_.
  mutable std::vector<bool> owned_;
};

}  // namespace hio
