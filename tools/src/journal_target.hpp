// Where `hio run --record FILE` and `hio replay --record FILE` write their
// journal while the doer tree is built: a new file beside FILE, with a unique
// name, renamed over FILE once the tree is built. A scenario that cannot be
// built thus leaves an existing FILE as it was, and no other file is ever
// overwritten. A FILE that exists and is not a regular file (a pipe, a
// device) is written directly: there is nothing there to keep. A symbolic
// link is followed: the file it names is replaced, the link stays.
#pragma once

#include <optional>
#include <string>

#include "hio/engine/doist.hpp"
#include "hio/io/hub.hpp"
#include "hio/replay/journal.hpp"

namespace hio::tools {

class JournalTarget {
 public:
  // `path` empty: no journal. Throws ScenarioError if the file to write
  // cannot be created.
  explicit JournalTarget(std::string path);
  ~JournalTarget();  // removes the file written unless commit() was called
  JournalTarget(const JournalTarget&) = delete;
  JournalTarget& operator=(const JournalTarget&) = delete;

  bool wanted() const { return !path_.empty(); }
  // Where the journal writes until commit().
  const std::string& write_path() const { return write_path_; }
  // Starts `journal` on write_path(). Throws ScenarioError if it cannot.
  void open(std::optional<replay::Journal>& journal, Doist& doist, IoHub& hub,
            replay::JournalHeader header) const;
  // The tree is built: the file written becomes FILE. Throws ScenarioError.
  void commit();

 private:
  std::string path_;        // as given (for messages)
  std::string final_path_;  // path_ with symbolic links resolved
  std::string write_path_;
  bool temporary_ = false;
  bool committed_ = false;
};

}  // namespace hio::tools
