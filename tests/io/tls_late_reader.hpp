// tls_upload_then_read_late: a TLS 1.3 client on a blocking socket with a
// small receive buffer, for a test's own thread (OpenSSL directly: hio's TLS
// client cannot send bytes after its close_notify). It uploads a payload
// without reading, sends close_notify, waits for the test's cue (the server
// closed), pauses, sends raw bytes in a later TCP segment than the
// close_notify (a hostile or broken peer; RFC 8446 6.1: data after a closure
// alert MUST be ignored), and only then reads: what came back, whether the
// server's close_notify came, and how TCP ended. Every step is bounded
// (10 s socket timeouts, a 10 s wait for the cue).
#pragma once

#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "raw_socket.hpp"

namespace hio::test {

struct LateRead {
  std::string received;
  bool close_notify = false;  // the server's, after what it sent
  std::string end;            // "fin", "reset", or what went wrong
};

// Reads `ssl` (over `fd`) to its end into `read`: the bytes, whether the
// peer's close_notify came, and how TCP ended after it ("fin", "reset"), or
// what ended the reads without it ("SSL error N": a FIN with no
// close_notify is OpenSSL 3's unexpected eof). Bounded by the socket's
// timeouts.
inline void read_tls_to_the_end(SSL* ssl, int fd, LateRead& read) {
  char buffer[65536];
  for (;;) {
    const int r = SSL_read(ssl, buffer, sizeof(buffer));
    if (r > 0) {
      read.received.append(buffer, static_cast<std::size_t>(r));
      continue;
    }
    const int error = SSL_get_error(ssl, r);
    if (error == SSL_ERROR_ZERO_RETURN) {
      read.close_notify = true;
      break;
    }
    // The kernel says a reset once, to the read that meets it.
    read.end = error == SSL_ERROR_SYSCALL && errno == ECONNRESET
                   ? "reset"
                   : "SSL error " + std::to_string(error);
    return;
  }
  const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
  read.end = n == 0                         ? "fin"
             : n < 0 && errno == ECONNRESET ? "reset"
             : n < 0                        ? "error " + std::to_string(errno)
                                            : "more bytes after the close_notify";
}

inline LateRead tls_upload_then_read_late(std::uint16_t port, const std::string& ca_file,
                                          const std::string& payload, const std::string& after,
                                          const std::atomic<bool>& cue) {
  LateRead read;
  RawSocket socket(::socket(AF_INET, SOCK_STREAM, 0));
  const int rcvbuf = 4096;  // the server's kernel keeps most of its echo
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  const timeval timeout{10, 0};
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr = loopback(port);
  if (::connect(socket.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    read.end = "connect failed";
    return read;
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION);
  SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_fd(ssl.get(), socket.fd());
  SSL_set1_host(ssl.get(), "localhost");
  if (SSL_connect(ssl.get()) != 1) {
    read.end = "handshake failed";
    return read;
  }
  for (std::size_t sent = 0; sent < payload.size();) {
    const int n = static_cast<int>(std::min<std::size_t>(payload.size() - sent, 16384));
    const int r = SSL_write(ssl.get(), payload.data() + sent, n);
    if (r <= 0) {
      read.end = "upload failed";
      return read;
    }
    sent += static_cast<std::size_t>(r);
  }
  SSL_shutdown(ssl.get());  // close_notify: the end of the upload
  const auto start = std::chrono::steady_clock::now();
  while (!cue && std::chrono::steady_clock::now() - start < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (::send(socket.fd(), after.data(), after.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(after.size())) {
    read.end = "the bytes after the close_notify not sent";
    return read;
  }
  read_tls_to_the_end(ssl.get(), socket.fd(), read);
  return read;
}

}  // namespace hio::test
