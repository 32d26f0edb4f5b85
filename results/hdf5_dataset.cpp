// Datasets: their type and shape, whole or partial reads, appended rows.
#include "results/hdf5.hpp"
#include "results/hdf5_detail.hpp"

namespace fnesim::hdf5 {

using namespace detail;

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

// ---- Explicit instantiations for the element types of the format --------------

#define FNESIM_HDF5_INSTANTIATE(T)                                                                          \
  template std::vector<T> Dataset::read<T>() const;                                                         \
  template T Dataset::read_scalar<T>() const;                                                               \
  template std::vector<T> Dataset::read_rows<T>(hsize_t, hsize_t) const;                                    \
  template std::vector<T> Dataset::read_block<T>(std::span<const hsize_t>, std::span<const hsize_t>) const; \
  template void Dataset::append_rows<T>(std::span<const T>, hsize_t);

FNESIM_HDF5_INSTANTIATE(std::int32_t)
FNESIM_HDF5_INSTANTIATE(std::int64_t)
FNESIM_HDF5_INSTANTIATE(std::uint64_t)
FNESIM_HDF5_INSTANTIATE(double)

#undef FNESIM_HDF5_INSTANTIATE

}  // namespace fnesim::hdf5
