#include "hio/tools/registry.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <variant>

#include "hio/io/address.hpp"

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
                                " is still being resolved when the doers are built; listen on an "
                                "IP address (e.g. tcp://127.0.0.1:0) to be named with '@'");
  }
  if (unbuilt.contains(name)) {
    throw std::invalid_argument("address '" + address + "' names doer '" + std::string(name) +
                                "', which could not be built (see its own error)");
  }
  auto it = endpoints.find(name);
  if (it == endpoints.end()) {
    throw std::invalid_argument("address '" + address +
                                "' names no listening doer defined before it");
  }
  return it->second;
}

std::string BuildContext::file_path(const std::string& name) const {
  if (name.empty() || name[0] == '/' || scenario_dir.empty()) return name;
  return scenario_dir + "/" + name;
}

void BuildContext::publish(const std::string& name, const Channel& channel) {
  if (channel.open() && !channel.local().empty()) {
    endpoints[name] = std::string(to_string(channel.address().scheme)) + "://" + channel.local();
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
  if (!default_scheme.empty() && text.find("://") == std::string::npos) {
    text = std::string(default_scheme) + "://" + text;
  }
  const AddressResult parsed = parse_address(text);
  if (!parsed) throw ParamError(std::string(key), parsed.error().what());
  const Address& a = parsed.value();
  const bool simulated = a.scheme == Scheme::sim || a.scheme == Scheme::sim_serial;
  if (!replaying && virtual_time && !simulated) {
    throw ParamError(std::string(key),
                     "'" + text +
                         "' is real IO, paced by the wall clock, but the run is in virtual time "
                         "(mode = \"sim\"), so its results would change from run to run: set "
                         "[run] mode = \"real\" or pass --real (sweep: --set run.mode=real), or "
                         "use sim:// or sim-serial:// addresses with a [net]");
  }
  if (replaying || !simulated) return text;
  if (net == nullptr) {
    throw ParamError(std::string(key),
                     std::string("a ") + to_string(a.scheme) + ":// address needs a [net] section");
  }
  if (a.scheme == Scheme::sim && !net->has_host(a.host)) {
    throw ParamError(std::string(key), "unknown host '" + a.host + "' in " + text +
                                           did_you_mean(a.host, net->hosts()) +
                                           " (net.hosts lists them)");
  }
  if (a.scheme == Scheme::sim_serial &&
      std::find(devices.begin(), devices.end(), a.path) == devices.end()) {
    throw ParamError(std::string(key), "unknown serial device '" + a.path + "' in " + text +
                                           did_you_mean(a.path, devices) +
                                           " ([[net.serial]] defines them)");
  }
  return text;
}

void BuildContext::claim(const DoerSpec& spec, std::string_view key, const std::string& address,
                         std::string_view family) {
  const AddressResult parsed = parse_address(address);
  if (!parsed || !has_host_port(parsed.value().scheme) || parsed.value().port == 0) return;
  const Address& a = parsed.value();
  // tcp:// and tls:// share the kernel's TCP ports; sim:// has its own.
  const std::string where =
      std::string(family) + (a.scheme == Scheme::sim ? " sim " : " ip ") + a.host_port();
  auto it = spec.params.find(key);
  const std::string mine = "doer '" + spec.name + "' (" +
                           (it == spec.params.end() ? spec.pos : it->second.pos).str() + ")";
  const auto [held, fresh] = claimed.emplace(where, mine);
  if (!fresh) {
    throw ParamError(std::string(key), "address '" + address + "' is taken: " + held->second + " " +
                                           (family == "stream" ? "listens" : "is bound") +
                                           " there already");
  }
}

void BuildContext::choose_client_host(const std::string& address, const std::string& host) const {
  if (address.rfind("sim://", 0) != 0) {
    if (!host.empty()) throw ParamError("host", "'host' applies to sim:// addresses only");
    return;
  }
  if (replaying) return;
  if (net == nullptr) throw ParamError("address", "a sim:// address needs a [net] section");
  if (host.empty() && client_host.empty()) {
    throw ParamError("address",
                     "a sim:// client needs a host to connect from: [net] lists no hosts");
  }
  if (!host.empty() && !net->has_host(host)) {
    throw ParamError("host", "unknown host '" + host + "'" + did_you_mean(host, net->hosts()) +
                                 " (net.hosts lists them)");
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
