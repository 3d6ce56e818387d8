// The stock hio kinds with one kind built another way, as a user's next
// version of a doer would be: the registry of the test programs that replay
// journals recorded by `hio` (shouting_hio.cpp, patient_hio.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "hio/io/tcp_server_doer.hpp"
#include "hio/tools/cli.hpp"

namespace hio::tools::test {

// `change` gets the stock factory of kind `changed` and returns its new one.
inline DoerRegistry stock_kinds_with(const std::string& changed,
                                     const std::function<DoerFactory(DoerFactory)>& change) {
  DoerRegistry stock;
  add_builtin_kinds(stock);
  DoerRegistry registry;
  for (const std::string& name : stock.names()) {
    KindSpec kind = *stock.find(name);
    if (name == changed) kind.make = change(std::move(kind.make));
    registry.add(std::move(kind));
  }
  return registry;
}

// A changed "echo_server": built from the same keys, with the stock kind's
// counters (so the same expectations build); serve() is the change.
class ChangedEchoServer : public TcpServerDoer {
 public:
  ChangedEchoServer(const DoerSpec& spec, BuildContext& context)
      : TcpServerDoer(context.io, context.resolve(spec.string("address")), options(spec),
                      spec.name) {
    if (listener().open()) {
      context.endpoints[spec.name] =
          std::string(to_string(listener().address().scheme)) + "://" + listener().local();
    }
    context.counters.add(spec.name + ".accepted", [this] { return accepted_; });
    context.counters.add(spec.name + ".remotes",
                         [this] { return static_cast<std::int64_t>(remotes().size()); });
  }

 private:
  static ChannelOptions options(const DoerSpec& spec) {
    ChannelOptions o;
    o.name = spec.name;
    return o;
  }
  void on_accept(Channel& remote) override {
    ++accepted_;
    TcpServerDoer::on_accept(remote);
  }

  std::int64_t accepted_ = 0;
};

}  // namespace hio::tools::test
