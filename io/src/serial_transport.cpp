#include "serial_transport.hpp"

#include <unistd.h>

#include <boost/asio/serial_port.hpp>
#include <boost/asio/write.hpp>
#include <stdexcept>
#include <string>

#include "byte_pump.hpp"
#include "error_text.hpp"
#include "port_life.hpp"
#include "serial_device.hpp"

namespace hio::detail {

// Bytes per read and per write; bounded by the channel's buffer room too.
constexpr std::size_t kSerialChunkBytes = 4096;

// One open of the device, to its end. Shared by its transport and the
// handlers of its pending operations (like TcpStream); the transport detaches
// it when done, and handlers that run after that do nothing.
class SerialLine final : public std::enable_shared_from_this<SerialLine>,
                         public BytePump<SerialLine, kSerialChunkBytes>,
                         public PortLife<SerialLine>,
                         public Draining {
 public:
  // `linger`: the channel's close_linger, which also bounds the wait for
  // what the driver holds at the close (SerialDevice::restore).
  SerialLine(AsioCore& core, ChannelPort port, Tock linger)
      : PortLife(port), core_(core), serial_(core.context), linger_(linger) {}
  // Destroyed with its device open (the hub went with a write in flight):
  // its settings go back all the same.
  ~SerialLine() { close_handles(); }

  void open(const Address& address) {
    path_ = address.path;
    std::string error;
    if (!device_.open(path_, address.baud, error)) {
      fail(error);
      return;
    }
    boost::system::error_code ec;
    const int fd = device_.release();
    serial_.assign(fd, ec);
    if (ec) {
      device_.restore(fd, true);
      ::close(fd);
      fail(serial_open_failure(path_, error_text(ec)));
      return;
    }
    open_ = true;
    port_.connected("", path_);
    pump();
  }

  // A local close: a write in flight goes on (its bytes are on record as tx)
  // for up to the linger of wall time, then the device closes (drained), as
  // a TCP stream drains (TcpStream::shutdown). Else it closes now.
  void close_local() {
    if (!live() || !writing()) {
      detach();
      return;
    }
    draining_ = true;
    stop_counting();  // the closed line's write: not the hub's busy()
    port_ = ChannelPort();
    start_lingering(core_, linger_, weak_from_this());
  }

  // The transport lets go for good (destruction): a draining write is left
  // to end by itself (its handler holds this; the hub then aborts it). An
  // open line's write in flight is cut now, the same way: its bytes are on
  // record as tx, and the driver's queue is dropped, not waited for.
  void let_go() {
    if (draining_) return;
    if (live() && writing()) aborting_ = true;
    detach();
  }

  bool draining() const override { return draining_; }
  bool abort_drain() override {
    if (!draining_) return false;
    draining_ = false;
    aborting_ = true;  // the driver's queue is dropped, not waited for
    shutdown();
    return true;
  }

  void pump() {
    if (!live() || !open_) return;
    pump_bytes();
  }

  // A draining write is no longer its channel's.
  std::size_t in_flight() const { return live() ? BytePump::in_flight() : 0; }

 private:
  friend class PortLife<SerialLine>;
  void close_handles() {
    draining_ = false;
    if (!serial_.is_open()) return;
    // The settings found at open go back before the close (after what the
    // driver still holds has gone out, unless the close is an abort).
    device_.restore(serial_.native_handle(), aborting_, linger_);
    boost::system::error_code ignored;
    serial_.close(ignored);
  }

  // For BytePump.
  friend class BytePump<SerialLine, kSerialChunkBytes>;
  ChannelPort& pump_port() { return port_; }
  AsioCore& pump_core() { return core_; }
  template <typename Handler>
  void read_some(asio::mutable_buffer buffer, Handler&& handler) {
    serial_.async_read_some(buffer, std::forward<Handler>(handler));
  }
  // A serial port has no wait for readability in Asio: it reads into the
  // pump's own buffer (a line or two per process, not thousands).
  bool reads_when_readable() const { return false; }
  template <typename Handler>
  void wait_readable(Handler&&) {}
  std::size_t read_ready(asio::mutable_buffer, boost::system::error_code&) { return 0; }
  template <typename Handler>
  void write_all(asio::const_buffer buffer, Handler&& handler) {
    // A local close while this write is in flight leaves it draining: its
    // end closes the device.
    asio::async_write(serial_, buffer,
                      [self = shared_from_this(), on_write = std::forward<Handler>(handler)](
                          const boost::system::error_code& ec, std::size_t n) mutable {
                        on_write(ec, n);
                        if (self->draining_) self->shutdown();
                      });
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
  SerialDevice device_;  // the settings to restore (serial_ holds the descriptor)
  asio::serial_port serial_;
  std::string path_;
  bool open_ = false;
  bool draining_ = false;  // closed locally, its write in flight goes on
  bool aborting_ = false;  // abort_drain(), let_go(): no waiting for the driver's queue
  Tock linger_;
};

void SerialFactory::check(const Address& address, ChannelRole role,
                          const ChannelOptions& /*options*/) const {
  if (role != ChannelRole::connect) {
    throw std::invalid_argument("serial:// addresses are streams to one device: connect, not " +
                                std::string(to_string(role)) + " (" + address.text() + ")");
  }
}

std::unique_ptr<Transport> SerialFactory::make(const Address& address, ChannelRole role,
                                               const ChannelOptions& options) {
  check(address, role, options);
  return std::make_unique<SerialTransport>(core_, address, options);
}

SerialTransport::SerialTransport(AsioCore& core, Address address, const ChannelOptions& options)
    : core_(core), address_(std::move(address)), close_linger_(options.close_linger) {}

SerialTransport::~SerialTransport() {
  if (line_) line_->let_go();
}

void SerialTransport::start(ChannelPort port) {
  port_ = port;
  attempt();
}

void SerialTransport::attempt() {
  // The device is opened anew: a write still draining from a local close
  // would hold its lock, so it is cut (abort_drain; then detach).
  if (line_) {
    line_->abort_drain();
    line_->detach();
  }
  line_ = std::make_shared<SerialLine>(core_, port_, close_linger_);
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
  if (line_) line_->close_local();
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
