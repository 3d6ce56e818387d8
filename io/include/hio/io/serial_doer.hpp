// SerialDoer: the driver doer of one serial device (hio's SerialDoer): a
// serial:// stream channel, raw 8N1 at the address's baud.
#pragma once

#include <string>
#include <string_view>

#include "hio/io/channel_doer.hpp"
#include "hio/io/hub.hpp"

namespace hio {

// Opens the device at construction (hub.connect: connected or failed before
// this returns), then is a ChannelDoer: service, serve(), service, park while
// idle. Read it line by line with a ConsoleDoer, or use channel() directly.
//
// serial:///dev/ttyUSB0?baud=115200: the line is made raw (no echo, no line
// editing, no CR/LF translation, no signal characters, all 8 bits), 8 data
// bits, no parity, 1 stop bit, no flow control, at any baud (Linux: termios2).
// The device is locked (flock, TIOCEXCL): one in use fails the channel, as a
// baud its driver cannot make does. A device that hangs up is a remote close;
// with ChannelOptions::retry it is opened again on the retry grid. A close
// lets a write in flight finish (ChannelOptions::close_linger) and gives the
// device back the settings it had.
//
// On exit an open channel is closed (who = local, "serial exit"); a later run
// opens the device again.
//
// Ownership: the hub owns the channel; the hub must outlive this doer's runs.
class SerialDoer : public ChannelDoer {
 public:
  SerialDoer(IoHub& hub, std::string_view address, ChannelOptions options = {},
             std::string name = "serial");
  SerialDoer(IoHub& hub, const Address& address, ChannelOptions options = {},
             std::string name = "serial");
};

}  // namespace hio
