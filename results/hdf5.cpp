// The hdf5 layer's foundations: the library's set-up, its errors turned into
// hdf5::Error, the handles, and files. Attributes, datasets and groups are
// hdf5_attributes.cpp, hdf5_dataset.cpp and hdf5_group.cpp.
#include "results/hdf5.hpp"

#include <mutex>
#include <limits>
#include <numeric>

#include "results/hdf5_detail.hpp"

namespace fnesim::hdf5 {

namespace detail {

namespace {

struct ErrorWalk {
  std::string innermost;
};

herr_t collect_error(unsigned, const H5E_error2_t* entry, void* data) {
  if (entry && entry->desc && *entry->desc) static_cast<ErrorWalk*>(data)->innermost = entry->desc;
  return 0;
}

}  // namespace

// The most useful part of the library's error stack: the innermost
// description, reduced to the operating system's reason when it gives one
// ("… errno = 28, error message = 'No space left on device', …").
std::string library_reason() {
  ErrorWalk walk;
  if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &walk) < 0) return {};
  H5Eclear2(H5E_DEFAULT);
  const std::string& text = walk.innermost;
  const std::string marker = "error message = '";
  if (const auto at = text.find(marker); at != std::string::npos) {
    const auto begin = at + marker.size();
    const auto end = text.find('\'', begin);
    if (end != std::string::npos) return text.substr(begin, end - begin);
  }
  return text;
}

[[noreturn]] void throw_error(std::string_view file, std::string_view path, std::string_view what) {
  const std::string reason = library_reason();
  std::string message(file);
  if (!path.empty()) {
    message += ": ";
    message += path;
  }
  message += ": ";
  message += what;
  if (!reason.empty()) {
    message += " (";
    message += reason;
    message += ')';
  }
  throw Error(message);
}

Handle vlen_string_type(std::string_view file, std::string_view path) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid() || H5Tset_size(type.get(), H5T_VARIABLE) < 0 ||
      H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0)
    throw_error(file, path, "cannot make a string type");
  return type;
}

Handle simple_space(const std::vector<hsize_t>& shape, std::string_view file, std::string_view path,
                    const std::vector<hsize_t>* max_shape) {
  Handle space(shape.empty() ? H5Screate(H5S_SCALAR)
                             : H5Screate_simple(static_cast<int>(shape.size()), shape.data(),
                                                max_shape ? max_shape->data() : nullptr),
               H5Sclose);
  if (!space.valid()) throw_error(file, path, "cannot make a dataspace");
  return space;
}

Handle untimed_dataset_properties(std::string_view file, std::string_view path) {
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), false) < 0)
    throw_error(file, path, "cannot make dataset properties");
  return dcpl;
}

std::vector<hsize_t> space_shape(hid_t space, std::string_view file, std::string_view path) {
  // A null dataspace has no element at all, not one as a scalar has.
  if (H5Sget_simple_extent_type(space) == H5S_NULL) throw_error(file, path, "holds no data (a null dataspace)");
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw_error(file, path, "cannot read the shape");
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, shape.data(), nullptr) < 0)
    throw_error(file, path, "cannot read the shape");
  return shape;
}

std::size_t product(const std::vector<hsize_t>& shape) {
  // Saturates rather than wraps: a shape read from a damaged file may multiply past 2^64.
  std::size_t out = 1;
  for (hsize_t n : shape) {
    if (n == 0) return 0;
    if (n > std::numeric_limits<std::size_t>::max() / out) out = std::numeric_limits<std::size_t>::max();
    else out *= static_cast<std::size_t>(n);
  }
  return out;
}

}  // namespace detail

using namespace detail;

void prepare_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    H5dont_atexit();  // fails harmlessly if the library is already initialised
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  });
}

// ---- Handle ----------------------------------------------------------------

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

bool Handle::close() {
  if (!valid()) return true;
  const herr_t status = closer_(id_);
  id_ = H5I_INVALID_HID;  // whatever happened, never close twice
  return status >= 0;
}

void Handle::reset() noexcept {
  if (valid()) closer_(id_);
  id_ = H5I_INVALID_HID;
}

// ---- File -------------------------------------------------------------------

File File::create(const std::filesystem::path& path) {
  prepare_library();
  const std::string name = path.string();
  // Semi-strong closing: H5Fclose refuses while objects are still open instead
  // of silently postponing the final flush, so File::close() really is the
  // moment errors surface.
  // The HDF5 1.10 file format, no older: its chunk index for datasets growing
  // along one dimension (an extensible array) keeps the writer's memory flat,
  // where the 1.8 format's B-tree grows with the chunk count (about 25 bytes
  // per replication). Readers need HDF5 1.10 or later (2016).
  Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!access.valid() || H5Pset_fclose_degree(access.get(), H5F_CLOSE_SEMI) < 0 ||
      H5Pset_libver_bounds(access.get(), H5F_LIBVER_V110, H5F_LIBVER_V110) < 0)
    throw_error(name, "", "cannot make file access properties");
  Handle file(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose);
  if (!file.valid()) throw_error(name, "", "cannot create the file");
  return File(std::move(file), name, "/");
}

File File::open_read_only(const std::filesystem::path& path) { return open(path, H5F_ACC_RDONLY); }

File File::open_read_write(const std::filesystem::path& path) { return open(path, H5F_ACC_RDWR); }

File File::open(const std::filesystem::path& path, unsigned flags) {
  prepare_library();
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(name + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(name + ": is a directory");
  const htri_t is_hdf5 = H5Fis_hdf5(name.c_str());
  if (is_hdf5 < 0) throw_error(name, "", "cannot be read");
  if (is_hdf5 == 0) throw Error(name + ": not an HDF5 file");
  Handle file(H5Fopen(name.c_str(), flags, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw_error(name, "", "corrupt or truncated: HDF5 cannot open it");
  // Before any string is read (the first is an attribute): see hdf5_global_heap.cpp.
  check_string_datasets(file.get(), name);
  return File(std::move(file), name, "/");
}

void File::close() {
  if (!handle_.valid()) return;
  if (H5Fflush(handle_.get(), H5F_SCOPE_LOCAL) < 0) {
    const std::string reason = library_reason();
    handle_.reset();
    throw Error(file_name_ + ": cannot write the file" +
                (reason.empty() ? std::string() : " (" + reason + ")"));
  }
  if (!handle_.close()) fail("cannot close the file (objects still open, or a write failed)");
}

}  // namespace fnesim::hdf5
