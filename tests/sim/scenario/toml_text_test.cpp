#include "sim/scenario/toml_text.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace fnesim {
namespace {

// Concatenated by appending: GCC 12 warns (-Wrestrict, wrongly) on some
// chains of `"literal" + std::string`.
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out += part;
  return out;
}

std::string dotted_key(int parts) {
  std::string key = "a";
  for (int i = 1; i < parts; ++i) key += ".a";
  return key;
}

TEST(ParseToml, KeysOfAsManyPartsAsAllowedAreRead) {
  const std::string most = dotted_key(max_toml_key_parts - 1);
  EXPECT_FALSE(parse_toml(cat({"k.", most, " = 1\n[h.", most, "]\nx = 1\n"}), "ok.toml").empty());
}

// A dotted key of N parts nests N tables, which toml++ frees by recursion: a
// key of tens of thousands of parts overflowed the stack (a crash found by
// hostile input). Refused before toml++ reads it, where its header or
// statement starts.
struct TooDeep {
  const char* what;
  std::string text;
  unsigned line, column;
};

TEST(ParseToml, DeeperKeysAreRefusedWhereTheirStatementStarts) {
  const std::string too_long = dotted_key(max_toml_key_parts + 1),
                    half = dotted_key(max_toml_key_parts / 2 + 1);
  const std::string huge = dotted_key(50000);
  const TooDeep cases[] = {
      {"a key", cat({"x = 1\n  ", too_long, " = 1\n"}), 2, 3},
      {"a header", cat({"x = 1\n  [", too_long, "]\n"}), 2, 3},
      {"an array of tables' header", cat({"[[", too_long, "]]\n"}), 1, 1},
      {"a key in an inline table", cat({"\"", too_long, "\" = 1\ny = { z = 2, ", too_long, " = 1 }\n"}), 2,
       1},
      {"two keys on one path", cat({"y = { ", half, " = { ", half, " = 1 } }\n"}), 1, 1},
      {"in an array over lines", cat({"y = [\n  1.5,\n  { ", too_long, " = 1 },\n]\n"}), 1, 1},
      // A multi-line string's closing quotes may be followed by two of its
      // own: the fourth quote did not open a string hiding the rest of the line.
      {"after 4 double quotes", cat({R"(y = { q = """x"""", )", huge, " = 1 }\n"}), 1, 1},
      {"after 4 single quotes", cat({"y = { q = '''x'''', ", huge, " = 1 }\n"}), 1, 1},
      {"after 5 double quotes", cat({R"(y = { q = """x""""", )", huge, " = 1 }\n"}), 1, 1},
      {"a line of 100 kB", cat({huge, " = 1\n"}), 1, 1},
  };
  for (const TooDeep& c : cases) {
    SCOPED_TRACE(c.what);
    try {
      parse_toml(c.text, "deep.toml");
      ADD_FAILURE() << "accepted";
    } catch (const toml::parse_error& e) {
      EXPECT_EQ(e.source().begin.line, c.line);
      EXPECT_EQ(e.source().begin.column, c.column);
      EXPECT_EQ(*e.source().path, "deep.toml");
      EXPECT_NE(std::string(e.description()).find("more than 64 dotted parts"), std::string::npos)
          << e.description();
    }
  }
}

// Dots that add no level: in strings of every kind, comments and values, and
// sibling keys of one inline table or array, each from its table's level.
TEST(ParseToml, DotsThatAddNoLevelAreNotCounted) {
  const std::string dots = dotted_key(3 * max_toml_key_parts);
  const std::string half = dotted_key(max_toml_key_parts / 2 + 1);
  std::string floats, siblings;
  for (int i = 0; i < 3 * max_toml_key_parts; ++i) floats += cat({std::to_string(i), ".5, "});
  for (int i = 0; i < 3; ++i) siblings += cat({i > 0 ? ", s" : "s", std::to_string(i), ".", half, " = 1"});
  const std::string text = cat({"# ",
                                dots,
                                "\n",
                                "a = \"",
                                dots,
                                "\"\n",
                                "b = '",
                                dots,
                                "'\n",
                                "c = \"\"\"\n",
                                dots,
                                "\n\\\"\"\" ",
                                dots,
                                "\n\"\"\"\n",
                                "d = '''\n",
                                dots,
                                "\n'''\n",
                                "e = [",
                                floats,
                                "]\n",
                                "f = 1979-05-27T00:32:00.999999Z\n",
                                "\"g.",
                                dots,
                                "\" = 1  # ",
                                dots,
                                "\n",
                                "h = { ",
                                siblings,
                                "}\n",
                                "i = [{ ",
                                half,
                                " = 1 }, { ",
                                half,
                                " = 2 },\n  { ",
                                half,
                                " = 3 }]\n",
                                R"(j = """x"""")",
                                "\n"});
  const toml::table table = parse_toml(text, "strings.toml");
  EXPECT_EQ(table.size(), 10u);
}

}  // namespace
}  // namespace fnesim
