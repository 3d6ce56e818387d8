// TlsHalfClosingPeer: HalfClosingPeer over TLS, on a plain socket and
// OpenSSL directly (hio's TLS client has no half-close): it connects to
// 127.0.0.1:port, handshakes (trusting `ca_file`), sends its payload as far
// as the socket takes it each pass, then sends close_notify (SSL_shutdown:
// the end of its data, TLS 1.3's half-close) and reads on until the
// server's close_notify. It speaks TLS `version` only (TLS1_3_VERSION by
// default). Given `after_close_notify`, it sends those raw bytes right after
// its close_notify, in the same send(2) so that they arrive together (a
// hostile or broken peer; RFC 8446 6.1: data after a closure alert MUST be
// ignored). Runs every pass; bounded by its Doist's limit.
#pragma once

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "hio/engine/doer.hpp"
#include "raw_socket.hpp"

namespace hio::test {

class TlsHalfClosingPeer final : public Doer {
 public:
  TlsHalfClosingPeer(std::uint16_t port, std::string payload, const std::string& ca_file,
                     int version = TLS1_3_VERSION, std::string after_close_notify = "")
      : Doer("tls half-closing peer"),
        port_(port),
        payload_(std::move(payload)),
        after_close_notify_(std::move(after_close_notify)) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx_, version);
    SSL_CTX_set_max_proto_version(ctx_, version);
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  }
  ~TlsHalfClosingPeer() override {
    if (ssl_ != nullptr) SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  TlsHalfClosingPeer(const TlsHalfClosingPeer&) = delete;
  TlsHalfClosingPeer& operator=(const TlsHalfClosingPeer&) = delete;

  const std::string& received() const { return received_; }
  // The server's close_notify came.
  bool got_close_notify() const { return eof_; }
  // What failed (OpenSSL's reason), or "".
  const std::string& error() const { return error_; }
  bool done() const { return eof_ || !error_.empty(); }

 protected:
  bool recur(Tyme) override {
    if (ssl_ == nullptr) start();
    if (error_.empty() && !handshaken_) handshake();
    if (error_.empty() && handshaken_) {
      send();
      receive();
    }
    return done();
  }

 private:
  void start() {
    socket_ = raw_connect(port_);
    ::fcntl(socket_.fd(), F_SETFL, ::fcntl(socket_.fd(), F_GETFL) | O_NONBLOCK);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, socket_.fd());
    SSL_set1_host(ssl_, "localhost");
    SSL_set_connect_state(ssl_);
  }
  // Whether `result` of an SSL call only means "not now"; else records why.
  bool would_block(int result) {
    const int e = SSL_get_error(ssl_, result);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
    error_ = "SSL error " + std::to_string(e) + ": " + ERR_error_string(ERR_get_error(), nullptr);
    return false;
  }
  void handshake() {
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
      handshaken_ = true;
    } else {
      would_block(r);
    }
  }
  void send() {
    while (sent_ < payload_.size()) {
      // A retried SSL_write must be given the same bytes: the chunk depends
      // on sent_ only.
      const int n = static_cast<int>(std::min<std::size_t>(payload_.size() - sent_, 16384));
      const int r = SSL_write(ssl_, payload_.data() + sent_, n);
      if (r <= 0) {
        would_block(r);
        return;
      }
      sent_ += static_cast<std::size_t>(r);
    }
    if (!shut_ && !after_close_notify_.empty()) {
      close_notify_then_trailing_bytes();
    } else if (!shut_) {
      const int r = SSL_shutdown(ssl_);  // 0: close_notify sent, the peer's not yet
      if (r >= 0 || !would_block(r)) shut_ = true;
    }
  }
  // close_notify goes to a memory BIO, then out with the trailing bytes in
  // one send: a few dozen bytes, which a socket with room takes whole.
  void close_notify_then_trailing_bytes() {
    BIO* memory = BIO_new(BIO_s_mem());
    SSL_set0_wbio(ssl_, memory);
    SSL_shutdown(ssl_);
    char* data = nullptr;
    const long size = BIO_get_mem_data(memory, &data);
    std::string bytes(data, static_cast<std::size_t>(size));
    bytes += after_close_notify_;
    SSL_set0_wbio(ssl_, BIO_new_socket(socket_.fd(), BIO_NOCLOSE));
    shut_ = true;
    const ssize_t sent = ::send(socket_.fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent != static_cast<ssize_t>(bytes.size()))
      error_ = "close_notify and the bytes after it not sent whole: " + std::to_string(sent);
  }
  void receive() {
    char buf[64 * 1024];
    while (!eof_ && error_.empty()) {
      const int r = SSL_read(ssl_, buf, sizeof(buf));
      if (r > 0) {
        received_.append(buf, static_cast<std::size_t>(r));
      } else if (SSL_get_error(ssl_, r) == SSL_ERROR_ZERO_RETURN) {
        eof_ = true;
      } else if (would_block(r)) {
        return;
      }
    }
  }

  std::uint16_t port_;
  std::string payload_;
  std::string after_close_notify_;
  RawSocket socket_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool handshaken_ = false;
  std::size_t sent_ = 0;
  bool shut_ = false;
  bool eof_ = false;
  std::string error_;
  std::string received_;
};

}  // namespace hio::test
