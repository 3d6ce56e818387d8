#include "hio/io/tcp_client_doer.hpp"

#include <stdexcept>

namespace hio {

TcpClientDoer::TcpClientDoer(IoHub& hub, std::string_view address, ChannelOptions options,
                             std::string name)
    : TcpClientDoer(hub, parse_address_or_throw(address), std::move(options), std::move(name)) {}

TcpClientDoer::TcpClientDoer(IoHub& hub, const Address& address, ChannelOptions options,
                             std::string name)
    : ChannelDoer(hub.connect(address, std::move(options)), std::move(name), "client exit") {}

void TcpClientDoer::retarget(std::string_view address) {
  retarget(parse_address_or_throw(address));
}

void TcpClientDoer::retarget(const Address& address) {
  if (scheduled()) {
    throw std::logic_error("TcpClientDoer '" + name() + "': retarget between runs only");
  }
  ChannelOptions options = channel().options();
  if (options.name == channel().address().text()) options.name.clear();  // named by its address
  replace_channel(channel().hub().connect(address, std::move(options)));
}

}  // namespace hio
