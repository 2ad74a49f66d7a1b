// File: base/file.cc
#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace base {
namespace {

void RemoveQuietly(const std::string& path) { (void)::unlink(path.c_str()); }

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::Status StepError(const std::string& path, const char* step, int err) {
  return ErrnoStatus(err, absl::StrCat(path, ": ", step));
}

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat(path, ": cannot open"));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus(err, absl::StrCat(path, ": cannot open"));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return ErrnoStatus(EISDIR, absl::StrCat(path, ": cannot open"));
  }
  std::string out;
  if (S_ISREG(st.st_mode)) out.reserve(static_cast<size_t>(st.st_size));
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ErrnoStatus(err, absl::StrCat(path, ": cannot read"));
    }
    out.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::Status FsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return StepError(dir, "open folder", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return StepError(dir, "fsync folder", err);
  return absl::OkStatus();
}

bool IsTempFileName(std::string_view name) {
  return name.find(kTempMarker) != std::string_view::npos;
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view content,
                                 mode_t mode) {
  static std::atomic<uint64_t> counter{0};
  const std::string dir = ParentDir(path);
  const std::string temp =
      absl::StrCat(dir, "/", BaseName(path), std::string(kTempMarker), ::getpid(), "-",
                   counter.fetch_add(1, std::memory_order_relaxed));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return StepError(temp, "create", errno);
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      RemoveQuietly(temp);
      return StepError(temp, "write", err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    RemoveQuietly(temp);
    return StepError(temp, "fsync", err);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    RemoveQuietly(temp);
    return StepError(temp, "close", err);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    RemoveQuietly(temp);
    return StepError(path, "rename", err);
  }
  return FsyncDir(dir);
}

}  // namespace base
