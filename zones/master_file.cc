// File: zones/master_file.cc
//
// RFC 1035 master files → ZoneBuilder, with our own reader
// (zones/master_reader.h over zones/master_tokenizer.h and
// zones/rdata_text.h). This file adds what concerns files: reading them,
// $INCLUDE (paths relative to the including file, a depth limit, loops
// refused), the builder as the sink of the records, and the errors of a
// whole load (every file it includes) gathered into one status.
#include "zones/master_file.h"

#include <stdlib.h>

#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/file.h"
#include "dns/wire/name.h"
#include "zones/master_reader.h"

namespace zones {
namespace {

// How deep $INCLUDE may nest (the top file is depth 0). Real zones use one
// level; the limit only stops runaway recursion.
constexpr int kMaxIncludeDepth = 10;

// The folder part of a path, with a trailing '/', or "" for a bare name.
std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

// The lines of `text` (memchr: the line count of a 1M-record file in a
// few milliseconds).
size_t CountLines(std::string_view text) {
  size_t lines = 1;
  for (const char *p = text.data(), *end = p + text.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) != nullptr;
       ++p) {
    ++lines;
  }
  return lines;
}

// True if the wire name `owner` (any case) is `origin_wire` (lower case)
// or below it.
bool InZone(std::string_view owner, std::string_view origin_wire) {
  for (size_t p = 0; p < owner.size(); p += 1 + static_cast<uint8_t>(owner[p])) {
    const size_t rest = owner.size() - p;
    if (rest == origin_wire.size()) {
      return absl::EqualsIgnoreCase(absl::string_view(owner.data() + p, rest),
                                    absl::string_view(origin_wire.data(), origin_wire.size()));
    }
    if (rest < origin_wire.size()) return false;
  }
  return false;
}

// One load: a text or file and the files it includes, into one builder,
// with the errors of all of them in one list.
class Loader {
 public:
  Loader(ZoneBuilder* builder, bool allow_include)
      : builder_(builder), allow_include_(allow_include) {}

  // Reads `text`, named `display` in messages, source `file_index` of the
  // builder, starting with `origin_wire` and `ttl`; `depth` counts the
  // $INCLUDEs that led here.
  void Read(std::string_view text, const std::string& display, int file_index,
            std::string origin_wire, TtlContext ttl, int depth);

  // Marks `real_path` as being read (for loop detection).
  void Open(std::string real_path) { open_files_.push_back(std::move(real_path)); }

  // Hands the load's warnings to the builder, then returns OK, or every
  // error found: InvalidArgument (NotFound when the first one is an
  // $INCLUDE that cannot be opened).
  absl::Status Result() const {
    for (const std::string& w : errors_.warnings()) builder_->AddWarning(w);
    if (errors_.empty()) return absl::OkStatus();
    return absl::Status(first_code_, errors_.Summary());
  }

 private:
  // "" once the included file is read, else why it cannot be.
  std::string Include(const MasterInclude& inc, const std::string& includer, int depth);

  ZoneBuilder* builder_;
  bool allow_include_;
  MasterErrors errors_;
  absl::StatusCode first_code_ = absl::StatusCode::kInvalidArgument;
  std::vector<std::string> open_files_;  // real paths of the files being read
};

void Loader::Read(std::string_view text, const std::string& display, int file_index,
                  std::string origin_wire, TtlContext ttl, int depth) {
  // At most one RR a line, and RDATA in wire form is mostly shorter than
  // its text: the builder's tables are allocated once.
  builder_->Reserve(CountLines(text), text.size());
  MasterReader reader(display, std::move(origin_wire), ttl, &errors_);
  // The builder's errors name the record's file and line themselves.
  auto sink = [&](const MasterRecord& rr) -> std::string {
    // An owner outside the zone: left out with a warning, as BIND ("ignoring
    // out-of-zone data") and Knot do (NSD refuses the zone).
    if (!InZone(rr.owner_wire, builder_->origin())) [[unlikely]] {
      errors_.AddWarning(display, rr.line,
                         absl::StrCat("owner ", dns::NameToText(rr.owner_wire),
                                      " is outside the zone ", dns::NameToText(builder_->origin()),
                                      "; ignored"));
      return std::string();
    }
    absl::Status s = builder_->Add(rr.owner_wire, rr.type, rr.rclass, rr.ttl, rr.rdata,
                                   SourceLocation{file_index, rr.line});
    return s.ok() ? std::string() : std::string(s.message());
  };
  if (!allow_include_) {
    reader.Read(text, sink, nullptr);
    return;
  }
  auto read_include = [&](const MasterInclude& inc) { return Include(inc, display, depth); };
  const MasterReader::IncludeHandler include(read_include);
  reader.Read(text, sink, &include);
}

std::string Loader::Include(const MasterInclude& inc, const std::string& includer,
                            int depth) {
  if (depth + 1 > kMaxIncludeDepth) {
    return absl::StrCat("$INCLUDE nests deeper than ", kMaxIncludeDepth, " files");
  }
  const std::string path =
      !inc.path.empty() && inc.path[0] == '/' ? inc.path : DirectoryOf(includer) + inc.path;
  std::string real = RealPath(path);
  for (const std::string& open : open_files_) {
    if (open == real) return absl::StrCat("$INCLUDE loop: ", path, " is already being read");
  }
  absl::StatusOr<std::string> content = base::ReadFile(path);
  if (!content.ok()) {
    if (errors_.empty()) first_code_ = content.status().code();
    return absl::StrCat("$INCLUDE ", content.status().message());
  }
  const int index = builder_->AddSource(path);
  open_files_.push_back(std::move(real));
  Read(*content, path, index, inc.origin_wire, inc.ttl, depth + 1);
  open_files_.pop_back();
  return "";
}

}  // namespace

absl::Status ReadMasterFile(const std::string& path, ZoneBuilder* builder) {
  absl::StatusOr<std::string> content = base::ReadFile(path);
  if (!content.ok()) return content.status();
  const int index = builder->AddSource(path);
  Loader loader(builder, /*allow_include=*/true);
  loader.Open(RealPath(path));
  loader.Read(*content, path, index, builder->origin(), TtlContext(), 0);
  return loader.Result();
}

absl::Status ReadMasterText(std::string_view text, const std::string& display_name,
                            ZoneBuilder* builder) {
  const int index = builder->AddSource(display_name);
  Loader loader(builder, /*allow_include=*/false);
  loader.Read(text, display_name, index, builder->origin(), TtlContext(), 0);
  return loader.Result();
}

absl::StatusOr<std::shared_ptr<const Zone>> LoadMasterFile(std::string_view origin_text,
                                                           const std::string& path) {
  std::string origin;
  if (!dns::NameFromText(origin_text, &origin)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad zone origin '", absl::string_view(origin_text.data(), origin_text.size()), "'"));
  }
  ZoneBuilder builder(std::move(origin));
  absl::Status s = ReadMasterFile(path, &builder);
  if (!s.ok()) return s;
  return std::move(builder).Build();
}

}  // namespace zones
