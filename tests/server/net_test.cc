// Tests for dns/server/net.h: listen addresses parsed and formatted.
#include "dns/server/net.h"

#include "gtest/gtest.h"

namespace dns::server {
namespace {

TEST(ListenAddressTest, ParsesAndFormats) {
  for (const char* text : {"127.0.0.1:5300", "[::1]:5300", "0.0.0.0:53",
                           "[::]:0", "[2001:db8::1]:65535"}) {
    absl::StatusOr<ListenAddress> a = ParseListenAddress(text);
    ASSERT_TRUE(a.ok()) << text << ": " << a.status();
    EXPECT_EQ(FormatAddress(a->addr), text);
  }
  EXPECT_TRUE(ParseListenAddress("0.0.0.0:53")->is_wildcard());
  EXPECT_TRUE(ParseListenAddress("[::]:53")->is_wildcard());
  EXPECT_FALSE(ParseListenAddress("[::1]:53")->is_wildcard());
  EXPECT_EQ(ParseListenAddress("[::1]:5300")->port(), 5300);
  EXPECT_FALSE(ParseListenAddress("[::1]:-1").ok());
  EXPECT_FALSE(ParseListenAddress("1.2.3.4:+5").ok());
  EXPECT_FALSE(ParseListenAddress("1.2.3.4:").ok());
  EXPECT_FALSE(ParseListenAddress("").ok());
}

}  // namespace
}  // namespace dns::server
