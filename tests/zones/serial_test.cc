// zones/serial.h: RFC 1982 arithmetic (including the wrap-around), every
// serial policy, the content digest that tells "the same data" apart, and a
// compiled zone re-stamped with a serial (its SOA RDATA and serial()).
#include "zones/serial.h"

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "dns/wire/types.h"
#include "gtest/gtest.h"
#include "tests/zones/test_util.h"
#include "zones/zone.h"

namespace zones {
namespace {

using zones_test::ZoneFromText;

constexpr uint32_t kMax = 0xFFFFFFFFu;

absl::Time Utc(int y, int m, int d, int hh = 12) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), absl::UTCTimeZone());
}

TEST(SerialArithmetic, Rfc1982Comparison) {
  EXPECT_TRUE(SerialNewer(2, 1));
  EXPECT_FALSE(SerialNewer(1, 2));
  EXPECT_FALSE(SerialNewer(7, 7));
  // Across the wrap: 0 and 1 follow 2^32 - 1.
  EXPECT_TRUE(SerialNewer(0, kMax));
  EXPECT_TRUE(SerialNewer(1, kMax));
  EXPECT_FALSE(SerialNewer(kMax, 1));
  // The largest step forward is 2^31 - 1; exactly 2^31 apart is undefined
  // (neither is newer, RFC 1982 §3.2).
  EXPECT_TRUE(SerialNewer(0x7FFFFFFFu, 0));
  EXPECT_FALSE(SerialNewer(0x80000000u, 0));
  EXPECT_FALSE(SerialNewer(0, 0x80000000u));
  EXPECT_TRUE(SerialNewer(100, 0x80000065u));  // 100 - (2^31 + 101) wraps to < 2^31
  EXPECT_EQ(SerialAdd(kMax, 1), 0u);
  EXPECT_EQ(SerialAdd(kMax - 5, 10), 4u);
}

TEST(SerialPolicyNames, RoundTrip) {
  for (SerialPolicy p : {SerialPolicy::kIncrement, SerialPolicy::kUnixTime,
                         SerialPolicy::kDateSerial, SerialPolicy::kKeep}) {
    EXPECT_EQ(ParseSerialPolicy(SerialPolicyName(p)), p);
  }
  EXPECT_FALSE(ParseSerialPolicy("Increment").has_value());
  EXPECT_FALSE(ParseSerialPolicy("").has_value());
}

TEST(NextSerial, IncrementFromTheServedOneUnlessTheDataIsNewer) {
  const absl::Time now = Utc(2026, 3, 4);
  // First time: the data's own serial.
  EXPECT_EQ(NextSerial(SerialPolicy::kIncrement, std::nullopt, 2024060101, now), 2024060101u);
  // The data did not move (a change batch, a file edited without raising it).
  EXPECT_EQ(NextSerial(SerialPolicy::kIncrement, 2024060101u, 2024060101, now), 2024060102u);
  EXPECT_EQ(NextSerial(SerialPolicy::kIncrement, 2024060105u, 2024060101, now), 2024060106u);
  // The data raised its serial past the served one: it wins.
  EXPECT_EQ(NextSerial(SerialPolicy::kIncrement, 2024060105u, 2024070100, now), 2024070100u);
  // ... but only when newer by more than one step.
  EXPECT_EQ(NextSerial(SerialPolicy::kIncrement, 2024060105u, 2024060106, now), 2024060106u);
}

TEST(NextSerial, IncrementWrapsAroundAndSkipsZero) {
  const absl::Time now = Utc(2026, 3, 4);
  const uint32_t data = kMax - 1000;  // the file's serial, older than the served
  EXPECT_EQ(NextSerial(SerialPolicy::kIncrement, kMax - 1, data, now), kMax);
  EXPECT_EQ(NextSerial(SerialPolicy::kIncrement, kMax, data, now), 1u);
  EXPECT_TRUE(SerialNewer(1, kMax));
  // A data serial just past the wrap is newer than kMax - 1: it wins.
  EXPECT_EQ(NextSerial(SerialPolicy::kIncrement, kMax - 1, 5, now), 5u);
  uint32_t s = kMax - 2;
  for (int i = 0; i < 5; ++i) {  // every step newer than the one before
    const uint32_t next = NextSerial(SerialPolicy::kIncrement, s, data, now);
    EXPECT_TRUE(SerialNewer(next, s)) << s << " -> " << next;
    s = next;
  }
  EXPECT_EQ(s, 3u);  // kMax-2 → kMax-1 → kMax → 1 → 2 → 3
}

TEST(NextSerial, UnixTime) {
  const absl::Time now = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  EXPECT_EQ(NextSerial(SerialPolicy::kUnixTime, std::nullopt, 1, now), 1767225600u);
  EXPECT_EQ(NextSerial(SerialPolicy::kUnixTime, 100u, 1, now), 1767225600u);
  // Two changes in one second: the second goes one up.
  EXPECT_EQ(NextSerial(SerialPolicy::kUnixTime, 1767225600u, 1, now), 1767225601u);
  // A served serial ahead of the clock (a dateserial before): never back.
  EXPECT_EQ(NextSerial(SerialPolicy::kUnixTime, 2026010100u, 1, now), 2026010101u);
}

TEST(NextSerial, DateSerial) {
  const absl::Time now = Utc(2026, 1, 2);
  EXPECT_EQ(NextSerial(SerialPolicy::kDateSerial, std::nullopt, 1, now), 2026010200u);
  EXPECT_EQ(NextSerial(SerialPolicy::kDateSerial, 2025123107u, 1, now), 2026010200u);
  EXPECT_EQ(NextSerial(SerialPolicy::kDateSerial, 2026010200u, 1, now), 2026010201u);
  EXPECT_EQ(NextSerial(SerialPolicy::kDateSerial, 2026010299u, 1, now), 2026010300u);
  // The date is UTC's.
  EXPECT_EQ(NextSerial(SerialPolicy::kDateSerial, std::nullopt, 1, Utc(2026, 1, 2, 23)),
            2026010200u);
}

TEST(NextSerial, KeepServesTheDataAsItIs) {
  const absl::Time now = Utc(2026, 1, 2);
  EXPECT_EQ(NextSerial(SerialPolicy::kKeep, 2024060105u, 2024060101, now), 2024060101u);
  EXPECT_EQ(NextSerial(SerialPolicy::kKeep, std::nullopt, 42, now), 42u);
}

constexpr char kZone[] =
    "$ORIGIN example.test.\n$TTL 300\n"
    "@ IN SOA ns1 hostmaster 2024060101 3600 600 86400 60\n"
    "@ IN NS ns1\n"
    "ns1 IN A 192.0.2.1\n"
    "www IN A 192.0.2.10\n";

// The SERIAL field of the apex SOA RDATA as served.
uint32_t SoaRdataSerial(const Zone& z) {
  const std::string_view rdata = z.soa().rdata(0);
  size_t pos = 0;
  for (int name = 0; name < 2; ++name) {
    while (rdata[pos] != 0) pos += 1 + static_cast<uint8_t>(rdata[pos]);
    ++pos;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(rdata.data() + pos);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

TEST(WithSerial, StampsTheSoaTheZoneServes) {
  absl::StatusOr<std::shared_ptr<const Zone>> built = ZoneFromText("example.test.", kZone);
  ASSERT_TRUE(built.ok()) << built.status();
  std::shared_ptr<const Zone> zone = *std::move(built);
  const Zone* before = zone.get();
  const std::string mname_rname(zone->soa().rdata(0).substr(0, 20));
  zone = WithSerial(std::move(zone), 2024060199);
  EXPECT_EQ(zone.get(), before) << "the only reference: changed in place";
  EXPECT_EQ(zone->serial(), 2024060199u);
  EXPECT_EQ(SoaRdataSerial(*zone), 2024060199u);
  EXPECT_EQ(zone->soa().rdata(0).substr(0, 20), mname_rname);
  EXPECT_EQ(zone->negative_ttl(), 60u);
  EXPECT_EQ(zone->record_count(), 4u);
}

TEST(WithSerial, CopiesAZoneSharedWithOthers) {
  absl::StatusOr<std::shared_ptr<const Zone>> built = ZoneFromText("example.test.", kZone);
  ASSERT_TRUE(built.ok()) << built.status();
  const std::shared_ptr<const Zone> serving = *built;  // a snapshot holds it
  std::shared_ptr<const Zone> next = WithSerial(serving, 7);
  EXPECT_NE(next.get(), serving.get());
  EXPECT_EQ(serving->serial(), 2024060101u);
  EXPECT_EQ(SoaRdataSerial(*serving), 2024060101u);
  EXPECT_EQ(next->serial(), 7u);
  EXPECT_EQ(SoaRdataSerial(*next), 7u);
  std::string www;
  ASSERT_TRUE(dns::NameFromText("www.example.test.", &www));
  ASSERT_NE(next->Find(www), nullptr) << "the copy's name index works";
  EXPECT_NE(next->Find(www)->Find(dns::rrtype::kA), nullptr);
  // The same serial: the same zone.
  EXPECT_EQ(WithSerial(next, 7).get(), next.get());
}

TEST(ContentDigest, TheSameDataWhateverItsSerialAndOrder) {
  auto digest = [](const std::string& text) {
    absl::StatusOr<std::shared_ptr<const Zone>> z = ZoneFromText("example.test.", text);
    EXPECT_TRUE(z.ok()) << z.status();
    return z.ok() ? ContentDigest(**z) : 0;
  };
  const uint64_t d = digest(kZone);
  EXPECT_EQ(digest(kZone), d) << "stable";
  // Another serial only: the same data.
  std::string other_serial = kZone;
  other_serial.replace(other_serial.find("2024060101"), 10, "2024060177");
  EXPECT_EQ(digest(other_serial), d);
  // Lines in another order: the same data.
  EXPECT_EQ(digest("$ORIGIN example.test.\n$TTL 300\n"
                   "www IN A 192.0.2.10\n"
                   "ns1 IN A 192.0.2.1\n"
                   "@ IN NS ns1\n"
                   "@ IN SOA ns1 hostmaster 2024060101 3600 600 86400 60\n"),
            d);
  // Any change of data: another digest.
  EXPECT_NE(digest(std::string(kZone) + "x IN A 192.0.2.11\n"), d);
  std::string other_ttl = kZone;
  other_ttl.replace(other_ttl.find("www IN"), 6, "www 60 IN");
  EXPECT_NE(digest(other_ttl), d);
  std::string other_refresh = kZone;
  other_refresh.replace(other_refresh.find(" 3600 600"), 9, " 7200 600");
  EXPECT_NE(digest(other_refresh), d);
  // Re-stamping does not change it either.
  absl::StatusOr<std::shared_ptr<const Zone>> z = ZoneFromText("example.test.", kZone);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(ContentDigest(*WithSerial(*z, 99)), d);
}

}  // namespace
}  // namespace zones
