#include "resolve.hpp"

namespace hio::detail {

namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool is_reserved_invalid(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  constexpr std::string_view kTld = "invalid";
  if (host.size() < kTld.size()) return false;
  const std::string_view last = host.substr(host.size() - kTld.size());
  for (std::size_t i = 0; i < kTld.size(); ++i) {
    if (ascii_lower(last[i]) != kTld[i]) return false;
  }
  return host.size() == kTld.size() || host[host.size() - kTld.size() - 1] == '.';
}

std::string resolve_failure_text(const std::string& target, const std::string& error,
                                 ChannelRole role) {
  if (!error.empty()) return "cannot resolve '" + target + "': " + error;
  if (role == ChannelRole::connect) return "connect to " + target + " failed: no address";
  return "cannot resolve '" + target + "': no address";
}

}  // namespace hio::detail
