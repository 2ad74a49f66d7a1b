// File: tests/zones/zone_export_interop_test.cc
//
// The exported master file against the real other servers' loaders
// (ctest label `interop`):
//   - NSD: `nsd-checkzone -p ORIGIN FILE` accepts it, and the zone NSD
//     prints back, loaded by steerdns, has the same RRsets as the zone we
//     exported (NSD read every RR as we meant it);
//   - Knot: `kzonecheck -o ORIGIN FILE` accepts it;
//   - BIND: `named-checkzone -D` accepts it, and the zone it writes back
//     has the same RRsets.
// For every zone of the corpus (export_corpus.h; the examples with Route 53
// JSON have routed record sets, which the file leaves out) plus one with
// every type in common use and the names and strings that need escapes.
// nsd (nsd-checkzone), knot-dnssecutils (kzonecheck) and bind9-utils
// (named-checkzone) are in scripts/install-deps.sh: missing, a test is
// skipped on a developer's machine and fails under STEER_TEST_STRICT=1.
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "tests/require.h"
#include "tests/zones/export_corpus.h"
#include "tests/zones/test_util.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"
#include "zones/zone_export.h"

namespace zones_test {
namespace {

constexpr char kNsdCheckzone[] = "/usr/sbin/nsd-checkzone";
constexpr char kKzonecheck[] = "/usr/bin/kzonecheck";
constexpr char kNamedCheckzone[] = "/usr/bin/named-checkzone";

// Loads master-file text another server printed, for `origin`.
absl::StatusOr<std::shared_ptr<const zones::Zone>> LoadPrinted(const std::string& origin,
                                                               const std::string& text,
                                                               const std::string& name) {
  zones::ZoneBuilder builder(Wire(origin));
  if (absl::Status s = zones::ReadMasterText(text, name, &builder); !s.ok()) return s;
  return std::move(builder).Build();
}

constexpr char kEveryType[] = R"zone($ORIGIN every.test.
$TTL 3600
@ IN SOA ns1 hostmaster 2024060101 7200 3600 1209600 300
@ IN NS ns1
ns1 IN A 192.0.2.1
ns1 IN AAAA 2001:db8::1
@ IN MX 10 mail
mail IN A 192.0.2.25
alias IN CNAME www.example.com.
d IN DNAME target.example.
txt IN TXT "a \"quoted\" \\ back" "\200\001x;y" "" "tab\009(paren)"
txt IN SPF "v=spf1 -all"
_sip._udp IN SRV 0 5 5060 sip
sip IN A 192.0.2.50
naptr IN NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .
@ IN CAA 0 issue "ca.example.net"
ssh IN SSHFP 1 1 123456789abcdef67890123456789abcdef67890
_443._tcp IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
x._smimecert IN SMIMEA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
pgp IN OPENPGPKEY AQIDBAUGBwgJ
hinfo IN HINFO "PC" "Linux 6"
loc IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m
ptr IN PTR host.example.
sub IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
@ IN DNSKEY 256 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF
@ IN CDS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
@ IN CDNSKEY 256 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF
sig IN A 192.0.2.9
sig IN RRSIG A 8 3 3600 20250101000000 20240101000000 12345 every.test. AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF
sig IN NSEC ssh.every.test. A RRSIG NSEC
@ IN NSEC3PARAM 1 0 10 AABBCCDD
2vptu5timamqttgl4luu9kg21e0aor3s IN NSEC3 1 0 10 AABBCCDD 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG
svc IN SVCB 1 svc2.every.test. alpn=h2,h3 port=8443 ipv4hint=192.0.2.7,192.0.2.8
@ IN HTTPS 1 . alpn=h2
uri IN URI 10 1 "https://www.example.com/"
@ IN ZONEMD 2018031900 1 1 c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3a1ddc0b9a87153b9a9713b3c9ae5cc27777f98b8e730044c
unk IN TYPE65280 \# 4 0a000001
empty IN TYPE65281 \# 0
weird\ name\.x IN A 192.0.2.99
\@at IN A 192.0.2.98
\$dollar IN A 192.0.2.96
semi\;colon IN A 192.0.2.95
*.wild IN A 192.0.2.97
sub IN NS ns.sub
ns.sub IN A 192.0.2.60
)zone";

// The zones to check: the corpus, plus the one above. For BIND, without
// its CDS and CDNSKEY: BIND refuses a zone whose CDS does not digest its
// CDNSKEY (a DNSSEC check, not a syntax one).
std::vector<CorpusZone> Zones(bool for_bind = false) {
  std::vector<CorpusZone> zones = ExportCorpus();
  std::string text;
  for (absl::string_view line : absl::StrSplit(kEveryType, '\n')) {
    if (for_bind && (absl::StrContains(line, " CDS ") || absl::StrContains(line, " CDNSKEY ")))
      continue;
    absl::StrAppend(&text, line, "\n");
  }
  absl::StatusOr<std::shared_ptr<const zones::Zone>> every =
      ZoneFromText("every.test.", text, "every.zone");
  EXPECT_TRUE(every.ok()) << every.status();
  if (every.ok()) zones.push_back(CorpusZone{"every type", "every.test.", *every});
  return zones;
}

class ZoneExportInterop : public testing::Test {
 protected:
  // The exported master file of `z`, written to a file; its path.
  std::string Export(const CorpusZone& z) {
    return folder_.Write("exported.zone", zones::ExportMasterFile(*z.zone));
  }
  TempFolder folder_;
};

TEST_F(ZoneExportInterop, NsdLoadsTheExportedMasterFileUnchanged) {
  STEER_REQUIRE(access(kNsdCheckzone, X_OK) == 0,
                "nsd-checkzone is not installed (apt-get install nsd)");
  for (const CorpusZone& z : Zones()) {
    SCOPED_TRACE(z.label);
    const std::string path = Export(z);
    ToolResult r = RunTool({kNsdCheckzone, "-p", z.origin, path}, folder_.path());
    ASSERT_EQ(r.status, 0) << "nsd-checkzone refused the export: " << r.err << r.out
                           << "\n" << ReadText(path);
    absl::StatusOr<std::shared_ptr<const zones::Zone>> back =
        LoadPrinted(z.origin, r.out, "nsd-checkzone -p");
    ASSERT_TRUE(back.ok()) << back.status() << "\n" << r.out;
    EXPECT_EQ(ZoneDifference(*z.zone, **back, Compare::kStatic), "")
        << "what NSD read differs from what we exported:\n"
        << ReadText(path) << "\nNSD printed:\n" << r.out;
  }
}

TEST_F(ZoneExportInterop, KnotAcceptsTheExportedMasterFile) {
  STEER_REQUIRE(access(kKzonecheck, X_OK) == 0,
                "kzonecheck is not installed (apt-get install knot-dnssecutils)");
  for (const CorpusZone& z : Zones()) {
    SCOPED_TRACE(z.label);
    const std::string path = Export(z);
    ToolResult r = RunTool({kKzonecheck, "-o", z.origin, path}, folder_.path());
    EXPECT_EQ(r.status, 0) << "kzonecheck refused the export: " << r.err << r.out << "\n"
                           << ReadText(path);
  }
}

TEST_F(ZoneExportInterop, BindLoadsTheExportedMasterFileUnchanged) {
  STEER_REQUIRE(access(kNamedCheckzone, X_OK) == 0,
                "named-checkzone is not installed (apt-get install bind9-utils)");
  for (const CorpusZone& z : Zones(/*for_bind=*/true)) {
    SCOPED_TRACE(z.label);
    const std::string path = Export(z);
    const std::string dump = folder_.path() + "/bind.dump";
    // -i local: no checks of names outside the zone; -k ignore: owner
    // names need not be host names; -D -o FILE: write the zone loaded.
    ToolResult r = RunTool(
        {kNamedCheckzone, "-i", "local", "-k", "ignore", "-D", "-o", dump, z.origin, path},
        folder_.path());
    ASSERT_EQ(r.status, 0) << "named-checkzone refused the export: " << r.err << r.out << "\n"
                           << ReadText(path);
    const std::string printed = ReadText(dump);
    absl::StatusOr<std::shared_ptr<const zones::Zone>> back =
        LoadPrinted(z.origin, printed, "named-checkzone -D");
    ASSERT_TRUE(back.ok()) << back.status() << "\n" << printed;
    EXPECT_EQ(ZoneDifference(*z.zone, **back, Compare::kStatic), "")
        << "what BIND read differs from what we exported:\n"
        << ReadText(path) << "\nBIND printed:\n" << printed;
  }
}

}  // namespace
}  // namespace zones_test
