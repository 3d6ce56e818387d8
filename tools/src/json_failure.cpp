#include "json_failure.hpp"

#include <algorithm>
#include <array>
#include <iostream>
#include <mutex>
#include <string_view>

#include <CLI/TypeTools.hpp>

#include "hio/replay/inspect.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/runner.hpp"

namespace hio::tools {

namespace {

// The commands that take --json.
constexpr std::array<std::string_view, 7> kJsonCommands = {"run",  "check",   "replay", "inspect",
                                                           "diff", "salvage", "sweep"};

// What the error object keeps of stderr, at most (a scenario's 50 problems
// fit many times over).
constexpr std::size_t kKeptMax = 64 * 1024;

JsonFailure* active = nullptr;
std::mutex active_mutex;  // a sweep's threads may say something

}  // namespace

bool json_requested(int argc, const char* const* argv) {
  if (argc < 3 || std::find(kJsonCommands.begin(), kJsonCommands.end(),
                            std::string_view(argv[1])) == kJsonCommands.end()) {
    return false;
  }
  // Every form of the flag CLI11 takes: --json, --json=VALUE with VALUE as
  // CLI11 reads a bool ("true", "1", "on", "yes", "false", "0", ...), the
  // last one deciding (CLI11's TakeLast). A VALUE CLI11 refuses is a usage
  // error, and JSON was asked for.
  bool wanted = false;
  constexpr std::string_view kFlag = "--json";
  for (int i = 2; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--") break;  // the rest is positional
    if (word == kFlag) wanted = true;
    if (word.size() > kFlag.size() && word.substr(0, kFlag.size()) == kFlag &&
        word[kFlag.size()] == '=') {
      bool value = true;
      wanted =
          !CLI::detail::lexical_cast(std::string(word.substr(kFlag.size() + 1)), value) || value;
    }
  }
  return wanted;
}

// std::cout's buffer while it lives: passes everything on, counting it.
class JsonFailure::Counter final : public std::streambuf {
 public:
  explicit Counter(std::streambuf* next) : next_(next) {}
  std::size_t count() const { return count_; }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    ++count_;
    return next_->sputc(traits_type::to_char_type(c));
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    count_ += static_cast<std::size_t>(n);
    return next_->sputn(s, n);
  }
  int sync() override { return next_->pubsync(); }

 private:
  std::streambuf* next_;
  std::size_t count_ = 0;
};

// std::cerr's buffer while it lives: passes everything on, keeping a copy.
class JsonFailure::Tee final : public std::streambuf {
 public:
  explicit Tee(std::streambuf* next) : next_(next) {}
  const std::string& text() const { return text_; }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    keep(&ch, 1);
    return next_->sputc(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    keep(s, static_cast<std::size_t>(n));
    return next_->sputn(s, n);
  }
  int sync() override { return next_->pubsync(); }

 private:
  void keep(const char* s, std::size_t n) {
    const std::lock_guard<std::mutex> lock(active_mutex);
    text_.append(s, std::min(n, kKeptMax - std::min(kKeptMax, text_.size())));
  }
  std::streambuf* next_;
  std::string text_;
};

JsonFailure::JsonFailure(bool wanted) : wanted_(wanted) {
  if (!wanted_) return;
  out_ = std::make_unique<Counter>(std::cout.rdbuf());
  err_ = std::make_unique<Tee>(std::cerr.rdbuf());
  previous_out_ = std::cout.rdbuf(out_.get());
  previous_err_ = std::cerr.rdbuf(err_.get());
  const std::lock_guard<std::mutex> lock(active_mutex);
  active = this;
}

JsonFailure::~JsonFailure() {
  if (!wanted_) return;
  {
    const std::lock_guard<std::mutex> lock(active_mutex);
    active = nullptr;
  }
  std::cout.rdbuf(previous_out_);
  std::cerr.rdbuf(previous_err_);
}

void JsonFailure::note(const Diagnostic& diagnostic) {
  const std::lock_guard<std::mutex> lock(active_mutex);
  if (active == nullptr || active->noted_position_) return;
  active->noted_position_ = true;
  active->position_ = diagnostic;
}

void JsonFailure::note(const std::string& journal, const replay::JournalError& error) {
  const std::lock_guard<std::mutex> lock(active_mutex);
  if (active == nullptr || !active->journal_error_.empty()) return;
  active->journal_ = journal;
  active->journal_error_ =
      replay::format_error(error, replay::FormatOptions{.format = replay::LineFormat::json});
}

int JsonFailure::finish(int code) {
  if (!wanted_) return code;
  std::cout.flush();
  // The command printed its own, which says it all, unless an output could
  // not be written: a sweep's summary line cannot say that its report.json
  // was not, and read alone looks like success; or hio could not go on (a
  // sweep out of memory after some seeds' lines, and no summary).
  if (out_->count() != 0 && code != kExitOutputFailed && code != kExitInternal) return code;
  std::string said = err_->text();
  while (!said.empty() && said.back() == '\n')
    said.pop_back();
  const SourcePos& pos = position_.pos;
  const auto number_or_null = [this](std::uint32_t n) {
    return noted_position_ && n != 0 ? std::to_string(n) : std::string("null");
  };
  std::cout << "{" << json_field("error", said) << ", \"exit\": " << code << ", "
            << json_field_or_null("file", noted_position_ ? pos.file : "")
            << ", \"line\": " << number_or_null(pos.line)
            << ", \"column\": " << number_or_null(pos.column) << ", "
            << json_field_or_null("journal", journal_) << ", \"journal_error\": "
            << (journal_error_.empty() ? std::string("null") : journal_error_) << "}\n";
  std::cout.flush();
  return code;
}

}  // namespace hio::tools
