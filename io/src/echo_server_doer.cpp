#include "hio/io/echo_server_doer.hpp"

#include <algorithm>

namespace hio {

void EchoServerDoer::serve(Channel& remote) {
  if (!remote.connected()) return;
  const std::string_view pending = remote.peek();
  const std::size_t n = std::min(pending.size(), remote.tx_space());
  if (n == 0) return;
  remote.consume(remote.write(pending.substr(0, n)));
}

}  // namespace hio
