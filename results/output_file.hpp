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
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
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

// For a directory of outputs (`--csv DIR`): the directory exists and may be
// written in, or it is missing and its parent exists and may be written in
// (OutputError; OutputTargetError when a file stands where a directory
// should). OutputSet::make_directory makes it once the outputs are ready.
void check_output_directory_to_make(const std::filesystem::path& directory);

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

// The outputs of one command, put in place together. Each is written whole
// to its temporary first, and only once every one is complete are they
// renamed into place, in the order they were added: a full disk, a failed
// write or an interruption before commit() leaves none of them — never the
// first outputs without the last. (Only a rename refused in commit() itself,
// a name taken meanwhile by another process, can leave those renamed before
// it; the error then names them.) Destroyed uncommitted, it removes its
// temporaries and any directory it made. On a cluster run's other ranks,
// which write nothing, it does nothing.
class OutputSet {
 public:
  explicit OutputSet(bool overwrite) : overwrite_(overwrite) {}
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // Writes `content` to a temporary beside `target` (OutputError on failure).
  void add_text(const std::filesystem::path& target, std::string_view content);
  // A temporary its owner has written and closed (a run file, a CSV table).
  void add(std::unique_ptr<TemporaryFile> written);
  // Makes `directory` now if it is missing — only it: its parent must exist
  // (OutputError) — so that temporaries can be written in it; it is removed
  // again, if still empty, when the set is not committed (or by a signal,
  // as the temporaries are).
  void make_directory(const std::filesystem::path& directory);
  // Renames every temporary into place; then the outputs are the command's.
  void commit();
  // Whether an existing regular file may be replaced (--force).
  bool overwrite() const { return overwrite_; }

 private:
  bool overwrite_;
  bool committed_ = false;
  std::vector<std::unique_ptr<TemporaryFile>> files_;
  struct MadeDirectory {
    std::filesystem::path path;
    int slot;  // in the table remove_registered_temporaries() reads
  };
  std::vector<MadeDirectory> made_directories_;
};

// Writes `content` to `path` atomically; throws OutputError naming the path
// and the reason (OutputTargetError for a target that is not a regular file,
// or one that appeared meanwhile without `overwrite`).
void write_file_atomically(const std::filesystem::path& path, const std::string& content, bool overwrite);

// Unlinks every listed temporary file, then removes every directory made for
// outputs not yet committed, if empty. Async-signal-safe: no allocation, no
// lock; meant for a signal handler that ends the process.
void remove_registered_temporaries() noexcept;

// How many temporary files may exist at once (a CSV export has 7).
inline constexpr std::size_t max_registered_temporaries = 32;

}  // namespace fnesim
