// Durations: exact parsing and printing, and precise errors.
#include "hio/tools/duration.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace hio::tools {
namespace {
namespace duration_test {

Tock parse(std::string_view text) {
  std::string error;
  auto tock = parse_duration(text, &error);
  EXPECT_TRUE(tock.has_value()) << text << ": " << error;
  return tock.value_or(Tock{-1});
}

TEST(Duration, ParsesExactly) {
  EXPECT_EQ(parse("20ms"), Tock{20'000'000});
  EXPECT_EQ(parse("1.5s"), Tock{1'500'000'000});
  EXPECT_EQ(parse("0.1s"), Tock{100'000'000});
  EXPECT_EQ(parse("31.25ms"), Tock{31'250'000});
  EXPECT_EQ(parse("250us"), Tock{250'000});
  EXPECT_EQ(parse("7ns"), Tock{7});
  EXPECT_EQ(parse("2m"), Tock{120'000'000'000});
  EXPECT_EQ(parse("24h"), Tock{86'400'000'000'000});
  EXPECT_EQ(parse("0"), Tock{0});
  EXPECT_EQ(parse("0s"), Tock{0});
}

TEST(Duration, RejectsWithReasons) {
  for (const char* bad : {"", "5", "5x", "-1s", "s", "0.5ns", "1.2.3s", "99999999999h", "1 s"}) {
    std::string error;
    EXPECT_FALSE(parse_duration(bad, &error).has_value()) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

// hio inspect's --from/--to: every tyme a run reaches (durations stop at
// 100 years, a run's tyme at the end of tyme, ~292 years).
TEST(Duration, TymesReachTheEndOfTyme) {
  std::string error;
  EXPECT_EQ(parse_tyme("876001h", &error), Tyme{Tock{876'001LL * 3'600'000'000'000}}) << error;
  EXPECT_EQ(parse_tyme("9223372036854775807ns", &error), kTymeNever) << error;
  EXPECT_EQ(parse_tyme("1.5s", &error), Tyme{Tock{1'500'000'000}}) << error;
  EXPECT_FALSE(parse_tyme("9223372036854775808ns", &error));
  EXPECT_EQ(error,
            "duration \"9223372036854775808ns\" is too large (max the end of tyme, about 292 "
            "years)");
  EXPECT_FALSE(parse_duration("876001h", &error));
  EXPECT_EQ(error, "duration \"876001h\" is too large (max 100 years of 365 days, 876000h)");
  // A century of 365.25-day years is over the bound, and said to be by how
  // much the bound is (it said "max 100 years": xsim27).
  EXPECT_EQ(parse_duration("876000h", &error), Tock{876'000LL * 3'600'000'000'000}) << error;
  EXPECT_FALSE(parse_duration("876576h", &error));
  EXPECT_EQ(error, "duration \"876576h\" is too large (max 100 years of 365 days, 876000h)");
}

// A value copied from a file with its TOML quotes (--set
// 'net.stall_timeout="10s"') is told to go without them; it was `duration
// ""10s"" does not start with a number` (xsim27).
TEST(Duration, AQuotedDurationIsToldToLoseItsQuotes) {
  std::string error;
  EXPECT_FALSE(parse_duration("\"10s\"", &error));
  EXPECT_EQ(error,
            "duration \"10s\" is in quotes: write it without them, as 10s (TOML's quotes go "
            "around a value in a file only)");
  EXPECT_FALSE(parse_duration("'1.5ms'", &error));
  EXPECT_EQ(error,
            "duration '1.5ms' is in quotes: write it without them, as 1.5ms (TOML's quotes go "
            "around a value in a file only)");
  // Quotes around nothing leave nothing to write: said as the empty text is.
  EXPECT_FALSE(parse_duration("\"\"", &error));
  EXPECT_EQ(error,
            "empty duration; write e.g. \"20ms\" or \"1.5s\", quotes or not (TOML's quotes go "
            "around a value in a file only)");
  // One quote, or quotes that do not match, is no quoted value.
  EXPECT_FALSE(parse_duration("\"10s", &error));
  EXPECT_EQ(error, "duration \"\"10s\" does not start with a number");
  EXPECT_FALSE(parse_duration("\"10s'", &error));
  EXPECT_EQ(error, "duration \"\"10s'\" does not start with a number");
}

// A quoted text that is no duration without its quotes either is told its
// own problem, not to go without the quotes (rev28a L2: `"abc"` was told
// "write it without them, as abc", which is refused next).
TEST(Duration, AQuotedTextThatIsNoDurationBareIsToldItsOwnProblem) {
  std::string error;
  EXPECT_FALSE(parse_duration("\"abc\"", &error));
  EXPECT_EQ(error,
            "duration \"abc\" does not start with a number, quotes or not (TOML's quotes go "
            "around a value in a file only)");
  EXPECT_FALSE(parse_duration("'-5s'", &error));
  EXPECT_EQ(error,
            "duration \"-5s\" is negative, quotes or not (TOML's quotes go around a value in a "
            "file only)");
  EXPECT_FALSE(parse_duration("\" 5s\"", &error));
  EXPECT_EQ(error.rfind("duration \" 5s\" does not start with a number, quotes or not", 0), 0u)
      << error;
  EXPECT_FALSE(parse_duration("\"5\"", &error));
  EXPECT_EQ(error.rfind("duration \"5\" has no unit; add one of", 0), 0u) << error;
  EXPECT_NE(error.find(", quotes or not (TOML's"), std::string::npos) << error;
  // The bare text's bound is the caller's: a tyme's, not a duration's.
  EXPECT_FALSE(parse_duration("\"876576h\"", &error));
  EXPECT_EQ(error.rfind("duration \"876576h\" is too large (max 100 years", 0), 0u) << error;
  EXPECT_TRUE(parse_tyme("876576h", &error));
  EXPECT_FALSE(parse_tyme("\"876576h\"", &error));
  EXPECT_EQ(error.rfind("duration \"876576h\" is in quotes: write it without them", 0), 0u)
      << error;
}

// Quotes in layers are peeled at once: the bare text is told once (until
// rev29b each layer added its own ", quotes or not", and a run of 100,000
// quotes, in a file's value or a --set, recursed once per pair: 10 s, 1.4 GB,
// then a stack overflow).
TEST(Duration, QuotesInLayersArePeeledAtOnce) {
  std::string error;
  EXPECT_FALSE(parse_duration("\"\"5s\"\"", &error));
  EXPECT_EQ(error,
            "duration \"\"5s\"\" is in quotes: write it without them, as 5s (TOML's quotes go "
            "around a value in a file only)");
  EXPECT_FALSE(parse_duration("'\"\"'", &error));
  EXPECT_EQ(error,
            "empty duration; write e.g. \"20ms\" or \"1.5s\", quotes or not (TOML's quotes go "
            "around a value in a file only)");
  EXPECT_FALSE(parse_duration(std::string(100'000, '"'), &error));
  EXPECT_EQ(error,
            "empty duration; write e.g. \"20ms\" or \"1.5s\", quotes or not (TOML's quotes go "
            "around a value in a file only)");
  EXPECT_FALSE(parse_duration(std::string(100'001, '"'), &error));
  EXPECT_EQ(error.rfind("duration \"\"\" does not start with a number, quotes or not (", 0), 0u)
      << error.substr(0, 200);
}

TEST(Duration, FormatsShortestExactText) {
  EXPECT_EQ(format_duration(Tock{31'250'000}), "31.25ms");
  EXPECT_EQ(format_duration(Tock{1'500'000'000}), "1.5s");
  EXPECT_EQ(format_duration(Tock{0}), "0");
  EXPECT_EQ(format_duration(Tock{7}), "7ns");
  EXPECT_EQ(format_duration(Tock{1'000'100'000}), "1000.1ms");
  for (std::int64_t ns :
       {std::int64_t{1}, std::int64_t{999}, std::int64_t{1'000}, std::int64_t{31'250'000},
        std::int64_t{123'456'789}, std::int64_t{86'400'000'000'000}}) {
    EXPECT_EQ(parse(format_duration(Tock{ns})), Tock{ns});
  }
}

// Whole numbers for seeds: digits only, the whole 64-bit range, and a message
// that says what is wrong.
TEST(ParseU64, DigitsOnlyUpToTwoToTheSixtyFourMinusOne) {
  EXPECT_EQ(parse_u64("0", "x"), 0u);
  EXPECT_EQ(parse_u64("18446744073709551615", "x"), 18446744073709551615ULL);
  auto message = [](const char* text) {
    try {
      parse_u64(text, "--seed");
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message("18446744073709551616"),
            "--seed: '18446744073709551616' is larger than 18446744073709551615 (2^64-1)");
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1.0"}) {
    EXPECT_EQ(message(bad), std::string("--seed: '") + bad + "' is not a whole number >= 0") << bad;
  }
}

}  // namespace duration_test
}  // namespace
}  // namespace hio::tools
