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
// parsed here directly (FastRR), an order of magnitude cheaper than ldns,
// which allocates an ldns_rr and several rdfs per record; anything else
// (parentheses, escapes, other types or classes, TTL units, a token that is
// not plainly valid) goes to ldns exactly as before, so the accepted
// language and every error message stay ldns's. The FILE is only positioned
// (fseek) for the records ldns reads.
//
// TTLs: an RR without one gets the $TTL value if a $TTL was seen, else the
// last TTL stated explicitly (RFC 1035 §5.1), else 3600. (ldns alone would
// use 3600 whenever its default is 0, so "$TTL 0" would not work; we hand it
// a marker value instead and resolve omitted TTLs ourselves.)
#include "zones/master_file.h"

#include <ldns/ldns.h>
#include <arpa/inet.h>
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

// Given to ldns as the default TTL: an RR that comes back with it had none.
// (A TTL with the top bit set is not a real one, RFC 2181 §8.)
constexpr uint32_t kOmittedTtl = 0xffffffffu;
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
struct RdfFreer {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct BufferFreer {
  void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};
struct RRFreer {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFreer>;

// An ldns_rdf* that ldns may replace through a pointer to it, freed at the
// end of the scope.
struct RdfSlot {
  ldns_rdf* rdf = nullptr;
  RdfSlot() = default;
  explicit RdfSlot(ldns_rdf* r) : rdf(r) {}
  RdfSlot(const RdfSlot&) = delete;
  RdfSlot& operator=(const RdfSlot&) = delete;
  ~RdfSlot() { Reset(nullptr); }
  void Reset(ldns_rdf* r) {
    if (rdf != nullptr) ldns_rdf_deep_free(rdf);
    rdf = r;
  }
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

RdfPtr OriginRdf(const std::string& origin_wire) {
  return RdfPtr(ldns_dname_new_frm_data(
      static_cast<uint16_t>(origin_wire.size()), origin_wire.data()));
}

// --- Fast path (see the file comment) ---------------------------------------

// One RR FastRR parsed.
struct FastRecord {
  uint16_t type = 0;
  uint32_t ttl = kOmittedTtl;  // kOmittedTtl: none on the line
  std::string owner;           // wire; empty: the previous owner
  std::string rdata;           // wire
};

inline bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*';
}

// A domain name token of plain characters (letters, digits, '-', '_', '*'
// and dots; "@" is the origin) into wire form, a relative one completed
// with `origin_wire`. False for anything else: ldns decides those.
bool FastName(std::string_view tok, const std::string& origin_wire,
              std::string* out) {
  out->clear();
  if (tok == "@") {
    *out = origin_wire;
    return true;
  }
  if (tok.empty() || tok == ".") return false;
  size_t i = 0;
  for (;;) {
    size_t j = i;
    while (j < tok.size() && tok[j] != '.') {
      if (!IsNameChar(tok[j])) return false;
      ++j;
    }
    const size_t len = j - i;
    if (len == 0 || len > dns::kMaxLabelLength) return false;
    out->push_back(static_cast<char>(len));
    out->append(tok.substr(i, len));
    if (j == tok.size()) {  // relative
      out->append(origin_wire);
      break;
    }
    i = j + 1;
    if (i == tok.size()) {  // absolute
      out->push_back('\0');
      break;
    }
  }
  return out->size() <= dns::kMaxNameLength;
}

// Decimal digits only, at most `max_digits` of them.
bool FastNumber(std::string_view tok, size_t max_digits, uint32_t* v) {
  if (tok.empty() || tok.size() > max_digits) return false;
  uint32_t n = 0;
  for (char c : tok) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  *v = n;
  return true;
}

bool EqualsUpper(std::string_view tok, std::string_view upper) {
  if (tok.size() != upper.size()) return false;
  for (size_t i = 0; i < tok.size(); ++i) {
    char c = tok[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != upper[i]) return false;
  }
  return true;
}

// Parses `line` (one line, without its newline) if it is one simple RR;
// false means "let ldns read it". `origin_wire`: the current origin.
bool FastRR(std::string_view line, const std::string& origin_wire,
            FastRecord* rr) {
  // Parentheses, escapes and quotes outside TXT are ldns's.
  size_t i = 0;
  const size_t n = line.size();
  auto blank = [&](size_t k) { return k < n && IsBlank(line[k]); };
  auto next_token = [&]() -> std::string_view {
    while (blank(i)) ++i;
    const size_t b = i;
    while (i < n && !IsBlank(line[i]) && line[i] != ';') {
      const char c = line[i];
      if (c == '(' || c == ')' || c == '\\' || c == '"') return {};
      ++i;
    }
    return line.substr(b, i - b);
  };
  auto at_end = [&]() {
    while (blank(i)) ++i;
    return i == n || line[i] == ';';
  };

  if (n == 0) return false;
  if (IsBlank(line[0])) {
    rr->owner.clear();  // the previous owner
  } else {
    if (!FastName(next_token(), origin_wire, &rr->owner)) return false;
  }
  std::string_view tok = next_token();
  rr->ttl = kOmittedTtl;
  if (!tok.empty() && tok[0] >= '0' && tok[0] <= '9') {
    uint32_t ttl;
    if (!FastNumber(tok, 9, &ttl)) return false;  // TTL units: ldns
    rr->ttl = ttl;
    tok = next_token();
  }
  if (EqualsUpper(tok, "IN")) tok = next_token();
  if (tok.empty()) return false;

  std::string& rd = rr->rdata;
  rd.clear();
  if (EqualsUpper(tok, "A") || EqualsUpper(tok, "AAAA")) {
    const bool v6 = tok.size() == 4;
    rr->type = v6 ? dns::rrtype::kAAAA : dns::rrtype::kA;
    const std::string_view addr = next_token();
    char buf[64];
    if (addr.empty() || addr.size() >= sizeof buf) return false;
    std::memcpy(buf, addr.data(), addr.size());
    buf[addr.size()] = '\0';
    unsigned char out[16];
    if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, out) != 1) return false;
    rd.assign(reinterpret_cast<const char*>(out), v6 ? 16 : 4);
  } else if (EqualsUpper(tok, "NS") || EqualsUpper(tok, "CNAME") ||
             EqualsUpper(tok, "PTR")) {
    rr->type = tok.size() == 2   ? dns::rrtype::kNS
               : tok.size() == 5 ? dns::rrtype::kCNAME
                                 : dns::rrtype::kPTR;
    if (!FastName(next_token(), origin_wire, &rd)) return false;
  } else if (EqualsUpper(tok, "MX")) {
    rr->type = dns::rrtype::kMX;
    uint32_t pref;
    if (!FastNumber(next_token(), 5, &pref) || pref > 0xffff) return false;
    std::string target;
    if (!FastName(next_token(), origin_wire, &target)) return false;
    rd.push_back(static_cast<char>(pref >> 8));
    rd.push_back(static_cast<char>(pref));
    rd.append(target);
  } else if (EqualsUpper(tok, "TXT")) {
    rr->type = dns::rrtype::kTXT;
    // One or more "quoted strings" without escapes, 1..255 octets each.
    for (;;) {
      while (blank(i)) ++i;
      if (i == n || line[i] == ';') break;
      if (line[i] != '"') return false;
      const size_t b = ++i;
      while (i < n && line[i] != '"') {
        if (line[i] == '\\') return false;
        ++i;
      }
      if (i == n) return false;  // unterminated
      const size_t len = i - b;
      for (size_t k = b; k < i; ++k) {  // printable ASCII only, else ldns
        if (static_cast<unsigned char>(line[k]) < 0x20 ||
            static_cast<unsigned char>(line[k]) >= 0x7f)
          return false;
      }
      ++i;
      if (len == 0 || len > 255 || (i < n && !IsBlank(line[i]) && line[i] != ';'))
        return false;
      rd.push_back(static_cast<char>(len));
      rd.append(line.substr(b, len));
    }
    if (rd.empty()) return false;
  } else {
    return false;
  }
  return at_end();
}

// Reads master-file text for one file (the top file or an included one).
class TextReader {
 public:
  TextReader(ZoneBuilder* builder, bool allow_include,
             std::vector<std::string>* open_files)
      : builder_(builder),
        allow_include_(allow_include),
        open_files_(open_files) {}

  // `text` is the file's content, `display` its name in messages,
  // `file_index` its ZoneBuilder source index.
  absl::Status Read(std::string_view text, const std::string& display,
                    int file_index, std::string origin_wire, TtlDefaults ttl,
                    int depth);

 private:
  absl::Status Directive(std::string_view line, const std::string& display,
                         int line_no, std::string* origin_wire, RdfSlot* origin,
                         TtlDefaults* ttl, int depth);

  ZoneBuilder* builder_;
  bool allow_include_;
  std::vector<std::string>* open_files_;  // real paths of files being read
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
  RdfSlot origin(OriginRdf(origin_wire).release());
  RdfSlot prev;  // previous owner, for blank owners; ldns updates it
  std::unique_ptr<ldns_buffer, BufferFreer> rdata(ldns_buffer_new(512));
  if (origin.rdf == nullptr || rdata == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat(display, ": out of memory"));
  }
  int line = 1;
  size_t pos = 0;           // where the next record or directive starts
  FastRecord fast;
  std::string last_owner;   // owner of the previous RR, for blank owners
  bool prev_stale = false;  // ldns's `prev` is behind last_owner

  for (;;) {
    // Skip blank and comment-only lines, counting them, so that `line` is
    // the line of the first octet of the record.
    size_t start = pos;
    for (;;) {
      size_t q = start;
      while (q < text.size() && IsBlank(text[q])) ++q;
      if (q >= text.size()) {
        start = text.size();
        break;
      }
      if (text[q] == ';') {
        q = text.find('\n', q);
        if (q == std::string_view::npos) {
          start = text.size();
          break;
        }
      }
      if (text[q] != '\n') break;  // content: an RR or a directive
      start = q + 1;
      ++line;
    }
    if (start >= text.size()) break;
    const int start_line = line;
    size_t eol = text.find('\n', start);
    if (eol == std::string_view::npos) eol = text.size();
    const size_t after_line = eol < text.size() ? eol + 1 : eol;

    // A directive line is ours.
    if (text[start] == '$') {
      ++line;
      pos = after_line;
      absl::Status s = Directive(text.substr(start, eol - start), display,
                                 start_line, &origin_wire, &origin, &ttl,
                                 depth);
      if (!s.ok()) return s;
      continue;
    }

    // A simple one-line RR is ours too (FastRR), as long as a blank owner
    // has a previous owner to stand for.
    if (FastRR(text.substr(start, eol - start), origin_wire, &fast) &&
        (!fast.owner.empty() || !last_owner.empty())) {
      if (!fast.owner.empty()) {
        last_owner.swap(fast.owner);
        prev_stale = true;
      }
      ++line;
      pos = after_line;
      absl::Status s = builder_->Add(
          last_owner, fast.type, LDNS_RR_CLASS_IN, ttl.Resolve(fast.ttl),
          fast.rdata, SourceLocation{file_index, start_line});
      if (!s.ok()) return s;
      continue;
    }

    // Anything else is ldns's, read through the FILE from the record's
    // first octet.
    if (prev_stale) {
      prev.Reset(ldns_dname_new_frm_data(
          static_cast<uint16_t>(last_owner.size()), last_owner.data()));
      prev_stale = false;
    }
    if (fseek(fp.get(), static_cast<long>(start), SEEK_SET) != 0) {
      return absl::InternalError(
          absl::StrCat(display, ": fseek: ", std::strerror(errno)));
    }
    ldns_rr* raw = nullptr;
    uint32_t omitted = kOmittedTtl;
    const ldns_status st = ldns_rr_new_frm_fp_l(&raw, fp.get(), &omitted,
                                                &origin.rdf, &prev.rdf, &line);
    const long here = ftell(fp.get());
    if (here < 0) {
      if (raw != nullptr) ldns_rr_free(raw);
      return absl::InternalError(
          absl::StrCat(display, ": ftell: ", std::strerror(errno)));
    }
    pos = static_cast<size_t>(here);
    if (st == LDNS_STATUS_SYNTAX_EMPTY) continue;
    if (st != LDNS_STATUS_OK) {
      if (raw != nullptr) ldns_rr_free(raw);
      return absl::InvalidArgumentError(absl::StrCat(
          display, ":", start_line, ": ", ldns_get_errorstr_by_id(st),
          ClassBeforeTtlHint(text.substr(start))));
    }
    std::unique_ptr<ldns_rr, RRFreer> rr(raw);
    ldns_buffer_clear(rdata.get());
    if (ldns_rr_rdata2buffer_wire(rdata.get(), rr.get()) != LDNS_STATUS_OK ||
        !ldns_buffer_status_ok(rdata.get())) {
      return absl::InvalidArgumentError(absl::StrCat(
          display, ":", start_line, ": cannot encode the RR's RDATA"));
    }
    const ldns_rdf* owner = ldns_rr_owner(rr.get());
    const std::string_view owner_wire(
        reinterpret_cast<const char*>(ldns_rdf_data(owner)),
        ldns_rdf_size(owner));
    const std::string_view rdata_wire(
        reinterpret_cast<const char*>(ldns_buffer_begin(rdata.get())),
        ldns_buffer_position(rdata.get()));
    last_owner.assign(owner_wire);  // ldns set `prev` to it as well
    absl::Status s = builder_->Add(
        owner_wire, static_cast<uint16_t>(ldns_rr_get_type(rr.get())),
        static_cast<uint16_t>(ldns_rr_get_class(rr.get())),
        ttl.Resolve(ldns_rr_ttl(rr.get())), rdata_wire,
        SourceLocation{file_index, start_line});
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status TextReader::Directive(std::string_view line,
                                   const std::string& display, int line_no,
                                   std::string* origin_wire, RdfSlot* origin,
                                   TtlDefaults* ttl, int depth) {
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
    RdfPtr rdf = OriginRdf(wire);
    if (rdf == nullptr) return error("out of memory");
    *origin_wire = std::move(wire);
    origin->Reset(rdf.release());
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
