// File: dns/wire/reader.h
//
// A bounds-checked cursor over a received DNS message with a sticky error,
// in the manner of Knot's wire_ctx: after the first failure every read is a
// no-op that yields zero, so a parser reads every field and checks ok()
// once. Never allocates, never throws.
//
// Example:
//   dns::Reader r(packet, len);
//   uint16_t id = r.ReadU16();
//   r.Skip(10);
//   dns::Name qname;
//   r.ReadName(&qname);
//   uint16_t qtype = r.ReadU16();
//   if (!r.ok()) return FORMERR;
#ifndef STEERDNS_DNS_WIRE_READER_H_
#define STEERDNS_DNS_WIRE_READER_H_

#include <cstddef>
#include <cstdint>

#include "dns/wire/name.h"

namespace dns {

// Not thread-safe; one per message being parsed. Does not own the bytes.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return ok_ ? size_ - pos_ : 0; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

  // Marks the reader failed (e.g. a semantic check by the caller failed).
  void Fail() { ok_ = false; }

  // The fixed-size reads are inline: a query's parse makes a dozen of them.
  uint8_t ReadU8() {
    if (!Need(1)) return 0;
    return data_[pos_++];
  }
  uint16_t ReadU16() {  // network byte order
    if (!Need(2)) return 0;
    const uint16_t v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  uint32_t ReadU32() {  // network byte order
    if (!Need(4)) return 0;
    const uint8_t* p = data_ + pos_;
    const uint32_t v = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                       (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    pos_ += 4;
    return v;
  }
  // Copies n octets to out; on failure out is left untouched.
  void ReadBytes(void* out, size_t n);
  // Returns a pointer to the next n octets and advances, or nullptr.
  const uint8_t* Take(size_t n) {
    if (!Need(n)) return nullptr;
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  void Skip(size_t n) {
    if (Need(n)) pos_ += n;
  }
  // Moves to an absolute offset within the message.
  void Seek(size_t pos);

  // Reads a possibly compressed name (RFC 1035 §4.1.4) into *name,
  // lower-cased. Compression pointers must point strictly backwards (loops
  // are impossible); the expanded name must be <= 255 octets. The cursor
  // ends after the name as it appears at the current position.
  void ReadName(Name* name);

  // Skips a possibly compressed name without decoding it.
  void SkipName();

 private:
  bool Need(size_t n) {
    if (!ok_ || size_ - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace dns

#endif  // STEERDNS_DNS_WIRE_READER_H_
