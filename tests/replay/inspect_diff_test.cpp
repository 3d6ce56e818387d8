// The CLI's library calls: inspect (filters, text and JSON lines) and diff
// (first divergence with a hex diff), and salvaging a cut journal.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hio/replay/escape.hpp"
#include "hio/replay/replay.hpp"
#include "replay_test_util.hpp"

namespace hio::replay {
namespace {
namespace inspect_diff_test {

using test::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

TEST(Inspect, TextLines) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  JournalReader reader(dir.file("s.hioj"));
  std::ostringstream out;
  InspectSummary summary = inspect(reader, EventFilter{}, FormatOptions{}, out);
  EXPECT_TRUE(summary.complete);
  EXPECT_EQ(summary.events, test::sample_events().size());
  EXPECT_EQ(summary.events_matched, summary.events);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), summary.events + 2);
  EXPECT_EQ(lines[0], "header format=1 engine=\"" + std::string(engine_version()) +
                          "\" seed=81985529216486895 tock=0.03125 mode=sim "
                          "scenario=46B/" +
                          format_digest(digest_bytes(test::sample_header().scenario)) +
                          " channels=2 #1=\"client\":stream:tcp://127.0.0.1:4000 "
                          "#2=\"server\":listener:tcp://0.0.0.0:4000");
  EXPECT_EQ(lines[1], "p0 0 s0 #1 open stream name=\"client\" address=\"tcp://127.0.0.1:4000\"");
  EXPECT_EQ(lines[3], "p0 0 s2 #0 log \"0 info [main] start\"");
  EXPECT_EQ(lines[6], "p1 0.03125 s5 #2 accept #3 peer=\"127.0.0.1:5000\"");
  EXPECT_EQ(lines[8], "p2 0.0625 s7 #1 tx 6 \"hello\\n\"");
  EXPECT_EQ(lines[10],
            "p5 0.15625 s9 #3 tx 256 "
            "\"\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f"
            "\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f"
            " !\\\"#$%&'()*+,-./0123456789:;<=>?\"...");
  EXPECT_EQ(lines[12], "p5 0.15625 s11 #1 noise corrupt 3 \"abc\" peer=\"x:1\" detail=\"bit 3\"");
  EXPECT_EQ(lines[13], "p7 0.21875 s12 #1 error reason=\"connection reset\" discarded=4");
  EXPECT_EQ(lines[14], "p7 0.21875 s13 #3 close remote why=\"peer closed\"");
  EXPECT_EQ(lines[18], "p7 0.21875 s17 #0 log \"bin \\xff\\xfe and a\\x00b\"");
  EXPECT_EQ(lines.back(), "trailer passes=8 frames=5 events=18 digest=" +
                              format_digest(digest_events(test::views(test::sample_events()))) +
                              " end=limit end_tyme=0.25");
}

// The names of an object's members at its top level, in order.
std::vector<std::string> json_keys(const std::string& object) {
  std::vector<std::string> keys;
  int depth = 0;
  bool in_string = false;
  std::string current;
  for (std::size_t i = 0; i < object.size(); ++i) {
    const char c = object[i];
    if (in_string) {
      if (c == '\\') {
        current += object[++i];
      } else if (c == '"') {
        in_string = false;
        if (depth == 1 && i + 1 < object.size() && object[i + 1] == ':') keys.push_back(current);
      } else {
        current += c;
      }
    } else if (c == '"') {
      in_string = true;
      current.clear();
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return keys;
}

// The JSON rule (docs/scenarios.md): a header or a trailer has every field,
// in the same order, null where there is no value - whatever the journal
// (unfixed: noise, noise_seed, noise_chain, stop_signal and ended_at_pass
// only when set, "" for no wall clock or end text, and ", \"ended_at_pass\":
// true" spaced inside the compact layout).
TEST(Inspect, JsonHeaderAndTrailerHaveEveryField) {
  const FormatOptions json{.format = LineFormat::json};
  const JournalHeader capture = test::sample_header();
  JournalHeader noisy = capture;
  noisy.wall_clock = "2026-11-28T10:15:30.123Z";
  noisy.noise = "drop=0.1";
  noisy.noise_seed = 3;
  noisy.noise_chain = {NoiseStep{"dup=0.5", 1}, NoiseStep{"drop=0.1", 3}};
  noisy.exit_marked = !capture.exit_marked;
  const std::string a = format_header(capture, json);
  const std::string b = format_header(noisy, json);
  EXPECT_EQ(json_keys(a), json_keys(b)) << a << "\n" << b;
  const std::string marked_a = capture.exit_marked ? "true" : "false";
  const std::string marked_b = noisy.exit_marked ? "true" : "false";
  EXPECT_NE(a.find(",\"wall_clock\":null,\"exit_marked\":" + marked_a +
                   ",\"noise\":null,\"noise_seed\":null,\"noise_chain\":[]}"),
            std::string::npos)
      << a;
  EXPECT_NE(b.find(",\"wall_clock\":\"2026-11-28T10:15:30.123Z\",\"exit_marked\":" + marked_b +
                   ",\"noise\":\"drop=0.1\","
                   "\"noise_seed\":3,\"noise_chain\":[{\"seed\":1,\"spec\":\"dup=0.5\"},"
                   "{\"seed\":3,\"spec\":\"drop=0.1\"}]}"),
            std::string::npos)
      << b;
  // A noise replay of a capture: its chain is its own noise (the text line
  // leaves it out as saying nothing more); the JSON has it as written.
  noisy.noise_chain = {NoiseStep{"drop=0.1", 3}};
  EXPECT_EQ(json_keys(format_header(noisy, json)), json_keys(a));

  JournalTrailer limit{8, 5, 18, 0x1234, Tyme{seconds(1)}, RunOutcome::limit, ""};
  JournalTrailer stopped = limit;
  stopped.end = RunOutcome::interrupted;
  stopped.end_text = "stopped";
  stopped.stop_signal = 2;
  stopped.ended_at_pass = true;
  stopped.end_by_hio = true;
  const std::string c = format_trailer(limit, json);
  const std::string d = format_trailer(stopped, json);
  EXPECT_EQ(json_keys(c), json_keys(d)) << c << "\n" << d;
  EXPECT_NE(
      c.find(",\"end\":\"limit\",\"end_text\":null,\"stop_signal\":null,\"stop_signal_name\":null,"
             "\"ended_at_pass\":false,"
             "\"end_by_hio\":false}"),
      std::string::npos)
      << c;
  EXPECT_NE(d.find(",\"end\":\"interrupted\",\"end_text\":\"stopped\",\"stop_signal\":2,"
                   "\"stop_signal_name\":\"SIGINT\",\"ended_at_pass\":true,\"end_by_hio\":true}"),
            std::string::npos)
      << d;
  for (const std::string& line : {a, b, c, d})
    EXPECT_EQ(line.find(": "), std::string::npos) << "spaced in the compact layout: " << line;
}

// A trailer's stop signal is said by its number and its name, from a fixed
// table (the journal's numbers are Linux's; strsignal's text would follow
// the locale): "stop_signal=10 (SIGUSR1)", and "stop_signal_name" in JSON.
TEST(Inspect, TrailerNamesItsStopSignal) {
  JournalTrailer t{8, 5, 18, 0x1234, Tyme{seconds(1)}, RunOutcome::interrupted, ""};
  const std::pair<int, const char*> signals[] = {
      {1, "SIGHUP"}, {2, "SIGINT"}, {10, "SIGUSR1"}, {15, "SIGTERM"}};
  for (const auto& [number, name] : signals) {
    t.stop_signal = number;
    const std::string text = format_trailer(t, FormatOptions{});
    EXPECT_TRUE(text.ends_with(" stop_signal=" + std::to_string(number) + " (" + name + ")"))
        << text;
    const std::string json = format_trailer(t, FormatOptions{.format = LineFormat::json});
    EXPECT_NE(json.find(",\"stop_signal\":" + std::to_string(number) + ",\"stop_signal_name\":\"" +
                        name + "\","),
              std::string::npos)
        << json;
  }
  t.stop_signal = 9;  // no journal holds it (the reader reads it as 0): the number alone
  EXPECT_TRUE(format_trailer(t, FormatOptions{}).ends_with(" stop_signal=9"));
  EXPECT_NE(format_trailer(t, FormatOptions{.format = LineFormat::json})
                .find(",\"stop_signal\":9,\"stop_signal_name\":null,"),
            std::string::npos);
}

TEST(Inspect, JsonLines) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  JournalReader reader(dir.file("s.hioj"));
  std::ostringstream out;
  EventFilter only_rx;
  only_rx.kinds = EventFilter::kind_bit(EventKind::rx);
  only_rx.channels = {4};
  inspect(reader, only_rx, FormatOptions{.format = LineFormat::json}, out);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("{\"type\":\"header\",\"format_version\":1,", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1],
            "{\"type\":\"event\",\"pass\":7,\"tyme_ns\":218750000,\"tyme\":\"0.21875\",\"seq\":16,"
            "\"channel\":4,\"kind\":\"rx\",\"bytes_len\":5,\"bytes_hex\":\"646772616d\","
            "\"peer\":\"10.0.0.1:9\",\"text\":null,\"accepted\":null,\"who\":null,"
            "\"noise\":null,\"channel_kind\":null}");
  EXPECT_EQ(lines[2],
            "{\"type\":\"trailer\",\"passes\":8,\"frames\":5,\"events\":18,\"digest\":\"" +
                format_digest(digest_events(test::views(test::sample_events()))) +
                "\",\"end_tyme_ns\":250000000,\"end_tyme\":\"0.25\",\"end\":\"limit\","
                "\"end_text\":null,\"stop_signal\":null,\"stop_signal_name\":null,"
                "\"ended_at_pass\":false,"
                "\"end_by_hio\":false}");
  // Every event line has every field, in one order (a string that is not
  // UTF-8 is "<name>_hex"), null where the event has no value: the channel's
  // kind only on open, a peer only where one was recorded.
  const std::vector<std::string> keys = {
      "type",      "pass", "tyme_ns", "tyme",     "seq", "channel", "kind",        "bytes_len",
      "bytes_hex", "peer", "text",    "accepted", "who", "noise",   "channel_kind"};
  for (const auto& e : test::sample_events()) {
    const std::string line = format_event(e.view(), 0, FormatOptions{.format = LineFormat::json});
    std::vector<std::string> line_keys = json_keys(line);
    for (std::string& k : line_keys)
      if (k == "text_hex" || k == "peer_hex") k.resize(k.size() - 4);
    EXPECT_EQ(line_keys, keys) << line;
    for (const char* empty : {"\"peer\":\"\"", "\"text\":\"\""})
      EXPECT_EQ(line.find(empty), std::string::npos) << "an empty string for no value: " << line;
    EXPECT_EQ(line.find("\"channel_kind\":null") == std::string::npos,
              e.view().kind == EventKind::open)
        << line;
    if (e.view().kind == EventKind::open) {
      EXPECT_NE(
          line.find(std::string("\"channel_kind\":\"") + to_string(e.view().channel_kind) + "\""),
          std::string::npos)
          << line;
    }
  }
  EventFilter only_log;
  only_log.kinds = EventFilter::kind_bit(EventKind::log);
  std::ostringstream logs;
  JournalReader again(dir.file("s.hioj"));
  inspect(again, only_log, FormatOptions{.format = LineFormat::json}, logs);
  EXPECT_NE(logs.str().find("\"kind\":\"log\",\"bytes_len\":null,\"bytes_hex\":null,"
                            "\"peer\":null,\"text\":\"0 info [main] start\",\"accepted\":null,"
                            "\"who\":null,\"noise\":null,\"channel_kind\":null}"),
            std::string::npos)
      << logs.str();
  // Text that is not UTF-8 goes as hex.
  const auto events = test::sample_events();
  const std::string json =
      format_event(events.back().view(), 7, FormatOptions{.format = LineFormat::json});
  EXPECT_NE(json.find("\"text_hex\":\"62696e20fffe20616e6420610062\""), std::string::npos) << json;
}

// A crafted journal whose every event holds a peer and a text: each line
// shows them only on the kinds the Event table of docs/journal-format.md gives
// them (noise has both), the text line and the JSON line alike; elsewhere the
// JSON has null.
TEST(Inspect, PeerAndTextOnlyOnTheKindsThatHaveThem) {
  TempDir dir;
  const std::string path = dir.file("crafted.hioj");
  const auto last = static_cast<unsigned>(EventKind::rx_end);
  {
    JournalWriter w(path);
    w.write_header(test::sample_header());
    std::vector<ChannelEvent> events;
    for (unsigned k = 0; k <= last; ++k)
      events.push_back(ChannelEvent{.kind = static_cast<EventKind>(k),
                                    .channel = 1,
                                    .seq = k,
                                    .bytes = "b",
                                    .peer = "PEER",
                                    .text = "TEXT",
                                    .accepted = 2});
    w.write_pass(Tyme{}, events);
    RunSummary summary = test::sample_summary();
    summary.passes = 1;
    summary.end_tyme = Tyme{test::kSampleTock};
    w.finish(summary);
  }
  const std::vector<EventKind> with_peer = {EventKind::open, EventKind::connect, EventKind::accept,
                                            EventKind::rx,   EventKind::tx,      EventKind::noise};
  const std::vector<EventKind> with_text = {EventKind::open,  EventKind::connect, EventKind::close,
                                            EventKind::error, EventKind::noise,   EventKind::log};
  auto has = [](const std::vector<EventKind>& kinds, EventKind kind) {
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
  };
  for (LineFormat format : {LineFormat::text, LineFormat::json}) {
    JournalReader reader(path);
    std::ostringstream out;
    EXPECT_TRUE(inspect(reader, EventFilter{}, FormatOptions{.format = format}, out).complete);
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), last + 3u);  // header, the events, trailer
    for (unsigned k = 0; k <= last; ++k) {
      const auto kind = static_cast<EventKind>(k);
      const std::string& line = lines[1 + k];
      EXPECT_EQ(line.find("PEER") != std::string::npos, has(with_peer, kind)) << line;
      EXPECT_EQ(line.find("TEXT") != std::string::npos, has(with_text, kind)) << line;
      if (format == LineFormat::json) {
        EXPECT_EQ(line.find("\"peer\":null") != std::string::npos, !has(with_peer, kind)) << line;
        EXPECT_EQ(line.find("\"text\":null") != std::string::npos, !has(with_text, kind)) << line;
      }
    }
  }
}

// One writer of string members for inspect's compact lines and the CLI's
// spaced summaries: only the space after the colon differs.
TEST(Inspect, JsonMembersInBothSpacings) {
  std::string compact;
  append_json_member(compact, "a", "x\"y", JsonSpacing::compact);
  EXPECT_EQ(compact, R"("a":"x\"y")");
  std::string spaced;
  append_json_member(spaced, "a", "x\"y", JsonSpacing::spaced);
  EXPECT_EQ(spaced, R"("a": "x\"y")");
  std::string hex;
  append_json_member(hex, "b", "\xff", JsonSpacing::spaced);
  EXPECT_EQ(hex, R"("b_hex": "ff")");
  std::string field = "{\"n\":1";
  append_json_field(field, "b", "\xff");
  EXPECT_EQ(field, R"({"n":1,"b_hex":"ff")");
}

// Every control character is \uXXXX in JSON, the C1 ones (U+009B is a CSI
// to terminals that obey C1 in UTF-8) and the bidirectional overrides too:
// they were written raw (only C0 and DEL were escaped). Other UTF-8 as is.
TEST(Inspect, JsonEscapesC1ControlsAndBidiOverrides) {
  std::string out;
  append_json_string(out,
                     "a\x1b\x7f\xc2\x80\xc2\x9b"
                     "2J\xc2\x9f\xc2\xa0"
                     "\xe2\x80\xaa\xe2\x80\xaeq\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\xaf\xc3\xa9\n");
  EXPECT_EQ(out,
            "\"a\\u001b\\u007f\\u0080\\u009b2J\\u009f\xc2\xa0"
            "\\u202a\\u202eq\\u2066\\u2069\xe2\x80\xaf\xc3\xa9\\n\"");
  std::string member;
  append_json_member(member, "name", "x\xe2\x80\xaey", JsonSpacing::compact);
  EXPECT_EQ(member, R"("name":"x\u202ey")");
}

// A callback that throws: the exception propagates, and the reader stays at
// the start of the frame it was in, so a later call gives that whole frame
// again and loses nothing (it went on at the next frame: the rest of the
// frame was gone).
TEST(Inspect, ACallbackThatThrowsLeavesTheReaderAtTheStartOfItsFrame) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  using Seen = std::vector<std::pair<std::uint64_t, std::uint64_t>>;  // pass, seq
  auto record = [](Seen& seen) {
    return [&seen](const FrameView& frame, const ChannelEvent& e) {
      seen.emplace_back(frame.pass, e.seq);
    };
  };
  Seen every;
  JournalReader whole(dir.file("s.hioj"));
  ASSERT_TRUE(for_each_event(whole, EventFilter{}, record(every)).complete);
  // The second event of a frame after the first one.
  std::size_t throw_at = 1;
  while (throw_at < every.size() &&
         (every[throw_at].first != every[throw_at - 1].first || every[throw_at].first == 0))
    ++throw_at;
  ASSERT_LT(throw_at, every.size());
  const std::size_t frame_start = throw_at - 1;

  JournalReader reader(dir.file("s.hioj"));
  Seen before;
  const auto throwing = [&](const FrameView& frame, const ChannelEvent& e) {
    if (e.seq == every[throw_at].second) throw std::runtime_error("stop here");
    before.emplace_back(frame.pass, e.seq);
  };
  EXPECT_THROW((void)for_each_event(reader, EventFilter{}, throwing), std::runtime_error);
  EXPECT_EQ(before, Seen(every.begin(), every.begin() + static_cast<std::ptrdiff_t>(throw_at)));
  Seen after;
  const InspectSummary rest = for_each_event(reader, EventFilter{}, record(after));
  EXPECT_TRUE(rest.complete);
  EXPECT_EQ(after, Seen(every.begin() + static_cast<std::ptrdiff_t>(frame_start), every.end()));
}

TEST(Inspect, FiltersByChannelKindAndTymeRange) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  auto collect = [&](const EventFilter& filter) {
    JournalReader reader(dir.file("s.hioj"));
    std::vector<std::uint64_t> seqs;
    EXPECT_FALSE(for_each_event(reader, filter, [&](const FrameView&, const ChannelEvent& e) {
                   seqs.push_back(e.seq);
                 }).error);
    return seqs;
  };
  EventFilter f;
  f.channels = {3};
  EXPECT_EQ(collect(f), (std::vector<std::uint64_t>{6, 8, 9, 13}));
  f = EventFilter{};
  f.kinds = EventFilter::kind_bit(EventKind::tx) | EventFilter::kind_bit(EventKind::close);
  EXPECT_EQ(collect(f), (std::vector<std::uint64_t>{7, 9, 13, 14}));
  f = EventFilter{};
  f.from = Tyme{test::kSampleTock * 2};
  f.until = Tyme{test::kSampleTock * 7};  // [2, 7) tocks: passes 2 and 5
  EXPECT_EQ(collect(f), (std::vector<std::uint64_t>{7, 8, 9, 10, 11}));
  EXPECT_EQ(parse_event_kind("noise"), EventKind::noise);
  EXPECT_EQ(parse_event_kind("bogus"), std::nullopt);
}

// A window (--to) stops the reading at the first frame past it: neither the
// rest of the journal nor damage there is read, and the last line says where
// it stopped. read_past_until reads on to the trailer or the damage.
TEST(Inspect, WindowedInspectStopsPastTheWindowUnlessAskedToReadOn) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  EventFilter window;
  window.until = Tyme{test::kSampleTock * 2};  // [.., 2) tocks: passes 0 and 1
  std::string bytes = test::read_file(dir.file("s.hioj"));
  bytes.resize(bytes.size() - 10);  // cut inside the trailer
  {
    JournalReader reader = JournalReader::from_memory(bytes);
    std::ostringstream out;
    InspectSummary summary = inspect(reader, window, FormatOptions{}, out);
    EXPECT_FALSE(summary.complete);
    EXPECT_FALSE(summary.error);
    ASSERT_TRUE(summary.stopped);
    EXPECT_EQ(summary.stopped->pass, 2u);
    EXPECT_EQ(summary.frames, 2u);  // passes 0 and 1; pass 2's frame was not used
    const auto lines = lines_of(out.str());
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back().rfind("stopped before pass 2 (tyme 0.0625 s, byte ", 0), 0u)
        << lines.back();
    JournalReader again = JournalReader::from_memory(bytes);
    std::ostringstream json;
    inspect(again, window, FormatOptions{.format = LineFormat::json}, json);
    EXPECT_EQ(
        lines_of(json.str())
            .back()
            .rfind("{\"type\":\"stopped\",\"pass\":2,\"tyme_ns\":62500000,\"tyme\":\"0.0625\","
                   "\"offset\":",
                   0),
        0u)
        << json.str();
  }
  window.read_past_until = true;
  {
    JournalReader reader(dir.file("s.hioj"));
    std::ostringstream out;
    InspectSummary summary = inspect(reader, window, FormatOptions{}, out);
    EXPECT_TRUE(summary.complete);
    EXPECT_FALSE(summary.stopped);
    EXPECT_EQ(summary.events, test::sample_events().size());
    EXPECT_LT(summary.events_matched, summary.events);
    const auto lines = lines_of(out.str());
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back().rfind("trailer passes=", 0), 0u) << lines.back();
  }
  JournalReader reader = JournalReader::from_memory(bytes);
  std::ostringstream out;
  InspectSummary summary = inspect(reader, window, FormatOptions{}, out);
  EXPECT_FALSE(summary.complete);
  ASSERT_TRUE(summary.error);
  const auto lines = lines_of(out.str());
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("(after pass 7, tyme 0.21875 s): truncated"), std::string::npos)
      << lines.back();
}

TEST(Inspect, DamagedJournalPrintsWhatIsValidThenTheError) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  std::string bytes = test::read_file(dir.file("s.hioj"));
  bytes.resize(bytes.size() - 10);
  JournalReader reader = JournalReader::from_memory(bytes);
  std::ostringstream out;
  InspectSummary summary = inspect(reader, EventFilter{}, FormatOptions{}, out);
  EXPECT_FALSE(summary.complete);
  ASSERT_TRUE(summary.error);
  const auto lines = lines_of(out.str());
  EXPECT_EQ(lines.size(), 1 + test::sample_events().size() + 1);
  EXPECT_EQ(lines.back().rfind("error byte ", 0), 0u) << lines.back();
  EXPECT_NE(lines.back().find("(after pass 7, tyme 0.21875 s): truncated"), std::string::npos);
}

// Writes the sample with one event changed.
void write_changed(const std::string& path, std::size_t index,
                   const std::function<void(OwnedEvent&)>& change) {
  JournalWriter w(path);
  w.write_header(test::sample_header());
  std::size_t i = 0;
  for (test::SamplePass p : test::sample_passes()) {
    for (OwnedEvent& e : p.events)
      if (i++ == index) change(e);
    w.write_pass(p.tyme, test::views(p.events));
  }
  w.finish(test::sample_summary());
}

TEST(InspectStats, PerChannelTotalsOfTheSample) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  JournalReader reader(dir.file("s.hioj"));
  std::ostringstream out;
  const InspectSummary summary =
      inspect(reader, EventFilter{}, FormatOptions{}, out, InspectBody::stats);
  EXPECT_TRUE(summary.complete);
  EXPECT_EQ(summary.events_matched, 18u);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 8u);  // header, channels 0-4, total, trailer
  EXPECT_EQ(lines[0].rfind("header ", 0), 0u);
  // Channel 0 (the logs) is in no table and has no open: no name, kind or address.
  EXPECT_EQ(lines[1],
            "stats #0 events=2 first=p0/0 last=p7/0.21875 rx_chunks=0 rx_bytes=0 tx_chunks=0 "
            "tx_bytes=0 logs=2");
  // The error's 4 bytes and the close's 2 were never sent: discarded.
  EXPECT_EQ(lines[2],
            "stats #1 name=\"client\" kind=stream address=\"tcp://127.0.0.1:4000\" events=7 "
            "first=p0/0 last=p7/0.21875 rx_chunks=1 rx_bytes=256 tx_chunks=1 tx_bytes=6 "
            "discarded_bytes=6 opens=1 connects=1 closes=1 errors=1 noise=1");
  EXPECT_EQ(lines[3],
            "stats #2 name=\"server\" kind=listener address=\"tcp://0.0.0.0:4000\" events=3 "
            "first=p0/0 last=p1/0.03125 rx_chunks=0 rx_bytes=0 tx_chunks=0 tx_bytes=0 opens=1 "
            "connects=1 accepts=1");
  EXPECT_EQ(lines[4],
            "stats #3 name=\"server/3\" kind=stream address=\"tcp://127.0.0.1:5000\" events=4 "
            "first=p1/0.03125 last=p7/0.21875 rx_chunks=1 rx_bytes=6 tx_chunks=1 tx_bytes=256 "
            "opens=1 closes=1");
  EXPECT_EQ(lines[5],
            "stats #4 name=\"udp\" kind=datagram address=\"udp://0.0.0.0:9\" events=2 "
            "first=p7/0.21875 last=p7/0.21875 rx_chunks=1 rx_bytes=5 tx_chunks=0 tx_bytes=0 "
            "opens=1");
  EXPECT_EQ(lines[6],
            "stats total channels=5 events=18 first=p0/0 last=p7/0.21875 rx_chunks=3 "
            "rx_bytes=267 tx_chunks=2 tx_bytes=262 discarded_bytes=6 opens=4 connects=2 "
            "accepts=1 closes=2 errors=1 noise=1 logs=2");
  EXPECT_EQ(lines[7].rfind("trailer ", 0), 0u);
}

TEST(InspectStats, AWindowCountsItsEventsAndStillNamesChannelsOpenedBefore) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  JournalReader reader(dir.file("s.hioj"));
  std::ostringstream out;
  EventFilter window;
  window.from = Tyme{Tock{156'250'000}};  // pass 5
  window.channels = {3, 2};
  inspect(reader, window, FormatOptions{.format = LineFormat::json}, out, InspectBody::stats);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 4u);  // header, #3 (#2 has nothing in the window), total, trailer
  // #3 opened at pass 1, before the window: named by that open event.
  EXPECT_EQ(lines[1],
            "{\"type\":\"stats\",\"channel\":3,\"name\":\"server/3\",\"address\":"
            "\"tcp://127.0.0.1:5000\",\"kind\":\"stream\",\"events\":2,\"first_pass\":5,"
            "\"first_tyme_ns\":156250000,\"first_tyme\":\"0.15625\",\"last_pass\":7,"
            "\"last_tyme_ns\":218750000,\"last_tyme\":\"0.21875\",\"rx_chunks\":0,"
            "\"rx_bytes\":0,\"tx_chunks\":1,\"tx_bytes\":256,\"discarded_bytes\":0,"
            "\"opens\":0,\"connects\":0,\"accepts\":0,\"rx_ends\":0,\"closes\":1,"
            "\"errors\":0,\"noise\":0,\"logs\":0}");
  EXPECT_EQ(lines[2].rfind("{\"type\":\"stats_total\",\"channels\":1,\"events\":2,", 0), 0u)
      << lines[2];
}

TEST(InspectStats, NothingKeptIsATotalOfNothingWithNullEnds) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  JournalReader reader(dir.file("s.hioj"));
  std::ostringstream out;
  EventFilter none;
  none.kinds = EventFilter::kind_bit(EventKind::rx_end);  // the sample has none
  inspect(reader, none, FormatOptions{.format = LineFormat::json}, out, InspectBody::stats);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1],
            "{\"type\":\"stats_total\",\"channels\":0,\"events\":0,\"first_pass\":null,"
            "\"first_tyme_ns\":null,\"first_tyme\":null,\"last_pass\":null,"
            "\"last_tyme_ns\":null,\"last_tyme\":null,\"rx_chunks\":0,\"rx_bytes\":0,"
            "\"tx_chunks\":0,\"tx_bytes\":0,\"discarded_bytes\":0,\"opens\":0,\"connects\":0,"
            "\"accepts\":0,\"rx_ends\":0,\"closes\":0,\"errors\":0,\"noise\":0,\"logs\":0}");
  std::ostringstream text;
  JournalReader again(dir.file("s.hioj"));
  inspect(again, none, FormatOptions{}, text, InspectBody::stats);
  EXPECT_EQ(lines_of(text.str())[1],
            "stats total channels=0 events=0 rx_chunks=0 rx_bytes=0 tx_chunks=0 tx_bytes=0");
}

// Every tyme in hio's JSON is given twice, exact and as text (xjrn28 L2): an
// error object had last_tyme_ns only, where the stats lines and diff's
// divergences had both.
TEST(Inspect, AnErrorObjectGivesItsLastTymeTwice) {
  const FormatOptions json{.format = LineFormat::json};
  JournalError e{JournalErrorKind::truncated, 120, 3, Tyme{test::kSampleTock * 3}, "cut"};
  EXPECT_EQ(format_error(e, json),
            "{\"type\":\"error\",\"kind\":\"truncated\",\"offset\":120,\"last_pass\":3,"
            "\"last_tyme_ns\":93750000,\"last_tyme\":\"0.09375\",\"message\":\"cut\"}");
  e.last_pass.reset();
  e.last_tyme.reset();
  EXPECT_EQ(format_error(e, json),
            "{\"type\":\"error\",\"kind\":\"truncated\",\"offset\":120,\"last_pass\":null,"
            "\"last_tyme_ns\":null,\"last_tyme\":null,\"message\":\"cut\"}");
}

TEST(Diff, SameJournalsAgree) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  test::write_sample(dir.file("b.hioj"));
  JournalReader a(dir.file("a.hioj"));
  JournalReader b(dir.file("b.hioj"));
  DiffResult r = diff_journals(a, b);
  EXPECT_TRUE(r.same());
  EXPECT_EQ(r.events_compared, test::sample_events().size());
  EXPECT_TRUE(r.header_differences.empty());
}

// Channel tables that differ name the first entry that differs, the field
// and both values (a port, say), or the entry only one table has.
TEST(Diff, ChannelTableDifferenceNamesTheChannelAndField) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  JournalHeader moved = test::sample_header();
  moved.channels.at(1).address = "tcp://0.0.0.0:4001";
  test::write_sample(dir.file("b.hioj"), {}, moved);
  JournalHeader more = test::sample_header();
  more.channels.push_back(
      ChannelInfo{3, "evil\x1b[2J", "udp://127.0.0.1:9", ChannelKind::datagram});
  test::write_sample(dir.file("c.hioj"), {}, more);
  JournalReader a(dir.file("a.hioj"));
  JournalReader b(dir.file("b.hioj"));
  DiffResult r = diff_journals(a, b);
  EXPECT_TRUE(r.same());  // the event streams decide
  ASSERT_EQ(r.header_differences.size(), 1u);
  EXPECT_EQ(r.header_differences[0],
            "channels: 2 vs 2 channels; the first that differs is entry 2 (#2 \"server\"): address "
            "\"tcp://0.0.0.0:4000\" vs \"tcp://0.0.0.0:4001\"");
  JournalReader a2(dir.file("a.hioj"));
  JournalReader c(dir.file("c.hioj"));
  r = diff_journals(a2, c);
  ASSERT_EQ(r.header_differences.size(), 1u);
  EXPECT_EQ(r.header_differences[0],
            "channels: 2 vs 3 channels; entry 3 is only in the second: #3 \"evil\\x1b[2J\" "
            "datagram \"udp://127.0.0.1:9\"");
}

// A paired entry that differs says the second journal's own id too: it read
// `entry 1 (#2 "server")` for the second's #3 (rev19 F-g).
TEST(Diff, APairedChannelTableEntrySaysEachJournalsId) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  JournalHeader moved = test::sample_header();
  moved.channels.at(1) = ChannelInfo{3, "server", "tcp://0.0.0.0:4001", ChannelKind::listener};
  test::write_sample(dir.file("b.hioj"), {}, moved);
  JournalReader a(dir.file("a.hioj"));
  JournalReader b(dir.file("b.hioj"));
  DiffOptions options;
  options.expected_channels = {2};
  options.actual_channels = {3};
  options.actual_as_expected = {{3, 2}};
  const DiffResult r = diff_journals(a, b, options);
  ASSERT_EQ(r.header_differences.size(), 1u);
  EXPECT_EQ(r.header_differences[0],
            "channels: 1 vs 1 channels; the first that differs is entry 1 (#2 \"server\", #3 in "
            "the second): address \"tcp://0.0.0.0:4000\" vs \"tcp://0.0.0.0:4001\"");
}

// The public lookups binary-search the pairs: out of order they would miss
// one and compare its channel as itself, silently (rev19 F-h). Checked.
TEST(Diff, PairsOutOfOrderAreRefused) {
  DiffOptions options;
  options.actual_as_expected = {{5, 1}, {3, 2}};
  ChannelEvent e;
  e.channel = 3;
  try {
    (void)as_expected_channel(options, 3);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "DiffOptions::actual_as_expected must be in ascending order of actual id, each "
                 "actual id once (std::sort them): (5, 1) comes before (3, 2)");
  }
  EXPECT_THROW((void)first_difference(e, e, options), std::invalid_argument);
  options.actual_as_expected = {{3, 2}, {5, 1}};
  EXPECT_EQ(as_expected_channel(options, 3), 2u);
  EXPECT_EQ(as_expected_channel(options, 4), 4u);
}

// A header field empty on one side says so: "noise: (none) vs drop=0.2"
// (it was "noise:  vs drop=0.2"), as noise_chain always did.
TEST(Diff, AnEmptyHeaderFieldIsSaidAsNone) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  JournalHeader noisy = test::sample_header();
  noisy.noise = "drop=0.2";
  test::write_sample(dir.file("b.hioj"), {}, noisy);
  JournalReader a(dir.file("a.hioj"));
  JournalReader b(dir.file("b.hioj"));
  const DiffResult r = diff_journals(a, b);
  ASSERT_EQ(r.header_differences.size(), 1u);
  EXPECT_EQ(r.header_differences[0], "noise: (none) vs drop=0.2");
}

// A noise chain is said as inspect says it, its specs quoted once (it was
// "\"drop=0.1\"@3", quoted again as a journal string), and only where one
// side's says more than its noise and noise_seed (a chain of one step, its
// own noise, said nothing those two lines did not).
TEST(Diff, NoiseChainIsSaidOnceAndOnlyWhenItSaysMore) {
  TempDir dir;
  test::write_sample(dir.file("plain.hioj"));
  JournalHeader once = test::sample_header();
  once.noise = "drop=0.1";
  once.noise_seed = 3;
  once.noise_chain = {NoiseStep{"drop=0.1", 3}};
  test::write_sample(dir.file("once.hioj"), {}, once);
  JournalHeader twice = once;
  twice.noise = "dup=0.5";
  twice.noise_seed = 4;
  twice.noise_chain.push_back(NoiseStep{"dup=0.5", 4});
  test::write_sample(dir.file("twice.hioj"), {}, twice);
  const auto differences = [&](const char* a, const char* b) {
    JournalReader x(dir.file(a));
    JournalReader y(dir.file(b));
    return diff_journals(x, y).header_differences;
  };
  EXPECT_EQ(differences("plain.hioj", "once.hioj"),
            (std::vector<std::string>{"noise: (none) vs drop=0.1", "noise_seed: 0 vs 3"}));
  EXPECT_EQ(
      differences("once.hioj", "twice.hioj"),
      (std::vector<std::string>{"noise: drop=0.1 vs dup=0.5", "noise_seed: 3 vs 4",
                                "noise_chain: \"drop=0.1\"@3 vs \"drop=0.1\"@3,\"dup=0.5\"@4"}));
  EXPECT_EQ(differences("plain.hioj", "twice.hioj").back(),
            "noise_chain: (none) vs \"drop=0.1\"@3,\"dup=0.5\"@4");
}

// Two scenario texts that differ are said by the first line that differs, not
// only by their digests (xjrn28): a changed value, a CRLF copy (its \r shown),
// a line more, a line end less, a text on one side only, a long line cut
// around the difference, its column in characters.
TEST(Diff, AScenarioDifferenceSaysTheFirstLineThatDiffers) {
  TempDir dir;
  const auto differences = [&](const std::string& a, const std::string& b) {
    JournalHeader x = test::sample_header();
    x.scenario = a;
    JournalHeader y = test::sample_header();
    y.scenario = b;
    test::write_sample(dir.file("x.hioj"), {}, x);
    test::write_sample(dir.file("y.hioj"), {}, y);
    JournalReader rx(dir.file("x.hioj"));
    JournalReader ry(dir.file("y.hioj"));
    std::vector<std::string> out = diff_journals(rx, ry).header_differences;
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(out.at(0).rfind("scenario_digest: ", 0), 0u) << out.at(0);
    return out.at(1);
  };
  const std::string text = "[run]\nname = \"a\"\nlimit = \"1s\"\n";
  EXPECT_EQ(differences(text, "[run]\nname = \"a\"\nlimit = \"2s\"\n"),
            "scenario: first differs at line 3, column 10: \"limit = \\\"1s\\\"\" vs "
            "\"limit = \\\"2s\\\"\"");
  EXPECT_EQ(differences(text, "[run]\r\nname = \"a\"\r\nlimit = \"1s\"\r\n"),
            "scenario: first differs at line 1, column 6: \"[run]\" vs \"[run]\\r\"");
  EXPECT_EQ(differences(text, text + "seed = 4\n"),
            "scenario: line 4 is only in the second: \"seed = 4\"");
  EXPECT_EQ(differences(text, text.substr(0, text.size() - 1)),
            "scenario: line 3 is the same, and ends the second without a line end after it");
  // A side with no scenario text (an embedder's journal) says so, not "line
  // 1 is only in the second" (rev28b LOW 2).
  EXPECT_EQ(differences("", text),
            "scenario: the first has no scenario text; the second's line 1 is \"[run]\"");
  EXPECT_EQ(differences(text, ""),
            "scenario: the second has no scenario text; the first's line 1 is \"[run]\"");
  // The same line ends one text, and the other goes on past it: said
  // (rev28b LOW 3: "ends the second" alone, as if the first ended too).
  EXPECT_EQ(differences("ab\nc", "ab"),
            "scenario: line 1 is the same, and ends the second without a line end after it; the "
            "first goes on: line 2 is \"c\"");
  EXPECT_EQ(differences("ab", "ab\n"),
            "scenario: line 1 is the same, and ends the first without a line end after it");
  // A difference beyond ASCII is shown as bytes: as text, a copy with a byte
  // order mark showed "[run]" vs "[run]" with the mark invisible (rev28b),
  // a no-break space for a space the same.
  EXPECT_EQ(differences(text, "\xEF\xBB\xBF" + text),
            "scenario: first differs at line 1, column 1: \"[run]\" vs \"\\xef\\xbb\\xbf[run]\"");
  EXPECT_EQ(differences("a = \"caf\xC3\xA9 x\"\n", "a = \"caf\xC3\xA9\xC2\xA0x\"\n"),
            "scenario: first differs at line 1, column 10: \"a = \\\"caf\\xc3\\xa9 x\\\"\" vs "
            "\"a = \\\"caf\\xc3\\xa9\\xc2\\xa0x\\\"\"");
  // Beyond ASCII elsewhere in the line, the text stays text.
  EXPECT_EQ(differences("a = \"caf\xC3\xA9 1\"\n", "a = \"caf\xC3\xA9 2\"\n"),
            "scenario: first differs at line 1, column 11: \"a = \\\"caf\xC3\xA9 1\\\"\" vs "
            "\"a = \\\"caf\xC3\xA9 2\\\"\"");
  // Columns count characters, as an editor does (rev28b LOW 1: bytes, 49
  // for an editor's 29); two characters that share their first bytes differ
  // at the first; a long line is cut between characters, never inside one
  // (its tail was shown as \xNN).
  std::string e20;
  for (int i = 0; i < 20; ++i)
    e20 += "\xC3\xA9";
  const auto wide = [&](char digit) {
    return "n = \"" + e20 + "a" + digit + std::string(30, 'b') + e20 + "\"";
  };
  std::string e12, e4;
  for (int i = 0; i < 12; ++i)
    e12 += "\xC3\xA9";
  for (int i = 0; i < 4; ++i)
    e4 += "\xC3\xA9";
  const std::string cut = e12 + "a%" + std::string(30, 'b') + e4;
  const auto with = [&](char digit) {
    std::string out = cut;
    out[out.find('%')] = digit;
    return "...\"" + out + "\"...";
  };
  EXPECT_EQ(differences(wide('1'), wide('2')),
            "scenario: first differs at line 1, column 27: " + with('1') + " vs " + with('2'));
  EXPECT_EQ(differences("caf\xC3\xA9\n", "caf\xC3\xA8\n"),
            "scenario: first differs at line 1, column 4: \"caf\\xc3\\xa9\" vs \"caf\\xc3\\xa8\"");
  const std::string hosts = "hosts = [" + std::string(200, 'h') + "]";
  std::string other = hosts;
  other[100] = 'X';
  EXPECT_EQ(differences(hosts, other), "scenario: first differs at line 1, column 101: ...\"" +
                                           std::string(24, 'h') + std::string(40, 'h') +
                                           "\"... vs ...\"" + std::string(24, 'h') + "X" +
                                           std::string(39, 'h') + "\"...");
}

TEST(Diff, FirstDifferingBytesWithHexDiff) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  write_changed(dir.file("b.hioj"), 9, [](OwnedEvent& e) { e.bytes[20] = 'X'; });
  JournalReader a(dir.file("a.hioj"));
  JournalReader b(dir.file("b.hioj"));
  DiffResult r = diff_journals(a, b);
  ASSERT_TRUE(r.divergence);
  const Divergence& d = *r.divergence;
  EXPECT_EQ(d.index, 9u);
  EXPECT_EQ(d.pass, 5u);
  EXPECT_EQ(d.tyme, Tyme{test::kSampleTock * 5});
  EXPECT_EQ(d.channel, 3u);
  EXPECT_EQ(d.field, "bytes");
  EXPECT_EQ(r.events_compared, 9u);
  const std::string report = d.describe();
  EXPECT_NE(report.find("first divergence at event 9: pass 5, tyme 0.15625 s, channel #3: bytes "
                        "differ"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("first difference at byte 20 (expected 256 bytes, actual 256 bytes)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("- 00000010  10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("+ 00000010  10 11 12 13 58 15"), std::string::npos) << report;
}

// The whole of an event's bytes is compared, not a prefix: a byte changed
// past the first 64 of the 256-byte tx, or the tx cut to its first 100 bytes.
TEST(Diff, BytesDifferAnywhereInTheEvent) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  ASSERT_EQ(test::sample_events()[9].bytes.size(), 256u);
  struct Case {
    std::function<void(OwnedEvent&)> change;
    const char* where;
  };
  const Case cases[] = {
      {[](OwnedEvent& e) { e.bytes[150] = 'X'; },
       "first difference at byte 150 (expected 256 bytes, actual 256 bytes)"},
      {[](OwnedEvent& e) { e.bytes.resize(100); },
       "first difference at byte 100 (expected 256 bytes, actual 100 bytes)"},
  };
  for (const Case& c : cases) {
    write_changed(dir.file("b.hioj"), 9, c.change);
    JournalReader a(dir.file("a.hioj"));
    JournalReader b(dir.file("b.hioj"));
    const DiffResult r = diff_journals(a, b);
    ASSERT_TRUE(r.divergence) << c.where;
    EXPECT_EQ(r.divergence->index, 9u);
    EXPECT_EQ(r.divergence->field, "bytes");
    EXPECT_NE(r.divergence->describe().find(c.where), std::string::npos)
        << r.divergence->describe();
  }
}

TEST(Diff, MissingExtraAndOtherFields) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  {
    JournalWriter w(dir.file("short.hioj"));
    w.write_header(test::sample_header());
    auto passes = test::sample_passes();
    for (std::size_t i = 0; i < 2; ++i)
      w.write_pass(passes[i].tyme, test::views(passes[i].events));
    w.finish(RunSummary{});
  }
  {
    JournalReader a(dir.file("a.hioj"));
    JournalReader b(dir.file("short.hioj"));
    DiffResult r = diff_journals(a, b);
    ASSERT_TRUE(r.divergence);
    EXPECT_EQ(r.divergence->field, "missing");
    EXPECT_EQ(r.divergence->index, 7u);
    EXPECT_FALSE(r.divergence->actual);
  }
  {
    JournalReader a(dir.file("short.hioj"));
    JournalReader b(dir.file("a.hioj"));
    DiffResult r = diff_journals(a, b);
    ASSERT_TRUE(r.divergence);
    EXPECT_EQ(r.divergence->field, "extra");
    EXPECT_EQ(r.divergence->pass, 2u);
  }
  write_changed(dir.file("who.hioj"), 13, [](OwnedEvent& e) { e.who = CloseWho::local; });
  {
    JournalReader a(dir.file("a.hioj"));
    JournalReader b(dir.file("who.hioj"));
    DiffResult r = diff_journals(a, b);
    ASSERT_TRUE(r.divergence);
    EXPECT_EQ(r.divergence->field, "who");
    EXPECT_EQ(r.divergence->channel, 3u);
  }
}

TEST(Diff, NamesTheSortOfEventBeforeItsPayload) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  struct Case {
    std::size_t index;
    EventKind kind;
    std::function<void(OwnedEvent&)> change;
    const char* field;
  };
  const Case cases[] = {
      // A corrupt noise event made a delay: its detail differs too.
      {11, EventKind::noise,
       [](OwnedEvent& e) {
         e.noise = NoiseKind::delay;
         e.text = "jitter +5 ns";
       },
       "noise"},
      // A close by the remote made a local one: its why differs too.
      {13, EventKind::close,
       [](OwnedEvent& e) {
         e.who = CloseWho::local;
         e.text = "closed by doer";
       },
       "who"},
      // An accept of another channel (the doers accepted in another order):
      // its peer differs too.
      {5, EventKind::accept,
       [](OwnedEvent& e) {
         e.accepted = 4;
         e.peer = "127.0.0.1:5001";
       },
       "accepted"},
      // A listener opened as a stream: its address differs too.
      {1, EventKind::open,
       [](OwnedEvent& e) {
         e.channel_kind = ChannelKind::stream;
         e.peer = "tcp://127.0.0.1:4000";
       },
       "channel_kind"},
  };
  for (const Case& c : cases) {
    ASSERT_EQ(test::sample_events()[c.index].kind, c.kind);
    write_changed(dir.file("b.hioj"), c.index, c.change);
    JournalReader a(dir.file("a.hioj"));
    JournalReader b(dir.file("b.hioj"));
    const DiffResult r = diff_journals(a, b);
    ASSERT_TRUE(r.divergence);
    EXPECT_EQ(r.divergence->index, c.index);
    EXPECT_EQ(r.divergence->field, c.field);
    EXPECT_NE(r.divergence->describe().find(std::string(c.field) + " differs"), std::string::npos)
        << r.divergence->describe();
  }
}

// --ignore-addresses ignores a connect's text (its local address) and no
// other text: an error whose text differs still differs.
TEST(Diff, IgnoringAddressesIgnoresOnlyAConnectsText) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  ASSERT_EQ(test::sample_events()[4].kind, EventKind::connect);
  ASSERT_EQ(test::sample_events()[12].kind, EventKind::error);
  DiffOptions ignore;
  ignore.ignore_addresses = true;
  write_changed(dir.file("connect.hioj"), 4, [](OwnedEvent& e) {
    e.text = "127.0.0.1:6000";
    e.peer = "127.0.0.1:4001";
  });
  {
    JournalReader a(dir.file("a.hioj"));
    JournalReader b(dir.file("connect.hioj"));
    const DiffResult r = diff_journals(a, b, ignore);
    EXPECT_TRUE(r.same()) << (r.divergence ? r.divergence->describe() : "damage");
  }
  write_changed(dir.file("error.hioj"), 12, [](OwnedEvent& e) { e.text = "connection refused"; });
  JournalReader a(dir.file("a.hioj"));
  JournalReader b(dir.file("error.hioj"));
  const DiffResult r = diff_journals(a, b, ignore);
  ASSERT_TRUE(r.divergence);
  EXPECT_EQ(r.divergence->index, 12u);
  EXPECT_EQ(r.divergence->field, "text");
}

TEST(Diff, DamageStopsTheComparison) {
  TempDir dir;
  test::write_sample(dir.file("a.hioj"));
  std::string bytes = test::read_file(dir.file("a.hioj"));
  JournalReader a(dir.file("a.hioj"));
  JournalReader b = JournalReader::from_memory(std::string_view(bytes).substr(0, 200));
  DiffResult r = diff_journals(a, b);
  EXPECT_FALSE(r.same());
  EXPECT_FALSE(r.divergence);
  ASSERT_TRUE(r.actual_error);
  EXPECT_EQ(r.actual_error->kind, JournalErrorKind::truncated);
}

// The sample journal ended by `summary` instead of sample_summary()'s limit
// at pass 8.
void write_ended(const std::string& path, const RunSummary& summary) {
  JournalWriter w(path);
  w.write_header(test::sample_header());
  for (const test::SamplePass& p : test::sample_passes())
    w.write_pass(p.tyme, test::views(p.events));
  w.finish(summary);
}

// Two journals whose events agree but whose runs ended differently were the
// same, nothing said (xjrn28 L1): each field of the run's end that differs is
// a line, for information (the events decide: still same()); a side whose end
// is unknown, or which has no trailer that agrees, is one line.
TEST(Diff, TrailersThatDifferAreSaidFieldByField) {
  TempDir dir;
  test::write_sample(dir.file("limit.hioj"));
  const auto differences = [&](const std::string& a, const std::string& b,
                               const DiffOptions& options = {}) {
    JournalReader x(dir.file(a));
    JournalReader y(dir.file(b));
    const DiffResult r = diff_journals(x, y, options);
    EXPECT_TRUE(r.header_differences.empty());
    return r.trailer_differences;
  };
  const auto at = [](int tocks) { return Tyme{test::kSampleTock * tocks}; };
  using Lines = std::vector<std::string>;
  EXPECT_EQ(differences("limit.hioj", "limit.hioj"), Lines{});
  write_ended(dir.file("error.hioj"), RunSummary{8, at(8), RunOutcome::error, "boom\n"});
  EXPECT_EQ(differences("limit.hioj", "error.hioj"),
            (Lines{"end: limit vs error", "end_text: (none) vs \"boom\\n\""}));
  write_ended(dir.file("later.hioj"), RunSummary{9, at(9), RunOutcome::limit, ""});
  EXPECT_EQ(differences("limit.hioj", "later.hioj"),
            (Lines{"passes: 8 vs 9", "end_tyme: 0.25 vs 0.28125"}));
  write_ended(dir.file("stopped.hioj"),
              RunSummary{8, at(8), RunOutcome::interrupted, "", 2, true, false});
  EXPECT_EQ(differences("limit.hioj", "stopped.hioj"),
            (Lines{"end: limit vs interrupted", "ended_at_pass: false vs true",
                   "stop_signal: (none) vs 2 (SIGINT)"}));
  write_ended(dir.file("failed.hioj"),
              RunSummary{8, at(8), RunOutcome::error, "out of memory", 0, false, true});
  EXPECT_EQ(differences("error.hioj", "failed.hioj"),
            (Lines{"end_text: \"boom\\n\" vs out of memory", "end_by_hio: false vs true"}));
  // A salvaged journal: its run's end unknown, its passes and end tyme only
  // the earliest its frames allow. One line, the salvage's text in it.
  const std::string bytes = test::read_file(dir.file("error.hioj"));
  test::write_file(dir.file("cut.hioj"), bytes.substr(0, bytes.size() - 30));
  ASSERT_TRUE(salvage_journal(dir.file("cut.hioj"), dir.file("saved.hioj")).damage);
  const Lines saved = differences("error.hioj", "saved.hioj");
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].rfind("end: error vs unknown: the second's run end was not recorded "
                           "(\"salvaged: byte ",
                           0),
            0u)
      << saved[0];
  EXPECT_NE(saved[0].find("\"): the rest of the trailers is not compared"), std::string::npos)
      << saved[0];
  EXPECT_EQ(differences("saved.hioj", "saved.hioj"), Lines{});  // neither end known
  // Cut inside its trailer: every event compared, no trailer to compare.
  EXPECT_EQ(differences("cut.hioj", "limit.hioj"),
            Lines{"the first has none that agrees with its events (the journal is cut or "
                  "damaged): how its run ended is unknown"});
  EXPECT_EQ(differences("cut.hioj", "cut.hioj"), Lines{});
  // Bytes after a trailer that agrees: the trailer is the run's end.
  test::write_file(dir.file("tail.hioj"), bytes + "junk");
  EXPECT_EQ(differences("limit.hioj", "tail.hioj"),
            (Lines{"end: limit vs error", "end_text: (none) vs \"boom\\n\""}));
  // The comparison stopped at a divergence: neither trailer was read.
  write_changed(dir.file("changed.hioj"), 3, [](OwnedEvent& e) { e.text += "!"; });
  EXPECT_EQ(differences("error.hioj", "changed.hioj"), Lines{});
  // With `all` both are read to their ends, and their trailers compared.
  EXPECT_EQ(differences("error.hioj", "changed.hioj", DiffOptions{.all = true}),
            (Lines{"end: error vs limit", "end_text: \"boom\\n\" vs (none)"}));
}

TEST(HexDiff, Format) {
  EXPECT_EQ(hex_diff("same", "same"), "");
  EXPECT_EQ(hex_diff("hello world", "hello World"),
            "first difference at byte 6 (expected 11 bytes, actual 11 bytes)\n"
            "- 00000000  68 65 6c 6c 6f 20 77 6f 72 6c 64                 |hello world|\n"
            "+ 00000000  68 65 6c 6c 6f 20 57 6f 72 6c 64                 |hello World|\n"
            "                              ^^\n");
  EXPECT_EQ(hex_diff("ab", "abcd"),
            "first difference at byte 2 (expected 2 bytes, actual 4 bytes)\n"
            "- 00000000  61 62                                            |ab|\n"
            "+ 00000000  61 62 63 64                                      |abcd|\n"
            "                  ^^ ^^\n");
}

TEST(Salvage, ACutJournalBecomesACompleteOne) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  std::string bytes = test::read_file(dir.file("s.hioj"));
  test::write_file(dir.file("cut.hioj"), bytes.substr(0, bytes.size() - 30));
  SalvageResult result = salvage_journal(dir.file("cut.hioj"), dir.file("saved.hioj"));
  ASSERT_TRUE(result.damage);
  EXPECT_EQ(result.damage->kind, JournalErrorKind::truncated);
  EXPECT_EQ(result.frames, test::sample_passes().size());
  JournalContents saved = read_journal(dir.file("saved.hioj"));
  ASSERT_TRUE(saved.complete()) << saved.error->describe();
  EXPECT_EQ(saved.trailer->end, RunOutcome::unknown);
  // The run got through its last pass (pass 7): the earliest it can have
  // ended is after it, and passes x tock = end tyme, as a Doist keeps them.
  EXPECT_EQ(saved.trailer->passes, 8u);
  EXPECT_EQ(saved.trailer->end_tyme, Tyme{test::kSampleTock * 8});
  EXPECT_EQ(saved.trailer->end_text.rfind("salvaged: byte ", 0), 0u);
  EXPECT_EQ(saved.trailer->digest, digest_events(test::views(test::sample_events())));
  // A complete journal salvages to the same bytes.
  EXPECT_FALSE(salvage_journal(dir.file("s.hioj"), dir.file("same.hioj")).damage);
  EXPECT_EQ(test::read_file(dir.file("same.hioj")), bytes);
  // Nothing to keep: an error.
  test::write_file(dir.file("junk.hioj"), "junk");
  EXPECT_THROW((void)salvage_journal(dir.file("junk.hioj"), dir.file("x.hioj")), JournalException);
}

// SalvageOptions::stop is asked before every frame (hio salvage: a stop
// signal caught): the salvage ends there, the output without a trailer.
TEST(Salvage, StopsWhenAsked) {
  TempDir dir;
  test::write_sample(dir.file("s.hioj"));
  ASSERT_GT(test::sample_passes().size(), 3u);
  SalvageOptions options;
  int asked = 0;
  options.stop = [&asked] { return ++asked > 3; };
  SalvageResult result = salvage_journal(dir.file("s.hioj"), dir.file("stopped.hioj"), options);
  EXPECT_TRUE(result.stopped);
  EXPECT_EQ(result.frames, 3u);
  JournalContents out = read_journal(dir.file("stopped.hioj"));
  EXPECT_FALSE(out.complete());
  EXPECT_FALSE(out.trailer);
  EXPECT_EQ(out.frames.size(), 3u);
  options.stop = [] { return false; };
  EXPECT_FALSE(salvage_journal(dir.file("s.hioj"), dir.file("whole.hioj"), options).stopped);
  EXPECT_EQ(test::read_file(dir.file("whole.hioj")), test::read_file(dir.file("s.hioj")));
}

}  // namespace inspect_diff_test
}  // namespace
}  // namespace hio::replay
