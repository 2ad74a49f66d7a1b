#include "dns/dnssec/algorithm.h"

#include <cstdio>
#include <string>

#include "absl/strings/ascii.h"

namespace dns::dnssec {

bool AlgorithmSupported(uint8_t a) {
  return a == algorithm::kRsaSha256 || a == algorithm::kEcdsaP256Sha256 ||
         a == algorithm::kEd25519;
}

const char* AlgorithmMnemonic(uint8_t a, char (&buf)[16]) {
  switch (a) {
    case 5: return "RSASHA1";
    case 7: return "NSEC3RSASHA1";
    case algorithm::kRsaSha256: return "RSASHA256";
    case 10: return "RSASHA512";
    case algorithm::kEcdsaP256Sha256: return "ECDSAP256SHA256";
    case 14: return "ECDSAP384SHA384";
    case algorithm::kEd25519: return "ED25519";
    case 16: return "ED448";
    default:
      std::snprintf(buf, sizeof buf, "ALG%u", a);
      return buf;
  }
}

uint8_t AlgorithmFromName(std::string_view name) {
  const std::string n = absl::AsciiStrToLower(std::string(name));
  if (n == "ecdsap256" || n == "ecdsap256sha256" || n == "ecdsa" || n == "13") {
    return algorithm::kEcdsaP256Sha256;
  }
  if (n == "ed25519" || n == "15") return algorithm::kEd25519;
  if (n == "rsasha256" || n == "8") return algorithm::kRsaSha256;
  return 0;
}

uint16_t KeyTag(std::string_view rdata) {
  uint32_t ac = 0;
  for (size_t i = 0; i < rdata.size(); ++i) {
    const uint32_t octet = static_cast<uint8_t>(rdata[i]);
    ac += (i & 1) ? octet : octet << 8;
  }
  ac += (ac >> 16) & 0xffff;
  return static_cast<uint16_t>(ac & 0xffff);
}

}  // namespace dns::dnssec
