#include "hio/tools/duration.hpp"

#include <charconv>
#include <cstdint>
#include <stdexcept>

#include "hio/engine/duration_text.hpp"

namespace hio::tools {

namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};

}  // namespace

namespace {

// `text` without the quotes of a TOML string around it ("..." or '...'),
// or `text` itself.
std::string_view unquoted(std::string_view text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// `text` without every layer of quotes around it (`""5s""` is 5s): once, so
// that the bare text's own message is made once. Peeled a layer per call of
// parse_bounded, a long run of quotes recursed once per pair, each call
// quoting the whole text and adding its own ", quotes or not": 100,000
// quotes took 10 s and 1.4 GB, then overflowed the stack.
std::string_view without_quotes(std::string_view text) {
  for (std::string_view bare = unquoted(text); bare.size() != text.size(); bare = unquoted(text))
    text = bare;
  return text;
}

constexpr const char kQuotesAreTomls[] = " (TOML's quotes go around a value in a file only)";

// parse_duration's grammar and messages up to `max`, called `max_text`.
std::optional<Tock> parse_bounded(std::string_view text, Tock max, const char* max_text,
                                  std::string* error) {
  const DurationParse parsed = parse_duration_text(text, max);
  if (parsed.tock || error == nullptr) return parsed.tock;
  const std::string quoted = "duration \"" + std::string(text) + "\"";
  switch (parsed.error.problem) {
    case DurationProblem::empty:
      *error = "empty duration; write e.g. \"20ms\" or \"1.5s\"";
      break;
    case DurationProblem::negative:
      *error = quoted + " is negative";
      break;
    case DurationProblem::signed_zero:
      *error = quoted + " has a sign; durations have none: write \"0\"";
      break;
    case DurationProblem::no_number:
      if (const std::string_view bare = without_quotes(text); bare.size() != text.size()) {
        // A value copied with its TOML quotes into a --set (or quoted twice
        // in a file): said so, not as a duration whose quotes print doubled.
        // Told to go without them only when that is a duration; otherwise
        // the bare text's own problem (rev28a L2: `"abc"` was told "as abc",
        // which is refused next).
        std::string bare_error;
        if (parse_bounded(bare, max, max_text, &bare_error)) {
          *error = "duration " + std::string(text) + " is in quotes: write it without them, as " +
                   std::string(bare) + kQuotesAreTomls;
        } else {
          *error = bare_error + ", quotes or not" + kQuotesAreTomls;
        }
      } else {
        *error = quoted + " does not start with a number";
      }
      break;
    case DurationProblem::no_unit:
      *error = quoted + " has no unit; add one of ns, us, ms, s, m, h (only \"0\" needs none)";
      break;
    case DurationProblem::unknown_unit:
      *error = quoted + " has unknown unit \"" + std::string(text.substr(parsed.error.offset)) +
               "\" at offset " + std::to_string(parsed.error.offset) +
               "; use ns, us, ms, s, m or h";
      break;
    case DurationProblem::finer_than_ns:
      *error = quoted + " is finer than 1 ns";
      break;
    case DurationProblem::too_large:
      *error = quoted + " is too large (max " + max_text + ")";
      break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Tock> parse_duration(std::string_view text, std::string* error) {
  // 100 years: a duration stays far from the 292 years that overflow a
  // signed 64-bit count of nanoseconds. A run without a limit reaches any
  // tyme, so a tyme plus a duration is tyme_after() (it saturates), never +.
  constexpr Tock kMax{static_cast<std::int64_t>(100) * 365 * 86'400 * 1'000'000'000};
  // Said exactly: a century of 365.25-day years (876576h) is over it.
  return parse_bounded(text, kMax, "100 years of 365 days, 876000h", error);
}

std::optional<Tyme> parse_tyme(std::string_view text, std::string* error) {
  // Every tyme a run can reach: a run's tymes add up durations of up to 100
  // years each, saturating at the end of tyme.
  const std::optional<Tock> tock =
      parse_bounded(text, kTymeNever.time_since_epoch(), "the end of tyme, about 292 years", error);
  if (!tock) return std::nullopt;
  return Tyme{*tock};
}

std::string format_duration(Tock tock) {
  const std::int64_t ns = tock.count();
  if (ns == 0) return "0";
  std::string sign = ns < 0 ? "-" : "";
  const std::uint64_t mag =
      ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  // The largest unit of s, ms, us, ns in which the value has at most 3
  // decimals, so "31.25ms" rather than "0.03125s".
  constexpr Unit kShown[] = {{"s", 1'000'000'000}, {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}};
  for (const Unit& u : kShown) {
    const auto unit = static_cast<std::uint64_t>(u.ns);
    if (mag < unit && u.ns != 1) continue;
    std::uint64_t whole = mag / unit;
    std::uint64_t frac = mag % unit;
    if (frac == 0) return sign + std::to_string(whole) + std::string(u.name);
    std::string digits = std::to_string(frac);
    std::size_t width = std::to_string(unit).size() - 1;
    digits.insert(0, width - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
    if (digits.size() <= 3)
      return sign + std::to_string(whole) + "." + digits + std::string(u.name);
  }
  return sign + std::to_string(mag) + "ns";
}

std::uint64_t parse_u64(std::string_view text, const std::string& what) {
  std::uint64_t value = 0;
  // from_chars takes digits only: no sign, no spaces, no wrap-around.
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range && end == text.data() + text.size()) {
    throw std::invalid_argument(what + ": '" + std::string(text) +
                                "' is larger than 18446744073709551615 (2^64-1)");
  }
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument(what + ": '" + std::string(text) + "' is not a whole number >= 0");
  }
  return value;
}

}  // namespace hio::tools
