#include "sim/scenario/toml_text.hpp"

#include <memory>
#include <string>

namespace fnesim {
namespace {

// Counts the dots of each key outside strings and comments. The count starts
// again at every character that ends a key or a value (`=`, `,`, brackets,
// braces, a line's end), so a value adds at most one (a float's) and a key
// its parts less one. Strings are skipped as TOML delimits them; a one-line
// string left open is closed at the line's end (toml++ refuses it anyway),
// so a misread lasts a line at most.
void check_key_parts(std::string_view text, std::string_view source) {
  enum class State { Normal, Comment, Basic, Literal, MultiLineBasic, MultiLineLiteral };
  State state = State::Normal;
  int dots = 0;
  toml::source_position position{1, 1}, key_start{1, 1};
  bool key_started = false;
  const auto ends_key_or_value = [](char c) {
    return c == '=' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
  };
  const auto at = [&](std::size_t i, std::string_view delimiter) { return text.substr(i, 3) == delimiter; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::size_t skip = 0;  // further bytes consumed with c
    if (c == '\n' && state != State::MultiLineBasic && state != State::MultiLineLiteral) {
      state = State::Normal;
      dots = 0;
      key_started = false;
    } else if (state == State::Normal) {
      if (!key_started && c != ' ' && c != '\t' && c != '\r' && c != '#' && !ends_key_or_value(c)) {
        key_start = position;
        key_started = true;
      }
      if (c == '#') {
        state = State::Comment;
      } else if (c == '"' || c == '\'') {
        const bool multi_line = at(i, c == '"' ? "\"\"\"" : "'''");
        state = c == '"' ? (multi_line ? State::MultiLineBasic : State::Basic)
                         : (multi_line ? State::MultiLineLiteral : State::Literal);
        if (multi_line) skip = 2;
      } else if (c == '.' && ++dots >= max_toml_key_parts) {
        const std::string message = "a key of more than " + std::to_string(max_toml_key_parts) +
                                    " parts (a scenario's keys have a few): refused before it is read";
        throw toml::parse_error(message.c_str(), key_start, std::make_shared<const std::string>(source));
      } else if (ends_key_or_value(c)) {
        dots = 0;
        key_started = false;
      }
    } else if (state == State::Basic || state == State::MultiLineBasic) {
      if (c == '\\') {
        skip = 1;
      } else if (state == State::Basic ? c == '"' : at(i, "\"\"\"")) {
        if (state == State::MultiLineBasic) skip = 2;
        state = State::Normal;
      }
    } else if (state == State::Literal ? c == '\'' : (state == State::MultiLineLiteral && at(i, "'''"))) {
      if (state == State::MultiLineLiteral) skip = 2;
      state = State::Normal;
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
