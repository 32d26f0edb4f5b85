// The thin HDF5 layer: values come back as written, and every failure is an
// hdf5::Error naming the file and the object path.
#include "results/hdf5.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "support/test_files.hpp"

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDirectory;

TEST(Hdf5, WritesAndReadsBackEveryElementTypeAttributesAndStrings) {
  ScratchDirectory dir;
  const auto path = dir / "types.h5";
  {
    hdf5::File file = hdf5::File::create(path);
    const std::vector<std::int32_t> i32{-1, 0, std::numeric_limits<std::int32_t>::max()};
    const std::vector<std::int64_t> i64{std::numeric_limits<std::int64_t>::min(), 0, 150'000'000'00};
    const std::vector<double> f64{0.1, -2.5e300, 1.0 / 3.0, 0, 5, 6};
    file.write<std::int32_t>("i32", i32, {3}, {"count", "int32", "x"});
    file.write<std::int64_t>("i64", i64, {3}, {"cents", "int64", "x"});
    file.write<double>("f64", f64, {2, 3}, {"EUR", "float64", "a × b"});
    file.write_scalar<std::uint64_t>("u64", std::numeric_limits<std::uint64_t>::max(),
                                     {"count", "uint64", ""});
    hdf5::Group group = file.create_group("group", "a group");
    const std::vector<std::string> labels{"Île-de-France", "", "Provence-Alpes-Côte d'Azur et Corse"};
    group.write_strings("labels", labels, {"label", "UTF-8 labels", "region"});
    group.write_string("text", "line 1\nline 2 — ünïcode", {"text", "a scalar string", ""});
    const std::vector<std::string> none;
    group.write_strings("empty", none, {"text", "no strings", "file"});
    file.set_string_attribute("kind", "test");
    const std::int32_t version[] = {1, 2};
    file.set_attribute<std::int32_t>("version", version);
    file.set_attribute<double>("level", 0.9);
    file.set_attribute<double>("level", 0.95);  // replaced, not duplicated
    group.close();
    file.close();
  }
  const hdf5::File file = hdf5::File::open_read_only(path);
  EXPECT_EQ(file.open_dataset("i32").read<std::int32_t>(),
            (std::vector<std::int32_t>{-1, 0, std::numeric_limits<std::int32_t>::max()}));
  EXPECT_EQ(file.open_dataset("i64").read<std::int64_t>()[0], std::numeric_limits<std::int64_t>::min());
  const hdf5::Dataset f64 = file.open_dataset("f64");
  EXPECT_EQ(f64.shape(), (std::vector<hsize_t>{2, 3}));
  EXPECT_EQ(f64.read<double>()[2], 1.0 / 3.0);
  EXPECT_EQ(f64.string_attribute("units"), "EUR");
  EXPECT_EQ(f64.string_attribute("dimensions"), "a × b");
  EXPECT_EQ(file.open_dataset("u64").read_scalar<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(file.open_dataset("group/labels").read_strings(),
            (std::vector<std::string>{"Île-de-France", "", "Provence-Alpes-Côte d'Azur et Corse"}));
  EXPECT_EQ(file.open_dataset("group/text").read_string(), "line 1\nline 2 — ünïcode");
  EXPECT_TRUE(file.open_dataset("group/empty").read_strings().empty());
  EXPECT_EQ(file.open_group("group").string_attribute("description"), "a group");
  EXPECT_EQ(file.string_attribute("kind"), "test");
  EXPECT_EQ(file.attribute_values<std::int32_t>("version"), (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(file.attribute<double>("level"), 0.95);
  EXPECT_TRUE(file.contains("group/labels"));
  EXPECT_FALSE(file.contains("group/missing"));
  EXPECT_FALSE(file.contains("missing/deeper/still"));
}

TEST(Hdf5, ExtendibleDatasetsGrowByAppendedRowsAcrossChunks) {
  ScratchDirectory dir;
  const auto path = dir / "append.h5";
  std::vector<std::int64_t> expected;
  {
    hdf5::File file = hdf5::File::create(path);
    hdf5::Dataset d =
        file.create_extendible<std::int64_t>("d", {2, 3}, 4, 4, {"cents", "appended", "r × a × b"});
    for (int block = 0; block < 5; ++block) {
      const int rows = block + 1;  // 1 + 2 + … + 5 = 15 rows, across chunks of 4
      std::vector<std::int64_t> values;
      for (int i = 0; i < rows * 6; ++i)
        values.push_back(static_cast<std::int64_t>(expected.size() + values.size()) * 7);
      d.append_rows<std::int64_t>(values, static_cast<hsize_t>(rows));
      expected.insert(expected.end(), values.begin(), values.end());
    }
    d.close();
    file.close();
  }
  const hdf5::File file = hdf5::File::open_read_only(path);
  const hdf5::Dataset d = file.open_dataset("d");
  EXPECT_EQ(d.shape(), (std::vector<hsize_t>{15, 2, 3}));
  EXPECT_EQ(d.read<std::int64_t>(), expected);
  EXPECT_EQ(d.read_rows<std::int64_t>(4, 3),
            std::vector<std::int64_t>(expected.begin() + 24, expected.begin() + 42));
  const hsize_t start[] = {2, 1, 0}, count[] = {3, 1, 2};
  const std::vector<std::int64_t> block = d.read_block<std::int64_t>(start, count);
  ASSERT_EQ(block.size(), 6u);
  EXPECT_EQ(block[0], expected[2 * 6 + 3]);
  EXPECT_EQ(block[5], expected[4 * 6 + 4]);
}

TEST(Hdf5, ErrorsNameTheFileAndThePath) {
  ScratchDirectory dir;
  const auto path = dir / "errors.h5";
  {
    hdf5::File file = hdf5::File::create(path);
    const std::vector<double> values{1, 2};
    file.create_group("g").write<double>("real", values, {2}, {"EUR", "reals", "x"});
    const std::vector<std::int64_t> wide{1, 2};
    file.write<std::int64_t>("wide", wide, {2}, {"count", "int64", "x"});
    file.close();
  }
  const hdf5::File file = hdf5::File::open_read_only(path);
  auto message = [](auto&& action) -> std::string {
    try {
      action();
    } catch (const hdf5::Error& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string name = path.string();
  EXPECT_THAT(message([&] { file.open_dataset("g/missing"); }), HasSubstr(name + ": /g/missing: missing"));
  EXPECT_THAT(message([&] { file.open_dataset("g/real").read<std::int64_t>(); }),
              HasSubstr(name + ": /g/real: has a non-integer type"));
  EXPECT_THAT(message([&] { file.open_dataset("wide").read<std::int32_t>(); }),
              HasSubstr(name + ": /wide: holds integers wider than expected"));
  EXPECT_THAT(message([&] { file.open_dataset("g/real").read_scalar<double>(); }),
              HasSubstr("not a single value"));
  EXPECT_THAT(message([&] { file.string_attribute("nothing"); }),
              HasSubstr(name + ": /: has no attribute nothing"));
  EXPECT_THAT(message([&] { hdf5::File::open_read_only(dir / "absent.h5"); }),
              HasSubstr("absent.h5: no such file"));
  testing::write_text(dir / "text.h5", "not HDF5 at all");
  EXPECT_THAT(message([&] { hdf5::File::open_read_only(dir / "text.h5"); }),
              HasSubstr("text.h5: not an HDF5 file"));
  EXPECT_THAT(message([&] { hdf5::File::create(dir / "no-such-dir" / "x.h5"); }),
              HasSubstr("x.h5: cannot create the file"));
}

// The strings' heap is checked on opening (results/hdf5_global_heap.cpp);
// valid files must not be refused by it. Amounts whose cents read "GCOL",
// version 1, in raw data (55 752 302.79 EUR) are not taken for a heap; and a
// file of another length size (HDF5 pads the heap's headers to 8 bytes) has
// its strings read.
TEST(Hdf5, TheStringHeapCheckRefusesNoValidFile) {
  ScratchDirectory dir;
  const std::vector<std::string> labels{"ARA", "", "Île-de-France", std::string(5000, 'x')};
  {
    hdf5::File file = hdf5::File::create(dir / "amounts.h5");
    const std::vector<std::int64_t> cents{5'575'230'279, 8'000'000, 5'575'230'279, 4'096};
    file.write<std::int64_t>("envelope_cents", cents, {4}, {"cents", "int64", "region"});
    file.write_strings("code", labels, {"label", "codes", "region"});
    file.set_string_attribute("kind", "test");
    file.close();
  }
  const hdf5::File amounts = hdf5::File::open_read_only(dir / "amounts.h5");
  EXPECT_EQ(amounts.open_dataset("code").read_strings(), labels);
  EXPECT_EQ(amounts.string_attribute("kind"), "test");
  for (const auto& [address_size, length_size] :
       {std::pair<std::size_t, std::size_t>{8, 4}, {4, 4}, {8, 2}}) {
    const auto path =
        dir / ("sizes-" + std::to_string(address_size) + "-" + std::to_string(length_size) + ".h5");
    const hid_t properties = H5Pcreate(H5P_FILE_CREATE);
    ASSERT_GE(H5Pset_sizes(properties, address_size, length_size), 0);
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, properties, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);  // as fnesim writes and reads them
    const hsize_t count = labels.size();
    const hid_t space = H5Screate_simple(1, &count, nullptr);
    const hid_t dataset = H5Dcreate2(file, "code", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<const char*> pointers;
    for (const std::string& label : labels) pointers.push_back(label.c_str());
    ASSERT_GE(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), 0);
    H5Dclose(dataset);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(file);
    H5Pclose(properties);
    const hdf5::File sized = hdf5::File::open_read_only(path);
    EXPECT_EQ(sized.open_dataset("code").read_strings(), labels) << path;
  }
}

}  // namespace
}  // namespace fnesim
