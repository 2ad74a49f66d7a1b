// File: bench/bench_fixture.cc
#include "bench/bench_fixture.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/keys.h"
#include "dns/dnssec/nsec.h"
#include "dns/answer/snapshot.h"
#include "dns/wire/name.h"
#include "geo/health.h"
#include "geo/latency_table.h"
#include "geo/regions.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"
#include "zones/zone_loader.h"

namespace bench {
namespace {

[[noreturn]] void Die(std::string_view what) {
  std::fprintf(stderr, "bench fixture: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::abort();
}

std::string SourceDir() {
  const char* dir = std::getenv("STEER_SOURCE_DIR");
  return dir != nullptr ? dir : STEER_SOURCE_DIR_DEFAULT;
}

// Admin and health state as the server keeps them (outlive every snapshot).
geo::AdminStates& Admin() {
  static auto* a = new geo::AdminStates();
  return *a;
}
geo::HealthTable& Health() {
  static auto* h = new geo::HealthTable();
  return *h;
}

// A snapshot of one zone and a latency table, with the admin and health
// state above; dies on any error.
const dns::Snapshot& Build(absl::StatusOr<std::shared_ptr<const zones::Zone>> zone,
                           absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table,
                           std::shared_ptr<const dns::dnssec::KeysByZone> keys = nullptr) {
  if (!zone.ok()) Die(zone.status().ToString());
  if (!table.ok()) Die(table.status().ToString());
  dns::SnapshotInputs in;
  in.dnssec_keys = std::move(keys);
  in.zones.Put(*std::move(zone));
  in.latency = *std::move(table);
  in.admin = &Admin();
  in.health = &Health();
  auto snap = dns::BuildSnapshot(std::move(in));
  if (!snap.ok()) Die(snap.status().ToString());
  return **new std::unique_ptr<const dns::Snapshot>(*std::move(snap));
}

// The regions of ../shared/peers/common.sh GEO_TABLE.
struct GeoRow {
  const char* region;
  const char* net;
  const char* answer;
};
constexpr GeoRow kGeoTable[] = {
    {"us-east-1", "198.18.1.0/24", "192.0.2.1"},
    {"eu-west-1", "198.18.2.0/24", "192.0.2.2"},
    {"ap-southeast-1", "198.18.3.0/24", "192.0.2.3"},
    {"sa-east-1", "198.18.4.0/24", "192.0.2.4"},
};
constexpr const char* kDefaultRegion = "us-east-1";

// gen-zone.sh, line for line.
std::string PeersZoneText() {
  std::string z =
      "$ORIGIN bench.test.\n$TTL 300\n"
      "@ IN SOA ns1.bench.test. hostmaster.bench.test. 2024010101 3600 900 604800 300\n"
      "@ IN NS ns1.bench.test.\n@ IN NS ns2.bench.test.\n"
      "@ IN MX 10 mail.bench.test.\n"
      "ns1 IN A 198.51.100.53\nns2 IN A 198.51.100.54\nmail IN A 198.51.100.25\n"
      "alias IN CNAME host1.bench.test.\n*.wild IN A 198.51.100.80\n";
  for (int i = 0; i < 10000; ++i)
    absl::StrAppend(&z, "host", i, " IN A 198.19.", i / 256, ".", i % 256, "\n");
  char hex[16];
  for (int i = 0; i < 2000; ++i) {
    std::snprintf(hex, sizeof hex, "%x", i + 1);
    absl::StrAppend(&z, "host", i, " IN AAAA 2001:db8::", hex, "\n");
  }
  return z;
}

// bench/peers/steerdns.sh's bench.test.json and latency.csv.
std::string PeersJson() {
  std::string j = "{\"ResourceRecordSets\": [";
  for (size_t i = 0; i < std::size(kGeoTable); ++i) {
    const GeoRow& g = kGeoTable[i];
    absl::StrAppend(&j, i ? "," : "", "{\"Name\": \"www.bench.test.\", \"Type\": \"A\", ",
                    "\"SetIdentifier\": \"", g.region, "\", \"Region\": \"", g.region,
                    "\", \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"", g.answer,
                    "\"}]}");
  }
  return j + "]}";
}
std::string PeersLatencyCsv() {
  std::string c = "network,region,rtt_ms\n";
  for (const char* net : {"0.0.0.0/0", "::/0"}) {
    for (size_t i = 0; i < std::size(kGeoTable); ++i) {
      const bool best = std::string_view(kGeoTable[i].region) == kDefaultRegion;
      absl::StrAppend(&c, net, ",", kGeoTable[i].region, ",", best ? 40 : 100 + 10 * i, "\n");
    }
  }
  for (const GeoRow& row : kGeoTable) {
    for (size_t i = 0; i < std::size(kGeoTable); ++i) {
      const bool own = std::string_view(kGeoTable[i].region) == row.region;
      absl::StrAppend(&c, row.net, ",", kGeoTable[i].region, ",", own ? 10 : 100 + 10 * i, "\n");
    }
  }
  return c;
}

dns::ClientAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  dns::ClientAddress addr;
  addr.bytes[0] = a, addr.bytes[1] = b, addr.bytes[2] = c, addr.bytes[3] = d;
  return addr;
}

}  // namespace

const dns::Snapshot& ExampleSnapshot() {
  static const dns::Snapshot& snap = []() -> const dns::Snapshot& {
    const std::string root = SourceDir();
    return Build(zones::LoadZone("example.com.", {root + "/examples/example.com.zone",
                                                  root + "/examples/route53/example.com.json"}),
                 geo::LatencyTable::LoadCsv(root + "/examples/latency.csv"));
  }();
  return snap;
}

// The peers' zone, signed online with a KSK and a ZSK of `algorithm` made
// now when `algorithm` is not 0.
const dns::Snapshot& PeersSnapshotSigned(uint8_t algorithm) {
  std::string origin;
  dns::NameFromText("bench.test.", &origin);
  zones::ZoneBuilder b(origin);
  absl::Status s = zones::ReadMasterText(PeersZoneText(), "bench.test.zone", &b);
  if (s.ok()) s = zones::ReadRoute53JsonText(PeersJson(), "bench.test.json", &b);
  if (!s.ok()) Die(s.ToString());
  std::shared_ptr<dns::dnssec::KeysByZone> keys;
  if (algorithm != 0) {
    keys = std::make_shared<dns::dnssec::KeysByZone>();
    for (bool ksk : {true, false}) {
      auto k = dns::dnssec::GenerateKeyPair(origin, algorithm, ksk, std::time(nullptr));
      if (!k.ok()) Die(k.status().ToString());
      (*keys)[origin].push_back(*std::move(k));
    }
    dns::dnssec::AssignRoles(&(*keys)[origin]);
  }
  return Build(std::move(b).Build(), geo::LatencyTable::ParseCsv(PeersLatencyCsv(), "latency.csv"),
               std::move(keys));
}

const dns::Snapshot& PeersSnapshot() {
  static const dns::Snapshot& snap = PeersSnapshotSigned(0);
  return snap;
}

const dns::Snapshot& OnlineSignedSnapshot() {
  static const dns::Snapshot& snap =
      PeersSnapshotSigned(dns::dnssec::algorithm::kEcdsaP256Sha256);
  return snap;
}

namespace {

// A fake ECDSA P-256 signature (64 octets): the answer path never checks.
std::string FakeSig(const std::string& covered, int labels, int ttl) {
  return absl::StrCat("RRSIG ", covered, " 13 ", labels, " ", ttl,
                      " 20300101000000 20200101000000 1234 signed.test. ", std::string(88, 'A'));
}

// signed.test.: SOA, NS, DNSKEY, host0..host999 A, each RRset with an
// RRSIG, and an NSEC chain (nsec3 = false) or an NSEC3 chain without salt,
// 0 iterations (RFC 9276), as ldns-signzone would lay them out.
std::string SignedZoneText(bool nsec3) {
  std::vector<std::string> labels;
  for (int i = 0; i < 1000; ++i) labels.push_back(absl::StrCat("host", i));
  std::sort(labels.begin(), labels.end());  // canonical order of one-label names
  std::string z = "$ORIGIN signed.test.\n$TTL 3600\n@ SOA ns.example. h 1 2 3 4 300\n@ " +
                  FakeSig("SOA", 2, 3600) + "\n@ NS ns.example.\n@ " + FakeSig("NS", 2, 3600) +
                  "\n@ DNSKEY 257 3 13 " + std::string(88, 'A') + "\n@ " +
                  FakeSig("DNSKEY", 2, 3600) + "\n";
  for (const std::string& l : labels)
    z += l + " A 192.0.2.1\n" + l + " " + FakeSig("A", 2, 3600) + "\n";
  if (!nsec3) {
    z += "@ 300 NSEC " + labels[0] + " NS SOA RRSIG NSEC DNSKEY\n@ " + FakeSig("NSEC", 2, 300) +
         "\n";
    for (size_t i = 0; i < labels.size(); ++i) {
      const std::string next = i + 1 < labels.size() ? labels[i + 1] : "@";
      z += labels[i] + " 300 NSEC " + next + " A RRSIG NSEC\n" + labels[i] + " " +
           FakeSig("NSEC", 2, 300) + "\n";
    }
    return z;
  }
  z += "@ NSEC3PARAM 1 0 0 -\n";
  std::vector<std::pair<std::string, std::string>> hashed;  // owner label, types
  std::string wire;
  for (size_t i = 0; i <= labels.size(); ++i) {
    const std::string text = i == labels.size() ? "signed.test." : labels[i] + ".signed.test.";
    dns::Name n;
    if (!n.ParseText(text)) Die(text);
    uint8_t h[dns::dnssec::kNsec3HashLength];
    if (!dns::dnssec::Nsec3Hash(n.wire(), "", 0, h)) Die(text);
    char label[dns::dnssec::kNsec3LabelLength];
    hashed.emplace_back(std::string(label, dns::dnssec::Base32HexEncode(h, sizeof h, label)),
                        i == labels.size() ? "NS SOA RRSIG DNSKEY NSEC3PARAM" : "A RRSIG");
  }
  std::sort(hashed.begin(), hashed.end());
  for (size_t i = 0; i < hashed.size(); ++i) {
    const std::string& next = hashed[(i + 1) % hashed.size()].first;
    z += hashed[i].first + " 300 NSEC3 1 0 0 - " + next + " " + hashed[i].second + "\n" +
         hashed[i].first + " " + FakeSig("NSEC3", 3, 300) + "\n";
  }
  return z;
}

const dns::Snapshot& SignedSnapshot(bool nsec3) {
  std::string origin;
  if (!dns::NameFromText("signed.test.", &origin)) Die("origin");
  zones::ZoneBuilder b(origin);
  absl::Status s = zones::ReadMasterText(SignedZoneText(nsec3), "signed.test.zone", &b);
  if (!s.ok()) Die(s.ToString());
  return Build(std::move(b).Build(),
               geo::LatencyTable::ParseCsv(PeersLatencyCsv(), "latency.csv"));
}

// MakeQuery with EDNS and the DO bit (RFC 3225), and ECS if given.
std::vector<uint8_t> MakeQueryDo(std::string_view qname, uint16_t qtype, Ecs ecs = {}) {
  std::vector<uint8_t> q = MakeQuery(qname, qtype, true, ecs);
  // The OPT TTL's flags: DO. The OPT RR is last: its RDATA (the ECS option,
  // 8 octets + address) follows RDLENGTH, itself after the TTL.
  const size_t rdata = ecs.prefix ? 8 + (ecs.prefix + 7u) / 8 : 0;
  q[q.size() - rdata - 4] = 0x80;
  return q;
}

}  // namespace

const dns::Snapshot& NsecSignedSnapshot() {
  static const dns::Snapshot& snap = SignedSnapshot(false);
  return snap;
}
const dns::Snapshot& Nsec3SignedSnapshot() {
  static const dns::Snapshot& snap = SignedSnapshot(true);
  return snap;
}

std::vector<uint8_t> MakeQuery(std::string_view qname, uint16_t qtype, bool edns,
                               Ecs ecs) {
  std::vector<uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0,
                            static_cast<uint8_t>(edns ? 1 : 0)};
  size_t start = 0;
  for (size_t i = 0; i <= qname.size(); ++i) {
    if (i == qname.size() || qname[i] == '.') {
      if (i > start) {
        q.push_back(static_cast<uint8_t>(i - start));
        q.insert(q.end(), qname.begin() + start, qname.begin() + i);
      }
      start = i + 1;
    }
  }
  q.push_back(0);
  q.push_back(static_cast<uint8_t>(qtype >> 8));
  q.push_back(static_cast<uint8_t>(qtype));
  q.push_back(0);
  q.push_back(1);
  if (edns) {
    const size_t alen = (ecs.prefix + 7u) / 8;
    const size_t rdlen = ecs.prefix ? 8 + alen : 0;
    const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, static_cast<uint8_t>(rdlen)};
    q.insert(q.end(), std::begin(opt), std::end(opt));
    if (ecs.prefix) {
      const uint8_t head[] = {0, 8, 0, static_cast<uint8_t>(4 + alen), 0, 1, ecs.prefix, 0};
      q.insert(q.end(), std::begin(head), std::end(head));
      q.insert(q.end(), ecs.v4, ecs.v4 + alen);
    }
  }
  return q;
}

const std::vector<Case>& Cases() {
  static const std::vector<Case>& cases = *[] {
    auto* v = new std::vector<Case>();
    const dns::Snapshot* ex = &ExampleSnapshot();
    const dns::Snapshot* pe = &PeersSnapshot();
    const dns::Snapshot* si = &NsecSignedSnapshot();
    const dns::Snapshot* s3 = &Nsec3SignedSnapshot();
    const dns::Snapshot* on = &OnlineSignedSnapshot();
    const dns::ClientAddress lo = V4(127, 0, 0, 1);
    const Ecs ecs_ex{24, {203, 0, 113, 0}};  // ap-southeast-1 in latency.csv
    const Ecs ecs_pe{24, {198, 18, 3, 0}};   // run.sh's www-ecs option
    *v = {
        {"example/static_a", ex, MakeQuery("www.example.com", 1, false), lo},
        {"example/static_a_edns", ex, MakeQuery("www.example.com", 1, true), lo},
        {"example/nxdomain", ex, MakeQuery("nothere.example.com", 1, false), lo},
        {"example/referral", ex, MakeQuery("host.sub.example.com", 1, false), lo},
        {"example/wildcard", ex, MakeQuery("x.apps.example.com", 1, false), lo},
        {"example/cname_chain", ex, MakeQuery("web.example.com", 1, false), lo},
        {"example/refused", ex, MakeQuery("www.example.org", 1, false), lo},
        {"example/routed_a", ex, MakeQuery("app.example.com", 1, false), lo},
        {"example/routed_a_edns", ex, MakeQuery("app.example.com", 1, true), lo},
        {"example/routed_a_ecs", ex, MakeQuery("app.example.com", 1, true, ecs_ex), lo},
        {"peers/static_a", pe, MakeQuery("host42.bench.test", 1, false), lo},
        {"peers/static_a_edns", pe, MakeQuery("host42.bench.test", 1, true), lo},
        {"peers/static_a_ecs", pe, MakeQuery("host42.bench.test", 1, true, ecs_pe), lo},
        {"peers/aaaa", pe, MakeQuery("host42.bench.test", 28, false), lo},
        {"peers/nxdomain", pe, MakeQuery("nx12345.bench.test", 1, false), lo},
        {"peers/wildcard", pe, MakeQuery("x123.wild.bench.test", 1, false), lo},
        {"peers/alias_cname", pe, MakeQuery("alias.bench.test", 1, false), lo},
        {"peers/www", pe, MakeQuery("www.bench.test", 1, false), lo},
        {"peers/www_ecs", pe, MakeQuery("www.bench.test", 1, true, ecs_pe), lo},
        {"signed/static_a", si, MakeQuery("host42.signed.test", 1, false), lo},
        {"signed/static_a_edns", si, MakeQuery("host42.signed.test", 1, true), lo},
        {"signed/static_a_do", si, MakeQueryDo("host42.signed.test", 1), lo},
        {"signed/nxdomain_do", si, MakeQueryDo("nx12345.signed.test", 1), lo},
        {"signed/nodata_do", si, MakeQueryDo("host42.signed.test", 28), lo},
        {"nsec3/static_a_do", s3, MakeQueryDo("host42.signed.test", 1), lo},
        {"nsec3/nxdomain_do", s3, MakeQueryDo("nx12345.signed.test", 1), lo},
        {"nsec3/nodata_do", s3, MakeQueryDo("host42.signed.test", 28), lo},
        // The peers' zone signed online (ECDSA P-256): answers signed at
        // build (static, routed) and per query (compact denial, wildcard).
        {"online/static_a_do", on, MakeQueryDo("host42.bench.test", 1), lo},
        {"online/www_ecs", on, MakeQuery("www.bench.test", 1, true, ecs_pe), lo},
        {"online/www_ecs_do", on, MakeQueryDo("www.bench.test", 1, ecs_pe), lo},
        {"online/nxdomain_do", on, MakeQueryDo("nx12345.bench.test", 1), lo},
        {"online/nodata_do", on, MakeQueryDo("host42.bench.test", 28), lo},
        {"online/wildcard_do", on, MakeQueryDo("x123.wild.bench.test", 1), lo},
    };
    return v;
  }();
  return cases;
}

const Case* FindCase(std::string_view name) {
  for (const Case& c : Cases())
    if (name == c.name) return &c;
  return nullptr;
}

std::vector<std::vector<uint8_t>> PeersMixedQueries(size_t n) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::vector<uint8_t>> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const double r = u(rng);
    std::string name;
    uint16_t type = 1;
    if (r < 0.68) {
      name = absl::StrCat("host", static_cast<int>(u(rng) * 10000), ".bench.test");
    } else if (r < 0.69) {
      name = "alias.bench.test";
    } else if (r < 0.70) {
      name = absl::StrCat("x", static_cast<int>(u(rng) * 100000), ".wild.bench.test");
    } else if (r < 0.80) {
      name = absl::StrCat("host", static_cast<int>(u(rng) * 2000), ".bench.test");
      type = 28;
    } else if (r < 0.90) {
      name = absl::StrCat("nx", static_cast<int>(u(rng) * 1000000), ".bench.test");
    } else {
      name = "www.bench.test";
    }
    out.push_back(MakeQuery(name, type, false));
  }
  return out;
}

}  // namespace bench
