// File: dns/server/connection_handoff.cc
#include "dns/server/connection_handoff.h"

namespace dns::server {

bool IsTransferQuery(const uint8_t* msg, size_t len) noexcept {
  constexpr size_t kHeader = 12;
  if (len < kHeader + 5) return false;
  const uint16_t flags = static_cast<uint16_t>(msg[2] << 8 | msg[3]);
  if ((flags & 0x8000) != 0 || (flags & 0x7800) != 0) return false;  // a response, or not QUERY
  if ((msg[4] << 8 | msg[5]) != 1) return false;                     // QDCOUNT
  size_t pos = kHeader;
  while (pos < len && msg[pos] != 0) {
    if ((msg[pos] & 0xC0) != 0) return false;  // the question's name is never compressed
    pos += 1 + msg[pos];
  }
  if (pos + 5 > len) return false;
  const uint16_t qtype = static_cast<uint16_t>(msg[pos + 1] << 8 | msg[pos + 2]);
  return qtype == 252 || qtype == 251;  // AXFR, IXFR
}

}  // namespace dns::server
