// File: tests/tsig/tsig_test.cc
//
// TSIG on the wire against two independent implementations: fixed vectors
// made by dnspython (tsig_vectors.inc: a signed query, its signed response
// and a 3-message signed stream per algorithm, at a fixed time) must be
// verified and reproduced octet for octet; ldns signs requests we verify
// and verifies responses we sign. Then the failure cases of RFC 8945 §5.2.
// stdbool first: ldns defines bool itself otherwise.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>

#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "dns/tsig/key.h"
#include "dns/tsig/tsig.h"
#include "gtest/gtest.h"

namespace dns::tsig {
namespace {

struct Vector {
  const char* algorithm;
  const char* secret;
  int64_t now;
  std::string query;
  std::string response;
  std::vector<std::string> stream;
};

const Vector kVectors[] = {
#include "tests/tsig/tsig_vectors.inc"
};

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

Key VectorKey(const Vector& v) {
  auto k = ParseKeySpec(std::string("xfr.example.:") + v.algorithm + ":" + v.secret);
  EXPECT_TRUE(k.ok()) << k.status();
  return *k;
}

std::shared_ptr<const KeyRing> Ring(const Key& k) { return *KeyRing::Create({k}); }

// The message without its TSIG RR (ARCOUNT one less).
std::string Strip(const std::string& msg) {
  TsigRecord rec;
  EXPECT_EQ(FindTsig(U(msg), msg.size(), &rec), FindResult::kFound);
  std::string out = msg.substr(0, rec.offset);
  const uint16_t ar = static_cast<uint16_t>(((uint8_t)out[10] << 8 | (uint8_t)out[11]) - 1);
  out[10] = static_cast<char>(ar >> 8);
  out[11] = static_cast<char>(ar);
  return out;
}

// Rewrites the TSIG RR of `msg` with `edit` applied to its fields.
template <typename Edit>
std::string Rewrite(const std::string& msg, Edit edit) {
  TsigRecord rec;
  EXPECT_EQ(FindTsig(U(msg), msg.size(), &rec), FindResult::kFound);
  std::string mac(reinterpret_cast<const char*>(rec.mac), rec.mac_size);
  std::string other(reinterpret_cast<const char*>(rec.other), rec.other_size);
  std::string key_name(rec.key_name.wire());
  uint64_t time = rec.time_signed;
  edit(key_name, time, mac, other);
  std::string out = Strip(msg);
  std::string rdata(rec.algorithm.wire());
  auto put16 = [](std::string& s, uint16_t v) { s += static_cast<char>(v >> 8); s += static_cast<char>(v); };
  for (int i = 0; i < 6; ++i) rdata += static_cast<char>(time >> (40 - 8 * i));
  put16(rdata, rec.fudge);
  put16(rdata, static_cast<uint16_t>(mac.size()));
  rdata += mac;
  put16(rdata, rec.original_id);
  put16(rdata, rec.error);
  put16(rdata, static_cast<uint16_t>(other.size()));
  rdata += other;
  out += key_name;
  put16(out, 250);
  put16(out, 255);
  out += std::string(4, '\0');
  put16(out, static_cast<uint16_t>(rdata.size()));
  out += rdata;
  out[11] = static_cast<char>(out[11] + 1);
  return out;
}

class TsigVectors : public ::testing::TestWithParam<Vector> {};

TEST_P(TsigVectors, VerifiesDnspythonQuery) {
  const Vector& v = GetParam();
  Key key = VectorKey(v);
  auto ring = Ring(key);
  TsigRecord rec;
  ASSERT_EQ(FindTsig(U(v.query), v.query.size(), &rec), FindResult::kFound);
  ServerContext ctx;
  EXPECT_EQ(VerifyRequest(ring.get(), U(v.query), v.query.size(), rec.offset, v.now, &ctx),
            VerifyStatus::kOk);
  EXPECT_EQ(ctx.key, &ring->keys()[0]);
  EXPECT_EQ(ctx.request_mac_size, DigestSize(key.algorithm));
}

TEST_P(TsigVectors, SignsQueryAsDnspython) {
  const Vector& v = GetParam();
  ClientTransaction client(VectorKey(v));
  std::string q = Strip(v.query);
  ASSERT_TRUE(client.SignRequest(&q, v.now).ok());
  EXPECT_EQ(q, v.query);
  // ... and verifies dnspython's response to it.
  EXPECT_TRUE(client.VerifyResponse(v.response, v.now).ok());
  EXPECT_TRUE(client.Finish().ok());
}

TEST_P(TsigVectors, SignsResponseAsDnspython) {
  const Vector& v = GetParam();
  auto ring = Ring(VectorKey(v));
  TsigRecord rec;
  ASSERT_EQ(FindTsig(U(v.query), v.query.size(), &rec), FindResult::kFound);
  ServerContext ctx;
  ASSERT_EQ(VerifyRequest(ring.get(), U(v.query), v.query.size(), rec.offset, v.now, &ctx),
            VerifyStatus::kOk);
  std::string r = Strip(v.response);
  const size_t len = r.size();
  r.resize(len + ResponseTsigSize(ctx));
  const size_t n = SignResponse(ctx, reinterpret_cast<uint8_t*>(r.data()), len, r.size(), v.now);
  ASSERT_EQ(n, r.size());
  EXPECT_EQ(r, v.response);
}

TEST_P(TsigVectors, SignsStreamAsDnspythonAndVerifiesIt) {
  const Vector& v = GetParam();
  auto ring = Ring(VectorKey(v));
  TsigRecord rec;
  ASSERT_EQ(FindTsig(U(v.query), v.query.size(), &rec), FindResult::kFound);
  ServerContext ctx;
  ASSERT_EQ(VerifyRequest(ring.get(), U(v.query), v.query.size(), rec.offset, v.now, &ctx),
            VerifyStatus::kOk);
  ResponseStreamSigner signer(ctx);
  for (const std::string& want : v.stream) {
    std::string m = Strip(want);
    const size_t len = m.size();
    m.resize(len + signer.TsigSize());
    ASSERT_EQ(signer.Sign(reinterpret_cast<uint8_t*>(m.data()), len, m.size(), v.now), m.size());
    EXPECT_EQ(m, want);
  }
  // The client side of the same stream.
  ClientTransaction client(VectorKey(v));
  std::string q = Strip(v.query);
  ASSERT_TRUE(client.SignRequest(&q, v.now).ok());
  for (const std::string& m : v.stream) EXPECT_TRUE(client.VerifyResponse(m, v.now).ok());
  EXPECT_TRUE(client.Finish().ok());
  // Out of order: the chain breaks.
  ClientTransaction reordered(VectorKey(v));
  q = Strip(v.query);
  ASSERT_TRUE(reordered.SignRequest(&q, v.now).ok());
  EXPECT_TRUE(reordered.VerifyResponse(v.stream[0], v.now).ok());
  EXPECT_EQ(reordered.VerifyResponse(v.stream[2], v.now).message(), "TSIG: BADSIG");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, TsigVectors, ::testing::ValuesIn(kVectors),
                         [](const auto& info) {
                           std::string n = info.param.algorithm;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

// ---- failure cases (RFC 8945 §5.2), on the hmac-sha256 vector ----

const Vector& Sha256() {
  for (const Vector& v : kVectors) {
    if (std::string(v.algorithm) == "hmac-sha256") return v;
  }
  return kVectors[0];
}

VerifyStatus VerifyWith(const KeyRing* ring, const std::string& q, int64_t now,
                        ServerContext* ctx) {
  TsigRecord rec;
  if (FindTsig(U(q), q.size(), &rec) != FindResult::kFound) return VerifyStatus::kFormErr;
  return VerifyRequest(ring, U(q), q.size(), rec.offset, now, ctx);
}

TEST(TsigFailures, UnknownKeyIsBadKeyAndTheReplyIsUnsigned) {
  const Vector& v = Sha256();
  auto other = ParseKeySpec(std::string("other.example.:hmac-sha256:") + v.secret);
  auto ring = *KeyRing::Create({*other});
  ServerContext ctx;
  EXPECT_EQ(VerifyWith(ring.get(), v.query, v.now, &ctx), VerifyStatus::kBadKey);
  EXPECT_EQ(VerifyWith(nullptr, v.query, v.now, &ctx), VerifyStatus::kBadKey);
  EXPECT_EQ(ctx.Rcode(), kRcodeNotAuth);
  // §5.3.2: the reply's TSIG has MAC size 0, error BADKEY, the key echoed.
  std::string r = Strip(v.response);
  const size_t len = r.size();
  r.resize(len + ResponseTsigSize(ctx));
  ASSERT_EQ(SignResponse(ctx, reinterpret_cast<uint8_t*>(r.data()), len, r.size(), v.now), r.size());
  TsigRecord rec;
  ASSERT_EQ(FindTsig(U(r), r.size(), &rec), FindResult::kFound);
  EXPECT_EQ(rec.mac_size, 0);
  EXPECT_EQ(rec.error, 17);
  EXPECT_EQ(rec.key_name.ToText(), "xfr.example.");
  // The client reports it.
  ClientTransaction client(VectorKey(v));
  std::string q = Strip(v.query);
  ASSERT_TRUE(client.SignRequest(&q, v.now).ok());
  EXPECT_EQ(client.VerifyResponse(r, v.now).message(), "TSIG: error BADKEY from the server");
}

TEST(TsigFailures, AlgorithmNotTheKeysIsBadKey) {
  const Vector& v = Sha256();
  auto k = ParseKeySpec(std::string("xfr.example.:hmac-sha512:") + v.secret);
  ServerContext ctx;
  EXPECT_EQ(VerifyWith(Ring(*k).get(), v.query, v.now, &ctx), VerifyStatus::kBadKey);
}

TEST(TsigFailures, WrongSecretOrChangedMessageIsBadSig) {
  const Vector& v = Sha256();
  auto k = ParseKeySpec("xfr.example.:hmac-sha256:c2VjcmV0");
  ServerContext ctx;
  EXPECT_EQ(VerifyWith(Ring(*k).get(), v.query, v.now, &ctx), VerifyStatus::kBadSig);
  EXPECT_EQ(ctx.request_mac_size, 0);
  EXPECT_EQ(ResponseTsigSize(ctx), 13u + 10 + 13 + 16);  // unsigned
  std::string changed = v.query;
  changed[13] = 'W';  // www -> Www: the MAC covers the case as sent
  EXPECT_EQ(VerifyWith(Ring(VectorKey(v)).get(), changed, v.now, &ctx), VerifyStatus::kBadSig);
}

TEST(TsigFailures, OutOfFudgeIsBadTimeAndTheReplyCarriesOurTime) {
  const Vector& v = Sha256();
  auto ring = Ring(VectorKey(v));
  ServerContext ctx;
  EXPECT_EQ(VerifyWith(ring.get(), v.query, v.now + 300, &ctx), VerifyStatus::kOk);
  EXPECT_EQ(VerifyWith(ring.get(), v.query, v.now - 300, &ctx), VerifyStatus::kOk);
  EXPECT_EQ(VerifyWith(ring.get(), v.query, v.now + 301, &ctx), VerifyStatus::kBadTime);
  std::string r = Strip(v.response);
  const size_t len = r.size();
  r.resize(len + ResponseTsigSize(ctx));
  ASSERT_EQ(SignResponse(ctx, reinterpret_cast<uint8_t*>(r.data()), len, r.size(), v.now + 301),
            r.size());
  TsigRecord rec;
  ASSERT_EQ(FindTsig(U(r), r.size(), &rec), FindResult::kFound);
  EXPECT_EQ(rec.error, 18);
  EXPECT_EQ(rec.time_signed, static_cast<uint64_t>(v.now));  // the request's
  ASSERT_EQ(rec.other_size, 6);
  uint64_t other = 0;
  for (int i = 0; i < 6; ++i) other = other << 8 | rec.other[i];
  EXPECT_EQ(other, static_cast<uint64_t>(v.now + 301));
  EXPECT_EQ(rec.mac_size, 32);  // signed
  ClientTransaction client(VectorKey(v));
  std::string q = Strip(v.query);
  ASSERT_TRUE(client.SignRequest(&q, v.now).ok());
  EXPECT_EQ(client.VerifyResponse(r, v.now).message(), "TSIG: error BADTIME from the server");
}

TEST(TsigFailures, TruncatedMac) {
  const Vector& v = Sha256();
  auto ring = Ring(VectorKey(v));
  ServerContext ctx;
  // 16 of 32 octets: allowed by §5.2.2.1, below our default policy.
  const std::string half = Rewrite(v.query, [](auto&, auto&, std::string& mac, auto&) { mac.resize(16); });
  EXPECT_EQ(VerifyWith(ring.get(), half, v.now, &ctx), VerifyStatus::kBadTrunc);
  EXPECT_EQ(ctx.Rcode(), kRcodeNotAuth);
  EXPECT_EQ(ctx.Error(), TsigError::kBadTrunc);
  Key lenient = VectorKey(v);
  lenient.min_mac_size = 16;
  EXPECT_EQ(VerifyWith(Ring(lenient).get(), half, v.now, &ctx), VerifyStatus::kOk);
  // 15 < half the digest, 9 < 10, 33 > the digest: FORMERR.
  for (size_t n : {15u, 9u, 0u}) {
    const std::string cut = Rewrite(v.query, [n](auto&, auto&, std::string& mac, auto&) { mac.resize(n); });
    EXPECT_EQ(VerifyWith(Ring(lenient).get(), cut, v.now, &ctx), VerifyStatus::kFormErr) << n;
  }
  const std::string longer = Rewrite(v.query, [](auto&, auto&, std::string& mac, auto&) { mac += 'x'; });
  EXPECT_EQ(VerifyWith(ring.get(), longer, v.now, &ctx), VerifyStatus::kFormErr);
  // A wrong truncated MAC is still BADSIG.
  const std::string wrong = Rewrite(v.query, [](auto&, auto&, std::string& mac, auto&) {
    mac.resize(16);
    mac[15] ^= 1;
  });
  EXPECT_EQ(VerifyWith(Ring(lenient).get(), wrong, v.now, &ctx), VerifyStatus::kBadSig);
}

TEST(TsigFailures, NotLastOrTwiceOrMalformed) {
  const Vector& v = Sha256();
  TsigRecord rec;
  // An A record after the TSIG in the additional section.
  std::string after = v.query + std::string("\0\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 15);
  after[11] = static_cast<char>(after[11] + 1);
  EXPECT_EQ(FindTsig(U(after), after.size(), &rec), FindResult::kNotLast);
  // Two TSIG RRs.
  std::string twice = v.query + v.query.substr(Strip(v.query).size());
  twice[11] = static_cast<char>(twice[11] + 1);
  EXPECT_EQ(FindTsig(U(twice), twice.size(), &rec), FindResult::kNotLast);
  // The TSIG in the answer section (ANCOUNT 1, ARCOUNT 0).
  std::string in_answer = v.query;
  in_answer[7] = 1;
  in_answer[11] = 0;
  EXPECT_EQ(FindTsig(U(in_answer), in_answer.size(), &rec), FindResult::kNotLast);
  // Garbage RDATA: one octet short, and the class not ANY.
  std::string shorter = v.query.substr(0, v.query.size() - 1);
  EXPECT_EQ(FindTsig(U(shorter), shorter.size(), &rec), FindResult::kMalformed);
  const size_t off = Strip(v.query).size();
  std::string bad_len = v.query;
  bad_len[off + 13 + 8 + 1] = static_cast<char>(bad_len[off + 13 + 8 + 1] - 1);  // RDLENGTH - 1
  bad_len.pop_back();
  EXPECT_EQ(FindTsig(U(bad_len), bad_len.size(), &rec), FindResult::kMalformed);
  std::string bad_class = v.query;
  bad_class[off + 13 + 3] = 1;
  EXPECT_EQ(FindTsig(U(bad_class), bad_class.size(), &rec), FindResult::kMalformed);
  ServerContext ctx;
  EXPECT_EQ(VerifyRequest(Ring(VectorKey(v)).get(), U(bad_class), bad_class.size(), off, v.now, &ctx),
            VerifyStatus::kFormErr);
  EXPECT_EQ(ctx.Rcode(), 1);
  EXPECT_EQ(FindTsig(U(Strip(v.query)), off, &rec), FindResult::kAbsent);
}

TEST(TsigClient, UnsignedFirstResponseOrLastMessageIsRefused) {
  const Vector& v = Sha256();
  ClientTransaction client(VectorKey(v));
  std::string q = Strip(v.query);
  ASSERT_TRUE(client.SignRequest(&q, v.now).ok());
  EXPECT_EQ(client.VerifyResponse(Strip(v.response), v.now).message(), "TSIG: unsigned response");
  ClientTransaction stream(VectorKey(v));
  q = Strip(v.query);
  ASSERT_TRUE(stream.SignRequest(&q, v.now).ok());
  EXPECT_TRUE(stream.VerifyResponse(v.stream[0], v.now).ok());
  EXPECT_TRUE(stream.VerifyResponse(Strip(v.stream[1]), v.now).ok());  // unsigned: allowed
  EXPECT_FALSE(stream.Finish().ok());
  // The next signed message's MAC covers a different middle: BADSIG.
  EXPECT_FALSE(stream.VerifyResponse(v.stream[2], v.now).ok());
  // Time is checked on responses too.
  ClientTransaction late(VectorKey(v));
  q = Strip(v.query);
  ASSERT_TRUE(late.SignRequest(&q, v.now).ok());
  EXPECT_EQ(late.VerifyResponse(v.response, v.now + 1000).message(), "TSIG: BADTIME");
}

// ---- ldns as the other side ----

struct LdnsAlg {
  const char* ours;
  const char* ldns;
};
constexpr LdnsAlg kLdnsAlgs[] = {{"hmac-md5", "hmac-md5.sig-alg.reg.int."},
                                 {"hmac-sha1", "hmac-sha1."},
                                 {"hmac-sha256", "hmac-sha256."},
                                 {"hmac-sha384", "hmac-sha384."},
                                 {"hmac-sha512", "hmac-sha512."}};

TEST(TsigLdns, LdnsSignedRequestVerifiesAndOurResponseVerifiesInLdns) {
  const char* secret = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
  for (const LdnsAlg& a : kLdnsAlgs) {
    SCOPED_TRACE(a.ours);
    auto key = ParseKeySpec(std::string("xfr.example.:") + a.ours + ":" + secret);
    auto ring = Ring(*key);
    ldns_rdf* qname = ldns_dname_new_frm_str("www.example.com.");
    ldns_pkt* q = ldns_pkt_query_new(qname, LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0);
    ldns_pkt_set_id(q, 77);
    const ldns_status signed_status = ldns_pkt_tsig_sign(q, "xfr.example.", secret, 300, a.ldns, nullptr);
    if (signed_status != LDNS_STATUS_OK && std::string(a.ours) != "hmac-sha256") {
      // This ldns build lacks the algorithm (Debian's has no hmac-sha384).
      ldns_pkt_free(q);
      continue;
    }
    ASSERT_EQ(signed_status, LDNS_STATUS_OK);
    uint8_t* wire = nullptr;
    size_t len = 0;
    ASSERT_EQ(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
    TsigRecord rec;
    ASSERT_EQ(FindTsig(wire, len, &rec), FindResult::kFound);
    ServerContext ctx;
    EXPECT_EQ(VerifyRequest(ring.get(), wire, len, rec.offset, time(nullptr), &ctx), VerifyStatus::kOk);
    // Our response (the query echoed with QR) signed; ldns verifies it.
    std::vector<uint8_t> r(wire, wire + rec.offset);
    r[2] |= 0x80;
    r[11] = 0;
    const std::vector<uint8_t> unsigned_response = r;
    const size_t rlen = r.size();
    r.resize(rlen + ResponseTsigSize(ctx));
    ASSERT_EQ(SignResponse(ctx, r.data(), rlen, r.size(), time(nullptr)), r.size());
    ldns_pkt* rp = nullptr;
    ASSERT_EQ(ldns_wire2pkt(&rp, r.data(), r.size()), LDNS_STATUS_OK);
    ldns_rdf* qmac = ldns_rr_rdf(ldns_pkt_tsig(q), 3);
    EXPECT_TRUE(ldns_pkt_tsig_verify(rp, r.data(), r.size(), "xfr.example.", secret, qmac));
    // A second message of a stream, timers only (ldns's _next).
    ResponseStreamSigner signer(ctx);
    std::vector<uint8_t> m1 = unsigned_response, m2 = m1;
    m1.resize(rlen + signer.TsigSize());
    ASSERT_EQ(signer.Sign(m1.data(), rlen, m1.size(), time(nullptr)), m1.size());
    m2.resize(rlen + signer.TsigSize());
    ASSERT_EQ(signer.Sign(m2.data(), rlen, m2.size(), time(nullptr)), m2.size());
    ldns_pkt* p1 = nullptr;
    ldns_pkt* p2 = nullptr;
    ASSERT_EQ(ldns_wire2pkt(&p1, m1.data(), m1.size()), LDNS_STATUS_OK);
    ASSERT_EQ(ldns_wire2pkt(&p2, m2.data(), m2.size()), LDNS_STATUS_OK);
    EXPECT_TRUE(ldns_pkt_tsig_verify_next(p1, m1.data(), m1.size(), "xfr.example.", secret, qmac, 0));
    ldns_rdf* mac1 = ldns_rr_rdf(ldns_pkt_tsig(p1), 3);
    EXPECT_TRUE(ldns_pkt_tsig_verify_next(p2, m2.data(), m2.size(), "xfr.example.", secret, mac1, 1));
    ldns_pkt_free(p1);
    ldns_pkt_free(p2);
    ldns_pkt_free(rp);
    free(wire);
    ldns_pkt_free(q);
  }
}

}  // namespace
}  // namespace dns::tsig
