#include "dns/control/file_stamp.h"

#include <sys/stat.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace dns::control {

bool FileStamp::Same(const FileStamp& o) const {
  return !racy && !o.racy && path == o.path && dev == o.dev && ino == o.ino && size == o.size &&
         mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
}

FileStamp StampFile(const std::string& path) {
  FileStamp s;
  s.path = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = st.st_size;
    s.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    s.ctime_ns = int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec;
    const int64_t now_ns = absl::ToUnixNanos(absl::Now());
    s.racy = now_ns - s.mtime_ns < int64_t{2000000000};
  }
  return s;
}

std::vector<FileStamp> StampFiles(const std::vector<std::string>& paths) {
  std::vector<FileStamp> out;
  out.reserve(paths.size());
  for (const std::string& p : paths) out.push_back(StampFile(p));
  return out;
}

bool SameStat(const std::vector<FileStamp>& a, const std::vector<FileStamp>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    FileStamp x = a[i], y = b[i];
    x.racy = y.racy = false;
    if (!x.Same(y)) return false;
  }
  return true;
}

bool StampsUnchanged(const std::vector<FileStamp>& a, const std::vector<FileStamp>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!a[i].Same(b[i])) return false;
  return true;
}

}  // namespace dns::control
