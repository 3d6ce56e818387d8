// The run the replay tests, the replay example and the journal benchmarks
// share: an echo server and clients that each send a line on a grid of tyme
// and read the echoes - real TCP on loopback or SimNet streams, recorded, or
// rebuilt the same way for a replay. The server can upper-case its echo: a
// changed doer for divergence tests. Part of hio::testkit (not installed);
// the namespace stays hio::replay::test, the scene's first users.
#pragma once

#include <cctype>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"

namespace hio::replay::test {

// Sends "<name> line <k>\n" at tyme k * every (k < lines) once connected,
// padded with dots to line_bytes when that is longer, and checks that what
// comes back is what it sent.
class PacedClient final : public TcpClientDoer {
 public:
  PacedClient(IoHub& hub, std::string_view address, std::string name, Tock every, int lines,
              std::size_t line_bytes = 0, bool keep_text = true)
      : TcpClientDoer(hub, address, {}, std::move(name)),
        every_(every),
        lines_(lines),
        line_bytes_(line_bytes),
        keep_text_(keep_text) {}

  // Everything sent and echoed, for tests that compare them; without
  // keep_text they stay empty (a benchmark moving megabytes would otherwise
  // time the growth of these strings).
  std::string sent;
  std::string echoed;
  bool done() const { return lines_sent_ == lines_ && unechoed_.empty() && !mismatch_; }

 protected:
  void serve(Channel& channel) override {
    const std::string in = channel.read();
    if (in.size() > unechoed_.size() || unechoed_.compare(0, in.size(), in) != 0) {
      mismatch_ = true;
    } else {
      unechoed_.erase(0, in.size());
    }
    if (keep_text_) echoed += in;
    if (channel.connected() && lines_sent_ < lines_ &&
        tyme() >= Tyme{every_ * static_cast<std::int64_t>(lines_sent_)}) {
      std::string line = name() + " line " + std::to_string(lines_sent_);
      if (line.size() + 1 < line_bytes_) line.append(line_bytes_ - line.size() - 1, '.');
      line += '\n';
      if (channel.tx_space() >= line.size()) {
        (void)channel.write(line);
        if (keep_text_) sent += line;
        unechoed_ += line;
        ++lines_sent_;
      }
    }
    if (lines_sent_ < lines_) rerun();
  }

 private:
  Tock every_;
  int lines_;
  std::size_t line_bytes_;
  bool keep_text_;
  int lines_sent_ = 0;
  std::string unechoed_;   // sent, not echoed yet
  bool mismatch_ = false;  // an echo differed from what was sent
};

// An echo server that upper-cases what it echoes.
class UpperEchoDoer final : public TcpServerDoer {
 public:
  using TcpServerDoer::TcpServerDoer;

 protected:
  void serve(Channel& remote) override {
    if (!remote.connected()) return;
    std::string pending(remote.peek().substr(0, remote.tx_space()));
    for (char& c : pending)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    remote.consume(remote.write(pending));
  }
};

struct EchoSceneOptions {
  std::string listen = "tcp://127.0.0.1:0";
  // Where clients connect; "" = tcp:// to the listener's local endpoint.
  std::string connect;
  int clients = 3;
  Tock every{90'000'000};  // 90 ms: the last of 20 lines leaves 290 ms to echo in 2 s
  int lines = 20;
  std::size_t line_bytes = 0;  // lines padded to this many bytes (0: unpadded)
  bool keep_text = true;       // clients keep all they sent and got back
  bool upper = false;          // the server upper-cases (a changed doer)
};

// Made in this order: server (listener #1), then the clients (#2, #3, ...).
struct EchoScene {
  EchoScene(IoHub& io, const EchoSceneOptions& o) {
    if (o.upper) {
      server = std::make_unique<UpperEchoDoer>(io, o.listen);
    } else {
      server = std::make_unique<EchoServerDoer>(io, o.listen);
    }
    const std::string address =
        o.connect.empty() ? "tcp://" + server->listener().local() : o.connect;
    for (int i = 0; i < o.clients; ++i) {
      clients.push_back(std::make_unique<PacedClient>(io, address, "c" + std::to_string(i), o.every,
                                                      o.lines, o.line_bytes, o.keep_text));
    }
  }
  std::vector<Doer*> doers() const {
    std::vector<Doer*> out{server.get()};
    for (const auto& c : clients)
      out.push_back(c.get());
    return out;
  }
  bool done() const {
    for (const auto& c : clients)
      if (!c->done()) return false;
    return true;
  }

  std::unique_ptr<TcpServerDoer> server;
  std::vector<std::unique_ptr<PacedClient>> clients;
};

}  // namespace hio::replay::test
