// Salvaging a damaged or cut journal (a killed capture): copy its valid prefix
// into a new journal that ends with a proper trailer, so every tool reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hio/replay/error.hpp"
#include "hio/replay/reader.hpp"
#include "hio/replay/types.hpp"

namespace hio::replay {

struct SalvageResult {
  std::uint64_t frames = 0;
  std::uint64_t events = 0;
  std::optional<JournalError> damage{};  // why the input stopped; nullopt if it was complete
  JournalTrailer trailer{};              // the new journal's
};

// Reads `input` up to its first damage and writes what was intact to `output`
// (frames re-encoded, same events and digest of them). The new trailer keeps the
// input's outcome if the input was complete; otherwise end = unknown, passes =
// last pass + 1, end_tyme = one tock after the last pass (passes x tock, as in
// every trailer; the exit's tyme if the last frame is the run's exit),
// end_text = "salvaged: <damage>".
// Throws JournalException if the input has no intact header (nothing to keep),
// std::system_error if `output` cannot be written.
SalvageResult salvage_journal(const std::string& input, const std::string& output,
                              ReaderOptions options = {});

}  // namespace hio::replay
