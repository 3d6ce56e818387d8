// Counts in messages: a number and its noun, "1 frame" but "2 frames", so no
// message says "1 frames" (one helper for the library's messages and the CLI's).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hio {

// `n` and `singular` when n is 1, else `n` and `plural` (by default
// `singular` + "s": counted(3, "pass", "passes") needs its plural spelled out).
inline std::string counted(std::uint64_t n, std::string_view singular,
                           std::string_view plural = {}) {
  std::string out = std::to_string(n) + " ";
  if (n == 1) return out.append(singular);
  if (!plural.empty()) return out.append(plural);
  return out.append(singular).append("s");
}

}  // namespace hio
