#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>

#include "error_text.hpp"

namespace hio::detail {

namespace {

using Option = TlsProblem::Option;

const char* file_words(Option option) {
  switch (option) {
    case Option::cert_file:
      return "certificate file";
    case Option::key_file:
      return "key file";
    case Option::ca_file:
      return "CA file";
    case Option::setup:
      break;
  }
  return "setting";
}

// OpenSSL's own messages for a missing file are vague ("system lib"), and a
// directory opens as a file, so files are checked for readability first.
bool readable(const std::string& path, Option option, std::optional<TlsProblem>& problem) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    problem =
        TlsProblem{option, std::string(file_words(option)) + " '" + path + "' is a directory"};
    return false;
  }
  std::ifstream file(path, std::ios::binary);
  if (file) return true;
  const int error = errno;
  problem = TlsProblem{option, std::string("cannot read ") + file_words(option) + " '" + path +
                                   "': " + errno_text(error)};
  return false;
}

bool loaded(const boost::system::error_code& ec, Option option, const std::string& what,
            std::optional<TlsProblem>& problem) {
  if (!ec) return true;
  problem = TlsProblem{option, "cannot use " + what + ": " + error_text(ec)};
  return false;
}

bool file_loaded(const boost::system::error_code& ec, Option option, const std::string& path,
                 std::optional<TlsProblem>& problem) {
  return loaded(ec, option, std::string(file_words(option)) + " '" + path + "'", problem);
}

bool is_ip(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Where a connection keeps that it refused a renegotiation: an OpenSSL
// ex_data slot of its SSL, set to the SSL itself (a mark, nothing owned).
int refused_renegotiation_slot() {
  static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

// OpenSSL answers a peer's renegotiation (SSL_OP_NO_RENEGOTIATION) with a
// no_renegotiation alert, and the peer then usually aborts with a
// handshake_failure alert: the error a read then reports ("sslv3 alert
// handshake failure") reads as if the peer rejected us. The alert we wrote
// is the one sure sign, so it is noted for tls_error_text.
void note_refused_renegotiation(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_WRITE_ALERT) != 0 && (value & 0xff) == SSL_AD_NO_RENEGOTIATION) {
    SSL* marked = const_cast<SSL*>(ssl);
    SSL_set_ex_data(marked, refused_renegotiation_slot(), marked);
  }
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const TlsOptions& options, bool server,
                                               std::optional<TlsProblem>& problem) {
  auto context =
      std::make_shared<ssl::context>(server ? ssl::context::tls_server : ssl::context::tls_client);
  boost::system::error_code ec;
  // TLS 1.2 and later only; no compression, no renegotiation by the peer.
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    problem = TlsProblem{Option::setup, "cannot require TLS 1.2 or later"};
    return nullptr;
  }
  context->set_options(
      ssl::context::default_workarounds | ssl::context::no_compression | SSL_OP_NO_RENEGOTIATION,
      ec);
  if (!loaded(ec, Option::setup, "the TLS options", problem)) return nullptr;
  SSL_CTX_set_info_callback(context->native_handle(), note_refused_renegotiation);

  if (options.cert_file.empty() && !options.key_file.empty()) {
    problem = TlsProblem{Option::key_file,
                         "key file '" + options.key_file + "' given without a certificate file"};
    return nullptr;
  }
  if (!options.cert_file.empty()) {
    if (!readable(options.cert_file, Option::cert_file, problem)) return nullptr;
    context->use_certificate_chain_file(options.cert_file, ec);
    if (!file_loaded(ec, Option::cert_file, options.cert_file, problem)) return nullptr;
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    if (!readable(key, Option::key_file, problem)) return nullptr;
    context->use_private_key_file(key, ssl::context::pem, ec);
    if (ec && ec.category() == asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
      problem =
          TlsProblem{Option::key_file, "key file '" + key + "' does not match certificate file '" +
                                           options.cert_file + "'"};
      return nullptr;
    }
    if (!file_loaded(ec, Option::key_file, key, problem)) return nullptr;
  }

  // A CA file given is loaded even where no peer is verified, so that it is
  // checked the same whatever the role (validate).
  if (!options.ca_file.empty()) {
    if (!readable(options.ca_file, Option::ca_file, problem)) return nullptr;
    context->load_verify_file(options.ca_file, ec);
    if (!file_loaded(ec, Option::ca_file, options.ca_file, problem)) return nullptr;
  }
  const bool verify_peer = server ? options.require_client_cert : options.verify;
  if (verify_peer) {
    if (options.ca_file.empty()) {
      context->set_default_verify_paths(ec);
      if (!loaded(ec, Option::setup, "the default trust store", problem)) return nullptr;
    }
    ssl::verify_mode mode = ssl::verify_peer;
    if (server) mode |= ssl::verify_fail_if_no_peer_cert;
    context->set_verify_mode(mode, ec);
  } else {
    context->set_verify_mode(ssl::verify_none, ec);
  }
  if (!loaded(ec, Option::setup, "the verify mode", problem)) return nullptr;
  return context;
}

TlsSetup client_tls_setup(const TlsOptions& options, const Address& address,
                          std::shared_ptr<ssl::context> context) {
  TlsSetup setup;
  setup.context = std::move(context);
  setup.server = false;
  setup.verify = options.verify;
  setup.server_name = options.server_name.empty() ? address.host : options.server_name;
  setup.handshake_timeout = options.handshake_timeout;
  return setup;
}

bool prepare_tls_client(SSL* ssl, const TlsSetup& setup, std::string& error) {
  const std::string& name = setup.server_name;
  const bool ip = is_ip(name);
  // RFC 6066: SNI carries host names only, never IP addresses.
  // SSL_set_tlsext_host_name, without the macro's old-style cast.
  if (!ip && SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                      static_cast<void*>(const_cast<char*>(name.c_str()))) != 1) {
    error = "cannot set the TLS server name (SNI) '" + name + "'";
    ERR_clear_error();
    return false;
  }
  if (!setup.verify) return true;
  int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str())
              : SSL_set1_host(ssl, name.c_str());
  if (ok != 1) {
    error = "cannot check certificates for the name '" + name + "'";
    ERR_clear_error();
    return false;
  }
  // No partial wildcards such as "www*.example.com".
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return true;
}

bool tls_truncated(const boost::system::error_code& ec) {
  if (ec == ssl::error::stream_truncated) return true;
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
  // OpenSSL 3 reports an EOF without close_notify as an error of its own.
  if (ec.category() == asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
          SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    return true;
  }
#endif
  return false;
}

std::string tls_error_text(const boost::system::error_code& ec, SSL* ssl) {
  std::string text = error_text(ec);
  if (ssl != nullptr && refused_renegotiation_slot() >= 0 &&
      SSL_get_ex_data(ssl, refused_renegotiation_slot()) != nullptr) {
    return "peer attempted TLS renegotiation, which hio does not allow (then: " + text + ")";
  }
  if (ssl != nullptr && ec.category() == asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
    const long result = SSL_get_verify_result(ssl);
    if (result != X509_V_OK)
      text += std::string(" (") + X509_verify_cert_error_string(result) + ")";
  }
  return text;
}

}  // namespace hio::detail

namespace hio {

const char* to_string(TlsProblem::Option option) {
  switch (option) {
    case TlsProblem::Option::cert_file:
      return "cert_file";
    case TlsProblem::Option::key_file:
      return "key_file";
    case TlsProblem::Option::ca_file:
      return "ca_file";
    case TlsProblem::Option::setup:
      return "setup";
  }
  return "?";
}

std::optional<TlsProblem> validate(const TlsOptions& options) {
  // The files as a listener that verifies no client loads them: every file
  // given is loaded and checked, nothing else (no trust store) is read.
  TlsOptions files = options;
  files.require_client_cert = false;
  std::optional<TlsProblem> problem;
  (void)detail::make_tls_context(files, /*server=*/true, problem);
  return problem;
}

}  // namespace hio
