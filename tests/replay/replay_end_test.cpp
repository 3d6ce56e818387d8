// A journal whose run ended with a doer's exception (trailer end=error) is
// replayed through the pass that threw: the replay reproduces the error
// (faithful, status identical, the text in ReplayResult::error) or reports
// that it did not (an `end differs` divergence), never a false "identical"
// nor a divergence blaming another doer (explore8 finding 1).
#include <gtest/gtest.h>

#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/lookup_out_of_memory.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "replay_fixture.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace replay_end_test {

using test::TempDir;

constexpr Tock kTock{1'000'000};  // 1 ms

// Sends "request <i>" every 5 ms to server:7 (5 of them), reads the answers.
class Asker final : public UdpPeerDoer {
 public:
  explicit Asker(IoHub& io) : UdpPeerDoer(io, "sim://client:5", {}, "asker") {}

 protected:
  void serve(Channel& channel) override {
    while (channel.receive()) {
    }
    if (sent_ < 5 && tyme() >= Tyme{Tock{5'000'000} * sent_} &&
        channel.send("server:7", "request " + std::to_string(sent_))) {
      ++sent_;
    }
    rerun();
  }

 private:
  int sent_ = 0;
};

// How a Bomb goes off: a doer's exception, hio's own failure as it comes
// out of a run (a lookup's thread out of memory: HostLookupOutOfMemory), or
// the doer's allocation that fails (std::bad_alloc).
enum class Blast { doer, hio, memory };

// Echoes every datagram; throws `text` when it receives `fatal` (none: never).
class Bomb final : public UdpPeerDoer {
 public:
  Bomb(IoHub& io, std::string fatal, std::string text, Blast blast)
      : UdpPeerDoer(io, "sim://server:7", {}, "bomb"),
        fatal_(std::move(fatal)),
        text_(std::move(text)),
        blast_(blast) {}

 protected:
  void serve(Channel& channel) override {
    while (std::optional<Datagram> d = channel.receive()) {
      if (d->bytes == fatal_ && blast_ == Blast::hio) throw HostLookupOutOfMemory();
      if (d->bytes == fatal_ && blast_ == Blast::memory) throw std::bad_alloc();
      if (d->bytes == fatal_) throw std::runtime_error(text_);
      (void)channel.send(d->peer, d->bytes);
    }
  }

 private:
  std::string fatal_, text_;
  Blast blast_;
};

class Scene {
 public:
  Scene(IoHub& io, const std::string& fatal, const std::string& text, Blast blast = Blast::doer)
      : bomb_(io, fatal, text, blast), asker_(io) {}
  std::vector<Doer*> doers() { return {&bomb_, &asker_}; }

 private:
  Bomb bomb_;
  Asker asker_;
};

// The journal of a run whose bomb goes off at request 2 with `text`
// (Blast::hio: hio's own failure), written as hio `engine_version` (empty:
// this build's).
JournalTrailer capture(const std::string& path, const std::string& text = "protocol violation",
                       Blast blast = Blast::doer, const std::string& engine_version = "") {
  LinkParams link;
  link.latency = Tock{2'000'000};
  test::SimRecordRig rig(kTock, 3, link);
  JournalHeader header;
  header.scenario = "bomb";
  header.engine_version = engine_version;
  Journal journal(rig.doist, rig.io, path, header);
  Scene scene(rig.io, "request 2", text, blast);
  EXPECT_THROW(journal.run(scene.doers(), seconds(1)), std::exception);
  return *journal.trailer();
}

// The trailer as a reader reads it from the file.
JournalTrailer read_trailer(const std::string& path) {
  const JournalContents read = read_journal(path);
  EXPECT_TRUE(read.complete()) << read.error->describe();
  return read.trailer.value_or(JournalTrailer{});
}

ReplayResult replay(const std::string& path, const std::string& fatal, const std::string& text,
                    ReplayOptions options = {}, Blast blast = Blast::doer) {
  test::ReplayRig rig(path, std::move(options));
  Scene scene(rig.io, fatal, text, blast);
  return rig.replayer.run(scene.doers());
}

TEST(ReplayErrorEnd, TheReplayRunsThePassThatThrewAndReproducesTheError) {
  TempDir dir;
  const std::string path = dir.file("bomb.hioj");
  const JournalTrailer t = capture(path);
  ASSERT_EQ(t.end, RunOutcome::error);
  EXPECT_EQ(t.end_text, "protocol violation");
  // request 2 is sent at 10 ms and arrives 2 ms later: the pass that threw
  // is the one at the end tyme; the passes before it are the ones counted.
  EXPECT_EQ(t.end_tyme, Tyme{Tock{12'000'000}});
  EXPECT_EQ(t.passes, 12u);

  const ReplayResult same = replay(path, "request 2", "protocol violation");
  EXPECT_EQ(same.status, ReplayStatus::identical)
      << (same.divergence ? format_divergence(*same.divergence) : "");
  ASSERT_TRUE(same.error);
  EXPECT_EQ(*same.error, "protocol violation");
  EXPECT_EQ(same.error_tyme, t.end_tyme);
  EXPECT_EQ(same.digest, same.recorded_digest);
  EXPECT_NE(format_replay_result(same).find("(reproduced)"), std::string::npos)
      << format_replay_result(same);
}

TEST(ReplayErrorEnd, ADoerThatNoLongerThrowsIsAnEndThatDiffersAtThatPass) {
  TempDir dir;
  const std::string path = dir.file("bomb.hioj");
  const JournalTrailer t = capture(path);
  const ReplayResult r = replay(path, "never", "");
  ASSERT_EQ(r.status, ReplayStatus::diverged);
  const ReplayDivergence& d = *r.divergence;
  EXPECT_EQ(d.kind, DivergenceKind::end_differs) << format_divergence(d);
  EXPECT_EQ(d.tyme, t.end_tyme);
  EXPECT_FALSE(r.error);
  EXPECT_NE(d.detail.find("\"protocol violation\""), std::string::npos) << d.detail;
}

TEST(ReplayErrorEnd, AnotherErrorOrAnEarlierOneIsAnEndThatDiffers) {
  TempDir dir;
  const std::string path = dir.file("bomb.hioj");
  const JournalTrailer t = capture(path);
  const ReplayResult other = replay(path, "request 2", "another text");
  ASSERT_EQ(other.status, ReplayStatus::diverged);
  EXPECT_EQ(other.divergence->kind, DivergenceKind::end_differs)
      << format_divergence(*other.divergence);
  EXPECT_EQ(other.divergence->tyme, t.end_tyme);

  // Throwing at request 1 (5 ms earlier): the exit closes the Doist makes
  // after the exception are not blamed; the end is.
  const ReplayResult early = replay(path, "request 1", "protocol violation");
  ASSERT_EQ(early.status, ReplayStatus::diverged);
  EXPECT_EQ(early.divergence->kind, DivergenceKind::end_differs)
      << format_divergence(*early.divergence);
  EXPECT_EQ(early.divergence->tyme, Tyme{Tock{7'000'000}});
}

TEST(ReplayErrorEnd, ANoiseReplaySaysWhetherItReproducedTheError) {
  TempDir dir;
  const std::string path = dir.file("bomb.hioj");
  capture(path);
  ReplayOptions noisy;
  noisy.noise = parse_noise_spec("drop=1");
  noisy.noise_seed = 1;
  const ReplayResult r = replay(path, "request 2", "protocol violation", noisy);
  EXPECT_EQ(r.status, ReplayStatus::perturbed);
  EXPECT_FALSE(r.error);  // every request dropped: the bomb never saw request 2
  EXPECT_NE(format_replay_result(r).find("which the replay did not reproduce"), std::string::npos)
      << format_replay_result(r);
}

// A doer's exception whose text is hio's own failure's (out of memory on the
// lookups' thread) is the doer's: the trailer's end_by_hio says whose end it
// was, not the text. The replay runs the pass that threw and reproduces it.
// It was taken for hio's failure by its text: the replay ended at that
// pass's poll, before the doers threw, and compared no error.
TEST(ReplayErrorEnd, ADoersErrorInHiosOwnWordsIsTheDoers) {
  TempDir dir;
  const std::string path = dir.file("words.hioj");
  const std::string words = HostLookupOutOfMemory::kWhat;
  EXPECT_FALSE(capture(path, words, Blast::doer, "hio 0.19.0").end_by_hio);
  const JournalTrailer t = read_trailer(path);
  EXPECT_EQ(t.end_text, words);
  EXPECT_FALSE(t.end_by_hio);
  EXPECT_TRUE(ended_by_exception(t));
  EXPECT_FALSE(ended_by_hio_failure(t));
  const ReplayResult r = replay(path, "request 2", words);
  EXPECT_EQ(r.status, ReplayStatus::identical)
      << (r.divergence ? format_divergence(*r.divergence) : "");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, words);
  EXPECT_EQ(r.error_tyme, t.end_tyme);
  EXPECT_NE(format_replay_result(r).find("(reproduced)"), std::string::npos)
      << format_replay_result(r);
}

// A doer's std::bad_alloc where the recorded run's ran out too is the
// doers' exception, as in the run (hio run exits 5 for it): Replayer::run
// reproduces it and returns the result (ReplayResult::out_of_memory); so
// does a noise replay's, as a run's. It was thrown on out of Replayer::run,
// as the journal reader's out of memory still is
// (Replayer::own_out_of_memory; tests/tools/memory_test.cpp), and as one
// where a strict replay's recorded run did not run out is: nothing to
// compare it with.
TEST(ReplayErrorEnd, ADoersOutOfMemoryIsTheirExceptionNotTheReplayers) {
  TempDir dir;
  const std::string path = dir.file("oom.hioj");
  const JournalTrailer t = capture(path, "", Blast::memory);
  ASSERT_EQ(t.end, RunOutcome::error);
  EXPECT_EQ(t.end_text, "std::bad_alloc");
  std::optional<ReplayResult> same;
  ASSERT_NO_THROW(same = replay(path, "request 2", "", {}, Blast::memory));
  EXPECT_EQ(same->status, ReplayStatus::identical)
      << (same->divergence ? format_divergence(*same->divergence) : "");
  EXPECT_EQ(same->error, std::optional<std::string>("std::bad_alloc"));
  EXPECT_EQ(same->error_tyme, t.end_tyme);
  EXPECT_TRUE(same->out_of_memory);
  EXPECT_NE(format_replay_result(*same).find("(reproduced)"), std::string::npos)
      << format_replay_result(*same);

  EXPECT_THROW((void)replay(path, "request 1", "", {}, Blast::memory), std::bad_alloc);

  ReplayOptions noisy;
  noisy.noise = parse_noise_spec("reorder=0.5");
  noisy.noise_seed = 1;
  std::optional<ReplayResult> noise;
  ASSERT_NO_THROW(noise = replay(path, "request 1", "", noisy, Blast::memory));
  EXPECT_EQ(noise->status, ReplayStatus::perturbed);
  EXPECT_EQ(noise->error, std::optional<std::string>("std::bad_alloc"));
  EXPECT_TRUE(noise->out_of_memory);
}

// take_thrown asks whose out of memory `error` is, not the exception being
// handled (fixcli28 LOW 3: given a std::bad_alloc in the catch of another
// exception, it answered for that one; here "the doers'", as a noise
// replay's are). Which needs the bad_alloc's exception_ptr: one that is not
// the handled exception is std::logic_error, and the exception_ptr kept
// after the catch is asked exactly.
TEST(ReplayErrorEnd, TakeThrownAsksOfTheExceptionItIsGiven) {
  TempDir dir;
  const std::string path = dir.file("oom.hioj");
  (void)capture(path, "", Blast::memory);
  ReplayOptions noisy;
  noisy.noise = parse_noise_spec("reorder=0.5");
  noisy.noise_seed = 1;
  test::ReplayRig rig(path, noisy);
  const std::bad_alloc other;
  try {
    throw std::runtime_error("handled");
  } catch (const std::exception&) {
    EXPECT_THROW((void)rig.replayer.take_thrown(other), std::logic_error);
  }
  EXPECT_THROW((void)rig.replayer.take_thrown(other), std::logic_error);  // none handled
  EXPECT_THROW((void)rig.replayer.take_thrown(std::exception_ptr{}), std::logic_error);
  std::exception_ptr kept;
  try {
    throw std::bad_alloc();
  } catch (const std::exception& caught) {
    EXPECT_TRUE(rig.replayer.take_thrown(caught));  // the doers' in a noise replay
    kept = std::current_exception();
  }
  EXPECT_TRUE(rig.replayer.take_thrown(kept));
  // Any other exception is the doers', handled or not.
  EXPECT_TRUE(rig.replayer.take_thrown(std::runtime_error("not handled")));
}

// hio's own failure out of a run (HostLookupOutOfMemory) is written as
// such (endByHio): no doer's exception. (Here a doer throws it, so the run's
// exit is not the one a replay stopped at that pass's poll makes: the replay
// of a real one is tested in tests/tools/memory_test.cpp.)
TEST(ReplayErrorEnd, HiosOwnFailureIsWrittenInTheTrailer) {
  TempDir dir;
  const std::string path = dir.file("hio.hioj");
  EXPECT_TRUE(capture(path, "", Blast::hio, "hio 0.19.0").end_by_hio);
  const JournalTrailer t = read_trailer(path);
  EXPECT_EQ(t.end, RunOutcome::error);
  EXPECT_EQ(t.end_text, HostLookupOutOfMemory::kWhat);
  EXPECT_TRUE(t.end_by_hio);
  EXPECT_TRUE(ended_by_hio_failure(t));
  EXPECT_FALSE(ended_by_exception(t));
}

// A journal of hio before 0.18 has no endByHio, nor has one of hio 0.18.0
// as released (the field was merged after its version commit): its reader
// tells hio's failure by the end text, as those versions did - hio's words
// are hio's, any other text a doer's. (0.18.0's was taken for a doer's
// exception: the field alone decided from 0.18.)
TEST(ReplayErrorEnd, AJournalBefore019IsToldByItsEndText) {
  for (const char* version : {"hio 0.17.0", "hio 0.18.0"}) {
    TempDir dir;
    const std::string path = dir.file("old.hioj");
    capture(path, HostLookupOutOfMemory::kWhat, Blast::doer, version);
    const JournalTrailer old = read_trailer(path);
    EXPECT_TRUE(old.end_by_hio) << version;
    EXPECT_TRUE(ended_by_hio_failure(old)) << version;
    EXPECT_FALSE(ended_by_exception(old)) << version;
    capture(path, "protocol violation", Blast::doer, version);
    const JournalTrailer doers = read_trailer(path);
    EXPECT_FALSE(doers.end_by_hio) << version;
    EXPECT_TRUE(ended_by_exception(doers)) << version;
  }
}

}  // namespace replay_end_test
}  // namespace
}  // namespace hio::replay
