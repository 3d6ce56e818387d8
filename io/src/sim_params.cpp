// Checks of SimNet's knobs, with messages that name the link, the knob and
// the value, so a bad scenario is refused before anything runs.
#include "hio/io/sim_link.hpp"

#include <charconv>
#include <stdexcept>
#include <string>
#include <system_error>

namespace hio {
namespace {

// Delays beyond this could overflow tyme when added up (latency + jitter +
// reorder delay + queueing on top of a run's tyme); a century is plenty.
constexpr Tock kDelayMax = seconds(100LL * 365 * 24 * 3600);

std::string double_text(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc{}) return "?";
  return std::string(buf, end);
}

[[noreturn]] void refuse(std::string_view what, std::string_view knob, const std::string& value,
                         std::string_view why) {
  throw std::invalid_argument("SimNet " + std::string(what) + ": " + std::string(knob) + " = " +
                              value + " " + std::string(why));
}

void check_delay(std::string_view what, std::string_view knob, Tock value) {
  if (value < Tock{0}) {
    refuse(what, knob, std::to_string(value.count()) + " ns", "must not be negative");
  }
  if (value > kDelayMax) {
    refuse(what, knob, std::to_string(value.count()) + " ns",
           "is too large (at most " + std::to_string(kDelayMax.count()) + " ns)");
  }
}

void check_probability(std::string_view what, std::string_view knob, double p) {
  // Written so that NaN fails too.
  if (!(p >= 0.0 && p <= 1.0)) refuse(what, knob, double_text(p), "is not a probability in [0, 1]");
}

void check_size(std::string_view what, std::string_view knob, std::size_t value) {
  if (value == 0) refuse(what, knob, "0", "must be at least 1");
}

}  // namespace

void validate(const LinkParams& p, std::string_view what) {
  check_delay(what, "latency", p.latency);
  check_delay(what, "jitter", p.jitter);
  check_delay(what, "reorder_delay", p.reorder_delay);
  check_probability(what, "loss", p.loss);
  check_probability(what, "duplicate", p.duplicate);
  check_probability(what, "reorder", p.reorder);
  check_probability(what, "corrupt", p.corrupt);
  check_size(what, "queue_bytes_max", p.queue_bytes_max);
}

void validate(const SerialParams& p, std::string_view what) {
  check_delay(what, "latency", p.latency);
  check_probability(what, "bit_error", p.bit_error);
  check_probability(what, "byte_drop", p.byte_drop);
  check_size(what, "chunk_bytes", p.chunk_bytes);
  check_size(what, "tx_fifo_bytes", p.tx_fifo_bytes);
  check_size(what, "rx_fifo_bytes", p.rx_fifo_bytes);
}

void validate(const SimNetOptions& options) {
  validate(options.default_link, "default_link");
  validate(options.loopback, "loopback");
  check_size("options", "segment_bytes_max", options.segment_bytes_max);
  check_delay("options", "stall_timeout", options.stall_timeout);
  check_size("options", "listen_backlog", options.listen_backlog);
  check_size("options", "receive_buffer_bytes", options.receive_buffer_bytes);
}

}  // namespace hio
