// Tests for geo/address.h: parsing and formatting addresses and prefixes,
// v4-mapped handling, masks.
#include "geo/address.h"

#include <gtest/gtest.h>

#include <string>

namespace geo {
namespace {

Address A(std::string_view text) {
  std::optional<Address> a = Address::Parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(Address());
}

TEST(AddressTest, ParsesAndFormatsIpv4) {
  const Address a = A("198.51.100.7");
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.width(), 32);
  EXPECT_EQ(a.v4(), 0xC6336407u);
  EXPECT_EQ(a.ToString(), "198.51.100.7");
  EXPECT_EQ(a, Address::FromV4(0xC6336407u));
}

TEST(AddressTest, ParsesAndFormatsIpv6) {
  const Address a = A("2001:DB8::1");
  EXPECT_FALSE(a.is_v4());
  EXPECT_EQ(a.width(), 128);
  EXPECT_EQ(a.hi(), 0x20010db800000000ull);
  EXPECT_EQ(a.lo(), 1u);
  EXPECT_EQ(a.ToString(), "2001:db8::1");
}

TEST(AddressTest, V4MappedIsIpv4) {
  const Address mapped = A("::ffff:192.0.2.1");
  EXPECT_TRUE(mapped.is_v4());
  EXPECT_EQ(mapped, A("192.0.2.1"));
  EXPECT_EQ(mapped.ToString(), "192.0.2.1");
  EXPECT_EQ(A("::ffff:c000:201"), A("192.0.2.1"));
  // Not mapped: IPv4-compatible (deprecated) and NAT64 forms stay IPv6.
  EXPECT_FALSE(A("::192.0.2.1").is_v4());
  EXPECT_FALSE(A("64:ff9b::192.0.2.1").is_v4());
  EXPECT_FALSE(A("::").is_v4());
  EXPECT_FALSE(Address().is_v4());
}

TEST(AddressTest, BytesRoundTrip) {
  const uint8_t v4[4] = {203, 0, 113, 9};
  EXPECT_EQ(Address::FromV4Bytes(v4).ToString(), "203.0.113.9");
  uint8_t b[16];
  A("203.0.113.9").ToBytes(b);
  const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
                            203, 0, 113, 9};
  EXPECT_EQ(std::string(b, b + 16), std::string(want, want + 16));
  EXPECT_TRUE(Address::FromV6Bytes(b).is_v4());
  A("2001:db8:1:2:3:4:5:6").ToBytes(b);
  EXPECT_EQ(Address::FromV6Bytes(b), A("2001:db8:1:2:3:4:5:6"));
}

TEST(AddressTest, RejectsNonAddresses) {
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/8",
        "2001:db8::g", "2001:db8:::1", "[::1]", "fe80::1%eth0", " 1.2.3.4",
        "localhost",
        "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc:dddd"}) {
    EXPECT_FALSE(Address::Parse(bad).has_value()) << bad;
  }
}

TEST(AddressTest, Masked) {
  EXPECT_EQ(A("10.1.2.3").Masked(8), A("10.0.0.0"));
  EXPECT_EQ(A("10.1.2.3").Masked(0), A("0.0.0.0"));
  EXPECT_EQ(A("10.1.2.3").Masked(32), A("10.1.2.3"));
  EXPECT_EQ(A("10.1.2.3").Masked(99), A("10.1.2.3"));
  EXPECT_TRUE(A("10.1.2.3").Masked(0).is_v4());
  EXPECT_EQ(A("2001:db8:ffff::1").Masked(36), A("2001:db8:f000::"));
  EXPECT_EQ(A("2001:db8::ffff:1").Masked(100), A("2001:db8::f000:0"));
  EXPECT_EQ(A("2001:db8::ffff:1").Masked(96), A("2001:db8::"));
  EXPECT_EQ(A("2001:db8::ffff:ffff").Masked(127), A("2001:db8::ffff:fffe"));
  EXPECT_EQ(A("2001:db8::1").Masked(0), A("::"));
}

TEST(AddressTest, MaskHelpers) {
  EXPECT_EQ(MaskV4(0), 0u);
  EXPECT_EQ(MaskV4(1), 0x80000000u);
  EXPECT_EQ(MaskV4(24), 0xffffff00u);
  EXPECT_EQ(MaskV4(32), 0xffffffffu);
  EXPECT_EQ(Mask64(0), 0u);
  EXPECT_EQ(Mask64(64), ~uint64_t{0});
  EXPECT_EQ(Mask64(4), 0xf000000000000000ull);
}

struct PrefixCase {
  const char* text;
  const char* want;  // ToString(); nullptr = parse error
  int length;
  bool v4;
};

TEST(PrefixTest, ParseTable) {
  const PrefixCase cases[] = {
      {"198.51.100.0/24", "198.51.100.0/24", 24, true},
      {"0.0.0.0/0", "0.0.0.0/0", 0, true},
      {"::/0", "::/0", 0, false},
      {"10.0.0.0/8", "10.0.0.0/8", 8, true},
      {"192.0.2.1", "192.0.2.1/32", 32, true},
      {"192.0.2.1/32", "192.0.2.1/32", 32, true},
      {"2001:db8::/32", "2001:db8::/32", 32, false},
      {"2001:DB8::/32", "2001:db8::/32", 32, false},
      {"2001:db8::1", "2001:db8::1/128", 128, false},
      {"2001:db8::1/128", "2001:db8::1/128", 128, false},
      {"::ffff:10.0.0.0/104", "10.0.0.0/8", 8, true},
      {"::ffff:0.0.0.0/96", "0.0.0.0/0", 0, true},
      {"::ffff:192.0.2.1", "192.0.2.1/32", 32, true},
      {"10.1.2.3/8", nullptr, 0, false},       // host bits
      {"2001:db8::1/32", nullptr, 0, false},   // host bits
      {"::ffff:0.0.0.0/95", nullptr, 0, false},  // host bit 95
      {"10.0.0.0/33", nullptr, 0, false},
      {"::/129", nullptr, 0, false},
      {"10.0.0.0/", nullptr, 0, false},
      {"10.0.0.0/-1", nullptr, 0, false},
      {"10.0.0.0/+8", nullptr, 0, false},
      {"10.0.0.0/08x", nullptr, 0, false},
      {"10.0.0.0/8/8", nullptr, 0, false},
      {"example.com/8", nullptr, 0, false},
      {"", nullptr, 0, false},
  };
  for (const PrefixCase& c : cases) {
    absl::StatusOr<Prefix> p = Prefix::Parse(c.text);
    if (c.want == nullptr) {
      EXPECT_FALSE(p.ok()) << c.text << " -> " << p->ToString();
      continue;
    }
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status();
    EXPECT_EQ(p->ToString(), c.want) << c.text;
    EXPECT_EQ(p->length(), c.length) << c.text;
    EXPECT_EQ(p->is_v4(), c.v4) << c.text;
  }
}

TEST(PrefixTest, HostBitsMessageNamesTheNetwork) {
  absl::StatusOr<Prefix> p = Prefix::Parse("10.1.2.3/8");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("host bits"), std::string::npos);
  EXPECT_NE(p.status().message().find("10.0.0.0/8"), std::string::npos);
}

TEST(PrefixTest, AllowHostBitsClears) {
  absl::StatusOr<Prefix> p = Prefix::Parse("10.1.2.3/8", true);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ToString(), "10.0.0.0/8");
  p = Prefix::Parse("::ffff:10.1.2.3/80", true);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ToString(), "::/80");
  EXPECT_FALSE(p->is_v4());
}

TEST(PrefixTest, MakeAndContains) {
  const Prefix p = Prefix::Make(A("192.0.2.77"), 24);
  EXPECT_EQ(p.ToString(), "192.0.2.0/24");
  EXPECT_TRUE(p.Contains(A("192.0.2.1")));
  EXPECT_TRUE(p.Contains(A("::ffff:192.0.2.1")));
  EXPECT_FALSE(p.Contains(A("192.0.3.1")));
  const Prefix all4 = Prefix::Make(A("1.2.3.4"), 0);
  EXPECT_TRUE(all4.Contains(A("255.255.255.255")));
  EXPECT_FALSE(all4.Contains(A("2001:db8::1")));  // other family
  const Prefix all6 = Prefix::Make(A("2001:db8::1"), 0);
  EXPECT_TRUE(all6.Contains(A("::1")));
  EXPECT_FALSE(all6.Contains(A("1.2.3.4")));
  EXPECT_EQ(Prefix::Make(A("1.2.3.4"), 40).length(), 32);  // clamped
}

TEST(PrefixTest, Ordering) {
  EXPECT_LT(*Prefix::Parse("10.0.0.0/8"), *Prefix::Parse("10.0.0.0/16"));
  EXPECT_LT(*Prefix::Parse("10.0.0.0/16"), *Prefix::Parse("11.0.0.0/8"));
  EXPECT_EQ(*Prefix::Parse("::ffff:10.0.0.0/104"), *Prefix::Parse("10.0.0.0/8"));
}

}  // namespace
}  // namespace geo
