#include "hio/replay/writer.hpp"

#if defined(__linux__)
#include <pthread.h>
#endif

#include <array>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "codec.hpp"
#include "file_out.hpp"
#include "format.hpp"
#include "hio/replay/crc32c.hpp"
#include "hio/replay/digest.hpp"
#include "le.hpp"

namespace hio::replay {

namespace {

// Passes waiting for the writer thread at most, and their bytes (events and
// strings): they bound the memory in flight. The caller waits when either is
// reached; nothing is dropped.
constexpr std::size_t kQueueDepth = 64;
constexpr std::size_t kQueueBytesMax = std::size_t{8} << 20;
// A sleeping writer thread is woken once this many passes or bytes wait (or
// when the caller needs it idle): waking it costs a few microseconds, about
// what a simulated pass takes, so it is woken for a batch of passes.
constexpr std::size_t kWakePasses = 16;
constexpr std::size_t kWakeBytes = std::size_t{1} << 20;
// Memory a queue slot keeps for its next pass: all slots together keep no
// more than the queue may hold.
constexpr std::size_t kSlotKeepBytes = kQueueBytesMax / kQueueDepth;
// Output buffer room beyond buffer_bytes (see the constructor).
constexpr std::size_t kBufferSlack = 16 * 1024;

std::size_t batch_bytes(const EventBatch& batch) {
  return batch.string_bytes() + batch.size() * sizeof(ChannelEvent);
}

// Upper bounds of a pass frame's unpacked message and of its packed size: a
// few words of frame and pass structs, 6 words per event plus each string
// rounded up to words (a text gets its NUL); packing adds at most 2 bytes per
// 8 (a tag, and a run count for literal words).
struct FrameBound {
  std::uint64_t message_bytes;
  std::uint64_t packed_bytes;
};
FrameBound frame_bound(const EventBatch& batch) {
  const std::uint64_t words = 16 + 9 * std::uint64_t{batch.size()} + batch.string_bytes() / 8;
  return FrameBound{words * 8, words * 10 + 16};
}

bool several_cpus() {
  static const bool several = std::thread::hardware_concurrency() > 1;
  return several;
}

}  // namespace

struct JournalWriter::Impl {
  Impl(const std::string& path, WriterOptions opts) : options(opts), file(path) {}
  ~Impl() { stop_thread(); }

  // ---- the writer thread: it owns file, encoder and digest from enqueue()
  // until the next drain() (the mutex orders the hand-overs).
  struct Job {
    Tyme tyme{};
    std::uint64_t pass = 0;
    std::uint32_t part = 0;
    std::size_t keep_bytes = 0;
    EventBatch batch;
  };
  std::mutex mu;
  std::condition_variable work_cv;  // the thread waits for jobs
  std::condition_variable room_cv;  // the caller waits for room, or for idle
  std::array<Job, kQueueDepth> jobs;
  std::size_t first = 0;         // of the queued jobs
  std::size_t queued = 0;        // counts the job being written
  std::size_t queued_bytes = 0;  // batch_bytes of the queued jobs
  bool sleeping = false;         // the thread waits on work_cv, not woken yet
  bool waiting = false;          // the caller waits on room_cv
  bool stopping = false;
  std::exception_ptr thread_error;  // the thread's failure, not yet reported
  std::thread thread;
  bool no_thread = false;  // starting it failed

  std::uint64_t events_written = 0;  // counted by the caller

  WriterOptions options;
  detail::FileOut file;
  detail::FrameEncoder encoder;
  std::optional<JournalHeader> header;
  std::optional<JournalTrailer> trailer;
  EventDigest digest;
  std::uint64_t frames = 0;
  std::optional<Tyme> last_tyme;
  std::uint32_t last_part = 0;
  std::optional<std::uint64_t> last_seq;
  std::string failure;  // non-empty once the file failed

  [[noreturn]] void refuse(const std::string& why) const {
    throw std::logic_error("journal writer '" + file.path() + "': " + why);
  }

  void require_open(const char* call) const {
    if (!failure.empty()) refuse(std::string(call) + " after the file failed: " + failure);
    if (trailer) refuse(std::string(call) + " after finish()");
  }

  // Runs an operation on the file; a system error makes the writer unusable.
  // (On the writer thread the caller learns of it from thread_error.)
  template <typename Fn>
  void on_file(Fn&& fn, bool on_thread = false) {
    try {
      fn();
    } catch (const std::system_error& e) {
      if (!on_thread) failure = e.what();
      throw;
    }
  }

  void flush_out(bool on_thread = false) {
    on_file(
        [&] {
          file.flush();
          if (options.sync) file.sync();
        },
        on_thread);
  }

  // Appends one frame: length and CRC32C in front of the packed message that
  // `encode` appends. On any error the buffer is as before.
  template <typename Encode>
  void frame(Encode&& encode, bool on_thread = false) {
    detail::ByteBuffer& buf = file.buffer();
    const std::size_t start = buf.size();
    buf.reserve_spare(detail::kFrameHeaderSize);
    buf.commit(detail::kFrameHeaderSize);
    std::size_t size = 0;
    try {
      size = encode(buf);
    } catch (...) {
      buf.truncate(start);
      throw;
    }
    const std::uint32_t limit = std::min(options.frame_bytes_max, kFrameBytesLimit);
    if (size > limit) {
      buf.truncate(start);
      throw std::length_error("journal writer '" + file.path() + "': a frame of " +
                              std::to_string(size) + " bytes exceeds the limit of " +
                              std::to_string(limit));
    }
    unsigned char* head = buf.data() + start;
    detail::store_le32(head, static_cast<std::uint32_t>(size));
    detail::store_le32(head + 4, crc32c(head + detail::kFrameHeaderSize, size));
    if (options.flush_each_frame || buf.size() >= options.buffer_bytes) flush_out(on_thread);
  }

  // Appends one pass frame and adds its events to the digest (either thread).
  void pass_frame(std::uint64_t pass, Tyme tyme, std::uint32_t part,
                  std::span<const ChannelEvent> events, bool on_thread = false) {
    frame(
        [&](detail::ByteBuffer& out) {
          return encoder.pass(out, pass, tyme, part, events, options.message_bytes_max);
        },
        on_thread);
    for (const ChannelEvent& e : events)
      digest.add(e);
  }

  void thread_main() {
#if defined(__linux__)
    pthread_setname_np(pthread_self(), "hio-journal");  // for top and perf; may fail
#endif
    std::unique_lock lock(mu);
    for (;;) {
      if (queued == 0) {
        if (stopping) return;
        sleeping = true;
        work_cv.wait(lock, [&] { return !sleeping; });
        continue;
      }
      Job& job = jobs[first];
      if (!thread_error) {
        lock.unlock();
        try {
          pass_frame(job.pass, job.tyme, job.part, job.batch.events(), /*on_thread=*/true);
        } catch (...) {
          lock.lock();
          thread_error = std::current_exception();
          lock.unlock();
        }
        lock.lock();
      }
      // After a failure the rest is dropped unwritten: the file has failed.
      queued_bytes -= batch_bytes(job.batch);
      job.batch.clear(std::min(job.keep_bytes, kSlotKeepBytes));
      first = (first + 1) % kQueueDepth;
      --queued;
      // A caller waiting for room is woken when half the queue is free (or,
      // waiting for idle, when it is empty), not for every pass.
      if (waiting &&
          (queued == 0 || (queued <= kQueueDepth / 2 && queued_bytes < kQueueBytesMax / 2))) {
        waiting = false;
        room_cv.notify_one();
      }
    }
  }

  // With mu held: wakes the thread if it sleeps.
  void wake(std::unique_lock<std::mutex>&) {
    if (!sleeping) return;
    sleeping = false;
    work_cv.notify_one();
  }

  // Waits until the thread has written everything handed to it; then the
  // caller may use the file, encoder and digest.
  void drain() {
    if (!thread.joinable()) return;
    std::unique_lock lock(mu);
    wake(lock);
    while (queued > 0) {
      waiting = true;
      room_cv.wait(lock);
    }
  }

  void stop_thread() {
    if (!thread.joinable()) return;
    {
      std::unique_lock lock(mu);
      stopping = true;
      wake(lock);
    }
    thread.join();
  }

  // Drains, then throws the thread's failure (once: later calls see `failure`).
  void sync_with_thread() {
    drain();
    if (!thread_error) return;
    std::exception_ptr error = std::exchange(thread_error, nullptr);
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      failure = e.what();
      throw;
    } catch (...) {
      failure = "an exception that is not a std::exception";
      throw;
    }
  }

  // Starts the writer thread unless it runs: false if the system cannot
  // start one (the writer then stays synchronous).
  bool start_thread() {
    if (thread.joinable()) return true;
    if (no_thread) return false;
    try {
      thread = std::thread([this] { thread_main(); });
    } catch (const std::system_error&) {
      no_thread = true;
      return false;
    }
    return true;
  }

  // Hands `batch` to the running thread, waiting for room if the queue is
  // full; `batch` gets the slot's emptied batch back.
  // Throws the thread's failure instead, leaving `batch` as it was.
  void enqueue(Tyme tyme, std::uint64_t pass, std::uint32_t part, EventBatch& batch,
               std::size_t keep_bytes) {
    std::unique_lock lock(mu);
    if (thread_error) {
      lock.unlock();
      sync_with_thread();
    }
    const auto room = [&] {
      return queued == 0 || (queued < kQueueDepth && queued_bytes < kQueueBytesMax);
    };
    while (!room()) {
      wake(lock);
      waiting = true;
      room_cv.wait(lock);
    }
    Job& job = jobs[(first + queued) % kQueueDepth];
    job.tyme = tyme;
    job.pass = pass;
    job.part = part;
    job.keep_bytes = keep_bytes;
    std::swap(job.batch, batch);
    ++queued;
    queued_bytes += batch_bytes(job.batch);
    if (queued >= kWakePasses || queued_bytes >= kWakeBytes) wake(lock);
  }

  // The checks of write_pass (std::logic_error), and the part it would be.
  std::uint32_t check_pass(Tyme tyme, std::span<const ChannelEvent> events,
                           std::optional<std::uint64_t>& seq) const {
    if (!header) refuse("write_pass before write_header");
    if (events.empty()) refuse("write_pass with no events (passes without events have no frame)");
    if (tyme < Tyme{}) refuse("negative tyme " + format_seconds(tyme) + " s");
    if (last_tyme && tyme < *last_tyme) {
      refuse("tyme went back from " + format_seconds(*last_tyme) + " s to " + format_seconds(tyme) +
             " s");
    }
    seq = last_seq;
    for (const ChannelEvent& e : events) {
      if (e.tyme != tyme) {
        refuse("an event at tyme " + format_seconds(e.tyme) + " s in the frame of tyme " +
               format_seconds(tyme) + " s");
      }
      if (seq && e.seq <= *seq) {
        refuse("event seq " + std::to_string(e.seq) + " after seq " + std::to_string(*seq));
      }
      seq = e.seq;
    }
    const bool same_pass = last_tyme && *last_tyme == tyme;
    return same_pass ? last_part + 1 : 0;
  }

  void passed(Tyme tyme, std::uint32_t part, std::optional<std::uint64_t> seq, std::size_t events) {
    ++frames;
    events_written += events;
    last_tyme = tyme;
    last_part = part;
    last_seq = seq;
  }
};

JournalWriter::JournalWriter(const std::string& path, WriterOptions options)
    : impl_(std::make_unique<Impl>(path, options)) {
  unsigned char preamble[detail::kPreambleSize] = {};
  std::copy(detail::kMagic.begin(), detail::kMagic.end(), preamble);
  detail::store_le32(preamble + 8, kFormatVersion);
  detail::store_le32(preamble + 12, 0);  // flags: none defined
  // Room for a full buffer and a typical frame beyond it: the buffer grows
  // only for a bigger frame.
  impl_->file.buffer().reserve_spare(options.buffer_bytes + kBufferSlack);
  impl_->file.buffer().append(preamble, sizeof preamble);
}

JournalWriter::~JournalWriter() {
  impl_->stop_thread();  // it writes what it was handed
  if (impl_->thread_error) {
    try {
      std::rethrow_exception(impl_->thread_error);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "hio: journal '%s' failed and its last frames were lost: %s\n",
                   impl_->file.path().c_str(), e.what());
    } catch (...) {
      std::fprintf(stderr, "hio: journal '%s' failed and its last frames were lost\n",
                   impl_->file.path().c_str());
    }
    return;
  }
  if (impl_->trailer || !impl_->failure.empty()) return;
  try {
    impl_->file.flush();
  } catch (const std::exception& e) {
    // A destructor cannot throw; the journal reads as truncated either way.
    std::fprintf(stderr, "hio: journal '%s' was not finished and its last frames were lost: %s\n",
                 impl_->file.path().c_str(), e.what());
  }
}

void JournalWriter::write_header(JournalHeader header) {
  Impl& m = *impl_;
  m.require_open("write_header");
  m.sync_with_thread();
  if (m.header) m.refuse("write_header called twice");
  if (header.tock <= Tock{0}) {
    m.refuse("the header's tock must be > 0, got " + format_seconds(header.tock) + " s");
  }
  header.format_version = kFormatVersion;
  if (header.engine_version.empty()) header.engine_version = engine_version();
  header.scenario_digest = digest_bytes(header.scenario);
  m.frame([&](detail::ByteBuffer& out) {
    return m.encoder.header(out, header, m.options.message_bytes_max);
  });
  m.header = std::move(header);
}

void JournalWriter::write_pass(Tyme tyme, std::span<const ChannelEvent> events) {
  Impl& m = *impl_;
  m.require_open("write_pass");
  m.sync_with_thread();
  std::optional<std::uint64_t> seq;
  const std::uint32_t part = m.check_pass(tyme, events, seq);
  m.pass_frame(pass_of(tyme), tyme, part, events);
  m.passed(tyme, part, seq, events.size());
}

void JournalWriter::write_pass(Tyme tyme, EventBatch& batch, std::size_t keep_bytes) {
  Impl& m = *impl_;
  m.require_open("write_pass");
  const FrameBound bound = frame_bound(batch);
  const bool fits = bound.message_bytes <= m.options.message_bytes_max &&
                    bound.packed_bytes <= std::min(m.options.frame_bytes_max, kFrameBytesLimit);
  if (!m.options.writer_thread || m.options.flush_each_frame || !fits || !several_cpus() ||
      !m.start_thread()) {
    write_pass(tyme, batch.events());  // at once, errors included
    batch.clear(keep_bytes);
    return;
  }
  std::optional<std::uint64_t> seq;
  const std::uint32_t part = m.check_pass(tyme, batch.events(), seq);
  const std::size_t count = batch.size();
  m.enqueue(tyme, pass_of(tyme), part, batch, keep_bytes);
  m.passed(tyme, part, seq, count);
}

void JournalWriter::flush() {
  impl_->require_open("flush");
  impl_->sync_with_thread();
  impl_->flush_out();
}

const JournalTrailer& JournalWriter::finish(const RunSummary& summary) {
  Impl& m = *impl_;
  m.require_open("finish");
  m.sync_with_thread();
  m.stop_thread();
  if (!m.header) m.refuse("finish before write_header");
  JournalTrailer trailer;
  trailer.passes = summary.passes;
  trailer.frames = m.frames;
  trailer.events = m.digest.events();
  trailer.digest = m.digest.value();
  trailer.end_tyme = summary.end_tyme;
  trailer.end = summary.end;
  trailer.end_text = summary.end_text;
  m.frame([&](detail::ByteBuffer& out) {
    return m.encoder.trailer(out, trailer, m.options.message_bytes_max);
  });
  m.on_file([&] {
    m.file.flush();
    if (m.options.sync) m.file.sync();
    m.file.close();
  });
  m.trailer = std::move(trailer);
  return *m.trailer;
}

const std::string& JournalWriter::path() const {
  return impl_->file.path();
}
const WriterOptions& JournalWriter::options() const {
  return impl_->options;
}
bool JournalWriter::header_written() const {
  return impl_->header.has_value();
}
const JournalHeader& JournalWriter::header() const {
  if (!impl_->header) impl_->refuse("header() before write_header");
  return *impl_->header;
}
bool JournalWriter::finished() const {
  return impl_->trailer.has_value();
}
std::uint64_t JournalWriter::frames() const {
  return impl_->frames;
}
std::uint64_t JournalWriter::events() const {
  return impl_->events_written;
}
std::uint64_t JournalWriter::digest() const {
  impl_->drain();
  return impl_->digest.value();
}
std::uint64_t JournalWriter::size_bytes() const {
  impl_->drain();
  return impl_->file.written() + impl_->file.buffer().size();
}
std::uint64_t JournalWriter::pass_of(Tyme tyme) const {
  const std::int64_t tock = header().tock.count();
  return static_cast<std::uint64_t>(tyme.time_since_epoch().count() / tock);
}

}  // namespace hio::replay
