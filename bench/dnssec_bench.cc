// dns/dnssec micro-benchmarks: one RRSIG (ECDSA P-256, Ed25519) over a
// two-RR A RRset with a warm Signer, the signed data alone, and the NSEC3
// hash at 0 and 10 iterations. What online signing and NSEC3 answers cost
// per call, 1 core.
#include <benchmark/benchmark.h>

#include <ctime>
#include <string>

#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/canonical.h"
#include "dns/dnssec/keys.h"
#include "dns/dnssec/nsec.h"
#include "dns/dnssec/signer.h"
#include "dns/wire/name.h"

namespace {

using namespace dns::dnssec;  // NOLINT

struct Fixture {
  std::string zone, owner;
  std::string a1{"\xc0\x00\x02\x01", 4}, a2{"\xc0\x00\x02\x02", 4};
  std::string_view rdatas[2];
  Fixture() {
    dns::NameFromText("example.com.", &zone);
    dns::NameFromText("www.example.com.", &owner);
    rdatas[0] = a1;
    rdatas[1] = a2;
  }
  RrsetView rrset() const { return {owner, 1, 1, 300, rdatas}; }
};

void BM_Sign(benchmark::State& state) {
  Fixture f;
  auto pair = GenerateKeyPair(f.zone, static_cast<uint8_t>(state.range(0)), false, std::time(nullptr));
  auto signer = Signer::Create(*pair);
  std::string rrsig;
  uint32_t i = 0;
  for (auto _ : state) {
    (*signer)->Sign(f.rrset(), 1, 2 + ++i, &rrsig);
    benchmark::DoNotOptimize(rrsig.data());
  }
  state.SetLabel(state.range(0) == 13 ? "ECDSAP256SHA256" : "ED25519");
}
BENCHMARK(BM_Sign)->Arg(algorithm::kEcdsaP256Sha256)->Arg(algorithm::kEd25519);

void BM_Verify(benchmark::State& state) {
  Fixture f;
  auto pair = GenerateKeyPair(f.zone, static_cast<uint8_t>(state.range(0)), false, std::time(nullptr));
  auto signer = Signer::Create(*pair);
  std::string rrsig;
  (*signer)->Sign(f.rrset(), 1, 2, &rrsig);
  auto pub = PublicKey::FromDnskey(f.zone, pair->dnskey.Rdata());
  for (auto _ : state) benchmark::DoNotOptimize(pub->Verify(f.rrset(), rrsig).ok());
  state.SetLabel(state.range(0) == 13 ? "ECDSAP256SHA256" : "ED25519");
}
BENCHMARK(BM_Verify)->Arg(algorithm::kEcdsaP256Sha256)->Arg(algorithm::kEd25519);

void BM_SignedData(benchmark::State& state) {
  Fixture f;
  SignedData sd;
  RrsigFields fields{.type_covered = 1, .algorithm = 13, .labels = 3, .original_ttl = 300,
                     .signer = f.zone};
  for (auto _ : state) {
    benchmark::DoNotOptimize(sd.Build(fields, f.rrset()).ok());
  }
}
BENCHMARK(BM_SignedData);

void BM_Nsec3Hash(benchmark::State& state) {
  Fixture f;
  uint8_t h[kNsec3HashLength];
  const std::string salt("\xaa\xbb\xcc\xdd", 4);
  for (auto _ : state) {
    Nsec3Hash(f.owner, salt, static_cast<uint16_t>(state.range(0)), h);
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_Nsec3Hash)->Arg(0)->Arg(10);

}  // namespace
