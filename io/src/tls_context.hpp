// TLS on Asio ssl (OpenSSL), private to io/src: building a context from
// TlsOptions, preparing a client's SNI and name check, and turning OpenSSL's
// failures into reasons people can act on.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <string>

#include "asio_core.hpp"
#include "hio/io/channel.hpp"

namespace hio::detail {

namespace ssl = asio::ssl;

// What a TcpStream needs to speak TLS over its socket. No context: plain TCP.
struct TlsSetup {
  std::shared_ptr<ssl::context> context;
  bool server = false;
  bool verify = true;       // clients: check the chain and the name
  std::string server_name;  // clients: SNI and the name checked
  Tock handshake_timeout{0};

  explicit operator bool() const { return context != nullptr; }
};

// A context for a client (server = false) or a listener, or an empty pointer
// and `problem` saying which file could not be used and why (validate()).
std::shared_ptr<ssl::context> make_tls_context(const TlsOptions& options, bool server,
                                               std::optional<TlsProblem>& problem);

// The setup of a client's connections to `address`, given its context.
TlsSetup client_tls_setup(const TlsOptions& options, const Address& address,
                          std::shared_ptr<ssl::context> context);

// Sets SNI (for host names, not IP addresses) and the name or IP address the
// server's certificate must carry. False and `error` if OpenSSL refuses.
bool prepare_tls_client(SSL* ssl, const TlsSetup& setup, std::string& error);

// True if `ec` means the peer ended the TCP connection without a TLS
// close_notify (a truncated TLS stream).
bool tls_truncated(const boost::system::error_code& ec);

// True if the peer's close_notify has come: the end of its data, whatever
// bytes follow it (RFC 8446 6.1: data after a closure alert MUST be
// ignored). Asio reports such an end as a truncated stream when more bytes
// came in the same read, which is why a read's error is checked with this.
bool tls_close_notify_received(SSL* ssl);

// A failed TLS operation in words: OpenSSL's reason, with the certificate
// verification result when that was the cause ("certificate verify failed
// (hostname mismatch)"). `ssl` may be null.
std::string tls_error_text(const boost::system::error_code& ec, SSL* ssl);

}  // namespace hio::detail
