// File: dns/tsig/key.h
//
// TSIG keys (RFC 8945): a name, an HMAC algorithm and a shared secret, as
// given on the command line (`NAME:ALG:BASE64`) or in BIND `key` clauses
// (what `tsig-keygen` prints), and the immutable KeyRing the query path
// looks keys up in by wire name. No OpenSSL here: the HMAC is in tsig.cc.
//
// Example:
//   auto key = dns::tsig::ParseKeySpec("xfr.example.:hmac-sha256:c2VjcmV0");
//   auto ring = dns::tsig::KeyRing::Create({*key});
//   const dns::tsig::Key* k = (*ring)->Find(name.wire());
#ifndef STEERDNS_DNS_TSIG_KEY_H_
#define STEERDNS_DNS_TSIG_KEY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dns::tsig {

// The HMAC algorithms of RFC 8945 §6 (hmac-md5 for old peers only).
enum class Algorithm : uint8_t {
  kHmacMd5,
  kHmacSha1,
  kHmacSha224,
  kHmacSha256,
  kHmacSha384,
  kHmacSha512,
};

// "hmac-sha256" (BIND's spelling; "hmac-md5" for MD5).
std::string_view AlgorithmName(Algorithm a) noexcept;
// The algorithm's name as it goes in the TSIG RR, lower-cased wire form
// ("\x0bhmac-sha256\0"; MD5 is "hmac-md5.sig-alg.reg.int.").
std::string_view AlgorithmWire(Algorithm a) noexcept;
// Output length of the HMAC in octets (16 .. 64).
size_t DigestSize(Algorithm a) noexcept;
// Parses "hmac-sha256", "HMAC-SHA256.", "hmac-md5.sig-alg.reg.int" ...
bool AlgorithmFromName(std::string_view text, Algorithm* out) noexcept;
// Matches a lower-cased wire name against the algorithms' wire names.
bool AlgorithmFromWire(std::string_view lower_wire, Algorithm* out) noexcept;

// One shared key.
struct Key {
  std::string name;       // presentation, absolute ("xfr.example.")
  std::string name_wire;  // lower-cased wire form: the KeyRing's index
  Algorithm algorithm = Algorithm::kHmacSha256;
  std::string secret;     // raw octets (base64-decoded)
  // Local truncation policy (RFC 8945 §5.2.4): the shortest MAC accepted
  // from a peer; 0 means the full digest (any truncation is BADTRUNC).
  size_t min_mac_size = 0;
};

// A Key from its parts; InvalidArgument for a bad name or empty secret.
absl::StatusOr<Key> MakeKey(std::string_view name, Algorithm algorithm,
                            std::string secret);

// Parses "NAME:ALGORITHM:BASE64SECRET" (the --tsig-key flag), e.g.
// "xfr.example.:hmac-sha256:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=".
// Errors say which part is wrong, never echo the secret.
absl::StatusOr<Key> ParseKeySpec(std::string_view spec);

// Parses BIND key clauses, as `tsig-keygen` prints them:
//   key "xfr.example" {
//           algorithm hmac-sha256;
//           secret "base64...";
//   };
// Several keys, comments (#, //, /* */) allowed; anything else is an
// error "DISPLAY_NAME:LINE: message".
absl::StatusOr<std::vector<Key>> ParseBindKeys(std::string_view text,
                                               std::string_view display_name);

// The keys a server knows, immutable once created; looked up by wire name
// on the query path (no allocation). Thread safety: const, shareable.
class KeyRing {
 public:
  // InvalidArgument "duplicate TSIG key 'NAME'" when two keys share a name
  // (case-insensitively).
  static absl::StatusOr<std::shared_ptr<const KeyRing>> Create(std::vector<Key> keys);

  // The key named `name_wire` (lower-cased wire form), or nullptr.
  const Key* Find(std::string_view name_wire) const noexcept;

  const std::vector<Key>& keys() const { return keys_; }
  size_t size() const { return keys_.size(); }

 private:
  KeyRing() = default;
  std::vector<Key> keys_;
  absl::flat_hash_map<std::string_view, size_t> index_;  // into keys_
};

}  // namespace dns::tsig

#endif  // STEERDNS_DNS_TSIG_KEY_H_
