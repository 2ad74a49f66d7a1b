// File: zones/master_file.cc
//
// RFC 1035 master files → ZoneBuilder, with ldns parsing each RR.
//
// The file is read into memory and handed to ldns through fmemopen(), one RR
// per ldns_rr_new_frm_fp_l() call. Between calls we look at the text
// ourselves, which gives us two things ldns does not:
//  - the line where each RR *starts*: ldns folds comment lines that precede
//    an RR into the same call and only counts lines as it goes, so we skip
//    blank and comment-only lines ourselves and note the line of the first
//    octet ldns will see;
//  - the directives: $ORIGIN (a relative origin is relative to the current
//    one, RFC 1035 §5.1; ldns would make it absolute), $TTL and $INCLUDE
//    (ldns reports the latter but drops its arguments).
// Everything else (parentheses, quotes, escapes, "@", blank owners, RFC 3597
// generic RDATA) is ldns's.
//
// Fast path: most lines of a big zone are one simple RR on one line
// ("name [ttl] [IN] A|AAAA|NS|CNAME|PTR|MX|TXT rdata [; comment]"). Those are
// parsed directly (ParseSimpleRR, zones/master_file_rr.h), an order of
// magnitude cheaper than ldns; anything else goes to ldns, so the accepted
// language and every error message stay ldns's. The FILE is only positioned
// (fseek) for the records ldns reads. ForEachRRLineBothWays() reads a text
// both ways to check that the two agree.
//
// TTLs: an RR without one gets the $TTL value if a $TTL was seen, else the
// last TTL stated explicitly (RFC 1035 §5.1), else 3600. (ldns alone would
// use 3600 whenever its default is 0, so "$TTL 0" would not work; we hand it
// a marker value instead and resolve omitted TTLs ourselves.)
#include "zones/master_file.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>

#include <cerrno>
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
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "base/file.h"

namespace zones {

using base::AV;
namespace {

// How deep $INCLUDE may nest (the top file is depth 0). Real zones use one
// level; the limit only stops runaway recursion.
constexpr int kMaxIncludeDepth = 10;

// TTL of an RR without one before any $TTL or explicit TTL (as ldns, NSD).
constexpr uint32_t kFallbackTtl = 3600;

// What an RR without a TTL gets. Included files start with a copy.
struct TtlDefaults {
  bool has_dollar_ttl = false;
  uint32_t dollar_ttl = 0;
  bool has_last = false;
  uint32_t last_explicit = 0;

  uint32_t Resolve(uint32_t parsed) {
    if (parsed != kOmittedTtl) {
      has_last = true;
      last_explicit = parsed;
      return parsed;
    }
    return has_dollar_ttl ? dollar_ttl
           : has_last     ? last_explicit
                          : kFallbackTtl;
  }
};

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};

// Whitespace inside a line (as ldns treats it).
bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// Splits a directive line into words: whitespace separates, "..." quotes
// (backslash escapes kept as they are), ';' outside quotes starts a comment.
bool SplitDirective(std::string_view line, std::vector<std::string>* words) {
  words->clear();
  size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (IsBlank(c)) {
      ++i;
      continue;
    }
    if (c == ';') break;
    std::string word;
    if (c == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          word.append(line.substr(i, 2));
          i += 2;
          continue;
        }
        if (line[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        word.push_back(line[i++]);
      }
      if (!closed) return false;
    } else {
      while (i < line.size()) {
        const char d = line[i];
        if (IsBlank(d) || d == ';') break;
        if (d == '\\' && i + 1 < line.size()) {
          word.append(line.substr(i, 2));
          i += 2;
          continue;
        }
        word.push_back(d);
        ++i;
      }
    }
    words->push_back(std::move(word));
  }
  return true;
}

// ldns 1.8.3 accepts "<owner> <TTL> <class> <type>" but not the equally
// valid "<owner> <class> <TTL> <type>" (RFC 1035 §5.1). When a failed record
// starts that way, say so instead of leaving a bare "could not parse".
std::string ClassBeforeTtlHint(std::string_view record) {
  size_t i = 0;
  auto word = [&]() {
    while (i < record.size() && IsBlank(record[i])) ++i;
    const size_t b = i;
    while (i < record.size() && !IsBlank(record[i]) && record[i] != '\n' &&
           record[i] != ';')
      ++i;
    return record.substr(b, i - b);
  };
  if (!record.empty() && !IsBlank(record[0])) word();  // the owner
  const std::string_view rclass = word();
  const std::string_view ttl = word();
  const bool is_class =
      rclass.size() == 2 && (absl::EqualsIgnoreCase(AV(rclass), "IN") ||
                             absl::EqualsIgnoreCase(AV(rclass), "CH") ||
                             absl::EqualsIgnoreCase(AV(rclass), "HS") ||
                             absl::EqualsIgnoreCase(AV(rclass), "CS"));
  if (!is_class || ttl.empty() || ttl[0] < '0' || ttl[0] > '9') return "";
  return absl::StrCat(" (write the TTL before the class: \"", AV(ttl),
                      " ", AV(rclass), "\", not \"", AV(rclass),
                      " ", AV(ttl), "\")");
}

// The folder part of a path, with a trailing '/', or "" for a bare name.
std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

// Skips blank and comment-only lines from `pos`, counting them in `line`,
// so that `line` is the line of the first octet of the next record or
// directive. Returns where that starts, text.size() at the end.
size_t SkipBlankLines(std::string_view text, size_t pos, int* line) {
  for (size_t start = pos;;) {
    size_t q = start;
    while (q < text.size() && IsBlank(text[q])) ++q;
    if (q >= text.size()) return text.size();
    if (text[q] == ';') {
      q = text.find('\n', q);
      if (q == std::string_view::npos) return text.size();
    }
    if (text[q] != '\n') return start;  // content: an RR or a directive
    start = q + 1;
    ++*line;
  }
}

// Reads master-file text for one file (the top file or an included one).
class TextReader {
 public:
  // `builder` receives the RRs; nullptr: none does (a check of the parsers,
  // which goes on past RRs that ldns refuses). `visit`, if not null, sees
  // every line that starts an RR read both ways (ForEachRRLineBothWays).
  TextReader(ZoneBuilder* builder, bool allow_include,
             std::vector<std::string>* open_files,
             const RRLineVisitor* visit = nullptr)
      : builder_(builder),
        allow_include_(allow_include),
        open_files_(open_files),
        visit_(visit) {}

  // `text` is the file's content, `display` its name in messages,
  // `file_index` its ZoneBuilder source index.
  absl::Status Read(std::string_view text, const std::string& display,
                    int file_index, std::string origin_wire, TtlDefaults ttl,
                    int depth);

 private:
  absl::Status Directive(std::string_view line, const std::string& display,
                         int line_no, std::string* origin_wire,
                         LdnsRRReader* ldns, TtlDefaults* ttl, int depth);

  ZoneBuilder* builder_;
  bool allow_include_;
  std::vector<std::string>* open_files_;  // real paths of files being read
  const RRLineVisitor* visit_;
};

absl::Status TextReader::Read(std::string_view text, const std::string& display,
                              int file_index, std::string origin_wire,
                              TtlDefaults ttl, int depth) {
  if (text.empty()) return absl::OkStatus();
  std::unique_ptr<FILE, FileCloser> fp(
      fmemopen(const_cast<char*>(text.data()), text.size(), "r"));
  if (fp == nullptr) {
    return absl::InternalError(
        absl::StrCat(display, ": fmemopen: ", std::strerror(errno)));
  }
  // The stream never leaves this thread: spare ldns's getc() the lock.
  __fsetlocking(fp.get(), FSETLOCKING_BYCALLER);
  LdnsRRReader ldns;
  if (!ldns.SetOrigin(origin_wire)) {
    return absl::ResourceExhaustedError(
        absl::StrCat(display, ": out of memory"));
  }
  int line = 1;
  size_t pos = 0;               // where the next record or directive starts
  ParsedRR rr;
  std::string last_owner;       // owner of the previous RR, for blank owners
  bool previous_stale = false;  // ldns's previous owner is behind last_owner
  // Hands the RR read at `start_line` to the builder, owned by last_owner.
  auto add = [&](int start_line) {
    if (builder_ == nullptr) return absl::OkStatus();
    return builder_->Add(last_owner, rr.type, rr.rclass, ttl.Resolve(rr.ttl),
                         rr.rdata, SourceLocation{file_index, start_line});
  };

  for (;;) {
    const size_t start = SkipBlankLines(text, pos, &line);
    if (start >= text.size()) break;
    const int start_line = line;
    size_t eol = text.find('\n', start);
    if (eol == std::string_view::npos) eol = text.size();
    const size_t after_line = eol < text.size() ? eol + 1 : eol;
    const std::string_view record_line = text.substr(start, eol - start);

    // A directive line is ours.
    if (text[start] == '$') {
      ++line;
      pos = after_line;
      absl::Status s = Directive(record_line, display, start_line,
                                 &origin_wire, &ldns, &ttl, depth);
      if (!s.ok()) return s;
      continue;
    }
    if (visit_ != nullptr) {
      (*visit_)(start_line, record_line,
                ReadRRLineBothWays(record_line, origin_wire, last_owner));
    }

    // A simple one-line RR is the fast path's, as long as a blank owner has
    // a previous owner to stand for.
    if (ParseSimpleRR(record_line, origin_wire, &rr) &&
        (!rr.owner.empty() || !last_owner.empty())) {
      if (!rr.owner.empty()) {
        last_owner.swap(rr.owner);
        previous_stale = true;
      }
      ++line;
      pos = after_line;
      if (absl::Status s = add(start_line); !s.ok()) return s;
      continue;
    }

    // Anything else is ldns's, read through the FILE from the record's
    // first octet.
    if (previous_stale) {
      if (!ldns.SetPrevious(last_owner)) {
        return absl::ResourceExhaustedError(
            absl::StrCat(display, ": out of memory"));
      }
      previous_stale = false;
    }
    if (fseek(fp.get(), static_cast<long>(start), SEEK_SET) != 0) {
      return absl::InternalError(
          absl::StrCat(display, ": fseek: ", std::strerror(errno)));
    }
    std::string error;
    const LdnsRRReader::Result result = ldns.Read(fp.get(), &line, &rr, &error);
    const long here = ftell(fp.get());
    if (here < 0) {
      return absl::InternalError(
          absl::StrCat(display, ": ftell: ", std::strerror(errno)));
    }
    pos = static_cast<size_t>(here);
    switch (result) {
      case LdnsRRReader::Result::kRR:
        break;
      case LdnsRRReader::Result::kEmpty:
        continue;
      case LdnsRRReader::Result::kSyntaxError:
      case LdnsRRReader::Result::kEncodeError:
        if (builder_ == nullptr) {  // a check: on to the next line
          if (pos < after_line) {
            pos = after_line;
            line = start_line + 1;
          }
          continue;
        }
        return absl::InvalidArgumentError(absl::StrCat(
            display, ":", start_line, ": ", error,
            result == LdnsRRReader::Result::kSyntaxError
                ? ClassBeforeTtlHint(text.substr(start))
                : std::string()));
    }
    last_owner = rr.owner;  // ldns's previous owner is it as well
    if (absl::Status s = add(start_line); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status TextReader::Directive(std::string_view line,
                                   const std::string& display, int line_no,
                                   std::string* origin_wire,
                                   LdnsRRReader* ldns, TtlDefaults* ttl,
                                   int depth) {
  auto error = [&](const std::string& what) {
    return absl::InvalidArgumentError(
        absl::StrCat(display, ":", line_no, ": ", what));
  };
  std::vector<std::string> words;
  if (!SplitDirective(line, &words) || words.empty())
    return error("malformed directive");
  const std::string& name = words[0];

  if (name == "$ORIGIN") {
    if (words.size() != 2) return error("$ORIGIN takes one domain name");
    std::string wire;
    if (!dns::NameFromText(words[1], &wire, *origin_wire)) {
      return error(absl::StrCat("bad $ORIGIN name '", words[1], "'"));
    }
    if (!ldns->SetOrigin(wire)) return error("out of memory");
    *origin_wire = std::move(wire);
    return absl::OkStatus();
  }

  if (name == "$TTL") {
    if (words.size() != 2) return error("$TTL takes one TTL value");
    const char* end = nullptr;
    const uint32_t value = ldns_str2period(words[1].c_str(), &end);
    if (words[1].empty() || !(words[1][0] >= '0' && words[1][0] <= '9') ||
        end == nullptr || *end != '\0') {
      return error(absl::StrCat("bad $TTL value '", words[1], "'"));
    }
    ttl->has_dollar_ttl = true;
    ttl->dollar_ttl = value;
    return absl::OkStatus();
  }

  if (name == "$INCLUDE") {
    if (!allow_include_)
      return error("$INCLUDE is not allowed here (zone text, not a file)");
    if (words.size() < 2 || words.size() > 3) {
      return error("$INCLUDE takes a file name and an optional origin");
    }
    if (depth + 1 > kMaxIncludeDepth) {
      return error(absl::StrCat("$INCLUDE nests deeper than ", kMaxIncludeDepth,
                                " files"));
    }
    const std::string& file = words[1];
    const std::string path =
        !file.empty() && file[0] == '/' ? file : DirectoryOf(display) + file;
    std::string include_origin = *origin_wire;
    if (words.size() == 3 &&
        !dns::NameFromText(words[2], &include_origin, *origin_wire)) {
      return error(absl::StrCat("bad $INCLUDE origin '", words[2], "'"));
    }
    const std::string real = RealPath(path);
    for (const std::string& open : *open_files_) {
      if (open == real)
        return error(
            absl::StrCat("$INCLUDE loop: ", path, " is already being read"));
    }
    absl::StatusOr<std::string> content = base::ReadFile(path);
    if (!content.ok()) {
      return absl::Status(content.status().code(),
                          absl::StrCat(display, ":", line_no, ": $INCLUDE ",
                                       content.status().message()));
    }
    const int index = builder_->AddSource(path);
    open_files_->push_back(real);
    absl::Status s =
        Read(*content, path, index, std::move(include_origin), *ttl, depth + 1);
    open_files_->pop_back();
    return s;
  }

  return error(absl::StrCat("unsupported directive ", name));
}

}  // namespace

absl::Status ReadMasterFile(const std::string& path, ZoneBuilder* builder) {
  absl::StatusOr<std::string> content = base::ReadFile(path);
  if (!content.ok()) return content.status();
  const int index = builder->AddSource(path);
  std::vector<std::string> open_files = {RealPath(path)};
  TextReader reader(builder, /*allow_include=*/true, &open_files);
  return reader.Read(*content, path, index, builder->origin(), TtlDefaults(), 0);
}

absl::Status ReadMasterText(std::string_view text,
                            const std::string& display_name,
                            ZoneBuilder* builder) {
  const int index = builder->AddSource(display_name);
  std::vector<std::string> open_files;
  TextReader reader(builder, /*allow_include=*/false, &open_files);
  return reader.Read(text, display_name, index, builder->origin(),
                     TtlDefaults(), 0);
}

absl::Status ForEachRRLineBothWays(std::string_view text,
                                   const std::string& origin_wire,
                                   const RRLineVisitor& visit) {
  std::vector<std::string> open_files;
  TextReader reader(/*builder=*/nullptr, /*allow_include=*/false, &open_files,
                    &visit);
  return reader.Read(text, "(text)", -1, origin_wire, TtlDefaults(), 0);
}

absl::StatusOr<std::shared_ptr<const Zone>> LoadMasterFile(
    std::string_view origin_text, const std::string& path) {
  std::string origin;
  if (!dns::NameFromText(origin_text, &origin)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad zone origin '",
        absl::string_view(origin_text.data(), origin_text.size()), "'"));
  }
  ZoneBuilder builder(std::move(origin));
  absl::Status s = ReadMasterFile(path, &builder);
  if (!s.ok()) return s;
  return std::move(builder).Build();
}

}  // namespace zones
