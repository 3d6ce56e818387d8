// Doer: a schedulable object with lifecycle hooks (enter, recur, clean, exit,
// cease, abort) and the fields done, tock and opts. Subclass it for a class
// doer; ReDoer and FnDoer (doify) are the coroutine styles. Any doer runs
// under any scheduler (Doist or DoDoer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hio/engine/dog.hpp"
#include "hio/engine/step.hpp"
#include "hio/engine/target_ref.hpp"
#include "hio/engine/tymist.hpp"

namespace hio {

class Schedule;
class Doer;
class DoerList;

// Free-form options of a doer (hio's opts), ordered so that iterating them is
// deterministic.
using Opts = std::map<std::string, std::string, std::less<>>;

// A scheduler entry: (dog, retyme, doer). It lives inside its doer, so a doer
// is in at most one scheduler at a time and scheduling allocates nothing.
// Only Schedule touches it.
struct Deed {
  enum class State : std::uint8_t {
    idle,     // not scheduled
    ready,    // in the ready list for the next pass, or in the pass's run list
    timed,    // in the schedule's timer heap (runs at retyme)
    parked,   // waits for wake(); in the heap too when it has a deadline
    idling,   // parked idle (Step::Kind::idle_park); in the heap too
    woken,    // woken, runs next pass
    running,  // its enter is running (it joins the queue when that returns)
  };

  // What a pass reads of a deed that runs comes first, next to its doer's
  // tock (see Doer), so a busy doer costs the pass one cache line, not three.
  Dog dog;  // coroutine doers only; class doers are run without a frame
  Tyme retyme{};
  State state = State::idle;
  bool wake_pending = false;  // woken while running: its next park is void
  // Where it is in the list its state names (Schedule): its index in the
  // ready, run or woken list or the timer heap, or -2 - index in a near-timer
  // bucket; -1 in none. Removal finds it there in O(1) (O(log n) in the heap).
  std::int32_t slot = -1;
  Doer* doer = nullptr;          // the doer this deed lives in
  Schedule* schedule = nullptr;  // where it is scheduled; null when idle
  Deed* prev = nullptr;          // queue order
  Deed* next = nullptr;
  std::uint64_t label = 0;  // queue order as a number (order maintenance)
};

// A pointer to a doer that becomes null when the doer is destroyed: for
// objects that wake a doer they do not own (a channel's waiter and driver),
// so a doer destroyed without unregistering is never woken after it is gone.
using DoerRef = TargetRef<Doer>;

class Doer : public Tymee {
 public:
  explicit Doer(std::string name = {}, Tock tock = Tock{0}, Opts opts = {});
  // Must not be scheduled (checked). Clears every DoerRef to it and leaves
  // every scheduler list that holds it (a Doist's doers() and extend queue,
  // a DoDoer's children: DoerList).
  ~Doer() override;
  Doer(const Doer&) = delete;
  Doer& operator=(const Doer&) = delete;

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  // How long after a run this doer wants to run again; 0 = next pass of its
  // scheduler. Read after every recur, so a doer may change it as it goes.
  Tock tock() const { return tock_; }
  void set_tock(Tock tock);  // throws std::invalid_argument if tock < 0

  // Unset before the first enter, false at enter, then recur's result. After
  // a forced close it keeps its last value.
  std::optional<bool> done() const { return done_; }

  // Non-const makes the map if none yet (const then: a shared empty one).
  Opts& opts();
  const Opts& opts() const;

  // The error a hook threw while this doer was already ending by another
  // error, the one that propagated: abort or exit after an error in enter or
  // recur, exit after clean or cease threw. The first such error, or null;
  // cleared when the doer is entered again. (hio chains it as the context of
  // the hook's error instead; here the first error keeps its type, so the
  // caller's catch clauses still see it.) Also the error of a forced close
  // that did not propagate: its scheduler was destroyed, or it was closed
  // while another error propagated (the scheduler's exit() or remove() throws
  // only the first); that one, the first of the close, replaces what a hook
  // that ran after it threw (its exit, say).
  std::exception_ptr hook_error() const { return hook_error_; }

  bool scheduled() const { return deed_.schedule != nullptr; }
  // Adopted by a DoDoer, then removed from it (DoDoer::remove, or its own
  // enter removed it): that DoDoer destroys it once it has ended, so no
  // scheduler takes it again (extend, adopt, enter: std::logic_error).
  // disown() before remove() keeps a doer to run it again.
  bool released_by_owner() const { return released_by_owner_; }
  bool parked() const {
    return deed_.state == Deed::State::parked || deed_.state == Deed::State::idling;
  }

  // Ends a park: the doer runs on its scheduler's next pass (never in the
  // pass in progress), keeping its place in the order. A doer woken while it
  // runs (its enter included) does not park at the end of that run: it runs
  // next pass instead (so a wake its own IO causes is not lost). No effect
  // on a doer waiting out a tock. Safe to call from IO callbacks between
  // passes.
  void wake();

 protected:
  // Lifecycle hooks of a class doer. recur returns true when done.
  virtual void enter() {}
  virtual bool recur(Tyme tyme);
  virtual void clean() {}
  virtual void exit() {}
  virtual void cease() {}
  virtual void abort(std::exception_ptr error);

  void set_done(bool done) { done_ = done; }

  // hio's DoDoer `always`: recur's result is still done(), but the doer runs
  // on (and enter setting done does not end it) until it is closed.
  bool run_always() const { return run_always_; }
  void set_run_always(bool always) { run_always_ = always; }

  // Call from enter or recur: instead of running again after its tock, this
  // doer parks until wake() or `until`, whichever is first.
  void park(Tyme until = kTymeNever) {
    park_until_ = until;
    parking_ = true;
    park_idle_ = false;
  }
  // For schedulers of schedulers (DoDoer): park because nothing below is due
  // before `until`. Unlike park(), invisible to the doers below (see Step).
  void park_idle(Tyme until) {
    park_until_ = until;
    parking_ = true;
    park_idle_ = true;
  }
  // Whether park_idle() is unobservable for this tock-0 doer where it is
  // scheduled (Schedule::idle_park_exact); false when not scheduled.
  bool idle_park_exact() const;
  // The depth() of the schedule this doer is in (0 when not scheduled).
  std::size_t schedule_depth() const;

  // Coroutine doers (ReDoer, FnDoer) override these three; class doers don't.
  // begin_dog: enter and run to the first suspension. end_dog: the dog's
  // frame has finished (normally, by error, or after Cease); run the tail
  // hooks, set done, and rethrow an error. Both report the step.
  virtual Step begin_dog();
  virtual Step end_dog(bool ceased);

  // For coroutine doers: makes `dog` this doer's dog and runs it to its first
  // suspension (the enter part). A dog that ends at once is ended here.
  Step launch(Dog dog);
  // Takes the ended dog's outcome and destroys its frame.
  struct DogEnd {
    std::exception_ptr error;  // null when it ended without one
    bool ceased;               // error is a Cease thrown in by a forced close, which propagated
                               // (a Cease the dog threw by itself is an error: false)
    std::optional<bool> returned;
  };
  DogEnd take_dog();

  // clean then exit (exit even if clean throws; then clean's error wins).
  Step finish();
  // A class doer's enter or recur said done: finish(), or with run_always()
  // run on. `always` is tested here, on the rare done path, not in
  // run_recur: the pass loop inlines run_recur, and the test there cost
  // `nested` 0.44 -> 0.39 x the baseline.
  Step done_step();
  // abort, exit, rethrow `error` (which wins over theirs: hook_error()).
  [[noreturn]] void fail(std::exception_ptr error);
  // exit while an error is propagating: an error of its own goes to
  // hook_error() (call from a catch block, then rethrow).
  void exit_after_error();
  // How exit_after_error() calls exit: while an error propagates (abort's
  // exit, or exit after clean or cease threw). A doer whose exit closes doers
  // of its own (DoDoer) overrides it to keep their errors on them then,
  // rather than throw one; an override must call exit().
  virtual void exit_by_error() { exit(); }
  // exit_begins(), exit(), then settle_after_exit() whether exit returns or
  // throws: how every path that ends a doer calls its exit
  // (exit_after_error() too).
  void exit_settled();

 private:
  friend class Schedule;
  friend class TargetRef<Doer>;
  friend class DoerList;

  // The DoerLists that hold this doer (~Doer takes it out of each), kept in
  // 12 bytes of the doer, for its size is what a pass's cache misses cost: in
  // none (listing_.one == nullptr), in one (listing_.one, at listing_index_,
  // which fills padding), or in several (listing_index_ == kListedMany: all
  // of them in *listing_.many).
  struct Listing {
    DoerList* list;
    std::size_t index;
  };
  static constexpr std::uint32_t kListedMany = UINT32_MAX;
  void listed(DoerList* list, std::size_t index);
  void unlisted(const DoerList* list, std::size_t index);
  void relisted(const DoerList* list, std::size_t from, std::size_t to);
  Listing* find_many(const DoerList* list, std::size_t index);
  bool listed_in(const DoerList* list) const;
  // This doer's place in `list` (one of them, if it is there more than once).
  std::optional<std::size_t> index_in(const DoerList* list) const;

  // Whether this doer's runs do nothing until a doer below it is woken (for
  // the Doist's stall: Schedule::dormant): never for a doer of its own work;
  // a DoDoer says so when nothing below it can come due without a wake,
  // whatever its tock. Private, but virtual: a subclass's own member
  // `bool dormant() const` overrides it (give it another name).
  virtual bool dormant() const { return false; }
  // Something due only at the end of tyme holds it (Schedule::holds_past_end_of_tyme): a DoDoer
  // looks through its children; a doer parked until a deadline of its own that saturated there
  // (read as park()'s none) says so. Private and virtual, as dormant() is (scheduling.md, Stalls).
  virtual bool waits_past_end_of_tyme() const { return false; }
  // Right before its exit hook, on every path that ends it (then
  // settle_after_exit() follows, whatever the hook does): a DoDoer knows from
  // here that a child its subclass's exit extends is only listed, as from its
  // own exit (DoDoer::extend). Private and virtual, as dormant() is.
  virtual void exit_begins() noexcept {}
  // After its exit hook returned or threw, on every path that ends it: a
  // DoDoer closes the children that a subclass's exit left scheduled (it
  // threw, or returned, before calling DoDoer::exit), so that the engine,
  // not the subclass, makes sure they end with it (scheduling.md). Their
  // errors stay on them. Private and virtual, as dormant() is.
  virtual void settle_after_exit() noexcept {}

  // Class doer path, inlined into the pass loop: one virtual call per run.
  Step run_recur(Tyme tyme) {
    bool done;
    try {
      done = recur(tyme);
    } catch (...) {
      fail(std::current_exception());
    }
    done_ = done;
    if (done) return done_step();
    return next_step();
  }
  Step next_step() {
    if (parking_) {
      parking_ = false;
      return park_idle_ ? Step::idle_park(park_until_) : Step::park(Park{park_until_});
    }
    return Step::after(tock_);
  }
  Step start();  // set done=false, enter, first suspension
  void close();  // forced: cease then exit (coroutines: Cease thrown in)

  // Hot fields first. What a run of a busy doer reads and writes (its vptr
  // and, below, tock_, done_, parking_, park_idle_, and deed_'s front up to
  // its doer) is its first 64 bytes: one cache line if the doer is 64-aligned,
  // two at most (new gives 16), besides its own fields; the rest is for rare paths
  // (parks, finishes, lists, errors). Session 24 moved done_ and the park
  // request here from the second line and opts_ out of line (a subclass's
  // fields come 32 bytes nearer; 184 bytes per idle doer, not 216): the pass
  // measured the same to 5% faster (docs/performance.md).
  Tock tock_;
  std::optional<bool> done_;
  bool parking_ = false;  // park() or park_idle() was called in this run
  bool park_idle_ = false;
  std::uint32_t listing_index_ = 0;  // see Listing
  Deed deed_;
  Tyme park_until_{};        // read only when parking_
  bool run_always_ = false;  // see run_always()
  // See released_by_owner(); set by DoerList::release, never cleared (the
  // doer is destroyed). In run_always_'s padding: no byte per doer more.
  bool released_by_owner_ = false;
  std::string name_;
  // Most doers have no opts: an empty map would cost every doer 48 bytes of
  // its size, so it is made on the first write (opts()).
  std::unique_ptr<Opts> opts_;
  std::exception_ptr hook_error_;
  DoerRef* refs_ = nullptr;  // the DoerRefs to this doer (cleared by ~Doer)
  union {
    DoerList* one;
    std::vector<Listing>* many;  // owned
  } listing_{nullptr};
};

// True if error holds a Cease (a dog that let its forced close propagate).
bool is_cease(const std::exception_ptr& error);

}  // namespace hio
