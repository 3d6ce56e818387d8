// tls_accept_then_read_late: a TLS server on a test's own thread (OpenSSL
// directly, on a blocking socket) that accepts one client on `listener`
// (made with a small receive buffer by the test, so the client's window
// fills), handshakes, reads nothing until the test's cue (the client closed),
// then reads everything: what came, whether the client's close_notify came
// after it, and how TCP ended. Every step is bounded (10 s socket timeouts,
// a 10 s wait for the client and for the cue).
#pragma once

#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "raw_socket.hpp"
#include "tls_late_reader.hpp"  // LateRead, read_tls_to_the_end

namespace hio::test {

inline LateRead tls_accept_then_read_late(const RawSocket& listener, const std::string& cert_file,
                                          const std::string& key_file,
                                          const std::atomic<bool>& cue) {
  LateRead read;
  pollfd ready{listener.fd(), POLLIN, 0};
  if (::poll(&ready, 1, 10000) != 1) {
    read.end = "no client came";
    return read;
  }
  RawSocket socket(::accept(listener.fd(), nullptr, nullptr));
  if (!socket.valid()) {
    read.end = "accept failed";
    return read;
  }
  const timeval timeout{10, 0};
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()),
                                                        SSL_CTX_free);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    read.end = "certificate not loaded";
    return read;
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_fd(ssl.get(), socket.fd());
  if (SSL_accept(ssl.get()) != 1) {
    read.end = "handshake failed";
    return read;
  }
  const auto start = std::chrono::steady_clock::now();
  while (!cue && std::chrono::steady_clock::now() - start < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  read_tls_to_the_end(ssl.get(), socket.fd(), read);
  return read;
}

}  // namespace hio::test
