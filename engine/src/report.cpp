#include "hio/engine/report.hpp"

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace hio {

namespace {

// A process-wide hook, as std::set_terminate's: the lines come from where no
// object of the program's can be handed in (destructors, the abort of
// HIO_CHECK). Held by shared_ptr so that a line is said outside the lock
// (a sink that reports, or sets the sink, does not deadlock) and without
// copying the function (no allocation where memory may have run out).
std::mutex g_mutex;
std::shared_ptr<const ReportSink> g_sink;

void to_stderr(std::initializer_list<std::string_view> pieces) noexcept {
  std::fputs("hio: ", stderr);
  for (const std::string_view piece : pieces)
    std::fwrite(piece.data(), 1, piece.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace

ReportSink set_report_sink(ReportSink sink) {
  std::shared_ptr<const ReportSink> next;
  if (sink) next = std::make_shared<const ReportSink>(std::move(sink));
  std::shared_ptr<const ReportSink> previous;
  {
    const std::lock_guard<std::mutex> lock(g_mutex);
    previous = std::exchange(g_sink, std::move(next));
  }
  return previous ? *previous : ReportSink();
}

void report(std::initializer_list<std::string_view> pieces) noexcept {
  std::shared_ptr<const ReportSink> sink;
  {
    const std::lock_guard<std::mutex> lock(g_mutex);
    sink = g_sink;
  }
  if (sink) {
    try {
      std::string line;
      for (const std::string_view piece : pieces)
        line += piece;
      (*sink)(line);
      return;
    } catch (...) {
      // Said on stderr instead (no memory for the line, a sink that threw):
      // the line is not lost.
    }
  }
  to_stderr(pieces);
}

}  // namespace hio
