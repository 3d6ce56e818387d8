#include "hio/io/console_doer.hpp"

#include <stdexcept>

namespace hio {

ConsoleDoer::ConsoleDoer(Channel& channel, ConsoleOptions options, std::string name)
    : Doer(std::move(name)), channel_(&channel), options_(std::move(options)) {
  if (options_.line_bytes_max == 0 || options_.lines_max == 0) {
    throw std::invalid_argument("ConsoleDoer '" + this->name() +
                                "': line_bytes_max and lines_max must be > 0");
  }
  current_.reserve(options_.line_bytes_max);
}

Channel& ConsoleDoer::channel() const {
  return detail::held_channel(channel_, "ConsoleDoer", *this, "channel");
}

std::optional<ConsoleLine> ConsoleDoer::take_line() {
  if (lines_.empty()) return std::nullopt;
  ConsoleLine line = std::move(lines_.front());
  lines_.pop_front();
  // Reading stopped for lack of room: there is room again.
  if (paused_) wake();
  return line;
}

bool ConsoleDoer::write_line(std::string_view text) {
  Channel* channel = channel_.get();
  if (channel == nullptr || !channel->open()) return false;
  if (channel->tx_space() < text.size() + options_.line_end.size()) return false;
  std::size_t n = channel->write(text);
  n += channel->write(options_.line_end);
  return n == text.size() + options_.line_end.size();
}

void ConsoleDoer::on_line(ConsoleLine line) {
  lines_.push_back(std::move(line));
}

void ConsoleDoer::emit(bool partial) {
  on_line(ConsoleLine{current_, partial});
  current_.clear();
}

bool ConsoleDoer::read_lines(Channel& channel) {
  std::string_view rx = channel.peek();
  std::size_t used = 0;
  bool room = true;
  while (used < rx.size()) {
    if (!can_take_line()) {
      room = false;
      break;
    }
    const char c = rx[used];
    if (after_cr_ && c == '\n') {  // the rest of a "\r\n"
      after_cr_ = false;
      ++used;
      continue;
    }
    after_cr_ = false;
    if (c == '\n' || c == '\r') {
      after_cr_ = c == '\r';
      ++used;
      emit(false);
      continue;
    }
    if (current_.size() == options_.line_bytes_max) {
      emit(true);  // a full piece, and more of the line follows
      continue;
    }
    // Take the run of plain bytes up to the next ending, or to the piece's end.
    const std::size_t end = std::min(rx.find_first_of("\r\n", used), rx.size());
    const std::size_t take = std::min(end - used, options_.line_bytes_max - current_.size());
    current_.append(rx.substr(used, take));
    used += take;
  }
  channel.consume(used);
  return room;
}

void ConsoleDoer::enter() {
  channel().set_waiter(this);  // refused before anything changes when it is gone
  paused_ = false;
}

bool ConsoleDoer::recur(Tyme) {
  // A console is no driver, so its channel may be released during the run:
  // then it has ended, with nothing left to read.
  Channel* channel = channel_.get();
  paused_ = channel != nullptr && !read_lines(*channel);
  // The channel ended and rx is drained: an unterminated last line is done.
  const bool ended = channel == nullptr || (!channel->open() && channel->rx_size() == 0);
  if (!paused_ && ended && !current_.empty() && can_take_line()) emit(false);
  park();  // woken by rx, a state change, or take_line() after a pause
  return false;
}

void ConsoleDoer::exit() {
  Channel* channel = channel_.get();
  if (channel != nullptr && channel->waiter() == this) channel->set_waiter(nullptr);
}

}  // namespace hio
