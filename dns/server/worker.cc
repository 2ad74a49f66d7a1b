#include "dns/server/worker.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/string_view.h"

namespace dns::server {

Worker::Worker(Transport transport, const char* kind, int index, std::string_view where)
    : transport_(transport),
      kind_(kind),
      index_(index),
      name_(absl::StrCat(kind, " ", base::AV(where), " #", index)) {}

Worker::~Worker() = default;

std::string Worker::thread_name() const {
  return absl::StrCat("steer-", kind_, "-", index_);
}

absl::StatusOr<std::vector<UniqueFd>> WorkerPlan::OpenSockets(
    absl::StatusOr<UniqueFd> (*open)(const ListenAddress&)) const {
  std::vector<UniqueFd> sockets;
  for (const ListenAddress& a : addresses) {
    absl::StatusOr<UniqueFd> fd = open(a);
    if (!fd.ok()) return fd.status();
    sockets.push_back(*std::move(fd));
  }
  return sockets;
}

std::string WorkerPlan::where() const {
  std::string out;
  for (const ListenAddress& a : addresses) {
    absl::StrAppend(&out, out.empty() ? "" : ",", FormatAddress(a.addr));
  }
  return out;
}

}  // namespace dns::server
