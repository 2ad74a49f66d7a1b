#include "dns/dnssec/signer.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "dns/dnssec/algorithm.h"
#include "dns/wire/name.h"

namespace dns::dnssec {

// ---------------------------------------------------------------------------
// ECDSA signature forms.

namespace {

// Reads one DER INTEGER at der[*pos] into `half` octets at out.
bool ReadDerInteger(std::string_view der, size_t* pos, size_t half, char* out) {
  size_t p = *pos;
  if (p + 2 > der.size() || der[p] != 0x02) return false;
  size_t len = static_cast<uint8_t>(der[p + 1]);
  p += 2;
  if (len == 0 || len > 0x7f || p + len > der.size()) return false;
  std::string_view v = der.substr(p, len);
  while (v.size() > 1 && v[0] == 0) v.remove_prefix(1);
  if (v.size() > half) return false;
  std::memset(out, 0, half - v.size());
  std::memcpy(out + half - v.size(), v.data(), v.size());
  *pos = p + len;
  return true;
}

void AppendDerInteger(std::string_view v, std::string* out) {
  while (v.size() > 1 && v[0] == 0) v.remove_prefix(1);
  const bool pad = (static_cast<uint8_t>(v[0]) & 0x80) != 0;
  out->push_back(0x02);
  out->push_back(static_cast<char>(v.size() + (pad ? 1 : 0)));
  if (pad) out->push_back('\0');
  out->append(v);
}

}  // namespace

bool EcdsaDerToRaw(std::string_view der, size_t half, std::string* raw) {
  if (der.size() < 2 || der[0] != 0x30) return false;
  size_t pos = 2;
  const size_t len = static_cast<uint8_t>(der[1]);
  if (len > 0x7f || pos + len != der.size()) return false;  // P-256/P-384 fit short form
  raw->resize(2 * half);
  return ReadDerInteger(der, &pos, half, raw->data()) &&
         ReadDerInteger(der, &pos, half, raw->data() + half) && pos == der.size();
}

bool EcdsaRawToDer(std::string_view raw, std::string* der) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 2 * 60) return false;
  const size_t half = raw.size() / 2;
  std::string body;
  AppendDerInteger(raw.substr(0, half), &body);
  AppendDerInteger(raw.substr(half), &body);
  der->clear();
  der->push_back(0x30);
  der->push_back(static_cast<char>(body.size()));
  der->append(body);
  return true;
}

// ---------------------------------------------------------------------------
// Signer.

absl::StatusOr<std::unique_ptr<Signer>> Signer::Create(const KeyPair& key) {
  if (key.private_key == nullptr) return absl::InvalidArgumentError("key pair without a private key");
  std::unique_ptr<Signer> s(new Signer());
  s->key_ = key.private_key;
  s->signer_name_ = key.zone;
  s->key_tag_ = key.key_tag;
  s->algorithm_ = key.private_key->algorithm();
  EVP_PKEY* pkey = key.private_key->evp_pkey();
  s->md_ctx_ = EVP_MD_CTX_new();
  if (s->md_ctx_ == nullptr) return absl::InternalError("OpenSSL: out of memory");
  if (s->algorithm_ == algorithm::kEd25519) {
    s->signature_size_ = 64;
    if (EVP_DigestSignInit(s->md_ctx_, nullptr, nullptr, nullptr, pkey) <= 0) {
      return absl::InternalError("OpenSSL: EVP_DigestSignInit (Ed25519) failed");
    }
    return s;
  }
  s->sha256_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  s->pkey_ctx_ = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
  if (s->sha256_ == nullptr || s->pkey_ctx_ == nullptr || EVP_PKEY_sign_init(s->pkey_ctx_) <= 0) {
    return absl::InternalError("OpenSSL: cannot set up signing");
  }
  if (s->algorithm_ == algorithm::kRsaSha256) {
    if (EVP_PKEY_CTX_set_rsa_padding(s->pkey_ctx_, RSA_PKCS1_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(s->pkey_ctx_, s->sha256_) <= 0) {
      return absl::InternalError("OpenSSL: cannot set up RSA/SHA-256");
    }
    s->signature_size_ = static_cast<size_t>(EVP_PKEY_get_size(pkey));
  } else {
    s->signature_size_ = 64;
  }
  return s;
}

Signer::~Signer() {
  EVP_MD_CTX_free(md_ctx_);
  EVP_PKEY_CTX_free(pkey_ctx_);
  EVP_MD_free(sha256_);
}

absl::Status Signer::Sign(const RrsetView& rrset, uint32_t inception, uint32_t expiration,
                          std::string* rrsig_rdata) {
  RrsigFields f;
  f.type_covered = rrset.type;
  f.algorithm = algorithm_;
  f.labels = RrsigLabels(rrset.owner);
  f.original_ttl = rrset.ttl;
  f.expiration = expiration;
  f.inception = inception;
  f.key_tag = key_tag_;
  f.signer = signer_name_;
  if (absl::Status s = signed_data_.Build(f, rrset); !s.ok()) return s;
  rrsig_rdata->clear();
  AppendRrsigHeader(f, rrsig_rdata);
  return SignData(signed_data_.data(), rrsig_rdata);
}

absl::Status Signer::SignData(std::string_view data, std::string* out) {
  const size_t start = out->size();
  if (algorithm_ == algorithm::kEd25519) {
    out->resize(start + 64);
    size_t len = 64;
    auto* sig = reinterpret_cast<unsigned char*>(out->data() + start);
    auto* tbs = reinterpret_cast<const unsigned char*>(data.data());
    if (EVP_DigestSign(md_ctx_, sig, &len, tbs, data.size()) <= 0) {
      // An OpenSSL that refuses a second one-shot on the same context:
      // initialise again and retry once.
      if (EVP_DigestSignInit(md_ctx_, nullptr, nullptr, nullptr, key_->evp_pkey()) <= 0 ||
          EVP_DigestSign(md_ctx_, sig, &len, tbs, data.size()) <= 0) {
        out->resize(start);
        return absl::InternalError("OpenSSL: Ed25519 signing failed");
      }
    }
    out->resize(start + len);
    return absl::OkStatus();
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  if (EVP_DigestInit_ex2(md_ctx_, sha256_, nullptr) <= 0 ||
      EVP_DigestUpdate(md_ctx_, data.data(), data.size()) <= 0 ||
      EVP_DigestFinal_ex(md_ctx_, digest, &dlen) <= 0) {
    return absl::InternalError("OpenSSL: SHA-256 failed");
  }
  if (algorithm_ == algorithm::kRsaSha256) {
    out->resize(start + signature_size_);
    size_t len = signature_size_;
    if (EVP_PKEY_sign(pkey_ctx_, reinterpret_cast<unsigned char*>(out->data() + start), &len,
                      digest, dlen) <= 0) {
      out->resize(start);
      return absl::InternalError("OpenSSL: RSA signing failed");
    }
    out->resize(start + len);
    return absl::OkStatus();
  }
  unsigned char der[80];
  size_t der_len = sizeof der;
  if (EVP_PKEY_sign(pkey_ctx_, der, &der_len, digest, dlen) <= 0) {
    return absl::InternalError("OpenSSL: ECDSA signing failed");
  }
  // r | s without a temporary string: parse the DER in place.
  std::string_view d(reinterpret_cast<const char*>(der), der_len);
  size_t pos = 2;
  out->resize(start + 64);
  if (der_len < 2 || der[0] != 0x30 || !ReadDerInteger(d, &pos, 32, out->data() + start) ||
      !ReadDerInteger(d, &pos, 32, out->data() + start + 32)) {
    out->resize(start);
    return absl::InternalError("OpenSSL: unexpected ECDSA signature encoding");
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// PublicKey.

absl::StatusOr<PublicKey> PublicKey::FromDnskey(std::string_view owner_wire,
                                                std::string_view rdata) {
  Name owner;
  if (!owner.AssignWire(reinterpret_cast<const uint8_t*>(owner_wire.data()), owner_wire.size())) {
    return absl::InvalidArgumentError("malformed DNSKEY owner");
  }
  if (rdata.size() < 5) return absl::InvalidArgumentError("DNSKEY RDATA too short");
  PublicKey key;
  key.owner_ = std::string(owner.wire());
  key.algorithm_ = static_cast<uint8_t>(rdata[3]);
  key.key_tag_ = KeyTag(rdata);
  const std::string_view pub = rdata.substr(4);
  if (key.algorithm_ == algorithm::kEd25519) {
    if (pub.size() != 32) return absl::InvalidArgumentError("an Ed25519 public key is 32 octets");
    key.pkey_ = EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(pub.data()), pub.size());
  } else if (key.algorithm_ == algorithm::kEcdsaP256Sha256) {
    if (pub.size() != 64) return absl::InvalidArgumentError("an ECDSA P-256 public key is 64 octets");
    unsigned char point[65];
    point[0] = 0x04;  // uncompressed
    std::memcpy(point + 1, pub.data(), 64);
    char group[] = "prime256v1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
        OSSL_PARAM_construct_end()};
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &key.pkey_, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
      key.pkey_ = nullptr;
    }
    EVP_PKEY_CTX_free(ctx);
  } else if (key.algorithm_ == algorithm::kRsaSha256) {
    size_t elen = static_cast<uint8_t>(pub[0]), off = 1;
    if (elen == 0 && pub.size() >= 3) {
      elen = (static_cast<size_t>(static_cast<uint8_t>(pub[1])) << 8) | static_cast<uint8_t>(pub[2]);
      off = 3;
    }
    if (elen == 0 || off + elen >= pub.size()) return absl::InvalidArgumentError("malformed RSA public key");
    BIGNUM* e = BN_bin2bn(reinterpret_cast<const unsigned char*>(pub.data() + off),
                          static_cast<int>(elen), nullptr);
    BIGNUM* n = BN_bin2bn(reinterpret_cast<const unsigned char*>(pub.data() + off + elen),
                          static_cast<int>(pub.size() - off - elen), nullptr);
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM* params = nullptr;
    if (e != nullptr && n != nullptr && bld != nullptr &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e)) {
      params = OSSL_PARAM_BLD_to_param(bld);
    }
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &key.pkey_, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
      key.pkey_ = nullptr;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(e);
    BN_free(n);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("algorithm ", key.algorithm_, " is not supported (8, 13 and 15 are)"));
  }
  if (key.pkey_ == nullptr) return absl::InvalidArgumentError("OpenSSL does not accept the public key");
  return key;
}

PublicKey::PublicKey(PublicKey&& o) noexcept
    : pkey_(std::exchange(o.pkey_, nullptr)),
      owner_(std::move(o.owner_)),
      key_tag_(o.key_tag_),
      algorithm_(o.algorithm_) {}

PublicKey& PublicKey::operator=(PublicKey&& o) noexcept {
  if (this != &o) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(o.pkey_, nullptr);
    owner_ = std::move(o.owner_);
    key_tag_ = o.key_tag_;
    algorithm_ = o.algorithm_;
  }
  return *this;
}

PublicKey::~PublicKey() { EVP_PKEY_free(pkey_); }

absl::Status PublicKey::Verify(const RrsetView& rrset, std::string_view rrsig_rdata) const {
  RrsigFields f;
  std::string_view signature;
  if (!ParseRrsigRdata(rrsig_rdata, &f, &signature)) {
    return absl::InvalidArgumentError("malformed RRSIG RDATA");
  }
  if (f.algorithm != algorithm_) {
    return absl::InvalidArgumentError(
        absl::StrCat("RRSIG algorithm ", f.algorithm, ", the key's is ", algorithm_));
  }
  if (f.key_tag != key_tag_) {
    return absl::InvalidArgumentError(
        absl::StrCat("RRSIG key tag ", f.key_tag, ", the key's is ", key_tag_));
  }
  Name signer;
  signer.AssignWire(reinterpret_cast<const uint8_t*>(f.signer.data()), f.signer.size());
  if (signer.wire() != owner_) {
    return absl::InvalidArgumentError(absl::StrCat("RRSIG signer ", signer.ToText(),
                                                   " is not the key's owner ", NameToText(owner_)));
  }
  SignedData data;
  if (absl::Status s = data.Build(f, rrset); !s.ok()) return s;
  const EVP_MD* md = algorithm_ == algorithm::kEd25519 ? nullptr : EVP_sha256();
  std::string der;
  std::string_view sig = signature;
  if (algorithm_ == algorithm::kEcdsaP256Sha256) {
    if (signature.size() != 64 || !EcdsaRawToDer(signature, &der)) {
      return absl::InvalidArgumentError("an ECDSA P-256 signature is 64 octets");
    }
    sig = der;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, pkey_) > 0 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(data.data().data()),
                       data.data().size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InvalidArgumentError("the signature does not verify");
  return absl::OkStatus();
}

}  // namespace dns::dnssec
