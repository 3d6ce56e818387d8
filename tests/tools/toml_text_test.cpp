// The pre-parse checks of a scenario's text (tools/src/toml_text.hpp): what
// toml++ 3.3 would misread is found lexically, in and out of TOML's strings.
#include "../../tools/src/toml_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hio::tools {
namespace {
namespace toml_text_test {

// "line:column" of the problem misread_by_toml finds, or "" when none.
std::string misread_at(const std::string& text) {
  const std::optional<TextProblem> problem = misread_by_toml(text);
  return problem ? std::to_string(problem->line) + ":" + std::to_string(problem->column) : "";
}

// Its message, or "" when none.
std::string misread_message(const std::string& text) {
  const std::optional<TextProblem> problem = misread_by_toml(text);
  return problem ? problem->message : "";
}

TEST(MisreadByToml, FindsACharacterOtherThanAsciiOutsideStrings) {
  EXPECT_EQ(misread_at("\xC3\xA9 = 1\n"), "1:1");        // é = 1
  EXPECT_EQ(misread_at("a = 1 \xE3\x81\x81\n"), "1:7");  // a = 1 ぁ
  EXPECT_EQ(misread_at("[\xC3\xB6]\n"), "1:2");          // [ö]
  EXPECT_EQ(misread_at("a = [1, \xC3\xA9]\n"), "1:9");
  EXPECT_EQ(misread_at("a = {\xC3\xA9 = 1}\n"), "1:6");
  // Columns in characters, on the line where it is; a byte order mark is
  // no column.
  EXPECT_EQ(misread_at("a = \"\xC3\xA9\"\nb = \"\xC3\xA9\" \xC3\xA9\n"), "2:9");
  EXPECT_EQ(misread_at("\xEF\xBB\xBF\xC3\xA9 = 1\n"), "1:1");
  EXPECT_EQ(misread_message("a = 1 \xC3\xA9\n"),
            "the character U+00E9 outside a string: TOML allows characters other than ASCII "
            "only in strings and comments: write a key or a value that holds one in quotes "
            "(\"...\")");
}

TEST(MisreadByToml, LetsAnyCharacterBeInStringsAndComments) {
  EXPECT_EQ(misread_at("a = \"\xC3\xA9\" # \xC3\xA9\n"), "");
  EXPECT_EQ(misread_at("\"\xC3\xA9\" = 1\n'\xC3\xA9' = 2\n[\"\xC3\xB6\".'\xC3\xB6']\n"), "");
  EXPECT_EQ(misread_at("a = '\xC3\xA9\\'\n"), "");          // no escapes in '...'
  EXPECT_EQ(misread_at("a = \"\\\"\xC3\xA9\\\\\"\n"), "");  // "\"é\\"
  EXPECT_EQ(misread_at("a = \"\"\"\n\xC3\xA9\n\"\" \xC3\xA9 \"\"\"\n"), "");
  EXPECT_EQ(misread_at("a = '''\n\xC3\xA9\n'' \xC3\xA9 '''\n"), "");
  EXPECT_EQ(misread_at("a = '''\\\n\xC3\xA9'''\n"), "");            // a literal backslash
  EXPECT_EQ(misread_at("a = \"\"\"x\\\\\n\xC3\xA9\"\"\"\n"), "");   // an escaped backslash
  EXPECT_EQ(misread_at("a = \"\"\"x\\\n  b\xC3\xA9\"\"\"\n"), "");  // not first
  EXPECT_EQ(misread_at("# \xC3\xA9 \"\n\"\xC3\xA9\" = 1\n"), "");   // a quote in a comment
  EXPECT_EQ(misread_at("a = \"#\" \n"), "");
}

TEST(MisreadByToml, EndsStringsWhereTomlEndsThem) {
  // Up to five quotes end a """ string: the fourth and fifth are in it.
  EXPECT_EQ(misread_at("a = \"\"\"x\"\"\"\"\" \xC3\xA9\n"), "1:15");
  EXPECT_EQ(misread_at("a = '''x''''' \xC3\xA9\n"), "1:15");
  EXPECT_EQ(misread_at("a = \"\"\"\"\"\" \xC3\xA9\n"), "1:12");  // """""": empty
  EXPECT_EQ(misread_at("a = \"\" \xC3\xA9\n"), "1:8");           // "": empty
  EXPECT_EQ(misread_at("a = '' \xC3\xA9\n"), "1:8");
  // One or two quotes in a """ string are in it.
  EXPECT_EQ(misread_at("a = \"\"\"x\"\" \xC3\xA9\"\"\" \xC3\xA9\n"), "1:17");
  // A comment starts only outside strings.
  EXPECT_EQ(misread_at("a = \"#\" \xC3\xA9\n"), "1:9");
  EXPECT_EQ(misread_at("a = \"\"\"\n#\n\"\"\" \xC3\xA9\n"), "3:5");
  // A quote in a value that is no string is no string's: toml++ reads such
  // a value (a number, a date, true) to the next blank, ] } , or #.
  EXPECT_EQ(misread_at("run = { name =1\"\xC3\xA9\", seed = 1 }\n"), "1:17");
  EXPECT_EQ(misread_at("a = 1=\"\xC3\xA9\"\n"), "1:8");
  EXPECT_EQ(misread_at("a = 1.'\xC3\xA9'\n"), "1:8");
  EXPECT_EQ(misread_at("a = [1, 2\"\xC3\xA9\"]\n"), "1:11");
  EXPECT_EQ(misread_at("a = 1979-05-27 07\"\xC3\xA9\"\n"), "1:19");
  EXPECT_EQ(misread_at("a = true'\xC3\xA9'\n"), "1:10");
  // A date, a space and one digit: toml++ reads on past the next
  // terminator (its scan starts at it), here into the next line.
  EXPECT_EQ(misread_at("a =1979-04-27 0\n:'&&\xEF\xBB\xBB"
                       "a 1\n"),
            "2:5");
  EXPECT_EQ(misread_at("a = 1979-04-27 0,\"\xC3\xA9\"\n"), "1:19");
  EXPECT_EQ(misread_at("a = 1979-04-27 07:32:00\nb = '\xC3\xA9'\n"), "");
  // ...but one after =, [, { or , (or a dot in a key) starts a string.
  EXPECT_EQ(misread_at("a=\"\xC3\xA9\"\nb.\"\xC3\xA9\"={c='\xC3\xA9',d=[\"\xC3\xA9\",'\xC3\xA9']}\n"
                       "e = [\n  1, # \xC3\xA9\n  \"\xC3\xA9\",\n]\n[x.\"\xC3\xA9\"]\n"),
            "");
  // A string not closed on its line or in the file: toml++ stops there.
  EXPECT_EQ(misread_at("a = \"x\n\xC3\xA9 = 1\n"), "");
  EXPECT_EQ(misread_at("a = \"\"\"x \xC3\xA9"), "");
}

TEST(MisreadByToml, FindsACharacterOtherThanAsciiFirstAfterABackslashInAMultiLineString) {
  // Valid TOML (the continued line's blanks are trimmed), misread by toml++ 3.3.
  EXPECT_EQ(misread_at("name = \"\"\"quick\\\n  \xC3\xA9t\xC3\xA9\"\"\"\n"), "2:3");
  EXPECT_EQ(misread_at("a = \"\"\"x\\  \r\n\n\t\xC3\xA9\"\"\"\n"), "3:2");
  EXPECT_EQ(misread_at("a = \"\"\"x\\\xC3\xA9\"\"\"\n"), "1:10");  // \é: no escape
  EXPECT_EQ(misread_at("a = \"\"\"x\\ \xC3\xA9\"\"\"\n"), "1:11");
  EXPECT_EQ(misread_message("a = \"\"\"x\\\n\xC3\xA9\"\"\"\n"),
            "the character U+00E9 first after a line-ending backslash in a \"\"\" string: valid "
            "TOML, but hio's TOML reader (toml++ 3.3) misreads it: start the continued line "
            "with an ASCII character, or write this one as \\u00E9 (the same string)");
  // In a one-line string toml++ does not ask.
  EXPECT_EQ(misread_at("a = \"x\\\xC3\xA9\"\n"), "");
}

TEST(MisreadByToml, SaysABytePastUtf8AsNotUtf8) {
  // Latin-1 é (0xE9) where toml++ stops: the encoding's message, not ours.
  EXPECT_EQ(misread_at("a = 1\n\xE9 = 1\n"), "2:1");
  EXPECT_EQ(misread_message("a = 1\n\xE9 = 1\n").substr(0, 24), "byte 0xe9 is not UTF-8; ");
}

}  // namespace toml_text_test
}  // namespace
}  // namespace hio::tools
