// Why a Doist's run cannot be journaled or replayed: a journal's passes and
// tymes count from its run's start at tyme 0, and its replay runs from there
// on a fresh Doist. One text for the Journal and the Replayer.
#pragma once

#include <optional>
#include <string>

#include "hio/engine/doist.hpp"

namespace hio::replay::detail {

// Where the refusal is made: when the Journal or Replayer is made or
// attached (the Doist's next run starts at its tyme), or when a run starts
// (PassObserver::run_starting: the run's start tyme, which run() may have
// been given, or the Doist's tyme moved by hand since).
enum class StartCheck { attach, run };

// Nothing when the run starts at tyme 0 on a Doist whose passes count from
// there; else the reason, "the Doist's run would start at tyme 2.5 s, not 0
// (the Doist was made at that tyme)".
inline std::optional<std::string> not_from_zero(const Doist& doist, Tyme start, StartCheck when) {
  if (start == Tyme{} && doist.passes() == 0) return std::nullopt;
  if (start == Tyme{}) {
    return "the Doist has run before (" + std::to_string(doist.passes()) +
           " passes): the run's passes would not count from 0";
  }
  const bool ran = doist.passes() != 0 || doist.executed_passes() != 0;
  const char* why = when == StartCheck::run
                        ? "a start tyme given to Doist::run(), or the Doist's tyme moved by hand"
                    : ran ? "it has run before"
                          : "the Doist was made at that tyme";
  return "the Doist's run would start at tyme " + format_seconds(start) + " s, not 0 (" + why + ")";
}

}  // namespace hio::replay::detail
