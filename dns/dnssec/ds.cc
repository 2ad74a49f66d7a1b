#include "dns/dnssec/ds.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/wire/name.h"

namespace dns::dnssec {

absl::StatusOr<std::string> DsRdata(std::string_view owner_wire, std::string_view rdata,
                                    uint8_t type) {
  const EVP_MD* md = type == digest_type::kSha1     ? EVP_sha1()
                     : type == digest_type::kSha256 ? EVP_sha256()
                     : type == digest_type::kSha384 ? EVP_sha384()
                                                    : nullptr;
  if (md == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("DS digest type ", type, " is not supported (1, 2 and 4 are)"));
  }
  Name owner;
  if (!owner.AssignWire(reinterpret_cast<const uint8_t*>(owner_wire.data()), owner_wire.size())) {
    return absl::InvalidArgumentError("malformed DNSKEY owner");
  }
  if (rdata.size() < 5) return absl::InvalidArgumentError("DNSKEY RDATA too short");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const bool ok = ctx != nullptr && EVP_DigestInit_ex2(ctx, md, nullptr) > 0 &&
                  EVP_DigestUpdate(ctx, owner.data(), owner.length()) > 0 &&
                  EVP_DigestUpdate(ctx, rdata.data(), rdata.size()) > 0 &&
                  EVP_DigestFinal_ex(ctx, digest, &len) > 0;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InternalError("OpenSSL: digest failed");
  const uint16_t tag = KeyTag(rdata);
  std::string out;
  out.push_back(static_cast<char>(tag >> 8));
  out.push_back(static_cast<char>(tag));
  out.push_back(rdata[3]);
  out.push_back(static_cast<char>(type));
  out.append(reinterpret_cast<const char*>(digest), len);
  return out;
}

std::string DsText(std::string_view owner_wire, std::string_view ds, std::string_view type) {
  if (ds.size() < 4) return "";
  const auto* p = reinterpret_cast<const uint8_t*>(ds.data());
  Name owner;  // lower-cased, as the digest saw it
  if (!owner.AssignWire(reinterpret_cast<const uint8_t*>(owner_wire.data()), owner_wire.size())) {
    return "";
  }
  return absl::StrCat(owner.ToText(), "\tIN\t", base::AV(type), "\t", (p[0] << 8) | p[1],
                      " ", p[2], " ", p[3], " ",
                      absl::AsciiStrToUpper(absl::BytesToHexString(base::AV(ds.substr(4)))));
}

std::vector<const KeyPair*> SecureEntryPoints(const std::vector<KeyPair>& keys) {
  std::vector<const KeyPair*> out;
  for (const KeyPair& k : keys) {
    if (k.role == KeyRole::kKsk || k.role == KeyRole::kCsk) out.push_back(&k);
  }
  return out;
}

absl::StatusOr<ChildSyncRecords> MakeChildSyncRecords(const std::vector<KeyPair>& keys,
                                                      uint8_t type) {
  ChildSyncRecords out;
  for (const KeyPair* k : SecureEntryPoints(keys)) {
    const std::string rdata = k->dnskey.Rdata();
    absl::StatusOr<std::string> ds = DsRdata(k->zone, rdata, type);
    if (!ds.ok()) return ds.status();
    out.cds.push_back(std::move(*ds));
    out.cdnskey.push_back(rdata);
  }
  return out;
}

}  // namespace dns::dnssec
