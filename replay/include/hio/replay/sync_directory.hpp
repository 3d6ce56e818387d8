// sync_directory_of: makes the name a file was just given durable.
#pragma once

#include <string>

namespace hio::replay {

// fsyncs the directory that holds `file` (its parent; "." for a bare name),
// so that a name just given there - a file created, linked, or renamed over
// another - survives a power loss: fsync/fdatasync of the file keeps its
// bytes, not the directory entry, which may still name the old file (or
// nothing) after a crash. A directory with nothing to sync (fsync fails with
// EINVAL: /proc) is no failure. Returns 0, or the errno of the failure
// (opening the directory, or fsync). JournalWriter calls it with
// WriterOptions::sync, once, at its first sync; hio's CLI after it links or
// renames a journal into place.
int sync_directory_of(const std::string& file);

}  // namespace hio::replay
