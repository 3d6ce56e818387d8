// The bytes the sending IO kinds write (echo_client, udp_requester,
// serial_sender): a head, then letters in a pattern of the message's number,
// so that every message differs and a damaged one shows; and a number in a
// fixed count of decimal digits, written into a head and read back from one.
// Internal to tools/src.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hio::tools {

// `head`, then letters up to `size` bytes in all: the one at byte i is
// 'a' + (index * step + i) % 26. A head of `size` bytes or more is all.
std::string patterned(std::string head, std::int64_t index, std::size_t step, std::size_t size);

// `number` (>= 0) modulo 10^digits, in `digits` decimal digits with leading
// zeros (digits from 1 to 18).
std::string decimal_digits(std::int64_t number, int digits);

// The number `digits` spells in decimal ("" is 0; at most 18 digits), or -1
// if it holds anything but digits.
std::int64_t parse_digits(std::string_view digits);

}  // namespace hio::tools
