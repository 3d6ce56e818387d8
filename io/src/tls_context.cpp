#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <vector>

#include "error_text.hpp"
#include "hio/io/input_file.hpp"

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

// The most bytes a TLS file may hold. Certificates and keys are a few KB, a
// CA bundle (the system's trust store) a few hundred; OpenSSL's PEM reader
// takes a while for megabytes of lines before a PEM block, and the files
// are read again at every open, so a larger file is refused.
constexpr std::uintmax_t kTlsFileSizeMax = 4 * 1024 * 1024;

// The bytes of a TLS file, read once (read_input) and handed to OpenSSL
// from memory, so the bytes checked are the bytes used; nullopt with
// `problem` set if it cannot be read. OpenSSL's own messages for a missing
// file are vague ("system lib"), and a directory opens as a file. Only
// regular files are taken: the files are read at validate() and again at
// every open, which a FIFO cannot serve (the second open would wait for a
// writer, or read nothing), and the check must not wait on anything.
std::optional<std::string> tls_file(const std::string& path, Option option,
                                    std::optional<TlsProblem>& problem) {
  InputRead read = read_input(path, kTlsFileSizeMax);
  if (read.unfit) {
    std::string message = std::string(file_words(option)) + " '" + path + "' is " +
                          unfit_input_words(*read.unfit, kTlsFileSizeMax);
    if (read.unfit->too_large()) {
      message +=
          " (certificates and keys are a few KB; hio reads TLS files when it checks them "
          "and again at every open)";
    } else if (read.unfit->type != std::filesystem::file_type::directory) {
      message +=
          ", not a regular file: hio reads TLS files when it checks them and again at "
          "every open";
    }
    problem = TlsProblem{option, message};
    return std::nullopt;
  }
  if (read.error != 0) {
    problem = TlsProblem{option, std::string("cannot read ") + file_words(option) + " '" + path +
                                     "': " + input_error_words(read.error)};
    return std::nullopt;
  }
  return std::move(read.bytes);
}

bool loaded(const boost::system::error_code& ec, Option option, const std::string& what,
            std::optional<TlsProblem>& problem) {
  if (!ec) return true;
  problem = TlsProblem{option, "cannot use " + what + ": " + error_text(ec)};
  return false;
}

// OpenSSL's default pass-phrase callback prompts on the terminal (and
// blocks there); hio takes no pass phrase, so every request is refused, and
// noted in `asked` (a bool) where the caller gives one.
int refuse_pass_phrase(char* /*buffer*/, int /*size*/, int /*writing*/, void* asked) {
  if (asked != nullptr) *static_cast<bool*>(asked) = true;
  return -1;
}

// OpenSSL's reason for the oldest error queued, and the queue emptied.
std::string openssl_reason() {
  const unsigned long code = ERR_peek_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  return error_text(
      boost::system::error_code(static_cast<int>(code), asio::error::get_ssl_category()));
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct InfosFree {
  void operator()(STACK_OF(X509_INFO) * infos) const {
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
  }
};

// A BIO that reads `bytes` (which must outlive it); null if OpenSSL cannot
// make one (its reason queued).
std::unique_ptr<BIO, BioFree> memory_bio(const std::string& bytes) {
  return std::unique_ptr<BIO, BioFree>(
      BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// SSL_CTX_use_certificate_chain_file, from the bytes of the file: the first
// certificate is ctx's, the ones after it its chain. False with OpenSSL's
// reason queued.
bool use_certificate_chain(SSL_CTX* ctx, const std::string& bytes) {
  ERR_clear_error();
  const std::unique_ptr<BIO, BioFree> bio = memory_bio(bytes);
  if (!bio) return false;
  const std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509_AUX(bio.get(), nullptr, refuse_pass_phrase, nullptr));
  if (!cert || SSL_CTX_use_certificate(ctx, cert.get()) != 1 || ERR_peek_error() != 0 ||
      SSL_CTX_clear_chain_certs(ctx) != 1) {
    return false;
  }
  while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, refuse_pass_phrase, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, ca) != 1) {  // owns `ca` once added
      X509_free(ca);
      return false;
    }
  }
  // The loop ends at the end of the bytes (no further PEM block), or at a
  // damaged one.
  const unsigned long last = ERR_peek_last_error();
  if (ERR_GET_LIB(last) != ERR_LIB_PEM || ERR_GET_REASON(last) != PEM_R_NO_START_LINE) {
    return false;
  }
  ERR_clear_error();
  return true;
}

// SSL_CTX_load_verify_locations for a CA file, from its bytes: every
// certificate and CRL in it is trusted. False with OpenSSL's reason queued.
bool load_verify_bytes(SSL_CTX* ctx, const std::string& bytes) {
  ERR_clear_error();
  const std::unique_ptr<BIO, BioFree> bio = memory_bio(bytes);
  if (!bio) return false;
  const std::unique_ptr<STACK_OF(X509_INFO), InfosFree> infos(
      PEM_X509_INFO_read_bio(bio.get(), nullptr, refuse_pass_phrase, nullptr));
  if (!infos) return false;
  X509_STORE* const store = SSL_CTX_get_cert_store(ctx);
  int count = 0;
  for (int i = 0; i < sk_X509_INFO_num(infos.get()); ++i) {
    const X509_INFO* const info = sk_X509_INFO_value(infos.get(), i);
    if (info->x509 != nullptr) {
      if (X509_STORE_add_cert(store, info->x509) != 1) return false;
      ++count;
    }
    if (info->crl != nullptr) {
      if (X509_STORE_add_crl(store, info->crl) != 1) return false;
      ++count;
    }
  }
  if (count > 0) return true;
    // OpenSSL's words for a file without one.
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  ERR_raise(ERR_LIB_X509, X509_R_NO_CERTIFICATE_OR_CRL_FOUND);
#else
  X509err(X509_F_X509_LOAD_CERT_CRL_FILE, X509_R_NO_CERTIFICATE_OR_CRL_FOUND);
#endif
  return false;
}

// The names of the PEM blocks in `bio` from where it stands ("CERTIFICATE",
// "X509 CRL"), each once, in the order met; none for none.
std::vector<std::string> pem_block_names(BIO* bio) {
  std::vector<std::string> names;
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  while (PEM_read_bio(bio, &name, &header, &data, &length) == 1) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
  }
  ERR_clear_error();
  return names;
}

bool is_certificate_block(const std::string& name) {
  return name == "CERTIFICATE" || name == "TRUSTED CERTIFICATE" || name == "X509 CERTIFICATE";
}
bool is_key_block(const std::string& name) {
  return name.ends_with("PRIVATE KEY");  // PRIVATE KEY, RSA/EC/ENCRYPTED PRIVATE KEY, ...
}

// What a TLS file (`option`'s) holds instead of the block it should hold,
// in words a user can act on: "no certificate in it (no complete PEM
// block)", "it holds a private key, not a certificate", "no private key in
// it (it holds CERTIFICATE REQUEST)". nullopt when it holds a block of the
// right kind (a damaged one: OpenSSL's reason is then the better words).
// One function for the certificate, key and CA files, so that the same
// mistake reads the same in each.
std::optional<std::string> pem_mismatch_words(const std::string& bytes, Option option) {
  const std::unique_ptr<BIO, BioFree> bio = memory_bio(bytes);
  if (!bio) return std::nullopt;
  const std::vector<std::string> names = pem_block_names(bio.get());
  const bool want_key = option == Option::key_file;
  const auto wanted = [&](const std::string& name) {
    if (want_key) return is_key_block(name);
    return is_certificate_block(name) || (option == Option::ca_file && name == "X509 CRL");
  };
  const auto other = want_key ? is_certificate_block : is_key_block;
  if (std::any_of(names.begin(), names.end(), wanted)) return std::nullopt;
  const std::string noun = want_key ? "private key" : "certificate";
  if (names.empty()) return "no " + noun + " in it (no complete PEM block)";
  if (std::all_of(names.begin(), names.end(), other)) {
    return std::string("it holds ") + (want_key ? "a certificate" : "a private key") + ", not a " +
           noun;
  }
  std::string held;
  for (const std::string& n : names)
    held += (held.empty() ? "" : ", ") + n;
  return "no " + noun + " in it (it holds " + held + ")";
}

// "cannot use <file> '<path>': <what it holds instead of a certificate>",
// or OpenSSL's reason for a damaged certificate; for make_tls_context.
std::nullptr_t certificate_failure(Option option, const std::string& path, const std::string& bytes,
                                   std::optional<TlsProblem>& problem) {
  const std::string reason = openssl_reason();
  const std::optional<std::string> mismatch = pem_mismatch_words(bytes, option);
  problem = TlsProblem{option, std::string("cannot use ") + file_words(option) + " '" + path +
                                   "': " + mismatch.value_or(reason)};
  return nullptr;
}

// Loads the private key of `key` (a path: key_file, or cert_file when the
// key is in it) into `ctx` and checks it against the certificate loaded
// before. Never asks for a pass phrase; says what the file holds instead of
// a key when it holds none.
bool load_private_key(SSL_CTX* ctx, const std::string& key, const std::string& bytes,
                      const TlsOptions& options, std::optional<TlsProblem>& problem) {
  const bool in_cert = options.key_file.empty();
  const auto fail = [&](const std::string& message) {
    problem = TlsProblem{Option::key_file, message};
    return false;
  };
  ERR_clear_error();
  const std::unique_ptr<BIO, BioFree> bio = memory_bio(bytes);
  if (!bio) return fail("cannot read key file '" + key + "': " + openssl_reason());
  bool asked = false;
  const std::unique_ptr<EVP_PKEY, PkeyFree> pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_pass_phrase, &asked));
  if (!pkey) {
    if (asked) {
      ERR_clear_error();
      return fail((in_cert ? "the key in certificate file '" : "key file '") + key +
                  "' is encrypted, and hio takes no pass phrase: give the key decrypted "
                  "(openssl pkey -in <encrypted> -out <plain>)");
    }
    const std::string reason = openssl_reason();
    const std::optional<std::string> mismatch = pem_mismatch_words(bytes, Option::key_file);
    if (!mismatch) return fail("cannot use key file '" + key + "': " + reason);  // a damaged key
    if (in_cert) {
      return fail("certificate file '" + key + "' holds no private key, and no key file is given");
    }
    return fail("cannot use key file '" + key + "': " + *mismatch);
  }
  // SSL_CTX_use_PrivateKey finds a mismatch only for a key of the
  // certificate's own algorithm: a key of another one (an EC key for an RSA
  // certificate) goes to that algorithm's slot, and every handshake would
  // then fail with "no shared cipher". So the key is checked against the
  // certificate first, whatever its algorithm.
  X509* const cert = SSL_CTX_get0_certificate(ctx);
  if (cert != nullptr && X509_check_private_key(cert, pkey.get()) != 1) {
    const int reason = ERR_GET_REASON(ERR_peek_last_error());
    if (reason == X509_R_KEY_VALUES_MISMATCH || reason == X509_R_KEY_TYPE_MISMATCH) {
      ERR_clear_error();
      return fail("key file '" + key + "' does not match certificate file '" + options.cert_file +
                  "'");
    }
    return fail("cannot use key file '" + key + "': " + openssl_reason());
  }
  if (SSL_CTX_use_PrivateKey(ctx, pkey.get()) == 1) return true;
  return fail("cannot use key file '" + key + "': " + openssl_reason());
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
  // Never a prompt on the terminal, whatever OpenSSL reads for this context.
  SSL_CTX_set_default_passwd_cb(context->native_handle(), refuse_pass_phrase);
  // TLS 1.2 (or 1.3) and later only; no compression, no renegotiation by the
  // peer.
  const bool only_1_3 = options.min_version == TlsVersion::tls1_3;
  if (SSL_CTX_set_min_proto_version(context->native_handle(),
                                    only_1_3 ? TLS1_3_VERSION : TLS1_2_VERSION) != 1) {
    problem = TlsProblem{Option::setup, std::string("cannot require TLS ") +
                                            to_string(options.min_version) + " or later"};
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
    const std::optional<std::string> cert = tls_file(options.cert_file, Option::cert_file, problem);
    if (!cert) return nullptr;
    if (!use_certificate_chain(context->native_handle(), *cert)) {
      return certificate_failure(Option::cert_file, options.cert_file, *cert, problem);
    }
    // The key is in the certificate file when no key file is given: those
    // bytes are used again, not read again.
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    std::optional<std::string> key_bytes = cert;
    if (!options.key_file.empty()) key_bytes = tls_file(key, Option::key_file, problem);
    if (!key_bytes) return nullptr;
    if (!load_private_key(context->native_handle(), key, *key_bytes, options, problem)) {
      return nullptr;
    }
  }

  // A CA file given is loaded even where no peer is verified, so that it is
  // checked the same whatever the role (validate).
  if (!options.ca_file.empty()) {
    const std::optional<std::string> ca = tls_file(options.ca_file, Option::ca_file, problem);
    if (!ca) return nullptr;
    if (!load_verify_bytes(context->native_handle(), *ca)) {
      return certificate_failure(Option::ca_file, options.ca_file, *ca, problem);
    }
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
  std::string name = options.server_name.empty() ? address.host : options.server_name;
  // A server_name written as an address writes its host, "[::1]", is that
  // IPv6 address (a DNS name has no brackets): taken for a name, it was sent
  // as SNI and failed as a "hostname mismatch".
  if (name.size() > 2 && name.front() == '[' && name.back() == ']' &&
      is_ip(name.substr(1, name.size() - 2))) {
    name = name.substr(1, name.size() - 2);
  }
  // A certificate names an IP address without its zone id (the local
  // interface of a link-local address: "fe80::1%eth0" is checked as fe80::1).
  if (is_ip(name)) name.erase(std::min(name.find('%'), name.size()));
  setup.server_name = std::move(name);
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

bool tls_close_notify_received(SSL* ssl) {
  return (SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN) != 0;
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

const char* to_string(TlsVersion version) {
  switch (version) {
    case TlsVersion::tls1_2:
      return "1.2";
    case TlsVersion::tls1_3:
      return "1.3";
  }
  return "?";
}

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
