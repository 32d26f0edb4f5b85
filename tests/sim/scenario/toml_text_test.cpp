#include "sim/scenario/toml_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fnesim {
namespace {

std::string dotted_key(int parts) {
  std::string key = "a";
  for (int i = 1; i < parts; ++i) key += ".a";
  return key;
}

TEST(ParseToml, AKeyOfAsManyPartsAsAllowedIsRead) {
  const toml::table table = parse_toml(dotted_key(max_toml_key_parts) + " = 1\n", "ok.toml");
  EXPECT_FALSE(table.empty());
}

// toml++ recurses once a part: a key of tens of thousands of parts would
// overflow the stack (a crash, found by hostile input), so it is refused
// before toml++ reads it, at the key's first character.
TEST(ParseToml, ALongerKeyIsRefusedWhereItStarts) {
  const std::string too_long = dotted_key(max_toml_key_parts + 1);
  for (const std::string& text : {"x = 1\n  " + too_long + " = 1\n", "x = 1\n  [" + too_long + "]\n",
                                  "x = 1\n  \"" + too_long + "\" = 1\ny = { " + too_long + " = 1 }\n",
                                  "x = 1\n  " + dotted_key(50000) + " = 1\n"}) {
    try {
      parse_toml(text, "deep.toml");
      ADD_FAILURE() << "accepted: " << text.substr(0, 80);
    } catch (const toml::parse_error& e) {
      if (text.find("y = {") != std::string::npos) {
        // The quoted key is one part; the inline table's key is the long one.
        EXPECT_EQ(e.source().begin.line, 3u);
        EXPECT_EQ(e.source().begin.column, 7u);
      } else {
        EXPECT_EQ(e.source().begin.line, 2u);
        EXPECT_EQ(e.source().begin.column, text.find("[a") != std::string::npos ? 4u : 3u);
      }
      EXPECT_EQ(*e.source().path, "deep.toml");
      EXPECT_NE(std::string(e.description()).find("more than 64 parts"), std::string::npos)
          << e.description();
    }
  }
}

// Dots that are not a key's: in strings of every kind, comments and values.
TEST(ParseToml, DotsOutsideKeysAreNotCounted) {
  const std::string dots = dotted_key(3 * max_toml_key_parts);
  const std::string text = "# " + dots + "\n" + "a = \"" + dots + "\"\n" + "b = '" + dots + "'\n" +
                           "c = \"\"\"\n" + dots + "\n\\\"\"\" " + dots + "\n\"\"\"\n" + "d = '''\n" + dots +
                           "\n'''\n" + "e = [1.5, 2.5, 3.5, 4.5]\n" + "f = 1979-05-27T00:32:00.999999Z\n" +
                           "\"g." + dots + "\" = 1  # " + dots + "\n";
  const toml::table table = parse_toml(text, "strings.toml");
  EXPECT_EQ(table.size(), 7u);
}

}  // namespace
}  // namespace fnesim
