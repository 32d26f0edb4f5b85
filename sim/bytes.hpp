#pragma once
// Results as bytes, to travel between the ranks of a cluster run
// (sim/cluster.hpp): plain values copied as they are in memory, vectors as
// their length then their elements. Every rank runs the same binary, so the
// layout needs no byte-order or padding conversion; a reader that runs out of
// bytes, or has bytes left over, has met a message of another loop: a bug.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/errors.hpp"

namespace fnesim {

using Bytes = std::vector<std::byte>;

class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}

  template <typename T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    append(&value, sizeof value);
  }
  template <typename T>
  void put_vector(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(values.size());
    append(values.data(), values.size() * sizeof(T));
  }
  void put_string(const std::string& text) {
    put<std::uint64_t>(text.size());
    append(text.data(), text.size());
  }

 private:
  void append(const void* data, std::size_t size) {
    if (size == 0) return;
    const std::size_t at = out_.size();
    out_.resize(at + size);
    std::memcpy(out_.data() + at, data, size);
  }
  Bytes& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> in) : in_(in) {}

  template <typename T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    take(&value, sizeof value);
    return value;
  }
  template <typename T>
  void get_vector(std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto size = get<std::uint64_t>();
    if (size > (in_.size() - at_) / sizeof(T)) throw InvariantError("ByteReader: a vector longer than its message");
    values.resize(size);
    take(values.data(), size * sizeof(T));
  }
  std::string get_string() {
    const auto size = get<std::uint64_t>();
    if (size > in_.size() - at_) throw InvariantError("ByteReader: a string longer than its message");
    std::string text(size, '\0');
    take(text.data(), size);
    return text;
  }
  bool at_end() const { return at_ == in_.size(); }

 private:
  void take(void* data, std::size_t size) {
    if (size > in_.size() - at_) throw InvariantError("ByteReader: read past the end of a message");
    if (size != 0) std::memcpy(data, in_.data() + at_, size);
    at_ += size;
  }
  std::span<const std::byte> in_;
  std::size_t at_ = 0;
};

}  // namespace fnesim
