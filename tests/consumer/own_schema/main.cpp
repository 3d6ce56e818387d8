// Writes a journal with hio::replay, then reads it back frame by frame with
// this program's own Cap'n Proto code (journal.capnp.h, generated from hio's
// installed schema): the header's seed, the pass frames' events, the
// trailer's counts, and the root struct's name from the generated schema
// data (capnp::Schema::from, which reads capnp::schemas::s_<id>).
#include <capnp/schema.h>
#include <capnp/serialize-packed.h>
#include <kj/io.h>
#include <hio/replay/writer.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "journal.capnp.h"

namespace {

std::uint32_t u32_at(const std::vector<unsigned char>& bytes, std::size_t at) {
  return static_cast<std::uint32_t>(bytes[at]) | static_cast<std::uint32_t>(bytes[at + 1]) << 8 |
         static_cast<std::uint32_t>(bytes[at + 2]) << 16 |
         static_cast<std::uint32_t>(bytes[at + 3]) << 24;
}

}  // namespace

int main() {
  const std::string path = "own_schema.hioj";
  {
    hio::replay::JournalWriter writer(path);
    hio::replay::JournalHeader header;
    header.seed = 42;
    header.tock = hio::Tock{1'000'000};
    writer.write_header(header);
    hio::ChannelEvent event{};
    event.kind = hio::EventKind::log;
    event.tyme = hio::Tyme{hio::Tock{3'000'000}};
    event.text = "hello";
    writer.write_pass(event.tyme, std::vector<hio::ChannelEvent>{event});
    writer.finish(hio::replay::RunSummary{.passes = 4, .end_tyme = event.tyme});
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in), {}};
  std::uint64_t seed = 0, pass_events = 0, trailer_events = 0, trailer_passes = 0;
  std::string text;
  for (std::size_t at = 16; at + 8 <= bytes.size();) {
    const std::uint32_t length = u32_at(bytes, at);
    kj::ArrayInputStream payload(kj::arrayPtr(bytes.data() + at + 8, length));
    capnp::PackedMessageReader message(payload);
    const hio::replay::schema::Frame::Reader frame = message.getRoot<hio::replay::schema::Frame>();
    switch (frame.which()) {
      case hio::replay::schema::Frame::HEADER:
        seed = frame.getHeader().getSeed();
        break;
      case hio::replay::schema::Frame::PASS:
        for (const auto e : frame.getPass().getEvents()) {
          ++pass_events;
          text = e.getText();
        }
        break;
      case hio::replay::schema::Frame::TRAILER:
        trailer_events = frame.getTrailer().getEvents();
        trailer_passes = frame.getTrailer().getPasses();
        break;
    }
    at += 8 + length;
  }
  const std::string root =
      capnp::Schema::from<hio::replay::schema::Frame>().getShortDisplayName().cStr();
  std::printf("seed %llu, %llu event (%s), trailer: %llu passes, %llu event; root %s\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(pass_events),
              text.c_str(), static_cast<unsigned long long>(trailer_passes),
              static_cast<unsigned long long>(trailer_events), root.c_str());
  return 0;
}
