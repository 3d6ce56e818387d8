// TcpStream: one TCP connection on Asio, from connecting (or being accepted)
// to its end, moving bytes between its socket and its channel's buffers
// through the ChannelPort. Shared by the client and accepted transports.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asio_core.hpp"
#include "hio/io/transport.hpp"

namespace hio::detail {

using tcp = asio::ip::tcp;

// Bytes per read and per write; bounded by the channel's buffer room too.
inline constexpr std::size_t kTcpChunkBytes = 64 * 1024;

// "127.0.0.1:80" or "[::1]:80".
std::string endpoint_text(const tcp::endpoint& endpoint);
// Applies SO_SNDBUF/SO_RCVBUF when asked for (0: OS default).
template <typename Socket>
void apply_buffer_size(Socket& socket, std::size_t bytes, boost::system::error_code& ec);

// Ownership: shared by its transport and by the handlers of its pending
// operations, so a handler never outlives the object it uses. The transport
// detaches it when done; handlers that run after that do nothing.
class TcpStream : public std::enable_shared_from_this<TcpStream> {
 public:
  enum class Phase { idle, resolving, connecting, established, ended };

  TcpStream(AsioCore& core, ChannelPort port, std::size_t socket_buffer_bytes);
  TcpStream(AsioCore& core, ChannelPort port, tcp::socket socket);

  // Clients: resolves the host unless it is an IP address, then tries each
  // endpoint in order. Reports port.connected or port.failed.
  void connect(const Address& address);
  // Accepted sockets: reports port.connected and starts moving bytes.
  void accepted();
  // Starts a write if tx has bytes and a read if rx has room.
  void pump();
  // Ends it now without reporting (a local close; the owner reports).
  // Runs the on-end callback.
  void shutdown();
  // Ends it silently and forgets the port: for destruction.
  void detach();
  // Called once when it ends, by any path except detach().
  void set_on_end(std::function<void()> on_end) { on_end_ = std::move(on_end); }

  Phase phase() const { return phase_; }
  bool ended() const { return phase_ == Phase::ended; }
  bool established() const { return phase_ == Phase::established; }
  std::size_t in_flight() const { return writing_ && !ended() ? write_buf_.size() : 0; }

 private:
  bool live() const { return static_cast<bool>(port_) && phase_ != Phase::ended; }
  void on_resolved(const boost::system::error_code& ec, const tcp::resolver::results_type& results);
  void try_next_endpoint();
  void on_connected(const boost::system::error_code& ec);
  void establish();
  void start_read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void start_write();
  void on_write(const boost::system::error_code& ec);
  // The connection ended with `ec` during `op`: reports close or failure.
  void end(const boost::system::error_code& ec, const char* op);
  void fail(const std::string& reason);
  // Releases the socket and resolver; runs on_end_ once.
  void finish();

  AsioCore& core_;
  ChannelPort port_;
  tcp::socket socket_;
  std::optional<tcp::resolver> resolver_;
  std::size_t socket_buffer_bytes_ = 0;
  Phase phase_ = Phase::idle;
  std::string target_;  // host:port being connected to, for messages
  std::vector<tcp::endpoint> endpoints_;
  std::size_t next_endpoint_ = 0;
  std::string last_error_;
  std::string read_buf_;
  std::string write_buf_;
  bool reading_ = false;
  bool writing_ = false;
  std::function<void()> on_end_;
};

}  // namespace hio::detail
