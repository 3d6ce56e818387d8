// Where hio writes a file it must not leave half-written in place of an
// existing one: a journal (`hio run --record FILE`, `hio replay --record
// FILE`, a failing seed of `hio sweep --out`, `hio salvage IN FILE`) or a
// sweep's report.json. The file is written without a name (Linux O_TMPFILE,
// through /proc/self/fd/N) in FILE's directory and linked as FILE by
// commit(), so that a process killed before commit() leaves nothing; where
// O_TMPFILE or /proc is missing, under a new, unique name beside FILE
// (FILE.XXXXXX), renamed over FILE by commit(). Either is reached through
// descriptors held from the start (the file's, its directory's), never by
// its name again, so that nobody who can write the directory can swap the
// name for a link to another file. Without commit() it is removed. A
// journal is committed once the doer tree is built and its header is on
// disk (the run's first pass, JournalTarget::open), so a scenario that
// cannot be built, or a run killed before its first pass, leaves an
// existing FILE as it was, and FILE never names a journal without its whole
// header; a report is committed once it is complete. No other file is ever
// overwritten. A FILE that exists and is not a regular file (a pipe, a
// device; not a terminal: refused) is written directly: there is nothing
// there to keep. A symbolic link is followed: the file it names is
// replaced, the link stays - but not where the kernel's sticky-directory
// protections would refuse a shell's `>` (written_path, protected_file).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/io/hub.hpp"
#include "hio/replay/error.hpp"
#include "hio/replay/journal.hpp"
#include "hio/replay/writer.hpp"

namespace hio::tools {

// Whether `output` names the same file as `input`, by whatever path: writing
// there would destroy the input. Device and inode decide (a hard link, a
// symbolic link or another path to it is the same file); "-" as the input is
// the file the standard input reads, if any.
bool same_file(const std::string& input, const std::string& output);

// The file a write to `path` creates or replaces: through every symbolic
// link in it, also one that names no file yet (its target is created, as
// open(2) with O_CREAT and a shell's `>` create it; the link stays), as an
// absolute path without links. 0; ELOOP for links that loop; EACCES, with
// `why` set, for a link that the kernel's fs.protected_symlinks=1 would not
// follow (another user's link in a sticky directory everyone may write),
// whatever this machine's setting: a link planted in /tmp never decides
// where hio writes. (A sweep's --out DIR is created so too.)
int written_path(const std::string& path, std::string& out, std::string* why = nullptr);

// Why a write to `file` (written_path's) is refused as the kernel's
// fs.protected_regular=2 and fs.protected_fifos=2 refuse an O_CREAT open of
// it, whatever this machine's settings: an existing regular file or FIFO in
// a sticky directory that its group or everyone may write, owned by neither
// the user (effective uid, root too) nor the directory's owner. "" if not.
std::string protected_file(const std::string& file);

// `resolved` (a path hio found through the links of the one given, or from
// getcwd(3) or /proc, which give no other: the directory it writes in, a
// file's new name) as the user names it: in the working directory's tree,
// spelled from that directory as the shell names it ($PWD, when $PWD names
// this process's working directory, as `pwd` prints it), so that through a
// symbolic link (a checkout reached by one) the message says the path the
// user gave and sees. Anywhere else, or with no such $PWD, as resolved. For
// messages only: every file is still reached by its resolved path.
std::string shown_path(const std::string& resolved);

// Whether `path`, or a symbolic link it goes through, names a file by a
// process's descriptor (/dev/fd/N, /dev/stdin, /dev/stdout, /dev/stderr,
// /proc/<pid>/fd/N, /proc/self/fd/N, ...): a name that holds only in the
// process that has the descriptor.
bool descriptor_path(const std::string& path);

// Which of hio's own outputs `output` is, by whatever path (/dev/stdout,
// /proc/self/fd/2, the file stdout was redirected to): "standard output",
// "standard error", or "" for neither. Device and inode decide, as for
// same_file. A device that is not a terminal (/dev/null) is not counted:
// nothing written there is read back.
std::string standard_stream_named(const std::string& output);

// A file hio wrote and named FILE (FileTarget::commit), as it was when
// written: what the end check compares FILE with (written_file_lost).
struct WrittenFile {
  std::string what;        // "journal", "report" (messages)
  std::string final_path;  // FILE, symbolic links resolved
  dev_t dev = 0;
  ino_t ino = 0;
  std::uint64_t size = 0;  // the bytes written
  std::string head;        // its first bytes (up to 64) as they were at commit
  // A cut its writer found, and wrote on after (WriterCount).
  std::optional<replay::JournalCut> cut_seen;
};

// What the writer of a file counted: the bytes it wrote, and the size it
// found the file cut to before a later write, if it did (a cut to more than
// the first bytes that the end's check compares, then written on: the file
// is as long as written, its first bytes intact, zeros between).
struct WriterCount {
  std::uint64_t bytes = 0;
  std::optional<replay::JournalCut> cut_seen;
  static WriterCount of(const replay::JournalWriter& writer) {
    return {writer.size_bytes(), writer.cut_seen()};
  }
};

// "" if `file.final_path` still names `file` whole, else why not, for an
// error that names FILE: removed (or its directory) or replaced by another
// file, and what was written is lost; truncated or changed in place (a
// logrotate copytruncate, a `: > FILE`, a `truncate -s N`: its size is not
// the bytes written, its writer found it cut, or its first bytes are not
// the ones written); or moved (it, or its
// directory, renamed: the file still has a name), complete under its new
// name, which is given when /proc knows it (`named_fd`: FILE opened at
// commit, or -1 when not kept: then the file is looked for by its name in
// `dir_fd`, a descriptor of its directory that the caller holds (a sweep's
// --out), which finds it after its directory was renamed; without either a
// move is said as a removal). `during` says when ("the run", "the sweep").
// `moved`, when given, is set to whether it was moved.
std::string written_file_lost(const WrittenFile& file, int named_fd, const std::string& during,
                              bool* moved = nullptr, int dir_fd = -1);
// The path /proc gives the file open as `fd` now, or "" (no /proc; a file
// with no name left).
std::string file_name_now(int fd);

class FileTarget {
 public:
  // `path` empty: no file. `what` names the file in errors ("journal"):
  // OutputError "FILE: cannot create the <what>: <reason>". Throws it if
  // the file to write cannot be created, or if FILE exists and the user
  // could not open it for writing (EACCES, EROFS: as `> FILE` is refused).
  FileTarget(std::string path, std::string what);
  ~FileTarget();  // removes the file written unless commit() was called
  FileTarget(const FileTarget&) = delete;
  FileTarget& operator=(const FileTarget&) = delete;

  bool wanted() const { return !path_.empty(); }
  // Whether commit() gave FILE the file written.
  bool committed() const { return committed_; }
  // Whether FILE is a file that a later command can read again by its name:
  // written under a temporary name that commit() gives FILE, and FILE not a
  // descriptor's name (/dev/fd/N, /dev/stdout, /proc/self/fd/N: in the
  // user's shell the descriptor is closed, or another file). False for a
  // FILE written directly (a pipe, a FIFO, /dev/fd/N of a shell's >(...), a
  // device), whose bytes another process reads, and without FILE.
  bool regular() const { return temporary_ && !descriptor_path_; }
  // Where the file is written until commit(): for a temporary, its
  // /proc/self/fd/N (or, without /proc, its name): prefer write_fd().
  const std::string& write_path() const { return write_path_; }
  // The temporary's descriptor (open for reading and writing, kept until
  // the end), or -1 for a FILE written directly: writers write through it
  // (a duplicate: WriterOptions::fd), so that nobody who can write FILE's
  // directory can swap the temporary's name for a link to another file.
  int write_fd() const { return write_fd_; }
  // Throws a ScenarioError (bad input, not an output error) if FILE is one
  // of `inputs` (same_file): the files a run reads, which commit() would
  // replace, or the devices it opens, where the file's bytes would go
  // among the run's own. `what` says what they are in the error.
  void refuse_inputs(const std::vector<std::string>& inputs,
                     const std::string& what = "a file the scenario's doers read") const;
  // The file written becomes FILE. Throws OutputError. It takes the
  // permission bits (rwx for user, group, others) of the FILE it replaces,
  // and its owner and group where the user may give them (root may; others
  // may give a group they are in), else it is the user's; a new FILE gets
  // 0666 less the umask, as open(2) would give it. Until then only the user
  // may read what is written.
  void commit();
  // With `sync` (WriterOptions::sync), commit() fsyncs FILE's directory after
  // the name is given, so that after a power loss FILE names the file
  // written, not the one it replaced (or nothing).
  void set_sync(bool sync) { sync_ = sync; }
  // After commit(), at the end: "" if FILE still names the file written
  // (device and inode) with the bytes its writer counted (`written`;
  // without it, the size at commit), not cut meanwhile as far as the writer
  // saw, and its first bytes as written, else why not (written_file_lost,
  // with FILE as opened at commit). Always "" for a FILE written directly (a
  // pipe, a device) and before commit(). `moved`, when given, is set to
  // whether it was moved. `during`: what wrote it, in the text ("the run",
  // "the salvage").
  std::string lost(bool* moved = nullptr, std::optional<WriterCount> written = std::nullopt,
                   const std::string& during = "the run") const;
  // The same check, to be made later, when this target is gone (a sweep's
  // end, for the journals it kept): a function that returns what lost()
  // would of "the sweep", given a descriptor of FILE's directory that the
  // caller holds (the sweep's --out), through which a file whose directory
  // was renamed is found, complete (-1: none; a move is then said as a
  // removal); the bool*, when not null, is set to whether it was moved.
  // Empty where lost() is always "".
  std::function<std::string(int, bool*)> later_check(std::uint64_t size) const;
  // After commit(): where the file written is now when it was moved (lost()
  // says so), by its descriptor; "" when it was not, or when that is not
  // known (no /proc, removed).
  std::string now_at() const;
  // Throws the OutputError "FILE: cannot create the <what>: <why>".
  [[noreturn]] void cannot_create(const std::string& why) const;

 protected:
  const std::string& path() const { return path_; }

 private:
  bool open_anonymous();
  // The temporary beside FILE with a name (mkstemp), where open_anonymous
  // cannot make one without; `exists`: whether FILE does, `dir` its directory.
  void open_named(bool exists, const std::string& dir);
  void take_mode() const;       // the mode and owner FILE gets (commit), by write_fd_
  void sync_directory() const;  // fsync FILE's directory (commit, with sync_)
  void remember_written(int fd);
  // The file written gets FILE's name (commit): "", or why not. Only a
  // name in dir_fd_ that is still the file written is renamed.
  std::string link_anonymous() const;
  std::string rename_written(const std::string& from) const;
  // Whether `name` in dir_fd_ is the file written itself (not a link to it).
  bool is_written_name(const std::string& name) const;
  // Why FILE cannot be replaced by another file of this user's (a name too
  // long, another user's file in a sticky directory), for `error` (EPERM,
  // ENAMETOOLONG; 0: checked before anything is written), or "".
  std::string replace_refused(int error) const;
  // FILE's name and `suffix` (a name in FILE's directory), FILE's name
  // shortened to fit the file system's longest name.
  std::string temporary_name(const std::string& suffix) const;
  WrittenFile written_file(std::optional<WriterCount> written) const;
  std::string path_;  // as given (for messages)
  std::string what_;
  std::string final_path_;  // path_ with symbolic links resolved
  std::string write_path_;
  std::string name_;  // FILE's name in its directory
  int dir_fd_ = -1;   // FILE's directory (O_PATH), held from the start
  // The temporary (O_TMPFILE: no name; else mkstemp's), kept open until the end.
  int write_fd_ = -1;
  std::string temporary_name_;  // its name in dir_fd_; "" for O_TMPFILE
  // FILE opened at commit(), kept open until the end: whether the file
  // written still has a name (moved) or none (removed), and which (lost()).
  int named_fd_ = -1;
  // Whether `status` is the file remember_written() saw.
  bool is_written(const struct stat& status) const;
  // The file written (the temporary that becomes FILE), for lost().
  dev_t written_dev_ = 0;
  ino_t written_ino_ = 0;
  std::uint64_t committed_size_ = 0;  // its size at commit()
  std::string head_;                  // its first bytes at commit()
  bool temporary_ = false;
  bool descriptor_path_ = false;  // FILE reaches its file through a descriptor
  bool committed_ = false;
  bool sync_ = false;
};

class JournalTarget : public FileTarget {
 public:
  explicit JournalTarget(std::string path) : FileTarget(std::move(path), "journal") {}
  // Starts `journal` on write_path(), with `options` (its writer's name is
  // FILE; its header_written hook is this target's). It is committed once both its header
  // is written and flushed (JournalOptions::header_written: at the run's
  // first pass, at finish() if it ends before one, or during a build of
  // more than 4,096 events) and tree_built() was called, so that FILE never
  // names a journal cut inside its header nor one of a scenario that could
  // not be built. Throws OutputError if it cannot: here, or (commit()) from
  // tree_built() or the pass that writes the header.
  void open(std::optional<replay::Journal>& journal, Doist& doist, IoHub& hub,
            replay::JournalHeader header, replay::JournalOptions options = {});
  // The doer tree is built and accepted: the journal may become FILE.
  void tree_built();

 private:
  bool header_on_disk_ = false;
  bool tree_built_ = false;
};

// Whether a JournalWriteError that ended a run (or a replay) is its own
// --record journal's file failing: `journal` was opened and its writer saw
// the failure. Else it is a doer's own (a doer that writes a journal of its
// own), a doer's error as any other: compared by a replay, the summary's
// error for a run; and without --record there is no journal to speak of.
inline bool journal_file_failed(const std::optional<replay::Journal>& journal) {
  return journal && journal->writer().failed();
}

// A journal whose file could not be written (`error`), as the summaries
// say it (RunSummary's journal_failed fields, the same in
// ReplayScenarioOutcome: hio run and hio replay --record alike). `at_end`:
// the run had reached its end, and only the journal's end (its last frames,
// its trailer) failed; else the failure stopped the run. FILE holds the
// bytes that reached the file once it took the journal (committed), where
// its intact part ends: a write fails at a buffer's flush, up to
// buffer_bytes after the run's last frame that reached it.
template <typename Summary>
void note_journal_failure(Summary& summary, const replay::JournalWriteError& error,
                          const replay::Journal& journal, const JournalTarget& target,
                          bool at_end) {
  summary.journal_failed = true;
  summary.journal_failed_at_end = at_end;
  summary.journal_flushed_bytes = journal.writer().flushed_bytes();
  summary.journal_incomplete = target.committed();
  summary.journal_lost = error.what();
}

// note_journal_failure's fields as --json members, the same in hio run's
// summary and hio replay's outcome: a script tells a run or replay that the
// journal's failure stopped (journal_failed, not at its end) from a whole one.
template <typename Summary>
std::string format_journal_failure_json(const Summary& summary) {
  return std::string("\"journal_failed\": ") + (summary.journal_failed ? "true" : "false") +
         ", \"journal_failed_at_end\": " + (summary.journal_failed_at_end ? "true" : "false") +
         ", \"journal_flushed_bytes\": " +
         (summary.journal_failed ? std::to_string(summary.journal_flushed_bytes) : "null");
}

}  // namespace hio::tools
