// The channels a --channel option names in a journal, for hio inspect and
// hio diff: one lookup of ids and names, one error text for a channel the
// journal does not have.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hio/replay/reader.hpp"

namespace hio::tools {

// The channel ids that --channel C selects: "#2" or digits are an id (0
// holds the network's own events, e.g. SimNet drops no channel carries);
// anything else a name as listings print it ("server", "server/4"). The
// header's table holds the channels opened before its first frame (the first
// pass, or a build's first 4,096 events); channels opened later (accepted
// remotes, the rest of a large build) are only in the events, so those cost
// one more read of the journal, which keeps only the channels that match
// (and a third, of every channel, for the error of one not there), and only
// when an id or a name is not in the table - which only a regular file
// allows (a pipe has been read; there an id is taken on trust). An id or a
// name the journal does not have would list nothing, as if the channel were
// silent: an error instead, naming the channels there are (and the nearest
// name).
struct ChannelSelection {
  std::vector<std::uint32_t> ids;
  // The ids of each --channel, in the order given (a name's in id order:
  // the order its channels were made): what hio diff pairs by name.
  std::vector<std::vector<std::uint32_t>> each;
  std::string problem;  // "" if every --channel was found
  std::vector<std::string> warnings;
  // The journal's events were read again and `reader_options.stop` ended
  // that reading (the command's Ctrl-C): nothing is known of the channels
  // they would have named, so `problem` and the rest say nothing.
  bool interrupted = false;
};
// `channels` as given (each an id or a name) in `reader`'s journal, read
// from `journal` (its path, read again with `reader_options` for a channel
// its header's table lacks). `reader` has read the header only.
ChannelSelection select_channels(const std::vector<std::string>& channels,
                                 const std::string& journal,
                                 const replay::ReaderOptions& reader_options,
                                 const replay::JournalReader& reader);

}  // namespace hio::tools
