// File: base/file.h
//
// Whole files in and out, with one error contract for every module:
//
//   absl::StatusOr<std::string> text = base::ReadFile("zone.db");
//   // !ok: NotFound "zone.db: cannot open: No such file or directory"
//   absl::Status s = base::WriteFileAtomically("/var/lib/steerdns/x", text);
//
// ReadFile errors carry the code of the errno that stopped it
// (base/errno_status.h) and the message "PATH: cannot open: STRERROR" (or
// "cannot read" for an error after the open). A folder is "Is a directory".
//
// WriteFileAtomically replaces PATH so that a reader, or a crash at any
// moment, sees either the old content or the new one: the content goes to
// a temporary file with a unique name beside PATH (its name contains
// kTempMarker; IsTempFileName tells such leftovers apart), which is
// fsynced, renamed over PATH, and then the folder is fsynced.
//
// Thread safety: plain functions; concurrent atomic writes of different
// paths, or of the same path, are safe (the last rename wins).
#ifndef STEERDNS_BASE_FILE_H_
#define STEERDNS_BASE_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace base {

// The whole content of the file at `path`.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Replaces the file at `path` with `content`, durably (see the file
// comment). On failure "PATH: STEP: STRERROR" (STEP: create, write, fsync,
// close, rename, open folder, fsync folder) with the errno's code
// (ErrnoStatus: a missing folder is NotFound, a full disk
// ResourceExhausted); no temporary file is left. The file is created with
// `mode` (less the umask): 0600 for secrets such as DNSSEC private keys,
// which are then never readable by others, not even for a moment.
absl::Status WriteFileAtomically(const std::string& path, std::string_view content,
                                 mode_t mode = 0644);

// What the temporary files of WriteFileAtomically have in their names.
inline constexpr std::string_view kTempMarker = ".tmp-";
// True for a name WriteFileAtomically uses for its temporary files.
bool IsTempFileName(std::string_view name);

// fsync() of a folder, so that a file created, renamed or removed in it
// survives a crash. "DIR: open folder|fsync folder: STRERROR" on failure.
absl::Status FsyncDir(const std::string& dir);

// The folder part of `path` ("a/b" -> "a", "b" -> ".", "/b" -> "/").
std::string ParentDir(const std::string& path);

}  // namespace base

#endif  // STEERDNS_BASE_FILE_H_
