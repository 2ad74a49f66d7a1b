// File: tests/geo/build/mmdb_writer.h
//
// A minimal MaxMind DB writer for tests (libmaxminddb only reads), after
// the MaxMind DB File Format Specification 2.0: a binary search tree of
// nodes (two records each, 24 or 32 bits), 16 zero bytes, the data section
// (control byte: type in the top 3 bits, extended types in the next byte,
// size in the low 5 bits with 29/30/31 escapes), the metadata marker
// "\xAB\xCD\xEFMaxMind.com" and the metadata map. A record value below
// node_count is a node, equal to it is "empty", above it points at data
// (value - node_count - 16 = offset into the data section).
//
// Example:
//   MmdbWriter w(6);
//   w.Insert("2001:db8::/32", MmdbValue::Map({{"country_code", MmdbValue::Str("DE")}}));
//   w.Insert("192.0.2.0/24", ...);     // IPv4 goes under ::/96
//   w.AliasIpv4();                     // ::ffff:0:0/96 and 2002::/16 -> ::/96
//   std::string bytes = w.Build();
#ifndef STEERDNS_TESTS_GEO_MMDB_WRITER_H_
#define STEERDNS_TESTS_GEO_MMDB_WRITER_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "geo/address.h"

namespace geo::testing {

struct MmdbValue {
  enum class Kind { kString, kDouble, kFloat, kUint16, kUint32, kUint64, kMap, kArray, kBool };
  Kind kind = Kind::kString;
  std::string s;
  double d = 0;
  uint64_t u = 0;
  std::vector<std::pair<std::string, MmdbValue>> map;
  std::vector<MmdbValue> array;

  static MmdbValue Str(std::string v) { MmdbValue x; x.kind = Kind::kString; x.s = std::move(v); return x; }
  static MmdbValue Dbl(double v) { MmdbValue x; x.kind = Kind::kDouble; x.d = v; return x; }
  static MmdbValue Flt(float v) { MmdbValue x; x.kind = Kind::kFloat; x.d = v; return x; }
  static MmdbValue U16(uint16_t v) { MmdbValue x; x.kind = Kind::kUint16; x.u = v; return x; }
  static MmdbValue U32(uint32_t v) { MmdbValue x; x.kind = Kind::kUint32; x.u = v; return x; }
  static MmdbValue U64(uint64_t v) { MmdbValue x; x.kind = Kind::kUint64; x.u = v; return x; }
  static MmdbValue Bool(bool v) { MmdbValue x; x.kind = Kind::kBool; x.u = v; return x; }
  static MmdbValue Map(std::vector<std::pair<std::string, MmdbValue>> m) {
    MmdbValue x; x.kind = Kind::kMap; x.map = std::move(m); return x;
  }
  static MmdbValue Array(std::vector<MmdbValue> a) {
    MmdbValue x; x.kind = Kind::kArray; x.array = std::move(a); return x;
  }
};

class MmdbWriter {
 public:
  explicit MmdbWriter(int ip_version, int record_size = 24)
      : ip_version_(ip_version), record_size_(record_size) {
    nodes_.push_back({kEmpty, kEmpty});
  }

  // Adds `data` for `cidr` ("198.51.100.0/24", "2001:db8::/32"). In an
  // IPv6 tree an IPv4 network goes under ::/96. Returns the data index
  // (pass it to InsertSame to share one data record).
  size_t Insert(const std::string& cidr, MmdbValue data) {
    data_.push_back(std::move(data));
    InsertSame(cidr, data_.size() - 1);
    return data_.size() - 1;
  }
  void InsertSame(const std::string& cidr, size_t data_index) {
    auto [bits_hi, bits_lo, len] = Path(cidr);
    SetRecord(bits_hi, bits_lo, len, kDataTag | data_index);
  }
  // ::ffff:0:0/96 and 2002::/16 (the 6to4 space's IPv4 part) point at the
  // ::/96 node, as MaxMind's own databases do.
  void AliasIpv4() {
    const int64_t v4 = NodeAt(0, 0, 96);
    SetRecord(0, 0x0000FFFF00000000ull, 96, v4);
    SetRecord(0x2002000000000000ull, 0, 16, v4);
  }

  std::string Build() const {
    const uint64_t n = nodes_.size();
    std::string data;
    std::vector<uint64_t> offset(data_.size());
    for (size_t i = 0; i < data_.size(); ++i) {
      offset[i] = data.size();
      Encode(data_[i], data);
    }
    std::string out;
    auto value = [&](int64_t r) -> uint64_t {
      if (r == kEmpty) return n;
      if (r & kDataTag) return n + 16 + offset[r & ~kDataTag];
      return static_cast<uint64_t>(r);
    };
    for (const auto& [l, r] : nodes_) {
      const uint64_t a = value(l), b = value(r);
      if (record_size_ == 24) {
        Be(a, 3, out);
        Be(b, 3, out);
      } else {
        Be(a, 4, out);
        Be(b, 4, out);
      }
    }
    out.append(16, '\0');
    out += data;
    out += std::string("\xAB\xCD\xEF", 3) + "MaxMind.com";
    MmdbValue md = MmdbValue::Map({
        {"binary_format_major_version", MmdbValue::U16(2)},
        {"binary_format_minor_version", MmdbValue::U16(0)},
        {"build_epoch", MmdbValue::U64(1700000000)},
        {"database_type", MmdbValue::Str("steerdns-Test-City")},
        {"description", MmdbValue::Map({{"en", MmdbValue::Str("test fixture")}})},
        {"ip_version", MmdbValue::U16(static_cast<uint16_t>(ip_version_))},
        {"languages", MmdbValue::Array({MmdbValue::Str("en")})},
        {"node_count", MmdbValue::U32(static_cast<uint32_t>(n))},
        {"record_size", MmdbValue::U16(static_cast<uint16_t>(record_size_))},
    });
    Encode(md, out);
    return out;
  }

 private:
  static constexpr int64_t kEmpty = -1;
  static constexpr int64_t kDataTag = int64_t{1} << 40;

  struct PathBits {
    uint64_t hi, lo;
    int len;
  };
  PathBits Path(const std::string& cidr) const {
    const size_t slash = cidr.find('/');
    const std::optional<Address> a = Address::Parse(cidr.substr(0, slash));
    const int len = std::stoi(cidr.substr(slash + 1));
    if (!a) throw std::runtime_error("bad cidr " + cidr);
    if (ip_version_ == 4) {
      // Left-align the 32 bits in `hi`.
      return {uint64_t{a->v4()} << 32, 0, len};
    }
    if (a->is_v4()) return {0, uint64_t{a->v4()}, 96 + len};
    return {a->hi(), a->lo(), len};
  }
  static int Bit(uint64_t hi, uint64_t lo, int i) {
    return i < 64 ? (hi >> (63 - i)) & 1 : (lo >> (127 - i)) & 1;
  }
  // The node reached after `len` bits, creating nodes on the way.
  int64_t NodeAt(uint64_t hi, uint64_t lo, int len) {
    int64_t node = 0;
    for (int i = 0; i < len; ++i) {
      int64_t& rec = Bit(hi, lo, i) ? nodes_[node].second : nodes_[node].first;
      if (rec == kEmpty) {
        nodes_.push_back({kEmpty, kEmpty});
        // `rec` may dangle after push_back: index again.
        (Bit(hi, lo, i) ? nodes_[node].second : nodes_[node].first) =
            static_cast<int64_t>(nodes_.size() - 1);
      } else if (rec & kDataTag) {
        throw std::runtime_error("network nested under a data record");
      }
      node = Bit(hi, lo, i) ? nodes_[node].second : nodes_[node].first;
    }
    return node;
  }
  void SetRecord(uint64_t hi, uint64_t lo, int len, int64_t value) {
    const int64_t parent = NodeAt(hi, lo, len - 1);
    (Bit(hi, lo, len - 1) ? nodes_[parent].second : nodes_[parent].first) = value;
  }

  static void Be(uint64_t v, int bytes, std::string& out) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
  }
  static void Control(int type, size_t size, std::string& out) {
    uint8_t first = type <= 7 ? static_cast<uint8_t>(type << 5) : 0;
    std::string tail;
    if (type > 7) tail.push_back(static_cast<char>(type - 7));
    if (size < 29) {
      first |= static_cast<uint8_t>(size);
    } else if (size < 29 + 256) {
      first |= 29;
      Be(size - 29, 1, tail);
    } else if (size < 285 + 65536) {
      first |= 30;
      Be(size - 285, 2, tail);
    } else {
      first |= 31;
      Be(size - 65821, 3, tail);
    }
    out.push_back(static_cast<char>(first));
    out += tail;
  }
  static void Uint(int type, uint64_t v, std::string& out) {
    int bytes = 0;
    for (uint64_t x = v; x != 0; x >>= 8) ++bytes;
    Control(type, bytes, out);
    Be(v, bytes, out);
  }
  static void Encode(const MmdbValue& v, std::string& out) {
    switch (v.kind) {
      case MmdbValue::Kind::kString:
        Control(2, v.s.size(), out);
        out += v.s;
        break;
      case MmdbValue::Kind::kDouble: {
        Control(3, 8, out);
        uint64_t bits;
        std::memcpy(&bits, &v.d, 8);
        Be(bits, 8, out);
        break;
      }
      case MmdbValue::Kind::kFloat: {
        Control(15, 4, out);
        const float f = static_cast<float>(v.d);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        Be(bits, 4, out);
        break;
      }
      case MmdbValue::Kind::kUint16:
        Uint(5, v.u, out);
        break;
      case MmdbValue::Kind::kUint32:
        Uint(6, v.u, out);
        break;
      case MmdbValue::Kind::kUint64:
        Uint(9, v.u, out);
        break;
      case MmdbValue::Kind::kBool:
        Control(14, v.u ? 1 : 0, out);
        break;
      case MmdbValue::Kind::kMap:
        Control(7, v.map.size(), out);
        for (const auto& [k, x] : v.map) {
          Control(2, k.size(), out);
          out += k;
          Encode(x, out);
        }
        break;
      case MmdbValue::Kind::kArray:
        Control(11, v.array.size(), out);
        for (const MmdbValue& x : v.array) Encode(x, out);
        break;
    }
  }

  int ip_version_;
  int record_size_;
  std::vector<std::pair<int64_t, int64_t>> nodes_;
  std::vector<MmdbValue> data_;
};

}  // namespace geo::testing

#endif  // STEERDNS_TESTS_GEO_MMDB_WRITER_H_
