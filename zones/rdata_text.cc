// File: zones/rdata_text.cc
#include "zones/rdata_text.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>
#include <arpa/inet.h>
#include <ldns/ldns.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "zones/builder.h"

namespace zones {
namespace {

using base::AV;

// Quoted for messages: 'text' (cut after 64 octets).
std::string Q(std::string_view text) {
  if (text.size() > 64) return absl::StrCat("'", AV(text.substr(0, 64)), "...'");
  return absl::StrCat("'", AV(text), "'");
}

// Reads one escape at text[i] == '\\'; appends the octet, advances i past
// it. False for a bad \DDD (not three digits, or above 255).
bool DecodeEscape(std::string_view text, size_t* i, std::string* out) {
  const size_t j = *i + 1;
  if (j >= text.size()) return false;
  if (absl::ascii_isdigit(static_cast<unsigned char>(text[j]))) {
    int v = 0;
    for (size_t k = j; k < j + 3; ++k) {
      if (k >= text.size() || !absl::ascii_isdigit(static_cast<unsigned char>(text[k])))
        return false;
      v = v * 10 + (text[k] - '0');
    }
    if (v > 255) return false;
    out->push_back(static_cast<char>(v));
    *i = j + 3;
    return true;
  }
  out->push_back(text[j]);
  *i = j + 1;
  return true;
}

// Escapes decoded (RFC 1035 §5.1: \X is X, \DDD the octet DDD).
std::string Unescaped(const MasterToken& t, std::string* out) {
  if (!t.escaped) {
    out->append(t.text);
    return "";
  }
  for (size_t i = 0; i < t.text.size();) {
    if (t.text[i] == '\\') {
      if (!DecodeEscape(t.text, &i, out)) return absl::StrCat("bad escape in ", Q(t.text));
    } else {
      out->push_back(t.text[i++]);
    }
  }
  return "";
}

// A character-string (RFC 1035 §3.3): escapes decoded, at most 255 octets,
// appended to *wire after its length octet.
std::string CharacterString(const MasterToken& t, std::string* wire) {
  const size_t at = wire->size();
  wire->push_back('\0');
  std::string err = Unescaped(t, wire);
  if (!err.empty()) return err;
  const size_t n = wire->size() - at - 1;
  if (n > 255) return absl::StrCat("character string longer than 255 octets (", n, ")");
  (*wire)[at] = static_cast<char>(n);
  return "";
}

// Appends the wire form of the name `text` to *wire (see
// NameFromPresentation), without a copy of each label.
std::string AppendName(std::string_view text, std::string_view origin_wire, std::string* wire) {
  if (text == "@") {
    wire->append(origin_wire);
    return "";
  }
  if (text.empty()) return "empty domain name";
  if (text == ".") {
    wire->push_back('\0');
    return "";
  }
  const size_t start = wire->size();
  size_t length_at = start;  // where the length octet of the label goes
  wire->push_back('\0');
  auto end_label = [&]() -> std::string {
    const size_t n = wire->size() - length_at - 1;
    if (n == 0) return absl::StrCat("empty label in ", Q(text));
    if (n > 63) return absl::StrCat("label longer than 63 octets in ", Q(text));
    (*wire)[length_at] = static_cast<char>(n);
    return "";
  };
  bool absolute = false;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\\') {
      if (!DecodeEscape(text, &i, wire)) return absl::StrCat("bad escape in ", Q(text));
      continue;
    }
    if (c == '.') {
      std::string err = end_label();
      if (!err.empty()) return err;
      if (++i == text.size()) {
        absolute = true;
      } else {
        length_at = wire->size();
        wire->push_back('\0');
      }
      continue;
    }
    wire->push_back(c);
    ++i;
  }
  if (absolute) {
    wire->push_back('\0');
  } else {
    std::string err = end_label();
    if (!err.empty()) return err;
    wire->append(origin_wire);
  }
  if (wire->size() - start > 255) return absl::StrCat("name longer than 255 octets: ", Q(text));
  return "";
}

// An address for inet_pton(), which wants a NUL-terminated string; false
// if it cannot be one.
template <size_t N>
bool CopyAddress(std::string_view text, char (&buf)[N]) {
  if (text.size() >= N) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return true;
}

std::string Unsigned(std::string_view text, uint64_t max, const char* what, uint64_t* v) {
  if (text.empty() || text.size() > 20) return absl::StrCat("bad ", what, " ", Q(text));
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return absl::StrCat("bad ", what, " ", Q(text));
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > max) return absl::StrCat(what, " ", AV(text), " is out of range (0..", max, ")");
  }
  *v = n;
  return "";
}

void Put16(uint16_t v, std::string* w) {
  w->push_back(static_cast<char>(v >> 8));
  w->push_back(static_cast<char>(v & 0xff));
}
void Put32(uint32_t v, std::string* w) {
  Put16(static_cast<uint16_t>(v >> 16), w);
  Put16(static_cast<uint16_t>(v & 0xffff), w);
}

std::string HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return absl::StrCat("odd number of hex digits in ", Q(hex));
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)))
      return absl::StrCat("bad hex digit in ", Q(hex));
  }
  out->append(absl::HexStringToBytes(AV(hex)));
  return "";
}

// base32hex without padding (RFC 4648 §7), as NSEC3 writes hashes.
std::string Base32HexDecode(std::string_view text, std::string* out) {
  uint64_t buf = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'v') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'V') {
      v = c - 'A' + 10;
    } else {
      return absl::StrCat("bad base32hex digit in ", Q(text));
    }
    buf = (buf << 5) | static_cast<uint64_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  if (bits >= 5 || (buf & ((1u << bits) - 1)) != 0) {
    return absl::StrCat("bad base32hex length or padding bits in ", Q(text));
  }
  return "";
}

// The DNSSEC algorithm: a number or a mnemonic (RSASHA256, ECDSAP256SHA256).
std::string Algorithm(std::string_view text, std::string* wire) {
  uint64_t v;
  if (!text.empty() && absl::ascii_isdigit(static_cast<unsigned char>(text[0]))) {
    std::string err = Unsigned(text, 255, "algorithm", &v);
    if (!err.empty()) return err;
  } else {
    const std::string s(text);
    const ldns_lookup_table* a = ldns_lookup_by_name(ldns_algorithms, s.c_str());
    if (a == nullptr) return absl::StrCat("unknown algorithm ", Q(text));
    v = static_cast<uint64_t>(a->id);
  }
  wire->push_back(static_cast<char>(v));
  return "";
}

// RRSIG times: YYYYMMDDHHmmSS (UTC) or seconds since the epoch, both
// mod 2^32 (RFC 4034 §3.2).
std::string SignatureTime(std::string_view text, std::string* wire) {
  uint64_t v;
  if (text.size() == 14) {
    struct tm tm = {};
    for (char c : text) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
        return absl::StrCat("bad signature time ", Q(text));
    }
    auto num = [&](size_t at, size_t n) {
      int r = 0;
      for (size_t k = at; k < at + n; ++k) r = r * 10 + (text[k] - '0');
      return r;
    };
    tm.tm_year = num(0, 4) - 1900;
    tm.tm_mon = num(4, 2) - 1;
    tm.tm_mday = num(6, 2);
    tm.tm_hour = num(8, 2);
    tm.tm_min = num(10, 2);
    tm.tm_sec = num(12, 2);
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
      return absl::StrCat("bad signature time ", Q(text));
    }
    v = static_cast<uint64_t>(timegm(&tm)) & 0xffffffffu;
  } else {
    std::string err = Unsigned(text, 0xffffffffu, "signature time", &v);
    if (!err.empty()) return err;
  }
  Put32(static_cast<uint32_t>(v), wire);
  return "";
}

// The NSEC/NSEC3 type bitmap (RFC 4034 §4.1.2) of the types in `tokens`.
std::string TypeBitmap(absl::Span<const MasterToken> tokens, std::string* wire) {
  uint8_t windows[256][32] = {};
  int last[256];
  for (int& l : last) l = -1;
  for (const MasterToken& t : tokens) {
    std::optional<uint16_t> type = TypeFromText(t.text);
    if (!type) return absl::StrCat("unknown type ", Q(t.text));
    const int win = *type >> 8, bit = *type & 0xff;
    windows[win][bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
    last[win] = std::max(last[win], bit / 8);
  }
  for (int win = 0; win < 256; ++win) {
    if (last[win] < 0) continue;
    wire->push_back(static_cast<char>(win));
    wire->push_back(static_cast<char>(last[win] + 1));
    wire->append(reinterpret_cast<const char*>(windows[win]), last[win] + 1);
  }
  return "";
}

// One field of an RDATA layout.
enum class Field : uint8_t {
  kIPv4,
  kIPv6,
  kName,
  kU8,
  kU16,
  kU32,
  kPeriod,      // 32-bit, TTL units allowed (SOA timers)
  kString,      // one character-string
  kStrings,     // one or more character-strings: the rest
  kStringRest,  // one string without a length octet: the rest
  kCaaTag,      // a CAA tag: letters and digits, length-prefixed
  kHexRest,     // hex, tokens joined: the rest
  kBase64Rest,  // base64, tokens joined: the rest
  kAlgorithm,   // a DNSSEC algorithm number or mnemonic
  kType,        // a type mnemonic
  kTime,        // an RRSIG time
  kSalt,        // NSEC3 salt: hex or "-", length-prefixed
  kNextHashed,  // NSEC3 next hashed owner: base32hex, length-prefixed
  kTypeBitmap,  // types: the rest
  kEnd,
};

struct Layout {
  uint16_t type;
  Field fields[10];
};

using F = Field;
constexpr Layout kLayouts[] = {
    {1, {F::kIPv4, F::kEnd}},                                          // A
    {2, {F::kName, F::kEnd}},                                          // NS
    {5, {F::kName, F::kEnd}},                                          // CNAME
    {6, {F::kName, F::kName, F::kU32, F::kPeriod, F::kPeriod, F::kPeriod, F::kPeriod,
         F::kEnd}},                                                    // SOA
    {12, {F::kName, F::kEnd}},                                         // PTR
    {13, {F::kString, F::kString, F::kEnd}},                           // HINFO
    {14, {F::kName, F::kName, F::kEnd}},                               // MINFO
    {15, {F::kU16, F::kName, F::kEnd}},                                // MX
    {16, {F::kStrings, F::kEnd}},                                      // TXT
    {17, {F::kName, F::kName, F::kEnd}},                               // RP
    {18, {F::kU16, F::kName, F::kEnd}},                                // AFSDB
    {28, {F::kIPv6, F::kEnd}},                                         // AAAA
    {33, {F::kU16, F::kU16, F::kU16, F::kName, F::kEnd}},              // SRV
    {35, {F::kU16, F::kU16, F::kString, F::kString, F::kString, F::kName, F::kEnd}},  // NAPTR
    {36, {F::kU16, F::kName, F::kEnd}},                                // KX
    {39, {F::kName, F::kEnd}},                                         // DNAME
    {43, {F::kU16, F::kAlgorithm, F::kU8, F::kHexRest, F::kEnd}},      // DS
    {44, {F::kU8, F::kU8, F::kHexRest, F::kEnd}},                      // SSHFP
    {46, {F::kType, F::kAlgorithm, F::kU8, F::kU32, F::kTime, F::kTime, F::kU16, F::kName,
          F::kBase64Rest, F::kEnd}},                                   // RRSIG
    {47, {F::kName, F::kTypeBitmap, F::kEnd}},                         // NSEC
    {48, {F::kU16, F::kU8, F::kAlgorithm, F::kBase64Rest, F::kEnd}},   // DNSKEY
    {50, {F::kU8, F::kU8, F::kU16, F::kSalt, F::kNextHashed, F::kTypeBitmap, F::kEnd}},  // NSEC3
    {51, {F::kU8, F::kU8, F::kU16, F::kSalt, F::kEnd}},                // NSEC3PARAM
    {52, {F::kU8, F::kU8, F::kU8, F::kHexRest, F::kEnd}},              // TLSA
    {53, {F::kU8, F::kU8, F::kU8, F::kHexRest, F::kEnd}},              // SMIMEA
    {59, {F::kU16, F::kAlgorithm, F::kU8, F::kHexRest, F::kEnd}},      // CDS
    {60, {F::kU16, F::kU8, F::kAlgorithm, F::kBase64Rest, F::kEnd}},   // CDNSKEY
    {61, {F::kBase64Rest, F::kEnd}},                                   // OPENPGPKEY
    {63, {F::kU32, F::kU8, F::kU8, F::kHexRest, F::kEnd}},             // ZONEMD
    {99, {F::kStrings, F::kEnd}},                                      // SPF
    {256, {F::kU16, F::kU16, F::kStringRest, F::kEnd}},                // URI
    {257, {F::kU8, F::kCaaTag, F::kStringRest, F::kEnd}},              // CAA
};

const Layout* FindLayout(uint16_t type) {
  for (const Layout& l : kLayouts)
    if (l.type == type) return &l;
  return nullptr;
}

const char* FieldName(Field f) {
  switch (f) {
    case F::kIPv4: return "IPv4 address";
    case F::kIPv6: return "IPv6 address";
    case F::kName: return "domain name";
    case F::kU8: case F::kU16: case F::kU32: return "number";
    case F::kPeriod: return "time value";
    case F::kString: case F::kStrings: case F::kStringRest: return "string";
    case F::kCaaTag: return "CAA tag";
    case F::kHexRest: return "hex data";
    case F::kBase64Rest: return "base64 data";
    case F::kAlgorithm: return "algorithm";
    case F::kType: return "type";
    case F::kTime: return "signature time";
    case F::kSalt: return "salt";
    case F::kNextHashed: return "next hashed owner name";
    case F::kTypeBitmap: return "type list";
    case F::kEnd: break;
  }
  return "field";
}

std::string TypeName(uint16_t type) {
  char buf[32];
  const ldns_rr_descriptor* d = ldns_rr_descript(type);
  if (d != nullptr && d->_name != nullptr) return d->_name;
  snprintf(buf, sizeof buf, "TYPE%u", type);
  return buf;
}

// Joins tokens[i..] (unquoted) for the hex and base64 fields.
std::string Joined(absl::Span<const MasterToken> tokens, size_t i) {
  std::string s;
  for (; i < tokens.size(); ++i) s.append(tokens[i].text);
  return s;
}

std::string ByLayout(uint16_t type, const Layout& layout, absl::Span<const MasterToken> tokens,
                     std::string_view origin_wire, std::string* wire) {
  size_t i = 0;
  for (const Field f : layout.fields) {
    if (f == F::kEnd) break;
    if (i >= tokens.size()) {
      // Only a list that may be empty ends early: the NSEC type bitmap.
      if (f == F::kTypeBitmap) break;
      return absl::StrCat(TypeName(type), " record is missing its ", FieldName(f));
    }
    const MasterToken& t = tokens[i];
    if (t.quoted && f != F::kString && f != F::kStrings && f != F::kStringRest) {
      return absl::StrCat("bad ", FieldName(f), " ", Q(t.text), " (quoted)");
    }
    std::string err;
    uint64_t v = 0;
    switch (f) {
      case F::kIPv4: {
        in_addr a;
        char s[INET_ADDRSTRLEN];
        if (!CopyAddress(t.text, s) || inet_pton(AF_INET, s, &a) != 1)
          return absl::StrCat("bad IPv4 address ", Q(t.text));
        wire->append(reinterpret_cast<const char*>(&a), 4);
        ++i;
        break;
      }
      case F::kIPv6: {
        in6_addr a;
        char s[INET6_ADDRSTRLEN];
        if (!CopyAddress(t.text, s) || inet_pton(AF_INET6, s, &a) != 1)
          return absl::StrCat("bad IPv6 address ", Q(t.text));
        wire->append(reinterpret_cast<const char*>(&a), 16);
        ++i;
        break;
      }
      case F::kName:
        err = AppendName(t.text, origin_wire, wire);
        if (!err.empty()) return err;
        ++i;
        break;
      case F::kU8:
      case F::kU16:
      case F::kU32: {
        const uint64_t max = f == F::kU8 ? 0xff : f == F::kU16 ? 0xffff : 0xffffffffu;
        err = Unsigned(t.text, max, f == F::kU8 ? "8-bit value" : f == F::kU16 ? "16-bit value" : "32-bit value", &v);
        if (!err.empty()) return err;
        if (f == F::kU8) wire->push_back(static_cast<char>(v));
        else if (f == F::kU16) Put16(static_cast<uint16_t>(v), wire);
        else Put32(static_cast<uint32_t>(v), wire);
        ++i;
        break;
      }
      case F::kPeriod: {
        uint32_t p;
        err = TtlFromText(t.text, &p);
        if (!err.empty()) return err;
        Put32(p, wire);
        ++i;
        break;
      }
      case F::kString:
        err = CharacterString(t, wire);
        if (!err.empty()) return err;
        ++i;
        break;
      case F::kStrings:
        for (; i < tokens.size(); ++i) {
          err = CharacterString(tokens[i], wire);
          if (!err.empty()) return err;
        }
        break;
      case F::kStringRest:
        if (tokens.size() - i != 1) {
          return absl::StrCat(TypeName(type), " value must be one string (quote it if it has blanks)");
        }
        err = Unescaped(t, wire);
        if (!err.empty()) return err;
        ++i;
        break;
      case F::kCaaTag: {
        if (t.text.empty() || t.text.size() > 255) return absl::StrCat("bad CAA tag ", Q(t.text));
        for (char c : t.text) {
          if (!absl::ascii_isalnum(static_cast<unsigned char>(c)))
            return absl::StrCat("bad CAA tag ", Q(t.text), " (letters and digits only)");
        }
        wire->push_back(static_cast<char>(t.text.size()));
        wire->append(t.text);
        ++i;
        break;
      }
      case F::kHexRest:
        err = HexDecode(Joined(tokens, i), wire);
        if (!err.empty()) return err;
        i = tokens.size();
        break;
      case F::kBase64Rest: {
        std::string bin;
        const std::string b64 = Joined(tokens, i);
        if (!absl::Base64Unescape(AV(b64), &bin)) return absl::StrCat("bad base64 data ", Q(b64));
        wire->append(bin);
        i = tokens.size();
        break;
      }
      case F::kAlgorithm:
        err = Algorithm(t.text, wire);
        if (!err.empty()) return err;
        ++i;
        break;
      case F::kType: {
        std::optional<uint16_t> covered = TypeFromText(t.text);
        if (!covered) return absl::StrCat("unknown type ", Q(t.text));
        Put16(*covered, wire);
        ++i;
        break;
      }
      case F::kTime:
        err = SignatureTime(t.text, wire);
        if (!err.empty()) return err;
        ++i;
        break;
      case F::kSalt: {
        std::string salt;
        if (t.text != "-") {
          err = HexDecode(t.text, &salt);
          if (!err.empty()) return err;
        }
        if (salt.size() > 255) return "salt longer than 255 octets";
        wire->push_back(static_cast<char>(salt.size()));
        wire->append(salt);
        ++i;
        break;
      }
      case F::kNextHashed: {
        std::string hash;
        err = Base32HexDecode(t.text, &hash);
        if (!err.empty()) return err;
        if (hash.empty() || hash.size() > 255) return absl::StrCat("bad next hashed owner name ", Q(t.text));
        wire->push_back(static_cast<char>(hash.size()));
        wire->append(hash);
        ++i;
        break;
      }
      case F::kTypeBitmap:
        err = TypeBitmap(tokens.subspan(i), wire);
        if (!err.empty()) return err;
        i = tokens.size();
        break;
      case F::kEnd:
        break;
    }
  }
  if (i < tokens.size()) {
    return absl::StrCat("too many fields for ", TypeName(type), ": ", Q(tokens[i].text),
                        " is left over");
  }
  return "";
}

// RFC 3597: \# LENGTH HEX...
std::string Generic(uint16_t type, absl::Span<const MasterToken> tokens, std::string* wire) {
  if (tokens.size() < 2) return "generic RDATA '\\#' needs a length";
  uint64_t len;
  std::string err = Unsigned(tokens[1].text, 65535, "RDATA length", &len);
  if (!err.empty()) return err;
  std::string bin;
  err = HexDecode(Joined(tokens, 2), &bin);
  if (!err.empty()) return err;
  if (bin.size() != len) {
    return absl::StrCat("generic RDATA says ", len, " octets but has ", bin.size());
  }
  // RFC 3597 §5: for a known type it must be that type's RDATA (checked on
  // a copy: the check lower-cases names, and the builder does it again).
  std::string check = bin;
  std::string problem = CanonicalizeRdata(type, &check);
  if (!problem.empty()) return absl::StrCat("generic RDATA of ", TypeName(type), " ", problem);
  wire->append(bin);
  return "";
}

struct RRFree {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct BufferFree {
  void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};

// The types without a layout here: ldns parses the RDATA text alone.
std::string ByLdns(uint16_t type, absl::Span<const MasterToken> tokens,
                   std::string_view origin_wire, std::string* wire) {
  std::string text = absl::StrCat(". 0 IN ", TypeName(type));
  for (const MasterToken& t : tokens) {
    if (!t.joined) text.push_back(' ');  // key="value" stays one
    if (t.quoted) {
      absl::StrAppend(&text, "\"", AV(t.text), "\"");
    } else {
      text.append(t.text);
    }
  }
  std::unique_ptr<ldns_rdf, RdfFree> origin(ldns_dname_new_frm_data(
      static_cast<uint16_t>(origin_wire.size()), origin_wire.data()));
  ldns_rr* raw = nullptr;
  const ldns_status st = ldns_rr_new_frm_str(&raw, text.c_str(), 0, origin.get(), nullptr);
  std::unique_ptr<ldns_rr, RRFree> rr(raw);
  if (st != LDNS_STATUS_OK) {
    return absl::StrCat("bad ", TypeName(type), " data: ", ldns_get_errorstr_by_id(st));
  }
  if (static_cast<uint16_t>(ldns_rr_get_type(rr.get())) != type) {
    return absl::StrCat("bad ", TypeName(type), " data");
  }
  std::unique_ptr<ldns_buffer, BufferFree> buf(ldns_buffer_new(512));
  if (ldns_rr_rdata2buffer_wire(buf.get(), rr.get()) != LDNS_STATUS_OK ||
      !ldns_buffer_status_ok(buf.get())) {
    return absl::StrCat("cannot encode the ", TypeName(type), " data");
  }
  wire->append(reinterpret_cast<const char*>(ldns_buffer_begin(buf.get())),
               ldns_buffer_position(buf.get()));
  return "";
}

}  // namespace

std::string NameFromPresentation(std::string_view text, std::string_view origin_wire,
                                 std::string* wire) {
  wire->clear();
  return AppendName(text, origin_wire, wire);
}

bool LooksLikeTtl(std::string_view text) {
  return !text.empty() && text[0] >= '0' && text[0] <= '9';
}

std::string TtlFromText(std::string_view text, uint32_t* ttl) {
  if (!LooksLikeTtl(text)) return absl::StrCat("bad TTL ", Q(text));
  uint64_t total = 0, n = 0;
  bool digits = false, units = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      n = n * 10 + static_cast<uint64_t>(c - '0');
      digits = true;
      if (n > 0xffffffffffull) return absl::StrCat("TTL ", AV(text), " is out of range (0..", kMaxTtl, ")");
      continue;
    }
    uint64_t mult;
    switch (absl::ascii_tolower(static_cast<unsigned char>(c))) {
      case 's': mult = 1; break;
      case 'm': mult = 60; break;
      case 'h': mult = 3600; break;
      case 'd': mult = 86400; break;
      case 'w': mult = 604800; break;
      default: return absl::StrCat("bad TTL ", Q(text));
    }
    if (!digits) return absl::StrCat("bad TTL ", Q(text));
    total += n * mult;
    n = 0;
    digits = false;
    units = true;
    if (total > kMaxTtl) break;
  }
  if (digits) {
    total += n;  // a trailing number without a unit counts as seconds
  } else if (!units) {
    return absl::StrCat("bad TTL ", Q(text));
  }
  if (total > kMaxTtl) return absl::StrCat("TTL ", AV(text), " is out of range (0..", kMaxTtl, ")");
  *ttl = static_cast<uint32_t>(total);
  return "";
}

std::optional<uint16_t> TypeFromText(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  if (text.size() > 4 && absl::EqualsIgnoreCase(AV(text.substr(0, 4)), "TYPE") &&
      absl::ascii_isdigit(static_cast<unsigned char>(text[4]))) {
    uint64_t v;
    if (!Unsigned(text.substr(4), 65535, "type", &v).empty()) return std::nullopt;
    return static_cast<uint16_t>(v);
  }
  // The common ones without ldns's linear, allocating lookup.
  static constexpr std::pair<std::string_view, uint16_t> kCommon[] = {
      {"A", 1}, {"AAAA", 28}, {"NS", 2}, {"CNAME", 5}, {"MX", 15},
      {"TXT", 16}, {"SOA", 6}, {"PTR", 12}, {"SRV", 33}, {"CAA", 257}};
  for (const auto& [name, value] : kCommon) {
    if (absl::EqualsIgnoreCase(AV(text), AV(name))) return value;
  }
  const std::string s(text);
  const ldns_rr_type t = ldns_get_rr_type_by_name(s.c_str());
  if (t == 0) return std::nullopt;
  return static_cast<uint16_t>(t);
}

std::optional<uint16_t> ClassFromText(std::string_view text) {
  if (text.size() > 5 && absl::EqualsIgnoreCase(AV(text.substr(0, 5)), "CLASS") &&
      absl::ascii_isdigit(static_cast<unsigned char>(text[5]))) {
    uint64_t v;
    if (!Unsigned(text.substr(5), 65535, "class", &v).empty()) return std::nullopt;
    return static_cast<uint16_t>(v);
  }
  if (absl::EqualsIgnoreCase(AV(text), "IN")) return 1;
  if (absl::EqualsIgnoreCase(AV(text), "CS")) return 2;
  if (absl::EqualsIgnoreCase(AV(text), "CH")) return 3;
  if (absl::EqualsIgnoreCase(AV(text), "HS")) return 4;
  if (absl::EqualsIgnoreCase(AV(text), "NONE")) return 254;
  if (absl::EqualsIgnoreCase(AV(text), "ANY")) return 255;
  return std::nullopt;
}

std::string RdataFromText(uint16_t type, absl::Span<const MasterToken> tokens,
                          std::string_view origin_wire, std::string* wire) {
  wire->clear();
  if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "\\#") {
    return Generic(type, tokens, wire);
  }
  if (const Layout* layout = FindLayout(type)) {
    return ByLayout(type, *layout, tokens, origin_wire, wire);
  }
  const ldns_rr_descriptor* d = ldns_rr_descript(type);
  if (d == nullptr || d->_name == nullptr ||
      std::strncmp(d->_name, "TYPE", 4) == 0) {
    return absl::StrCat("type ", TypeName(type),
                        " has no presentation form here: write its RDATA as '\\# LENGTH HEX'");
  }
  return ByLdns(type, tokens, origin_wire, wire);
}

}  // namespace zones
