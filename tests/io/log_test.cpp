// Doer logging: records carry tyme in exact seconds and the doer's name, no
// wall clock; they reach every sink (callback, file) and, when attached, the
// hub's choke point as log events.
#include "hio/io/log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "hio/engine/doist.hpp"
#include "hio/io/hub.hpp"
#include "recording_sink.hpp"

namespace hio::test {
namespace {

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
  const std::string path = ::testing::TempDir() + "hio_io_log_test.log";
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
  std::remove(path.c_str());
}

TEST(IoLog, UnopenableFileIsAClearError) {
  // A directory below a regular file cannot be made (spdlog would create
  // missing directories otherwise).
  const std::string file = ::testing::TempDir() + "hio_io_log_not_a_dir";
  std::ofstream(file) << "x";
  Log log;
  try {
    log.add_file(file + "/y.log");
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot open log file"), std::string::npos)
        << error.what();
  }
  std::remove(file.c_str());
}

}  // namespace
}  // namespace hio::test
