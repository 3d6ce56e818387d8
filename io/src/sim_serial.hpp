// SimSerialTransport: one end of a simulated serial line (sim-serial://dev),
// the sim twin of an open serial port.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sim_core.hpp"

namespace hio::detail {

// Opens at start ("busy" if the device is already open; "No such file or
// directory" while its line is unplugged), connected at once: a serial port
// has no handshake. service() moves bytes that waited behind a
// full rx buffer into rx, then feeds the line's transmit FIFO from tx.
class SimSerialTransport final : public SimEndpoint {
 public:
  SimSerialTransport(SimCore& core, std::uint32_t line, int side, std::uint32_t baud);
  ~SimSerialTransport() override;

  void start(ChannelPort port) override;
  void service() override;
  void close(std::string_view why) override;
  void reopen() override;
  std::size_t in_flight() const override;

  std::uint32_t baud() const { return baud_; }
  bool attached() const { return attached_; }
  // From the core: returns how many bytes did not fit (lost to an overrun).
  std::size_t arrive(std::string_view bytes);
  // How many bytes arrive() would keep now (rx buffer, then receive FIFO).
  std::size_t room() const;
  // From the core: the line was unplugged. The end lets go of it, reports
  // what its receive FIFO held as lost, and closes as a real device that
  // hangs up does (who = remote, "device hung up").
  void hang_up();
  // The bytes waiting in the receive FIFO are lost (a drop now, on this
  // end's channel while it is open): the line is unplugged (`cause`
  // "unplugged", hang_up() follows) or the end closes ("closed").
  void lose_fifo(std::string_view cause);

 private:
  std::size_t fifo_room() const;
  void attach();
  void detach();

  std::uint32_t line_;
  int side_;
  std::uint32_t baud_;
  std::string inbound_;  // the receive FIFO behind a full rx buffer
  bool attached_ = false;
};

}  // namespace hio::detail
