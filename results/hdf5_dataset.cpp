// Datasets: their type and shape, whole or partial reads, appended rows.
#include "results/hdf5.hpp"
#include "results/hdf5_detail.hpp"

#include <limits>

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

hsize_t Dataset::storage_size() const { return H5Dget_storage_size(id()); }

void Dataset::check_stored() const {
  Handle properties(H5Dget_create_plist(id()), H5Pclose);
  if (!properties.valid()) fail("cannot read the storage properties");
  const H5D_layout_t layout = H5Pget_layout(properties.get());
  if (layout == H5D_VIRTUAL) fail("is a virtual dataset (its data in other files), which run files never hold");
  if (layout != H5D_COMPACT && layout != H5D_CONTIGUOUS && layout != H5D_CHUNKED) fail("has an unknown layout");
  const int external = H5Pget_external_count(properties.get());
  if (external != 0) fail("keeps its data in external files, which run files never do");
  const int filters = H5Pget_nfilters(properties.get());
  if (filters < 0) fail("cannot read its filters");
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0;
    std::size_t values = 0;
    const H5Z_filter_t filter =
        H5Pget_filter2(properties.get(), static_cast<unsigned>(i), &flags, &values, nullptr, 0, nullptr, nullptr);
    if (filter != H5Z_FILTER_DEFLATE && filter != H5Z_FILTER_SHUFFLE && filter != H5Z_FILTER_FLETCHER32)
      fail("is stored through HDF5 filter " + std::to_string(filter) +
           ", where run files use deflate and shuffle only");
  }
  Handle type(H5Dget_type(id()), H5Tclose);
  if (!type.valid()) fail("cannot read the type");
  const std::size_t element = H5Tget_size(type.get());
  if (element == 0) fail("cannot read the type's size");
  // What the shape, or one chunk, would take in memory, against what the
  // file stores (1 MiB of slack for small datasets and part-filled chunks).
  const std::size_t count = element_count();
  const std::size_t limit = std::numeric_limits<std::size_t>::max() / element;
  std::size_t claimed = count > limit ? std::numeric_limits<std::size_t>::max() : count * element;
  if (layout == H5D_CHUNKED) {
    const int rank = H5Pget_chunk(properties.get(), 0, nullptr);
    if (rank < 0) fail("cannot read its chunk shape");
    std::vector<hsize_t> chunk(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Pget_chunk(properties.get(), rank, chunk.data()) < 0) fail("cannot read its chunk shape");
    const std::size_t cells = product(chunk);
    claimed = std::max(claimed, cells > limit ? std::numeric_limits<std::size_t>::max() : cells * element);
  }
  const hsize_t stored = storage_size();
  constexpr hsize_t slack = hsize_t{1} << 20;
  const hsize_t cap = stored > (std::numeric_limits<hsize_t>::max() - slack) / max_expansion
                          ? std::numeric_limits<hsize_t>::max()
                          : stored * max_expansion + slack;
  if (claimed > cap) {
    std::vector<hsize_t> dims = shape();
    std::string text;
    for (hsize_t n : dims) text += (text.empty() ? "" : " × ") + std::to_string(n);
    fail("claims " + (text.empty() ? std::string("a scalar") : "a shape of " + text) + " (" +
         std::to_string(claimed) + " bytes) but stores only " + std::to_string(stored) +
         " bytes: damaged or not written by fnesim");
  }
}

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
  check_stored();
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
  check_stored();
  const std::vector<hsize_t> full = shape();
  if (start.size() != full.size() || count.size() != full.size())
    fail("read with the wrong number of dimensions");
  for (std::size_t d = 0; d < full.size(); ++d)
    if (start[d] > full[d] || count[d] > full[d] - start[d]) fail("read beyond its extent");
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

// A variable-length string dataset's references into the heap, checked
// before HDF5 follows them (hdf5_global_heap.cpp). Run files keep them
// contiguous; in the object header (compact) they are checksummed. Checked on
// opening too, but that walk of the file stops at the first object HDF5
// cannot visit, and a damaged file can hide a dataset from it.
void Dataset::check_variable_length_strings(hid_t type) const {
  const htri_t variable = H5Tis_variable_str(type);
  if (variable <= 0) return;  // fixed-length, or not a string: read_string_values says which
  Handle properties(H5Dget_create_plist(id()), H5Pclose);
  if (!properties.valid()) fail("cannot read the storage properties");
  const H5D_layout_t layout = H5Pget_layout(properties.get());
  // Chunked (a user's h5repack): the references pass through the chunks'
  // filters, and are left to the trial reading.
  if (layout != H5D_CONTIGUOUS) return;
  const haddr_t offset = H5Dget_offset(id());
  if (offset == HADDR_UNDEF) return;  // never written: HDF5 gives empty strings
  const FileSizes sizes = file_sizes(id(), file_name_);
  check_string_references(file_name_, path_, offset, sizes.base, element_count(), sizes.length,
                          sizes.address);
}

std::vector<std::string> Dataset::read_strings() const {
  Handle type(H5Dget_type(id()), H5Tclose);
  Handle space(H5Dget_space(id()), H5Sclose);
  if (!type.valid() || !space.valid()) fail("cannot read the type");
  check_stored();
  check_variable_length_strings(type.get());
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
