#include "hio/engine/tyme.hpp"

#include <cstdlib>

namespace hio {

std::string format_seconds(Tock tock) {
  std::int64_t ns = tock.count();
  std::string out;
  // Work on the magnitude as unsigned so INT64_MIN does not overflow.
  std::uint64_t mag = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  if (ns < 0) out.push_back('-');
  out += std::to_string(mag / 1'000'000'000u);
  std::uint64_t frac = mag % 1'000'000'000u;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 9 - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
    out += '.';
    out += digits;
  }
  return out;
}

}  // namespace hio
