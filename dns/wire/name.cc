// File: dns/wire/name.cc
#include "dns/wire/name.h"

#include <algorithm>
#include <cstring>

namespace dns {

namespace {

// Eight octets lower-cased at once (ASCII A-Z only).
inline uint64_t Lower8(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t low7 = x & (0x7f * kOnes);
  const uint64_t ge_a = low7 + (0x80 - 'A') * kOnes;  // high bit: >= 'A'
  const uint64_t gt_z = low7 + (0x7f - 'Z') * kOnes;  // high bit: > 'Z'
  const uint64_t upper = (ge_a ^ gt_z) & ~x & (0x80 * kOnes);
  return x | (upper >> 2);  // 0x80 >> 2 == 0x20
}

// Lower-cases n octets from src into dst, eight at a time. Label length
// octets (<= 63) are below 'A' and pass through unchanged, so a whole wire
// name can be lower-cased without looking at its structure. dst and src
// must not overlap.
inline void LowerCopy(uint8_t* dst, const uint8_t* src, size_t n) {
  size_t i = 0;
  uint64_t x;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&x, src + i, 8);
    x = Lower8(x);
    std::memcpy(dst + i, &x, 8);
  }
  if (i == n) return;
  if (n >= 8) {
    // The last 8 octets once more, overlapping what is done: lower-casing
    // is idempotent and src is untouched, so the overlap is written twice
    // with the same value. Cheaper than a byte loop for the 1-7 left.
    std::memcpy(&x, src + n - 8, 8);
    x = Lower8(x);
    std::memcpy(dst + n - 8, &x, 8);
    return;
  }
  for (; i < n; ++i) dst[i] = LowerOctet(src[i]);
}

// Parses presentation text into label octets (no root octet), lower-cased,
// into out[0..254). Returns the octet count, or -1 on malformed text.
// *absolute is set when the text ends with an unescaped dot.
int TextToLabels(std::string_view text, uint8_t* out, bool* absolute) {
  *absolute = false;
  if (text.empty()) return -1;
  if (text == ".") {
    *absolute = true;
    return 0;
  }
  constexpr size_t kMaxLabelOctets = kMaxNameLength - 1;  // root follows
  size_t n = 1;          // out[0] is the first label's length octet
  size_t label_pos = 0;  // position of the current length octet
  size_t label_len = 0;
  const size_t size = text.size();
  for (size_t i = 0; i < size; ++i) {
    uint8_t c = static_cast<uint8_t>(text[i]);
    if (c == '.') {
      if (label_len == 0) return -1;  // empty label
      out[label_pos] = static_cast<uint8_t>(label_len);
      if (i + 1 == size) {
        *absolute = true;
        return static_cast<int>(n);
      }
      if (n >= kMaxLabelOctets) return -1;
      label_pos = n++;
      label_len = 0;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= size) return -1;
      uint8_t e = static_cast<uint8_t>(text[i + 1]);
      if (e >= '0' && e <= '9') {  // \DDD, exactly three digits
        if (i + 3 >= size) return -1;
        unsigned v = 0;
        for (size_t k = 1; k <= 3; ++k) {
          uint8_t d = static_cast<uint8_t>(text[i + k]);
          if (d < '0' || d > '9') return -1;
          v = v * 10 + (d - '0');
        }
        if (v > 255) return -1;
        c = static_cast<uint8_t>(v);
        i += 3;
      } else {
        c = e;
        i += 1;
      }
    }
    if (label_len == kMaxLabelLength || n >= kMaxLabelOctets) return -1;
    out[n++] = LowerOctet(c);
    ++label_len;
  }
  // Ended without a trailing dot: relative. label_len > 0 here, because a
  // dot that is not the last character always has text after it.
  out[label_pos] = static_cast<uint8_t>(label_len);
  return static_cast<int>(n);
}

// True if the octet must be escaped in presentation format. Besides '.'
// and '\', the characters that are special in master files are escaped
// too (as BIND and dig do), so the text reads back as the same name.
inline bool NeedsBackslash(uint8_t c) {
  switch (c) {
    case '.': case '\\': case '"': case '(': case ')': case ';':
    case '@': case '$':
      return true;
    default:
      return false;
  }
}

// Length of the well-formed (uncompressed) name at the start of `wire`, or
// 0 if it is not one.
size_t WireNameLength(std::string_view wire) {
  size_t off = 0;
  while (off < wire.size()) {
    uint8_t l = static_cast<uint8_t>(wire[off]);
    if (l == 0) return off + 1 <= kMaxNameLength ? off + 1 : 0;
    if (l > kMaxLabelLength) return 0;
    off += 1 + l;
  }
  return 0;
}

// Fills offs with the offset of each label (root excluded); returns count.
// Stops at malformed data.
int LabelOffsets(std::string_view wire, uint8_t* offs) {
  int n = 0;
  size_t off = 0;
  while (off < wire.size() && n < static_cast<int>(kMaxLabels)) {
    uint8_t l = static_cast<uint8_t>(wire[off]);
    if (l == 0) break;
    offs[n++] = static_cast<uint8_t>(off);
    off += 1 + l;
  }
  return n;
}

}  // namespace

bool Name::AssignWire(const uint8_t* wire, size_t len) {
  if (len == 0 || len > kMaxNameLength) {
    Clear();
    return false;
  }
  LowerCopy(wire_, wire, len);
  length_ = static_cast<uint8_t>(len);
  if (!Index()) {
    Clear();
    return false;
  }
  return true;
}

size_t Name::ParseUncompressed(const uint8_t* wire, size_t avail) {
  size_t p = 0;
  int n = 0;
  for (;;) {
    if (p >= avail) break;
    const uint8_t l = wire[p];
    if (l == 0) {
      // p < 255 here, so each label took >= 2 octets: n <= 127.
      LowerCopy(wire_, wire, p + 1);
      length_ = static_cast<uint8_t>(p + 1);
      labels_ = static_cast<uint8_t>(n);
      label_offset_[n] = static_cast<uint8_t>(p);
      return p + 1;
    }
    if (l > kMaxLabelLength) break;  // pointer or 0x40/0x80 label type
    label_offset_[n++] = static_cast<uint8_t>(p);
    p += 1 + size_t{l};
    if (p >= kMaxNameLength) break;  // no room left for the root label
  }
  Clear();
  return 0;
}

bool Name::Index() {
  const size_t len = length_;
  size_t off = 0;
  int n = 0;
  for (;;) {
    if (off >= len) return false;
    const uint8_t l = wire_[off];
    if (l == 0) break;
    if (l > kMaxLabelLength) return false;
    // Each label takes >= 2 octets and the root one more, so a name of at
    // most 255 octets has at most 127 labels: n stays within the array.
    label_offset_[n++] = static_cast<uint8_t>(off);
    off += 1 + static_cast<size_t>(l);
  }
  if (off + 1 != len) return false;  // trailing octets
  labels_ = static_cast<uint8_t>(n);
  label_offset_[n] = static_cast<uint8_t>(off);
  return true;
}

bool Name::ParseText(std::string_view text) {
  uint8_t buf[kMaxNameLength + 1];
  bool absolute;
  int n = TextToLabels(text, buf, &absolute);
  if (n < 0) {
    Clear();
    return false;
  }
  buf[n] = 0;  // a missing trailing dot still means absolute here
  return AssignWire(buf, static_cast<size_t>(n) + 1);
}

bool Name::IsSubdomainOf(std::string_view zone_wire) const {
  if (zone_wire.size() > length_ || zone_wire.empty()) return false;
  const size_t off = length_ - zone_wire.size();
  if (std::memcmp(wire_ + off, zone_wire.data(), zone_wire.size()) != 0) {
    return false;
  }
  if (off == static_cast<size_t>(length_) - 1) return true;  // zone is root
  for (int i = 0; i < labels_; ++i) {
    if (label_offset_[i] == off) return true;
    if (label_offset_[i] > off) break;
  }
  return false;
}

std::string Name::ToText() const { return NameToText(wire()); }

bool NameFromText(std::string_view text, std::string* wire,
                  std::string_view origin_wire) {
  uint8_t buf[kMaxNameLength + 1];
  bool absolute;
  int n = TextToLabels(text, buf, &absolute);
  if (n < 0) return false;
  if (absolute || origin_wire.empty()) {
    buf[n] = 0;
    wire->assign(reinterpret_cast<const char*>(buf), n + 1);
    return true;
  }
  const size_t olen = WireNameLength(origin_wire);
  if (olen == 0 || olen != origin_wire.size()) return false;
  if (static_cast<size_t>(n) + olen > kMaxNameLength) return false;
  LowerCopy(buf + n, reinterpret_cast<const uint8_t*>(origin_wire.data()),
            olen);
  wire->assign(reinterpret_cast<const char*>(buf), n + olen);
  return true;
}

std::string NameToText(std::string_view wire) {
  std::string out;
  if (wire.empty() || wire[0] == 0) return ".";
  out.reserve(wire.size() + 8);
  size_t off = 0;
  while (off < wire.size()) {
    const size_t l = static_cast<uint8_t>(wire[off]);
    if (l == 0 || l > kMaxLabelLength || off + 1 + l > wire.size()) break;
    for (size_t i = off + 1; i <= off + l; ++i) {
      const uint8_t c = static_cast<uint8_t>(wire[i]);
      if (c <= 0x20 || c >= 0x7f) {
        char esc[5] = {'\\', static_cast<char>('0' + c / 100),
                       static_cast<char>('0' + c / 10 % 10),
                       static_cast<char>('0' + c % 10), 0};
        out.append(esc, 4);
      } else {
        if (NeedsBackslash(c)) out.push_back('\\');
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('.');
    off += 1 + l;
  }
  return out;
}

int NameLabelCount(std::string_view wire) {
  int n = 0;
  size_t off = 0;
  while (off < wire.size() && wire[off] != 0) {
    off += 1 + static_cast<uint8_t>(wire[off]);
    ++n;
  }
  return n;
}

bool NameIsSubdomain(std::string_view name, std::string_view zone) {
  if (zone.empty() || zone.size() > name.size()) return false;
  const size_t target = name.size() - zone.size();
  if (name.substr(target) != zone) return false;
  size_t off = 0;
  while (off < target) off += 1 + static_cast<uint8_t>(name[off]);
  return off == target;
}

std::string_view NameParent(std::string_view wire) {
  if (wire.empty() || wire[0] == 0) return wire;
  const size_t skip = 1 + static_cast<uint8_t>(wire[0]);
  if (skip >= wire.size()) return wire.substr(wire.size() - 1);
  return wire.substr(skip);
}

int NameCanonicalCompare(std::string_view a, std::string_view b) {
  uint8_t offs_a[kMaxLabels + 1];
  uint8_t offs_b[kMaxLabels + 1];
  int na = LabelOffsets(a, offs_a);
  int nb = LabelOffsets(b, offs_b);
  // Labels from the root down.
  while (na > 0 && nb > 0) {
    --na;
    --nb;
    const size_t pa = offs_a[na], pb = offs_b[nb];
    const size_t la = static_cast<uint8_t>(a[pa]);
    const size_t lb = static_cast<uint8_t>(b[pb]);
    const size_t common = std::min({la, lb, a.size() - pa - 1,
                                    b.size() - pb - 1});
    for (size_t i = 1; i <= common; ++i) {
      const uint8_t ca = LowerOctet(static_cast<uint8_t>(a[pa + i]));
      const uint8_t cb = LowerOctet(static_cast<uint8_t>(b[pb + i]));
      if (ca != cb) return ca < cb ? -1 : 1;
    }
    if (la != lb) return la < lb ? -1 : 1;
  }
  if (na != nb) return na < nb ? -1 : 1;
  return 0;
}

}  // namespace dns
