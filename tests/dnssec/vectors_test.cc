// The published examples, byte for byte: RFC 5155 Appendix A (NSEC3
// hashes), RFC 4034 §4.3 (type bitmap) and Appendix B (key tag), RFC 6605
// §6.1 (ECDSA P-256: key tag, DS, the RFC's RRSIG verifies, the private key
// gives the public key) and RFC 8080 §6.1 with erratum 4935 (Ed25519:
// deterministic, so our signatures must equal the RFC's).
#include <string>
#include <vector>

#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/canonical.h"
#include "dns/dnssec/ds.h"
#include "dns/dnssec/keys.h"
#include "dns/dnssec/nsec.h"
#include "dns/dnssec/signer.h"
#include "dns/wire/name.h"
#include "gtest/gtest.h"
#include "tests/dnssec/dnssec_test_util.h"

namespace {

using namespace dns::dnssec;  // NOLINT
using steer_test::Base64Decode;
using steer_test::ParseRr;
using steer_test::WireRr;

std::string Wire(const std::string& text) {
  std::string w;
  EXPECT_TRUE(dns::NameFromText(text, &w)) << text;
  return w;
}

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

TEST(Nsec3HashTest, Rfc5155AppendixA) {
  const std::vector<std::pair<std::string, std::string>> kHashes = {
      {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},
      {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
      {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},
      {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
      {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},
      {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
      {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
      {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
      {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},
      {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
      {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},
      {"c.x.w.example.", "0va5bpr2ou0vk0lbqeeljri88laipsfh"},
      {"*.x.w.example.", "92pqneegtaue7pjatc3l3qnk738c6v5m"},
  };
  const std::string salt("\xaa\xbb\xcc\xdd", 4);
  for (const auto& [name, expected] : kHashes) {
    uint8_t h[kNsec3HashLength];
    ASSERT_TRUE(Nsec3Hash(Wire(name), salt, 12, h)) << name;
    char label[kNsec3LabelLength];
    ASSERT_EQ(Base32HexEncode(h, sizeof h, label), kNsec3LabelLength);
    EXPECT_EQ(std::string(label, sizeof label), expected) << name;
    std::string back;
    ASSERT_TRUE(Base32HexDecode(expected, &back));
    EXPECT_EQ(back, std::string(reinterpret_cast<char*>(h), sizeof h));
  }
  // The hash is over the canonical (lower-cased) name.
  uint8_t upper[kNsec3HashLength], lower[kNsec3HashLength];
  ASSERT_TRUE(Nsec3Hash(Wire("X.W.Example."), salt, 12, upper));
  ASSERT_TRUE(Nsec3Hash(Wire("x.w.example."), salt, 12, lower));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(upper), 20), std::string(reinterpret_cast<char*>(lower), 20));
  uint8_t h[kNsec3HashLength];
  EXPECT_FALSE(Nsec3Hash(std::string("\x05" "ab", 3), salt, 1, h));
}

TEST(Nsec3HashTest, AgreesWithLdns) {
  const std::vector<std::string> names = {"example.com.", "www.Example.COM.", "a.b.c.d.e.",
                                          ".", "*.wild.example.net.", "xn--bcher-kva.example."};
  struct Param {
    std::string salt;
    uint16_t iterations;
  };
  const std::vector<Param> params = {{"", 0}, {"", 1}, {std::string("\xab\xcd", 2), 10},
                                     {std::string(255, '\x5a'), 3}};
  for (const std::string& n : names) {
    for (const Param& p : params) {
      ldns_rdf* name = ldns_dname_new_frm_str(n.c_str());
      ldns_rdf* hashed = ldns_nsec3_hash_name(name, 1, p.iterations,
                                              static_cast<uint8_t>(p.salt.size()),
                                              reinterpret_cast<uint8_t*>(const_cast<char*>(p.salt.data())));
      char* text = ldns_rdf2str(hashed);
      std::string ldns_label = text;  // "<label>." as a one-label name
      free(text);
      ldns_rdf_deep_free(hashed);
      ldns_rdf_deep_free(name);
      ldns_label = ldns_label.substr(0, ldns_label.find('.'));
      uint8_t h[kNsec3HashLength];
      ASSERT_TRUE(Nsec3Hash(Wire(n), p.salt, p.iterations, h));
      char label[kNsec3LabelLength];
      Base32HexEncode(h, sizeof h, label);
      EXPECT_EQ(std::string(label, sizeof label), ldns_label) << n << " iterations " << p.iterations;
    }
  }
}

TEST(TypeBitmapTest, Rfc4034Section4_3) {
  // alfa.example.com. NSEC host.example.com. ( A MX RRSIG NSEC TYPE1234 )
  const uint8_t expected[] = {0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03,
                              0x04, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x20};
  const uint16_t types[] = {1234, 47, 1, 46, 15, 1};  // any order, duplicates
  uint8_t out[kMaxTypeBitmapLength];
  const size_t n = EncodeTypeBitmap(types, out, sizeof out);
  ASSERT_EQ(n, sizeof expected);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), n),
            std::string(reinterpret_cast<const char*>(expected), sizeof expected));
  // Too small a buffer: 0, nothing promised about the octets.
  EXPECT_EQ(EncodeTypeBitmap(types, out, sizeof expected - 1), 0u);
  EXPECT_EQ(EncodeTypeBitmap({}, out, sizeof out), 0u);
}

TEST(TypeBitmapTest, AgreesWithLdns) {
  const std::vector<std::vector<uint16_t>> sets = {
      {1}, {2, 6, 15, 16, 28, 46, 47, 48}, {65535}, {255, 256, 257, 32768, 1}, {64, 65, 99, 5},
  };
  for (const auto& set : sets) {
    std::vector<ldns_rr_type> ldns_types;
    for (uint16_t t : set) ldns_types.push_back(static_cast<ldns_rr_type>(t));
    ldns_rdf* bitmap = ldns_dnssec_create_nsec_bitmap(ldns_types.data(), ldns_types.size(),
                                                      LDNS_RR_TYPE_NSEC);
    std::string ours;
    AppendTypeBitmap(set, &ours);
    EXPECT_EQ(Hex(ours), Hex(std::string(reinterpret_cast<char*>(ldns_rdf_data(bitmap)),
                                         ldns_rdf_size(bitmap))));
    ldns_rdf_deep_free(bitmap);
  }
}

// RFC 4034 Appendix B's algorithm against the tags of the examples.
TEST(KeyTagTest, RfcExamples) {
  WireRr k6605 = ParseRr(
      "example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb"
      "krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==");
  EXPECT_EQ(KeyTag(k6605.rdata), 55648);
  WireRr k8080a = ParseRr("example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
  EXPECT_EQ(KeyTag(k8080a.rdata), 3613);
  WireRr k8080b = ParseRr("example.com. 3600 IN DNSKEY 257 3 15 zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=");
  EXPECT_EQ(KeyTag(k8080b.rdata), 35217);
  // RFC 4034 §5.4's DS names the key of §2.3 (RSA/SHA-1) by tag 60485.
  WireRr k4034 = ParseRr(
      "dskey.example.com. 86400 IN DNSKEY 256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/"
      "2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
      "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==");
  EXPECT_EQ(KeyTag(k4034.rdata), 60485);
}

TEST(DsTest, Rfc6605AndRfc8080AndRfc4034) {
  WireRr k = ParseRr(
      "example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb"
      "krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==");
  auto ds = DsRdata(k.owner, k.rdata, digest_type::kSha256);
  ASSERT_TRUE(ds.ok()) << ds.status();
  EXPECT_EQ(DsText(k.owner, *ds),
            "example.net.\tIN\tDS\t55648 13 2 "
            "B4C8C1FE2E7477127B27115656AD6256F424625BF5C1E2770CE6D6E37DF61D17");
  // RFC 6605 §6.2: the SHA-384 DS of its P-384 key (we do not sign with
  // P-384, but a DS is a digest over any DNSKEY).
  WireRr k384 = ParseRr(
      "example.net. 3600 IN DNSKEY 257 3 14 xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/eg"
      "sXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40");
  auto ds384 = DsRdata(k384.owner, k384.rdata, digest_type::kSha384);
  ASSERT_TRUE(ds384.ok());
  EXPECT_EQ(Hex(ds384->substr(4)),
            "72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0563a9b5f4d288405c3008a946df983d6");
  EXPECT_EQ(Hex(ds384->substr(0, 4)), Hex(std::string("\x2a\x13\x0e\x04", 4)));  // 10771 14 4

  WireRr e1 = ParseRr("example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
  auto d1 = DsRdata(e1.owner, e1.rdata, digest_type::kSha256);
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(Hex(d1->substr(4)), "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b");
  WireRr e2 = ParseRr("example.com. 3600 IN DNSKEY 257 3 15 zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=");
  auto d2 = DsRdata(e2.owner, e2.rdata, digest_type::kSha256);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(Hex(d2->substr(4)), "401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c");

  // RFC 4034 §5.4: dskey.example.com. DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118,
  // over an owner given in upper case (the digest is over the canonical owner).
  WireRr k4034 = ParseRr(
      "DSKEY.Example.COM. 86400 IN DNSKEY 256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/"
      "2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
      "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==");
  auto d3 = DsRdata(k4034.owner, k4034.rdata, digest_type::kSha1);
  ASSERT_TRUE(d3.ok());
  EXPECT_EQ(DsText(k4034.owner, *d3),
            "dskey.example.com.\tIN\tDS\t60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118");
  EXPECT_FALSE(DsRdata(e1.owner, e1.rdata, 3).ok());
}

TEST(Rfc6605Test, PrivateKeyGivesThePublicKeyAndTheRfcSignatureVerifies) {
  KeyTiming timing;
  auto priv = PrivateKey::Parse(
      "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
      "PrivateKey: GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=\n",
      &timing);
  ASSERT_TRUE(priv.ok()) << priv.status();
  WireRr key = ParseRr(
      "example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb"
      "krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==");
  EXPECT_EQ((*priv)->public_key(), key.rdata.substr(4));

  WireRr a = ParseRr("www.example.net. 3600 IN A 192.0.2.1");
  WireRr sig = ParseRr(
      "www.example.net. 3600 IN RRSIG A 13 3 3600 20100909100439 20100812100439 55648 example.net. "
      "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==");
  auto pub = PublicKey::FromDnskey(key.owner, key.rdata);
  ASSERT_TRUE(pub.ok()) << pub.status();
  const std::string_view rdatas[] = {a.rdata};
  RrsetView rrset{a.owner, a.type, 1, a.ttl, rdatas};
  EXPECT_TRUE(pub->Verify(rrset, sig.rdata).ok()) << pub->Verify(rrset, sig.rdata);

  // One flipped bit in the RDATA, or in the signature: refused.
  std::string other = a.rdata;
  other[3] ^= 1;
  const std::string_view bad_rdatas[] = {other};
  EXPECT_FALSE(pub->Verify({a.owner, a.type, 1, a.ttl, bad_rdatas}, sig.rdata).ok());
  std::string bad_sig = sig.rdata;
  bad_sig.back() ^= 1;
  EXPECT_FALSE(pub->Verify(rrset, bad_sig).ok());

  // Our own signature with the RFC's key verifies under the RFC's DNSKEY.
  KeyPair pair;
  pair.zone = key.owner;
  pair.key_tag = 55648;
  pair.private_key = *priv;
  auto signer = Signer::Create(pair);
  ASSERT_TRUE(signer.ok());
  std::string ours;
  ASSERT_TRUE((*signer)->Sign(rrset, 1281607479, 1284026679, &ours).ok());
  EXPECT_EQ(ours.substr(0, ours.size() - 64), sig.rdata.substr(0, sig.rdata.size() - 64));
  EXPECT_TRUE(pub->Verify(rrset, ours).ok());
}

// RFC 8080 §6.1 (with erratum 4935: Labels 2): Ed25519 is deterministic.
TEST(Rfc8080Test, SignaturesEqualTheRfcs) {
  struct Vector {
    const char* private_key;
    const char* dnskey;
    uint16_t tag;
    const char* signature;
  };
  const Vector kVectors[] = {
      {"ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=", "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
       3613, "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg=="},
      {"DSSF3o0s0f+ElWzj9E/Osxw8hLpk55chkmx0LYN5WiY=", "zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
       35217, "zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg=="},
  };
  WireRr mx = ParseRr("example.com. 3600 IN MX 10 mail.example.com.");
  const std::string_view rdatas[] = {mx.rdata};
  const RrsetView rrset{mx.owner, mx.type, 1, 3600, rdatas};
  for (const Vector& v : kVectors) {
    auto priv = PrivateKey::Parse(std::string("Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\nPrivateKey: ") +
                                      v.private_key + "\n",
                                  nullptr);
    ASSERT_TRUE(priv.ok()) << priv.status();
    EXPECT_EQ(steer_test::Base64Encode((*priv)->public_key()), v.dnskey);
    KeyPair pair;
    pair.zone = mx.owner;
    pair.dnskey.owner = mx.owner;
    pair.dnskey.flags = 257;
    pair.dnskey.algorithm = 15;
    pair.dnskey.public_key = (*priv)->public_key();
    pair.key_tag = pair.dnskey.KeyTag();
    EXPECT_EQ(pair.key_tag, v.tag);
    pair.private_key = *priv;
    auto signer = Signer::Create(pair);
    ASSERT_TRUE(signer.ok());
    std::string rrsig;
    for (int round = 0; round < 3; ++round) {  // the context is reused
      ASSERT_TRUE((*signer)->Sign(rrset, 1438207200, 1440021600, &rrsig).ok());
      RrsigFields f;
      std::string_view signature;
      ASSERT_TRUE(ParseRrsigRdata(rrsig, &f, &signature));
      EXPECT_EQ(f.labels, 2);
      EXPECT_EQ(f.key_tag, v.tag);
      EXPECT_EQ(steer_test::Base64Encode(std::string(signature)), v.signature);
    }
    auto pub = PublicKey::FromDnskey(mx.owner, pair.dnskey.Rdata());
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE(pub->Verify(rrset, rrsig).ok());
  }
}

TEST(EcdsaFormTest, DerAndRawRoundTrip) {
  std::string raw(64, '\0');
  raw[0] = '\x80';  // r needs a leading zero octet in DER
  raw[1] = '\x01';
  raw[33] = '\x7f';  // s has leading zeros to drop
  raw[63] = '\x05';
  std::string der, back;
  ASSERT_TRUE(EcdsaRawToDer(raw, &der));
  EXPECT_EQ(static_cast<uint8_t>(der[2]), 0x02);
  EXPECT_EQ(static_cast<uint8_t>(der[3]), 33);  // 0x00 + 32 octets
  ASSERT_TRUE(EcdsaDerToRaw(der, 32, &back));
  EXPECT_EQ(Hex(back), Hex(raw));
  EXPECT_FALSE(EcdsaDerToRaw("\x30\x01", 32, &back));
}

}  // namespace
