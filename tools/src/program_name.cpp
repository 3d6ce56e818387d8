#include "program_name.hpp"

#include <new>
#include <utility>

#include "hio/tools/scenario.hpp"  // message_text

namespace hio::tools {

namespace {

std::string& current_name() {
  static std::string name = "hio";
  return name;
}

}  // namespace

const std::string& program_name() {
  return current_name();
}

std::string command_prefix(std::string_view command) {
  return current_name() + " " + std::string(command) + ": ";
}

ProgramName::ProgramName(int argc, const char* const* argv) : previous_(current_name()) {
  std::string_view invoked = argc > 0 && argv[0] != nullptr ? argv[0] : "";
  // `build/release/bin/my-hio` is my-hio; a path that ends in '/' names no program.
  invoked = invoked.substr(invoked.rfind('/') + 1);
  try {
    // Escaped as every name in a message is (a control character never
    // reaches the terminal).
    current_name() = invoked.empty() ? "hio" : message_text(invoked);
  } catch (const std::bad_alloc&) {
    current_name() = "hio";  // fits in the string itself: no allocation
  }
}

ProgramName::~ProgramName() {
  current_name().swap(previous_);
}

}  // namespace hio::tools
