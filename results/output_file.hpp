#pragma once
// Safe writes: the content goes to a temporary file beside the target and is
// renamed over it only once complete, so an interrupted or failed run never
// leaves a truncated file under the final name.
//
// Files are files: an output replaces only a regular file. A device node, a
// FIFO, a socket, a directory or a symbolic link (even to a regular file:
// replacing it would destroy the link) under an output's name is refused, by
// name and kind, once before the job (check_output_path) and again just
// before the rename (rename_into_place), since a long run gives the place
// time to change.
//
// Every temporary file is listed, while it exists, in a fixed table that a
// signal handler can read without allocating: remove_registered_temporaries()
// deletes them all, so that SIGINT, SIGTERM or SIGHUP in any phase leaves no
// `<target>.tmp.<pid>` behind (cli/progress.cpp installs the handler).
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/errors.hpp"

namespace fnesim {

// The job could not be done: a missing or read-only directory, a full disk.
// Exit status 1.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The user named a wrong target: one that exists without --force, or one that
// is not a regular file. A BadRequest, so exit status 2, like the other
// command-line mistakes (cli/preamble.hpp's UsageError).
class OutputTargetError : public BadRequest {
 public:
  using BadRequest::BadRequest;
};

// What `path` is, by lstat (a symbolic link is not followed): "a directory",
// "a symbolic link", "a device", "a FIFO (named pipe)", "a socket"; empty when
// it does not exist or is a regular file.
std::string non_regular_kind(const std::filesystem::path& path);

// Throws OutputTargetError when `path` exists and is not a regular file
// ("PATH: is a symbolic link; fnesim replaces only regular files"), or exists
// and `overwrite` is false ("PATH: exists already (use --force to overwrite)").
void check_output_target(const std::filesystem::path& path, bool overwrite);
// check_output_target on every path, all refusals in one OutputTargetError:
// the files that exist already named together.
void check_output_targets(const std::vector<std::filesystem::path>& paths, bool overwrite);

// Fails early (before a long run) when `path` cannot be written: its directory
// is missing or not writable (OutputError), or check_output_target refuses it.
void check_output_path(const std::filesystem::path& path, bool overwrite);
// Its first half: the directory exists and may be written in (OutputError).
void check_output_directory(const std::filesystem::path& path);

// Checks the target again (check_output_target) and renames `temporary` over
// it; without `overwrite`, never replaces a file created meanwhile
// (RENAME_NOREPLACE). On failure the temporary is removed and the error thrown.
// Every rename of an output into place goes through here.
void rename_into_place(const std::filesystem::path& temporary, const std::filesystem::path& target,
                       bool overwrite);

// `<target>.tmp.<pid>`, created empty (exclusively: a stale file of that name
// is removed first, a link is never followed) and listed for the signal
// handler until it is renamed into place or removed. Not copyable.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::filesystem::path& target);
  ~TemporaryFile();  // removes the file unless committed
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& target() const { return target_; }
  // rename_into_place(path(), target(), overwrite); the file is then no longer listed.
  void commit(bool overwrite);
  // Removes the file (if still there) and unlists it; safe to call twice.
  void discard() noexcept;

 private:
  std::filesystem::path target_, path_;
  int slot_ = -1;
  bool done_ = false;
};

// Writes `content` to `path` atomically; throws OutputError naming the path
// and the reason (OutputTargetError for a target that is not a regular file,
// or one that appeared meanwhile without `overwrite`).
void write_file_atomically(const std::filesystem::path& path, const std::string& content, bool overwrite);

// Unlinks every listed temporary file. Async-signal-safe: no allocation, no
// lock; meant for a signal handler that ends the process.
void remove_registered_temporaries() noexcept;

// How many temporary files may exist at once (a CSV export has 7).
inline constexpr std::size_t max_registered_temporaries = 32;

}  // namespace fnesim
