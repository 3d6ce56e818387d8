// A host-name lookup for which no thread can be made (pthread_create fails:
// threads or memory ran out). Made to fail for real: the address space is
// capped (RLIMIT_AS) just above what the process uses, below a thread's
// stack, while connect() runs.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>

#include <chrono>
#include <cstddef>
#include <fstream>
#include <string>

#include "io_run.hpp"
#include "lookup_gate.hpp"

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

// The name is looked up on the run's own thread, as hio check does
// (open_check), and the client connects. Unfixed, connect() threw
// std::system_error ("pthread_create: Resource temporarily unavailable")
// with the channel made and opening for ever, its lookup pending (the hub
// busy for good); hio run said "cannot build doer", exit 2.
TEST(LookupNoThread, AConnectWithNoThreadForItsLookupLooksTheNameUpItself) {
#ifdef HIO_TEST_SANITIZED
  GTEST_SKIP() << "a sanitizer's runtime needs address space that the cap would refuse";
#endif
  pthread_attr_t attr;
  std::size_t stack = 0;
  if (pthread_getattr_default_np(&attr) == 0) {
    pthread_attr_getstacksize(&attr, &stack);
    pthread_attr_destroy(&attr);
  }
  if (stack < (4u << 20) || address_space_used() == 0) {
    GTEST_SKIP() << "thread stacks of " << stack << " bytes: no cap both fits and refuses one";
  }
  // Every lookup thread of the process gone: none is handed this lookup.
  ASSERT_TRUE(process_threads_become(0, 10s));
  RealRun run;
  EchoServerDoer server(run.io, "tcp://127.0.0.1:0");
  ASSERT_TRUE(server.listener().connected()) << server.listener().reason();
  const std::string port = server.listener().local().substr(server.listener().local().rfind(':'));
  Channel* client = nullptr;
  {
    const AddressSpaceCap cap(stack / 2);
    ASSERT_TRUE(cap.capped());
    EXPECT_NO_THROW(client = &run.io.connect("tcp://localhost" + port));
  }
  ASSERT_NE(client, nullptr);
  StopWhen stop(run.doist, [&] { return client->state() != ChannelState::opening; });
  run.doist.run({&stop, &server});
  EXPECT_EQ(client->state(), ChannelState::connected) << client->reason();
}

}  // namespace lookup_no_thread_test
}  // namespace
}  // namespace hio::test
