// The stock hio command line with "echo_server" changed into one that throws
// (a protocol violation) once it has received 600 bytes: a doer's exception
// ends the run with an error (exit 5, a summary, a journal with end=error),
// and the replay of that journal by this program reproduces it while the
// stock hio's replay reports that it did not (tests/tools/cli_replay_noise_order.cmake).
// Built with HIO_TEST_THROW_CEASE (ceasing-hio) it throws an unrequested
// hio::Cease instead, which is not a std::exception (tests/tools/cli_cease.cmake).
#include <stdexcept>
#include <string>

#include "changed_kind.hpp"
#include "hio/engine/dog.hpp"

namespace {

class ThrowingEchoServer final : public hio::tools::test::ChangedEchoServer {
 public:
  using ChangedEchoServer::ChangedEchoServer;

 private:
  void serve(hio::Channel& remote) override {
    if (!remote.connected()) return;
    const std::string bytes(remote.peek().substr(0, remote.tx_space()));
    received_ += bytes.size();
#ifdef HIO_TEST_THROW_CEASE
    if (received_ >= 600) throw hio::Cease{};
#else
    if (received_ >= 600) throw std::runtime_error("protocol violation: 600 bytes");
#endif
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
