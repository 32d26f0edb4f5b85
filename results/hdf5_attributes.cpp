// Attributes of files, groups and datasets: typed, replaced when written again.
#include "results/hdf5.hpp"
#include "results/hdf5_detail.hpp"

namespace fnesim::hdf5 {

using namespace detail;

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

void Object::set_string_list_attribute(std::string_view name, std::span<const std::string> texts) {
  Handle type = vlen_string_type(file_name_, path_);
  std::vector<const char*> pointers;
  for (const std::string& text : texts) pointers.push_back(text.c_str());
  const char* none = "";  // the library wants a buffer even for no strings
  write_attribute(*this, name, type.get(), type.get(), {texts.size()}, pointers.empty() ? &none : pointers.data());
}

template <typename T>
void Object::set_attribute(std::string_view name, T value) {
  write_attribute(*this, name, Traits<T>::file(), Traits<T>::memory(), {}, &value);
}

template <typename T>
void Object::set_attribute(std::string_view name, std::span<const T> values) {
  write_attribute(*this, name, Traits<T>::file(), Traits<T>::memory(), {values.size()}, values.data());
}

std::vector<std::string> Object::string_list_attribute(std::string_view name) const {
  Handle attribute = open_attribute(*this, name);
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (!type.valid() || !space.valid()) fail("cannot read attribute " + std::string(name));
  const std::size_t count = product(space_shape(space.get(), file_name_, path_));
  return read_string_values(
      type.get(), space.get(), count,
      [&](hid_t memory, void* buffer) { return H5Aread(attribute.get(), memory, buffer); }, file_name_,
      path_ + " attribute " + std::string(name));
}

std::string Object::string_attribute(std::string_view name) const {
  std::vector<std::string> values = string_list_attribute(name);
  if (values.size() != 1) fail("attribute " + std::string(name) + " is not a single string");
  return std::move(values.front());
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
  if (!matches)
    fail("attribute " + key + " is not " +
         (Traits<T>::kind == Dataset::Kind::Integer ? "an integer" : "a floating-point number") +
         (stored == H5T_STRING ? " but a string" : ""));
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

// ---- Explicit instantiations for the element types of the format --------------

#define FNESIM_HDF5_INSTANTIATE(T)                                              \
  template void Object::set_attribute<T>(std::string_view, T);                  \
  template void Object::set_attribute<T>(std::string_view, std::span<const T>); \
  template T Object::attribute<T>(std::string_view) const;                      \
  template std::vector<T> Object::attribute_values<T>(std::string_view) const;

FNESIM_HDF5_INSTANTIATE(std::int32_t)
FNESIM_HDF5_INSTANTIATE(std::int64_t)
FNESIM_HDF5_INSTANTIATE(std::uint64_t)
FNESIM_HDF5_INSTANTIATE(double)

#undef FNESIM_HDF5_INSTANTIATE

}  // namespace fnesim::hdf5
