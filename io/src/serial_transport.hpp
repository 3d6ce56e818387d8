// The real serial transport on Asio serial_port: a device opened raw, 8N1,
// without flow control, at the address's baud, moving bytes between it and
// a stream channel. And the factory for serial:// addresses.
#pragma once

#include <memory>

#include "asio_core.hpp"
#include "hio/io/transport.hpp"

namespace hio::detail {

class SerialFactory final : public TransportFactory {
 public:
  explicit SerialFactory(AsioCore& core) : core_(core) {}
  // connect only (a serial device is a stream with one peer).
  std::unique_ptr<Transport> make(const Address& address, ChannelRole role,
                                  const ChannelOptions& options) override;
  void check(const Address& address, ChannelRole role,
             const ChannelOptions& options) const override;

 private:
  AsioCore& core_;
};

class SerialLine;

// Opens the device at start (synchronously: connected or failed before
// start returns). A device that cannot be opened or configured (missing,
// busy, a baud it does not support) fails the channel with the reason. A
// device that hangs up (a pty whose other side closed, an unplugged USB
// adapter) is a remote close. With ChannelOptions::retry its channel opens the
// device again on its retry grid (reopen()), as TCP clients reconnect. A
// local close lets a write in flight finish first, for up to
// ChannelOptions::close_linger (as TCP does; IoHub::finish_closing waits
// for it at the end of a run); the device then gets back the settings it had,
// once what the driver still holds has gone out — for at most close_linger
// more, in the run thread (dropped after that). A hub destroyed with a write
// in flight, on an open line or a closed one, cuts it and drops the driver's
// queue, as TCP resets.
class SerialTransport final : public Transport {
 public:
  SerialTransport(AsioCore& core, Address address, const ChannelOptions& options);
  ~SerialTransport() override;

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  void reopen() override;
  std::size_t in_flight() const override;

 private:
  void attempt();

  AsioCore& core_;
  Address address_;
  ChannelPort port_;
  std::shared_ptr<SerialLine> line_;
  Tock close_linger_;
  bool stopped_ = false;  // closed locally
};

}  // namespace hio::detail
