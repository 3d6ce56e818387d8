#include "codec.hpp"

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <kj/io.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "journal.capnp.h"
#include "le.hpp"
#include "packed.hpp"

namespace hio::replay::detail {

namespace {

namespace schema = ::hio::replay::schema;

// Lets Cap'n Proto's packer write straight into a ByteBuffer's spare capacity.
class AppendStream final : public kj::BufferedOutputStream {
 public:
  explicit AppendStream(ByteBuffer& out) : out_(out) {}

  kj::ArrayPtr<kj::byte> getWriteBuffer() override {
    out_.reserve_spare(kMinSpare);
    return kj::ArrayPtr<kj::byte>(out_.tail(), out_.spare());
  }
  void write(const void* buffer, size_t size) override {
    if (buffer == out_.tail() && size <= out_.spare()) {
      out_.commit(size);  // written in place through getWriteBuffer()
    } else {
      out_.append(buffer, size);
    }
  }

 private:
  static constexpr std::size_t kMinSpare = 4096;
  ByteBuffer& out_;
};

// The first segment of every frame's message, reused: Cap'n Proto requires it
// zeroed and zeroes what it used when the builder is destroyed.
constexpr std::size_t kFirstSegmentWords = first_segment_words;

// A Cap'n Proto size (uint) from a size_t that the caller has bounded.
unsigned int capnp_size(std::size_t size) {
  if (size > kFrameBytesLimit) {
    throw std::length_error("journal: a field of " + std::to_string(size) +
                            " bytes exceeds the frame limit");
  }
  return static_cast<unsigned int>(size);
}

[[noreturn]] void message_too_large(std::uint64_t words, std::uint64_t message_bytes_max) {
  throw std::length_error("journal: a frame of " + std::to_string(words * 8) +
                          " bytes (unpacked) exceeds the limit of " +
                          std::to_string(message_bytes_max));
}

template <typename InitText>
void copy_text(std::string_view value, InitText init) {
  if (value.empty()) return;  // a null pointer reads back as ""
  capnp::Text::Builder text = init(capnp_size(value.size()));
  std::memcpy(text.begin(), value.data(), value.size());
}

std::string_view view(capnp::Text::Reader text) {
  return std::string_view(text.begin(), text.size());
}

std::string_view view(capnp::Data::Reader data) {
  return std::string_view(reinterpret_cast<const char*>(data.begin()), data.size());
}

}  // namespace

struct FrameEncoder::Scratch {
  struct Free {
    void operator()(capnp::word* p) const { std::free(p); }
  };
  // calloc'd when first needed: fresh zero pages the kernel maps as they are
  // touched, so the 512 KiB cost nothing beyond what frames use (memset would
  // touch them all for every writer).
  std::unique_ptr<capnp::word[], Free> first_segment;
  WordBuffer words;  // a pass frame's message, laid out without the builder

  kj::ArrayPtr<capnp::word> first() {
    if (!first_segment) {
      void* memory = std::calloc(kFirstSegmentWords, sizeof(capnp::word));
      if (memory == nullptr) throw std::bad_alloc();
      first_segment.reset(static_cast<capnp::word*>(memory));
    }
    return kj::ArrayPtr<capnp::word>(first_segment.get(), kFirstSegmentWords);
  }
};

FrameEncoder::FrameEncoder() : scratch_(std::make_unique<Scratch>()) {}

FrameEncoder::~FrameEncoder() = default;

namespace {

template <typename Fill>
std::size_t encode(ByteBuffer& out, kj::ArrayPtr<capnp::word> first_segment,
                   std::uint64_t message_bytes_max, Fill&& fill) {
  capnp::MallocMessageBuilder builder(first_segment);
  fill(builder.initRoot<schema::Frame>());
  const std::uint64_t words = capnp::computeSerializedSizeInWords(builder);
  if (words > message_bytes_max / sizeof(capnp::word)) message_too_large(words, message_bytes_max);
  const std::size_t start = out.size();
  AppendStream stream(out);
  capnp::writePackedMessage(stream, builder);
  return out.size() - start;
}

}  // namespace

std::size_t FrameEncoder::header(ByteBuffer& out, const JournalHeader& h,
                                 std::uint64_t message_bytes_max) {
  return encode(out, scratch_->first(), message_bytes_max, [&](schema::Frame::Builder f) {
    schema::Header::Builder b = f.initHeader();
    b.setFormatVersion(h.format_version);
    copy_text(h.engine_version, [&](unsigned int n) { return b.initEngineVersion(n); });
    b.setSeed(h.seed);
    b.setTockNs(h.tock.count());
    b.setMode(static_cast<schema::Mode>(h.mode));
    copy_text(h.scenario, [&](unsigned int n) { return b.initScenario(n); });
    b.setScenarioDigest(h.scenario_digest);
    auto channels = b.initChannels(capnp_size(h.channels.size()));
    for (unsigned int i = 0; i < channels.size(); ++i) {
      const ChannelInfo& c = h.channels[i];
      schema::ChannelInfo::Builder cb = channels[i];
      cb.setId(c.id);
      copy_text(c.name, [&](unsigned int n) { return cb.initName(n); });
      copy_text(c.address, [&](unsigned int n) { return cb.initAddress(n); });
      cb.setKind(static_cast<schema::ChannelKind>(c.kind));
    }
    copy_text(h.wall_clock, [&](unsigned int n) { return b.initWallClock(n); });
    copy_text(h.noise, [&](unsigned int n) { return b.initNoise(n); });
    b.setNoiseSeed(h.noise_seed);
    b.setExitMarked(h.exit_marked);
    if (!h.noise_chain.empty()) {
      auto chain = b.initNoiseChain(capnp_size(h.noise_chain.size()));
      for (unsigned int i = 0; i < chain.size(); ++i) {
        schema::NoiseStep::Builder step = chain[i];
        copy_text(h.noise_chain[i].spec, [&](unsigned int n) { return step.initSpec(n); });
        step.setSeed(h.noise_chain[i].seed);
      }
    }
  });
}

namespace {

// The words of a pass frame as Cap'n Proto's MallocMessageBuilder lays them
// out for pass_with_builder's calls, in one segment: the root pointer, Frame
// (1 data word, 1 pointer), PassFrame (3, 1), the events' list tag, the events
// (3, 3 each), then each event's bytes, peer and text in that order. Field
// places are those of the generated journal.capnp.h. A pointer's offset is
// counted in words from the word after the pointer to its target.
namespace layout {

constexpr std::size_t kHeadWords = pass_head_words;
constexpr std::size_t kEventWords = 6;
constexpr std::uint64_t kByteElements = 2;
constexpr std::uint64_t kCompositeElements = 7;

constexpr std::uint64_t struct_pointer(std::uint64_t offset, std::uint64_t data_words,
                                       std::uint64_t pointers) {
  return (offset << 2) | (data_words << 32) | (pointers << 48);
}

constexpr std::uint64_t list_pointer(std::uint64_t offset, std::uint64_t element_size,
                                     std::uint64_t count) {
  return 1u | (offset << 2) | (element_size << 32) | (count << 35);
}

// Words of a Data (bytes) or Text (bytes and a NUL) blob; an empty one is a
// null pointer and takes none.
constexpr std::size_t blob_words(std::size_t size, bool text) {
  return size == 0 ? 0 : (size + (text ? 1 : 0) + 7) / 8;
}

inline void put(unsigned char* message, std::size_t at, std::uint64_t word) {
  store_le64(message + at * 8, word);
}

// The pointer at word `at` to a blob at word `blob` of `size` bytes (a Text's
// NUL not counted); a null pointer for an empty one.
inline void put_blob_pointer(unsigned char* message, std::size_t at, std::size_t blob,
                             std::size_t size, bool text) {
  put(message, at,
      size == 0 ? 0 : list_pointer(blob - at - 1, kByteElements, size + (text ? 1 : 0)));
}

// The blob at word `blob` (zero-padded) and the pointer to it at word `at`.
inline void put_blob(unsigned char* message, std::size_t at, std::size_t& blob,
                     std::string_view value, bool text) {
  put_blob_pointer(message, at, blob, value.size(), text);
  const std::size_t words = blob_words(value.size(), text);
  if (words == 0) return;
  put(message, blob + words - 1, 0);
  copy_small(message + blob * 8, reinterpret_cast<const unsigned char*>(value.data()),
             value.size());
  blob += words;
}

// The words before the events: root, Frame, PassFrame and the list's tag.
void put_head(unsigned char* m, std::uint64_t pass, Tyme tyme, std::uint32_t part, PassMarks marks,
              std::size_t n) {
  put(m, 0, struct_pointer(0, 1, 1));
  put(m, 1, static_cast<std::uint64_t>(schema::Frame::PASS));
  put(m, 2, struct_pointer(0, 3, 1));
  put(m, 3, pass);
  put(m, 4, static_cast<std::uint64_t>(tyme.time_since_epoch().count()));
  // exit: the bit after part; holeBefore: the bit after exit; continued and
  // pieceEnd next; pieceKind in the top 16 bits.
  put(m, 5,
      part | (marks.exit ? std::uint64_t{1} << 32 : 0) |
          (marks.hole_before ? std::uint64_t{1} << 33 : 0) |
          (marks.continued ? std::uint64_t{1} << 34 : 0) |
          (marks.piece_end ? std::uint64_t{1} << 35 : 0) |
          (static_cast<std::uint64_t>(marks.piece_kind) << 48));
  put(m, 6, list_pointer(0, kCompositeElements, kEventWords * n));
  put(m, 7, struct_pointer(n, 3, 3));  // a list tag: the offset field holds the count
}

// The data words of the event struct at word `at` (its pointers follow).
inline void put_event_data(unsigned char* m, std::size_t at, const ChannelEvent& e) {
  put(m, at,
      static_cast<std::uint64_t>(e.kind) | (static_cast<std::uint64_t>(e.who) << 16) |
          (static_cast<std::uint64_t>(e.channel) << 32));
  put(m, at + 1, e.seq);
  put(m, at + 2,
      static_cast<std::uint64_t>(e.accepted) | (static_cast<std::uint64_t>(e.noise) << 32) |
          (static_cast<std::uint64_t>(e.channel_kind) << 48));
}

// Appends the message of one segment of `words` words at `m`, packed.
std::size_t pack_message(ByteBuffer& out, const unsigned char* m, std::size_t words) {
  // Cap'n Proto packs the segment table and the segment as separate writes.
  unsigned char table_bytes[8];
  store_le32(table_bytes, 0);  // segments - 1
  store_le32(table_bytes + 4, static_cast<std::uint32_t>(words));
  std::uint64_t table;
  std::memcpy(&table, table_bytes, 8);
  out.reserve_spare(packed_bytes_max(1 + words));
  const std::size_t start = out.size();
  out.commit(detail::pack(&table, 1, out.tail()));
  out.commit(detail::pack(reinterpret_cast<const std::uint64_t*>(m), words, out.tail()));
  return out.size() - start;
}

void check_message_size(std::size_t words, std::uint64_t message_bytes_max) {
  const std::uint64_t serialized_words = words + 1;  // and the segment table
  if (serialized_words > message_bytes_max / sizeof(capnp::word)) {
    message_too_large(serialized_words, message_bytes_max);
  }
}

}  // namespace layout

}  // namespace

std::size_t event_words(const ChannelEvent& e) {
  using namespace layout;
  return kEventWords + blob_words(e.bytes.size(), false) + blob_words(e.peer.size(), true) +
         blob_words(e.text.size(), true);
}

std::size_t FrameEncoder::pass(ByteBuffer& out, std::uint64_t pass, Tyme tyme, std::uint32_t part,
                               PassMarks marks, std::span<const ChannelEvent> events,
                               std::uint64_t message_bytes_max) {
  using namespace layout;
  std::size_t words = kHeadWords;
  for (const ChannelEvent& e : events)
    words += event_words(e);
  if (words > kFirstSegmentWords) {
    return pass_with_builder(out, pass, tyme, part, marks, events, message_bytes_max);
  }
  check_message_size(words, message_bytes_max);
  WordBuffer& buffer = scratch_->words;
  buffer.reserve(words);
  auto* m = reinterpret_cast<unsigned char*>(buffer.data());
  const std::size_t n = events.size();
  put_head(m, pass, tyme, part, marks, n);
  std::size_t blob = kHeadWords + kEventWords * n;
  for (std::size_t i = 0; i < n; ++i) {
    const ChannelEvent& e = events[i];
    const std::size_t at = kHeadWords + kEventWords * i;
    put_event_data(m, at, e);
    put_blob(m, at + 3, blob, e.bytes, false);
    put_blob(m, at + 4, blob, e.peer, true);
    put_blob(m, at + 5, blob, e.text, true);
  }
  return pack_message(out, m, words);
}

std::size_t FrameEncoder::pass_around(ByteBuffer& out, std::uint64_t pass, Tyme tyme,
                                      std::uint32_t part, PassMarks marks,
                                      std::span<const ChannelEvent> events, unsigned char* blobs,
                                      std::size_t blob_area_words, std::size_t room_words,
                                      std::uint64_t message_bytes_max) {
  using namespace layout;
  const std::size_t n = events.size();
  const std::size_t head = kHeadWords + kEventWords * n;
  const std::size_t words = head + blob_area_words;
  if (head > room_words || words > kFirstSegmentWords) {
    return this->pass(out, pass, tyme, part, marks, events, message_bytes_max);
  }
  check_message_size(words, message_bytes_max);
  unsigned char* const m = blobs - head * 8;
  put_head(m, pass, tyme, part, marks, n);
  // The word of a string's blob (an empty one has none, and may have no data()).
  auto blob_of = [&](std::string_view value) -> std::size_t {
    if (value.empty()) return 0;
    return head +
           static_cast<std::size_t>(reinterpret_cast<const unsigned char*>(value.data()) - blobs) /
               8;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const ChannelEvent& e = events[i];
    const std::size_t at = kHeadWords + kEventWords * i;
    put_event_data(m, at, e);
    put_blob_pointer(m, at + 3, blob_of(e.bytes), e.bytes.size(), false);
    put_blob_pointer(m, at + 4, blob_of(e.peer), e.peer.size(), true);
    put_blob_pointer(m, at + 5, blob_of(e.text), e.text.size(), true);
  }
  return pack_message(out, m, words);
}

std::size_t FrameEncoder::pass_with_builder(ByteBuffer& out, std::uint64_t pass, Tyme tyme,
                                            std::uint32_t part, PassMarks marks,
                                            std::span<const ChannelEvent> events,
                                            std::uint64_t message_bytes_max) {
  return encode(out, scratch_->first(), message_bytes_max, [&](schema::Frame::Builder f) {
    schema::PassFrame::Builder b = f.initPass();
    b.setPass(pass);
    b.setTymeNs(tyme.time_since_epoch().count());
    b.setPart(part);
    b.setExit(marks.exit);
    b.setHoleBefore(marks.hole_before);
    b.setContinued(marks.continued);
    b.setPieceEnd(marks.piece_end);
    b.setPieceKind(static_cast<schema::EventKind>(marks.piece_kind));
    auto list = b.initEvents(capnp_size(events.size()));
    for (unsigned int i = 0; i < list.size(); ++i) {
      const ChannelEvent& e = events[i];
      schema::Event::Builder eb = list[i];
      eb.setKind(static_cast<schema::EventKind>(e.kind));
      eb.setChannel(e.channel);
      eb.setSeq(e.seq);
      if (!e.bytes.empty()) {
        eb.setBytes(capnp::Data::Reader(reinterpret_cast<const kj::byte*>(e.bytes.data()),
                                        capnp_size(e.bytes.size())));
      }
      copy_text(e.peer, [&](unsigned int n) { return eb.initPeer(n); });
      copy_text(e.text, [&](unsigned int n) { return eb.initText(n); });
      eb.setAccepted(e.accepted);
      eb.setWho(static_cast<schema::CloseWho>(e.who));
      eb.setNoise(static_cast<schema::NoiseKind>(e.noise));
      eb.setChannelKind(static_cast<schema::ChannelKind>(e.channel_kind));
    }
  });
}

std::size_t FrameEncoder::trailer(ByteBuffer& out, const JournalTrailer& t,
                                  std::uint64_t message_bytes_max) {
  return encode(out, scratch_->first(), message_bytes_max, [&](schema::Frame::Builder f) {
    schema::Trailer::Builder b = f.initTrailer();
    b.setPasses(t.passes);
    b.setFrames(t.frames);
    b.setEvents(t.events);
    b.setDigest(t.digest);
    b.setEndTymeNs(t.end_tyme.time_since_epoch().count());
    b.setEnd(static_cast<schema::RunOutcome>(t.end));
    copy_text(t.end_text, [&](unsigned int n) { return b.initEndText(n); });
    b.setStopSignal(static_cast<std::uint32_t>(t.stop_signal));
    b.setEndedAtPass(t.ended_at_pass);
    b.setEndByHio(t.end_by_hio);
  });
}

// ---- decoding -----------------------------------------------------------------

namespace {

// Every enum is checked against the values this reader knows: a value from a
// newer writer is refused by name rather than passed on as garbage.
template <typename Out, typename In>
Out checked_enum(In value, unsigned int last, const char* what) {
  const auto raw = static_cast<unsigned int>(value);
  if (raw > last) {
    throw DecodeError(std::string("unknown ") + what + " " + std::to_string(raw) +
                      " (written by a newer hio?)");
  }
  return static_cast<Out>(raw);
}

ChannelKind channel_kind(schema::ChannelKind k) {
  return checked_enum<ChannelKind>(k, 2, "channel kind");
}

// PassFrame.pieceKind: the kind of the event a pieceEnd frame's pieces make -
// a kind this version defines other than `piece` itself (which it knows:
// no newer hio is to blame) - and 0 on every other frame (a value there is
// refused, as any byte that breaks the format is: docs/journal-format.md).
EventKind piece_kind(schema::EventKind k, bool piece_end) {
  const auto raw = static_cast<unsigned int>(k);
  if (!piece_end && raw != 0) {
    throw DecodeError("pieceKind " + std::to_string(raw) +
                      " on a frame that does not end an event in pieces (pieceKind is 0 "
                      "without pieceEnd)");
  }
  if (raw == static_cast<unsigned int>(kPieceKind)) {
    throw DecodeError("pieceKind is piece (" + std::to_string(raw) +
                      "): the pieces of an event make an event of another kind");
  }
  return checked_enum<EventKind>(k, static_cast<unsigned>(kPieceKind), "piece kind");
}

// Minimum words per list element of each struct as this schema defines it: a
// list claiming more elements than its message could hold is refused before
// anything is allocated for them (zero-sized elements cost no message bytes).
constexpr std::size_t kEventWords = 6;        // 3 data words + 3 pointers
constexpr std::size_t kChannelInfoWords = 3;  // 1 data word + 2 pointers
constexpr std::size_t kNoiseStepWords = 2;    // 1 data word + 1 pointer

void check_count(std::size_t count, std::size_t words_each, std::size_t message_words,
                 const char* what) {
  if (count > message_words / words_each) {
    throw DecodeError(std::string("a list of ") + std::to_string(count) + " " + what +
                      " cannot fit in a message of " + std::to_string(message_words) + " words");
  }
}

void decode_header(schema::Header::Reader r, std::size_t message_words, JournalHeader& h) {
  h.format_version = r.getFormatVersion();
  h.engine_version = std::string(view(r.getEngineVersion()));
  h.seed = r.getSeed();
  h.tock = Tock{r.getTockNs()};
  h.mode = checked_enum<Mode>(r.getMode(), 2, "mode");
  h.scenario = std::string(view(r.getScenario()));
  h.scenario_digest = r.getScenarioDigest();
  auto channels = r.getChannels();
  check_count(channels.size(), kChannelInfoWords, message_words, "channels");
  h.channels.clear();
  h.channels.reserve(channels.size());
  for (schema::ChannelInfo::Reader c : channels) {
    h.channels.push_back(ChannelInfo{c.getId(), std::string(view(c.getName())),
                                     std::string(view(c.getAddress())), channel_kind(c.getKind())});
  }
  h.wall_clock = std::string(view(r.getWallClock()));
  h.noise = std::string(view(r.getNoise()));
  h.noise_seed = r.getNoiseSeed();
  h.exit_marked = r.getExitMarked();
  auto chain = r.getNoiseChain();
  check_count(chain.size(), kNoiseStepWords, message_words, "noise steps");
  h.noise_chain.clear();
  h.noise_chain.reserve(chain.size());
  for (schema::NoiseStep::Reader step : chain)
    h.noise_chain.push_back(NoiseStep{std::string(view(step.getSpec())), step.getSeed()});
}

void decode_pass(schema::PassFrame::Reader r, std::size_t message_words, DecodedFrame& out) {
  out.pass = r.getPass();
  out.tyme = Tyme{Tock{r.getTymeNs()}};
  out.part = r.getPart();
  out.exit = r.getExit();
  out.hole_before = r.getHoleBefore();
  out.continued = r.getContinued();
  out.piece_end = r.getPieceEnd();
  out.piece_kind = piece_kind(r.getPieceKind(), out.piece_end);
  auto list = r.getEvents();
  check_count(list.size(), kEventWords, message_words, "events");
  out.events.clear();
  out.events.reserve(list.size());
  for (schema::Event::Reader er : list) {
    ChannelEvent e;
    e.kind = checked_enum<EventKind>(er.getKind(), static_cast<unsigned>(kPieceKind), "event kind");
    e.channel = er.getChannel();
    e.tyme = out.tyme;
    e.seq = er.getSeq();
    e.bytes = view(er.getBytes());
    e.peer = view(er.getPeer());
    e.text = view(er.getText());
    e.accepted = er.getAccepted();
    e.who = checked_enum<CloseWho>(er.getWho(), 1, "close who");
    e.noise = checked_enum<NoiseKind>(er.getNoise(), 5, "noise kind");
    e.channel_kind = channel_kind(er.getChannelKind());
    out.events.push_back(e);
  }
}

void decode_trailer(schema::Trailer::Reader r, JournalTrailer& t) {
  t.passes = r.getPasses();
  t.frames = r.getFrames();
  t.events = r.getEvents();
  t.digest = r.getDigest();
  t.end_tyme = Tyme{Tock{r.getEndTymeNs()}};
  t.end = checked_enum<RunOutcome>(r.getEnd(), 5, "run outcome");
  t.end_text = std::string(view(r.getEndText()));
  // Only a signal's number means anything (SIGHUP, SIGINT, SIGUSR1: hio
  // run's clean stop, SIGTERM; Linux's numbers); anything else reads as none.
  const std::uint32_t signal = r.getStopSignal();
  t.stop_signal =
      signal == 1 || signal == 2 || signal == 10 || signal == 15 ? static_cast<int>(signal) : 0;
  t.ended_at_pass = r.getEndedAtPass();
  t.end_by_hio = r.getEndByHio();
}

}  // namespace

void decode_frame(const void* words, std::size_t count, const DecodeLimits& limits,
                  DecodedFrame& out) {
  try {
    capnp::ReaderOptions options;
    options.traversalLimitInWords = limits.traversal_words;
    options.nestingLimit = limits.nesting_limit;
    const auto* begin = static_cast<const capnp::word*>(words);
    capnp::FlatArrayMessageReader reader(kj::ArrayPtr<const capnp::word>(begin, count), options);
    if (reader.getEnd() != begin + count) {
      throw DecodeError("the message ends " +
                        std::to_string(static_cast<std::size_t>(begin + count - reader.getEnd())) +
                        " words before the frame does");
    }
    schema::Frame::Reader frame = reader.getRoot<schema::Frame>();
    switch (frame.which()) {
      case schema::Frame::HEADER:
        out.type = DecodedFrame::Type::header;
        decode_header(frame.getHeader(), count, out.header);
        return;
      case schema::Frame::PASS:
        out.type = DecodedFrame::Type::pass;
        decode_pass(frame.getPass(), count, out);
        return;
      case schema::Frame::TRAILER:
        out.type = DecodedFrame::Type::trailer;
        decode_trailer(frame.getTrailer(), out.trailer);
        return;
    }
    throw DecodeError("unknown frame type " +
                      std::to_string(static_cast<unsigned int>(frame.which())) +
                      " (written by a newer hio?)");
  } catch (const kj::Exception& e) {
    throw DecodeError(std::string("invalid Cap'n Proto message: ") + e.getDescription().cStr());
  }
}

}  // namespace hio::replay::detail
