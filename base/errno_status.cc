// File: base/errno_status.cc
#include "base/errno_status.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/string_view.h"

namespace base {

std::string ErrnoText(int err) {
  char buf[256];
  // GNU strerror_r returns the message (not always in buf).
  return strerror_r(err, buf, sizeof buf);
}

absl::Status ErrnoStatus(int err, std::string_view context) {
  std::string msg = absl::StrCat(AV(context), ": ", ErrnoText(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case EISDIR:  // a file was asked for; there is none, only a folder
      return absl::NotFoundError(msg);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(msg);
    case EEXIST:
    case ENOTEMPTY:
      return absl::FailedPreconditionError(msg);
    case ENOSPC:
    case EDQUOT:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
      return absl::ResourceExhaustedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

}  // namespace base
