#include "hio/io/serial_doer.hpp"

namespace hio {

SerialDoer::SerialDoer(IoHub& hub, std::string_view address, ChannelOptions options,
                       std::string name)
    : SerialDoer(hub, parse_address_or_throw(address), std::move(options), std::move(name)) {}

SerialDoer::SerialDoer(IoHub& hub, const Address& address, ChannelOptions options, std::string name)
    : ChannelDoer(hub.connect(address, std::move(options)), std::move(name), "serial exit") {}

}  // namespace hio
