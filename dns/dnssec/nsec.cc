// OpenSSL 3 deprecates the low-level SHA1_* functions in favour of EVP, but
// an EVP_MD_CTX is a heap object and its init allocates: the per-query
// NSEC3 hash uses the stack SHA_CTX, which OpenSSL 3 still provides.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "dns/dnssec/nsec.h"

#include <openssl/sha.h>

#include <cstring>

#include "dns/wire/name.h"

namespace dns::dnssec {

bool Nsec3Hash(std::string_view owner_wire, std::string_view salt, uint16_t iterations,
               uint8_t out[kNsec3HashLength]) {
  Name name;  // lower-cases as it copies
  if (!name.AssignWire(reinterpret_cast<const uint8_t*>(owner_wire.data()), owner_wire.size())) {
    return false;
  }
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, name.data(), name.length());
  SHA1_Update(&ctx, salt.data(), salt.size());
  SHA1_Final(out, &ctx);
  for (uint16_t i = 0; i < iterations; ++i) {
    SHA1_Init(&ctx);
    SHA1_Update(&ctx, out, kNsec3HashLength);
    SHA1_Update(&ctx, salt.data(), salt.size());
    SHA1_Final(out, &ctx);
  }
  return true;
}

size_t Base32HexEncode(const uint8_t* in, size_t n, char* out) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuv";
  size_t o = 0;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | in[i];
    bits += 8;
    while (bits >= 5) {
      out[o++] = kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out[o++] = kAlphabet[(buffer << (5 - bits)) & 31];
  return o;
}

bool Base32HexDecode(std::string_view text, std::string* out) {
  out->clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'v') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'V') v = c - 'A' + 10;
    else return false;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out->push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  // Leftover bits must be fewer than one character and zero.
  return bits < 5 && (buffer & ((1u << bits) - 1)) == 0;
}

size_t EncodeTypeBitmap(absl::Span<const uint16_t> types, uint8_t* out, size_t capacity) {
  size_t o = 0;
  int window = -1;
  while (true) {
    int next = 256;  // the smallest window above `window` that has a type
    for (uint16_t t : types) {
      const int w = t >> 8;
      if (w > window && w < next) next = w;
    }
    if (next == 256) break;
    uint8_t bits[32] = {};
    for (uint16_t t : types) {
      if ((t >> 8) == next) bits[(t & 0xff) / 8] |= static_cast<uint8_t>(0x80 >> (t & 7));
    }
    size_t len = 32;
    while (bits[len - 1] == 0) --len;
    if (o + 2 + len > capacity) return 0;
    out[o++] = static_cast<uint8_t>(next);
    out[o++] = static_cast<uint8_t>(len);
    std::memcpy(out + o, bits, len);
    o += len;
    window = next;
  }
  return o;
}

void AppendTypeBitmap(absl::Span<const uint16_t> types, std::string* out) {
  uint8_t buf[kMaxTypeBitmapLength];
  const size_t n = EncodeTypeBitmap(types, buf, sizeof buf);
  out->append(reinterpret_cast<const char*>(buf), n);
}

}  // namespace dns::dnssec
