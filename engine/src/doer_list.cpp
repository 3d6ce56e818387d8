#include "hio/engine/doer_list.hpp"

namespace hio {

void DoerList::append(std::span<Doer* const> doers) {
  // Appending (at the end) leaves the others' indices as they are, nulls too.
  items_.reserve(items_.size() + doers.size());
  for (Doer* doer : doers) {
    if (doer == nullptr) continue;
    doer->listed(this, items_.size());
    items_.push_back(doer);
    if (indexed_) members_.insert(doer);
  }
}

void DoerList::clear() {
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (items_[i] != nullptr) items_[i]->unlisted(this, i);
  }
  items_.clear();
  members_.clear();
  holes_ = 0;
}

void DoerList::forget(std::size_t index) {
  // members_ may still name the address: a doer made there later is another
  // one, so it goes from the set now (by value; the doer is not read).
  if (indexed_) members_.erase(items_[index]);
  items_[index] = nullptr;
  ++holes_;
}

void DoerList::compact() const {
  // Only the destroyed doers' nulls go; members_ is unchanged by that.
  const_cast<DoerList*>(this)->erase_if([](const Doer*) { return false; });
}

}  // namespace hio
