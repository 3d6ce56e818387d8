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
// Bare keys are ASCII (TOML 1.0): misread_by_toml refuses any other
// character outside strings.
#undef TOML_ENABLE_UNRELEASED_FEATURES
#define TOML_ENABLE_UNRELEASED_FEATURES 0

// toml++'s own assertions are off in every build: TOML_ASSERT is assert(),
// and TOML_ASSERT_ASSUME is assert() without NDEBUG but __builtin_assume()
// with it (clang: undefined behaviour when false). Scenario text reaches
// some that are false (`[=]`, `[#]`, `[,]`, `a = 1979-05-27 0`, `a = [}]`),
// and each is followed by toml++'s own parse error, which every build then
// reports (as g++ release builds did). preprocessor.h (#pragma once, after
// the settings above) defines both; they are redefined before the parser.
#include <toml++/impl/preprocessor.h>
#undef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#undef TOML_ASSERT_ASSUME
#define TOML_ASSERT_ASSUME(expr) static_assert(true)
#include <toml++/toml.h>

#include "toml_text.hpp"

namespace hio::tools {

// `text` parsed: its table, or toml++'s error (a text that is not TOML),
// or, unparsed, what toml++ 3.3 would misread (misread_by_toml) as an error
// at its line and column. Throws std::bad_alloc.
inline toml::parse_result parse_toml(std::string_view text) {
  if (std::optional<TextProblem> problem = misread_by_toml(text)) {
    return toml::parse_result(toml::parse_error(
        std::move(problem->message), toml::source_position{problem->line, problem->column}));
  }
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
