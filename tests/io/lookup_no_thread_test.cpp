// A host-name lookup for which no thread can be made (pthread_create fails:
// threads or memory ran out). Made to fail for real: the address space is
// capped (RLIMIT_AS) just above what the process uses, below a thread's
// stack, while connect() (or LookupWorker::add) runs.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "io_run.hpp"
#include "lookup.hpp"  // io/src
#include "lookup_gate.hpp"
#include "resolve.hpp"  // io/src

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HIO_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HIO_TEST_SANITIZED 1
#endif
#endif

namespace hio::test {
namespace {
namespace lookup_no_thread_test {

using namespace std::chrono_literals;

// The process's address space now (VmSize), in bytes; 0 if unknown.
std::size_t address_space_used() {
  std::ifstream in("/proc/self/status");
  std::string word;
  while (in >> word) {
    if (word == "VmSize:") {
      std::size_t kib = 0;
      in >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

// While it lives, the address space may grow by `room` bytes at most.
class AddressSpaceCap {
 public:
  explicit AddressSpaceCap(std::size_t room) {
    saved_ = ::getrlimit(RLIMIT_AS, &old_) == 0;
    rlimit capped = old_;
    capped.rlim_cur = address_space_used() + room;
    capped_ = saved_ && ::setrlimit(RLIMIT_AS, &capped) == 0;
  }
  ~AddressSpaceCap() {
    if (capped_) ::setrlimit(RLIMIT_AS, &old_);
  }
  AddressSpaceCap(const AddressSpaceCap&) = delete;
  AddressSpaceCap& operator=(const AddressSpaceCap&) = delete;
  bool capped() const { return capped_; }

 private:
  rlimit old_{};
  bool saved_ = false;
  bool capped_ = false;
};

// The default stack of a new thread, in bytes (0 if unknown).
std::size_t thread_stack() {
  pthread_attr_t attr;
  std::size_t stack = 0;
  if (pthread_getattr_default_np(&attr) == 0) {
    pthread_attr_getstacksize(&attr, &stack);
    pthread_attr_destroy(&attr);
  }
  return stack;
}

// Why no cap both fits the process and refuses a thread's stack, "" if one
// does.
std::string why_no_cap(std::size_t stack) {
  if (stack >= (4u << 20) && address_space_used() != 0) return "";
  return "thread stacks of " + std::to_string(stack) + " bytes: no cap both fits and refuses one";
}

// Whether a thread starts now. Under the cap it must not: glibc keeps the
// stacks of ended threads and hands one to a new thread with no new address
// space (a test of lookup threads run before this one in the process).
bool a_thread_starts() {
  try {
    std::thread([] {}).join();
    return true;
  } catch (const std::system_error&) {
    return false;
  }
}

// Each test caps the address space (room()) and skips where that cannot
// refuse a thread; it begins once every lookup thread of the process has
// ended (none is handed the test's lookup).
class LookupNoThread : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef HIO_TEST_SANITIZED
    GTEST_SKIP() << "a sanitizer's runtime needs address space that the cap would refuse";
#endif
    stack_ = thread_stack();
    if (const std::string no = why_no_cap(stack_); !no.empty()) GTEST_SKIP() << no;
    ASSERT_TRUE(process_threads_become(0, 10s));
  }
  // How far the address space may grow under the cap: below a thread's stack.
  std::size_t room() const {
    return stack_ / 2;
  }

  static constexpr const char* kKeptStack = "a thread starts under the cap (a kept stack)";

  // Connects `io` to "localhost" at `listener`'s port under the cap, so the
  // lookup gets no thread, and runs `capped` before the cap is lifted. Null
  // (the test skipped) where a thread starts under the cap all the same.
  Channel* connect_with_no_thread(IoHub& io, const Channel& listener,
                                  const std::function<void(Channel&)>& capped = {}) {
    const std::string port = listener.local().substr(listener.local().rfind(':'));
    const AddressSpaceCap cap(room());
    EXPECT_TRUE(cap.capped());
    if (!cap.capped()) return nullptr;
    if (a_thread_starts()) {
      skipped_ = true;
      return nullptr;
    }
    Channel* client = nullptr;
    EXPECT_NO_THROW(client = &io.connect("tcp://localhost" + port));
    if (client != nullptr && capped) capped(*client);
    return client;
  }
  bool skipped_ = false;

 private:
  std::size_t stack_ = 0;
};

// No thread for the lookup: the name waits for one, which the hub's next
// polls try to start, and the client connects once one starts. Session 22
// looked the name up on the run's own thread inside connect() (its answer
// came at the next poll, whatever the cap): the whole run, Ctrl-C included,
// waited for the resolver's timeouts. Before that, connect() threw
// std::system_error ("pthread_create: Resource temporarily unavailable")
// with the channel made and opening for ever; hio run said "cannot build
// doer", exit 2.
TEST_F(LookupNoThread, AConnectWithNoThreadForItsLookupWaitsForOneWithoutHoldingUpTheRun) {
  RealRun run;
  EchoServerDoer server(run.io, "tcp://127.0.0.1:0");
  ASSERT_TRUE(server.listener().connected()) << server.listener().reason();
  Channel* client = connect_with_no_thread(run.io, server.listener(), [&](Channel& opening) {
    // No lookup thread ran it (none of a kept stack either).
    EXPECT_EQ(detail::LookupWorker::process_threads(), 0u);
    // A lookup made on this thread would have its answer now, and a loopback
    // connect completes at once.
    for (int i = 0; i < 20; ++i) {
      run.io.poll();
      std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(opening.state(), ChannelState::opening)
        << "the name was looked up with no thread of the hub's: " << opening.reason();
    EXPECT_EQ(detail::LookupWorker::process_threads(), 0u);
  });
  if (skipped_) GTEST_SKIP() << kKeptStack;
  ASSERT_NE(client, nullptr);
  StopWhen stop(run.doist, [&] { return client->state() != ChannelState::opening; });
  run.doist.run({&stop, &server});
  EXPECT_EQ(client->state(), ChannelState::connected) << client->reason();
}

// A lookup that gets no thread for LookupWorker's bound (kUnservedMax in a
// hub's, 10 s) fails with the reason, as a channel's lookup failure:
// "cannot resolve 'HOST:PORT': no thread to look it up on: ...".
TEST_F(LookupNoThread, ALookupThatGetsNoThreadForLongFailsSayingWhy) {
  boost::asio::io_context context;
  // Polled with nothing to run, the context would stop for good.
  const auto work = boost::asio::make_work_guard(context);
  boost::system::error_code answer;
  bool answered = false;
  auto lookup = std::make_shared<detail::Lookup<boost::asio::ip::tcp>>(
      "localhost", 7, boost::asio::ip::resolver_base::flags(), context.get_executor(),
      [&](const boost::system::error_code& ec, const auto&) {
        answer = ec;
        answered = true;
      });
  detail::LookupWorker worker(100ms);
  const auto start = std::chrono::steady_clock::now();
  {
    const AddressSpaceCap cap(room());
    ASSERT_TRUE(cap.capped());
    if (a_thread_starts()) GTEST_SKIP() << kKeptStack;
    EXPECT_FALSE(worker.add(lookup));
    EXPECT_TRUE(worker.unserved());
    worker.retry(start);  // the wait begins
    worker.retry(start + 50ms);
    context.poll();
    EXPECT_FALSE(answered) << "failed before the bound";
    EXPECT_TRUE(worker.unserved());
    worker.retry(start + 150ms);
  }
  EXPECT_FALSE(worker.unserved());
  context.poll();
  ASSERT_TRUE(answered);
  // The bound, not how long after it the failing retry() came (session 23
  // said "for 0.15 s" here, and a hub's "10.013 s").
  EXPECT_EQ(detail::resolve_failure_text("localhost:7", answer, ChannelRole::connect),
            "cannot resolve 'localhost:7': no thread to look it up on: none could be started "
            "for 0.1 s (threads or memory ran out)");
  EXPECT_EQ(detail::LookupWorker::process_threads(), 0u);
}

// The worker's jobs with no thread are served by the next retry() once a
// thread can start again; and nothing is retried while none is unserved.
TEST_F(LookupNoThread, AJobWithNoThreadRunsOnceOneStarts) {
  std::vector<std::shared_ptr<Gate>> gates{std::make_shared<Gate>(true)};
  const OpenAll open_all{gates};
  detail::LookupWorker worker(100ms);
  const auto start = std::chrono::steady_clock::now();
  {
    const AddressSpaceCap cap(room());
    ASSERT_TRUE(cap.capped());
    if (a_thread_starts()) GTEST_SKIP() << kKeptStack;
    EXPECT_FALSE(worker.add(gates[0]));
    worker.retry(start);
  }
  EXPECT_FALSE(gates[0]->ran_within(50ms)) << "ran with no thread started";
  worker.retry(start + 1s);  // past the bound, but a thread starts now
  EXPECT_TRUE(gates[0]->completed_within(10s));
  EXPECT_FALSE(gates[0]->unserved());
  worker.retry(start + 2s);
  EXPECT_FALSE(worker.unserved());
}

// A hub's waits between a real-time run's passes try again too, not only
// its polls: the client connects with no poll at all once a thread can
// start. Session 23 tried only in poll(), so a long tock left the lookup
// unserved for the whole wait (and failed it up to a tock late).
TEST_F(LookupNoThread, AHubsWaitTriesAgainToStartALookupThread) {
  RealRun run;
  EchoServerDoer server(run.io, "tcp://127.0.0.1:0");
  ASSERT_TRUE(server.listener().connected()) << server.listener().reason();
  Channel* client = connect_with_no_thread(run.io, server.listener());
  if (skipped_) GTEST_SKIP() << kKeptStack;
  ASSERT_NE(client, nullptr);
  // The kernel completes a loopback connect to a listening socket by itself:
  // only the lookup's thread is missing. At most 5 s of waits.
  for (int i = 0; i < 50 && client->state() == ChannelState::opening; ++i)
    run.io.wait_until(std::chrono::steady_clock::now() + 100ms);
  EXPECT_EQ(client->state(), ChannelState::connected) << client->reason();
}

// Jobs with no thread are tried again at most every kRetryEvery, not at
// each retry(): a virtual-time run polls its hub at the CPU's pace while a
// lookup is in flight, and tried pthread_create at every poll for the 10 s
// of the bound (rev23 L6).
TEST_F(LookupNoThread, AThreadIsTriedAgainAtMostEveryRetryInterval) {
  std::vector<std::shared_ptr<Gate>> gates{std::make_shared<Gate>(true)};
  const OpenAll open_all{gates};
  detail::LookupWorker worker(1s);
  const auto start = std::chrono::steady_clock::now();
  {
    const AddressSpaceCap cap(room());
    ASSERT_TRUE(cap.capped());
    if (a_thread_starts()) GTEST_SKIP() << kKeptStack;
    EXPECT_FALSE(worker.add(gates[0]));
    worker.retry(start);  // tries, and fails
  }
  // A thread could start now, but the next try is not due: none is started.
  worker.retry(start + detail::LookupWorker::kRetryEvery / 2);
  EXPECT_FALSE(gates[0]->ran_within(50ms)) << "tried again before it was due";
  EXPECT_TRUE(worker.unserved());
  worker.retry(start + detail::LookupWorker::kRetryEvery);
  EXPECT_TRUE(gates[0]->completed_within(10s));
  EXPECT_FALSE(gates[0]->unserved());
}

// A lookup cancelled while it waits for a thread leaves the queue: nothing
// is started for it, nor is it failed at the bound for nobody. Session 23
// kept it queued and unserved, so the hub's polls went on trying to start a
// thread for it. (hio check's lookup, made on its own thread when none
// could be started, leaves the queue the same way: LookupWorker::withdraw.)
TEST_F(LookupNoThread, ACancelledLookupWithNoThreadIsNotTriedAgain) {
  detail::AsioCore core;
  bool aborted = false;
  {
    const AddressSpaceCap cap(room());
    ASSERT_TRUE(cap.capped());
    if (a_thread_starts()) GTEST_SKIP() << kKeptStack;
    detail::Resolver<boost::asio::ip::tcp> resolver(core);
    resolver.async_resolve("localhost", 7, boost::asio::ip::resolver_base::flags(),
                           [&](const boost::system::error_code& ec, const auto&) {
                             aborted = ec == boost::asio::error::operation_aborted;
                           });
    EXPECT_TRUE(core.lookups.unserved());
    resolver.cancel();
    EXPECT_FALSE(core.lookups.unserved()) << "a cancelled lookup is still waiting for a thread";
  }
  core.context.poll();
  EXPECT_TRUE(aborted);
  core.lookups.retry(std::chrono::steady_clock::now());
  EXPECT_EQ(detail::LookupWorker::process_threads(), 0u);
}

}  // namespace lookup_no_thread_test
}  // namespace
}  // namespace hio::test
