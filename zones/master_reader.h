// File: zones/master_reader.h
//
// The grammar of RFC 1035 §5 master files over zones::MasterTokenizer:
//
//   $ORIGIN name            relative names below are completed with it
//   $TTL ttl                the TTL of RRs written without one (RFC 2308)
//   $INCLUDE file [origin]  handed to the caller (which reads the file)
//   [owner] [ttl] [class] type rdata...    class and TTL in either order
//
// `@` is the origin; a blank owner is the previous RR's owner; a TTL is
// seconds or BIND's units (`1h30m`), at most 2147483647 (2147483648..
// 4294967295 are read as 0 with a warning, RFC 2181 §8); the class is IN
// unless written (CLASSn and TYPEn work everywhere); the RDATA is any form
// zones/rdata_text.h reads, RFC 3597's `\# len hex` included.
//
// Errors do not stop the reading: every one is collected as "file:line:
// message" up to a limit, so one pass shows what is wrong with a file. An
// RR with an error is left out.
//
// Example:
//   zones::MasterErrors errors;
//   zones::MasterReader r(path, origin_wire, zones::TtlContext{}, &errors);
//   r.Read(text, [&](const zones::MasterRecord& rr) { return Add(rr); }, &include);
//   if (!errors.empty()) return absl::InvalidArgumentError(errors.Summary());
//
// Thread safety: one reader per thread.
#ifndef STEERDNS_ZONES_MASTER_READER_H_
#define STEERDNS_ZONES_MASTER_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "zones/master_tokenizer.h"

namespace zones {

// What an RR without a TTL gets, as NSD and BIND decide it: the $TTL in
// force, else the last TTL written in the file (RFC 1035), else 3600.
// An $INCLUDEd file starts with a copy of the includer's.
struct TtlContext {
  bool has_dollar_ttl = false;
  uint32_t dollar_ttl = 0;
  bool has_last = false;
  uint32_t last_explicit = 0;

  static constexpr uint32_t kFallback = 3600;
  uint32_t Default() const {
    return has_dollar_ttl ? dollar_ttl : has_last ? last_explicit : kFallback;
  }
};

// One RR read. The views are valid during the sink call only.
struct MasterRecord {
  std::string_view owner_wire;  // absolute, case as written
  uint16_t type = 0;
  uint16_t rclass = 1;
  uint32_t ttl = 0;
  std::string_view rdata;  // uncompressed wire form
  int line = 0;
};

// An $INCLUDE directive.
struct MasterInclude {
  std::string path;         // as written (relative to the including file)
  std::string origin_wire;  // the origin the included file starts with
  TtlContext ttl;           // the TTL defaults it starts with
  int line = 0;
};

// The errors of one load (a file and those it includes): "file:line:
// message" lines, in reading order, at most kMax kept; the rest counted.
class MasterErrors {
 public:
  static constexpr size_t kMax = 20;
  void Add(std::string_view file, int line, std::string_view message);
  // An error already formatted as "file:line: message".
  void AddLine(std::string line);
  const std::vector<std::string>& lines() const { return lines_; }
  size_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The lines joined by '\n', and "... and N more errors" past kMax.
  std::string Summary() const;

  // Warnings: what loads but is not what the file says (a TTL with the top
  // bit set, read as 0), "file:line: message", all of them kept.
  void AddWarning(std::string_view file, int line, std::string_view message);
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::vector<std::string> warnings_;
  std::vector<std::string> lines_;
  size_t count_ = 0;
};

class MasterReader {
 public:
  // The sink returns "" when it takes the record, else why not, formatted
  // as "file:line: message" (the builder names its sources itself).
  using RecordSink = absl::FunctionRef<std::string(const MasterRecord&)>;
  // Reads the included file (with a reader of its own sharing the
  // errors); returns "" or why it cannot be read ("$INCLUDE x.zone: cannot
  // open: ..."), which is reported at the $INCLUDE line.
  using IncludeHandler = absl::FunctionRef<std::string(const MasterInclude&)>;

  // `file` names the text in errors.
  MasterReader(std::string file, std::string origin_wire, TtlContext ttl, MasterErrors* errors)
      : file_(std::move(file)), origin_(std::move(origin_wire)), ttl_(ttl), errors_(errors) {}

  // Reads `text`. `include` is null where $INCLUDE is not allowed (text
  // uploaded through the API): it is then an error. (A FunctionRef refers
  // to its callable: make it from a named lambda, not a temporary one.)
  void Read(std::string_view text, RecordSink sink, const IncludeHandler* include);

  // RRs the sink took.
  size_t records() const { return records_; }

 private:
  // Cold: the branches that report an error move out of the hot loop.
  [[gnu::cold, gnu::noinline]] void Error(int line, std::string_view message) {
    errors_->Add(file_, line, message);
  }
  void Directive(const MasterEntry& e, const IncludeHandler* include);
  // Warns that the TTL written `ttl_text` at `line` is read as 0.
  [[gnu::cold, gnu::noinline]] void TopBitWarning(int line, std::string_view ttl_text);

  std::string file_;
  std::string origin_;
  TtlContext ttl_;
  MasterErrors* errors_;
  std::string last_owner_;
  int origin_changes_ = 0;  // $ORIGINs seen
  size_t records_ = 0;
};

}  // namespace zones

#endif  // STEERDNS_ZONES_MASTER_READER_H_
