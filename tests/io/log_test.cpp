// Doer logging: records carry tyme in exact seconds and the doer's name, no
// wall clock; they reach every sink (callback, file) and, when attached, the
// hub's choke point as log events.
#include "hio/io/log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/doist.hpp"
#include "hio/io/hub.hpp"
#include "recording_sink.hpp"
#include "temp_dir.hpp"

namespace hio::test {
namespace {
namespace log_test {

using ::testing::ElementsAre;

class Chatty final : public Doer {
 public:
  Chatty(Log& log) : Doer("chatty", Tock{125'000'000}), log_(log, *this) {}

 protected:
  bool recur(Tyme) override {
    ++count_;
    log_.info("count ", count_, " of ", 3, ' ', 2.5);
    log_.debug("hidden");
    if (count_ == 3) log_.warn("done");
    return count_ == 3;
  }

 private:
  Logger log_;
  int count_ = 0;
};

TEST(IoLog, RecordsAreStampedWithTymeAndNameOnly) {
  EXPECT_EQ(format_record(Tyme{Tock{31'250'000}}, LogLevel::info, "client", "connected"),
            "0.03125 info [client] connected");
}

TEST(IoLog, DoerRecordsReachSinksAndTheChokePoint) {
  RecordingSink sink;
  Doist doist;
  IoHub io(doist.tymth());
  io.add_sink(sink);
  Log log;
  std::vector<std::string> records;
  log.add_callback([&](std::string_view record) { records.emplace_back(record); });
  log.attach(&io);
  Chatty chatty(log);
  doist.run({&chatty});
  EXPECT_THAT(
      records,
      ElementsAre("0 info [chatty] count 1 of 3 2.5", "0.125 info [chatty] count 2 of 3 2.5",
                  "0.25 info [chatty] count 3 of 3 2.5", "0.25 warn [chatty] done"));
  ASSERT_EQ(sink.events.size(), 4u);
  EXPECT_EQ(sink.events[3].kind, EventKind::log);
  EXPECT_EQ(sink.events[3].text, "0.25 warn [chatty] done");
  EXPECT_EQ(sink.events[3].tyme, Tyme{Tock{250'000'000}});
}

TEST(IoLog, LevelFiltersAndFileSinkWritesTheSameText) {
  const TempDir dir("hio-io-log");
  const std::string path = dir.file("test.log");
  {
    Log log;
    log.add_file(path);
    log.set_level(LogLevel::debug);
    Logger logger(log, "tool", Tymth{});
    logger.debug("d");
    log.set_level(LogLevel::warn);
    logger.info("i");
    logger.error("e");
    log.set_level(LogLevel::off);
    logger.error("nothing");
    log.flush();
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "0 debug [tool] d\n0 error [tool] e\n");
}

TEST(IoLog, UnopenableFileIsAClearError) {
  // A directory below a regular file cannot be made (spdlog would create
  // missing directories otherwise).
  const TempDir dir("hio-io-log");
  const std::string file = dir.file("not_a_dir");
  std::ofstream(file) << "x";
  Log log;
  try {
    log.add_file(file + "/y.log");
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot open log file"), std::string::npos)
        << error.what();
  }
}

// A failing sink loses only its own copy of a record, and the failure is
// kept for flush() to throw, printed nowhere (spdlog's default handler
// printed a wall-clock-stamped line at most once a second, and flush()
// returned normally: the records were lost without a word to the program).
TEST(IoLog, ASinkFailureIsKeptAndThrownByFlush) {
  Log log;
  std::vector<std::string> kept;
  int calls = 0;
  log.add_callback([&](std::string_view) {
    if (++calls >= 2) throw std::runtime_error("boom " + std::to_string(calls));
  });
  log.add_callback([&](std::string_view record) { kept.emplace_back(record); });
  Logger logger(log, "tool", Tymth{});
  ::testing::internal::CaptureStderr();
  logger.info("one");
  logger.info("two");
  logger.info("three");
  std::string thrown;
  try {
    log.flush();
  } catch (const std::runtime_error& error) {
    thrown = error.what();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(thrown, "log sink failed: boom 2 (and 1 more sink errors since)");
  EXPECT_THAT(kept, ElementsAre("0 info [tool] one", "0 info [tool] two", "0 info [tool] three"));
  EXPECT_NO_THROW(log.flush());  // reported once
}

TEST(IoLog, AFullDiskIsReportedByFlush) {
  if (std::FILE* probe = std::fopen("/dev/full", "w")) {
    std::fclose(probe);
  } else {
    GTEST_SKIP() << "no /dev/full";
  }
  Log log;
  log.add_file("/dev/full", false);
  Logger logger(log, "tool", Tymth{});
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i)
    logger.info(std::string(10'000, 'x'));
  std::string thrown;
  try {
    log.flush();
  } catch (const std::runtime_error& error) {
    thrown = error.what();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_THAT(thrown, ::testing::StartsWith("log sink failed: Failed writing to file /dev/full"));
}

}  // namespace log_test
}  // namespace
}  // namespace hio::test
