// File: dns/wire/writer.h
//
// Builds a DNS message into a caller-owned fixed buffer. Never allocates:
// the compression table is a fixed array, and every append either fits
// completely or changes nothing and returns false. A reply that does not fit
// is handled by the caller with Mark()/Rollback() plus the TC bit.
//
// Calling convention (a one-record reply):
//   dns::Writer w(buf, sizeof buf);
//   w.SetLimit(max_udp_size - opt_size);     // room kept back for OPT
//   w.AppendHeader(id, dns::flag::kQR | dns::flag::kAA);
//   w.AppendQuestion(query);                 // question as the client sent it
//   dns::Writer::Mark mark = w.GetMark();
//   if (!w.AppendName(owner) || !w.AppendRRFixed(type, cls, ttl, rdlen) ||
//       !w.AppendBytes(rdata, rdlen)) {
//     w.Rollback(mark); w.SetFlags(w.flags() | dns::flag::kTC);
//   } else {
//     w.AddCount(dns::Section::kAnswer, 1);
//   }
//   w.ClearLimit();  w.AppendOpt(...);      // OPT always fits
//   size_t len = w.Finish();
#ifndef STEERDNS_DNS_WIRE_WRITER_H_
#define STEERDNS_DNS_WIRE_WRITER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "dns/wire/types.h"

namespace dns {

enum class Section : uint8_t { kAnswer = 0, kAuthority = 1, kAdditional = 2 };

namespace writer_internal {
inline void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void Put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
}  // namespace writer_internal

// Not thread-safe; one per reply being built. Does not own the buffer.
class Writer {
 public:
  // Names remembered for compression. Beyond this many, later names are
  // written uncompressed (still correct, just longer). 32 covers a referral
  // with 13 NS targets plus their glue owners.
  static constexpr size_t kMaxCompressionEntries = 32;

  // `buf` must hold `capacity` octets; capacity <= 65535.
  Writer(uint8_t* buf, size_t capacity);

  // Appends succeed only while size() stays <= limit (defaults to the
  // capacity). Used to keep room for the OPT record and to cap UDP replies.
  void SetLimit(size_t limit);
  void ClearLimit() { limit_ = capacity_; }
  size_t limit() const { return limit_; }

  size_t size() const { return pos_; }
  const uint8_t* data() const { return buf_; }

  // Writes the 12-octet header with zero counts. Must be the first append.
  bool AppendHeader(uint16_t id, uint16_t flags);
  uint16_t flags() const {
    if (pos_ < kHeaderSize) return 0;
    return static_cast<uint16_t>((buf_[2] << 8) | buf_[3]);
  }
  void SetFlags(uint16_t flags) {
    if (pos_ >= kHeaderSize) writer_internal::Put16(buf_ + 2, flags);
  }
  void SetQuestionCount(uint16_t n) {
    if (pos_ >= kHeaderSize) writer_internal::Put16(buf_ + 4, n);
  }
  void AddCount(Section section, uint16_t n) {
    counts_[static_cast<size_t>(section)] += n;
  }
  uint16_t count(Section section) const {
    return counts_[static_cast<size_t>(section)];
  }

  // Appends a question entry: the qname exactly as the client spelled it
  // (`original_case_wire`, uncompressed, preserving its case) and records
  // its lower-cased form `lower_wire` for compression of later names.
  // Both views must stay valid until Finish().
  bool AppendQuestion(std::string_view original_case_wire,
                      std::string_view lower_wire, uint16_t qtype,
                      uint16_t qclass);

  // Appends a lower-cased wire name, compressed against names written
  // before (longest matching suffix becomes a pointer), and remembers it
  // for later names. `name` must stay valid until Finish() or Rollback()
  // past it. With compress=false the name is written in full (RFC 3597
  // types, SRV targets) and still remembered.
  bool AppendName(std::string_view name, bool compress = true);

  // The small appends are inline: the answer path makes a dozen of them
  // per reply, and a call each cost more than the append.
  bool AppendU8(uint8_t v) {
    if (!Room(1)) return false;
    buf_[pos_++] = v;
    return true;
  }
  bool AppendU16(uint16_t v) {
    if (!Room(2)) return false;
    writer_internal::Put16(buf_ + pos_, v);
    pos_ += 2;
    return true;
  }
  bool AppendU32(uint32_t v) {
    if (!Room(4)) return false;
    writer_internal::Put32(buf_ + pos_, v);
    pos_ += 4;
    return true;
  }
  bool AppendBytes(const void* data, size_t n) {
    if (!Room(n)) return false;
    if (n != 0) std::memcpy(buf_ + pos_, data, n);
    pos_ += n;
    return true;
  }
  // The fixed part of an RR after its owner: TYPE, CLASS, TTL, RDLENGTH.
  bool AppendRRFixed(uint16_t type, uint16_t rclass, uint32_t ttl,
                     uint16_t rdlength) {
    if (!Room(10)) return false;
    uint8_t* p = buf_ + pos_;
    writer_internal::Put16(p, type);
    writer_internal::Put16(p + 2, rclass);
    writer_internal::Put32(p + 4, ttl);
    writer_internal::Put16(p + 8, rdlength);
    pos_ += 10;
    return true;
  }
  // Overwrites a 16-bit value at an earlier offset (e.g. RDLENGTH once a
  // compressed RDATA's length is known).
  void PatchU16(size_t offset, uint16_t v) {
    if (offset + 2 <= pos_) writer_internal::Put16(buf_ + offset, v);
  }
  void PatchU32(size_t offset, uint32_t v) {
    if (offset + 4 <= pos_) writer_internal::Put32(buf_ + offset, v);
  }

  // A position to roll back to: size, counts and compression entries.
  struct Mark {
    uint16_t pos;
    uint8_t entries;
    std::array<uint16_t, 3> counts;
  };
  Mark GetMark() const {
    return Mark{static_cast<uint16_t>(pos_), static_cast<uint8_t>(num_entries_),
                counts_};
  }
  void Rollback(const Mark& m);

  // Patches the section counts into the header and returns the message
  // length. The writer may be appended to again afterwards.
  size_t Finish() {
    if (pos_ >= kHeaderSize) {
      writer_internal::Put16(buf_ + 6, counts_[0]);
      writer_internal::Put16(buf_ + 8, counts_[1]);
      writer_internal::Put16(buf_ + 10, counts_[2]);
    }
    return pos_;
  }

 private:
  struct CompressionEntry {
    const uint8_t* name;  // lower-cased wire name as written
    uint16_t offset;      // where the name starts in the message
    uint8_t literal;      // octets written literally before any pointer
    uint8_t length;       // total wire length of the name
  };
  bool Room(size_t n) const { return limit_ - pos_ >= n; }
  void Remember(const uint8_t* name, size_t len, size_t offset,
                size_t literal);

  uint8_t* buf_;
  size_t capacity_;
  size_t limit_;
  size_t pos_ = 0;
  std::array<uint16_t, 3> counts_{};
  std::array<CompressionEntry, kMaxCompressionEntries> entries_;
  size_t num_entries_ = 0;
};

}  // namespace dns

#endif  // STEERDNS_DNS_WIRE_WRITER_H_
