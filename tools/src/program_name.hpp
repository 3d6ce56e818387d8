// The name the CLI's messages, usage and help give the program: `hio`, or
// the name of a program that embeds run_cli with doer kinds of its own.
#pragma once

#include <string>
#include <string_view>

namespace hio::tools {

// The program's name: the last component of argv[0] while a ProgramName
// lives (run_cli), "hio" otherwise or when argv[0] is missing or empty. A
// program embedding run_cli is run by its own name and knows kinds the stock
// hio does not: "hio run: ..." or "(hio --help)" would send its user to a
// program that refuses their scenarios and journals.
const std::string& program_name();

// "NAME COMMAND: ", the head of a command's lines on stderr ("hio run: ").
std::string command_prefix(std::string_view command);

// Sets program_name() from argv[0] until destroyed (the previous name put
// back). Not for run_cli calls on two threads at once.
class ProgramName {
 public:
  ProgramName(int argc, const char* const* argv);
  ~ProgramName();
  ProgramName(const ProgramName&) = delete;
  ProgramName& operator=(const ProgramName&) = delete;

 private:
  std::string previous_;
};

}  // namespace hio::tools
