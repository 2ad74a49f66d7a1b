// File: base/error_list.cc
#include "base/error_list.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/string_view.h"

namespace base {

void ErrorList::Add(std::string_view file, int line, std::string_view message) {
  ++count_;
  if (lines_.size() < kMax) lines_.push_back(absl::StrCat(AV(file), ":", line, ": ", AV(message)));
}

void ErrorList::AddLine(std::string_view line) {
  ++count_;
  if (lines_.size() < kMax) lines_.emplace_back(line.substr(0, line.find('\n')));
}

void ErrorList::AddStatus(const absl::Status& status) {
  if (status.ok()) return;
  const absl::string_view message = status.message();
  if (message.empty()) return AddLine(status.ToString());
  for (absl::string_view line : absl::StrSplit(message, '\n', absl::SkipEmpty())) {
    // A nested Summary()'s own "... and N more errors" counts those N.
    size_t more = 0;
    if (absl::ConsumePrefix(&line, "... and ") && absl::SimpleAtoi(line.substr(0, line.find(' ')), &more)) {
      count_ += more;
      continue;
    }
    AddLine(std::string_view(line.data(), line.size()));
  }
}

std::string ErrorList::Summary() const {
  std::string out;
  for (const std::string& l : lines_) {
    if (!out.empty()) out.push_back('\n');
    out.append(l);
  }
  if (count_ > lines_.size()) {
    const size_t more = count_ - lines_.size();
    absl::StrAppend(&out, "\n... and ", more, " more error", more == 1 ? "" : "s");
  }
  return out;
}

absl::Status ErrorList::ToStatus() const {
  return empty() ? absl::OkStatus() : absl::InvalidArgumentError(Summary());
}

}  // namespace base
