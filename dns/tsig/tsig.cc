// File: dns/tsig/tsig.cc
#include "dns/tsig/tsig.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/wire/reader.h"
#include "dns/tsig/cat_internal.h"
#include "dns/wire/types.h"

namespace dns::tsig {

using internal::Cat;

namespace {


constexpr uint16_t kClassAny = 255;

inline uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void Put48(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 6; ++i) p[i] = static_cast<uint8_t>(v >> (40 - 8 * i));
}

const char* DigestName(Algorithm a) {
  switch (a) {
    case Algorithm::kHmacMd5: return "MD5";
    case Algorithm::kHmacSha1: return "SHA1";
    case Algorithm::kHmacSha224: return "SHA224";
    case Algorithm::kHmacSha256: return "SHA256";
    case Algorithm::kHmacSha384: return "SHA384";
    case Algorithm::kHmacSha512: return "SHA512";
  }
  return "SHA256";
}

EVP_MAC* HmacMethod() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// One HMAC computation (OpenSSL EVP_MAC). Failure of OpenSSL makes the
// final MAC empty, which never matches and signs nothing.
class Hmac {
 public:
  Hmac() = default;
  ~Hmac() { EVP_MAC_CTX_free(ctx_); }
  Hmac(const Hmac&) = delete;
  Hmac& operator=(const Hmac&) = delete;

  bool Init(const Key& key) noexcept {
    EVP_MAC* method = HmacMethod();
    if (method == nullptr) return ok_ = false;
    if (ctx_ == nullptr) ctx_ = EVP_MAC_CTX_new(method);
    if (ctx_ == nullptr) return ok_ = false;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(
        OSSL_MAC_PARAM_DIGEST, const_cast<char*>(DigestName(key.algorithm)), 0);
    params[1] = OSSL_PARAM_construct_end();
    ok_ = EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.secret.data()),
                       key.secret.size(), params) == 1;
    return ok_;
  }
  void Update(const void* p, size_t n) noexcept {
    if (ok_ && n != 0) ok_ = EVP_MAC_update(ctx_, static_cast<const unsigned char*>(p), n) == 1;
  }
  void Update16(uint16_t v) noexcept {
    uint8_t b[2];
    Put16(b, v);
    Update(b, 2);
  }
  void UpdateName(const Name& n) noexcept { Update(n.data(), n.length()); }
  void UpdateName(std::string_view wire) noexcept { Update(wire.data(), wire.size()); }
  // The message up to `end` with the ID replaced by `id` and ARCOUNT
  // lowered by `ar_less` (the TSIG RR taken out).
  void UpdateMessage(const uint8_t* msg, size_t end, uint16_t id, int ar_less) noexcept {
    if (end < kHeaderSize) return;
    uint8_t header[kHeaderSize];
    std::memcpy(header, msg, kHeaderSize);
    Put16(header, id);
    Put16(header + 10, static_cast<uint16_t>(Get16(msg + 10) - ar_less));
    Update(header, kHeaderSize);
    Update(msg + kHeaderSize, end - kHeaderSize);
  }
  // Returns the MAC length, 0 on failure.
  size_t Final(uint8_t* out) noexcept {
    size_t n = 0;
    if (!ok_ || EVP_MAC_final(ctx_, out, &n, kMaxMacSize) != 1) return 0;
    return n;
  }

 private:
  EVP_MAC_CTX* ctx_ = nullptr;
  bool ok_ = false;
};

// The TSIG variables of RFC 8945 §4.3.3 (all, or the timers only).
void UpdateVariables(Hmac& h, std::string_view key_name, std::string_view alg,
                     uint64_t time_signed, uint16_t fudge, uint16_t error,
                     const uint8_t* other, uint16_t other_size) {
  h.UpdateName(key_name);
  uint8_t b[8];
  Put16(b, kClassAny);
  std::memset(b + 2, 0, 4);  // TTL
  h.Update(b, 6);
  h.UpdateName(alg);
  Put48(b, time_signed);
  Put16(b + 6, fudge);
  h.Update(b, 8);
  h.Update16(error);
  h.Update16(other_size);
  h.Update(other, other_size);
}
void UpdateTimers(Hmac& h, uint64_t time_signed, uint16_t fudge) {
  uint8_t b[8];
  Put48(b, time_signed);
  Put16(b + 6, fudge);
  h.Update(b, 8);
}

// §5.2.2.1: the MAC may be truncated to no less than the larger of 10
// octets and half the digest, never be longer than the digest.
bool MacSizeAllowed(size_t mac_size, size_t digest) {
  return mac_size <= digest && mac_size >= std::max<size_t>(10, (digest + 1) / 2);
}

bool TimeOk(uint64_t time_signed, uint16_t fudge, int64_t now) {
  const int64_t t = static_cast<int64_t>(time_signed);
  const int64_t d = now > t ? now - t : t - now;
  return d <= fudge;
}

size_t TsigRRSize(size_t key_name, size_t alg, size_t mac, size_t other) {
  return key_name + 10 + alg + 6 + 2 + 2 + mac + 2 + 2 + 2 + other;
}

// Writes a TSIG RR at buf+len; returns the new length or 0. Increments
// ARCOUNT.
size_t AppendTsig(uint8_t* buf, size_t len, size_t cap, std::string_view key_name,
                  std::string_view alg, uint64_t time_signed, uint16_t fudge,
                  const uint8_t* mac, size_t mac_size, uint16_t original_id,
                  uint16_t error, const uint8_t* other, uint16_t other_size) {
  const size_t size = TsigRRSize(key_name.size(), alg.size(), mac_size, other_size);
  if (len < kHeaderSize || cap < len || cap - len < size) return 0;
  uint8_t* p = buf + len;
  std::memcpy(p, key_name.data(), key_name.size());
  p += key_name.size();
  Put16(p, kRRTypeTsig);
  Put16(p + 2, kClassAny);
  std::memset(p + 4, 0, 4);
  Put16(p + 8, static_cast<uint16_t>(size - key_name.size() - 10));
  p += 10;
  std::memcpy(p, alg.data(), alg.size());
  p += alg.size();
  Put48(p, time_signed);
  Put16(p + 6, fudge);
  Put16(p + 8, static_cast<uint16_t>(mac_size));
  p += 10;
  if (mac_size != 0) std::memcpy(p, mac, mac_size);
  p += mac_size;
  Put16(p, original_id);
  Put16(p + 2, error);
  Put16(p + 4, other_size);
  p += 6;
  if (other_size != 0) std::memcpy(p, other, other_size);
  Put16(buf + 10, static_cast<uint16_t>(Get16(buf + 10) + 1));
  return len + size;
}

}  // namespace

const char* TsigErrorName(uint16_t error) noexcept {
  switch (error) {
    case 0: return "NOERROR";
    case 16: return "BADSIG";
    case 17: return "BADKEY";
    case 18: return "BADTIME";
    case 19: return "BADMODE";
    case 20: return "BADNAME";
    case 21: return "BADALG";
    case 22: return "BADTRUNC";
  }
  return "unknown TSIG error";
}

const char* VerifyStatusName(VerifyStatus s) noexcept {
  switch (s) {
    case VerifyStatus::kOk: return "ok";
    case VerifyStatus::kFormErr: return "FORMERR";
    case VerifyStatus::kBadKey: return "BADKEY";
    case VerifyStatus::kBadSig: return "BADSIG";
    case VerifyStatus::kBadTime: return "BADTIME";
    case VerifyStatus::kBadTrunc: return "BADTRUNC";
  }
  return "?";
}

bool ParseTsigAt(const uint8_t* msg, size_t len, size_t offset, TsigRecord* rec) noexcept {
  if (offset < kHeaderSize || offset >= len) return false;
  Reader r(msg, len);
  r.Seek(offset);
  rec->offset = offset;
  r.ReadName(&rec->key_name);
  const uint16_t type = r.ReadU16();
  const uint16_t rclass = r.ReadU16();
  const uint32_t ttl = r.ReadU32();
  const uint16_t rdlen = r.ReadU16();
  if (!r.ok() || type != kRRTypeTsig || rclass != kClassAny || ttl != 0 ||
      r.remaining() != rdlen) {
    return false;
  }
  r.ReadName(&rec->algorithm);
  const uint32_t hi = r.ReadU16();
  const uint32_t lo = r.ReadU32();
  rec->time_signed = (uint64_t{hi} << 32) | lo;
  rec->fudge = r.ReadU16();
  rec->mac_size = r.ReadU16();
  rec->mac = r.Take(rec->mac_size);
  rec->original_id = r.ReadU16();
  rec->error = r.ReadU16();
  rec->other_size = r.ReadU16();
  rec->other = r.Take(rec->other_size);
  return r.ok() && r.remaining() == 0;
}

FindResult FindTsig(const uint8_t* msg, size_t len, TsigRecord* rec) noexcept {
  if (len < kHeaderSize) return FindResult::kMalformed;
  const uint32_t qd = Get16(msg + 4);
  const uint32_t an_ns = uint32_t{Get16(msg + 6)} + Get16(msg + 8);
  const uint32_t ar = Get16(msg + 10);
  Reader r(msg, len);
  r.Seek(kHeaderSize);
  for (uint32_t i = 0; i < qd; ++i) {
    r.SkipName();
    r.Skip(4);
  }
  size_t found = 0;
  bool not_last = false;
  const uint32_t total = an_ns + ar;
  for (uint32_t i = 0; i < total; ++i) {
    const size_t start = r.position();
    r.SkipName();
    const uint16_t type = r.ReadU16();
    r.Skip(6);
    r.Skip(r.ReadU16());
    if (!r.ok()) return FindResult::kMalformed;
    if (type == kRRTypeTsig) {
      if (i + 1 != total || i < an_ns || found != 0) not_last = true;
      found = start;
    }
  }
  if (!r.ok() || r.position() != len) return FindResult::kMalformed;
  if (not_last) return FindResult::kNotLast;
  if (found == 0) return FindResult::kAbsent;
  return ParseTsigAt(msg, len, found, rec) ? FindResult::kFound : FindResult::kMalformed;
}

uint16_t ServerContext::Rcode() const noexcept {
  switch (status) {
    case VerifyStatus::kOk: return 0;
    case VerifyStatus::kFormErr: return 1;
    default: return kRcodeNotAuth;
  }
}

TsigError ServerContext::Error() const noexcept {
  switch (status) {
    case VerifyStatus::kBadKey: return TsigError::kBadKey;
    case VerifyStatus::kBadSig: return TsigError::kBadSig;
    case VerifyStatus::kBadTime: return TsigError::kBadTime;
    case VerifyStatus::kBadTrunc: return TsigError::kBadTrunc;
    default: return TsigError::kNoError;
  }
}

VerifyStatus VerifyRequest(const KeyRing* ring, const uint8_t* msg, size_t len,
                           size_t tsig_offset, int64_t now, ServerContext* ctx) noexcept {
  *ctx = ServerContext{};
  TsigRecord rec;
  if (!ParseTsigAt(msg, len, tsig_offset, &rec)) return ctx->status = VerifyStatus::kFormErr;
  ctx->key_name = rec.key_name;
  ctx->algorithm = rec.algorithm;
  ctx->request_time = rec.time_signed;
  ctx->fudge = rec.fudge;
  ctx->original_id = rec.original_id;
  // §5.2.1: an unknown key, or a known one with another algorithm.
  const Key* key = ring != nullptr ? ring->Find(rec.key_name.wire()) : nullptr;
  Algorithm alg;
  if (key == nullptr || !AlgorithmFromWire(rec.algorithm.wire(), &alg) || alg != key->algorithm) {
    return ctx->status = VerifyStatus::kBadKey;
  }
  ctx->key = key;
  // §5.2.2.1: a MAC longer than the digest or shorter than the minimum.
  const size_t digest = DigestSize(key->algorithm);
  if (!MacSizeAllowed(rec.mac_size, digest)) return ctx->status = VerifyStatus::kFormErr;
  std::memcpy(ctx->request_mac, rec.mac, rec.mac_size);
  ctx->request_mac_size = rec.mac_size;
  // §5.2.2: the MAC.
  Hmac h;
  h.Init(*key);
  h.UpdateMessage(msg, tsig_offset, rec.original_id, 1);
  UpdateVariables(h, rec.key_name.wire(), rec.algorithm.wire(), rec.time_signed,
                  rec.fudge, rec.error, rec.other, rec.other_size);
  uint8_t mac[kMaxMacSize];
  const size_t n = h.Final(mac);
  if (n != digest || CRYPTO_memcmp(mac, rec.mac, rec.mac_size) != 0) {
    ctx->request_mac_size = 0;  // §5.3.2: an error reply is not signed
    return ctx->status = VerifyStatus::kBadSig;
  }
  // §5.2.3: time, then §5.2.4: truncation below local policy.
  if (!TimeOk(rec.time_signed, rec.fudge, now)) return ctx->status = VerifyStatus::kBadTime;
  const size_t min = key->min_mac_size != 0 ? std::min(key->min_mac_size, digest) : digest;
  if (rec.mac_size < min) return ctx->status = VerifyStatus::kBadTrunc;
  return ctx->status = VerifyStatus::kOk;
}

size_t ResponseTsigSize(const ServerContext& ctx) noexcept {
  const bool is_signed = ctx.key != nullptr && (ctx.status == VerifyStatus::kOk ||
                                                ctx.status == VerifyStatus::kBadTime ||
                                                ctx.status == VerifyStatus::kBadTrunc);
  if (ctx.status == VerifyStatus::kFormErr) return 0;
  return TsigRRSize(ctx.key_name.length(), ctx.algorithm.length(),
                    is_signed ? DigestSize(ctx.key->algorithm) : 0,
                    ctx.status == VerifyStatus::kBadTime ? 6 : 0);
}

size_t SignResponse(const ServerContext& ctx, uint8_t* buf, size_t len, size_t cap,
                    int64_t now) noexcept {
  const uint16_t error = static_cast<uint16_t>(ctx.Error());
  switch (ctx.status) {
    case VerifyStatus::kFormErr:
      return len;
    case VerifyStatus::kBadKey:
    case VerifyStatus::kBadSig:
      // §5.3.2: unsigned, MAC size 0, the request's key and algorithm.
      return AppendTsig(buf, len, cap, ctx.key_name.wire(), ctx.algorithm.wire(),
                        static_cast<uint64_t>(now), ctx.fudge, nullptr, 0, ctx.original_id,
                        error, nullptr, 0);
    default:
      break;
  }
  if (ctx.key == nullptr) return 0;
  // BADTIME (§5.2.3): the request's time signed, our time in Other Data.
  uint8_t other[6];
  uint16_t other_size = 0;
  uint64_t time_signed = static_cast<uint64_t>(now);
  if (ctx.status == VerifyStatus::kBadTime) {
    Put48(other, static_cast<uint64_t>(now));
    other_size = 6;
    time_signed = ctx.request_time;
  }
  const std::string_view name = ctx.key->name_wire;
  const std::string_view alg = AlgorithmWire(ctx.key->algorithm);
  Hmac h;
  h.Init(*ctx.key);
  h.Update16(ctx.request_mac_size);
  h.Update(ctx.request_mac, ctx.request_mac_size);
  h.UpdateMessage(buf, len, ctx.original_id, 0);
  UpdateVariables(h, name, alg, time_signed, ctx.fudge, error, other, other_size);
  uint8_t mac[kMaxMacSize];
  const size_t n = h.Final(mac);
  if (n == 0) return 0;
  return AppendTsig(buf, len, cap, name, alg, time_signed, ctx.fudge, mac, n,
                    ctx.original_id, error, other, other_size);
}

ResponseStreamSigner::ResponseStreamSigner(const ServerContext& ctx) noexcept : ctx_(ctx) {}

size_t ResponseStreamSigner::TsigSize() const noexcept { return ResponseTsigSize(ctx_); }

size_t ResponseStreamSigner::Sign(uint8_t* buf, size_t len, size_t cap, int64_t now) noexcept {
  if (first_ || ctx_.status != VerifyStatus::kOk || ctx_.key == nullptr) {
    const size_t out = SignResponse(ctx_, buf, len, cap, now);
    if (out == 0 || ctx_.status != VerifyStatus::kOk) return out;
    first_ = false;
    // The MAC just written becomes the prior MAC.
    const size_t mac_size = DigestSize(ctx_.key->algorithm);
    std::memcpy(ctx_.request_mac, buf + out - 6 - mac_size, mac_size);
    ctx_.request_mac_size = static_cast<uint16_t>(mac_size);
    return out;
  }
  // §5.3.1: prior MAC, this message, the timers.
  const std::string_view name = ctx_.key->name_wire;
  const std::string_view alg = AlgorithmWire(ctx_.key->algorithm);
  Hmac h;
  h.Init(*ctx_.key);
  h.Update16(ctx_.request_mac_size);
  h.Update(ctx_.request_mac, ctx_.request_mac_size);
  h.UpdateMessage(buf, len, ctx_.original_id, 0);
  UpdateTimers(h, static_cast<uint64_t>(now), ctx_.fudge);
  uint8_t mac[kMaxMacSize];
  const size_t n = h.Final(mac);
  if (n == 0) return 0;
  const size_t out = AppendTsig(buf, len, cap, name, alg, static_cast<uint64_t>(now), ctx_.fudge,
                                mac, n, ctx_.original_id, 0, nullptr, 0);
  if (out != 0) {
    std::memcpy(ctx_.request_mac, mac, n);
    ctx_.request_mac_size = static_cast<uint16_t>(n);
  }
  return out;
}

// ---- client ----

struct ClientTransaction::Mac {
  Hmac hmac;
};

ClientTransaction::ClientTransaction(const Key& key, uint16_t fudge)
    : key_(key), fudge_(fudge) {}
ClientTransaction::~ClientTransaction() = default;

absl::Status ClientTransaction::SignRequest(std::string* msg, int64_t now) {
  if (msg->size() < kHeaderSize) return absl::InvalidArgumentError("TSIG: request shorter than a header");
  const uint8_t* m = reinterpret_cast<const uint8_t*>(msg->data());
  const uint16_t id = Get16(m);
  const std::string_view alg = AlgorithmWire(key_.algorithm);
  Hmac h;
  h.Init(key_);
  h.Update(m, msg->size());
  UpdateVariables(h, key_.name_wire, alg, static_cast<uint64_t>(now), fudge_, 0, nullptr, 0);
  uint8_t mac[kMaxMacSize];
  const size_t n = h.Final(mac);
  if (n == 0) return absl::InternalError("TSIG: HMAC failed (OpenSSL)");
  const size_t len = msg->size();
  msg->resize(len + TsigRRSize(key_.name_wire.size(), alg.size(), n, 0));
  const size_t out = AppendTsig(reinterpret_cast<uint8_t*>(msg->data()), len, msg->size(),
                                key_.name_wire, alg, static_cast<uint64_t>(now), fudge_, mac, n,
                                id, 0, nullptr, 0);
  if (out != msg->size()) return absl::InternalError("TSIG: request signing failed");
  std::memcpy(prior_mac_, mac, n);
  prior_mac_size_ = n;
  signed_request_ = true;
  first_response_ = true;
  unsigned_run_ = 0;
  running_.reset();
  return absl::OkStatus();
}

absl::Status ClientTransaction::VerifyResponse(const uint8_t* msg, size_t len, int64_t now) {
  auto denied = [](std::string_view why) {
    return absl::PermissionDeniedError(Cat("TSIG: ", why));
  };
  if (!signed_request_) return absl::FailedPreconditionError("TSIG: no signed request");
  TsigRecord rec;
  const FindResult found = FindTsig(msg, len, &rec);
  if (found == FindResult::kMalformed) return denied("malformed response or TSIG RR");
  if (found == FindResult::kNotLast) return denied("TSIG RR not the last record");
  const size_t digest = DigestSize(key_.algorithm);
  if (found == FindResult::kAbsent) {
    // §5.3.1: up to 99 unsigned messages between signed ones; never the
    // first.
    if (first_response_) return denied("unsigned response");
    if (unsigned_run_ >= 99) return denied("more than 99 unsigned messages in a row");
    if (running_ == nullptr) {
      running_ = std::make_unique<Mac>();
      running_->hmac.Init(key_);
      running_->hmac.Update16(static_cast<uint16_t>(prior_mac_size_));
      running_->hmac.Update(prior_mac_, prior_mac_size_);
    }
    running_->hmac.Update(msg, len);
    ++unsigned_run_;
    last_signed_ = false;
    return absl::OkStatus();
  }
  if (rec.key_name.wire() != key_.name_wire) {
    return denied(Cat("response signed with key '", rec.key_name.ToText(),
                               "', not '", key_.name, "'"));
  }
  if (rec.error != 0) {
    return denied(Cat("error ", TsigErrorName(rec.error), " from the server"));
  }
  Algorithm alg;
  if (!AlgorithmFromWire(rec.algorithm.wire(), &alg) || alg != key_.algorithm) {
    return denied("response signed with another algorithm");
  }
  if (!MacSizeAllowed(rec.mac_size, digest)) return denied("MAC size out of range (FORMERR)");
  std::unique_ptr<Mac> mac_state = std::move(running_);
  if (mac_state == nullptr) {
    mac_state = std::make_unique<Mac>();
    mac_state->hmac.Init(key_);
    mac_state->hmac.Update16(static_cast<uint16_t>(prior_mac_size_));
    mac_state->hmac.Update(prior_mac_, prior_mac_size_);
  }
  Hmac& h = mac_state->hmac;
  h.UpdateMessage(msg, rec.offset, rec.original_id, 1);
  if (first_response_) {
    UpdateVariables(h, rec.key_name.wire(), rec.algorithm.wire(), rec.time_signed, rec.fudge,
                    rec.error, rec.other, rec.other_size);
  } else {
    UpdateTimers(h, rec.time_signed, rec.fudge);
  }
  uint8_t mac[kMaxMacSize];
  const size_t n = h.Final(mac);
  if (n != digest || CRYPTO_memcmp(mac, rec.mac, rec.mac_size) != 0) return denied("BADSIG");
  if (!TimeOk(rec.time_signed, rec.fudge, now)) return denied("BADTIME");
  const size_t min = key_.min_mac_size != 0 ? std::min(key_.min_mac_size, digest) : digest;
  if (rec.mac_size < min) return denied("BADTRUNC");
  std::memcpy(prior_mac_, rec.mac, rec.mac_size);
  prior_mac_size_ = rec.mac_size;
  first_response_ = false;
  unsigned_run_ = 0;
  last_signed_ = true;
  return absl::OkStatus();
}

absl::Status ClientTransaction::Finish() const {
  if (first_response_) return absl::PermissionDeniedError("TSIG: no signed response");
  if (!last_signed_) return absl::PermissionDeniedError("TSIG: the last message is unsigned");
  return absl::OkStatus();
}

}  // namespace dns::tsig
