#pragma once
// The hdf5 layer's own helpers, shared by its sources (hdf5.cpp: the library,
// errors, handles and files; hdf5_attributes.cpp; hdf5_dataset.cpp;
// hdf5_group.cpp; hdf5_global_heap.cpp) and by no one else.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "results/hdf5.hpp"

namespace fnesim::hdf5::detail {

// Element types: native in memory, fixed little-endian in the file so that
// files are the same whichever machine wrote them.
template <typename T>
struct Traits;
template <>
struct Traits<std::int32_t> {
  static hid_t memory() { return H5T_NATIVE_INT32; }
  static hid_t file() { return H5T_STD_I32LE; }
  static constexpr Dataset::Kind kind = Dataset::Kind::Integer;
};
template <>
struct Traits<std::int64_t> {
  static hid_t memory() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
  static constexpr Dataset::Kind kind = Dataset::Kind::Integer;
};
template <>
struct Traits<std::uint64_t> {
  static hid_t memory() { return H5T_NATIVE_UINT64; }
  static hid_t file() { return H5T_STD_U64LE; }
  static constexpr Dataset::Kind kind = Dataset::Kind::Integer;
};
template <>
struct Traits<double> {
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
  static constexpr Dataset::Kind kind = Dataset::Kind::Float;
};

// Throws Error("file: path: what (reason)"), the reason being the innermost
// message on the library's error stack, if any.
[[noreturn]] void throw_error(std::string_view file, std::string_view path, std::string_view what);
// The innermost description on the library's error stack (cleared), if any.
std::string library_reason();

// A variable-length UTF-8 string type, for memory and file alike.
Handle vlen_string_type(std::string_view file, std::string_view path);
Handle simple_space(const std::vector<hsize_t>& shape, std::string_view file, std::string_view path,
                    const std::vector<hsize_t>* max_shape = nullptr);
// Property lists that stop HDF5 from stamping objects with modification
// times, so that two runs with the same inputs differ only in what they say
// differs (`created`, `run_seconds`).
Handle untimed_dataset_properties(std::string_view file, std::string_view path);
std::vector<hsize_t> space_shape(hid_t space, std::string_view file, std::string_view path);
std::size_t product(const std::vector<hsize_t>& shape);

// Variable-length strings' heap (results/hdf5_global_heap.cpp). The file's address and length sizes, and its
// base address (the user block before its superblock), of the file holding the object `any`.
struct FileSizes {
  std::size_t address = 8, length = 8;
  std::uint64_t base = 0;
};
FileSizes file_sizes(hid_t any, std::string_view file);
// Throws Error when a contiguous string dataset of the file refers to a heap
// object HDF5 would read past its buffers over (its own, or its collection's).
void check_string_datasets(hid_t file, const std::string& file_name);
// Throws Error when one of the `count` strings of a contiguous dataset, whose
// references start at `data_offset`, does not refer to a sound heap object of its length.
void check_string_references(const std::string& file_name, std::string_view path, std::uint64_t data_offset,
                             std::uint64_t base_address, std::size_t count, std::size_t length_size,
                             std::size_t address_size);

// Reads strings from a dataset or attribute, variable-length or fixed-length.
template <typename ReadFn>
std::vector<std::string> read_string_values(hid_t stored_type, hid_t space, std::size_t count, ReadFn read,
                                            std::string_view file, std::string_view path) {
  std::vector<std::string> out;
  out.reserve(count);
  if (H5Tget_class(stored_type) != H5T_STRING) throw_error(file, path, "is not a string");
  const htri_t variable = H5Tis_variable_str(stored_type);
  if (variable < 0) throw_error(file, path, "cannot read the string type");
  if (variable) {
    Handle memory = vlen_string_type(file, path);
    std::vector<char*> pointers(count, nullptr);
    if (count > 0 && read(memory.get(), pointers.data()) < 0) throw_error(file, path, "cannot read");
    for (char* p : pointers) out.emplace_back(p ? p : "");
    if (count > 0 && H5Dvlen_reclaim(memory.get(), space, H5P_DEFAULT, pointers.data()) < 0)
      throw_error(file, path, "cannot free the strings read");
  } else {
    const std::size_t stored_size = H5Tget_size(stored_type);
    if (stored_size == 0) throw_error(file, path, "cannot read the string size");
    // One byte more than stored: read into C's null-terminated strings, a
    // null-padded string that fills its width (as h5py writes NumPy's bytes)
    // would otherwise lose its last character to the terminator.
    const std::size_t size = stored_size + 1;
    Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!memory.valid() || H5Tset_size(memory.get(), size) < 0)
      throw_error(file, path, "cannot make a string type");
    std::vector<char> buffer(size * count);
    if (count > 0 && read(memory.get(), buffer.data()) < 0) throw_error(file, path, "cannot read");
    for (std::size_t i = 0; i < count; ++i) {
      const char* begin = buffer.data() + i * size;
      out.emplace_back(begin, std::find(begin, begin + size, '\0'));
    }
  }
  return out;
}

}  // namespace fnesim::hdf5::detail
