// TargetRef: a pointer that becomes null when the object it points to is
// destroyed. DoerRef (a channel's waiter and driver) and ChannelRef (a
// ChannelDoer's channel) are it.
#pragma once

namespace hio {

// For objects that use a target they do not own: when the target goes, each
// ref to it reads nullptr instead of dangling. The target T keeps the head of
// the list of its refs in a member `refs_` (a TargetRef<T>*, reached as a
// friend) and calls clear(refs_) in its destructor. Not copyable (it is linked
// into its target's list); single-threaded, as doers and channels are.
template <typename T>
class TargetRef {
 public:
  TargetRef() = default;
  explicit TargetRef(T* target) { reset(target); }
  ~TargetRef() { reset(); }
  TargetRef(const TargetRef&) = delete;
  TargetRef& operator=(const TargetRef&) = delete;

  T* get() const { return target_; }
  T* operator->() const { return target_; }
  void reset(T* target = nullptr) {
    if (target == target_) return;
    if (target_ != nullptr) {
      if (prev_ != nullptr) {
        prev_->next_ = next_;
      } else {
        target_->refs_ = next_;
      }
      if (next_ != nullptr) next_->prev_ = prev_;
      prev_ = nullptr;
      next_ = nullptr;
    }
    target_ = target;
    if (target_ != nullptr) {
      next_ = target_->refs_;
      if (next_ != nullptr) next_->prev_ = this;
      target_->refs_ = this;
    }
  }

  // For the target's destructor: every ref to it reads nullptr from now on.
  static void clear(TargetRef*& refs) {
    while (refs != nullptr)
      refs->reset();
  }

 private:
  T* target_ = nullptr;
  TargetRef* prev_ = nullptr;  // the target's list of refs to it
  TargetRef* next_ = nullptr;
};

}  // namespace hio
