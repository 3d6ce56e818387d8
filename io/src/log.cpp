#include "hio/io/log.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/io/hub.hpp"

namespace hio {

const char* to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "?";
}

std::string format_record(Tyme tyme, LogLevel level, std::string_view name,
                          std::string_view message) {
  std::string record = format_seconds(tyme);
  record += ' ';
  record += to_string(level);
  record += " [";
  record += name;
  record += "] ";
  record += message;
  return record;
}

namespace {

// Hands each record's text to a callback.
class CallbackSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit CallbackSink(std::function<void(std::string_view)> callback)
      : callback_(std::move(callback)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    callback_(std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  std::function<void(std::string_view)> callback_;
};

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
    case LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::off;
}

}  // namespace

struct Log::Impl {
  Impl() {
    // spdlog's default handler prints a wall-clock-stamped line at most once
    // a second and forgets the error: keep it instead, for flush() to throw.
    logger.set_error_handler([this](const std::string& message) {
      if (errors++ == 0) first_error = message;
    });
  }

  // Not registered with spdlog: no global state. Its own level passes
  // everything; Log::enabled is the one filter.
  spdlog::logger logger{"hio"};
  std::string first_error;  // of the errors since the last flush()
  std::size_t errors = 0;

  void add(spdlog::sink_ptr sink) {
    // The record is complete text already: no wall-clock time, no decoration.
    sink->set_pattern("%v");
    sink->set_level(spdlog::level::trace);
    logger.sinks().push_back(std::move(sink));
  }
};

void Log::attach(IoHub* hub) {
  if (hub == hub_) return;
  if (hub_ != nullptr) std::erase(hub_->logs_, this);
  hub_ = hub;
  if (hub_ != nullptr) hub_->logs_.push_back(this);
}

Log::Log() : impl_(std::make_unique<Impl>()) {
  impl_->logger.set_level(spdlog::level::trace);
}

Log::~Log() {
  attach(nullptr);
  try {
    impl_->logger.flush();
  } catch (...) {
    // A destructor cannot report (and the handler keeps, never throws): call
    // flush() first to see errors.
  }
}

void Log::add_console() {
  impl_->add(std::make_shared<spdlog::sinks::stderr_sink_mt>());
}

void Log::add_file(const std::string& path, bool truncate) {
  try {
    impl_->add(std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, truncate));
  } catch (const spdlog::spdlog_ex& error) {
    throw std::runtime_error("cannot open log file '" + path + "': " + error.what());
  }
}

void Log::add_callback(std::function<void(std::string_view)> callback) {
  impl_->add(std::make_shared<CallbackSink>(std::move(callback)));
}

void Log::write(Tyme tyme, LogLevel level, std::string_view name, std::string_view message) {
  if (!enabled(level)) return;
  const std::string record = format_record(tyme, level, name, message);
  impl_->logger.log(to_spdlog(level), spdlog::string_view_t(record.data(), record.size()));
  if (hub_ != nullptr) hub_->log(record);
}

void Log::flush() {
  impl_->logger.flush();
  if (impl_->errors == 0) return;
  std::string message = "log sink failed: " + impl_->first_error;
  if (impl_->errors > 1) {
    message += " (and " + std::to_string(impl_->errors - 1) + " more sink errors since)";
  }
  impl_->first_error.clear();
  impl_->errors = 0;
  throw std::runtime_error(message);
}

}  // namespace hio
