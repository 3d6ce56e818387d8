// Host names as hio looks them up: through Asio's resolver (the system's,
// getaddrinfo), except names in the reserved top-level domain "invalid",
// which hio answers itself. Every lookup in io/src goes through here.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/asio/ip/basic_resolver.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "error_text.hpp"
#include "hio/io/transport.hpp"

namespace hio::detail {

namespace asio = boost::asio;

// A name in the top-level domain "invalid" ("invalid", "x.invalid", any case,
// with or without a trailing dot). RFC 6761 §6.4: such a name never exists,
// and a resolver library should say so at once. The system's resolver does
// not (glibc's asks the name server: packets leave the machine, and a lookup
// whose server does not answer waits out its timeouts), so hio answers it
// without asking anybody.
bool is_reserved_invalid(std::string_view host);

// What such a name resolves to: the error the system gives for a name that
// does not exist (NXDOMAIN, EAI_NONAME), "Host not found (authoritative)".
inline boost::system::error_code reserved_invalid_error() {
  return asio::error::host_not_found;
}

// What a lookup answers that no thread could be started for during
// `unserved`, the worker's bound (LookupWorker::no_thread: threads or memory
// ran out): "no thread to look it up on: none could be started for 10 s
// (threads or memory ran out)", in a category of hio's own.
boost::system::error_code lookup_thread_error(std::chrono::steady_clock::duration unserved);

// Why a channel of `role` on `target` ("HOST:PORT") did not open when the
// lookup of its host gave `ec`, or no error and no address: "cannot resolve
// 'HOST:PORT': REASON" (error_text's words), and for an empty answer a
// client's "connect to HOST:PORT failed: no address", a listener's or a
// datagram endpoint's "cannot resolve 'HOST:PORT': no address". The only
// place these words are made: the run's channels fail with them (journals
// hold them) and hio check says them (open_check), so they cannot drift.
// (`error`: the error's text, "" for none.)
std::string resolve_failure_text(const std::string& target, const std::string& error,
                                 ChannelRole role);
inline std::string resolve_failure_text(const std::string& target,
                                        const boost::system::error_code& ec, ChannelRole role) {
  return resolve_failure_text(target, ec ? error_text(ec) : std::string(), role);
}

// The zone id of `host`, an IPv6 address, when it names no network
// interface of this machine: a name the machine does not have ("nosuch"), or
// a number that is no interface's index ("99"; "0", which is none); else ""
// (no zone, or an interface that exists).
std::string unknown_zone(const std::string& host);

// Why a channel of `role` on `target` cannot open when its `host` is an IPv6
// address whose zone id names no network interface of this machine
// (unknown_zone: "fe80::1%nosuch"): "connect to TARGET failed: no network
// interface 'nosuch'" (listen on, bind to), else "". The system turns such a zone into none, and
// the open failed with a bare "Invalid argument". Checked where the channel opens and by hio check
// (open_check), not when the address is parsed: the interfaces are the machine's, not the
// scenario's.
std::string unknown_zone_failure(const std::string& host, const std::string& target,
                                 ChannelRole role);

// What a listener's (`role` listen) or a datagram endpoint's (bind) opening
// on `target` ("HOST:PORT") does when HOST resolves to several addresses
// (`addresses`, the lookup's answer in its order, as address text): it takes
// the first only (docs/io.md, "Host names"), so a client of another of them
// is refused. "" for one address (or none). For hio check's warning
// (open_check), which names them all.
std::string first_address_only_note(const std::string& target,
                                    const std::vector<std::string>& addresses, ChannelRole role);

// resolver.resolve(host, port, flags | numeric_service, ec), waiting for the
// answer (on a LookupWorker's thread: lookup.hpp). A reserved name gets
// reserved_invalid_error() and no results at once, asking nobody.
template <class Protocol>
typename asio::ip::basic_resolver<Protocol>::results_type resolve(
    asio::ip::basic_resolver<Protocol>& resolver, const std::string& host, std::uint16_t port,
    asio::ip::resolver_base::flags flags, boost::system::error_code& ec) {
  if (is_reserved_invalid(host)) {
    ec = reserved_invalid_error();
    return {};
  }
  return resolver.resolve(host, std::to_string(port),
                          flags | asio::ip::resolver_base::numeric_service, ec);
}

}  // namespace hio::detail
