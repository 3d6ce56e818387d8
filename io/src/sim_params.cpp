// Checks of SimNet's knobs, with messages that name the link, the knob and
// the value, so a bad scenario is refused before anything runs.
#include "hio/io/sim_link.hpp"

#include <charconv>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>

namespace hio {
namespace {

// Delays beyond this could overflow tyme when added up (latency + jitter +
// reorder delay + queueing on top of a run's tyme); a century is plenty.
constexpr Tock kDelayMax = seconds(100LL * 365 * 24 * 3600);

std::string value_text(Tock value) {
  return std::to_string(value.count()) + " ns";
}
std::string value_text(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc{}) return "?";
  return std::string(buf, end);
}
std::string value_text(std::size_t value) {
  return std::to_string(value);
}

// What a knob of one kind may be, and what to say about a value outside it.
template <class T>
struct Range {
  T min;
  T max;
  std::string below;  // why a value under min (or NaN) is refused
  std::string above;  // why a value over max is refused
};

const Range<Tock> kDelay{Tock{0}, kDelayMax, "must not be negative",
                         "is too large (at most " + std::to_string(kDelayMax.count()) + " ns)"};
const Range<double> kProbability{0.0, 1.0, "is not a probability in [0, 1]",
                                 "is not a probability in [0, 1]"};
const Range<std::size_t> kSize{1, std::numeric_limits<std::size_t>::max(), "must be at least 1",
                               ""};

// The one check: refuses `value` unless min <= value <= max (written so
// that NaN fails), naming what (e.g. "link a->b"), the knob and the value.
template <class T>
void check(std::string_view what, std::string_view knob, T value, const Range<T>& range) {
  const bool low = !(value >= range.min);
  if (!low && value <= range.max) return;
  throw std::invalid_argument("SimNet " + std::string(what) + ": " + std::string(knob) + " = " +
                              value_text(value) + " " + (low ? range.below : range.above));
}

}  // namespace

void validate(const LinkParams& p, std::string_view what) {
  check(what, "latency", p.latency, kDelay);
  check(what, "jitter", p.jitter, kDelay);
  check(what, "reorder_delay", p.reorder_delay, kDelay);
  check(what, "loss", p.loss, kProbability);
  check(what, "duplicate", p.duplicate, kProbability);
  check(what, "reorder", p.reorder, kProbability);
  check(what, "corrupt", p.corrupt, kProbability);
  check(what, "queue_bytes_max", p.queue_bytes_max, kSize);
}

void validate(const SerialParams& p, std::string_view what) {
  check(what, "latency", p.latency, kDelay);
  check(what, "bit_error", p.bit_error, kProbability);
  check(what, "byte_drop", p.byte_drop, kProbability);
  check(what, "chunk_bytes", p.chunk_bytes, kSize);
  check(what, "tx_fifo_bytes", p.tx_fifo_bytes, kSize);
  check(what, "rx_fifo_bytes", p.rx_fifo_bytes, kSize);
}

void validate(const SimNetOptions& options) {
  validate(options.default_link, "default_link");
  validate(options.loopback, "loopback");
  check("options", "segment_bytes_max", options.segment_bytes_max, kSize);
  check("options", "stall_timeout", options.stall_timeout, kDelay);
  check("options", "listen_backlog", options.listen_backlog, kSize);
  check("options", "receive_buffer_bytes", options.receive_buffer_bytes, kSize);
}

}  // namespace hio
