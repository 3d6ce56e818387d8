#include "resolve.hpp"

#include <net/if.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <system_error>

namespace hio::detail {

namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// lookup_thread_error's: the code is how long the lookup waited for a
// thread, in milliseconds. (Boost's base has a public non-virtual
// destructor; the one object of this final class is never deleted through
// it.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class LookupThreadCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "hio.lookup_thread"; }
  std::string message(int waited_ms) const override {
    std::string seconds = std::to_string(waited_ms / 1000);
    if (const int ms = waited_ms % 1000; ms != 0) {
      std::string fraction = std::to_string(1000 + ms).substr(1);
      while (fraction.back() == '0')
        fraction.pop_back();
      seconds += "." + fraction;
    }
    return "no thread to look it up on: none could be started for " + seconds +
           " s (threads or memory ran out)";
  }
};
#pragma GCC diagnostic pop

}  // namespace

boost::system::error_code lookup_thread_error(std::chrono::steady_clock::duration unserved) {
  static const LookupThreadCategory category;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(unserved).count();
  return {static_cast<int>(std::clamp<long long>(ms, 0, 1'000'000'000)), category};
}

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

std::string unknown_zone(const std::string& host) {
  const std::size_t percent = host.find('%');
  if (percent == std::string::npos) return "";
  std::string zone = host.substr(percent + 1);
  const bool numeric = !zone.empty() && std::all_of(zone.begin(), zone.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
  if (!numeric) return ::if_nametoindex(zone.c_str()) != 0 ? "" : zone;
  // An interface number: one the machine has (0 is none; a number too big
  // for an index is none either).
  unsigned index = 0;
  const auto [end, error] = std::from_chars(zone.data(), zone.data() + zone.size(), index);
  char name[IF_NAMESIZE] = {};
  const bool known = error == std::errc() && end == zone.data() + zone.size() && index != 0 &&
                     ::if_indextoname(index, name) != nullptr;
  return known ? "" : zone;
}

std::string unknown_zone_failure(const std::string& host, const std::string& target,
                                 ChannelRole role) {
  const std::string zone = unknown_zone(host);
  if (zone.empty()) return "";
  const std::string verb = role == ChannelRole::connect  ? "connect to "
                           : role == ChannelRole::listen ? "listen on "
                                                         : "bind to ";
  return verb + target + " failed: no network interface '" + zone + "'";
}

std::string first_address_only_note(const std::string& target,
                                    const std::vector<std::string>& addresses, ChannelRole role) {
  if (addresses.size() < 2) return "";
  std::string all;
  for (const std::string& address : addresses)
    all += (all.empty() ? "" : ", ") + address;
  const std::string port = target.substr(target.rfind(':'));
  const auto with_port = [&](const std::string& address) {
    return (address.find(':') == std::string::npos ? address : "[" + address + "]") + port;
  };
  const bool listener = role == ChannelRole::listen;
  return "'" + target + "' resolves to " + all + ", and a " +
         (listener ? "listener" : "datagram endpoint") + " takes the first only: it " +
         (listener ? "listens on " : "binds to ") + with_port(addresses.front()) + ", not " +
         with_port(addresses[1]) + (addresses.size() > 2 ? " (nor the others)" : "") +
         " (write the address to use; [::] takes every address)";
}

}  // namespace hio::detail
