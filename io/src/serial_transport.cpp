#include "serial_transport.hpp"

#include <boost/asio/serial_port.hpp>
#include <boost/asio/write.hpp>
#include <stdexcept>
#include <string>

#include "byte_pump.hpp"
#include "error_text.hpp"
#include "port_life.hpp"

namespace hio::detail {

// Bytes per read and per write; bounded by the channel's buffer room too.
constexpr std::size_t kSerialChunkBytes = 4096;

// One open of the device, to its end. Shared by its transport and the
// handlers of its pending operations (like TcpStream); the transport detaches
// it when done, and handlers that run after that do nothing.
class SerialLine : public std::enable_shared_from_this<SerialLine>,
                   public BytePump<SerialLine, kSerialChunkBytes>,
                   public PortLife<SerialLine> {
 public:
  SerialLine(AsioCore& core, ChannelPort port)
      : PortLife(port), core_(core), serial_(core.context) {}

  void open(const Address& address) {
    path_ = address.path;
    boost::system::error_code ec;
    serial_.open(path_, ec);
    if (ec) {
      fail("cannot open serial device " + path_ + ": " + error_text(ec));
      return;
    }
    using base = asio::serial_port_base;
    // Asio's open already made the line raw (no echo, no line editing, no
    // translation of CR/LF, no signals, 8 bits clean); these make it 8N1 at
    // the baud, without flow control.
    serial_.set_option(base::baud_rate(address.baud), ec);
    if (ec) {
      fail("cannot set " + std::to_string(address.baud) + " baud on " + path_ + ": " +
           error_text(ec));
      return;
    }
    serial_.set_option(base::character_size(8), ec);
    if (!ec) serial_.set_option(base::parity(base::parity::none), ec);
    if (!ec) serial_.set_option(base::stop_bits(base::stop_bits::one), ec);
    if (!ec) serial_.set_option(base::flow_control(base::flow_control::none), ec);
    if (ec) {
      fail("cannot set 8N1 without flow control on " + path_ + ": " + error_text(ec));
      return;
    }
    open_ = true;
    port_.connected("", path_);
    pump();
  }

  void pump() {
    if (!live() || !open_) return;
    pump_bytes();
  }

  std::size_t in_flight() const { return ended() ? 0 : BytePump::in_flight(); }

 private:
  friend class PortLife<SerialLine>;
  void close_handles() {
    boost::system::error_code ignored;
    if (serial_.is_open()) serial_.close(ignored);
  }

  // For BytePump.
  friend class BytePump<SerialLine, kSerialChunkBytes>;
  ChannelPort& pump_port() { return port_; }
  AsioCore& pump_core() { return core_; }
  template <typename Handler>
  void read_some(asio::mutable_buffer buffer, Handler&& handler) {
    serial_.async_read_some(buffer, std::forward<Handler>(handler));
  }
  template <typename Handler>
  void write_all(asio::const_buffer buffer, Handler&& handler) {
    asio::async_write(serial_, buffer, std::forward<Handler>(handler));
  }

  void end(const boost::system::error_code& ec, PumpOp op) {
    ChannelPort port = port_;
    shutdown();
    // What a tty reports once its other side is gone (a pty's master closed,
    // a USB adapter unplugged): end of file or an IO error.
    if (ec == asio::error::eof) {
      port.closed(CloseWho::remote, "device hung up");
    } else if (ec == boost::system::errc::io_error || ec == boost::system::errc::no_such_device ||
               ec == boost::system::errc::no_such_device_or_address) {
      port.closed(CloseWho::remote, "device hung up: " + error_text(ec));
    } else {
      port.failed(std::string(op == PumpOp::read ? "read from " : "write to ") + path_ +
                  " failed: " + error_text(ec));
    }
  }

  AsioCore& core_;
  asio::serial_port serial_;
  std::string path_;
  bool open_ = false;
};

std::unique_ptr<Transport> SerialFactory::make(const Address& address, ChannelRole role,
                                               const ChannelOptions& options) {
  if (role != ChannelRole::connect) {
    throw std::invalid_argument("serial:// addresses are streams to one device: connect, not " +
                                std::string(to_string(role)) + " (" + address.text() + ")");
  }
  return std::make_unique<SerialTransport>(core_, address, options);
}

SerialTransport::SerialTransport(AsioCore& core, Address address, const ChannelOptions& options)
    : core_(core), address_(std::move(address)) {
  if (options.retry < Tock{0}) {
    throw std::invalid_argument("serial " + address_.text() + ": retry must be >= 0");
  }
}

SerialTransport::~SerialTransport() {
  if (line_) line_->detach();
}

void SerialTransport::start(ChannelPort port) {
  port_ = port;
  attempt();
}

void SerialTransport::attempt() {
  if (line_) line_->detach();
  line_ = std::make_shared<SerialLine>(core_, port_);
  line_->open(address_);
}

void SerialTransport::service() {
  if (stopped_) return;
  // An open that has ended waits for reopen() (the channel's retry grid, or
  // the doer).
  if (line_ && !line_->ended()) line_->pump();
}

void SerialTransport::close(std::string_view why) {
  stopped_ = true;
  if (line_) line_->detach();
  port_.closed(CloseWho::local, why);
}

void SerialTransport::reopen() {
  stopped_ = false;
  port_.opening();
  attempt();
}

std::size_t SerialTransport::in_flight() const {
  return line_ ? line_->in_flight() : 0;
}

}  // namespace hio::detail
