// The serial kinds: serial_echo and serial_sender over serial lines
// (serial://, sim-serial://).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hio/io/serial_doer.hpp"
#include "hio/tools/registry.hpp"
#include "io_kind_options.hpp"
#include "io_kind_support.hpp"
#include "io_kinds.hpp"
#include "message_pattern.hpp"

namespace hio::tools {

namespace {

// The numbers serial_sender writes into its lines have 6 digits: beyond this
// count a reply would be matched against the wrong line (its number taken
// modulo 10^6) and never be intact.
constexpr std::int64_t kLinesMax = 1'000'000;

// One end of a serial line that sends back every byte it reads.
class SerialEcho final : public SerialDoer {
 public:
  SerialEcho(const DoerSpec& spec, BuildContext& context)
      : SerialEcho(spec, context, claimed_address(spec, context, "serial")) {}

 private:
  SerialEcho(const DoerSpec& spec, BuildContext& context, const std::string& address)
      : SerialDoer(context.io, address, serial_options(spec, address), spec.name) {
    context.counters.add(spec.name + ".rx_bytes", rx_bytes_);
    context.counters.add(spec.name + ".tx_bytes", tx_bytes_);
    add_connections(context.counters, spec.name, *this);
  }

  void enter() override {
    SerialDoer::enter();
    rx_bytes_ = 0;
    tx_bytes_ = 0;
  }
  void serve(Channel& channel) override {
    if (!channel.connected()) return;
    const std::string_view pending = channel.peek();
    const std::size_t n = std::min(pending.size(), channel.tx_space());
    if (n == 0) return;
    const std::size_t taken = channel.write(pending.substr(0, n));
    rx_bytes_ += static_cast<std::int64_t>(taken);
    tx_bytes_ += static_cast<std::int64_t>(taken);
    channel.consume(taken);
  }

  Counter rx_bytes_, tx_bytes_;
};

// Writes `lines` numbered text lines ("L000042 abc...\n") to a serial line,
// one every `interval` (queued behind the bytes still waiting in tx), and
// reads lines back (from an echo at the far end): a line is intact if it is
// exactly one that was sent. Done when every line came back intact, or
// `drain` after the last byte has left: tx is empty and the line has had the
// time its baud rate needs for every byte written (8N1: 10 bits a byte), so a
// slow line is not given up on while its FIFOs still hold the lines. That
// tyme comes from the doer's own writes, not from the transport, so that a
// replay (whose transport has nothing in flight) ends the doer when the run
// did.
class SerialSender final : public EndsWhenLost<SerialDoer> {
 public:
  SerialSender(const DoerSpec& spec, BuildContext& context)
      : SerialSender(spec, context, device(spec, context)) {}

 private:
  SerialSender(const DoerSpec& spec, BuildContext& context, const std::string& address)
      : EndsWhenLost(context.io, address, serial_options(spec, address), spec.name),
        lines_(spec.integer("lines")),
        size_(static_cast<std::size_t>(spec.integer("size"))),
        interval_(spec.duration("interval")),
        drain_(spec.duration("drain")) {
    CounterBoard& c = context.counters;
    c.add(spec.name + ".lines_sent", lines_sent_);
    c.add(spec.name + ".lines_received", lines_received_);
    c.add(spec.name + ".lines_intact", lines_intact_);
    c.add(spec.name + ".lines_damaged", lines_damaged_);  // received - intact, kept
    c.add(spec.name + ".tx_bytes", tx_bytes_);
    c.add(spec.name + ".rx_bytes", rx_bytes_);
    add_connections(c, spec.name, *this);
  }

  // The device, with every key checked first.
  static std::string device(const DoerSpec& spec, BuildContext& context) {
    ParamProblems problems;
    const std::optional<std::string> address =
        problems.attempt([&] { return claimed_address(spec, context, "serial"); });
    if (spec.integer("size") < 8 || spec.integer("size") > kMessageBytesMax) {
      problems.add("size", "size must be from 8 to " + std::to_string(kMessageBytesMax));
    }
    if (spec.integer("lines") < 0 || spec.integer("lines") > kLinesMax) {
      problems.add("lines", "lines must be from 0 to " + std::to_string(kLinesMax) +
                                " (a line's number has 6 digits)");
    }
    problems.throw_if_any();
    return *address;
  }

  std::string line(std::int64_t index) const {
    return patterned("L" + decimal_digits(index, 6) + " ", index, 5, size_) + "\n";
  }

  void enter() override {
    EndsWhenLost::enter();
    lines_sent_ = 0;
    lines_received_ = 0;
    lines_intact_ = 0;
    lines_damaged_ = 0;
    tx_bytes_ = 0;
    rx_bytes_ = 0;
    exchange_.clear();
    next_send_ = left_ = tyme();
  }

  void serve(Channel& channel) override {
    // What was held already has no newline: only the new bytes are looked
    // through, and the lines found are dropped at once at the end (a line of
    // megabytes read a few kilobytes a serve was scanned again from its start
    // each time, quadratic: xser24 L5).
    const std::size_t held = exchange_.received.size();
    rx_bytes_ += static_cast<std::int64_t>(exchange_.read(channel));
    const std::string_view received = exchange_.received;
    std::size_t start = 0;
    for (std::size_t end = received.find('\n', held); end != std::string_view::npos;
         end = received.find('\n', start)) {
      const std::string_view text = received.substr(start, end + 1 - start);
      start = end + 1;
      ++lines_received_;
      ++lines_damaged_;
      const std::int64_t index = parse_digits(text.substr(1, 6));
      if (index >= 0 && index < lines_sent_ && text == line(index)) {
        ++lines_intact_;
        --lines_damaged_;
      }
    }
    exchange_.received.erase(0, start);
    // Garbage without newlines.
    if (exchange_.received.size() > 4 * size_) exchange_.received.clear();
    if (!channel.connected()) return;
    if (exchange_.new_connection(channel)) {
      // Opened again after a hang-up (retry): a line cut by it is lost, its
      // start with the old open, the rest not written (the far end would
      // read it as a damaged line); so is the start of a line read back.
      exchange_.outgoing.clear();
    }
    if (exchange_.outgoing.empty() && lines_sent_ < lines_ && tyme() >= next_send_) {
      exchange_.outgoing.assign(line(lines_sent_));
      ++lines_sent_;
      next_send_ = tyme_after(tyme(), interval_);
    }
    if (!exchange_.outgoing.empty()) {
      const std::size_t taken = exchange_.outgoing.write_to(channel);
      tx_bytes_ += static_cast<std::int64_t>(taken);
      left_ = tyme_after(std::max(left_, tyme()), line_time(taken, channel.address().baud));
      // The rest when tx has room: that wakes this doer.
    }
  }

  // How long `bytes` take on a line of `baud` (8N1), rounded up.
  static Tock line_time(std::size_t bytes, std::uint32_t baud) {
    if (bytes == 0 || baud == 0) return Tock{0};
    const std::uint64_t bits = std::uint64_t{bytes} * 10;  // bytes <= kMessageBytesMax
    return Tock{static_cast<std::int64_t>((bits * 1'000'000'000 + baud - 1) / baud)};
  }

  bool recur(Tyme tyme) override {
    SerialDoer::recur(tyme);
    const bool written = lines_sent_ == lines_ && exchange_.outgoing.empty();
    const Tyme drained = tyme_after(left_, drain_);
    if (written && (lines_intact_ == lines_ || (channel().tx_size() == 0 && tyme >= drained))) {
      return true;
    }
    if (lost()) return true;
    // Tx emptying wakes this doer (the channel's waiter); the timers do not.
    const Tyme timer = own_timer();
    if (timer > tyme && exchange_.outgoing.empty()) park(std::min(channel().due(), timer));
    return false;
  }

  // The next line's send, or once all are sent, the end of the drain.
  Tyme own_timer() const { return lines_sent_ < lines_ ? next_send_ : tyme_after(left_, drain_); }
  // That timer saturated at the end of tyme: a stall with this doer parked
  // on it ran out of tyme, not of input (Doist::ran_out_of_tyme).
  bool waits_past_end_of_tyme() const override {
    return exchange_.outgoing.empty() && own_timer() == kTymeNever;
  }

  std::int64_t lines_;
  std::size_t size_;
  Tock interval_;
  Tock drain_;
  Counter lines_sent_, lines_received_, lines_intact_, lines_damaged_, tx_bytes_, rx_bytes_;
  Exchange exchange_;  // what tx has not taken yet, what rx gave
  Tyme next_send_{};
  Tyme left_{};  // when the last byte written has left, at the line's baud rate
};

}  // namespace

void add_serial_kinds(DoerRegistry& registry) {
  add_with(
      registry,
      KindSpec{
          "serial_echo",
          "one end of a serial line that sends back every byte it reads (counters: rx_bytes, "
          "tx_bytes, connections)",
          {{"address", ParamType::string, "the device, e.g. \"sim-serial://ttyB?baud=9600\"", {}}},
          factory_of<SerialEcho>(),
          false},
      serial_params());
  add_with(
      registry,
      KindSpec{
          "serial_sender",
          "writes numbered lines to a serial line and checks the ones that come back (counters: "
          "lines_sent, lines_received, lines_intact, lines_damaged, tx_bytes, rx_bytes, "
          "connections)",
          {{"address", ParamType::string, "the device, e.g. \"sim-serial://ttyA?baud=9600\"", {}},
           {"lines", ParamType::integer, "how many lines (at most 1000000)",
            ParamValue{std::int64_t{10}}},
           {"size", ParamType::integer, "characters per line before its newline (>= 8)",
            ParamValue{std::int64_t{32}}},
           {"interval", ParamType::duration, "least tyme between lines", ParamValue{Tock{0}}},
           {"drain", ParamType::duration,
            "how long to wait for echoes after the last byte has left (at the baud)",
            ParamValue{seconds(1)}}},
          factory_of<SerialSender>(),
          false},
      serial_params());
}

}  // namespace hio::tools
