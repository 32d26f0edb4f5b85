// Groups: their members, and the datasets written into them.
#include "results/hdf5.hpp"
#include "results/hdf5_detail.hpp"

namespace fnesim::hdf5 {

using namespace detail;

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
    // Only hard links: a soft link may loop, an external one opens another file.
    H5L_info_t link{};
    if (H5Lget_info(id(), prefix.c_str(), &link, H5P_DEFAULT) < 0)
      throw_error(file_name_, child_path(prefix), "cannot look up");
    if (link.type != H5L_TYPE_HARD)
      throw_error(file_name_, child_path(prefix), "is a soft or external link, which fnesim files never hold");
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

// ---- Explicit instantiations for the element types of the format --------------

#define FNESIM_HDF5_INSTANTIATE(T)                                                                          \
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
