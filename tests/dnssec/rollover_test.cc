// PlanZskRollover (dns/dnssec/rollover.h): the RFC 7583 §3.2.1 schedule of
// a ZSK pre-publication rollover, from keys and a moment, without files;
// and the rolls it refuses.
#include "dns/dnssec/rollover.h"

#include <string>
#include <vector>

#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/keys.h"
#include "dns/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using namespace dns::dnssec;  // NOLINT
using ::testing::HasSubstr;

constexpr int64_t kNow = 1796000000;  // 2026-11-30T00:53:20Z

KeyPair Key(uint16_t tag, bool sep, KeyTiming timing, uint8_t alg = algorithm::kEcdsaP256Sha256) {
  KeyPair k;
  dns::NameFromText("example.test.", &k.zone);
  k.dnskey.owner = k.zone;
  k.dnskey.flags = sep ? 257 : 256;
  k.dnskey.algorithm = alg;
  k.key_tag = tag;
  k.timing = timing;
  return k;
}

KeyTiming Since(int64_t t) { return KeyTiming{t, t, t, 0, 0}; }

std::vector<KeyPair> Zone(std::vector<KeyPair> keys) {
  AssignRoles(&keys);
  return keys;
}

TEST(ZskRolloverTest, SchedulesPrePublication) {
  const auto keys = Zone({Key(1, true, Since(kNow - 86400 * 30)),
                          Key(2, false, Since(kNow - 86400 * 30))});
  ZskRollDurations d;  // TTL 1 h, safety 1 h each, max zone TTL 1 day
  auto plan = PlanZskRollover(keys, kNow, d);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->algorithm, algorithm::kEcdsaP256Sha256);
  EXPECT_EQ(plan->publish, kNow);
  EXPECT_EQ(plan->activate, kNow + 3600 + 3600);          // Ipub = TTLkey + safety
  EXPECT_EQ(plan->remove, plan->activate + 86400 + 3600);  // Iret = TTLsig + safety
  EXPECT_EQ(plan->new_key.created, kNow);
  EXPECT_EQ(plan->new_key.publish, kNow);
  EXPECT_EQ(plan->new_key.activate, plan->activate);
  EXPECT_EQ(plan->new_key.inactive, 0);
  EXPECT_EQ(plan->new_key.deleted, 0);
  ASSERT_EQ(plan->retiring.size(), 1u);
  EXPECT_EQ(plan->retiring[0].index, 1u);  // the ZSK, not the KSK
  const KeyTiming& old = plan->retiring[0].timing;
  EXPECT_EQ(old.created, kNow - 86400 * 30);  // the rest kept
  EXPECT_EQ(old.activate, kNow - 86400 * 30);
  EXPECT_EQ(old.inactive, plan->activate);
  EXPECT_EQ(old.deleted, plan->remove);

  // The states the server follows, step by step: exactly one ZSK signs at
  // any moment, and the new one is published Ipub before it signs.
  for (int64_t t : {kNow, plan->activate - 1, plan->activate, plan->remove - 1, plan->remove}) {
    const KeyState n = KeyStateAt(plan->new_key, t), o = KeyStateAt(old, t);
    EXPECT_EQ(KeySigns(n) + KeySigns(o), 1) << t - kNow;
    EXPECT_TRUE(KeyPublished(n)) << t - kNow;
  }
  EXPECT_EQ(KeyStateAt(plan->new_key, kNow), KeyState::kPublished);
  EXPECT_EQ(KeyStateAt(old, plan->activate), KeyState::kRetired);
  EXPECT_EQ(KeyStateAt(old, plan->remove), KeyState::kRemoved);
  EXPECT_EQ(NextKeyEvent(old, kNow), plan->activate);

  // Other durations.
  d = {300, 600, 60, 3600};
  plan = PlanZskRollover(keys, kNow, d);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->activate, kNow + 900);
  EXPECT_EQ(plan->remove, kNow + 900 + 3660);
  d.max_zone_ttl = -1;
  EXPECT_EQ(PlanZskRollover(keys, kNow, d).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ZskRolloverTest, EveryActiveZskRetiresAndRemovedOnesAreIgnored) {
  KeyTiming removed = Since(kNow - 900000);
  removed.inactive = kNow - 800000;
  removed.deleted = kNow - 700000;
  const auto keys = Zone({Key(1, true, Since(kNow - 1000)), Key(2, false, removed),
                          Key(3, false, Since(kNow - 1000)), Key(4, false, Since(kNow - 10))});
  auto plan = PlanZskRollover(keys, kNow, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->retiring.size(), 2u);
  EXPECT_EQ(plan->retiring[0].index, 2u);
  EXPECT_EQ(plan->retiring[1].index, 3u);
}

TEST(ZskRolloverTest, RefusesARollInProgressNamingKeysAndDates) {
  ZskRollDurations d;
  auto keys = Zone({Key(1, true, Since(kNow - 86400)), Key(2, false, Since(kNow - 86400))});
  auto plan = PlanZskRollover(keys, kNow, d);
  ASSERT_TRUE(plan.ok());
  // The plan written into the keys: a second roll is refused at every
  // step until the old key is removed.
  keys[1].timing = plan->retiring[0].timing;
  keys.push_back(Key(3, false, plan->new_key));
  keys = Zone(keys);
  auto again = PlanZskRollover(keys, kNow + 60, d);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(),
              HasSubstr("a ZSK rollover of example.test. is in progress: "
                        "ZSK 2 is active and retires at 2026-11-30T02:53:20Z; "
                        "ZSK 3 is published and becomes active at 2026-11-30T02:53:20Z. "
                        "Start the next one when it is complete, after 2026-12-01T03:53:20Z"));
  again = PlanZskRollover(keys, plan->activate, d);
  EXPECT_THAT(again.status().message(),
              HasSubstr("ZSK 2 is retired and leaves the DNSKEY RRset at 2026-12-01T03:53:20Z"));
  // Removed: the next roll retires key 3.
  again = PlanZskRollover(keys, plan->remove, d);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->retiring.size(), 1u);
  EXPECT_EQ(keys[again->retiring[0].index].key_tag, 3);

  // A key still to be published.
  KeyTiming later{kNow, kNow + 100, kNow + 200, 0, 0};
  keys = Zone({Key(1, true, Since(kNow - 86400)), Key(2, false, Since(kNow - 86400)),
               Key(5, false, later)});
  EXPECT_THAT(PlanZskRollover(keys, kNow, d).status().message(),
              HasSubstr("ZSK 5 is published at 2026-11-30T00:55:00Z and becomes active at "
                        "2026-11-30T00:56:40Z"));
}

TEST(ZskRolloverTest, RefusesCsksAndAlgorithmChangesAndNoActiveZsk) {
  auto keys = Zone({Key(7, true, Since(kNow - 86400))});
  auto plan = PlanZskRollover(keys, kNow, {});
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(plan.status().message(),
              HasSubstr("zone example.test. has no ZSK: its key 7 is a CSK"));
  EXPECT_THAT(plan.status().message(), HasSubstr("KSK and CSK rollover"));

  keys = Zone({Key(1, true, Since(kNow - 86400)), Key(2, false, Since(kNow - 86400))});
  EXPECT_TRUE(PlanZskRollover(keys, kNow, {}, algorithm::kEcdsaP256Sha256).ok());
  plan = PlanZskRollover(keys, kNow, {}, algorithm::kEd25519);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(plan.status().message(),
              HasSubstr("the active ZSK 2 of example.test. is ECDSAP256SHA256 (13), not ED25519 "
                        "(15): changing the algorithm is an algorithm rollover"));

  KeyTiming gone = Since(kNow - 1000);
  gone.inactive = kNow - 10;
  keys = Zone({Key(1, true, Since(kNow - 86400)), Key(2, false, gone)});
  gone.deleted = kNow - 5;
  keys[1].timing = gone;
  plan = PlanZskRollover(keys, kNow, {});
  EXPECT_THAT(plan.status().message(),
              HasSubstr("zone example.test. has no active ZSK to roll at 2026-11-30T00:53:20Z"));
  EXPECT_EQ(KeyTimeText(kNow), "2026-11-30T00:53:20Z");
}

}  // namespace
