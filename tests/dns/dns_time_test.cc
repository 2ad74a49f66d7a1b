// File: tests/dns/dns_time_test.cc
// dns::TimeFromText / TimeToText against date(1)'s arithmetic (values
// computed with `date -u -d '...' +%s`) and the bounds of each field.
#include "dns/wire/dns_time.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace {

TEST(DnsTimeTest, ReadsAndWritesUtcSeconds) {
  int64_t t = 0;
  ASSERT_TRUE(dns::TimeFromText("20261207120000", &t));
  EXPECT_EQ(t, 1796644800);
  EXPECT_EQ(dns::TimeToText(1796644800), "20261207120000");
  ASSERT_TRUE(dns::TimeFromText("19700101000000", &t));
  EXPECT_EQ(t, 0);
  // RFC 4034 §3.3's example RRSIG expiration.
  ASSERT_TRUE(dns::TimeFromText("20030322173103", &t));
  EXPECT_EQ(t, 1048354263);
  EXPECT_EQ(dns::TimeToText(t), "20030322173103");
  // Past 2^31 (2038) and past 2^32 (2106): 64-bit seconds, no wrap here
  // (RRSIG's serial arithmetic mod 2^32 is the caller's).
  ASSERT_TRUE(dns::TimeFromText("20380119031408", &t));
  EXPECT_EQ(t, 2147483648);
  ASSERT_TRUE(dns::TimeFromText("21060207062816", &t));
  EXPECT_EQ(t, 4294967296);
}

TEST(DnsTimeTest, RefusesWhatIsNotFourteenDigitsInRange) {
  int64_t t = 7;
  for (const char* bad : {"", "2026120712000", "202612071200000", "2026120712000x",
                          "20261307120000", "20260007120000", "20261200120000",
                          "20261232120000", "20261207240000", "20261207126000",
                          "20261207120061", " 0261207120000", "-0261207120000"}) {
    EXPECT_FALSE(dns::TimeFromText(bad, &t)) << bad;
  }
  EXPECT_EQ(t, 7);  // untouched
}

}  // namespace
