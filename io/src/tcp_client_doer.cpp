#include "hio/io/tcp_client_doer.hpp"

namespace hio {

TcpClientDoer::TcpClientDoer(IoHub& hub, std::string_view address, ChannelOptions options,
                             std::string name)
    : TcpClientDoer(hub, parse_address_or_throw(address), std::move(options), std::move(name)) {}

TcpClientDoer::TcpClientDoer(IoHub& hub, const Address& address, ChannelOptions options,
                             std::string name)
    : ChannelDoer(hub.connect(address, std::move(options)), std::move(name), "client exit") {}

}  // namespace hio
