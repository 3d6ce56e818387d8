// The sending IO kinds' payloads (message_pattern.hpp).
#include "message_pattern.hpp"

#include <cstdio>
#include <utility>

namespace hio::tools {

std::string patterned(std::string head, std::int64_t index, std::size_t step, std::size_t size) {
  std::string bytes = std::move(head);
  bytes.reserve(size);
  for (std::size_t i = bytes.size(); i < size; ++i) {
    bytes += static_cast<char>('a' + (static_cast<std::size_t>(index) * step + i) % 26);
  }
  return bytes;
}

std::string decimal_digits(std::int64_t number, int digits) {
  std::int64_t modulus = 1;
  for (int i = 0; i < digits; ++i)
    modulus *= 10;
  char text[24];
  std::snprintf(text, sizeof text, "%0*lld", digits, static_cast<long long>(number % modulus));
  return text;
}

std::int64_t parse_digits(std::string_view digits) {
  std::int64_t number = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return -1;
    number = number * 10 + (c - '0');
  }
  return number;
}

}  // namespace hio::tools
