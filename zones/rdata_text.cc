// File: zones/rdata_text.cc
#include "zones/rdata_text.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>
#include <ldns/ldns.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/wire/dns_time.h"
#include "zones/builder.h"

namespace zones {
namespace {

using base::AV;

// An error message, built out of line and out of the hot paths' way
// (cold: the compiler moves the branches that lead here aside).
template <typename... Args>
[[gnu::cold, gnu::noinline]] std::string Fail(const Args&... args) {
  return absl::StrCat(args...);
}

// Quoted for messages: 'text' (cut after 64 octets).
[[gnu::cold, gnu::noinline]] std::string Q(std::string_view text) {
  if (text.size() > 64) return Fail("'", AV(text.substr(0, 64)), "...'");
  return Fail("'", AV(text), "'");
}

// `text` equals the upper-case ASCII `upper`, case-insensitively (inline:
// the reader asks for every record's class and type).
inline bool EqualsUpper(std::string_view text, std::string_view upper) {
  if (text.size() != upper.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != upper[i] && !(c >= 'a' && c <= 'z' && c - ('a' - 'A') == upper[i])) return false;
  }
  return true;
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
[[gnu::hot]] std::string Unescaped(const MasterToken& t, std::string* out) {
  if (!t.escaped) {
    out->append(t.text);
    return {};
  }
  for (size_t i = 0; i < t.text.size();) {
    if (t.text[i] == '\\') {
      if (!DecodeEscape(t.text, &i, out)) return Fail("bad escape in ", Q(t.text));
    } else {
      out->push_back(t.text[i++]);
    }
  }
  return {};
}

// A character-string (RFC 1035 §3.3): escapes decoded, at most 255 octets,
// appended to *wire after its length octet.
[[gnu::hot]] std::string CharacterString(const MasterToken& t, std::string* wire) {
  const size_t at = wire->size();
  wire->push_back('\0');
  std::string err = Unescaped(t, wire);
  if (!err.empty()) return err;
  const size_t n = wire->size() - at - 1;
  if (n > 255) return Fail("character string longer than 255 octets (", n, ")");
  (*wire)[at] = static_cast<char>(n);
  return {};
}

// AppendName() for a name with escapes (or a text too long for a name),
// octet by octet. Out of line: its buffer stays off the common path's
// stack.
[[gnu::noinline]] std::string AppendEscapedName(std::string_view text,
                                                std::string_view origin_wire,
                                                std::string* wire) {
  const size_t size = text.size();
  char out[256];
  size_t n = 0;  // octets in out
  bool absolute = false;
  size_t length_at = 0;  // where the length octet of the label goes
  out[n++] = 0;
  for (size_t i = 0; i < size;) {
    char c = text[i];
    if (c == '.') {
      const size_t label = n - length_at - 1;
      if (label == 0) return Fail("empty label in ", Q(text));
      out[length_at] = static_cast<char>(label);
      if (++i == size) {
        absolute = true;
        break;
      }
      if (n >= 255) return Fail("name longer than 255 octets: ", Q(text));
      length_at = n;
      out[n++] = 0;
      continue;
    }
    if (c == '\\') {
      std::string octet;
      if (!DecodeEscape(text, &i, &octet)) return Fail("bad escape in ", Q(text));
      c = octet[0];
    } else {
      ++i;
    }
    if (n - length_at - 1 == 63) return Fail("label longer than 63 octets in ", Q(text));
    if (n >= 255) return Fail("name longer than 255 octets: ", Q(text));
    out[n++] = c;
  }
  if (absolute) {
    out[n++] = 0;
  } else {
    const size_t label = n - length_at - 1;
    if (label == 0) return Fail("empty label in ", Q(text));
    out[length_at] = static_cast<char>(label);
  }
  if (n + (absolute ? 0 : origin_wire.size()) > 255) {
    return Fail("name longer than 255 octets: ", Q(text));
  }
  wire->append(out, n);
  if (!absolute) wire->append(origin_wire);
  return {};
}

// Appends the wire form of the name `text` to *wire (see
// NameFromPresentation), built in a buffer on the stack.
[[gnu::hot]] std::string AppendName(std::string_view text, bool escaped, std::string_view origin_wire,
                       std::string* wire) {
  if (escaped) return AppendEscapedName(text, origin_wire, wire);
  if (text.size() == 1 && text[0] == '@') {
    wire->append(origin_wire);
    return {};
  }
  if (text.empty()) return "empty domain name";
  if (text.size() == 1 && text[0] == '.') {
    wire->push_back('\0');
    return {};
  }
  const size_t size = text.size();
  const char* const p = text.data();
  if (size <= 255) {
    // Without escapes: label by label, copied as scanned, each one's
    // length octet before it; then the origin; then one append.
    char out[2 * 256];
    size_t n = 0;  // where the current label's length octet goes
    bool absolute = false;
    for (size_t k = 0;;) {
      const size_t start = k;
      char* dst = out + n + 1;
      while (k < size && p[k] != '.') *dst++ = p[k++];
      const size_t label = k - start;
      if (label == 0) return Fail("empty label in ", Q(text));
      if (label > 63) return Fail("label longer than 63 octets in ", Q(text));
      out[n] = static_cast<char>(label);
      n += 1 + label;
      if (k == size) break;
      if (++k == size) {  // "a.b.": absolute
        absolute = true;
        break;
      }
    }
    if (absolute) {
      out[n++] = 0;
    } else {
      std::memcpy(out + n, origin_wire.data(), std::min<size_t>(origin_wire.size(), 256));
      n += origin_wire.size();
    }
    if (n > 255) return Fail("name longer than 255 octets: ", Q(text));
    wire->append(out, n);
    return {};
  }
  return AppendEscapedName(text, origin_wire, wire);
}

// An IPv6 address as inet_pton() reads it (RFC 4291 §2.2: eight groups of
// 1-4 hex digits, one "::" for a run of zero groups, a dotted quad in the
// last 32 bits), without its copy and locale.
bool ParseIPv4(std::string_view text, char out[4]);
[[gnu::hot]] bool ParseIPv6(std::string_view text, char out[16]) {
  uint8_t bytes[16] = {};
  int groups = 0;  // 16-bit groups written
  int gap = -1;    // where "::" stands, in groups
  const size_t size = text.size();
  const char* const p = text.data();
  size_t i = 0;
  if (size >= 2 && p[0] == ':' && p[1] == ':') {
    gap = 0;
    i = 2;
  } else if (size >= 1 && p[0] == ':') {
    return false;
  }
  while (i < size) {
    if (groups == 8) return false;
    const size_t start = i;
    unsigned v = 0;
    for (; i < size && i - start < 5; ++i) {
      const char c = p[i];
      unsigned d;
      if (c >= '0' && c <= '9') {
        d = static_cast<unsigned>(c - '0');
      } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        d = static_cast<unsigned>((c | 0x20) - 'a' + 10);
      } else {
        break;
      }
      v = v << 4 | d;
    }
    if (i < size && p[i] == '.') {
      // A dotted quad: the last 32 bits.
      if (groups > 6) return false;
      char v4[4];
      if (!ParseIPv4(text.substr(start), v4)) return false;
      std::memcpy(bytes + 2 * groups, v4, 4);
      groups += 2;
      break;
    }
    const size_t digits = i - start;
    if (digits == 0 || digits > 4) return false;
    bytes[2 * groups] = static_cast<uint8_t>(v >> 8);
    bytes[2 * groups + 1] = static_cast<uint8_t>(v);
    ++groups;
    if (i == size) break;
    if (p[i] != ':') return false;
    ++i;
    if (i < size && p[i] == ':') {
      if (gap >= 0) return false;  // a second "::"
      gap = groups;
      ++i;
    } else if (i == size) {
      return false;  // ends in a single ':'
    }
  }
  if (gap < 0) {
    if (groups != 8) return false;
    std::memcpy(out, bytes, 16);
    return true;
  }
  if (groups == 8) return false;  // "::" must stand for at least one group
  // The groups after "::" go to the end, zeros in between.
  const int shift = 2 * (8 - groups);
  for (int i = 0; i < 16; ++i) {
    out[i] = static_cast<char>(i < 2 * gap ? bytes[i] : i < 2 * gap + shift ? 0 : bytes[i - shift]);
  }
  return true;
}

// A dotted-quad IPv4 address as inet_pton() reads it (four decimal
// numbers 0..255, no leading zeros), without its copy and locale.
[[gnu::hot]] bool ParseIPv4(std::string_view text, char out[4]) {
  const char* p = text.data();
  const char* const end = p + text.size();
  auto digit = [&]() { return p != end && *p >= '0' && *p <= '9'; };
  for (int part = 0; part < 4; ++part) {
    if (!digit()) return false;
    unsigned v = static_cast<unsigned>(*p++ - '0');
    if (digit()) {
      if (v == 0) return false;  // a leading zero
      v = v * 10 + static_cast<unsigned>(*p++ - '0');
      if (digit()) {
        v = v * 10 + static_cast<unsigned>(*p++ - '0');
        if (v > 255) return false;
      }
    }
    out[part] = static_cast<char>(v);
    if (part < 3) {
      if (p == end || *p != '.') return false;
      ++p;
    }
  }
  return p == end;
}

std::string Unsigned(std::string_view text, uint64_t max, const char* what, uint64_t* v) {
  if (text.empty() || text.size() > 20) return Fail("bad ", what, " ", Q(text));
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Fail("bad ", what, " ", Q(text));
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > max) return Fail(what, " ", AV(text), " is out of range (0..", max, ")");
  }
  *v = n;
  return {};
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
  if (hex.size() % 2 != 0) return Fail("odd number of hex digits in ", Q(hex));
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)))
      return Fail("bad hex digit in ", Q(hex));
  }
  out->append(absl::HexStringToBytes(AV(hex)));
  return {};
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
      return Fail("bad base32hex digit in ", Q(text));
    }
    buf = (buf << 5) | static_cast<uint64_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  if (bits >= 5 || (buf & ((1u << bits) - 1)) != 0) {
    return Fail("bad base32hex length or padding bits in ", Q(text));
  }
  return {};
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
    if (a == nullptr) return Fail("unknown algorithm ", Q(text));
    v = static_cast<uint64_t>(a->id);
  }
  wire->push_back(static_cast<char>(v));
  return {};
}

// RRSIG times: YYYYMMDDHHmmSS (UTC) or seconds since the epoch, both
// mod 2^32 (RFC 4034 §3.2).
std::string SignatureTime(std::string_view text, std::string* wire) {
  uint64_t v;
  if (text.size() == 14) {
    int64_t t;
    if (!dns::TimeFromText(text, &t)) return Fail("bad signature time ", Q(text));
    v = static_cast<uint64_t>(t) & 0xffffffffu;
  } else {
    std::string err = Unsigned(text, 0xffffffffu, "signature time", &v);
    if (!err.empty()) return err;
  }
  Put32(static_cast<uint32_t>(v), wire);
  return {};
}

// The NSEC/NSEC3 type bitmap (RFC 4034 §4.1.2) of the types in `tokens`.
// Out of line: its 8 KiB table must not make every caller's frame that big.
[[gnu::noinline]] std::string TypeBitmap(absl::Span<const MasterToken> tokens, std::string* wire) {
  uint8_t windows[256][32] = {};
  int last[256];
  for (int& l : last) l = -1;
  for (const MasterToken& t : tokens) {
    uint16_t type;
    if (!TypeFromText(t.text, &type)) return Fail("unknown type ", Q(t.text));
    const int win = type >> 8, bit = type & 0xff;
    windows[win][bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
    last[win] = std::max(last[win], bit / 8);
  }
  for (int win = 0; win < 256; ++win) {
    if (last[win] < 0) continue;
    wire->push_back(static_cast<char>(win));
    wire->push_back(static_cast<char>(last[win] + 1));
    wire->append(reinterpret_cast<const char*>(windows[win]), last[win] + 1);
  }
  return {};
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

// kLayouts' index by type (types 0..257), -1 for none.
constexpr std::array<int8_t, 258> MakeLayoutIndex() {
  std::array<int8_t, 258> index{};
  for (int8_t& i : index) i = -1;
  for (size_t i = 0; i < std::size(kLayouts); ++i) index[kLayouts[i].type] = static_cast<int8_t>(i);
  return index;
}
constexpr std::array<int8_t, 258> kLayoutIndex = MakeLayoutIndex();

const Layout* FindLayout(uint16_t type) {
  if (type >= kLayoutIndex.size() || kLayoutIndex[type] < 0) return nullptr;
  return &kLayouts[kLayoutIndex[type]];
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

[[gnu::hot]] std::string ByLayout(uint16_t type, const Layout& layout, absl::Span<const MasterToken> tokens,
                     std::string_view origin_wire, std::string* wire) {
  size_t i = 0;
  for (const Field f : layout.fields) {
    if (f == F::kEnd) break;
    if (i >= tokens.size()) {
      // Only a list that may be empty ends early: the NSEC type bitmap.
      if (f == F::kTypeBitmap) break;
      return Fail(TypeName(type), " record is missing its ", FieldName(f));
    }
    const MasterToken& t = tokens[i];
    if (t.quoted && f != F::kString && f != F::kStrings && f != F::kStringRest) {
      return Fail("bad ", FieldName(f), " ", Q(t.text), " (quoted)");
    }
    std::string err;
    uint64_t v = 0;
    switch (f) {
      case F::kIPv4: {
        char a[4];
        if (!ParseIPv4(t.text, a)) return Fail("bad IPv4 address ", Q(t.text));
        wire->append(a, 4);
        ++i;
        break;
      }
      case F::kIPv6: {
        char a[16];
        if (!ParseIPv6(t.text, a)) return Fail("bad IPv6 address ", Q(t.text));
        wire->append(a, 16);
        ++i;
        break;
      }
      case F::kName:
        err = AppendName(t.text, t.escaped, origin_wire, wire);
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
          return Fail(TypeName(type), " value must be one string (quote it if it has blanks)");
        }
        err = Unescaped(t, wire);
        if (!err.empty()) return err;
        ++i;
        break;
      case F::kCaaTag: {
        if (t.text.empty() || t.text.size() > 255) return Fail("bad CAA tag ", Q(t.text));
        for (char c : t.text) {
          if (!absl::ascii_isalnum(static_cast<unsigned char>(c)))
            return Fail("bad CAA tag ", Q(t.text), " (letters and digits only)");
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
        if (!absl::Base64Unescape(AV(b64), &bin)) return Fail("bad base64 data ", Q(b64));
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
        uint16_t covered;
        if (!TypeFromText(t.text, &covered)) return Fail("unknown type ", Q(t.text));
        Put16(covered, wire);
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
        if (hash.empty() || hash.size() > 255) return Fail("bad next hashed owner name ", Q(t.text));
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
    return Fail("too many fields for ", TypeName(type), ": ", Q(tokens[i].text),
                        " is left over");
  }
  return {};
}

// RFC 3597: \# LENGTH HEX...
[[gnu::noinline]] std::string Generic(uint16_t type, absl::Span<const MasterToken> tokens, std::string* wire) {
  if (tokens.size() < 2) return "generic RDATA '\\#' needs a length";
  uint64_t len;
  std::string err = Unsigned(tokens[1].text, 65535, "RDATA length", &len);
  if (!err.empty()) return err;
  std::string bin;
  err = HexDecode(Joined(tokens, 2), &bin);
  if (!err.empty()) return err;
  if (bin.size() != len) {
    return Fail("generic RDATA says ", len, " octets but has ", bin.size());
  }
  // RFC 3597 §5: for a known type it must be that type's RDATA (checked on
  // a copy: the check lower-cases names, and the builder does it again).
  std::string check = bin;
  std::string problem = CanonicalizeRdata(type, &check);
  if (!problem.empty()) return Fail("generic RDATA of ", TypeName(type), " ", problem);
  wire->append(bin);
  return {};
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
[[gnu::noinline]] std::string ByLdns(uint16_t type, absl::Span<const MasterToken> tokens,
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
    return Fail("bad ", TypeName(type), " data: ", ldns_get_errorstr_by_id(st));
  }
  if (static_cast<uint16_t>(ldns_rr_get_type(rr.get())) != type) {
    return Fail("bad ", TypeName(type), " data");
  }
  std::unique_ptr<ldns_buffer, BufferFree> buf(ldns_buffer_new(512));
  if (ldns_rr_rdata2buffer_wire(buf.get(), rr.get()) != LDNS_STATUS_OK ||
      !ldns_buffer_status_ok(buf.get())) {
    return Fail("cannot encode the ", TypeName(type), " data");
  }
  wire->append(reinterpret_cast<const char*>(ldns_buffer_begin(buf.get())),
               ldns_buffer_position(buf.get()));
  return {};
}

// ---- SVCB and HTTPS (RFC 9460 §2.1, Appendix A) ----

// The SvcParamKeys with names (RFC 9460 §14.3.2; dohpath RFC 9461, ohttp
// RFC 9540).
constexpr std::array<std::string_view, 9> kSvcKeyNames = {
    "mandatory", "alpn", "no-default-alpn", "port", "ipv4hint",
    "ech",       "ipv6hint", "dohpath", "ohttp"};

// "alpn" or "key1" into *key; false if neither a name nor keyNNNNN
// (65535, "Invalid key", is refused).
bool SvcKeyFromText(std::string_view text, uint16_t* key) {
  for (size_t k = 0; k < kSvcKeyNames.size(); ++k) {
    if (text == kSvcKeyNames[k]) {
      *key = static_cast<uint16_t>(k);
      return true;
    }
  }
  if (text.size() < 4 || text.size() > 8 || text.substr(0, 3) != "key") return false;
  if (text.size() > 4 && text[3] == '0') return false;  // no leading zeros
  uint64_t v;
  if (!Unsigned(text.substr(3), 65534, "key", &v).empty()) return false;
  *key = static_cast<uint16_t>(v);
  return true;
}

std::string SvcKeyText(uint16_t key) {
  return key < kSvcKeyNames.size() ? std::string(kSvcKeyNames[key]) : absl::StrCat("key", key);
}

// RFC 9460 Appendix A.1: a value-list, after the char-string escapes are
// decoded, split at the commas that are not escaped; `\,` and `\\` (and
// any `\X`) stand for the octet X inside an item.
std::vector<std::string> SvcValueList(std::string_view value) {
  std::vector<std::string> items(1);
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size()) {
      items.back().push_back(value[++i]);
    } else if (c == ',') {
      items.emplace_back();
    } else {
      items.back().push_back(c);
    }
  }
  return items;
}

// The wire form of the value of `key` (decoded from its char-string);
// `mandatory` collects the keys a mandatory parameter lists.
std::string SvcValue(uint16_t key, std::string_view value, std::string* out,
                     std::vector<uint16_t>* mandatory) {
  const std::string name = SvcKeyText(key);
  auto needs_value = [&]() -> std::string {
    if (value.empty()) return Fail("SvcParam ", name, " needs a value");
    return {};
  };
  switch (key) {
    case 0: {  // mandatory: keys, sorted on the wire
      if (std::string err = needs_value(); !err.empty()) return err;
      for (const std::string& item : SvcValueList(value)) {
        uint16_t k;
        if (!SvcKeyFromText(item, &k)) return Fail("unknown SvcParamKey ", Q(item), " in mandatory");
        if (k == 0) return "mandatory must not list mandatory";
        if (std::find(mandatory->begin(), mandatory->end(), k) != mandatory->end()) {
          return Fail("mandatory lists ", SvcKeyText(k), " twice");
        }
        mandatory->push_back(k);
      }
      std::vector<uint16_t> sorted = *mandatory;
      std::sort(sorted.begin(), sorted.end());
      for (uint16_t k : sorted) Put16(k, out);
      return {};
    }
    case 1: {  // alpn: a value-list of alpn-ids
      if (std::string err = needs_value(); !err.empty()) return err;
      for (const std::string& id : SvcValueList(value)) {
        if (id.empty()) return Fail("empty ALPN id in alpn ", Q(value));
        if (id.size() > 255) return Fail("ALPN id longer than 255 octets in alpn");
        out->push_back(static_cast<char>(id.size()));
        out->append(id);
      }
      return {};
    }
    case 2:  // no-default-alpn
    case 8:  // ohttp
      if (!value.empty()) return Fail("SvcParam ", name, " takes no value");
      return {};
    case 3: {  // port
      if (std::string err = needs_value(); !err.empty()) return err;
      uint64_t v;
      if (std::string err = Unsigned(value, 65535, "port", &v); !err.empty()) return err;
      Put16(static_cast<uint16_t>(v), out);
      return {};
    }
    case 4:    // ipv4hint
    case 6: {  // ipv6hint
      if (std::string err = needs_value(); !err.empty()) return err;
      for (const std::string& item : SvcValueList(value)) {
        char a[16];
        if (key == 4 ? !ParseIPv4(item, a) : !ParseIPv6(item, a)) {
          return Fail("bad ", key == 4 ? "IPv4" : "IPv6", " address ", Q(item), " in ", name);
        }
        out->append(a, key == 4 ? 4 : 16);
      }
      return {};
    }
    case 5: {  // ech: base64
      if (std::string err = needs_value(); !err.empty()) return err;
      std::string bin;
      if (!absl::Base64Unescape(AV(value), &bin)) return Fail("bad base64 data in ech ", Q(value));
      out->append(bin);
      return {};
    }
    case 7:  // dohpath: a URI template, as written
      if (std::string err = needs_value(); !err.empty()) return err;
      out->append(value);
      return {};
    default:  // keyNNNNN: the octets
      out->append(value);
      return {};
  }
}

// SVCB and HTTPS: SvcPriority TargetName SvcParams (key[=value] each; a
// quoted value is the quoted token joined to `key=`), the parameters
// sorted by key on the wire.
[[gnu::noinline]] std::string Svcb(uint16_t type, absl::Span<const MasterToken> tokens,
                                   std::string_view origin_wire, std::string* wire) {
  const std::string tname = TypeName(type);
  if (tokens.size() < 2) return Fail(tname, " record needs a priority and a target name");
  if (tokens[0].quoted) return Fail("bad number ", Q(tokens[0].text), " (quoted)");
  uint64_t priority;
  if (std::string err = Unsigned(tokens[0].text, 65535, "SvcPriority", &priority); !err.empty())
    return err;
  Put16(static_cast<uint16_t>(priority), wire);
  if (tokens[1].quoted) return Fail("bad domain name ", Q(tokens[1].text), " (quoted)");
  if (std::string err = AppendName(tokens[1].text, tokens[1].escaped, origin_wire, wire);
      !err.empty())
    return err;
  std::vector<std::pair<uint16_t, std::string>> params;
  std::vector<uint16_t> mandatory;
  for (size_t i = 2; i < tokens.size(); ++i) {
    const MasterToken& t = tokens[i];
    if (t.quoted) return Fail("bad SvcParam ", Q(t.text), " (quoted; write key=\"value\")");
    const size_t eq = t.text.find('=');
    const std::string_view key_text = t.text.substr(0, eq);
    uint16_t key;
    if (!SvcKeyFromText(key_text, &key)) return Fail("unknown SvcParamKey ", Q(key_text));
    // The value as written: after '=', or the quoted token joined to it.
    MasterToken value_token;
    value_token.line = t.line;
    if (eq != std::string_view::npos) {
      value_token.text = t.text.substr(eq + 1);
      value_token.escaped = t.escaped;
      if (value_token.text.empty() && i + 1 < tokens.size() && tokens[i + 1].joined &&
          tokens[i + 1].quoted) {
        value_token = tokens[++i];
      }
    }
    std::string value;
    if (std::string err = Unescaped(value_token, &value); !err.empty()) return err;
    for (const auto& p : params) {
      if (p.first == key) return Fail("SvcParam ", SvcKeyText(key), " appears twice");
    }
    std::string out;
    if (std::string err = SvcValue(key, value, &out, &mandatory); !err.empty()) return err;
    if (out.size() > 65535) return Fail("SvcParam ", SvcKeyText(key), " is too long");
    params.emplace_back(key, std::move(out));
  }
  for (uint16_t k : mandatory) {
    bool present = false;
    for (const auto& p : params) present |= p.first == k;
    if (!present) return Fail("mandatory lists ", SvcKeyText(k), ", which the record does not have");
  }
  std::sort(params.begin(), params.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, value] : params) {
    Put16(key, wire);
    Put16(static_cast<uint16_t>(value.size()), wire);
    wire->append(value);
  }
  return {};
}

}  // namespace

std::string NameFromPresentation(std::string_view text, std::string_view origin_wire,
                                 std::string* wire) {
  wire->clear();
  return AppendName(text, std::memchr(text.data(), '\\', text.size()) != nullptr, origin_wire,
                    wire);
}

[[gnu::hot]] std::string NameFromToken(const MasterToken& token, std::string_view origin_wire,
                          std::string* wire) {
  wire->clear();
  return AppendName(token.text, token.escaped, origin_wire, wire);
}

std::string TtlFromText(std::string_view text, uint32_t* ttl, bool* top_bit) {
  if (top_bit != nullptr) *top_bit = false;
  if (!LooksLikeTtl(text)) return Fail("bad TTL ", Q(text));
  uint64_t total = 0, n = 0;
  bool digits = false, units = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      n = n * 10 + static_cast<uint64_t>(c - '0');
      digits = true;
      if (n > 0xffffffffffull) return Fail("TTL ", AV(text), " is out of range (0..", kMaxTtl, ")");
      continue;
    }
    uint64_t mult;
    switch (absl::ascii_tolower(static_cast<unsigned char>(c))) {
      case 's': mult = 1; break;
      case 'm': mult = 60; break;
      case 'h': mult = 3600; break;
      case 'd': mult = 86400; break;
      case 'w': mult = 604800; break;
      default: return Fail("bad TTL ", Q(text));
    }
    if (!digits) return Fail("bad TTL ", Q(text));
    total += n * mult;
    n = 0;
    digits = false;
    units = true;
    if (total > 0xffffffffull) break;
  }
  if (digits) {
    total += n;  // a trailing number without a unit counts as seconds
  } else if (!units) {
    return Fail("bad TTL ", Q(text));
  }
  if (total > kMaxTtl) {
    // RFC 2181 §8: a value with the top bit set is treated as 0 where the
    // caller allows it (as BIND does; Knot keeps it), else refused.
    if (top_bit == nullptr || total > 0xffffffffull) {
      return Fail("TTL ", AV(text), " is out of range (0..", kMaxTtl, ")");
    }
    *top_bit = true;
    total = 0;
  }
  *ttl = static_cast<uint32_t>(total);
  return {};
}

namespace {

// ldns's table, for the types not spelled out in TypeFromText(); 0 if
// unknown. Out of line: it needs a NUL-terminated copy.
[[gnu::noinline]] uint16_t LdnsTypeByName(std::string_view text) {
  const std::string s(text);
  return static_cast<uint16_t>(ldns_get_rr_type_by_name(s.c_str()));
}

// A number after a mnemonic prefix (TYPE65280, CLASS3); false if not one.
bool NumberAfter(std::string_view text, size_t prefix, uint16_t* value) {
  uint64_t v = 0;
  if (!Unsigned(text.substr(prefix), 65535, "number", &v).empty()) return false;
  *value = static_cast<uint16_t>(v);
  return true;
}

}  // namespace

[[gnu::hot]] bool TypeFromText(std::string_view text, uint16_t* type) {
  if (text.empty() || text.size() > 20) return false;
  if (text.size() > 4 && absl::ascii_isdigit(static_cast<unsigned char>(text[4])) &&
      EqualsUpper(text.substr(0, 4), "TYPE")) {
    return NumberAfter(text, 4, type);
  }
  // The common ones without ldns's linear, allocating lookup.
  uint16_t t = 0;
  switch (text.size()) {
    case 1:
      if (EqualsUpper(text, "A")) t = 1;
      break;
    case 2:
      if (EqualsUpper(text, "NS")) t = 2;
      else if (EqualsUpper(text, "MX")) t = 15;
      break;
    case 3:
      if (EqualsUpper(text, "TXT")) t = 16;
      else if (EqualsUpper(text, "SOA")) t = 6;
      else if (EqualsUpper(text, "PTR")) t = 12;
      else if (EqualsUpper(text, "SRV")) t = 33;
      else if (EqualsUpper(text, "CAA")) t = 257;
      break;
    case 4:
      if (EqualsUpper(text, "AAAA")) t = 28;
      break;
    case 5:
      if (EqualsUpper(text, "CNAME")) t = 5;
      break;
  }
  if (t == 0) t = LdnsTypeByName(text);
  if (t == 0) return false;
  *type = t;
  return true;
}

[[gnu::hot]] bool ClassFromText(std::string_view text, uint16_t* rclass) {
  if (text.size() > 5 && absl::ascii_isdigit(static_cast<unsigned char>(text[5])) &&
      EqualsUpper(text.substr(0, 5), "CLASS")) {
    return NumberAfter(text, 5, rclass);
  }
  uint16_t c = 0;
  if (EqualsUpper(text, "IN")) c = 1;
  else if (EqualsUpper(text, "CS")) c = 2;
  else if (EqualsUpper(text, "CH")) c = 3;
  else if (EqualsUpper(text, "HS")) c = 4;
  else if (EqualsUpper(text, "NONE")) c = 254;
  else if (EqualsUpper(text, "ANY")) c = 255;
  if (c == 0) return false;
  *rclass = c;
  return true;
}

[[gnu::hot]] std::string RdataFromText(uint16_t type, absl::Span<const MasterToken> tokens,
                          std::string_view origin_wire, std::string* wire) {
  wire->clear();
  if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "\\#") {
    return Generic(type, tokens, wire);
  }
  // The types of most records, one field each, without the layout walk;
  // anything unusual (and every error) goes the general way below.
  if (tokens.size() == 1 && !tokens[0].quoted) {
    const std::string_view text = tokens[0].text;
    switch (type) {
      case 1: {  // A
        char a[4];
        if (ParseIPv4(text, a)) {
          wire->append(a, 4);
          return {};
        }
        break;
      }
      case 28: {  // AAAA
        char a[16];
        if (ParseIPv6(text, a)) {
          wire->append(a, 16);
          return {};
        }
        break;
      }
      case 2:    // NS
      case 5:    // CNAME
      case 12:   // PTR
      case 39:   // DNAME
        if (AppendName(text, tokens[0].escaped, origin_wire, wire).empty()) return {};
        wire->clear();
        break;
    }
  }
  if (const Layout* layout = FindLayout(type)) {
    return ByLayout(type, *layout, tokens, origin_wire, wire);
  }
  if (type == 64 || type == 65) return Svcb(type, tokens, origin_wire, wire);  // SVCB, HTTPS
  const ldns_rr_descriptor* d = ldns_rr_descript(type);
  if (d == nullptr || d->_name == nullptr ||
      std::strncmp(d->_name, "TYPE", 4) == 0) {
    return Fail("type ", TypeName(type),
                        " has no presentation form here: write its RDATA as '\\# LENGTH HEX'");
  }
  return ByLdns(type, tokens, origin_wire, wire);
}

}  // namespace zones
