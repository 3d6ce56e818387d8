// HalfClosingPeer: the other side of half-close tests, on plain POSIX
// sockets: it connects to 127.0.0.1:port, sends its payload (as much as the
// kernel takes each pass, never blocking), then shutdown(SHUT_WR) — a FIN,
// the end of its data only — and reads until the server's FIN (recv 0).
// Runs every pass; bounded by its Doist's limit.
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "hio/engine/doer.hpp"
#include "raw_socket.hpp"

namespace hio::test {

class HalfClosingPeer final : public Doer {
 public:
  HalfClosingPeer(std::uint16_t port, std::string payload)
      : Doer("half-closing peer"), port_(port), payload_(std::move(payload)) {}

  const std::string& received() const { return received_; }
  bool shut() const { return shut_; }
  // The server's FIN came (recv returned 0).
  bool got_eof() const { return eof_; }
  // A recv or send failed (errno), or "".
  const std::string& error() const { return error_; }
  bool done() const { return eof_ || !error_.empty(); }

 protected:
  bool recur(Tyme) override {
    if (!socket_.valid()) socket_ = raw_connect(port_);
    while (!shut_ && sent_ < payload_.size()) {
      const ssize_t n = ::send(socket_.fd(), payload_.data() + sent_, payload_.size() - sent_,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) error_ = "send errno " + std::to_string(errno);
        break;
      }
      sent_ += static_cast<std::size_t>(n);
    }
    if (!shut_ && sent_ == payload_.size()) {
      ::shutdown(socket_.fd(), SHUT_WR);  // FIN: the end of this side's data
      shut_ = true;
    }
    char buf[64 * 1024];
    while (!eof_ && error_.empty()) {
      const ssize_t n = ::recv(socket_.fd(), buf, sizeof(buf), MSG_DONTWAIT);
      if (n == 0) {
        eof_ = true;
      } else if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) error_ = "recv errno " + std::to_string(errno);
        break;
      } else {
        received_.append(buf, static_cast<std::size_t>(n));
      }
    }
    return done();
  }

 private:
  std::uint16_t port_;
  std::string payload_;
  RawSocket socket_;
  std::size_t sent_ = 0;
  bool shut_ = false;
  bool eof_ = false;
  std::string error_;
  std::string received_;
};

// A deterministic payload of `size` bytes, every byte value in turn, so a
// lost, doubled or reordered chunk shows.
inline std::string pattern_bytes(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
  return out;
}

}  // namespace hio::test
