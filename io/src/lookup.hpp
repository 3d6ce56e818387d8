// One host name's lookup, made on a LookupWorker's thread: waited for (hio
// check) or handed to a run's io_context (Resolver, async_resolve).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/basic_resolver.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "asio_core.hpp"
#include "hio/engine/doist.hpp"  // caught_stop_signal
#include "hio/io/lookup_out_of_memory.hpp"
#include "lookup_worker.hpp"
#include "resolve.hpp"

namespace hio::detail {

// The lookup resolve() makes (the same call, so the answer and the words of
// a failure are those of a run's channel), on a worker's thread. What it
// throws there (std::bad_alloc) is kept and thrown to whoever takes the
// answer, never let out of the thread (that would be std::terminate).
template <class Protocol>
class Lookup final : public LookupWorker::Job,
                     public std::enable_shared_from_this<Lookup<Protocol>> {
 public:
  using Results = typename asio::ip::basic_resolver<Protocol>::results_type;
  using Handler = std::function<void(const boost::system::error_code&, const Results&)>;

  // `executor`, `handler`: where and what the answer is handed to (posted to
  // the executor: `handler` runs on the executor's thread, as an Asio
  // completion would), unless cancel() came first; none: wait().
  Lookup(std::string host, std::uint16_t port, asio::ip::resolver_base::flags flags,
         std::optional<asio::io_context::executor_type> executor = std::nullopt,
         Handler handler = nullptr)
      : host_(std::move(host)),
        port_(port),
        flags_(flags),
        executor_(std::move(executor)),
        handler_(std::move(handler)) {}

  void run() noexcept override {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      // Not asked: nobody wants the answer; or answered already (made on
      // the asker's thread when no thread could be had: open_check).
      if (cancelled_ || done_) return;
    }
    boost::system::error_code ec;
    Results results;
    std::exception_ptr failure;
    try {
      asio::io_context context;
      asio::ip::basic_resolver<Protocol> resolver(context);
      results = resolve(resolver, host_, port_, flags_, ec);
    } catch (...) {
      failure = std::current_exception();
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    ec_ = ec;
    results_ = std::move(results);
    failure_ = failure;
    done_ = true;
    answered_.notify_all();
  }

  void complete() noexcept override {
    if (!executor_) return;
    // Allocates nothing (the operation is built in slot_): out of memory on
    // this thread cannot lose the answer, or its failure.
    asio::post(*executor_, Deliver{this->shared_from_this()});
  }

  void no_thread(std::chrono::steady_clock::duration unserved) noexcept override {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (done_) return;
      ec_ = lookup_thread_error(unserved);
      done_ = true;
      answered_.notify_all();
    }
    complete();
  }

  void drop() noexcept override {
    Handler handler;
    const std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    handler.swap(handler_);
    // `handler` is destroyed after the lock is released (declared first).
  }

  // As an Asio resolver's cancel: the handler, if not yet run, runs with
  // operation_aborted (posted); the answer, if it comes, is dropped, and a
  // lookup not yet started is not made.
  void cancel() {
    Handler handler;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      cancelled_ = true;
      handler.swap(handler_);
    }
    if (handler && executor_) {
      asio::post(*executor_, [handler = std::move(handler)] {
        handler(asio::error::operation_aborted, Results());
      });
    }
  }

  // Waits for the answer, looking for a stop signal (caught_stop_signal)
  // every `look`: nullopt if one came (the lookup is left to end by
  // itself). What the lookup threw is thrown here.
  std::optional<std::pair<boost::system::error_code, Results>> wait_unless_stopped(
      std::chrono::milliseconds look) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!done_) {
      if (caught_stop_signal() != 0) return std::nullopt;
      answered_.wait_for(lock, look);
    }
    rethrow_failure(failure_);
    return std::make_pair(ec_, results_);
  }

 private:
  // Room for the one completion a lookup posts from the worker's thread, made
  // with the lookup (on its owner's thread).
  struct Slot {
    alignas(std::max_align_t) unsigned char bytes[128];
    bool used = false;
  };
  // An allocator that hands out the slot once at a time; what does not fit
  // comes from operator new (a newer Asio's larger operation: no longer
  // free of allocation then, still correct).
  template <class T>
  struct SlotAllocator {
    using value_type = T;
    explicit SlotAllocator(Slot* slot) : slot_(slot) {}
    template <class U>
    SlotAllocator(const SlotAllocator<U>& other) : slot_(other.slot_) {}  // NOLINT: rebinding
    T* allocate(std::size_t n) {
      if (!slot_->used && n * sizeof(T) <= sizeof slot_->bytes && alignof(T) <= alignof(Slot)) {
        slot_->used = true;
        return reinterpret_cast<T*>(slot_->bytes);
      }
      return static_cast<T*>(::operator new(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t) noexcept {
      if (static_cast<void*>(p) == static_cast<void*>(slot_->bytes)) {
        slot_->used = false;
        return;
      }
      ::operator delete(p);
    }
    template <class U>
    bool operator==(const SlotAllocator<U>& other) const {
      return slot_ == other.slot_;
    }
    template <class U>
    bool operator!=(const SlotAllocator<U>& other) const {
      return slot_ != other.slot_;
    }
    Slot* slot_;
  };
  // The completion posted: it owns the lookup, so the slot outlives the
  // operation built in it (Asio frees an operation's memory only after it
  // has moved the handler out).
  struct Deliver {
    using allocator_type = SlotAllocator<void>;
    allocator_type get_allocator() const noexcept { return allocator_type(&lookup->slot_); }
    void operator()() const { lookup->deliver(); }
    std::shared_ptr<Lookup> lookup;
  };

  // On the executor's thread.
  void deliver() {
    Handler handler;
    boost::system::error_code ec;
    Results results;
    std::exception_ptr failure;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      handler.swap(handler_);
      ec = ec_;
      results = results_;
      failure = failure_;
    }
    if (!handler) return;  // cancelled
    // Out of the run's poll: the run ends (exit 6 for hio, not a doer's 5).
    rethrow_failure(failure);
    handler(ec, results);
  }

  // What the lookup threw on its thread, thrown to who takes the answer: out
  // of memory there as HostLookupOutOfMemory (thrown afresh: the exception's
  // own memory comes from the C++ runtime's emergency pool if need be),
  // anything else as it is.
  static void rethrow_failure(const std::exception_ptr& failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::bad_alloc&) {
      throw HostLookupOutOfMemory();
    }
  }

  const std::string host_;
  const std::uint16_t port_;
  const asio::ip::resolver_base::flags flags_;
  const std::optional<asio::io_context::executor_type> executor_;
  std::mutex mutex_;
  std::condition_variable answered_;
  Handler handler_;
  bool cancelled_ = false;
  bool done_ = false;
  boost::system::error_code ec_;
  Results results_;
  std::exception_ptr failure_;
  Slot slot_;
};

// What a real transport looks its host name up with, in place of Asio's
// resolver (whose thread is joined when the io_context is destroyed: a
// stopped run whose lookup a name server did not answer waited for it, ~10 s,
// before the process could exit): the lookup is made on the core's
// LookupWorker, and its answer posted to the core's io_context as an Asio
// completion. Destroying the core (the hub) drops a pending lookup's
// handler, and nothing waits for the lookup. One lookup at a time per
// Resolver (a transport's own); the core's worker runs several at once.
template <class Protocol>
class Resolver {
 public:
  using Results = typename Lookup<Protocol>::Results;

  explicit Resolver(AsioCore& core) : core_(core) {}
  // Drops the handler only: the worker may be gone (the core's destruction
  // destroys the last handlers holding a transport after its worker).
  ~Resolver() {
    if (lookup_) lookup_->drop();
  }
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // resolver.async_resolve(host, port, flags | numeric_service, handler), as
  // Asio's: `handler(error, results)` runs on the io_context's thread, posted
  // (never inside this call). A name in the reserved domain "invalid" gets
  // reserved_invalid_error() and no results without asking anybody, in the
  // same way, so events come in the order a real lookup gives them.
  template <class Handler>
  void async_resolve(const std::string& host, std::uint16_t port,
                     asio::ip::resolver_base::flags flags, Handler handler) {
    if (is_reserved_invalid(host)) {
      asio::post(core_.context.get_executor(), [handler = std::move(handler)]() mutable {
        handler(reserved_invalid_error(), Results());
      });
      return;
    }
    auto lookup =
        std::make_shared<Lookup<Protocol>>(host, port, flags, core_.context.get_executor(),
                                           typename Lookup<Protocol>::Handler(std::move(handler)));
    // With no thread to be had (pthread_create failed: threads or memory
    // ran out), the lookup waits for one, which the hub's next polls try to
    // start (LookupWorker::retry), and fails after kUnservedMax. (Session 22
    // made it on this thread then: the whole run, Ctrl-C included, waited
    // for the resolver's timeouts. Before, add() threw out of connect() with
    // the channel made and its lookup pending for ever.)
    core_.lookups.add(lookup);
    lookup_ = std::move(lookup);
  }

  // As Asio's: a pending handler runs with operation_aborted. A lookup not
  // started yet leaves the worker's queue: one with no thread to run it is
  // not retried, nor failed at the bound, for nobody.
  void cancel() {
    if (!lookup_) return;
    core_.lookups.withdraw(lookup_);
    lookup_->cancel();
  }

 private:
  AsioCore& core_;
  std::shared_ptr<Lookup<Protocol>> lookup_;
};

}  // namespace hio::detail
