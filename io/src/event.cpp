#include "hio/io/event.hpp"

namespace hio {

const char* to_string(EventKind kind) {
  switch (kind) {
    case EventKind::open:
      return "open";
    case EventKind::connect:
      return "connect";
    case EventKind::accept:
      return "accept";
    case EventKind::rx:
      return "rx";
    case EventKind::tx:
      return "tx";
    case EventKind::close:
      return "close";
    case EventKind::error:
      return "error";
    case EventKind::noise:
      return "noise";
    case EventKind::log:
      return "log";
    case EventKind::rx_end:
      return "rx_end";
  }
  return "?";
}

const char* to_string(CloseWho who) {
  switch (who) {
    case CloseWho::local:
      return "local";
    case CloseWho::remote:
      return "remote";
  }
  return "?";
}

const char* to_string(NoiseKind kind) {
  switch (kind) {
    case NoiseKind::none:
      return "none";
    case NoiseKind::drop:
      return "drop";
    case NoiseKind::delay:
      return "delay";
    case NoiseKind::duplicate:
      return "duplicate";
    case NoiseKind::corrupt:
      return "corrupt";
    case NoiseKind::reorder:
      return "reorder";
  }
  return "?";
}

const char* to_string(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::stream:
      return "stream";
    case ChannelKind::datagram:
      return "datagram";
    case ChannelKind::listener:
      return "listener";
  }
  return "?";
}

namespace {

constexpr std::size_t kShownBytes = 32;

// Printable ASCII as is, everything else escaped, at most kShownBytes bytes.
std::string quote(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size() && i < kShownBytes; ++i) {
    auto u = static_cast<unsigned char>(bytes[i]);
    if (u == '"' || u == '\\') {
      out += '\\';
      out += bytes[i];
    } else if (u >= 0x20 && u < 0x7f) {
      out += bytes[i];
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  out += bytes.size() > kShownBytes ? "\"..." : "\"";
  return out;
}

}  // namespace

std::string describe(const ChannelEvent& e) {
  std::string out =
      format_seconds(e.tyme) + " #" + std::to_string(e.channel) + " " + to_string(e.kind);
  auto add = [&out](std::string_view label, std::string_view value) {
    if (value.empty()) return;
    out += ' ';
    out += label;
    out += value;
  };
  switch (e.kind) {
    case EventKind::open:
      out += std::string(" ") + to_string(e.channel_kind);
      add("name=", e.text);
      add("address=", e.peer);
      break;
    case EventKind::connect:
      add("local=", e.text);
      add("peer=", e.peer);
      break;
    case EventKind::accept:
      out += " #" + std::to_string(e.accepted);
      add("peer=", e.peer);
      break;
    case EventKind::rx:
    case EventKind::tx:
      out += " " + std::to_string(e.bytes.size()) + " bytes " + quote(e.bytes);
      add("peer=", e.peer);
      break;
    case EventKind::close:
      out += std::string(" ") + to_string(e.who);
      add("why=", e.text);
      if (!e.bytes.empty()) out += " discarded=" + std::to_string(e.bytes.size());
      break;
    case EventKind::error:
      add("reason=", e.text);
      if (!e.bytes.empty()) out += " discarded=" + std::to_string(e.bytes.size());
      break;
    case EventKind::noise:
      out +=
          std::string(" ") + to_string(e.noise) + " " + std::to_string(e.bytes.size()) + " bytes";
      add("peer=", e.peer);
      add("detail=", e.text);
      break;
    case EventKind::log:
      add("", e.text);
      break;
    case EventKind::rx_end:
      break;
  }
  return out;
}

}  // namespace hio
