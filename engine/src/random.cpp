#include "hio/engine/random.hpp"

#include <charconv>
#include <stdexcept>
#include <string>
#include <system_error>

namespace hio {
namespace {

// The 64x64 -> 128-bit product is what makes Lemire's method cheap and exact. __extension__
// keeps it quiet under -Wpedantic; g++ and clang++ both provide it on 64-bit targets.
__extension__ typedef unsigned __int128 U128;

// Shortest round-trip text of a double ("0.25", "1.5", "nan"), so an error message shows
// the exact value the caller passed.
std::string double_text(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc{}) return "?";
  return std::string(buf, end);
}

std::string ns_text(Tock tock) {
  return std::to_string(tock.count()) + " ns";
}

}  // namespace

Probability Probability::from_double(double p) {
  // Written so that NaN fails too: every comparison with NaN is false.
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("Probability::from_double: p = " + double_text(p) +
                                " is not in [0, 1]");
  }
  if (p == 1.0) return always();
  // p * 2^64 only changes the exponent, so it is exact (doubles below 2^-1022 included, as the
  // product is then a normal number); p < 1 keeps it below 2^64 - 2^11, so the truncating
  // conversion cannot overflow. This is the one floating point step on a draw's path.
  return from_threshold(static_cast<std::uint64_t>(p * 0x1p64));
}

Probability Probability::from_ratio(std::uint64_t num, std::uint64_t den) {
  if (den == 0 || num > den) {
    throw std::invalid_argument("Probability::from_ratio: " + std::to_string(num) + " / " +
                                std::to_string(den) + " is not a probability (need den > 0 " +
                                "and num <= den)");
  }
  if (num == den) return always();
  // num < den, so the quotient is < 2^64 and fits.
  return from_threshold(static_cast<std::uint64_t>((static_cast<U128>(num) << 64) / den));
}

RandomStream::RandomStream(std::uint64_t root_seed, std::string_view name)
    : name_(name),
      seed_(derive_stream_seed(root_seed, stable_hash(name))),
      gen_(Xoshiro256ss::from_seed(seed_)) {}

void RandomStream::refuse(std::string_view call, const std::string& why) const {
  throw std::invalid_argument("RandomStream \"" + name_ + "\": " + std::string(call) + ": " + why);
}

std::uint64_t RandomStream::next_u64() {
  return gen_.next();
}

std::uint64_t RandomStream::below(std::uint64_t range) {
  // Lemire 2019: the high word of x * range is uniform on [0, range) once the low word is
  // at least (2^64 - range) mod range; the rest of the low words over-represent some
  // results and are redrawn. The modulo is only computed when a redraw is possible. The
  // redraw loop has no cap: each round is rejected with probability < 1/2, and a cap
  // would bias the result.
  U128 m = static_cast<U128>(gen_.next()) * range;
  auto low = static_cast<std::uint64_t>(m);
  if (low < range) {
    const std::uint64_t reject_below = (std::uint64_t{0} - range) % range;
    while (low < reject_below) {
      m = static_cast<U128>(gen_.next()) * range;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

std::int64_t RandomStream::uniform(std::int64_t lo, std::int64_t hi) {
  if (lo > hi) {
    refuse("uniform(lo = " + std::to_string(lo) + ", hi = " + std::to_string(hi) + ")", "lo > hi");
  }
  // Work in unsigned arithmetic, which wraps, so that ranges spanning zero or the whole of
  // int64 need no special cases beyond the full range (2^64 values, which wraps to 0).
  const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (range == 0) return static_cast<std::int64_t>(gen_.next());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(range));
}

bool RandomStream::bernoulli(Probability p) {
  // Draw first, whatever p is, so that the number of draws never depends on p.
  const std::uint64_t x = gen_.next();
  return p.is_always() || x < p.threshold();
}

Tock RandomStream::uniform_duration(Tock lo, Tock hi) {
  if (lo < Tock::zero() || lo > hi) {
    refuse("uniform_duration(lo = " + ns_text(lo) + ", hi = " + ns_text(hi) + ")",
           lo < Tock::zero() ? "a duration must not be negative" : "lo > hi");
  }
  return Tock{uniform(lo.count(), hi.count())};
}

Tock RandomStream::heavy_tail(Tock min, Tock max, Probability tail) {
  if (min <= Tock::zero() || min > max) {
    refuse("heavy_tail(min = " + ns_text(min) + ", max = " + ns_text(max) + ")",
           min <= Tock::zero() ? "min must be positive (the octaves are min * 2^k)" : "min > max");
  }
  const std::int64_t max_ns = max.count();
  std::int64_t octave_ns = min.count();  // min * 2^k, the lower bound of octave k
  // The cap is checked before the draw, so no draw is spent once the next octave would
  // start above max. It also bounds the loop: octave_ns at least doubles up to max < 2^63,
  // so at most 62 rounds. `octave_ns <= max_ns - octave_ns` is 2 * octave_ns <= max_ns
  // without overflow.
  while (octave_ns <= max_ns - octave_ns && bernoulli(tail))
    octave_ns *= 2;
  const auto offset_ns = static_cast<std::int64_t>(below(static_cast<std::uint64_t>(octave_ns)));
  // Clamp without computing octave_ns + offset_ns when it could overflow.
  return Tock{offset_ns > max_ns - octave_ns ? max_ns : octave_ns + offset_ns};
}

}  // namespace hio
