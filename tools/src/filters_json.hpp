// The filters `hio diff --json` and `hio inspect --json` echo, in one shape
// for both (docs/replay.md): which kinds and which channels were kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hio/replay/escape.hpp"

namespace hio::tools {

// The ids the --channel options selected in one journal, echoed as the
// member `name` ("ids"; diff's "expected_ids" and "actual_ids"): `each[i]`
// for the i-th --channel, or nullptr when the journal was not read (nothing
// was looked up: each is null).
struct EchoedIds {
  std::string_view name;
  const std::vector<std::vector<std::uint32_t>>* each;
};

// The members `"kinds": [...], "channels": [...]` (no braces: they go into
// the command's object), spaced or compact as that object is. `kinds`: the
// --kind names as given, checked already (kind_bits: ASCII); `channels`:
// each --channel as given, with how it is matched ("id" or "name") and its
// ids in each of `journals`. A filter not given is null: every kind, every
// channel.
std::string filters_json(const std::vector<std::string>& kinds,
                         const std::vector<std::string>& channels,
                         const std::vector<EchoedIds>& journals, replay::JsonSpacing spacing);

}  // namespace hio::tools
