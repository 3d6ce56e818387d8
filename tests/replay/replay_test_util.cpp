#include "replay_test_util.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace hio::replay::test {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

JournalHeader sample_header() {
  JournalHeader h;
  h.seed = 0x0123456789abcdefu;
  h.tock = kSampleTock;
  h.mode = Mode::sim;
  h.scenario = "[run]\ntock = 0.03125\nseed = 81985529216486895\n";
  h.channels = {
      ChannelInfo{1, "client", "tcp://127.0.0.1:4000", ChannelKind::stream},
      ChannelInfo{2, "server", "tcp://0.0.0.0:4000", ChannelKind::listener},
  };
  return h;
}

namespace {

Tyme at(std::int64_t tocks) {
  return Tyme{kSampleTock * tocks};
}

struct Builder {
  std::vector<SamplePass> passes;
  std::uint64_t seq = 0;

  void pass(std::int64_t tocks) { passes.push_back(SamplePass{at(tocks), {}}); }
  OwnedEvent& add(EventKind kind, std::uint32_t channel) {
    OwnedEvent e;
    e.kind = kind;
    e.channel = channel;
    e.tyme = passes.back().tyme;
    e.seq = seq++;
    passes.back().events.push_back(e);
    return passes.back().events.back();
  }
};

}  // namespace

std::vector<SamplePass> sample_passes() {
  Builder b;
  b.pass(0);
  {
    OwnedEvent& e = b.add(EventKind::open, 1);
    e.text = "client";
    e.peer = "tcp://127.0.0.1:4000";
  }
  {
    OwnedEvent& e = b.add(EventKind::open, 2);
    e.text = "server";
    e.peer = "tcp://0.0.0.0:4000";
    e.channel_kind = ChannelKind::listener;
  }
  b.add(EventKind::log, 0).text = "0 info [main] start";
  b.pass(1);
  {
    OwnedEvent& e = b.add(EventKind::connect, 2);
    e.text = "0.0.0.0:4000";
    e.channel_kind = ChannelKind::stream;
  }
  {
    OwnedEvent& e = b.add(EventKind::connect, 1);
    e.text = "127.0.0.1:5000";
    e.peer = "127.0.0.1:4000";
  }
  {
    OwnedEvent& e = b.add(EventKind::accept, 2);
    e.accepted = 3;
    e.peer = "127.0.0.1:5000";
  }
  {
    OwnedEvent& e = b.add(EventKind::open, 3);
    e.text = "server/3";
    e.peer = "tcp://127.0.0.1:5000";
  }
  b.pass(2);
  b.add(EventKind::tx, 1).bytes = "hello\n";
  b.add(EventKind::rx, 3).bytes = "hello\n";
  b.pass(5);
  std::string binary;
  for (int i = 0; i < 256; ++i)
    binary += static_cast<char>(i);
  b.add(EventKind::tx, 3).bytes = binary;
  b.add(EventKind::rx, 1).bytes = binary;
  {
    OwnedEvent& e = b.add(EventKind::noise, 1);
    e.noise = NoiseKind::corrupt;
    e.bytes = "abc";
    e.peer = "x:1";
    e.text = "bit 3";
  }
  b.pass(7);
  {
    OwnedEvent& e = b.add(EventKind::error, 1);
    e.text = "connection reset";
    e.bytes = "lost";
  }
  {
    OwnedEvent& e = b.add(EventKind::close, 3);
    e.who = CloseWho::remote;
    e.text = "peer closed";
  }
  {
    OwnedEvent& e = b.add(EventKind::close, 1);
    e.text = "closed by doer";
    e.bytes = "zz";
  }
  {
    OwnedEvent& e = b.add(EventKind::open, 4);
    e.text = "udp";
    e.peer = "udp://0.0.0.0:9";
    e.channel_kind = ChannelKind::datagram;
  }
  {
    OwnedEvent& e = b.add(EventKind::rx, 4);
    e.peer = "10.0.0.1:9";
    e.bytes = "dgram";
    e.channel_kind = ChannelKind::datagram;
  }
  b.add(EventKind::log, 0).text = std::string("bin \xff\xfe and a\0b", 14);
  return b.passes;
}

std::vector<OwnedEvent> sample_events() {
  std::vector<OwnedEvent> out;
  for (const SamplePass& p : sample_passes())
    out.insert(out.end(), p.events.begin(), p.events.end());
  return out;
}

RunSummary sample_summary() {
  return RunSummary{8, at(8), RunOutcome::limit, ""};
}

std::vector<ChannelEvent> views(const std::vector<OwnedEvent>& events) {
  std::vector<ChannelEvent> out;
  out.reserve(events.size());
  for (const OwnedEvent& e : events)
    out.push_back(e.view());
  return out;
}

JournalTrailer write_sample(const std::string& path, WriterOptions options) {
  return write_sample(path, options, sample_header());
}

JournalTrailer write_sample(const std::string& path, WriterOptions options,
                            const JournalHeader& header) {
  JournalWriter writer(path, options);
  writer.write_header(header);
  for (const SamplePass& p : sample_passes())
    writer.write_pass(p.tyme, views(p.events));
  return writer.finish(sample_summary());
}

}  // namespace hio::replay::test
