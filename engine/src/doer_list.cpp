#include "hio/engine/doer_list.hpp"

#include <algorithm>
#include <optional>

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
    items_.push_back(doer);
    const std::size_t index = items_.size() - 1;
    try {
      doer->listed(this, index);  // all or nothing
    } catch (...) {               // out of memory: the doer is not in the list
      items_.pop_back();
      throw;
    }
  }
}

void DoerList::clear() {
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (items_[i] != nullptr) items_[i]->unlisted(this, i);
  }
  items_.clear();
  holes_ = 0;
}

void DoerList::erase(std::span<Doer* const> doers) {
  for (Doer* doer : doers) {
    if (doer == nullptr) continue;
    // A doer may be in the list more than once (see the class comment).
    while (const std::optional<std::size_t> index = doer->index_in(this)) {
      doer->unlisted(this, *index);
      items_[*index] = nullptr;
      ++holes_;
    }
  }
  compact_if_half_holes();
}

void DoerList::forget(std::size_t index) {
  items_[index] = nullptr;
  ++holes_;
}

void DoerList::compact() const {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    Doer* doer = items_[i];
    if (doer == nullptr) continue;
    if (kept != i) doer->relisted(this, i, kept);
    items_[kept++] = doer;
  }
  items_.resize(kept);
  holes_ = 0;
}

}  // namespace hio
