#include "dns/dnssec/keys.h"

#include <dirent.h>
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/error_list.h"
#include "base/file.h"
#include "base/string_view.h"
#include "dns/dnssec/algorithm.h"
#include "dns/wire/dns_time.h"
#include "dns/wire/name.h"

namespace dns::dnssec {

// ---------------------------------------------------------------------------
// DNSKEY text.

std::string Dnskey::Rdata() const {
  std::string r;
  r.reserve(4 + public_key.size());
  r.push_back(static_cast<char>(flags >> 8));
  r.push_back(static_cast<char>(flags));
  r.push_back(static_cast<char>(protocol));
  r.push_back(static_cast<char>(algorithm));
  r.append(public_key);
  return r;
}

uint16_t Dnskey::KeyTag() const { return dns::dnssec::KeyTag(Rdata()); }
bool Dnskey::sep() const { return (flags & dnskey_flag::kSep) != 0; }

namespace {

// Base64 with whitespace anywhere (BIND splits long keys with spaces).
bool DecodeBase64(std::string_view text, std::string* out) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  }
  if (compact.empty()) return false;
  return absl::Base64Unescape(compact, out) && !out->empty();
}

bool ParseU32(std::string_view s, uint32_t* v) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return absl::SimpleAtoi(base::AV(s), v);
}

}  // namespace

absl::StatusOr<Dnskey> ParseDnskeyText(std::string_view text) {
  std::vector<std::string> tokens;
  for (absl::string_view line : absl::StrSplit(base::AV(text), '\n')) {
    if (size_t semi = line.find(';'); semi != absl::string_view::npos) line = line.substr(0, semi);
    std::string cleaned(line);
    std::replace(cleaned.begin(), cleaned.end(), '(', ' ');
    std::replace(cleaned.begin(), cleaned.end(), ')', ' ');
    for (absl::string_view t : absl::StrSplit(cleaned, absl::ByAnyChar(" \t\r"), absl::SkipEmpty())) {
      tokens.emplace_back(t);
    }
  }
  if (tokens.empty()) return absl::InvalidArgumentError("no DNSKEY record");
  Dnskey key;
  if (tokens[0].back() != '.') {
    return absl::InvalidArgumentError(
        absl::StrCat("owner '", tokens[0], "' is not an absolute name (no trailing dot)"));
  }
  if (!NameFromText(tokens[0], &key.owner)) {
    return absl::InvalidArgumentError(absl::StrCat("bad owner name '", tokens[0], "'"));
  }
  size_t i = 1;
  // [TTL] [CLASS] or [CLASS] [TTL], then the type.
  for (int k = 0; k < 2 && i < tokens.size(); ++k) {
    uint32_t ttl;
    if (ParseU32(tokens[i], &ttl)) {
      key.ttl = ttl;
      key.has_ttl = true;
      ++i;
    } else if (absl::EqualsIgnoreCase(tokens[i], "IN")) {
      ++i;
    }
  }
  if (i >= tokens.size() || !absl::EqualsIgnoreCase(tokens[i], "DNSKEY")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a DNSKEY record, found '", i < tokens.size() ? tokens[i] : "end of file", "'"));
  }
  ++i;
  if (tokens.size() < i + 4) {
    return absl::InvalidArgumentError("DNSKEY needs flags, protocol, algorithm and a public key");
  }
  uint32_t flags, protocol, alg;
  if (!ParseU32(tokens[i], &flags) || flags > 0xffff) {
    return absl::InvalidArgumentError(absl::StrCat("bad DNSKEY flags '", tokens[i], "'"));
  }
  if (!ParseU32(tokens[i + 1], &protocol) || protocol > 255) {
    return absl::InvalidArgumentError(absl::StrCat("bad DNSKEY protocol '", tokens[i + 1], "'"));
  }
  if (!ParseU32(tokens[i + 2], &alg) || alg > 255) {
    return absl::InvalidArgumentError(absl::StrCat("bad DNSKEY algorithm '", tokens[i + 2], "'"));
  }
  std::string b64;
  for (size_t j = i + 3; j < tokens.size(); ++j) b64 += tokens[j];
  if (!DecodeBase64(b64, &key.public_key)) {
    return absl::InvalidArgumentError("the public key is not valid base64");
  }
  key.flags = static_cast<uint16_t>(flags);
  key.protocol = static_cast<uint8_t>(protocol);
  key.algorithm = static_cast<uint8_t>(alg);
  return key;
}

std::string DnskeyText(const Dnskey& key) {
  std::string out = NameToText(key.owner);
  if (key.has_ttl) absl::StrAppend(&out, " ", key.ttl);
  absl::StrAppend(&out, " IN DNSKEY ", key.flags, " ", key.protocol, " ", key.algorithm, " ",
                  absl::Base64Escape(key.public_key));
  return out;
}

// ---------------------------------------------------------------------------
// Private keys.

namespace {

constexpr size_t kP256Size = 32;
constexpr size_t kEd25519Size = 32;

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_clear_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using GroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using PointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>>;

std::string BnBytes(const BIGNUM* bn) {
  std::string s(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(s.data()));
  return s;
}

BIGNUM* BnFrom(std::string_view bytes) {
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                   static_cast<int>(bytes.size()), nullptr);
}

// EVP_PKEY from OSSL_PARAMs built by `fill`.
template <typename Fill>
absl::StatusOr<PkeyPtr> FromData(const char* type, Fill fill) {
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr || !fill(bld.get())) return absl::InternalError("OpenSSL: cannot build key parameters");
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEYPAIR, params.get()) <= 0) {
    return absl::InvalidArgumentError("OpenSSL does not accept the key");
  }
  return PkeyPtr(pkey);
}

// RFC 3110 §2: exponent length (1 octet, or 0 and 2 octets), exponent, modulus.
std::string RsaPublicKeyField(std::string_view e, std::string_view n) {
  std::string out;
  if (e.size() < 256) {
    out.push_back(static_cast<char>(e.size()));
  } else {
    out.push_back('\0');
    out.push_back(static_cast<char>(e.size() >> 8));
    out.push_back(static_cast<char>(e.size()));
  }
  out.append(e);
  out.append(n);
  return out;
}

}  // namespace

struct PrivateKeyBuilder {
  // ECDSA P-256 (d, up to 32 octets) or Ed25519 (the 32-octet seed).
  static absl::StatusOr<std::shared_ptr<const PrivateKey>> FromScalar(uint8_t alg,
                                                                      std::string_view scalar) {
    std::shared_ptr<PrivateKey> key(new PrivateKey());
    key->algorithm_ = alg;
    if (alg == algorithm::kEd25519) {
      if (scalar.size() != kEd25519Size) {
        return absl::InvalidArgumentError(absl::StrCat(
            "an Ed25519 private key is 32 octets, this one is ", scalar.size()));
      }
      key->pkey_ = EVP_PKEY_new_raw_private_key(
          EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(scalar.data()),
          scalar.size());
      if (key->pkey_ == nullptr) return absl::InvalidArgumentError("OpenSSL does not accept the Ed25519 key");
      unsigned char pub[kEd25519Size];
      size_t len = sizeof pub;
      if (EVP_PKEY_get_raw_public_key(key->pkey_, pub, &len) <= 0) {
        return absl::InternalError("OpenSSL: no Ed25519 public key");
      }
      key->public_key_.assign(reinterpret_cast<const char*>(pub), len);
      key->private_scalar_.assign(scalar);
      return std::shared_ptr<const PrivateKey>(std::move(key));
    }
    if (alg != algorithm::kEcdsaP256Sha256) {
      return absl::InvalidArgumentError("PrivateKey holds keys of algorithms 13 and 15 only");
    }
    if (scalar.empty() || scalar.size() > kP256Size) {
      return absl::InvalidArgumentError(absl::StrCat(
          "an ECDSA P-256 private key is 32 octets, this one is ", scalar.size()));
    }
    GroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    BnPtr d(BnFrom(scalar));
    PointPtr pub(group ? EC_POINT_new(group.get()) : nullptr);
    if (group == nullptr || d == nullptr || pub == nullptr) return absl::InternalError("OpenSSL: out of memory");
    if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) {
      return absl::InvalidArgumentError("the ECDSA private key is out of range for P-256");
    }
    unsigned char point[1 + 2 * kP256Size];
    if (EC_POINT_mul(group.get(), pub.get(), d.get(), nullptr, nullptr, nullptr) != 1 ||
        EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, point,
                           sizeof point, nullptr) != sizeof point) {
      return absl::InternalError("OpenSSL: cannot derive the ECDSA public key");
    }
    absl::StatusOr<PkeyPtr> pkey = FromData("EC", [&](OSSL_PARAM_BLD* b) {
      return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
             OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d.get()) &&
             OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point);
    });
    if (!pkey.ok()) return pkey.status();
    key->pkey_ = pkey->release();
    key->public_key_.assign(reinterpret_cast<const char*>(point + 1), 2 * kP256Size);
    key->private_scalar_.assign(kP256Size - scalar.size(), '\0');
    key->private_scalar_.append(scalar);
    return std::shared_ptr<const PrivateKey>(std::move(key));
  }

  // RSA from the fields of a .private file.
  static absl::StatusOr<std::shared_ptr<const PrivateKey>> FromRsa(
      const std::map<std::string, std::string>& f) {
    static constexpr const char* kFields[8][2] = {
        {"Modulus", OSSL_PKEY_PARAM_RSA_N},
        {"PublicExponent", OSSL_PKEY_PARAM_RSA_E},
        {"PrivateExponent", OSSL_PKEY_PARAM_RSA_D},
        {"Prime1", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"Prime2", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"Exponent1", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"Exponent2", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"Coefficient", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    std::vector<BnPtr> bns;
    std::string raw[8];
    for (int i = 0; i < 8; ++i) {
      auto it = f.find(kFields[i][0]);
      if (it == f.end()) return absl::InvalidArgumentError(absl::StrCat("no ", kFields[i][0], " field"));
      if (!DecodeBase64(it->second, &raw[i])) {
        return absl::InvalidArgumentError(absl::StrCat(kFields[i][0], " is not valid base64"));
      }
      bns.emplace_back(BnFrom(raw[i]));
    }
    absl::StatusOr<PkeyPtr> pkey = FromData("RSA", [&](OSSL_PARAM_BLD* b) {
      for (int i = 0; i < 8; ++i) {
        if (!OSSL_PARAM_BLD_push_BN(b, kFields[i][1], bns[i].get())) return false;
      }
      return true;
    });
    if (!pkey.ok()) return pkey.status();
    PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey->get(), nullptr));
    if (check == nullptr || EVP_PKEY_pairwise_check(check.get()) != 1) {
      return absl::InvalidArgumentError("the RSA key's fields do not belong together");
    }
    std::shared_ptr<PrivateKey> key(new PrivateKey());
    key->algorithm_ = algorithm::kRsaSha256;
    key->pkey_ = pkey->release();
    key->public_key_ = RsaPublicKeyField(BnBytes(bns[1].get()), BnBytes(bns[0].get()));
    return std::shared_ptr<const PrivateKey>(std::move(key));
  }
};

PrivateKey::~PrivateKey() {
  EVP_PKEY_free(pkey_);
  if (!private_scalar_.empty()) OPENSSL_cleanse(private_scalar_.data(), private_scalar_.size());
}

absl::StatusOr<std::shared_ptr<const PrivateKey>> PrivateKey::Generate(uint8_t alg) {
  if (alg == algorithm::kEd25519) {
    PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    unsigned char seed[kEd25519Size];
    size_t len = sizeof seed;
    if (pkey == nullptr || EVP_PKEY_get_raw_private_key(pkey.get(), seed, &len) <= 0) {
      return absl::InternalError("OpenSSL: Ed25519 key generation failed");
    }
    auto key = PrivateKeyBuilder::FromScalar(alg, std::string_view(reinterpret_cast<char*>(seed), len));
    OPENSSL_cleanse(seed, sizeof seed);
    return key;
  }
  if (alg == algorithm::kEcdsaP256Sha256) {
    PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    BIGNUM* d = nullptr;
    if (pkey == nullptr || EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) <= 0) {
      return absl::InternalError("OpenSSL: ECDSA key generation failed");
    }
    BnPtr owned(d);
    unsigned char buf[kP256Size];
    if (BN_bn2binpad(d, buf, sizeof buf) != static_cast<int>(sizeof buf)) {
      return absl::InternalError("OpenSSL: ECDSA key generation failed");
    }
    auto key = PrivateKeyBuilder::FromScalar(alg, std::string_view(reinterpret_cast<char*>(buf), sizeof buf));
    OPENSSL_cleanse(buf, sizeof buf);
    return key;
  }
  char name[16];
  return absl::InvalidArgumentError(absl::StrCat("cannot generate keys of algorithm ", alg, " (",
                                                 AlgorithmMnemonic(alg, name),
                                                 "): ECDSAP256SHA256 (13) and ED25519 (15) only"));
}

absl::StatusOr<std::shared_ptr<const PrivateKey>> PrivateKey::Parse(std::string_view text,
                                                                     KeyTiming* timing) {
  std::map<std::string, std::string> fields;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(base::AV(text), '\n')) {
    ++line_no;
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty() || l[0] == ';') continue;
    const size_t colon = l.find(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": expected 'Field: value'"));
    }
    fields[std::string(l.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(l.substr(colon + 1)));
  }
  auto format = fields.find("Private-key-format");
  if (format == fields.end()) return absl::InvalidArgumentError("no Private-key-format line");
  if (!absl::StartsWith(format->second, "v1.")) {
    return absl::InvalidArgumentError(absl::StrCat("unsupported Private-key-format '",
                                                   format->second, "' (v1.2 or v1.3 expected)"));
  }
  auto alg_field = fields.find("Algorithm");
  if (alg_field == fields.end()) return absl::InvalidArgumentError("no Algorithm line");
  uint32_t alg = 0;
  const std::string alg_number = alg_field->second.substr(0, alg_field->second.find(' '));
  if (!ParseU32(alg_number, &alg) || alg > 255) {
    return absl::InvalidArgumentError(absl::StrCat("bad Algorithm '", alg_field->second, "'"));
  }
  if (!AlgorithmSupported(static_cast<uint8_t>(alg))) {
    char name[16];
    return absl::InvalidArgumentError(absl::StrCat(
        "algorithm ", alg, " (", AlgorithmMnemonic(static_cast<uint8_t>(alg), name),
        ") is not supported (8, 13 and 15 are)"));
  }
  if (timing != nullptr) {
    const std::pair<const char*, int64_t*> kTimes[] = {
        {"Created", &timing->created}, {"Publish", &timing->publish},
        {"Activate", &timing->activate}, {"Inactive", &timing->inactive},
        {"Delete", &timing->deleted}};
    for (const auto& [name, slot] : kTimes) {
      auto it = fields.find(name);
      if (it == fields.end()) continue;
      if (!dns::TimeFromText(it->second, slot)) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad ", name, " time '", it->second, "' (YYYYMMDDHHMMSS expected)"));
      }
    }
  }
  if (alg == algorithm::kRsaSha256) return PrivateKeyBuilder::FromRsa(fields);
  auto pk = fields.find("PrivateKey");
  if (pk == fields.end()) return absl::InvalidArgumentError("no PrivateKey line");
  std::string scalar;
  if (!DecodeBase64(pk->second, &scalar)) {
    return absl::InvalidArgumentError("PrivateKey is not valid base64");
  }
  auto key = PrivateKeyBuilder::FromScalar(static_cast<uint8_t>(alg), scalar);
  OPENSSL_cleanse(scalar.data(), scalar.size());
  return key;
}

absl::StatusOr<std::string> PrivateKey::PrivateFileText(const KeyTiming& timing) const {
  if (private_scalar_.empty()) {
    return absl::UnimplementedError("writing .private files of RSA keys is not supported");
  }
  char name[16];
  std::string out = absl::StrCat("Private-key-format: v1.3\nAlgorithm: ", algorithm_, " (",
                                 AlgorithmMnemonic(algorithm_, name), ")\nPrivateKey: ",
                                 absl::Base64Escape(private_scalar_), "\n");
  const std::pair<const char*, int64_t> kTimes[] = {
      {"Created", timing.created}, {"Publish", timing.publish}, {"Activate", timing.activate},
      {"Inactive", timing.inactive}, {"Delete", timing.deleted}};
  for (const auto& [field, t] : kTimes) {
    if (t != 0) absl::StrAppend(&out, field, ": ", dns::TimeToText(t), "\n");
  }
  return out;
}

// ---------------------------------------------------------------------------
// Key pairs and folders.

const char* KeyStateName(KeyState state) {
  switch (state) {
    case KeyState::kGenerated: return "generated";
    case KeyState::kPublished: return "published";
    case KeyState::kActive: return "active";
    case KeyState::kRetired: return "retired";
    case KeyState::kRemoved: return "removed";
  }
  return "?";
}

KeyState KeyStateAt(const KeyTiming& t, int64_t now) {
  const auto reached = [now](int64_t at) { return at != 0 && at <= now; };
  if (reached(t.deleted)) return KeyState::kRemoved;
  if (t.publish != 0 && !reached(t.publish)) return KeyState::kGenerated;
  if (reached(t.inactive)) return KeyState::kRetired;
  if (t.activate != 0 && !reached(t.activate)) return KeyState::kPublished;
  return KeyState::kActive;
}

int64_t NextKeyEvent(const KeyTiming& t, int64_t now) {
  int64_t next = 0;
  for (int64_t at : {t.publish, t.activate, t.inactive, t.deleted})
    if (at > now && (next == 0 || at < next)) next = at;
  return next;
}

const char* KeyRoleName(KeyRole role) {
  switch (role) {
    case KeyRole::kKsk: return "KSK";
    case KeyRole::kZsk: return "ZSK";
    case KeyRole::kCsk: return "CSK";
  }
  return "?";
}

std::string KeyFileBaseName(std::string_view zone_wire, uint8_t alg, uint16_t tag) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "+%03u+%05u", alg, tag);
  return absl::StrCat("K", NameToText(zone_wire), suffix);
}

namespace {

// Splits "K<zone>+<alg>+<tag>" (no extension). False if it is not that.
bool ParseKeyFileBaseName(std::string_view base, std::string* zone_text, uint32_t* alg,
                          uint32_t* tag) {
  if (base.size() < 2 || base[0] != 'K') return false;
  const size_t plus2 = base.rfind('+');
  if (plus2 == std::string_view::npos || plus2 == 0) return false;
  const size_t plus1 = base.rfind('+', plus2 - 1);
  if (plus1 == std::string_view::npos || plus1 < 1) return false;
  *zone_text = std::string(base.substr(1, plus1 - 1));
  return ParseU32(base.substr(plus1 + 1, plus2 - plus1 - 1), alg) &&
         ParseU32(base.substr(plus2 + 1), tag);
}

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Human(int64_t t) { return FormatUtc(t, "%a %b %e %H:%M:%S %Y"); }

}  // namespace

absl::StatusOr<KeyPair> LoadKeyPair(const std::string& key_path) {
  auto fail = [](const std::string& file, std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", base::AV(what)));
  };
  if (!absl::EndsWith(key_path, ".key")) return fail(key_path, "a key file's name ends in .key");
  KeyPair pair;
  pair.key_path = key_path;
  pair.private_path = key_path.substr(0, key_path.size() - 4) + ".private";

  absl::StatusOr<std::string> key_text = base::ReadFile(key_path);
  if (!key_text.ok()) return key_text.status();
  absl::StatusOr<Dnskey> dnskey = ParseDnskeyText(*key_text);
  if (!dnskey.ok()) return fail(key_path, std::string(dnskey.status().message()));
  pair.dnskey = std::move(*dnskey);
  pair.zone = pair.dnskey.owner;
  pair.key_tag = pair.dnskey.KeyTag();
  char name[16];
  if (pair.dnskey.protocol != kDnskeyProtocol) {
    return fail(key_path, absl::StrCat("DNSKEY protocol is ", pair.dnskey.protocol, ", not 3"));
  }
  if ((pair.dnskey.flags & dnskey_flag::kZone) == 0) {
    return fail(key_path, absl::StrCat("DNSKEY flags ", pair.dnskey.flags,
                                       " lack the ZONE bit (256): not a zone key"));
  }
  if (!AlgorithmSupported(pair.dnskey.algorithm)) {
    return fail(key_path, absl::StrCat("algorithm ", pair.dnskey.algorithm, " (",
                                       AlgorithmMnemonic(pair.dnskey.algorithm, name),
                                       ") is not supported (8, 13 and 15 are)"));
  }

  // The name says K<zone>+<alg>+<tag>: it must be this key's.
  const std::string base = Basename(key_path.substr(0, key_path.size() - 4));
  std::string name_zone;
  uint32_t name_alg = 0, name_tag = 0;
  if (!ParseKeyFileBaseName(base, &name_zone, &name_alg, &name_tag)) {
    return fail(key_path, "the file name is not K<zone>+<algorithm>+<key tag>.key");
  }
  std::string name_zone_wire;
  if (!NameFromText(name_zone, &name_zone_wire) || name_zone_wire != pair.zone) {
    return fail(key_path, absl::StrCat("the file name says zone '", name_zone,
                                       "', the DNSKEY's owner is ", NameToText(pair.zone)));
  }
  if (name_alg != pair.dnskey.algorithm) {
    return fail(key_path, absl::StrCat("the file name says algorithm ", name_alg,
                                       ", the DNSKEY's is ", pair.dnskey.algorithm));
  }
  if (name_tag != pair.key_tag) {
    return fail(key_path, absl::StrCat("the file name says key tag ", name_tag,
                                       ", the DNSKEY's key tag is ", pair.key_tag));
  }

  absl::StatusOr<std::string> private_text = base::ReadFile(pair.private_path);
  if (!private_text.ok()) return private_text.status();
  absl::StatusOr<std::shared_ptr<const PrivateKey>> priv =
      PrivateKey::Parse(*private_text, &pair.timing);
  if (!priv.ok()) return fail(pair.private_path, std::string(priv.status().message()));
  if ((*priv)->algorithm() != pair.dnskey.algorithm) {
    return fail(pair.private_path, absl::StrCat("algorithm ", (*priv)->algorithm(), ", ",
                                                Basename(key_path), " says ",
                                                pair.dnskey.algorithm));
  }
  if ((*priv)->public_key() != pair.dnskey.public_key) {
    return fail(pair.private_path, absl::StrCat("the private key is not the one of the public key in ",
                                                Basename(key_path), " (the two files do not match)"));
  }
  pair.private_key = std::move(*priv);
  return pair;
}

void AssignRoles(std::vector<KeyPair>* keys) {
  bool any_sep = false, any_non_sep = false;
  for (const KeyPair& k : *keys) (k.dnskey.sep() ? any_sep : any_non_sep) = true;
  for (KeyPair& k : *keys) {
    k.role = !(any_sep && any_non_sep) ? KeyRole::kCsk
             : k.dnskey.sep()           ? KeyRole::kKsk
                                        : KeyRole::kZsk;
  }
}

absl::StatusOr<KeysByZone> LoadKeyDirectory(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    const int err = errno;
    return absl::Status(err == ENOENT ? absl::StatusCode::kNotFound
                                      : absl::StatusCode::kInvalidArgument,
                        absl::StrCat(dir, ": cannot open folder: ", std::strerror(err)));
  }
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n.size() > 5 && n[0] == 'K' && absl::EndsWith(n, ".key") && !base::IsTempFileName(n)) {
      names.push_back(n);
    }
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  base::ErrorList errors;
  KeysByZone out;
  for (const std::string& n : names) {
    absl::StatusOr<KeyPair> pair = LoadKeyPair(dir + "/" + n);
    if (!pair.ok()) {
      errors.AddLine(std::string(pair.status().message()));
      continue;
    }
    std::string zone = pair->zone;
    out[zone].push_back(std::move(*pair));
  }
  if (absl::Status s = errors.ToStatus(); !s.ok()) return s;
  for (auto& [zone, keys] : out) AssignRoles(&keys);
  return out;
}

absl::StatusOr<KeyPair> GenerateKeyPair(std::string_view zone_wire, uint8_t alg, bool ksk,
                                        int64_t now) {
  Name zone;
  if (!zone.AssignWire(reinterpret_cast<const uint8_t*>(zone_wire.data()), zone_wire.size())) {
    return absl::InvalidArgumentError("malformed zone name");
  }
  absl::StatusOr<std::shared_ptr<const PrivateKey>> priv = PrivateKey::Generate(alg);
  if (!priv.ok()) return priv.status();
  KeyPair pair;
  pair.zone = std::string(zone.wire());
  pair.dnskey.owner = pair.zone;
  pair.dnskey.flags = ksk ? (dnskey_flag::kZone | dnskey_flag::kSep) : dnskey_flag::kZone;
  pair.dnskey.protocol = kDnskeyProtocol;
  pair.dnskey.algorithm = alg;
  pair.dnskey.public_key = (*priv)->public_key();
  pair.key_tag = pair.dnskey.KeyTag();
  pair.private_key = std::move(*priv);
  pair.timing.created = pair.timing.publish = pair.timing.activate = now;
  pair.role = ksk ? KeyRole::kKsk : KeyRole::kZsk;
  return pair;
}

std::string KeyFileText(const KeyPair& pair) {
  std::string out = absl::StrCat("; This is a ", pair.dnskey.sep() ? "key" : "zone",
                                 "-signing key, keyid ", pair.key_tag, ", for ",
                                 NameToText(pair.zone), "\n");
  const std::pair<const char*, int64_t> kTimes[] = {
      {"Created", pair.timing.created}, {"Publish", pair.timing.publish},
      {"Activate", pair.timing.activate}, {"Inactive", pair.timing.inactive},
      {"Delete", pair.timing.deleted}};
  for (const auto& [field, t] : kTimes) {
    if (t != 0) absl::StrAppend(&out, "; ", field, ": ", dns::TimeToText(t), " (", Human(t), ")\n");
  }
  absl::StrAppend(&out, DnskeyText(pair.dnskey), "\n");
  return out;
}

absl::Status WriteKeyPair(const std::string& dir, KeyPair* pair) {
  const std::string base =
      dir + "/" + KeyFileBaseName(pair->zone, pair->dnskey.algorithm, pair->key_tag);
  const std::string key_path = base + ".key", private_path = base + ".private";
  struct stat st;
  for (const std::string& p : {key_path, private_path}) {
    if (::stat(p.c_str(), &st) == 0) {
      return absl::AlreadyExistsError(absl::StrCat(p, ": exists (a key with this tag is there)"));
    }
  }
  absl::StatusOr<std::string> private_text = pair->private_key->PrivateFileText(pair->timing);
  if (!private_text.ok()) return private_text.status();
  // The .private first: a .private alone is ignored by LoadKeyDirectory.
  if (absl::Status s = base::WriteFileAtomically(private_path, *private_text, 0600); !s.ok()) {
    return s;
  }
  if (absl::Status s = base::WriteFileAtomically(key_path, KeyFileText(*pair), 0644); !s.ok()) {
    return s;
  }
  pair->key_path = key_path;
  pair->private_path = private_path;
  return absl::OkStatus();
}

absl::Status RewriteKeyTiming(const KeyPair& pair) {
  absl::StatusOr<std::string> text = base::ReadFile(pair.private_path);
  if (!text.ok()) return text.status();
  // The file must still be this key's: a key file replaced since it was
  // loaded is not rewritten with another key's timing.
  absl::StatusOr<std::shared_ptr<const PrivateKey>> now_there = PrivateKey::Parse(*text, nullptr);
  if (!now_there.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(pair.private_path, ": ", now_there.status().message()));
  }
  if (pair.private_key == nullptr ||
      (*now_there)->public_key() != pair.private_key->public_key()) {
    return absl::InvalidArgumentError(absl::StrCat(
        pair.private_path, ": holds another key than the one loaded (changed on disk?)"));
  }
  static constexpr const char* kTimingFields[] = {"Created", "Publish", "Activate", "Inactive",
                                                  "Delete"};
  std::string out;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    absl::string_view l = absl::StripLeadingAsciiWhitespace(line);
    bool timing_line = false;
    for (const char* f : kTimingFields) {
      timing_line |= absl::StartsWith(l, f) && absl::StartsWith(l.substr(std::strlen(f)), ":");
    }
    if (timing_line || line.empty()) continue;
    absl::StrAppend(&out, line, "\n");
  }
  const std::pair<const char*, int64_t> kTimes[] = {
      {"Created", pair.timing.created}, {"Publish", pair.timing.publish},
      {"Activate", pair.timing.activate}, {"Inactive", pair.timing.inactive},
      {"Delete", pair.timing.deleted}};
  for (const auto& [field, t] : kTimes) {
    if (t != 0) absl::StrAppend(&out, field, ": ", dns::TimeToText(t), "\n");
  }
  if (absl::Status s = base::WriteFileAtomically(pair.private_path, out, 0600); !s.ok()) return s;
  return base::WriteFileAtomically(pair.key_path, KeyFileText(pair), 0644);
}

}  // namespace dns::dnssec
