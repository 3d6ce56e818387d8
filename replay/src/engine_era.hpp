// What a journal's header engine version says about the run that wrote it
// (docs/journal-format.md, "Journals of earlier versions").
#pragma once

#include <charconv>
#include <string_view>

namespace hio::replay::detail {

// Before hio 0.16 a Journal could be made on a hub that had already emitted
// events (a Log record): its journal is intact and starts at a seq other than
// 0. 0.16 refuses such a hub, so for its journals (and later ones) a first
// seq other than 0 means frames lost. Parses "hio MAJOR.MINOR.PATCH"; a
// version it cannot parse counts as earlier (it was not written by 0.16+).
inline bool first_seq_may_be_late(std::string_view engine_version) {
  constexpr std::string_view prefix = "hio ";
  if (!engine_version.starts_with(prefix)) return true;
  const char* p = engine_version.data() + prefix.size();
  const char* const end = engine_version.data() + engine_version.size();
  unsigned long parts[3] = {};
  for (int i = 0; i < 3; ++i) {
    const auto [next, ec] = std::from_chars(p, end, parts[i]);
    if (ec != std::errc{} || next == p) return true;
    p = next;
    if (i < 2) {
      if (p == end || *p != '.') return true;
      ++p;
    }
  }
  if (p != end) return true;
  return parts[0] == 0 && parts[1] < 16;
}

}  // namespace hio::replay::detail
