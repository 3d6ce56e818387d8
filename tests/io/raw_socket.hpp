// Plain POSIX sockets on 127.0.0.1 for the other side of real-IO tests: a
// peer that closes or resets on cue, a listener hio's client connects to,
// and a port known to be free. Every call is bounded (non-blocking or local).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace hio::test {

class RawSocket {
 public:
  RawSocket() = default;
  explicit RawSocket(int fd) : fd_(fd) {}
  RawSocket(RawSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RawSocket& operator=(RawSocket&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  ~RawSocket() { reset(); }

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::uint16_t port() const {
    sockaddr_in addr{};
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
  }

  // The next close sends RST instead of FIN.
  void set_linger_zero() {
    linger option{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  }

  void send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("raw send failed, errno " + std::to_string(errno));
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
};

inline sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// A non-blocking listener on 127.0.0.1, ephemeral port.
inline RawSocket raw_listen() {
  RawSocket s(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  sockaddr_in addr = loopback(0);
  if (::bind(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(s.fd(), 16) != 0) {
    throw std::runtime_error("raw listen failed, errno " + std::to_string(errno));
  }
  return s;
}

// A connection from the listener's queue, or an invalid socket if none yet.
inline RawSocket raw_try_accept(const RawSocket& listener) {
  return RawSocket(::accept4(listener.fd(), nullptr, nullptr, 0));
}

// Connects to 127.0.0.1:port; a listening port completes at once (backlog).
inline RawSocket raw_connect(std::uint16_t port) {
  RawSocket s(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr = loopback(port);
  if (::connect(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    throw std::runtime_error("raw connect failed, errno " + std::to_string(errno));
  }
  return s;
}

// A port nothing listens on (bound, read, released).
inline std::uint16_t free_port() {
  RawSocket s(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr = loopback(0);
  ::bind(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  return s.port();
}

// Sends `count` datagrams of `bytes` bytes to 127.0.0.1:port at once: a
// sender much faster than a run reads (a loopback send does not wait for
// the receiver; what its socket's buffer has no room for, the kernel
// drops). Returns how many the system took.
inline int flood_udp(std::uint16_t port, int count, std::size_t bytes) {
  RawSocket s(::socket(AF_INET, SOCK_DGRAM, 0));
  sockaddr_in addr = loopback(port);
  const std::string payload(bytes, 'f');
  int sent = 0;
  for (int i = 0; i < count && s.valid(); ++i) {
    if (::sendto(s.fd(), payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&addr),
                 sizeof(addr)) == static_cast<ssize_t>(payload.size()))
      ++sent;
  }
  return sent;
}

}  // namespace hio::test
