// The doer kinds hio's own CLI knows, for the fuzz targets: built once.
#pragma once

#include "hio/tools/registry.hpp"

namespace hio::tools::fuzz {

inline const DoerRegistry& builtin_registry() {
  static const DoerRegistry registry = [] {
    DoerRegistry r;
    add_builtin_kinds(r);
    return r;
  }();
  return registry;
}

}  // namespace hio::tools::fuzz
