// File: zones/zone_export.cc
//
// Zone → master file / Route 53 JSON.
//
// RDATA presentation, per type:
//  - written here, field by field, for the types of nearly every zone (A,
//    AAAA, NS, CNAME, PTR, DNAME, MX, SOA, TXT, SPF, SRV): exact by
//    construction and fast on a million-record zone;
//  - for the other types NSD, Knot and BIND all know (kPresentedTypes),
//    ldns's per-field writer (ldns_rdf2buffer_str), checked by reading the
//    text back with ldns (ldns_rr_new_frm_str) and with our own reader
//    (zones/rdata_text.h) and comparing the octets: a value either does
//    not read back to itself falls back to RFC 3597;
//  - every other type, and RDATA that does not parse as its type (a zone
//    may hold any octets for a type it does not check), as RFC 3597
//    "\# len hex".
// Both outputs are built as text directly (no JSON tree: a million record
// sets would cost hundreds of MiB in nlohmann's nodes).
#include "zones/zone_export.h"

#include <stdbool.h>  // ldns's headers use bool from C

#include <ldns/ldns.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "zones/master_tokenizer.h"
#include "zones/rdata_text.h"

namespace zones {
namespace {

using base::AV;

// The types written in their own presentation form: those whose syntax
// NSD 4, Knot 3 and BIND 9 share (the intersection of the three parsers'
// type tables). Sorted by number.
struct PresentedType {
  uint16_t type;
  const char* name;
};
constexpr PresentedType kPresentedTypes[] = {
    {1, "A"},          {2, "NS"},        {5, "CNAME"},      {6, "SOA"},
    {12, "PTR"},       {13, "HINFO"},    {14, "MINFO"},     {15, "MX"},
    {16, "TXT"},       {17, "RP"},       {18, "AFSDB"},     {21, "RT"},
    {28, "AAAA"},      {29, "LOC"},      {33, "SRV"},       {35, "NAPTR"},
    {36, "KX"},        {37, "CERT"},     {39, "DNAME"},     {43, "DS"},
    {44, "SSHFP"},     {45, "IPSECKEY"}, {46, "RRSIG"},     {47, "NSEC"},
    {48, "DNSKEY"},    {49, "DHCID"},    {50, "NSEC3"},     {51, "NSEC3PARAM"},
    {52, "TLSA"},      {53, "SMIMEA"},   {59, "CDS"},       {60, "CDNSKEY"},
    {61, "OPENPGPKEY"},{62, "CSYNC"},    {63, "ZONEMD"},    {64, "SVCB"},
    {65, "HTTPS"},     {99, "SPF"},      {104, "NID"},      {105, "L32"},
    {106, "L64"},      {107, "LP"},      {108, "EUI48"},    {109, "EUI64"},
    {256, "URI"},      {257, "CAA"},
};

const char* PresentedName(uint16_t type) {
  const auto* it = std::lower_bound(
      std::begin(kPresentedTypes), std::end(kPresentedTypes), type,
      [](const PresentedType& p, uint16_t t) { return p.type < t; });
  return it != std::end(kPresentedTypes) && it->type == type ? it->name
                                                             : nullptr;
}

uint16_t Get16(std::string_view s, size_t off) {
  return static_cast<uint16_t>((static_cast<uint8_t>(s[off]) << 8) |
                               static_cast<uint8_t>(s[off + 1]));
}

uint32_t Get32(std::string_view s, size_t off) {
  return (uint32_t{Get16(s, off)} << 16) | Get16(s, off + 2);
}

// End of the uncompressed wire name at `off` in `s`, or npos.
size_t NameEnd(std::string_view s, size_t off) {
  size_t total = 0;
  while (off < s.size()) {
    const size_t len = static_cast<uint8_t>(s[off]);
    if (len > 63) return std::string_view::npos;
    total += len + 1;
    if (total > dns::kMaxNameLength) return std::string_view::npos;
    ++off;
    if (len == 0) return off;
    off += len;
  }
  return std::string_view::npos;
}

// Appends the name at *off (absolute, escaped) and moves past it.
bool AppendName(std::string_view rdata, size_t* off, std::string* out) {
  const size_t end = NameEnd(rdata, *off);
  if (end == std::string_view::npos) return false;
  out->append(dns::NameToText(rdata.substr(*off, end - *off)));
  *off = end;
  return true;
}

// Appends one <character-string> at *off, quoted, with "\"", "\\" and
// "\DDD" for octets outside printable ASCII.
bool AppendCharacterString(std::string_view rdata, size_t* off,
                           std::string* out) {
  if (*off >= rdata.size()) return false;
  const size_t len = static_cast<uint8_t>(rdata[*off]);
  if (*off + 1 + len > rdata.size()) return false;
  out->push_back('"');
  for (size_t i = *off + 1; i <= *off + len; ++i) {
    const auto c = static_cast<uint8_t>(rdata[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\%03u", c);
      out->append(esc, 4);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
  *off += 1 + len;
  return true;
}

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : bytes) {
    const auto c = static_cast<uint8_t>(ch);
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 15]);
  }
}

// RFC 3597 §5: "\# <length> <hex>".
std::string GenericRdata(std::string_view rdata) {
  std::string out = absl::StrCat("\\# ", rdata.size());
  if (!rdata.empty()) {
    out.push_back(' ');
    AppendHex(rdata, &out);
  }
  return out;
}

// The types written here field by field; false if `rdata` does not have
// the type's layout (the caller writes it generically).
bool OwnRdataText(uint16_t type, std::string_view rdata, std::string* out) {
  size_t off = 0;
  switch (type) {
    case dns::rrtype::kA: {
      if (rdata.size() != 4) return false;
      char buf[16];
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u",
                    static_cast<uint8_t>(rdata[0]), static_cast<uint8_t>(rdata[1]),
                    static_cast<uint8_t>(rdata[2]), static_cast<uint8_t>(rdata[3]));
      out->append(buf);
      return true;
    }
    case dns::rrtype::kAAAA: {
      // RFC 5952 text (compressed, lower case), as dig and kdig print it.
      if (rdata.size() != 16) return false;
      char buf[INET6_ADDRSTRLEN];
      if (inet_ntop(AF_INET6, rdata.data(), buf, sizeof buf) == nullptr) return false;
      out->append(buf);
      return true;
    }
    case dns::rrtype::kNS:
    case dns::rrtype::kCNAME:
    case dns::rrtype::kPTR:
    case dns::rrtype::kDNAME:
      return AppendName(rdata, &off, out) && off == rdata.size();
    case dns::rrtype::kMX: {
      if (rdata.size() < 3) return false;
      absl::StrAppend(out, Get16(rdata, 0), " ");
      off = 2;
      return AppendName(rdata, &off, out) && off == rdata.size();
    }
    case dns::rrtype::kSRV: {
      if (rdata.size() < 7) return false;
      absl::StrAppend(out, Get16(rdata, 0), " ", Get16(rdata, 2), " ",
                      Get16(rdata, 4), " ");
      off = 6;
      return AppendName(rdata, &off, out) && off == rdata.size();
    }
    case dns::rrtype::kSOA: {
      if (!AppendName(rdata, &off, out)) return false;
      out->push_back(' ');
      if (!AppendName(rdata, &off, out)) return false;
      if (rdata.size() - off != 20) return false;
      for (int i = 0; i < 5; ++i) absl::StrAppend(out, " ", Get32(rdata, off + 4 * i));
      return true;
    }
    case dns::rrtype::kTXT:
    case 99: {  // SPF
      while (off < rdata.size()) {
        if (off > 0) out->push_back(' ');
        if (!AppendCharacterString(rdata, &off, out)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

struct RRFreer {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct BufferFreer {
  void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};

// `text` with runs of spaces outside quoted strings made one space, and
// none at either end.
std::string SingleSpaced(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool quoted = false;
  bool pending_space = false;  // a separator seen since the last field octet
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' && !quoted) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
    if (c == '\\' && i + 1 < text.size()) {
      out.push_back(text[++i]);
    } else if (c == '"') {
      quoted = !quoted;
    }
  }
  return out;
}

// ldns's presentation of the RDATA, if ldns reads it back to the same
// octets; nullopt otherwise.
std::optional<std::string> LdnsRdataText(uint16_t type, const char* mnemonic,
                                         std::string_view rdata) {
  if (rdata.size() > 0xffff) return std::nullopt;
  // The whole RR as ldns_wire2rr takes it: root owner, TYPE, CLASS IN,
  // TTL 0, RDLENGTH, RDATA.
  std::string wire;
  wire.reserve(11 + rdata.size());
  wire.push_back(0);
  const uint8_t fixed[10] = {
      static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 1, 0, 0, 0, 0,
      static_cast<uint8_t>(rdata.size() >> 8), static_cast<uint8_t>(rdata.size())};
  wire.append(reinterpret_cast<const char*>(fixed), sizeof fixed);
  wire.append(rdata);
  ldns_rr* raw = nullptr;
  size_t pos = 0;
  if (ldns_wire2rr(&raw, reinterpret_cast<const uint8_t*>(wire.data()),
                   wire.size(), &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) {
    return std::nullopt;
  }
  std::unique_ptr<ldns_rr, RRFreer> rr(raw);
  if (pos != wire.size() || ldns_rr_rd_count(rr.get()) == 0) return std::nullopt;
  std::unique_ptr<ldns_buffer, BufferFreer> buf(ldns_buffer_new(256));
  if (buf == nullptr) return std::nullopt;
  for (size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
    if (i > 0) ldns_buffer_printf(buf.get(), " ");
    if (ldns_rdf2buffer_str(buf.get(), ldns_rr_rdf(rr.get(), i)) != LDNS_STATUS_OK)
      return std::nullopt;
  }
  if (!ldns_buffer_status_ok(buf.get())) return std::nullopt;
  // ldns ends some fields with a space (a salt, a type bitmap): one space
  // between fields, none at the end.
  std::string text = SingleSpaced(std::string_view(
      reinterpret_cast<const char*>(ldns_buffer_begin(buf.get())),
      ldns_buffer_position(buf.get())));
  // ldns's unknown-type writer already says "\# ..."; leave that to ours.
  if (text.empty() || text.find('\n') != std::string::npos ||
      text.rfind("\\#", 0) == 0) {
    return std::nullopt;
  }

  // Read it back.
  const std::string line = absl::StrCat(". 0 IN ", mnemonic, " ", text);
  ldns_rr* back_raw = nullptr;
  if (ldns_rr_new_frm_str(&back_raw, line.c_str(), 0, nullptr, nullptr) !=
      LDNS_STATUS_OK) {
    return std::nullopt;
  }
  std::unique_ptr<ldns_rr, RRFreer> back(back_raw);
  std::unique_ptr<ldns_buffer, BufferFreer> back_wire(ldns_buffer_new(256));
  if (back_wire == nullptr ||
      ldns_rr_rdata2buffer_wire(back_wire.get(), back.get()) != LDNS_STATUS_OK ||
      !ldns_buffer_status_ok(back_wire.get())) {
    return std::nullopt;
  }
  const std::string_view again(
      reinterpret_cast<const char*>(ldns_buffer_begin(back_wire.get())),
      ldns_buffer_position(back_wire.get()));
  if (again != rdata) return std::nullopt;
  // And with our own reader, which is what loads the file back: ldns and
  // RFC 9460 read SVCB's escaped value lists differently (ldns writes
  // alpn=f\\oo\,bar and reads its own text back; RFC 9460 and NSD read
  // that text as the ids "foo", "bar"). Such a value is written as RFC 3597.
  MasterTokenizer tokenizer(text);
  MasterEntry entry;
  MasterTokenizer::Error err;
  std::string ours;
  if (!tokenizer.Next(&entry, &err) || !err.message.empty()) return std::nullopt;
  entry.has_owner = false;
  if (!RdataFromText(type, entry.tokens, std::string_view("\0", 1), &ours).empty() ||
      ours != rdata) {
    return std::nullopt;
  }
  return text;
}

// The owner relative to the origin: "@" for the apex, "www" for
// www.<origin>. `owner` is at or below `origin`.
std::string RelativeOwner(std::string_view owner, std::string_view origin) {
  if (owner.size() == origin.size()) return "@";
  std::string prefix(owner.substr(0, owner.size() - origin.size()));
  prefix.push_back(0);
  std::string text = dns::NameToText(prefix);
  text.pop_back();  // the trailing dot
  return text;
}

// The non-empty nodes of `zone`, in canonical order (RFC 4034 §6.1; the
// apex first).
//
// Sorting a million nodes with NameCanonicalCompare through Node pointers
// took seconds (two dependent cache misses per comparison); instead each
// name becomes a key that compares as plain octets in canonical order, and
// the sort runs over fixed-size entries holding the key's first octets,
// reaching the rest of the key only on a tie.
//
// The key: the labels from the root down, each label's octets followed by
// a 0x00 terminator; octets 0x00 and 0x01 inside a label are written
// 0x01 0x01 and 0x01 0x02, so the terminator sorts below every octet and
// a parent (a prefix of its children's keys) sorts first. Owners are
// stored lower-cased already.
std::vector<const Node*> SortedNodes(const Zone& zone) {
  constexpr size_t kPrefix = 24;
  struct Entry {
    char prefix[kPrefix];  // the key's first octets, zero-padded
    uint32_t offset;       // the whole key in `keys`
    uint32_t length;
    const Node* node;
  };
  std::string keys;
  std::vector<Entry> entries;
  entries.reserve(zone.node_count());
  keys.reserve(zone.node_count() * 24);
  for (size_t i = 0; i < zone.node_count(); ++i) {
    const Node& n = zone.node(static_cast<uint32_t>(i));
    if (n.empty_non_terminal()) continue;
    // Label starts, then the labels in reverse.
    const std::string_view owner = n.owner;
    size_t starts[dns::kMaxLabels + 1];
    size_t labels = 0;
    for (size_t off = 0; off < owner.size() && owner[off] != 0;
         off += 1 + static_cast<uint8_t>(owner[off])) {
      starts[labels++] = off;
    }
    Entry e{};
    e.offset = static_cast<uint32_t>(keys.size());
    e.node = &n;
    for (size_t l = labels; l-- > 0;) {
      const size_t off = starts[l];
      const size_t len = static_cast<uint8_t>(owner[off]);
      for (size_t k = off + 1; k <= off + len && k < owner.size(); ++k) {
        const auto c = static_cast<uint8_t>(owner[k]);
        if (c <= 1) {
          keys.push_back(1);
          keys.push_back(static_cast<char>(c + 1));
        } else {
          keys.push_back(static_cast<char>(c));
        }
      }
      keys.push_back(0);
    }
    e.length = static_cast<uint32_t>(keys.size() - e.offset);
    std::memcpy(e.prefix, keys.data() + e.offset, std::min<size_t>(e.length, kPrefix));
    entries.push_back(e);
  }
  const char* base = keys.data();
  std::sort(entries.begin(), entries.end(), [base](const Entry& a, const Entry& b) {
    if (const int c = std::memcmp(a.prefix, b.prefix, kPrefix); c != 0) return c < 0;
    if (a.length <= kPrefix || b.length <= kPrefix) return a.length < b.length;
    const std::string_view x(base + a.offset + kPrefix, a.length - kPrefix);
    const std::string_view y(base + b.offset + kPrefix, b.length - kPrefix);
    return x < y;
  });
  std::vector<const Node*> nodes;
  nodes.reserve(entries.size());
  for (const Entry& e : entries) nodes.push_back(e.node);
  return nodes;
}

// --- Route 53 forms ---

// A name as Route 53 prints it: lower case, trailing dot, "\ooo" for
// every octet but a-z 0-9 - _.
std::string Route53Name(std::string_view wire) {
  if (wire.empty() || wire[0] == 0) return ".";
  std::string out;
  out.reserve(wire.size() + 8);
  size_t off = 0;
  while (off < wire.size()) {
    const size_t len = static_cast<uint8_t>(wire[off]);
    if (len == 0) break;
    for (size_t i = off + 1; i <= off + len && i < wire.size(); ++i) {
      const auto c = static_cast<uint8_t>(wire[i]);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_') {
        out.push_back(static_cast<char>(c));
      } else {
        char esc[5];
        std::snprintf(esc, sizeof esc, "\\%03o", c);
        out.append(esc, 4);
      }
    }
    out.push_back('.');
    off += 1 + len;
  }
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Presentation text with its RFC 1035 "\DDD" decimal escapes rewritten as
// Route 53's "\ooo" octal ones (other "\X" escapes stay).
std::string Route53Value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' || i + 1 >= text.size()) {
      out.push_back(c);
      continue;
    }
    const char d = text[i + 1];
    if (i + 3 < text.size() && IsDigit(d) && IsDigit(text[i + 2]) &&
        IsDigit(text[i + 3])) {
      const int value =
          (d - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\%03o", value & 0xff);
      out.append(esc, 4);
      i += 3;
    } else {
      out.push_back(c);
      out.push_back(d);
      ++i;
    }
  }
  return out;
}

// A JSON string literal.
void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<uint8_t>(ch);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out->append(esc);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

// Appends `"key": ` at `indent` spaces, after a comma when not first.
void AppendKey(int indent, std::string_view key, bool* first, std::string* out) {
  if (!*first) out->append(",\n");
  *first = false;
  out->append(static_cast<size_t>(indent), ' ');
  AppendJsonString(key, out);
  out->append(": ");
}

// One record set of a node, without copying it out of the zone: a static
// RRset (member null) or a routed member of a group.
struct RecordSetView {
  uint16_t type = 0;
  const RRset* rrset = nullptr;         // the values and TTL
  const RoutedGroup* group = nullptr;   // routed: its group and member
  const RoutedMember* member = nullptr;
};

// A node's record sets in the order Route 53 lists them: by type mnemonic
// (stable: a group's members in their order).
std::vector<RecordSetView> RecordSetViews(const Node& node) {
  std::vector<std::pair<std::string, RecordSetView>> named;
  for (const RRset& rrset : node.rrsets)
    named.emplace_back(ExportTypeName(rrset.type), RecordSetView{rrset.type, &rrset});
  for (const RoutedGroup& group : node.routed) {
    for (const RoutedMember& m : group.members) {
      named.emplace_back(ExportTypeName(group.type),
                         RecordSetView{group.type, &m.rrset, &group, &m});
    }
  }
  std::stable_sort(named.begin(), named.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<RecordSetView> views;
  views.reserve(named.size());
  for (auto& [name, view] : named) views.push_back(view);
  return views;
}

// One record set, as a JSON object at 8 spaces (inside the array).
// `owner_json`: the owner's Route 53 name, as a JSON string literal.
void AppendRecordSetJson(std::string_view owner_json, const RecordSetView& rs,
                         std::string* out) {
  constexpr int kIn = 12;  // the fields' indent
  out->append(8, ' ');
  out->append("{\n");
  bool first = true;
  AppendKey(kIn, "Name", &first, out);
  out->append(owner_json);
  AppendKey(kIn, "Type", &first, out);
  AppendJsonString(ExportTypeName(rs.type), out);
  static const RoutedMember kNone;
  const bool routed = rs.member != nullptr;
  const RoutedMember& m = routed ? *rs.member : kNone;
  if (routed) {
    if (!m.set_identifier.empty()) {
      AppendKey(kIn, "SetIdentifier", &first, out);
      AppendJsonString(m.set_identifier, out);
    }
    switch (rs.group->policy) {
      case RoutingPolicy::kWeighted:
        AppendKey(kIn, "Weight", &first, out);
        absl::StrAppend(out, m.weight);
        break;
      case RoutingPolicy::kLatency:
        AppendKey(kIn, "Region", &first, out);
        AppendJsonString(m.region, out);
        break;
      case RoutingPolicy::kFailover:
        AppendKey(kIn, "Failover", &first, out);
        AppendJsonString(m.failover == FailoverRole::kSecondary ? "SECONDARY"
                                                                : "PRIMARY",
                         out);
        break;
      case RoutingPolicy::kMultiValue:
        AppendKey(kIn, "MultiValueAnswer", &first, out);
        out->append("true");
        break;
      case RoutingPolicy::kSimple:
        break;
    }
  }
  if (!m.is_alias()) {
    AppendKey(kIn, "TTL", &first, out);
    absl::StrAppend(out, rs.rrset->ttl);
    AppendKey(kIn, "ResourceRecords", &first, out);
    out->append("[");
    for (size_t i = 0; i < rs.rrset->count; ++i) {
      out->append(i == 0 ? "\n" : ",\n");
      out->append(kIn + 4, ' ');
      out->append("{\n");
      out->append(kIn + 8, ' ');
      out->append("\"Value\": ");
      AppendJsonString(Route53Value(RdataToText(rs.type, rs.rrset->rdata(i))), out);
      out->append("\n");
      out->append(kIn + 4, ' ');
      out->append("}");
    }
    out->append("\n");
    out->append(kIn, ' ');
    out->append("]");
  }
  if (m.is_alias()) {
    AppendKey(kIn, "AliasTarget", &first, out);
    out->append("{\n");
    out->append(kIn + 4, ' ');
    out->append("\"DNSName\": ");
    AppendJsonString(Route53Name(m.alias_target), out);
    out->append(",\n");
    out->append(kIn + 4, ' ');
    absl::StrAppend(out, "\"EvaluateTargetHealth\": ",
                    m.evaluate_target_health ? "true" : "false", "\n");
    out->append(kIn, ' ');
    out->append("}");
  }
  if (!m.health_check_id.empty()) {
    AppendKey(kIn, "HealthCheckId", &first, out);
    AppendJsonString(m.health_check_id, out);
  }
  out->append("\n");
  out->append(8, ' ');
  out->append("}");
}

}  // namespace

std::optional<ExportFormat> ParseExportFormat(std::string_view text) {
  if (text == "zone") return ExportFormat::kMasterFile;
  if (text == "route53") return ExportFormat::kRoute53Json;
  return std::nullopt;
}

std::string ExportZone(const Zone& zone, ExportFormat format) {
  return format == ExportFormat::kRoute53Json ? ExportRoute53Json(zone)
                                              : ExportMasterFile(zone);
}

std::string ExportTypeName(uint16_t type) {
  if (const char* name = PresentedName(type)) return name;
  return absl::StrCat("TYPE", type);
}

std::string RdataToText(uint16_t type, std::string_view rdata) {
  if (rdata.empty()) return GenericRdata(rdata);
  std::string out;
  if (OwnRdataText(type, rdata, &out)) return out;
  switch (type) {
    case dns::rrtype::kA: case dns::rrtype::kAAAA: case dns::rrtype::kNS:
    case dns::rrtype::kCNAME: case dns::rrtype::kPTR: case dns::rrtype::kDNAME:
    case dns::rrtype::kMX: case dns::rrtype::kSRV: case dns::rrtype::kSOA:
    case dns::rrtype::kTXT: case 99:
      return GenericRdata(rdata);  // malformed for its type
    default:
      break;
  }
  if (const char* name = PresentedName(type)) {
    if (std::optional<std::string> text = LdnsRdataText(type, name, rdata))
      return *std::move(text);
  }
  return GenericRdata(rdata);
}

std::string ExportMasterFile(const Zone& zone) {
  const std::string& origin = zone.origin();
  const std::string origin_text = dns::NameToText(origin);
  std::string out;
  out.reserve(zone.record_count() * 48 + 512);
  absl::StrAppend(&out, "; ", origin_text, " serial ", zone.serial(), ": ",
                  zone.record_count(), " records, exported by steerdns\n");
  if (const size_t routed = zone.routed_record_set_count(); routed > 0) {
    absl::StrAppend(
        &out, "; ", routed,
        routed == 1 ? " routed record set (Route 53 routing policy or alias) is"
                    : " routed record sets (Route 53 routing policies and aliases) are",
        " left out: a master file cannot express them; the Route 53 form has them"
        " (zonectl show ", origin_text, " --records --format route53)\n");
  }
  absl::StrAppend(&out, "$ORIGIN ", origin_text, "\n$TTL ", zone.soa().ttl, "\n");

  auto write_rrset = [&](const std::string& owner_text, const RRset& rrset) {
    const std::string type_name = ExportTypeName(rrset.type);
    for (size_t i = 0; i < rrset.count; ++i) {
      absl::StrAppend(&out, owner_text, "\t", rrset.rr_ttl(i), "\tIN\t", type_name, "\t",
                      RdataToText(rrset.type, rrset.rdata(i)), "\n");
    }
  };
  for (const Node* node : SortedNodes(zone)) {
    const std::string owner = RelativeOwner(node->owner, origin);
    const RRset* soa = node == &zone.apex() ? node->Find(dns::rrtype::kSOA) : nullptr;
    if (soa != nullptr) write_rrset(owner, *soa);
    for (const RRset& rrset : node->rrsets) {
      if (&rrset != soa) write_rrset(owner, rrset);
    }
  }
  return out;
}

std::string ExportRoute53Json(const Zone& zone) {
  std::string out;
  out.reserve(zone.record_count() * 240 + 64);  // ~230 octets a record set
  out.append("{\n    \"ResourceRecordSets\": [");
  bool first = true;
  for (const Node* node : SortedNodes(zone)) {
    std::string owner_json;
    AppendJsonString(Route53Name(node->owner), &owner_json);
    for (const RecordSetView& view : RecordSetViews(*node)) {
      out.append(first ? "\n" : ",\n");
      first = false;
      AppendRecordSetJson(owner_json, view, &out);
    }
  }
  out.append(first ? "]\n}\n" : "\n    ]\n}\n");
  return out;
}

Route53RecordSet StaticRecordSetOf(std::string_view owner, const RRset& rrset) {
  Route53RecordSet rs;
  rs.owner = std::string(owner);
  rs.type = rrset.type;
  rs.ttl = rrset.ttl;
  rs.rdatas.reserve(rrset.count);
  for (size_t i = 0; i < rrset.count; ++i) rs.rdatas.emplace_back(rrset.rdata(i));
  return rs;
}

Route53RecordSet RoutedRecordSetOf(std::string_view owner,
                                   const RoutedGroup& group,
                                   const RoutedMember& member) {
  Route53RecordSet rs = StaticRecordSetOf(owner, member.rrset);
  rs.type = group.type;
  rs.routed = true;
  rs.policy = group.policy;
  // Every routing field and the source (a copy, so that a new field is not
  // forgotten), without the encoded values.
  rs.member = member;
  rs.member.rrset = RRset();
  return rs;
}

std::vector<Route53RecordSet> RecordSetsOf(const Node& node) {
  std::vector<Route53RecordSet> sets;
  sets.reserve(node.rrsets.size() + node.routed.size());
  for (const RRset& rrset : node.rrsets) sets.push_back(StaticRecordSetOf(node.owner, rrset));
  for (const RoutedGroup& group : node.routed) {
    for (const RoutedMember& m : group.members)
      sets.push_back(RoutedRecordSetOf(node.owner, group, m));
  }
  return sets;
}

}  // namespace zones
