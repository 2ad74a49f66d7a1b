// File: zones/master_file_rr.cc
//
// The master-file reader's two parsers of one RR, and their comparison.
//
// The fast path is an order of magnitude cheaper than ldns, which allocates
// an ldns_rr and several rdfs per record. It accepts a line only when it is
// sure to read it as ldns does, so that the accepted language and every
// error message stay ldns's. Where ldns's tokenizer (parse.c) is unusual,
// the fast path declines:
//  - fields are separated by ' ', '\t' and '\r' (ldns reads '\r' as ' ');
//    '\f' and '\v' end ldns's line (what follows is read as the next RR) or,
//    first on a line, are part of the owner name;
//  - ldns drops NUL octets, so "1.2.3.4<NUL>5" is 1.2.3.45 to ldns but
//    1.2.3.4 to inet_pton;
//  - parentheses, escapes and quotes outside TXT;
//  - lines of 64 KiB or more (ldns refuses RDATA text that long).
#include "zones/master_file_rr.h"

#include <ldns/ldns.h>
#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"

namespace zones {
namespace {

using base::AV;

// How the fast path reads each octet outside a quoted string: part of a
// field, a blank between fields (ldns reads '\r' as ' '), the start of a
// comment, or something it leaves to ldns (see the file comment).
enum CharClass : uint8_t { kField = 0, kBlank, kComment, kDecline };
constexpr std::array<uint8_t, 256> kCharClass = [] {
  std::array<uint8_t, 256> t{};
  for (char c : {' ', '\t', '\r'}) t[static_cast<uint8_t>(c)] = kBlank;
  t[';'] = kComment;
  for (char c : {'(', ')', '\\', '"', '\f', '\v', '\0'})
    t[static_cast<uint8_t>(c)] = kDecline;
  return t;
}();

inline CharClass ClassOf(char c) {
  return static_cast<CharClass>(kCharClass[static_cast<uint8_t>(c)]);
}

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

struct RdfFreer {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct RRFreer {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};

ldns_rdf* NewDname(std::string_view wire) {
  return ldns_dname_new_frm_data(static_cast<uint16_t>(wire.size()),
                                 wire.data());
}

// "www.example.com. 300 CLASS1 A c0000201" (TTL "-" when omitted).
std::string DescribeRR(const ParsedRR& rr) {
  char type[16];
  return absl::StrCat(
      dns::NameToText(rr.owner), " ",
      rr.ttl == kOmittedTtl ? std::string("-") : absl::StrCat(rr.ttl),
      " CLASS", rr.rclass, " ", dns::RRTypeName(rr.type, type), " ",
      absl::BytesToHexString(AV(rr.rdata)));
}

// A deliberate difference between the parsers: the lines it covers and
// why it stays.
struct KnownDifference {
  bool (*covers)(std::string_view line, const RRLineReadings& readings);
  std::string_view reason;
};

// None so far: every disagreement found (fuzzing, the seed corpus) was a
// fast-path bug and is fixed; the corpus tests/fuzz/corpus/master_file_diff
// keeps the inputs. A difference that must stay (because a test pins the
// fast path's reading down) goes here, with its reason. Not listed because
// not a disagreement: a line the fast path declines (ldns reads it alone).
constexpr std::array<KnownDifference, 0> kKnownDifferences{};

}  // namespace

bool ParseSimpleRR(std::string_view line, const std::string& origin_wire,
                   ParsedRR* rr) {
  size_t i = 0;
  const size_t n = line.size();
  auto blank = [&](size_t k) { return k < n && ClassOf(line[k]) == kBlank; };
  // The next field; empty (decline) at anything ldns reads specially.
  auto next_token = [&]() -> std::string_view {
    while (blank(i)) ++i;
    const size_t b = i;
    for (; i < n; ++i) {
      const CharClass c = ClassOf(line[i]);
      if (c == kField) continue;
      if (c == kDecline) return {};
      break;  // a blank or a comment ends the field
    }
    return line.substr(b, i - b);
  };
  auto at_end = [&]() {
    while (blank(i)) ++i;
    return i == n || line[i] == ';';
  };

  // ldns reads at most this much RDATA text (LDNS_MAX_PACKETLEN).
  if (n == 0 || n >= 65535) return false;
  if (ClassOf(line[0]) == kBlank) {
    rr->owner.clear();  // the previous owner
  } else {
    if (!FastName(next_token(), origin_wire, &rr->owner)) return false;
  }
  std::string_view tok = next_token();
  rr->ttl = kOmittedTtl;
  rr->rclass = dns::rrclass::kIN;
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
      if (len == 0 || len > 255 || (i < n && !blank(i) && line[i] != ';'))
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

// --- LdnsRRReader ------------------------------------------------------------

LdnsRRReader::LdnsRRReader() : rdata_(ldns_buffer_new(512)) {}

LdnsRRReader::~LdnsRRReader() {
  if (origin_ != nullptr) ldns_rdf_deep_free(origin_);
  if (previous_ != nullptr) ldns_rdf_deep_free(previous_);
  if (rdata_ != nullptr) ldns_buffer_free(rdata_);
}

bool LdnsRRReader::SetOrigin(std::string_view origin_wire) {
  ldns_rdf* rdf = NewDname(origin_wire);
  if (rdf == nullptr) return false;
  if (origin_ != nullptr) ldns_rdf_deep_free(origin_);
  origin_ = rdf;
  return rdata_ != nullptr;
}

bool LdnsRRReader::SetPrevious(std::string_view owner_wire) {
  if (previous_ != nullptr) ldns_rdf_deep_free(previous_);
  previous_ = nullptr;
  if (owner_wire.empty()) return true;
  previous_ = NewDname(owner_wire);
  return previous_ != nullptr;
}

LdnsRRReader::Result LdnsRRReader::Read(FILE* fp, int* line, ParsedRR* rr,
                                        std::string* error) {
  ldns_rr* raw = nullptr;
  uint32_t omitted = kOmittedTtl;  // an RR that comes back with it had none
  const ldns_status st =
      ldns_rr_new_frm_fp_l(&raw, fp, &omitted, &origin_, &previous_, line);
  std::unique_ptr<ldns_rr, RRFreer> parsed(raw);
  if (st == LDNS_STATUS_SYNTAX_EMPTY) return Result::kEmpty;
  if (st != LDNS_STATUS_OK) {
    *error = ldns_get_errorstr_by_id(st);
    return Result::kSyntaxError;
  }
  ldns_buffer_clear(rdata_);
  if (ldns_rr_rdata2buffer_wire(rdata_, parsed.get()) != LDNS_STATUS_OK ||
      !ldns_buffer_status_ok(rdata_)) {
    *error = "cannot encode the RR's RDATA";
    return Result::kEncodeError;
  }
  const ldns_rdf* owner = ldns_rr_owner(parsed.get());
  rr->owner.assign(reinterpret_cast<const char*>(ldns_rdf_data(owner)),
                   ldns_rdf_size(owner));
  rr->type = static_cast<uint16_t>(ldns_rr_get_type(parsed.get()));
  rr->rclass = static_cast<uint16_t>(ldns_rr_get_class(parsed.get()));
  rr->ttl = ldns_rr_ttl(parsed.get());
  rr->rdata.assign(reinterpret_cast<const char*>(ldns_buffer_begin(rdata_)),
                   ldns_buffer_position(rdata_));
  // ldns keeps a stated owner for the next blank one, but not a blank
  // owner it resolved to the origin: without this, a blank owner after a
  // $ORIGIN would land at the new origin instead of this RR's owner.
  if (previous_ == nullptr) previous_ = ldns_rdf_clone(owner);
  return Result::kRR;
}

// --- Comparison --------------------------------------------------------------

RRLineReadings ReadRRLineBothWays(std::string_view line,
                                  const std::string& origin_wire,
                                  std::string_view previous_owner_wire) {
  RRLineReadings out;
  if (ParseSimpleRR(line, origin_wire, &out.fast) &&
      (!out.fast.owner.empty() || !previous_owner_wire.empty())) {
    out.fast_read = true;
    if (out.fast.owner.empty()) out.fast.owner.assign(previous_owner_wire);
  }

  LdnsRRReader ldns;
  std::string text(line);
  std::unique_ptr<FILE, FileCloser> fp(
      text.empty() ? nullptr : fmemopen(text.data(), text.size(), "r"));
  if (fp == nullptr || !ldns.SetOrigin(origin_wire) ||
      !ldns.SetPrevious(previous_owner_wire)) {
    out.ldns_error = text.empty() ? "empty line" : "cannot set up ldns";
    return out;
  }
  int line_no = 1;
  switch (ldns.Read(fp.get(), &line_no, &out.ldns, &out.ldns_error)) {
    case LdnsRRReader::Result::kRR:
      out.ldns_read = true;
      break;
    case LdnsRRReader::Result::kEmpty:
      out.ldns_error = "no RR (blanks and comments only)";
      return out;
    case LdnsRRReader::Result::kSyntaxError:
    case LdnsRRReader::Result::kEncodeError:
      return out;
  }
  // Would ldns read more of the line as another RR?
  const long at = ftell(fp.get());
  if (at >= 0 && static_cast<size_t>(at) < text.size()) {
    ParsedRR next;
    std::string ignored;
    if (ldns.Read(fp.get(), &line_no, &next, &ignored) !=
        LdnsRRReader::Result::kEmpty) {
      out.ldns_rest = text.size() - static_cast<size_t>(at);
    }
  }
  return out;
}

std::string RRLineDisagreement(const RRLineReadings& r) {
  if (!r.fast_read) return "";
  if (!r.ldns_read) {
    return absl::StrCat("the fast path reads ", DescribeRR(r.fast),
                        ", ldns refuses the line: ", r.ldns_error);
  }
  std::vector<std::string> diffs;
  const ParsedRR& f = r.fast;
  const ParsedRR& l = r.ldns;
  if (f.owner != l.owner) {
    diffs.push_back(absl::StrCat("owner: fast path ", dns::NameToText(f.owner),
                                 ", ldns ", dns::NameToText(l.owner)));
  }
  if (f.type != l.type)
    diffs.push_back(absl::StrCat("type: fast path ", f.type, ", ldns ", l.type));
  if (f.rclass != l.rclass) {
    diffs.push_back(
        absl::StrCat("class: fast path ", f.rclass, ", ldns ", l.rclass));
  }
  if (f.ttl != l.ttl)
    diffs.push_back(absl::StrCat("TTL: fast path ", f.ttl, ", ldns ", l.ttl));
  if (f.rdata != l.rdata) {
    diffs.push_back(absl::StrCat(
        "RDATA: fast path ", absl::BytesToHexString(AV(f.rdata)), ", ldns ",
        absl::BytesToHexString(AV(l.rdata))));
  }
  if (r.ldns_rest > 0) {
    diffs.push_back(absl::StrCat("ldns reads the last ", r.ldns_rest,
                                 " octets of the line as another RR"));
  }
  return absl::StrJoin(diffs, "; ");
}

std::string_view KnownRRLineDifference(std::string_view line,
                                       const RRLineReadings& readings) {
  for (const KnownDifference& k : kKnownDifferences) {
    if (k.covers(line, readings)) return k.reason;
  }
  return "";
}

}  // namespace zones
