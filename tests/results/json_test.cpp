#include "results/json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fnesim {
namespace {

TEST(JsonEscape, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_escape("a\"b\\c\nd\te\x01"), "a\\\"b\\\\c\\nd\\te\\u0001");
}

// JSON is UTF-8 (RFC 8259). Text from outside — a file name, a request's
// field — may be in another encoding: its bytes passed through made the
// whole answer unreadable to a JSON parser (the workbench echoed them).
TEST(JsonEscape, WellFormedUtf8PassesAndAnythingElseBecomesTheReplacementCharacter) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(json_escape("\xC3\x89le-de-France \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "\xC3\x89le-de-France \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(json_escape("caf\xE9.csv"), "caf" + replacement + ".csv");              // Latin-1
  EXPECT_EQ(json_escape("\xED\xA0\x80"), replacement + replacement + replacement);  // a surrogate
  EXPECT_EQ(json_escape("\xE0\x80\xAF"), replacement + replacement + replacement);  // an overlong '/'
  EXPECT_EQ(json_escape("\xF4\x90\x80\x80"),
            replacement + replacement + replacement + replacement);            // > U+10FFFF
  EXPECT_EQ(json_escape("end \xE2\x82"), "end " + replacement + replacement);  // cut short
  EXPECT_EQ(json_escape("\xFF\xFE"), replacement + replacement);
}

}  // namespace
}  // namespace fnesim
