// With --json, every exit of a command prints one final JSON object on
// stdout: the command's own (a run's summary, a check that found the
// scenario ok, a replay's outcome, a diff, a salvage, a sweep's summary
// line), or, when the command ended without
// printing anything on stdout (it failed or was stopped before it had a
// result) or exits 4 (an output could not be written: after its own object,
// e.g. a sweep's summary whose report.json was not written) or 6 (a sweep
// out of memory after some seeds' lines), this error object:
//   {"error": "<what hio said on stderr>", "exit": N, "file": ..., "line": ...,
//    "column": ..., "journal": ..., "journal_error": {...}}
// (docs/scenarios.md, --json when a command fails).
#pragma once

#include <cstddef>
#include <memory>
#include <streambuf>
#include <string>

#include "hio/replay/error.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

// From start() while it lives, counts what goes to cli_out() and keeps a
// copy of what goes to cli_err() (both still written where they went): the
// first 64 KiB, cut where a character ends, then "[... N more bytes on
// stderr]" in the error. Not for two threads calling run_cli at once (as
// CliSignals).
class JsonFailure {
 public:
  JsonFailure();
  ~JsonFailure();
  JsonFailure(const JsonFailure&) = delete;
  JsonFailure& operator=(const JsonFailure&) = delete;

  // JSON was asked for: the command line as the parser read it has --json
  // (docs/scenarios.md). Before anything the command says.
  void start();

  // After the command returned `code`: if JSON was asked for and stdout got
  // nothing or `code` is kExitOutputFailed or kExitInternal, prints the error object. Returns
  // `code`.
  int finish(int code);

  // Where the failure is, for the object's fields: the first of each is kept
  // (no-ops without a live, wanted JsonFailure).
  static void note(const Diagnostic& diagnostic);
  static void note(const std::string& journal, const replay::JournalError& error);

 private:
  class Counter;
  class Tee;
  bool wanted_ = false;
  std::unique_ptr<Counter> out_;
  std::unique_ptr<Tee> err_;
  std::streambuf* previous_out_ = nullptr;
  std::streambuf* previous_err_ = nullptr;
  bool noted_position_ = false;
  Diagnostic position_;
  std::string journal_;
  std::string journal_error_;  // format_error's JSON, or ""
};

}  // namespace hio::tools
