// File: tests/tsig/keys_test.cc
//
// TSIG keys: the NAME:ALG:BASE64 flag spec, BIND key clauses (by hand and
// as tsig-keygen prints them), the key ring.
#include <cstdio>
#include <string>

#include "dns/tsig/key.h"
#include "gtest/gtest.h"
#include "tests/require.h"

namespace dns::tsig {
namespace {

TEST(TsigKeySpec, Parses) {
  auto k = ParseKeySpec("XFR.Example:hmac-sha256:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->name, "xfr.example.");
  EXPECT_EQ(k->name_wire, std::string("\3xfr\7example\0", 13));
  EXPECT_EQ(k->algorithm, Algorithm::kHmacSha256);
  EXPECT_EQ(k->secret.size(), 32u);
  EXPECT_EQ(k->secret[0], 1);
  for (const char* alg : {"hmac-md5", "hmac-sha1", "HMAC-SHA224", "hmac-sha384.", "hmac-sha512",
                          "hmac-md5.sig-alg.reg.int"}) {
    EXPECT_TRUE(ParseKeySpec(std::string("k.:") + alg + ":c2VjcmV0").ok()) << alg;
  }
}

TEST(TsigKeySpec, Errors) {
  EXPECT_NE(ParseKeySpec("k.:hmac-sha256").status().message().find("NAME:ALGORITHM:BASE64SECRET"),
            std::string::npos);
  EXPECT_NE(ParseKeySpec("k.:hmac-sha3:c2VjcmV0").status().message().find("unknown algorithm 'hmac-sha3'"),
            std::string::npos);
  auto bad = ParseKeySpec("k.:hmac-sha256:not*base64");
  EXPECT_NE(bad.status().message().find("not valid base64"), std::string::npos) << bad.status();
  EXPECT_EQ(bad.status().message().find("not*base64"), std::string::npos) << "never echo the secret";
  EXPECT_FALSE(ParseKeySpec(":hmac-sha256:c2VjcmV0").ok());
  EXPECT_FALSE(ParseKeySpec("k.:hmac-sha256:").ok());
}

TEST(TsigBindKeys, SeveralWithComments) {
  const char* text = R"(# made by tsig-keygen
key "xfr.example" {
	algorithm hmac-sha256;
	secret "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
};
// another
/* a
   block */ key other.example. { secret "c2VjcmV0"; algorithm HMAC-SHA512; };
)";
  auto keys = ParseBindKeys(text, "keys.conf");
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].name, "xfr.example.");
  EXPECT_EQ((*keys)[0].algorithm, Algorithm::kHmacSha256);
  EXPECT_EQ((*keys)[1].name, "other.example.");
  EXPECT_EQ((*keys)[1].algorithm, Algorithm::kHmacSha512);
  EXPECT_EQ((*keys)[1].secret, "secret");
}

TEST(TsigBindKeys, ErrorsNameFileAndLine) {
  auto e = [](const char* text) { return std::string(ParseBindKeys(text, "k.conf").status().message()); };
  EXPECT_EQ(e("key \"a\" {\n algorithm hmac-sha256;\n secret \"c2VjcmV0\";\n}\n"),
            "k.conf:5: expected ';' after '}', found the end of the file");
  EXPECT_EQ(e("\n\noptions { };"), "k.conf:3: expected 'key', found 'options' (only key clauses are read)");
  EXPECT_EQ(e("key a {\n algorithm hmac-sha9;\n secret \"c2VjcmV0\"; };"),
            "k.conf:2: key \"a\": unknown algorithm 'hmac-sha9'");
  EXPECT_EQ(e("key a {\n algorithm hmac-sha1;\n secret \"!!\"; };"),
            "k.conf:3: key \"a\": the secret is not valid base64");
  EXPECT_EQ(e("key a {\n algorithm hmac-sha1; };"), "k.conf:1: key \"a\": no secret");
  EXPECT_EQ(e("key a { algorithm hmac-sha1; secret \"c2VjcmV0\"; };\nkey A. { algorithm hmac-sha1; secret \"c2VjcmV0\"; };"),
            "k.conf:2: duplicate TSIG key 'a.'");
  EXPECT_EQ(e("key a {\n  algo hmac-sha1; };"), "k.conf:2: key \"a\": unknown field 'algo' (algorithm, secret)");
  EXPECT_EQ(e("key a { /* open"), "k.conf:1: unterminated /* comment");
}

// What tsig-keygen prints (bind9-utils) reads back.
TEST(TsigBindKeys, TsigKeygenOutput) {
  FILE* p = popen("tsig-keygen -a hmac-sha384 xfr.example 2>/dev/null; "
                  "tsig-keygen -a hmac-sha1 second.example 2>/dev/null", "r");
  std::string out;
  if (p != nullptr) {
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  STEER_REQUIRE(!out.empty(), "tsig-keygen (bind9-utils) is not installed");
  auto keys = ParseBindKeys(out, "tsig-keygen");
  ASSERT_TRUE(keys.ok()) << keys.status() << "\n" << out;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].algorithm, Algorithm::kHmacSha384);
  EXPECT_EQ((*keys)[0].secret.size(), 48u);
  EXPECT_EQ((*keys)[1].algorithm, Algorithm::kHmacSha1);
}

TEST(TsigKeyRing, FindsByWireNameAndRefusesDuplicates) {
  auto a = ParseKeySpec("a.example:hmac-sha256:c2VjcmV0");
  auto b = ParseKeySpec("B.example:hmac-sha1:c2VjcmV0");
  auto ring = KeyRing::Create({*a, *b});
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ((*ring)->Find(std::string("\1b\7example\0", 11)), &(*ring)->keys()[1]);
  EXPECT_EQ((*ring)->Find(std::string("\1c\7example\0", 11)), nullptr);
  auto dup = KeyRing::Create({*a, *ParseKeySpec("A.EXAMPLE.:hmac-sha512:c2VjcmV0")});
  EXPECT_EQ(dup.status().message(), "duplicate TSIG key 'a.example.'");
}

}  // namespace
}  // namespace dns::tsig
