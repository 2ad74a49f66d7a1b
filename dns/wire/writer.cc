// File: dns/wire/writer.cc
#include "dns/wire/writer.h"

#include <algorithm>
#include <cstring>

#include "dns/wire/name.h"
#include "dns/wire/types.h"

namespace dns {

namespace {

using writer_internal::Put16;

// A compression pointer holds a 14-bit offset.
constexpr size_t kMaxPointerTarget = 0x3fff;

// True if `k` is the offset of a label (not the root) in wire name `w`.
inline bool IsLabelStart(const uint8_t* w, size_t k) {
  size_t off = 0;
  while (off < k) off += 1 + size_t{w[off]};
  return off == k;
}

}  // namespace

Writer::Writer(uint8_t* buf, size_t capacity)
    : buf_(buf),
      capacity_(std::min(capacity, kMaxMessageSize)),
      limit_(capacity_) {}

// The limit never drops below the current size, so Room() cannot underflow;
// setting a limit below size() just makes every further append fail.
void Writer::SetLimit(size_t limit) {
  limit_ = std::max(pos_, std::min(limit, capacity_));
}

bool Writer::AppendHeader(uint16_t id, uint16_t flags) {
  pos_ = 0;
  counts_ = {};
  num_entries_ = 0;
  if (!Room(kHeaderSize)) return false;
  Put16(buf_, id);
  Put16(buf_ + 2, flags);
  std::memset(buf_ + 4, 0, kHeaderSize - 4);
  pos_ = kHeaderSize;
  return true;
}

// Writes the question and increments QDCOUNT in the header.
bool Writer::AppendQuestion(std::string_view original_case_wire,
                            std::string_view lower_wire, uint16_t qtype,
                            uint16_t qclass) {
  const size_t len = original_case_wire.size();
  if (pos_ < kHeaderSize || len == 0 || len > kMaxNameLength ||
      !Room(len + 4)) {
    return false;
  }
  const size_t offset = pos_;
  std::memcpy(buf_ + pos_, original_case_wire.data(), len);
  pos_ += len;
  Put16(buf_ + pos_, qtype);
  Put16(buf_ + pos_ + 2, qclass);
  pos_ += 4;
  Put16(buf_ + 4, static_cast<uint16_t>(((buf_[4] << 8) | buf_[5]) + 1));
  if (lower_wire.size() == len) {
    Remember(reinterpret_cast<const uint8_t*>(lower_wire.data()), len, offset,
             len);
  }
  return true;
}

// Finds the longest suffix of `name` (at one of its label boundaries) that
// some remembered name has at a label boundary inside its literal part,
// then writes the labels before it followed by a pointer to it.
bool Writer::AppendName(std::string_view name, bool compress) {
  const uint8_t* w = reinterpret_cast<const uint8_t*>(name.data());
  const size_t len = name.size();
  if (len == 0 || len > kMaxNameLength) return false;

  size_t literal = len;  // octets written before the pointer
  size_t target = 0;     // pointer target when literal < len
  if (compress && num_entries_ != 0) {
    for (size_t i = 0; i + 1 < len && literal == len; i += 1 + size_t{w[i]}) {
      const size_t suffix = len - i;
      for (size_t e = 0; e < num_entries_; ++e) {
        const CompressionEntry& entry = entries_[e];
        if (entry.length < suffix) continue;
        const size_t k = entry.length - suffix;
        if (k >= entry.literal || entry.offset + k > kMaxPointerTarget) {
          continue;
        }
        if (std::memcmp(entry.name + k, w + i, suffix) != 0) continue;
        if (!IsLabelStart(entry.name, k)) continue;
        literal = i;
        target = entry.offset + k;
        break;
      }
    }
  }

  const size_t need = literal == len ? len : literal + 2;
  if (!Room(need)) return false;
  const size_t offset = pos_;
  std::memcpy(buf_ + pos_, w, literal);
  pos_ += literal;
  if (literal != len) {
    Put16(buf_ + pos_, static_cast<uint16_t>(0xC000 | target));
    pos_ += 2;
  }
  Remember(w, len, offset, literal);
  return true;
}

void Writer::Remember(const uint8_t* name, size_t len, size_t offset,
                      size_t literal) {
  // Only literal labels can be pointed to, and only below 0x4000.
  if (num_entries_ == kMaxCompressionEntries || literal <= 1 ||
      offset > kMaxPointerTarget) {
    return;
  }
  entries_[num_entries_++] = {name, static_cast<uint16_t>(offset),
                              static_cast<uint8_t>(literal),
                              static_cast<uint8_t>(len)};
}

void Writer::Rollback(const Mark& m) {
  if (m.pos > pos_) return;  // not a mark of this writer's past
  pos_ = m.pos;
  num_entries_ = std::min<size_t>(m.entries, num_entries_);
  counts_ = m.counts;
}


}  // namespace dns
