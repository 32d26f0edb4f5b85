#include "cli/workbench/json_input.hpp"

#include <charconv>
#include <cmath>

namespace fnesim::workbench {

const JsonArray* JsonValue::array() const {
  const auto* held = std::get_if<std::shared_ptr<JsonArray>>(&storage_);
  return held != nullptr ? held->get() : nullptr;
}

const JsonObject* JsonValue::object() const {
  const auto* held = std::get_if<std::shared_ptr<JsonObject>>(&storage_);
  return held != nullptr ? held->get() : nullptr;
}

const JsonValue* JsonValue::get(std::string_view name) const {
  const JsonObject* members = object();
  if (members == nullptr) return nullptr;
  const auto found = members->find(name);
  return found == members->end() ? nullptr : &found->second;
}

namespace {

// Deeper than any body the page sends; bounds the recursion on hostile input.
constexpr int max_depth = 16;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  JsonValue document() {
    JsonValue value = parse_value(0);
    skip_space();
    if (at_ != text_.size()) fail("unexpected text after the value");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw JsonSyntaxError("not valid JSON at byte " + std::to_string(at_) + ": " + what);
  }

  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r'))
      ++at_;
  }

  bool consume(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  JsonValue parse_value(int depth) {
    if (depth > max_depth) fail("nested more than " + std::to_string(max_depth) + " levels");
    skip_space();
    if (at_ >= text_.size()) fail("a value is missing");
    const char c = text_[at_];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') return JsonValue(parse_string());
    if (consume("true")) return JsonValue(true);
    if (consume("false")) return JsonValue(false);
    if (consume("null")) return JsonValue(nullptr);
    return JsonValue(parse_number());
  }

  JsonValue parse_object(int depth) {
    ++at_;
    auto members = std::make_shared<JsonObject>();
    skip_space();
    if (consume("}")) return JsonValue(members);
    for (;;) {
      skip_space();
      if (at_ >= text_.size() || text_[at_] != '"') fail("expected a member name in quotes");
      std::string name = parse_string();
      skip_space();
      if (!consume(":")) fail("expected ':' after a member name");
      (*members)[std::move(name)] = parse_value(depth + 1);
      skip_space();
      if (consume("}")) return JsonValue(members);
      if (!consume(",")) fail("expected ',' or '}' in an object");
    }
  }

  JsonValue parse_array(int depth) {
    ++at_;
    auto items = std::make_shared<JsonArray>();
    skip_space();
    if (consume("]")) return JsonValue(items);
    for (;;) {
      items->push_back(parse_value(depth + 1));
      skip_space();
      if (consume("]")) return JsonValue(items);
      if (!consume(",")) fail("expected ',' or ']' in an array");
    }
  }

  unsigned hex4() {
    if (at_ + 4 > text_.size()) fail("a \\u escape needs four hex digits");
    unsigned code = 0;
    const auto [end, ec] = std::from_chars(text_.data() + at_, text_.data() + at_ + 4, code, 16);
    if (ec != std::errc() || end != text_.data() + at_ + 4) fail("a \\u escape needs four hex digits");
    at_ += 4;
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string parse_string() {
    ++at_;  // the opening quote
    std::string out;
    for (;;) {
      if (at_ >= text_.size()) fail("a string is not closed");
      const char c = text_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("a control character inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= text_.size()) fail("a string is not closed");
      const char escaped = text_[at_++];
      switch (escaped) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = hex4();
          if (code >= 0xD800 && code < 0xDC00) {
            if (!consume("\\u")) fail("a lone surrogate in a \\u escape");
            const unsigned low = hex4();
            if (low < 0xDC00 || low >= 0xE000) fail("a lone surrogate in a \\u escape");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code < 0xE000) {
            fail("a lone surrogate in a \\u escape");
          }
          append_utf8(out, code);
          break;
        }
        default: fail("an unknown escape in a string");
      }
    }
  }

  double parse_number() {
    const std::size_t start = at_;
    if (at_ < text_.size() && text_[at_] == '-') ++at_;
    while (at_ < text_.size() && ((text_[at_] >= '0' && text_[at_] <= '9') || text_[at_] == '.' ||
                                  text_[at_] == 'e' || text_[at_] == 'E' || text_[at_] == '+' || text_[at_] == '-'))
      ++at_;
    double value = 0;
    const auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + at_, value);
    if (start == at_ || ec != std::errc() || end != text_.data() + at_ || !std::isfinite(value)) {
      at_ = start;
      fail("expected a value");
    }
    return value;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

JsonValue parse_json(std::string_view text) { return Parser(text).document(); }

}  // namespace fnesim::workbench
