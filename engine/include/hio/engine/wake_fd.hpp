// WakeFd: a file descriptor that a stop makes readable, so that a real-time
// Doist's wait between passes (its own, or a reactor's event loop) ends at
// once when the run is asked to stop.
#pragma once

#include <chrono>
#include <cstdint>

namespace hio {

// An eventfd (Linux), readable from ring() to the next clear(). ring() is
// async-signal-safe and may come from any thread; clear() is for the thread
// that waits. Each WakeFd has an id that no other WakeFd of the process has
// or had (a reactor that keeps a watch on one tells a new one by it, even
// when the descriptor's number was reused). Owns its descriptor: closed by
// the destructor. Throws std::system_error if the eventfd cannot be made.
class WakeFd {
 public:
  WakeFd();
  ~WakeFd();
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;

  int fd() const { return fd_; }
  std::uint64_t id() const { return id_; }
  void ring() const noexcept;
  void clear() const noexcept;

 private:
  int fd_;
  std::uint64_t id_;
};

// What a stop of a real-time run rings (Reactor::stop_wakes()): the Doist's
// own WakeFd (request_stop()) and the process's (a stop signal caught,
// while the Doist handles them). Null: none.
struct StopWakes {
  const WakeFd* request = nullptr;
  const WakeFd* signal = nullptr;
};

// Sleeps until `deadline` (the steady clock, to the timer's resolution, not
// rounded to milliseconds) or until one of `wakes` is readable, whichever
// comes first; true if a wake ended it. With no wakes, a plain sleep.
bool sleep_until_woken(std::chrono::steady_clock::time_point deadline, StopWakes wakes);

}  // namespace hio
