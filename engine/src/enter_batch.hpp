// EnterBatch: the doers of a batch that a scheduler enters one by one, each
// looked at only at its turn. Private to the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace hio {

class Doer;
class Schedule;

namespace detail {

// An enter runs user code (the doer's wind and enter hooks) before the next
// doer of its batch is reached, and that code may destroy a later doer of
// the batch (rev28a: a dangling pointer read at its turn) or remove it
// (fixeng25: it was entered all the same, and ran unlisted). A batch in
// progress is known to its thread (frames on the stack, innermost first):
// ~Doer marks a doer destroyed in every batch that holds it, and
// Schedule::remove marks a doer it removes in that schedule's batches, and
// such a doer is skipped at its turn (at() reads null): no pointer to it is
// read again. The marks are bits: inline for up to 128 doers (an extend's
// batch, as a rule), else one allocation of n / 8 bytes. Marking looks
// through the doers still to come, only while a batch runs: for a doer
// destroyed while listed by a scheduler (every doer of a batch is, until a
// remove marks it), or removed (not by itself), never on a pass's hot path.
class EnterBatch {
 public:
  // Watches `doers`, which `schedule` enters (its remove() marks them),
  // until destroyed. May throw std::bad_alloc (more than 128 doers), before
  // any watch begins.
  EnterBatch(const Schedule* schedule, std::span<Doer* const> doers);
  ~EnterBatch();
  EnterBatch(const EnterBatch&) = delete;
  EnterBatch& operator=(const EnterBatch&) = delete;

  std::size_t size() const { return doers_.size(); }
  // The doer at `index`, or null if it was destroyed or removed since.
  Doer* at(std::size_t index) const {
    return (bits()[index / 64] >> (index % 64) & 1) != 0 ? nullptr : doers_[index];
  }
  // The doers from `index` on are still to come: only those are marked.
  void still_to_come(std::size_t index) { next_ = index; }

  // Whether a batch is in progress on this thread (for ~Doer's test).
  static bool any() { return innermost_ != nullptr; }
  // ~Doer: `doer` is skipped by every batch in progress that holds it.
  static void destroyed(const Doer& doer) noexcept;
  // Schedule::remove of `doer`: skipped by that schedule's batches in
  // progress, where it is still to come.
  static void removed(const Schedule& schedule, const Doer& doer) noexcept;

 private:
  std::uint64_t* bits() { return many_ != nullptr ? many_.get() : few_; }
  const std::uint64_t* bits() const { return many_ != nullptr ? many_.get() : few_; }
  void mark(const Doer& doer) noexcept;

  static thread_local EnterBatch* innermost_;

  const Schedule* schedule_;
  std::span<Doer* const> doers_;
  std::size_t next_ = 0;
  std::uint64_t few_[2] = {0, 0};
  std::unique_ptr<std::uint64_t[]> many_;
  EnterBatch* outer_;
};

}  // namespace detail
}  // namespace hio
