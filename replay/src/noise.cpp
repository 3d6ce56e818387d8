#include "hio/replay/noise.hpp"

#include <cstdint>
#include <optional>

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

// A decimal in [0, 1] as an exact ratio: "0.005" = 5 / 1000.
Probability parse_probability(const Item& item) {
  const std::string_view v = item.value;
  const std::string expected =
      "expected a probability in [0, 1] (like 0.01), got '" + std::string(v) + "'";
  std::uint64_t num = 0;
  std::uint64_t den = 1;
  std::size_t i = 0;
  bool digits = false;
  while (i < v.size() && is_digit(v[i])) {
    if (num > 1) fail(item.value_at + i, item.key, expected);  // before it can overflow
    num = num * 10 + static_cast<std::uint64_t>(v[i] - '0');
    digits = true;
    ++i;
  }
  if (num > 1) fail(item.value_at, item.key, expected);
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && is_digit(v[i])) {
      if (den >= 1'000'000'000'000'000'000u) {
        fail(item.value_at + i, item.key, "too many decimals (at most 18)");
      }
      num = num * 10 + static_cast<std::uint64_t>(v[i] - '0');
      den *= 10;
      digits = true;
      ++i;
    }
  }
  if (!digits || i != v.size()) fail(item.value_at + (digits ? i : 0), item.key, expected);
  if (num > den) fail(item.value_at, item.key, expected);
  return Probability::from_ratio(num, den);
}

// Nanoseconds per unit: ns, us, ms, s; 0 for anything else.
std::int64_t unit_ns(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  return 0;
}

std::string_view unit_part(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i]))
    ++i;
  return text.substr(i);
}

// A replay delay longer than this is not noise but a different run.
constexpr std::int64_t kDelayMaxNs = 24LL * 3600 * 1'000'000'000;

// "20ms" (unit required unless `default_unit` is given). Returns the tock.
Tock parse_duration(const Item& item, std::string_view text, std::size_t at,
                    std::optional<std::int64_t> default_unit_ns) {
  const std::string_view unit = unit_part(text);
  const std::size_t digits = text.size() - unit.size();
  if (digits == 0) {
    fail(at, item.key,
         "expected a duration like 20ms (integer and unit ns, us, ms or s), got '" +
             std::string(text) + "'");
  }
  std::int64_t scale = unit_ns(unit);
  if (unit.empty() && default_unit_ns) scale = *default_unit_ns;
  if (scale == 0) {
    fail(at + digits, item.key,
         unit.empty() ? "missing unit (ns, us, ms or s) after '" + std::string(text) + "'"
                      : "unknown unit '" + std::string(unit) + "' (ns, us, ms or s)");
  }
  std::int64_t n = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    n = n * 10 + (text[i] - '0');
    if (n > kDelayMaxNs / scale) fail(at, item.key, "delay too large (at most 24 hours)");
  }
  return Tock{n * scale};
}

void parse_delay(const Item& item, NoiseSpec& spec) {
  const std::string_view v = item.value;
  const std::size_t dash = v.find('-');
  if (dash == std::string_view::npos) {
    spec.delay_min = spec.delay_max = parse_duration(item, v, item.value_at, std::nullopt);
  } else {
    const std::string_view lo = v.substr(0, dash);
    const std::string_view hi = v.substr(dash + 1);
    // "0-20ms": the unit of HI applies to a LO without one.
    const std::int64_t hi_unit = unit_ns(unit_part(hi));
    spec.delay_max = parse_duration(item, hi, item.value_at + dash + 1, std::nullopt);
    spec.delay_min = parse_duration(item, lo, item.value_at,
                                    hi_unit != 0 ? std::optional(hi_unit) : std::nullopt);
    if (spec.delay_min > spec.delay_max) {
      fail(item.value_at, item.key,
           "the delay range '" + std::string(v) + "' has its low end above its high end");
    }
  }
  spec.delay = true;
}

}  // namespace

NoiseSpecError::NoiseSpecError(std::size_t offset, std::string key, const std::string& why)
    : std::invalid_argument("noise spec: at offset " + std::to_string(offset) +
                            (key.empty() ? std::string() : " (key '" + key + "')") + ": " + why),
      offset_(offset),
      key_(std::move(key)) {}

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
    static constexpr std::string_view kKeys[] = {"drop",    "dup",   "corrupt",
                                                 "reorder", "delay", "delay_p"};
    unsigned bit = 0;
    for (unsigned k = 0; k < 6; ++k) {
      if (item.key == kKeys[k]) bit = 1u << k;
    }
    if (bit == 0) {
      fail(at, "",
           "unknown key '" + std::string(item.key) +
               "' (known: drop, dup, corrupt, reorder, delay, delay_p)");
    }
    if ((seen & bit) != 0) fail(at, item.key, "given twice");
    seen |= bit;
    if (item.key == "drop") spec.drop = parse_probability(item);
    if (item.key == "dup") spec.dup = parse_probability(item);
    if (item.key == "corrupt") spec.corrupt = parse_probability(item);
    if (item.key == "reorder") spec.reorder = parse_probability(item);
    if (item.key == "delay_p") spec.delay_p = parse_probability(item);
    if (item.key == "delay") parse_delay(item, spec);
    at = end + 1;
    if (end + 1 == text.size()) fail(end, "", "empty item (two commas, or a comma at an end)");
  }
  return spec;
}

}  // namespace hio::replay
