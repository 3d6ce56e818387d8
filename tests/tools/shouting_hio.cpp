// The stock hio command line with one kind changed, as a user's next version
// of a doer would be: "echo_server" sends back what it got in upper case. A
// journal recorded by `hio` and replayed by this program must diverge at the
// first echoed byte (tests/tools/cli_replay.cmake).
#include <cctype>
#include <string>

#include "changed_kind.hpp"
#include "hio/io/tcp_server_doer.hpp"

namespace {

class ShoutingEchoServer final : public hio::TcpServerDoer {
 public:
  ShoutingEchoServer(const hio::tools::DoerSpec& spec, hio::tools::BuildContext& context)
      : hio::TcpServerDoer(context.io, context.resolve(spec.string("address")), options(spec),
                           spec.name) {
    if (listener().open()) {
      context.endpoints[spec.name] =
          std::string(to_string(listener().address().scheme)) + "://" + listener().local();
    }
    // The stock kind's counters, so the same expectations build.
    context.counters.add(spec.name + ".accepted", [this] { return accepted_; });
    context.counters.add(spec.name + ".remotes",
                         [this] { return static_cast<std::int64_t>(remotes().size()); });
  }

 private:
  static hio::ChannelOptions options(const hio::tools::DoerSpec& spec) {
    hio::ChannelOptions o;
    o.name = spec.name;
    return o;
  }
  void on_accept(hio::Channel& remote) override {
    ++accepted_;
    TcpServerDoer::on_accept(remote);
  }
  void serve(hio::Channel& remote) override {
    if (!remote.connected()) return;
    std::string loud(remote.peek().substr(0, remote.tx_space()));
    for (char& c : loud)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    remote.consume(remote.write(loud));
  }

  std::int64_t accepted_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const hio::tools::DoerRegistry registry = hio::tools::test::stock_kinds_with(
      "echo_server",
      [](hio::tools::DoerFactory) { return hio::tools::factory_of<ShoutingEchoServer>(); });
  return hio::tools::run_cli(argc, argv, registry);
}
