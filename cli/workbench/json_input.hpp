#pragma once
// The JSON the workbench's page sends (RFC 8259): small objects of strings,
// numbers and booleans. Parsed strictly; a body that is not JSON, too deep or
// too long is refused with a message, never a crash.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fnesim::workbench {

class JsonValue;
using JsonObject = std::map<std::string, JsonValue, std::less<>>;
using JsonArray = std::vector<JsonValue>;

class JsonValue {
 public:
  using Storage = std::variant<std::nullptr_t, bool, double, std::string, std::shared_ptr<JsonArray>,
                               std::shared_ptr<JsonObject>>;
  JsonValue() : storage_(nullptr) {}
  explicit JsonValue(Storage storage) : storage_(std::move(storage)) {}

  bool is_string() const { return std::holds_alternative<std::string>(storage_); }
  bool is_number() const { return std::holds_alternative<double>(storage_); }
  bool is_bool() const { return std::holds_alternative<bool>(storage_); }
  const std::string* string() const { return std::get_if<std::string>(&storage_); }
  const double* number() const { return std::get_if<double>(&storage_); }
  const bool* boolean() const { return std::get_if<bool>(&storage_); }
  const JsonArray* array() const;
  const JsonObject* object() const;
  // The member `name` of an object, or nullptr.
  const JsonValue* get(std::string_view name) const;

 private:
  Storage storage_;
};

class JsonSyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws JsonSyntaxError naming the byte offset of the problem.
JsonValue parse_json(std::string_view text);

}  // namespace fnesim::workbench
