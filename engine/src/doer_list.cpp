#include "hio/engine/doer_list.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include "adopting.hpp"
#include "hio/engine/check.hpp"

namespace hio {

void DoerList::append(std::span<Doer* const> doers) {
  // Appending (at the end) leaves the others' indices as they are, nulls
  // too. Room for a batch at once (one allocation for a run's doers), but
  // growing geometrically: an exact reserve per call would copy the whole
  // list each time a pass extends a few doers.
  const std::size_t needed = items_.size() + doers.size();
  if (needed > items_.capacity()) items_.reserve(std::max(needed, 2 * items_.capacity()));
  for (Doer* doer : doers) {
    if (doer == nullptr) continue;
    // Kept sized as items_ once sized; and from the first doer on where
    // reserve_to_own made room in an empty list (an empty DoDoer's first
    // adopt), else the first own() sized it after the doer's enter, which
    // may have extended the list past that room (rev29b).
    if (!owned_.empty() || (items_.empty() && owned_.capacity() != 0)) owned_.push_back(false);
    items_.push_back(doer);
    const std::size_t index = items_.size() - 1;
    try {
      doer->listed(this, index);  // all or nothing
    } catch (...) {               // out of memory: the doer is not in the list
      items_.pop_back();
      if (!owned_.empty()) owned_.pop_back();
      throw;
    }
  }
}

void DoerList::release_at(std::size_t index, Owned* released) {
  Doer* doer = items_[index];
  const bool owned = !owned_.empty() && owned_[index];
  if (owned) {
    HIO_CHECK(released != nullptr,
              "DoerList: doer '" + doer->name() + "' is owned by the list, and nobody takes it");
    // Room first (a bad_alloc then changes nothing): an owned doer is never
    // left unowned.
    reserve_one_more(*released);
  }
  doer->unlisted(this, index);
  items_[index] = nullptr;
  ++holes_;
  if (!owned) return;
  owned_[index] = false;
  release(doer, *released);
}

void DoerList::release(Doer* doer, Owned& released) noexcept {
  doer->released_by_owner_ = true;
  released.emplace_back(doer);  // reserved: cannot throw
}

void DoerList::clear(Owned* released) {
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (items_[i] != nullptr) release_at(i, released);
  }
  items_.clear();
  owned_.clear();
  holes_ = 0;
}

void DoerList::erase(std::span<Doer* const> doers, Owned* released) {
  for (Doer* doer : doers) {
    if (doer == nullptr) continue;
    // A doer may be in the list more than once (see the class comment).
    while (const std::optional<std::size_t> index = doer->index_in(this)) {
      release_at(*index, released);
    }
  }
  compact_if_half_holes();
}

bool DoerList::own(std::unique_ptr<Doer>& doer) {
  const std::optional<std::size_t> index = doer ? doer->index_in(this) : std::nullopt;
  if (!index) throw std::logic_error("DoerList::own: the doer is not in the list");
  if (owned_.empty()) owned_.resize(items_.size(), false);
  if (owned_[*index]) return false;
  owned_[*index] = true;
  static_cast<void>(doer.release());
  return true;
}

void DoerList::reserve_to_own(std::size_t more) {
  // Geometric, as append's: an exact reserve per adopt() would copy the
  // bits each time.
  const std::size_t needed = (owned_.empty() ? items_.size() : owned_.size()) + more;
  if (needed > owned_.capacity()) owned_.reserve(std::max(needed, 2 * owned_.capacity()));
  // Sized as items_ now, not on the first own(): append keeps it so (its
  // own allocation comes before any enter, or fails as an extend's error),
  // so own() never allocates. Sized there, the first ownership allocated
  // after the doer's enter if that enter had extended the list past the
  // room made here (fixeng29).
  if (owned_.empty()) owned_.resize(items_.size(), false);
}

void DoerList::reserve_one_more(Owned& owned) {
  // One more, a spare, and a place for each adopt() in progress, which may
  // hand its doer over here after this one (adopting.hpp).
  const std::size_t room = 2 + detail::adopts_in_progress();
  if (owned.capacity() - owned.size() < room) {
    owned.reserve(std::max({std::size_t{4}, 2 * owned.capacity(), owned.size() + room}));
  }
}

bool DoerList::owns(const Doer* doer) const {
  if (owned_.empty() || doer == nullptr) return false;
  const std::optional<std::size_t> index = doer->index_in(this);
  return index && owned_[*index];
}

std::unique_ptr<Doer> DoerList::disown(Doer* doer) {
  if (!owns(doer)) return nullptr;
  owned_[*doer->index_in(this)] = false;
  return std::unique_ptr<Doer>(doer);
}

void DoerList::forget(std::size_t index) {
  // ~Doer of a doer this list owns: only the list destroys those.
  HIO_CHECK(owned_.empty() || !owned_[index],
            "a doer that a DoDoer adopted (owns) was destroyed by someone else");
  items_[index] = nullptr;
  ++holes_;
}

void DoerList::compact() const {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    Doer* doer = items_[i];
    if (doer == nullptr) continue;
    if (kept != i) {
      doer->relisted(this, i, kept);
      if (!owned_.empty()) owned_[kept] = owned_[i];
    }
    items_[kept++] = doer;
  }
  items_.resize(kept);
  if (!owned_.empty()) owned_.resize(kept);
  holes_ = 0;
}

}  // namespace hio
