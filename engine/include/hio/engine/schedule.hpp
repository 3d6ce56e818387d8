// Schedule: the one scheduling core shared by Doist and DoDoer. It owns the
// order of its deeds and runs passes over them in exactly hio's order, at a
// cost proportional to the deeds that are due, not to all deeds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/doer.hpp"
#include "hio/engine/tyme.hpp"
#include "hio/engine/tymist.hpp"

namespace hio {

namespace detail {

// Throws std::invalid_argument naming the call (what `call()` returns, made
// only then) and the index if `doers` holds a null (a doer that failed to be
// made): every list a Doist or DoDoer takes refuses one, before anything
// changes.
[[noreturn]] void throw_null_doer(std::size_t index, std::size_t size, const std::string& call);
template <class Call>
void refuse_null(std::span<Doer* const> doers, const Call& call) {
  for (std::size_t i = 0; i < doers.size(); ++i) {
    if (doers[i] == nullptr) throw_null_doer(i, doers.size(), call());
  }
}
inline void refuse_null(std::span<Doer* const> doers, const char* call) {
  refuse_null(doers, [call] { return std::string(call); });
}

}  // namespace detail

// Queue order is enter order; a doer entered during a pass goes just before
// the deed that entered it and first runs on the next pass. A pass runs every
// due deed (retyme <= tyme) once, in queue order. Internally: a linked list in
// queue order with numeric labels, a ready list for the next pass, a few
// near-timer buckets (deeds due at one exact later tyme, in label order), a
// timer heap on (retyme, label) for the rest, and a woken list; a pass merges
// the due ones by label. Parked deeds are in none of them (in the heap if
// they have a deadline). Each deed knows its slot in its list, so removing
// one costs O(1) (O(log n) in the heap); removed entries of the ready and run
// lists are left as nulls that the next pass drops.
//
// Ownership: the Schedule does not own its doers; a doer must outlive its
// time in the schedule (exit() or remove() ends it). Errors: an exception from
// a doer ends that doer (its abort and exit hooks have run) and propagates
// out of pass(); the caller must then exit() the schedule.
class Schedule {
 public:
  // owner: the DoDoer whose children this schedules (woken when a child is
  // woken while it is parked), or nullptr for the Doist.
  explicit Schedule(Doer* owner = nullptr) : owner_(owner) {}
  ~Schedule();  // close_on_destruction()
  Schedule(const Schedule&) = delete;
  Schedule& operator=(const Schedule&) = delete;

  // The tymth given to doers as they are entered.
  void wind(Tymth tymth) { tymth_ = tymth; }

  // Enters each doer in order: set done=false, run to its first suspension;
  // survivors get retyme = tyme and join the queue when their enter returns
  // (so a doer that an enter extends comes before the doer entering it, as
  // in hio). Makes refuse_entering() first (nothing entered then); a doer
  // that an earlier one's enter scheduled is std::logic_error at its turn.
  // An exception from a doer's enter propagates (that doer has exited; the
  // ones entered before it stay scheduled). If an enter exits this
  // schedule, the doers after it are not entered.
  void enter(std::span<Doer* const> doers, Tyme tyme);
  // std::logic_error if `doer` was adopted by a DoDoer and removed there
  // (Doer::released_by_owner): taken here, it would be destroyed by that
  // DoDoer all the same, while this one lists or runs it. Entering refuses
  // it; a DoDoer's extend() and adopt() ask too (they may only list).
  void refuse_released(const Doer& doer) const;

  // One pass at `tyme`; a deed that suspends with tock 0 is next due at
  // tyme + tock0 (the scheduler's own tock).
  void pass(Tyme tyme, Tock tock0);

  // Force-closes every deed, in reverse queue order (when a pass was cut by
  // an exception, the order starts after the deed that threw, as in hio).
  // All deeds are closed even if some throw; the first error is rethrown,
  // and each later one is kept on the doer whose close threw it
  // (Doer::hook_error()). Called from inside a run of this schedule, it
  // closes the running deed last, as soon as that run returns.
  void exit();
  // exit() while another error propagates, or where nothing may throw: never
  // throws; every close error is kept on the doer whose close threw it.
  void exit_keeping_errors() noexcept;
  // Whether exit() or exit_keeping_errors() is closing every deed (a closing
  // hook runs). The one rule for both schedulers: their extend() then only
  // lists the doers for the owner's next enter, for a hook that extends
  // its own doer ("run me again") would have it entered and closed again,
  // for ever; and enter() throws std::logic_error, so that the close ends.
  bool closing() const { return closing_ != 0; }
  // enter()'s refusal while closing(), for an owner to make before it
  // changes anything of its own (its list of doers, its extend() queue).
  void refuse_while_closing(std::span<Doer* const> doers) const;
  // All of enter()'s refusals of `doers`, std::logic_error naming the doer:
  // while closing(), a doer already scheduled (here, by another Doist or a
  // DoDoer), a doer listed twice. For an owner to make before it changes
  // anything of its own: a refused enter changes nothing.
  void refuse_entering(std::span<Doer* const> doers) const;
  // For the owner's destructor (Doist, DoDoer; ~Schedule calls it too, for
  // nothing left by then): checks that the owner is not being destroyed by
  // one of its own doers mid-pass or mid-enter (HIO_CHECK), then
  // exit_keeping_errors(). Call it first thing, while the owner is whole: a
  // closing hook may still use it.
  void close_on_destruction() noexcept;
  // That check alone (HIO_CHECK): no pass or enter of this schedule runs.
  void check_destroyable() const;

  // Force-closes the given doers' deeds (reverse queue order). The innermost
  // executing doer (the last enter to start, else the running deed) removing
  // itself is not closed: it finishes on its own. Another executing doer (an
  // enter that extended, a run that entered the caller) is closed as soon as
  // its enter or run returns. Doers not in this schedule are ignored.
  void remove(std::span<Doer* const> doers);

  // See Doer::wake.
  void wake(Deed& deed);

  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  bool in_pass() const { return running_ != nullptr || in_pass_; }
  // A doer of this schedule may be executing (a pass, or an enter, runs): no
  // doer of it may be destroyed now, even one that has left it.
  bool executing() const { return in_pass() || !entering_.empty(); }
  // `doer` is scheduled here (not idle, not in another scheduler).
  bool holds(const Doer& doer) const { return doer.deed_.schedule == this; }

  // Something may run on the very next pass (ready or woken deeds).
  bool due_next_pass() const { return ready_.size() > ready_dead_ || !woken_.empty(); }
  // The earliest timer or park deadline, or kTymeNever.
  Tyme next_timer() const;
  // Nothing here can run again before something wakes a deed: every deed
  // that is ready, woken or timed is a DoDoer whose runs do nothing
  // (Doer::dormant: its own deeds are as dormant), so its timers, which its
  // tock sets, stand for nothing. Parked deeds without a deadline count as
  // dormant. Stops at the first deed that is not; for the Doist's stall.
  bool dormant() const;
  // A deed here or below (Doer::waits_past_end_of_tyme: a DoDoer's) is timed
  // only at the end of tyme: its tock took its next run past it, and the
  // retyme saturated there (kTymeNever, which next_timer() reads as no
  // timer). Dormant deeds aside: their runs would do nothing. A stall with
  // one ran out of tyme, not of input (Doist::ran_out_of_tyme); asked only
  // then: it looks at every deed.
  bool holds_past_end_of_tyme() const;

  // Whether a tock-0 deed of this schedule can park idle (a DoDoer with
  // nothing due) and, woken or at its deadline, run when it would have run
  // had it never parked: true when its next run would have been this
  // schedule's next pass anyway. That holds under the Doist and under a
  // tock-0 DoDoer, and under a DoDoer with tock T > 0 whose own runs are
  // exactly T apart: its parent passes at every multiple of a grid that
  // divides T (exact_grid). Otherwise (say T = 3 ms under a 2 ms DoDoer, which
  // runs at 0, 4, 6, 10 ms) a tock-0 deed skips some of its parent's passes
  // (run at 4, next due at 7: not at 6) and parking would change that.
  bool idle_park_exact() const;

  // How deep this schedule is nested: 0 for a Doist's, 1 for a DoDoer's
  // under it, and so on (set by the DoDoer as it is entered).
  std::size_t depth() const { return depth_; }
  void set_depth(std::size_t depth) { depth_ = depth; }

 private:
  static constexpr std::uint64_t kLabelGap = std::uint64_t{1} << 32;
  static constexpr std::uint64_t kInsertStep = std::uint64_t{1} << 16;

  // The tock such that this schedule passes at every multiple of it (from
  // its start) at which any of its deeds is due, if there is one.
  std::optional<Tock> exact_grid() const;
  // exact_grid() computed once per pass of this schedule (a hint only).
  std::optional<Tock> pass_grid();
  // The one rule of both: the grid of a DoDoer with `tock` whose parent
  // passes on `parent_grid`.
  static std::optional<Tock> grid_under(std::optional<Tock> parent_grid, Tock tock);

  void enter_one(Doer& doer, Tyme tyme);
  // Closes a doer whose enter ended it or was followed by its exit or removal
  // (it is no longer scheduled): entering_'s last entry is its, popped after.
  void close_entered(Doer& doer);
  // For error messages: "DoDoer 'name'" or "the Doist".
  std::string where() const;
  // The error for entering `doer` while it is scheduled (here or elsewhere).
  std::logic_error already_scheduled(const Doer& doer) const;
  void push_ready(Deed& deed) {
    deed.slot = static_cast<std::int32_t>(ready_.size());
    ready_.push_back(&deed);
  }
  // A deed that ran and is due after the next pass (its retyme is set): the
  // ready list if the schedule's next actual pass is at or after its retyme,
  // else a bucket or the heap.
  void defer(Deed& deed);
  // The latest retyme that is due at this schedule's next actual pass (for
  // a DoDoer: its next run, from exact_grid), computed once per pass.
  Tyme ready_until();
  // Merges `more` (label order, nulls skipped) into run_ (likewise), setting
  // each deed's slot and state.
  void merge_into_run(const std::vector<Deed*>& more);
  void place(Deed& deed, Step step);  // a park or a finish
  void collect_due(Tyme tyme);
  void insert_due(Deed& deed);  // into this pass, after the running deed
  // Closes one deed. Its error goes to *first_error if that is empty, else
  // (and always when first_error is null) to the doer's hook_error().
  void close_deed(Deed& deed, std::exception_ptr* first_error);
  void close_all(std::exception_ptr* first_error);  // exit(), see close_deed
  void close_now(Deed& deed);                       // close_deed, rethrowing its error

  // Queue order.
  void link_before(Deed& deed, Deed* before);  // before == nullptr: append
  void unlink(Deed& deed);
  void relabel();
  void rotate_after_failure(Deed& failed);

  // Leaves every list (ready, woken, run, heap); state becomes idle.
  void detach_from_lists(Deed& deed);

  // Timer heap on (retyme, label), indexed through Deed::slot. The keys are
  // kept in the entries, so sifting reads no deed (relabel() refreshes them).
  struct HeapEntry {
    Tyme retyme;
    std::uint64_t label;
    Deed* deed;
  };
  static bool earlier(const HeapEntry& a, const HeapEntry& b) {
    return a.retyme < b.retyme || (a.retyme == b.retyme && a.label < b.label);
  }
  void heap_push(Deed& deed);
  void heap_erase(Deed& deed);
  Deed& heap_pop();
  void heap_sift_up(std::size_t i);
  void heap_sift_down(std::size_t i);
  void heap_set(std::size_t i, const HeapEntry& entry);

  // Near-timer buckets: deeds whose retyme is one exact tyme (`at`), in label
  // order (a deed that would break the order goes to the heap instead). A
  // deed with tock 2 x the pass tock costs an append and a merge, not a heap
  // push and pop. In use while `deeds` is not empty.
  struct Bucket {
    Tyme at{};
    std::size_t live = 0;          // entries that are not null
    std::uint64_t last_label = 0;  // of the last entry appended
    std::vector<Deed*> deeds;
  };
  static constexpr std::size_t kBuckets = 8;
  Bucket* bucket_at(Tyme at);  // the bucket in use for `at`, or nullptr
  void bucket_erase(Deed& deed);

  Doer* owner_;
  Tymth tymth_;

  Deed* head_ = nullptr;
  Deed* tail_ = nullptr;
  std::size_t count_ = 0;

  std::vector<Deed*> ready_;     // may run next pass, in queue order (nulls: removed)
  std::size_t ready_dead_ = 0;   // nulls in ready_
  std::vector<Deed*> woken_;     // woken since the last pass (any order)
  std::vector<HeapEntry> heap_;  // timers and park deadlines
  std::array<Bucket, kBuckets> buckets_;
  std::vector<Deed*> run_;     // this pass's due deeds, in queue order
  std::vector<Deed*> extra_;   // scratch: newly due from heap and woken
  std::vector<Deed*> merged_;  // scratch: merge output
  Deed* running_ = nullptr;
  std::size_t run_index_ = 0;  // of running_ in run_
  Tyme pass_tyme_{};
  Tock pass_tock0_{};   // the last pass's tock0
  Tyme ready_until_{};  // see ready_until(); valid while ready_until_known_
  bool ready_until_known_ = false;
  std::optional<Tock> pass_grid_;  // see pass_grid(); valid while pass_grid_known_
  bool pass_grid_known_ = false;
  bool in_pass_ = false;
  // Set while a deed runs when the pass must look again: run_ changed, or
  // the running deed was woken (wake_pending).
  bool changed_ = false;
  // The running deed, when it is to be closed as soon as its run returns:
  // it exited this schedule, or another doer (one its run entered) removed
  // it.
  Deed* close_after_run_ = nullptr;
  // Deeds whose enter is running, innermost last (enters nest: an enter may
  // extend). They are not in the queue yet: a deed joins it when its enter
  // returns, as in hio. `close`: exited or removed meanwhile, so it is closed
  // when its enter returns instead.
  struct Entering {
    Deed* deed;
    bool close;
  };
  std::vector<Entering> entering_;
  std::uint64_t exits_ = 0;  // exit() calls: an enter stops after one
  int closing_ = 0;          // close_all() calls in progress (a hook may exit again)
  std::size_t depth_ = 0;    // see depth()
};

}  // namespace hio
