#pragma once
// A small JSON writer for the machine-readable outputs (--json, --summary-json).
// Money is written from integer cents as an exact decimal ("1234.56"), never
// through a binary floating-point value.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/money.hpp"

namespace fnesim {

class JsonWriter {
 public:
  explicit JsonWriter(int indent = 2) : indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);  // inside an object, before its value

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(std::uint64_t number);  // seeds, which use all 64 bits
  JsonWriter& value(double number);         // shortest text that reads back the same; NaN/inf → null
  JsonWriter& value(bool flag);
  JsonWriter& null();
  JsonWriter& euros_from_cents(Cents amount);  // 1234.56
  template <typename T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : null();
  }

  // Shorthands for "key": value.
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }
  JsonWriter& field_euros(std::string_view name, Cents amount) {
    key(name);
    return euros_from_cents(amount);
  }
  // An amount's quantiles, "<stem>_qNN_eur", from (percent, cents) pairs in order.
  template <typename Quantiles>
  JsonWriter& quantile_euros(std::string_view stem, const Quantiles& quantiles) {
    for (const auto& [percent, cents] : quantiles) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "_q%02d_eur", percent);
      field_euros(std::string(stem) + suffix, cents);
    }
    return *this;
  }

  const std::string& str() const { return out_; }

 private:
  void before_value();
  void newline();
  std::string out_;
  int indent_;
  struct Level {
    bool is_object;
    bool empty = true;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

std::string json_escape(std::string_view text);

}  // namespace fnesim
