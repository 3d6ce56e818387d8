#include "hio/engine/schedule.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "enter_batch.hpp"
#include "hio/engine/check.hpp"
#include "winding.hpp"

namespace hio {

namespace {

bool by_label(const Deed* a, const Deed* b) {
  return a->label < b->label;
}

}  // namespace

// ---- enter batches ----------------------------------------------------------

thread_local detail::EnterBatch* detail::EnterBatch::innermost_ = nullptr;

detail::EnterBatch::EnterBatch(const Schedule* schedule, std::span<Doer* const> doers)
    : schedule_(schedule), doers_(doers), outer_(innermost_) {
  if (doers.size() > 128) many_ = std::make_unique<std::uint64_t[]>((doers.size() + 63) / 64);
  innermost_ = this;
}

detail::EnterBatch::~EnterBatch() {
  innermost_ = outer_;
}

void detail::EnterBatch::mark(const Doer& doer) noexcept {
  for (std::size_t i = next_; i < doers_.size(); ++i) {
    if (doers_[i] == &doer && at(i) != nullptr) {
      bits()[i / 64] |= std::uint64_t{1} << (i % 64);
      return;  // a doer is in a batch once (refuse_entering)
    }
  }
}

void detail::EnterBatch::destroyed(const Doer& doer) noexcept {
  for (EnterBatch* batch = innermost_; batch != nullptr; batch = batch->outer_)
    batch->mark(doer);
}

void detail::EnterBatch::removed(const Schedule& schedule, const Doer& doer) noexcept {
  for (EnterBatch* batch = innermost_; batch != nullptr; batch = batch->outer_) {
    if (batch->schedule_ == &schedule) batch->mark(doer);
  }
}

void detail::throw_null_doer(std::size_t index, std::size_t size, const std::string& call) {
  throw std::invalid_argument(call + ": a null doer (index " + std::to_string(index) + " of " +
                              std::to_string(size) + "); nothing was changed");
}

Schedule::~Schedule() {
  close_on_destruction();
}

void Schedule::check_destroyable() const {
  HIO_CHECK(!in_pass() && entering_.empty(),
            "a scheduler (Doist or DoDoer) destroyed during its own pass or while entering a "
            "doer, by one of its doers; end the run first (request_stop() or exit())");
}

void Schedule::close_on_destruction() noexcept {
  check_destroyable();
  exit_keeping_errors();
}

// ---- entering -------------------------------------------------------------

std::string Schedule::where() const {
  return owner_ != nullptr ? "DoDoer '" + owner_->name() + "'" : "the Doist";
}

std::logic_error Schedule::already_scheduled(const Doer& doer) const {
  const Schedule* in = doer.deed_.schedule;
  if (in == this)
    return std::logic_error("doer '" + doer.name() + "' is already scheduled by " + where());
  // Two Doists: "the Doist" would name both.
  const bool doists = in->owner_ == nullptr && owner_ == nullptr;
  return std::logic_error(
      "doer '" + doer.name() + "' is already scheduled by " +
      (doists ? std::string("another Doist, so this Doist") : in->where() + ", so " + where()) +
      " cannot enter it");
}

void Schedule::refuse_while_closing(std::span<Doer* const> doers) const {
  if (closing() && !doers.empty()) {
    // Each doer entered now would be closed by the close in progress, and
    // its closing hook could enter it again, for ever.
    throw std::logic_error("cannot enter doer '" + doers.front()->name() + "' into " + where() +
                           " while it closes all its doers (from a closing hook?); extend() "
                           "lists it for the next enter instead");
  }
}

void Schedule::refuse_released(const Doer& doer) const {
  if (!doer.released_by_owner_) return;
  throw std::logic_error(where() + ": cannot take doer '" + doer.name() +
                         "': it was adopted and removed, so it is destroyed once it has "
                         "ended; disown() it before remove() to run it again");
}

void Schedule::refuse_entering(std::span<Doer* const> doers) const {
  refuse_while_closing(doers);
  for (Doer* doer : doers) {
    refuse_released(*doer);
    if (doer->deed_.schedule != nullptr) throw already_scheduled(*doer);
  }
  // Listed twice: the second would be refused only after the first's enter
  // ran (and the error then closed it). Each doer seen is marked by its
  // deed's schedule (null for every one of them here) and the marks are
  // undone before anything else: no allocation (a hash set of every doer
  // was made for each long enter, counted in bytes_per_idle_doer).
  if (doers.size() < 2) return;
  Schedule* const mark = const_cast<Schedule*>(this);
  const Doer* twice = nullptr;
  std::size_t marked = 0;
  for (; marked < doers.size(); ++marked) {
    Deed& deed = doers[marked]->deed_;
    if (deed.schedule == mark) {
      twice = doers[marked];
      break;
    }
    deed.schedule = mark;
  }
  for (std::size_t i = 0; i < marked; ++i)
    doers[i]->deed_.schedule = nullptr;
  if (twice != nullptr) {
    throw std::logic_error("doer '" + twice->name() + "' is listed twice; " + where() +
                           " enters a doer once");
  }
}

void Schedule::enter(std::span<Doer* const> doers, Tyme tyme) {
  detail::refuse_null(doers, [this] { return "cannot enter a doer into " + where(); });
  refuse_entering(doers);
  // Each doer looked at only at its turn: an earlier doer's hooks (its
  // wind, its enter) may have destroyed a later one (rev28a: it was read
  // after it was freed) or removed it (fixeng25: it was entered all the
  // same, and ran unlisted). Either is skipped (enter_batch.hpp).
  detail::EnterBatch batch(this, doers);
  const std::uint64_t exits = exits_;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doer* const doer = batch.at(i);
    if (doer == nullptr) continue;
    batch.still_to_come(i + 1);
    enter_one(*doer, tyme);
    // An enter exited the schedule: entering more would run doers in a
    // schedule that has ended.
    if (exits_ != exits) return;
  }
}

void Schedule::enter_one(Doer& doer, Tyme tyme) {
  Deed& deed = doer.deed_;
  // Scheduled, or released by its owner, since the batch was checked: by
  // an earlier doer's enter (a DoDoer that holds it, an extend, a remove).
  refuse_released(doer);
  if (deed.schedule != nullptr) throw already_scheduled(doer);
  // Before anything changes: winding may throw (a DoDoer that contains
  // itself, a tree that would nest too deep here), and so may the push.
  {
    const detail::WindingInto into(depth_);
    doer.wind(tymth_);
  }
  entering_.push_back({&deed, false});
  // `running` marks a deed while its enter runs: it is executing (a dog would
  // be resumed inside itself), so remove() and exit() close it, if at all,
  // when its enter returns.
  deed.schedule = this;
  deed.state = Deed::State::running;
  Step step = Step::finish();
  try {
    step = doer.start();
  } catch (...) {
    entering_.pop_back();
    deed.state = Deed::State::idle;
    deed.schedule = nullptr;
    deed.wake_pending = false;  // woken in the enter that failed
    throw;
  }
  HIO_CHECK(entering_.back().deed == &deed, "enters did not nest");
  const bool close = entering_.back().close && step.kind() != Step::Kind::finish;
  if (!close) entering_.pop_back();
  if (step.kind() == Step::Kind::finish || close) {
    // Ended in its enter, or exited or removed meanwhile: it never joins the
    // queue (a deed that finished has ended anyway).
    deed.state = Deed::State::idle;
    deed.schedule = nullptr;
    deed.wake_pending = false;
    if (close) close_entered(doer);
    return;
  }
  // During a pass a new deed goes just before the one that entered it, so it
  // sorts before it in the ready list that is being built.
  link_before(deed, running_);
  deed.retyme = tyme;
  try {
    if (step.kind() == Step::Kind::tock) {
      deed.wake_pending = false;  // a wake while it entered voids only a park
      deed.state = Deed::State::ready;
      push_ready(deed);
    } else {
      place(deed, step);  // woken while it entered: due next pass, not parked
    }
  } catch (...) {
    // Out of memory queueing it (the ready list, the woken list or the heap
    // grows; each push changes nothing when it fails): entered but never
    // queued, it is closed as one removed in its enter, and the error
    // propagates as its enter's would. Scheduled but in no queue, it would
    // never run; an adopting DoDoer would destroy it while scheduled.
    unlink(deed);
    deed.state = Deed::State::idle;
    deed.schedule = nullptr;
    deed.wake_pending = false;
    deed.slot = -1;                      // push_ready set it before its push failed
    entering_.push_back({&deed, true});  // room: popped above, never shrunk
    close_entered(doer);
    throw;
  }
  // A parked owner must run to give its new child the first run.
  if (owner_ != nullptr && (deed.state == Deed::State::ready || deed.state == Deed::State::woken)) {
    owner_->wake();
  }
}

void Schedule::close_entered(Doer& doer) {
  // Its close runs while it still counts as entering (executing()), so its
  // DoDoer reaps no child meanwhile: one that removes a sibling in its exit
  // would have its own reap destroy it there (rev24 #13).
  struct PopAfter {
    std::vector<Entering>& entering;
    ~PopAfter() { entering.pop_back(); }
  } pop_after{entering_};
  doer.close();
}

// ---- passes ---------------------------------------------------------------

void Schedule::collect_due(Tyme tyme) {
  // The ready list becomes this pass's run list as it is (it is in queue
  // order); its deeds that are not due yet go to the heap as the pass reaches
  // them. Deeds due from the heap or woken are merged in by label.
  // (The slots of the ready list's deeds are their places in run_.)
  run_.swap(ready_);
  ready_.clear();
  ready_dead_ = 0;
  const bool heap_due = !heap_.empty() && heap_.front().retyme <= tyme;
  if (heap_due || !woken_.empty()) {
    extra_.clear();
    while (!heap_.empty() && heap_.front().retyme <= tyme) {
      Deed& deed = heap_pop();
      // A park's deadline came (at this pass, or passed before it): due now,
      // its tock counts from here, as a woken deed's; from the deadline it
      // ran every pass until its retyme caught up with tyme.
      if (deed.state != Deed::State::timed) deed.retyme = tyme;
      extra_.push_back(&deed);
    }
    for (Deed* deed : woken_) {
      deed->retyme = tyme;  // a woken deed is due now; its tock counts from here
      extra_.push_back(deed);
    }
    woken_.clear();
    std::sort(extra_.begin(), extra_.end(), by_label);
    merge_into_run(extra_);
    // Scratch: its deeds are in run_ now. Kept, they would be stale once
    // they leave this schedule, and close_all() drops what it holds (marks
    // them idle) wherever they are by then.
    extra_.clear();
  }
  for (Bucket& bucket : buckets_) {
    if (bucket.deeds.empty() || bucket.at > tyme) continue;
    merge_into_run(bucket.deeds);
    bucket.deeds.clear();
    bucket.live = 0;
  }
}

void Schedule::merge_into_run(const std::vector<Deed*>& more) {
  merged_.clear();
  merged_.reserve(run_.size() + more.size());
  auto emit = [this](Deed* deed) {
    deed->slot = static_cast<std::int32_t>(merged_.size());
    deed->state = Deed::State::ready;
    merged_.push_back(deed);
  };
  auto a = run_.begin();
  auto b = more.begin();
  for (;;) {
    while (a != run_.end() && *a == nullptr)
      ++a;
    while (b != more.end() && *b == nullptr)
      ++b;
    if (a == run_.end() || b == more.end()) break;
    if ((*b)->label < (*a)->label) {
      emit(*b++);
    } else {
      emit(*a++);
    }
  }
  for (; a != run_.end(); ++a) {
    if (*a != nullptr) emit(*a);
  }
  for (; b != more.end(); ++b) {
    if (*b != nullptr) emit(*b);
  }
  run_.swap(merged_);
}

Tyme Schedule::ready_until() {
  if (!ready_until_known_) {
    ready_until_known_ = true;
    ready_until_ = tyme_after(pass_tyme_, pass_tock0_);
    // Under a DoDoer with tock 0 whose parent passes on a grid, its next run
    // is a grid step away, not tock 0 (docs/scheduling.md): a child due
    // then belongs in the ready list. Only a hint: a deed in the ready list
    // that is not due when the next pass reaches it goes on waiting.
    if (owner_ != nullptr) {
      const std::optional<Tock> grid = pass_grid();
      if (grid && *grid > pass_tock0_) ready_until_ = tyme_after(pass_tyme_, *grid);
    }
  }
  return ready_until_;
}

void Schedule::defer(Deed& deed) {
  if (deed.retyme <= ready_until()) {
    push_ready(deed);
    return;
  }
  Bucket* free = nullptr;
  for (Bucket& bucket : buckets_) {
    if (bucket.deeds.empty()) {
      if (free == nullptr) free = &bucket;
      continue;
    }
    if (bucket.at != deed.retyme) continue;
    if (bucket.last_label >= deed.label) {  // out of label order
      heap_push(deed);
      return;
    }
    free = &bucket;
    break;
  }
  if (free == nullptr) {
    heap_push(deed);
    return;
  }
  free->at = deed.retyme;
  deed.state = Deed::State::timed;
  deed.slot = -2 - static_cast<std::int32_t>(free->deeds.size());
  free->deeds.push_back(&deed);
  ++free->live;
  free->last_label = deed.label;
}

Schedule::Bucket* Schedule::bucket_at(Tyme at) {
  for (Bucket& bucket : buckets_) {
    if (!bucket.deeds.empty() && bucket.at == at) return &bucket;
  }
  return nullptr;
}

void Schedule::bucket_erase(Deed& deed) {
  Bucket* bucket = bucket_at(deed.retyme);
  HIO_CHECK(bucket != nullptr, "a timed deed is in no bucket");
  bucket->deeds[static_cast<std::size_t>(-2 - deed.slot)] = nullptr;
  deed.slot = -1;
  if (--bucket->live == 0) bucket->deeds.clear();
}

Tyme Schedule::next_timer() const {
  Tyme next = heap_.empty() ? kTymeNever : heap_.front().retyme;
  for (const Bucket& bucket : buckets_) {
    if (!bucket.deeds.empty()) next = std::min(next, bucket.at);
  }
  return next;
}

bool Schedule::dormant() const {
  const auto all_dormant = [](const std::vector<Deed*>& deeds) {
    return std::all_of(deeds.begin(), deeds.end(),
                       [](const Deed* deed) { return deed == nullptr || deed->doer->dormant(); });
  };
  if (!all_dormant(ready_) || !all_dormant(woken_)) return false;
  for (const HeapEntry& entry : heap_) {
    if (!entry.deed->doer->dormant()) return false;
  }
  return std::all_of(buckets_.begin(), buckets_.end(),
                     [&](const Bucket& bucket) { return all_dormant(bucket.deeds); });
}

bool Schedule::holds_past_end_of_tyme() const {
  for (const Deed* deed = head_; deed != nullptr; deed = deed->next) {
    if (deed->state == Deed::State::timed && deed->retyme == kTymeNever && !deed->doer->dormant()) {
      return true;
    }
    if (deed->doer->waits_past_end_of_tyme()) return true;
  }
  return false;
}

void Schedule::pass(Tyme tyme, Tock tock0) {
  HIO_CHECK(!in_pass_, "a schedule's pass was started inside its own pass");
  collect_due(tyme);
  in_pass_ = true;
  pass_tyme_ = tyme;
  pass_tock0_ = tock0;
  ready_until_known_ = false;
  pass_grid_known_ = false;
  const Tyme next_pass = tyme_after(tyme, tock0);
  // The loop index and the run list stay in registers: a run stores what a
  // doer may read of them (running_, run_index_), and the loop looks at the
  // members again only when changed_ says so, not after every run. (Entering
  // and removing deeds leave run_'s extent alone: they append to ready_ or
  // null an entry.)
  Deed* const* run = run_.data();
  std::size_t n = run_.size();
  std::size_t i = 0;
  changed_ = false;
  try {
    for (; i < n; ++i) {
      Deed* deed = run[i];
      if (deed == nullptr) continue;  // removed earlier in this pass
      if (deed->retyme > tyme) {      // ready, but not due at this tyme
        defer(*deed);
        continue;
      }
      // A running deed keeps the state `ready`: only running_ marks it, which
      // saves two stores per run on the hottest path.
      running_ = deed;
      run_index_ = i;
      Step step = Step::finish();
      if (deed->dog) {
        Dog::promise_type& promise = deed->dog.promise();
        promise.send(tyme);
        deed->dog.handle().resume();
        step = promise.step();
      } else {
        step = deed->doer->run_recur(tyme);
      }
      if (step.kind() != Step::Kind::tock) [[unlikely]] {
        // A dog that finished ends while it still counts as running.
        if (step.kind() == Step::Kind::finish && deed->dog) step = deed->doer->end_dog(false);
      }
      running_ = nullptr;
      if (changed_) [[unlikely]] {
        // A wake inserted a deed into this pass, the schedule was exited, or
        // the running deed was woken.
        changed_ = false;
        run = run_.data();
        n = run_.size();
        // A wake while it ran voids only a park that ends this run.
        if (step.kind() == Step::Kind::tock) deed->wake_pending = false;
        if (close_after_run_ == deed) {  // it exited its own schedule
          close_after_run_ = nullptr;
          if (step.kind() != Step::Kind::finish) {
            close_now(*deed);
            continue;
          }
        }
      }
      if (step.kind() != Step::Kind::tock) [[unlikely]] {
        place(*deed, step);  // parks and finishes
        continue;
      }
      if (step.tock() == Tock{0}) {  // the common case: due next pass
        deed->retyme = next_pass;
        deed->slot = static_cast<std::int32_t>(ready_.size());
        ready_.push_back(deed);
        continue;
      }
      deed->retyme = tyme_after(deed->retyme, step.tock());
      if (deed->retyme <= next_pass) {
        push_ready(*deed);
      } else {
        defer(*deed);
      }
    }
  } catch (...) {
    // The deed that threw has ended (its abort and exit ran). The deeds that
    // did not run this pass keep no pass state; exit() will close them.
    Deed* failed = running_;
    running_ = nullptr;
    in_pass_ = false;
    close_after_run_ = nullptr;
    // Not from a run but from the pass's own bookkeeping (out of memory):
    // that deed is in no list, and exit() will close it.
    if (failed == nullptr && i < run_.size() && run_[i] != nullptr) {
      run_[i]->state = Deed::State::idle;
    }
    for (std::size_t j = i + 1; j < run_.size(); ++j) {
      if (run_[j] != nullptr) run_[j]->state = Deed::State::idle;
    }
    run_.clear();
    if (failed != nullptr && failed->schedule == this) rotate_after_failure(*failed);
    throw;
  }
  run_.clear();
  in_pass_ = false;
}

void Schedule::place(Deed& deed, Step step) {
  switch (step.kind()) {
    case Step::Kind::tock:
      HIO_CHECK(false, "tock steps are placed by pass() itself");
      return;
    case Step::Kind::park:
    case Step::Kind::idle_park:
      if (deed.wake_pending) {  // woken while it ran: run next pass instead
        deed.wake_pending = false;
        deed.state = Deed::State::woken;
        deed.slot = static_cast<std::int32_t>(woken_.size());
        woken_.push_back(&deed);
        return;
      }
      deed.state = step.kind() == Step::Kind::park ? Deed::State::parked : Deed::State::idling;
      deed.slot = -1;
      if (step.until() != kTymeNever) {
        deed.retyme = step.until();
        heap_push(deed);
      }
      return;
    case Step::Kind::finish:
      deed.wake_pending = false;
      unlink(deed);
      deed.state = Deed::State::idle;
      deed.slot = -1;
      deed.schedule = nullptr;
      return;
  }
}

// ---- waking ---------------------------------------------------------------

void Schedule::wake(Deed& deed) {
  // Wake the deed, then every parked ancestor DoDoer, so the wake reaches the
  // top; stop at the first ancestor that is not parked (it will run anyway).
  Deed* current = &deed;
  if (current->schedule != nullptr && current == current->schedule->running_) {
    current->wake_pending = true;
    current->schedule->changed_ = true;  // so the pass looks at wake_pending
    return;
  }
  // Its enter is running (the IO its enter set off woke it): a park that
  // ends the enter runs next pass instead (enter_one, place()).
  if (current->state == Deed::State::running) {
    current->wake_pending = true;
    return;
  }
  while (current != nullptr && current->schedule != nullptr &&
         (current->state == Deed::State::parked || current->state == Deed::State::idling)) {
    Schedule& schedule = *current->schedule;
    if (current->slot >= 0) schedule.heap_erase(*current);
    if (current->state == Deed::State::idling && schedule.running_ != nullptr &&
        current->label > schedule.running_->label) {
      // Had it not parked, it would still run in this pass: let it.
      schedule.insert_due(*current);
      return;
    }
    current->state = Deed::State::woken;
    current->slot = static_cast<std::int32_t>(schedule.woken_.size());
    schedule.woken_.push_back(current);
    current = schedule.owner_ != nullptr ? &schedule.owner_->deed_ : nullptr;
  }
}

std::optional<Tock> Schedule::grid_under(std::optional<Tock> parent_grid, Tock tock) {
  if (tock == Tock{0}) return parent_grid;  // runs at its parent's passes
  // Entered at a parent's pass, so on the grid; retymes step by tock.
  if (!parent_grid || *parent_grid <= Tock{0} || tock % *parent_grid != Tock{0}) {
    return std::nullopt;
  }
  return tock;
}

std::optional<Tock> Schedule::exact_grid() const {
  if (owner_ == nullptr) return pass_tock0_;  // the Doist: a pass every tock
  const Schedule* parent = owner_->deed_.schedule;
  if (parent == nullptr) return std::nullopt;
  return grid_under(parent->exact_grid(), owner_->tock());
}

std::optional<Tock> Schedule::pass_grid() {
  // As exact_grid(), from the parent's value for its pass in progress, so a
  // deep chain costs O(1) per level, not O(depth).
  if (owner_ == nullptr) return pass_tock0_;
  if (!pass_grid_known_) {
    pass_grid_known_ = true;
    Schedule* parent = owner_->deed_.schedule;
    pass_grid_ = parent == nullptr
                     ? std::nullopt
                     : grid_under(parent->in_pass_ ? parent->pass_grid() : parent->exact_grid(),
                                  owner_->tock());
  }
  return pass_grid_;
}

bool Schedule::idle_park_exact() const {
  return owner_ == nullptr || owner_->tock() == Tock{0} || exact_grid().has_value();
}

void Schedule::insert_due(Deed& deed) {
  deed.retyme = pass_tyme_;
  deed.state = Deed::State::ready;
  std::size_t at = run_index_ + 1;
  while (at < run_.size() && (run_[at] == nullptr || run_[at]->label < deed.label))
    ++at;
  run_.insert(run_.begin() + static_cast<std::ptrdiff_t>(at), &deed);
  for (std::size_t i = at; i < run_.size(); ++i) {
    if (run_[i] != nullptr) run_[i]->slot = static_cast<std::int32_t>(i);
  }
  changed_ = true;
}

// ---- closing --------------------------------------------------------------

void Schedule::close_deed(Deed& deed, std::exception_ptr* first_error) {
  detach_from_lists(deed);
  deed.wake_pending = false;
  unlink(deed);
  deed.schedule = nullptr;
  try {
    deed.doer->close();
  } catch (...) {
    if (first_error != nullptr && !*first_error) {
      *first_error = std::current_exception();
    } else {
      // Not propagated: kept on the doer, where its owner can find it. It
      // replaces what a hook that ran after it threw (close() kept that one
      // there, its exit's say): this error came first.
      deed.doer->hook_error_ = std::current_exception();
    }
  }
}

void Schedule::close_now(Deed& deed) {
  std::exception_ptr error;
  close_deed(deed, &error);
  if (error) std::rethrow_exception(error);
}

void Schedule::exit() {
  std::exception_ptr first_error;
  close_all(&first_error);
  if (first_error) std::rethrow_exception(first_error);
}

void Schedule::exit_keeping_errors() noexcept {
  close_all(nullptr);
}

void Schedule::close_all(std::exception_ptr* first_error) {
  struct Closing {
    int& depth;
    ~Closing() { --depth; }
  } closing{++closing_};
  // Every deed is about to be closed: drop the lists at once rather than
  // detaching deeds one by one. (extra_ holds deeds only if collecting a
  // pass ran out of memory.)
  auto drop = [](std::vector<Deed*>& list) {
    for (Deed* deed : list) {
      if (deed == nullptr) continue;
      deed->state = Deed::State::idle;
      deed->slot = -1;
    }
    list.clear();
  };
  for (std::vector<Deed*>* list : {&ready_, &woken_, &run_, &extra_})
    drop(*list);
  ready_dead_ = 0;
  for (Bucket& bucket : buckets_) {
    drop(bucket.deeds);
    bucket.live = 0;
  }
  for (HeapEntry& entry : heap_) {
    entry.deed->state = Deed::State::idle;
    entry.deed->slot = -1;
  }
  heap_.clear();
  changed_ = true;  // in case a deed exits its own schedule mid-pass
  ++exits_;
  // Deeds whose enter is running are closed when it returns (enter_one).
  for (Entering& entering : entering_)
    entering.close = true;
  // Mid-pass, reverse order is that of hio's rotated deque (see remove()):
  // the deeds before the running one, nearest first, then the rest from the
  // tail. The running deed is still executing and cannot be closed under its
  // own feet (a dog would be resumed while it runs): it is closed last, when
  // its run returns (pass()). Closing hooks may remove other deeds, so the
  // next one is looked up afresh each time; none can join meanwhile
  // (closing()), so this ends.
  Deed* const running = running_;
  auto next_to_close = [this, running]() -> Deed* {
    if (running == nullptr) return tail_;
    if (running->prev != nullptr) return running->prev;
    return tail_ != running ? tail_ : nullptr;
  };
  while (Deed* deed = next_to_close())
    close_deed(*deed, first_error);
  if (running != nullptr) close_after_run_ = running;
}

void Schedule::remove(std::span<Doer* const> doers) {
  // The deed whose code calls this, or one of its ancestors (a DoDoer whose
  // child runs): the last enter to start, else the running deed. Enters
  // during a pass are nested in the running deed's run.
  const Deed* const innermost = !entering_.empty() ? entering_.back().deed : running_;
  std::vector<Deed*> closing;
  for (Doer* doer : doers) {
    if (doer == nullptr) continue;
    Deed& deed = doer->deed_;
    // Still to come in an enter of this schedule in progress (a later doer
    // of its batch): it is not entered now. (Not the doer removing itself:
    // it is entering, or running, not to come.)
    if (detail::EnterBatch::any() && &deed != innermost) detail::EnterBatch::removed(*this, *doer);
    if (deed.schedule != this) continue;
    // Removing itself: it finishes on its own.
    if (&deed == innermost) continue;
    // Executing, but removed by another doer (one its enter or run entered):
    // closed as soon as its enter or run returns.
    if (deed.state == Deed::State::running) {
      for (Entering& entering : entering_) {
        if (entering.deed == &deed) entering.close = true;
      }
      continue;
    }
    if (&deed == running_) {
      close_after_run_ = &deed;
      changed_ = true;
      continue;
    }
    closing.push_back(&deed);
  }
  // Reverse queue order; during a pass the queue is seen as hio's rotating
  // deque, which starts just after the running deed.
  const std::uint64_t pivot = running_ != nullptr ? running_->label : 0;
  auto rotated_key = [pivot](const Deed* deed) {
    bool before_pivot = pivot != 0 && deed->label < pivot;
    return std::pair<bool, std::uint64_t>(before_pivot, deed->label);
  };
  std::sort(closing.begin(), closing.end(),
            [&](const Deed* a, const Deed* b) { return rotated_key(a) > rotated_key(b); });
  // A doer listed twice is closed once (labels are unique, so equal keys are
  // the same deed).
  closing.erase(std::unique(closing.begin(), closing.end()), closing.end());
  std::exception_ptr first_error;
  for (Deed* deed : closing) {
    // A closing hook may have removed (closed) one of the later ones: closing
    // it again would run its hooks twice and unlink it twice.
    if (deed->schedule != this) continue;
    close_deed(*deed, &first_error);
  }
  // A parked owner must see that it may now be done.
  if (!closing.empty() && owner_ != nullptr) owner_->wake();
  if (first_error) std::rethrow_exception(first_error);
}

void Schedule::detach_from_lists(Deed& deed) {
  switch (deed.state) {
    case Deed::State::ready: {
      // In the next pass's list, or still to run in this pass's; its slot
      // says where. A null is left (the next pass drops it). (In neither
      // only after the pass's bookkeeping ran out of memory.)
      const auto at = static_cast<std::size_t>(deed.slot);
      if (at < ready_.size() && ready_[at] == &deed) {
        ready_[at] = nullptr;
        ++ready_dead_;
      } else if (at < run_.size() && run_[at] == &deed) {
        run_[at] = nullptr;
      }
      break;
    }
    case Deed::State::woken: {
      const auto at = static_cast<std::size_t>(deed.slot);
      if (at < woken_.size() && woken_[at] == &deed) {  // any order: swap with the last
        woken_[at] = woken_.back();
        woken_[at]->slot = static_cast<std::int32_t>(at);
        woken_.pop_back();
      }
      break;
    }
    case Deed::State::timed:
    case Deed::State::parked:
    case Deed::State::idling:
      if (deed.slot >= 0) {
        heap_erase(deed);
      } else if (deed.slot <= -2) {
        bucket_erase(deed);
      }
      break;
    case Deed::State::idle:
    case Deed::State::running:
      break;
  }
  deed.state = Deed::State::idle;
  deed.slot = -1;
}

// ---- queue order ----------------------------------------------------------

void Schedule::link_before(Deed& deed, Deed* before) {
  Deed* after = before != nullptr ? before->prev : tail_;
  std::uint64_t low = after != nullptr ? after->label : 0;
  std::uint64_t high =
      before != nullptr ? before->label : std::numeric_limits<std::uint64_t>::max();
  bool fits = before != nullptr ? high - low >= 2 : high - low > kLabelGap;
  if (!fits) {
    relabel();
    low = after != nullptr ? after->label : 0;
    high = before != nullptr ? before->label : std::numeric_limits<std::uint64_t>::max();
  }
  // Not the midpoint: doers entered during a pass go one after another
  // before the running deed, and halving the gap each time would relabel the
  // whole queue every 32 of them; steps of kInsertStep last 2^16 enters.
  deed.label = before != nullptr ? low + std::min((high - low) / 2, kInsertStep) : low + kLabelGap;

  deed.prev = after;
  deed.next = before;
  if (after != nullptr) {
    after->next = &deed;
  } else {
    head_ = &deed;
  }
  if (before != nullptr) {
    before->prev = &deed;
  } else {
    tail_ = &deed;
  }
  ++count_;
}

void Schedule::unlink(Deed& deed) {
  if (deed.prev != nullptr) {
    deed.prev->next = deed.next;
  } else {
    head_ = deed.next;
  }
  if (deed.next != nullptr) {
    deed.next->prev = deed.prev;
  } else {
    tail_ = deed.prev;
  }
  deed.prev = nullptr;
  deed.next = nullptr;
  --count_;
}

void Schedule::relabel() {
  // Evenly spaced labels in queue order; relative order is kept, so the heap
  // and the ready list stay valid.
  std::uint64_t gap = kLabelGap;
  while (gap > 2 && count_ + 2 > std::numeric_limits<std::uint64_t>::max() / gap)
    gap /= 2;
  std::uint64_t label = 0;
  for (Deed* deed = head_; deed != nullptr; deed = deed->next) {
    label += gap;
    deed->label = label;
  }
  for (HeapEntry& entry : heap_)
    entry.label = entry.deed->label;
  for (Bucket& bucket : buckets_) {
    auto last = std::find_if(bucket.deeds.rbegin(), bucket.deeds.rend(),
                             [](const Deed* deed) { return deed != nullptr; });
    bucket.last_label = last != bucket.deeds.rend() ? (*last)->label : 0;
  }
}

void Schedule::rotate_after_failure(Deed& failed) {
  // hio's pass pops each deed off a deque and appends it back; when a deed
  // throws, the deque reads: the deeds after it, then the ones before it.
  Deed* after = failed.next;
  Deed* before = failed.prev;
  unlink(failed);
  failed.state = Deed::State::idle;
  failed.schedule = nullptr;
  if (after == nullptr || before == nullptr) return;  // already in that order
  tail_->next = head_;
  head_->prev = tail_;
  head_ = after;
  tail_ = before;
  after->prev = nullptr;
  before->next = nullptr;
  // The new order breaks the sortedness of the lists (exit() clears them):
  // buckets move to the heap, which is rebuilt.
  for (Bucket& bucket : buckets_) {
    for (Deed* deed : bucket.deeds) {
      if (deed != nullptr) heap_.push_back({deed->retyme, 0, deed});
    }
    bucket.deeds.clear();
    bucket.live = 0;
  }
  relabel();
  std::erase(ready_, nullptr);
  ready_dead_ = 0;
  std::sort(ready_.begin(), ready_.end(), by_label);
  for (std::size_t i = 0; i < ready_.size(); ++i)
    ready_[i]->slot = static_cast<std::int32_t>(i);
  std::make_heap(heap_.begin(), heap_.end(),
                 [](const HeapEntry& a, const HeapEntry& b) { return earlier(b, a); });
  for (std::size_t i = 0; i < heap_.size(); ++i)
    heap_[i].deed->slot = static_cast<std::int32_t>(i);
}

// ---- timer heap -----------------------------------------------------------

void Schedule::heap_set(std::size_t i, const HeapEntry& entry) {
  heap_[i] = entry;
  entry.deed->slot = static_cast<std::int32_t>(i);
}

void Schedule::heap_push(Deed& deed) {
  if (deed.state != Deed::State::parked && deed.state != Deed::State::idling) {
    deed.state = Deed::State::timed;
  }
  heap_.push_back({deed.retyme, deed.label, &deed});
  deed.slot = static_cast<std::int32_t>(heap_.size() - 1);
  heap_sift_up(heap_.size() - 1);
}

Deed& Schedule::heap_pop() {
  Deed& top = *heap_.front().deed;
  heap_erase(top);
  return top;
}

void Schedule::heap_erase(Deed& deed) {
  auto i = static_cast<std::size_t>(deed.slot);
  deed.slot = -1;
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;
  heap_set(i, last);
  heap_sift_up(i);
  heap_sift_down(static_cast<std::size_t>(last.deed->slot));
}

void Schedule::heap_sift_up(std::size_t i) {
  const HeapEntry entry = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / 2;
    if (!earlier(entry, heap_[parent])) break;
    heap_set(i, heap_[parent]);
    i = parent;
  }
  heap_set(i, entry);
}

void Schedule::heap_sift_down(std::size_t i) {
  const HeapEntry entry = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
    if (!earlier(heap_[child], entry)) break;
    heap_set(i, heap_[child]);
    i = child;
  }
  heap_set(i, entry);
}

}  // namespace hio
