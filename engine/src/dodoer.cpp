#include "hio/engine/dodoer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <unordered_set>
#include <vector>

#include "adopting.hpp"
#include "enter_batch.hpp"
#include "hio/engine/flag_scope.hpp"
#include "winding.hpp"

namespace hio {
namespace {

// Holds DoDoer::reap() off while the DoDoer closes its children (exit,
// remove, its destructor): a child's close hooks (exit, cease, a dog that
// handles Cease) run unscheduled and outside any pass, so a child that
// removes itself or a sibling there would be destroyed by that remove's reap
// while its hook still runs (rev24 #1). The outermost close reaps them once
// the closes returned (ReapAtEnd, declared before this). Nests: it restores
// what it found.
class ReapingHeld {
 public:
  explicit ReapingHeld(bool& reaping) : reaping_(reaping), was_(reaping) { reaping_ = true; }
  ~ReapingHeld() { reaping_ = was_; }
  ReapingHeld(const ReapingHeld&) = delete;
  ReapingHeld& operator=(const ReapingHeld&) = delete;

 private:
  bool& reaping_;
  bool was_;
};

}  // namespace

namespace detail {
std::size_t& winding_level() {
  static thread_local std::size_t level = 0;
  return level;
}
std::size_t& adopts_in_progress() {
  static thread_local std::size_t adopts = 0;
  return adopts;
}
}  // namespace detail

DoDoer::DoDoer(std::string name, Tock tock, std::vector<Doer*> doers, bool always, Opts opts)
    : Doer(std::move(name), tock, std::move(opts)), core_(this) {
  set_always(always);
  detail::refuse_null(doers, [this] { return "DoDoer '" + this->name() + "'"; });
  doers_.append(doers);
}

// Children must be closed before they (the owned ones) are destroyed. A
// destructor cannot throw: their errors stay on them (Doer::hook_error()).
DoDoer::~DoDoer() {
  // The clears below destroy them all: no reap meanwhile, from a child's
  // remove() in its close hooks or its destructor (which would find the
  // child being destroyed still in released_: rev24 #9).
  const ReapingHeld held(reaping_);
  core_.close_on_destruction();
  // The owned children in list order, each disowned, then destroyed: no
  // allocation (collecting a million of them into a vector first ran out of
  // memory in this destructor under `hio check`'s limit: std::terminate; the
  // cli_exit_codes test). A destructor that removes a child may compact the
  // list under this loop: what it skips, the clear below takes.
  const std::vector<Doer*>& children = doers_.items();
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (Doer* child = children[i]; child != nullptr && doers_.owns(child)) {
      doers_.disown(child).reset();
    }
  }
  // Then the rest of the list at once, and the ones removed and not yet
  // reaped.
  DoerList::Owned owned;
  doers_.clear(&owned);
  owned.clear();
  DoerList::Owned released;
  released.swap(released_);
  released.clear();
}

void DoDoer::enroll(Doer* doer) {
  if (!doer) throw std::invalid_argument("DoDoer '" + name() + "': adopt(nullptr)");
  if (doer == this) throw std::invalid_argument("DoDoer '" + name() + "' cannot adopt itself");
  // Let go by an owner and not gone yet: a second owner (here, or the first
  // again) would destroy it twice. A child listed here already is asked here
  // too (extend below only asks the new ones).
  core_.refuse_released(*doer);
  // Owned here, a doer that runs elsewhere would be destroyed with this
  // DoDoer (or as it is removed) while it still runs there: refused while the
  // caller still holds it (before session 24 it was taken, then the enter
  // threw "already scheduled", and the DoDoer destroyed it).
  if (doer->scheduled() && !core_.holds(*doer)) {
    throw std::logic_error("DoDoer '" + name() + "': cannot adopt doer '" + doer->name() +
                           "': it is scheduled elsewhere (by a Doist or another DoDoer); "
                           "adopt it once it has left there");
  }
  if (doers_.owns(doer)) {
    throw std::logic_error("DoDoer '" + name() + "': doer '" + doer->name() +
                           "' is adopted already (two owners would destroy it twice)");
  }
  // In progress until own() takes the doer: counted in the room made in a
  // released list, here and by every hand-over its enter makes
  // (adopting.hpp).
  std::size_t& adopts = detail::adopts_in_progress();
  ++adopts;
  try {
    // Room first for what own() stores (its ownership bit; released_, for a
    // doer whose enter removes it, which then runs on until it is done):
    // after the enter a std::bad_alloc there would destroy a doer that runs
    // (fixeng25). Siblings the enter removes take released_'s room only with
    // one more made (reserve_one_more keeps a spare), and adopt()s nested in
    // that enter, which take theirs first, are counted in it (fixeng29).
    doers_.reserve_to_own(1);
    DoerList::reserve_one_more(released_);
    // A child already (extend, then adopt to hand over ownership): it keeps
    // its one place in doers(), as extend() lists each doer once; listed
    // twice it would be entered twice and every run refused. Not a child
    // yet: it becomes one as extend() makes one, entered at once while this
    // DoDoer runs (an error of that enter propagates; the doer is not listed
    // then).
    if (!doers_.contains(doer)) extend({doer});
  } catch (...) {
    --adopts;
    throw;
  }
}

void DoDoer::own(std::unique_ptr<Doer>& doer) {
  --detail::adopts_in_progress();  // enroll() counted it
  // A child now, unless its own enter removed it from here (it then only
  // waits to end, as a removed child does).
  if (doers_.contains(doer.get())) {
    doers_.own(doer);
  } else {
    DoerList::release(doer.release(), released_);  // room made by enroll
  }
}

std::unique_ptr<Doer> DoDoer::disown(Doer& doer) {
  std::unique_ptr<Doer> back = doers_.disown(&doer);
  if (!back) {
    throw std::invalid_argument("DoDoer '" + name() + "': disown of doer '" + doer.name() +
                                "', which it does not own");
  }
  return back;
}

void DoDoer::reap() noexcept {
  // A destructor below may remove more (they are appended, and looked at
  // in this loop) or reach here again (that call leaves them to this one).
  if (reaping_ || released_.empty() || core_.executing()) return;
  const FlagScope reaping(reaping_);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < released_.size(); ++i) {  // indices: it may grow
    if (released_[i]->scheduled()) {  // removing itself: it finishes on its own first
      if (kept != i) released_[kept] = std::move(released_[i]);
      ++kept;
      continue;
    }
    std::unique_ptr<Doer> dying = std::move(released_[i]);
    dying.reset();
  }
  released_.resize(kept);
}

void DoDoer::wind(Tymth tymth) {
  // Winding walks the whole tree below, so a DoDoer that is its own
  // descendant would recurse until the stack overflows: say so instead.
  if (winding_) throw std::logic_error("DoDoer '" + name() + "' contains itself");
  // The depth of the schedule it goes into (winding.hpp): it will be one
  // level deeper.
  std::size_t& level = detail::winding_level();
  // Already wound with this tymth, at this depth, and its children
  // unchanged since: the parent that entered it wound the whole tree below
  // when it was entered itself. Winding again at every level made entering
  // a chain of depth d cost O(d^2). (A doer entered later is wound as it is
  // entered.)
  if (wound_ && tymth == this->tymth() && wound_level_ == level) return;
  // Winding recurses once per level, before any enter checks the depth:
  // counting the levels from the schedule's depth, a tree too deep is
  // refused before any of it is entered (and not wound until the stack
  // overflows).
  if (level >= kDepthMax) throw too_deep();
  winding_ = true;
  wound_level_ = level;
  ++level;
  struct Unset {
    bool& flag;
    std::size_t& depth;
    ~Unset() {
      flag = false;
      --depth;
    }
  } unset{winding_, level};
  const Tymth old = this->tymth();
  Doer::wind(tymth);
  core_.wind(tymth);
  bool whole = true;
  // By index, nulls skipped: a child's wind hook (a subclass's wind() is user
  // code) may destroy a sibling, which leaves a null in its place, or extend
  // this DoDoer, which grows the list (a range-for read freed memory or a
  // null then; ~Doist's unwind_doers_of calls this too).
  const std::vector<Doer*>& children = doers_.items();
  for (std::size_t i = 0; i < children.size(); ++i) {
    Doer* doer = children[i];
    if (doer == nullptr) continue;
    // Unwinding (a destroyed Doist's tree, ~Doist) leaves a child that
    // another Doist has wound since (one that runs it, or will) alone.
    if (!tymth.bound() && doer->tymth() != old) continue;
    // A child another scheduler runs now keeps reading its tyme: this
    // DoDoer's enter refuses it ("already scheduled"), and a refused enter
    // changes nothing. Not wound, so the tree is wound again next time.
    if (!running_ && doer->scheduled()) {
      whole = false;
      continue;
    }
    doer->wind(tymth);
  }
  wound_ = whole;
}

std::length_error DoDoer::too_deep() const {
  return std::length_error("DoDoer '" + name() + "': DoDoers nest deeper than " +
                           std::to_string(kDepthMax) + " levels (DoDoer::kDepthMax)");
}

void DoDoer::enter() {
  // Before its children: each level deeper is more stack in every pass.
  // (Winding refused a tree too deep already, before any enter: this is
  // the stack's guard whatever winds.)
  const std::size_t depth = schedule_depth() + 1;
  if (depth > kDepthMax) throw too_deep();
  core_.set_depth(depth);
  // Here, not in the constructor: there typeid(*this) is DoDoer for every
  // subclass too. (A subclass's enter calls this one.)
  plain_ = typeid(*this) == typeid(DoDoer);
  // A copy: a child's enter may extend or remove children, which changes
  // doers_ while it is being entered.
  const std::vector<Doer*> children = doers_.items();
  // Running from here: a child's enter that extends the group enters the
  // new child at once (it runs before that child, as under the Doist).
  running_ = true;
  try {
    core_.enter(children, tyme());
  } catch (...) {
    running_ = false;
    throw;
  }
}

bool DoDoer::recur(Tyme tyme) {
  core_.pass(tyme, this->tock());
  // The children removed in the pass that have ended: none executes now.
  reap();
  // Done when no child is scheduled, as hio's `return (not deeds)`; with
  // `always` it runs on all the same (Doer::run_always), done or not.
  const bool done = core_.empty();
  if (done && !always()) return true;
  // Parking idle must not change when anything runs: only a tock-0 DoDoer
  // does it (it would run at its parent's next pass anyway), only where
  // that next pass is where it would run (idle_park_exact), and only one
  // whose skipped runs nobody sees: a DoDoer itself, not a subclass, whose
  // own recur would not be called (unless it asked: set_skip_idle).
  // A DoDoer itself with nothing below that can come due without a wake
  // (every child parked without a deadline, or none while `always`) parks
  // until woken even with set_skip_idle(false): its runs would do nothing,
  // and the Doist sees a stall only where every deed is parked. (One with
  // a tock keeps its runs, which would show if a wake came before its next
  // run; the Doist's stall looks through them instead: dormant().)
  if (this->tock() == Tock{0} && !core_.due_next_pass()) {
    const Tyme next = core_.next_timer();  // kTymeNever when empty
    if ((skip_idle_.value_or(plain_) || (plain_ && next == kTymeNever)) && idle_park_exact()) {
      park_idle(next);
    }
  }
  return done;
}

bool DoDoer::dormant() const {
  return (plain_ || skip_idle_.value_or(false)) && core_.dormant();
}

bool DoDoer::waits_past_end_of_tyme() const {
  return core_.holds_past_end_of_tyme();
}

void DoDoer::exit() {
  wound_ = false;  // the next enter winds the tree again (and finds cycles)
  running_ = false;
  const ReapAtEnd reap_after{*this};  // the removed children it closed, even if a close throws
  const ReapingHeld held(reaping_);   // not while a child's close runs
  // Ending by an error that propagates (its own, or a child's): the
  // children's close errors stay on them, as under a Doist's failed run.
  if (ending_by_error_) {
    core_.exit_keeping_errors();
  } else {
    core_.exit();
  }
}

void DoDoer::settle_after_exit() noexcept {
  exiting_ = false;  // its exit hook has ended (exit_begins)
  // DoDoer::exit ran, or DoDoer::enter never did: nothing runs below. Not
  // running_ alone: a DoDoer::enter that failed (a child's enter threw)
  // clears it, and the children entered before that one stay scheduled here
  // (Schedule::enter) until an exit closes them.
  if (!running_ && core_.empty()) return;
  // A subclass's exit threw, or returned, before it called DoDoer::exit.
  // Left so, the children would stay scheduled by a DoDoer scheduled
  // nowhere: their exit unrun, the next enter refused ("already scheduled")
  // until the DoDoer is destroyed. They are closed as an exit by error
  // closes them, their errors kept on them: the subclass's error, if it
  // threw one, is the close's. (That exit never throws.)
  const FlagScope ending(ending_by_error_);
  DoDoer::exit();
}

void DoDoer::exit_by_error() {
  const FlagScope ending(ending_by_error_);
  exit();
}

std::size_t DoDoer::extend(std::span<Doer* const> doers) {
  detail::refuse_null(doers, [this] { return "DoDoer '" + name() + "': extend"; });
  if (std::find(doers.begin(), doers.end(), this) != doers.end()) {
    throw std::invalid_argument("DoDoer '" + name() + "' cannot be its own child");
  }
  // The doers given that are not children yet, in order, each once: they
  // become children and, while this DoDoer runs, are entered now. A child
  // already listed is left alone, a finished one too (hio's DoDoer.extend
  // filters `doer not in self.doers`). doers_.contains asks the doer which
  // lists hold it (one or two), so that costs O(1) per doer however many
  // children there are.
  wound_ = false;
  std::vector<Doer*> fresh;  // not children yet
  std::unordered_set<const Doer*> batch;
  for (Doer* doer : doers) {
    if (!batch.insert(doer).second || doers_.contains(doer)) continue;
    fresh.push_back(doer);
  }
  // A doer an owner let go (its own remove, or another DoDoer's) would be
  // destroyed once ended while listed here (rev24 #2; rev25 #2 for another
  // DoDoer or a Doist, which stopped the program): refused, each asked of
  // the doer (until session 27 a scan of this DoDoer's released_ only).
  for (const Doer* doer : fresh)
    core_.refuse_released(*doer);
  // While it closes its children (its exit hook, a subclass's included,
  // whether it finished, failed or is closed: exiting_; also while it fails
  // inside its own run), only listed, as the Doist queues
  // (Schedule::closing()). Before DoDoer::enter ran (a subclass's enter()
  // adopting its fresh workers first), only listed too: DoDoer::enter enters
  // every child listed.
  const bool enter_now = running_ && scheduled() && !exiting_ && !core_.closing();
  std::vector<bool> was_scheduled;
  if (enter_now) {
    for (const Doer* doer : fresh)
      was_scheduled.push_back(doer->scheduled());
  }
  // Read through this after a failed enter: an earlier doer's hooks may
  // have destroyed a later one (it left doers_ by itself then).
  const detail::EnterBatch watched(&core_, fresh);
  // Listed before they are entered, as the Doist's enter and DoDoer::enter
  // do: an enter that removes its doer (a spawned task with nothing to do)
  // or an earlier doer of the batch finds it listed, so the removal holds
  // (until session 25 the doer was listed after, for good, and an adopted
  // one owned until the group went: rev24 #7). And a doer that an enter
  // extends is listed after this batch, in the order the doers were given,
  // wherever they are entered.
  try {
    doers_.append(fresh);
    if (enter_now) core_.enter(fresh, tyme());
  } catch (...) {
    // Those entered before the one that failed stay (as Schedule::enter
    // says); the rest (not entered, or ended in their enter, or scheduled
    // elsewhere all along, which the enter refused) never became children.
    // Each erased as found: collecting them first allocated, and a
    // std::bad_alloc there replaced the error and left them listed (rev25
    // #7). One adopted meanwhile (by a sibling's enter) is let go as
    // remove() lets go (making room for it may still run out of memory).
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      Doer* const doer = watched.at(i);
      if (doer == nullptr) continue;
      if (!enter_now || was_scheduled[i] || !doer->scheduled()) {
        doers_.erase(std::span<Doer* const>(&doer, 1), &released_);
      }
    }
    throw;
  }
  return fresh.size();
}

void DoDoer::remove(std::span<Doer* const> doers) {
  detail::refuse_null(doers, [this] { return "DoDoer '" + name() + "': remove"; });
  wound_ = false;
  // The adopted ones are let go: destroyed once closed (reap).
  doers_.erase(doers, &released_);
  const ReapAtEnd reap_after{*this};  // after the closes, even when one throws
  const ReapingHeld held(reaping_);   // not while a child's close runs
  core_.remove(doers);
}

}  // namespace hio
