// The stock hio command line with "echo_server" changed into one that throws
// (a protocol violation) once it has received 600 bytes: a doer's exception
// ends the run with an error (exit 5, a summary, a journal with end=error),
// and the replay of that journal by this program reproduces it while the
// stock hio's replay reports that it did not (tests/tools/cli_replay_noise_order.cmake).
#include <stdexcept>
#include <string>

#include "changed_kind.hpp"

namespace {

class ThrowingEchoServer final : public hio::tools::test::ChangedEchoServer {
 public:
  using ChangedEchoServer::ChangedEchoServer;

 private:
  void serve(hio::Channel& remote) override {
    if (!remote.connected()) return;
    const std::string bytes(remote.peek().substr(0, remote.tx_space()));
    received_ += bytes.size();
    if (received_ >= 600) throw std::runtime_error("protocol violation: 600 bytes");
    remote.consume(remote.write(bytes));
  }

  std::size_t received_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const hio::tools::DoerRegistry registry = hio::tools::test::stock_kinds_with(
      "echo_server",
      [](hio::tools::DoerFactory) { return hio::tools::factory_of<ThrowingEchoServer>(); });
  return hio::tools::run_cli(argc, argv, registry);
}
