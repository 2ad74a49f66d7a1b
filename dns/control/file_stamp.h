// File: dns/control/file_stamp.h
//
// FileStamp: the stat() of a file an input was read from, so that SIGHUP
// re-reads a file only when it changed, and the data dir copies a
// command-line zone only while its files are still what is serving.
//
// Example:
//   std::vector<FileStamp> loaded = StampFiles(zone->sources());
//   ... later ...
//   if (!StampsUnchanged(StampFiles(zone->sources()), loaded)) reload();
//
// Thread safety: plain values and functions of the file system.
#ifndef STEERDNS_DNS_CONTROL_FILE_STAMP_H_
#define STEERDNS_DNS_CONTROL_FILE_STAMP_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dns::control {

// stat() of one file (size -1 and zeros when it cannot be stat'ed).
struct FileStamp {
  std::string path;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = -1;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  // Modified within 2 s of being stamped: a later write in the same clock
  // tick could leave every field equal (git's "racy clean" problem), so
  // such a file always counts as changed.
  bool racy = false;

  // Unchanged for sure: same path and stat, and neither stamp racy.
  bool Same(const FileStamp& o) const;
};

// The stamp of `path` now.
FileStamp StampFile(const std::string& path);
// StampFile of each path, in order.
std::vector<FileStamp> StampFiles(const std::vector<std::string>& paths);

// Same files with the same stat, racy or not: nothing was written since
// (as far as stat can tell).
bool SameStat(const std::vector<FileStamp>& a, const std::vector<FileStamp>& b);
// Unchanged for sure: same files, each Same() (none racy).
bool StampsUnchanged(const std::vector<FileStamp>& a, const std::vector<FileStamp>& b);

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_FILE_STAMP_H_
