// Comparing two journals for the CLI (`hio diff`): the first place where their
// canonical event streams diverge - pass, tyme, channel, expected vs actual,
// with a hex diff of the bytes - or that they are the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hio/replay/error.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay {

struct Divergence {
  std::uint64_t index = 0;  // position in both event streams (0-based)
  // Where: from the expected event, or from the actual one if expected ended.
  std::uint64_t pass = 0;
  Tyme tyme{};
  std::uint32_t channel = 0;
  // The first field that differs, in this order: "tyme", "channel", "kind",
  // "noise", "who", "channel_kind", "accepted", "bytes", "peer", "text" (what
  // sort of event before its payload: two noise events of different kinds
  // name "noise", not their detail text); or "missing" (actual ended first)
  // or "extra" (expected ended first).
  std::string field{};
  std::optional<OwnedEvent> expected{};
  std::optional<OwnedEvent> actual{};
  std::uint64_t expected_pass = 0;
  std::uint64_t actual_pass = 0;

  // A multi-line report: where, both events, and for bytes/peer/text a hex diff.
  std::string describe() const;
};

struct DiffResult {
  std::optional<Divergence> divergence{};  // the first one; nullopt: the streams agree
  // Damage in either journal ends the comparison where it starts.
  std::optional<JournalError> expected_error{};
  std::optional<JournalError> actual_error{};
  std::uint64_t events_compared = 0;
  // Header fields that differ ("seed: 1 vs 2"), for information: the event
  // streams decide.
  std::vector<std::string> header_differences{};

  bool same() const { return !divergence && !expected_error && !actual_error; }
};

// Compares event by event, every field but seq (as the digest does: equal
// digests and no divergence go together). How frames are split into parts
// does not matter. Reads both with bounded memory.
DiffResult diff_journals(JournalReader& expected, JournalReader& actual);

// The name of the first field in which the two events differ, in the order
// Divergence::field lists them ("tyme", "channel", "kind", "noise", ...); nullptr
// if they are the same event (seq is not compared).
const char* first_difference(const ChannelEvent& expected, const ChannelEvent& actual);

// Rows of 16 bytes around the first difference, expected ("-") above actual
// ("+"), differing bytes marked with "^^" under them; at most `rows_max` rows
// per side. "" if equal.
//   first difference at byte 6 (expected 11 bytes, actual 11 bytes)
//   - 00000000  68 65 6c 6c 6f 20 77 6f 72 6c 64                 |hello world|
//   + 00000000  68 65 6c 6c 6f 20 57 6f 72 6c 64                 |hello World|
//                                  ^^
std::string hex_diff(std::string_view expected, std::string_view actual, std::size_t rows_max = 4);

}  // namespace hio::replay
