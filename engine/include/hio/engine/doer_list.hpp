// DoerList: a scheduler's list of doers it does not own (a Doist's doers()
// and its extend queue, a DoDoer's children) that a destroyed doer leaves by
// itself, so the list never holds a dangling pointer.
#pragma once

#include <cstddef>
#include <span>
#include <unordered_set>
#include <vector>

#include "hio/engine/doer.hpp"

namespace hio {

// Each doer knows the lists that hold it and its index there (Doer::Listing),
// so ~Doer takes it out in O(1): it leaves a null that the list drops the next
// time it is read (items(), or any change). Order is kept; a doer may be in
// any number of lists, and in one list more than once. Null doers are not
// kept. A list destroyed first tells its doers it is gone. Single-threaded, as
// doers are.
class DoerList {
 public:
  // indexed: keep a set of the members too, for contains() in O(1).
  explicit DoerList(bool indexed = false) : indexed_(indexed) {}
  ~DoerList() { clear(); }
  DoerList(const DoerList&) = delete;
  DoerList& operator=(const DoerList&) = delete;

  // The doers in order, without the ones destroyed since.
  const std::vector<Doer*>& items() const {
    if (holes_ != 0) compact();
    return items_;
  }
  bool empty() const { return items_.size() == holes_; }
  // Indexed lists only.
  bool contains(const Doer* doer) const { return members_.contains(doer); }

  void append(std::span<Doer* const> doers);
  void push_back(Doer* doer) { append(std::span<Doer* const>(&doer, 1)); }
  void clear();
  // Drops the doers for which gone(doer) is true, keeping the others' order.
  template <typename Gone>
  void erase_if(Gone gone) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      Doer* doer = items_[i];
      if (doer == nullptr) continue;  // destroyed
      if (gone(static_cast<const Doer*>(doer))) {
        doer->unlisted(this, i);
        if (indexed_) members_.erase(doer);
        continue;
      }
      if (kept != i) doer->relisted(this, i, kept);
      items_[kept++] = doer;
    }
    items_.resize(kept);
    holes_ = 0;
  }

 private:
  friend class Doer;
  // From ~Doer: the doer at `index` is gone.
  void forget(std::size_t index);
  void compact() const;

  // Mutable: items() drops the destroyed doers' nulls as it reads.
  mutable std::vector<Doer*> items_;
  mutable std::size_t holes_ = 0;            // nulls in items_ (doers destroyed)
  std::unordered_set<const Doer*> members_;  // indexed lists: items_ as a set
  bool indexed_;
};

}  // namespace hio
