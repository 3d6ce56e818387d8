#include "hio/tools/registry.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <variant>

#include "doer_names.hpp"
#include "hio/io/address.hpp"
#include "hio/io/ip_text.hpp"
#include "port_words.hpp"

namespace hio::tools {

const char* to_string(ParamType type) {
  switch (type) {
    case ParamType::boolean:
      return "a boolean";
    case ParamType::integer:
      return "an integer";
    case ParamType::number:
      return "a number";
    case ParamType::string:
      return "a string";
    case ParamType::duration:
      return "a duration string (e.g. \"20ms\")";
    case ParamType::strings:
      return "an array of strings";
  }
  return "?";
}

namespace {

// How to give a doer of the scheme of `quoted` ("'udp://localhost:0'", as
// not_open_yet holds it) an address that "@name" can name at once, in that
// scheme's words: a datagram endpoint binds, a listener listens (until
// session 25 a udp_responder was told to listen on tcp://127.0.0.1:0).
std::string ip_address_hint(std::string_view quoted) {
  if (!quoted.empty() && quoted.front() == '\'') quoted.remove_prefix(1);
  const std::size_t sep = quoted.find("://");
  const std::string scheme(sep == std::string_view::npos ? "tcp" : quoted.substr(0, sep));
  return std::string(port_verb(scheme == "udp" ? Scheme::udp : Scheme::tcp)) +
         " an IP address (e.g. " + scheme + "://127.0.0.1:0)";
}

}  // namespace

std::string BuildContext::resolve(const std::string& address) const {
  if (address.empty() || address[0] != '@') return address;
  const std::string_view name = std::string_view(address).substr(1);
  if (auto failed = unopened.find(name); failed != unopened.end()) {
    throw std::invalid_argument("address '" + address + "' names doer '" + failed->first +
                                "', whose address did not open: " + failed->second);
  }
  if (auto opening = not_open_yet.find(name); opening != not_open_yet.end()) {
    throw std::invalid_argument("address '" + address + "' names doer '" + opening->first +
                                "', whose address " + opening->second +
                                " is still being resolved when the doers are built; " +
                                ip_address_hint(opening->second) + " to be named with '@'");
  }
  if (unbuilt.contains(name)) {
    throw std::invalid_argument("address '" + address + "' names doer '" + std::string(name) +
                                "', which could not be built (see its own error)");
  }
  auto it = endpoints.find(name);
  if (const std::string* kind = built_kind(name); it == endpoints.end() && kind != nullptr) {
    throw std::invalid_argument(
        "address '" + address + "' names doer '" + std::string(name) + "' (kind " + *kind +
        "), which published no address: '@name' names a doer that listens or binds (a kind of "
        "your own that does calls BuildContext::publish(spec.name, its channel))");
  }
  if (const auto [copies, index] = copy_of(name);
      it == endpoints.end() && copies != nullptr && copies->failed && index > copies->count + 1) {
    const std::string base(name.substr(0, name.rfind('-')));
    throw std::invalid_argument("address '" + address + "' names doer '" + std::string(name) +
                                "', which was not built: copy '" + base + "-" +
                                std::to_string(copies->count + 1) +
                                "' before it could not be built (see its own error)");
  }
  if (auto copies = built_copies.find(name);
      it == endpoints.end() && copies != built_copies.end()) {
    // The name the copies share is no doer's: the hint names the copies as
    // they are named, "@t-1" ... "@t-N" (not every one: there may be a
    // million). There are always 2 or more (copies = 1 is one doer). A copy
    // that failed is named with why: the reader of this error looks for the
    // copy to name, and that one, or those after it, are not there.
    const BuiltCopies& built = copies->second;
    const std::int64_t planned = built.planned;
    const std::string first = "'@" + std::string(name) + "-1'";
    const std::string last = "'@" + std::string(name) + "-" + std::to_string(planned) + "'";
    std::string failed;
    if (built.failed) {
      failed = "; copy '" + std::string(name) + "-" + std::to_string(built.count + 1) +
               "' could not be built" +
               (built.count + 1 < planned ? " (nor were the copies after it)" : "") + ": " +
               built.failure;
    }
    throw std::invalid_argument(
        "address '" + address + "' names no doer: '" + std::string(name) + "' is the name its " +
        std::to_string(planned) + " copies share (kind " + built.kind +
        "); '@name' names one doer: " +
        (planned == 2 ? first + " or " + last : first + " ... " + last) + failed);
  }
  if (it == endpoints.end()) {
    throw std::invalid_argument("address '" + address +
                                "' names no listening doer defined before it");
  }
  return it->second;
}

std::pair<const BuildContext::BuiltCopies*, std::int64_t> BuildContext::copy_of(
    std::string_view name) const {
  // A copy's name, of copies planned (1 to their number).
  const std::optional<CopyName> copy = parse_copy_name(name);
  if (!copy) return {nullptr, 0};
  auto copies = built_copies.find(copy->base);
  if (copies == built_copies.end() || copy->index > copies->second.planned) return {nullptr, 0};
  return {&copies->second, copy->index};
}

const std::string* BuildContext::built_kind(std::string_view name) const {
  if (auto it = built_kinds.find(name); it != built_kinds.end()) return &it->second;
  // A copy's name, of those built so far.
  const auto [copies, index] = copy_of(name);
  return copies != nullptr && index <= copies->count ? &copies->kind : nullptr;
}

std::string BuildContext::file_path(const std::string& name) {
  if (name.empty()) return name;
  files_read.push_back(name[0] == '/' || scenario_dir.empty() ? name : scenario_dir + "/" + name);
  return files_read.back();
}

namespace {

// Where a client on this machine reaches a real listener bound to `local`:
// a wildcard address (every address of its family, however spelt:
// ::ffff:0.0.0.0 is 0.0.0.0) at its family's loopback, which a certificate
// for the machine names, rather than at the wildcard, which no certificate
// names and which is no address to send to. `dual_stack`: bound to ::, so
// 127.0.0.1 reaches it too (for a requester that can send to IPv4 only).
std::string reachable(const std::string& local, bool& dual_stack) {
  dual_stack = false;
  std::string_view host;
  unsigned port = 0;
  if (!split_peer(local, host, port)) return local;
  const CanonicalHost c = canonical_host(host);
  if (!is_wildcard(c)) return local;
  dual_stack = c.ip_family == AF_INET6;
  return (dual_stack ? "[::1]:" : "127.0.0.1:") + std::to_string(port);
}

}  // namespace

void BuildContext::publish(const std::string& name, const Channel& channel) {
  const Scheme scheme = channel.address().scheme;
  if (has_host_port(scheme) && channel.address().port == 0)
    port_zero.push_back(PortZero{name, channel.id()});
  if (channel.open() && !channel.local().empty()) {
    bool dual_stack = false;
    endpoints[name] =
        std::string(to_string(scheme)) + "://" +
        (scheme == Scheme::sim ? channel.local() : reachable(channel.local(), dual_stack));
    if (dual_stack) dual_stack_endpoints.insert(name);
  } else if (channel.open()) {
    not_open_yet[name] = "'" + channel.address().text() + "'";
  } else {
    unopened[name] = channel.reason().empty() ? "it failed" : channel.reason();
  }
}

std::string BuildContext::address(const DoerSpec& spec, std::string_view key,
                                  std::string_view default_scheme) const {
  const std::string& written = spec.string(key);
  std::string text;
  try {
    text = resolve(written);
  } catch (const std::invalid_argument& error) {
    throw ParamError(std::string(key), error.what());
  }
  std::size_t added = 0;  // bytes of the default scheme put in front
  if (!default_scheme.empty() && text.find("://") == std::string::npos) {
    text = std::string(default_scheme) + "://" + text;
    added = default_scheme.size() + 3;
  }
  const AddressResult parsed = parse_address(text);
  if (!parsed) {
    // Said of the text as written: without the scheme this put in front,
    // and at byte offsets into that text (xipv619 finding 7).
    AddressError error = parsed.error();
    if (added != 0) {
      error.input = text.substr(added);
      error.offset = error.offset >= added ? error.offset - added : 0;
      const std::string example = "e.g. " + text.substr(0, added);
      if (const std::size_t at = error.message.find(example); at != std::string::npos)
        error.message.erase(at + 5, added);
    }
    throw ParamError(std::string(key), error.describe());
  }
  const Address& a = parsed.value();
  if (!replaying && net != nullptr && has_host_port(a.scheme) && a.scheme != Scheme::sim &&
      net->has_host(a.host)) {
    // A real scheme would look the simulated host's name up in DNS.
    const std::string sim = "sim://" + a.host_port();
    throw ParamError(std::string(key),
                     std::string(key) + " = '" + written + "': '" + a.host +
                         "' is a host of the simulated network ([net]), but " +
                         to_string(a.scheme) + ":// is the real network, which would look '" +
                         a.host + "' up in DNS; " +
                         (a.scheme == Scheme::tls
                              ? "the simulated network has no TLS: use " + sim +
                                    " (no TLS), or tls:// to a real address such as 127.0.0.1"
                              : "use " + sim));
  }
  // After the [net]-host check: for a real scheme on a [net] host, that one
  // says what is wrong (tests/tools/cli_exit_codes.cmake relies on the order).
  const bool simulated = a.scheme == Scheme::sim || a.scheme == Scheme::sim_serial;
  if (!replaying && virtual_time && !simulated) {
    // Made virtual by --set: the file may well say mode = "real".
    const std::string remedy =
        virtual_time_by.empty()
            ? "set [run] mode = \"real\" or pass --real (sweep: --set run.mode=real)"
            : "leave " + virtual_time_by + " out (the scenario's own mode then holds) or give " +
                  "--set run.mode=real";
    throw ParamError(std::string(key),
                     "'" + text + "' is real IO, paced by the wall clock, but the run is in " +
                         "virtual time (mode = \"sim\"" +
                         (virtual_time_by.empty() ? "" : ", by " + virtual_time_by) +
                         "), so its results would change from run to run: " + remedy +
                         ", or use sim:// or sim-serial:// addresses with a [net]");
  }
  if (replaying || !simulated) return text;
  if (net == nullptr) {
    throw ParamError(std::string(key),
                     std::string("a ") + to_string(a.scheme) + ":// address needs a [net] section");
  }
  if (a.scheme == Scheme::sim && !net->has_host(a.host)) {
    throw ParamError(std::string(key), "unknown host " + unknown_name(a.host) + " in " + text +
                                           did_you_mean(a.host, net->hosts()) +
                                           " (net.hosts lists them)");
  }
  if (a.scheme == Scheme::sim_serial &&
      std::find(devices.begin(), devices.end(), a.path) == devices.end()) {
    throw ParamError(std::string(key), "unknown serial device " + unknown_name(a.path) + " in " +
                                           text + did_you_mean(a.path, devices) +
                                           " ([[net.serial]] defines them)");
  }
  return text;
}

namespace {

// An address's host for comparing claims: an IP in one spelling (IPv4-mapped
// IPv6 as IPv4) with its family, or a name as written (family 0).
BuildContext::Claim claim_host(const Address& a) {
  const CanonicalHost canonical = canonical_host(a.host);
  BuildContext::Claim c;
  c.host = canonical.host;
  c.ip_family = canonical.ip_family;
  c.wildcard = is_wildcard(canonical);
  return c;
}

// Why `mine` cannot be had while `held` is ("there already", ...), or "" if
// both can: the same host, or a wildcard that covers the other.
std::string clash(const BuildContext::Claim& held, const BuildContext::Claim& mine) {
  if (held.host == mine.host && held.ip_family == mine.ip_family) return "there already";
  const auto covers = [](const BuildContext::Claim& wild, const BuildContext::Claim& other) {
    return wild.wildcard && other.ip_family != 0 &&
           (wild.ip_family == AF_INET6 || other.ip_family == AF_INET);
  };
  const auto every = [](const BuildContext::Claim& wild) {
    return wild.ip_family == AF_INET6 ? std::string("every IPv6 and (dual-stack) IPv4 address")
                                      : std::string("every IPv4 address");
  };
  if (covers(held, mine)) {
    return "on '" + held.address + "' already, which takes the port on " + every(held);
  }
  if (covers(mine, held)) {
    return "on '" + held.address + "' already, and " + mine.host + " means " + every(mine);
  }
  return "";
}

}  // namespace

void BuildContext::claim(const DoerSpec& spec, std::string_view key, const std::string& address,
                         std::string_view family) {
  const AddressResult parsed = parse_address(address);
  if (!parsed) return;
  const Address& a = parsed.value();
  const bool serial = a.scheme == Scheme::serial || a.scheme == Scheme::sim_serial;
  if (!serial && (!has_host_port(a.scheme) || a.port == 0)) return;
  auto it = spec.params.find(key);
  Claim mine = serial ? Claim{} : claim_host(a);
  mine.address = address;
  mine.scheme = a.scheme;
  mine.who = "doer '" + spec.name + "' (" +
             (it == spec.params.end() ? spec.pos : it->second.pos).str() + ")";
  // tcp:// and tls:// share the kernel's TCP ports; sim:// has its own. A
  // real device by any path (a symbolic link) is the same device - but a
  // replay opens no device and looks at no path a journal names (an autofs
  // /net/host/... mounts a remote export, a stale NFS mount hangs): there
  // the path as written.
  std::string where = std::string(family) + (a.scheme == Scheme::sim ? " sim " : " ip ");
  if (a.scheme == Scheme::sim_serial) {
    where = "serial sim " + a.path;
  } else if (a.scheme == Scheme::serial && replaying) {
    where = "serial " + std::filesystem::path(a.path).lexically_normal().string();
  } else if (a.scheme == Scheme::serial) {
    std::error_code ignored;
    const std::filesystem::path device = std::filesystem::weakly_canonical(a.path, ignored);
    where = "serial " + (device.empty() ? a.path : device.string());
  } else {
    where += std::to_string(a.port);
  }
  std::vector<Claim>& here = claimed[where];
  for (const Claim& held : here) {
    if (serial) {
      throw ParamError(std::string(key), "device '" + address + "' is taken: " + held.who +
                                             " opens '" + held.address +
                                             "' already; a serial device has one opener");
    }
    const std::string why = clash(held, mine);
    if (why.empty()) continue;
    throw ParamError(std::string(key), "address '" + address + "' is taken: " + held.who + " " +
                                           (family == "stream" ? "listens" : "is bound") + " " +
                                           why);
  }
  mine.order = claims_made++;
  here.push_back(std::move(mine));
}

void BuildContext::choose_client_host(const std::string& address, const std::string& host) const {
  if (address.rfind("sim://", 0) != 0) {
    if (!host.empty()) throw ParamError("host", "'host' applies to sim:// addresses only");
    return;
  }
  if (replaying) return;
  if (net == nullptr) throw ParamError("address", "a sim:// address needs a [net] section");
  if (host.empty() && client_host.empty()) {
    const std::vector<std::string> hosts = net->hosts();
    if (hosts.empty()) {
      throw ParamError("address",
                       "a sim:// client needs a host to connect from: [net] lists no hosts");
    }
    std::string listed;
    for (const std::string& name : hosts)
      listed += (listed.empty() ? "" : ", ") + name;
    throw ParamError("address", "a sim:// client needs a host to connect from, and [net] lists " +
                                    std::to_string(hosts.size()) + " hosts (" + listed +
                                    "): set net.client_host, or this doer's host = \"...\"");
  }
  if (!host.empty() && !net->has_host(host)) {
    throw ParamError("host", "unknown host " + unknown_name(host) +
                                 did_you_mean(host, net->hosts()) + " (net.hosts lists them)");
  }
  net->set_client_host(host.empty() ? client_host : host);
}

namespace {

// ParamType's values number ParamValue's alternatives, in order: a default of
// type `t` holds alternative static_cast<std::size_t>(t).
template <ParamType type, typename T>
constexpr bool holds_at =
    std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(type), ParamValue>, T>;
static_assert(holds_at<ParamType::boolean, bool> && holds_at<ParamType::integer, std::int64_t> &&
              holds_at<ParamType::number, double> && holds_at<ParamType::string, std::string> &&
              holds_at<ParamType::duration, Tock> && holds_at<ParamType::strings, StringList>);

bool usable_key(const std::string& name) {
  return !name.empty() && name.find_first_of(". \t\n\r\v\f") == std::string::npos;
}

// A parameter's problem, or empty. `seen` holds the names before it.
std::string param_problem(const ParamSpec& param, const std::vector<std::string>& seen) {
  // The keys the loader reads from every doer table itself.
  static constexpr std::string_view kCommon[] = {"kind", "name", "tock", "copies", "doer"};
  if (!usable_key(param.name)) return "a parameter name must be non-empty, without dots or spaces";
  for (std::string_view common : kCommon) {
    if (param.name == common) {
      return "parameter '" + param.name +
             "' collides with a key every doer has (kind, name, tock, copies, doer)";
    }
  }
  for (const std::string& before : seen) {
    if (before == param.name) return "parameter '" + param.name + "' is declared twice";
  }
  if (param.default_value && param.default_value->index() != static_cast<std::size_t>(param.type)) {
    return "the default of parameter '" + param.name + "' is not " + to_string(param.type);
  }
  return "";
}

}  // namespace

void DoerRegistry::add(KindSpec kind) {
  if (!usable_key(kind.name)) {
    throw std::invalid_argument("doer kind name '" + kind.name +
                                "' must be non-empty, without dots or spaces");
  }
  if (!kind.group && !kind.make) {
    throw std::invalid_argument("doer kind '" + kind.name + "' has no factory");
  }
  if (kinds_.find(kind.name) != kinds_.end()) {
    throw std::invalid_argument("doer kind '" + kind.name + "' is registered twice");
  }
  std::vector<std::string> seen;
  for (const ParamSpec& param : kind.params) {
    if (std::string problem = param_problem(param, seen); !problem.empty()) {
      throw std::invalid_argument("doer kind '" + kind.name + "': " + problem);
    }
    seen.push_back(param.name);
  }
  std::string name = kind.name;
  kinds_.emplace(std::move(name), std::move(kind));
}

const KindSpec* DoerRegistry::find(std::string_view name) const {
  auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<std::string> DoerRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& entry : kinds_)
    out.push_back(entry.first);
  return out;
}

}  // namespace hio::tools
