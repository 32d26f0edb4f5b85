#pragma once
// A small JSON reader for tests, and a comparison of two JSON documents by
// value rather than by text: the documents are flattened to paths
// ("regions[3].unmet_q50_eur") → values, the two path sets must be equal, and
// each value is compared by its kind:
//  - strings, booleans and nulls exactly;
//  - exact numbers (counts, days, seeds, replication counts, and amounts that
//    fnesim writes from integer cents) exactly, read as decimals without going
//    through binary floating point;
//  - real numbers (means, standard errors, probabilities) within a relative
//    and an absolute tolerance.
// Which numbers are exact is the caller's `is_exact(path)`: a schema, not a
// guess from the text (a real mean that happens to be whole is written "0").
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fnesim::testing {

// A JSON value flattened: its kind and its text (numbers keep their literal text).
struct JsonLeaf {
  enum class Kind { Null, Bool, Number, String } kind = Kind::Null;
  std::string text;
};
// Path → leaf. Empty arrays and objects appear as leaves "[]" and "{}" so that
// they are compared too; the order of an object's keys is not compared.
using FlatJson = std::map<std::string, JsonLeaf>;

class JsonFlattener {
 public:
  explicit JsonFlattener(std::string_view text) : text_(text) {}

  FlatJson parse() {
    FlatJson out;
    skip_space();
    value("", out);
    skip_space();
    if (pos_ != text_.size()) fail("trailing characters");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }
  void add(const std::string& path, FlatJson& out, JsonLeaf leaf) {
    if (!out.emplace(path, std::move(leaf)).second) fail("duplicate key " + path);
  }

  std::string string_literal() {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string");
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) fail("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          // Kept as written: equal escapes compare equal, which is all a comparison needs.
          if (pos_ + 4 > text_.size()) fail("short \\u escape");
          out += "\\u";
          out.append(text_.substr(pos_, 4));
          pos_ += 4;
          break;
        }
        default:
          fail("bad escape");
      }
    }
  }

  void value(const std::string& path, FlatJson& out) {
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end");
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      if (eat('}')) return add(path, out, {JsonLeaf::Kind::String, "{}"});
      do {
        const std::string key = string_literal();
        expect(':');
        value(path.empty() ? key : path + "." + key, out);
      } while (eat(','));
      expect('}');
    } else if (c == '[') {
      ++pos_;
      if (eat(']')) return add(path, out, {JsonLeaf::Kind::String, "[]"});
      int index = 0;
      do {
        value(path + "[" + std::to_string(index++) + "]", out);
      } while (eat(','));
      expect(']');
    } else if (c == '"') {
      add(path, out, {JsonLeaf::Kind::String, string_literal()});
    } else if (text_.substr(pos_, 4) == "null") {
      pos_ += 4;
      add(path, out, {JsonLeaf::Kind::Null, "null"});
    } else if (text_.substr(pos_, 4) == "true") {
      pos_ += 4;
      add(path, out, {JsonLeaf::Kind::Bool, "true"});
    } else if (text_.substr(pos_, 5) == "false") {
      pos_ += 5;
      add(path, out, {JsonLeaf::Kind::Bool, "false"});
    } else {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) ||
                                     std::string_view("+-.eE").find(text_[pos_]) != std::string_view::npos))
        ++pos_;
      if (pos_ == start) fail("unexpected character");
      add(path, out, {JsonLeaf::Kind::Number, std::string(text_.substr(start, pos_ - start))});
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

inline FlatJson flatten_json(std::string_view text) { return JsonFlattener(text).parse(); }

// An exact decimal with at most two decimals ("200", "-3", "1234.5", "27500000.00"),
// in hundredths; none for anything else (an exponent, three decimals, ...).
inline std::optional<__int128> exact_hundredths(std::string_view text) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  __int128 whole = 0;
  std::size_t digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits)
    whole = whole * 10 + (text[i] - '0');
  if (digits == 0 || digits > 30) return std::nullopt;
  int decimals = 0;
  __int128 fraction = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++decimals)
      fraction = fraction * 10 + (text[i] - '0');
    if (decimals == 0 || decimals > 2) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  const __int128 hundredths = whole * 100 + (decimals == 1 ? fraction * 10 : fraction);
  return negative ? -hundredths : hundredths;
}

struct JsonTolerance {
  // |a − b| ≤ max(absolute, relative × max(|a|, |b|)).
  double relative = 1e-12;
  double absolute = 1e-9;
};

// Every difference between `expected` and `actual`, one line each; empty when
// they agree. `is_exact(path)` names the numbers compared exactly.
inline std::vector<std::string> compare_json(std::string_view expected_text, std::string_view actual_text,
                                             const std::function<bool(const std::string&)>& is_exact,
                                             JsonTolerance tolerance = {}) {
  std::vector<std::string> differences;
  FlatJson expected, actual;
  try {
    expected = flatten_json(expected_text);
  } catch (const std::exception& e) {
    return {std::string("expected document: ") + e.what()};
  }
  try {
    actual = flatten_json(actual_text);
  } catch (const std::exception& e) {
    return {std::string("actual document: ") + e.what()};
  }
  for (const auto& [path, leaf] : expected)
    if (!actual.count(path)) differences.push_back(path + ": missing (expected " + leaf.text + ")");
  for (const auto& [path, leaf] : actual)
    if (!expected.count(path)) differences.push_back(path + ": unexpected (" + leaf.text + ")");

  for (const auto& [path, want] : expected) {
    const auto it = actual.find(path);
    if (it == actual.end()) continue;
    const JsonLeaf& got = it->second;
    auto differ = [&](const std::string& why) {
      differences.push_back(path + ": expected " + want.text + ", got " + got.text + " (" + why + ")");
    };
    if (want.kind != got.kind) {
      differ("different kinds");
      continue;
    }
    if (want.kind != JsonLeaf::Kind::Number) {
      if (want.text != got.text) differ("exact");
      continue;
    }
    if (is_exact(path)) {
      const auto a = exact_hundredths(want.text), b = exact_hundredths(got.text);
      if (!a || !b)
        differ("an exact number must be an integer or cents");
      else if (*a != *b)
        differ("exact");
      continue;
    }
    const double a = std::strtod(want.text.c_str(), nullptr), b = std::strtod(got.text.c_str(), nullptr);
    const double allowed =
        std::max(tolerance.absolute, tolerance.relative * std::max(std::fabs(a), std::fabs(b)));
    if (!(std::fabs(a - b) <= allowed)) {
      std::ostringstream why;
      why.precision(3);
      why << "differ by " << std::fabs(a - b) << ", tolerance " << allowed;
      differ(why.str());
    }
  }
  return differences;
}

}  // namespace fnesim::testing
