// The stock hio command line with one kind changed, as a user's next version
// of a doer would be: "echo_server" sends back what it got in upper case. A
// journal recorded by `hio` and replayed by this program must diverge at the
// first echoed byte (tests/tools/cli_replay.cmake).
#include <cctype>
#include <string>

#include "changed_kind.hpp"

namespace {

class ShoutingEchoServer final : public hio::tools::test::ChangedEchoServer {
 public:
  using ChangedEchoServer::ChangedEchoServer;

 private:
  void serve(hio::Channel& remote) override {
    if (!remote.connected()) return;
    std::string loud(remote.peek().substr(0, remote.tx_space()));
    for (char& c : loud)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    remote.consume(remote.write(loud));
  }
};

}  // namespace

int main(int argc, char** argv) {
  const hio::tools::DoerRegistry registry = hio::tools::test::stock_kinds_with(
      "echo_server",
      [](hio::tools::DoerFactory) { return hio::tools::factory_of<ShoutingEchoServer>(); });
  return hio::tools::run_cli(argc, argv, registry);
}
