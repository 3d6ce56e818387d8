// Deterministic logging for doers: records stamped with tyme (exact seconds)
// and the doer's name, never the wall clock, written through spdlog sinks
// (console, file, callback) and optionally journaled as log events.
#pragma once

#include <cstdint>
#include <functional>
#include <locale>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "hio/engine/doer.hpp"
#include "hio/engine/tymist.hpp"

namespace hio {

class IoHub;

enum class LogLevel : std::uint8_t { debug = 0, info = 1, warn = 2, error = 3, off = 4 };
const char* to_string(LogLevel level);

// "1.5 info [client] connected": tyme in exact seconds, level, name, message.
// The only record format, so the same run gives the same log text.
std::string format_record(Tyme tyme, LogLevel level, std::string_view name,
                          std::string_view message);

// Where records go. Owns its spdlog logger and sinks (kept out of this
// header); not registered in spdlog's global registry. Records below level()
// are dropped before formatting. Sinks are written in the order added.
//
// Errors: add_file throws std::runtime_error if the file cannot be opened. A
// sink that fails later (a full disk, a callback that throws a
// std::exception) loses that record for itself only: write() never throws
// for it and the other sinks still get the record. The log keeps the first
// such error and counts the rest; flush() throws std::runtime_error
// "log sink failed: <first> (and N more sink errors since)" and forgets them,
// so the next flush() reports only new ones. Nothing is printed (no wall
// clock): call flush() before destroying a log whose sinks may fail.
// Ownership: Loggers refer to their Log, which must outlive them. A log and
// the hub it is attached to may be destroyed in either order (see attach).
class Log {
 public:
  Log();
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  void add_console();  // stderr
  void add_file(const std::string& path, bool truncate = true);
  // Each record, as formatted, for tests and embedding programs.
  void add_callback(std::function<void(std::string_view record)> callback);
  // Also emit every record as a log event at the hub's choke point, so the
  // journal holds the log. One hub at a time: attaching to another moves the
  // log there; nullptr detaches. Either may be destroyed first: a hub
  // destroyed while a log is attached detaches it (its records then go to the
  // log's sinks only), and a log destroyed while attached detaches itself.
  void attach(IoHub* hub);
  // The hub records are emitted at, or nullptr.
  IoHub* attached() const { return hub_; }

  LogLevel level() const { return level_; }
  void set_level(LogLevel level) { level_ = level; }
  bool enabled(LogLevel level) const { return level >= level_ && level != LogLevel::off; }

  void write(Tyme tyme, LogLevel level, std::string_view name, std::string_view message);
  // Flushes every sink; throws for the sink errors since the last flush()
  // (see Errors above), after flushing.
  void flush();

 private:
  friend class IoHub;  // ~IoHub detaches its logs
  struct Impl;
  std::unique_ptr<Impl> impl_;
  IoHub* hub_ = nullptr;
  LogLevel level_ = LogLevel::info;
};

// A doer's handle on a Log: records carry the doer's current name and tyme
// (read through its tymth at each record). Arguments are streamed with
// operator<< in the classic "C" locale, so numbers print the same everywhere.
//   Logger log(the_log, *this);  log.info("connected to ", channel.peer());
class Logger {
 public:
  Logger(Log& log, const Doer& doer) : log_(&log), doer_(&doer) {}
  // For code that is not a doer (a transport, a test): a fixed name and a tymth.
  Logger(Log& log, std::string name, Tymth tymth)
      : log_(&log), name_(std::move(name)), tymth_(tymth) {}

  template <typename... Args>
  void debug(const Args&... args) {
    write(LogLevel::debug, args...);
  }
  template <typename... Args>
  void info(const Args&... args) {
    write(LogLevel::info, args...);
  }
  template <typename... Args>
  void warn(const Args&... args) {
    write(LogLevel::warn, args...);
  }
  template <typename... Args>
  void error(const Args&... args) {
    write(LogLevel::error, args...);
  }

  template <typename... Args>
  void write(LogLevel level, const Args&... args) {
    if (!log_->enabled(level)) return;
    std::ostringstream out;
    out.imbue(std::locale::classic());
    (out << ... << args);
    log_->write(tyme(), level, name(), out.str());
  }

 private:
  Tyme tyme() const { return doer_ != nullptr ? doer_->tyme() : tymth_(); }
  std::string_view name() const { return doer_ != nullptr ? doer_->name() : name_; }

  Log* log_;
  const Doer* doer_ = nullptr;
  std::string name_;
  Tymth tymth_;
};

}  // namespace hio
