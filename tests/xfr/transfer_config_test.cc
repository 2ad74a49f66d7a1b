#include "dns/xfr/transfer_config.h"

#include "gtest/gtest.h"

namespace dns::xfr {
namespace {

geo::Address A(const char* s) { return *geo::Address::Parse(s); }

TEST(AclEntryTest, ParsesPrefixesAddressesAndKeys) {
  absl::StatusOr<AclEntry> e = ParseAclEntry("10.0.0.0/8");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->prefix.ToString(), "10.0.0.0/8");
  EXPECT_EQ(e->key, "");

  e = ParseAclEntry("127.0.0.1:XFR-Key");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->prefix.ToString(), "127.0.0.1/32");
  EXPECT_EQ(e->key, "xfr-key.");

  e = ParseAclEntry("2001:db8::/32:xfr");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->prefix.ToString(), "2001:db8::/32");
  EXPECT_EQ(e->key, "xfr.");

  e = ParseAclEntry("[::1]:xfr");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->prefix.ToString(), "::1/128");
  EXPECT_EQ(e->key, "xfr.");

  e = ParseAclEntry("::1");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->key, "");
}

TEST(AclEntryTest, RefusesBadEntries) {
  for (const char* bad : {"", "10.0.0.0/33", "10.1.2.3/8", "nonsense", "10.0.0.0/8:",
                          "[::1", "[::1]x"}) {
    absl::StatusOr<AclEntry> e = ParseAclEntry(bad);
    EXPECT_FALSE(e.ok()) << bad;
    if (!e.ok()) {
      EXPECT_NE(e.status().message().find(bad), std::string::npos) << e.status();
    }
  }
}

TEST(ZoneTransferPolicyTest, AllowsByPrefixAndKey) {
  ZoneTransferPolicy p;
  p.allow_transfer.push_back(*ParseAclEntry("127.0.0.0/8:k1"));
  p.allow_transfer.push_back(*ParseAclEntry("192.0.2.0/24"));
  EXPECT_EQ(p.Allows(A("127.0.0.1"), ""), nullptr);  // needs k1
  EXPECT_NE(p.Allows(A("127.0.0.1"), "k1."), nullptr);
  EXPECT_EQ(p.Allows(A("127.0.0.1"), "k2."), nullptr);
  EXPECT_NE(p.Allows(A("192.0.2.9"), ""), nullptr);
  EXPECT_NE(p.Allows(A("192.0.2.9"), "k2."), nullptr);  // a keyless entry admits signed
  EXPECT_EQ(p.Allows(A("198.51.100.1"), ""), nullptr);
  EXPECT_EQ(p.Allows(A("::1"), ""), nullptr);
}

TEST(EndpointTest, ParsesAddressPortKey) {
  absl::StatusOr<Endpoint> e = ParseEndpoint("127.0.0.1:5301:xfr");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->HostPort(), "127.0.0.1:5301");
  EXPECT_EQ(e->key, "xfr.");
  e = ParseEndpoint("[::1]:53");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->HostPort(), "[::1]:53");
  EXPECT_EQ(e->key, "");
  for (const char* bad : {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "::1:53",
                          "host.example:53", "[::1]53", "127.0.0.1:53:"})
    EXPECT_FALSE(ParseEndpoint(bad).ok()) << bad;
}

TEST(TransferConfigTest, SecondariesMergeByOriginAndPoliciesAdd) {
  TransferConfig c;
  auto s1 = ParseSecondarySpec("Example.COM=127.0.0.1:5301:k");
  ASSERT_TRUE(s1.ok()) << s1.status();
  EXPECT_EQ(s1->first, "example.com.");
  ASSERT_TRUE(c.AddSecondary(s1->first, s1->second).ok());
  auto s2 = ParseSecondarySpec("example.com.=127.0.0.2:53");
  ASSERT_TRUE(s2.ok());
  ASSERT_TRUE(c.AddSecondary(s2->first, s2->second).ok());
  ASSERT_EQ(c.secondaries.size(), 1u);
  EXPECT_EQ(c.secondaries[0].primaries.size(), 2u);
  EXPECT_NE(c.SecondaryFor(c.secondaries[0].origin_wire), nullptr);
  EXPECT_FALSE(ParseSecondarySpec("=127.0.0.1:53").ok());
  EXPECT_FALSE(ParseSecondarySpec("example.com").ok());

  c.all_zones.allow_transfer.push_back(*ParseAclEntry("10.0.0.0/8"));
  ZoneTransferPolicy z;
  z.allow_transfer.push_back(*ParseAclEntry("192.0.2.0/24"));
  z.transfer_routed = TransferRouted::kRefuse;
  c.per_zone[c.secondaries[0].origin_wire] = z;
  ZoneTransferPolicy p = c.PolicyFor(c.secondaries[0].origin_wire);
  EXPECT_EQ(p.allow_transfer.size(), 2u);
  EXPECT_EQ(p.transfer_routed, TransferRouted::kRefuse);
  EXPECT_EQ(c.PolicyFor(std::string("\3org\0", 5)).allow_transfer.size(), 1u);
}

}  // namespace
}  // namespace dns::xfr
