// Tests for geo/prefix_table.h: longest-prefix match and ECS scope.
//
// Table-driven corners (like gdnsd's t/libgdmaps/t22_nets_corner.c: address,
// expected value, expected scope), then randomized tables checked against a
// brute-force oracle of both the match and the scope definition ("the
// shortest L such that every address in the client's /L gets the same
// value").
#include "geo/prefix_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace geo {
namespace {

constexpr uint32_t kNone = PrefixTable::kNoValue;

struct Row {
  const char* prefix;
  uint32_t value;
};

struct Case {
  const char* address;
  uint32_t value;
  int scope;
};

PrefixTable Build(const std::vector<Row>& rows) {
  PrefixTable::Builder b;
  for (const Row& r : rows) {
    absl::StatusOr<Prefix> p = Prefix::Parse(r.prefix);
    EXPECT_TRUE(p.ok()) << r.prefix;
    EXPECT_TRUE(b.Add(*p, r.value).ok());
  }
  absl::StatusOr<PrefixTable> t = std::move(b).Build();
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(t).value();
}

void Check(const PrefixTable& t, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const std::optional<Address> a = Address::Parse(c.address);
    ASSERT_TRUE(a.has_value()) << c.address;
    const PrefixTable::Result r = t.Lookup(*a);
    EXPECT_EQ(r.value, c.value) << c.address;
    EXPECT_EQ(r.scope, c.scope) << c.address;
  }
}

TEST(PrefixTableTest, EmptyTableMatchesNothingWithScopeZero) {
  PrefixTable t;
  Check(t, {{"1.2.3.4", kNone, 0}, {"2001:db8::1", kNone, 0},
            {"::", kNone, 0}, {"255.255.255.255", kNone, 0}});
  PrefixTable built = Build({});
  Check(built, {{"1.2.3.4", kNone, 0}, {"2001:db8::1", kNone, 0}});
}

TEST(PrefixTableTest, IssueScopeExample) {
  // 20.0.0.0/8 -> A, 20.1.0.0/16 -> B: a client in 20.2.0.0/24 gets A with
  // scope 15 (20.2.0.0/15 holds no B; 20.0.0.0/14 does), never 8.
  const PrefixTable t = Build({{"20.0.0.0/8", 1}, {"20.1.0.0/16", 2}});
  Check(t, {
               {"20.2.0.0", 1, 15},
               {"20.2.0.77", 1, 15},
               {"20.3.255.255", 1, 15},
               {"20.1.0.0", 2, 16},
               {"20.1.255.255", 2, 16},
               {"20.0.0.1", 1, 16},      // 20.0/16 is A; 20.0/15 holds B
               {"20.128.0.0", 1, 9},     // 20.128/9 is all A
               {"20.64.0.0", 1, 10},
               {"20.4.0.0", 1, 14},
               {"21.0.0.0", kNone, 8},   // 21/8 matches nothing
               {"22.0.0.0", kNone, 7},   // 22/7 matches nothing
               {"0.0.0.0", kNone, 4},    // 0/4: 0.0.0.0-15.255.255.255
               {"128.0.0.0", kNone, 1},  // the other half of the space
           });
}

TEST(PrefixTableTest, CornersIpv4) {
  const PrefixTable t = Build({
      {"0.0.0.0/0", 1},
      {"10.0.0.0/8", 2},
      {"10.1.0.0/16", 3},
      {"10.1.2.0/24", 4},
      {"10.1.2.3/32", 5},
      {"10.1.2.128/25", 6},
      {"192.0.2.0/24", 1},  // same value as the default: invisible
      {"255.255.255.255/32", 7},
      {"0.0.0.0/32", 8},
  });
  Check(t, {
               {"10.1.2.3", 5, 32},
               {"10.1.2.2", 4, 32},      // 10.1.2.2/31 holds .3
               {"10.1.2.0", 4, 31},     // 10.1.2.0/31 is all 4
               {"10.1.2.4", 4, 30},
               {"10.1.2.127", 4, 26},    // 10.1.2.0/25 holds .3
               {"10.1.2.128", 6, 25},
               {"10.1.3.0", 3, 24},
               {"10.1.128.0", 3, 17},
               {"10.2.0.0", 2, 15},
               {"10.128.0.0", 2, 9},
               {"11.0.0.0", 1, 8},
               {"192.0.2.1", 1, 3},      // 192/3 is all default; 192/2 holds .255
               {"128.0.0.0", 1, 2},
               {"255.255.255.255", 7, 32},
               {"255.255.255.254", 1, 32},
               {"0.0.0.0", 8, 32},
               {"0.0.0.1", 1, 32},
               {"64.0.0.0", 1, 2},
               {"::ffff:10.1.2.3", 5, 32},  // v4-mapped = IPv4
           });
  // IPv6 addresses match no IPv4 row, not even 0.0.0.0/0.
  Check(t, {{"2001:db8::1", kNone, 0}, {"::1", kNone, 0}});
}

TEST(PrefixTableTest, CornersIpv6) {
  const PrefixTable t = Build({
      {"::/0", 1},
      {"2001:db8::/32", 2},
      {"2001:db8:1::/48", 3},
      {"2001:db8:1:2::1/128", 4},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 5},
  });
  Check(t, {
               {"2001:db8:1:2::1", 4, 128},
               {"2001:db8:1:2::", 3, 128},
               {"2001:db8:1:2::2", 3, 127},
               {"2001:db8:1:3::", 3, 64},
               {"2001:db8:1:8000::", 3, 49},
               {"2001:db8:2::", 2, 47},
               {"2001:db8:8000::", 2, 33},
               {"2001:db9::", 1, 32},
               {"2001:dba::", 1, 31},
               {"2002::", 1, 15},
               {"::1", 1, 3},      // ::/3 is all 1; ::/2 holds 2001:db8::
               {"8000::", 1, 2},   // 8000::/1 holds ffff:...:ffff
           });
}

TEST(PrefixTableTest, Ipv6DefaultCoversIpv4WhenThereIsNoIpv4Default) {
  // IPv4 is ::ffff:0:0/96 inside IPv6: ::/0 applies to IPv4 clients that
  // match no IPv4 row, with IPv4 scopes.
  const PrefixTable t = Build({{"::/0", 1}, {"10.0.0.0/8", 2}});
  Check(t, {{"10.1.1.1", 2, 8},
            {"11.1.1.1", 1, 8},
            {"192.0.2.1", 1, 1},
            {"::ffff:192.0.2.1", 1, 1},
            {"2001:db8::", 1, 0}});
  const PrefixTable only6 = Build({{"::/0", 1}});
  Check(only6, {{"192.0.2.1", 1, 0}, {"2001:db8::", 1, 0}});
  // A shorter IPv6 row covering ::ffff:0:0/96 counts as well.
  const PrefixTable v6_80 = Build({{"::/80", 3}});
  Check(v6_80, {{"192.0.2.1", 3, 0}, {"::1", 3, 80}, {"1::", kNone, 16}});
  // With both defaults, each family gets its own.
  const PrefixTable both = Build({{"::/0", 1}, {"0.0.0.0/0", 2}});
  Check(both, {{"192.0.2.1", 2, 0}, {"2001:db8::", 1, 0}});
}

TEST(PrefixTableTest, OverlappingPrefixesLongestWins) {
  const PrefixTable t = Build({
      {"192.168.0.0/16", 1},
      {"192.168.0.0/17", 2},
      {"192.168.0.0/18", 3},
      {"192.168.0.0/24", 4},
      {"192.168.0.0/25", 5},
  });
  Check(t, {{"192.168.0.1", 5, 25},
            {"192.168.0.200", 4, 25},
            {"192.168.1.0", 3, 24},
            {"192.168.63.0", 3, 19},
            {"192.168.64.0", 2, 18},
            {"192.168.128.0", 1, 17},
            {"192.169.0.0", kNone, 16}});
}

TEST(PrefixTableTest, ShadowedPrefixMergesScopes) {
  // 10.0.0.0/24 -> 2, but both its halves -> 1, like the enclosing /8: the
  // /24 is invisible and scopes widen past it.
  const PrefixTable t = Build({{"10.0.0.0/8", 1},
                               {"10.0.0.0/24", 2},
                               {"10.0.0.0/25", 1},
                               {"10.0.0.128/25", 1}});
  Check(t, {{"10.0.0.1", 1, 8}, {"10.0.0.200", 1, 8}, {"10.200.0.0", 1, 8}});
}

TEST(PrefixTableTest, DuplicatePrefixIsAnError) {
  PrefixTable::Builder b;
  ASSERT_TRUE(b.Add(*Prefix::Parse("10.0.0.0/8"), 1).ok());
  ASSERT_TRUE(b.Add(*Prefix::Parse("::ffff:10.0.0.0/104"), 2).ok());
  absl::StatusOr<PrefixTable> t = std::move(b).Build();
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("duplicate prefix 10.0.0.0/8"),
            std::string::npos)
      << t.status();
}

TEST(PrefixTableTest, ValueRange) {
  PrefixTable::Builder b;
  EXPECT_TRUE(b.Add(*Prefix::Parse("10.0.0.0/8"), PrefixTable::kMaxValue).ok());
  EXPECT_FALSE(b.Add(*Prefix::Parse("11.0.0.0/8"), PrefixTable::kNoValue).ok());
  absl::StatusOr<PrefixTable> t = std::move(b).Build();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->Lookup(*Address::Parse("10.9.9.9")).value, PrefixTable::kMaxValue);
}

TEST(PrefixTableTest, EveryHostRouteOfA24) {
  // 256 /32s with distinct values under a /24 with another: dense enough
  // for wide (8-bit) chunks; every address keeps scope 32.
  std::vector<Row> rows;
  std::vector<std::string> texts;
  texts.reserve(256);
  for (int i = 0; i < 256; ++i) {
    texts.push_back("172.16.5." + std::to_string(i) + "/32");
  }
  for (int i = 0; i < 256; ++i) rows.push_back({texts[i].c_str(), uint32_t(100 + i)});
  rows.push_back({"172.16.5.0/24", 7});
  const PrefixTable t = Build(rows);
  for (int i = 0; i < 256; ++i) {
    const PrefixTable::Result r = t.LookupV4(0xAC100500u + i);
    EXPECT_EQ(r.value, uint32_t(100 + i));
    EXPECT_EQ(r.scope, 32);
  }
  EXPECT_GT(t.stats().wide_chunks, 0u);
  EXPECT_EQ(t.LookupV4(0xAC100600u).value, kNone);
}

// ---- Randomized tables against a brute-force oracle -----------------------

using u128 = unsigned __int128;

struct OracleRow {
  u128 start;  // left-aligned in `width` bits, as a number in [0, 2^width)
  int len;
  uint32_t value;
};

// The 2^width-space oracle: value of the longest row containing x.
struct Oracle {
  int width;
  std::vector<OracleRow> rows;
  uint32_t base = kNone;

  // True if x and y share their first `len` bits.
  bool SameBlock(u128 x, u128 y, int len) const {
    return len == 0 || (x >> (width - len)) == (y >> (width - len));
  }
  uint32_t ValueAt(u128 x) const {
    int best = -1;
    uint32_t v = base;
    for (const OracleRow& r : rows) {
      if (r.len > best && SameBlock(r.start, x, r.len)) {
        best = r.len;
        v = r.value;
      }
    }
    return v;
  }
  // The value is piecewise constant between row boundaries, so a block is
  // uniform iff every boundary point inside it has x's value.
  int Scope(u128 x) const {
    const uint32_t v = ValueAt(x);
    for (int len = 0; len <= width; ++len) {
      const u128 lo = len == 0 ? 0 : (x >> (width - len)) << (width - len);
      bool uniform = ValueAt(lo) == v;
      for (const OracleRow& r : rows) {
        if (!uniform) break;
        for (u128 p : {r.start, End(r)}) {
          if (SameBlock(p, x, len) && ValueAt(p) != v) {
            uniform = false;
            break;
          }
        }
      }
      if (uniform) return len;
    }
    return width;
  }
  // First address after the row (wraps to 0 past the top; masked to width).
  u128 End(const OracleRow& r) const {
    if (r.len == 0) return 0;
    const u128 e = r.start + (u128{1} << (width - r.len));
    return width == 32 ? e & 0xffffffffu : e;
  }
};

u128 RandomBits(std::mt19937_64& rng, int width) {
  const u128 r = (u128{rng()} << 64) | rng();
  return width == 128 ? r : r >> (128 - width);
}

Address ToAddress(u128 x, int width) {
  if (width == 32) return Address::FromV4(static_cast<uint32_t>(x));
  return Address::FromWords(static_cast<uint64_t>(x >> 64),
                            static_cast<uint64_t>(x));
}

void RandomRound(std::mt19937_64& rng, int width, int n_rows, int n_values,
                 int max_len) {
  Oracle o{width, {}, kNone};
  PrefixTable::Builder b;
  // Cluster rows under a few random "hot" anchors so that they overlap.
  std::vector<u128> anchors;
  for (int i = 0; i < 3; ++i) anchors.push_back(RandomBits(rng, width));
  std::vector<std::pair<u128, int>> seen;
  for (int i = 0; i < n_rows; ++i) {
    const int len = static_cast<int>(rng() % (max_len + 1));
    u128 x = anchors[rng() % anchors.size()];
    // Flip a few random low bits so rows near each other differ.
    for (int f = 0; f < 3; ++f) {
      const int bit = static_cast<int>(rng() % (max_len + 1));
      if (bit < width) x ^= u128{1} << (width - 1 - std::min(bit, width - 1));
    }
    const u128 start =
        len == 0 ? 0 : (x >> (width - len)) << (width - len);
    if (std::find(seen.begin(), seen.end(), std::make_pair(start, len)) !=
        seen.end()) {
      continue;
    }
    seen.emplace_back(start, len);
    const uint32_t value = static_cast<uint32_t>(rng() % n_values);
    o.rows.push_back({start, len, value});
    ASSERT_TRUE(b.Add(Prefix::Make(ToAddress(start, width), len), value).ok());
  }
  absl::StatusOr<PrefixTable> t = std::move(b).Build();
  ASSERT_TRUE(t.ok()) << t.status();
  // Probe row boundaries (and their neighbours) plus random addresses.
  std::vector<u128> probes;
  for (const OracleRow& r : o.rows) {
    const u128 end = o.End(r);
    for (u128 p : {r.start, r.start - 1, end, end - 1, r.start + 1}) {
      probes.push_back(width == 32 ? p & 0xffffffffu : p);
    }
  }
  for (int i = 0; i < 50; ++i) probes.push_back(RandomBits(rng, width));
  for (u128 p : probes) {
    const Address a = ToAddress(p, width);
    const PrefixTable::Result r = t->Lookup(a);
    ASSERT_EQ(r.value, o.ValueAt(p)) << a.ToString();
    ASSERT_EQ(r.scope, o.Scope(p)) << a.ToString();
  }
}

TEST(PrefixTableTest, RandomIpv4TablesMatchOracle) {
  std::mt19937_64 rng(20240601);
  for (int round = 0; round < 300; ++round) {
    RandomRound(rng, 32, 1 + static_cast<int>(rng() % 40),
                1 + static_cast<int>(rng() % 4), 32);
    if (HasFatalFailure()) return;
  }
}

TEST(PrefixTableTest, RandomIpv6TablesMatchOracle) {
  std::mt19937_64 rng(20240602);
  for (int round = 0; round < 300; ++round) {
    // Avoid the v4-mapped block: addresses there are IPv4 by definition.
    RandomRound(rng, 128, 1 + static_cast<int>(rng() % 40),
                1 + static_cast<int>(rng() % 4),
                round % 2 ? 128 : 64);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace geo
