// How deep the DoDoer being wound will be: DoDoer::wind walks a tree before
// any of it is entered, and refuses one that would nest deeper than
// DoDoer::kDepthMax there, before any enter ran. The levels count from the
// schedule the tree's top is entered into (its depth()), so that a chain
// extended under a running DoDoer is refused as a whole, not at the enter of
// its first DoDoer too deep after those above it ran. Private to the engine.
#pragma once

#include <cstddef>

namespace hio::detail {

// The depth() of the schedule the DoDoer now being wound on this thread is
// to be entered into (winding never leaves its thread): set by the schedule
// that winds a doer as it enters it, one more for each DoDoer wound below.
std::size_t& winding_level();

// Sets winding_level() to `depth` for its life.
class WindingInto {
 public:
  explicit WindingInto(std::size_t depth) : saved_(winding_level()) { winding_level() = depth; }
  ~WindingInto() { winding_level() = saved_; }
  WindingInto(const WindingInto&) = delete;
  WindingInto& operator=(const WindingInto&) = delete;

 private:
  std::size_t saved_;
};

}  // namespace hio::detail
