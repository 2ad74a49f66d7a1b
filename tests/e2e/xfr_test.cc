// Outgoing zone transfers end to end, with Knot's kdig and BIND's dig as
// the independent clients: AXFR admitted and refused by the ACL, TSIG-signed
// (good key, wrong secret, unknown key), IXFR from the journal after a
// change (and the single SOA for a current client), NOTAUTH for a zone not
// served, and UDP answered while a 200,000-record transfer streams.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/peer_server.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

using std::chrono::seconds;

constexpr char kKdig[] = "/usr/bin/kdig";
constexpr char kSecret[] = "Jm3xT0lTSJVp2hu9nWLzjQ8SbUMy7C5dY6yZbdFWxlA=";

std::string Zone(int records) {
  std::string z =
      "$ORIGIN example.test.\n$TTL 300\n@ SOA ns1 hostmaster 7 3600 600 86400 60\n"
      "@ NS ns1\nns1 A 127.0.0.1\nwww A 192.0.2.1\n";
  for (int i = 0; i < records; ++i) absl::StrAppend(&z, "h", i, " A 10.", i >> 16 & 255, ".", i >> 8 & 255, ".", i & 255, "\n");
  return z;
}

class e2eXfr : public TempDirTest {
 protected:
  void Start(int records, std::vector<std::string> extra = {}) {
    ServerOptions so;
    so.zones = {"example.test.=" + WriteTemp("example.test.zone", Zone(records))};
    so.control = true;
    so.extra_args = {"--tsig-key", absl::StrCat("xfr:hmac-sha256:", kSecret),
                     "--allow-transfer", "127.0.0.2", "--allow-transfer", "127.0.0.1:xfr"};
    for (std::string& e : extra) so.extra_args.push_back(std::move(e));
    ASSERT_TRUE(server_.Start(so));
  }
  // kdig's output for `args` (after @127.0.0.1 -p PORT).
  std::string Kdig(std::vector<std::string> args, const std::string& source = "127.0.0.1") {
    std::vector<std::string> argv = {kKdig, "@127.0.0.1", "-p", std::to_string(server_.port()),
                                     "-b", source, "+tcp", "+time=5", "+retry=0"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    RunProgram(argv, seconds(60), &out);
    return out;
  }
  ServerProcess server_;
};

TEST_F(e2eXfr, AclAndTsigDecideWhoGetsTheZone) {
  STEER_REQUIRE(access(kKdig, X_OK) == 0, "kdig (package knot-dnsutils)");
  Start(10);
  // 127.0.0.2 unsigned: admitted.
  std::string out = Kdig({"+noall", "+stat", "example.test", "AXFR"}, "127.0.0.2");
  EXPECT_NE(out.find("records)"), std::string::npos) << out;
  EXPECT_NE(out.find("(1 messages, 15 records)"), std::string::npos) << out;  // 13 + the SOA twice
  // 127.0.0.1 unsigned: its entry needs the key.
  out = Kdig({"example.test", "AXFR"});
  EXPECT_NE(out.find("REFUSED"), std::string::npos) << out;
  // Signed with the key: admitted, and the reply verifies.
  out = Kdig({"-y", absl::StrCat("hmac-sha256:xfr:", kSecret), "+noall", "+stat", "example.test", "AXFR"});
  EXPECT_NE(out.find("15 records"), std::string::npos) << out;
  // The wrong secret: BADSIG; an unknown key: BADKEY (NOTAUTH).
  out = Kdig({"-y", "hmac-sha256:xfr:AAAAT0lTSJVp2hu9nWLzjQ8SbUMy7C5dY6yZbdFWxlA=", "example.test", "AXFR"});
  EXPECT_EQ(out.find("15 records"), std::string::npos) << out;
  out = Kdig({"-y", absl::StrCat("hmac-sha256:other:", kSecret), "example.test", "AXFR"});
  EXPECT_EQ(out.find("15 records"), std::string::npos) << out;
  // A zone not served: NOTAUTH.
  out = Kdig({"other.test", "AXFR"}, "127.0.0.2");
  EXPECT_NE(out.find("NOTAUTH"), std::string::npos) << out;
  const std::string log = server_.Log();
  EXPECT_NE(log.find("refused: AXFR of example.test. from 127.0.0.1: no allow-transfer entry"),
            std::string::npos) << log;
  EXPECT_NE(log.find("TSIG BADSIG"), std::string::npos) << log;
  EXPECT_NE(log.find("TSIG BADKEY"), std::string::npos) << log;
  // Counted in /metrics: two AXFRs, two refusals (the ACL, the zone not
  // served), two bad TSIGs.
  HttpReply metrics = Http(server_, "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("steerdns_zone_transfers_out_total{result=\"axfr\"} 2"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("steerdns_zone_transfers_out_total{result=\"refused\"} 2"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("steerdns_zone_transfers_out_total{result=\"bad_tsig\"} 2"),
            std::string::npos) << metrics.body;
  // A signed ordinary query is answered and its reply signed (kdig checks).
  std::vector<std::string> argv = {kKdig, "@127.0.0.1", "-p", std::to_string(server_.port()),
                                   "-y", absl::StrCat("hmac-sha256:xfr:", kSecret),
                                   "www.example.test", "A"};
  std::string q;
  RunProgram(argv, seconds(10), &q);
  EXPECT_NE(q.find("NOERROR"), std::string::npos) << q;
  EXPECT_NE(q.find("192.0.2.1"), std::string::npos) << q;
  EXPECT_NE(q.find("TSIG PSEUDOSECTION"), std::string::npos) << q;
  EXPECT_EQ(q.find("WARNING"), std::string::npos) << q;  // "failed to verify TSIG"
  argv[5] = "hmac-sha256:xfr:AAAAT0lTSJVp2hu9nWLzjQ8SbUMy7C5dY6yZbdFWxlA=";
  RunProgram(argv, seconds(10), &q);
  EXPECT_NE(q.find("status: BADSIG"), std::string::npos) << q;
}

TEST_F(e2eXfr, IxfrFromTheJournalAfterAChange) {
  STEER_REQUIRE(access(kKdig, X_OK) == 0, "kdig (package knot-dnsutils)");
  Start(10, {"--data-dir", tmp_ + "/data"});
  const std::string batch = R"({"Changes":[{"Action":"UPSERT","ResourceRecordSet":{
    "Name":"www.example.test.","Type":"A","TTL":300,"ResourceRecords":[{"Value":"192.0.2.9"}]}}]})";
  ToolRun r = Zonectl(server_, {"change", "example.test.", "--change-batch", batch});
  ASSERT_TRUE(Succeeded(r)) << r.Describe();
  // The difference is made off the control thread: poll the journal.
  std::string out;
  for (int i = 0; i < 50; ++i) {
    out = Kdig({"example.test", "IXFR=7"}, "127.0.0.2");
    if (out.find("192.0.2.9") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // SOA 8, SOA 7, the old www, SOA 8, the new www, SOA 8.
  std::vector<std::string> rrs;
  for (const std::string& l : Lines(out)) {
    if (!l.empty() && l[0] != ';') rrs.push_back(l);
  }
  ASSERT_EQ(rrs.size(), 6u) << out;
  EXPECT_NE(rrs[1].find(" 7 3600"), std::string::npos) << out;
  EXPECT_NE(rrs[2].find("192.0.2.1"), std::string::npos) << out;
  EXPECT_NE(rrs[4].find("192.0.2.9"), std::string::npos) << out;
  // A client at the current serial gets the SOA alone.
  out = Kdig({"+noall", "+answer", "example.test", "IXFR=8"}, "127.0.0.2");
  EXPECT_EQ(Lines(out).size(), 1u) << out;
  // A serial the journal does not reach: the whole zone.
  out = Kdig({"+noall", "+stat", "example.test", "IXFR=3"}, "127.0.0.2");
  EXPECT_NE(out.find("15 records"), std::string::npos) << out;
  // The journal survives a restart.
  ASSERT_TRUE(server_.Stop());
  Start(10, {"--data-dir", tmp_ + "/data"});
  out = Kdig({"+noall", "+answer", "example.test", "IXFR=7"}, "127.0.0.2");
  EXPECT_NE(out.find("192.0.2.9"), std::string::npos) << out;
  HttpReply status = Http(server_, "GET", "/v1/transfers");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(status.body_json["zones"][0]["journal"]["oldest_serial"], 7) << status.body;
}

TEST_F(e2eXfr, UdpIsAnsweredWhileABigTransferStreams) {
  STEER_REQUIRE(access(kKdig, X_OK) == 0, "kdig (package knot-dnsutils)");
  Start(200000);
  std::atomic<bool> done{false};
  std::string out;
  std::thread transfer([&] {
    out = Kdig({"+noall", "+stat", "example.test", "AXFR"}, "127.0.0.2");
    done = true;
  });
  int answered = 0, asked = 0;
  while (!done && asked < 2000) {
    ++asked;
    if (SoaSerial(server_.port(), "example.test.") == 7u) ++answered;
  }
  transfer.join();
  EXPECT_NE(out.find("200005 records"), std::string::npos) << out;
  EXPECT_EQ(answered, asked) << "UDP queries went unanswered during the transfer";
  EXPECT_GT(asked, 0);
}

// A query and an AXFR pipelined on one connection: the query's reply comes
// first, then the transfer (the TCP worker hands the connection over only
// once what it owes is sent).
TEST_F(e2eXfr, AQueryAndATransferPipelinedOnOneConnection) {
  Start(10);
  TcpConnection tcp;
  ASSERT_TRUE(tcp.Connect(Endpoint::V4(server_.port())));
  const Bytes q = MakeQuery("www.example.test.", LDNS_RR_TYPE_A);
  const Bytes axfr = MakeQuery("example.test.", LDNS_RR_TYPE_AXFR);
  Bytes both = Frame(q);
  const Bytes second = Frame(axfr);
  both.insert(both.end(), second.begin(), second.end());
  ASSERT_TRUE(tcp.SendRaw(both));
  std::optional<Bytes> first = tcp.ReadFramed();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(IdOf(*first), IdOf(q));
  std::optional<Bytes> stream = tcp.ReadFramed();
  ASSERT_TRUE(stream.has_value());
  EXPECT_EQ(IdOf(*stream), IdOf(axfr));
  std::string error;
  std::optional<Reply> r = Reply::Parse(*stream, &error);
  ASSERT_TRUE(r.has_value()) << error;
  // 127.0.0.1 unsigned is not admitted by this server's ACL.
  EXPECT_EQ(r->rcode(), LDNS_RCODE_REFUSED) << r->ToString();
}

// A zone signed online is transferred signed: the AXFR as kdig prints it
// passes ldns-verify-zone (RRSIGs inline, an NSEC chain).
TEST_F(e2eXfr, AnOnlineSignedZoneTransfersSignedAndVerifies) {
  STEER_REQUIRE(access(kKdig, X_OK) == 0, "kdig (package knot-dnsutils)");
  STEER_REQUIRE(access("/usr/bin/ldns-verify-zone", X_OK) == 0, "ldns-verify-zone (package ldnsutils)");
  const std::string keys = tmp_ + "/keys";
  ASSERT_EQ(system(("mkdir -p " + keys).c_str()), 0);
  ToolRun k = RunZonectl({"dnssec", "keygen", "example.test", "--dir", keys});
  ASSERT_TRUE(Succeeded(k)) << k.Describe();
  Start(20, {"--dnssec-keys", keys});
  const std::string out = Kdig({"+nocomments", "+nostats", "+noquestion", "example.test", "AXFR"},
                               "127.0.0.2");
  ASSERT_NE(out.find("RRSIG"), std::string::npos) << out;
  ASSERT_NE(out.find("NSEC"), std::string::npos) << out;
  const std::string file = WriteTemp("axfr.zone", out);
  std::string verify;
  ExitInfo e = RunProgram({"/usr/bin/ldns-verify-zone", file}, seconds(60), &verify);
  EXPECT_TRUE(e.exited && e.exit_code == 0) << e.Describe() << "\n" << verify;
}

}  // namespace
}  // namespace e2e
