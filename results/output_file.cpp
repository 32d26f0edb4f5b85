#include "results/output_file.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "sim/cluster.hpp"

namespace fnesim {

namespace fs = std::filesystem;

namespace {

// ---- The table of live temporary files -----------------------------------------
//
// A slot goes free -> filling -> live when a temporary is listed (before the
// file is created, so that no instant sees the file unlisted), back to free
// when it is renamed or removed. The signal handler takes live slots to
// `cleaning` (never released: the job is ending — at once, or, during a long
// job's polling, as soon as it sees the flag) before reading the path, so
// that it never reads a path being rewritten by another thread, and a
// thread unlisting the slot meanwhile just leaves it taken.

// A live slot says what it holds in its state, which the handler claims
// before it acts: a file is unlinked, a directory (made for outputs) removed
// if empty, after the files.
enum SlotState : int {
  slot_free = 0,
  slot_filling = 1,
  slot_live = 2,
  slot_cleaning = 3,
  slot_live_directory = 4
};
constexpr std::size_t path_capacity = 4096;  // PATH_MAX on Linux

struct Slot {
  std::atomic<int> state{slot_free};
  char path[path_capacity];
};

static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");
Slot slots[max_registered_temporaries];

int list_temporary(const std::string& path, bool directory = false) {
  if (path.size() >= path_capacity) throw OutputError(path + ": the file name is too long");
  for (std::size_t i = 0; i < max_registered_temporaries; ++i) {
    int expected = slot_free;
    if (!slots[i].state.compare_exchange_strong(expected, slot_filling)) continue;
    std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
    slots[i].state.store(directory ? slot_live_directory : slot_live);
    return static_cast<int>(i);
  }
  throw OutputError(path + ": more than " + std::to_string(max_registered_temporaries) +
                    " temporary files at once");
}

void unlist_temporary(int slot) noexcept {
  if (slot < 0) return;
  for (const int live : {slot_live, slot_live_directory}) {
    int expected = live;
    if (slots[slot].state.compare_exchange_strong(expected, slot_free)) return;
  }
}

std::string kind_of(const struct stat& status) {
  if (S_ISREG(status.st_mode)) return {};
  if (S_ISLNK(status.st_mode)) return "a symbolic link";
  if (S_ISDIR(status.st_mode)) return "a directory";
  if (S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode)) return "a device";
  if (S_ISFIFO(status.st_mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(status.st_mode)) return "a socket";
  return "not a regular file";
}

void remove_quietly(const fs::path& path) noexcept { ::unlink(path.c_str()); }

}  // namespace

void remove_registered_temporaries() noexcept {
  const int saved_errno = errno;
  // The files first, then the directories they were in (rmdir removes only an empty one).
  for (const int live : {slot_live, slot_live_directory})
    for (Slot& slot : slots) {
      int expected = live;
      if (!slot.state.compare_exchange_strong(expected, slot_cleaning)) continue;
      if (live == slot_live_directory)
        ::rmdir(slot.path);
      else
        ::unlink(slot.path);
    }
  errno = saved_errno;
}

std::string non_regular_kind(const fs::path& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return {};
  return kind_of(status);
}

void check_output_target(const fs::path& path, bool overwrite) { check_output_targets({path}, overwrite); }

void check_output_targets(const std::vector<fs::path>& paths, bool overwrite) {
  // Rank 0 of a cluster run checks its outputs; on the others, which write
  // nothing, the answer could change as rank 0 writes (sim/cluster.hpp).
  if (!cluster::writes_outputs()) return;
  std::vector<std::string> problems, existing;
  for (const fs::path& path : paths) {
    // By convention "-" is standard output; fnesim's outputs are files, and
    // one written under that name would surprise whoever typed it.
    if (path == "-") {
      problems.push_back(
          "-: names standard output, not a file; fnesim writes this output to a file (./- names "
          "a file called '-')");
      continue;
    }
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) continue;  // absent (other errors: the write will say)
    if (const std::string kind = kind_of(status); !kind.empty())
      problems.push_back(path.string() + ": is " + kind + "; fnesim replaces only regular files");
    else if (!overwrite)
      existing.push_back(path.string());
  }
  if (!existing.empty()) {
    std::string names;
    for (const std::string& name : existing) names += (names.empty() ? "" : ", ") + name;
    problems.push_back(names + (existing.size() == 1 ? ": exists" : ": exist") +
                       " already (use --force to overwrite)");
  }
  if (problems.empty()) return;
  std::string message;
  for (const std::string& problem : problems) message += (message.empty() ? "" : "; ") + problem;
  throw OutputTargetError(message);
}

void check_output_directory(const fs::path& path) {
  if (!cluster::writes_outputs()) return;  // as check_output_target
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    // Something else by that name is the user's slip (a file named as a
    // directory), not the environment's.
    if (fs::exists(dir, ec))
      throw OutputTargetError(path.string() + ": " + dir.string() + " is not a directory");
    throw OutputError(path.string() + ": directory " + dir.string() + " does not exist");
  }
  if (::access(dir.c_str(), W_OK) != 0)
    throw OutputError(path.string() + ": cannot write in " + dir.string() + ": " + std::strerror(errno));
}

void check_output_directory_to_make(const fs::path& directory) {
  if (!cluster::writes_outputs()) return;  // as check_output_target
  std::error_code ec;
  if (fs::is_directory(directory, ec)) {
    if (::access(directory.c_str(), W_OK) != 0)
      throw OutputError(directory.string() + ": cannot write in it: " + std::strerror(errno));
    return;
  }
  if (fs::exists(fs::symlink_status(directory, ec)))
    throw OutputTargetError(directory.string() + ": exists and is not a directory");
  // Missing: made later in its parent, which must be there ("out/csv/" names "out/csv").
  fs::path named = directory;
  while (!named.has_filename() && named.has_relative_path()) named = named.parent_path();
  check_output_directory(named);
}

void check_output_path(const fs::path& path, bool overwrite) {
  check_output_directory(path);
  check_output_target(path, overwrite);
}

void rename_into_place(const fs::path& temporary, const fs::path& target, bool overwrite) {
  try {
    check_output_target(target, overwrite);
  } catch (...) {
    remove_quietly(temporary);
    throw;
  }
  if (!overwrite) {
    // Not a file created since the check, by another process.
    if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) return;
    const int error = errno;
    if (error == EEXIST) {
      remove_quietly(temporary);
      throw OutputTargetError(target.string() + ": exists already (use --force to overwrite)");
    }
    if (error != EINVAL && error != ENOSYS) {  // else: a file system without RENAME_NOREPLACE
      remove_quietly(temporary);
      throw OutputError(target.string() + ": cannot rename the temporary file into place: " +
                        std::strerror(error));
    }
  }
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    const int error = errno;
    remove_quietly(temporary);
    throw OutputError(target.string() + ": cannot rename the temporary file into place: " +
                      std::strerror(error));
  }
}

TemporaryFile::TemporaryFile(const fs::path& target)
    : target_(target), path_(target.string() + ".tmp." + std::to_string(::getpid())) {
  if (!cluster::writes_outputs())
    throw InvariantError("only rank 0 of a cluster run writes files; rank " + std::to_string(cluster::rank()) +
                         " tried to write " + target.string());
  slot_ = list_temporary(path_.string());
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
  int fd = ::open(path_.c_str(), flags, 0666);
  if (fd < 0 && errno == EEXIST) {
    // Left by a killed process that had our process id: ours to replace.
    ::unlink(path_.c_str());
    fd = ::open(path_.c_str(), flags, 0666);
  }
  if (fd < 0) {
    const int error = errno;
    unlist_temporary(slot_);
    throw OutputError(target_.string() + ": cannot create " + path_.string() + ": " + std::strerror(error));
  }
  ::close(fd);
}

TemporaryFile::~TemporaryFile() { discard(); }

void TemporaryFile::commit(bool overwrite) {
  if (done_) throw OutputError(target_.string() + ": the temporary file is gone already");
  try {
    rename_into_place(path_, target_, overwrite);
  } catch (...) {
    discard();
    throw;
  }
  done_ = true;
  unlist_temporary(slot_);
}

void TemporaryFile::discard() noexcept {
  if (done_) return;
  remove_quietly(path_);
  done_ = true;
  unlist_temporary(slot_);
}

OutputSet::~OutputSet() {
  files_.clear();  // each removes its temporary, unless committed
  for (const MadeDirectory& made : made_directories_) {
    if (!committed_) ::rmdir(made.path.c_str());  // only if empty: a failed commit may have put files in it
    unlist_temporary(made.slot);
  }
}

void OutputSet::add_text(const fs::path& target, std::string_view content) {
  if (!cluster::writes_outputs()) return;  // a cluster run's rank 0 writes it (sim/cluster.hpp)
  auto temporary = std::make_unique<TemporaryFile>(target);
  const int fd = ::open(temporary->path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    throw OutputError(target.string() + ": cannot create " + temporary->path().string() + ": " +
                      std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(n < 0 ? errno : EIO);
      ::close(fd);
      throw OutputError(target.string() + ": write failed: " + reason);  // ~TemporaryFile removes it
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw OutputError(target.string() + ": write failed: " + std::strerror(errno));
  files_.push_back(std::move(temporary));
}

void OutputSet::add(std::unique_ptr<TemporaryFile> written) { files_.push_back(std::move(written)); }

void OutputSet::make_directory(const fs::path& directory) {
  if (!cluster::writes_outputs()) return;
  std::error_code ec;
  if (fs::is_directory(directory, ec)) return;  // the user's: never listed for removal
  // Listed before it exists, as a temporary file is: a signal then removes it too.
  const int slot = list_temporary(directory.string(), true);
  if (::mkdir(directory.c_str(), 0777) == 0) {
    made_directories_.push_back({directory, slot});
    return;
  }
  const int error = errno;
  unlist_temporary(slot);
  if (error == EEXIST && fs::is_directory(directory, ec)) return;
  throw OutputError(directory.string() + ": cannot create the directory: " + std::strerror(error));
}

void OutputSet::commit() {
  std::string placed;
  for (const auto& file : files_) {
    try {
      file->commit(overwrite_);
    } catch (const OutputError& e) {
      if (placed.empty()) throw;
      throw OutputError(std::string(e.what()) + " (already in place: " + placed + ")");
    } catch (const OutputTargetError& e) {
      if (placed.empty()) throw;
      throw OutputTargetError(std::string(e.what()) + " (already in place: " + placed + ")");
    }
    placed += (placed.empty() ? "" : ", ") + file->target().string();
  }
  committed_ = true;
  // The directories hold the outputs now: no longer the signal handler's to remove.
  for (MadeDirectory& made : made_directories_) {
    unlist_temporary(made.slot);
    made.slot = -1;
  }
}

void write_file_atomically(const fs::path& path, const std::string& content, bool overwrite) {
  OutputSet output(overwrite);
  output.add_text(path, content);
  output.commit();
}

}  // namespace fnesim
