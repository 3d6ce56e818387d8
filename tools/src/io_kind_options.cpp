// The IO kinds' options and their param lists (io_kind_options.hpp).
#include "io_kind_options.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hio::tools {

namespace {

// tls_min_version's words: "1.2" (the default) or "1.3".
TlsVersion tls_min_version(const DoerSpec& spec) {
  const std::string& text = spec.string("tls_min_version");
  for (const TlsVersion version : {TlsVersion::tls1_2, TlsVersion::tls1_3}) {
    if (text == to_string(version)) return version;
  }
  throw ParamError("tls_min_version",
                   "tls_min_version must be \"1.2\" or \"1.3\", not \"" + text + "\"");
}

// Whether the scenario wrote `key` (a default the loader filled in has the
// doer's own position).
bool written(const DoerSpec& spec, std::string_view key) {
  const auto it = spec.params.find(key);
  return it != spec.params.end() &&
         (it->second.pos.line != spec.pos.line || it->second.pos.column != spec.pos.column);
}

// A duration key that applies to the addresses of some schemes only: sets
// `field` for those; for another address a value other than the default is
// a mistake (as tls_verify = false is), "<key> applies to <which> only".
void set_scheme_duration(const DoerSpec& spec, const char* key, const std::string& address,
                         std::initializer_list<std::string_view> schemes, const char* which,
                         Tock& field) {
  const Tock value = spec.duration(key);
  for (const std::string_view scheme : schemes) {
    if (address.starts_with(scheme)) {
      field = value;
      return;
    }
  }
  if (value != field) throw ParamError(key, std::string(key) + " applies to " + which + " only");
}

}  // namespace

std::string claimed_address(const DoerSpec& spec, BuildContext& context, std::string_view family) {
  std::string address = context.address(spec, "address");
  context.claim(spec, "address", address, family);
  return address;
}

TlsOptions tls_options(const DoerSpec& spec, BuildContext& context, const std::string& address,
                       bool listener) {
  TlsOptions tls;
  tls.min_version = tls_min_version(spec);
  tls.cert_file = context.file_path(spec.string("tls_cert"));
  tls.key_file = context.file_path(spec.string("tls_key"));
  tls.ca_file = context.file_path(spec.string("tls_ca"));
  if (listener) {
    tls.require_client_cert = spec.boolean("tls_client_cert");
  } else {
    tls.verify = spec.boolean("tls_verify");
    tls.server_name = spec.string("tls_server_name");
  }
  if (address.rfind("tls://", 0) != 0) {
    for (const char* key : {"tls_cert", "tls_key", "tls_ca", "tls_server_name"}) {
      if (spec.has(key) && !spec.string(key).empty()) {
        throw ParamError(key, std::string(key) + " applies to tls:// addresses only");
      }
    }
    if (tls.require_client_cert) {
      throw ParamError("tls_client_cert", "tls_client_cert applies to tls:// addresses only");
    }
    if (!tls.verify) throw ParamError("tls_verify", "tls_verify applies to tls:// addresses only");
    if (tls.min_version != TlsOptions{}.min_version) {
      throw ParamError("tls_min_version", "tls_min_version applies to tls:// addresses only");
    }
    return TlsOptions{};
  }
  if (listener && tls.cert_file.empty()) {
    throw ParamError("address",
                     "a tls:// listener needs tls_cert and tls_key (PEM files; or tls_cert alone "
                     "holding both)");
  }
  if (tls.require_client_cert && tls.ca_file.empty()) {
    throw ParamError("tls_client_cert",
                     "tls_client_cert = true needs tls_ca (the CA clients are checked against)");
  }
  if (tls.cert_file.empty() && !tls.key_file.empty()) {
    throw ParamError("tls_key", "tls_key needs tls_cert (the certificate of that key)");
  }
  // A file that cannot be used (unreadable, not PEM, a key that does not
  // match its certificate) is a mistake in the scenario, found by check and
  // blamed on its key, not a channel failing when the run starts. (A replay
  // needs none of them: its bytes come from the journal.)
  if (!context.replaying) {
    if (const std::optional<TlsProblem> problem = validate(tls)) {
      using Option = TlsProblem::Option;
      // A key missing from a tls_cert that was to hold it is tls_cert's.
      const bool key_in_cert = problem->option == Option::key_file && tls.key_file.empty();
      const char* key = problem->option == Option::cert_file || key_in_cert ? "tls_cert"
                        : problem->option == Option::key_file               ? "tls_key"
                        : problem->option == Option::ca_file                ? "tls_ca"
                                                                            : "address";
      throw ParamError(key, problem->message);
    }
  }
  return tls;
}

std::size_t bounded(const DoerSpec& spec, const char* key, std::int64_t high) {
  const std::int64_t value = spec.integer(key);
  if (value < 1 || value > high) {
    throw ParamError(key, std::string(key) + " must be from 1 to " + std::to_string(high) +
                              ", not " + std::to_string(value));
  }
  return static_cast<std::size_t>(value);
}

ChannelOptions buffered(const DoerSpec& spec) {
  ParamProblems problems;
  ChannelOptions o;
  o.name = spec.name;
  // (Not a structured binding: clang before 16 cannot capture one in a lambda.)
  for (const auto& buffer :
       {std::pair{"rx_bytes_max", &o.rx_bytes_max}, std::pair{"tx_bytes_max", &o.tx_bytes_max}}) {
    if (auto v = problems.attempt([&] { return bounded(spec, buffer.first, kBufferBytesMax); })) {
      *buffer.second = *v;
    }
  }
  problems.throw_if_any();
  return o;
}

ChannelOptions datagram_options(const DoerSpec& spec) {
  ParamProblems problems;
  const std::optional<ChannelOptions> buffers = problems.attempt([&] { return buffered(spec); });
  const std::optional<std::size_t> largest =
      problems.attempt([&] { return bounded(spec, "datagram_bytes_max", kUdpDatagramBytesMax); });
  if (buffers && largest) {
    for (const auto& [key, bytes] : {std::pair{"rx_bytes_max", buffers->rx_bytes_max},
                                     std::pair{"tx_bytes_max", buffers->tx_bytes_max}}) {
      if (*largest <= bytes) continue;
      problems.add(written(spec, "datagram_bytes_max") ? "datagram_bytes_max" : key,
                   "datagram_bytes_max (" + std::to_string(*largest) + ") must not exceed " + key +
                       " (" + std::to_string(bytes) + "): such a datagram could never be queued");
    }
  }
  problems.throw_if_any();
  ChannelOptions o = *buffers;
  o.datagram_bytes_max = *largest;
  return o;
}

void set_stream_timeouts(const DoerSpec& spec, const std::string& address, ChannelOptions& o) {
  set_scheme_duration(spec, "handshake_timeout", address, {"tls://"}, "tls:// addresses",
                      o.tls.handshake_timeout);
  set_scheme_duration(spec, "close_linger", address, {"tcp://", "tls://"},
                      "tcp:// and tls:// addresses", o.close_linger);
}

ChannelOptions serial_options(const DoerSpec& spec, const std::string& address) {
  ChannelOptions o = buffered(spec);
  o.retry = spec.duration("retry");
  set_scheme_duration(spec, "close_linger", address, {"serial://"}, "serial:// addresses",
                      o.close_linger);
  return o;
}

std::vector<ParamSpec> buffer_params() {
  const ChannelOptions d;
  return {{"rx_bytes_max", ParamType::integer, "the channel's rx buffer (bytes)",
           ParamValue{static_cast<std::int64_t>(d.rx_bytes_max)}},
          {"tx_bytes_max", ParamType::integer, "the channel's tx buffer (bytes)",
           ParamValue{static_cast<std::int64_t>(d.tx_bytes_max)}}};
}
std::vector<ParamSpec> serial_params() {
  std::vector<ParamSpec> p = buffer_params();
  p.push_back({"retry", ParamType::duration,
               "reopen the device after a hang-up or a failed open (an adapter plugged back in), "
               "on a grid of this step; 0 = never",
               ParamValue{Tock{0}}});
  p.push_back({"close_linger", ParamType::duration,
               "serial:// only: a close whose write to a device that takes no bytes is still in "
               "flight cuts it after this long of wall time; 0 = never",
               ParamValue{ChannelOptions{}.close_linger}});
  return p;
}
std::vector<ParamSpec> datagram_params() {
  std::vector<ParamSpec> p = buffer_params();
  p.push_back({"datagram_bytes_max", ParamType::integer,
               "the largest datagram sent or received (bytes); larger ones are errors",
               ParamValue{static_cast<std::int64_t>(ChannelOptions{}.datagram_bytes_max)}});
  return p;
}
ParamSpec tls_min_version_param() {
  return {"tls_min_version", ParamType::string,
          "tls:// only: the oldest TLS version spoken, \"1.2\" or \"1.3\"",
          ParamValue{std::string(to_string(TlsOptions{}.min_version))}};
}
std::vector<ParamSpec> stream_timeout_params() {
  return {{"handshake_timeout", ParamType::duration,
           "tls:// only: fail a handshake unfinished this long after the TCP connection; 0 = "
           "never",
           ParamValue{TlsOptions{}.handshake_timeout}},
          {"close_linger", ParamType::duration,
           "tcp:// and tls:// only: a close whose write to a peer that does not read is still "
           "in flight, or whose bytes the peer has not acknowledged yet, resets the connection "
           "after this long of wall time; 0 = never",
           ParamValue{ChannelOptions{}.close_linger}}};
}
void add_with(DoerRegistry& registry, KindSpec kind, const std::vector<ParamSpec>& extra) {
  kind.params.insert(kind.params.end(), extra.begin(), extra.end());
  registry.add(std::move(kind));
}

}  // namespace hio::tools
