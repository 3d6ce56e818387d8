// Replay noise kinds are independent (docs/replay.md, "Noise on replay"):
// every recorded rx takes its decisions from each kind's stream when the
// feed reaches it, in recorded order, whatever happens to it then. Before
// session 18 (xstat18 finding 1) they were drawn at delivery: a drop skipped
// corrupt's byte and bit draws, an rx waiting for room (dup fills rx) drew
// after other channels' rx, and an rx of a closed channel drew nothing, so
// one kind's setting, or a doer's close, moved other kinds' decisions to
// other rx. And reorder=p reorders p of the rx (it was p/(1+p)).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hio/replay/reader.hpp"
#include "hio/tools/loader.hpp"
#include "hio/tools/replay_scenario.hpp"
#include "hio/tools/runner.hpp"
#include "temp_dir.hpp"

namespace hio::tools {
namespace {
namespace replay_noise_draws_test {

// The text of `scenarios/<name>`, with each `from` replaced by its `to`
// (every one of them must be there).
std::string scenario(const std::string& name,
                     const std::vector<std::pair<std::string, std::string>>& edits = {}) {
  std::ifstream in(std::string(HIO_SCENARIOS_DIR) + "/" + name);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(text.empty()) << name;
  for (const auto& [from, to] : edits) {
    EXPECT_NE(text.find(from), std::string::npos) << name << ": " << from;
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  return text;
}

// scenarios/udp_request_response.toml (200 requests, 413 rx recorded).
std::string udp_scenario() {
  return scenario("udp_request_response.toml");
}

// scenarios/serial_noisy_line.toml at 115200 baud with 20-byte rx buffers:
// a duplicated chunk does not fit, and the chunks after it wait for room.
std::string small_rx_serial_scenario() {
  return scenario(
      "serial_noisy_line.toml",
      {{"baud=9600", "baud=115200"},
       {"kind = \"serial_echo\"\n", "kind = \"serial_echo\"\nrx_bytes_max = 20\n"},
       {"kind = \"serial_sender\"\n", "kind = \"serial_sender\"\nrx_bytes_max = 20\n"}});
}

DoerRegistry registry() {
  DoerRegistry r;
  add_builtin_kinds(r);
  return r;
}

class ReplayNoiseDraws : public ::testing::Test {
 protected:
  std::string file(const std::string& name) const { return dir_.file(name); }

  // Runs `text`, journaled into `name`; returns its path.
  std::string record(const std::string& text, const std::string& name) {
    const DoerRegistry kinds = registry();
    RunOptions options;
    options.record_path = file(name);
    (void)run_scenario(load_scenario_text(text, name + ".toml", kinds), kinds, options);
    return options.record_path;
  }

  // Replays `journal` with `noise` and `seed` (against `scenario_text` if
  // not empty); returns the replay's journal.
  replay::JournalContents noisy(const std::string& journal, const std::string& noise,
                                std::uint64_t seed, const std::string& scenario_text = "") {
    ReplayScenarioOptions options;
    options.journal = journal;
    options.noise = noise;
    options.noise_seed = seed;
    options.record_path = file("replay-" + std::to_string(++replays_) + ".hioj");
    if (!scenario_text.empty()) {
      options.scenario_path = file("scenario-" + std::to_string(replays_) + ".toml");
      std::ofstream(options.scenario_path) << scenario_text;
    }
    (void)replay_scenario(options, registry());
    return replay::read_journal(options.record_path);
  }

 private:
  const hio::test::TempDir dir_{"hio-noise-draws"};
  int replays_ = 0;
};

// A noise event of a replay: on which channel, the recorded rx's bytes, the
// pass it was journaled in, and what the noise did.
struct Decision {
  std::uint32_t channel = 0;
  std::string bytes;
  Tyme tyme{};
  std::string detail;
  friend bool operator==(const Decision&, const Decision&) = default;
  friend void PrintTo(const Decision& d, std::ostream* out) {
    *out << "#" << d.channel << " at " << d.tyme.time_since_epoch().count() << " ns \""
         << d.bytes.substr(0, 12) << "...\" " << d.detail;
  }
};

// The replay noise events of `kind` whose detail is `detail` (any, if empty).
std::vector<Decision> decisions(const replay::JournalContents& journal, NoiseKind kind,
                                const std::string& detail = "") {
  std::vector<Decision> out;
  for (const replay::PassRecord& pass : journal.frames)
    for (const replay::OwnedEvent& e : pass.events)
      if (e.kind == EventKind::noise && e.noise == kind && e.text.starts_with("replay noise: ") &&
          (detail.empty() || e.text == detail)) {
        out.push_back({e.channel, e.bytes, e.tyme, e.text});
      }
  return out;
}

TEST_F(ReplayNoiseDraws, AddingDropMovesNoCorruptDecisionOnTheRxItKeeps) {
  const std::string journal = record(udp_scenario(), "udp.hioj");
  const replay::JournalContents corrupt = noisy(journal, "corrupt=0.3", 5);
  const replay::JournalContents both = noisy(journal, "drop=0.3,corrupt=0.3", 5);
  // No delay: every rx is delivered (or dropped) in its recorded pass, so
  // the pass, the channel and the bytes name the recorded rx (or the copies
  // of a datagram the recording's network duplicated: none of them is
  // compared when one is dropped).
  std::set<std::pair<std::int64_t, std::pair<std::uint32_t, std::string>>> dropped;
  for (const Decision& d : decisions(both, NoiseKind::drop))
    dropped.insert({d.tyme.time_since_epoch().count(), {d.channel, d.bytes}});
  ASSERT_GT(dropped.size(), 50u);
  const auto kept = [&](const replay::JournalContents& j) {
    std::vector<Decision> out;
    for (const Decision& d : decisions(j, NoiseKind::corrupt))
      if (dropped.count({d.tyme.time_since_epoch().count(), {d.channel, d.bytes}}) == 0)
        out.push_back(d);
    return out;
  };
  ASSERT_GT(kept(corrupt).size(), 50u);
  // Before the fix: 2 of 130 the same.
  EXPECT_EQ(kept(both), kept(corrupt));
}

TEST_F(ReplayNoiseDraws, AddingDupMovesNoDropDecision) {
  const std::string journal = record(small_rx_serial_scenario(), "serial.hioj");
  const replay::JournalContents drop = noisy(journal, "drop=0.1", 7);
  const replay::JournalContents both = noisy(journal, "drop=0.1,dup=0.5", 7);
  // A duplicated chunk that does not fit rx makes the channel's next chunks
  // wait for room: they are delivered (and their drops journaled) later,
  // but the same chunks of each channel are dropped, in the same order.
  const auto chunks = [](const replay::JournalContents& j) {
    std::map<std::uint32_t, std::vector<std::string>> out;
    for (const Decision& d : decisions(j, NoiseKind::drop, "replay noise: dropped"))
      out[d.channel].push_back(d.bytes);
    return out;
  };
  ASSERT_GT(decisions(both, NoiseKind::duplicate).size(), 50u);
  ASSERT_EQ(chunks(drop).size(), 2u);
  // Before the fix: 48 drops in both, some on the other channel's chunks.
  EXPECT_EQ(chunks(both), chunks(drop));
}

TEST_F(ReplayNoiseDraws, AnRxOfAClosedChannelStillTakesItsDraws) {
  const std::string journal = record(udp_scenario(), "udp.hioj");
  // The same noise against a requester that finishes after 50 requests: its
  // channel closes at 0.265 s, and the rest of its recorded rx (about 150)
  // reach a closed channel. The server's rx are the same in both replays.
  const replay::JournalContents whole = noisy(journal, "drop=0.3", 5);
  const replay::JournalContents cut =
      noisy(journal, "drop=0.3", 5,
            scenario("udp_request_response.toml", {{"requests = 200", "requests = 50"},
                                                   {"timeout = \"500ms\"", "timeout = \"20ms\""}}));
  const auto server = [](const replay::JournalContents& j) {
    std::vector<Decision> out;
    for (const Decision& d : decisions(j, NoiseKind::drop))
      if (d.channel == 1) out.push_back(d);
    return out;
  };
  ASSERT_GT(server(whole).size(), 50u);
  // Before the fix the server's drops after 0.265 s were others.
  EXPECT_EQ(server(cut), server(whole));
}

// reorder=p reorders each datagram with probability p. Fixed seeds: the
// count is exact (792 of the 1652 rx of four replays of the 413 recorded
// ones), so the bound below never flakes; it is a binomial one, and holds
// for the seeds tried. Before, the rx that came while one waited overtook
// it, its draw passed over: p/(1+p) of them (528, a third, for 0.5).
TEST_F(ReplayNoiseDraws, ReorderPReordersPOfTheDatagrams) {
  const std::string journal = record(udp_scenario(), "udp.hioj");
  std::uint64_t reordered = 0;
  std::uint64_t seen = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    ReplayScenarioOptions options;
    options.journal = journal;
    options.noise = "reorder=0.5";
    options.noise_seed = seed;
    const ReplayScenarioOutcome o = replay_scenario(options, registry());
    reordered += o.result.noise.reordered;
    seen += o.result.noise.rx_seen;
  }
  ASSERT_GT(seen, 1600u);
  // Binomial(n, 0.5): sd = sqrt(n)/2, about 20 for n = 1652; 5 sd either
  // side. p/(1+p) is a third: 550, more than 10 sd below n/2.
  const double expected = static_cast<double>(seen) / 2;
  EXPECT_GT(static_cast<double>(reordered), expected - 100) << reordered << " of " << seen;
  EXPECT_LT(static_cast<double>(reordered), expected + 100) << reordered << " of " << seen;
}

}  // namespace replay_noise_draws_test
}  // namespace
}  // namespace hio::tools
