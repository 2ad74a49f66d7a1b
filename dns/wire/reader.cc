// File: dns/wire/reader.cc
#include "dns/wire/reader.h"

#include <cstring>

namespace dns {

void Reader::ReadBytes(void* out, size_t n) {
  if (!Need(n)) return;
  if (n != 0) std::memcpy(out, data_ + pos_, n);
  pos_ += n;
}

void Reader::Seek(size_t pos) {
  if (!ok_) return;
  if (pos > size_) {
    ok_ = false;
    return;
  }
  pos_ = pos;
}

// Termination: every pointer must target an offset below `floor`, the start
// of the octets being read (the name itself, then each pointer target), so
// the floor strictly decreases with each jump and no pointer can loop.
void Reader::ReadName(Name* name) {
  if (!ok_) {
    name->Clear();
    return;
  }
  const size_t start = pos_;
  size_t p = pos_;
  size_t floor = pos_;
  size_t n = 0;        // octets of the expanded name so far (root excluded)
  size_t end = 0;      // cursor after the name as it appears at `start`
  bool jumped = false;
  uint8_t buf[kMaxNameLength];
  for (;;) {
    if (p >= size_) goto fail;
    const uint8_t l = data_[p];
    if (l == 0) break;
    if (l >= 0xC0) {  // compression pointer
      if (p + 1 >= size_) goto fail;
      const size_t target = (size_t{l & 0x3fu} << 8) | data_[p + 1];
      if (target >= floor) goto fail;
      if (!jumped) {
        jumped = true;
        end = p + 2;
        std::memcpy(buf, data_ + start, n);  // the literal prefix
      }
      floor = target;
      p = target;
      continue;
    }
    if (l > kMaxLabelLength) goto fail;  // 0x40 and 0x80 label types
    if (n + 1 + l > kMaxNameLength - 1) goto fail;
    if (p + 1 + l >= size_) goto fail;  // label plus at least one more octet
    if (jumped) std::memcpy(buf + n, data_ + p, 1 + size_t{l});
    n += 1 + size_t{l};
    p += 1 + size_t{l};
  }
  if (!jumped) {
    end = p + 1;
    if (!name->AssignWire(data_ + start, n + 1)) goto fail;
  } else {
    buf[n] = 0;
    if (!name->AssignWire(buf, n + 1)) goto fail;
  }
  pos_ = end;
  return;
fail:
  ok_ = false;
  name->Clear();
}

void Reader::SkipName() {
  if (!ok_) return;
  const size_t start = pos_;
  size_t p = pos_;
  for (;;) {
    if (p >= size_) break;
    const uint8_t l = data_[p];
    if (l == 0) {
      if (p - start + 1 > kMaxNameLength) break;
      pos_ = p + 1;
      return;
    }
    if (l >= 0xC0) {
      if (p + 1 >= size_) break;
      const size_t target = (size_t{l & 0x3fu} << 8) | data_[p + 1];
      if (target >= start) break;
      pos_ = p + 2;
      return;
    }
    if (l > kMaxLabelLength) break;
    p += 1 + size_t{l};
    if (p - start > kMaxNameLength - 1) break;
  }
  ok_ = false;
}

}  // namespace dns
