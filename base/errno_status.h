// File: base/errno_status.h
//
// errno values as absl::Status, with the code a caller can act on:
//
//   if (fd < 0) return base::ErrnoStatus(errno, absl::StrCat(path, ": cannot open"));
//   // NotFound "zone.db: cannot open: No such file or directory"
#ifndef STEERDNS_BASE_ERRNO_STATUS_H_
#define STEERDNS_BASE_ERRNO_STATUS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace base {

// strerror(err), thread-safe.
std::string ErrnoText(int err);

// The status for `err`: NotFound (ENOENT, ENOTDIR, EISDIR), PermissionDenied (EACCES,
// EPERM, EROFS), FailedPrecondition (EEXIST, ENOTEMPTY),
// ResourceExhausted (ENOSPC, EDQUOT, ENOMEM, EMFILE, ENFILE), else Internal;
// message "CONTEXT: STRERROR".
absl::Status ErrnoStatus(int err, std::string_view context);

}  // namespace base

#endif  // STEERDNS_BASE_ERRNO_STATUS_H_
