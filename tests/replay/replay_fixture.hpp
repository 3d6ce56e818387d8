// The runs the record/replay tests make again and again: a Doist with its
// hub to record on (in virtual or real time, or on a SimNet of a client and a
// server host), a Replayer with the Doist and hub it replays on, and a client
// that writes once to a server that never reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"

namespace hio::replay::test {

// A Doist of `tock` (virtual time unless `real`) with its hub attached; SIGINT
// is left to the test runner. Declared before what the test runs on it, so it
// outlives the journal and the doers.
struct RecordRig {
  explicit RecordRig(Tock tock = kDefaultTock, bool real = false)
      : doist(tock, real), io(doist.tymth()) {
    doist.set_handle_sigint(false);
    doist.attach(io);
  }
  Doist doist;
  IoHub io;
};

// Hosts "client" (where stream clients connect from) and "server", joined
// both ways by `link`.
inline void client_server(SimNet& net, const LinkParams& link = {}) {
  net.add_host("client");
  net.add_host("server");
  net.set_link("client", "server", link);
  net.set_link("server", "client", link);
  net.set_client_host("client");
}

// A virtual-time RecordRig on a SimNet of `seed` whose hosts are
// client_server(net, link).
struct SimRecordRig : RecordRig {
  SimRecordRig(Tock tock, std::uint64_t seed, const LinkParams& link = {})
      : RecordRig(tock), net(doist, io, {.seed = seed}) {
    client_server(net, link);
  }
  SimNet net;
};

// A Replayer of the journal at `path` and a virtual-time Doist of the
// journal's tock (stopped at `limit`; 0: no limit) with its hub, attached to
// each other; SIGINT is left to the test runner.
struct ReplayRig {
  explicit ReplayRig(const std::string& path, ReplayOptions options = {}, Tock limit = Tock{0})
      : replayer(path, std::move(options)),
        doist(replayer.header().tock, /*real=*/false, limit),
        io(doist.tymth()) {
    doist.set_handle_sigint(false);
    doist.attach(io);
    replayer.attach(doist, io);
  }
  Replayer replayer;
  Doist doist;
  IoHub io;
};

// One `Server` and `count` `Client`s (each made as Client(io, index)): the
// doers of a run, the server first.
template <class Server, class Client>
struct ServerAndClients {
  ServerAndClients(IoHub& io, int count) : server(io) {
    for (int i = 0; i < count; ++i)
      clients.push_back(std::make_unique<Client>(io, i));
  }
  std::vector<Doer*> doers() {
    std::vector<Doer*> all{&server};
    for (auto& c : clients)
      all.push_back(c.get());
    return all;
  }
  Server server;
  std::vector<std::unique_ptr<Client>> clients;
};

// Records ServerAndClients<Server, Client> of `clients` clients for `run` at
// `path`, on a SimRecordRig of `tock` (seed 1) whose link is `link`; then
// replays that journal, the same doers made again, with `noise` (noise seed
// 1), and gives `replayed` the replayer and its result.
template <class Server, class Client, class Replayed>
void record_then_replay_with_noise(const std::string& path, int clients, Tock tock, Tock run,
                                   const LinkParams& link, const std::string& noise,
                                   Replayed replayed) {
  {
    SimRecordRig rig(tock, 1, link);
    JournalHeader header;
    header.scenario = "a server and " + std::to_string(clients) + " clients";
    Journal journal(rig.doist, rig.io, path, header);
    ServerAndClients<Server, Client> scene(rig.io, clients);
    journal.run(scene.doers(), run);
  }
  ReplayOptions options;
  options.noise = parse_noise_spec(noise);
  options.noise_seed = 1;
  ReplayRig rig(path, options);
  ServerAndClients<Server, Client> scene(rig.io, clients);
  const ReplayResult result = rig.replayer.run(scene.doers(), nullptr);
  replayed(rig.replayer, result);
}

// Writes `bytes` at once when connected to sim://server:7 (its tx buffer
// holds them all); the run's end closes it with what the server's window did
// not take still in its tx buffer. One that `closes` closes in the pass it
// wrote them, its close carrying them all unsent.
class Hoarder final : public TcpClientDoer {
 public:
  Hoarder(IoHub& io, std::string bytes, bool closes = false)
      : TcpClientDoer(io, "sim://server:7", options(bytes.size()), "hoarder"),
        bytes_(std::move(bytes)),
        closes_(closes) {}

 protected:
  void serve(Channel& channel) override {
    if (written_ || !channel.connected()) return;
    written_ = channel.write(bytes_) == bytes_.size();
    if (closes_) channel.close("hoarded");
  }

 private:
  static ChannelOptions options(std::size_t bytes) {
    ChannelOptions o;
    o.tx_bytes_max = bytes;
    return o;
  }
  std::string bytes_;
  bool closes_;
  bool written_ = false;
};

// Accepts on sim://server:7 and never reads.
class DeafServer final : public TcpServerDoer {
 public:
  explicit DeafServer(IoHub& io) : TcpServerDoer(io, "sim://server:7", {}, "deaf") {}

 protected:
  void serve(Channel&) override {}
};

}  // namespace hio::replay::test
