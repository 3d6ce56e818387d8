// IO benchmarks: TCP echo throughput through hio's channels and driver doers
// against a plain Boost.Asio echo with the same chunk size, measured in the
// same run, and the wall time of many short connections.
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bench.hpp"
#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"

namespace hio::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Bytes per write, per read and per chunk on both sides; hio's TCP transport
// moves at most this much per socket operation too.
constexpr std::size_t kChunk = 64 * 1024;

// ---- plain Boost.Asio echo: the floor ---------------------------------------

// One connection, one thread. The server reads up to a chunk and writes it
// back; the client writes chunk after chunk and reads what comes back.
class AsioEcho {
 public:
  explicit AsioEcho(std::size_t total)
      : total_(total),
        acceptor_(context_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
        server_(context_),
        client_(context_),
        out_(kChunk, 'x'),
        server_buf_(kChunk, '\0'),
        client_buf_(kChunk, '\0') {}

  std::size_t run() {
    client_.connect(acceptor_.local_endpoint());
    acceptor_.accept(server_);
    server_.set_option(tcp::no_delay(true));
    client_.set_option(tcp::no_delay(true));
    server_read();
    client_write();
    client_read();
    context_.run();
    return received_;
  }

 private:
  void server_read() {
    server_.async_read_some(
        asio::buffer(server_buf_), [this](boost::system::error_code ec, std::size_t n) {
          if (ec) return;
          asio::async_write(server_, asio::buffer(server_buf_.data(), n),
                            [this](boost::system::error_code error, std::size_t) {
                              if (!error) server_read();
                            });
        });
  }
  void client_write() {
    const std::size_t n = std::min(kChunk, total_ - sent_);
    if (n == 0) return;
    asio::async_write(client_, asio::buffer(out_.data(), n),
                      [this](boost::system::error_code ec, std::size_t written) {
                        if (ec) return;
                        sent_ += written;
                        client_write();
                      });
  }
  void client_read() {
    client_.async_read_some(asio::buffer(client_buf_),
                            [this](boost::system::error_code ec, std::size_t n) {
                              if (ec) return;
                              received_ += n;
                              if (received_ < total_) {
                                client_read();
                              } else {
                                boost::system::error_code ignored;
                                client_.close(ignored);  // the server reads its end
                              }
                            });
  }

  std::size_t total_;
  asio::io_context context_{1};
  tcp::acceptor acceptor_;
  tcp::socket server_;
  tcp::socket client_;
  std::string out_;
  std::string server_buf_;
  std::string client_buf_;
  std::size_t sent_ = 0;
  std::size_t received_ = 0;
};

// ---- the same through hio ---------------------------------------------------

// A doer working one client channel: waits, parked, until it is connected
// and is woken by the channel's events.
class ChannelUser : public Doer {
 public:
  ChannelUser(std::string name, Channel& channel) : Doer(std::move(name)), channel_(channel) {}

 protected:
  void enter() override { channel_.set_waiter(this); }
  void exit() override { channel_.set_waiter(nullptr); }
  // True once connected; before that opens the channel and parks.
  bool connected() {
    if (channel_.connected()) return true;
    if (!channel_.open()) throw std::runtime_error(name() + ": " + channel_.reason());
    park();
    return false;
  }

  Channel& channel_;
};

// Writes `total` bytes a chunk at a time as tx takes them and counts what
// comes back; stops the run when all of it has.
class Pump final : public ChannelUser {
 public:
  Pump(Channel& channel, std::size_t total, Doist& doist)
      : ChannelUser("pump", channel), total_(total), doist_(doist), out_(kChunk, 'x') {}
  std::size_t received = 0;

 protected:
  bool recur(Tyme) override {
    if (!connected()) return false;
    while (sent_ < total_) {
      const std::size_t n = std::min(kChunk, total_ - sent_);
      const std::size_t taken = channel_.write(std::string_view(out_).substr(0, n));
      sent_ += taken;
      if (taken < n) break;  // tx full: woken when it has room
    }
    const std::size_t n = channel_.rx_size();
    channel_.consume(n);
    received += n;
    if (received >= total_) {
      doist_.request_stop();
      return true;
    }
    park();
    return false;
  }

 private:
  std::size_t total_;
  Doist& doist_;
  std::string out_;
  std::size_t sent_ = 0;
};

// How a hio echo run is set up.
struct EchoMode {
  bool real;                 // a real-time Doist (paced) or virtual time (passes back to back)
  Tock tock;                 // the Doist's pass length
  std::size_t buffer_bytes;  // each channel's rx and tx
};

std::size_t hio_echo(std::size_t total, const EchoMode& mode) {
  Doist doist(mode.tock, mode.real, seconds(120));
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  ChannelOptions options;
  options.rx_bytes_max = mode.buffer_bytes;
  options.tx_bytes_max = mode.buffer_bytes;
  EchoServerDoer server(io, "tcp://127.0.0.1:0", options);
  if (!server.listener().connected()) throw std::runtime_error(server.listener().reason());
  TcpClientDoer client(io, "tcp://" + server.listener().local(), options);
  Pump pump(client.channel(), total, doist);
  doist.run({&server, &client, &pump});
  return pump.received;
}

// ---- many short connections -------------------------------------------------

// Sends `trips` messages one after another, each once the previous one came
// back whole; counts itself finished on a shared counter.
class Tripper final : public ChannelUser {
 public:
  Tripper(Channel& channel, int trips, int& finished, int everyone, Doist& doist)
      : ChannelUser("tripper", channel),
        trips_(trips),
        finished_(finished),
        everyone_(everyone),
        doist_(doist) {}
  int completed = 0;

 protected:
  bool recur(Tyme) override {
    if (!connected()) return false;
    if (!sent_) sent_ = channel_.write(kMessage) == kMessage.size();
    if (channel_.rx_size() >= kMessage.size()) {
      channel_.consume(kMessage.size());
      sent_ = false;
      if (++completed == trips_) {
        if (++finished_ == everyone_) doist_.request_stop();
        return true;
      }
      sent_ = channel_.write(kMessage) == kMessage.size();
    }
    park();
    return false;
  }

 private:
  static constexpr std::string_view kMessage =
      "01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901"
      "23";
  int trips_;
  int& finished_;
  int everyone_;
  Doist& doist_;
  bool sent_ = false;
};

int hio_conns(int clients, int trips, const EchoMode& mode) {
  Doist doist(mode.tock, mode.real, seconds(120));
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  ChannelOptions options;
  options.rx_bytes_max = mode.buffer_bytes;
  options.tx_bytes_max = mode.buffer_bytes;
  options.remotes_max = static_cast<std::size_t>(clients);
  EchoServerDoer server(io, "tcp://127.0.0.1:0", options);
  if (!server.listener().connected()) throw std::runtime_error(server.listener().reason());
  const std::string url = "tcp://" + server.listener().local();
  int finished = 0;
  std::vector<std::unique_ptr<TcpClientDoer>> drivers;
  std::vector<std::unique_ptr<Tripper>> trippers;
  std::vector<Doer*> doers{&server};
  for (int i = 0; i < clients; ++i) {
    drivers.push_back(std::make_unique<TcpClientDoer>(io, url, options));
    trippers.push_back(
        std::make_unique<Tripper>(drivers.back()->channel(), trips, finished, clients, doist));
    doers.push_back(drivers.back().get());
    doers.push_back(trippers.back().get());
  }
  doist.run(doers);
  return finished;
}

// 1000 clients hold 2000 sockets at once.
void raise_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < 4096 && limit.rlim_max > limit.rlim_cur) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 4096);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// ---- a burst of closes ------------------------------------------------------

// Parks until `done` says the burst is over; then stops the run.
class BurstWatch final : public Doer {
 public:
  BurstWatch(Doist& doist, std::function<bool()> done)
      : Doer("burst_watch"), doist_(doist), done_(std::move(done)) {}

 protected:
  bool recur(Tyme) override {
    if (done_()) doist_.request_stop();
    return false;
  }

 private:
  Doist& doist_;
  std::function<bool()> done_;
};

double process_cpu_now() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// `clients` quiet connections to one EchoServerDoer (real time, loopback),
// all closed at once: a child process holds the client ends (16k pairs do not
// fit one process's file limit) and exits. Returns the server process's CPU
// per close, in ns, from the exit until every remote is released; 0 if the
// file limit does not allow `clients` connections.
double close_burst_ns(int clients) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 ||
      limit.rlim_max < static_cast<rlim_t>(clients) + 64) {
    return 0;
  }
  if (limit.rlim_cur < static_cast<rlim_t>(clients) + 64) {
    limit.rlim_cur = static_cast<rlim_t>(clients) + 64;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  }
  Doist doist(Tock{1'000'000}, true, seconds(120));
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  ChannelOptions options;
  options.remotes_max = static_cast<std::size_t>(clients);
  EchoServerDoer server(io, "tcp://127.0.0.1:0", options);
  if (!server.listener().connected()) throw std::runtime_error(server.listener().reason());
  const Address local = parse_address_or_throw("tcp://" + server.listener().local());
  int go[2];
  if (::pipe(go) != 0) throw std::runtime_error("close burst: pipe");
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("close burst: fork");
  if (child == 0) {
    // Connects, waits for the word, exits: the kernel closes every end at once.
    ::close(go[1]);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(local.port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < clients; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
        ::_exit(1);
    }
    char word = 0;
    (void)!::read(go[0], &word, 1);
    ::_exit(0);
  }
  ::close(go[0]);
  double start = 0;
  bool closing = false;
  BurstWatch watch(doist, [&] {
    if (!closing && server.remotes().size() == static_cast<std::size_t>(clients)) {
      closing = true;
      start = process_cpu_now();
      ::close(go[1]);  // the child exits
    }
    return closing && server.remotes().empty();
  });
  doist.run({&server, &watch});
  const double spent = process_cpu_now() - start;
  if (!closing) ::close(go[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!closing || !server.remotes().empty()) throw std::runtime_error("close burst did not end");
  return spent * 1e9 / clients;
}

}  // namespace

void io_suite(const Options& options, Report& report) {
  raise_file_limit();
  const std::size_t total = (options.quick ? 64u : 256u) * 1024 * 1024;
  const double mb = static_cast<double>(total) / 1e6;
  // Representative: real IO runs in a real-time Doist (1 ms passes here, as
  // in the tests). A channel then moves at most its buffer per pass and
  // direction, so a bulk transfer sizes its buffers for rate x tock: 4 MiB
  // allows 4 GB/s. Also measured: a virtual-time Doist, whose passes run back
  // to back (no pacing, one CPU spinning), with 256 KiB buffers.
  const EchoMode paced{true, Tock{1'000'000}, 4 * 1024 * 1024};
  const EchoMode spinning{false, Tock{1'000'000}, 256 * 1024};

  // Interleaved round by round, best of each kept: load on the machine hits
  // all three alike.
  double asio_best = 1e300;
  double paced_best = 1e300;
  double spinning_best = 1e300;
  for (int round = 0; round < options.rounds(); ++round) {
    asio_best = std::min(asio_best, best_seconds(options.once(), [&] {
                           if (AsioEcho(total).run() != total)
                             throw std::runtime_error("asio echo");
                         }));
    paced_best = std::min(paced_best, best_seconds(options.once(), [&] {
                            if (hio_echo(total, paced) != total)
                              throw std::runtime_error("hio echo");
                          }));
    spinning_best = std::min(spinning_best, best_seconds(options.once(), [&] {
                               if (hio_echo(total, spinning) != total) {
                                 throw std::runtime_error("hio echo (virtual time)");
                               }
                             }));
  }
  report.add("asio_echo_mb_per_s", mb / asio_best, "MB/s");
  report.add("tcp_echo_mb_per_s", mb / paced_best, "MB/s");
  report.add("tcp_echo_vs_asio", asio_best / paced_best, "ratio");
  report.add("tcp_echo_virtual_mb_per_s", mb / spinning_best, "MB/s");
  report.add("tcp_echo_virtual_vs_asio", asio_best / spinning_best, "ratio");

  // 1000 clients x 10 round trips of 94 bytes, connects included.
  constexpr int kClients = 1000;
  constexpr int kTrips = 10;
  const EchoMode conns_paced{true, Tock{1'000'000}, 64 * 1024};
  const EchoMode conns_spinning{false, Tock{1'000'000}, 64 * 1024};
  double conns_best = 1e300;
  double conns_spinning_best = 1e300;
  for (int round = 0; round < options.rounds(); ++round) {
    conns_best = std::min(conns_best, best_seconds(options.once(), [&] {
                            if (hio_conns(kClients, kTrips, conns_paced) != kClients) {
                              throw std::runtime_error("tcp_conns_10k");
                            }
                          }));
    conns_spinning_best = std::min(conns_spinning_best, best_seconds(options.once(), [&] {
                                     if (hio_conns(kClients, kTrips, conns_spinning) != kClients) {
                                       throw std::runtime_error("tcp_conns_10k (virtual time)");
                                     }
                                   }));
  }
  report.add("tcp_conns_10k", conns_best, "s");
  report.add("tcp_conns_10k_virtual", conns_spinning_best, "s");

  // A burst of quiet remotes closing at once: CPU per close at 2k and 16k;
  // the ratio near 1 says a burst costs linear time (xsoak21 finding 4).
  double burst_2k = 1e300;
  double burst_16k = 1e300;
  for (int round = 0; round < options.rounds(); ++round) {
    burst_2k = std::min(burst_2k, close_burst_ns(2'000));
    burst_16k = std::min(burst_16k, close_burst_ns(16'000));
  }
  if (burst_16k == 0) {
    std::fprintf(stderr,
                 "hio-bench io: tcp_close_burst skipped: the file limit (RLIMIT_NOFILE) "
                 "allows no 16,000 connections\n");
    return;
  }
  report.add("tcp_close_burst_2k_ns_per_close", burst_2k, "ns");
  report.add("tcp_close_burst_16k_ns_per_close", burst_16k, "ns");
  report.add("tcp_close_burst_16k_vs_2k", burst_16k / burst_2k, "ratio");
}

}  // namespace hio::bench
