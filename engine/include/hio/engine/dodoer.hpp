// DoDoer: a doer that schedules child doers with the same core as the Doist,
// to any depth. Each time it runs it does one pass over its children at the
// tyme it was resumed with; it never ticks.
#pragma once

#include <concepts>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "hio/engine/doer.hpp"
#include "hio/engine/doer_list.hpp"
#include "hio/engine/schedule.hpp"

namespace hio {

// Children with tock 0 are due again at the DoDoer's next run (tyme + its own
// tock). Its recur's result, done(), is whether all children are done (none
// is scheduled); it then ends, unless `always` is set: then it runs until
// closed, its done() true while no child is scheduled, as in hio. Closing it (limit, removal, an
// error) closes its children in reverse order.
//
// Ownership: children given as pointers are not owned and must outlive the
// DoDoer's run (a child destroyed between runs stops being one); adopt()
// transfers ownership, until the child is removed (then destroyed), handed
// back (disown()) or the DoDoer is destroyed. Subclasses that override enter,
// recur or exit must call the DoDoer version.
class DoDoer : public Doer {
 public:
  // How deep DoDoers may nest (a DoDoer under the Doist is level 1). Each
  // level is a few stack frames in enter, recur and close, so a deeper
  // tree would overflow the stack (about 22,000 levels in 8 MiB optimized,
  // 4,096 with ASan's larger frames): entering
  // one deeper throws std::length_error, as does winding a tree that would
  // reach deeper where it is entered (before any of its enters runs).
  static constexpr std::size_t kDepthMax = 1024;

  explicit DoDoer(std::string name = {}, Tock tock = Tock{0}, std::vector<Doer*> doers = {},
                  bool always = false, Opts opts = {});
  ~DoDoer() override;

  // The children, in order; a child destroyed is no longer one (DoerList).
  // A copy, as Doist::doers(): a loop over it may remove, extend and call
  // doers() again.
  std::vector<Doer*> doers() const { return doers_.items(); }
  // Takes ownership and adds the doer to the children as extend() does:
  // entered at once while this DoDoer runs (so a doer of a running group may
  // spawn owned children), from its next enter otherwise. A doer that is a
  // child already (extend() then adopt()) keeps its one place in doers():
  // adopt only takes ownership. Returns the doer.
  //
  // Refused before anything changes, the doer left with the caller (`doer`
  // still holds it): an empty pointer (std::invalid_argument), itself
  // (std::invalid_argument), a doer scheduled elsewhere (by a Doist or
  // another DoDoer: std::logic_error; owned here, it would be destroyed with
  // this DoDoer, or once removed, while it runs there), one owned here
  // already (std::logic_error). An error of its enter (while this DoDoer
  // runs) propagates, the doer the caller's too: it is not a child then.
  //
  // The DoDoer lets go of an adopted child as it leaves: remove() destroys
  // it once it is closed and no doer of this DoDoer executes (at once when
  // removed from outside its run; one that removes itself finishes on its
  // own first, and goes at the end of the DoDoer's pass or exit). So a
  // group that spawns short-lived children (each removing itself as it ends, even in its
  // enter, or removed by the group once done) holds only the live ones, however many it
  // spawned. References to a removed child dangle then: disown() it first to keep it. One
  // not gone yet (Doer::released_by_owner) is refused by every scheduler: adopt or extend
  // here or by another DoDoer, a Doist's extend, enter or run is std::logic_error (it would
  // go all the same, while the other ran it).
  template <std::derived_from<Doer> D>
  D& adopt(std::unique_ptr<D>&& doer) {
    enroll(doer.get());  // may throw: the caller keeps the doer
    D& adopted = *doer;
    std::unique_ptr<Doer> owned(doer.release());
    own(owned);
    return adopted;
  }
  // Gives an adopted child's ownership back (it stays a child: remove() it
  // to end that too). std::invalid_argument if this DoDoer does not own it.
  std::unique_ptr<Doer> disown(Doer& doer);
  // Whether it owns `doer` (adopted, not removed or disowned since).
  bool owns(const Doer& doer) const { return doers_.owns(&doer); }

  // Adds the doers that are not children yet to doers(), in order, each
  // once. While running, it also enters them now (see Doist::extend);
  // otherwise, and from a hook while it closes its children (its exit, one
  // by an error included), they run from the next enter. A child already in doers() is
  // left alone, a finished one too, as in hio: remove() it first to run it
  // again (an adopted one: disown() it first, see adopt). Listed before they are entered,
  // so an enter's own extends follow them. doers() keeps finished children (a re-entered
  // DoDoer restarts them all, as in hio); remove() drops them. Returns how many of `doers`
  // became children (0: all were children already). A null in the list given to extend,
  // remove or the constructor is std::invalid_argument, before anything changes.
  std::size_t extend(std::span<Doer* const> doers);
  std::size_t extend(std::initializer_list<Doer*> doers) {
    return extend(std::span<Doer* const>(doers.begin(), doers.size()));
  }
  void remove(std::span<Doer* const> doers);
  void remove(std::initializer_list<Doer*> doers) {
    remove(std::span<Doer* const>(doers.begin(), doers.size()));
  }

  // always() and set_always() are Doer's (run_always): a DoDoer with always
  // set runs until closed, done or not.
  bool always() const { return run_always(); }
  void set_always(bool always) { set_run_always(always); }

  // A tock-0 DoDoer whose children are all waiting (timers, parks) parks
  // itself until the first of them is due, so idle subtrees cost nothing and
  // the Doist can skip tyme. Its own recur is not called while it is parked,
  // so by default only a DoDoer itself parks idle, never an object of a
  // subclass (whose hooks could see the skipped runs: a recur that adds
  // children would never run). set_skip_idle(true) lets a subclass park idle
  // all the same (its recur may be skipped while nothing below is due);
  // set_skip_idle(false) keeps a DoDoer running every pass. A subclass with
  // no recur of its own should call set_skip_idle(true): else it runs every
  // pass, and the Doist cannot skip tyme past it (scheduling.md).
  void set_skip_idle(bool skip) { skip_idle_ = skip; }

  std::size_t deed_count() const { return core_.size(); }

 protected:
  void wind(Tymth tymth) override;
  void enter() override;
  bool recur(Tyme tyme) override;
  void exit() override;
  void exit_by_error() override;

 private:
  std::length_error too_deep() const;
  // adopt()'s refusals, then the doer becomes a child as extend() makes one
  // (unless it is one). Throws with nothing taken.
  void enroll(Doer* doer);
  // The doer, a child now (enroll), is owned from here on.
  void own(std::unique_ptr<Doer>& doer);
  // Destroys the released children (removed while owned) that are closed,
  // when no doer of this DoDoer executes (else they wait for the next call).
  void reap() noexcept;
  struct ReapAtEnd {  // reap() as it goes: after closes that may throw
    DoDoer& self;
    ~ReapAtEnd() { self.reap(); }
  };
  // A DoDoer itself (or a subclass that let its runs be skipped:
  // set_skip_idle(true)) with nothing below that can come due without a
  // wake: its runs, at any tock, do nothing (Doer::dormant).
  bool dormant() const override;
  // A child here or below is timed only at the end of tyme
  // (Doer::waits_past_end_of_tyme).
  bool waits_past_end_of_tyme() const override;
  // Closes the children still running after its exit hook (a subclass's
  // exit threw, or returned, before calling DoDoer::exit), as an exit by
  // error does: their errors stay on them.
  void settle_after_exit() noexcept override;
  void exit_begins() noexcept override { exiting_ = true; }

  Schedule core_;
  DoerList doers_;  // also owns the adopted children (DoerList::own)
  // Adopted children removed since: destroyed by reap() once closed.
  DoerList::Owned released_;
  bool reaping_ = false;  // reap() runs, or children close: reap() waits (dodoer.cpp)
  // set_skip_idle(); unset: whether this object is a DoDoer itself, not of
  // a subclass (typeid, found at enter: plain_).
  std::optional<bool> skip_idle_;
  bool plain_ = true;
  bool winding_ = false;  // wind() is walking the tree below (finds cycles)
  // The tree below is wound with tymth() and unchanged since (see wind()),
  // to go into a schedule of depth wound_level_.
  bool wound_ = false;
  std::size_t wound_level_ = 0;
  // exit() runs while an error propagates (exit_by_error): the children's
  // close errors stay on them.
  bool ending_by_error_ = false;
  // Its exit hook runs (a subclass's, before or after DoDoer::exit): from
  // exit_begins() to settle_after_exit(). A child extended then is only
  // listed, whichever path ends it (until session 29 one was entered and at
  // once closed when the DoDoer finished or failed, and only listed when it
  // was closed: rev28a L1).
  bool exiting_ = false;
  // Its own schedule (core_) runs: DoDoer::enter entered the children, exit
  // has not closed them. Not scheduled(): that is set before a subclass's
  // enter() runs, and a child entered then would be entered again by
  // DoDoer::enter ("already scheduled").
  bool running_ = false;
};

}  // namespace hio
