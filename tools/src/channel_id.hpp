// How `hio inspect --channel C` tells a channel's id from its name, and so
// which doer names the loader refuses (a name read as an id would select
// another channel, silently).
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>

namespace hio::tools {

// Digits after an optional '#' ("2", "#2"): what --channel reads as an id,
// never as a name. A doer may not be named so.
inline bool reads_as_channel_id(std::string_view c) {
  const std::string_view digits = c.size() > 1 && c[0] == '#' ? c.substr(1) : c;
  return !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
}

// Whether `c` gives a channel id, and which: reads_as_channel_id, and
// within 32 bits (a longer one is an id no channel has).
inline bool channel_id_of(std::string_view c, std::uint32_t& id) {
  if (!reads_as_channel_id(c)) return false;
  const std::string_view digits = c[0] == '#' ? c.substr(1) : c;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  return error == std::errc() && end == digits.data() + digits.size();
}

}  // namespace hio::tools
