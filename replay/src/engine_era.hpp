// What a journal's header engine version says about the run that wrote it
// (docs/journal-format.md, "Evolution").
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string_view>

namespace hio::replay::detail {

// MAJOR, MINOR and PATCH of `engine_version` ("hio MAJOR.MINOR.PATCH"), or
// nothing for a text not of that form.
inline std::optional<std::array<unsigned long, 3>> engine_version_parts(
    std::string_view engine_version) {
  constexpr std::string_view prefix = "hio ";
  if (!engine_version.starts_with(prefix)) return std::nullopt;
  const char* p = engine_version.data() + prefix.size();
  const char* const end = engine_version.data() + engine_version.size();
  std::array<unsigned long, 3> parts{};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto [next, ec] = std::from_chars(p, end, parts[i]);
    if (ec != std::errc{} || next == p) return std::nullopt;
    p = next;
    if (i < 2) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return parts;
}

// Whether `engine_version` ("hio MAJOR.MINOR.PATCH") is before
// MAJOR.MINOR: a version it cannot parse counts as earlier (no hio of that
// version or later wrote it).
inline bool engine_before(std::string_view engine_version, unsigned long major,
                          unsigned long minor) {
  const auto parts = engine_version_parts(engine_version);
  if (!parts) return true;
  return (*parts)[0] < major || ((*parts)[0] == major && (*parts)[1] < minor);
}

// Before hio 0.16 a Journal could be made on a hub that had already emitted
// events (a Log record): its journal is intact and starts at a seq other than
// 0. 0.16 refuses such a hub, so for its journals (and later ones) a first
// seq other than 0 means frames lost.
inline bool first_seq_may_be_late(std::string_view engine_version) {
  return engine_before(engine_version, 0, 16);
}

// Before hio 0.18 the trailer had no endByHio: an end by hio's own failure
// was told by its endText alone (HostLookupOutOfMemory::kWhat), which a
// doer's exception could say too. hio 0.18.0 as released (its version
// commit) did not write the field either: it was merged after that commit,
// so "hio 0.18.x" names builds with and without it, and 0.18 journals are
// told by the text too (a doer that throws hio's own words is far rarer than
// hio's failure). From 0.19 the field decides.
inline bool end_by_hio_unwritten(std::string_view engine_version) {
  return engine_before(engine_version, 0, 19);
}

// Whether `engine_version` names a hio of a later MINOR (or MAJOR) than
// MAJOR.MINOR: one that may have appended fields to the format which a
// reader of MAJOR.MINOR does not know (and so cannot copy). A text it cannot
// parse is not later.
inline bool engine_after(std::string_view engine_version, unsigned long major,
                         unsigned long minor) {
  return !engine_before(engine_version, major, minor + 1);
}

// The MINORs of hio 0.x whose version entry in docs/changes.md is marked
// **Journal change**: an unchanged scenario and seed record another journal
// with it than with the MINOR before (sessions 11 and 14's, before versions,
// are all "hio 0.1.0"). A replay names them when they lie between the
// journal's version and its own (versions_between). When a version entry
// says **Journal change**, add its MINOR here: the test
// JournalChangeTable.IsChangesMdsVersionEntries reads changes.md and fails
// until the two agree.
inline constexpr unsigned long kJournalChangeMinors[] = {16, 17, 18, 19, 20, 24};

}  // namespace hio::replay::detail
