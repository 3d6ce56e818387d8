// Comparing two journals for the CLI (`hio diff`): the first place where their
// canonical event streams diverge - pass, tyme, channel, expected vs actual,
// with a hex diff of the bytes - or that they are the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // The same report, its first line starting with `label` instead of "first
  // divergence" ("divergence 2" for the second that `hio diff --all` lists).
  std::string describe_as(std::string_view label) const;
};

// What diff_journals compares, beyond its defaults.
struct DiffOptions {
  // Go on past the first divergence, by position: to the end of the shorter
  // journal and then with each event only one has (each a divergence),
  // counting every pair that differs (DiffResult::divergences_total). false
  // (the default): stop at the first, as diff_journals(a, b) does.
  bool all = false;
  // With `all`: the divergences kept in DiffResult::divergences (at least 1).
  std::uint64_t divergences_max = 10;
  // Addresses are not compared: the channel table's `address`, an `open`
  // event's address (`peer`), a `connect` event's local address (`text`) and
  // the `peer` of every event (connect, accept, rx, tx, noise). Two captures of
  // one scene differ in the ports the kernel chose; with this they compare
  // on everything else.
  bool ignore_addresses = false;
  // Only events whose kind has its bit here (EventFilter::kind_bit) are
  // compared; the others are skipped on both sides, as if absent (indexes
  // and events_compared count the compared ones). A noise replay and its
  // journal compared on `tx` only: where the doers' output parted.
  std::uint32_t kinds = ~std::uint32_t{0};
  // Only events of these channel ids are compared (empty: every channel),
  // the others skipped as for `kinds`: one channel of a noise replay and its
  // journal (hio diff --channel). Each journal its own ids: a channel named
  // in both may have one id in the expected journal and another in the
  // actual (see actual_as_expected), and an id of one is not looked for in the
  // other, where it may be another channel. With them, the header's
  // `channels` difference compares only these channels' table entries.
  std::vector<std::uint32_t> expected_channels{};
  std::vector<std::uint32_t> actual_channels{};
  // Channels numbered differently in the two journals: (actual id, expected
  // id) pairs, the actual journal's channel with the first id being the
  // expected journal's with the second. The actual id is read as that
  // expected one, in the events' `channel` and in the header's table entries,
  // so the numbering is no difference (hio diff --channel NAME pairs the
  // channels of NAME so); an actual id in no pair is read as itself. Two
  // channels swapped are two pairs, and then #1 of one journal is not #1 of
  // the other. A pair of listeners pairs the channels they accept too, as
  // diff_journals meets their accepts: the k-th accepted of one with the k-th
  // of the other (an actual id paired already keeps its pair), so an accept's
  // `accepted` id is read through the pairs as `channel` is. In ascending order
  // of actual id, each actual id once (std::sort's order of pairs):
  // first_difference and as_expected_channel throw std::invalid_argument
  // otherwise; diff_journals sorts its own copy (and drops pairs given twice),
  // and throws it for an actual id given two expected ones.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> actual_as_expected{};
};

struct DiffResult {
  std::optional<Divergence> divergence{};  // the first one; nullopt: the streams agree
  // The divergences in stream order: the first (`divergence` too), or with
  // DiffOptions::all up to divergences_max of them; and how many pairs differ
  // in all (0 when the streams agree; 1 when the comparison stopped at the
  // first).
  std::vector<Divergence> divergences{};
  std::uint64_t divergences_total = 0;
  // Damage in either journal ends the comparison where it starts.
  std::optional<JournalError> expected_error{};
  std::optional<JournalError> actual_error{};
  std::uint64_t events_compared = 0;
  // Header fields that differ ("seed: 1 vs 2"), for information: the event
  // streams decide.
  std::vector<std::string> header_differences{};
  // How the two runs ended, where their trailers differ, for information as
  // header_differences (the events decide): "end: limit vs error", one line
  // per field of the run's end (passes, end, end_tyme, end_text,
  // ended_at_pass, end_by_hio, stop_signal; frames, events and digest are
  // the event stream's, which the events compare). Only once both journals
  // were read to their ends (without DiffOptions::all a divergence stops the
  // reading first). A side whose trailer is missing or disagrees with its
  // events (cut or damaged), or says end=unknown (a salvaged journal), is one
  // line, "the second has none ..." / "end: limit vs unknown: ...", not a
  // line per field; nothing when neither run's end is known.
  std::vector<std::string> trailer_differences{};

  bool same() const { return !divergence && !expected_error && !actual_error; }
};

// Compares event by event, every field but seq (as the digest does: equal
// digests and no divergence go together). How frames are split into parts
// does not matter. Reads both with bounded memory.
[[nodiscard]] DiffResult diff_journals(JournalReader& expected, JournalReader& actual);
[[nodiscard]] DiffResult diff_journals(JournalReader& expected, JournalReader& actual,
                                       const DiffOptions& options);

// `actual_id` as DiffOptions::actual_as_expected reads it: the expected
// journal's id of that channel (itself when no pair has it). Throws
// std::invalid_argument when the pairs are not in ascending order of actual id.
std::uint32_t as_expected_channel(const DiffOptions& options, std::uint32_t actual_id);

// The name of the first field in which the two events differ, in the order
// Divergence::field lists them ("tyme", "channel", "kind", "noise", ...); nullptr
// if they are the same event (seq is not compared).
const char* first_difference(const ChannelEvent& expected, const ChannelEvent& actual);
// The same with DiffOptions::ignore_addresses: the fields that hold addresses
// (see there) are not compared; with actual_as_expected, `actual`'s channel
// and accepted ids are read through the pairs (not extended: diff_journals
// pairs accepted channels). Throws std::invalid_argument when the pairs are
// not in ascending order of actual id.
const char* first_difference(const ChannelEvent& expected, const ChannelEvent& actual,
                             const DiffOptions& options);

// Rows of 16 bytes around the first difference, expected ("-") above actual
// ("+"), differing bytes marked with "^^" under them; at most `rows_max` rows
// per side. "" if equal.
//   first difference at byte 6 (expected 11 bytes, actual 11 bytes)
//   - 00000000  68 65 6c 6c 6f 20 77 6f 72 6c 64                 |hello world|
//   + 00000000  68 65 6c 6c 6f 20 57 6f 72 6c 64                 |hello World|
//                                  ^^
std::string hex_diff(std::string_view expected, std::string_view actual, std::size_t rows_max = 4);

}  // namespace hio::replay
