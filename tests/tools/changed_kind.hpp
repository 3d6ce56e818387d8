// The stock hio kinds with one kind built another way, as a user's next
// version of a doer would be: the registry of the test programs that replay
// journals recorded by `hio` (shouting_hio.cpp, patient_hio.cpp).
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "hio/tools/cli.hpp"

namespace hio::tools::test {

// `change` gets the stock factory of kind `changed` and returns its new one.
inline DoerRegistry stock_kinds_with(const std::string& changed,
                                     const std::function<DoerFactory(DoerFactory)>& change) {
  DoerRegistry stock;
  add_builtin_kinds(stock);
  DoerRegistry registry;
  for (const std::string& name : stock.names()) {
    KindSpec kind = *stock.find(name);
    if (name == changed) kind.make = change(std::move(kind.make));
    registry.add(std::move(kind));
  }
  return registry;
}

}  // namespace hio::tools::test
