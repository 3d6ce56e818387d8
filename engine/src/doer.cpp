#include "hio/engine/doer.hpp"

#include <stdexcept>

#include "enter_batch.hpp"
#include "hio/engine/check.hpp"
#include "hio/engine/doer_list.hpp"
#include "hio/engine/schedule.hpp"

namespace hio {

Doer::Doer(std::string name, Tock tock, Opts opts) : tock_(Tock{0}), name_(std::move(name)) {
  set_tock(tock);
  deed_.doer = this;
  if (!opts.empty()) opts_ = std::make_unique<Opts>(std::move(opts));
}

Opts& Doer::opts() {
  if (opts_ == nullptr) opts_ = std::make_unique<Opts>();
  return *opts_;
}

const Opts& Doer::opts() const {
  static const Opts kNone;
  return opts_ != nullptr ? *opts_ : kNone;
}

Doer::~Doer() {
  HIO_CHECK(deed_.schedule == nullptr,
            "doer '" + name_ + "' destroyed while scheduled; close its scheduler first");
  DoerRef::clear(refs_);
  // Every doer of an enter batch is listed by its scheduler (or was
  // removed, which marked it): an unlisted one is in no batch.
  const bool listed = listing_index_ == kListedMany || listing_.one != nullptr;
  if (listed && detail::EnterBatch::any()) detail::EnterBatch::destroyed(*this);
  if (listing_index_ == kListedMany) {
    for (const Listing& listing : *listing_.many)
      listing.list->forget(listing.index);
    delete listing_.many;
  } else if (listing_.one != nullptr) {
    listing_.one->forget(listing_index_);
  }
}

void Doer::listed(DoerList* list, std::size_t index) {
  if (listing_index_ != kListedMany && listing_.one == nullptr) {
    HIO_CHECK(index < kListedMany, "a DoerList of more than 2^32 - 1 doers");
    listing_.one = list;
    listing_index_ = static_cast<std::uint32_t>(index);
    return;
  }
  if (listing_index_ != kListedMany) {  // a second list: all go to the heap
    auto many = std::make_unique<std::vector<Listing>>();
    many->push_back({listing_.one, listing_index_});
    listing_.many = many.release();
    listing_index_ = kListedMany;
  }
  listing_.many->push_back({list, index});
}

Doer::Listing* Doer::find_many(const DoerList* list, std::size_t index) {
  for (Listing& listing : *listing_.many) {
    if (listing.list == list && listing.index == index) return &listing;
  }
  HIO_CHECK(false, "doer '" + name_ + "' is not where a list has it");
  return nullptr;
}

bool Doer::listed_in(const DoerList* list) const {
  if (listing_index_ != kListedMany) return listing_.one == list;
  for (const Listing& listing : *listing_.many) {
    if (listing.list == list) return true;
  }
  return false;
}

std::optional<std::size_t> Doer::index_in(const DoerList* list) const {
  if (listing_index_ != kListedMany) {
    if (listing_.one != list) return std::nullopt;
    return listing_index_;
  }
  for (const Listing& listing : *listing_.many) {
    if (listing.list == list) return listing.index;
  }
  return std::nullopt;
}

void Doer::unlisted(const DoerList* list, std::size_t index) {
  if (listing_index_ != kListedMany) {
    HIO_CHECK(listing_.one == list && listing_index_ == index,
              "doer '" + name_ + "' is not where a list has it");
    listing_.one = nullptr;
    listing_index_ = 0;
    return;
  }
  std::vector<Listing>& many = *listing_.many;
  *find_many(list, index) = many.back();
  many.pop_back();
  // Stays on the heap while in any list: a doer in two lists at once tends
  // to be again (a Doist's doers() and its extend queue).
  if (many.empty()) {
    delete listing_.many;
    listing_.one = nullptr;
    listing_index_ = 0;
  }
}

void Doer::relisted(const DoerList* list, std::size_t from, std::size_t to) {
  if (listing_index_ != kListedMany) {
    HIO_CHECK(listing_.one == list && listing_index_ == from,
              "doer '" + name_ + "' is not where a list has it");
    listing_index_ = static_cast<std::uint32_t>(to);  // to <= from
    return;
  }
  find_many(list, from)->index = to;
}

bool Doer::idle_park_exact() const {
  return deed_.schedule != nullptr && deed_.schedule->idle_park_exact();
}

std::size_t Doer::schedule_depth() const {
  return deed_.schedule != nullptr ? deed_.schedule->depth() : 0;
}

void Doer::set_tock(Tock tock) {
  if (tock < Tock{0}) {
    throw std::invalid_argument("doer '" + name_ + "': tock must be >= 0, got " +
                                format_seconds(tock) + " s");
  }
  tock_ = tock;
}

void Doer::wake() {
  if (deed_.schedule != nullptr) deed_.schedule->wake(deed_);
}

bool Doer::recur(Tyme) {
  return false;
}

void Doer::abort(std::exception_ptr) {}

Step Doer::begin_dog() {
  try {
    enter();
  } catch (...) {
    fail(std::current_exception());
  }
  if (done_ == true) return done_step();
  return next_step();
}

Step Doer::end_dog(bool) {
  HIO_CHECK(false, "doer '" + name_ + "' has no dog to end");
  return Step::finish();
}

Step Doer::launch(Dog dog) {
  if (!dog) throw std::logic_error("doer '" + name_ + "': its function made no dog");
  deed_.dog = std::move(dog);
  Dog::promise_type& promise = deed_.dog.promise();
  promise.send(tyme());
  deed_.dog.handle().resume();
  if (!deed_.dog.finished()) return promise.step();
  return end_dog(false);
}

Doer::DogEnd Doer::take_dog() {
  const Dog::promise_type& promise = deed_.dog.promise();
  std::exception_ptr error = promise.error();
  // Only a Cease the scheduler threw in (a forced close: ceasing()) ends the
  // dog as a close. One the dog threw by itself is an error like any other,
  // as it is from a class doer's recur. ceased() settles the common case
  // without a rethrow; is_cease() covers the rest (types derived from Cease).
  const bool ceased = promise.ceasing() && (promise.ceased() || is_cease(error));
  DogEnd end{std::move(error), ceased, promise.returned()};
  deed_.dog.reset();
  return end;
}

Step Doer::start() {
  done_ = false;
  parking_ = false;
  hook_error_ = nullptr;
  return begin_dog();
}

Step Doer::done_step() {
  if (run_always_) return next_step();  // done, and runs on until closed (hio's always)
  return finish();
}

Step Doer::finish() {
  try {
    clean();
  } catch (...) {
    exit_after_error();
    throw;
  }
  exit_settled();
  return Step::finish();
}

void Doer::exit_settled() {
  exit_begins();
  try {
    exit();
  } catch (...) {
    settle_after_exit();
    throw;
  }
  settle_after_exit();
}

void Doer::exit_after_error() {
  exit_begins();
  try {
    exit_by_error();
  } catch (...) {
    if (!hook_error_) hook_error_ = std::current_exception();
  }
  settle_after_exit();
}

void Doer::fail(std::exception_ptr error) {
  // The error that ended the doer is the one its caller needs; a hook that
  // fails on top of it is kept, not propagated. Its abort hook is part of
  // its ending, as its exit is: a DoDoer's extend there only lists
  // (exit_begins; exit_after_error below settles it).
  exit_begins();
  try {
    abort(error);
  } catch (...) {
    if (!hook_error_) hook_error_ = std::current_exception();
  }
  exit_after_error();
  std::rethrow_exception(error);
}

void Doer::close() {
  if (deed_.dog) {
    Dog::promise_type& promise = deed_.dog.promise();
    promise.set_ceasing();
    deed_.dog.handle().resume();
    if (!deed_.dog.finished()) {
      // It caught Cease and co_yielded: it would never end. Destroy it, and
      // end the doer by that error, as a dog whose catch throws instead: a
      // ReDoer's abort and exit run (what its enter took is released), and
      // the error is the close's. (A FnDoer's hooks are its dog's own code,
      // which its frame's destruction has run as far as it can.)
      deed_.dog.reset();
      fail(std::make_exception_ptr(
          std::logic_error("doer '" + name_ + "' co_yielded after Cease; a ceased dog must end")));
    }
    end_dog(true);
    return;
  }
  try {
    cease();
  } catch (...) {
    exit_after_error();
    throw;
  }
  exit_settled();
}

bool is_cease(const std::exception_ptr& error) {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const Cease&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace hio
