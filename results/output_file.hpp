#pragma once
// Safe writes: the content goes to a temporary file beside the target and is
// renamed over it only once complete, so an interrupted or failed run never
// leaves a truncated file under the final name.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace fnesim {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes `content` to `path` atomically; throws OutputError naming the path and the reason.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

// Fails early (before a long run) when `path` cannot be written: its directory
// is missing or not writable, or it exists and `overwrite` is false.
void check_output_path(const std::filesystem::path& path, bool overwrite);

}  // namespace fnesim
