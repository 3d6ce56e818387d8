// EchoServerDoer: a TcpServerDoer that sends every remote back what it sent
// (hio's EchoServerDoer), with backpressure: it moves only what the remote's
// tx has room for, so a slow reader slows the echo instead of losing bytes.
#pragma once

#include "hio/io/tcp_server_doer.hpp"

namespace hio {

class EchoServerDoer : public TcpServerDoer {
 public:
  using TcpServerDoer::TcpServerDoer;

 protected:
  void serve(Channel& remote) override;
};

}  // namespace hio
