// Crash safety: a child process records a long real-time run with a frame
// flushed as each pass ends, and is killed with SIGKILL mid-run. Every
// complete frame reads back, the reader says where the journal ends, and the
// journal salvages into a complete one.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "loop_net.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace crash_test {

using test::TempDir;

// Logs "tick N" every pass.
class EveryPass final : public Doer {
 public:
  explicit EveryPass(IoHub& hub) : Doer("every-pass"), hub_(hub) {}

 protected:
  bool recur(Tyme) override {
    hub_.log("tick " + std::to_string(n_++));
    return false;
  }

 private:
  IoHub& hub_;
  std::uint64_t n_ = 0;
};

[[noreturn]] void record_until_killed(const std::string& path) {
  try {
    Doist doist(Tock{2'000'000}, /*real=*/true, seconds(60));
    doist.set_handle_sigint(false);
    IoHub io(doist.tymth());
    doist.attach(io);
    test::LoopFactory loop;
    io.set_factory(Scheme::sim, &loop);
    JournalHeader header;
    header.mode = Mode::real;
    Journal journal(doist, io, path, header);
    EveryPass ticks(io);
    test::Chatter chatter(io, "chatter", Tock{6'000'000}, 1'000'000);
    journal.run({&ticks, &chatter});
  } catch (...) {
    ::_exit(3);
  }
  ::_exit(2);  // the parent kills it long before the limit
}

std::uintmax_t size_of(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

TEST(CrashSafety, SigkillMidRunLeavesEveryFinishedFrameReadable) {
  TempDir dir;
  const std::string path = dir.file("killed.hioj");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) record_until_killed(path);

  // Let it record a few hundred passes (bounded: 20 s at most).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (size_of(path) < 40'000 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the recorder ended by itself, status " << status;
  ASSERT_GE(size_of(path), 40'000u) << "the recorder wrote too little in 20 s";

  JournalReader reader(path);
  ASSERT_NE(reader.header(), nullptr) << reader.error()->describe();
  EXPECT_EQ(reader.header()->mode, Mode::real);
  std::uint64_t next_tick = 0;
  std::uint64_t frames = 0;
  std::optional<std::uint64_t> last_pass;
  while (const FrameView* f = reader.next()) {
    ++frames;
    if (last_pass) {
      EXPECT_GT(f->pass, *last_pass);
    }
    last_pass = f->pass;
    for (const ChannelEvent& e : f->events) {
      if (e.kind != EventKind::log || e.text.rfind("tick ", 0) != 0) continue;
      // Every pass's tick is there, in order, none lost before the end.
      ASSERT_EQ(e.text, "tick " + std::to_string(next_tick)) << "frame at byte " << f->offset;
      ++next_tick;
    }
  }
  EXPECT_GT(frames, 100u);
  EXPECT_GT(next_tick, 100u);
  ASSERT_TRUE(reader.error());
  const JournalError& error = *reader.error();
  EXPECT_EQ(error.kind, JournalErrorKind::truncated) << error.describe();
  EXPECT_EQ(error.offset, reader.valid_bytes());
  EXPECT_EQ(error.last_pass, last_pass);
  // At most the frame being written when the process died is incomplete.
  const std::uintmax_t size = size_of(path);
  EXPECT_LE(size - reader.valid_bytes(), 64u * 1024) << error.describe();

  SalvageResult saved = salvage_journal(path, dir.file("saved.hioj"));
  EXPECT_EQ(saved.frames, frames);
  JournalContents read = read_journal(dir.file("saved.hioj"));
  EXPECT_TRUE(read.complete());
}

}  // namespace crash_test
}  // namespace
}  // namespace hio::replay
