#include "sim/scenario/toml_text.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fnesim {
namespace {

[[noreturn]] void refuse(const std::string& what, toml::source_position where, std::string_view source) {
  const std::string message = what + " of more than " + std::to_string(max_toml_key_parts) +
                              " dotted parts (a scenario's keys have a few): refused before it is read";
  throw toml::parse_error(message.c_str(), where, std::make_shared<const std::string>(source));
}

// Counts, outside strings and comments, the dots of a table header's key and
// those of the keys on each path into a statement's value (a key, the keys of
// an inline table in its value, and so on): the levels they add to the tree.
// A dot in a value (a float's) is not a key's: where a dot stands is followed
// through `=`, `,` and the brackets and braces of values, and a sibling key
// starts again from its table's level. Strings are skipped as TOML delimits them (a multi-line
// string's closing quotes may be followed by one or two more, which are its
// own); a one-line string left open is closed at the line's end, where
// toml++ refuses it anyway.
void check_key_parts(std::string_view text, std::string_view source) {
  enum class State { Normal, Comment, Basic, Literal, MultiLineBasic, MultiLineLiteral };
  State state = State::Normal;
  // The arrays ([) and inline tables ({) of the value being read, each with
  // the key dots on the path to it.
  std::vector<std::pair<char, int>> open;
  bool in_key = true;      // a dot here is a key's
  bool line_start = true;  // nothing but blanks yet on this line, outside any value
  bool in_header = false;  // between a line's leading [ (or [[) and its ]
  int header_dots = 0, path_dots = 0;
  toml::source_position position{1, 1}, started{1, 1};
  const auto at = [&](std::size_t i, std::string_view delimiter) { return text.substr(i, 3) == delimiter; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::size_t skip = 0;  // further bytes consumed with c
    const bool multi_line = state == State::MultiLineBasic || state == State::MultiLineLiteral;
    if (c == '\n' && !multi_line) {
      state = State::Normal;
      in_header = false;
      if (open.empty()) {  // the statement ends (an array may go on over lines)
        in_key = true;
        line_start = true;
        path_dots = 0;
      }
    } else if (state == State::Normal) {
      if (c == ' ' || c == '\t' || c == '\r') {
        // blanks change nothing
      } else if (c == '#') {
        state = State::Comment;
      } else {
        if (line_start) {
          started = position;
          line_start = false;
          if (c == '[') {
            in_header = true;
            header_dots = 0;
          }
        }
        if (c == '"' || c == '\'') {
          const bool triple = at(i, c == '"' ? "\"\"\"" : "'''");
          state = c == '"' ? (triple ? State::MultiLineBasic : State::Basic)
                           : (triple ? State::MultiLineLiteral : State::Literal);
          if (triple) skip = 2;
        } else if (in_header) {
          if (c == ']')
            in_header = false;
          else if (c == '.' && ++header_dots >= max_toml_key_parts)
            refuse("a table header", started, source);
        } else if (c == '.') {
          if (in_key && ++path_dots >= max_toml_key_parts) refuse("keys", started, source);
        } else if (c == '=') {
          in_key = false;
        } else if (c == '[' || c == '{') {
          open.emplace_back(c, path_dots);
          in_key = c == '{';
        } else if (c == ',' && !open.empty()) {
          path_dots = open.back().second;
          in_key = open.back().first == '{';
        } else if ((c == ']' || c == '}') && !open.empty()) {
          path_dots = open.back().second;
          open.pop_back();
          in_key = false;
        }
      }
    } else if (state == State::Basic || state == State::Literal) {
      if (state == State::Basic && c == '\\')
        skip = 1;
      else if (c == (state == State::Basic ? '"' : '\''))
        state = State::Normal;
    } else if (multi_line) {
      const char quote = state == State::MultiLineBasic ? '"' : '\'';
      if (state == State::MultiLineBasic && c == '\\') {
        skip = 1;
      } else if (at(i, quote == '"' ? "\"\"\"" : "'''")) {
        skip = 2;
        // """"" closes a string whose text ends with two quotes.
        while (skip < 4 && i + skip + 1 < text.size() && text[i + skip + 1] == quote) ++skip;
        state = State::Normal;
      }
    }
    // Columns count characters, as toml++'s do: not UTF-8's continuation bytes.
    for (std::size_t k = i; k <= i + skip && k < text.size(); ++k) {
      if (text[k] == '\n') {
        ++position.line;
        position.column = 1;
      } else if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) {
        ++position.column;
      }
    }
    i += skip;
  }
}

}  // namespace

toml::table parse_toml(std::string_view text, std::string_view source) {
  check_key_parts(text, source);
  return toml::parse(text, source);
}

}  // namespace fnesim
