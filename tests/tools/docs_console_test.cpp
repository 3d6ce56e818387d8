// The ```console blocks of the README and docs/replay.md are run (and, at
// the end, what the docs say of their other blocks is checked: a block shown
// as a file is the file, a fuzzing recipe makes its corpus directory): each "$ command"
// line runs in a scratch directory (with build/release/bin and scenarios/
// linked in, so the commands read as a user types them from the repository's
// root), and its output (stdout and stderr) must be the lines shown under it.
// A "..." line stands for any lines; wall times and speeds are masked. A
// block right after the comment <!-- console: not run --> is left alone (real
// captures: their ports, timing and digests differ from run to run). One
// right after <!-- console: NAME is PATH --> starts with the file PATH of the
// source tree copied in as NAME: README step 6 replays a real capture stored
// as tests/data/golden/readme_capture.hioj (replays are deterministic).
//
// Exit codes are checked too. A command must exit 0, unless the docs show it
// failing, one of two ways a reader sees:
//   $ hio check bad.toml  # exit 2
// a shell comment "# exit N" ending the line: it must exit with N (a reader
// pasting the line gets the comment ignored); or
//   $ hio replay cut.hioj; echo "exit $?"
// the code printed as output ("exit 2"), compared as any output line (the
// command line then exits with echo's 0).
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {
namespace docs_console_test {

namespace fs = std::filesystem;

struct Command {
  int line = 0;  // in the document
  std::string text;
  std::vector<std::string> expected;
  int exit_code = 0;  // what it must exit with: 0, or the N of its "# exit N"
  // The first command of a block after <!-- console: NAME is PATH -->: PATH
  // (in the source tree) is copied in as NAME before it runs ("" if none).
  std::string given_name;
  std::string given_path;
};

// NAME and PATH of a "<!-- console: NAME is PATH -->" line (false if it is not one).
bool given_file(const std::string& line, std::string* name, std::string* path) {
  static const std::regex marker(R"(<!-- console: (\S+) is (\S+) -->)");
  std::smatch m;
  if (!std::regex_match(line, m, marker)) return false;
  *name = m[1].str();
  *path = m[2].str();
  return true;
}

// The N of a command line ending in the shell comment "# exit N" (0 if none).
int shown_exit_code(const std::string& text) {
  static const std::regex marker(R"(\s#\s*exit\s+([0-9]{1,3})\s*$)");
  std::smatch m;
  return std::regex_search(text, m, marker) ? std::stoi(m[1].str()) : 0;
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// The commands of every console block that is run, in document order.
std::vector<Command> console_commands(const fs::path& doc) {
  const std::vector<std::string> lines = read_lines(doc);
  std::vector<Command> commands;
  bool in_block = false;
  bool skip = false;
  std::string given_name;  // of a <!-- console: NAME is PATH --> before the block
  std::string given_path;
  std::size_t indent = 0;  // of the block's fence (a block inside a list item)
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t lead = std::min(lines[i].find_first_not_of(' '), lines[i].size());
    const std::string line = lines[i].substr(in_block ? std::min(indent, lead) : lead);
    if (!in_block) {
      if (line == "<!-- console: not run -->") skip = true;
      given_file(line, &given_name, &given_path);
      if (line == "```console") {
        in_block = true;
        indent = lead;
      } else if (!line.empty() && line.rfind("<!--", 0) != 0) {
        skip = false;  // a marker applies to the block right after it
        given_name.clear();
      }
      continue;
    }
    if (line == "```") {
      in_block = false;
      skip = false;
      given_name.clear();
      continue;
    }
    if (skip) continue;
    if (line.rfind("$ ", 0) == 0) {
      const std::string text = line.substr(2);
      commands.push_back(Command{static_cast<int>(i + 1),
                                 text,
                                 {},
                                 shown_exit_code(text),
                                 given_name,
                                 given_name.empty() ? "" : given_path});
      given_name.clear();  // copied before the block's first command only
    } else if (!commands.empty()) {
      commands.back().expected.push_back(line);
    }
  }
  return commands;
}

std::string mask(std::string line) {
  static const std::regex wall(R"([0-9]+\.[0-9]+ s wall)");
  static const std::regex speed(R"(\([0-9.e+]+ x real time\))");
  line = std::regex_replace(line, wall, "# s wall");
  return std::regex_replace(line, speed, "(# x real time)");
}

// Does `actual` match `expected`, where a "..." line matches any lines?
bool matches(const std::vector<std::string>& expected, std::size_t e,
             const std::vector<std::string>& actual, std::size_t a) {
  if (e == expected.size()) return a == actual.size();
  if (expected[e] == "...") {
    for (std::size_t k = a; k <= actual.size(); ++k) {
      if (matches(expected, e + 1, actual, k)) return true;
    }
    return false;
  }
  return a < actual.size() && mask(expected[e]) == mask(actual[a]) &&
         matches(expected, e + 1, actual, a + 1);
}

struct Ran {
  std::vector<std::string> lines;  // stdout and stderr
  int exit_code = -1;              // -1: killed by a signal (or popen failed)
};

Ran run(const std::string& command, const fs::path& dir) {
  // The command on its own lines, so that a trailing "# exit N" comment
  // comments out nothing but itself.
  const std::string shell = "cd '" + dir.string() + "' && (\n" + command + "\n) 2>&1";
  Ran ran;
  FILE* pipe = ::popen(shell.c_str(), "r");
  if (pipe == nullptr) return {{"(popen failed)"}, -1};
  std::string all;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;)
    all.append(buf, n);
  const int status = ::pclose(pipe);
  if (status != -1 && WIFEXITED(status)) ran.exit_code = WEXITSTATUS(status);
  std::istringstream in(all);
  for (std::string line; std::getline(in, line);)
    ran.lines.push_back(line);
  return ran;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines)
    out += "  | " + line + "\n";
  return out;
}

// Runs the console blocks of `doc` (its name in messages: `name`).
void check_document(const fs::path& doc, const std::string& name) {
  const fs::path source(HIO_SOURCE_DIR);
  const fs::path dir = fs::path(HIO_WORK_DIR) / fs::path(name).stem();  // a fresh one
  fs::remove_all(dir);
  fs::create_directories(dir / "build" / "release");
  fs::create_directory_symlink(HIO_BIN_DIR, dir / "build" / "release" / "bin");
  fs::create_directory_symlink(source / "scenarios", dir / "scenarios");
  const std::vector<Command> commands = console_commands(doc);
  ASSERT_FALSE(commands.empty()) << name << " has no console block that is run";
  for (const Command& command : commands) {
    if (!command.given_name.empty()) {
      fs::copy_file(source / command.given_path, dir / command.given_name,
                    fs::copy_options::overwrite_existing);
    }
    const Ran ran = run(command.text, dir);
    EXPECT_TRUE(matches(command.expected, 0, ran.lines, 0))
        << name << ":" << command.line << ": $ " << command.text << "\nexpected:\n"
        << joined(command.expected) << "actual:\n"
        << joined(ran.lines);
    EXPECT_EQ(ran.exit_code, command.exit_code)
        << name << ":" << command.line << ": $ " << command.text << "\nexits with " << ran.exit_code
        << ", the docs show "
        << (command.exit_code == 0 ? std::string("no failure (mark one with \"# exit N\")")
                                   : "exit " + std::to_string(command.exit_code))
        << "; output:\n"
        << joined(ran.lines);
  }
}

void check_document(const std::string& name) {
  check_document(fs::path(HIO_SOURCE_DIR) / name, name);
}

TEST(DocsConsole, Readme) {
  check_document("README.md");
}

TEST(DocsConsole, Replay) {
  check_document("docs/replay.md");
}

// The checker itself: a failure the document does not show is one, a
// "# exit N" must be the code exactly, and an echoed code is output.
TEST(DocsConsole, ExitCodesAreChecked) {
  const fs::path doc = fs::path(HIO_WORK_DIR) / "exit_codes.md";
  fs::create_directories(doc.parent_path());
  const auto write = [&](const std::string& block) {
    std::ofstream(doc) << "```console\n" << block << "```\n";
  };
  write("$ exit 3  # exit 3\n$ (exit 2); echo \"exit $?\"\nexit 2\n$ echo hi # exit 0\nhi\n");
  check_document(doc, "exit_codes.md");
  write("$ echo shown; false\nshown\n");
  EXPECT_NONFATAL_FAILURE(check_document(doc, "exit_codes.md"),
                          "exits with 1, the docs show no failure");
  write("$ exit 4  # exit 3\n");
  EXPECT_NONFATAL_FAILURE(check_document(doc, "exit_codes.md"),
                          "exits with 4, the docs show exit 3");
  write("$ (exit 2); echo \"exit $?\"\nexit 0\n");
  EXPECT_NONFATAL_FAILURE(check_document(doc, "exit_codes.md"), "expected:");
}

// <!-- console: NAME is PATH --> copies PATH in as NAME before the block
// after it, and only that block.
TEST(DocsConsole, GivenFileIsCopiedInBeforeItsBlock) {
  const fs::path doc = fs::path(HIO_WORK_DIR) / "given.md";
  fs::create_directories(doc.parent_path());
  std::ofstream(doc) << "<!-- console: g.md is README.md -->\n```console\n$ head -1 g.md\n# hio\n"
                        "$ rm g.md\n```\n```console\n$ test -e g.md  # exit 1\n```\n";
  check_document(doc, "given.md");
}

// The fenced blocks of `doc` (their lines, the fence's indent removed), each
// with the line before its fence (a marker) and its first line's number.
struct Block {
  std::string before;
  int line = 0;
  std::vector<std::string> lines;
};

std::vector<Block> fenced_blocks(const fs::path& doc) {
  const std::vector<std::string> lines = read_lines(doc);
  std::vector<Block> blocks;
  bool in_block = false;
  std::size_t indent = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t lead = std::min(lines[i].find_first_not_of(' '), lines[i].size());
    const std::string line = lines[i].substr(in_block ? std::min(indent, lead) : lead);
    if (!in_block && line.rfind("```", 0) == 0) {
      in_block = true;
      indent = lead;
      blocks.push_back(Block{i > 0 ? lines[i - 1] : "", static_cast<int>(i + 2), {}});
    } else if (in_block && line == "```") {
      in_block = false;
    } else if (in_block) {
      blocks.back().lines.push_back(line);
    }
  }
  return blocks;
}

std::vector<fs::path> documents() {
  const fs::path source(HIO_SOURCE_DIR);
  std::vector<fs::path> docs = {source / "README.md"};
  for (const fs::directory_entry& entry : fs::directory_iterator(source / "docs")) {
    if (entry.path().extension() == ".md") docs.push_back(entry.path());
  }
  std::sort(docs.begin(), docs.end());
  return docs;
}

// A block right after <!-- file: PATH --> is PATH of the source tree, whole:
// a reader who opens the file finds what the page showed (scenarios.md
// showed an excerpt of tcp_loopback_real.toml as the file).
TEST(DocsFiles, BlockMarkedAsAFileIsTheFileWhole) {
  static const std::regex marker(R"(\s*<!-- file: (\S+) -->)");
  int checked = 0;
  for (const fs::path& doc : documents()) {
    for (const Block& block : fenced_blocks(doc)) {
      std::smatch m;
      if (!std::regex_match(block.before, m, marker)) continue;
      ++checked;
      const fs::path file = fs::path(HIO_SOURCE_DIR) / m[1].str();
      EXPECT_EQ(joined(block.lines), joined(read_lines(file)))
          << doc.filename().string() << ":" << block.line << " is not " << m[1].str()
          << " (show it whole, or say it is an excerpt and drop the marker)";
    }
  }
  EXPECT_GE(checked, 2);  // scenarios.md: quickstart.toml, tcp_loopback_real.toml
}

// A fuzzing recipe (a build/clang/bin/*_fuzz line in a ```sh block) runs as
// written: libFuzzer refuses a first corpus directory that does not exist
// ("ERROR: The required directory ... does not exist"), so the block makes
// it (mkdir -p DIR) before the fuzzer runs.
TEST(DocsRecipes, FuzzingRecipesMakeTheirCorpusDirectory) {
  static const std::regex fuzzer(R"(build/clang/bin/\w+_fuzz\b)");
  int checked = 0;
  for (const fs::path& doc : documents()) {
    for (const Block& block : fenced_blocks(doc)) {
      std::string made;  // the block's mkdir -p arguments so far, space-separated
      for (std::size_t i = 0; i < block.lines.size(); ++i) {
        std::string command = block.lines[i];
        while (!command.empty() && command.back() == '\\' && i + 1 < block.lines.size())
          command = command.substr(0, command.size() - 1) + " " + block.lines[++i];
        std::istringstream words(command.substr(0, command.find(" #")));
        std::vector<std::string> word;
        for (std::string w; words >> w;)
          word.push_back(w.size() > 1 && w.back() == '/' ? w.substr(0, w.size() - 1) : w);
        if (word.size() > 2 && word[0] == "mkdir" && word[1] == "-p") {
          for (std::size_t k = 2; k < word.size(); ++k)
            made += " " + word[k] + " ";
        }
        if (word.empty() || !std::regex_search(word[0], fuzzer)) continue;
        ++checked;
        const auto corpus = std::find_if(word.begin() + 1, word.end(),
                                         [](const std::string& w) { return w[0] != '-'; });
        ASSERT_NE(corpus, word.end()) << doc.filename().string() << ":" << block.line;
        EXPECT_NE(made.find(" " + *corpus + " "), std::string::npos)
            << doc.filename().string() << ": the block at line " << block.line << " runs "
            << word[0] << " on " << *corpus << " without mkdir -p " << *corpus << " before it";
      }
    }
  }
  EXPECT_GE(checked, 3);  // scenarios.md, development.md, journal-format.md
}

}  // namespace docs_console_test
}  // namespace
