#include "results/hdf5.hpp"

#include <algorithm>
#include <mutex>
#include <numeric>

namespace fnesim::hdf5 {
namespace {

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

struct ErrorWalk {
  std::string innermost;
};

herr_t collect_error(unsigned, const H5E_error2_t* entry, void* data) {
  if (entry && entry->desc && *entry->desc) static_cast<ErrorWalk*>(data)->innermost = entry->desc;
  return 0;
}

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

// A variable-length UTF-8 string type, for memory and file alike.
Handle vlen_string_type(std::string_view file, std::string_view path) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid() || H5Tset_size(type.get(), H5T_VARIABLE) < 0 ||
      H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0)
    throw_error(file, path, "cannot make a string type");
  return type;
}

Handle simple_space(const std::vector<hsize_t>& shape, std::string_view file, std::string_view path,
                    const std::vector<hsize_t>* max_shape = nullptr) {
  Handle space(shape.empty() ? H5Screate(H5S_SCALAR)
                             : H5Screate_simple(static_cast<int>(shape.size()), shape.data(),
                                                max_shape ? max_shape->data() : nullptr),
               H5Sclose);
  if (!space.valid()) throw_error(file, path, "cannot make a dataspace");
  return space;
}

// Property lists that stop HDF5 from stamping objects with modification
// times, so that two runs with the same inputs differ only in what they say
// differs (`created`, `run_seconds`).
Handle untimed_dataset_properties(std::string_view file, std::string_view path) {
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), false) < 0)
    throw_error(file, path, "cannot make dataset properties");
  return dcpl;
}

std::vector<hsize_t> space_shape(hid_t space, std::string_view file, std::string_view path) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw_error(file, path, "cannot read the shape");
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, shape.data(), nullptr) < 0)
    throw_error(file, path, "cannot read the shape");
  return shape;
}

std::size_t product(const std::vector<hsize_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1},
                         [](std::size_t a, hsize_t b) { return a * static_cast<std::size_t>(b); });
}

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
    const std::size_t size = H5Tget_size(stored_type);
    if (size == 0) throw_error(file, path, "cannot read the string size");
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

}  // namespace

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

// ---- Object: attributes ------------------------------------------------------

void Object::fail(std::string_view what) const { throw_error(file_name_, path_, what); }

std::string Object::child_path(std::string_view name) const {
  std::string path = path_;
  if (path.empty() || path.back() != '/') path += '/';
  path += name;
  return path;
}

bool Object::has_attribute(std::string_view name) const {
  const htri_t exists = H5Aexists(id(), std::string(name).c_str());
  if (exists < 0) fail("cannot look up attribute " + std::string(name));
  return exists > 0;
}

namespace {

// Creates attribute `name` (replacing any previous one) and writes it.
void write_attribute(const Object& object, std::string_view name, hid_t file_type, hid_t memory_type,
                     const std::vector<hsize_t>& shape, const void* data) {
  const std::string key(name);
  if (object.has_attribute(name) && H5Adelete(object.id(), key.c_str()) < 0)
    object.fail("cannot replace attribute " + key);
  Handle space = simple_space(shape, object.file_name(), object.path());
  Handle attribute(H5Acreate2(object.id(), key.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose);
  if (!attribute.valid()) object.fail("cannot create attribute " + key);
  if (H5Awrite(attribute.get(), memory_type, data) < 0) object.fail("cannot write attribute " + key);
  if (!attribute.close()) object.fail("cannot close attribute " + key);
}

Handle open_attribute(const Object& object, std::string_view name) {
  const std::string key(name);
  Handle attribute(H5Aopen(object.id(), key.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) object.fail("has no attribute " + key);
  return attribute;
}

}  // namespace

void Object::set_string_attribute(std::string_view name, std::string_view text) {
  Handle type = vlen_string_type(file_name_, path_);
  const std::string value(text);
  const char* pointer = value.c_str();
  write_attribute(*this, name, type.get(), type.get(), {}, &pointer);
}

template <typename T>
void Object::set_attribute(std::string_view name, T value) {
  write_attribute(*this, name, Traits<T>::file(), Traits<T>::memory(), {}, &value);
}

template <typename T>
void Object::set_attribute(std::string_view name, std::span<const T> values) {
  write_attribute(*this, name, Traits<T>::file(), Traits<T>::memory(), {values.size()}, values.data());
}

std::string Object::string_attribute(std::string_view name) const {
  Handle attribute = open_attribute(*this, name);
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (!type.valid() || !space.valid()) fail("cannot read attribute " + std::string(name));
  const std::size_t count = product(space_shape(space.get(), file_name_, path_));
  if (count != 1) fail("attribute " + std::string(name) + " is not a single string");
  auto values = read_string_values(
      type.get(), space.get(), count,
      [&](hid_t memory, void* buffer) { return H5Aread(attribute.get(), memory, buffer); }, file_name_,
      path_ + " attribute " + std::string(name));
  return values.front();
}

template <typename T>
std::vector<T> Object::attribute_values(std::string_view name) const {
  const std::string key(name);
  Handle attribute = open_attribute(*this, name);
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (!type.valid() || !space.valid()) fail("cannot read attribute " + key);
  const H5T_class_t stored = H5Tget_class(type.get());
  const bool matches =
      Traits<T>::kind == Dataset::Kind::Integer ? stored == H5T_INTEGER : stored == H5T_FLOAT;
  if (!matches) fail("attribute " + key + " has an unexpected type");
  std::vector<T> values(product(space_shape(space.get(), file_name_, path_)));
  if (!values.empty() && H5Aread(attribute.get(), Traits<T>::memory(), values.data()) < 0)
    fail("cannot read attribute " + key);
  return values;
}

template <typename T>
T Object::attribute(std::string_view name) const {
  const std::vector<T> values = attribute_values<T>(name);
  if (values.size() != 1) fail("attribute " + std::string(name) + " is not a single value");
  return values.front();
}

// ---- Dataset ------------------------------------------------------------------

Dataset::Kind Dataset::kind() const {
  Handle type(H5Dget_type(id()), H5Tclose);
  if (!type.valid()) fail("cannot read the type");
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER:
      return Kind::Integer;
    case H5T_FLOAT:
      return Kind::Float;
    case H5T_STRING:
      return Kind::String;
    default:
      return Kind::Other;
  }
}

std::size_t Dataset::element_size() const {
  Handle type(H5Dget_type(id()), H5Tclose);
  if (!type.valid()) fail("cannot read the type");
  const htri_t variable = H5Tis_variable_str(type.get());
  if (variable > 0) return 0;
  return H5Tget_size(type.get());
}

std::vector<hsize_t> Dataset::shape() const {
  Handle space(H5Dget_space(id()), H5Sclose);
  if (!space.valid()) fail("cannot read the dataspace");
  return space_shape(space.get(), file_name_, path_);
}

std::size_t Dataset::element_count() const { return product(shape()); }

template <typename T>
void Dataset::check_readable_as() const {
  const Kind k = kind();
  if (k != Traits<T>::kind)
    fail(Traits<T>::kind == Kind::Integer ? "has a non-integer type where integers are expected"
                                          : "has a non-floating-point type where floating point is expected");
  if (k == Kind::Integer && element_size() > sizeof(T)) fail("holds integers wider than expected");
}

template <typename T>
std::vector<T> Dataset::read() const {
  check_readable_as<T>();
  std::vector<T> values(element_count());
  if (!values.empty() && H5Dread(id(), Traits<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail("cannot read");
  return values;
}

template <typename T>
T Dataset::read_scalar() const {
  const std::vector<T> values = read<T>();
  if (values.size() != 1) fail("is not a single value");
  return values.front();
}

template <typename T>
std::vector<T> Dataset::read_block(std::span<const hsize_t> start, std::span<const hsize_t> count) const {
  check_readable_as<T>();
  const std::vector<hsize_t> full = shape();
  if (start.size() != full.size() || count.size() != full.size())
    fail("read with the wrong number of dimensions");
  for (std::size_t d = 0; d < full.size(); ++d)
    if (start[d] + count[d] > full[d]) fail("read beyond its extent");
  const std::vector<hsize_t> block(count.begin(), count.end());
  std::vector<T> values(product(block));
  if (values.empty()) return values;
  Handle file_space(H5Dget_space(id()), H5Sclose);
  if (!file_space.valid() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)
    fail("cannot select the block to read");
  Handle memory_space = simple_space(block, file_name_, path_);
  if (H5Dread(id(), Traits<T>::memory(), memory_space.get(), file_space.get(), H5P_DEFAULT, values.data()) <
      0)
    fail("cannot read");
  return values;
}

template <typename T>
std::vector<T> Dataset::read_rows(hsize_t first, hsize_t count) const {
  std::vector<hsize_t> start(shape().size(), 0), extent = shape();
  if (extent.empty()) fail("is a scalar, not rows");
  start[0] = first;
  extent[0] = count;
  return read_block<T>(start, extent);
}

std::vector<std::string> Dataset::read_strings() const {
  Handle type(H5Dget_type(id()), H5Tclose);
  Handle space(H5Dget_space(id()), H5Sclose);
  if (!type.valid() || !space.valid()) fail("cannot read the type");
  return read_string_values(
      type.get(), space.get(), element_count(),
      [&](hid_t memory, void* buffer) {
        return H5Dread(id(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
      },
      file_name_, path_);
}

std::string Dataset::read_string() const {
  if (!shape().empty()) fail("is not a single string");
  return read_strings().front();
}

template <typename T>
void Dataset::append_rows(std::span<const T> values, hsize_t rows) {
  if (rows == 0) return;
  std::vector<hsize_t> extent = shape();
  if (extent.empty()) fail("is a scalar: cannot append rows");
  std::vector<hsize_t> block = extent;
  block[0] = rows;
  if (values.size() != product(block)) fail("append: the buffer does not hold whole rows");
  std::vector<hsize_t> start(extent.size(), 0);
  start[0] = extent[0];
  extent[0] += rows;
  if (H5Dset_extent(id(), extent.data()) < 0) fail("cannot extend");
  Handle file_space(H5Dget_space(id()), H5Sclose);
  if (!file_space.valid() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr) < 0)
    fail("cannot select the rows to write");
  Handle memory_space = simple_space(block, file_name_, path_);
  if (H5Dwrite(id(), Traits<T>::memory(), memory_space.get(), file_space.get(), H5P_DEFAULT, values.data()) <
      0)
    fail("cannot write");
}

void Dataset::close() {
  if (!handle_.close()) fail("cannot close");
}

// ---- Group --------------------------------------------------------------------

Group Group::create_group(std::string_view name, const std::string& description) {
  const std::string path = child_path(name);
  Handle properties(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  if (!properties.valid() || H5Pset_obj_track_times(properties.get(), false) < 0)
    fail("cannot make group properties");
  Handle group(H5Gcreate2(id(), std::string(name).c_str(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
               H5Gclose);
  if (!group.valid()) throw_error(file_name_, path, "cannot create the group");
  Group out(std::move(group), file_name_, path);
  if (!description.empty()) out.set_string_attribute("description", description);
  return out;
}

Group Group::open_group(std::string_view name) const {
  const std::string path = child_path(name);
  if (!contains(name)) throw_error(file_name_, path, "missing");
  Handle group(H5Gopen2(id(), std::string(name).c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.valid()) throw_error(file_name_, path, "cannot open the group");
  return Group(std::move(group), file_name_, path);
}

bool Group::contains(std::string_view relative_path) const {
  // H5Lexists fails rather than answering "no" when an intermediate group is
  // missing, hence one component at a time.
  std::size_t end = 0;
  while (end != std::string_view::npos) {
    end = relative_path.find('/', end + 1);
    const std::string prefix(relative_path.substr(0, end));
    const htri_t exists = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
    if (exists < 0) throw_error(file_name_, child_path(prefix), "cannot look up");
    if (exists == 0) return false;
  }
  return true;
}

void Group::remove(std::string_view name) {
  if (H5Ldelete(id(), std::string(name).c_str(), H5P_DEFAULT) < 0)
    throw_error(file_name_, child_path(name), "cannot remove");
}

Dataset Group::open_dataset(std::string_view relative_path) const {
  const std::string path = child_path(relative_path);
  if (!contains(relative_path)) throw_error(file_name_, path, "missing");
  Handle dataset(H5Dopen2(id(), std::string(relative_path).c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) throw_error(file_name_, path, "cannot open the dataset");
  return Dataset(std::move(dataset), file_name_, path);
}

void Object::write_meta(const Meta& meta) {
  if (!meta.units.empty()) set_string_attribute("units", meta.units);
  if (!meta.description.empty()) set_string_attribute("description", meta.description);
  if (!meta.dimensions.empty()) set_string_attribute("dimensions", meta.dimensions);
}

template <typename T>
Dataset Group::write(std::string_view name, std::span<const T> values, const std::vector<hsize_t>& shape,
                     const Meta& meta) {
  const std::string path = child_path(name);
  if (values.size() != product(shape)) throw_error(file_name_, path, "values do not fill the shape");
  Handle space = simple_space(shape, file_name_, path);
  Handle properties = untimed_dataset_properties(file_name_, path);
  Handle dataset(H5Dcreate2(id(), std::string(name).c_str(), Traits<T>::file(), space.get(), H5P_DEFAULT,
                            properties.get(), H5P_DEFAULT),
                 H5Dclose);
  if (!dataset.valid()) throw_error(file_name_, path, "cannot create the dataset");
  if (!values.empty() &&
      H5Dwrite(dataset.get(), Traits<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw_error(file_name_, path, "cannot write");
  Dataset out(std::move(dataset), file_name_, path);
  out.write_meta(meta);
  return out;
}

template <typename T>
Dataset Group::write_scalar(std::string_view name, T value, const Meta& meta) {
  return write<T>(name, std::span<const T>(&value, 1), {}, meta);
}

Dataset Group::write_strings(std::string_view name, std::span<const std::string> values, const Meta& meta) {
  const std::string path = child_path(name);
  Handle type = vlen_string_type(file_name_, path);
  Handle space = simple_space({values.size()}, file_name_, path);
  Handle properties = untimed_dataset_properties(file_name_, path);
  Handle dataset(H5Dcreate2(id(), std::string(name).c_str(), type.get(), space.get(), H5P_DEFAULT,
                            properties.get(), H5P_DEFAULT),
                 H5Dclose);
  if (!dataset.valid()) throw_error(file_name_, path, "cannot create the dataset");
  std::vector<const char*> pointers;
  for (const std::string& v : values) pointers.push_back(v.c_str());
  if (!pointers.empty() &&
      H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0)
    throw_error(file_name_, path, "cannot write");
  Dataset out(std::move(dataset), file_name_, path);
  out.write_meta(meta);
  return out;
}

Dataset Group::write_string(std::string_view name, std::string_view value, const Meta& meta) {
  const std::string path = child_path(name);
  Handle type = vlen_string_type(file_name_, path);
  Handle space = simple_space({}, file_name_, path);
  Handle properties = untimed_dataset_properties(file_name_, path);
  Handle dataset(H5Dcreate2(id(), std::string(name).c_str(), type.get(), space.get(), H5P_DEFAULT,
                            properties.get(), H5P_DEFAULT),
                 H5Dclose);
  if (!dataset.valid()) throw_error(file_name_, path, "cannot create the dataset");
  const std::string text(value);
  const char* pointer = text.c_str();
  if (H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &pointer) < 0)
    throw_error(file_name_, path, "cannot write");
  Dataset out(std::move(dataset), file_name_, path);
  out.write_meta(meta);
  return out;
}

template <typename T>
Dataset Group::create_extendible(std::string_view name, const std::vector<hsize_t>& row_shape,
                                 hsize_t chunk_rows, int deflate_level, const Meta& meta) {
  const std::string path = child_path(name);
  std::vector<hsize_t> shape{0}, max_shape{H5S_UNLIMITED}, chunk{std::max<hsize_t>(chunk_rows, 1)};
  for (hsize_t n : row_shape) {
    shape.push_back(n);
    max_shape.push_back(n);
    chunk.push_back(std::max<hsize_t>(n, 1));  // chunk dimensions must be positive
  }
  Handle space = simple_space(shape, file_name_, path, &max_shape);
  Handle properties = untimed_dataset_properties(file_name_, path);
  if (H5Pset_chunk(properties.get(), static_cast<int>(chunk.size()), chunk.data()) < 0)
    throw_error(file_name_, path, "cannot set the chunk shape");
  if (deflate_level > 0) {
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
      throw_error(file_name_, path, "this HDF5 library has no deflate (zlib) filter");
    if (H5Pset_shuffle(properties.get()) < 0 ||
        H5Pset_deflate(properties.get(), static_cast<unsigned>(deflate_level)) < 0)
      throw_error(file_name_, path, "cannot set compression");
  }
  // No chunk cache: rows are appended a whole chunk at a time, so caching
  // only costs memory (1 MiB per open dataset by default).
  Handle access(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  if (!access.valid() ||
      H5Pset_chunk_cache(access.get(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT) < 0)
    throw_error(file_name_, path, "cannot set the chunk cache");
  Handle dataset(H5Dcreate2(id(), std::string(name).c_str(), Traits<T>::file(), space.get(), H5P_DEFAULT,
                            properties.get(), access.get()),
                 H5Dclose);
  if (!dataset.valid()) throw_error(file_name_, path, "cannot create the dataset");
  Dataset out(std::move(dataset), file_name_, path);
  out.write_meta(meta);
  return out;
}

void Group::close() {
  if (!handle_.close()) fail("cannot close");
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

// ---- Explicit instantiations for the element types of the format --------------

#define FNESIM_HDF5_INSTANTIATE(T)                                                                          \
  template void Object::set_attribute<T>(std::string_view, T);                                              \
  template void Object::set_attribute<T>(std::string_view, std::span<const T>);                             \
  template T Object::attribute<T>(std::string_view) const;                                                  \
  template std::vector<T> Object::attribute_values<T>(std::string_view) const;                              \
  template std::vector<T> Dataset::read<T>() const;                                                         \
  template T Dataset::read_scalar<T>() const;                                                               \
  template std::vector<T> Dataset::read_rows<T>(hsize_t, hsize_t) const;                                    \
  template std::vector<T> Dataset::read_block<T>(std::span<const hsize_t>, std::span<const hsize_t>) const; \
  template void Dataset::append_rows<T>(std::span<const T>, hsize_t);                                       \
  template Dataset Group::write<T>(std::string_view, std::span<const T>, const std::vector<hsize_t>&,       \
                                   const Meta&);                                                            \
  template Dataset Group::write_scalar<T>(std::string_view, T, const Meta&);                                \
  template Dataset Group::create_extendible<T>(std::string_view, const std::vector<hsize_t>&, hsize_t, int, \
                                               const Meta&);

FNESIM_HDF5_INSTANTIATE(std::int32_t)
FNESIM_HDF5_INSTANTIATE(std::int64_t)
FNESIM_HDF5_INSTANTIATE(std::uint64_t)
FNESIM_HDF5_INSTANTIATE(double)

#undef FNESIM_HDF5_INSTANTIATE

}  // namespace fnesim::hdf5
