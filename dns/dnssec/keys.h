// File: dns/dnssec/keys.h
//
// DNSSEC key pairs in BIND's file format, as `dnssec-keygen` (bind9-utils)
// and `ldns-keygen` (ldnsutils) write them, for ECDSA P-256 (13), Ed25519
// (15) and RSA/SHA-256 (8):
//
//   Kexample.com.+013+32009.key      ; comments
//                                    example.com. [TTL] IN DNSKEY 257 3 13 <base64>
//   Kexample.com.+013+32009.private  Private-key-format: v1.3
//                                    Algorithm: 13 (ECDSAP256SHA256)
//                                    PrivateKey: <base64>
//                                    Created: 20261207195210   (BIND timing, optional)
//
// LoadKeyDirectory reads every K*.key of a folder with its .private and
// checks that each pair belongs together: the file parses, the private key
// is the public key's, the key tag and zone in the file name are the
// key's. Every bad file is one "file: what is wrong" line of the error;
// with any error nothing is returned, so a caller keeps its old keys.
//
//   absl::StatusOr<dns::dnssec::KeysByZone> keys = LoadKeyDirectory("/etc/steerdns/keys");
//   for (const KeyPair& k : (*keys)[zone_wire]) ... k.role, k.key_tag ...
//
// Roles: a zone with both SEP (flags 257) and non-SEP (256) keys has KSKs
// (the SEP ones: sign the DNSKEY RRset) and ZSKs (the rest); a zone whose
// keys are all alike, in particular a single key whatever its SEP flag,
// has CSKs that sign everything.
//
// Thread safety: a PrivateKey is immutable and may be shared by threads
// (each signs through its own dns::dnssec::Signer); the functions are
// thread-safe.
#ifndef STEERDNS_DNS_DNSSEC_KEYS_H_
#define STEERDNS_DNS_DNSSEC_KEYS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace dns::dnssec {

// A DNSKEY record (RFC 4034 §2).
struct Dnskey {
  std::string owner;          // lower-cased wire form: the zone
  uint32_t ttl = 0;
  bool has_ttl = false;       // the .key file gave a TTL
  uint16_t flags = 0;
  uint8_t protocol = 3;
  uint8_t algorithm = 0;
  std::string public_key;     // the Public Key field, binary

  // The RDATA: flags, protocol, algorithm, public key.
  std::string Rdata() const;
  // RFC 4034 Appendix B over Rdata().
  uint16_t KeyTag() const;
  bool sep() const;
};

// Parses a .key file's text: ';' comments, one DNSKEY RR with an absolute
// owner, optional TTL and class IN, parentheses allowed. The error says
// what is wrong, without the file name.
absl::StatusOr<Dnskey> ParseDnskeyText(std::string_view text);

// One line of presentation form: "example.com. IN DNSKEY 257 3 13 <base64>"
// (with the TTL after the owner when has_ttl).
std::string DnskeyText(const Dnskey& key);

// BIND's timing metadata (seconds since the epoch; 0 = not set).
struct KeyTiming {
  int64_t created = 0;
  int64_t publish = 0;
  int64_t activate = 0;
  int64_t inactive = 0;
  int64_t deleted = 0;  // "Delete:"
};

// Where a key stands at a moment, by its timing (RFC 7583 §3.1's terms;
// an unset time never stops a step):
//   kGenerated  before Publish: not in the DNSKEY RRset
//   kPublished  Publish <= now < Activate: in the DNSKEY RRset, not signing
//   kActive     Activate <= now < Inactive: published and signing
//   kRetired    Inactive <= now < Delete: still published, no longer signing
//   kRemoved    Delete <= now: gone from the DNSKEY RRset
enum class KeyState : uint8_t { kGenerated, kPublished, kActive, kRetired, kRemoved };
// "generated", "published", "active", "retired", "removed".
const char* KeyStateName(KeyState state);
KeyState KeyStateAt(const KeyTiming& timing, int64_t now);
// Whether the key is in the DNSKEY RRset / signs, at `now`.
inline bool KeyPublished(KeyState s) {
  return s == KeyState::kPublished || s == KeyState::kActive || s == KeyState::kRetired;
}
inline bool KeySigns(KeyState s) { return s == KeyState::kActive; }
// The first time after `now` at which KeyStateAt(timing, t) differs from
// KeyStateAt(timing, now); 0 if it never will.
int64_t NextKeyEvent(const KeyTiming& timing, int64_t now);

// A private key. Immutable; shared between the signers of all threads.
class PrivateKey {
 public:
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;
  ~PrivateKey();

  // A new key of `algorithm` (13 or 15) from OpenSSL's random generator.
  static absl::StatusOr<std::shared_ptr<const PrivateKey>> Generate(uint8_t algorithm);

  // Parses a .private file's text ("Private-key-format: v1.2" or v1.3;
  // "Algorithm: N (...)"; PrivateKey for 13 and 15, Modulus ...
  // Coefficient for 8) and fills *timing from Created/Publish/Activate/
  // Inactive/Delete. The error says what is wrong, without the file name.
  static absl::StatusOr<std::shared_ptr<const PrivateKey>> Parse(std::string_view text,
                                                                 KeyTiming* timing);

  uint8_t algorithm() const { return algorithm_; }
  // The public key as a DNSKEY carries it (RFC 6605 §4: x | y; RFC 8080
  // §3: the 32 octets; RFC 3110 §2 for RSA), derived from the private key.
  const std::string& public_key() const { return public_key_; }
  // The .private file's text (BIND v1.3; readable by ldns), with the
  // timing fields that are set. Only for algorithms 13 and 15.
  absl::StatusOr<std::string> PrivateFileText(const KeyTiming& timing) const;

  // OpenSSL's key, for dns/dnssec's own signer.
  evp_pkey_st* evp_pkey() const { return pkey_; }

 private:
  PrivateKey() = default;
  friend struct PrivateKeyBuilder;
  uint8_t algorithm_ = 0;
  evp_pkey_st* pkey_ = nullptr;
  std::string public_key_;
  std::string private_scalar_;  // ECDSA d / Ed25519 seed: what the file stores
};

// The job a key does in its zone (see the file comment).
enum class KeyRole : uint8_t { kKsk, kZsk, kCsk };
// "KSK", "ZSK", "CSK".
const char* KeyRoleName(KeyRole role);

// A DNSKEY with its private key: what signs a zone.
struct KeyPair {
  std::string zone;             // lower-cased wire form (= dnskey.owner)
  Dnskey dnskey;
  uint16_t key_tag = 0;
  std::shared_ptr<const PrivateKey> private_key;
  KeyTiming timing;
  KeyRole role = KeyRole::kCsk;
  std::string key_path;         // the .key file (loaded from or written to)
  std::string private_path;     // the .private file
};

// "Kexample.com.+013+32009": the base name BIND and ldns give a key's files.
std::string KeyFileBaseName(std::string_view zone_wire, uint8_t algorithm, uint16_t key_tag);

// Reads `key_path` (a .key file) and the .private beside it. Errors are
// "FILE: what is wrong": unreadable, does not parse, unsupported
// algorithm, the two files' algorithms differ, the private key is not the
// public key's, or the name K<zone>+<alg>+<tag> disagrees with the key's
// zone, algorithm or key tag.
absl::StatusOr<KeyPair> LoadKeyPair(const std::string& key_path);

// Sets the role of each key of one zone (see the file comment).
void AssignRoles(std::vector<KeyPair>* zone_keys);

// Keys by zone: lower-cased wire name -> its keys, in file name order,
// roles assigned.
using KeysByZone = std::map<std::string, std::vector<KeyPair>>;

// Every K*.key in `dir` (other files, .ds and .private without a .key
// are ignored; a .key without .private is an error). With any error the
// result is InvalidArgument listing each bad file, one "file: what" a
// line; the folder itself missing is NotFound.
absl::StatusOr<KeysByZone> LoadKeyDirectory(const std::string& dir);

// A new key pair for `zone_wire`: flags 257 (ZONE|SEP) when `ksk`, else
// 256; Created, Publish and Activate set to `now` (seconds since the epoch).
absl::StatusOr<KeyPair> GenerateKeyPair(std::string_view zone_wire, uint8_t algorithm, bool ksk,
                                        int64_t now);

// The .key file's text, BIND-style: comment lines saying what the key is
// and its timing, then the DNSKEY line.
std::string KeyFileText(const KeyPair& pair);

// Writes K<zone>+<alg>+<tag>.key (0644) and .private (0600, never readable
// by others) into `dir` atomically, and sets pair->key_path/private_path.
// AlreadyExists if a key with that name is there (a key-tag collision).
absl::Status WriteKeyPair(const std::string& dir, KeyPair* pair);

// Gives an existing key pair new timing, as `dnssec-settime` does: in
// pair.private_path the Created/Publish/Activate/Inactive/Delete lines
// become pair.timing's (unset ones are dropped; every other line is kept
// as it is, so RSA keys and BIND's other metadata survive), then
// pair.key_path is rewritten as KeyFileText(pair). Each file is replaced
// atomically (the .private first, with mode 0600), so a reader sees the
// old file or the new one. Errors: the files' read and write errors
// ("FILE: cannot open: ..."); InvalidArgument "FILE: ..." if the .private
// no longer parses or holds another key than pair.private_key.
absl::Status RewriteKeyTiming(const KeyPair& pair);

}  // namespace dns::dnssec

#endif  // STEERDNS_DNS_DNSSEC_KEYS_H_
