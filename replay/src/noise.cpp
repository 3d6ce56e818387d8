#include "hio/replay/noise.hpp"

#include <cstdint>
#include <optional>

#include "hio/engine/duration_text.hpp"

namespace hio::replay {

namespace {

struct Item {
  std::string_view key;
  std::string_view value;
  std::size_t key_at;
  std::size_t value_at;
};

[[noreturn]] void fail(std::size_t offset, std::string_view key, const std::string& why) {
  throw NoiseSpecError(offset, std::string(key), why);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The character at `v[i]`: its whole UTF-8 sequence (as far as `v` goes),
// so that a message does not cut one in two.
std::string character_at(std::string_view v, std::size_t i) {
  const auto lead = static_cast<unsigned char>(v[i]);
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return std::string(v.substr(i, length));
}

// A decimal in [0, 1] as an exact ratio: "0.005" = 5 / 1000. An error is at
// the first character that cannot be in such a decimal ("1e-3": the 'e'),
// or at the value's start when the value as a whole is wrong (out of [0, 1],
// no digits).
Probability parse_probability(const Item& item) {
  const std::string_view v = item.value;
  const std::string expected =
      "expected " + std::string(kProbabilityWords) + ", got '" + std::string(v) + "'";
  std::uint64_t num = 0;
  std::uint64_t den = 1;
  std::size_t i = 0;
  bool digits = false;
  bool above_one = false;  // kept from overflowing: counted no further
  while (i < v.size() && is_digit(v[i])) {
    if (!above_one) {
      num = num * 10 + static_cast<std::uint64_t>(v[i] - '0');
      above_one = num > 1;
    }
    digits = true;
    ++i;
  }
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && is_digit(v[i])) {
      if (den >= 1'000'000'000'000'000'000u) {
        fail(item.value_at + i, item.key, "too many decimals (at most 18)");
      }
      if (!above_one) num = num * 10 + static_cast<std::uint64_t>(v[i] - '0');
      den *= 10;
      digits = true;
      ++i;
    }
  }
  if (i != v.size()) {
    fail(item.value_at + i, item.key, expected + ": unexpected '" + character_at(v, i) + "'");
  }
  if (!digits) fail(item.value_at, item.key, expected + ": no digits");
  if (above_one || num > den) fail(item.value_at, item.key, expected + ": more than 1");
  return Probability::from_ratio(num, den);
}

// A replay delay longer than this is not noise but a different run.
constexpr Tock kDelayMax{24LL * 3600 * 1'000'000'000};

// One end of a delay: "20ms", "1.5s", "0" (the shared duration grammar). A
// number without a unit takes `default_unit_ns` when that is non-zero.
DurationParse parse_delay_end(const Item& item, std::string_view text, std::size_t at,
                              std::int64_t default_unit_ns) {
  const DurationParse parsed = parse_duration_text(text, kDelayMax, default_unit_ns);
  if (parsed.tock) return parsed;
  const std::size_t where = at + parsed.error.offset;
  const std::string units = "ns, us, ms, s, m or h";
  switch (parsed.error.problem) {
    // Negative and signed: as the scenarios' duration parser says it.
    case DurationProblem::negative:
      fail(where, item.key, "duration \"" + std::string(text) + "\" is negative");
    case DurationProblem::signed_zero:
      fail(where, item.key,
           "duration \"" + std::string(text) + "\" has a sign; durations have none: write \"0\"");
    case DurationProblem::empty:
    case DurationProblem::no_number:
      fail(where, item.key,
           "expected a duration like 20ms (a number and unit " + units + "), got '" +
               std::string(text) + "'");
    case DurationProblem::no_unit:
      fail(where, item.key, "missing unit (" + units + ") after '" + std::string(text) + "'");
    case DurationProblem::unknown_unit:
      fail(where, item.key,
           "unknown unit '" + std::string(text.substr(parsed.error.offset)) + "' (" + units + ")");
    case DurationProblem::finer_than_ns:
      fail(where, item.key, "delay '" + std::string(text) + "' is finer than 1 ns");
    case DurationProblem::too_large:
      fail(where, item.key, "delay too large (at most 24 hours)");
  }
  fail(where, item.key, "bad duration '" + std::string(text) + "'");
}

void parse_delay(const Item& item, NoiseSpec& spec) {
  const std::string_view v = item.value;
  // A '-' first is a sign (refused as such), not a range with no low end.
  const std::size_t dash = v.find('-', v.empty() ? 0 : 1);
  if (dash == std::string_view::npos) {
    spec.delay_min = spec.delay_max = *parse_delay_end(item, v, item.value_at, 0).tock;
  } else {
    const std::string_view lo = v.substr(0, dash);
    const std::string_view hi = v.substr(dash + 1);
    // "0-20ms": the unit of HI applies to a LO without one.
    const DurationParse high = parse_delay_end(item, hi, item.value_at + dash + 1, 0);
    spec.delay_max = *high.tock;
    spec.delay_min = *parse_delay_end(item, lo, item.value_at, high.unit_ns).tock;
    if (spec.delay_min > spec.delay_max) {
      fail(item.value_at, item.key,
           "the delay range '" + std::string(v) + "' has its low end above its high end");
    }
  }
  spec.delay = true;
}

}  // namespace

NoiseSpecError::NoiseSpecError(std::size_t offset, std::string key, const std::string& why,
                               std::string unknown_key)
    : std::invalid_argument("noise spec: at offset " + std::to_string(offset) +
                            (key.empty() ? std::string() : " (key '" + key + "')") + ": " + why),
      offset_(offset),
      key_(std::move(key)),
      unknown_key_(std::move(unknown_key)) {}

bool NoiseSpec::empty() const {
  return drop == Probability::never() && dup == Probability::never() &&
         corrupt == Probability::never() && reorder == Probability::never() &&
         (!delay || delay_p == Probability::never() || delay_max == Tock{0});
}

NoiseSpec parse_noise_spec(std::string_view text) {
  NoiseSpec spec;
  spec.text = std::string(text);
  unsigned seen = 0;
  std::size_t at = 0;
  std::size_t delay_p_at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(',', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view piece = text.substr(at, end - at);
    if (piece.empty()) fail(at, "", "empty item (two commas, or a comma at an end)");
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      fail(at, "", "expected key=value, got '" + std::string(piece) + "'");
    }
    const Item item{piece.substr(0, eq), piece.substr(eq + 1), at, at + eq + 1};
    if (item.value.empty()) fail(item.value_at, item.key, "missing value");
    unsigned bit = 0;
    for (unsigned k = 0; k < kNoiseKeys.size(); ++k) {
      if (item.key == kNoiseKeys[k]) bit = 1u << k;
    }
    if (bit == 0) {
      std::string known;
      for (const std::string_view key : kNoiseKeys) {
        known += (known.empty() ? "" : ", ") + std::string(key);
      }
      throw NoiseSpecError(at, "",
                           "unknown key '" + std::string(item.key) + "' (known: " + known + ")",
                           std::string(item.key));
    }
    if ((seen & bit) != 0) fail(at, item.key, "given twice");
    seen |= bit;
    if (item.key == "drop") spec.drop = parse_probability(item);
    if (item.key == "dup") spec.dup = parse_probability(item);
    if (item.key == "corrupt") spec.corrupt = parse_probability(item);
    if (item.key == "reorder") spec.reorder = parse_probability(item);
    if (item.key == "delay_p") {
      spec.delay_p = parse_probability(item);
      delay_p_at = item.key_at;
    }
    if (item.key == "delay") parse_delay(item, spec);
    at = end + 1;
    if (end + 1 == text.size()) fail(end, "", "empty item (two commas, or a comma at an end)");
  }
  // delay_p says how often the delay applies: alone it would do nothing.
  if ((seen & (1u << 5)) != 0 && (seen & (1u << 4)) == 0) {
    fail(delay_p_at, "delay_p",
         "delay_p without delay does nothing (it is the probability that an rx gets the delay): "
         "give delay=LO-HI too (e.g. delay=0-20ms), or leave delay_p out");
  }
  return spec;
}

}  // namespace hio::replay
