#include "hio/tools/registry.hpp"

#include <algorithm>
#include <stdexcept>

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
  auto it = endpoints.find(name);
  if (it == endpoints.end()) {
    throw std::invalid_argument("address '" + address +
                                "' names no listening doer defined before it");
  }
  return it->second;
}

void BuildContext::publish(const std::string& name, const Channel& channel) {
  if (channel.open() && !channel.local().empty()) {
    endpoints[name] = std::string(to_string(channel.address().scheme)) + "://" + channel.local();
  } else if (!channel.open()) {
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
  if (replaying || (a.scheme != Scheme::sim && a.scheme != Scheme::sim_serial)) return text;
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

void DoerRegistry::add(KindSpec kind) {
  if (kind.name.empty()) throw std::invalid_argument("a doer kind needs a name");
  if (!kind.group && !kind.make) {
    throw std::invalid_argument("doer kind '" + kind.name + "' has no factory");
  }
  if (kinds_.find(kind.name) != kinds_.end()) {
    throw std::invalid_argument("doer kind '" + kind.name + "' is registered twice");
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
