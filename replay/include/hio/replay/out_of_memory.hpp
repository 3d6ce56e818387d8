// Out of memory, told apart from a bug that throws a std::bad_alloc: the
// one rule for every catch of hio's (tools and replay) that calls a
// std::bad_alloc hio's out of memory (exit 6) or the doers' (exit 5).
#pragma once

#include <exception>
#include <new>
#include <typeinfo>

#include "hio/io/lookup_out_of_memory.hpp"

namespace hio::replay {

// Out of memory is a std::bad_alloc of that very type, or hio's own
// HostLookupOutOfMemory (a lookup thread's). Any other subclass is its
// thrower's bug, which the same run repeats whatever memory it has (rev25
// #9: std::bad_array_new_length, a doer's `new T[n]` with a bad n): an
// error like any other exception, never "out of memory".
inline bool is_out_of_memory(const std::exception& error) noexcept {
  return typeid(error) == typeid(std::bad_alloc) ||
         dynamic_cast<const HostLookupOutOfMemory*>(&error) != nullptr;
}

}  // namespace hio::replay
