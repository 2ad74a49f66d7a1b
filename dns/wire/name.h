// File: dns/wire/name.h
//
// Domain names in wire form (RFC 1035 §3.1): a sequence of length-prefixed
// labels ending with the zero-length root label, at most 255 octets.
//
// Two representations:
//  - `Name`: a fixed-size value (no heap) holding the LOWER-CASED wire form
//    and the offset of each label. The query path parses into it.
//  - a `std::string` / `std::string_view` holding lower-cased wire bytes:
//    how zones store owners. The free functions below work on those.
//
// Comparison is always on lower-cased bytes (ASCII only, RFC 4343), so
// equality is byte equality.
//
// Example:
//   dns::Name n;
//   if (!n.ParseText("WWW.Example.COM.")) { ... }
//   n.wire();          // "\3www\7example\3com\0"
//   n.label_count();   // 3
//   n.Suffix(1);       // "\7example\3com\0"
#ifndef STEERDNS_DNS_WIRE_NAME_H_
#define STEERDNS_DNS_WIRE_NAME_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dns {

inline constexpr size_t kMaxNameLength = 255;
inline constexpr size_t kMaxLabelLength = 63;
inline constexpr size_t kMaxLabels = 127;  // 127 one-octet labels + root = 255

// ASCII lower-casing of one octet; other octets unchanged (RFC 4343).
inline constexpr uint8_t LowerOctet(uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c;
}

// A domain name: lower-cased uncompressed wire form plus label offsets.
// Trivially copyable, fixed size, never allocates. A default-constructed
// Name is the root name ".".
class Name {
 public:
  Name() { Clear(); }

  // Sets this to the root name.
  void Clear() {
    wire_[0] = 0;
    length_ = 1;
    labels_ = 0;
  }

  // Replaces this with `len` octets of uncompressed wire form, lower-casing
  // as it copies. Returns false (and leaves this as root) if the bytes are
  // not exactly one well-formed name (bad label length, > 255 octets,
  // compression pointer, or trailing bytes).
  bool AssignWire(const uint8_t* wire, size_t len);

  // The query path's parser: takes the uncompressed name at the start of
  // `wire` (`avail` octets readable), lower-casing it and indexing its
  // labels in one pass. Returns its wire length (octets consumed, root
  // label included), or 0 — leaving this as root — if the octets do not
  // start with one well-formed uncompressed name (label longer than 63,
  // compression pointer, more than 255 octets, or running past `avail`).
  size_t ParseUncompressed(const uint8_t* wire, size_t avail);

  // Parses presentation format ("www.example.com." or "@"-less absolute
  // text; a missing trailing dot is accepted; "\DDD" and "\X" escapes as in
  // RFC 1035 §5.1). Returns false on malformed text. For tools and tests.
  bool ParseText(std::string_view text);

  // The lower-cased wire form, including the root label.
  std::string_view wire() const {
    return {reinterpret_cast<const char*>(wire_), length_};
  }
  const uint8_t* data() const { return wire_; }
  size_t length() const { return length_; }

  // Number of labels, not counting the root (root = 0, "com." = 1).
  int label_count() const { return labels_; }

  // Wire form of the name with its first `i` labels removed (0 <= i <=
  // label_count()); Suffix(label_count()) is the root.
  std::string_view Suffix(int i) const {
    size_t off = i >= labels_ ? length_ - 1 : label_offset_[i];
    return {reinterpret_cast<const char*>(wire_ + off), length_ - off};
  }
  // Offset in wire() of label i (0 = first label).
  uint8_t label_offset(int i) const { return label_offset_[i]; }

  // True if this name is `zone` or below it (label-aligned suffix match).
  bool IsSubdomainOf(std::string_view zone_wire) const;

  // Presentation format with a trailing dot, escapes per RFC 1035 §5.1.
  std::string ToText() const;

  friend bool operator==(const Name& a, const Name& b) {
    return a.wire() == b.wire();
  }

 private:
  // Recomputes label_offset_/labels_ from wire_/length_. Returns false on
  // malformed wire data.
  bool Index();

  uint8_t wire_[kMaxNameLength];
  uint8_t length_;
  uint8_t labels_;
  uint8_t label_offset_[kMaxLabels + 1];
};

// --- Helpers on lower-cased wire names held in strings (zone data). ---

// Parses presentation text into lower-cased wire form. A relative name
// (no trailing dot) is completed with `origin_wire` when given, else
// treated as absolute. Returns false on malformed text.
bool NameFromText(std::string_view text, std::string* wire,
                  std::string_view origin_wire = {});

// Presentation format of a wire name, with trailing dot.
std::string NameToText(std::string_view wire);

// Number of labels of a well-formed wire name, not counting the root.
int NameLabelCount(std::string_view wire);

// True if `name` equals `zone` or lies below it, on label boundaries. Both
// must be well-formed lower-cased wire names.
bool NameIsSubdomain(std::string_view name, std::string_view zone);

// Removes the first label of a well-formed wire name; the root stays root.
std::string_view NameParent(std::string_view wire);

// True if the first label is the single octet "*" (RFC 4592 wildcard).
inline bool NameIsWildcard(std::string_view wire) {
  return wire.size() >= 2 && wire[0] == 1 && wire[1] == '*';
}

// Compares two wire names in canonical DNS order (RFC 4034 §6.1): by
// labels from the root, each label as lower-cased octets. <0, 0, >0.
int NameCanonicalCompare(std::string_view a, std::string_view b);

}  // namespace dns

#endif  // STEERDNS_DNS_WIRE_NAME_H_
