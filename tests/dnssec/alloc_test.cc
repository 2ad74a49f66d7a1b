// What the per-query pieces allocate: nothing. Counts every C++ operator
// new and every OpenSSL allocation (CRYPTO_set_mem_functions, installed
// before OpenSSL allocates anything) around the calls: the NSEC3 hash and
// the type bitmap encoder allocate nothing at all; a Signer, once warm,
// allocates nothing of its own (what OpenSSL allocates inside a signature
// is reported, not asserted: it is the library's).
#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <new>
#include <string>

#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/keys.h"
#include "dns/dnssec/nsec.h"
#include "dns/dnssec/signer.h"
#include "dns/wire/name.h"
#include "gtest/gtest.h"

namespace {

std::atomic<long> cxx_allocations{0};
std::atomic<long> ossl_allocations{0};

void* CountingMalloc(size_t n, const char*, int) {
  ossl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n);
}
void* CountingRealloc(void* p, size_t n, const char*, int) {
  ossl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, n);
}
void CountingFree(void* p, const char*, int) { std::free(p); }

// Before main(): OpenSSL refuses new functions once it has allocated.
const bool kOpensslCounted = CRYPTO_set_mem_functions(CountingMalloc, CountingRealloc, CountingFree) == 1;

struct Counts {
  long cxx, ossl;
};
Counts Now() { return {cxx_allocations.load(), ossl_allocations.load()}; }

}  // namespace

void* operator new(size_t n) {
  cxx_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

using namespace dns::dnssec;  // NOLINT

TEST(AllocationTest, Nsec3HashAndTypeBitmapAllocateNothing) {
  ASSERT_TRUE(kOpensslCounted) << "OpenSSL allocated before the counters were installed";
  std::string name;
  ASSERT_TRUE(dns::NameFromText("Some.Long.Query.Name.example.com.", &name));
  const std::string salt("\xaa\xbb\xcc\xdd", 4);
  uint8_t h[kNsec3HashLength];
  char label[kNsec3LabelLength];
  const uint16_t types[] = {1, 2, 6, 15, 16, 28, 46, 47, 48, 257, 65534};
  uint8_t bitmap[kMaxTypeBitmapLength];
  const Counts before = Now();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(Nsec3Hash(name, salt, 10, h));
    Base32HexEncode(h, sizeof h, label);
    ASSERT_GT(EncodeTypeBitmap(types, bitmap, sizeof bitmap), 0u);
  }
  const Counts after = Now();
  EXPECT_EQ(after.cxx - before.cxx, 0);
  EXPECT_EQ(after.ossl - before.ossl, 0);
}

TEST(AllocationTest, WarmSignerAllocatesNothingOfItsOwn) {
  ASSERT_TRUE(kOpensslCounted);
  std::string zone, owner;
  dns::NameFromText("example.com.", &zone);
  dns::NameFromText("www.example.com.", &owner);
  const std::string a1("\xc0\x00\x02\x01", 4), a2("\xc0\x00\x02\x02", 4);
  const std::string_view rdatas[] = {a1, a2};
  const RrsetView rrset{owner, 1, 1, 300, rdatas};
  for (uint8_t alg : {algorithm::kEcdsaP256Sha256, algorithm::kEd25519}) {
    auto pair = GenerateKeyPair(zone, alg, false, std::time(nullptr));
    ASSERT_TRUE(pair.ok());
    auto signer = Signer::Create(*pair);
    ASSERT_TRUE(signer.ok());
    std::string rrsig;
    ASSERT_TRUE((*signer)->Sign(rrset, 1, 2, &rrsig).ok());  // warm: buffers grown
    const Counts before = Now();
    constexpr int kSignatures = 200;
    for (int i = 0; i < kSignatures; ++i) ASSERT_TRUE((*signer)->Sign(rrset, 1, 2 + i, &rrsig).ok());
    const Counts after = Now();
    EXPECT_EQ(after.cxx - before.cxx, 0) << "algorithm " << int(alg);
    const double ossl_per_signature = double(after.ossl - before.ossl) / kSignatures;
    RecordProperty(alg == 13 ? "openssl_allocations_per_ecdsa_signature"
                             : "openssl_allocations_per_ed25519_signature",
                   std::to_string(ossl_per_signature));
    std::printf("algorithm %d: %.1f OpenSSL allocations per signature, 0 of ours\n", alg,
                ossl_per_signature);
  }
}

}  // namespace
