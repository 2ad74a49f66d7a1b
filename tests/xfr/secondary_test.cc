// Tests for dns/xfr/secondary.h without a primary: configuration errors,
// which NOTIFYs are accepted (source address, TSIG key), Retransfer of an
// unknown zone, and a primary that is not there: the error is counted and
// reported, nothing is committed, nothing expires (no copy yet).
#include "dns/xfr/secondary.h"

#include <arpa/inet.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"

namespace dns::xfr {
namespace {

std::shared_ptr<const tsig::KeyRing> Ring() {
  auto key = tsig::ParseKeySpec("xfr-key.:hmac-sha256:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=");
  auto other = tsig::ParseKeySpec("other.:hmac-sha256:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=");
  return *tsig::KeyRing::Create({*key, *other});
}

ClientAddress V4(const char* text) {
  ClientAddress a;
  inet_pton(AF_INET, text, a.bytes);
  return a;
}

SecondaryCallbacks NoopCallbacks(int* commits) {
  SecondaryCallbacks cb;
  cb.commit = [commits](const std::string&, const std::string&, uint32_t) {
    ++*commits;
    return absl::OkStatus();
  };
  cb.set_expired = [](const std::string&, bool) {};
  cb.log = [](std::string_view) {};
  return cb;
}

TransferConfig Config(const std::vector<std::string>& specs) {
  TransferConfig tc;
  for (const std::string& s : specs) {
    auto p = ParseSecondarySpec(s);
    EXPECT_TRUE(p.ok()) << p.status();
    EXPECT_TRUE(tc.AddSecondary(p->first, p->second).ok());
  }
  return tc;
}

TEST(Secondaries, RejectsUnknownKeyAndMissingCallbacks) {
  int n = 0;
  SecondariesOptions o;
  o.keys = Ring();
  auto s = Secondaries::Create(Config({"example.test=127.0.0.1:53:nokey"}).secondaries, o,
                               NoopCallbacks(&n));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find("nokey"), std::string::npos);
  s = Secondaries::Create(Config({"example.test=127.0.0.1:53"}).secondaries, o, {});
  EXPECT_FALSE(s.ok());
}

TEST(Secondaries, AcceptsNotifyOnlyFromPrimariesWithTheirKey) {
  int n = 0;
  SecondariesOptions o;
  o.keys = Ring();
  auto s = Secondaries::Create(
      Config({"example.test=127.0.0.1:53:xfr-key", "example.test=192.0.2.5:5300"}).secondaries, o,
      NoopCallbacks(&n));
  ASSERT_TRUE(s.ok()) << s.status();
  Secondaries& sec = **s;
  std::string origin;
  ASSERT_TRUE(NameFromText("example.test.", &origin));
  const tsig::Key* key = o.keys->Find(std::string("\7xfr-key\0", 9));
  const tsig::Key* other = o.keys->Find(std::string("\5other\0", 7));
  ASSERT_NE(key, nullptr);
  EXPECT_FALSE(sec.AcceptNotify(origin, V4("127.0.0.1"), nullptr));  // key required
  EXPECT_FALSE(sec.AcceptNotify(origin, V4("127.0.0.1"), other));    // wrong key
  EXPECT_TRUE(sec.AcceptNotify(origin, V4("127.0.0.1"), key));
  EXPECT_TRUE(sec.AcceptNotify(origin, V4("192.0.2.5"), nullptr));   // no key configured
  EXPECT_TRUE(sec.AcceptNotify(origin, V4("192.0.2.5"), other));
  EXPECT_FALSE(sec.AcceptNotify(origin, V4("192.0.2.6"), key));      // not a primary
  std::string other_zone;
  ASSERT_TRUE(NameFromText("other.test.", &other_zone));
  EXPECT_FALSE(sec.AcceptNotify(other_zone, V4("127.0.0.1"), key));
  SecondaryTotals t = sec.Totals();
  EXPECT_EQ(t.notifies_accepted, 3u);
  EXPECT_EQ(t.notifies_refused, 4u);
  EXPECT_EQ(sec.Status()[0].notifies, 3u);
  EXPECT_TRUE(sec.Retransfer("EXAMPLE.test").ok());
  EXPECT_EQ(sec.Retransfer("nope.test.").code(), absl::StatusCode::kNotFound);
}

TEST(Secondaries, AnAbsentPrimaryIsCountedAndNothingIsCommitted) {
  int n = 0;
  SecondariesOptions o;
  o.client.query_timeout = absl::Milliseconds(300);
  const uint16_t port = e2e::PickFreePort();  // nobody listens there
  auto s = Secondaries::Create(Config({absl::StrCat("example.test=127.0.0.1:", port)}).secondaries,
                               o, NoopCallbacks(&n));
  ASSERT_TRUE(s.ok());
  (*s)->Start();
  for (int i = 0; i < 50 && (*s)->Totals().transfers_failed == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (*s)->Stop();
  SecondaryTotals t = (*s)->Totals();
  EXPECT_GE(t.transfers_failed, 1u);
  EXPECT_EQ(t.failures_by_reason["network"], t.transfers_failed);
  SecondaryStatus st = (*s)->Status()[0];
  EXPECT_FALSE(st.has_zone);
  EXPECT_NE(st.last_error.find("connect"), std::string::npos) << st.last_error;
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace dns::xfr
