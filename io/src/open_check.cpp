#include "hio/io/open_check.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "error_text.hpp"
#include "resolve.hpp"

namespace hio {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

std::string known_open_failure(const Address& address, ChannelRole role) {
  if (address.scheme != Scheme::tcp && address.scheme != Scheme::tls &&
      address.scheme != Scheme::udp) {
    return "";
  }
  boost::system::error_code ec;
  asio::ip::make_address(address.host, ec);
  if (!ec) return "";
  // As TcpStream::connect, TcpAcceptor and UdpTransport resolve it (there
  // asynchronously), so that the answer, and the words of a failure, are the
  // run's.
  asio::io_context context;
  bool none = false;
  if (address.scheme == Scheme::udp) {
    udp::resolver resolver(context);
    none =
        detail::resolve(resolver, address.host, address.port, udp::resolver::passive, ec).empty();
  } else {
    tcp::resolver resolver(context);
    const auto flags =
        role == ChannelRole::connect ? tcp::resolver::flags() : tcp::resolver::passive;
    none = detail::resolve(resolver, address.host, address.port, flags, ec).empty();
  }
  const std::string target = address.host_port();
  if (ec) return "cannot resolve '" + target + "': " + detail::error_text(ec);
  if (!none) return "";
  return role == ChannelRole::connect ? "connect to " + target + " failed: no address"
                                      : "cannot resolve '" + target + "': no address";
}

}  // namespace hio
