#include "results/output_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace fnesim {

namespace fs = std::filesystem;

void check_output_path(const fs::path& path, bool overwrite) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw OutputError(path.string() + ": directory " + dir.string() + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw OutputError(path.string() + ": cannot write in " + dir.string() + ": " + std::strerror(errno));
  if (fs::exists(path, ec) && !overwrite)
    throw OutputError(path.string() + ": exists already (use --force to overwrite)");
  if (fs::is_directory(path, ec)) throw OutputError(path.string() + ": is a directory");
}

void write_file_atomically(const fs::path& path, const std::string& content) {
  const fs::path temporary = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      throw OutputError(path.string() + ": cannot create " + temporary.string() + ": " +
                        std::strerror(errno));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      const std::string reason = std::strerror(errno);
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw OutputError(path.string() + ": write failed: " + reason);
    }
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw OutputError(path.string() + ": cannot rename the temporary file into place: " + ec.message());
  }
}

}  // namespace fnesim
