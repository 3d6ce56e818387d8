#include "json_failure.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <ostream>
#include <string_view>

#include "hio/replay/inspect.hpp"
#include "hio/tools/cli.hpp"
#include "hio/tools/runner.hpp"
#include "output.hpp"

namespace hio::tools {

namespace {

// What the error object keeps of stderr, at most (a scenario's 50 problems
// fit many times over).
constexpr std::size_t kKeptMax = 64 * 1024;

JsonFailure* active = nullptr;
std::mutex active_mutex;  // a sweep's threads may say something

}  // namespace

// cli_out()'s buffer while it lives: passes everything on, counting it.
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
  std::atomic<std::size_t> count_{0};  // a sweep's threads write their lines
};

// cli_err()'s buffer while it lives: passes everything on, keeping a copy.
// What it keeps counts as written whatever stderr did: stderr closed
// (2>&-), full or without a reader would make cli_err() go bad at its first
// write, and the rest of what hio said would be lost to the error object,
// then the one place it can be read.
class JsonFailure::Tee final : public std::streambuf {
 public:
  explicit Tee(std::streambuf* next) : next_(next) {}
  const std::string& text() const { return text_; }
  std::size_t dropped() const { return dropped_; }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    keep(&ch, 1);
    next_->sputc(ch);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    keep(s, static_cast<std::size_t>(n));
    next_->sputn(s, n);
    return n;
  }
  int sync() override { return next_->pubsync(); }

 private:
  // Up to kKeptMax bytes, cut where a character ends (half an "é" would make
  // the whole message error_hex); what is dropped is counted for the mark.
  void keep(const char* s, std::size_t n) {
    const std::lock_guard<std::mutex> lock(active_mutex);
    if (dropped_ == 0 && n <= kKeptMax - text_.size()) {
      text_.append(s, n);
      return;
    }
    const bool first_cut = dropped_ == 0;  // (text_ may end mid-character, at the cap)
    const std::size_t taken = first_cut ? kKeptMax - text_.size() : 0;
    text_.append(s, taken);
    dropped_ += n - taken;
    if (first_cut) drop_cut_character();
  }
  // A UTF-8 sequence the cap cut short at the end (its lead byte, then
  // fewer continuation bytes than the lead announces) goes with the rest.
  void drop_cut_character() {
    std::size_t lead = text_.size();
    while (lead > 0 && text_.size() - lead < 3 &&
           (static_cast<unsigned char>(text_[lead - 1]) & 0xC0) == 0x80) {
      --lead;
    }
    if (lead == 0) return;
    --lead;
    const auto byte = static_cast<unsigned char>(text_[lead]);
    const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    if (length <= text_.size() - lead) return;
    dropped_ += text_.size() - lead;
    text_.resize(lead);
  }
  std::streambuf* next_;
  std::string text_;
  std::size_t dropped_ = 0;  // bytes past kKeptMax: said on stderr, not kept
};

JsonFailure::JsonFailure() = default;

void JsonFailure::start() {
  if (wanted_) return;
  // Both made before anything changes: out of memory here leaves it unstarted.
  auto out = std::make_unique<Counter>(cli_out().rdbuf());
  auto err = std::make_unique<Tee>(cli_err().rdbuf());
  wanted_ = true;
  out_ = std::move(out);
  err_ = std::move(err);
  previous_out_ = cli_out().rdbuf(out_.get());
  previous_err_ = cli_err().rdbuf(err_.get());
  const std::lock_guard<std::mutex> lock(active_mutex);
  active = this;
}

JsonFailure::~JsonFailure() {
  if (!wanted_) return;
  {
    const std::lock_guard<std::mutex> lock(active_mutex);
    active = nullptr;
  }
  cli_out().rdbuf(previous_out_);
  cli_err().rdbuf(previous_err_);
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
  cli_out().flush();
  // The command printed its own, which says it all, unless an output could
  // not be written: a sweep's summary line cannot say that its report.json
  // was not, and read alone looks like success; or hio could not go on (a
  // sweep out of memory after some seeds' lines, and no summary).
  if (out_->count() != 0 && code != kExitOutputFailed && code != kExitInternal) return code;
  std::string said = err_->text();
  while (!said.empty() && said.back() == '\n')
    said.pop_back();
  if (err_->dropped() != 0) {
    said += " [... " + std::to_string(err_->dropped()) + " more bytes on stderr]";
  }
  const SourcePos& pos = position_.pos;
  const auto number_or_null = [this](std::uint32_t n) {
    return noted_position_ && n != 0 ? std::to_string(n) : std::string("null");
  };
  cli_out() << "{" << json_field("error", said) << ", \"exit\": " << code << ", "
            << json_field_or_null("file", noted_position_ ? pos.file : "")
            << ", \"line\": " << number_or_null(pos.line)
            << ", \"column\": " << number_or_null(pos.column) << ", "
            << json_field_or_null("journal", journal_) << ", \"journal_error\": "
            << (journal_error_.empty() ? std::string("null") : journal_error_) << "}\n";
  cli_out().flush();
  return code;
}

}  // namespace hio::tools
