// Memory that must not grow with a run's length or a scenario's size, counted
// (never timed): a replaced global operator new keeps the live heap bytes and
// their peak. And out of memory where it must be hio's (exit 6): the
// replaced operator new can fail the nth allocation. Its own binary, because
// it replaces operator new.
#include <gtest/gtest.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/replay/replay.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/registry.hpp"
#include "hio/tools/replay_scenario.hpp"
#include "hio/tools/runner.hpp"

#include "../../tools/src/channel_warnings.hpp"
#include "temp_dir.hpp"

namespace {

std::atomic<std::int64_t> g_live{0};  // bytes allocated by operator new, not freed
std::atomic<std::int64_t> g_peak{0};
std::atomic<std::int64_t> g_allocations{0};  // made by operator new, ever
// At 0, the next allocation fails (std::bad_alloc); below 0 none does. Each
// allocation counts it down, so a test can make the nth one fail.
std::atomic<std::int64_t> g_fail_in{-1};
std::atomic<bool> g_failed{false};  // g_fail_in made one fail
// Whether a doer's hook was running (a test's doer says so) when g_fail_in
// made one fail: the doer's allocation, or one made around it.
std::atomic<bool> g_in_hook{false};
std::atomic<bool> g_failed_in_hook{false};
std::atomic<std::int64_t> g_armed{-1};  // g_fail_in from the next "arm" doer's build
// While true, every allocation fails on any thread but g_home's: out of
// memory where only a thread of hio's own allocates.
std::atomic<bool> g_fail_elsewhere{false};
std::thread::id g_home;

// malloc, with the live bytes and their peak counted; nullptr if it fails.
void* counted_malloc(std::size_t size) noexcept {
  void* p = std::malloc(size != 0 ? size : 1);
  if (p == nullptr) return nullptr;
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const auto n = static_cast<std::int64_t>(malloc_usable_size(p));
  const std::int64_t live = g_live.fetch_add(n, std::memory_order_relaxed) + n;
  std::int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  return p;
}

}  // namespace

void* operator new(std::size_t size) {
  if (g_fail_elsewhere.load(std::memory_order_acquire) && std::this_thread::get_id() != g_home) {
    g_failed = true;
    throw std::bad_alloc();
  }
  if (g_fail_in.load(std::memory_order_relaxed) >= 0 &&
      g_fail_in.fetch_sub(1, std::memory_order_relaxed) == 0) {
    g_failed = true;
    g_failed_in_hook = g_in_hook.load();
    throw std::bad_alloc();
  }
  void* p = counted_malloc(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
// Never failed on purpose: who asks for it copes without (a stable sort's
// buffer), and a failure there is not one that reaches anyone.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size);
}
// g++ cannot tell that these pair with the operator new above.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}

namespace hio::tools {
namespace {
namespace memory_test {

// The peak of the live heap while fn runs, above the live heap before it.
template <class Fn>
std::int64_t peak_bytes(Fn fn) {
  const std::int64_t before = g_live.load();
  g_peak.store(before);
  fn();
  return g_peak.load() - before;
}

// A SimNet host that never binds an ephemeral port took its two 2 KiB port
// bitmaps anyway: 65,536 hosts, 292 MB before any doer ran. Now the bits
// come with the first port.
TEST(Memory, ASimNetHostCostsNoPortBitmapUntilItUsesAPort) {
  constexpr int kHosts = 4096;
  Doist doist(Tock{1'000'000});
  IoHub io(doist.tymth());
  doist.attach(io);
  SimNet net(doist, io);
  const std::int64_t bytes = peak_bytes([&] {
    for (int i = 0; i < kHosts; ++i)
      net.add_host("host" + std::to_string(i));
  });
  EXPECT_LT(bytes / kHosts, 1024) << bytes << " bytes for " << kHosts << " hosts";
}

std::string udp_scenario(int requests) {
  return R"(
[run]
tock = "1ms"
limit = "200s"

[net]
hosts = ["c", "s"]

[[net.link]]
from = "c"
to = "s"
latency = "2ms"
loss = 0.01

[[doer]]
kind = "udp_responder"
name = "server"
address = "sim://s:7"

[[doer]]
kind = "udp_requester"
name = "client"
address = "sim://c:0"
to = "@server"
interval = "1ms"
timeout = "20ms"
requests = )" +
         std::to_string(requests) + "\n";
}

// udp_requester kept a send time and an answered bit for every request of
// the run (100,000,000 requests: about 1 GB). Now it keeps a window: the
// peak of a run 4 times as long is the same.
TEST(Memory, AUdpRequesterKeepsAWindowOfRequestsNotAllOfThem) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const auto run = [&](int requests) {
    const Scenario s = load_scenario_text(udp_scenario(requests), "udp.toml", kinds);
    RunSummary summary;
    const std::int64_t peak = peak_bytes([&] { summary = run_scenario(s, kinds); });
    EXPECT_FALSE(summary.error.has_value());
    return peak;
  };
  const std::int64_t short_run = run(30'000);
  const std::int64_t long_run = run(120'000);
  // Before: 90,000 requests more held 90,000 send times (720 KB) and bits.
  EXPECT_LT(long_run - short_run, 64 * 1024) << short_run << " bytes, then " << long_run;
}

// The loader kept every copy's name in a set, to find clashes: two million
// copies (the doer limit) filled it with 150 MB, 5 to 6 s of CPU in the fuzz
// build. Now a doer's copies are one range of names: loading them costs no
// byte per copy.
TEST(Memory, LoadingTwoMillionCopiesKeepsNoNameOfEach) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const std::string text =
      "[[doer]]\nkind = \"ticker\"\nname = \"a\"\ncopies = 1000000\n\n"
      "[[doer]]\nkind = \"ticker\"\nname = \"b\"\ncopies = 1000000\n";
  const std::int64_t bytes = peak_bytes([&] {
    const Scenario s = load_scenario_text(text, "copies.toml", kinds);
    EXPECT_EQ(s.doers.size(), 2u);
  });
  EXPECT_LT(bytes, 1024 * 1024) << bytes << " bytes to load 2,000,000 copies";
}

// Each --set parsed the whole scenario text again (a net key twice): a 12
// MB scenario of 232,906 tickers took 126 s with 8 --set, 23 s without.
// The settings now parse the text with the lines of its [[doer]] tables
// blank (settings_view): what 8 of them allocate is some per setting, none
// per doer - where one parse of the text allocates several per doer.
TEST(Memory, SettingsDoNotParseTheScenarioAgain) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  constexpr int kDoers = 20'000;
  std::string text = "[run]\nlimit = \"10ms\"\n[net]\nhosts = [\"a\", \"b\"]\n";
  for (int i = 0; i < kDoers; ++i)
    text += "[[doer]]\nkind = \"ticker\"\nname = \"t" + std::to_string(i) + "\"\ncount = 1\n";
  Scenario s = load_scenario_text(text, "many.toml", kinds);
  const std::int64_t before = g_allocations.load();
  for (const char* set :
       {"run.limit=1s", "run.name=big", "run.tock=5ms", "run.max_lag=1s", "net.stall_timeout=3s",
        "net.default_link.loss=0.02", "net.default_link.latency=2ms", "net.client_host=a"}) {
    apply_override(s, set);
  }
  const std::int64_t allocations = g_allocations.load() - before;
  EXPECT_LT(allocations, kDoers) << allocations << " allocations for 8 --set on " << kDoers
                                 << " doers";
  EXPECT_EQ(s.run.name, "big");
  EXPECT_NE(s.text.find("name = \"big\"\n"), std::string::npos);
}

// Out of memory while [net] is built is hio's (std::bad_alloc, exit 6), not
// the scenario's: it was ScenarioError "[net]: std::bad_alloc", exit 2. Every
// allocation of the build fails in turn; each must come out as bad_alloc.
TEST(Memory, OutOfMemoryBuildingNetIsNotAScenarioError) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const Scenario s = load_scenario_text(udp_scenario(10), "udp.toml", kinds);
  int failures = 0;
  for (std::int64_t n = 0;; ++n) {
    Doist doist(Tock{1'000'000});
    IoHub io(doist.tymth());
    doist.attach(io);
    std::unique_ptr<BuiltScenario> built;
    g_fail_in.store(n);
    try {
      built = build_scenario(s, kinds, doist, io);
    } catch (const std::bad_alloc&) {
      ++failures;
    } catch (const std::exception& error) {
      g_fail_in.store(-1);
      FAIL() << "allocation " << n << " failed as: " << error.what();
    }
    g_fail_in.store(-1);
    if (built) break;
  }
  EXPECT_GT(failures, 10);
}

// Out of memory while a scenario's TOML is parsed is std::bad_alloc (hio:
// exit 6), wherever it happens: toml++ (3.3, as the distribution builds it)
// ended the process (std::terminate: a source path copied, a parse error's
// text made, each inside a noexcept constructor), or read a float it could
// not allocate for as "could not be interpreted as a value" (a parse
// error: exit 2 for out of memory). Every allocation of the load fails in
// turn, for a valid scenario with floats, one that is not TOML and one
// whose TOML holds a mistake: each must come out as std::bad_alloc, or as
// the load without a failure does when none failed.
TEST(Memory, OutOfMemoryParsingAScenarioIsBadAllocNeverAnAbortNorBadInput) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const std::vector<std::string> texts = {
      udp_scenario(10),
      "[run]\nname = \"a\\q\"\n[[doer]]\nkind = \"ticker\"\nname = \"t\"\n",
      udp_scenario(10) + "[[doer]]\nkind = \"ticker\"\nname = \"server\"\nloss = 0.5\n",
  };
  // The outcome of a load: "" loaded, else its first diagnostic.
  const auto load = [&](const std::string& text) {
    try {
      load_scenario_text(text, "oom.toml", kinds);
      return std::string();
    } catch (const ScenarioError& error) {
      return error.diagnostics().front().message;
    }
  };
  for (const std::string& text : texts) {
    const std::string whole = load(text);
    int failures = 0;
    for (std::int64_t n = 0;; ++n) {
      g_failed = false;
      g_fail_in.store(n);
      std::string outcome;
      bool out_of_memory = false;
      try {
        outcome = load(text);
      } catch (const std::bad_alloc&) {
        out_of_memory = true;
      }
      g_fail_in.store(-1);
      if (!g_failed) {
        EXPECT_EQ(outcome, whole);
        break;
      }
      ++failures;
      ASSERT_TRUE(out_of_memory) << "allocation " << n << " failed, and the load said: '" << outcome
                                 << "'\n"
                                 << text;
    }
    EXPECT_GT(failures, 10) << text;
  }
}

// A doer that never ends: the passes in which SimNet refuses connects.
class Idle final : public Doer {
 protected:
  bool recur(Tyme) override { return false; }
};

// Once `server` has a remote for each client and every client is connected:
// notes the live heap then (before the run's end closes them) and stops.
class AllConnected final : public Doer {
 public:
  AllConnected(Doist& doist, const EchoServerDoer& server, std::vector<TcpClientDoer*> clients)
      : doist_(doist), server_(server), clients_(std::move(clients)) {}
  std::optional<std::int64_t> live;  // g_live when all were connected

 protected:
  bool recur(Tyme) override {
    const bool all = server_.remotes().size() == clients_.size() &&
                     std::all_of(clients_.begin(), clients_.end(),
                                 [](TcpClientDoer* c) { return c->channel().connected(); });
    if (!all) return false;
    live = g_live.load();
    doist_.request_stop();
    return true;
  }

 private:
  Doist& doist_;
  const EchoServerDoer& server_;
  std::vector<TcpClientDoer*> clients_;
};

// Every real TCP stream made its 64 KiB read chunk as soon as it connected
// (a read is always outstanding) and kept it for life: 8000 quiet remotes of
// an echo_server held 565 MB of address space and 80 MB resident. Plain TCP
// now waits for readability and reads into one chunk of the hub's.
TEST(Memory, QuietTcpConnectionsHoldNoReadChunkEach) {
  constexpr int kClients = 50;
  Doist doist(Tock{1'000'000}, /*real=*/true, seconds(10));
  IoHub io(doist.tymth());
  doist.attach(io);
  EchoServerDoer server(io, "tcp://127.0.0.1:0");
  ASSERT_TRUE(server.listener().connected()) << server.listener().reason();
  const std::int64_t before = g_live.load();
  std::vector<std::unique_ptr<TcpClientDoer>> clients;
  std::vector<Doer*> doers{&server};
  std::vector<TcpClientDoer*> watched;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<TcpClientDoer>(io, "tcp://" + server.listener().local(),
                                                      ChannelOptions{}));
    doers.push_back(clients.back().get());
    watched.push_back(clients.back().get());
  }
  AllConnected all(doist, server, watched);
  doers.push_back(&all);
  doist.run(doers);
  ASSERT_TRUE(all.live.has_value()) << "not all connected within 10 s";
  const std::int64_t per_pair = (*all.live - before) / kClients;
  // A client and its remote; before: more than 2 x 64 KiB.
  EXPECT_LT(per_pair, 32 * 1024) << per_pair << " bytes per connected pair";
}

// hio run's channel warnings kept an entry for every channel that ever had an
// error, to the end of the run, only to count at the end those that connected
// again later: a real server whose clients reset (59,035 accepted remotes
// that failed) grew 9.4 -> 12.8 MB. Channels the hub released (a server's
// ended remotes) are now counted and forgotten: what is kept stays about the
// channels alive, and the count line is the one it was.
TEST(Memory, ChannelWarningsForgetReleasedChannels) {
  Doist doist(Tock{1'000'000});
  IoHub io(doist.tymth());
  doist.attach(io);
  SimNet net(doist, io);
  net.add_host("c");
  net.add_host("s");
  net.set_client_host("c");
  std::vector<std::string> lines;
  const std::function<void(const std::string&)> warn = [&](const std::string& line) {
    lines.push_back(line);
  };
  ChannelWarnings warnings(doist, io, warn, std::string("run.hioj"));
  io.add_sink(warnings);
  ChannelErrorCount errors;
  io.add_sink(errors);
  warnings.build_succeeded();
  Idle idle;
  const auto passes = [&] { doist.run({&idle}, Tock{10'000'000}); };

  // Five that fail, then connect once a listener came (connected again
  // later), then are released: counted before they are forgotten.
  std::vector<Channel*> again;
  for (int i = 0; i < 5; ++i)
    again.push_back(&io.connect("sim://s:2"));
  passes();
  io.listen("sim://s:2");
  for (Channel* channel : again) {
    ASSERT_EQ(channel->state(), ChannelState::failed);
    channel->reopen();
  }
  passes();
  for (Channel* channel : again) {
    ASSERT_EQ(channel->state(), ChannelState::connected);
    io.release(*channel);
  }

  // Then 5,000 that fail and are released, 50 at a time.
  constexpr int kRounds = 100;
  constexpr int kChannels = 50;
  std::size_t kept_max = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<Channel*> channels;
    for (int i = 0; i < kChannels; ++i)
      channels.push_back(&io.connect("sim://s:1"));
    passes();
    for (Channel* channel : channels) {
      ASSERT_EQ(channel->state(), ChannelState::failed);
      io.release(*channel);
    }
    kept_max = std::max(kept_max, warnings.channels_kept());
  }
  // Before: 5,005 (every channel with an error, to the end).
  EXPECT_LE(kept_max, std::size_t{200});
  warnings.finish(errors.count);
  ASSERT_EQ(lines.size(), kChannelWarningsMax + 1);
  EXPECT_EQ(lines.back(),
            "warning: 5005 channel errors in all, on 5005 channels (4995 not named above); 5 "
            "connected again later; hio inspect run.hioj --kind error lists them");
}

// A simulated server whose client the server drops when idle (10 ms) and
// which connects again (5 ms later): a new accepted channel every ~20 ms,
// all opened after the journal's header.
std::string churn_scenario(int seconds) {
  return "[run]\ntock = \"1ms\"\nlimit = \"" + std::to_string(seconds) +
         "s\"\n[net]\nhosts = [\"a\", \"b\"]\n"
         "[[doer]]\nkind = \"echo_server\"\nname = \"server\"\naddress = \"sim://b:7\"\n"
         "idle_timeout = \"10ms\"\n"
         "[[doer]]\nkind = \"echo_client\"\nname = \"c\"\naddress = \"@server\"\nhost = \"a\"\n"
         "messages = 100000000\nsize = 10\ninterval = \"1s\"\nretry = \"5ms\"\n";
}

// hio inspect --channel NAME (a channel the header's table does not have)
// kept the name of every channel of the journal, and --stats the name,
// address and kind of every one, printed or not: ~100 bytes a channel, 54 MB
// for 64,000 channels. Now the lookup keeps what matches, and --stats the
// rows it prints and the channels open at once: a journal 4 times as long
// costs the same.
TEST(Memory, InspectKeepsTheChannelsItPrintsNotEveryChannel) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const hio::test::TempDir temp("hio-memory-churn");  // 5 MB of journals, removed at the end
  const std::string& dir = temp.path();
  const auto record = [&](int seconds, const std::string& path) {
    const Scenario s = load_scenario_text(churn_scenario(seconds), "churn.toml", kinds);
    RunOptions options;
    options.record_path = path;
    const RunSummary summary = run_scenario(s, kinds, options);
    EXPECT_FALSE(summary.error.has_value());
  };
  const std::string short_journal = dir + "/memory_churn_short.hioj";
  const std::string long_journal = dir + "/memory_churn_long.hioj";
  // Both long enough for the reader's buffer to have its size (a file
  // shorter than its 256 KiB block gets less): ~2,600 and ~10,500 accepted
  // channels.
  record(40, short_journal);
  record(160, long_journal);
  // The peak of one `hio inspect JOURNAL ARGS...`, and what it printed.
  const auto inspect = [&](const std::string& journal, std::vector<std::string> args,
                           std::string& out) {
    args.insert(args.begin(), {"hio", "inspect", journal});
    std::vector<const char*> argv;
    for (const std::string& arg : args)
      argv.push_back(arg.c_str());
    int rc = -1;
    ::testing::internal::CaptureStdout();
    const std::int64_t peak =
        peak_bytes([&] { rc = run_cli(static_cast<int>(argv.size()), argv.data(), kinds); });
    out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0) << out;
    return peak;
  };
  // Each command, and a line it prints.
  const std::vector<std::pair<std::vector<std::string>, std::string>> commands = {
      // The first accepted remote, by the name its open event gives.
      {{"--channel", "server/3", "--kind", "close"}, "\np12 0.012 s11 #3 close local "},
      // The listener's totals, and the client's connects.
      {{"--stats", "--channel", "1"}, "\nstats #1 name=\"server\" kind=listener "},
      {{"--stats", "--kind", "connect", "--channel", "c"}, "\nstats #2 name=\"c\" kind=stream "},
      // No channel kept: the names of the channels not yet closed only.
      {{"--stats", "--kind", "error"}, "\nstats total channels=0 events=0 "},
  };
  for (const auto& [command, line] : commands) {
    std::string short_out;
    std::string long_out;
    const std::int64_t short_peak = inspect(short_journal, command, short_out);
    const std::int64_t long_peak = inspect(long_journal, command, long_out);
    // Before: some 8,000 channels more, 0.6 to 1.5 MB.
    EXPECT_LT(long_peak - short_peak, 32 * 1024)
        << ::testing::PrintToString(command) << ": " << short_peak << " bytes, then " << long_peak;
    EXPECT_NE(long_out.find(line), std::string::npos) << line << " not in:\n" << long_out;
  }
  // What --stats names is the same: the rows carry their channel's name.
  std::string out;
  inspect(long_journal, {"--stats", "--kind", "close"}, out);
  EXPECT_NE(out.find("stats #3 name=\"server/3\" kind=stream"), std::string::npos) << out;
  EXPECT_NE(out.find("stats #2 name=\"c\" kind=stream"), std::string::npos) << out;
}

// Out of memory while a replay's tree is built is hio's (exit 6) also once
// the replay has met damage: a journal cut right after its header, whose
// client names '@server' (its recorded address is in the cut frame). The
// bad_alloc was taken for the build failure the damage causes, and the
// replay said DAMAGED (exit 2). The client's build (after the server's: the
// damage is met) is made to fail at each of its allocations in turn.
TEST(Memory, OutOfMemoryInADamagedReplaysBuildIsNotTheDamage) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  // "arm" sets the countdown (g_armed), "disarm" clears it: the allocations
  // of the doers built between them are the ones made to fail.
  for (const bool arm : {true, false}) {
    kinds.add(KindSpec{arm ? "arm" : "disarm",
                       "",
                       {},
                       [arm](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> {
                         g_fail_in.store(arm ? g_armed.load() : -1);
                         return std::make_unique<Idle>();
                       },
                       false});
  }
  const hio::test::TempDir temp("hio-oom-replay");
  const std::string& dir = temp.path();
  std::string text = udp_scenario(10);
  const std::string client = "[[doer]]\nkind = \"udp_requester\"";
  text.replace(text.find(client), client.size(),
               "[[doer]]\nkind = \"arm\"\nname = \"arm\"\n\n" + client);
  text += "\n[[doer]]\nkind = \"disarm\"\nname = \"disarm\"\n";
  const Scenario s = load_scenario_text(text, "udp.toml", kinds);
  RunOptions record;
  record.record_path = dir + "/whole.hioj";
  ASSERT_FALSE(run_scenario(s, kinds, record).error.has_value());
  std::ifstream in(record.record_path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 24u);
  std::uint32_t header_length = 0;
  for (std::size_t i = 4; i > 0; --i)
    header_length = header_length << 8 | static_cast<unsigned char>(bytes[15 + i]);
  ASSERT_LT(24u + header_length, bytes.size());
  ReplayScenarioOptions options;
  options.journal = dir + "/cut.hioj";
  std::ofstream(options.journal, std::ios::binary) << bytes.substr(0, 24 + header_length);
  int failures = 0;
  for (std::int64_t n = 0; n < 100'000; ++n) {
    g_failed = false;
    g_armed = n;
    std::optional<ReplayScenarioOutcome> outcome;
    try {
      outcome = replay_scenario(options, kinds);
    } catch (const std::bad_alloc&) {
      ++failures;
    } catch (const std::exception& error) {
      g_fail_in = -1;
      g_armed = -1;
      FAIL() << "allocation " << n << " failed as: " << error.what();
    }
    g_fail_in = -1;
    g_armed = -1;
    if (!outcome) continue;
    ASSERT_TRUE(outcome->result.journal_error.has_value());
    ASSERT_FALSE(g_failed) << "allocation " << n << " failed, and the replay said: "
                           << outcome->result.journal_error->message;
    break;
  }
  EXPECT_GT(failures, 3);
}

// `hio COMMAND` on a real scenario with a client on a host name, while every
// allocation off this thread fails (the lookup's thread's first one: its
// io_context): its exit code must be `code`; returns what it said on stderr.
std::string out_of_memory_in_lookup_thread(const std::string& command, int code,
                                           const std::string& record = "") {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const hio::test::TempDir temp("hio-oom-lookup");
  const std::string path = temp.file("lookup.toml");
  std::ofstream(path) << "[run]\nmode = \"real\"\nlimit = \"1s\"\n[[doer]]\nkind = "
                         "\"echo_client\"\nname = \"c\"\naddress = \"tcp://localhost:7\"\n"
                         "[[expect]]\nfinal = \"c.connections == 0\"\n";
  const char* argv[] = {"hio", command.c_str(), path.c_str(), "--record", record.c_str()};
  g_failed = false;
  g_home = std::this_thread::get_id();
  g_fail_elsewhere.store(true, std::memory_order_release);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int rc = run_cli(record.empty() ? 3 : 5, argv, kinds);
  const std::string err = ::testing::internal::GetCapturedStderr();
  const std::string out = ::testing::internal::GetCapturedStdout();
  g_fail_elsewhere.store(false, std::memory_order_release);
  EXPECT_TRUE(g_failed) << "no allocation off the command's thread";
  EXPECT_EQ(rc, code) << out << err;
  return err;
}

// Out of memory on the thread that hio check looks a host name up on: the
// std::bad_alloc is handed to the command, which exits 6 and says so. It
// escaped the thread: std::terminate, the process aborted.
TEST(Memory, OutOfMemoryInCheckLookupThreadIsTheCommandsExit6) {
  EXPECT_EQ(out_of_memory_in_lookup_thread("check", 6),
            "hio check: error: out of memory (std::bad_alloc)\n");
}

// The run's lookups, made on such a thread since session 14: the bad_alloc
// comes out of the pass that would have delivered the answer (rather than
// be lost with the answer, the channel opening for ever), as
// HostLookupOutOfMemory: hio's failure, exit 6, as hio check's. It was
// taken for a doer's exception: "a doer threw: std::bad_alloc", exit 5.
TEST(Memory, OutOfMemoryInRunLookupThreadIsTheCommandsExit6) {
  EXPECT_EQ(out_of_memory_in_lookup_thread("run", 6),
            "hio run: error: out of memory (std::bad_alloc)\n");
}

// The journal of such a run ends with end=error and the error's text, which
// is no doer's exception: its replay ends at the recorded end (as after a
// limit, the doers' exit closes there), says that hio's error ended the run,
// judges no `final` expectation and exits 6, as the run did; its --record
// journal ends the same and replays the same. It was "end differs" (exit 3):
// the replay's doers did not throw at the recorded pass.
TEST(Memory, AJournalThatALookupsOutOfMemoryEndedReplaysToItsEnd) {
  const hio::test::TempDir temp("hio-oom-lookup-journal");
  const std::string& dir = temp.path();
  const std::string journal = dir + "/oom.hioj";
  EXPECT_EQ(out_of_memory_in_lookup_thread("run", 6, journal),
            "hio run: error: out of memory (std::bad_alloc)\n");
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  const std::string again = dir + "/again.hioj";
  for (const std::string& replayed : {journal, again}) {
    const char* argv[] = {"hio", "replay", replayed.c_str(), "--record", again.c_str()};
    const int argc = replayed == journal ? 5 : 3;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int rc = run_cli(argc, argv, kinds);
    const std::string err = ::testing::internal::GetCapturedStderr();
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 6) << replayed << "\n" << out << err;
    EXPECT_NE(out.find(": identical\n"), std::string::npos) << out;
    EXPECT_NE(out.find("\nended:     at the recorded end, where hio's own error ended the run: "
                       "out of memory (std::bad_alloc) on the thread host names are looked up "
                       "on (not the doers': hio run exited 6)\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("c.connections == 0  (not judged: the recorded run ended with hio's error "
                       "at tyme "),
              std::string::npos)
        << out;
    EXPECT_EQ(err, "") << replayed;
  }
}

// Out of memory while hio inspect, replay or diff reads a journal is hio's
// (exit 6, "out of memory"), never damage of the user's file: the reader
// said "cannot decode the frame: std::bad_alloc", exit 2. Every allocation
// of each command fails in turn, on an intact journal: all of inspect's and
// diff's; replay's from its tree's build on (an "arm" doer first in the
// tree: the scenario's parse before it has a test of its own, above), which
// covers the frames it reads as it runs.
TEST(Memory, OutOfMemoryReadingAJournalIsNotDamage) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  kinds.add(KindSpec{"arm",
                     "",
                     {},
                     [](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> {
                       g_fail_in.store(g_armed.load());
                       return std::make_unique<Idle>();
                     },
                     false});
  const hio::test::TempDir temp("hio-oom-read");
  const std::string& dir = temp.path();
  std::string text = udp_scenario(3);
  text.replace(text.find("limit = \"200s\""), 15, "limit = \"30ms\"");
  const std::string first = "[[doer]]";
  text.replace(text.find(first), first.size(),
               "[[doer]]\nkind = \"arm\"\nname = \"arm\"\n\n" + first);
  const Scenario s = load_scenario_text(text, "udp.toml", kinds);
  RunOptions record;
  record.record_path = dir + "/run.hioj";
  ASSERT_FALSE(run_scenario(s, kinds, record).error.has_value());
  const std::string& journal = record.record_path;
  const std::vector<std::vector<std::string>> commands = {
      {"hio", "inspect", journal},
      {"hio", "diff", journal, journal},
      {"hio", "replay", journal},
  };
  // What a command prints on stdout, but the wall time.
  const auto without_wall = [](const std::string& out) {
    std::string kept;
    std::size_t at = 0;
    while (at < out.size()) {
      std::size_t end = out.find('\n', at);
      end = end == std::string::npos ? out.size() : end + 1;
      const std::string line = out.substr(at, end - at);
      if (line.find(" wall") == std::string::npos) kept += line;
      at = end;
    }
    return kept;
  };
  for (const std::vector<std::string>& command : commands) {
    const bool armed = command[1] == "replay";
    std::vector<const char*> argv;
    for (const std::string& word : command)
      argv.push_back(word.c_str());
    ::testing::internal::CaptureStdout();
    ASSERT_EQ(run_cli(static_cast<int>(argv.size()), argv.data(), kinds), 0);
    const std::string whole = without_wall(::testing::internal::GetCapturedStdout());
    int failures = 0;
    for (std::int64_t n = 0; n < 1'000'000; ++n) {
      g_failed = false;
      ::testing::internal::CaptureStdout();
      ::testing::internal::CaptureStderr();
      (armed ? g_armed : g_fail_in) = n;
      int rc = -1;
      std::string escaped;
      try {
        rc = run_cli(static_cast<int>(argv.size()), argv.data(), kinds);
      } catch (const std::exception& error) {
        escaped = error.what();
      }
      g_fail_in = -1;
      g_armed = -1;
      const std::string err = ::testing::internal::GetCapturedStderr();
      const std::string out = ::testing::internal::GetCapturedStdout();
      ASSERT_TRUE(escaped.empty())
          << command[1] << ": allocation " << n << " failed, and run_cli threw " << escaped;
      if (!g_failed) {
        EXPECT_EQ(rc, 0) << command[1] << ":\n" << out << err;
        break;
      }
      if (rc == 0) {
        // A failure the command copes with (a set that forgets less): its
        // output is whole.
        ASSERT_EQ(without_wall(out), whole) << command[1] << ": allocation " << n << ":\n" << err;
        continue;
      }
      ++failures;
      ASSERT_EQ(rc, 6) << command[1] << ": allocation " << n << " failed, and it said:\n"
                       << out << err;
      ASSERT_NE(err.find("out of memory (std::bad_alloc)"), std::string::npos)
          << command[1] << ": allocation " << n << ":\n"
          << err;
    }
    EXPECT_GT(failures, 10) << command[1];
  }
}

// Fails the next allocation after its recur of pass `at`, whoever's it is
// (the last doer of the tree: the pass's end, or the next pass's).
class LateArm final : public Doer {
 public:
  explicit LateArm(std::int64_t at) : at_(at) {}

 protected:
  bool recur(Tyme) override {
    if (passes_++ == at_) g_fail_in.store(0);
    return false;
  }

 private:
  std::int64_t at_;
  std::int64_t passes_ = 0;
};

std::atomic<std::int64_t> g_late_at{-1};

// The replayer's own allocations in a pass (the journal reader's, reading
// the next recorded pass as this one ends) are hio's, exit 6, in a noise
// replay too, where the doers' out of memory is theirs (exit 5, as in hio
// run): the Replayer marks its own (Replayer::own_out_of_memory). Without
// the mark a noise replay called it the doers' exception, exit 5.
TEST(Memory, OutOfMemoryOfTheReplayerInANoiseReplaysPassIsHios) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  kinds.add(KindSpec{"late_arm",
                     "",
                     {},
                     [](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> {
                       return std::make_unique<LateArm>(g_late_at.load());
                     },
                     false});
  const hio::test::TempDir temp("hio-oom-late");
  std::string text = udp_scenario(3);
  text.replace(text.find("limit = \"200s\""), 15, "limit = \"30ms\"");
  text += "\n[[doer]]\nkind = \"late_arm\"\nname = \"arm\"\n";
  const Scenario s = load_scenario_text(text, "udp.toml", kinds);
  RunOptions record;
  record.record_path = temp.path() + "/run.hioj";
  ASSERT_FALSE(run_scenario(s, kinds, record).error.has_value());
  const std::string journal = record.record_path;
  const char* argv[] = {"hio", "replay", journal.c_str(), "--noise", "reorder=0.5", "--seed", "1"};
  // What run_cli says when the next allocation after LateArm's recur of
  // pass `at` fails.
  struct Said {
    int rc = -1;
    std::string out, err;
  };
  const auto fail_after = [&](std::int64_t at) {
    g_late_at = at;
    g_failed = false;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    Said said;
    said.rc = run_cli(7, argv, kinds);
    g_fail_in = -1;
    g_late_at = -1;
    said.err = ::testing::internal::GetCapturedStderr();
    said.out = ::testing::internal::GetCapturedStdout();
    EXPECT_TRUE(g_failed) << at;
    return said;
  };
  // After pass 1 the reader reads the next recorded pass
  // (Replayer::pass_ended, Feed::fill): the replayer's.
  const Said reader = fail_after(1);
  EXPECT_EQ(reader.rc, 6) << reader.out << reader.err;
  EXPECT_NE(reader.err.find("hio replay: error: out of memory (std::bad_alloc)\n"),
            std::string::npos)
      << reader.out << reader.err;
  // After pass 8 a doer closes its channel (ChannelDoer::exit): the doers'.
  const Said doers = fail_after(8);
  EXPECT_EQ(doers.rc, 5) << doers.out << doers.err;
  EXPECT_NE(doers.out.find("ended:     the doers threw \"std::bad_alloc\""), std::string::npos)
      << doers.out;
}

// A doer that catches the replayer's std::bad_alloc and goes on, and later
// runs out of memory itself: that one is the doers', compared as in the
// run. The replayer's was a mark never cleared, so the doer's later one was
// called the replayer's too (hio's: Replayer::run threw it on, exit 6).
// At its third pass, in a replay, the doer makes a channel with its nth
// allocation failing, n = 0, 1, ..., until the one that fails is the
// replayer's (its transport's, Replayer::own_out_of_memory in the catch),
// which it swallows; at its fourth it throws std::bad_alloc, as in the
// recorded run.
class Swallower final : public Doer {
 public:
  Swallower(IoHub& io, const replay::Replayer* replayer) : io_(io), replayer_(replayer) {}
  bool swallowed = false;
  // Asked again after the catch, of the exception_ptr kept there (session
  // 28): the same answer. Asked with no exception at all: std::logic_error
  // (it answered false, "not the replayer's", of the replayer's own).
  bool swallowed_after_catch = false;
  bool asked_of_nothing_refused = false;

 protected:
  bool recur(Tyme) override {
    ++passes_;
    if (passes_ == 3 && replayer_ != nullptr) {
      for (std::int64_t n = 0; n < 64 && !swallowed; ++n) {
        g_fail_in.store(n);
        try {
          (void)io_.bind("sim://server:9");
          g_fail_in.store(-1);
          break;  // every allocation made: none failed
        } catch (const std::bad_alloc&) {
          swallowed = replayer_->own_out_of_memory();
          kept_ = std::current_exception();
        }
        g_fail_in.store(-1);
      }
      swallowed_after_catch = replayer_->own_out_of_memory(kept_);
      try {
        (void)replayer_->own_out_of_memory();
      } catch (const std::logic_error&) {
        asked_of_nothing_refused = true;
      }
    }
    if (passes_ == 4) throw std::bad_alloc();
    return false;
  }

 private:
  IoHub& io_;
  const replay::Replayer* replayer_;
  int passes_ = 0;
  std::exception_ptr kept_;
};

TEST(Memory, ADoersOutOfMemoryAfterItSwallowedTheReplayersIsTheDoers) {
  const hio::test::TempDir temp("hio-oom-swallow");
  const std::string path = temp.path() + "/swallow.hioj";
  {
    Doist doist(Tock{1'000'000});
    doist.set_handle_sigint(false);
    IoHub io(doist.tymth());
    doist.attach(io);
    replay::JournalHeader header;
    header.scenario = "swallow";
    replay::Journal journal(doist, io, path, header);
    Swallower doer(io, nullptr);
    EXPECT_THROW(journal.run({&doer}, Tock{1'000'000'000}), std::bad_alloc);
  }
  replay::Replayer replayer(path);
  Doist doist(replayer.header().tock, /*real=*/false);
  doist.set_handle_sigint(false);
  IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);
  Swallower doer(io, &replayer);
  std::optional<replay::ReplayResult> r;
  try {
    r = replayer.run({&doer});
  } catch (const std::bad_alloc&) {
    ADD_FAILURE() << "the doer's out of memory was called the replayer's";
  }
  g_fail_in = -1;
  ASSERT_TRUE(doer.swallowed);
  EXPECT_TRUE(doer.swallowed_after_catch);
  EXPECT_TRUE(doer.asked_of_nothing_refused);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->error, std::optional<std::string>("std::bad_alloc"));
  EXPECT_TRUE(r->out_of_memory);
  // Outside a catch there is nothing to ask of (it answered "the doers'"
  // rules of no exception at all).
  EXPECT_THROW((void)replayer.doers_out_of_memory("std::bad_alloc"), std::logic_error);
}

// The engine's own out of memory in a pass is reported as the doers' (what
// holds, and why: closing27/28 "still open"). A doer with a tock of its own
// arms the failure as the last thing its first recur does; the schedule then
// files it under its next run (a timer bucket's first entry, an allocation
// of the engine's, after the hook returned). That std::bad_alloc comes out
// of Doist::run as a doer's would: the Schedule's catch knows it came from
// its own bookkeeping (no deed was running) but throws the same exception
// on, with no mark a caller could ask of (the Replayer keeps its own as an
// exception_ptr; the Doist keeps none: an engine change). So the run says
// the doers threw it: error "std::bad_alloc", out_of_memory (hio run exits
// 5, a sweep ends on it), exactly as for a doer's own bad_alloc.
class TimedArm final : public Doer {
 public:
  explicit TimedArm(bool throws) : throws_(throws) {}

 protected:
  bool recur(Tyme) override {
    g_in_hook = true;
    if (throws_) throw std::bad_alloc();  // the doer's own, for comparison
    g_in_hook = false;
    g_fail_in.store(0);
    return false;
  }

 private:
  bool throws_;
};

TEST(Memory, TheEnginesOwnOutOfMemoryInAPassIsReportedAsTheDoers) {
  DoerRegistry kinds;
  add_builtin_kinds(kinds);
  for (const bool throws : {false, true}) {
    kinds.add(KindSpec{throws ? "throwing_arm" : "timed_arm",
                       "",
                       {},
                       [throws](const DoerSpec&, BuildContext&) -> std::unique_ptr<Doer> {
                         return std::make_unique<TimedArm>(throws);
                       },
                       false});
  }
  std::vector<RunSummary> summaries;
  for (const std::string kind : {"timed_arm", "throwing_arm"}) {
    const Scenario s =
        load_scenario_text("[run]\ntock = \"1ms\"\nlimit = \"1s\"\n[[doer]]\nkind = \"" + kind +
                               "\"\nname = \"arm\"\ntock = \"5ms\"\n",
                           "arm.toml", kinds);
    g_failed = false;
    g_failed_in_hook = true;
    const RunSummary summary = run_scenario(s, kinds);
    g_fail_in = -1;
    g_in_hook = false;
    if (kind == "timed_arm") {
      ASSERT_TRUE(g_failed.load());
      EXPECT_FALSE(g_failed_in_hook.load());  // the engine's: after the hook returned
    }
    summaries.push_back(summary);
  }
  for (const RunSummary& summary : summaries) {
    EXPECT_EQ(summary.error, std::optional<std::string>("std::bad_alloc"));
    EXPECT_TRUE(summary.out_of_memory);
  }
}

}  // namespace memory_test
}  // namespace
}  // namespace hio::tools
