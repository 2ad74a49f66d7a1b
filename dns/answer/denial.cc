// File: dns/answer/denial.cc
//
// The NSEC3 hash on the query path. OpenSSL's low-level SHA1_* keep their
// state in a caller-provided SHA_CTX (no allocation, unlike EVP_Digest,
// which fetches and allocates a context per call in OpenSSL 3); they are
// deprecated only in favour of EVP, so the deprecation warning is
// silenced for this file alone.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "dns/answer/denial.h"

#include <openssl/sha.h>

namespace dns {

void Nsec3Hash(std::string_view name_wire, std::string_view salt, uint16_t iterations,
               uint8_t (&hash)[20]) noexcept {
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, name_wire.data(), name_wire.size());
  SHA1_Update(&ctx, salt.data(), salt.size());
  SHA1_Final(hash, &ctx);
  for (uint16_t i = 0; i < iterations; ++i) {
    SHA1_Init(&ctx);
    SHA1_Update(&ctx, hash, sizeof hash);
    SHA1_Update(&ctx, salt.data(), salt.size());
    SHA1_Final(hash, &ctx);
  }
}

}  // namespace dns
