#pragma once
// A thin typed layer over the HDF5 1.10 C API (engineering.md, "Files for
// researchers"): RAII handles, every return value checked, and failures thrown
// as hdf5::Error naming the file and the object path, with the library's own
// innermost reason. The library's habit of printing its error stack to stderr
// is switched off: callers print one message of their own.
//
// Element types: std::int32_t, std::int64_t, std::uint64_t and double, stored
// little-endian whatever the host; strings are variable-length UTF-8.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fnesim::hdf5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Once per process, before the library's first use (File::create and
// File::open_read_only call it): turns off its automatic error printing, and
// its exit-time clean-up. That clean-up retries closing files whose close
// failed (a full disk) and crashes in HDF5 1.10 (H5F__close_cb); every file
// this layer writes is closed explicitly, so nothing is lost without it.
void prepare_library();

// Owns one HDF5 identifier and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now and reports whether the library succeeded (buffered data may be
  // written at this point, so a full disk can show up here).
  [[nodiscard]] bool close();
  void reset() noexcept;  // closes, ignoring errors: destructors and error paths

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Attributes every fnesim dataset carries, so a file explains itself.
struct Meta {
  std::string units;        // "cents", "EUR", "count", "probability", "days since commitment start"…
  std::string description;  // one sentence
  std::string dimensions;   // e.g. "replication × region"; empty for scalars
};

// A file, group or dataset: a name for messages and attributes.
class Object {
 public:
  const std::string& file_name() const { return file_name_; }
  const std::string& path() const { return path_; }
  hid_t id() const { return handle_.get(); }

  bool has_attribute(std::string_view name) const;
  void set_string_attribute(std::string_view name, std::string_view text);
  // A one-dimensional array of strings (h5py: a numpy array of str; hdf5r: a character vector).
  void set_string_list_attribute(std::string_view name, std::span<const std::string> texts);
  template <typename T>
  void set_attribute(std::string_view name, T value);
  template <typename T>
  void set_attribute(std::string_view name, std::span<const T> values);
  std::string string_attribute(std::string_view name) const;
  std::vector<std::string> string_list_attribute(std::string_view name) const;  // any number of strings
  template <typename T>
  T attribute(std::string_view name) const;
  template <typename T>
  std::vector<T> attribute_values(std::string_view name) const;

  // Throws Error("file: path: what (reason)"), the reason being the innermost
  // message on the library's error stack, if any.
  [[noreturn]] void fail(std::string_view what) const;

 protected:
  Object() = default;
  Object(Handle handle, std::string file_name, std::string path)
      : handle_(std::move(handle)), file_name_(std::move(file_name)), path_(std::move(path)) {}
  void write_meta(const Meta& meta);
  std::string child_path(std::string_view name) const;

  Handle handle_;
  std::string file_name_, path_;
};

class Dataset : public Object {
 public:
  enum class Kind { Integer, Float, String, Other };
  Kind kind() const;
  std::size_t element_size() const;  // bytes per element in the file (strings: 0 when variable-length)
  std::vector<hsize_t> shape() const;
  std::size_t element_count() const;
  // Bytes the dataset's elements take in the file once stored (compressed).
  hsize_t storage_size() const;

  // Every read first checks that the dataset could really hold what its shape
  // claims, so that a damaged or hostile file cannot make a reader allocate
  // far more memory than the file could ever decompress to: data in this file
  // (no external files, no virtual dataset), no filter but deflate, shuffle
  // and fletcher32 (deflate expands at most 1 032 times), and neither the
  // whole dataset nor one chunk larger than max_expansion × its stored bytes
  // plus 1 MiB. Throws Error otherwise.
  static constexpr hsize_t max_expansion = 1100;
  void check_stored() const;

  // Reading converts to T; the stored class must match (integer, float) and
  // integers must not be wider than T.
  template <typename T>
  std::vector<T> read() const;
  template <typename T>
  T read_scalar() const;
  // Rows [first, first + count) along the first dimension, every other index.
  template <typename T>
  std::vector<T> read_rows(hsize_t first, hsize_t count) const;
  // The block starting at `start` with `count` elements along each dimension, row-major.
  template <typename T>
  std::vector<T> read_block(std::span<const hsize_t> start, std::span<const hsize_t> count) const;
  std::vector<std::string> read_strings() const;
  std::string read_string() const;  // a scalar string dataset

  // For datasets made by Group::create_extendible: grows the first dimension
  // by `rows` and writes them (row-major, rows × the other dimensions).
  template <typename T>
  void append_rows(std::span<const T> values, hsize_t rows);

  void close();  // checked; the dataset is unusable afterwards

 private:
  friend class Group;
  using Object::Object;
  template <typename T>
  void check_readable_as() const;
  void check_variable_length_strings(hid_t type) const;
};

class Group : public Object {
 public:
  Group create_group(std::string_view name, const std::string& description = {});
  Group open_group(std::string_view name) const;
  // Whether `relative_path` ("a/b/c") names an object, checked component by component.
  bool contains(std::string_view relative_path) const;
  // Unlinks a direct member (to replace it; the file does not shrink).
  void remove(std::string_view name);
  Dataset open_dataset(std::string_view relative_path) const;

  template <typename T>
  Dataset write(std::string_view name, std::span<const T> values, const std::vector<hsize_t>& shape,
                const Meta& meta);
  template <typename T>
  Dataset write_scalar(std::string_view name, T value, const Meta& meta);
  Dataset write_strings(std::string_view name, std::span<const std::string> values, const Meta& meta);
  Dataset write_string(std::string_view name, std::string_view value, const Meta& meta);

  // An empty dataset of shape (0, row_shape…), extendible along its first
  // dimension, chunked by `chunk_rows` rows; deflate_level 0 = uncompressed,
  // otherwise shuffle + deflate (integers of similar size compress far better shuffled).
  // Opened without a chunk cache: append whole chunks (append_rows of
  // `chunk_rows` rows) and each is compressed and written at once.
  template <typename T>
  Dataset create_extendible(std::string_view name, const std::vector<hsize_t>& row_shape, hsize_t chunk_rows,
                            int deflate_level, const Meta& meta);

  void close();  // checked

 protected:
  using Object::Object;
};

class File : public Group {
 public:
  // Creates (truncating) a file for writing.
  static File create(const std::filesystem::path& path);
  static File open_read_only(const std::filesystem::path& path);
  static File open_read_write(const std::filesystem::path& path);  // to amend a file (tests, tools)
  File() = default;
  // Writes everything buffered and closes; a full disk or an I/O error shows
  // up here at the latest. Close every dataset and group of the file first.
  void close();

 private:
  using Group::Group;
  static File open(const std::filesystem::path& path, unsigned flags);
};

}  // namespace fnesim::hdf5
