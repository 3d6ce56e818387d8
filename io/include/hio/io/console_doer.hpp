// ConsoleDoer: reads lines from a stream channel that another doer drives (a
// SerialDoer, a TcpClientDoer), as hio's ConsoleDoer reads a terminal, and
// writes lines to it. Long lines are bounded, never cut off.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "hio/engine/doer.hpp"
#include "hio/io/channel.hpp"
#include "hio/io/channel_doer.hpp"

namespace hio {

// One line read, without its line ending.
struct ConsoleLine {
  std::string text{};
  // True for a piece of a line longer than ConsoleOptions::line_bytes_max:
  // the line goes on in the next ConsoleLine(s); the last piece has false.
  bool partial = false;
  friend bool operator==(const ConsoleLine&, const ConsoleLine&) = default;
};

struct ConsoleOptions {
  // The longest line assembled whole. It may be far larger than the
  // channel's rx buffer: the console takes bytes out of rx as they come. A
  // longer line is delivered in pieces of exactly this many bytes marked
  // partial, then its rest; nothing is dropped.
  std::size_t line_bytes_max = 1024;
  // Lines kept for take_line(). At the limit the console stops reading rx,
  // so the channel pushes back on the sender (backpressure), until a line
  // is taken.
  std::size_t lines_max = 64;
  // What write_line() appends.
  std::string line_end = "\n";
};

// Line endings read: "\n", "\r" and "\r\n" (one ending, even when the "\r"
// and the "\n" arrive in different reads). When the channel closes or fails
// with an unterminated line pending, that line is delivered as it is.
//
// It is the channel's waiter (set at enter, cleared at exit), not its driver:
// run it next to the doer that drives the channel. It parks until the
// channel has something for it; it is never done on its own.
//
// Ownership: the hub owns the channel. The console holds it through a
// ChannelRef, as ChannelDoer does, so the channel may go first (released,
// or its hub destroyed), between runs or, since a console is no driver
// (IoHub::release refuses only those), during one: a run then takes it as
// an ended channel (an unterminated line pending is delivered) and parks,
// exit touches nothing, write_line() is false; has_channel() is false, and
// channel() and a later run's enter throw std::logic_error ("ConsoleDoer
// 'console': its channel is gone (released, or its hub destroyed)").
// Errors: options with a zero limit throw std::invalid_argument.
class ConsoleDoer : public Doer {
 public:
  explicit ConsoleDoer(Channel& channel, ConsoleOptions options = {}, std::string name = "console");

  // Throws std::logic_error when the channel is gone.
  Channel& channel() const;
  bool has_channel() const { return channel_.get() != nullptr; }
  const ConsoleOptions& options() const { return options_; }

  // The oldest line not yet taken; nullopt if none.
  std::optional<ConsoleLine> take_line();
  std::size_t lines_pending() const { return lines_.size(); }

  // Queues `text` and line_end for the channel, all or nothing: false (and
  // nothing queued) if tx has no room for all of it or the channel is not
  // open.
  [[nodiscard]] bool write_line(std::string_view text);

 protected:
  // Each line (or piece) as it is read. The default keeps it for take_line()
  // (bounded by lines_max); a subclass may handle it at once instead.
  virtual void on_line(ConsoleLine line);
  // Whether on_line can take another line now; the default: fewer than
  // lines_max are kept.
  virtual bool can_take_line() const { return lines_.size() < options_.lines_max; }

  void enter() override;
  bool recur(Tyme tyme) override;
  void exit() override;

 private:
  // Reads rx into lines while there is room for them; false if it stopped
  // for lack of room.
  bool read_lines(Channel& channel);
  void emit(bool partial);

  ChannelRef channel_;
  ConsoleOptions options_;
  std::deque<ConsoleLine> lines_;
  std::string current_;    // the line being assembled
  bool after_cr_ = false;  // the last ending was "\r": a "\n" next belongs to it
  bool paused_ = false;    // stopped reading: no room for lines
};

}  // namespace hio
