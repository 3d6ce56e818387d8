// toml++ as hio's tools use it (the one header that includes it), and its
// parse: out of memory while a text is parsed is a std::bad_alloc, never an
// abort and never a parse error (docs/scenarios.md, "Exit codes").
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

// Header-only and without exceptions, whatever the package's CMake target
// says (its TOML_HEADER_ONLY=0, TOML_SHARED_LIB=1 use the distribution's
// shared library, built with exceptions). With exceptions, toml++ 3.3
// builds its parse_error (a std::runtime_error, which allocates) inside a
// noexcept constructor: out of memory while it reports a parse error was
// std::terminate. Without them the error's text is built where a
// std::bad_alloc propagates. Floats are read with std::from_chars, not a
// std::stringstream, whose failure to allocate read as "could not be
// interpreted as a value" (a parse error, exit 2, for out of memory). And no
// source path is given to toml::parse: its reader copies one into a
// shared_ptr in a noexcept constructor (std::terminate again); the loader
// names the file in its messages itself. tests/tools/memory_test.cpp fails
// every allocation of a parse in turn.
#undef TOML_SHARED_LIB
#define TOML_SHARED_LIB 0
#undef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 1
#undef TOML_EXCEPTIONS
#define TOML_EXCEPTIONS 0
#undef TOML_FLOAT_CHARCONV
#define TOML_FLOAT_CHARCONV 1
#include <toml++/toml.h>

namespace hio::tools {

// `text` parsed: its table, or toml++'s error (a text that is not TOML).
// Throws std::bad_alloc.
inline toml::parse_result parse_toml(std::string_view text) {
  return toml::parse(text);
}

// The table of a text that was parsed before (a scenario's, loaded): its
// error now is a bug, std::logic_error naming `who`.
inline toml::table parse_parsed_toml(std::string_view text, const char* who) {
  toml::parse_result result = parse_toml(text);
  if (!result) {
    throw std::logic_error(std::string(who) + ": the text no longer parses: " +
                           std::string(result.error().description()));
  }
  return std::move(result).table();
}

}  // namespace hio::tools
