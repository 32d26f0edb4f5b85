// Variable-length strings live in HDF5's "global heap collections". HDF5
// 1.10 reads them without bounds checks: an object size damaged inside a
// collection, or a string length damaged in a dataset's raw data (neither is
// checksummed), has the library copy past its buffers — a crash, where a
// damaged run file must be refused. So when a file is opened, every string
// dataset's references are checked, with the collections they point to,
// before HDF5 follows any of them. The layout is the HDF5 file format
// specification's ("Global Heap"), parsed as HDF5's own
// H5HG__cache_heap_deserialize parses it. Only referenced collections are
// parsed: found by their signature instead, an amount of 55 752 302.79 EUR in
// cents reads "GCOL", version 1, and a valid file would be refused.
// (Attributes keep their references in checksummed object headers, and share
// the collections of the datasets written with them; a collection only they
// use is left to the trial reading, docs/reliability.md.)
#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "results/hdf5_detail.hpp"

namespace fnesim::hdf5::detail {

namespace {

constexpr std::array<char, 4> collection_signature = {'G', 'C', 'O', 'L'};
constexpr std::uint64_t smallest_collection = 4096;  // H5HG_MINSIZE

std::uint64_t little_endian(const unsigned char* bytes, std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t i = width; i-- > 0;) value = (value << 8) | bytes[i];
  return value;
}

constexpr std::uint64_t align8(std::uint64_t n) { return (n + 7) / 8 * 8; }

std::string read_bytes(std::ifstream& in, std::uint64_t offset, std::uint64_t count) {
  std::string bytes(count, '\0');
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(bytes.data(), static_cast<std::streamsize>(count));
  if (static_cast<std::uint64_t>(in.gcount()) != count) bytes.clear();
  return bytes;
}

// A heap object: where its bytes start in the file, and how many; a
// collection's, by their index in it.
struct HeapObject {
  std::uint64_t begin = 0, size = 0;
};
using HeapCollection = std::map<unsigned, HeapObject>;

// The collection at file offset `offset`, or none with `problem` said.
std::optional<HeapCollection> parse_heap_collection(std::ifstream& in, std::uint64_t offset,
                                                    std::uint64_t file_size, std::size_t length_size,
                                                    std::string& problem) {
  // H5HG_SIZEOF_HDR and H5HG_SIZEOF_OBJHDR: both padded to 8 bytes.
  const std::size_t header_size = align8(8 + length_size), object_header_size = align8(8 + length_size);
  if (offset > file_size || file_size - offset < header_size) {
    problem = "a string's heap collection lies past the end of the file";
    return std::nullopt;
  }
  const std::string header = read_bytes(in, offset, header_size);
  const auto* h = reinterpret_cast<const unsigned char*>(header.data());
  if (header.size() != header_size || std::memcmp(h, collection_signature.data(), 4) != 0 || h[4] != 1) {
    problem = "a string's heap collection is not one (bad signature or version)";
    return std::nullopt;
  }
  const std::uint64_t size = little_endian(h + 8, length_size);
  if (size < smallest_collection || size > file_size - offset) {
    problem = "a string's heap collection has an impossible size";
    return std::nullopt;
  }
  const std::string bytes = read_bytes(in, offset, size);
  if (bytes.size() != size) {
    problem = "a string's heap collection cannot be read";
    return std::nullopt;
  }
  const auto* chunk = reinterpret_cast<const unsigned char*>(bytes.data());
  HeapCollection collection;
  std::uint64_t p = header_size;
  while (p < size) {
    if (size - p < object_header_size) break;  // too small for an object: free space, as HDF5 takes it
    const auto index = static_cast<unsigned>(little_endian(chunk + p, 2));
    const std::uint64_t object_size = little_endian(chunk + p + 8, length_size);
    std::uint64_t need = 0;
    if (index > 0) {
      // The object's data, padded to 8 bytes, must end inside the collection.
      if (object_size > size - p - object_header_size) {
        problem = "a string's heap object runs past its collection";
        return std::nullopt;
      }
      need = object_header_size + align8(object_size);
      collection[index] = {offset + p + object_header_size, object_size};
    } else {
      // Free space: HDF5 steps over it by its size, which must move on and stay inside.
      need = object_size;
      if (need < object_header_size || need > size - p) {
        problem = "a string's heap collection has damaged free space";
        return std::nullopt;
      }
    }
    p += need;
  }
  return collection;
}

}  // namespace

FileSizes file_sizes(hid_t any, std::string_view file) {
  Handle file_id(H5Iget_file_id(any), H5Fclose);
  if (!file_id.valid()) throw_error(file, "", "cannot read the file's properties");
  Handle properties(H5Fget_create_plist(file_id.get()), H5Pclose);
  FileSizes sizes;
  hsize_t user_block = 0;
  if (!properties.valid() || H5Pget_sizes(properties.get(), &sizes.address, &sizes.length) < 0 ||
      H5Pget_userblock(properties.get(), &user_block) < 0)
    throw_error(file, "", "cannot read the file's properties");
  sizes.base = user_block;
  return sizes;
}

void check_string_references(const std::string& file_name, std::string_view path, std::uint64_t data_offset,
                             std::uint64_t base_address, std::size_t count, std::size_t length_size,
                             std::size_t address_size) {
  auto fail = [&](const std::string& what) {
    throw Error(file_name + ": " + std::string(path) + ": damaged: " + what);
  };
  std::ifstream in(file_name, std::ios::binary);
  if (!in) throw Error(file_name + ": cannot be read");
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  // Each string: its length (4 bytes), its collection's address and its index there (4 bytes).
  const std::size_t reference_size = 4 + address_size + 4;
  if (count > 0 && (data_offset > file_size || (file_size - data_offset) / reference_size < count))
    fail("its strings lie past the end of the file");
  const std::string raw = read_bytes(in, data_offset, count * reference_size);
  if (raw.size() != count * reference_size) fail("its strings cannot be read");
  std::map<std::uint64_t, HeapCollection> collections;
  for (std::size_t i = 0; i < count; ++i) {
    const auto* r = reinterpret_cast<const unsigned char*>(raw.data()) + i * reference_size;
    const std::uint64_t length = little_endian(r, 4), address = little_endian(r + 4, address_size);
    const auto index = static_cast<unsigned>(little_endian(r + 4 + address_size, 4));
    if (length == 0 && address == 0) continue;  // an empty string: nothing on the heap
    if (address > file_size || base_address > file_size - address)
      fail("a string's address lies past the file");
    auto it = collections.find(address);
    if (it == collections.end()) {
      std::string problem;
      std::optional<HeapCollection> parsed =
          parse_heap_collection(in, base_address + address, file_size, length_size, problem);
      if (!parsed) fail(problem);
      it = collections.emplace(address, std::move(*parsed)).first;
    }
    const auto object = index == 0 ? it->second.end() : it->second.find(index);
    if (object == it->second.end()) fail("a string refers to no object of its heap collection");
    // HDF5 copies the object whole into a buffer of the string's length.
    if (object->second.size != length) fail("a string's length is not its heap object's");
  }
}

namespace {

struct StringDatasetWalk {
  std::string file_name;
  FileSizes sizes;
  std::optional<Error> damaged;
};

herr_t check_if_string_dataset(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  auto& walk = *static_cast<StringDatasetWalk*>(data);
  if (info->type != H5O_TYPE_DATASET) return 0;
  Handle dataset(H5Dopen2(root, name, H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) return 0;  // the reader's own checks say what is wrong with it
  Handle type(H5Dget_type(dataset.get()), H5Tclose);
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  Handle properties(H5Dget_create_plist(dataset.get()), H5Pclose);
  if (!type.valid() || !space.valid() || !properties.valid() || H5Tis_variable_str(type.get()) <= 0) return 0;
  if (H5Pget_layout(properties.get()) != H5D_CONTIGUOUS) return 0;
  const haddr_t offset = H5Dget_offset(dataset.get());
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (offset == HADDR_UNDEF || count <= 0) return 0;
  try {
    std::string path = "/";  // built in two steps: GCC 12's -Wrestrict misreads "/" + std::string(name)
    path += name;
    check_string_references(walk.file_name, path, offset, walk.sizes.base, static_cast<std::size_t>(count),
                            walk.sizes.length, walk.sizes.address);
  } catch (const Error& e) {
    walk.damaged = e;
    return -1;  // stop: the file is refused
  }
  return 0;
}

}  // namespace

void check_string_datasets(hid_t file, const std::string& file_name) {
  StringDatasetWalk walk{file_name, file_sizes(file, file_name), std::nullopt};
  // A walk that fails for another reason (a link to another file, damaged
  // metadata) refuses nothing here: the reader's checks, and the trial
  // reading, say what is wrong.
  if (H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, check_if_string_dataset, &walk, H5O_INFO_BASIC) < 0)
    library_reason();  // clears the library's error stack
  if (walk.damaged) throw *walk.damaged;
}

}  // namespace fnesim::hdf5::detail
