// File: dns/tsig/tsig.h
//
// TSIG on the wire (RFC 8945): finding the TSIG RR of a message, verifying
// a signed request and signing its response (one message, or a stream of
// them for AXFR/IXFR over TCP, §5.3.1), and the client side: signing a
// request and verifying the response(s).
//
// MAC input (§4.3): [request MAC size + request MAC, for responses] +
// the message without its TSIG RR (ARCOUNT one less, ID the original ID) +
// the TSIG variables (key name, class ANY, TTL 0, algorithm name, time
// signed, fudge, error, other) — for the 2nd.. message of a stream the
// prior MAC + the message(s) + the timers only (time signed, fudge).
//
// Server, one query (dns/answer does this):
//   dns::tsig::ServerContext ctx;
//   VerifyStatus st = VerifyRequest(ring, msg, len, tsig_offset, now, &ctx);
//   ... build the reply (NOTAUTH unless kOk; leave ResponseTsigSize(ctx)
//       octets free) ...
//   len = SignResponse(ctx, out, len, cap, now);
// Server, a stream (AXFR over TCP): ResponseStreamSigner.
// Client: ClientTransaction.
//
// Time is seconds since the epoch, passed in (tests pin it). The verify
// and sign calls are noexcept and do not allocate, but for OpenSSL's HMAC
// context.
#ifndef STEERDNS_DNS_TSIG_TSIG_H_
#define STEERDNS_DNS_TSIG_TSIG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "dns/tsig/key.h"
#include "dns/wire/name.h"

namespace dns::tsig {

inline constexpr uint16_t kRRTypeTsig = 250;
inline constexpr uint16_t kRcodeNotAuth = 9;  // RFC 8945 §5.2: NOTAUTH
inline constexpr uint16_t kDefaultFudge = 300;  // seconds (§10)
inline constexpr size_t kMaxMacSize = 64;       // SHA-512

// The TSIG RR's Error field (RFC 8945 §3, IANA "TSIG/TKEY RR error").
enum class TsigError : uint16_t {
  kNoError = 0,
  kBadSig = 16,
  kBadKey = 17,
  kBadTime = 18,
  kBadTrunc = 22,
};
const char* TsigErrorName(uint16_t error) noexcept;  // "BADSIG", "17" ...

// A TSIG RR as read from a message. Pointers point into the message.
struct TsigRecord {
  size_t offset = 0;  // first octet of the RR (its owner name)
  Name key_name;      // lower-cased
  Name algorithm;     // lower-cased
  uint64_t time_signed = 0;  // 48 bits
  uint16_t fudge = 0;
  const uint8_t* mac = nullptr;
  uint16_t mac_size = 0;
  uint16_t original_id = 0;
  uint16_t error = 0;
  const uint8_t* other = nullptr;
  uint16_t other_size = 0;
};

// Where the TSIG RR of a message is.
enum class FindResult : uint8_t {
  kAbsent,     // no TSIG RR
  kFound,      // exactly one, the last RR of the additional section
  kNotLast,    // a TSIG RR elsewhere, or more than one (FORMERR)
  kMalformed,  // the message or the TSIG RR does not parse (FORMERR)
};
// Walks the whole message. On kFound fills *rec.
FindResult FindTsig(const uint8_t* msg, size_t len, TsigRecord* rec) noexcept;

// Parses the TSIG RR that starts at `offset` and must end at `len` (what
// dns::ParseQuery reports as Query::tsig_offset). False: malformed (bad
// names, class not ANY, TTL not 0, RDATA lengths wrong).
bool ParseTsigAt(const uint8_t* msg, size_t len, size_t offset,
                 TsigRecord* rec) noexcept;

// What verifying a request (or a response) concluded, in RFC 8945 §5.2's
// order: key, MAC, time, truncation.
enum class VerifyStatus : uint8_t {
  kOk,
  kFormErr,   // malformed TSIG, or MAC size outside §5.2.2.1's limits
  kBadKey,    // unknown key name, or algorithm not the key's
  kBadSig,    // the MAC does not match
  kBadTime,   // now outside time signed ± fudge
  kBadTrunc,  // truncated below the key's local policy
};
const char* VerifyStatusName(VerifyStatus s) noexcept;  // "ok", "BADKEY", ...

// What a server keeps from a signed request to sign its response(s).
struct ServerContext {
  VerifyStatus status = VerifyStatus::kFormErr;
  const Key* key = nullptr;  // null unless the key was found
  Name key_name;             // as in the request (echoed in BADKEY replies)
  Name algorithm;
  uint64_t request_time = 0;
  uint16_t fudge = kDefaultFudge;
  uint16_t original_id = 0;
  uint8_t request_mac[kMaxMacSize] = {};
  uint16_t request_mac_size = 0;

  // The rcode of the reply: 0 for kOk, NOTAUTH for the TSIG errors,
  // FORMERR (1) for kFormErr.
  uint16_t Rcode() const noexcept;
  // The TSIG error of the reply.
  TsigError Error() const noexcept;
};

// Verifies the request `msg` whose TSIG RR starts at `tsig_offset` against
// `ring` (null: no keys, every key is BADKEY) at time `now`. Fills *ctx.
VerifyStatus VerifyRequest(const KeyRing* ring, const uint8_t* msg, size_t len,
                           size_t tsig_offset, int64_t now,
                           ServerContext* ctx) noexcept;

// Octets the response's TSIG RR takes (reserve them under a UDP limit).
size_t ResponseTsigSize(const ServerContext& ctx) noexcept;

// Appends the TSIG RR to the finished response in buf[0, len) (capacity
// `cap`) and increments ARCOUNT. kOk, kBadTrunc: signed with the request
// MAC prepended (§4.3.1); kBadTime: signed, Other Data = `now` (§5.2.3);
// kBadKey, kBadSig: unsigned, MAC size 0 (§5.3.2); kFormErr: nothing is
// appended (the reply carries no TSIG). Returns the new length, or 0 when
// the RR does not fit.
size_t SignResponse(const ServerContext& ctx, uint8_t* buf, size_t len,
                    size_t cap, int64_t now) noexcept;

// Signs every message of a multi-message response (AXFR/IXFR over TCP,
// RFC 8945 §5.3.1): the first with the request MAC and all variables, each
// later one with the prior message's MAC and the timers only. Sign them in
// the order they are sent. Only for a ServerContext with status kOk.
class ResponseStreamSigner {
 public:
  explicit ResponseStreamSigner(const ServerContext& ctx) noexcept;
  // As SignResponse; returns the new length or 0 (does not fit).
  size_t Sign(uint8_t* buf, size_t len, size_t cap, int64_t now) noexcept;
  // Octets each message's TSIG RR takes.
  size_t TsigSize() const noexcept;

 private:
  ServerContext ctx_;
  bool first_ = true;
};

// The client side of one signed exchange: a request (QUERY, NOTIFY, SOA,
// AXFR, IXFR) and its response or response stream.
//
// Response streams: RFC 8945 §5.3.1 lets up to 99 messages in a row go
// unsigned; they are accepted and folded into the next signed message's
// MAC. The first and the last message must be signed (call Finish() after
// the last one), as must the 100th in a row.
//
// Not thread-safe; one per exchange.
class ClientTransaction {
 public:
  ClientTransaction(const Key& key, uint16_t fudge = kDefaultFudge);
  ~ClientTransaction();
  ClientTransaction(const ClientTransaction&) = delete;
  ClientTransaction& operator=(const ClientTransaction&) = delete;

  // Appends a TSIG RR to the request in *msg (its ID and ARCOUNT set as
  // they go out) signed at `now`.
  absl::Status SignRequest(std::string* msg, int64_t now);

  // Verifies the next response message. OK for a good signed message or
  // an allowed unsigned one; PermissionDenied naming the failure ("TSIG
  // BADSIG", "TSIG error BADKEY from the server", "unsigned response")
  // otherwise. A response is checked for time too (±fudge of `now`).
  absl::Status VerifyResponse(const uint8_t* msg, size_t len, int64_t now);
  absl::Status VerifyResponse(const std::string& msg, int64_t now) {
    return VerifyResponse(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), now);
  }

  // After the stream's last message: PermissionDenied if it was unsigned.
  absl::Status Finish() const;

  // Whether the last verified message carried a TSIG RR.
  bool last_signed() const { return last_signed_; }

 private:
  struct Mac;  // the running HMAC (OpenSSL, in tsig.cc)
  Key key_;
  uint16_t fudge_;
  uint8_t prior_mac_[kMaxMacSize] = {};
  size_t prior_mac_size_ = 0;
  bool signed_request_ = false;
  bool first_response_ = true;
  bool last_signed_ = false;
  int unsigned_run_ = 0;
  std::unique_ptr<Mac> running_;  // open across unsigned messages
};

}  // namespace dns::tsig

#endif  // STEERDNS_DNS_TSIG_TSIG_H_
