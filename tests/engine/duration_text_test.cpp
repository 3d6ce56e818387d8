// The shared duration grammar: exact values, the caller's maximum and default
// unit, and each problem with the byte offset where it is.
#include "hio/engine/duration_text.hpp"

#include <gtest/gtest.h>

namespace hio {
namespace {
namespace duration_text_test {

constexpr Tock kDay = seconds(86'400);

TEST(DurationText, ParsesExactly) {
  EXPECT_EQ(parse_duration_text("31.25ms", kDay).tock, Tock{31'250'000});
  EXPECT_EQ(parse_duration_text("0.1s", kDay).tock, Tock{100'000'000});
  EXPECT_EQ(parse_duration_text(".5s", kDay).tock, Tock{500'000'000});
  EXPECT_EQ(parse_duration_text("2m", kDay).tock, seconds(120));
  EXPECT_EQ(parse_duration_text("24h", kDay).tock, kDay);
  EXPECT_EQ(parse_duration_text("0", kDay).tock, Tock{0});
  EXPECT_EQ(parse_duration_text("0.000s", kDay).tock, Tock{0});
  EXPECT_EQ(parse_duration_text("20ms", kDay).unit_ns, 1'000'000);
  EXPECT_EQ(parse_duration_text("0", kDay).unit_ns, 0);
  // Zeros after the point change nothing, however many (they once made a
  // valid duration "too large").
  EXPECT_EQ(parse_duration_text("1.000000000000000000000000000000s", kDay).tock, seconds(1));
  EXPECT_EQ(parse_duration_text("0.5000000000000000000000000000000000ms", kDay).tock,
            Tock{500'000});
  EXPECT_EQ(parse_duration_text("2.50000000000000000000000000000000000000000h", kDay).tock,
            seconds(9'000));
  EXPECT_EQ(parse_duration_text("0.00000000000000000000000000000000000000s", kDay).tock, Tock{0});
}

TEST(DurationText, DefaultUnitAppliesToABareNumber) {
  EXPECT_EQ(parse_duration_text("5", kDay, 1'000).tock, Tock{5'000});
  EXPECT_EQ(parse_duration_text("0.5", kDay, 1'000'000).tock, Tock{500'000});
  EXPECT_EQ(parse_duration_text("5s", kDay, 1'000).tock, seconds(5));
}

TEST(DurationText, SaysWhatIsWrongAndWhere) {
  struct Case {
    std::string_view text;
    DurationProblem problem;
    std::size_t offset;
  };
  using P = DurationProblem;
  const Case cases[] = {
      {"", P::empty, 0},
      {"-1s", P::negative, 0},
      {"ms", P::no_number, 0},
      {".s", P::no_number, 0},
      {"-5.0ms", P::negative, 0},
      {"-0.5ms", P::negative, 0},
      // A sign on a zero is not negative, just not the grammar.
      {"-0", P::signed_zero, 0},
      {"-0.0ms", P::signed_zero, 0},
      {"-00", P::signed_zero, 0},
      {"-", P::no_number, 0},
      {"-ms", P::no_number, 0},
      {"15", P::no_unit, 2},
      // Only "0" itself may go without a unit.
      {"00", P::no_unit, 2},
      {"0.0", P::no_unit, 3},
      {".0", P::no_unit, 2},
      {"0.", P::no_unit, 2},
      {"10sec", P::unknown_unit, 2},
      {"1.2.3s", P::unknown_unit, 3},
      {"1 s", P::unknown_unit, 1},
      {"0.5ns", P::finer_than_ns, 0},
      {"0.0000000000000000000000000000001s", P::finer_than_ns, 0},
      // More digits than any duration needs, in the fraction: finer, not larger.
      {"1.0000000000000000000000001s", P::finer_than_ns, 0},
      {"1.1234567890123456789012345678901234567890s", P::finer_than_ns, 0},
      {"0.00000000000000000000000000000000000000000000000001h", P::finer_than_ns, 0},
      // ... unless the whole part is too large already.
      {"100000.1234567890123456789012345678901234567890s", P::too_large, 0},
      {"999999999999999999.12345678901234567890s", P::too_large, 0},
      {"25h", P::too_large, 0},
      {"86400.000000001s", P::too_large, 0},
      // Far beyond 64 bits: refused, not wrapped.
      {"99999999999999999999999999999999999ns", P::too_large, 0},
      // Digits that times a unit once wrapped 128 bits to a small value.
      {"94522879700260684295381836h", P::too_large, 0},
      {"189045759400521368590763671h", P::too_large, 0},
  };
  for (const Case& c : cases) {
    const DurationParse parsed = parse_duration_text(c.text, kDay);
    EXPECT_FALSE(parsed.tock.has_value()) << c.text;
    EXPECT_EQ(parsed.error.problem, c.problem) << c.text;
    EXPECT_EQ(parsed.error.offset, c.offset) << c.text;
  }
  EXPECT_EQ(parse_duration_text("86400000000000ns", kDay).tock, kDay);
}

}  // namespace duration_text_test
}  // namespace
}  // namespace hio
